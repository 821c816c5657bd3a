"""Seq2Seq from scratch: an encoder RNN, a decoder RNN, optional additive (Bahdanau) attention.

Training uses teacher forcing: the decoder reads the true previous target
token at each step. Inference is greedy: it reads its own previous choice.
With attention, step t of the decoder looks at every encoder output::

    e_tj    = v · tanh(W_q s_{t-1} + W_k h_j)      score of source position j
    α_t     = softmax_j(e_tj)                       (padding positions masked out)
    c_t     = Σ_j α_tj h_j                          context vector
    s_t     = cell([emb(y_{t-1}); c_t], s_{t-1})
    logits  = W_o [s_t; c_t] + b_o

Without attention the context is the encoder's final state, carried only as
the decoder's initial state (the classic bottleneck). The loss is the mean
cross-entropy over non-padding target tokens; :meth:`Seq2Seq.backward` returns
the gradient of every parameter, written by hand end to end.

Scope: one encoder layer, one direction; the source sequences of a batch have
the same length (the traced, teaching use); targets may be padded.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from seqlab.scratch.cells import GRUCell, LSTMCell, ShapedRepr
from seqlab.scratch.layers import GRU, LSTM


def _uniform(rng, shape, bound):
    return rng.uniform(-bound, bound, size=shape)


@dataclass(repr=False)
class DecoderStep(ShapedRepr):
    """Numbers of one decoder step (what a trace shows)."""

    t: int
    input_id: np.ndarray  # (B,) token read at this step
    attention: np.ndarray | None  # (B, S) α_t
    context: np.ndarray | None  # (B, He) c_t
    state: np.ndarray  # (B, H) s_t
    probs: np.ndarray  # (B, V) softmax of the logits
    cell_step: object = field(repr=False, default=None)
    cache: dict = field(repr=False, default_factory=dict)


class Encoder:
    """Embedding + one GRU/LSTM layer over the source: outputs (B, S, H) and the final state."""

    def __init__(self, vocab: int, embed: int, hidden: int, cell: str, rng, dtype):
        Layer = GRU if cell == "gru" else LSTM
        self.cell_kind = cell
        self.rnn = Layer(embed, hidden, dtype=dtype, seed=int(rng.integers(1 << 31)))
        self.params = {"embedding.weight": rng.normal(size=(vocab, embed)).astype(dtype)}
        for name, value in self.rnn.params.items():
            self.params[f"rnn.{name}"] = value
        for name in list(self.rnn.params):  # the layer reads the very arrays held here
            self.rnn.params[name] = self.params[f"rnn.{name}"]

    def forward(self, src: np.ndarray):
        self._src = src
        out, state = self.rnn.forward(self.params["embedding.weight"][src])  # (B, S, E) -> (B, S, H)
        final = (state[0][0], state[1][0]) if self.cell_kind == "lstm" else state[0]
        return out, final

    def backward(self, d_out: np.ndarray, d_final) -> dict[str, np.ndarray]:
        d_state = (d_final[0][None], d_final[1][None]) if self.cell_kind == "lstm" else d_final[None]
        d_x, rnn_grads = self.rnn.backward(d_out, d_state)
        grads = {f"rnn.{k}": v for k, v in rnn_grads.items()}
        grads["embedding.weight"] = np.zeros_like(self.params["embedding.weight"])
        np.add.at(grads["embedding.weight"], self._src, d_x)
        return grads

    def steps(self):
        return self.rnn.steps(0, 0)


class Decoder:
    """Embedding + GRU/LSTM cell + optional additive attention + output layer, one step at a time."""

    def __init__(self, vocab: int, embed: int, hidden: int, cell: str, attention: bool, attention_size: int,
                 rng, dtype):
        G = (3 if cell == "gru" else 4) * hidden
        b = 1.0 / np.sqrt(hidden)
        dec_in = embed + (hidden if attention else 0)
        out_in = hidden * (2 if attention else 1)
        p = {
            "embedding.weight": rng.normal(size=(vocab, embed)),
            "cell.weight_ih": _uniform(rng, (G, dec_in), b),
            "cell.weight_hh": _uniform(rng, (G, hidden), b),
            "cell.bias_ih": _uniform(rng, (G,), b),
            "cell.bias_hh": _uniform(rng, (G,), b),
            "out.weight": _uniform(rng, (vocab, out_in), 1 / np.sqrt(out_in)),
            "out.bias": _uniform(rng, (vocab,), 1 / np.sqrt(out_in)),
        }
        if attention:
            A = attention_size
            p["attention.W_q"] = _uniform(rng, (A, hidden), b)
            p["attention.W_k"] = _uniform(rng, (A, hidden), b)
            p["attention.v"] = _uniform(rng, (A,), 1 / np.sqrt(A))
        self.params = {k: np.asarray(v, dtype=dtype) for k, v in p.items()}
        self.cell_kind, self.attention, self.hidden = cell, attention, hidden

    def cell(self):
        p = self.params
        args = (p["cell.weight_ih"], p["cell.weight_hh"], p["cell.bias_ih"], p["cell.bias_hh"])
        return GRUCell(*args) if self.cell_kind == "gru" else LSTMCell(*args)

    def keys(self, enc_out: np.ndarray) -> np.ndarray | None:
        """W_k·h_j for every source position: one GEMM, reused by every decoder step."""
        return enc_out @ self.params["attention.W_k"].T if self.attention else None

    def attend(self, s_prev, enc_out, keys, src_mask):
        p = self.params
        q = s_prev @ p["attention.W_q"].T  # (B, A)
        e = np.tanh(q[:, None, :] + keys)  # (B, S, A)
        scores = e @ p["attention.v"]  # (B, S)
        scores = np.where(src_mask, scores, -np.inf)
        scores = scores - scores.max(axis=1, keepdims=True)
        alpha = np.exp(scores)
        alpha /= alpha.sum(axis=1, keepdims=True)
        context = (alpha[:, :, None] * enc_out).sum(axis=1)  # (B, H)
        return alpha, context, {"s_prev": s_prev, "e": e}

    def step(self, t, y_prev, state, enc_out, keys, src_mask, cell) -> tuple:
        p = self.params
        h_prev = state[0] if self.cell_kind == "lstm" else state
        emb = p["embedding.weight"][y_prev]  # (B, E)
        alpha = context = None
        cache: dict = {"emb": emb}
        if self.attention:
            alpha, context, cache["att"] = self.attend(h_prev, enc_out, keys, src_mask)
            x = np.concatenate([emb, context], axis=1)
        else:
            x = emb
        state, cell_step = cell.forward(x, state)
        h = state[0] if self.cell_kind == "lstm" else state
        features = np.concatenate([h, context], axis=1) if self.attention else h
        logits = features @ p["out.weight"].T + p["out.bias"]
        logits = logits - logits.max(axis=1, keepdims=True)
        probs = np.exp(logits)
        total = probs.sum(axis=1, keepdims=True)
        probs /= total
        # log p = logit - log Σ exp: finite where p itself rounds to 0, so the loss never reads log 0
        cache.update(x=x, features=features, log_probs=logits - np.log(total))
        return state, DecoderStep(t, y_prev, alpha, context, h, probs, cell_step, cache)

    def backward_step(self, s: DecoderStep, dlogits, dh_next, dc_next, cell, enc_out, d_enc_out, g):
        """One step back: output layer, attention, cell. Returns (d s_{t-1}, d c_{t-1})."""
        p, H = self.params, self.hidden
        g["out.weight"] += dlogits.T @ s.cache["features"]
        g["out.bias"] += dlogits.sum(axis=0)
        d_features = dlogits @ p["out.weight"]
        dh = dh_next + d_features[:, :H]
        grads = cell.backward(s.cell_step, dh, dc_next) if self.cell_kind == "lstm" else cell.backward(s.cell_step, dh)
        g["cell.weight_ih"] += grads.dz_x.T @ s.cache["x"]
        g["cell.weight_hh"] += grads.dz_h.T @ s.cell_step.h_prev
        g["cell.bias_ih"] += grads.dz_x.sum(axis=0)
        g["cell.bias_hh"] += grads.dz_h.sum(axis=0)
        dx = grads.dz_x @ p["cell.weight_ih"]
        E = s.cache["emb"].shape[1]
        np.add.at(g["embedding.weight"], s.input_id, dx[:, :E])
        if self.attention:
            d_context = d_features[:, H:] + dx[:, E:]
            return grads.dh_prev + self._attention_backward(s, d_context, enc_out, d_enc_out, g), grads.dc_prev
        return grads.dh_prev, grads.dc_prev

    def _attention_backward(self, s: DecoderStep, d_context, enc_out, d_enc_out, g) -> np.ndarray:
        """Backward through α, c_t and the scores; adds into d_enc_out and g; returns d s_{t-1}."""
        p = self.params
        alpha, e, s_prev = s.attention, s.cache["att"]["e"], s.cache["att"]["s_prev"]
        d_alpha = (d_context[:, None, :] * enc_out).sum(axis=2)  # (B, S)
        d_enc_out += alpha[:, :, None] * d_context[:, None, :]
        d_scores = alpha * (d_alpha - (alpha * d_alpha).sum(axis=1, keepdims=True))  # softmax backward
        g["attention.v"] += (d_scores[:, :, None] * e).sum(axis=(0, 1))
        d_pre = d_scores[:, :, None] * p["attention.v"] * (1.0 - e**2)  # (B, S, A)
        d_q = d_pre.sum(axis=1)  # (B, A)
        g["attention.W_q"] += d_q.T @ s_prev
        A = d_pre.shape[2]
        g["attention.W_k"] += d_pre.reshape(-1, A).T @ enc_out.reshape(-1, enc_out.shape[2])
        d_enc_out += d_pre @ p["attention.W_k"]
        return d_q @ p["attention.W_q"]


def _check_id(name: str, value, vocab: int) -> None:
    """A special id (bos, eos, pad): a whole number below the target vocabulary's size."""
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or not 0 <= value < vocab:
        raise ValueError(f"{name} must be a whole number from 0 to {vocab - 1} (the target vocabulary), got {value!r}")


