"""From subword vectors back to words and morphemes, through the character offsets.

A transformer gives one vector per piece (``▁날씨`` + ``가``); learners and
downstream code usually want one per word (``날씨가``) or per morpheme
(``날씨/NNG``, ``가/JKS``). Both groupings go through the offsets into the
original text, so they work for any tokenizer.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from seqlab.errors import InputError
from seqlab.i18n import _
from seqlab.vectors.limits import PREVIEW
from seqlab.vectors.record import EmbeddingRecord

METHODS = ("first", "mean", "last")
_WORD = re.compile(r"\S+")


@dataclass
class Group:
    """One word or morpheme and the vector built from its pieces."""

    label: str  # the word, or form/TAG
    start: int  # span in the original text
    end: int
    token_indices: list[int]  # which pieces of the record made it
    vector: np.ndarray  # (H,)

    def to_dict(self, preview: int = PREVIEW) -> dict:
        return {"label": self.label, "start": self.start, "end": self.end, "tokens": self.token_indices,
                "norm": float(np.linalg.norm(self.vector)), "preview": [float(v) for v in self.vector[:preview]]}


def _combine(vectors: np.ndarray, method: str) -> np.ndarray:
    if method == "first":
        return vectors[0]
    if method == "last":
        return vectors[-1]
    return vectors.mean(axis=0)


def _check(method: str) -> None:
    if method not in METHODS:
        raise InputError(_("unknown aggregation {method!r}").format(method=method),
                         _("Use one of: {choices}.").format(choices=', '.join(METHODS)))


def aggregate_words(record: EmbeddingRecord, method: str = "mean") -> list[Group]:
    """One vector per whitespace-separated word (어절), from the pieces whose ``word_ids`` point to it.

    >>> # "날씨가" <- mean of the vectors of "▁날씨" and "가"
    """
    _check(method)
    tok = record.tokens
    words = [m.span() for m in _WORD.finditer(tok.text)]
    members: dict[int, list[int]] = {}
    for i, w in enumerate(tok.word_ids):
        if w is not None and not tok.special_tokens_mask[i]:
            members.setdefault(w, []).append(i)
    return [Group(tok.text[slice(*words[w])], *words[w], idx, _combine(record.hidden[idx], method))
            for w, idx in sorted(members.items())]


def aggregate_morphemes(record: EmbeddingRecord, method: str = "mean") -> list[Group]:
    """One vector per Kiwi morpheme, from the pieces whose character span overlaps it.

    A piece that covers several morphemes (``▁안녕하세요`` = 안녕 + 하 + 세요)
    contributes to each of them; ``token_indices`` shows which pieces were used.
    """
    from seqlab.pretrained.loading import load_tokenizer

    _check(method)
    tok = record.tokens
    morphemes = load_tokenizer("kiwi", vocab=False).spans_of_original(tok.text)
    spans = [(i, s, e) for i, ((s, e), sp) in enumerate(zip(tok.offsets, tok.special_tokens_mask)) if not sp and e > s]
    groups = []
    for label, start, end in morphemes:
        idx = [i for i, s, e in spans if s < end and e > start and tok.text[max(s, start):min(e, end)].strip()]
        if idx:
            groups.append(Group(label, start, end, idx, _combine(record.hidden[idx], method)))
    return groups
