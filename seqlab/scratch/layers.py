"""RNN, LSTM and GRU layers in NumPy: several layers, both directions, and backpropagation through time.

The call contract mirrors ``torch.nn`` (batch-first)::

    layer = LSTM.from_torch(torch_lstm)          # or LSTM(input_size, hidden_size, ...)
    out, (h_n, c_n) = layer.forward(x)           # x (B, T, I) -> out (B, T, D*H)
    d_x, grads = layer.backward(d_out, (dh_n, dc_n))
    grads["weight_hh_l0"]                        # keyed by torch's parameter names

Speed where it counts: the input projection ``W_ih·x_t`` of all steps is one
GEMM before the loop, each step does one fused GEMM for all its gates, and
backward collects the per-step gate gradients so that ``dW_ih``, ``dW_hh`` and
``d_x`` are again single GEMMs after the loop.

Two ways to run it. ``forward(x)`` (traced, the default) keeps every number of
every step in records of their own, for traces and teaching. ``forward(x,
trace=False)`` is the training path: the records keep only what backward needs,
in buffers the layer reuses from call to call (fresh memory costs page faults),
and the LSTM takes its bias and the ½ of ``σ(x) = ½ + ½·tanh(x/2)`` from the
input GEMM (a column of ones; halving is exact). Its backward then writes each
step's gate gradients over that step's gates, so a second backward needs a new
forward, as in torch without ``retain_graph``. Both paths are tested against
torch to 1e-9 in float64.

Weight sharing is visible: the same ``W_hh`` serves every step, so ``dW_hh`` is
the sum over steps of ``dgates_t^T · h_{t-1}``; ``backward(..., keep_steps=True)``
keeps each step's contribution (and ``dL/dh_t``, ``dL/dc_t``) for traces.
"""

from __future__ import annotations

import math
from functools import partial

import numpy as np

from seqlab.scratch import torch_layout
from seqlab.scratch.cells import GRUCell, LSTMCell, RNNCell


