"""Which process of a ``torchrun`` launch this is, read before any process group exists (no torch import).

torchrun starts one process per device and tells each its place in the environment: ``RANK`` (0 is the one
that reports and writes) and ``WORLD_SIZE`` (how many there are). Outside torchrun both are unset: (0, 1).
"""

from __future__ import annotations

import os


def launched() -> tuple[int, int]:
    """(rank, world size) that torchrun gave this process; (0, 1) outside torchrun."""
    return int(os.environ.get("RANK", "0")), int(os.environ.get("WORLD_SIZE", "1"))
