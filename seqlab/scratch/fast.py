"""The LSTM's optimised training path: the same numbers as :mod:`seqlab.scratch.cells`, computed faster.

``LSTM.forward(x, trace=False)`` runs here. Nothing in seqlab but
``benchmarks/bench_scratch.py`` uses it: traces, ``explain``, the lab and the web
page all use the readable reference path, and training uses torch. It exists to
show how close NumPy can get to ``torch.nn.LSTM`` (within 1.3x, see
``docs/benchmarks.md``), and it is tested equal to the reference path to 1e-12 and
to torch to 1e-9 in float64.

What it does differently, and why each is exact:

- **Folded bias.** The inputs get a column of ones and ``W_xh^T`` a row holding
  ``b = b_ih + b_hh``, so one GEMM gives ``W_xh·x_t + b`` for every step.
- **σ through tanh.** ``σ(z) = ½ + ½·tanh(z/2)``. Halving the σ blocks' columns of
  ``W_xh`` (and the bias row) and of ``W_hh`` is exact in floating point, so every
  gate is ``shift + scale·tanh(scaled pre-activation)``: one ``tanh`` pass over all
  four gates instead of three sigmoids and a tanh.
- **Packed buffers.** Each quantity of a whole sequence lives in one ``(T, B, ·)``
  array that the next forward of the same shape reuses (fresh memory costs page
  faults on every batch), so the step loop allocates nothing.
- **In-place gate gradients.** Backward writes each step's gate gradients over that
  step's gates (already read by then), and ``dW_xh``, ``dW_hh``, the bias gradient
  (the ones column) and ``dx`` are single GEMMs after the loop. As in torch without
  ``retain_graph``, a second backward therefore needs a new forward.
"""

from __future__ import annotations

import numpy as np

from seqlab.scratch import torch_layout