class _Recurrent:
    kind = ""
    cell_class: type = RNNCell

    def __init__(self, input_size: int, hidden_size: int, num_layers: int = 1, bidirectional: bool = False,
                 bias: bool = True, dtype=np.float64, nonlinearity: str = "tanh", seed: int | None = None,
                 params: dict[str, np.ndarray] | None = None):
        self.input_size, self.hidden_size, self.num_layers = input_size, hidden_size, num_layers
        self.bidirectional, self.bias, self.dtype = bidirectional, bias, np.dtype(dtype)
        self.nonlinearity = nonlinearity
        self.directions = 2 if bidirectional else 1
        shapes = torch_layout.expected_shapes(self.kind, input_size, hidden_size, num_layers, self.directions, bias)
        if params is None:  # torch's default: U(-1/sqrt(H), 1/sqrt(H)) for every weight and bias
            rng = np.random.default_rng(seed)
            bound = 1.0 / math.sqrt(hidden_size)
            params = {name: rng.uniform(-bound, bound, size=shape) for name, shape in shapes.items()}
        for name, shape in shapes.items():
            assert params[name].shape == shape, f"{name}: got {params[name].shape}, expected {shape}"
        self.params = {name: np.asarray(params[name], dtype=self.dtype) for name in shapes}
        self._cache: dict[tuple[int, int], dict] | None = None
        self._spent = False  # True after the backward of an untraced LSTM forward (see backward)
        self._buffers: dict[tuple, np.ndarray] = {}
        self.backward_steps: dict[tuple[int, int], list[dict]] = {}

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
        names = torch_layout.param_names(layer, direction, self.bias)
        weights = [self.params[n] for n in names]
        if self.kind == "rnn":
            return RNNCell(*weights, nonlinearity=self.nonlinearity)
        return self.cell_class(*weights)

    # -- forward --------------------------------------------------------------------------------
    def _initial(self, h0, B):
        zeros = np.zeros((self.num_layers * self.directions, B, self.hidden_size), dtype=self.dtype)
        if self.kind == "lstm":
            if h0 is None:
                return zeros, zeros.copy()
            return np.asarray(h0[0], dtype=self.dtype), np.asarray(h0[1], dtype=self.dtype)
        return zeros if h0 is None else np.asarray(h0, dtype=self.dtype)

    def forward(self, x: np.ndarray, h0=None, trace: bool = True):
        """x (B, T, I) -> out (B, T, D*H), and h_n (L*D, B, H), or (h_n, c_n) for the LSTM.

        ``trace=True`` (the default) keeps every number of every step in records of their own
        (:meth:`steps`). ``trace=False`` is the fast path for training and benchmarks: the
        records hold only what backward needs (``h_proj`` and ``pre`` are ``None``) and live in
        buffers that the next forward of the same shape reuses, so they are valid until then
        (for the LSTM, until its backward, which writes the gate gradients over the gates).
        ``out`` and the final state are always new arrays.
        """
        x = np.asarray(x, dtype=self.dtype)
        if x.ndim != 3 or x.shape[2] != self.input_size:
            raise ValueError(f"expected input (B, T, {self.input_size}), got {x.shape}")
        B, T, _ = x.shape
        if B == 0 or T == 0:
            raise ValueError(f"expected at least one sequence and one step, got input of shape {x.shape}")
        init = self._initial(h0, B)
        h_n = np.zeros((self.num_layers * self.directions, B, self.hidden_size), dtype=self.dtype)
        c_n = np.zeros_like(h_n) if self.kind == "lstm" else None
        cache: dict[tuple[int, int], dict] = {}
        layer_in = x.transpose(1, 0, 2)  # (T, B, I): time-major inside
        for k in range(self.num_layers):
            outputs = []
            for d in range(self.directions):
                cell = self.cell(k, d)
                alloc = self._allocator(trace, k, d)
                seq = layer_in[::-1] if d == 1 else layer_in  # the reverse direction reads backwards
                x_proj_shape = (T, B, cell.W_ih.shape[0])
                folded = cell.folds_bias and not trace
                step = partial(cell.forward, folded=True) if folded else cell.forward
                if folded:  # inputs plus a column of ones: the input GEMM adds the bias too
                    inputs = alloc("input", (*seq.shape[:2], seq.shape[2] + 1))
                    np.copyto(inputs[..., :-1], seq)
                    inputs[..., -1] = 1.0
                    # written straight into the gates' block, which each step then completes in place
                    x_proj = cell.project_inputs_folded(inputs, out=alloc("gates", x_proj_shape))  # one GEMM
                    seq = inputs[..., :-1]
                else:
                    if not seq.flags.c_contiguous:  # one copy, read by the input GEMM and again by dW_ih
                        inputs = alloc("input", seq.shape)
                        np.copyto(inputs, seq)
                        seq = inputs
                    inputs = seq
                    x_proj = cell.project_inputs(seq, out=alloc("x_proj", x_proj_shape))  # one GEMM
                idx = k * self.directions + d
                steps, blocks = cell.new_steps(T, B, trace, alloc)  # records, written in place by each step
                blocks["h"][0] = init[0][idx] if self.kind == "lstm" else init[idx]
                state = blocks["h"][0]
                if self.kind == "lstm":
                    blocks["c"][0] = init[1][idx]
                    state = (blocks["h"][0], blocks["c"][0])
                for t in range(T):
                    state, _ = step(seq[t], state, x_proj[t], out=steps[t])
                hs = blocks["h"][1:]  # (T, B, H) in reading order
                outputs.append(hs[::-1] if d == 1 else hs)
                if self.kind == "lstm":
                    h_n[idx], c_n[idx] = state
                else:
                    h_n[idx] = state
                cache[(k, d)] = {"input": inputs, "folded": folded, "steps": steps, "h": blocks["h"],
                                 "gates": blocks.get("gates")}
            layer_in = np.concatenate(outputs, axis=2) if self.directions == 2 else outputs[0]
        self._cache, self._spent = cache, False
        out = np.ascontiguousarray(layer_in.transpose(1, 0, 2))
        return out, ((h_n, c_n) if self.kind == "lstm" else h_n)

    def _allocator(self, trace: bool, layer: int, direction: int):
        """Where a forward keeps its arrays: new ones when traced (the records are the caller's
        to keep), else this layer's buffers, reused while the shapes stay the same, so that a
        training loop does not pay for fresh memory (page faults) on every batch."""
        if trace:
            return lambda name, shape: np.empty(shape, self.dtype)
        return lambda name, shape: self._buffer((layer, direction, name), shape)

    def _buffer(self, key: tuple, shape: tuple) -> np.ndarray:
        array = self._buffers.get(key)
        if array is None or array.shape != shape:
            array = self._buffers[key] = np.empty(shape, self.dtype)
        return array

    def _no_forward(self, what: str) -> str:
        if self._spent:
            return (f"call forward() again before {what}: the last backward() of an untraced "
                    "forward (trace=False) used up its buffers")
        return f"call forward() before {what}"

    def steps(self, layer: int = 0, direction: int = 0) -> list:
        """The step records of the last forward pass, in reading order (what traces show)."""
        if self._cache is None:
            raise RuntimeError(self._no_forward("steps()"))
        return self._cache[(layer, direction)]["steps"]

    # -- backward -------------------------------------------------------------------------------
    def backward(self, d_out: np.ndarray, d_state=None, keep_steps: bool = False):
        """Backpropagation through time.

        Args:
            d_out: dL/d out, (B, T, D*H).
            d_state: dL/d h_n (and dL/d c_n for the LSTM), or None.
            keep_steps: keep each step's dL/dh_t, dL/dc_t and its contribution to dW_hh in
                ``self.backward_steps[(layer, direction)]``.

        Returns:
            (dL/dx of shape (B, T, I), grads keyed by torch's parameter names). The gradients
            with respect to the initial state are left in ``self.d_initial``.
        """
        if self._cache is None:
            raise RuntimeError(self._no_forward("backward()"))
        H, D = self.hidden_size, self.directions
        d_out = np.asarray(d_out, dtype=self.dtype)
        B, T = d_out.shape[:2]
        if d_state is None:
            dh_n, dc_n = None, None
        elif self.kind == "lstm":
            dh_n, dc_n = (np.asarray(a, dtype=self.dtype) if a is not None else None for a in d_state)
        else:
            dh_n, dc_n = np.asarray(d_state, dtype=self.dtype), None
        grads = {name: np.zeros_like(p) for name, p in self.params.items()}
        d_h0 = np.zeros((self.num_layers * D, B, H), dtype=self.dtype)
        d_c0 = np.zeros_like(d_h0) if self.kind == "lstm" else None
        self.backward_steps = {}
        d_layer_out = d_out.transpose(1, 0, 2)  # (T, B, D*H)
        for k in reversed(range(self.num_layers)):
            d_layer_in = None
            for d in range(D):
                cell, cache = self.cell(k, d), self._cache[(k, d)]
                steps, seq = cache["steps"], cache["input"]  # (T, B, I), or (T, B, I+1) when folded
                d_hs = d_layer_out[:, :, d * H : (d + 1) * H]
                d_hs = d_hs[::-1] if d == 1 else d_hs  # into reading order
                idx = k * D + d
                dh_next = dh_n[idx].copy() if dh_n is not None else np.zeros((B, H), dtype=self.dtype)
                dc_next = None
                if self.kind == "lstm":
                    dc_next = dc_n[idx].copy() if dc_n is not None else np.zeros((B, H), dtype=self.dtype)
                G = cell.W_ih.shape[0]
                if cache["folded"]:  # untraced LSTM: each step's gate gradients overwrite its gates
                    d_x_side = cache["gates"]  # (read first), so this forward's tape is spent after this
                else:
                    d_x_side = self._buffer((k, d, "d_x_side"), (T, B, G))  # scratch: nothing in it escapes
                # RNN and LSTM use one gradient for both sides; only the GRU's differ
                d_h_side = self._buffer((k, d, "d_h_side"), (T, B, G)) if self.kind == "gru" else d_x_side
                kept = [None] * T
                dh_prev = np.empty((B, H), self.dtype)  # the LSTM's dL/dh_{t-1}, read at once by the next step
                for t in reversed(range(T)):
                    dh = d_hs[t] + dh_next  # dL/dh_t: from this step's output and from step t+1
                    if self.kind == "lstm":
                        if keep_steps:  # dL/dc_t: from the next step and through h_t = o*tanh(c_t)
                            dc_total = dc_next + dh * steps[t].o * (1.0 - steps[t].tanh_c ** 2)
                        _, _, dh_next, dc_next = cell.backward(steps[t], dh, dc_next, out=d_x_side[t], dh_out=dh_prev)
                    elif self.kind == "gru":
                        d_x_side[t], d_h_side[t], dh_next = cell.backward(steps[t], dh)
                    else:
                        d_x_side[t], _, dh_next = cell.backward(steps[t], dh)
                    if keep_steps:
                        kept[t] = {"dh": dh, "dc": dc_total if self.kind == "lstm" else None,
                                   "dW_hh": d_h_side[t].T @ steps[t].h_prev}
                names = torch_layout.param_names(k, d, self.bias)
                d_x_all, d_h_all = d_x_side.reshape(T * B, G), d_h_side.reshape(T * B, G)
                h_prev = cache["h"][:-1].reshape(T * B, H)  # every h_{t-1}, already one block
                dW_ih = d_x_all.T @ seq.reshape(T * B, -1)  # one GEMM: the sum over steps
                if cache["folded"]:  # the column of ones: its gradient is the bias gradient
                    d_bias, dW_ih = dW_ih[:, -1], dW_ih[:, :-1]
                elif self.bias:
                    d_bias = d_x_all.sum(axis=0)
                grads[names[0]] = np.ascontiguousarray(dW_ih)
                np.matmul(d_h_all.T, h_prev, out=grads[names[1]])  # sum over steps of dgates_t^T·h_{t-1}
                if self.bias:
                    grads[names[2]] = d_bias.copy()
                    grads[names[3]] = d_h_all.sum(axis=0) if d_h_side is not d_x_side else d_bias.copy()
                d_seq = self._buffer((k, d, "d_input"), (T, B, cell.W_ih.shape[1]))
                np.matmul(d_x_all, cell.W_ih, out=d_seq.reshape(T * B, -1))
                d_seq = d_seq[::-1] if d == 1 else d_seq
                d_layer_in = d_seq if d_layer_in is None else d_layer_in + d_seq
                d_h0[idx] = dh_next
                if self.kind == "lstm":
                    d_c0[idx] = dc_next
                if keep_steps:
                    self.backward_steps[(k, d)] = kept
            d_layer_out = d_layer_in
        self.d_initial = (d_h0, d_c0) if self.kind == "lstm" else d_h0
        if any(cache["folded"] for cache in self._cache.values()):
            self._cache = None  # the gates are gone: backward again needs a new forward
            self._spent = True
        return np.ascontiguousarray(d_layer_out.transpose(1, 0, 2)), grads


class RNN(_Recurrent):
    """Elman RNN: ``h_t = tanh(W_ih x_t + b_ih + W_hh h_{t-1} + b_hh)``."""

    kind = "rnn"
    cell_class = RNNCell


class LSTM(_Recurrent):
    """LSTM with torch's gate order ``i | f | g | o``."""

    kind = "lstm"
    cell_class = LSTMCell

    def __init__(self, *args, **kwargs):
        kwargs.pop("nonlinearity", None)
        super().__init__(*args, **kwargs)


class GRU(_Recurrent):
    """GRU with torch's gate order ``r | z | n``."""

    kind = "gru"
    cell_class = GRUCell

    def __init__(self, *args, **kwargs):
        kwargs.pop("nonlinearity", None)
        super().__init__(*args, **kwargs)


LAYERS = {"rnn": RNN, "lstm": LSTM, "gru": GRU}
