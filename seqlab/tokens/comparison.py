"""Compare tokenizers on the same texts: how many pieces, how many unknowns, how long.

Fertility is tokens per word (words = whitespace-separated 어절), counting
content tokens only; sequence lengths count what the model is fed, specials
included. A tokenizer that splits Korean into jamo has high fertility and long
sequences; one with a small vocabulary has a high [UNK] rate.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass

import numpy as np

from seqlab.tokens.base import Tokenizer
from seqlab.tokens.record import TokenRecord
from seqlab.tokens.simple import SPACE  # ▁: a token of its own in e5 before punctuation, and char's spaces


@dataclass(frozen=True)
class ComparisonRow:
    model: str
    vocab_size: int
    texts: int
    words: int
    tokens: int  # content tokens (no specials)
    fertility: float  # tokens per word
    unk: int
    unk_rate: float  # unknown tokens / content tokens
    chars_per_token: float
    length_p50: float  # sequence length fed to the model, specials included
    length_p95: float
    length_max: int
    space_tokens: int = 0  # content tokens that are a space alone (▁): char's one per space, e5's before punctuation
    # where the vocabulary comes from, for every row: "wordfreq" (the default of kiwi, char and whitespace), "given"
    # (a vocabulary file or object) or "model" (a transformer tokenizer's own); whitespace alone said "wordfreq"
    vocabulary: str = ""
    unk_from_word_list: bool = False  # its [UNK]s come from the default word vocabulary, made of morphemes

    def to_dict(self) -> dict:
        return asdict(self)


def compare(texts: Sequence[str], tokenizers: Sequence[Tokenizer], batch_size: int = 2048,
            progress: Callable[[int, int], None] | None = None, errors: str = "strict") -> list[ComparisonRow]:
    """One :class:`ComparisonRow` per tokenizer, over the same texts (``progress(texts done, of all tokenizers)``;
    ``errors``: ``"strict"`` refuses a lone surrogate, ``"replace"`` reads it as U+FFFD, as in ``encode``).

    >>> from seqlab import load_tokenizer
    >>> [r.tokens for r in compare(["좋은 날"], [load_tokenizer("char"), load_tokenizer("whitespace")])]
    [4, 2]
    """
    texts = list(texts)
    rows = []
    for tok in tokenizers:
        tally = _Tally()
        for start in range(0, len(texts), batch_size):
            if progress:
                progress(len(rows) * len(texts) + start, len(tokenizers) * len(texts))
            for rec in tok.encode_many(texts[start : start + batch_size], errors=errors):
                tally.add(rec)
        rows.append(tally.row(tok, texts))
    if progress:
        progress(len(tokenizers) * len(texts), len(tokenizers) * len(texts))
    return rows


def compare_text(text: str, tokenizers: Sequence[Tokenizer],
                 errors: str = "strict") -> list[tuple[TokenRecord, ComparisonRow]]:
    """One text through every tokenizer: each one's record (its tokens, for showing) and its row, from one encoding
    (``errors`` as in :func:`compare`).

    >>> from seqlab import load_tokenizer
    >>> [(rec.tokens, row.tokens) for rec, row in compare_text("좋은 날", [load_tokenizer("whitespace")])]
    [(['좋은', '날'], 2)]
    """
    out = []
    for tok in tokenizers:
        tally = _Tally()
        rec = tok.encode(text, errors=errors)
        tally.add(rec)
        out.append((rec, tally.row(tok, [text])))
    return out


class _Tally:
    """What a row counts, record by record."""

    def __init__(self) -> None:
        self.lengths: list[int] = []
        self.content = self.unk = self.spaces = 0
        self.from_word_list = False

    def add(self, rec: TokenRecord) -> None:
        self.lengths.append(len(rec.tokens))
        self.content += len(rec.tokens) - sum(rec.special_tokens_mask)
        self.unk += len(rec.unk)
        self.spaces += sum(1 for t, s in zip(rec.tokens, rec.special_tokens_mask) if t == SPACE and not s)
        self.from_word_list = self.from_word_list or rec.extra.get("vocabulary") == "wordfreq"

    def row(self, tok: Tokenizer, texts: list[str]) -> ComparisonRow:
        words = sum(len(t.split()) for t in texts)
        chars = sum(len("".join(t.split())) for t in texts)
        content, arr = self.content, np.array(self.lengths or [0])
        return ComparisonRow(
            model=tok.name, vocab_size=tok.vocab_size, texts=len(texts), words=words, tokens=content,
            fertility=content / words if words else 0.0, unk=self.unk, unk_rate=self.unk / content if content else 0.0,
            # characters other than spaces per token that is not a space alone: char's is 1.00 (its ▁ tokens, one per
            # space, were counted against characters that leave the spaces out: 0.75)
            chars_per_token=chars / (content - self.spaces) if content > self.spaces else 0.0,
            length_p50=float(np.percentile(arr, 50)),
            length_p95=float(np.percentile(arr, 95)), length_max=int(arr.max()), space_tokens=self.spaces,
            vocabulary=vocabulary_source(tok), unk_from_word_list=self.from_word_list,
        )


def vocabulary_source(tok: Tokenizer) -> str:
    """``wordfreq``, ``given`` or ``model``: where a tokenizer's vocabulary comes from (:attr:`ComparisonRow.vocabulary`)."""
    vocab = getattr(tok, "vocab", None)
    if vocab is None:
        return "model"
    return "wordfreq" if str((vocab.meta or {}).get("source", "")).startswith("wordfreq") else "given"
