"""The record every tokenizer returns for one text: tokens, ids, masks, offsets, unknowns."""

from __future__ import annotations

import bisect
import re
import unicodedata
from dataclasses import asdict, dataclass, field, replace

from seqlab.display import Displayable
from seqlab.ids.positions import kept_positions  # its owner is stage 3 (ids); truncate uses it

_WORD = re.compile(r"\S+")


@dataclass(frozen=True)
class UnkToken:
    """One unknown token and the original characters that produced it."""

    index: int  # position in ``tokens``
    chars: str  # text[start:end] of the ORIGINAL text
    start: int
    end: int


@dataclass(repr=False)  # Displayable's short repr
class TokenRecord(Displayable):
    """A text after tokenization and integer encoding.

    Offsets are ``[start, end)`` character positions in the ORIGINAL ``text``
    (special tokens get ``(0, 0)``). ``word_ids`` number the whitespace-separated
    words (어절) of the original text, the same way for every tokenizer, so that
    subword pieces and morphemes can be grouped back into words.

    >>> from seqlab import tokenize
    >>> r = tokenize("안녕하세요", model="char")
    >>> r.tokens, r.offsets
    (['안', '녕', '하', '세', '요'], [(0, 1), (1, 2), (2, 3), (3, 4), (4, 5)])
    """

    model: str
    text: str  # the original text
    normalized: str  # after seqlab's Unicode normalization (NFC by default)
    tokens: list[str]
    input_ids: list[int]
    attention_mask: list[int]
    special_tokens_mask: list[int]
    continuation: list[bool]  # True for a piece that continues a word (## / no leading ▁)
    offsets: list[tuple[int, int]]
    word_ids: list[int | None]
    unk: list[UnkToken]
    token_type_ids: list[int] | None = None  # only for models that have them (BERT)
    tags: list[str] | None = None  # POS tags (kiwi)
    model_normalized: str | None = None  # what the model's own normalizer made of the text
    normalization: str = "NFC"
    dropped: int = 0  # content tokens removed by truncation
    max_length: int | None = None  # the limit truncation cut to (None: never cut)
    unit: str = "piece"  # what one token is: piece (subword), character, word or morpheme; says what an [UNK] lacks
    extra: dict = field(default_factory=dict)

    def __len__(self) -> int:
        return len(self.tokens)

    @property
    def uncovered(self) -> list[tuple[int, str]]:
        """``(index, character)`` of each character no token covers, spaces aside: the model's normalizer removed it.

        A truncated record counts only up to its last token (what truncation cut is ``dropped``).

        >>> from seqlab import tokenize
        >>> tokenize("abc\u202edef 한글", model="minilm").uncovered
        [(3, '\u202e')]
        """
        covered = bytearray(len(self.text))
        for start, end in self.offsets:
            covered[start:end] = b"\x01" * (end - start)
        last = max((end for _start, end in self.offsets), default=0) if self.dropped else len(self.text)
        return [(i, c) for i, c in enumerate(self.text[:last]) if not covered[i] and not c.isspace()]

    @property
    def spaced(self) -> list[tuple[int, str, int]]:
        """``(index, character, token)`` of each non-space character the model's normalizer turned into a space,
        which the ▁ of that token now stands for (its span starts there: e5 maps U+200B and U+FFFD to a space and
        merges a run of them into one).

        >>> from seqlab import tokenize
        >>> r = tokenize("영\\u200b\\u200b\\u200b화", model="e5-small")
        >>> r.uncovered, r.spaced
        ([(1, '\\u200b'), (2, '\\u200b')], [(3, '\\u200b', 2)])
        >>> tokenize("\\u1112\\u1161\\u11ab", model="e5-small").spaced, tokenize("cafe\\u0301", model="e5-small").spaced
        ([], [])
        """
        out = []
        for i, (tok, (start, end)) in enumerate(zip(self.tokens, self.offsets)):
            first = self.text[start] if end > start else ""
            # a format or control character, or U+FFFD: never a letter that NFC merged (NFD 한글, cafe + U+0301)
            if tok.startswith("▁") and first and (first == "\ufffd" or unicodedata.category(first)[0] in "CZ") \
                    and not first.isspace():
                out.append((start, first, i))
        return out

    def to_dict(self) -> dict:
        """A JSON-ready dict (the ``seqlab tokenize --json`` contract)."""
        out = asdict(self)
        out["offsets"] = [list(o) for o in self.offsets]
        out["uncovered"] = [{"index": i, "char": c} for i, c in self.uncovered]
        out["spaced"] = [{"index": i, "char": c, "token": k} for i, c, k in self.spaced]
        out["unk"] = [{"index": u.index, "chars": u.chars, "start": u.start, "end": u.end} for u in self.unk]
        for key in ("token_type_ids", "tags", "model_normalized", "max_length"):
            if out[key] is None:
                del out[key]
        if not out["extra"]:
            del out["extra"]
        return out

