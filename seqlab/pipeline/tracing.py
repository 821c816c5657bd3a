"""``seqlab trace``: an RNN/LSTM/GRU run over the vectors of a real sentence, every number kept.

This ties the stages together: the text is tokenized, its ids become vectors (the
rows of the model's input embedding matrix, or ``last_hidden_state``), and a
scratch layer (:mod:`seqlab.scratch`) steps over them. The vectors can be reduced
to ``input_dim`` numbers by PCA (over the whole input embedding matrix, or
over the text's own contextual vectors), so that a learner can check one step by hand. Weights are torch's default
initialization for a seed, or those of a trained checkpoint.

Each step's numbers are the step record the cell computed with; nothing is
recomputed for display. The few summaries shown beside them (mean gate values,
the weight-sharing check of ``dW_hh``) are computed here, once, from those numbers.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields

import numpy as np

from seqlab.display import Displayable, ShortRepr
from seqlab.errors import InputError, UsageError, canonical, check_number
from seqlab.i18n import N_, _, ngettext
from seqlab.limits import SEED_MAX
from seqlab.pipeline.limits import MAX_HIDDEN, MAX_TRACE_BYTES, TRACE_DEFAULT_HIDDEN, TRACE_DEFAULT_SEED
from seqlab.scratch.layers import LAYERS, is_float_dtype
from seqlab.scratch.loss import last_state_loss
from seqlab.scratch.torch_layout import GATES, gate_rows, seeded_params
from seqlab.text.unicode import require_text
from seqlab.tokens.record import model_window

CELLS = tuple(LAYERS)

# Each step record's fields with the lecture's equation that defines them, in the order a trace shows them:
# (field, symbol, right-hand side or ""). The terminal, Markdown, HTML and the page (``to_dict()["equations"]``) all
# draw their rows from this one table.
EQUATIONS: dict[str, tuple[tuple[str, str, str], ...]] = {
    "rnn": (("x", "x_t", ""), ("h_prev", "h_{t-1}", ""), ("x_proj", "W_xh·x_t", ""), ("h_proj", "W_hh·h_{t-1}", ""),
            ("bias", "b", "b_ih + b_hh"), ("pre", "a_t", "W_xh·x_t + W_hh·h_{t-1} + b"),  # a, not z: GRU's z is a gate
            ("h", "h_t", "tanh(a_t)")),
    "lstm": (("x", "x_t", ""), ("h_prev", "h_{t-1}", ""), ("c_prev", "c_{t-1}", ""), ("x_proj", "W_xh·x_t", ""),
             ("h_proj", "W_hh·h_{t-1}", ""), ("bias", "b", "b_ih + b_hh"),
             ("pre_f", "z_f", "W_xf·x_t + W_hf·h_{t-1} + b_f"), ("f", "f", "σ(W_xf·x_t + W_hf·h_{t-1} + b_f)"),
             ("pre_i", "z_i", "W_xi·x_t + W_hi·h_{t-1} + b_i"), ("i", "i", "σ(W_xi·x_t + W_hi·h_{t-1} + b_i)"),
             ("pre_o", "z_o", "W_xo·x_t + W_ho·h_{t-1} + b_o"), ("o", "o", "σ(W_xo·x_t + W_ho·h_{t-1} + b_o)"),
             ("pre_g", "z_g", "W_xg·x_t + W_hg·h_{t-1} + b_g"), ("g", "g", "tanh(W_xg·x_t + W_hg·h_{t-1} + b_g)"),
             ("c", "c_t", "f⊙c_{t-1} + i⊙g"), ("h", "h_t", "o⊙tanh(c_t)")),
    "gru": (("x", "x_t", ""), ("h_prev", "h_{t-1}", ""), ("x_proj", "W_xh·x_t", ""), ("h_proj", "W_hh·h_{t-1}", ""),
            ("r", "r", "σ(W_xr·x_t + W_hr·h_{t-1} + b_r)"), ("z", "z", "σ(W_xz·x_t + W_hz·h_{t-1} + b_z)"),
            ("hn", "hn", "W_hn·h_{t-1} + b_hn"), ("n", "n", "tanh(W_xn·x_t + b_xn + r⊙(W_hn·h_{t-1} + b_hn))"),
            ("h", "h_t", "(1 − z)⊙n + z⊙h_{t-1}")),
}
LOSS = N_("L = ‖h_(T-1)‖² (the squared norm of the last hidden state, t = T-1)")  # in the JSON as it is; shown translated


def trace_bytes(cell: str, steps: int, input_dim: int, hidden: int, backward: bool) -> int:
    """About how much memory a trace holds: per step its vectors (and its share of dW_hh when backward)."""
    G = len(GATES[cell]) * hidden  # the gates' rows of W_xh, W_hh
    per_step = 8 * (input_dim + 6 * G + 6 * hidden + (G * hidden + 2 * G + 2 * hidden if backward else 0))
    return 8 * G * (input_dim + hidden) + steps * per_step


@dataclass(repr=False)  # ShortRepr's: arrays by their shape
class TraceStep(ShortRepr):
    """One time step's numbers, under the lecture's names: row 0 (a batch of one) of every array the cell computed
    with. G is the cell's number of gate blocks (RNN 1, LSTM 4, GRU 3) and H its hidden size."""

    t: int
    token: str
    x: np.ndarray  # x_t, the input vector  (I,)
    x_proj: np.ndarray  # W_xh·x_t, every gate block  (G·H,)
    h_prev: np.ndarray  # h_{t-1}  (H,)
    h_proj: np.ndarray  # W_hh·h_{t-1}, every gate block  (G·H,)

    def to_dict(self) -> dict:
        """The step as the JSON writes it: every field under its own name, in the order above."""
        return {f.name: getattr(self, f.name) for f in fields(self)}


