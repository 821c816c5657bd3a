"""Seeded torch default initialization that is safe under concurrency.

``torch.manual_seed`` sets one process-wide generator; two web requests doing
it at the same time would draw each other's numbers. Here the seeding and the
module's construction happen under a lock, inside ``fork_rng`` so the caller's
own random state is left as it was.
"""

from __future__ import annotations

import functools
import threading

_lock = threading.Lock()


def seeded_torch_module(cell: str, input_size: int, hidden: int, seed: int, **kwargs):
    """``nn.RNN/LSTM/GRU(input_size, hidden, batch_first=True)`` initialized by torch from ``seed``."""
    import torch

    cls = {"rnn": torch.nn.RNN, "lstm": torch.nn.LSTM, "gru": torch.nn.GRU}[cell]
    with _lock, torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        return cls(input_size, hidden, batch_first=True, **kwargs)


@functools.lru_cache(maxsize=64)
def seeded_scratch_params(cell: str, input_size: int, hidden: int, seed: int):
    """The same initialization as NumPy float64 arrays, computed once per (cell, sizes, seed).

    Callers get read-only arrays: a layer built on them must not update them in place.
    """
    from seqlab.scratch import torch_layout

    _, _, params = torch_layout.from_torch(seeded_torch_module(cell, input_size, hidden, seed))
    for value in params.values():
        value.flags.writeable = False
    return params
