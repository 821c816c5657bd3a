"""The lab's records (order demo, gradient flow, long-term task) as tables and pictures."""

from __future__ import annotations

import numpy as np
from rich.console import Console
from rich.markup import escape

from seqlab.i18n import N_, _, ngettext
from seqlab.lab.gradflow import SURVIVES, GradFlowReport
from seqlab.lab.longterm import LongTermReport
from seqlab.lab.order import OrderReport
from seqlab.render import markdown as md
from seqlab.render.console import in_page, in_python, titled_table
from seqlab.render.plots import write_lines


def _sample_steps(n: int) -> list[int]:
    """The steps the table shows: spaced by their distance from the last step, where the loss is and where the
    gradient starts (at T = 2,000, steps 1,000 to 1,998 held the whole decay and showed none of it), and step 0;
    every step of a short sequence."""
    if n <= 24:
        return list(range(n))
    back = [0, 1, 2, 5, 10, 20, 30, 50, 75, 100, 150, 200, 300, 500, 750, 1000, 1500]
    back += [b * 10 ** e for e in range(3, 6) for b in (2, 3, 5) if b * 10 ** e < n]
    return sorted({n - 1 - d for d in back if d < n} | {0})


def share(x: float, digits: int = 1) -> str:
    """A share or norm of the error signal: 1.2e-05, or 0 said as an underflow (0.0e+00 read as a measured zero:
    float64 has nothing below about 1e-308, so a product of 2,000 factors under 1 comes out as 0)."""
    return _("0 (underflow)") if x == 0 else f"{x:.{digits}e}"  # NaN shows as nan, not as an underflow


def _cell_verdict(flow, steps: int) -> str:
    """Whether the cell state's gradient survived, judged by what was measured (the mean gate's power can be orders of
    magnitude off: the norm follows the units whose f stays nearest 1), and what to try when it did not."""
    if flow.cell_survives:
        return _("the gradient along the cell state survives the whole sequence (at least {share:.0%} of it "
                 "reaches the first step)").format(share=SURVIVES)
    needed = flow.suggested_forget_bias
    if flow.forget_bias is not None and flow.forget_bias >= needed:
        return _("the gradient along the cell state vanishes even with this bias: the gates' other inputs pull f "
                 "below σ(bias)")
    if in_python():
        return _("the gradient along the cell state vanishes: over {T} steps a forget-gate bias of about {b:g} keeps "
                 "it alive, e.g. forget_bias={b:g}").format(T=steps, b=needed)
    if in_page():
        return _("the gradient along the cell state vanishes: over {T} steps a forget-gate bias of about {b:g} keeps "
                 "it alive (choose {b:g} as the LSTM forget-gate bias and press Compute)").format(T=steps, b=needed)
    return _("the gradient along the cell state vanishes: over {T} steps a forget-gate bias of about {b:g} keeps it "
             "alive, e.g. --forget-bias {b:g}").format(T=steps, b=needed)