@dataclass(repr=False)
class RNNTraceStep(TraceStep):
    """h_t = tanh(W_xh·x_t + W_hh·h_{t-1} + b)."""

    bias: np.ndarray  # b = b_ih + b_hh  (H,)
    pre: np.ndarray  # a_t = W_xh·x_t + W_hh·h_{t-1} + b  (H,)
    h: np.ndarray  # h_t = tanh(a_t)  (H,)


@dataclass(repr=False)
class LSTMTraceStep(TraceStep):
    """f, i, o = σ(z_f), σ(z_i), σ(z_o); g = tanh(z_g); c_t = f⊙c_{t-1} + i⊙g; h_t = o⊙tanh(c_t).

    ``x_proj`` and ``h_proj`` hold the gate blocks in torch's order i|f|g|o; ``pre_*`` are those blocks summed."""

    bias: np.ndarray  # b = b_ih + b_hh, blocks i|f|g|o  (4H,)
    pre_i: np.ndarray  # z_i = W_xi·x_t + W_hi·h_{t-1} + b_i  (H,)
    pre_f: np.ndarray  # z_f  (H,)
    pre_g: np.ndarray  # z_g  (H,)
    pre_o: np.ndarray  # z_o  (H,)
    i: np.ndarray  # input gate σ(z_i)  (H,)
    f: np.ndarray  # forget gate σ(z_f)  (H,)
    g: np.ndarray  # candidate tanh(z_g)  (H,)
    o: np.ndarray  # output gate σ(z_o)  (H,)
    c_prev: np.ndarray  # c_{t-1}  (H,)
    c: np.ndarray  # c_t = f⊙c_{t-1} + i⊙g  (H,)
    h: np.ndarray  # h_t = o⊙tanh(c_t)  (H,)
    gate_means: dict[str, float]  # each gate's mean over its H units, in the lecture's order f, i, o


@dataclass(repr=False)
class GRUTraceStep(TraceStep):
    """r, z = σ(…); n = tanh(W_xn·x_t + b_xn + r⊙(W_hn·h_{t-1} + b_hn)); h_t = (1-z)⊙n + z⊙h_{t-1}.

    ``x_proj`` and ``h_proj`` hold the gate blocks in torch's order r|z|n."""

    r: np.ndarray  # reset gate  (H,)
    z: np.ndarray  # update gate  (H,)
    hn: np.ndarray  # W_hn·h_{t-1} + b_hn, what the reset gate scales  (H,)
    n: np.ndarray  # candidate  (H,)
    h: np.ndarray  # h_t  (H,)


@dataclass(repr=False)  # ShortRepr's: arrays by their shape
class BackwardStep(ShortRepr):
    """One step of backpropagation through time for the trace's loss."""

    t: int
    token: str
    dh: np.ndarray  # dL/dh_t  (H,)
    dh_norm: float  # ‖dL/dh_t‖
    dW_hh: np.ndarray  # this step's share of dW_hh  (G·H, H)
    dW_hh_norm: float  # ‖dW_hh(t)‖
    dc: np.ndarray | None = None  # dL/dc_t (LSTM)  (H,)

    def to_dict(self) -> dict:
        return {f.name: getattr(self, f.name) for f in fields(self) if f.name != "dc" or self.dc is not None}


