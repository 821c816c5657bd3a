"""One time step of an RNN, LSTM and GRU cell, forward and backward: the lecture's equations, line by line.

The lecture's notation (row vectors: a batch of inputs ``x_t`` is ``(B, I)``, so
``W_xh·x_t`` is written ``x_t @ W_xh.T``)::

    RNN    h_t = tanh(W_xh x_t + W_hh h_{t-1} + b)

    LSTM   f   = σ(W_xf x_t + W_hf h_{t-1} + b_f)        forget gate
           i   = σ(W_xi x_t + W_hi h_{t-1} + b_i)        input gate
           o   = σ(W_xo x_t + W_ho h_{t-1} + b_o)        output gate
           g   = tanh(W_xg x_t + W_hg h_{t-1} + b_g)     candidate
           c_t = f ⊙ c_{t-1} + i ⊙ g                     cell state
           h_t = o ⊙ tanh(c_t)                           hidden state

    GRU    r   = σ(W_xr x_t + W_hr h_{t-1} + b_r)        reset gate
           z   = σ(W_xz x_t + W_hz h_{t-1} + b_z)        update gate
           n   = tanh(W_xn x_t + b_xn + r ⊙ (W_hn h_{t-1} + b_hn))
           h_t = (1 - z) ⊙ n + z ⊙ h_{t-1}

The weights are kept the way torch keeps them (see :mod:`seqlab.scratch.torch_layout`),
so that a trained ``nn.LSTM`` loads as it is: ``W_xh`` is torch's ``weight_ih`` with
the gates' blocks stacked by rows (LSTM ``i | f | g | o``, GRU ``r | z | n``),
``W_hh`` is ``weight_hh``, and the lecture's ``b`` is the sum of torch's two biases
``b_ih + b_hh``.

``forward`` returns the new state and a *step record* holding every number it used:
that record is what ``seqlab trace`` shows, so nothing is recomputed for display.
``backward`` takes the record and ``dL/dh_t`` (and ``dL/dc_t``) arriving from later
steps and returns :class:`StepGrads`. The layer (:mod:`seqlab.scratch.layers`) sums
each step's ``dz^T·x_t`` and ``dz^T·h_{t-1}`` into ``dW_xh`` and ``dW_hh``.

The optimised training path of the LSTM is in :mod:`seqlab.scratch.fast`; it is
tested equal to this one.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import numpy as np

from seqlab.scratch.torch_layout import GATES


class ShapedRepr:
    """A repr of a step record with its arrays by their shape: ``RNNStep(x=array(shape=(1, 384)), …)`` (x_t alone
    was thousands of characters). seqlab.display has the records' own; scratch stands alone, with NumPy only."""

    __slots__ = ()

    def __repr__(self) -> str:
        def short(v):
            return f"array(shape={v.shape}, dtype={v.dtype})" if isinstance(v, np.ndarray) else repr(v)

        shown = [f.name for f in dataclasses.fields(self) if f.repr]  # a field(repr=False), a step's cache, stays out
        return f"{type(self).__name__}(" + ", ".join(f"{name}={short(getattr(self, name))}" for name in shown) + ")"


def sigmoid(x: np.ndarray) -> np.ndarray:
    """σ(x) = 1 / (1 + e^{-x}), written as ½·(1 + tanh(x/2)): the same function, without overflow."""
    return 0.5 * (1.0 + np.tanh(0.5 * x))


@dataclass(repr=False)
class StepGrads(ShapedRepr):
    """What the backward of one step hands on."""

    dz_x: np.ndarray  # (B, G·H) dL/dz, the gradient of the pre-activations, for W_xh and b_ih
    dz_h: np.ndarray  # (B, G·H) the same for W_hh and b_hh (differs from dz_x only in the GRU)
    dh_prev: np.ndarray  # (B, H) dL/dh_{t-1}
    dc_prev: np.ndarray | None = None  # (B, H) LSTM: dL/dc_{t-1}
    dc: np.ndarray | None = None  # (B, H) LSTM: dL/dc_t, everything that reached the cell state


