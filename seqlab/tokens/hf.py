"""Hugging Face tokenizers (``AutoTokenizer``'s Rust backend): WordPiece, unigram, BPE.

A model directory with ``tokenizer.json`` is loaded straight into
``tokenizers.Tokenizer`` with the settings of ``tokenizer_config.json`` (its
special tokens, maximum length and input names): the same pipeline that
``AutoTokenizer.from_pretrained`` builds (tested equal on the embedded models),
without importing transformers or torch, so a tokenize-only command starts fast.
Other tokenizers (a hub id, a directory with only ``vocab.txt``) come from
``AutoTokenizer`` itself (:meth:`TokenizerSettings.from_transformers`).

seqlab then calls the backend directly: ``encode_batch`` runs on every core. The
backend is never configured for padding or truncation (seqlab pads and truncates
in numpy), so one instance serves concurrent callers; a copy per setting would
cost about 300 MB each for e5's 250k-piece vocabulary.
"""

from __future__ import annotations

import itertools
import json
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from seqlab.errors import DamagedFile, json_problem
from seqlab.i18n import _, ngettext
from seqlab.ids.batch import Batch, check_fits, check_padding, check_truncation
from seqlab.ids.positions import kept_positions
from seqlab.ids.vocab import checked_ids
from seqlab.text.unicode import clean_surrogates_each, has_surrogates, normalize
from seqlab.tokens.base import Tokenizer, as_texts, one_text
from seqlab.tokens.prefixes import prefix_text
from seqlab.tokens.record import TokenRecord, unknowns, with_joined_marks, word_ids_for

METASPACE = "▁"
BYTELEVEL_SPACE = "Ġ"


@dataclass(frozen=True)
class TokenizerSettings:
    """What ``AutoTokenizer`` adds to the backend: special tokens, the model's window, its input names."""

    unk_token: str | None
    pad_token: str | None
    model_max_length: int | None
    has_token_type_ids: bool

    @classmethod
    def from_directory(cls, directory: str | Path, backend) -> TokenizerSettings:
        """From ``tokenizer_config.json`` and ``special_tokens_map.json`` beside ``tokenizer.json``."""
        directory = Path(directory)
        config: dict = {}
        for name in ("special_tokens_map.json", "tokenizer_config.json"):  # the config wins
            path = directory / name
            if path.exists():
                try:
                    part = json.loads(path.read_text(encoding="utf-8"))
                except ValueError as exc:  # not JSON, or not UTF-8
                    raise DamagedFile(_("{path} is damaged: {exc}").format(path=path, exc=json_problem(exc)),
                                      _("Save the tokenizer again (save_pretrained, or seqlab tokenizer train)."),
                                      reason=f"{type(exc).__name__}: {exc}") from None
                if not isinstance(part, dict):
                    raise DamagedFile(_("{path} is damaged: {exc}").format(path=path, exc=_("it is not a JSON object")),
                                      _("Save the tokenizer again (save_pretrained, or seqlab tokenizer train)."))
                config.update(part)

        def token(key):
            value = config.get(key)
            return value.get("content") if isinstance(value, dict) else value

        names = config.get("model_input_names")
        if names is None:  # transformers' BERT-style tokenizers add token type ids; RoBERTa/XLM-R do not
            post = backend.post_processor  # the object itself: serializing the whole backend would load every piece
            processor = json.loads(post.__getstate__()) if post is not None else {}
            names = ["token_type_ids"] if processor.get("type") == "BertProcessing" or \
                '"type_id": 1' in json.dumps(processor) else []
        n = config.get("model_max_length")
        return cls(token("unk_token"), token("pad_token"), n if isinstance(n, int) and n < 1_000_000 else None,
                   "token_type_ids" in names)

    @classmethod
    def from_transformers(cls, hf) -> TokenizerSettings:
        n = getattr(hf, "model_max_length", None)
        return cls(hf.unk_token, hf.pad_token, n if isinstance(n, int) and n < 1_000_000 else None,
                   "token_type_ids" in hf.model_input_names)