@dataclass
class TraceBackward:
    """BPTT of ``L = ‖h_{T-1}‖²`` through the traced layer, and the check that the steps' shares add up to dW_hh."""

    loss: str  # the loss, in words (LOSS: translated where shown)
    value: float  # L
    steps: list[BackwardStep]
    dW_hh: np.ndarray  # (G·H, H)
    dW_ih: np.ndarray  # (G·H, I)
    dW_hh_sum_error: float  # max |Σ_t dW_hh(t) - dW_hh|: the shares add up (each one is tested against torch)

    def to_dict(self) -> dict:
        return {f.name: getattr(self, f.name) for f in fields(self)}


@dataclass(repr=False)  # Displayable's short repr
class TraceReport(Displayable):
    """Every number of one recurrent layer run over one text: what ``seqlab trace`` prints and the page draws.

    ``steps[t]`` holds step t's numbers under the lecture's names (:class:`RNNTraceStep`, :class:`LSTMTraceStep` or
    :class:`GRUTraceStep`: ``step.x_proj`` is W_xh·x_t, ``step.f`` the forget gate). ``backward`` (when asked) holds
    dL/dh_t, dL/dc_t and each step's share of dW_hh for ``L = ‖h_{T-1}‖²`` (:class:`TraceBackward`).
    """

    cell: str
    model: str
    text: str
    tokens: list[str]
    input_source: str
    input_dim: int
    hidden: int
    seed: int | None
    weights: dict[str, np.ndarray]  # W_ih (the lecture's W_xh), W_hh, b (= b_ih + b_hh), in torch's layout
    steps: list[TraceStep]
    final: dict[str, np.ndarray]  # h (h_{T-1}, the last of steps t = 0 … T-1) and, for the LSTM, c (c_{T-1})
    backward: TraceBackward | None = None
    checkpoint: str | None = None
    extra: dict = field(default_factory=dict)
    input_kind: str = "token_embeddings"  # token_embeddings, last_hidden_state or trained_embedding
    input_pca: int | None = None  # the inputs reduced to this many numbers by PCA
    quantized: str | None = None  # how the model's weights were stored (Q4_0: 4-bit blocks), when x_t are its rows
    dropped: int = 0  # last_hidden_state: tokens past the model's window (max_length), cut before the encoder
    max_length: int | None = None  # that window, when tokens were cut
    window: int | None = None  # token embeddings: the encoder's window, when the trace reads past it (it has none)

    def to_dict(self, decimals: int | None = None, full_weights: bool = True) -> dict:
        """JSON-ready. ``decimals`` rounds every number (the API's display precision);
        ``full_weights=False`` gives matrices of more than 64 numbers as their shape only."""

        def conv(v):
            if isinstance(v, np.ndarray):
                return (np.round(v, decimals) if decimals is not None else v).tolist()
            if isinstance(v, dict):
                return {k: conv(x) for k, x in v.items()}
            if isinstance(v, float) and decimals is not None:
                return round(v, decimals)
            return v

        def weight(v):
            if full_weights or np.size(v) <= 64:
                return conv(v)
            return {"shape": list(np.shape(v)), "omitted": "ask with full=true for every number"}

        out = {"cell": self.cell, "model": self.model, "text": self.text, "tokens": self.tokens,
               "input_source": self.input_source, "input_kind": self.input_kind, "input_pca": self.input_pca,
               "quantized": self.quantized, "dropped": self.dropped, "max_length": self.max_length, "window": self.window,
               "input_dim": self.input_dim, "hidden": self.hidden,
               "gate_order": list(GATES[self.cell]),  # the row blocks of W_xh, W_hh and b, in torch's order
               "equations": [list(row) for row in EQUATIONS[self.cell]],  # each step field's symbol and equation
               "seed": self.seed, "checkpoint": self.checkpoint,
               "weights": {k: weight(v) for k, v in self.weights.items()},
               "steps": [{k: conv(v) for k, v in s.to_dict().items()} for s in self.steps],
               "final": {k: conv(v) for k, v in self.final.items()}}
        if self.backward is not None:
            out["backward"] = {k: ([{kk: (weight(vv) if kk == "dW_hh" else conv(vv)) for kk,
                                     vv in s.to_dict().items()} for s in v]
                                   if k == "steps"
                                   else weight(v) if isinstance(v, np.ndarray) else conv(v))
                               for k, v in self.backward.to_dict().items()}
        out.update(self.extra)
        return out