def gradflow_verdicts(report: GradFlowReport) -> list[str]:
    """One sentence per cell, from this run's numbers: why its gradient vanished or survived."""
    lines = []
    for name, flow in report.cells.items():
        if flow.factor_mean is not None:
            lines.append(_("rnn: spectral radius of W_hh = {rho:.3f}; each step multiplies the gradient by at most "
                           "‖diag(1-h_t²)·W_hh‖₂ ({m:.3f} on average, an upper bound), so over {T} steps at most about "
                           "{m:.3f}^{n} = {decay} of it survives; measured: ‖∂L/∂h_0‖/‖∂L/∂h_(T-1)‖ = {kept}{rate}: "
                           "{verdict}.").format(
                verdict=_("it survives (at least {share:.0%} of it reaches the first step)").format(share=SURVIVES)
                if flow.survives else _("it vanishes (less than {share:.0%} of it reaches the first step)").format(
                    share=SURVIVES),
                rho=flow.spectral_radius, m=flow.factor_mean, T=report.steps, n=report.steps - 1,
                decay=share(flow.factor_decay), kept=share(flow.kept),
                rate="" if flow.measured_rate is None else _(", about ×{rate:.2f} per step").format(
                    rate=flow.measured_rate)))  # none from a norm that underflowed
        if flow.forget_mean_overall is not None:
            bias = (_("torch's default initialization") if flow.forget_bias is None
                    else _("forget bias {b:g}").format(b=flow.forget_bias))
            lines.append(_("lstm ({bias}): mean forget gate f̄ = {f:.3f}; along the cell state's direct path "
                           "∂c_t/∂c_(t-1) = diag(f_t) (with h_(t-1) held fixed), so the mean gate alone predicts "
                           "f̄^{n} = {decay} over {T} steps (a norm follows the units whose f stays nearest 1, not the "
                           "mean, so the measured share can differ by orders of magnitude); measured: "
                           "‖∂L/∂c_0‖ = {c0}, {kept} of ‖∂L/∂c_(T-1)‖: {verdict}.").format(
                bias=bias, f=flow.forget_mean_overall, T=report.steps, n=report.steps - 1,
                decay=share(flow.forget_decay), c0=share(flow.cell_grad_norms[0], 2), kept=share(flow.cell_kept),
                verdict=_cell_verdict(flow, report.steps)))
            if flow.cell_survives != flow.survives:  # the table and the JSON's "survives" are of h: both are said
                lines.append((_("lstm: along h (the table's ‖∂L/∂h_k‖, the JSON's survives) ‖∂L/∂h_0‖/‖∂L/∂h_(T-1)‖ "
                                "= {kept}: less than {share:.0%} of it reaches the first step, though the cell "
                                "state's does.") if flow.cell_survives else
                              _("lstm: along h (the table's ‖∂L/∂h_k‖, the JSON's survives) ‖∂L/∂h_0‖/‖∂L/∂h_(T-1)‖ "
                                "= {kept}: at least {share:.0%} of it reaches the first step, though the cell "
                                "state's vanishes.")).format(kept=share(flow.kept), share=SURVIVES))
        if name == "gru":  # the copy path explains a gradient that survives, not one that vanished
            lines.append((_("gru: ‖∂L/∂h_0‖/‖∂L/∂h_(T-1)‖ = {kept}: at least {share:.0%} of it reaches the first "
                            "step (an update gate z near 1 lets h_t copy h_(t-1), the path that can carry it).")
                          if flow.survives else
                          _("gru: ‖∂L/∂h_0‖/‖∂L/∂h_(T-1)‖ = {kept}: it vanishes (less than {share:.0%} of it reaches the "
                            "first step: an update gate z near 1 would let h_t copy h_(t-1); here that path did not "
                            "carry it).")).format(kept=share(flow.kept),
                                                                                          share=SURVIVES))
    return lines


# what a 0 in a table or chart of norms is: worded once, for the terminal, Markdown, a notebook and the page
UNDERFLOW = N_("0: the norm underflowed (it is smaller than float64 can hold, about 1e-308), not a measured zero.")


def gradflow_notes(report: GradFlowReport) -> list[str]:
    """What a gradient-flow chart is read with (a notebook's notes, the page's list): a norm that underflowed, then
    the verdicts."""
    underflow = any(0 in flow.grad_norms for flow in report.cells.values())
    return ([_(UNDERFLOW)] if underflow else []) + gradflow_verdicts(report)


def gradflow_terminal(report: GradFlowReport, console: Console) -> None:
    console.print(_("[bold]gradient flow[/] · {loss} · T = {T}, H = {H}, input {I}, seed {seed} · seqlab's own BPTT")
                  .format(loss=_(report.loss), T=report.steps, H=report.hidden, I=report.input_size, seed=report.seed))
    table = titled_table(_("‖∂L/∂h_k‖ per step k (loss at the last step)"), title_justify="left")
    table.add_column("k", justify="right")
    for name in report.cells:
        table.add_column(name, justify="right")
    underflow = False
    shown = _sample_steps(report.steps)
    for k in shown:
        norms = [flow.grad_norms[k] for flow in report.cells.values()]
        underflow = underflow or 0 in norms
        table.add_row(str(k), *["0" if x == 0 else f"{x:.2e}" for x in norms])
    console.print(table)
    sampled_note(console, len(shown), report.steps)
    if underflow:
        console.print(_(UNDERFLOW))
    for line in gradflow_verdicts(report):
        console.print(escape(line))


