"""Why RNNs at all: a bag-of-embeddings MLP cannot see word order; a recurrent model can.

Each sentence is turned into the embedded model's token vectors. The MLP reads
the *bag* of them: the count of each token id times the embedding matrix, then
one hidden layer. Reordering the words leaves the counts, hence every number
of the MLP, exactly the same (compared bit for bit). An RNN/LSTM reads the
vectors in order, so its final hidden state changes.

The demo also shows what recurrence buys beyond order: the same RNN weights run
on 3 tokens and on 30 (an MLP over concatenated vectors has a fixed input
size), the parameter count does not depend on the length, and ``dW_hh`` is the
sum of one contribution per step (weight sharing in BPTT).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from seqlab.display import Displayable
from seqlab.errors import InputError, canonical, check_number
from seqlab.i18n import N_, _
from seqlab.lab.limits import ORDER_MAX_HIDDEN, SEED_MAX
from seqlab.progress import Progress, new_phase
from seqlab.scratch.layers import LAYERS
from seqlab.scratch.loss import LAST_STATE_LOSS, last_state_loss
from seqlab.scratch.torch_layout import seeded_module

PAIRS = [("나는 학교에 간다", "학교에 나는 간다"), ("I go to school", "school go to I")]  # Korean first


@dataclass
class OrderPair:
    a: str
    b: str
    tokens_a: list[str]
    tokens_b: list[str]
    mlp_a: np.ndarray
    mlp_b: np.ndarray
    rnn_a: np.ndarray  # final hidden state
    rnn_b: np.ndarray

    @property
    def mlp_bit_identical(self) -> bool:
        return self.mlp_a.tobytes() == self.mlp_b.tobytes()

    @property
    def rnn_max_difference(self) -> float:
        return float(np.abs(self.rnn_a - self.rnn_b).max())

    def to_dict(self) -> dict:
        return {"a": self.a, "b": self.b, "tokens_a": self.tokens_a, "tokens_b": self.tokens_b,
                "mlp_a": self.mlp_a.tolist(), "mlp_b": self.mlp_b.tolist(), "mlp_bit_identical": self.mlp_bit_identical,
                "rnn_h_T_a": self.rnn_a.tolist(), "rnn_h_T_b": self.rnn_b.tolist(),
                "rnn_max_difference": self.rnn_max_difference}


LENGTH_NOTE = N_("the recurrent layer has the same parameters for any length; an MLP over concatenated vectors "
                 "needs a new input layer for every length")


@dataclass
class LengthFreedom:
    """The same recurrent weights run on 3 tokens and on 30; an MLP over concatenated vectors could not."""

    parameters: int  # of the recurrent layer, whatever the length
    h_T_3: np.ndarray  # its last hidden state after 3 tokens
    h_T_30: np.ndarray  # and after 30
    mlp_inputs_3: int  # an MLP over 3 concatenated vectors needs this many inputs
    mlp_inputs_30: int

    def to_dict(self) -> dict:
        return {"parameters": self.parameters, "tokens_3": {"h_T": self.h_T_3.tolist()},
                "tokens_30": {"h_T": self.h_T_30.tolist()},
                "mlp_concat_input_size": {"3 tokens": self.mlp_inputs_3, "30 tokens": self.mlp_inputs_30},
                "note": LENGTH_NOTE}  # data in English, as every record's JSON (translated where shown)


@dataclass
class WeightSharing:
    """BPTT's dW_hh is the sum of one contribution per step: one W_hh, shared by every step."""

    loss: str  # the loss the gradients are of
    contribution_norms: list[float]  # ‖dW_hh(t)‖ for every step t
    dW_hh_norm: float
    max_abs_difference: float  # max |Σ_t dW_hh(t) - dW_hh|: rounding only

    @property
    def steps(self) -> int:
        return len(self.contribution_norms)

    def to_dict(self) -> dict:
        return {"loss": self.loss, "steps": self.steps, "contribution_norms": self.contribution_norms,
                "dW_hh_norm": self.dW_hh_norm, "max_abs_difference_sum_vs_dW_hh": self.max_abs_difference}


@dataclass(repr=False)  # Displayable's short repr
class OrderReport(Displayable):
    model: str
    cell: str
    hidden: int
    seed: int
    pairs: list[OrderPair]
    lengths: LengthFreedom
    weight_sharing: WeightSharing

    def to_dict(self) -> dict:
        return {"model": self.model, "cell": self.cell, "hidden": self.hidden, "seed": self.seed,
                "pairs": [p.to_dict() for p in self.pairs], "lengths": self.lengths.to_dict(),
                "weight_sharing": self.weight_sharing.to_dict()}


def _uncounted(progress: Progress | None, name: str) -> None:
    """A phase whose work is not counted (a model's load): its name, and ``progress(0, 0)``."""
    new_phase(progress, name)
    if progress:
        progress(0, 0)


