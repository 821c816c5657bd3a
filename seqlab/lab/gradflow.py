"""Gradient flow through time: ‖∂L/∂h_k‖ for every step k, with the loss at the last step.

All numbers come from seqlab's own BPTT (:mod:`seqlab.scratch.layers`): the loss
``L = ‖h_{T-1}‖²`` (the last of the steps k = 0 … T-1) is backpropagated once and ``dL/dh_k`` is read at every step
(the total gradient, through every later step). The per-step factors explain
the decay:

- RNN: ``∂h_t/∂h_{t-1} = diag(1 - h_t²) · W_hh``; its largest singular value
  is reported per step, with the spectral radius of ``W_hh``;
- LSTM, along the cell state: ``∂c_t/∂c_{t-1} = diag(f_t)``; the mean forget
  gate per step is reported. The "derivative 1 through the cell state"
  argument holds only when f ≈ 1: at default initialization f ≈ σ(0) = 0.5, and
  the LSTM's gradient vanishes too. A forget-gate bias b_f raises f toward 1: on
  gradflow's defaults (T = 100, hidden 64, seed 0), ‖∂L/∂c_0‖ / ‖∂L/∂c_99‖ measured
  1e-22 at torch's init, 6e-10 at bias 1, 2e-3 at bias 2, and 0.5 at bias 3.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from threadpoolctl import threadpool_limits

from seqlab.display import Displayable
from seqlab.errors import InputError, check_number
from seqlab.i18n import N_, _
from seqlab.lab.cells import CELLS, cell_names
from seqlab.lab.limits import (
    FORGET_BIAS_RANGE,
    GRADFLOW_DEFAULT_HIDDEN,
    GRADFLOW_DEFAULT_STEPS,
    GRADFLOW_MAX_HIDDEN,
    GRADFLOW_MAX_STEPS,
    SEED_MAX,
)
from seqlab.scratch.layers import LAYERS
from seqlab.scratch.loss import last_state_loss
from seqlab.scratch.torch_layout import gate_rows, seeded_module

LOSS = N_("L = ‖h_(T-1)‖² (loss at the last step, k = T-1)")  # in the JSON as it is; shown translated
# how the run's numbers are made, in the JSON, so that a reader can make them again (they were only in this file)
INPUTS = "x ~ N(0, 1): numpy.random.default_rng(seed).normal(size=(1, steps, input_size))"
WEIGHTS = ("torch's default initialization: torch.manual_seed(seed), then torch.nn.RNN/LSTM/GRU(input_size, hidden, "
           "batch_first=True), each cell seeded afresh")


# A gradient "survives the whole sequence" only when at least this share of it reaches the first step; below it, it
# vanished. One rule for gradflow and long-term (long-term judged by 1e-6, so that 2.3e-3 "reached step 0" there and
# 5.1e-3 "vanished" here; and a run whose f̄^(T-1) was 1.6e-6, its curve as low as the RNN's, was said to survive).
SURVIVES = 1e-2


def needed_forget_bias(steps: int) -> float:
    """The forget bias whose gate σ(b), kept over ``steps`` - 1 steps, leaves SURVIVES of the gradient, rounded up to
    a half: about 3.5 at 100 steps, 6.5 at 2,000 (the other inputs of the gate move f around it)."""
    f = SURVIVES ** (1 / max(steps - 1, 1))
    return min(float(np.ceil(2 * np.log(f / (1 - f))) / 2), FORGET_BIAS_RANGE[1])


@dataclass
class CellFlow:
    cell: str
    grad_norms: list[float]  # ‖∂L/∂h_k‖, k = 0..T-1
    cell_grad_norms: list[float] | None = None  # LSTM: ‖∂L/∂c_k‖
    factor_norms: list[float] | None = None  # RNN: ‖diag(1 - h_t²)·W_hh‖₂ per step
    spectral_radius: float | None = None  # RNN: max |eigenvalue| of W_hh
    forget_mean: list[float] | None = None  # LSTM: mean f_t per step
    forget_bias: float | None = None
    loss: float = 0.0

    # The chain from the last step back to the first, ∂h_{T-1}/∂h_0 (∂c_{T-1}/∂c_0), is the product of the T - 1
    # factors of steps t = 1..T-1; step 0's factor reaches back to the initial state, which is not on it.
    @property
    def forget_mean_overall(self) -> float | None:
        """LSTM: f̄, the mean forget gate over the units and the steps t = 1..T-1 (those on the chain)."""
        return _chain_mean(self.forget_mean)

    @property
    def forget_decay(self) -> float | None:
        """LSTM: f̄^(T-1), what a gradient keeps after T - 1 steps along the cell state (∂c_t/∂c_{t-1} = diag(f_t))."""
        f = self.forget_mean_overall
        return None if f is None else float(f ** (len(self.grad_norms) - 1))

    @property
    def cell_kept(self) -> float | None:
        """LSTM: ‖∂L/∂c_0‖ / ‖∂L/∂c_{T-1}‖, what of the cell state's gradient at the last step reaches the first
        (measured; f̄^(T-1) only estimates it from the mean gate)."""
        if not self.cell_grad_norms:
            return None
        last = self.cell_grad_norms[-1]
        return float(self.cell_grad_norms[0] / last) if last else 0.0

    @property
    def cell_survives(self) -> bool | None:
        """LSTM: whether the cell state's gradient reached the first step with at least SURVIVES of itself, judged
        by the measured :attr:`cell_kept` (f̄^(T-1) can be orders of magnitude off: a norm follows the units whose f
        stays nearest 1)."""
        return None if self.cell_kept is None else self.cell_kept >= SURVIVES

    @property
    def suggested_forget_bias(self) -> float | None:
        """LSTM whose cell-state gradient vanished: the forget bias that would keep about SURVIVES of it over this
        sequence (:func:`needed_forget_bias`); None where it survived, or for another cell."""
        return None if self.cell_survives in (None, True) else needed_forget_bias(len(self.grad_norms))

    @property
    def factor_mean(self) -> float | None:
        """RNN: the mean factor ‖∂h_t/∂h_{t-1}‖₂ = ‖diag(1 - h_t²)·W_hh‖₂ over the steps t = 1..T-1."""
        return _chain_mean(self.factor_norms)

    @property
    def factor_decay(self) -> float | None:
        """RNN: the mean factor to the power T - 1, the bound on what a gradient keeps over the sequence."""
        m = self.factor_mean
        return None if m is None else float(m ** (len(self.grad_norms) - 1))

    @property
    def kept(self) -> float:
        """‖∂L/∂h_0‖ / ‖∂L/∂h_{T-1}‖: what of the gradient at the last step reaches the first."""
        last = self.grad_norms[-1]
        return float(self.grad_norms[0] / last) if last else 0.0

    @property
    def measured_rate(self) -> float | None:
        """The mean factor per step that the measured :attr:`kept` implies, kept^(1/(T-1)) (the factor_mean bounds
        it from above); None when the norm underflowed to 0 (no rate can be read from it)."""
        kept = self.kept
        return float(kept ** (1 / (len(self.grad_norms) - 1))) if kept > 0 else None

    @property
    def survives(self) -> bool:
        """Whether the hidden state's gradient reached the first step with at least SURVIVES of itself (the GRU's
        verdict: its update gate's copy path carried it, or it did not)."""
        return self.kept >= SURVIVES

    def to_dict(self) -> dict:
        out = {"grad_norms": self.grad_norms, "loss": self.loss, "kept": self.kept, "survives": self.survives}
        for key in ("cell_grad_norms", "factor_norms", "spectral_radius", "forget_mean", "forget_bias",
                    "forget_mean_overall", "forget_decay", "cell_kept", "cell_survives", "suggested_forget_bias",
                    "factor_mean", "factor_decay", "measured_rate"):
            value = getattr(self, key)
            if value is not None:
                out[key] = value
        return out