def step_record(cell: str, t: int, token: str, s) -> TraceStep:
    """One step's record from the scratch cell's own step (a batch of one: row 0 of every array it used)."""
    common = {"t": t, "token": token, "x": s.x[0], "x_proj": s.x_proj[0], "h_prev": s.h_prev[0],
              "h_proj": s.h_proj[0]}
    if cell == "rnn":
        return RNNTraceStep(**common, bias=s.bias, pre=s.pre[0], h=s.h[0])
    if cell == "lstm":
        H = s.h.shape[1]
        pre = {gate: s.pre[0][gate_rows("lstm", gate, H)] for gate in GATES["lstm"]}  # torch's blocks i|f|g|o
        return LSTMTraceStep(**common, bias=s.bias, pre_i=pre["i"], pre_f=pre["f"], pre_g=pre["g"],
                        pre_o=pre["o"], i=s.i[0], f=s.f[0], g=s.g[0], o=s.o[0], c_prev=s.c_prev[0], c=s.c[0],
                        h=s.h[0], gate_means={"f": float(s.f[0].mean()), "i": float(s.i[0].mean()),
                                              "o": float(s.o[0].mean())})
    return GRUTraceStep(**common, r=s.r[0], z=s.z[0], hn=s.hn[0], n=s.n[0], h=s.h[0])


def stored_as(model: str) -> str | None:
    """How a registry model's weights were stored before seqlab read them (``Q4_0``), or None (as trained, or unknown)."""
    from seqlab.pretrained.registry import EMBEDDED

    spec = EMBEDDED.get(model)
    return spec.quantized if spec is not None else None


def token_inputs(text: str, model: str | None, input_dim: int | None, contextual: bool = False, record=None):
    """(model name, tokens, (T, D) inputs, description, the record, the encoder's window) from the embedding stage
    of ``model``."""
    from seqlab.vectors.encoder import load_encoder
    from seqlab.vectors.numpy_encoder import numpy_encoder
    from seqlab.vectors.projection import principal_axes, vocabulary_pca

    light = numpy_encoder(model) if input_dim is None and not contextual else None
    if light is not None:  # the rows of the embedding matrix, read from the model file (no torch start-up)
        from seqlab.pretrained.loading import load_tokenizer
        from seqlab.pretrained.registry import resolve

        name = resolve(model).name
        rec = record if record is not None else load_tokenizer(name).encode(text)
        vectors = light.word_rows(rec.input_ids).astype(np.float64) + 0.0  # -0.0 read as 0.0 (see below)
        window = model_window(load_tokenizer(name))
        return name, rec.tokens, vectors, f"token embeddings of {name} (rows of its input embedding matrix)", rec, window
    enc = load_encoder(model)
    rec = record if record is not None else enc.tokenizer.encode(text)
    table = enc.model.get_input_embeddings().weight.detach().cpu().numpy()
    if input_dim is not None and not 1 <= input_dim <= table.shape[1]:
        raise UsageError(_("input_dim must be between 1 and {width} (the width of {name}'s vectors), got {input_dim:,}")
                         .format(width=table.shape[1], name=enc.name, input_dim=input_dim), option="input_dim")
    window = model_window(enc.tokenizer)
    if contextual:  # the encoder reads at most its window: the text is cut to it, as embed does (and said)
        from seqlab.tokens.record import truncate

        rec = truncate(rec, window)
        vectors = enc.embed_records([rec])[0].hidden.astype(np.float64)
        what = f"last_hidden_state of {enc.name}"
    else:
        vectors = table[rec.input_ids].astype(np.float64)
        what = f"token embeddings of {enc.name} (rows of its input embedding matrix)"
    if input_dim is not None and contextual:
        # last_hidden_state has directions of its own: the vocabulary's embedding PCA kept 0.6 % of their variance in
        # a teacher's check, this text's own PCA 47 %. T rows span at most T - 1 directions around their mean.
        if input_dim > len(vectors) - 1:
            raise UsageError(ngettext(
                "input_dim {input_dim} is more than the text's {n} token vector spans around its mean ({most})",
                "input_dim {input_dim} is more than the text's {n} token vectors span around their mean ({most})",
                len(vectors)).format(input_dim=input_dim, n=len(vectors), most=len(vectors) - 1),
                _("With contextual vectors, PCA is over the text's own vectors: give a smaller input_dim, or a longer "
                  "text."), option="input_dim",
                cli_hint=_("With --contextual, PCA is over the text's own vectors: give a smaller --input-dim, or a "
                           "longer text."))
        mean, components, _variances = principal_axes(vectors, input_dim)
        vectors = (vectors - mean) @ components.T
        what += f", reduced to {input_dim} dims by PCA over this text's own vectors: x = (h - mean)·V_k"
    elif input_dim is not None:
        mean, components = vocabulary_pca(enc.name, table)
        vectors = (vectors - mean) @ components[:input_dim].T
        what += f", reduced to {input_dim} dims by PCA over the whole input embedding matrix: x = (e - mean)·V_k"
    # + 0.0 turns -0.0 into 0.0, the same number: e5-small's 4-bit rows hold exact zeros with a sign, which printed
    # as "-0.0000" in a row of zeros
    return enc.name, rec.tokens, vectors + 0.0, what, rec, window


