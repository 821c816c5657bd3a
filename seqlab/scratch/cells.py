"""One time step of RNN, LSTM and GRU, forward and backward, written like the equations.

Weights use torch's layout (see :mod:`seqlab.scratch.torch_layout`): ``W_ih``
is ``(G*H, I)``, ``W_hh`` is ``(G*H, H)`` with the G gates stacked by rows, and
there are two biases. Row vectors: a batch of inputs ``x`` is ``(B, I)``, so
``W_ih·x_t`` is written ``x @ W_ih.T``.

``forward`` returns the new state and a *step record* holding every number it
used; ``backward`` takes that record and the gradient arriving at the step's
outputs. The records are what traces show, so traces never recompute anything.

Speed: a layer asks the cell for the records of a whole sequence up front
(:meth:`_Cell.new_steps`). Their arrays are views into one ``(T, B, ·)`` block
per quantity, and ``forward(..., out=record)`` writes into them, so the step
loop allocates nothing and the layer later reads, say, every ``h_{t-1}`` as
one matrix for the single ``dW_hh`` GEMM. Called without ``out`` (as the
Seq2Seq decoder does), a step allocates its own record.

Untraced records (``new_steps(..., trace=False)``) keep only what backward
needs: ``h_proj`` and ``pre`` are ``None``, the step computes them in a small
scratch array (the pre-activations become the gate values in place), so a
step writes about half the memory a traced one does. The LSTM's untraced
steps go one further (``forward(..., folded=True)``): the bias comes with the
input projection, see :meth:`LSTMCell.project_inputs_folded`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

import numpy as np


def sigmoid(x: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
    """σ(x) = 1 / (1 + e^-x), evaluated as (1 + tanh(x/2)) / 2: the same function, no overflow
    for large |x|, and several times faster than ``exp`` or scipy's ``expit`` on float32 arrays."""
    out = np.multiply(x, 0.5, out=out)
    np.tanh(out, out=out)
    out += 1.0
    out *= 0.5
    return out


