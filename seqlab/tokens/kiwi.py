"""Korean morphemes with Kiwi: ``안녕하세요`` -> ``안녕/NNG 하/XSA 세요/EF``.

Tokens are ``form/TAG`` so that homographs with different roles (이/JKS the
subject particle, 이/VCP the copula) get different ids. Many texts go through
Kiwi's own thread pool (``Kiwi(num_workers=-1)`` uses every core).
"""

from __future__ import annotations

import functools
import unicodedata

from seqlab.tokens.base import VocabTokenizer


@functools.cache
def kiwi_instance():
    """One shared, thread-pooled Kiwi analyzer (loading its model takes about a second)."""
    from kiwipiepy import Kiwi

    return Kiwi(num_workers=-1)


# Zero-width characters Kiwi misreads: 안녕\u200b하세요 gave 아/IC at 0:1 (a morpheme not in the text) over
# 안녕하세요/NNP at 0:6, 영\u200b화 a 여/MM over 영화/NNG, and 좋은\u200b날 a morpheme \u200b/NNG. They are left out of what
# Kiwi reads. One between two morphemes is then in no token, and every command and the page list it as removed
# (TokenRecord.uncovered), as for e5's normalizer; one inside a word lies inside that morpheme's span (shown escaped).
# A zero-width joiner between emoji stays: Kiwi reads 👨\u200d👩\u200d👧 as one emoji.
ZERO_WIDTH = frozenset("\u200b\u200c\u200d\u200e\u200f\u2060\ufeff\u00ad")  # spaces, joiners, marks, BOM, soft hyphen


def without_zero_width(text: str) -> tuple[str, list[int] | None]:
    """(the text without the :data:`ZERO_WIDTH` characters Kiwi misreads, the original index of each character kept;
    None when there were none).

    >>> without_zero_width("안녕\u200b하세요")
    ('안녕하세요', [0, 1, 3, 4, 5])
    """
    if ZERO_WIDTH.isdisjoint(text):
        return text, None
    kept = [i for i, c in enumerate(text) if c not in ZERO_WIDTH or _joins_emoji(text, i)]
    return "".join(text[i] for i in kept), kept


def _joins_emoji(text: str, i: int) -> bool:
    """A zero-width joiner after an emoji (or its skin tone or presentation selector): part of one emoji sequence."""
    return text[i] == "\u200d" and i > 0 and (unicodedata.category(text[i - 1]) in ("So", "Sk") or text[i - 1] == "\ufe0f")


def _back(spans: list[tuple[str, int, int, str]], kept: list[int] | None) -> list[tuple[str, int, int, str]]:
    """Spans over the text Kiwi read, as spans over the text given."""
    if kept is None:
        return spans

    def at(i: int) -> int:  # where character i of the text read starts in the text given (its end: past the last)
        return kept[i] if i < len(kept) else (kept[-1] + 1 if kept else 0)

    return [(tok, at(start), kept[end - 1] + 1 if end > start else at(start), tag) for tok, start, end, tag in spans]


class KiwiTokenizer(VocabTokenizer):
    """Kiwi morphemes with POS tags, ids from a vocabulary.

    >>> KiwiTokenizer(None).spans("좋네요")
    [('좋/VA', 0, 1, 'VA'), ('네요/EF', 1, 3, 'EF')]
    """

    kind = "kiwi"
    unit = "morpheme"

    @staticmethod
    def _convert(tokens) -> list[tuple[str, int, int, str]]:
        return [(f"{t.form}/{t.tag}", t.start, t.end, t.tag) for t in tokens]

    def spans(self, text: str):
        shown, where = without_zero_width(text)
        return _back(self._convert(kiwi_instance().tokenize(shown)), where)

    def spans_many(self, texts: list[str]):
        if len(texts) < 2:
            return [self.spans(t) for t in texts]
        read = [without_zero_width(t) for t in texts]
        return [_back(self._convert(tokens), where)
                for tokens, (_shown, where) in zip(kiwi_instance().tokenize([shown for shown, _where in read]), read)]

    def spans_of_original(self, text: str) -> list[tuple[str, int, int]]:
        """``(form/TAG, start, end)`` with offsets into ``text`` itself (normalized internally)."""
        from seqlab.text.unicode import normalize

        norm = normalize(text, self.normalization)
        return [(tok, *norm.to_original(s, e)) for tok, s, e, _ in self.spans(norm.text)]

    def split_candidates(self, texts: list[str], top_n: int = 3) -> list[list[list[str]]]:
        """The ``top_n`` best analyses of each text (a lone word is ambiguous: 오늘/NNG or 오늘/MAG)."""
        results = kiwi_instance().analyze(texts, top_n=top_n)
        return [[[f"{t.form}/{t.tag}" for t in tokens] for tokens, _score in result] for result in results]

    def join(self, tokens: list[str]) -> str:
        morphs = [tuple(t.rsplit("/", 1)) if "/" in t[1:] else (t, "NNG") for t in tokens]
        return kiwi_instance().join(morphs) if morphs else ""
