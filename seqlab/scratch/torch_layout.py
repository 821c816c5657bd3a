"""The converter: the one place that knows how torch packs recurrent weights (``torch/nn/modules/rnn.py``).

For layer ``k`` and direction suffix ``""`` or ``"_reverse"``::

    weight_ih_l{k}{sfx}  (G*H, I_k)   the lecture's W_xh: input-to-hidden, gates stacked along rows
    weight_hh_l{k}{sfx}  (G*H, H)     the lecture's W_hh: hidden-to-hidden
    bias_ih_l{k}{sfx}    (G*H,)       two biases: torch adds both (the lecture's b is their sum)
    bias_hh_l{k}{sfx}    (G*H,)

with G gates in this row order: RNN ``[h]`` (G=1), LSTM ``i | f | g | o`` (G=4),
GRU ``r | z | n`` (G=3). ``I_0`` is the input size; deeper layers take the
previous layer's output, ``D*H`` wide (D=2 when bidirectional).

This is the only module of :mod:`seqlab.scratch` that imports torch (lazily): it
converts modules both ways and names the torch class of each cell. It also draws
torch's own default initialization for a seed, without torch: the same generator
(mt19937, seeded as ``torch.manual_seed`` seeds it) and the same formula as
``nn.init.uniform_`` on the CPU, so the numbers are torch's, bit for bit (tested).
"""

from __future__ import annotations

import contextlib
import functools
import threading
from collections.abc import Iterator

import numpy as np

GATES = {"rnn": ("h",), "lstm": ("i", "f", "g", "o"), "gru": ("r", "z", "n")}


def gate_rows(cell: str, gate: str, hidden: int) -> slice:
    """The rows of one gate in torch's packed weights and biases (LSTM i|f|g|o, GRU r|z|n): ``gate_rows("lstm",
    "f", H)`` is ``H:2H``, the forget gate's."""
    k = GATES[cell].index(gate)
    return slice(k * hidden, (k + 1) * hidden)

_seed_lock = threading.Lock()


def torch_class(cell: str):
    """``nn.RNN``, ``nn.LSTM`` or ``nn.GRU`` for ``rnn``, ``lstm`` or ``gru``: the one map from name to class."""
    import torch

    return {"rnn": torch.nn.RNN, "lstm": torch.nn.LSTM, "gru": torch.nn.GRU}[cell]


def suffix(direction: int) -> str:
    return "_reverse" if direction == 1 else ""


def param_names(layer: int, direction: int, bias: bool) -> list[str]:
    s = f"l{layer}{suffix(direction)}"
    names = [f"weight_ih_{s}", f"weight_hh_{s}"]
    return names + ([f"bias_ih_{s}", f"bias_hh_{s}"] if bias else [])


def expected_shapes(cell: str, input_size: int, hidden: int, layers: int, directions: int,
                    bias: bool) -> dict[str, tuple[int, ...]]:
    """Every parameter name with its shape, in torch's order."""
    g = len(GATES[cell]) * hidden
    shapes: dict[str, tuple[int, ...]] = {}
    for k in range(layers):
        width = input_size if k == 0 else hidden * directions
        for d in range(directions):
            names = param_names(k, d, bias)
            shapes[names[0]] = (g, width)
            shapes[names[1]] = (g, hidden)
            if bias:
                shapes[names[2]] = (g,)
                shapes[names[3]] = (g,)
    return shapes


def from_torch(module, dtype=np.float64) -> tuple[str, dict, dict[str, np.ndarray]]:
    """(cell kind, options, parameters) of an ``nn.RNN`` / ``nn.LSTM`` / ``nn.GRU`` with ``batch_first=True``."""
    import torch

    kinds = {torch.nn.RNN: "rnn", torch.nn.LSTM: "lstm", torch.nn.GRU: "gru"}
    cell = kinds.get(type(module))
    if cell is None:
        raise TypeError(f"expected nn.RNN, nn.LSTM or nn.GRU, got {type(module).__name__}")
    if not module.batch_first:
        raise ValueError("seqlab's scratch layers are batch-first: build the module with batch_first=True")
    if getattr(module, "proj_size", 0):
        raise ValueError("LSTM projections (proj_size) are not supported")
    options = {"input_size": module.input_size, "hidden_size": module.hidden_size, "num_layers": module.num_layers,
               "bidirectional": module.bidirectional, "bias": module.bias}
    if cell == "rnn":
        options["nonlinearity"] = module.nonlinearity
    shapes = expected_shapes(cell, module.input_size, module.hidden_size, module.num_layers,
                             2 if module.bidirectional else 1, module.bias)
    state = {k: v.detach().cpu() for k, v in module.state_dict().items()}
    params = {}
    for name, shape in shapes.items():
        value = state[name].numpy().astype(dtype)
        assert value.shape == shape, f"{name}: torch has {value.shape}, expected {shape}"
        params[name] = value
    return cell, options, params