@dataclass(repr=False)  # Displayable's short repr
class GradFlowReport(Displayable):
    steps: int
    hidden: int
    input_size: int
    seed: int
    loss: str
    cells: dict[str, CellFlow] = field(default_factory=dict)

    def to_dict(self) -> dict:
        return {"steps": self.steps, "hidden": self.hidden, "input_size": self.input_size, "seed": self.seed,
                "inputs": INPUTS, "weights": WEIGHTS, "loss": self.loss, "cells": {name: flow.to_dict() for name, flow in self.cells.items()}}


def _chain_mean(per_step: list[float] | None) -> float | None:
    """The mean of a per-step factor over t = 1..T-1 (None without one, or with a single step: no chain)."""
    return None if per_step is None or len(per_step) < 2 else float(np.mean(per_step[1:]))


def set_forget_bias(layer, bias: float) -> None:
    """Make the LSTM's total forget-gate bias (b_ih + b_hh, rows H..2H) equal to ``bias``."""
    rows = gate_rows("lstm", "f", layer.hidden_size)
    for name in layer.params:
        if name.startswith("bias_ih"):
            layer.params[name][rows] = bias
        elif name.startswith("bias_hh"):
            layer.params[name][rows] = 0.0


def flow_of(layer, x: np.ndarray, forget_bias: float | None = None) -> CellFlow:
    """Backpropagate ``L = ‖h_{T-1}‖²`` through ``layer`` on inputs ``x`` (1, T, I) and collect the norms."""
    out, _unused = layer.forward(x)
    loss, d_out = last_state_loss(out)
    layer.backward(d_out, keep_steps="gradients")
    kept = layer.backward_steps[(0, 0)]
    steps = layer.steps(0, 0)
    flow = CellFlow(layer.kind, [float(np.linalg.norm(k.dh)) for k in kept], loss=loss)
    if layer.kind == "rnn":
        W = layer.params["weight_hh_l0"]
        flow.spectral_radius = float(np.abs(np.linalg.eigvals(W)).max())
        flow.factor_norms = [float(np.linalg.norm((1.0 - s.h[0] ** 2)[:, None] * W, ord=2)) for s in steps]
    if layer.kind == "lstm":
        flow.cell_grad_norms = [float(np.linalg.norm(k.dc)) for k in kept]
        flow.forget_mean = [float(s.f.mean()) for s in steps]
        flow.forget_bias = forget_bias
    return flow