@dataclass
class BagMLP:
    """h = tanh(W1 · (counts @ E) + b1), y = W2 · h + b2: one hidden layer over the bag of embeddings."""

    W1: np.ndarray
    b1: np.ndarray
    W2: np.ndarray
    b2: np.ndarray

    def __call__(self, counts: np.ndarray, embeddings: np.ndarray) -> np.ndarray:
        bag = counts @ embeddings  # (D,): order-free by construction
        h = np.tanh(self.W1 @ bag + self.b1)
        return self.W2 @ h + self.b2


def order_demo(model: str | None = None, cell: str = "lstm", hidden: int = 8, seed: int = 0,
               pairs=PAIRS, progress: Progress | None = None) -> OrderReport:
    """Run the MLP and the recurrent model on each pair of reordered sentences.

    Args:
        model: the transformer whose input-embedding rows are x_t (default e5-small).
        cell: the recurrent cell: ``rnn``, ``lstm`` or ``gru``.
        hidden: the hidden size of both models.
        seed: seeds the MLP's weights and the recurrent layer's (torch's default initialization).
        pairs: the sentences and their reorderings (default: :data:`PAIRS`).
        progress: named phases (:func:`seqlab.progress.new_phase`): loading the model and reading its embedding
            matrix (``progress(0, 0)``: not counted), then ``progress(pairs done, pairs)``.

    Returns:
        an :class:`OrderReport`: for each pair, both models' outputs. The bag-of-embeddings MLP gives the same bits
        for both orders; the recurrent layer does not.
    """
    from seqlab.vectors.encoder import load_encoder

    cell = canonical(cell, LAYERS)  # "LSTM", as the lecture writes it
    if cell not in LAYERS:
        raise InputError(_("unknown cell {cell!r}").format(cell=cell),
                         _("Use one of: {choices}.").format(choices=", ".join(LAYERS)), option="cell")
    check_number("hidden", hidden, 1, ORDER_MAX_HIDDEN, whole=True)
    check_number("seed", seed, 0, SEED_MAX, whole=True)
    hidden, seed = int(hidden), int(seed)  # NumPy integers as Python's: torch takes no other
    from seqlab.pretrained.registry import resolve

    _uncounted(progress, _("loading {model}").format(model=resolve(model).name))  # most of the time, on a cold start
    enc = load_encoder(model)
    _uncounted(progress, _("reading {model}'s input embeddings").format(model=enc.name))
    table = enc.model.get_input_embeddings().weight.detach().cpu().numpy().astype(np.float64)  # (V, D)
    D = table.shape[1]
    rng = np.random.default_rng(seed)
    mlp = BagMLP(rng.normal(scale=1 / np.sqrt(D), size=(hidden, D)), np.zeros(hidden),
                 rng.normal(scale=1 / np.sqrt(hidden), size=(2, hidden)), np.zeros(2))
    layer = LAYERS[cell].from_torch(seeded_module(cell, D, hidden, seed))

    def run(text):
        rec = enc.tokenizer.encode(text)
        ids = np.array(rec.input_ids)
        counts = np.bincount(ids, minlength=len(table)).astype(np.float64)
        out, _unused = layer.forward(table[ids][None])
        return rec.tokens, mlp(counts, table), out[0, -1].copy()

    results = []
    new_phase(progress, _("running the MLP and the {cell} on each pair").format(cell=cell.upper()), _("pairs"))
    for a, b in pairs:
        if progress:
            progress(len(results), len(pairs))
        ta, ma, ra = run(a)
        tb, mb, rb = run(b)
        results.append(OrderPair(a, b, ta, tb, ma, mb, ra, rb))
    if progress:
        progress(len(results), len(pairs))

    # free sequence length: the same weights on 3 tokens and on 30
    short = rng.normal(size=(1, 3, D))
    long = rng.normal(size=(1, 30, D))
    out3, _unused = layer.forward(short)
    n_params = layer.parameter_count()
    out30, _unused = layer.forward(long)
    lengths = LengthFreedom(n_params, out3[0, -1].copy(), out30[0, -1].copy(), 3 * D, 30 * D)

    # weight sharing: dW_hh is the sum of one contribution per step
    _loss, d_out = last_state_loss(out30)
    _unused, grads = layer.backward(d_out, keep_steps=True)
    contributions = [k.dW_hh for k in layer.backward_steps[(0, 0)]]
    total = sum(contributions)
    sharing = WeightSharing(LAST_STATE_LOSS, [float(np.linalg.norm(c)) for c in contributions],
                            float(np.linalg.norm(grads["weight_hh_l0"])),
                            float(np.abs(total - grads["weight_hh_l0"]).max()))
    return OrderReport(enc.name, cell, hidden, seed, results, lengths, sharing)
