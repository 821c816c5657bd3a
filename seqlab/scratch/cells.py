"""One time step of RNN, LSTM and GRU, forward and backward, written like the equations.

Weights use torch's layout (see :mod:`seqlab.scratch.torch_layout`): ``W_ih``
is ``(G*H, I)``, ``W_hh`` is ``(G*H, H)`` with the G gates stacked by rows, and
there are two biases. Row vectors: a batch of inputs ``x`` is ``(B, I)``, so
``W_ih·x_t`` is written ``x @ W_ih.T``.

``forward`` returns the new state and a *step record* holding every number it
used; ``backward`` takes that record and the gradient arriving at the step's
outputs. The records are what traces show, so traces never recompute anything.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


def sigmoid(x: np.ndarray) -> np.ndarray:
    """σ(x) = 1 / (1 + e^-x), evaluated as (1 + tanh(x/2)) / 2: the same function, no overflow
    for large |x|, and several times faster than ``exp`` or scipy's ``expit`` on float32 arrays."""
    out = np.multiply(x, 0.5)
    np.tanh(out, out=out)
    out += 1.0
    out *= 0.5
    return out


class _Cell:
    """Shared parts: parameters in torch layout, and the input projection of a whole sequence."""

    gates = 1

    def __init__(self, W_ih: np.ndarray, W_hh: np.ndarray, b_ih: np.ndarray | None = None,
                 b_hh: np.ndarray | None = None):
        G, H = W_hh.shape[0], W_hh.shape[1]
        assert G == self.gates * H, f"W_hh has {G} rows, expected {self.gates} x {H}"
        assert W_ih.shape[0] == G, f"W_ih has {W_ih.shape[0]} rows, expected {G}"
        self.W_ih, self.W_hh = W_ih, W_hh
        self.W_hh_T = np.ascontiguousarray(W_hh.T)  # (H, G*H): the per-step GEMM reads it row by row
        zeros = np.zeros(G, dtype=W_hh.dtype)
        self.b_ih = b_ih if b_ih is not None else zeros
        self.b_hh = b_hh if b_hh is not None else zeros
        self.hidden_size = H

    def project_inputs(self, X: np.ndarray) -> np.ndarray:
        """``W_ih·x_t`` for every step at once: one GEMM, (T, B, I) -> (T, B, G*H)."""
        T, B, I = X.shape
        return (X.reshape(T * B, I) @ np.ascontiguousarray(self.W_ih.T)).reshape(T, B, -1)


# ---------------------------------------------------------------------------------------------- RNN
@dataclass
class RNNStep:
    x: np.ndarray  # (B, I) input x_t
    x_proj: np.ndarray  # (B, H) W_xh·x_t
    h_prev: np.ndarray  # (B, H) h_{t-1}
    h_proj: np.ndarray  # (B, H) W_hh·h_{t-1}
    bias: np.ndarray  # (H,) b_ih + b_hh
    pre: np.ndarray  # (B, H) x_proj + h_proj + bias
    h: np.ndarray  # (B, H) tanh(pre)


class RNNCell(_Cell):
    """``h_t = tanh(W_xh x_t + b_xh + W_hh h_{t-1} + b_hh)`` (or ReLU instead of tanh)."""

    gates = 1

    def __init__(self, *args, nonlinearity: str = "tanh"):
        super().__init__(*args)
        assert nonlinearity in ("tanh", "relu")
        self.nonlinearity = nonlinearity

    def forward(self, x, h_prev, x_proj=None):
        x_proj = x @ self.W_ih.T if x_proj is None else x_proj
        h_proj = h_prev @ self.W_hh_T
        bias = self.b_ih + self.b_hh
        pre = x_proj + h_proj + bias
        h = np.tanh(pre) if self.nonlinearity == "tanh" else np.maximum(pre, 0.0)
        return h, RNNStep(x, x_proj, h_prev, h_proj, bias, pre, h)

    def backward(self, s: RNNStep, dh):
        """-> (d pre-activation, used for W_ih, b_ih, W_hh and b_hh alike; dh_prev)."""
        dpre = dh * (1.0 - s.h**2) if self.nonlinearity == "tanh" else dh * (s.pre > 0)
        return dpre, dpre, dpre @ self.W_hh


# --------------------------------------------------------------------------------------------- LSTM
@dataclass
class LSTMStep:
    x: np.ndarray  # (B, I)
    x_proj: np.ndarray  # (B, 4H) W_ih·x_t, gates i|f|g|o
    h_prev: np.ndarray  # (B, H)
    h_proj: np.ndarray  # (B, 4H) W_hh·h_{t-1}
    bias: np.ndarray  # (4H,) b_ih + b_hh
    pre: np.ndarray  # (B, 4H) gate pre-activations
    i: np.ndarray  # input gate σ
    f: np.ndarray  # forget gate σ
    g: np.ndarray  # candidate tanh
    o: np.ndarray  # output gate σ
    c_prev: np.ndarray
    c: np.ndarray  # f*c_prev + i*g
    tanh_c: np.ndarray
    h: np.ndarray  # o*tanh(c)


