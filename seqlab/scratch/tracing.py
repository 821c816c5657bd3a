"""``seqlab trace``: an RNN/LSTM/GRU run over the vectors of a real sentence, every number kept.

The inputs come from the embedding stage: the model's token embeddings (the
rows of its input embedding matrix for this text's ids), optionally reduced
to ``input_dim`` numbers by PCA over the whole vocabulary's embedding matrix
(the top principal directions; computed once and cached), so that a learner
can check one step by hand. Weights are seeded random with torch's default
initialization, or those of a trained checkpoint.

The per-step records are the step records the layer computed with (see
:mod:`seqlab.scratch.cells`); nothing is recomputed for display.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import numpy as np

from seqlab.errors import InputError
from seqlab.scratch.layers import LAYERS
from seqlab.storage import atomic_write_bytes, seqlab_home

CELLS = tuple(LAYERS)
STEP_KEYS = {
    "rnn": ("t", "token", "x", "x_proj", "h_prev", "h_proj", "bias", "pre", "h"),
    "lstm": ("t", "token", "x", "x_proj", "h_prev", "h_proj", "bias", "pre_i", "pre_f", "pre_g", "pre_o",
             "i", "f", "g", "o", "c_prev", "c", "h"),
    "gru": ("t", "token", "x", "x_proj", "h_prev", "h_proj", "r", "z", "hn", "n", "h"),
}
LOSS = "L = ‖h_T‖² (the squared norm of the last hidden state)"


@dataclass
class TraceReport:
    cell: str
    model: str
    text: str
    tokens: list[str]
    input_source: str
    input_dim: int
    hidden: int
    seed: int | None
    weights: dict[str, np.ndarray]  # W_ih, W_hh, b (= b_ih + b_hh), in torch layout
    steps: list[dict]
    final: dict[str, np.ndarray]
    backward: dict | None = None
    checkpoint: str | None = None
    extra: dict = field(default_factory=dict)

    def to_dict(self, decimals: int | None = None, full_weights: bool = True) -> dict:
        """JSON-ready. ``decimals`` rounds every number (the API's display precision);
        ``full_weights=False`` gives matrices of more than 64 numbers as their shape only."""

        def conv(v):
            if isinstance(v, np.ndarray):
                return (np.round(v, decimals) if decimals is not None else v).tolist()
            return v

        def weight(v):
            if full_weights or np.size(v) <= 64:
                return conv(v)
            return {"shape": list(np.shape(v)), "omitted": "ask with full=true for every number"}

        out = {"cell": self.cell, "model": self.model, "text": self.text, "tokens": self.tokens,
               "input_source": self.input_source, "input_dim": self.input_dim, "hidden": self.hidden,
               "seed": self.seed, "checkpoint": self.checkpoint,
               "weights": {k: weight(v) for k, v in self.weights.items()},
               "steps": [{k: conv(v) for k, v in s.items()} for s in self.steps],
               "final": {k: conv(v) for k, v in self.final.items()}}
        if self.backward is not None:
            out["backward"] = {k: ([{kk: (weight(vv) if kk == "dW_hh" else conv(vv)) for kk, vv in s.items()} for s in v]
                                   if k == "steps"
                                   else weight(v) if isinstance(v, np.ndarray) else v)
                               for k, v in self.backward.items()}
        out.update(self.extra)
        return out


def _step_record(cell: str, t: int, token: str, s) -> dict:
    """One step's numbers (batch of one: row 0 of every array the cell used)."""
    if cell == "rnn":
        return {"t": t, "token": token, "x": s.x[0], "x_proj": s.x_proj[0], "h_prev": s.h_prev[0],
                "h_proj": s.h_proj[0], "bias": s.bias, "pre": s.pre[0], "h": s.h[0]}
    if cell == "lstm":
        H = s.h.shape[1]
        pre = s.pre[0]
        return {"t": t, "token": token, "x": s.x[0], "x_proj": s.x_proj[0], "h_prev": s.h_prev[0],
                "h_proj": s.h_proj[0], "bias": s.bias, "pre_i": pre[:H], "pre_f": pre[H:2 * H],
                "pre_g": pre[2 * H:3 * H], "pre_o": pre[3 * H:], "i": s.i[0], "f": s.f[0], "g": s.g[0],
                "o": s.o[0], "c_prev": s.c_prev[0], "c": s.c[0], "h": s.h[0]}
    return {"t": t, "token": token, "x": s.x[0], "x_proj": s.x_proj[0], "h_prev": s.h_prev[0],
            "h_proj": s.h_proj[0], "r": s.r[0], "z": s.z[0], "hn": s.hn[0], "n": s.n[0], "h": s.h[0]}


def embedding_pca(model: str, matrix: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Mean and principal directions (rows) of a vocabulary embedding matrix; cached per model."""
    slug = re.sub(r"[^\w.-]+", "_", model)
    path = seqlab_home() / "projections" / f"{slug}-embedding-pca.npz"
    if path.exists():
        with np.load(path) as data:
            return data["mean"], data["components"]
    x = matrix.astype(np.float64)
    mean = x.mean(axis=0)
    cov = np.zeros((x.shape[1], x.shape[1]))
    for start in range(0, len(x), 50_000):  # X^T X in chunks keeps memory flat
        chunk = x[start : start + 50_000] - mean
        cov += chunk.T @ chunk
    values, vectors = np.linalg.eigh(cov)
    components = vectors[:, ::-1].T  # largest variance first
    signs = np.sign(components[np.arange(len(components)), np.abs(components).argmax(axis=1)])
    components = components * signs[:, None]
    import io

    buffer = io.BytesIO()
    np.savez(buffer, mean=mean, components=components)
    atomic_write_bytes(path, buffer.getvalue())
    return mean, components


def token_inputs(text: str, model: str | None, input_dim: int | None, contextual: bool = False, record=None):
    """(model name, tokens, (T, D) inputs, description) from the embedding stage of ``model``."""
    from seqlab.vectors.encoder import load_encoder

    enc = load_encoder(model)
    rec = record if record is not None else enc.tokenizer.encode(text)
    if contextual:
        vectors = enc.embed_records([rec])[0].hidden.astype(np.float64)
        what = f"last_hidden_state of {enc.name}"
    else:
        table = enc.model.get_input_embeddings().weight.detach().cpu().numpy()
        vectors = table[rec.input_ids].astype(np.float64)
        what = f"token embeddings of {enc.name} (rows of its input embedding matrix)"
    if input_dim is not None:
        if not 1 <= input_dim <= vectors.shape[1]:
            raise InputError(f"--input-dim must be between 1 and {vectors.shape[1]}, got {input_dim}")
        table = enc.model.get_input_embeddings().weight.detach().cpu().numpy()
        mean, components = embedding_pca(enc.name, table)
        vectors = (vectors - mean) @ components[:input_dim].T
        what += f", reduced to {input_dim} dims by PCA over the vocabulary's embedding matrix: x = (e - mean)·V_k"
    return enc.name, rec.tokens, vectors, what


def run_trace(cell: str, text: str, model: str | None = None, hidden: int = 4, input_dim: int | None = None,
              seed: int = 0, backward: bool = False, contextual: bool = False, checkpoint: str | None = None,
              dtype=np.float64, record=None, max_tokens: int | None = None) -> TraceReport:
    """Run one layer of ``cell`` over the text's vectors and keep every step's numbers.

    Args:
        cell: ``rnn``, ``lstm`` or ``gru``.
        hidden: hidden size H (small sizes print whole matrices).
        input_dim: reduce inputs to this many dimensions (PCA), e.g. 2 or 3 for hand checks.
        seed: seed of torch's default initialization.
        backward: also backpropagate ``L = ‖h_T‖²`` and keep dL/dh_t, dL/dc_t and each step's
            contribution to dW_hh.
        contextual: feed last_hidden_state instead of the token embeddings.
        checkpoint: a directory made by ``seqlab train`` (its embedding and recurrent layer are used).
        record: an already tokenized text (a TokenRecord of this model), to reuse its tokens.
        max_tokens: refuse longer texts (the web app's limit on work per request).
    """
    if cell not in CELLS:
        raise InputError(f"unknown cell {cell!r}", f"Use one of: {', '.join(CELLS)}.")
    if hidden < 1:
        raise InputError("--hidden must be at least 1")
    extra = {}
    if checkpoint is not None:
        from seqlab.training.recurrent import recurrent_for_trace

        layer, model_name, tokens, inputs, source, extra = recurrent_for_trace(checkpoint, text, cell)
        seed = None
    else:
        from seqlab.scratch.init import seeded_scratch_params

        model_name, tokens, inputs, source = token_inputs(text, model, input_dim, contextual, record)
        params = seeded_scratch_params(cell, inputs.shape[1], hidden, seed)  # torch's own default init
        layer = LAYERS[cell](inputs.shape[1], hidden, dtype=dtype, params=params)
    if max_tokens is not None and len(tokens) > max_tokens:
        raise InputError(f"{len(tokens)} tokens: a trace takes at most {max_tokens}", "Use a shorter text.")
    out, state = layer.forward(inputs[None])
    steps = [_step_record(cell, t, tokens[t], s) for t, s in enumerate(layer.steps(0, 0))]
    p = layer.params
    weights = {"W_ih": p["weight_ih_l0"], "W_hh": p["weight_hh_l0"]}
    if layer.bias:
        weights["b"] = p["bias_ih_l0"] + p["bias_hh_l0"]
    final = {"h": steps[-1]["h"]} if steps else {}
    if cell == "lstm" and steps:
        final["c"] = steps[-1]["c"]
    report = TraceReport(cell, model_name, text, tokens, source, inputs.shape[1], layer.hidden_size, seed, weights,
                         steps, final, checkpoint=str(checkpoint) if checkpoint else None, extra=extra)
    if backward and steps:
        d_out = np.zeros_like(out)
        d_out[0, -1] = 2.0 * out[0, -1]  # dL/dh_T for L = ‖h_T‖²
        _, grads = layer.backward(d_out, keep_steps=True)
        kept = layer.backward_steps[(0, 0)]
        back_steps = []
        for t, k in enumerate(kept):
            rec = {"t": t, "token": tokens[t], "dh": k["dh"][0], "dh_norm": float(np.linalg.norm(k["dh"][0])),
                   "dW_hh": k["dW_hh"], "dW_hh_norm": float(np.linalg.norm(k["dW_hh"]))}
            if cell == "lstm":
                rec["dc"] = k["dc"][0]
            back_steps.append(rec)
        report.backward = {"loss": LOSS, "value": float((out[0, -1] ** 2).sum()), "steps": back_steps,
                           "dW_hh": grads["weight_hh_l0"], "dW_ih": grads["weight_ih_l0"]}
    return report
