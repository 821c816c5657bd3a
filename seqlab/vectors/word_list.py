"""The vocabulary of the default word vectors: wordfreq's words, with Korean verbs and adjectives as words.

wordfreq's Korean list is made of morphemes: it has the stems 좋, 높, 짧 and the
ending 다 apart, but not 좋다, 높다 or 짧다, and not 사람들 or 선생님. A user
types dictionary forms, so the list is rebuilt with Kiwi:

1. every Korean entry is analysed alone; a bare verb or adjective stem (짧, 좋)
   is not a word and is left out, every other entry stays;
2. the stem of every verb or adjective met in those analyses gives a dictionary
   form (stem + 다: 짧다) and a past form (Kiwi joins stem + 었 + 다: 짧았다,
   추웠다), in the order of the stems' total wordfreq frequency;
3. verbs and adjectives of a noun or root + 하다 (사랑하다, 중요하다: wordfreq holds only
   사랑, 중요 and 하) are added from ``seqlab/data/korean_derived_predicates.txt``, the
   roots that Kiwi's language model expects 하 after (``scripts/derived_predicates.py``),
   each with its past form (사랑했다), when the root is among the entries;
4. forms attested in real text (NSMC reviews, seen at least twice) that wordfreq
   splits are added from ``seqlab/data/korean_word_forms.txt``: nouns + 들/님
   (사람들, 선생님) and more dictionary forms, each with its past form;
5. the most frequent English words follow.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from seqlab.progress import Progress

FORMS_FILE = Path(__file__).resolve().parents[1] / "data" / "korean_word_forms.txt"
DERIVED_FILE = Path(__file__).resolve().parents[1] / "data" / "korean_derived_predicates.txt"
PREDICATES = ("VV", "VA", "VX")  # verb, adjective, auxiliary; Kiwi adds -I/-R for irregular and regular
_HANGUL = re.compile(r"[가-힣]")


@dataclass
class WordList:
    """The words, in order, and where they came from (counts, for the build's report)."""

    words: list[str]
    counts: dict[str, int] = field(default_factory=dict)  # source -> how many words it added


def _is_predicate(tag: str) -> bool:
    return tag.split("-")[0] in PREDICATES


def _past(kiwi, stem: str, tag: str) -> str:
    """``갔다`` from (가, VV); the irregular tag (VA-I) makes Kiwi conjugate 춥 -> 추웠다."""
    return kiwi.join([(stem, tag), ("었", "EP"), ("다", "EF")])


def attested_forms(path: Path = FORMS_FILE) -> list[str]:
    """The words of ``korean_word_forms.txt`` (or another word file: comment lines skipped)."""
    lines = path.read_text(encoding="utf-8").splitlines()
    return [line.strip() for line in lines if line.strip() and not line.startswith("#")]


def korean_words(entries: Iterable[str], freq: dict[str, float] | None = None,
                 attested: Iterable[str] = (), progress: Progress | None = None,
                 derived: Iterable[str] = ()) -> WordList:
    """Korean words from morpheme-like ``entries`` (most frequent first), with dictionary and past forms.

    ``derived``: root + 하다 predicates, kept when their root is one of the entries. ``progress(done, total)``
    counts the entries and attested forms Kiwi has read.

    >>> korean_words(["사람", "짧", "서울", "사랑"], derived=["사랑하다", "행복하다"]).words
    ['사람', '서울', '사랑', '짧다', '짧았다', '사랑하다', '사랑했다']
    """
    from seqlab.tokens.kiwi import kiwi_instance

    kiwi = kiwi_instance()
    entries = list(entries)
    freq = freq or {}
    kept, stems, tags = [], Counter(), {}
    hangul = [w for w in entries if _HANGUL.search(w)]
    attested = list(attested)
    total = len(hangul) + len(attested)
    analyses = {}
    for done, (w, result) in enumerate(zip(hangul, kiwi.analyze(hangul, top_n=1)), 1):
        analyses[w] = result[0][0]
        if progress and (done % 2000 == 0 or done == len(hangul)):
            progress(done, total)
    for w in entries:
        tokens = analyses.get(w)
        if tokens is None:  # digits with letters, Latin letters: kept as they are
            kept.append(w)
            continue
        for t in tokens:
            if _is_predicate(t.tag):
                stems[t.form] += freq.get(w, 1.0)
                tags.setdefault(t.form, t.tag)
        if len(tokens) == 1 and _is_predicate(tokens[0].tag) and tokens[0].form == w:
            continue  # a bare stem (짧, 좋): not a word on its own
        kept.append(w)
    ranked = [s for s, _n in stems.most_common()]
    lemmas = [s + "다" for s in ranked]
    past = [_past(kiwi, s, tags[s]) for s in ranked]
    entry_set = set(entries)
    derived = [w for w in derived if w.endswith("하다") and w[:-2] in entry_set]
    derived_past = [w[:-2] + "했다" for w in derived]  # 하 + 었 is always 했
    known = set(kept) | set(derived)
    attested = [w for w in attested if w not in known]
    attested_past = []
    for done, w in enumerate(attested, 1):
        tokens = kiwi.analyze(w, top_n=1)[0][0] if w.endswith("다") else []
        if len(tokens) == 2 and _is_predicate(tokens[0].tag) and tokens[1].form == "다":
            attested_past.append(_past(kiwi, tokens[0].form, tokens[0].tag))
        if progress and (done % 500 == 0 or done == len(attested)):
            progress(total - len(attested) + done, total)
    base = list(dict.fromkeys(kept + lemmas + past))
    with_derived = list(dict.fromkeys(base + derived + derived_past))
    words = list(dict.fromkeys(with_derived + attested + attested_past))
    return WordList(words, {"wordfreq": len(kept), "dictionary forms": len(set(lemmas)),
                            "past forms": len(set(past)), "하다 forms": len(with_derived) - len(base),
                            "attested": len(words) - len(with_derived)})


def default_word_list(korean: int, english: int, progress: Progress | None = None) -> WordList:
    """wordfreq's ``korean`` most frequent Korean entries as words (see the module doc), then ``english`` words.

    ``progress(done, total)`` counts what Kiwi has read (about 15 s for 30,000 entries on one core)."""
    import wordfreq

    def is_word(w: str) -> bool:
        return any(c.isalpha() for c in w)

    ko_freq = wordfreq.get_frequency_dict("ko")
    ko = [w for w in ko_freq if is_word(w)][:korean]
    en = [w for w in wordfreq.get_frequency_dict("en") if is_word(w) and w.isascii()][:english]
    result = korean_words(ko, ko_freq, attested_forms(), progress, derived=attested_forms(DERIVED_FILE))
    words = list(dict.fromkeys(result.words + en))
    return WordList(words, {**result.counts, "english": len(words) - len(result.words)})