class LSTMCell(_Cell):
    """Gates ``i, f, o = σ(·)``, candidate ``g = tanh(·)``, ``c_t = f*c_{t-1} + i*g``, ``h_t = o*tanh(c_t)``."""

    gates = 4

    def forward(self, x, state, x_proj=None):
        h_prev, c_prev = state
        x_proj = x @ self.W_ih.T if x_proj is None else x_proj
        h_proj = h_prev @ self.W_hh_T  # one fused GEMM for all four gates
        bias = self.b_ih + self.b_hh
        pre = x_proj + h_proj
        pre += bias
        H = self.hidden_size
        gates = sigmoid(pre)  # i, f and o in one pass (the g block is replaced below)
        i = gates[:, 0 * H : 1 * H]
        f = gates[:, 1 * H : 2 * H]
        g = np.tanh(pre[:, 2 * H : 3 * H])
        o = gates[:, 3 * H : 4 * H]
        c = f * c_prev + i * g
        tanh_c = np.tanh(c)
        h = o * tanh_c
        return (h, c), LSTMStep(x, x_proj, h_prev, h_proj, bias, pre, i, f, g, o, c_prev, c, tanh_c, h)

    def backward(self, s: LSTMStep, dh, dc, out: np.ndarray | None = None):
        """-> (d gate pre-activations (B, 4H), the same for W_hh, dh_prev, dc_prev).

        ``out`` (B, 4H), when given, receives the gate gradients (the layer passes its
        per-step slot, which saves a copy per step)."""
        H = self.hidden_size
        dc = dc + dh * s.o * (1.0 - s.tanh_c**2)  # through h_t = o*tanh(c_t), plus from c_{t+1}
        dpre = np.empty_like(s.pre) if out is None else out  # written block by block (no temporaries)
        di, df, dg, do = (dpre[:, k * H : (k + 1) * H] for k in range(4))
        np.multiply(dc, s.g, out=di)  # dL/di = dc * g
        di *= s.i * (1.0 - s.i)  # σ'
        np.multiply(dc, s.c_prev, out=df)  # dL/df = dc * c_{t-1}
        df *= s.f * (1.0 - s.f)
        np.multiply(dc, s.i, out=dg)  # dL/dg = dc * i
        dg *= 1.0 - s.g**2  # tanh'
        np.multiply(dh, s.tanh_c, out=do)  # dL/do = dh * tanh(c_t)
        do *= s.o * (1.0 - s.o)
        dc_prev = dc * s.f
        return dpre, dpre, dpre @ self.W_hh, dc_prev


# ---------------------------------------------------------------------------------------------- GRU
@dataclass
class GRUStep:
    x: np.ndarray  # (B, I)
    x_proj: np.ndarray  # (B, 3H) W_ih·x_t, gates r|z|n
    h_prev: np.ndarray  # (B, H)
    h_proj: np.ndarray  # (B, 3H) W_hh·h_{t-1}
    r: np.ndarray  # reset gate
    z: np.ndarray  # update gate
    hn: np.ndarray  # W_hn·h_{t-1} + b_hn (what the reset gate scales)
    n: np.ndarray  # candidate
    h: np.ndarray  # (1-z)*n + z*h_prev


class GRUCell(_Cell):
    """torch's GRU::

        r = σ(W_ir x + b_ir + W_hr h + b_hr)
        z = σ(W_iz x + b_iz + W_hz h + b_hz)
        n = tanh(W_in x + b_in + r * (W_hn h + b_hn))
        h' = (1 - z) * n + z * h
    """

    gates = 3

    def forward(self, x, h_prev, x_proj=None):
        H = self.hidden_size
        x_proj = x @ self.W_ih.T if x_proj is None else x_proj
        h_proj = h_prev @ self.W_hh_T
        gx = x_proj + self.b_ih
        gh = h_proj + self.b_hh
        r = sigmoid(gx[:, 0 * H : 1 * H] + gh[:, 0 * H : 1 * H])
        z = sigmoid(gx[:, 1 * H : 2 * H] + gh[:, 1 * H : 2 * H])
        hn = gh[:, 2 * H : 3 * H]
        n = np.tanh(gx[:, 2 * H : 3 * H] + r * hn)
        h = (1.0 - z) * n + z * h_prev
        return h, GRUStep(x, x_proj, h_prev, h_proj, r, z, hn, n, h)

    def backward(self, s: GRUStep, dh):
        """-> (d of the x-side pre-activations, d of the h-side ones, dh_prev)."""
        dn = dh * (1.0 - s.z)
        dz = dh * (s.h_prev - s.n)
        dpre_n = dn * (1.0 - s.n**2)
        dr = dpre_n * s.hn
        dpre_r = dr * s.r * (1.0 - s.r)
        dpre_z = dz * s.z * (1.0 - s.z)
        d_x_side = np.concatenate([dpre_r, dpre_z, dpre_n], axis=1)
        d_h_side = np.concatenate([dpre_r, dpre_z, dpre_n * s.r], axis=1)
        dh_prev = dh * s.z + d_h_side @ self.W_hh
        return d_x_side, d_h_side, dh_prev