def gradflow_markdown(report: GradFlowReport) -> str:
    """:func:`gradflow_terminal` as Markdown: the same sampled steps, notes and verdicts."""
    heading = _("[bold]gradient flow[/] · {loss} · T = {T}, H = {H}, input {I}, seed {seed} · seqlab's own BPTT").format(
        loss=_(report.loss), T=report.steps, H=report.hidden, I=report.input_size, seed=report.seed)
    heading = md.text(heading.replace("[bold]", "").replace("[/]", ""))
    shown = _sample_steps(report.steps)
    lines = [heading, "", md.text(_("‖∂L/∂h_k‖ per step k (loss at the last step)")), "",
             "| k | " + " | ".join(report.cells) + " |", "|---:|" + "---:|" * len(report.cells)]
    underflow = False
    for k in shown:
        norms = [flow.grad_norms[k] for flow in report.cells.values()]
        underflow = underflow or 0 in norms
        lines.append(f"| {k} | " + " | ".join("0" if x == 0 else f"{x:.2e}" for x in norms) + " |")
    notes = []
    if len(shown) < report.steps:
        notes.append(_steps_shown().format(shown=len(shown), total=report.steps))
    if underflow:
        notes.append(_(UNDERFLOW))
    notes += gradflow_verdicts(report)
    return "\n".join([*lines, "", *[f"- {md.text(n)}" for n in notes]])


def gradflow_plot(report: GradFlowReport, out) -> object:
    series = {name: flow.grad_norms for name, flow in report.cells.items()}
    lstm = report.cells.get("lstm")
    sub = _("T={T}, H={H}, seed {seed}").format(T=report.steps, H=report.hidden, seed=report.seed)
    if lstm is not None and lstm.forget_bias is not None:
        sub += ", " + _("LSTM forget bias {b:g}").format(b=lstm.forget_bias)
    return write_lines(series, out, f"‖∂L/∂h_k‖ · {_(report.loss)}", _("step k"), _("gradient norm (log scale)"),
                       log_y=True, subtitle=sub)


def order_terminal(report: OrderReport, console: Console) -> None:
    console.print(_("[bold]order demo[/] · {model} token embeddings · bag-of-embeddings MLP vs {cell} (hidden {h}, "
                    "seed {seed})").format(model=escape(report.model), cell=report.cell.upper(), h=report.hidden,
                                           seed=report.seed))
    for p in report.pairs:
        table = titled_table(_("{a}  vs  {b}").format(a=escape(p.a), b=escape(p.b)), title_justify="left")
        table.add_column(_("quantity"), no_wrap=True)
        table.add_column(escape(p.a))
        table.add_column(escape(p.b))
        table.add_row(_("tokens"), escape(" ".join(p.tokens_a)), escape(" ".join(p.tokens_b)))
        table.add_row(_("MLP output"), " ".join(f"{v:+.6f}" for v in p.mlp_a), " ".join(f"{v:+.6f}" for v in p.mlp_b))
        table.add_row(f"{report.cell.upper()} h_(T-1)", " ".join(f"{v:+.3f}" for v in p.rnn_a),
                      " ".join(f"{v:+.3f}" for v in p.rnn_b))
        console.print(table)
        verdict = (_("bit-identical (the bag cannot see order)") if p.mlp_bit_identical else _("DIFFERENT"))
        console.print("  " + _("MLP: {verdict} · {cell}: max |h_(T-1)(a) - h_(T-1)(b)| = {d:.4f}").format(
            verdict=verdict, cell=report.cell.upper(), d=p.rnn_max_difference))
    ln = report.lengths
    console.print("\n" + _("the same {cell} weights ({n:,} parameters) run on 3 and on 30 random input vectors; an "
                           "MLP over concatenated vectors would need {a:,} and {b:,} inputs").format(
        cell=report.cell.upper(), n=ln.parameters, a=ln.mlp_inputs_3, b=ln.mlp_inputs_30))
    ws = report.weight_sharing
    table = titled_table(_("weight sharing: dW_hh = Σ_t dW_hh(t) over {n} steps ({loss})").format(
        n=ws.steps, loss=_(ws.loss)), title_justify="left")
    table.add_column("t", justify="right")
    table.add_column("‖dW_hh(t)‖", justify="right")
    norms = ws.contribution_norms
    shown = _sample_steps(len(norms))
    for t in shown:
        table.add_row(str(t), f"{norms[t]:.3e}")
    console.print(table)
    sampled_note(console, len(shown), len(norms))
    console.print(_("‖dW_hh‖ = {norm:.3e}; max |Σ_t dW_hh(t) - dW_hh| = {error:.1e}").format(
        norm=ws.dW_hh_norm, error=ws.max_abs_difference))