class Cell:
    """What every cell shares: the weights (torch layout) and ``W_xh·x_t`` for a whole sequence."""

    gates: tuple[str, ...] = GATES["rnn"]  # row blocks of W_xh and W_hh, in torch's order

    def __init__(self, W_xh: np.ndarray, W_hh: np.ndarray, b_ih: np.ndarray | None = None,
                 b_hh: np.ndarray | None = None):
        G, H = W_hh.shape
        assert G == len(self.gates) * H, f"W_hh has {G} rows, expected {len(self.gates)} x {H}"
        assert W_xh.shape[0] == G, f"W_xh has {W_xh.shape[0]} rows, expected {G}"
        zeros = np.zeros(G, dtype=W_hh.dtype)
        self.W_xh, self.W_hh = W_xh, W_hh
        self.b_ih = zeros if b_ih is None else b_ih
        self.b_hh = zeros if b_hh is None else b_hh
        self.b = self.b_ih + self.b_hh  # the lecture's single bias
        self.hidden_size = H

    def input_projection(self, X: np.ndarray) -> np.ndarray:
        """``W_xh·x_t`` for every step at once: (T, B, I) -> (T, B, G·H), one matrix product."""
        return X @ self.W_xh.T

    def split(self, z: np.ndarray) -> list[np.ndarray]:
        """The gates' blocks of a (B, G·H) array, in torch's row order."""
        return np.split(z, len(self.gates), axis=-1)


# ---------------------------------------------------------------------------------------------- RNN
@dataclass(repr=False)
class RNNStep(ShapedRepr):
    x: np.ndarray  # (B, I)  x_t
    x_proj: np.ndarray  # (B, H)  W_xh·x_t
    h_prev: np.ndarray  # (B, H)  h_{t-1}
    h_proj: np.ndarray  # (B, H)  W_hh·h_{t-1}
    bias: np.ndarray  # (H,)    b = b_ih + b_hh
    pre: np.ndarray  # (B, H)  a_t = W_xh·x_t + W_hh·h_{t-1} + b  (a, not z: the GRU's z is its update gate)
    h: np.ndarray  # (B, H)  h_t = tanh(a_t)


class RNNCell(Cell):
    """``h_t = tanh(W_xh x_t + W_hh h_{t-1} + b)`` (or ReLU instead of tanh)."""

    def __init__(self, *weights, nonlinearity: str = "tanh"):
        super().__init__(*weights)
        assert nonlinearity in ("tanh", "relu")
        self.nonlinearity = nonlinearity

    def forward(self, x, h_prev, x_proj=None) -> tuple[np.ndarray, RNNStep]:
        x_proj = x @ self.W_xh.T if x_proj is None else x_proj  # W_xh·x_t
        h_proj = h_prev @ self.W_hh.T  # W_hh·h_{t-1}
        a = x_proj + h_proj + self.b
        h = np.tanh(a) if self.nonlinearity == "tanh" else np.maximum(a, 0.0)
        return h, RNNStep(x, x_proj, h_prev, h_proj, self.b, a, h)

    def backward(self, s: RNNStep, dh) -> StepGrads:
        if self.nonlinearity == "tanh":
            da = dh * (1.0 - s.h**2)  # h = tanh(a):  dh/da = 1 - h²
        else:
            da = dh * (s.pre > 0)  # h = max(a, 0)
        dh_prev = da @ self.W_hh  # a = ... + W_hh·h_{t-1}
        return StepGrads(da, da, dh_prev)


# --------------------------------------------------------------------------------------------- LSTM
@dataclass(repr=False)
class LSTMStep(ShapedRepr):
    x: np.ndarray  # (B, I)   x_t
    x_proj: np.ndarray  # (B, 4H)  W_xh·x_t, blocks i|f|g|o (torch's order)
    h_prev: np.ndarray  # (B, H)   h_{t-1}
    h_proj: np.ndarray  # (B, 4H)  W_hh·h_{t-1}
    bias: np.ndarray  # (4H,)    b = b_ih + b_hh
    pre: np.ndarray  # (B, 4H)  z = W_xh·x_t + W_hh·h_{t-1} + b, the gates before σ / tanh
    f: np.ndarray  # (B, H)   forget gate  σ(z_f)
    i: np.ndarray  # (B, H)   input gate   σ(z_i)
    o: np.ndarray  # (B, H)   output gate  σ(z_o)
    g: np.ndarray  # (B, H)   candidate    tanh(z_g)
    c_prev: np.ndarray  # (B, H)   c_{t-1}
    c: np.ndarray  # (B, H)   c_t = f⊙c_{t-1} + i⊙g
    tanh_c: np.ndarray  # (B, H)   tanh(c_t)
    h: np.ndarray  # (B, H)   h_t = o⊙tanh(c_t)


