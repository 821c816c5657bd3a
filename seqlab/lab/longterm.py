"""Long-term memory, measured: RNN, LSTM and GRU on the same task with the same budget.

Every cell trains on the same data stream (PyTorch, Adam, gradient clipping 1.0)
with the same steps, batch and learning rate; a run stops early once its
score on a validation set reaches the task's target (:mod:`seqlab.lab.tasks`), and
is then scored on a test set that the stop never read. The LSTM's
forget-gate bias starts at 1 by default (Jozefowicz et al. 2015; Keras
``unit_forget_bias``). Before and after training, ‖∂L/∂h_k‖ for every step k
(and ‖∂L/∂c_k‖ for the LSTM) are computed by seqlab's own BPTT on the same
weights, so the reason a cell fails is visible, not only its score.

Runs use one thread: with hidden size 32 the matrix products are far too small
for a second thread to pay for its synchronisation.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from seqlab.display import Displayable
from seqlab.errors import InputError, check_number
from seqlab.i18n import N_, _
from seqlab.lab.cells import CELLS, cell_names
from seqlab.lab.gradflow import SURVIVES
from seqlab.lab.limits import (
    DEFAULT_FORGET_BIAS,
    FORGET_BIAS_RANGE,
    LONG_TERM_DEFAULT_LENGTHS,
    LONG_TERM_DEFAULT_STEPS,
    LONG_TERM_MAX_LENGTH,
    LONG_TERM_MAX_STEPS,
    SEED_MAX,
)
from seqlab.lab.tasks import TASKS, get_task
from seqlab.scratch.layers import LAYERS
from seqlab.scratch.torch_layout import gate_rows, kept_random_state, torch_class


@dataclass(frozen=True)
class Recipe:
    """The training budget every cell gets, per task."""

    lengths: tuple[int, ...]  # sequence lengths T
    steps: int  # Adam steps at most (fewer once the target is reached)
    batch: int  # sequences per step, drawn fresh every step
    lr: float  # Adam learning rate (constant)
    hidden: int  # hidden size H of every cell
    eval_every: int  # steps between evaluations on the validation set (and early-stop checks)
    eval_size: int = 1000  # sequences per length in the validation set, and again in the test set


RECIPES = {
    "adding": Recipe(lengths=LONG_TERM_DEFAULT_LENGTHS["adding"], steps=LONG_TERM_DEFAULT_STEPS["adding"], batch=32,
                     lr=0.02, hidden=32, eval_every=100),
    "first-token": Recipe(lengths=LONG_TERM_DEFAULT_LENGTHS["first-token"], steps=LONG_TERM_DEFAULT_STEPS["first-token"],
                          batch=64, lr=0.01, hidden=32, eval_every=50),
}


OUTCOMES = ("reached", "learned part", "a little better", "not better", "worse")  # RunResult.outcome, best first
MARGIN = 0.1  # the share of the way to a perfect score that counts as "a little better", and the other way as "worse"


@dataclass
class RunResult:
    cell: str  # rnn, lstm or gru
    label: str  # the run's name in tables: the cell, plus its forget bias when several LSTMs run
    length: int
    metric: str  # "mse" or "accuracy"
    score: float  # after training, on a test set that nothing else sees (the early stop reads the validation set)
    baseline: float  # the same metric for the trivial answer (always 1; or chance), on the test set
    reached: bool  # the validation set's metric met the task's target: why the run stopped early
    steps: int  # training steps actually taken
    seconds: float  # training alone (no start-up, no gradient analysis)
    curve: list[dict]  # {"step", "loss", <metric>} on the validation set (it decides the early stop), from step 0
    grad_norms_before: list[float]  # ‖∂L/∂h_k‖, k = 0..T-1, at initialisation
    grad_norms_after: list[float]  # the same on the trained weights
    forget_bias: float | None = None  # LSTM: total forget-gate bias at start (None: torch's initialisation)
    cell_grad_norms_before: list[float] | None = None  # LSTM: ‖∂L/∂c_k‖
    cell_grad_norms_after: list[float] | None = None
    forget_mean_before: float | None = None  # LSTM: f̄, the mean forget gate on the probe batch (of the validation set), t = 1..T-1
    forget_mean_after: float | None = None
    validation_score: float | None = None  # the metric on the validation set at the last step (the stop's reading)
    validation_baseline: float | None = None  # the trivial answer's score on the validation set (the curves' set)

    @property
    def forget_decay_before(self) -> float | None:
        """LSTM: f̄^(T-1) at the start, what the cell state keeps of a gradient over the sequence."""
        return None if self.forget_mean_before is None else float(self.forget_mean_before ** (self.length - 1))

    def kept(self, norms: list[float]) -> float:
        """‖∂L/∂h_0‖ / ‖∂L/∂h_{T-1}‖ (h_{T-1}: the last state, steps k = 0 … T-1): the share of the error signal that reaches the first step."""
        return float(norms[0] / norms[-1]) if norms[-1] > 0 else 0.0

    @property
    def gain(self) -> float:
        """The share of the way from the trivial answer's score (the baseline) to a perfect one (MSE 0, accuracy 1)
        that training went: 1 is perfect, 0 no better than the trivial answer, below 0 worse than it."""
        perfect = 0.0 if self.metric == "mse" else 1.0
        span = perfect - self.baseline
        return float((self.score - self.baseline) / span) if span else 0.0

    @property
    def outcome(self) -> str:
        """What the training did (one of :data:`OUTCOMES`), judged by :attr:`gain`: ``reached`` (the target),
        ``learned part`` (past halfway to a perfect score), ``a little better`` (past :data:`MARGIN` of the way),
        ``worse`` (as far the other way), else ``not better`` (a tie is no verdict)."""
        if self.reached:
            return "reached"
        if self.gain > 0.5:
            return "learned part"
        if self.gain > MARGIN:
            return "a little better"
        return "worse" if self.gain < -MARGIN else "not better"

    @property
    def vanished_before(self) -> bool:
        """Whether the error signal reaching step 0 had vanished at the start (less than SURVIVES of it, the rule
        ``seqlab gradflow`` judges by)."""
        return self.kept(self.grad_norms_before) < SURVIVES

    @property
    def vanished_after(self) -> bool:
        """Whether the error signal reaching step 0 had vanished after training (less than SURVIVES of it)."""
        return self.kept(self.grad_norms_after) < SURVIVES

    def to_dict(self) -> dict:
        out = {k: v for k, v in self.__dict__.items()
               if k not in ("metric", "score", "baseline", "validation_score", "validation_baseline")}
        if self.forget_decay_before is not None:
            out["forget_decay_before"] = self.forget_decay_before
        return out | {self.metric: self.score, f"baseline_{self.metric}": self.baseline,
                      f"validation_{self.metric}": self.validation_score,
                      f"validation_baseline_{self.metric}": self.validation_baseline, "outcome": self.outcome,
                      "kept_before": self.kept(self.grad_norms_before), "kept_after": self.kept(self.grad_norms_after),
                      "gain": self.gain, "vanished_before": self.vanished_before, "vanished_after": self.vanished_after}


@dataclass(repr=False)  # Displayable's short repr
class LongTermReport(Displayable):
    task: str
    description: str  # what the task is, in words (English; shown translated)
    lengths: list[int]
    cells: list[str]
    forget_biases: list[float | None]  # one LSTM run per value (None: torch's initialisation)
    steps: int  # the budget
    batch: int
    lr: float
    hidden: int
    seed: int
    target: float  # early stop once the validation set's metric reaches it
    metric: str
    threads: int = 1
    runs: list[RunResult] = field(default_factory=list)
    unfinished: list[str] = field(default_factory=list)  # an interrupted report: the runs ("gru T=300") not finished

    @property
    def partial(self) -> bool:
        """Whether Ctrl-C stopped the work before every run finished (see :class:`LongTermInterrupted`)."""
        return bool(self.unfinished)

    def to_dict(self) -> dict:
        out = {k: v for k, v in self.__dict__.items() if k not in ("runs", "unfinished")}
        if self.partial:  # said only when it is so: a whole report reads as before
            out |= {"partial": True, "unfinished": self.unfinished}
        return out | {"runs": [r.to_dict() for r in self.runs]}


class LongTermInterrupted(KeyboardInterrupt):
    """Ctrl-C during :func:`long_term`, carrying what was done: ``report`` holds the runs that finished, and
    ``report.unfinished`` names the others (``report.partial`` is True).

    >>> try:  # doctest: +SKIP
    ...     report = long_term("adding", lengths=[100, 300])
    ... except LongTermInterrupted as stop:
    ...     report = stop.report
    """

    def __init__(self, report: LongTermReport):
        super().__init__(f"{len(report.runs)} runs finished, {len(report.unfinished)} did not")
        self.report = report


def _model(task, cell: str, hidden: int, forget_bias: float | None):
    import torch

    class Net(torch.nn.Module):
        """(embedding →) cell → linear on the last hidden state."""

        def __init__(self):
            super().__init__()
            self.embedding = torch.nn.Embedding(task.symbols, task.embedding) if task.name == "first-token" else None
            self.rnn = torch_class(cell)(task.input_size, hidden, batch_first=True)
            self.out = torch.nn.Linear(hidden, task.outputs)

        def forward(self, x):
            h, _unused = self.rnn(self.embedding(x) if self.embedding is not None else x)  # (B, T, H)
            return self.out(h[:, -1])  # (B, outputs)

    net = Net()
    if cell == "lstm" and forget_bias is not None:
        with torch.no_grad():  # torch packs the gates i|f|g|o; the total forget bias is b_if + b_hf
            net.rnn.bias_ih_l0[gate_rows("lstm", "f", hidden)] = forget_bias
            net.rnn.bias_hh_l0[gate_rows("lstm", "f", hidden)] = 0.0
    return net


def _inputs(net, x: np.ndarray) -> np.ndarray:
    """What the cell reads at each step, in float64: embedding rows, or the raw (value, marker) pairs."""
    if net.embedding is not None:
        return net.embedding.weight.detach().double().numpy()[x]
    return x.astype(np.float64)


def grad_norms(net, task, x: np.ndarray, y: np.ndarray) -> dict:
    """‖∂L/∂h_k‖ (and ‖∂L/∂c_k‖, mean f for LSTMs) by seqlab's BPTT on the network's weights."""
    layer = LAYERS[net.rnn.__class__.__name__.lower()].from_torch(net.rnn)
    out, _unused = layer.forward(_inputs(net, x))  # (B, T, H)
    W = net.out.weight.detach().double().numpy()  # (outputs, H)
    b = net.out.bias.detach().double().numpy()
    outputs = out[:, -1] @ W.T + b
    d_out = np.zeros_like(out)
    d_out[:, -1] = task.loss_grad(outputs, y) @ W  # ∂L/∂h_{T-1}
    layer.backward(d_out, keep_steps="gradients")
    kept = layer.backward_steps[(0, 0)]
    result = {"h": [float(np.linalg.norm(k.dh)) for k in kept], "c": None, "f": None}
    if layer.kind == "lstm":
        result["c"] = [float(np.linalg.norm(k.dc)) for k in kept]
        # over t = 1..T-1, the steps on the chain ∂c_{T-1}/∂c_0 (step 0's gate multiplies the initial state)
        result["f"] = float(np.mean([s.f.mean() for s in layer.steps(0, 0)[1:]]))
    return result


def run_names(cells, forget_biases) -> list[tuple[str, str, float | None]]:
    """(label, cell, forget bias) per run: one LSTM run per forget bias, named by it when there are several."""
    runs = []
    for cell in cells:
        if cell != "lstm":
            runs.append((cell, cell, None))
            continue
        for bias in forget_biases:
            several = len(forget_biases) > 1
            name = "lstm" if not several else ("lstm+torch" if bias is None else f"lstm+fb{bias:g}")
            runs.append((name, "lstm", bias))
    return runs


def evaluate_on(task, net, batch: tuple[np.ndarray, np.ndarray]) -> tuple[float, float]:
    """(loss, metric) of ``net`` on a batch of (inputs, targets): the validation set's and the test set's, alike."""
    import torch

    with torch.no_grad():
        outputs = net(torch.from_numpy(batch[0]))
        return float(task.loss(outputs, torch.from_numpy(batch[1]))), float(
            task.score(outputs.numpy().astype(np.float64), batch[1]))


def train_one(task, recipe: Recipe, cell: str, length: int, forget_bias: float | None, seed: int,
              held_out: tuple[np.ndarray, np.ndarray], on_step: Callable[[dict], None] | None = None):
    """Train one cell at one length; returns (network, curve, steps taken, seconds)."""
    import torch

    torch.manual_seed(seed)
    net = _model(task, cell, recipe.hidden, forget_bias)
    optim = torch.optim.Adam(net.parameters(), lr=recipe.lr)
    rng = np.random.default_rng(seed + length)  # the same training stream for every cell

    def evaluate(step: int) -> dict:
        loss, score = evaluate_on(task, net, held_out)
        return {"step": step, "loss": loss, task.metric: score}

    curve, step = [evaluate(0)], 0
    if on_step:  # step 0: the bar's time and rate start with the training, as ``seconds`` does
        on_step({"step": 0, "total": recipe.steps, "loss": curve[0]["loss"]}
                | ({"accuracy": curve[0]["accuracy"]} if "accuracy" in curve[0] else {}))
    start = time.perf_counter()
    for step in range(1, recipe.steps + 1):
        bx, by = task.batch(rng, recipe.batch, length)
        loss = task.loss(net(torch.from_numpy(bx)), torch.from_numpy(by))
        optim.zero_grad()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(net.parameters(), 1.0)
        optim.step()
        if step % recipe.eval_every == 0 or step == recipe.steps:
            point = evaluate(step)
            curve.append(point)
            if on_step:
                on_step({"step": step, "total": recipe.steps, "loss": point["loss"]}
                        | ({"accuracy": point["accuracy"]} if "accuracy" in point else {}))
            if not np.isfinite(point["loss"]) or task.reached(point[task.metric]):
                break
    return net, curve, step, time.perf_counter() - start




def long_term(task: str = "adding", lengths=None, cells=CELLS, forget_biases=(DEFAULT_FORGET_BIAS,),
              steps: int | None = None,
              seed: int = 0, progress=None, recipe: Recipe | None = None) -> LongTermReport:
    """Train every cell at every length with the same budget; test-set scores and gradient norms.

    torch's global random state is left as the caller had it (the runs seed a generator of their own). Ctrl-C
    raises :class:`LongTermInterrupted`, a KeyboardInterrupt that carries the runs already finished.

    Args:
        task: ``"adding"`` (the adding problem; MSE) or ``"first-token"`` (accuracy).
        lengths: sequence lengths (default: the task's recipe, 100 and 200 for adding).
        cells: any of rnn, lstm, gru.
        forget_biases: one LSTM run per total forget-gate bias (None: torch's initialisation).
        steps: the training budget per run (default: the recipe's).
        progress: ``progress(run name)`` → a context manager yielding ``(on_step, on_phase)``,
            like :func:`seqlab.render.progress.training_bar`.
        recipe: override the whole budget (tests use tiny ones).

    >>> r = long_term("adding", lengths=[10], cells=["gru"], steps=20)  # doctest: +SKIP
    >>> r.runs[0].to_dict()["mse"] < r.runs[0].to_dict()["baseline_mse"]  # doctest: +SKIP
    """
    import dataclasses
    import numbers

    import torch

    if task not in TASKS:
        raise InputError(_("unknown task {task}").format(task=task), _("Use task=\"adding\" or task=\"first-token\"."),
                         cli_hint=_("Use --task adding or --task first-token."))
    cells = cell_names(cells)  # "rnn,lstm" was read letter by letter: a comma-separated string, as gradflow takes
    spec = get_task(task)
    recipe = recipe or RECIPES[task]
    one = (numbers.Number, str)  # lengths=100, forget_biases=3: one value; a list, tuple, array or range: many
    if lengths is not None:
        lengths = [lengths] if isinstance(lengths, one) else list(lengths)
    forget_biases = [forget_biases] if forget_biases is None or isinstance(forget_biases, one) else list(forget_biases)
    for n in lengths or ():
        check_number("lengths", n, 2, LONG_TERM_MAX_LENGTH, whole=True)
    for b in forget_biases:
        check_number("forget_biases", b, *FORGET_BIAS_RANGE)
    for name, values in (("cells", cells), ("lengths", lengths or ()), ("forget_biases", forget_biases)):
        repeated = [v for i, v in enumerate(values) if v in values[:i]]  # 1 and 1.0 too: one run, twice, unsaid
        if repeated:
            raise InputError(_("{option} lists {value} twice").format(option=name, value=repeated[0]),
                             _("Give each value once."), option=name)
    check_number("steps", steps, 1, LONG_TERM_MAX_STEPS, whole=True)
    check_number("seed", seed, 0, SEED_MAX, whole=True)
    if lengths:
        recipe = dataclasses.replace(recipe, lengths=tuple(int(n) for n in lengths))  # NumPy integers as Python's
    if steps is not None:
        recipe = dataclasses.replace(recipe, steps=int(steps))
    if min(recipe.lengths) < 2 or recipe.steps < 1:  # a recipe given whole (tests)
        raise InputError(_("lengths must be at least 2 and steps positive"))
    seed = int(seed)
    forget_biases = [None if b is None else float(b) for b in forget_biases] or [None]
    report = LongTermReport(task, spec.description, list(recipe.lengths), list(cells), forget_biases, recipe.steps,
                            recipe.batch, recipe.lr, recipe.hidden, seed, spec.target, spec.metric)
    threads = torch.get_num_threads()
    torch.set_num_threads(report.threads)
    planned = [(length, run) for length in recipe.lengths for run in run_names(cells, forget_biases)]
    try:
        with kept_random_state():  # manual_seed below reseeds a copy: the caller's state is restored
            _train_all(report, spec, recipe, planned, seed, progress)
    except KeyboardInterrupt:
        done = {(r.length, r.label) for r in report.runs}
        report.unfinished = [f"{label} T={length}" for length, (label, _cell, _bias) in planned
                             if (length, label) not in done]
        raise LongTermInterrupted(report) from None
    finally:
        torch.set_num_threads(threads)
    return report


def _train_all(report: LongTermReport, spec, recipe: Recipe, planned: list, seed: int, progress) -> None:
    """Every planned run, in order, each added to ``report.runs`` as soon as it has finished."""
    import contextlib

    import torch

    held = {}  # per length: the validation set (the early stop reads it), the test set, the gradient analysis batch
    for length, (label, cell, bias) in planned:
        if length not in held:
            held_out = spec.batch(np.random.default_rng(seed + 1000 + length), recipe.eval_size, length)
            test = spec.batch(np.random.default_rng(seed + 2000 + length), recipe.eval_size, length)
            held[length] = held_out, test, (held_out[0][:64], held_out[1][:64])
        held_out, test, probe = held[length]
        bar = progress(f"{label} T={length}") if progress else contextlib.nullcontext((None, None))
        with bar as (on_step, on_phase):
            if on_phase:  # each line of the bar says what it is doing ("rnn T=10 · 0.0 s" said nothing)
                on_phase(N_("gradient norms at the start"))
            torch.manual_seed(seed)
            before = grad_norms(_model(spec, cell, recipe.hidden, bias), spec, *probe)
            if on_phase:
                on_phase(N_("training"))
            net, curve, taken, seconds = train_one(spec, recipe, cell, length, bias, seed, held_out, on_step)
        after = grad_norms(net, spec, *probe)  # after the bar's last line: its time is the training's
        _loss, score = evaluate_on(spec, net, test)  # the reported score: sequences the early stop never read
        report.runs.append(RunResult(
            cell=cell, label=label, length=length, metric=spec.metric, score=score,
            baseline=spec.baseline(test[1]), reached=bool(spec.reached(curve[-1][spec.metric])), steps=taken,
            seconds=seconds, curve=curve, grad_norms_before=before["h"], grad_norms_after=after["h"],
            forget_bias=bias, cell_grad_norms_before=before["c"], cell_grad_norms_after=after["c"],
            forget_mean_before=before["f"], forget_mean_after=after["f"],
            validation_score=curve[-1][spec.metric], validation_baseline=spec.baseline(held_out[1])))
