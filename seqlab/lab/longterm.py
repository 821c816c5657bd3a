"""A long-term dependency, measured: "the label is the first token".

Each sequence is T random symbols from {0, 1, 2, 3}; the label is the first
one, so the model must carry one symbol across T - 1 distractors. RNN, LSTM
and GRU (embedding 16 → cell → linear) get the same training budget (Adam,
same steps, batch and learning rate) at each length, plus an LSTM whose
forget-gate bias starts at 3; accuracy is measured on held-out sequences
(chance is 25%). Training runs in PyTorch; the gradient
norms ‖∂L/∂h_k‖ before and after training are computed by seqlab's own BPTT on
the same weights, and the LSTM's mean forget gate shows what training learned.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from seqlab.errors import InputError
from seqlab.i18n import _
from seqlab.scratch.layers import LAYERS
from seqlab.scratch.torch_layout import torch_class

SYMBOLS = 4
EMBED = 16


@dataclass
class RunResult:
    cell: str
    length: int
    accuracy: float  # held-out, after training
    curve: list[dict]  # {"step", "loss", "accuracy"} on the held-out set
    grad_norms_before: list[float]
    grad_norms_after: list[float]
    forget_mean_before: float | None = None
    forget_mean_after: float | None = None
    seconds: float = 0.0

    def to_dict(self) -> dict:
        return dict(self.__dict__)


@dataclass
class LongTermReport:
    lengths: list[int]
    cells: list[str]
    forget_biases: list[float]
    steps: int
    batch: int
    lr: float
    hidden: int
    seed: int
    runs: list[RunResult] = field(default_factory=list)

    def to_dict(self) -> dict:
        return {k: v for k, v in self.__dict__.items() if k != "runs"} | {"runs": [r.to_dict() for r in self.runs],
                                                                          "chance": 1 / SYMBOLS}


def make_batch(rng: np.random.Generator, n: int, length: int) -> tuple[np.ndarray, np.ndarray]:
    x = rng.integers(0, SYMBOLS, size=(n, length))
    return x, x[:, 0].copy()


def _model(cell: str, hidden: int):
    import torch

    class Classifier(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.embedding = torch.nn.Embedding(SYMBOLS, EMBED)
            self.rnn = torch_class(cell)(EMBED, hidden, batch_first=True)
            self.out = torch.nn.Linear(hidden, SYMBOLS)

        def forward(self, x):
            h, _unused = self.rnn(self.embedding(x))
            return self.out(h[:, -1])

    return Classifier()


def grad_norms(model, x: np.ndarray, y: np.ndarray) -> tuple[list[float], float | None]:
    """‖∂L/∂h_k‖ (cross-entropy at the last step) by seqlab's BPTT on the model's weights, and mean f for LSTMs."""
    layer = LAYERS[model.rnn.__class__.__name__.lower()].from_torch(model.rnn)
    emb = model.embedding.weight.detach().double().numpy()
    out, _unused = layer.forward(emb[x])
    W, b = model.out.weight.detach().double().numpy(), model.out.bias.detach().double().numpy()
    logits = out[:, -1] @ W.T + b
    p = np.exp(logits - logits.max(axis=1, keepdims=True))
    p /= p.sum(axis=1, keepdims=True)
    p[np.arange(len(y)), y] -= 1.0
    d_out = np.zeros_like(out)
    d_out[:, -1] = (p / len(y)) @ W
    layer.backward(d_out, keep_steps="gradients")
    norms = [float(np.linalg.norm(k["dh"])) for k in layer.backward_steps[(0, 0)]]
    forget = float(np.mean([s.f.mean() for s in layer.steps(0, 0)])) if layer.kind == "lstm" else None
    return norms, forget


def run_names(cells, forget_biases) -> list[tuple[str, str, float | None]]:
    """(label, cell, forget bias) for every run: the plain cells, then LSTMs with a forget-gate bias."""
    runs = [(c, c, None) for c in cells]
    return runs + [(f"lstm+fb{b:g}", "lstm", b) for b in forget_biases]


def long_term(lengths=(10, 50, 100), cells=("rnn", "lstm", "gru"), forget_biases=(3.0,), steps: int = 1000,
              batch: int = 64, lr: float = 0.01, hidden: int = 32, seed: int = 0, eval_size: int = 1000,
              curve_every: int = 50) -> LongTermReport:
    """Train every cell at every length with the same budget and report accuracy and gradient flow.

    ``forget_biases`` adds LSTM runs whose total forget-gate bias starts at each value
    (``lstm+fb3``): the initialization that lets the gradient reach the first token.
    """
    import time

    import torch

    if not lengths or min(lengths) < 1 or steps < 1:
        raise InputError(_("lengths and steps must be positive"))
    bad = [c for c in cells if c not in ("rnn", "lstm", "gru")]
    if bad:
        raise InputError(_("unknown cells {bad}").format(bad=bad), _("Use --cells rnn,lstm,gru."))
    report = LongTermReport(list(lengths), list(cells), list(forget_biases), steps, batch, lr, hidden, seed)
    for length in lengths:
        test_x, test_y = make_batch(np.random.default_rng(seed + 1000 + length), eval_size, length)
        tx, ty = torch.from_numpy(test_x), torch.from_numpy(test_y)
        for label, cell, bias in run_names(cells, forget_biases):
            torch.manual_seed(seed)
            rng = np.random.default_rng(seed + length)  # the same data stream for every cell
            model = _model(cell, hidden)
            if bias is not None:
                with torch.no_grad():
                    model.rnn.bias_ih_l0[hidden : 2 * hidden] = bias  # total forget bias = b_ih + b_hh
                    model.rnn.bias_hh_l0[hidden : 2 * hidden] = 0.0
            start = time.perf_counter()
            before, f_before = grad_norms(model, test_x[:64], test_y[:64])
            optim = torch.optim.Adam(model.parameters(), lr=lr)
            curve = []
            for step in range(1, steps + 1):
                bx, by = make_batch(rng, batch, length)
                loss = torch.nn.functional.cross_entropy(model(torch.from_numpy(bx)), torch.from_numpy(by))
                optim.zero_grad()
                loss.backward()
                torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
                optim.step()
                if step % curve_every == 0 or step == steps:
                    with torch.no_grad():
                        logits = model(tx)
                        curve.append({"step": step, "loss": float(torch.nn.functional.cross_entropy(logits, ty)),
                                      "accuracy": float((logits.argmax(1) == ty).float().mean())})
            after, f_after = grad_norms(model, test_x[:64], test_y[:64])
            report.runs.append(RunResult(label, length, curve[-1]["accuracy"], curve, before, after, f_before,
                                         f_after, time.perf_counter() - start))
    return report