def sampled_note(console: Console, shown: int, total: int) -> None:
    """Say that a table of steps shows some of them (nothing cut silently), and where every one is."""
    if shown < total:
        console.print(_steps_shown().format(shown=shown, total=total), highlight=False)


def _steps_shown() -> str:
    if in_python():
        return _("{shown} of {total} steps shown (the first, then closer together towards the last); to_dict() "
                 "gives every step.")
    return _("{shown} of {total} steps shown (the first, then closer together towards the last); --json gives every "
             "step, --plot draws them.")


def order_plot(report: OrderReport, out) -> object:
    norms = report.weight_sharing.contribution_norms
    return write_lines({"‖dW_hh(t)‖": norms}, out, _("per-step contributions to dW_hh (their sum is dW_hh)"),
                       _("step t"), _("norm (log scale)"), log_y=True,  # dW_hh(0) = dz_0ᵀ·h_(-1) with h_(-1) = 0
                       zero=_("0 at t = 0 (h_(t-1) = 0 there: nothing to multiply), drawn at {floor:.0e}"))


def _score_text(metric: str, value: float) -> str:
    return f"{value:.4f}" if metric == "mse" else f"{value:.1%}"


def longterm_verdicts(report: LongTermReport) -> list[str]:
    """One sentence per run, from this run's numbers: did it learn, and did its gradient reach step 0."""
    lines = []
    for r in report.runs:
        outcome = {"reached": _("reached the target on the validation set in {steps:,} steps"),  # the outcome, in words
                   "learned part": _("learned part of it, but not the target, in {steps:,} steps"),
                   "a little better": _("better than the baseline, but less than halfway from it to a perfect "
                                        "score, after {steps:,} steps"),
                   "not better": _("not clearly better than the baseline after {steps:,} steps"),
                   "worse": _("worse than the baseline after {steps:,} steps ({score} against its {baseline})")}[
            r.outcome].format(steps=r.steps, score=_score_text(r.metric, r.score),
                              baseline=_score_text(r.metric, r.baseline))
        before, after = r.kept(r.grad_norms_before), r.kept(r.grad_norms_after)
        # a ratio, not "of it": after training the first step's gradient can be the larger (1.1e+01)
        signal = (_("the error signal reaching step 0 had vanished at the start (‖∂L/∂h_0‖/‖∂L/∂h_(T-1)‖ = {before}, "
                    "under {share:.0%})") if r.vanished_before else
                  _("the error signal reached step 0 from the start (‖∂L/∂h_0‖/‖∂L/∂h_(T-1)‖ = {before})"))
        # a verdict either way, as at the start: 3.0e-09 read as a signal that got through, and a GRU's 4.5e-02
        # after training, past the 1 % rule, was left without one
        later = (_("after training {after}: vanished") if r.vanished_after else
                 _("after training {after}: it reaches step 0")).format(after=share(after))
        line = _("{run} T={T}: {outcome}; {signal}, {later}.").format(
            run=r.label, T=r.length, outcome=outcome, signal=signal.format(before=share(before), share=SURVIVES),
            later=later)
        if r.forget_mean_before is not None:
            bias = (_("torch's default initialization") if r.forget_bias is None
                    else _("forget bias {b:g}").format(b=r.forget_bias))
            line += " " + _("Forget gate ({bias}): f̄ = {f0:.3f} at the start, so the cell state keeps about "
                            "f̄^{n} = {decay} over the sequence; f̄ = {f1:.3f} after training.").format(
                bias=bias, f0=r.forget_mean_before, n=r.length - 1, decay=share(r.forget_decay_before),
                f1=r.forget_mean_after)
        lines.append(line)
    return lines


def _metric_name(report: LongTermReport, split: str) -> str:
    """The report's metric on one split, in words: "validation MSE", "test accuracy"."""
    names = {("validation", "mse"): _("validation MSE"), ("validation", "accuracy"): _("validation accuracy"),
             ("test", "mse"): _("test MSE"), ("test", "accuracy"): _("test accuracy")}
    return names[split, report.metric]


