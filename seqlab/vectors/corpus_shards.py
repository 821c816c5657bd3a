"""The pieces both engines of the corpus job share: its settings, reading a file shard by shard, embedding a shard.

The orchestration (manifest, resume, atomic writes) is :mod:`seqlab.vectors.corpus_job`;
the Ray engine is :mod:`seqlab.vectors.corpus_ray`. Both embed a shard with
:func:`embed_shard`, so a shard's rows are the same whichever engine ran it.
"""

from __future__ import annotations

import ctypes
import io
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from seqlab.text.reading import raw_lines

_CHUNK = 1_000  # texts embedded between two returns of freed memory to the OS


@dataclass(frozen=True)
class CorpusJobConfig:
    """Settings that define the output: a resumed run must use the same ones."""

    model: str = "e5-small"  # transformer that embeds the lines
    prefix: str | None = None  # None: the model's passage prefix ("passage: " for e5), resolved before the job runs
    pooling: str = "mean"  # cls, mean or max over each line's tokens
    normalize: bool = True  # L2-normalize each row
    precision: str = "fp32"  # fp32 (equals the HF model) or bf16 (faster on AVX512-BF16/AMX CPUs and GPUs)
    batch_size: int = 64  # texts per forward pass
    shard_size: int = 10_000  # lines per .npy shard (memory holds one shard)


@dataclass
class Shard:
    index: int
    first_line: int
    byte_start: int
    byte_end: int
    texts: list[str] = field(default_factory=list)
    bad: list[int] = field(default_factory=list)  # line numbers with invalid UTF-8
    empty: int = 0


def count_lines(path: Path) -> int:
    lines, last = 0, b"\n"
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 22), b""):
            lines += chunk.count(b"\n")
            last = chunk[-1:]
    return lines + (last != b"\n")


def read_shards(path: Path, start_byte: int, first_line: int, first_index: int, size: int) -> Iterator[Shard]:
    """Shards of ``size`` lines from ``start_byte`` (a table is read by its column before: the corpus job)."""
    with path.open("rb") as f:
        f.seek(start_byte)
        shard = Shard(first_index, first_line, start_byte, start_byte)
        for line in raw_lines(f, first_line, start_byte):
            try:
                text = line.body.decode("utf-8")
            except UnicodeDecodeError:
                text = line.body.decode("utf-8", errors="replace")
                shard.bad.append(line.number)
            shard.empty += not text.strip()
            shard.texts.append(text)
            shard.byte_end = line.end
            if len(shard.texts) == size:
                yield shard
                shard = Shard(shard.index + 1, line.number + 1, line.end, line.end)
        if shard.texts:
            yield shard


_trim = None  # libc's malloc_trim, looked up on first use


def release_free_memory() -> None:
    """Hand freed heap pages back to the OS (glibc ``malloc_trim``; a no-op elsewhere).

    Each batch allocates activations of a different size; glibc keeps the freed
    pages in its arenas, scattered between live blocks, so without a trim the
    resident memory of a long job creeps up by hundreds of MB.
    """
    global _trim
    if _trim is None:
        try:
            _trim = ctypes.CDLL("libc.so.6").malloc_trim
        except (OSError, AttributeError):
            _trim = False
    if _trim:
        _trim(0)


def embed_shard(encoder, texts: list[str], config: CorpusJobConfig, prefix: str,
                progress: Callable[[int], None] | None = None) -> np.ndarray:
    """One shard's sentence vectors, computed ``_CHUNK`` texts at a time (both engines use this); ``progress(n)``
    after each batch of ``n`` texts (a shard of 10,000 lines moved a log's progress only at its end).

    Between chunks the freed heap is handed back to the OS, so the resident
    memory stays flat however long the job runs.
    """
    parts = []
    for start in range(0, len(texts), _CHUNK):
        parts.append(encoder.sentence_vectors(texts[start:start + _CHUNK], pooling=config.pooling,
                                              normalize=config.normalize, prefix=prefix,
                                              batch_size=config.batch_size, precision=config.precision,
                                              progress=progress))
        release_free_memory()
    return np.concatenate(parts) if parts else np.zeros((0, encoder.hidden_size), dtype=np.float32)


def npy_bytes(array: np.ndarray) -> bytes:
    buffer = io.BytesIO()
    np.save(buffer, np.ascontiguousarray(array, dtype=np.float32), allow_pickle=False)
    return buffer.getvalue()
