"""Default vocabularies for the ``kiwi``, ``char`` and ``whitespace`` tokenizers, built once from ``wordfreq``.

Without ``--vocab`` these tokenizers take their ids from a vocabulary built on
first use from the ``wordfreq`` package's Korean list (about 30k entries) and its
top 20k English words, each counted with its frequency per billion words
(offline, general domain), and cached in ``$SEQLAB_HOME/vocab``. Kiwi's vocabulary also
takes Kiwi's own particles and endings (1,703): a word list holds few of them
(``습니다/EF`` was missing), while running text is full of them.
"""

from __future__ import annotations

import string
from pathlib import Path

from seqlab.ids.vocab import Vocabulary
from seqlab.storage import exclusive, seqlab_home
from seqlab.tokens.kiwi import KiwiTokenizer
from seqlab.tokens.simple import SPACE, CharTokenizer, WhitespaceTokenizer

VOCAB_TOKENIZERS = {"kiwi": KiwiTokenizer, "char": CharTokenizer, "whitespace": WhitespaceTokenizer}
VERSION = 2  # 2: Kiwi's own particles and endings added (wordfreq's words lack 습니다/EF)
GRAMMAR_IDS = 80_000  # Kiwi's morpheme ids looked at: every particle and ending (1,703 in kiwipiepy-model 0.24)
_loaded: dict[tuple[str, str], Vocabulary] = {}


def default_vocab_path(kind: str) -> Path:
    return seqlab_home() / "vocab" / f"{kind}-wordfreq-v{VERSION}.json"


def default_vocab(kind: str) -> Vocabulary:
    """The cached default vocabulary of a ``kiwi``, ``char`` or ``whitespace`` tokenizer (read once per process)."""
    path = default_vocab_path(kind)
    key = (kind, str(path))
    if key in _loaded:
        return _loaded[key]
    if not path.exists():
        with exclusive(path):  # another process building it (a server, a second worker): wait, then read its file
            if not path.exists():
                _build(kind).save(path)
    _loaded[key] = Vocabulary.load(path)
    return _loaded[key]


def _build(kind: str) -> Vocabulary:
    """The default vocabulary of ``kind`` from wordfreq's Korean and English lists (a few seconds)."""
    import wordfreq

    entries = list(wordfreq.get_frequency_dict("ko").items())
    entries += list(wordfreq.get_frequency_dict("en").items())[:20_000]
    words = [w for w, _ in entries]
    weights = [max(1, round(f * 1e9)) for _, f in entries]
    # wordfreq lists hold no punctuation; give common marks the weight of the 100th word
    marks = list(string.punctuation) + ["…", "·", "ㅋㅋ", "ㅎㅎ", "ㅠㅠ", "ㅜㅜ", "...", "!!", "??", "^^"]
    words += marks
    weights += [sorted(weights, reverse=True)[100]] * len(marks)
    tokenizer = VOCAB_TOKENIZERS[kind](None)
    if kind == "kiwi":  # a word without context has several analyses: count each of the best three
        token_lists, spread = [], []
        for candidates, weight in zip(tokenizer.split_candidates(words), weights):
            token_lists += candidates
            spread += [weight] * len(candidates)
        grammar = kiwi_grammar_morphemes()  # word lists hold few formal endings: running text is full of them
        token_lists += [[m] for m in grammar]
        spread += [sorted(weights, reverse=True)[1000]] * len(grammar)
        weights = spread
    else:
        token_lists = tokenizer.split_many(words)
    if kind == "char":  # running text has about one space per word, and spaces are tokens here
        token_lists.append([SPACE])
        weights.append(sum(weights))
    source = "wordfreq ko + en top 20k" + (" + Kiwi's particles and endings" if kind == "kiwi" else "")
    return Vocabulary.build(token_lists, weights=weights, max_size=50_000, meta={"tokenizer": kind, "source": source})


def kiwi_grammar_morphemes() -> list[str]:
    """Kiwi's particles (J*) and endings (E*) as ``form/TAG`` tokens, e.g. ``습니다/EF``, ``을/JKO``.

    Past the ids that have vectors (70,488) come allomorphs such as ``습니다`` (of ``ᆸ니다``): all are taken.
    """
    from seqlab.tokens.kiwi import kiwi_instance

    kiwi, seen = kiwi_instance(), {}
    for i in range(GRAMMAR_IDS):
        m = kiwi.morpheme(i)
        tag = str(m.tag)
        if m.form and tag[:1] in ("E", "J"):
            seen.setdefault(f"{m.form}/{tag}", None)
    return list(seen)
