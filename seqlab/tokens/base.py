"""What every seqlab tokenizer offers, and the shared part of the vocabulary-based ones."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Sequence

from seqlab.errors import InputError
from seqlab.i18n import _
from seqlab.ids.batch import Batch, pad_sequences
from seqlab.ids.vocab import Vocabulary
from seqlab.text.unicode import clean_surrogates, clean_surrogates_each, normalize
from seqlab.tokens.record import TokenRecord, unknowns, word_ids_for


def as_texts(texts: str | Sequence[str]) -> list[str]:
    """One string, or a list (any iterable) of strings, as a list; anything else is refused by name."""
    if isinstance(texts, str):
        return [texts]
    if isinstance(texts, (bytes, bytearray)):
        raise InputError(_("the text must be a string, not {name}").format(name=type(texts).__name__),
                         _("Decode it first: data.decode(\"utf-8\")."))
    if not hasattr(texts, "__iter__"):
        raise InputError(_("texts must be a string or a list of strings, not {name}").format(
            name=type(texts).__name__), _("e.g. \"안녕하세요\" or [\"안녕하세요\", \"반갑습니다\"]"))
    texts = list(texts)
    bad = [i for i, t in enumerate(texts) if not isinstance(t, str)]
    if bad:
        raise InputError(_("text #{index} is {name}, not a string").format(index=bad[0],
                                                                             name=type(texts[bad[0]]).__name__),
                         _("Give a list of strings: leave missing texts out, or write them as \"\"."))
    return [str(t) for t in texts]  # plain str: NumPy's str_ went on into the records and their JSON


def one_text(text) -> list[str]:
    """``[text]`` for a tokenizer's ``encode``; anything but a string is refused by name ("not bytes", "not list")."""
    if not isinstance(text, str):
        hint = _("Decode it first: data.decode(\"utf-8\").") if isinstance(text, (bytes, bytearray)) else \
            _("Give one text (a str). For a list of texts: the tokenizer's encode_many (seqlab.load_tokenizer(…)"
              ".encode_many), or seqlab.encode_batch and seqlab.embed, which take a list.")
        raise InputError(_("the text must be a string, not {name}").format(name=type(text).__name__), hint)
    return [text]


class Tokenizer(ABC):
    """Text -> :class:`TokenRecord` (one text) or :class:`Batch` (many texts).

    Every tokenizer first removes or rejects lone surrogates, then applies the
    Unicode normalization ``normalization`` (NFC by default) with an offset map,
    so offsets always point into the text the caller gave.
    """

    name: str
    normalization: str = "NFC"
    unk_token: str | None = None
    has_token_type_ids: bool = False
    unit: str = "piece"  # what one token is (TokenRecord.unit): piece, character, word or morpheme

    @property
    @abstractmethod
    def vocab_size(self) -> int: ...

    @abstractmethod
    def encode(self, text: str, errors: str = "strict") -> TokenRecord:
        """Tokenize and encode one text."""

    def encode_many(self, texts: Sequence[str], errors: str = "strict") -> list[TokenRecord]:
        """Records for many texts (subclasses use their library's batch call)."""
        return [self.encode(t, errors) for t in as_texts(texts)]

    @abstractmethod
    def batch(self, texts: Sequence[str], padding: str = "longest", max_length: int | None = None,
              truncation: bool = True, errors: str = "strict") -> Batch:
        """Encode many texts into a padded, truncated :class:`Batch` (numpy arrays)."""

    @abstractmethod
    def decode(self, ids: Sequence[int], skip_special_tokens: bool = True) -> str:
        """Ids back to text."""

    @abstractmethod
    def split_many(self, texts: Sequence[str]) -> list[list[str]]:
        """Only the token strings, as fast as possible (vocabulary building, statistics)."""

    def load_all(self) -> None:
        """Load everything now, for a long-running process (a lazily loaded vocabulary); nothing by default."""


