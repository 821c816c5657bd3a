"""Text -> tokens -> id arrays, once: cached on disk beside the data's fingerprint.

A recurrent classifier needs ids from a vocabulary of the tokens it will see.
For a subword model (e5-small by default) the vocabulary is the pieces that
occur at least ``min_freq`` times in the training texts, remapped to a compact
range (0 = ``<pad>``, 1 = ``<unk>``), with the original model id of each kept
for initializing the embedding; for ``kiwi``/``char``/``whitespace`` it is a
:class:`~seqlab.ids.vocab.Vocabulary` built from the training texts.

The arrays (one flat int32 array + offsets) and a meta JSON are written to
``$SEQLAB_HOME/prepared/<key>`` so that a second run (or a resume) skips tokenization.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from dataclasses import asdict, dataclass

import numpy as np

from seqlab.storage import atomic_directory, seqlab_home

PAD, UNK = 0, 1


@dataclass
class TokenVocab:
    """The classifier's vocabulary: its own ids, and where each came from."""

    tokenizer: str
    tokens: list[str]  # id -> token string
    source_ids: list[int]  # id -> the tokenizer's own id (-1 for <pad>/<unk> or vocab tokenizers)
    max_length: int

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, d: dict) -> TokenVocab:
        return cls(d["tokenizer"], d["tokens"], d["source_ids"], d["max_length"])


@dataclass
class Encoded:
    flat: np.ndarray  # all ids back to back (int32)
    offsets: np.ndarray  # (N + 1,) start of each text
    vocab: TokenVocab

    def sequence(self, i: int) -> np.ndarray:
        return self.flat[self.offsets[i] : self.offsets[i + 1]]

    @property
    def lengths(self) -> np.ndarray:
        return np.diff(self.offsets)

    def __len__(self) -> int:
        return len(self.offsets) - 1


def _tokenize(texts: list[str], tokenizer_name: str, max_length: int) -> tuple[list[list], str]:
    from seqlab.tokens.loading import load_tokenizer

    tok = load_tokenizer(tokenizer_name, vocab=False) if tokenizer_name in ("kiwi", "char", "whitespace") \
        else load_tokenizer(tokenizer_name)
    if tokenizer_name in ("kiwi", "char", "whitespace"):
        return [t[:max_length] for t in tok.split_many(texts)], tok.name
    batch = tok.batch(texts, padding="none", max_length=max_length, errors="replace")
    return batch.input_ids, tok.name


def build_vocab(train_tokens: list[list], tokenizer_name: str, min_freq: int, max_size: int | None,
                max_length: int) -> TokenVocab:
    counts = Counter(t for seq in train_tokens for t in seq)
    kept = [t for t, c in counts.most_common() if c >= min_freq][: None if max_size is None else max_size - 2]
    is_vocab_tokenizer = tokenizer_name in ("kiwi", "char", "whitespace")
    if is_vocab_tokenizer:
        return TokenVocab(tokenizer_name, ["<pad>", "<unk>", *kept], [-1] * (len(kept) + 2), max_length)
    from seqlab.tokens.loading import load_tokenizer

    id_to_token = load_tokenizer(tokenizer_name).hf.convert_ids_to_tokens
    return TokenVocab(tokenizer_name, ["<pad>", "<unk>", *id_to_token([int(t) for t in kept])],
                      [-1, -1, *[int(t) for t in kept]], max_length)


def encode(tokens: list[list], vocab: TokenVocab) -> Encoded:
    key = vocab.source_ids if vocab.tokenizer not in ("kiwi", "char", "whitespace") else vocab.tokens
    index = {k: i for i, k in enumerate(key) if i >= 2}
    lengths = np.array([max(1, len(seq)) for seq in tokens], dtype=np.int64)
    offsets = np.concatenate([[0], np.cumsum(lengths)])
    flat = np.fromiter((index.get(t, UNK) for seq in tokens for t in (seq if seq else [None])), dtype=np.int32,
                       count=int(lengths.sum()))
    return Encoded(flat, offsets, vocab)


def encode_texts(texts: list[str], vocab: TokenVocab) -> Encoded:
    tokens, _ = _tokenize(texts, vocab.tokenizer, vocab.max_length)
    return encode(tokens, vocab)


def _key(texts_digest: str, tokenizer: str, min_freq: int, max_size, max_length: int) -> str:
    raw = json.dumps([texts_digest, tokenizer, min_freq, max_size, max_length, 1])
    return hashlib.sha256(raw.encode()).hexdigest()[:24]


def digest(texts: list[str]) -> str:
    h = hashlib.sha256()
    for t in texts:
        h.update(t.encode("utf-8", errors="replace"))
        h.update(b"\x00")
    return h.hexdigest()


def prepare(train_texts: list[str], val_texts: list[str], tokenizer: str, min_freq: int = 2,
            max_size: int | None = None, max_length: int = 128, cache: bool = True) -> tuple[Encoded, Encoded]:
    """Tokenize, build the vocabulary on the training texts, encode both splits (cached)."""
    key = _key(digest(train_texts) + digest(val_texts), tokenizer, min_freq, max_size, max_length)
    where = seqlab_home() / "prepared" / key
    if cache and (where / "meta.json").exists():
        meta = json.loads((where / "meta.json").read_text(encoding="utf-8"))
        vocab = TokenVocab.from_dict(meta["vocab"])
        with np.load(where / "arrays.npz", allow_pickle=False) as z:
            return (Encoded(z["train_flat"], z["train_offsets"], vocab), Encoded(z["val_flat"], z["val_offsets"], vocab))
    tokens, _ = _tokenize(train_texts + val_texts, tokenizer, max_length)
    train_tokens, val_tokens = tokens[: len(train_texts)], tokens[len(train_texts):]
    vocab = build_vocab(train_tokens, tokenizer, min_freq, max_size, max_length)
    train, val = encode(train_tokens, vocab), encode(val_tokens, vocab)
    if cache:
        with atomic_directory(where) as tmp:
            np.savez(tmp / "arrays.npz", train_flat=train.flat, train_offsets=train.offsets, val_flat=val.flat,
                     val_offsets=val.offsets)
            (tmp / "meta.json").write_text(json.dumps({"vocab": vocab.to_dict()}, ensure_ascii=False), encoding="utf-8")
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
    out = np.zeros((len(index), width), dtype=np.int64)
    for row, i in enumerate(index):
        seq = encoded.sequence(i)[:width]
        out[row, : len(seq)] = seq
    return torch.from_numpy(out), torch.from_numpy(np.minimum(lengths, width))