def to_torch(cell: str, options: dict, params: dict[str, np.ndarray]):
    """The equivalent torch module (batch_first=True), weights copied with shape checks."""
    import torch

    dtype = next(iter(params.values())).dtype
    module = torch_class(cell)(batch_first=True, **options).to(torch.float64 if dtype == np.float64 else torch.float32)
    with torch.no_grad():
        for name, p in module.named_parameters():
            value = params[name]
            assert tuple(p.shape) == value.shape, f"{name}: {value.shape} does not fit torch's {tuple(p.shape)}"
            p.copy_(torch.from_numpy(np.ascontiguousarray(value)))
    return module


def forked_devices() -> list[int]:
    """The CUDA devices whose generators :func:`kept_random_state` forks: those CUDA is already running on (reading
    a device's state would start CUDA there); under torchrun, this process's own (``LOCAL_RANK``)."""
    import os

    import torch

    if not torch.cuda.is_available() or not torch.cuda.is_initialized():
        return []
    if int(os.environ.get("WORLD_SIZE", "1")) > 1:
        return [int(os.environ.get("LOCAL_RANK", "0"))]
    return list(range(torch.cuda.device_count()))


@contextlib.contextmanager
def kept_random_state() -> Iterator[None]:
    """Run the block with torch's generators forked: the seeds the block sets are its own, and the caller's
    generators are as they were when it ends (returned, failed or interrupted). ``torch.manual_seed`` reseeds one
    process-wide generator, and every CUDA device's (queued, where CUDA has not started yet): a notebook that
    trains a model and then draws its own numbers would draw them from seqlab's seed.

    >>> import torch
    >>> _ = torch.manual_seed(7)
    >>> with kept_random_state():
    ...     _ = torch.manual_seed(13)
    >>> torch.initial_seed()
    7
    """
    import sys

    if "torch" not in sys.modules:  # the caller has no torch generator yet (tf-idf never imports torch): none to fork
        try:
            yield
        finally:
            if "torch" in sys.modules:  # the block imported and seeded it: a fresh, unseeded one, as an import gives
                sys.modules["torch"].seed()
        return
    import torch

    forked = forked_devices()
    try:
        with torch.random.fork_rng(devices=forked):
            yield
    finally:
        if torch.cuda.is_available() and not forked:  # the block's seed reached CUDA (queued or started): unseed it
            torch.cuda.seed_all()


def seeded_module(cell: str, input_size: int, hidden: int, seed: int, **kwargs):
    """``nn.RNN/LSTM/GRU(input_size, hidden, batch_first=True)`` initialized by torch from ``seed``.

    ``torch.manual_seed`` sets one process-wide generator; two web requests doing it at
    once would draw each other's numbers. The seeding and the construction happen under
    a lock, inside ``fork_rng``, so the caller's own random state is left as it was.
    """
    import torch

    with _seed_lock, kept_random_state():
        torch.manual_seed(seed)
        return torch_class(cell)(input_size, hidden, batch_first=True, **kwargs)


def torch_uniform(generator: np.random.RandomState, shape: tuple[int, ...], low: float, high: float) -> np.ndarray:
    """``torch.empty(shape).uniform_(low, high)`` (float32, CPU) from the generator's next 32-bit draws.

    torch rounds the bounds to float32, keeps the low 24 bits of each draw (a float's precision),
    scales them to [0, 1) and maps them to [low, high) in double precision, then rounds to float32,
    one element after another.
    """
    low, high = float(np.float32(low)), float(np.float32(high))
    draws = generator.randint(0, 2**32, size=int(np.prod(shape)), dtype=np.uint64)
    unit = (draws & np.uint64((1 << 24) - 1)).astype(np.float64) / float(1 << 24)
    return (unit * (high - low) + low).astype(np.float32).reshape(shape)


@functools.lru_cache(maxsize=64)
def seeded_params(cell: str, input_size: int, hidden: int, seed: int) -> dict[str, np.ndarray]:
    """torch's default initialization for ``seed`` as float64 arrays, computed once per (cell, sizes, seed).

    ``torch.manual_seed(seed); nn.LSTM(input_size, hidden)`` draws every parameter from
    U(-1/√H, 1/√H) in the order weight_ih, weight_hh, bias_ih, bias_hh; this draws the same
    numbers without importing torch (equal to :func:`seeded_module`'s, tested). The arrays are
    read-only: a layer built on them must not update them in place.
    """
    if not 0 <= seed < 2**32:  # torch seeds its mt19937 differently beyond 32 bits: ask torch itself
        _, _, params = from_torch(seeded_module(cell, input_size, hidden, seed))
        for value in params.values():
            value.flags.writeable = False
        return params
    generator = np.random.RandomState(seed)  # torch.manual_seed(seed) seeds the same mt19937 the same way
    bound = 1.0 / np.sqrt(hidden)
    params = {}
    for name, shape in expected_shapes(cell, input_size, hidden, 1, 1, True).items():
        value = torch_uniform(generator, shape, -bound, bound).astype(np.float64)
        value.flags.writeable = False
        params[name] = value
    return params