def longterm_terminal(report: LongTermReport, console: Console) -> None:
    # the early stop reads a validation set; the table's scores come from a test set that the stop never read
    metric, tested = _metric_name(report, "validation"), _metric_name(report, "test")
    console.print(_("[bold]long-term memory[/] · {task}").format(task=escape(_(report.description))))
    console.print(ngettext("same budget for every cell: at most {steps:,} Adam step × batch {batch}, lr {lr:g}, "
                           "hidden {H}, seed {seed}; early stop at {metric} {target:g}; LSTM forget bias {fb}",
                           "same budget for every cell: at most {steps:,} Adam steps × batch {batch}, lr {lr:g}, "
                           "hidden {H}, seed {seed}; early stop at {metric} {target:g}; LSTM forget bias {fb}",
                           report.steps).format(
        steps=report.steps, batch=report.batch, lr=report.lr, H=report.hidden, seed=report.seed, metric=metric,
        target=report.target, fb=", ".join("torch" if b is None else f"{b:g}" for b in report.forget_biases)),
        highlight=False)
    if report.partial:  # Ctrl-C: the finished runs only, and which did not finish
        console.print(_("[bold yellow]partial report[/]: interrupted after {n:,} of {total:,} runs; not finished: "
                        "{runs}").format(n=len(report.runs), total=len(report.runs) + len(report.unfinished),
                                         runs=escape(", ".join(report.unfinished))), highlight=False)
    names = list(dict.fromkeys(r.label for r in report.runs))
    baselines = {r.length: r.baseline for r in report.runs}
    table = titled_table(_("{metric} after training (steps taken)").format(metric=tested), title_justify="left")
    table.add_column("T", justify="right")
    for n in names:
        table.add_column(n, justify="right")
    table.add_column(_("always 1") if report.metric == "mse" else _("chance"), justify="right")
    for length in report.lengths:
        row = {r.label: r for r in report.runs if r.length == length}
        if not row:  # a partial report: no run of this length finished
            continue
        table.add_row(str(length), *[f"{_score_text(r.metric, r.score)} ({r.steps:,})" if r else "—"
                                     for r in (row.get(n) for n in names)],
                      _score_text(report.metric, baselines[length]))
    console.print(table)
    table = titled_table(_("‖∂L/∂h_0‖ / ‖∂L/∂h_(T-1)‖ before → after training (seqlab BPTT)"), title_justify="left")
    for col in ("T", _("run"), _("before"), _("after"), _("mean f before → after"), _("seconds")):
        table.add_column(col, justify="right")
    for r in report.runs:
        forget = ("" if r.forget_mean_after is None
                  else f"{r.forget_mean_before:.3f} → {r.forget_mean_after:.3f}")
        table.add_row(str(r.length), r.label, share(r.kept(r.grad_norms_before)),
                      share(r.kept(r.grad_norms_after)), forget, f"{r.seconds:.1f}")
    console.print(table)
    for line in longterm_verdicts(report):
        console.print(escape(line), highlight=False)


def longterm_plot(report: LongTermReport, out) -> object:
    series, xs = {}, {}
    for r in report.runs:
        name = f"{r.label} T={r.length}"
        series[name], xs[name] = [c[r.metric] for c in r.curve], [c["step"] for c in r.curve]
    trivial = _("always 1") if report.metric == "mse" else _("chance")
    # the curves are the validation set's: so is the trivial answer's line under them (the table's is the test set's)
    bases = {r.length: r.baseline if r.validation_baseline is None else r.validation_baseline for r in report.runs}
    if max(bases.values()) - min(bases.values()) <= 0.05 * max(bases.values()):  # one line says it for every T
        bases = {None: float(np.mean(list(bases.values())))}
    for length, base in bases.items():
        name = trivial if length is None else f"{trivial} T={length}"
        series[name], xs[name] = [base, base], [0, max(r.curve[-1]["step"] for r in report.runs)]
    metric = _metric_name(report, "validation")
    return write_lines(series, out, _("{metric} while training").format(metric=metric), _("training step"), metric,
                       log_y=report.metric == "mse", x=xs, subtitle=_(report.description))
