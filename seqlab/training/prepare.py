"""Text -> tokens -> id arrays for the recurrent classifiers, once: cached on disk beside the data's fingerprint.

A classifier needs ids from a vocabulary of the tokens it will see: a
:class:`~seqlab.ids.vocab.Vocabulary` (the same class ``seqlab vocab build``
writes), either built from the training texts (tokens seen at least
``min_freq`` times) or given (``seqlab train --vocab FILE``). Its ``meta``
records the tokenizer and the length limit, so a saved run encodes new texts
exactly as it was trained.

The arrays (one flat int32 array + offsets) are written to
``$SEQLAB_HOME/prepared/<key>`` so that a second run (or a resume) skips tokenization.
"""

from __future__ import annotations

import hashlib
import io
import json
from dataclasses import dataclass

import numpy as np

from seqlab.errors import InputError, UsageError
from seqlab.i18n import _
from seqlab.ids.vocab import Vocabulary
from seqlab.storage import atomic_directory, exclusive, seqlab_home


@dataclass
class Encoded:
    flat: np.ndarray  # all ids back to back (int32)
    offsets: np.ndarray  # (N + 1,) start of each text
    vocab: Vocabulary
    cut_texts: int = 0  # texts longer than the vocabulary's max_length, cut to it
    cut_tokens: int = 0  # the tokens those cuts dropped

    def sequence(self, i: int) -> np.ndarray:
        return self.flat[self.offsets[i] : self.offsets[i + 1]]

    @property
    def lengths(self) -> np.ndarray:
        return np.diff(self.offsets)

    def __len__(self) -> int:
        return len(self.offsets) - 1


_SPLIT_MEMO: dict[tuple[str, str], list[list[str]]] = {}  # (texts digest, tokenizer) -> tokens, the latest only


def full_split(texts: list[str], tokenizer_name: str) -> list[list[str]]:
    """Each text's token strings (no special tokens), uncut.

    The latest split is kept in memory, so that the members of an ensemble trained in one run
    (``--model best``) tokenize the same texts once (Kiwi: minutes for 150,000 reviews on 2 cores).
    """
    key = (digest(texts), tokenizer_name)
    if key not in _SPLIT_MEMO:
        from seqlab.pretrained.loading import load_tokenizer
        from seqlab.pretrained.registry import resolve

        spec = resolve(tokenizer_name)
        tok = load_tokenizer(tokenizer_name, vocab=False) if spec.needs_vocab else load_tokenizer(tokenizer_name)
        _SPLIT_MEMO.clear()
        _SPLIT_MEMO[key] = tok.split_many(texts)
    return _SPLIT_MEMO[key]


def split_tokens(texts: list[str], tokenizer_name: str, max_length: int) -> list[list[str]]:
    """Each text's token strings (no special tokens), cut to ``max_length``."""
    return [t[:max_length] for t in full_split(texts, tokenizer_name)]


def cut_counts(full: list[list[str]], max_length: int) -> tuple[int, int]:
    """(texts longer than ``max_length`` tokens, tokens dropped by cutting them to it)."""
    over = [len(t) - max_length for t in full if len(t) > max_length]
    return len(over), int(sum(over))


def build_vocab(train_tokens: list[list[str]], tokenizer_name: str, min_freq: int, max_size: int | None,
                max_length: int) -> Vocabulary:
    return Vocabulary.build(train_tokens, min_freq=min_freq, max_size=max_size,
                            meta={"tokenizer": tokenizer_name, "max_length": max_length})