def _mask_of(src: np.ndarray, src_mask) -> np.ndarray:
    """``src_mask`` as booleans of ``src``'s shape (all True when None)."""
    if src_mask is None:
        return np.ones(src.shape, dtype=bool)
    mask = np.asarray(src_mask, dtype=bool)
    if mask.shape != src.shape:
        raise ValueError(f"src_mask must have src's shape {src.shape}, got {mask.shape}")
    empty = np.flatnonzero(~mask.any(axis=1))
    if empty.size:  # attention's softmax over no position at all: NaN in the loss and in every gradient
        raise ValueError(f"src_mask row {int(empty[0])} masks every position: keep at least one (True) per row")
    return mask


class Seq2Seq:
    """An :class:`Encoder` and a :class:`Decoder` (GRU or LSTM), optional Bahdanau attention; NumPy, float64.

    Parameters are ``encoder.*`` and ``decoder.*`` in :attr:`params` (the very arrays the parts use).

    >>> m = Seq2Seq(src_vocab=10, tgt_vocab=12, embed=8, hidden=16, cell="gru", attention=True, seed=0)
    >>> loss = m.forward(np.array([[3, 4, 5]]), np.array([[1, 6, 7]]), np.array([[6, 7, 2]]))
    >>> sorted(m.backward())[:2]
    ['decoder.attention.W_k', 'decoder.attention.W_q']
    """

    def __init__(self, src_vocab: int, tgt_vocab: int, embed: int, hidden: int, cell: str = "gru",
                 attention: bool = True, attention_size: int | None = None, pad_id: int = 0, seed: int = 0,
                 dtype=np.float64):
        if cell not in ("gru", "lstm"):
            raise ValueError("cell must be 'gru' or 'lstm'")
        for name, value in (("src_vocab", src_vocab), ("tgt_vocab", tgt_vocab), ("embed", embed), ("hidden", hidden)):
            if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:  # named as given here
                raise ValueError(f"{name} must be a whole number of at least 1, got {value!r}")
        if not isinstance(attention, (bool, np.bool_)):  # "no" was a true value
            raise TypeError(f"attention must be True or False, got {attention!r}")
        _check_id("pad_id", pad_id, tgt_vocab)
        rng = np.random.default_rng(seed)
        dtype = np.dtype(dtype)
        self.cell_kind, self.attention, self.pad_id, self.hidden = cell, attention, pad_id, hidden
        self.encoder = Encoder(src_vocab, embed, hidden, cell, rng, dtype)
        self.decoder = Decoder(tgt_vocab, embed, hidden, cell, attention, attention_size or hidden, rng, dtype)
        self.params = {**{f"encoder.{k}": v for k, v in self.encoder.params.items()},
                       **{f"decoder.{k}": v for k, v in self.decoder.params.items()}}

    @property
    def src_vocab(self) -> int:
        return self.encoder.params["embedding.weight"].shape[0]

    @property
    def tgt_vocab(self) -> int:
        return self.decoder.params["embedding.weight"].shape[0]

    def __repr__(self) -> str:
        return (f"Seq2Seq({self.src_vocab}, {self.tgt_vocab}, embed={self.encoder.params['embedding.weight'].shape[1]}, "
                f"hidden={self.hidden}, cell={self.cell_kind!r}, attention={self.attention})")

    def _ids(self, name: str, ids, vocab: int) -> np.ndarray:
        """``ids`` as a (B, T) integer array of ids below ``vocab``: 99 of a vocabulary of 8 was an IndexError deep
        in the embedding, and -1 read the last row in silence."""
        ids = np.asarray(ids)
        if ids.ndim != 2 or not np.issubdtype(ids.dtype, np.integer):
            raise ValueError(f"{name} must be a (batch, length) array of integer ids, got shape {ids.shape} of "
                             f"{ids.dtype}")
        if 0 in ids.shape:  # the encoder's "input of shape (1, 0, 6)" named the embedded array, not this one
            raise ValueError(f"{name} must hold at least one sequence of at least one id, got shape {ids.shape}")
        if ids.min() < 0 or ids.max() >= vocab:
            bad = int(ids.min()) if ids.min() < 0 else int(ids.max())
            raise ValueError(f"{name} holds the id {bad}, outside 0 to {vocab - 1} (its vocabulary has {vocab} ids)")
        return ids

    def forward(self, src: np.ndarray, tgt_in: np.ndarray, tgt_out: np.ndarray,
                src_mask: np.ndarray | None = None) -> float:
        """Teacher-forced loss: mean cross-entropy of ``tgt_out`` given ``src`` and ``tgt_in`` (B, T).

        ``src_mask`` (B, S), False at padding, keeps attention off the padded source positions. It masks attention
        only: the encoder still reads every position, so a padded source's final state (the decoder's first) has
        passed through its padding. Sources of one length (no padding) avoid that, as the PyTorch trainer
        does (:mod:`seqlab.training.seq2seq_models`: its batches are bucketed by source length)."""
        src = self._ids("src", src, self.src_vocab)
        tgt_in, tgt_out = self._ids("tgt_in", tgt_in, self.tgt_vocab), self._ids("tgt_out", tgt_out,
                                                                                    self.tgt_vocab)
        if tgt_in.shape != tgt_out.shape or tgt_in.shape[0] != src.shape[0]:
            raise ValueError(f"tgt_in {tgt_in.shape} and tgt_out {tgt_out.shape} must have one shape, with as many "
                             f"rows as src {src.shape}")
        src_mask = _mask_of(src, src_mask)
        mask = tgt_out != self.pad_id  # the target tokens scored
        if not mask.any():  # the loss was a silent 0 and every gradient 0: nothing was there to learn
            raise ValueError(f"tgt_out holds only pad_id ({self.pad_id}): no target token is left to score")
        enc_out, state = self.encoder.forward(src)
        keys = self.decoder.keys(enc_out)
        cell = self.decoder.cell()
        steps = []
        for t in range(tgt_in.shape[1]):
            state, step = self.decoder.step(t, tgt_in[:, t], state, enc_out, keys, src_mask, cell)
            steps.append(step)
        n = int(mask.sum())
        rows = np.arange(src.shape[0])
        loss = -sum(s.cache["log_probs"][rows, tgt_out[:, t]][mask[:, t]].sum() for t, s in enumerate(steps)) / n
        self._cache = {"tgt_out": tgt_out, "mask": mask, "n": n, "enc_out": enc_out, "steps": steps, "cell": cell}
        self.steps = steps
        return float(loss)

    def backward(self) -> dict[str, np.ndarray]:
        """Gradients of the last forward's loss with respect to every parameter."""
        c = getattr(self, "_cache", None)
        if c is None:
            raise RuntimeError("backward() needs a forward() first: it differentiates the last forward's loss")
        enc_out, H = c["enc_out"], self.hidden
        B = enc_out.shape[0]
        rows = np.arange(B)
        g = {k: np.zeros_like(v) for k, v in self.decoder.params.items()}
        d_enc_out = np.zeros_like(enc_out)
        dh = np.zeros((B, H), dtype=enc_out.dtype)
        dc = np.zeros((B, H), dtype=enc_out.dtype) if self.cell_kind == "lstm" else None
        for t in reversed(range(len(c["steps"]))):
            s = c["steps"][t]
            dlogits = s.probs.copy()  # softmax + cross-entropy: p - onehot
            dlogits[rows, c["tgt_out"][:, t]] -= 1.0
            dlogits *= c["mask"][:, t][:, None] / c["n"]
            dh, dc = self.decoder.backward_step(s, dlogits, dh, dc, c["cell"], enc_out, d_enc_out, g)
        # the decoder started from the encoder's final state
        enc_grads = self.encoder.backward(d_enc_out, (dh, dc) if self.cell_kind == "lstm" else dh)
        return {**{f"encoder.{k}": v for k, v in enc_grads.items()}, **{f"decoder.{k}": v for k, v in g.items()}}

    def greedy_decode(self, src: np.ndarray, bos_id: int, eos_id: int, max_len: int = 50,
                      src_mask: np.ndarray | None = None) -> tuple[np.ndarray, list[DecoderStep]]:
        """Decode by taking the most likely token at each step; returns (ids (B, ≤max_len), steps).
        ``src_mask`` masks attention only, as in :meth:`forward`."""
        src = self._ids("src", src, self.src_vocab)
        if isinstance(max_len, bool) or not isinstance(max_len, (int, np.integer)) or max_len < 1:
            raise ValueError(f"max_len must be a whole number of at least 1, got {max_len!r}")
        _check_id("bos_id", bos_id, self.tgt_vocab)
        _check_id("eos_id", eos_id, self.tgt_vocab)
        src_mask = _mask_of(src, src_mask)
        enc_out, state = self.encoder.forward(src)
        keys = self.decoder.keys(enc_out)
        cell = self.decoder.cell()
        y = np.full(src.shape[0], bos_id)
        done = np.zeros(src.shape[0], dtype=bool)
        out, steps = [], []
        for t in range(max_len):
            state, step = self.decoder.step(t, y, state, enc_out, keys, src_mask, cell)
            y = np.where(done, self.pad_id, step.probs.argmax(axis=1))
            out.append(y)
            steps.append(step)
            done |= y == eos_id
            if done.all():
                break
        return np.stack(out, axis=1), steps