class VocabTokenizer(Tokenizer):
    """A tokenizer that splits text itself and takes its ids from a :class:`Vocabulary`.

    Subclasses implement :meth:`spans`: the tokens of a (normalized) text with
    their ``[start, end)`` offsets and optional tags.
    """

    kind: str = ""
    unk_token = "<unk>"

    def __init__(self, vocab: Vocabulary | None, normalization: str = "NFC", add_special_tokens: bool = False):
        self.vocab = vocab
        self.normalization = normalization
        self.add_special_tokens = add_special_tokens
        self.name = self.kind

    @property
    def vocab_size(self) -> int:
        return len(self.vocab) if self.vocab is not None else 0

    def __repr__(self) -> str:
        size = f"vocabulary {self.vocab_size:,}" if self.vocab is not None else "no vocabulary"
        return f"{type(self).__name__}({self.name!r}, {size}, normalization {self.normalization})"

    def _require_vocab(self) -> Vocabulary:
        if self.vocab is None:
            raise InputError(_("the {name} tokenizer was loaded without a vocabulary, so it has no ids")
                             .format(name=self.name))
        return self.vocab

    @abstractmethod
    def spans(self, text: str) -> list[tuple[str, int, int, str | None]]:
        """``(token, start, end, tag)`` for each token of an already normalized text."""

    def spans_many(self, texts: list[str]) -> list[list[tuple[str, int, int, str | None]]]:
        return [self.spans(t) for t in texts]

    def split_many(self, texts: Sequence[str]) -> list[list[str]]:
        prepared = [normalize(clean_surrogates(t, "replace"), self.normalization).text for t in as_texts(texts)]
        return [[tok for tok, *_ in s] for s in self.spans_many(prepared)]

    def continuation(self, tokens: list[str], word_ids: list[int | None]) -> list[bool]:
        """A token continues a word when the previous token belongs to the same word."""
        return [i > 0 and w is not None and word_ids[i - 1] == w for i, w in enumerate(word_ids)]

    def _record(self, original: str, spans: list[tuple[str, int, int, str | None]], norm) -> TokenRecord:
        vocab = self._require_vocab()
        tokens = [s[0] for s in spans]
        offsets = [norm.to_original(s[1], s[2]) for s in spans]
        tags = [s[3] for s in spans]
        special = [0] * len(tokens)
        if self.add_special_tokens:
            tokens = ["<bos>", *tokens, "<eos>"]
            offsets = [(0, 0), *offsets, (0, 0)]
            tags = [None, *tags, None]
            special = [1, *special, 1]
        ids = vocab.encode(tokens)
        word_ids = word_ids_for(original, offsets, special)
        unk = unknowns(original, tokens, ids, offsets, vocab.unk_id)
        # the default word vocabulary comes from a word list split into morphemes: an [UNK] there is said to be that
        from_pieces = unk and self.unit == "word" and str((vocab.meta or {}).get("source", "")).startswith("wordfreq")
        return TokenRecord(
            model=self.name, text=original, normalized=norm.text, tokens=tokens, input_ids=ids,
            attention_mask=[1] * len(ids), special_tokens_mask=special,
            continuation=[c and not s for c, s in zip(self.continuation(tokens, word_ids), special)],
            offsets=offsets, word_ids=word_ids, unk=unk,
            tags=tags if any(t is not None for t in tags) else None, normalization=self.normalization,
            unit=self.unit, extra={"vocabulary": "wordfreq"} if from_pieces else {},
        )

    def encode(self, text: str, errors: str = "strict") -> TokenRecord:
        return self.encode_many(one_text(text), errors)[0]

    def encode_many(self, texts: Sequence[str], errors: str = "strict") -> list[TokenRecord]:
        originals = clean_surrogates_each(as_texts(texts), errors)
        norms = [normalize(t, self.normalization) for t in originals]
        all_spans = self.spans_many([n.text for n in norms])
        return [self._record(o, s, n) for o, s, n in zip(originals, all_spans, norms)]

    def batch(self, texts: Sequence[str], padding: str = "longest", max_length: int | None = None,
              truncation: bool = True, errors: str = "strict") -> Batch:
        vocab = self._require_vocab()
        prepared = [normalize(t, self.normalization).text for t in clean_surrogates_each(as_texts(texts), errors)]
        sequences = []
        for spans in self.spans_many(prepared):
            ids = vocab.encode(s[0] for s in spans)
            if self.add_special_tokens:
                ids = [vocab.bos_id, *ids, vocab.eos_id]
            sequences.append(ids)
        ends = (1, 1) if self.add_special_tokens else (0, 0)  # <bos> and <eos> stay when the text is cut
        return pad_sequences(self.name, sequences, vocab.pad_id, padding, max_length, truncation, ends)

    def decode(self, ids, skip_special_tokens: bool = True) -> str:
        vocab = self._require_vocab()
        tokens = vocab.decode(ids)
        if skip_special_tokens:
            specials = set(vocab.specials) - {"<unk>"}
            tokens = [t for t in tokens if t not in specials]
        return self.join(tokens)

    @abstractmethod
    def join(self, tokens: list[str]) -> str:
        """Tokens back to text."""