class FastLSTM:
    """The untraced forward and backward of an :class:`~seqlab.scratch.layers.LSTM` (same weights)."""

    def __init__(self, layer):
        self.layer = layer
        H = layer.hidden_size
        dtype = layer.dtype
        # per column of the packed gates i|f|g|o: σ blocks use ½·tanh(½·z) + ½, the candidate tanh(z)
        self.scale = np.repeat(np.array([0.5, 0.5, 1.0, 0.5], dtype), H)
        self.shift = np.repeat(np.array([0.5, 0.5, 0.0, 0.5], dtype), H)
        self._buffers: dict[tuple, np.ndarray] = {}
        self._tape: dict | None = None
        self._spent = False
        self.d_initial = None

    def _buffer(self, key: tuple, shape: tuple) -> np.ndarray:
        array = self._buffers.get(key)
        if array is None or array.shape != shape:
            array = self._buffers[key] = np.empty(shape, self.layer.dtype)
        return array

    def _weights(self, k: int, d: int):
        """(W1 (I+1, 4H): scaled W_xh^T with the scaled bias as its last row, scaled W_hh^T, W_xh, W_hh)."""
        layer = self.layer
        names = torch_layout.param_names(k, d, layer.bias)
        W_xh, W_hh = layer.params[names[0]], layer.params[names[1]]
        b = layer.params[names[2]] + layer.params[names[3]] if layer.bias else np.zeros(W_hh.shape[0], layer.dtype)
        W1 = np.vstack([W_xh.T, b[None]]) * self.scale
        return W1, np.multiply(W_hh.T, self.scale, order="C"), W_xh, W_hh

    def forward(self, x: np.ndarray, h0=None):
        layer = self.layer
        B, T, _ = x.shape
        H, D = layer.hidden_size, layer.directions
        h_init, c_init = layer.initial_state(h0, B)
        h_n = np.zeros((layer.num_layers * D, B, H), dtype=layer.dtype)
        c_n = np.zeros_like(h_n)
        tape = {}
        layer_in = x.transpose(1, 0, 2)  # (T, B, I)
        for k in range(layer.num_layers):
            outputs = []
            for d in range(D):
                idx = k * D + d
                W1, W_hh_T, _, _ = self._weights(k, d)
                seq = layer_in[::-1] if d == 1 else layer_in
                I = seq.shape[2]
                X1 = self._buffer((k, d, "input"), (T, B, I + 1))  # the inputs and a column of ones
                np.copyto(X1[..., :I], seq)
                X1[..., I] = 1.0
                gates = self._buffer((k, d, "gates"), (T, B, 4 * H))
                np.matmul(X1.reshape(T * B, I + 1), W1, out=gates.reshape(T * B, 4 * H))  # scaled W_xh·x_t + b
                h = self._buffer((k, d, "h"), (T + 1, B, H))  # slot 0 holds h_0, slot t+1 holds h_t
                c = self._buffer((k, d, "c"), (T + 1, B, H))
                tanh_c = self._buffer((k, d, "tanh_c"), (T, B, H))
                h_proj = self._buffer((k, d, "h_proj"), (B, 4 * H))
                h[0], c[0] = h_init[idx], c_init[idx]
                for t in range(T):
                    a = gates[t]
                    np.matmul(h[t], W_hh_T, out=h_proj)  # scaled W_hh·h_{t-1}
                    a += h_proj
                    np.tanh(a, out=a)
                    a *= self.scale
                    a += self.shift  # now i | f | g | o
                    i, f, g, o = a[:, :H], a[:, H : 2 * H], a[:, 2 * H : 3 * H], a[:, 3 * H :]
                    np.multiply(f, c[t], out=c[t + 1])  # c_t = f⊙c_{t-1} + i⊙g
                    c[t + 1] += i * g
                    np.tanh(c[t + 1], out=tanh_c[t])
                    np.multiply(o, tanh_c[t], out=h[t + 1])  # h_t = o⊙tanh(c_t)
                hs = h[1:]
                outputs.append(hs[::-1] if d == 1 else hs)
                h_n[idx], c_n[idx] = h[T], c[T]
                tape[(k, d)] = (X1, gates, h, c, tanh_c)
            layer_in = np.concatenate(outputs, axis=2) if D == 2 else outputs[0]
        self._tape, self._spent = tape, False
        return layer_in.transpose(1, 0, 2).copy(), (h_n, c_n)  # a copy: the buffers are reused

    def backward(self, d_out: np.ndarray, d_state=None):
        if self._tape is None:
            raise RuntimeError("call forward() again before backward(): the last backward() of an untraced "
                               "forward (trace=False) used up its buffers" if self._spent
                               else "call forward() before backward()")
        layer = self.layer
        H, D = layer.hidden_size, layer.directions
        d_out = np.asarray(d_out, dtype=layer.dtype)
        B, T = d_out.shape[:2]
        dh_n, dc_n = layer._final_grads(d_state, B)
        grads = {name: np.zeros_like(p) for name, p in layer.params.items()}
        d_h0, d_c0 = np.zeros_like(dh_n), np.zeros_like(dh_n)
        work = self._buffer(("work",), (2, B, 4 * H))  # scratch: upstream gradients and gate slopes
        upstream, slope = work
        dh_prev = self._buffer(("dh_prev",), (B, H))
        d_layer_out = d_out.transpose(1, 0, 2)  # (T, B, D*H)
        for k in reversed(range(layer.num_layers)):
            d_layer_in = None
            for d in range(D):
                idx = k * D + d
                X1, gates, h, c, tanh_c = self._tape[(k, d)]
                _, _, W_xh, W_hh = self._weights(k, d)
                d_hs = d_layer_out[:, :, d * H : (d + 1) * H]
                d_hs = d_hs[::-1] if d == 1 else d_hs
                dh_next, dc = dh_n[idx].copy(), dc_n[idx].copy()
                for t in reversed(range(T)):
                    a = gates[t]
                    i, f, g, o = a[:, :H], a[:, H : 2 * H], a[:, 2 * H : 3 * H], a[:, 3 * H :]
                    dh = d_hs[t] + dh_next
                    # dL/dc_t = dc + dh⊙o⊙(1 - tanh²c), written dh⊙(o - h_t⊙tanh c): one pass fewer
                    through_h = h[t + 1] * tanh_c[t]
                    np.subtract(o, through_h, out=through_h)
                    through_h *= dh
                    dc += through_h
                    di, df, dg, do = (upstream[:, j * H : (j + 1) * H] for j in range(4))
                    np.multiply(dc, g, out=di)
                    np.multiply(dc, c[t], out=df)
                    np.multiply(dc, i, out=dg)
                    np.multiply(dh, tanh_c[t], out=do)
                    dc *= f  # dL/dc_{t-1}: computed before the gates are overwritten below
                    # times each gate's slope: σ' = (1 - a)·a for i, f, o; tanh' = (1 - g)·(1 + g)
                    np.subtract(1.0, a, out=slope)
                    upstream *= slope
                    dz = np.multiply(upstream, a, out=a)  # the gates' memory now holds dz_t
                    dz[:, 2 * H : 3 * H] += upstream[:, 2 * H : 3 * H]
                    np.matmul(dz, W_hh, out=dh_prev)
                    dh_next = dh_prev
                dz_all = gates.reshape(T * B, 4 * H)
                names = torch_layout.param_names(k, d, layer.bias)
                dW1 = dz_all.T @ X1.reshape(T * B, -1)  # (4H, I+1): the ones column gives the bias gradient
                grads[names[0]] = np.ascontiguousarray(dW1[:, :-1])
                np.matmul(dz_all.T, h[:-1].reshape(T * B, H), out=grads[names[1]])
                if layer.bias:
                    grads[names[2]] = dW1[:, -1].copy()
                    grads[names[3]] = dW1[:, -1].copy()
                d_seq = self._buffer((k, d, "d_input"), (T, B, W_xh.shape[1]))
                np.matmul(dz_all, W_xh, out=d_seq.reshape(T * B, -1))
                d_seq = d_seq[::-1] if d == 1 else d_seq
                d_layer_in = d_seq if d_layer_in is None else d_layer_in + d_seq
                d_h0[idx], d_c0[idx] = dh_next, dc
            d_layer_out = d_layer_in
        self.d_initial = (d_h0, d_c0)
        self._tape, self._spent = None, True  # the gates hold gradients now: backward again needs a new forward
        return d_layer_out.transpose(1, 0, 2).copy(), grads
