"""Accuracy on an analogy question file in gensim's ``questions-words`` format.

The format: ``: section`` lines, then one question per line, ``a b c d``,
meaning a : b = c : d. A question counts when all four words are in the
vocabulary; the answer is right when the top word for ``b - a + c`` by 3CosAdd
(or 3CosMul: :mod:`seqlab.vectors.analogy`), inputs excluded, is ``d``. With
3CosAdd this is gensim's ``evaluate_word_analogies``; top-5 counts the answer
among the first five. As in gensim (``case_insensitive=True``), case does not
matter: a word missing from the vocabulary as written is looked up in lower case
(gensim's own questions-words.txt writes ``Athens Greece``), and Hangul is
composed (NFC) first.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from seqlab.errors import InputError, check_path
from seqlab.i18n import _
from seqlab.text.reading import iter_lines
from seqlab.vectors.analogy import DEFAULT_METHOD, METHODS, scores
from seqlab.vectors.word_input import nfc, source_label
from seqlab.vectors.word_set import WordVectors

KOREAN_ANALOGIES = Path(__file__).resolve().parents[1] / "data" / "korean_analogies.txt"  # seqlab/data/README.md


@dataclass
class SectionScore:
    name: str
    correct: int = 0  # the answer ranked first
    correct5: int = 0  # the answer among the first five
    total: int = 0  # questions with every word in the vocabulary
    skipped: int = 0  # questions with a word missing

    @property
    def accuracy(self) -> float | None:
        """None when no question of the section could be asked."""
        return self.correct / self.total if self.total else None

    @property
    def top5_accuracy(self) -> float | None:
        return self.correct5 / self.total if self.total else None


@dataclass
class AnalogyEvaluation:
    source: str
    questions: str
    method: str = DEFAULT_METHOD  # 3cosadd or 3cosmul
    sections: list[SectionScore] = field(default_factory=list)
    examples: list[dict] = field(default_factory=list)  # a few wrong answers, to look at
    unknown_words: list[str] = field(default_factory=list)  # the words that made questions skipped
    lowercased: list[str] = field(default_factory=list)  # words found only in lower case (King -> king)

    @property
    def correct(self) -> int:
        return sum(s.correct for s in self.sections)

    @property
    def total(self) -> int:
        return sum(s.total for s in self.sections)

    @property
    def accuracy(self) -> float:
        return self.correct / self.total if self.total else 0.0

    @property
    def top5_accuracy(self) -> float:
        return sum(s.correct5 for s in self.sections) / self.total if self.total else 0.0

    def to_dict(self) -> dict:
        return {"source": self.source, "questions": self.questions, "method": self.method, "accuracy": self.accuracy,
                "top1": self.accuracy, "top5": self.top5_accuracy, "correct": self.correct, "total": self.total,
                "skipped": sum(s.skipped for s in self.sections), "unknown_words": self.unknown_words,
                "lowercased": self.lowercased,
                "sections": [{"name": s.name, "accuracy": s.accuracy, "top1": s.accuracy, "top5": s.top5_accuracy,
                              "correct": s.correct, "total": s.total, "skipped": s.skipped} for s in self.sections],
                "wrong_examples": self.examples}


def read_questions(path: str | Path, errors: str = "strict") -> list[tuple[str, list[tuple[str, str, str, str]]]]:
    """The sections of a questions-words file, each with its (a, b, c, d) questions.

    ``errors``: ``"strict"`` stops at a line that is not UTF-8; ``"replace"`` reads it with U+FFFD, and its words, being
    in no vocabulary, are then skipped as unknown (and counted).
    """
    path = check_path("path", path)
    sections: list[tuple[str, list]] = []
    for number, line in iter_lines(path, errors):
        line = line.strip()
        if not line:
            continue
        if line.startswith(":"):
            sections.append((line[1:].strip(), []))
            continue
        parts = nfc(line).split()
        if len(parts) != 4:
            raise InputError(_("{path}: line {number} is not 'a b c d': {line!r}")
                             .format(path=path, number=number, line=line),
                             _("Use gensim's questions-words format: ': section' lines, then four words per line."))
        if not sections:
            sections.append(("default", []))
        sections[-1][1].append(tuple(parts))
    if not any(items for _name, items in sections):
        raise InputError(_("{path} holds no question").format(path=path),
                         _("Write one question per line, 'a b c d' (a : b = c : d), under ': section' lines."))
    return sections


def evaluate(vectors: WordVectors, questions: str | Path, batch: int = 256,
             method: str = DEFAULT_METHOD, sections: list | None = None) -> AnalogyEvaluation:
    """Score every question of the file (vectorized: one matrix product per batch of questions).

    ``sections``: the file already read by :func:`read_questions` (stdin can be read only once).
    """
    if method not in METHODS:
        raise InputError(_("unknown analogy method {method!r}").format(method=method),
                         _("Use one of: {choices}.").format(choices=", ".join(METHODS)))
    result = AnalogyEvaluation(vectors.source, str(questions), method)
    unknown: dict[str, None] = {}
    lowered: dict[str, None] = {}

    def in_vocabulary(word: str) -> str | None:
        if word in vectors.index:
            return word
        if word.lower() in vectors.index:
            lowered[word] = None
            return word.lower()
        unknown[word] = None
        return None

    for name, items in read_questions(questions) if sections is None else sections:
        score = SectionScore(name)
        found = [tuple(in_vocabulary(w) for w in q) for q in items]
        known = [q for q in found if all(q)]
        score.skipped = len(items) - len(known)
        for start in range(0, len(known), batch):
            chunk = known[start : start + batch]
            idx = np.array([[vectors.index[w] for w in q] for q in chunk])  # (n, 4): a b c d
            v = vectors.vectors
            ranked_scores = scores(method, v, v[idx][:, [1, 2]], v[idx][:, [0]])  # (n, V): b + c - a
            rows = np.arange(len(chunk))[:, None]
            ranked_scores[rows, idx[:, :3]] = -np.inf
            top = min(5, ranked_scores.shape[1])
            top5 = np.argpartition(-ranked_scores, top - 1, axis=1)[:, :top]
            top5 = np.take_along_axis(top5, np.argsort(-np.take_along_axis(ranked_scores, top5, 1), axis=1), 1)
            for q, ranked, d in zip(chunk, top5, idx[:, 3]):
                if ranked[0] == d:
                    score.correct += 1
                elif len(result.examples) < 10:
                    result.examples.append({"question": " ".join(q), "answer": vectors.words[ranked[0]]})
                score.correct5 += int(d in ranked)
            score.total += len(chunk)
        result.sections.append(score)
    result.unknown_words, result.lowercased = list(unknown), list(lowered)
    if result.total == 0:
        unknown = result.unknown_words
        hint = cli_hint = (_("Unknown words: {words}.").format(words=", ".join(unknown)) if len(unknown) <= 20 else
                           _("Unknown words: {words} and {n:,} more ({total:,} in all).").format(
                               words=", ".join(unknown[:20]), n=len(unknown) - 20, total=len(unknown)))
        if any(w.isascii() for w in result.unknown_words) and vectors.morphemes:
            hint += " " + _("Kiwi's word vectors hold Korean words only: for English words use the word vectors of "
                            "e5-small or minilm (word_vectors(\"e5-small\")).")
            cli_hint += " " + _("Kiwi's word vectors hold Korean words only: for English words use --model e5-small "
                                "or minilm.")
        else:  # what to do next: vectors that hold these words, or questions that use the vectors' own words
            hint += " " + _("Train the vectors on a larger text or with a lower min_count, or give questions whose "
                            "words they hold.")
            cli_hint += " " + _("Train the vectors on a larger corpus or with a lower --min-count, or give a "
                                "questions file of your own (seqlab wordvec eval FILE) with words they hold.")
        raise InputError(_("no question of {questions} has all four words in the vocabulary of {source}")
                         .format(questions=questions, source=source_label(vectors.source)), hint, cli_hint=cli_hint)
    return result