def gradflow(cells: tuple[str, ...] | list[str] = CELLS, steps: int = GRADFLOW_DEFAULT_STEPS,
             hidden: int = GRADFLOW_DEFAULT_HIDDEN,
             input_size: int | None = None,
             forget_bias: float | None = None, seed: int = 0) -> GradFlowReport:
    """Gradient norms per step for each cell on the same random inputs (torch's default init, seeded).

    Args:
        cells: which of ``rnn``, ``lstm``, ``gru``.
        steps: sequence length T.
        hidden: hidden size H of every cell.
        input_size: the width of the random inputs x_t (default: H).
        forget_bias: set the LSTM's total forget-gate bias (None: torch's default init).
        seed: seeds the inputs and every cell's weights.

    Returns:
        a :class:`GradFlowReport`: per cell ``grad_norms[k]`` = ‖∂L/∂h_k‖ for k = 0 … T-1 (the loss at the last
        step), computed by seqlab's own BPTT, and for the LSTM the norms along the cell state and its forget gates.

    >>> report = gradflow(["rnn", "lstm"], steps=20, hidden=8)
    >>> report.cells["rnn"].grad_norms[0] < report.cells["rnn"].grad_norms[-1]
    True
    """
    cells = cell_names(cells)  # "lstm" was read as the cells l, s, t, m
    if forget_bias is not None and "lstm" not in cells:  # as the CLI says it: nothing ignored silently
        raise InputError(_("forget_bias sets the LSTM's forget gate, and the cells {cells} have no LSTM").format(
            cells=", ".join(cells)), _("Add lstm to the cells, or leave forget_bias out."))
    check_number("steps", steps, 2, GRADFLOW_MAX_STEPS, whole=True)  # a chain of one step or more
    check_number("hidden", hidden, 1, GRADFLOW_MAX_HIDDEN, whole=True)
    check_number("input_size", input_size, 1, GRADFLOW_MAX_HIDDEN, whole=True)
    check_number("forget_bias", forget_bias, *FORGET_BIAS_RANGE)
    check_number("seed", seed, 0, SEED_MAX, whole=True)
    steps, hidden, seed = int(steps), int(hidden), int(seed)  # NumPy integers as Python's: torch takes no other
    forget_bias = None if forget_bias is None else float(forget_bias)
    input_size = int(input_size or hidden)
    x = np.random.default_rng(seed).normal(size=(1, steps, input_size))
    report = GradFlowReport(steps, hidden, input_size, seed, LOSS)
    # one BLAS thread: these matrices are small, and from about 100 rows on OpenBLAS splits each SVD over its
    # threads, which, with the cores busy (the web server's other requests), made 300 of them take 14 s, not 0.35 s.
    # The limit is the process's while it holds: the server's gradflow gate (one at a time) keeps two from nesting.
    with threadpool_limits(limits=1, user_api="blas"):
        for cell in cells:
            layer = LAYERS[cell].from_torch(seeded_module(cell, input_size, hidden, seed))
            if cell == "lstm" and forget_bias is not None:
                set_forget_bias(layer, forget_bias)
            report.cells[cell] = flow_of(layer, x, forget_bias if cell == "lstm" else None)
    return report
