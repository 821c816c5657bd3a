"""RNN, LSTM and GRU layers in NumPy: several layers, both directions, and backpropagation through time.

The call contract mirrors ``torch.nn`` (batch-first)::

    layer = LSTM.from_torch(torch_lstm)          # or LSTM(input_size, hidden_size, ...)
    out, (h_n, c_n) = layer.forward(x)           # x (B, T, I) -> out (B, T, D*H)
    d_x, grads = layer.backward(d_out, (dh_n, dc_n))
    grads["weight_hh_l0"]                        # keyed by torch's parameter names

A layer runs its cells (:mod:`seqlab.scratch.cells`) step by step and keeps every
step's record: that is what traces, the lab and the web page show. Backward walks
the steps in reverse (BPTT) and sums each step's share of the weight gradients:
the same ``W_hh`` serves every step, so ``dW_hh = Σ_t dz_t^T · h_{t-1}`` (weight
sharing); ``backward(..., keep_steps=True)`` keeps each step's share, with
``dL/dh_t`` and ``dL/dc_t``.

``LSTM.forward(x, trace=False)`` runs the optimised training path of
:mod:`seqlab.scratch.fast` instead (no step records; tested equal to this one).
Both are tested against torch to 1e-9 in float64.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from seqlab.scratch import torch_layout
from seqlab.scratch.cells import CELLS, ShapedRepr, StepGrads


def is_float_dtype(dtype) -> bool:
    """float64 (checks against torch) or float32 (speed): the dtypes the cells compute in."""
    try:
        return np.dtype(dtype) in (np.float64, np.float32)
    except TypeError:
        return False


@dataclass(repr=False)
class KeptStep(ShapedRepr):
    """One step of BPTT as ``backward(..., keep_steps=True)`` keeps it (what the trace and the lab show)."""

    dh: np.ndarray  # (B, H) dL/dh_t: from this step's output and from step t+1
    dc: np.ndarray | None  # (B, H) LSTM: dL/dc_t
    dW_hh: np.ndarray | None = None  # (G·H, H) this step's share of dW_hh (None with keep_steps="gradients")


class Recurrent:
    """What RNN, LSTM and GRU layers share; ``kind`` picks the cell."""

    kind = ""

    def __init__(self, input_size: int, hidden_size: int, num_layers: int = 1, bidirectional: bool = False,
                 bias: bool = True, dtype=np.float64, nonlinearity: str = "tanh", *, seed: int | None = None,
                 params: dict[str, np.ndarray] | None = None):
        """A layer with torch's default initialization, or the weights in ``params``.

        Args:
            input_size: I, the width of each x_t.
            hidden_size: H, the width of h_t (and c_t).
            num_layers: stacked layers (layer k > 0 reads layer k-1's outputs).
            bidirectional: a second direction reads the sequence backwards; outputs are (B, T, 2·H).
            bias: keep b_ih and b_hh (torch's two biases).
            dtype: float64 for checks against torch, float32 for speed.
            nonlinearity: the RNN's ``tanh`` or ``relu`` (LSTM and GRU ignore it).
            seed: seed of the initialization (None: a fresh one).
            params: weights keyed by torch's names (``weight_ih_l0``, …), e.g. from :meth:`from_torch`.

        >>> LSTM(3, 4).forward(np.ones((2, 5, 3)))[0].shape   # x (B, T, I) -> out (B, T, H)
        (2, 5, 4)
        """
        for name, value in (("input_size", input_size), ("hidden_size", hidden_size), ("num_layers", num_layers)):
            if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
                raise ValueError(f"{name} must be a whole number of at least 1, got {value!r}")
        for name, value in (("bidirectional", bidirectional), ("bias", bias)):  # "no" was a true value
            if not isinstance(value, (bool, np.bool_)):
                raise TypeError(f"{name} must be True or False, got {value!r}")
        if nonlinearity not in ("tanh", "relu"):
            raise ValueError(f"nonlinearity must be 'tanh' or 'relu', got {nonlinearity!r}")
        if not is_float_dtype(dtype):  # an int dtype made every x_t and h_t 0, in silence
            raise ValueError(f"dtype must be float64 or float32, got {dtype!r}")
        self.input_size, self.hidden_size, self.num_layers = input_size, hidden_size, num_layers
        self.bidirectional, self.bias, self.dtype = bool(bidirectional), bool(bias), np.dtype(dtype)
        self.nonlinearity = nonlinearity
        self.directions = 2 if bidirectional else 1
        shapes = torch_layout.expected_shapes(self.kind, input_size, hidden_size, num_layers, self.directions, bias)
        if params is None:  # torch's default: U(-1/sqrt(H), 1/sqrt(H)) for every weight and bias
            rng = np.random.default_rng(seed)
            bound = 1.0 / math.sqrt(hidden_size)
            params = {name: rng.uniform(-bound, bound, size=shape) for name, shape in shapes.items()}
        missing = [name for name in shapes if name not in params]
        if missing:  # a ValueError that names them, not a KeyError from the first one
            raise ValueError(f"params lacks {', '.join(missing)} (a {self.kind} of these sizes has "
                             f"{', '.join(shapes)}, in torch's names)")
        for name, shape in shapes.items():  # raised, not asserted: python -O would let a wrong shape through
            if np.shape(params[name]) != shape:
                raise ValueError(f"params[{name!r}] has shape {np.shape(params[name])}, expected {shape}")
        self.params = {name: np.asarray(params[name], dtype=self.dtype) for name in shapes}
        self._records: dict[tuple[int, int], dict] | None = None  # what the last forward kept, per (layer, direction)
        self.backward_steps: dict[tuple[int, int], list[KeptStep]] = {}

    def __repr__(self) -> str:
        """As torch writes its layers: ``LSTM(384, 4, num_layers=2, bidirectional=True)``."""
        options = [f"num_layers={self.num_layers}"] if self.num_layers != 1 else []
        options += ["bidirectional=True"] if self.bidirectional else []
        options += ["bias=False"] if not self.bias else []
        options += [f"nonlinearity={self.nonlinearity!r}"] if self.kind == "rnn" and self.nonlinearity != "tanh" else []
        options += [f"dtype={self.dtype.name}"]
        return f"{type(self).__name__}({self.input_size}, {self.hidden_size}, {', '.join(options)})"

    # -- construction ---------------------------------------------------------------------------
    @classmethod
    def from_torch(cls, module, dtype=np.float64):
        """A scratch layer with the weights of an ``nn.RNN/LSTM/GRU(batch_first=True)``."""
        cell, options, params = torch_layout.from_torch(module, dtype)
        if cell != cls.kind:
            raise TypeError(f"{cls.__name__}.from_torch needs an nn.{cls.__name__}, got {type(module).__name__}")
        return cls(**options, dtype=dtype, params=params)

    def to_torch(self):
        options = {"input_size": self.input_size, "hidden_size": self.hidden_size, "num_layers": self.num_layers,
                   "bidirectional": self.bidirectional, "bias": self.bias}
        if self.kind == "rnn":
            options["nonlinearity"] = self.nonlinearity
        return torch_layout.to_torch(self.kind, options, self.params)

    def parameter_count(self) -> int:
        """Independent of the sequence length: the same matrices serve every step."""
        return sum(p.size for p in self.params.values())

    def cell(self, layer: int, direction: int = 0):
        """The cell of one layer and direction, over this layer's very weight arrays."""
        weights = [self.params[n] for n in torch_layout.param_names(layer, direction, self.bias)]
        if self.kind == "rnn":
            return CELLS["rnn"](*weights, nonlinearity=self.nonlinearity)
        return CELLS[self.kind](*weights)

    # -- forward --------------------------------------------------------------------------------
    def initial_state(self, h0, B: int):
        """(h_0, c_0) for the LSTM, h_0 otherwise; zeros when not given. Shapes (L*D, B, H), checked as torch does:
        a (B, H) state would be broadcast, every sequence starting from the first one's state."""
        zeros = np.zeros((self.num_layers * self.directions, B, self.hidden_size), dtype=self.dtype)
        if h0 is None:
            return (zeros, zeros.copy()) if self.kind == "lstm" else zeros
        given = self._state(h0, B, "h0", ("h0", "c0"))
        if self.kind == "lstm":
            return tuple(zeros.copy() if v is None else v for v in given)
        return given

    def _state(self, value, B: int, name: str, pair: tuple[str, str]):
        """A state given by the caller (h0, or dL/dh_n for backward), each array checked to be (L*D, B, H); the
        LSTM's is a pair, (h, c)."""
        want = (self.num_layers * self.directions, B, self.hidden_size)

        def array(v, what):
            a = np.asarray(v, dtype=self.dtype)
            if a.shape != want:
                raise ValueError(f"expected {what} of shape {want} (num_layers * directions, batch, hidden_size), "
                                 f"got {a.shape}")
            return a

        is_pair = isinstance(value, (tuple, list)) and len(value) == 2 and not np.isscalar(value[0])
        if self.kind == "lstm":
            if not is_pair:
                raise TypeError(f"the LSTM's {name} is a pair ({pair[0]}, {pair[1]}), each of shape {want}")
            return tuple(None if v is None else array(v, what) for v, what in zip(value, pair))
        if isinstance(value, tuple):
            raise TypeError(f"a {self.kind.upper()} has one state: {name} is one array of shape {want}, not a pair")
        return array(value, name)

    def check_input(self, x) -> np.ndarray:
        x = np.asarray(x, dtype=self.dtype)
        if x.ndim != 3 or x.shape[2] != self.input_size:
            raise ValueError(f"expected input (B, T, {self.input_size}), got {x.shape}")
        if x.shape[0] == 0 or x.shape[1] == 0:
            raise ValueError(f"expected at least one sequence and one step, got input of shape {x.shape}")
        return x

    def forward(self, x: np.ndarray, h0=None, trace: bool = True):
        """x (B, T, I) -> out (B, T, D*H), and h_n (L*D, B, H), or (h_n, c_n) for the LSTM.

        Every step's record is kept (:meth:`steps`). ``trace=False`` asks for the training
        path: for the LSTM that is :mod:`seqlab.scratch.fast` (no records); RNN and GRU have
        no separate fast path and run this one.
        """
        x = self.check_input(x)
        B, T, _ = x.shape
        self._last_shape = (B, T)
        init = self.initial_state(h0, B)
        h_n = np.zeros((self.num_layers * self.directions, B, self.hidden_size), dtype=self.dtype)
        c_n = np.zeros_like(h_n) if self.kind == "lstm" else None
        records: dict[tuple[int, int], dict] = {}
        layer_in = x.transpose(1, 0, 2)  # (T, B, I): time-major inside
        for k in range(self.num_layers):
            outputs = []
            for d in range(self.directions):
                idx = k * self.directions + d
                cell = self.cell(k, d)
                seq = np.ascontiguousarray(layer_in[::-1] if d == 1 else layer_in)  # the reverse direction reads backwards
                x_proj = cell.input_projection(seq)  # W_xh·x_t for every t: one product
                state = (init[0][idx], init[1][idx]) if self.kind == "lstm" else init[idx]
                steps = []
                for t in range(T):
                    state, step = cell.forward(seq[t], state, x_proj[t])
                    steps.append(step)
                hs = np.stack([s.h for s in steps])  # (T, B, H) in reading order
                outputs.append(hs[::-1] if d == 1 else hs)
                if self.kind == "lstm":
                    h_n[idx], c_n[idx] = state
                else:
                    h_n[idx] = state
                records[(k, d)] = {"input": seq, "steps": steps}
            layer_in = np.concatenate(outputs, axis=2) if self.directions == 2 else outputs[0]
        self._records = records
        out = np.ascontiguousarray(layer_in.transpose(1, 0, 2))
        return out, ((h_n, c_n) if self.kind == "lstm" else h_n)

    def steps(self, layer: int = 0, direction: int = 0) -> list:
        """The step records of the last forward pass, in reading order (what traces show)."""
        if self._records is None:
            raise RuntimeError("call forward() before steps()")
        self._check_position(layer, direction)
        return self._records[(layer, direction)]["steps"]

    def _check_position(self, layer: int, direction: int) -> None:
        for name, value in (("layer", layer), ("direction", direction)):  # 0.0 read as 0, where k=2.0 is refused
            if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
                raise TypeError(f"{name} must be a whole number, got {value!r}")
        if not 0 <= layer < self.num_layers:
            raise IndexError(f"layer {layer} does not exist: this {self.kind.upper()} has layers 0 to "
                             f"{self.num_layers - 1}")
        if not 0 <= direction < self.directions:
            raise IndexError(f"direction {direction} does not exist: this {self.kind.upper()} has "
                             + ("directions 0 (forward) and 1 (backward)" if self.directions == 2 else
                                "one direction, 0 (bidirectional=False)"))

    # -- backward -------------------------------------------------------------------------------
    def _final_grads(self, d_state, B: int):
        """dL/dh_n (and dL/dc_n) as arrays of zeros when not given."""
        shape = (self.num_layers * self.directions, B, self.hidden_size)
        given = None if d_state is None else self._state(d_state, B, "d_state", ("dh_n", "dc_n"))
        if self.kind != "lstm":
            return (np.zeros(shape, self.dtype) if given is None else given), None
        dh_n, dc_n = (None, None) if given is None else given
        return (np.zeros(shape, self.dtype) if dh_n is None else dh_n,
                np.zeros(shape, self.dtype) if dc_n is None else dc_n)

    def check_d_out(self, d_out) -> np.ndarray:
        """dL/d out must have the shape of the last forward's output, (B, T, D·H)."""
        d_out = np.asarray(d_out, dtype=self.dtype)
        B, T = self._last_shape
        want = (B, T, self.directions * self.hidden_size)
        if d_out.shape != want:
            raise ValueError(f"expected d_out of shape {want} (the shape of forward's output), got {d_out.shape}")
        return d_out

    def backward(self, d_out: np.ndarray, d_state=None, keep_steps: bool | str = False):
        """Backpropagation through time.

        Args:
            d_out: dL/d out, (B, T, D*H).
            d_state: dL/d h_n (and dL/d c_n for the LSTM), or None.
            keep_steps: keep each step's dL/dh_t, dL/dc_t and its share of dW_hh in
                ``self.backward_steps[(layer, direction)]``; ``"gradients"`` keeps dL/dh_t and
                dL/dc_t only (no (G·H, H) matrix per step, for long sequences).

        Returns:
            (dL/dx of shape (B, T, I), grads keyed by torch's parameter names). The gradients
            with respect to the initial state are left in ``self.d_initial``.
        """
        if self._records is None:
            raise RuntimeError("call forward() before backward()")
        H, D = self.hidden_size, self.directions
        d_out = self.check_d_out(d_out)
        B, T = d_out.shape[:2]
        dh_n, dc_n = self._final_grads(d_state, B)
        grads = {name: np.zeros_like(p) for name, p in self.params.items()}
        d_h0 = np.zeros_like(dh_n)
        d_c0 = np.zeros_like(dh_n) if self.kind == "lstm" else None
        self.backward_steps = {}
        d_layer_out = d_out.transpose(1, 0, 2)  # (T, B, D*H)
        for k in reversed(range(self.num_layers)):
            d_layer_in = None
            for d in range(D):
                idx = k * D + d
                cell, record = self.cell(k, d), self._records[(k, d)]
                steps, seq = record["steps"], record["input"]
                d_hs = d_layer_out[:, :, d * H : (d + 1) * H]
                d_hs = d_hs[::-1] if d == 1 else d_hs  # into reading order
                dh_next, dc_next = dh_n[idx], (dc_n[idx] if self.kind == "lstm" else None)
                step_grads: list[StepGrads] = [None] * T
                for t in reversed(range(T)):
                    dh = d_hs[t] + dh_next  # dL/dh_t: from this step's output and from step t+1
                    if self.kind == "lstm":
                        g = cell.backward(steps[t], dh, dc_next)
                        dc_next = g.dc_prev
                    else:
                        g = cell.backward(steps[t], dh)
                    dh_next = g.dh_prev
                    step_grads[t] = g
                    if keep_steps:
                        share = g.dz_h.T @ steps[t].h_prev if keep_steps != "gradients" else None
                        self.backward_steps.setdefault((k, d), [None] * T)[t] = KeptStep(dh, g.dc, share)
                dz_x = np.stack([g.dz_x for g in step_grads])  # (T, B, G·H)
                dz_h = np.stack([g.dz_h for g in step_grads])
                h_prev = np.stack([s.h_prev for s in steps])  # (T, B, H)
                names = torch_layout.param_names(k, d, self.bias)
                # the sums over steps as one product each: dW_xh = Σ_t dz_t^T·x_t, dW_hh = Σ_t dz_t^T·h_{t-1}
                grads[names[0]] = dz_x.reshape(T * B, -1).T @ seq.reshape(T * B, -1)
                grads[names[1]] = dz_h.reshape(T * B, -1).T @ h_prev.reshape(T * B, -1)
                if self.bias:
                    grads[names[2]] = dz_x.sum(axis=(0, 1))
                    grads[names[3]] = dz_h.sum(axis=(0, 1))
                d_seq = dz_x @ cell.W_xh  # dL/dx_t = dz_t·W_xh
                d_seq = d_seq[::-1] if d == 1 else d_seq
                d_layer_in = d_seq if d_layer_in is None else d_layer_in + d_seq
                d_h0[idx] = dh_next
                if self.kind == "lstm":
                    d_c0[idx] = dc_next
            d_layer_out = d_layer_in
        self.d_initial = (d_h0, d_c0) if self.kind == "lstm" else d_h0
        return np.ascontiguousarray(d_layer_out.transpose(1, 0, 2)), grads


class RNN(Recurrent):
    """Elman RNN: ``h_t = tanh(W_xh x_t + W_hh h_{t-1} + b)``."""

    kind = "rnn"


class LSTM(Recurrent):
    """LSTM: forget, input and output gates, a candidate, and the cell state (torch's packing ``i | f | g | o``)."""

    kind = "lstm"

    def __init__(self, input_size: int, hidden_size: int, num_layers: int = 1, bidirectional: bool = False,
                 bias: bool = True, dtype=np.float64, *, seed: int | None = None,
                 params: dict[str, np.ndarray] | None = None):
        super().__init__(input_size, hidden_size, num_layers, bidirectional, bias, dtype, seed=seed, params=params)
        self._fast = None
        self._last_fast = False

    def forward(self, x: np.ndarray, h0=None, trace: bool = True):
        if trace:
            self._last_fast = False
            return super().forward(x, h0)
        from seqlab.scratch.fast import FastLSTM

        if self._fast is None:
            self._fast = FastLSTM(self)
        self._records, self._last_fast = None, True
        x = self.check_input(x)
        self._last_shape = x.shape[:2]
        return self._fast.forward(x, h0)

    def steps(self, layer: int = 0, direction: int = 0) -> list:
        if self._last_fast:
            raise RuntimeError("an untraced forward (trace=False) keeps no step records: call forward(x)")
        return super().steps(layer, direction)

    def backward(self, d_out: np.ndarray, d_state=None, keep_steps: bool | str = False):
        if not self._last_fast:
            return super().backward(d_out, d_state, keep_steps)
        if keep_steps:
            raise RuntimeError("keep_steps needs the step records of a traced forward: call forward(x)")
        d_x, grads = self._fast.backward(self.check_d_out(d_out), d_state)
        self.d_initial = self._fast.d_initial
        return d_x, grads


class GRU(Recurrent):
    """GRU with torch's gate order ``r | z | n``."""

    kind = "gru"

    def __init__(self, input_size: int, hidden_size: int, num_layers: int = 1, bidirectional: bool = False,
                 bias: bool = True, dtype=np.float64, *, seed: int | None = None,
                 params: dict[str, np.ndarray] | None = None):
        super().__init__(input_size, hidden_size, num_layers, bidirectional, bias, dtype, seed=seed, params=params)


LAYERS = {"rnn": RNN, "lstm": LSTM, "gru": GRU}