class _Cell:
    """Shared parts: parameters in torch layout, the input projection of a whole sequence,
    and the records of a whole sequence allocated at once."""

    gates = 1
    #: record fields that get a (T, B, gates*H) or (T, B, H) block; h (and c) get T+1 slots,
    #: slot 0 holding the initial state, so that step t's h_prev is slot t and its h slot t+1
    wide: tuple[str, ...] = ()
    narrow: tuple[str, ...] = ()
    carried: tuple[str, ...] = ("h",)
    traced_only: tuple[str, ...] = ("h_proj", "pre")  # shown by traces, not needed by backward
    folds_bias = False  # True: untraced steps take the bias from the input GEMM (see LSTMCell)

    def __init__(self, W_ih: np.ndarray, W_hh: np.ndarray, b_ih: np.ndarray | None = None,
                 b_hh: np.ndarray | None = None):
        G, H = W_hh.shape[0], W_hh.shape[1]
        assert G == self.gates * H, f"W_hh has {G} rows, expected {self.gates} x {H}"
        assert W_ih.shape[0] == G, f"W_ih has {W_ih.shape[0]} rows, expected {G}"
        self.W_ih, self.W_hh = W_ih, W_hh
        zeros = np.zeros(G, dtype=W_hh.dtype)
        self.b_ih = b_ih if b_ih is not None else zeros
        self.b_hh = b_hh if b_hh is not None else zeros
        self.bias = self.b_ih + self.b_hh
        self.hidden_size = H
        self.dtype = W_hh.dtype
        self._h_proj: np.ndarray | None = None

    @cached_property
    def W_hh_T(self) -> np.ndarray:
        """(H, G*H): the per-step forward GEMM reads it row by row (backward reads W_hh)."""
        return np.ascontiguousarray(self.W_hh.T)

    def project_inputs(self, X: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
        """``W_ih·x_t`` for every step at once: one GEMM, (T, B, I) -> (T, B, G*H)."""
        T, B, I = X.shape
        out = np.empty((T, B, self.W_ih.shape[0]), self.dtype) if out is None else out
        np.matmul(X.reshape(T * B, I), np.ascontiguousarray(self.W_ih.T), out=out.reshape(T * B, -1))
        return out

    def new_steps(self, T: int, B: int, trace: bool = True, alloc=None) -> tuple[list, dict[str, np.ndarray]]:
        """Records for T steps, backed by one block per quantity. Returns (records, blocks);
        ``blocks["h"]`` is (T+1, B, H): write the initial state into slot 0 and pass the
        slot-0 views as the first step's state.

        ``trace=False`` leaves out the quantities only traces show (they are ``None`` in the
        records); ``alloc(name, shape)`` supplies the blocks (default: fresh arrays)."""
        alloc = alloc or (lambda name, shape: np.empty(shape, self.dtype))
        H, G = self.hidden_size, self.gates * self.hidden_size
        shapes = {name: (T, B, G) for name in self.wide}
        shapes.update({name: (T, B, H) for name in self.narrow})
        if not trace:
            shapes = {name: shape for name, shape in shapes.items() if name not in self.traced_only}
        blocks = {name: alloc(name, shape) for name, shape in shapes.items()}
        blocks.update({name: alloc(name, (T + 1, B, H)) for name in self.carried})
        rows = {name: list(blocks[name]) for name in shapes}  # the per-step views of each block
        for name in self.carried:
            rows[name], rows[f"{name}_prev"] = list(blocks[name][1:]), list(blocks[name][:-1])
        absent = dict.fromkeys(self.traced_only)
        records = [self._record({**absent, **{name: row[t] for name, row in rows.items()}}) for t in range(T)]
        return records, blocks

    def _scratch(self, s, B: int) -> np.ndarray:
        """Where an untraced step puts W_hh·h_{t-1}: one (B, G*H) array, rewritten every step."""
        if s.h_proj is not None:
            return s.h_proj
        if self._h_proj is None or self._h_proj.shape[0] != B:
            self._h_proj = np.empty((B, self.gates * self.hidden_size), self.dtype)
        return self._h_proj

    def _record(self, views: dict):
        """The step record over these views (x and x_proj are filled in by ``forward``)."""
        raise NotImplementedError


# ---------------------------------------------------------------------------------------------- RNN
@dataclass
class RNNStep:
    x: np.ndarray | None  # (B, I) input x_t
    x_proj: np.ndarray | None  # (B, H) W_xh·x_t
    h_prev: np.ndarray  # (B, H) h_{t-1}
    h_proj: np.ndarray | None  # (B, H) W_hh·h_{t-1} (traced records only)
    bias: np.ndarray  # (H,) b_ih + b_hh
    pre: np.ndarray | None  # (B, H) x_proj + h_proj + bias (traced records only)
    h: np.ndarray  # (B, H) tanh(pre)


class RNNCell(_Cell):
    """``h_t = tanh(W_xh x_t + b_xh + W_hh h_{t-1} + b_hh)`` (or ReLU instead of tanh)."""

    gates = 1
    wide = ("h_proj", "pre")

    def __init__(self, *args, nonlinearity: str = "tanh"):
        super().__init__(*args)
        assert nonlinearity in ("tanh", "relu")
        self.nonlinearity = nonlinearity

    def _record(self, v):
        return RNNStep(None, None, v["h_prev"], v["h_proj"], self.bias, v["pre"], v["h"])

    def forward(self, x, h_prev, x_proj=None, out: RNNStep | None = None):
        s = self.new_steps(1, h_prev.shape[0])[0][0] if out is None else out
        s.x, s.x_proj, s.h_prev = x, (x @ self.W_ih.T if x_proj is None else x_proj), h_prev
        h_proj = self._scratch(s, h_prev.shape[0])
        pre = s.pre if s.pre is not None else s.h  # untraced: h is computed in place
        np.matmul(h_prev, self.W_hh_T, out=h_proj)  # W_hh·h_{t-1}
        np.add(s.x_proj, h_proj, out=pre)
        pre += self.bias
        if self.nonlinearity == "tanh":
            np.tanh(pre, out=s.h)
        else:
            np.maximum(pre, 0.0, out=s.h)
        return s.h, s

    def backward(self, s: RNNStep, dh):
        """-> (d pre-activation, used for W_ih, b_ih, W_hh and b_hh alike; dh_prev)."""
        dpre = dh * (1.0 - s.h**2) if self.nonlinearity == "tanh" else dh * (s.h > 0)  # relu: h > 0 iff pre > 0
        return dpre, dpre, dpre @ self.W_hh


# --------------------------------------------------------------------------------------------- LSTM
@dataclass
class LSTMStep:
    x: np.ndarray | None  # (B, I)
    x_proj: np.ndarray | None  # (B, 4H) W_ih·x_t, gates i|f|g|o (traced records only)
    h_prev: np.ndarray  # (B, H)
    h_proj: np.ndarray | None  # (B, 4H) W_hh·h_{t-1} (traced records only)
    bias: np.ndarray  # (4H,) b_ih + b_hh
    pre: np.ndarray | None  # (B, 4H) gate pre-activations (traced records only)
    gates: np.ndarray  # (B, 4H) σ(i) | σ(f) | tanh(g) | σ(o)
    c_prev: np.ndarray
    c: np.ndarray  # f*c_prev + i*g
    tanh_c: np.ndarray
    h: np.ndarray  # o*tanh(c)
    i: np.ndarray = field(init=False, repr=False)  # input gate σ  } views of the four
    f: np.ndarray = field(init=False, repr=False)  # forget gate σ } blocks of `gates`
    g: np.ndarray = field(init=False, repr=False)  # candidate tanh
    o: np.ndarray = field(init=False, repr=False)  # output gate σ

    def __post_init__(self):
        H = self.h.shape[-1]
        self.i, self.f, self.g, self.o = (self.gates[:, k * H : (k + 1) * H] for k in range(4))


class LSTMCell(_Cell):
    """Gates ``i, f, o = σ(·)``, candidate ``g = tanh(·)``, ``c_t = f*c_{t-1} + i*g``, ``h_t = o*tanh(c_t)``."""

    gates = 4
    wide = ("h_proj", "pre", "gates")
    narrow = ("tanh_c",)
    carried = ("h", "c")
    folds_bias = True

    def __init__(self, *args):
        super().__init__(*args)
        H = self.hidden_size
        # σ(x) = ½ + ½·tanh(x/2) on the i, f, o blocks and tanh(x) on g: with these per-column
        # constants all four gates are  shift + scale * tanh(scale * pre),  one pass each
        self._scale = np.repeat(np.array([0.5, 0.5, 1.0, 0.5], self.dtype), H)
        self._shift = np.repeat(np.array([0.5, 0.5, 0.0, 0.5], self.dtype), H)
        self._work: np.ndarray | None = None  # (2, B, 4H) scratch of backward

    def _record(self, v):
        return LSTMStep(None, None, v["h_prev"], v["h_proj"], self.bias, v["pre"], v["gates"], v["c_prev"], v["c"],
                        v["tanh_c"], v["h"])

    def project_inputs_folded(self, X1: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
        """The untraced input projection ``scale * (W_ih·x_t + b_ih + b_hh)`` of every step, one GEMM.

        ``X1`` is (T, B, I+1), the inputs with a last column of ones, which picks up the bias
        row appended to ``W_ih^T``. Multiplying by ``scale`` (½ on the σ blocks) is exact in
        floating point, so what the gates' tanh receives is exactly ``scale * pre``."""
        T, B, I1 = X1.shape
        W1 = np.vstack([self.W_ih.T, self.bias[None]]) * self._scale  # (I+1, 4H)
        out = np.empty((T, B, W1.shape[1]), self.dtype) if out is None else out
        np.matmul(X1.reshape(T * B, I1), W1, out=out.reshape(T * B, -1))
        return out

    def forward(self, x, state, x_proj=None, out: LSTMStep | None = None, folded: bool = False):
        """One step. ``folded=True`` is the layer's untraced path: ``x_proj`` then comes from
        :meth:`project_inputs_folded`, the step is one GEMM, one add and the gates' tanh, and
        the record keeps no ``x_proj``, ``h_proj`` or ``pre``."""
        h_prev, c_prev = state
        s = self.new_steps(1, h_prev.shape[0])[0][0] if out is None else out
        s.x, s.h_prev, s.c_prev = x, h_prev, c_prev
        if folded:  # scale * (W_hh·h_{t-1} + W_ih·x_t + b); x_proj may be s.gates itself
            s.x_proj = None
            h_proj = self._scratch(s, h_prev.shape[0])
            np.matmul(h_prev, self.W_hh_T_scaled, out=h_proj)
            np.add(x_proj, h_proj, out=s.gates)
        else:
            s.x_proj = x @ self.W_ih.T if x_proj is None else x_proj
            h_proj = self._scratch(s, h_prev.shape[0])
            pre = s.pre if s.pre is not None else s.gates  # untraced: the gates are computed in place
            np.matmul(h_prev, self.W_hh_T, out=h_proj)  # W_hh·h_{t-1}: one fused GEMM for all four gates
            np.add(s.x_proj, h_proj, out=pre)
            pre += self.bias
            np.multiply(pre, self._scale, out=s.gates)
        np.tanh(s.gates, out=s.gates)  # i, f, o = ½ + ½·tanh(pre/2) = σ(pre);  g = tanh(pre)
        s.gates *= self._scale
        s.gates += self._shift
        np.multiply(s.f, c_prev, out=s.c)  # c_t = f*c_{t-1} + i*g
        s.c += s.i * s.g
        np.tanh(s.c, out=s.tanh_c)
        np.multiply(s.o, s.tanh_c, out=s.h)  # h_t = o*tanh(c_t)
        return (s.h, s.c), s

    @cached_property
    def W_hh_T_scaled(self) -> np.ndarray:
        """``W_hh^T`` with the σ blocks' columns halved (exact), for folded steps."""
        return np.multiply(self.W_hh.T, self._scale, order="C")

    def backward(self, s: LSTMStep, dh, dc, out: np.ndarray | None = None, dh_out: np.ndarray | None = None):
        """-> (d gate pre-activations (B, 4H), the same for W_hh, dh_prev, dc_prev).

        ``out`` (B, 4H), when given, receives the gate gradients (the layer passes its
        per-step slot, which saves a copy per step; it may be ``s.gates`` itself, which is
        written only after its last read); ``dh_out`` (B, H) receives dh_prev."""
        H = self.hidden_size
        # dL/dc_t: what reaches c_t from c_{t+1} (dc), plus dh * o * (1 - tanh²(c_t)) through
        # h_t = o*tanh(c_t), computed as dh * (o - h_t*tanh(c_t)), one pass fewer
        through_h = s.h * s.tanh_c
        np.subtract(s.o, through_h, out=through_h)
        through_h *= dh
        through_h += dc
        dc = through_h
        dc_prev = dc * s.f
        if self._work is None or self._work.shape[1:] != s.gates.shape:
            self._work = np.empty((2, *s.gates.shape), self.dtype)
        upstream, slope = self._work  # scratch, never handed out
        di, df, dg, do = (upstream[:, k * H : (k + 1) * H] for k in range(4))
        np.multiply(dc, s.g, out=di)  # dL/di = dc * g
        np.multiply(dc, s.c_prev, out=df)  # dL/df = dc * c_{t-1}
        np.multiply(dc, s.i, out=dg)  # dL/dg = dc * i
        np.multiply(dh, s.tanh_c, out=do)  # dL/do = dh * tanh(c_t)
        # times each gate's slope: σ' = (1 - a) * a for i, f, o, and tanh' = (1 - g) * (1 + g)
        np.subtract(1.0, s.gates, out=slope)
        upstream *= slope
        # the first write to `out`, which may be the gates' own memory (the layer's untraced backward)
        dpre = np.multiply(upstream, s.gates, out=out)
        dpre[:, 2 * H : 3 * H] += upstream[:, 2 * H : 3 * H]  # the g block: ·g + 1·, i.e. ·(1 + g)
        return dpre, dpre, np.matmul(dpre, self.W_hh, out=dh_out), dc_prev


# ---------------------------------------------------------------------------------------------- GRU
@dataclass
class GRUStep:
    x: np.ndarray | None  # (B, I)
    x_proj: np.ndarray | None  # (B, 3H) W_ih·x_t, gates r|z|n
    h_prev: np.ndarray  # (B, H)
    h_proj: np.ndarray | None  # (B, 3H) W_hh·h_{t-1} (traced records only)
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
    wide = ("h_proj",)
    narrow = ("r", "z", "hn", "n")
    traced_only = ("h_proj",)

    def _record(self, v):
        return GRUStep(None, None, v["h_prev"], v["h_proj"], v["r"], v["z"], v["hn"], v["n"], v["h"])

    def forward(self, x, h_prev, x_proj=None, out: GRUStep | None = None):
        H = self.hidden_size
        s = self.new_steps(1, h_prev.shape[0])[0][0] if out is None else out
        s.x, s.x_proj, s.h_prev = x, (x @ self.W_ih.T if x_proj is None else x_proj), h_prev
        h_proj = self._scratch(s, h_prev.shape[0])
        np.matmul(h_prev, self.W_hh_T, out=h_proj)
        gx = s.x_proj + self.b_ih
        gh = h_proj + self.b_hh
        sigmoid(gx[:, 0 * H : 1 * H] + gh[:, 0 * H : 1 * H], out=s.r)
        sigmoid(gx[:, 1 * H : 2 * H] + gh[:, 1 * H : 2 * H], out=s.z)
        np.copyto(s.hn, gh[:, 2 * H : 3 * H])
        np.tanh(gx[:, 2 * H : 3 * H] + s.r * s.hn, out=s.n)
        np.add((1.0 - s.z) * s.n, s.z * h_prev, out=s.h)
        return s.h, s

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
