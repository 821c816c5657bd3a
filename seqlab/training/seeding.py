"""The caller's random state, kept: a trainer seeds torch's global generators for itself, inside a fork.

``torch.manual_seed(13)`` reseeds one process-wide generator (and every CUDA device's). A notebook that trains a
model and then draws its own numbers would draw them from seqlab's seed; each public trainer
(``train_models``, ``train_seq2seq``, ``train_forecast``) therefore works inside :func:`kept_random_state`, which
puts the generators back as they were when it ends (returned, failed or interrupted).
"""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Iterator


def forked_devices() -> list[int]:
    """The CUDA devices whose generators a trainer forks: none without CUDA; under torchrun, this process's own
    (``LOCAL_RANK``: reading another device's state would open a CUDA context on it); else every visible one."""
    import torch

    if not torch.cuda.is_available():
        return []
    if int(os.environ.get("WORLD_SIZE", "1")) > 1:
        return [int(os.environ.get("LOCAL_RANK", "0"))]
    return list(range(torch.cuda.device_count()))


@contextlib.contextmanager
def kept_random_state() -> Iterator[None]:
    """Run the block with torch's generators forked (CPU, and CUDA where there is one): the seeds the block sets
    are its own.

    >>> import torch
    >>> _ = torch.manual_seed(7)
    >>> with kept_random_state():
    ...     _ = torch.manual_seed(13)
    >>> torch.initial_seed()
    7
    """
    if "torch" not in sys.modules:  # the caller has no torch generator yet (tf-idf never imports torch): none to fork
        try:
            yield
        finally:
            if "torch" in sys.modules:  # the block imported and seeded it: a fresh, unseeded one, as an import gives
                sys.modules["torch"].seed()
        return
    import torch

    with torch.random.fork_rng(devices=forked_devices()):
        yield