def check_vocab(vocab: Vocabulary, tokenizer_name: str) -> None:
    """A given vocabulary must come from the tokenizer that will split the texts, with ``<pad>`` as id 0 (the
    embedding row the classifiers keep at zero)."""
    if vocab.pad_id != 0:
        raise InputError(_("the vocabulary has <pad> at id {pad}; a classifier's padding is id 0")
                         .format(pad=vocab.pad_id), _("Build it with Vocabulary.build, which puts <pad> at id 0."),
                         cli_hint=_("Build it with: seqlab vocab build"))
    made_by = vocab.meta.get("tokenizer")
    if made_by is not None and made_by != tokenizer_name:
        raise UsageError(_("the vocabulary was built with the {made_by} tokenizer, but training uses {tokenizer_name}")
                         .format(made_by=made_by, tokenizer_name=tokenizer_name),
                         _("Pass tokenizer=\"{made_by}\", or build a vocabulary with the {tokenizer_name} tokenizer.")
                         .format(made_by=made_by, tokenizer_name=tokenizer_name),
                         cli_hint=_("Pass --tokenizer {made_by}, or build a vocabulary with --tokenizer "
                                    "{tokenizer_name}.").format(made_by=made_by, tokenizer_name=tokenizer_name))


def check_has_words(vocab: Vocabulary, train_tokens: list[list[str]], min_freq: int, given: bool) -> None:
    """Refuse a vocabulary of special tokens only: every text would be ``<unk>``, and training would learn nothing."""
    if len(vocab.tokens) > len(vocab.specials):
        return
    if given:
        raise InputError(_("the vocabulary given holds only its special tokens ({specials}): every text would be "
                           "<unk>").format(specials=", ".join(vocab.specials)),
                         _("Build it from texts with words (Vocabulary.build)."),
                         cli_hint=_("Build it from texts with words: seqlab vocab build."))
    if not any(train_tokens):
        raise InputError(_("the {n:,} training texts have no tokens at all").format(n=len(train_tokens)),
                         _("Give texts with words in them."))
    raise InputError(
        _("no token occurs {min_freq} times or more in the {n:,} training texts, so the vocabulary would hold only "
          "its special tokens and every text would be <unk>").format(min_freq=min_freq, n=len(train_tokens)),
        _("Give more training texts, or a vocabulary built with min_freq=1 (Vocabulary.build)."),
        cli_hint=_("Give more training texts, or a lower --min-freq (1 keeps every token seen)."))


def encode(tokens: list[list[str]], vocab: Vocabulary) -> Encoded:
    """Ids of every text; an empty text becomes one ``<unk>`` (a sequence needs at least one step)."""
    lengths = np.array([max(1, len(seq)) for seq in tokens], dtype=np.int64)
    offsets = np.concatenate([[0], np.cumsum(lengths)])
    unk, get = vocab.unk_id, vocab.stoi.get
    flat = np.fromiter((get(t, unk) if t is not None else unk for seq in tokens for t in (seq or [None])),
                       dtype=np.int32, count=int(lengths.sum()))
    return Encoded(flat, offsets, vocab)


def encode_texts(texts: list[str], vocab: Vocabulary) -> Encoded:
    """Encode new texts the way the run that made ``vocab`` was trained (cut to its max_length, counted)."""
    full, max_length = full_split(texts, vocab.meta["tokenizer"]), vocab.meta["max_length"]
    encoded = encode([t[:max_length] for t in full], vocab)
    encoded.cut_texts, encoded.cut_tokens = cut_counts(full, max_length)
    return encoded


def digest(texts: list[str]) -> str:
    h = hashlib.sha256()
    for t in texts:
        h.update(t.encode("utf-8", errors="replace"))
        h.update(b"\x00")
    return h.hexdigest()


def _key(texts_digest: str, tokenizer: str, min_freq: int, max_size, max_length: int, vocab_digest: str) -> str:
    raw = json.dumps([texts_digest, tokenizer, min_freq, max_size, max_length, vocab_digest, 4])  # 4: words checked
    return hashlib.sha256(raw.encode()).hexdigest()[:24]


