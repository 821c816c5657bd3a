"""Texts longer than the model's window, read in overlapping windows (``embed(..., long="window")``).

A window holds the special tokens and the input prefix (e5's ``"passage: "``), which every window repeats, and
``width`` tokens of the text; windows start every ``stride`` tokens (default half a window), the last one ends where
the text ends, and each token's vector is the mean over the windows that saw it. The stride is checked here, from the
tokenizer alone, so that a command can refuse it before the model loads.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from seqlab.errors import UsageError, check_number
from seqlab.i18n import _
from seqlab.tokens.record import TokenRecord, model_window
from seqlab.vectors.pooling import sentence_vector
from seqlab.vectors.record import EmbeddingRecord


def prefix_tokens(tokenizer, prefix: str) -> int:
    """How many tokens an input prefix ("passage: ") adds to every text: every window of a long text repeats them."""
    if not prefix:
        return 0
    return len(tokenizer.with_prefix(prefix).encode_many(["x"])[0].input_ids) - len(
        tokenizer.encode_many(["x"])[0].input_ids)


def check_stride(tokenizer, name: str, stride: int, limit: int | None = None, prefix: str = "") -> None:
    """A ``--long window`` stride of at least 1 that fits in one window of ``tokenizer`` (``limit`` tokens, default
    the model's own, less its special tokens and the input prefix, which every window repeats), refused with the
    range otherwise rather than cut to the width in silence. Needs the tokenizer only, so the CLI calls it before the
    model loads."""
    check_number("stride", stride, 1, None, whole=True, error=UsageError)  # 0 would be no stride, not the default
    repeated = prefix_tokens(tokenizer, prefix)
    width = (limit or model_window(tokenizer)) - len(tokenizer.encode_many([""])[0].input_ids) - repeated
    if stride > width:  # content tokens per window
        message = _("stride {stride} is more than a window of {model} holds ({width} tokens besides its special "
                    "tokens and input prefix)") if repeated else \
            _("stride {stride} is more than a window of {model} holds ({width} tokens besides its special tokens)")
        raise UsageError(message.format(stride=stride, model=name, width=width),
                         _("Give a stride of 1 to {width}; the default (stride=None) is half the window.").format(
                             width=width), option="stride",
                         cli_hint=_("Give --stride 1 to {width}; the default is half the window.").format(width=width))


def embed_windows(model: str, record: TokenRecord, forward: Callable[[list[int]], np.ndarray], hidden_size: int,
                  limit: int, stride: int | None, pooling: str | None, normalize: bool, prefix_tokens: int = 0,
                  extra: dict | None = None) -> EmbeddingRecord:
    """The record of a long text read in windows of ``limit`` tokens; ``forward(ids)`` gives one window's
    ``last_hidden_state`` (T, H). Every window starts with the special tokens and the ``prefix_tokens`` of the input
    prefix (e5 reads no text without its "passage: "), and ends with the closing special tokens."""
    special = record.special_tokens_mask
    n = len(record.input_ids)
    lead = next((i for i, s in enumerate(special) if not s), n) + prefix_tokens
    trail = next((i for i, s in enumerate(reversed(special)) if not s), 0)
    ids = record.input_ids
    content = n - lead - trail
    width = limit - lead - trail  # content tokens per window
    stride = stride or max(1, width // 2)
    starts = list(range(0, max(content - width, 0) + 1, stride))
    if starts[-1] + width < content:  # the last window ends where the text ends
        starts.append(content - width)
    total = np.zeros((n, hidden_size), dtype=np.float64)
    seen = np.zeros(n, dtype=np.int64)
    for start in starts:
        positions = [*range(lead), *range(lead + start, lead + start + width), *range(n - trail, n)]
        total[positions] += forward([ids[p] for p in positions])
        seen[positions] += 1
    merged = (total / seen[:, None]).astype(np.float32)
    pooled = sentence_vector(merged, pooling, normalize)
    said = {"long": {"mode": "window", "windows": len(starts), "window": limit, "stride": stride}}
    if record.extra.get("prefix"):
        said["prefix"] = record.extra["prefix"]
    return EmbeddingRecord(model, record, merged, None, pooled, pooling, normalize and pooled is not None,
                           said | (extra or {}))