DEFAULT_WINDOW = 512  # BERT-family position embeddings, for a tokenizer that does not say its model's window


def model_window(tokenizer) -> int:
    """The longest input (in tokens) the tokenizer's model reads: its ``model_max_length``, else 512.

    >>> model_window(object())
    512
    """
    return getattr(tokenizer, "model_max_length", None) or DEFAULT_WINDOW





def truncate(record: TokenRecord, max_length: int) -> TokenRecord:
    """Keep at most ``max_length`` tokens: the leading and trailing specials stay, content is cut.

    ``dropped`` counts the content tokens removed, as in ``[CLS] a b c [SEP]`` -> ``[CLS] a [SEP]``;
    ``max_length`` records the limit, whether or not it cut anything.
    """
    n = len(record.tokens)
    if n <= max_length:  # nothing cut; the window it was held to is still said (embed's max_length was null)
        return record if record.max_length is not None else replace(record, max_length=max_length)
    index = kept_positions(record.special_tokens_mask, max_length)
    pick = lambda values: None if values is None else [values[i] for i in index]
    kept = set(index)
    return replace(
        record, tokens=pick(record.tokens), input_ids=pick(record.input_ids),
        attention_mask=pick(record.attention_mask), special_tokens_mask=pick(record.special_tokens_mask),
        continuation=pick(record.continuation), offsets=pick(record.offsets), word_ids=pick(record.word_ids),
        token_type_ids=pick(record.token_type_ids), tags=pick(record.tags),
        unk=[UnkToken(index.index(u.index), u.chars, u.start, u.end) for u in record.unk if u.index in kept],
        dropped=record.dropped + n - len(index), max_length=max_length,
    )


def _joins(char: str) -> bool:
    """A character drawn onto the one before it: a combining mark (e + U+0301), or a Hangul vowel or final consonant
    of a syllable written as jamo (ᄒ ᅡ ᆫ)."""
    code = ord(char)
    return unicodedata.combining(char) != 0 or 0x1160 <= code <= 0x11FF or 0xD7B0 <= code <= 0xD7FF


def with_joined_marks(text: str, offsets: list[tuple[int, int]], special: list[int]) -> list[tuple[int, int]]:
    """Each token's span stretched over the marks and jamo that follow it and no token holds.

    A model's normalizer that composes (NFKC: ᄒ ᅡ ᆫ ᄀ ᅳ ᆯ → 한글) can map a token's end into the middle of what it
    composed: tokenizers gave e5-small's ▁한글 the span 0:4 of six jamo, and the last two read as "removed". What
    follows a token's end and joins onto it belongs to it, as é belongs to café's span when it is one code point.

    >>> with_joined_marks("\u1112\u1161\u11ab\u1100\u1173\u11af", [(0, 0), (0, 4), (0, 0)], [1, 0, 1])
    [(0, 0), (0, 6), (0, 0)]
    """
    covered = {k for (s, e), sp in zip(offsets, special) if not sp for k in range(s, e)}
    stretched: dict[int, int] = {}  # a token's end -> its new end, the same for every token that ends there
    for (s, e), sp in zip(offsets, special):
        if sp or e <= s or e in stretched:
            continue
        end = e
        while end < len(text) and end not in covered and _joins(text[end]):
            end += 1
        stretched[e] = end
        covered.update(range(e, end))
    return [(s, stretched.get(e, e)) if not sp and e > s else (s, e) for (s, e), sp in zip(offsets, special)]


def word_ids_for(text: str, offsets: list[tuple[int, int]], special: list[int]) -> list[int | None]:
    """Index of the whitespace-separated word each token belongs to.

    A token belongs to the word that contains the first non-space character at
    or after its start; a piece that is only the space before a word (``▁``)
    therefore belongs to the word it introduces. Specials get None.
    """
    words = [m.span() for m in _WORD.finditer(text)]
    ends = [e for _, e in words]
    out: list[int | None] = []
    for (start, _end), is_special in zip(offsets, special):
        if is_special:
            out.append(None)
            continue
        k = bisect.bisect_right(ends, start)  # first word ending after start
        out.append(k if k < len(words) else None)
    return out


def unknowns(text: str, tokens: list[str], ids: list[int], offsets: list[tuple[int, int]],
             unk_id: int | None) -> list[UnkToken]:
    if unk_id is None:
        return []
    return [UnkToken(i, text[s:e], s, e) for i, (tid, (s, e)) in enumerate(zip(ids, offsets)) if tid == unk_id]