def prepare(train_texts: list[str], val_texts: list[str], tokenizer: str, min_freq: int = 2,
            max_size: int | None = None, max_length: int = 128, cache: bool = True,
            vocab: Vocabulary | None = None) -> tuple[Encoded, Encoded]:
    """Tokenize, build the vocabulary on the training texts (or use ``vocab``), encode both splits (cached)."""
    if vocab is not None:
        check_vocab(vocab, tokenizer)
        vocab = Vocabulary(vocab.tokens, vocab.counts, vocab.specials,
                           {**vocab.meta, "tokenizer": tokenizer, "max_length": max_length})
    vocab_digest = digest(vocab.tokens) if vocab is not None else ""
    key = _key(digest(train_texts) + digest(val_texts), tokenizer, min_freq, max_size, max_length, vocab_digest)
    where = seqlab_home() / "prepared" / key
    if cache and (where / "vocab.json").exists():
        vocab = Vocabulary.load(where / "vocab.json")
        with np.load(where / "arrays.npz", allow_pickle=False) as z:
            return (Encoded(z["train_flat"], z["train_offsets"], vocab, *map(int, z["train_cut"])),
                    Encoded(z["val_flat"], z["val_offsets"], vocab, *map(int, z["val_cut"])))
    full = full_split(train_texts + val_texts, tokenizer)
    train_full, val_full = full[: len(train_texts)], full[len(train_texts):]
    train_tokens, val_tokens = [t[:max_length] for t in train_full], [t[:max_length] for t in val_full]
    vocab = vocab or build_vocab(train_tokens, tokenizer, min_freq, max_size, max_length)
    check_has_words(vocab, train_tokens, min_freq, given=vocab_digest != "")
    train, val = encode(train_tokens, vocab), encode(val_tokens, vocab)
    train.cut_texts, train.cut_tokens = cut_counts(train_full, max_length)
    val.cut_texts, val.cut_tokens = cut_counts(val_full, max_length)
    if cache:
        with exclusive(where):  # another process that prepared the same split first keeps its folder (a reader's)
            if not (where / "vocab.json").exists():
                with atomic_directory(where) as tmp:
                    buffer = io.BytesIO()
                    np.savez(buffer, train_flat=train.flat, train_offsets=train.offsets, val_flat=val.flat,
                             val_offsets=val.offsets, train_cut=np.array([train.cut_texts, train.cut_tokens]),
                             val_cut=np.array([val.cut_texts, val.cut_tokens]))
                    (tmp / "arrays.npz").write_bytes(buffer.getvalue())
                    vocab.save(tmp / "vocab.json")
    return train, val


def bucket_batches(lengths: np.ndarray, batch_size: int, rng: np.random.Generator | None,
                   window: int = 50) -> list[np.ndarray]:
    """Length bucketing: shuffle, sort by length inside windows of ``window`` batches, shuffle the batches.

    Batches then hold texts of similar length (little padding) and still come in random order.
    Without ``rng`` the order is fixed (evaluation).
    """
    index = rng.permutation(len(lengths)) if rng is not None else np.arange(len(lengths))
    span = batch_size * window
    batches = []
    for start in range(0, len(index), span):
        chunk = index[start : start + span]
        chunk = chunk[np.argsort(lengths[chunk], kind="stable")]
        batches += [chunk[i : i + batch_size] for i in range(0, len(chunk), batch_size)]
    if rng is not None:
        order = rng.permutation(len(batches))
        batches = [batches[i] for i in order]
    return batches


def pad_batch(encoded: Encoded, index: np.ndarray, pad_to: int | None = None):
    """(ids (B, L) int64 tensor, lengths (B,) tensor) for the texts ``index``."""
    import torch

    lengths = encoded.lengths[index]
    width = int(pad_to or lengths.max())
    out = np.full((len(index), width), encoded.vocab.pad_id, dtype=np.int64)
    for row, i in enumerate(index):
        seq = encoded.sequence(i)[:width]
        out[row, : len(seq)] = seq
    return torch.from_numpy(out), torch.from_numpy(np.minimum(lengths, width))