class HFTokenizer(Tokenizer):
    """A Hugging Face tokenizer behind the seqlab interface.

    Args:
        name: the registry name or path shown in records.
        backend: the ``tokenizers.Tokenizer`` (``AutoTokenizer(...).backend_tokenizer``).
        settings: special tokens, maximum length and input names.
        normalization: Unicode form applied before the model's own normalizer.
        prefix: text put before every input (e5's ``"query: "`` / ``"passage: "``; the role names ``query`` and
            ``passage`` stand for them, :func:`~seqlab.tokens.prefixes.prefix_text`).
    """

    def __init__(self, name: str, backend, settings: TokenizerSettings, normalization: str = "NFC",
                 prefix: str = ""):
        self.name, self.settings, self.normalization = name, settings, normalization
        self._prefix = prefix_text(prefix)  # "query" is e5's "query: ", as on the command line
        self._backend = backend
        self._plain()
        self.unk_token = settings.unk_token
        self.unk_id = backend.token_to_id(settings.unk_token) if settings.unk_token else None
        pad = backend.token_to_id(settings.pad_token) if settings.pad_token else None
        self.pad_id = pad if pad is not None else 0
        self.has_token_type_ids = settings.has_token_type_ids
        model = self._backend.model
        self.family = type(model).__name__  # WordPiece, Unigram, BPE, WordLevel
        self.subword_prefix = getattr(model, "continuing_subword_prefix", None) if self.family == "WordPiece" else None
        described = f"{self._backend.pre_tokenizer} {self._backend.decoder}"
        self.space_marker = METASPACE if "Metaspace" in described else BYTELEVEL_SPACE if "ByteLevel" in described else None

    @classmethod
    def from_directory(cls, name: str, directory: str | Path, normalization: str = "NFC") -> HFTokenizer:
        """Load ``directory/tokenizer.json`` with ``tokenizers`` alone (no transformers, no torch).

        A large Unigram vocabulary (e5-small's 250,002 pieces) loads piece by piece (:mod:`seqlab.tokens.lazy_unigram`).
        """
        from tokenizers import Tokenizer as Backend

        from seqlab.tokens.lazy_unigram import open_lazy

        path = Path(directory) / "tokenizer.json"
        try:
            backend = open_lazy(path) or Backend.from_file(str(path))
        except Exception as exc:  # noqa: BLE001  tokenizers raises a bare Exception for a file it cannot parse
            raise DamagedFile(_("{path} is not a tokenizer file that tokenizers can read").format(path=path),
                              _("Give a folder saved by save_pretrained, or made by seqlab tokenizer train."),
                              reason=f"{type(exc).__name__}: {exc}") from None
        return cls(name, backend, TokenizerSettings.from_directory(directory, backend), normalization)

    @classmethod
    def from_transformers(cls, name: str, hf, normalization: str = "NFC") -> HFTokenizer:
        """Wrap what ``AutoTokenizer.from_pretrained`` returned."""
        return cls(name, hf.backend_tokenizer, TokenizerSettings.from_transformers(hf), normalization)

    def convert_tokens_to_ids(self, tokens: str | Sequence[str]) -> int | list[int]:
        """Each token's id (``unk_id`` for a token not in the vocabulary), as ``AutoTokenizer`` does: one token
        (a string) gives one id, a list gives a list (a string was read as its characters)."""
        def one(token: str) -> int:
            found = self._backend.token_to_id(token)
            return found if found is not None else self.unk_id

        return one(tokens) if isinstance(tokens, str) else [one(t) for t in tokens]

    def get_vocab(self) -> dict[str, int]:
        return self._backend.get_vocab(with_added_tokens=True)

    def _plain(self):
        """The backend without padding/truncation (transformers' own calls switch them on)."""
        backend = self._backend
        if backend.truncation is not None:
            backend.no_truncation()
        if backend.padding is not None:
            backend.no_padding()
        return backend

    def load_all(self) -> None:
        """Load the whole vocabulary now (a lazily loaded one otherwise grows with the texts it meets).

        The web server does so at start; batch work switches by itself after a few thousand characters
        (:mod:`seqlab.tokens.lazy_unigram`); a one-sentence command never pays for it.
        """
        load = getattr(self._backend, "load_all", None)
        if load is not None:
            load()

    def with_prefix(self, prefix: str) -> HFTokenizer:
        """The same tokenizer with another input prefix (shares the loaded model)."""
        clone = object.__new__(HFTokenizer)
        clone.__dict__.update(self.__dict__)
        clone._prefix = prefix_text(prefix)
        return clone

    @property
    def prefix(self) -> str:
        """The text put before every input (read-only: :meth:`with_prefix` gives a tokenizer with another one)."""
        return self._prefix

    @prefix.setter
    def prefix(self, value) -> None:
        # load_tokenizer hands out one shared tokenizer: t.prefix = "query: " changed every later tokenize and embed
        raise AttributeError("a tokenizer's prefix is read-only (load_tokenizer's tokenizers are shared): use "
                             f"tokenizer.with_prefix({value!r}) for one with that prefix")

    def __repr__(self) -> str:
        return (f"HFTokenizer({self.name!r}, vocabulary {self.vocab_size:,}, normalization {self.normalization}"
                + (f", prefix {self.prefix!r}" if self.prefix else "") + ")")

    @property
    def vocab_size(self) -> int:
        return self._backend.get_vocab_size(with_added_tokens=True)

    @property
    def model_max_length(self) -> int | None:
        return self.settings.model_max_length

    def _prepare(self, texts: list[str], errors: str) -> list[str]:
        # one C-speed check over the whole batch; per-text work only when something needs it
        joined = "\x00".join(texts)
        if has_surrogates(joined):
            texts = clean_surrogates_each(texts, errors)
        if self.normalization != "none" and not unicodedata.is_normalized(self.normalization, joined):
            texts = [normalize(t, self.normalization).text for t in texts]
        if self.prefix:
            texts = [self.prefix + t for t in texts]
        return texts

    def _continuation(self, tokens: list[str], special: list[int], word_ids: list[int | None]) -> list[bool]:
        if self.subword_prefix:
            return [not s and t.startswith(self.subword_prefix) for t, s in zip(tokens, special)]
        if self.space_marker == METASPACE:
            return [not s and not t.startswith(METASPACE) for t, s in zip(tokens, special)]
        out, prev = [], None
        for w, s in zip(word_ids, special):
            out.append(not s and w is not None and w == prev)
            prev = w if not s else prev
        return out

    def _record(self, original: str, norm, enc) -> TokenRecord:
        special = list(enc.special_tokens_mask)
        offsets = [(0, 0) if sp else norm.to_original(s, e) for (s, e), sp in zip(enc.offsets, special)]
        offsets = with_joined_marks(original, offsets, special)  # a composing normalizer can cut a span short
        tokens, ids = list(enc.tokens), list(enc.ids)
        if self.space_marker == METASPACE:
            offsets = _prefix_space_spans(original, tokens, offsets, special)
        word_ids = word_ids_for(original, offsets, special)
        normalizer = self._backend.normalizer
        return TokenRecord(
            model=self.name, text=original, normalized=norm.text, tokens=tokens, input_ids=ids,
            attention_mask=list(enc.attention_mask), special_tokens_mask=special,
            continuation=self._continuation(tokens, special, word_ids), offsets=offsets, word_ids=word_ids,
            unk=unknowns(original, tokens, ids, offsets, self.unk_id),
            token_type_ids=list(enc.type_ids) if self.has_token_type_ids else None,
            model_normalized=normalizer.normalize_str(norm.text) if normalizer else norm.text,
            normalization=self.normalization, extra={"prefix": self.prefix} if self.prefix else {},
        )

    def encode(self, text: str, errors: str = "strict") -> TokenRecord:
        return self.encode_many(one_text(text), errors)[0]

    def encode_many(self, texts: Sequence[str], errors: str = "strict") -> list[TokenRecord]:
        originals = [self.prefix + t for t in clean_surrogates_each(as_texts(texts), errors)]
        norms = [normalize(t, self.normalization) for t in originals]
        backend = self._plain()
        if len(norms) == 1:
            encodings = [backend.encode(norms[0].text)]
        else:
            encodings = backend.encode_batch([n.text for n in norms])
        return [self._record(o, n, e) for o, n, e in zip(originals, norms, encodings)]

    def split_many(self, texts: Sequence[str]) -> list[list[str]]:
        encodings = self._plain().encode_batch(self._prepare(as_texts(texts), "replace"), add_special_tokens=False)
        return [e.tokens for e in encodings]

    def batch(self, texts: Sequence[str], padding: str = "longest", max_length: int | None = None,
              truncation: bool = True, errors: str = "strict") -> Batch:
        padding, truncation = check_padding(padding, max_length), check_truncation(truncation)
        texts = as_texts(texts)
        if truncation and max_length is None:
            max_length = self.model_max_length
        limit = max_length if truncation else None
        encodings = self._plain().encode_batch(self._prepare(texts, errors))
        full = np.fromiter((len(e) for e in encodings), dtype=np.int64, count=len(encodings))
        ids_of = [None] * len(encodings)  # id lists replaced for the few texts that are cut
        types_of = [None] * len(encodings)
        dropped = np.zeros(len(encodings), dtype=np.int64)
        if limit:
            for i in np.flatnonzero(full > limit):
                keep = kept_positions(encodings[i].special_tokens_mask, limit)
                ids, types = encodings[i].ids, encodings[i].type_ids
                ids_of[i], types_of[i] = [ids[j] for j in keep], [types[j] for j in keep]
                dropped[i] = full[i] - len(keep)
        lengths = full - dropped
        check_fits(padding, max_length, lengths)
        window = self.model_max_length
        if window and lengths.max(initial=0) > window:  # kept as asked (truncation=False, a larger max_length): said
            from seqlab.notes import say_note

            n = int((lengths > window).sum())
            say_note(ngettext("note: {n:,} text is kept longer than {model} reads ({limit:,} tokens), as max_length or "
                              "truncation=False allowed", "note: {n:,} texts are kept longer than {model} reads "
                              "({limit:,} tokens), as max_length or truncation=False allowed", n).format(
                n=n, model=self.name, limit=window))

        def id_lists():
            return (e.ids if ids_of[i] is None else ids_of[i] for i, e in enumerate(encodings))

        def type_lists():
            return (e.type_ids if types_of[i] is None else types_of[i] for i, e in enumerate(encodings))

        if padding == "none":
            ids = list(id_lists())
            return Batch(self.name, ids, [[1] * n for n in lengths.tolist()], lengths, dropped,
                         list(type_lists()) if self.has_token_type_ids else None)
        # pad in numpy: one pass over all ids, then a scatter into the (B, L) matrix
        width = max(int(lengths.max(initial=0)), max_length if padding == "max_length" else 0)
        flat = np.fromiter(itertools.chain.from_iterable(id_lists()), dtype=np.int64, count=int(lengths.sum()))
        rows = np.repeat(np.arange(len(encodings)), lengths)
        cols = np.arange(len(flat)) - np.repeat(np.cumsum(lengths) - lengths, lengths)
        ids = np.full((len(encodings), width), self.pad_id, dtype=np.int64)
        ids[rows, cols] = flat
        mask = (np.arange(width)[None, :] < lengths[:, None]).astype(np.int64)
        types = None
        if self.has_token_type_ids:
            flat_types = np.fromiter(itertools.chain.from_iterable(type_lists()), dtype=np.int64, count=len(flat))
            types = np.zeros((len(encodings), width), dtype=np.int64)
            types[rows, cols] = flat_types
        return Batch(self.name, ids, mask, lengths, dropped, types)

    def decode(self, ids, skip_special_tokens: bool = True) -> str:
        return self._backend.decode(checked_ids(ids, self.vocab_size), skip_special_tokens=skip_special_tokens)


def _prefix_space_spans(original: str, tokens: list[str], offsets: list[tuple[int, int]],
                        special: list[int]) -> list[tuple[int, int]]:
    """A lone ▁ that stands for no character of the text (SentencePiece puts one before the first word: 좋네요 is ▁ 좋
    네요) gets an empty span where its word starts: the tokenizer gave it the span of the next token's first
    character, so ▁ and 좋 both claimed text[0:1]. A ▁ over a space, or over a character the normalizer read as one
    (U+200B, U+FFFD: ``spaced``), keeps its span.

    >>> _prefix_space_spans("좋네요", ["<s>", "▁", "좋", "네요", "</s>"], [(0, 0), (0, 1), (0, 1), (1, 3), (0, 0)],
    ...                     [1, 0, 0, 0, 1])
    [(0, 0), (0, 0), (0, 1), (1, 3), (0, 0)]
    """
    out = list(offsets)
    for i in range(len(tokens) - 1):
        s, e = offsets[i]
        claimed = not special[i + 1] and offsets[i + 1][0] == s  # the next token starts where this ▁ does
        if tokens[i] == METASPACE and not special[i] and e > s and claimed:
            out[i] = (s, s)
    return out