class LSTMCell(Cell):
    """``c_t = f⊙c_{t-1} + i⊙g``, ``h_t = o⊙tanh(c_t)``, with the forget, input and output gates and the candidate."""

    gates = GATES["lstm"]

    def forward(self, x, state, x_proj=None) -> tuple[tuple[np.ndarray, np.ndarray], LSTMStep]:
        h_prev, c_prev = state
        x_proj = x @ self.W_xh.T if x_proj is None else x_proj  # W_xh·x_t, all four gates at once
        h_proj = h_prev @ self.W_hh.T  # W_hh·h_{t-1}
        z = x_proj + h_proj + self.b
        z_i, z_f, z_g, z_o = self.split(z)
        f = sigmoid(z_f)  # forget gate: how much of c_{t-1} to keep
        i = sigmoid(z_i)  # input gate: how much of the candidate to write
        o = sigmoid(z_o)  # output gate: how much of the cell state to show
        g = np.tanh(z_g)  # candidate
        c = f * c_prev + i * g
        tanh_c = np.tanh(c)
        h = o * tanh_c
        return (h, c), LSTMStep(x, x_proj, h_prev, h_proj, self.b, z, f, i, o, g, c_prev, c, tanh_c, h)

    def backward(self, s: LSTMStep, dh, dc_next) -> StepGrads:
        """``dh`` = dL/dh_t, ``dc_next`` = what reached c_t from step t+1 (dL/dc_t along the cell state)."""
        do = dh * s.tanh_c  # h = o⊙tanh(c)
        dc = dc_next + dh * s.o * (1.0 - s.tanh_c**2)  # ... and through tanh(c) into c
        df = dc * s.c_prev  # c = f⊙c_{t-1} + i⊙g
        di = dc * s.g
        dg = dc * s.i
        dc_prev = dc * s.f
        dz_f = df * s.f * (1.0 - s.f)  # σ' = σ(1 - σ)
        dz_i = di * s.i * (1.0 - s.i)
        dz_o = do * s.o * (1.0 - s.o)
        dz_g = dg * (1.0 - s.g**2)  # tanh' = 1 - tanh²
        dz = np.concatenate([dz_i, dz_f, dz_g, dz_o], axis=1)  # back into torch's block order
        dh_prev = dz @ self.W_hh  # z = ... + W_hh·h_{t-1}
        return StepGrads(dz, dz, dh_prev, dc_prev, dc)


# ---------------------------------------------------------------------------------------------- GRU
@dataclass(repr=False)
class GRUStep(ShapedRepr):
    x: np.ndarray  # (B, I)   x_t
    x_proj: np.ndarray  # (B, 3H)  W_xh·x_t, blocks r|z|n
    h_prev: np.ndarray  # (B, H)   h_{t-1}
    h_proj: np.ndarray  # (B, 3H)  W_hh·h_{t-1}
    r: np.ndarray  # (B, H)   reset gate
    z: np.ndarray  # (B, H)   update gate
    hn: np.ndarray  # (B, H)   W_hn·h_{t-1} + b_hn, what the reset gate scales
    n: np.ndarray  # (B, H)   candidate
    h: np.ndarray  # (B, H)   h_t = (1-z)⊙n + z⊙h_{t-1}


class GRUCell(Cell):
    """torch's GRU: reset gate r, update gate z, candidate n, ``h_t = (1-z)⊙n + z⊙h_{t-1}``."""

    gates = GATES["gru"]

    def forward(self, x, h_prev, x_proj=None) -> tuple[np.ndarray, GRUStep]:
        x_proj = x @ self.W_xh.T if x_proj is None else x_proj
        h_proj = h_prev @ self.W_hh.T
        xr, xz, xn = self.split(x_proj + self.b_ih)
        hr, hz, hn = self.split(h_proj + self.b_hh)
        r = sigmoid(xr + hr)
        z = sigmoid(xz + hz)
        n = np.tanh(xn + r * hn)
        h = (1.0 - z) * n + z * h_prev
        return h, GRUStep(x, x_proj, h_prev, h_proj, r, z, hn, n, h)

    def backward(self, s: GRUStep, dh) -> StepGrads:
        dn = dh * (1.0 - s.z)  # h = (1-z)⊙n + z⊙h_{t-1}
        dz = dh * (s.h_prev - s.n)
        dpre_n = dn * (1.0 - s.n**2)  # n = tanh(x_n + r⊙hn)
        dr = dpre_n * s.hn
        dpre_r = dr * s.r * (1.0 - s.r)
        dpre_z = dz * s.z * (1.0 - s.z)
        dz_x = np.concatenate([dpre_r, dpre_z, dpre_n], axis=1)
        dz_h = np.concatenate([dpre_r, dpre_z, dpre_n * s.r], axis=1)  # hn enters through r⊙hn
        dh_prev = dh * s.z + dz_h @ self.W_hh
        return StepGrads(dz_x, dz_h, dh_prev)


CELLS = {"rnn": RNNCell, "lstm": LSTMCell, "gru": GRUCell}
