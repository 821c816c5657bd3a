"""The lab's records (order demo, gradient flow, long-term task) as tables and pictures."""

from __future__ import annotations

import numpy as np
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from seqlab.lab.gradflow import GradFlowReport
from seqlab.lab.longterm import LongTermReport
from seqlab.lab.order import OrderReport
from seqlab.render.plots import write_lines


def _sample_steps(n: int) -> list[int]:
    marks = {0, 1, 2, 5, 10, 20, 30, 50, 75, 100, 150, 200, 300, 500, 1000, n - 2, n - 1}
    return sorted(k for k in marks if 0 <= k < n)


def gradflow_terminal(report: GradFlowReport, console: Console) -> None:
    console.print(f"[bold]gradient flow[/] · {report.loss} · T = {report.steps}, H = {report.hidden}, "
                  f"input {report.input_size}, seed {report.seed} · seqlab's own BPTT")
    table = Table(title="‖∂L/∂h_k‖ per step k (loss at the last step)", title_justify="left")
    table.add_column("k", justify="right")
    for name in report.cells:
        table.add_column(name, justify="right")
    for k in _sample_steps(report.steps):
        table.add_row(str(k), *[f"{flow.grad_norms[k]:.2e}" for flow in report.cells.values()])
    console.print(table)
    for flow in report.cells.values():
        if flow.spectral_radius is not None:
            console.print(f"rnn: spectral radius of W_hh = {flow.spectral_radius:.3f}; per-step factor "
                          f"‖diag(1-h_t²)·W_hh‖₂: mean {np.mean(flow.factor_norms):.3f} "
                          f"(a product of T such factors below 1 vanishes)")
        if flow.forget_mean is not None:
            bias = "default init" if flow.forget_bias is None else f"forget bias {flow.forget_bias:g}"
            console.print(f"lstm ({bias}): mean forget gate f_t = {np.mean(flow.forget_mean):.3f}; along the cell "
                          f"state ∂c_t/∂c_(t-1) = diag(f_t), so ‖∂L/∂c_0‖ = {flow.cell_grad_norms[0]:.2e}")
    console.print("[dim]f ≈ σ(0) = 0.5 at default initialization: the LSTM's gradient vanishes too. Try "
                  "--forget-bias 1 or 3, and plot with --plot grad.png[/]")


def gradflow_plot(report: GradFlowReport, out) -> object:
    series = {name: flow.grad_norms for name, flow in report.cells.items()}
    bias = report.cells.get("lstm")
    sub = f"T={report.steps}, H={report.hidden}, seed {report.seed}"
    if bias is not None and bias.forget_bias is not None:
        sub += f", LSTM forget bias {bias.forget_bias:g}"
    return write_lines(series, out, f"‖∂L/∂h_k‖ ({report.loss})", "step k", "gradient norm (log scale)", log_y=True,
                       subtitle=sub)


def order_terminal(report: OrderReport, console: Console) -> None:
    console.print(f"[bold]order demo[/] · {escape(report.model)} token embeddings · bag-of-embeddings MLP vs "
                  f"{report.cell.upper()} (hidden {report.hidden}, seed {report.seed})")
    for p in report.pairs:
        table = Table(title=f"{escape(p.a)!s}  vs  {escape(p.b)}", title_justify="left")
        table.add_column("", min_width=10, no_wrap=True)
        table.add_column(escape(p.a), no_wrap=True)
        table.add_column(escape(p.b), no_wrap=True)
        table.add_row("tokens", escape(" ".join(p.tokens_a)), escape(" ".join(p.tokens_b)))
        table.add_row("MLP output", " ".join(f"{v:+.6f}" for v in p.mlp_a), " ".join(f"{v:+.6f}" for v in p.mlp_b))
        table.add_row(f"{report.cell} h_T", " ".join(f"{v:+.3f}" for v in p.rnn_a), " ".join(f"{v:+.3f}" for v in p.rnn_b))
        console.print(table)
        verdict = "bit-identical (the bag cannot see order)" if p.mlp_bit_identical else "DIFFERENT"
        console.print(f"  MLP: {verdict} · {report.cell}: max |h_T(a) - h_T(b)| = {p.rnn_max_difference:.4f}")
    ln = report.lengths
    console.print(f"\nsame {report.cell} weights ({ln['parameters']:,} parameters) on 3 tokens and on 30 tokens; an MLP "
                  f"over concatenated vectors would need {ln['mlp_concat_input_size']['3 tokens']:,} and "
                  f"{ln['mlp_concat_input_size']['30 tokens']:,} inputs")
    ws = report.weight_sharing
    table = Table(title=f"weight sharing: dW_hh = Σ_t dW_hh(t) over {ws['steps']} steps ({ws['loss']})",
                  title_justify="left")
    table.add_column("t", justify="right")
    table.add_column("‖dW_hh(t)‖", justify="right")
    norms = ws["contribution_norms"]
    for t in _sample_steps(len(norms)):
        table.add_row(str(t), f"{norms[t]:.3e}")
    console.print(table)
    console.print(f"‖dW_hh‖ = {ws['dW_hh_norm']:.3e}; max |Σ_t dW_hh(t) - dW_hh| = "
                  f"{ws['max_abs_difference_sum_vs_dW_hh']:.1e}")


def order_plot(report: OrderReport, out) -> object:
    norms = report.weight_sharing["contribution_norms"]
    return write_lines({"‖dW_hh(t)‖": norms}, out, "per-step contributions to dW_hh (their sum is dW_hh)",
                       "step t", "norm (log scale)", log_y=True)


def longterm_terminal(report: LongTermReport, console: Console) -> None:
    console.print(f"[bold]long-term dependency[/]: the label is the first of T random symbols (chance "
                  f"{1 / 4:.0%}) · budget {report.steps} Adam steps × batch {report.batch}, lr {report.lr}, "
                  f"hidden {report.hidden}")
    names = list(dict.fromkeys(r.cell for r in report.runs))
    table = Table(title="held-out accuracy after the same budget", title_justify="left")
    table.add_column("T", justify="right")
    for n in names:
        table.add_column(n, justify="right")
    for length in report.lengths:
        row = {r.cell: r for r in report.runs if r.length == length}
        table.add_row(str(length), *[f"{row[n].accuracy:.1%}" for n in names])
    console.print(table)
    table = Table(title="‖∂L/∂h_0‖ before → after training (seqlab BPTT); mean forget gate after", title_justify="left")
    for col in ("T", "run", "before", "after", "mean f after", "seconds"):
        table.add_column(col, justify="right")
    for r in report.runs:
        table.add_row(str(r.length), r.cell, f"{r.grad_norms_before[0]:.1e}", f"{r.grad_norms_after[0]:.1e}",
                      "" if r.forget_mean_after is None else f"{r.forget_mean_after:.3f}", f"{r.seconds:.1f}")
    console.print(table)


def longterm_plot(report: LongTermReport, out) -> object:
    series, x = {}, None
    for r in report.runs:
        series[f"{r.cell} T={r.length}"] = [c["accuracy"] for c in r.curve]
        x = [c["step"] for c in r.curve]
    return write_lines(series, out, "held-out accuracy while training", "training step", "accuracy", x=x,
                       subtitle="the label is the first token; chance 25%")