def run_trace(cell: str, text: str, model: str | None = None, hidden: int | None = None, input_dim: int | None = None,
              seed: int | None = None, backward: bool = False, contextual: bool = False, checkpoint: str | None = None,
              dtype=np.float64, record=None, max_tokens: int | None = None) -> TraceReport:
    """Run one layer of ``cell`` over the text's vectors and keep every step's numbers.

    Args:
        cell: ``rnn``, ``lstm`` or ``gru``.
        text: the sentence whose token vectors are the inputs x_t.
        model: the transformer whose vectors they are (default e5-small).
        hidden: hidden size H (small sizes print whole matrices; default :data:`TRACE_DEFAULT_HIDDEN`).
        input_dim: reduce inputs to this many dimensions (PCA), e.g. 2 or 3 for hand checks.
        seed: seed of torch's default initialization (None: :data:`TRACE_DEFAULT_SEED`, so that a lecture's numbers repeat;
            the scratch layers' ``seed=None`` is a fresh seed instead).
        backward: also backpropagate ``L = ‖h_{T-1}‖²`` and keep dL/dh_t, dL/dc_t and each step's
            contribution to dW_hh.
        contextual: feed last_hidden_state instead of the token embeddings.
        checkpoint: a directory made by ``seqlab train`` (its embedding and recurrent layer are used; it brings
            its own model, sizes and weights, so ``model``, ``hidden``, ``input_dim``, ``seed`` and ``contextual``
            are refused with it).
        record: an already tokenized text (a TokenRecord of this model), to reuse its tokens.
        max_tokens: trace at most this many tokens (the web app's limit on work per request); the report's
            ``dropped`` and ``max_length`` say what was cut.

    Returns:
        a :class:`TraceReport`: the weights in torch's layout, one record of numbers per step, the final states.

    >>> report = run_trace("lstm", "안녕하세요", model="e5-small", hidden=2, input_dim=2)   # doctest: +SKIP
    >>> report.steps[0].x_proj.shape, report.final["h"].shape                               # doctest: +SKIP
    ((8,), (2,))
    """
    cell = canonical(cell, CELLS)  # "LSTM", as the lecture writes it
    if cell not in CELLS:
        raise UsageError(_("unknown cell {cell!r}").format(cell=cell),
                         _("Use one of: {choices}.").format(choices=', '.join(CELLS)))
    check_number("hidden", hidden, 1, MAX_HIDDEN, whole=True, error=UsageError)  # the CLI says --hidden itself
    check_number("input_dim", input_dim, 1, whole=True, error=UsageError)
    check_number("seed", seed, 0, SEED_MAX, whole=True, error=UsageError)
    check_number("max_tokens", max_tokens, 1, whole=True, error=UsageError)
    require_text(text)  # "" traced <s></s> alone, as the CLI and the page never do
    if not is_float_dtype(dtype):
        raise UsageError(_("dtype must be float64 or float32, not {dtype!r}").format(dtype=dtype),
                         _("float64 gives the numbers torch gives in float64; float32 is faster."), option="dtype")
    extra, cut = {}, {}
    if checkpoint is not None:
        from seqlab.training.recurrent import recurrent_for_trace

        made_here = {"model": model, "hidden": hidden, "input_dim": input_dim, "seed": seed,
                     "contextual": contextual or None}
        given = [name for name, value in made_here.items() if value is not None]
        if given:  # the checkpoint's own would be used: refused, not ignored in silence
            raise UsageError(_("not used with a checkpoint: {names}").format(names=", ".join(given)),
                             _("A trained model brings its own weights, sizes and embedding: leave them out, or "
                               "leave out checkpoint."), option=tuple(given),
                             cli_hint=_("A trained model brings its own weights, sizes and embedding: leave them "
                                        "out, or leave out --checkpoint."))
        from seqlab.training.predictors import PREDICTING, kept_predictor

        # the run as /api/predict keeps it: read once, not at every trace of a request
        layer, model_name, tokens, inputs, source, extra, cut = recurrent_for_trace(
            checkpoint, text, cell, predictor=kept_predictor(checkpoint), lock=PREDICTING)
        kind = "trained_embedding"
    else:
        hidden = TRACE_DEFAULT_HIDDEN if hidden is None else hidden
        seed = TRACE_DEFAULT_SEED if seed is None else seed
        model_name, tokens, inputs, source, used, window = token_inputs(text, model, input_dim, contextual, record)
        kind = "last_hidden_state" if contextual else "token_embeddings"
        cut = {"dropped": used.dropped, "max_length": len(used.tokens)} if used.dropped else {}
        if not contextual and len(tokens) > window:  # said: explain and embed read these tokens cut to the window
            cut["window"] = window
        params = seeded_params(cell, inputs.shape[1], hidden, seed)  # torch's own default initialization
        layer = LAYERS[cell](inputs.shape[1], hidden, dtype=dtype, params=params)
    if max_tokens is not None and len(tokens) > max_tokens:  # cut, and said in the report (dropped, max_length)
        cut = {**cut, "dropped": cut.get("dropped", 0) + len(tokens) - max_tokens, "max_length": max_tokens}
        tokens, inputs = tokens[:max_tokens], inputs[:max_tokens]
    need = trace_bytes(cell, len(tokens), inputs.shape[1], layer.hidden_size, backward)
    if need > MAX_TRACE_BYTES:
        what = _("{gb:.1f} GB for {steps} steps of hidden size {hidden} with backward") if backward else \
            _("{gb:.1f} GB for {steps} steps of hidden size {hidden}")
        raise InputError(_("this trace would hold about {what}; the limit is {limit:.0f} GB").format(
            what=what.format(gb=need / 2**30, steps=len(tokens), hidden=layer.hidden_size), limit=MAX_TRACE_BYTES / 2**30),
            _("Use a shorter text, a smaller hidden size, or backward=False."),
            cli_hint=_("Use a shorter text, a smaller --hidden, or leave out --backward."))
    out, _unused = layer.forward(inputs[None])
    steps = [step_record(cell, t, tokens[t], s) for t, s in enumerate(layer.steps(0, 0))]
    p = layer.params
    weights = {"W_ih": p["weight_ih_l0"], "W_hh": p["weight_hh_l0"]}
    if layer.bias:
        weights["b"] = p["bias_ih_l0"] + p["bias_hh_l0"]
        if cell == "gru":  # the candidate keeps its two biases apart: n = tanh(W_xn x + b_xn + r⊙(W_hn h + b_hn))
            weights["b_ih"], weights["b_hh"] = p["bias_ih_l0"], p["bias_hh_l0"]
    final = {"h": steps[-1].h}
    if cell == "lstm":
        final["c"] = steps[-1].c
    report = TraceReport(cell, model_name, text, tokens, source, inputs.shape[1], layer.hidden_size, seed, weights,
                         steps, final, checkpoint=str(checkpoint) if checkpoint else None, extra=extra,
                         input_kind=kind, input_pca=input_dim if checkpoint is None else None,
                         quantized=stored_as(model_name) if kind == "token_embeddings" else None, **cut)
    if backward:
        value, d_out = last_state_loss(out)
        _unused, grads = layer.backward(d_out, keep_steps=True)
        back_steps = [BackwardStep(t, tokens[t], k.dh[0], float(np.linalg.norm(k.dh[0])), k.dW_hh,
                                   float(np.linalg.norm(k.dW_hh)), k.dc[0] if cell == "lstm" else None)
                      for t, k in enumerate(layer.backward_steps[(0, 0)])]
        shares = sum(k.dW_hh for k in back_steps)
        report.backward = TraceBackward(LOSS, value, back_steps, grads["weight_hh_l0"], grads["weight_ih_l0"],
                                        float(np.abs(shares - grads["weight_hh_l0"]).max()))
    return report
