"""The lab commands: order-demo, gradflow, long-term."""

from __future__ import annotations

from pathlib import Path

import typer

from seqlab.cli.options import (
    SEED_MAX,
    check_lang,
    csv_list,
    encoder_opt,
    exclusive,
    in_range,
    json_opt,
    lang_opt,
    markdown_opt,
    no_duplicates,
    number_range,
    one_of,
)
from seqlab.cli.outputs import check_plot, on_interrupt
from seqlab.errors import UsageError, shown_number
from seqlab.i18n import N_, _, ngettext
from seqlab.lab.limits import (
    DEFAULT_FORGET_BIAS,
    FORGET_BIAS_RANGE,
    GRADFLOW_DEFAULT_HIDDEN,
    GRADFLOW_DEFAULT_STEPS,
    GRADFLOW_MAX_HIDDEN,
    GRADFLOW_MAX_STEPS,
    LONG_TERM_DEFAULT_LENGTHS,
    LONG_TERM_DEFAULT_STEPS,
    LONG_TERM_MAX_LENGTH,
    LONG_TERM_MAX_STEPS,
    ORDER_MAX_HIDDEN,
)

CELLS = ("rnn", "lstm", "gru")  # the scratch cells' names (tests/test_architecture.py ties them), without numpy


def plot_opt():
    return typer.Option(None, "--plot", help=_("Also draw it: FILE.png or FILE.html"), readable=False)


def _listed(values) -> str:
    """Default lengths as the help lists them: 100, 200 (a comma then a space: "100,200" reads as one number)."""
    return ", ".join(shown_number(v) for v in values)


def _cells(value: str) -> list[str]:
    cells = csv_list(value, "--cells", CELLS)
    if not cells:
        raise UsageError(_("--cells is empty"), _("Use --cells rnn,lstm,gru."))
    return cells


def only_for_lstm(cells: list[str]) -> None:
    """--forget-bias sets the LSTM's forget gate: with no LSTM among --cells it would be ignored."""
    if "lstm" not in cells:
        raise UsageError(_("--forget-bias sets the LSTM's forget gate, and --cells {cells} has no LSTM").format(
            cells=",".join(cells)), _("Add lstm to --cells, or leave --forget-bias out."))


def register(app: typer.Typer) -> None:
    @app.command("order-demo", help=_("Word order: a bag-of-embeddings MLP gives bit-identical outputs for "
                                      "reordered words; an RNN does not."))
    def order_demo(
        model: str = encoder_opt(), cell: str = typer.Option("lstm", "--cell", help=_("rnn, lstm or gru.")),
        hidden: int = typer.Option(8, "--hidden", help=_("Hidden size, 1 to {n}.").format(n=shown_number(ORDER_MAX_HIDDEN))),
        seed: int = typer.Option(0, "--seed", help=_("Seed of the weights, {seeds}.").format(seeds=number_range(0, SEED_MAX))),
        json_out: bool = json_opt("document"), plot: Path = plot_opt(), lang: str = lang_opt(),
    ):
        from seqlab.lab.order import order_demo as run
        from seqlab.render.console import console, print_json, say
        from seqlab.render.lab import order_plot, order_terminal

        check_lang(lang)
        cell = one_of("--cell", cell, CELLS)
        in_range("--hidden", hidden, 1, ORDER_MAX_HIDDEN)
        in_range("--seed", seed, 0, SEED_MAX)
        check_plot(plot)
        from seqlab.render.progress import counting_bar

        with counting_bar(_("word order demo"), _("pairs")) as report_progress:
            report = run(model, cell, hidden, seed, progress=report_progress)
        if plot is not None:
            order_plot(report, plot)
        if json_out:
            print_json(report.to_dict())
        else:
            order_terminal(report, console())
            if plot is not None:
                say(_("plot: {path}").format(path=plot))

    @app.command(help=_("‖∂L/∂h_k‖ for every step k (loss at the last step) for each cell, by seqlab's own BPTT."))
    def gradflow(
        cells: str = typer.Option("rnn,lstm,gru", "--cells", help=_("Comma-separated: rnn, lstm, gru.")),
        steps: int = typer.Option(GRADFLOW_DEFAULT_STEPS, "--steps", "--length",
                                  help=_("Sequence length T: the time steps the gradient "
                                         "flows back through, 2 to {n} (not training "
                                         "steps: nothing is trained here).").format(
                                      n=shown_number(GRADFLOW_MAX_STEPS))),
        hidden: int = typer.Option(GRADFLOW_DEFAULT_HIDDEN, "--hidden",
                                   help=_("Hidden size, 1 to {n}.").format(n=shown_number(GRADFLOW_MAX_HIDDEN))),
        forget_bias: str = typer.Option(None, "--forget-bias", metavar="B|torch",
                                        help=_("LSTM total forget-gate bias, -20 to 20, or torch (the default: "
                                               "torch's initialization).")),
        seed: int = typer.Option(0, "--seed", help=_("Seed of the inputs and weights, {seeds}.").format(seeds=number_range(0, SEED_MAX))),
        json_out: bool = json_opt("document"), markdown: bool = markdown_opt(), plot: Path = plot_opt(),
        lang: str = lang_opt(),
    ):
        from seqlab.lab.gradflow import gradflow as run
        from seqlab.render.console import console, print_json, say
        from seqlab.render.lab import gradflow_markdown, gradflow_plot, gradflow_terminal

        check_lang(lang)
        exclusive(json=json_out, markdown=markdown)
        chosen = _cells(cells)
        in_range("--steps (--length)", steps, 2, GRADFLOW_MAX_STEPS)
        in_range("--hidden", hidden, 1, GRADFLOW_MAX_HIDDEN)
        if forget_bias is not None:  # a number, or torch as long-term takes it
            only_for_lstm(chosen)
            try:
                forget_bias = forget_bias_value(forget_bias)
            except ValueError:
                raise UsageError(_("--forget-bias takes a number or torch, got {value!r}").format(value=forget_bias),
                                 _("e.g. --forget-bias 3")) from None
        in_range("--seed", seed, 0, SEED_MAX)
        check_plot(plot)
        report = run(chosen, steps, hidden, forget_bias=forget_bias, seed=seed)
        if plot is not None:
            gradflow_plot(report, plot)
        if json_out:
            print_json(report.to_dict())
        else:
            if markdown:
                print(gradflow_markdown(report))
            else:
                gradflow_terminal(report, console())
            if plot is not None:
                say(_("plot: {path}").format(path=plot))

    @app.command("long-term", short_help=_("Train RNN, LSTM and GRU on a long-term memory task; test-set scores and "
                                           "gradient norms."),
                 help=_("Train RNN, LSTM and GRU on a long-term memory task at several lengths, the same "
                                     "budget for each (an early stop on a validation set); show scores on a test set "
                                     "that the stop never reads, and gradient norms before and after."))
    def long_term(
        task: str = typer.Option("adding", "--task", metavar="adding|first-token", help=_("adding (the adding problem, MSE) or first-token (the "
                                                            "label is the first symbol, accuracy).")),
        lengths: str = typer.Option(None, "--lengths", metavar="T,…", help=_(
            "Sequence lengths, comma-separated, {range} each (default: {adding} for adding; {first} for first-token).")
            .format(range=number_range(2, LONG_TERM_MAX_LENGTH), adding=_listed(LONG_TERM_DEFAULT_LENGTHS["adding"]),
                    first=_listed(LONG_TERM_DEFAULT_LENGTHS["first-token"]))),
        cells: str = typer.Option("rnn,lstm,gru", "--cells", help=_("Comma-separated: rnn, lstm, gru.")),
        forget_bias: str = typer.Option(None, "--forget-bias", metavar="B,…|torch",
                                        help=_("The LSTM's total forget-gate bias at start, {range} (default: "
                                               "{default}); several values, comma-separated, give one LSTM run each; "
                                               "'torch' keeps torch's initialization.").format(
                                            range=number_range(*FORGET_BIAS_RANGE),
                                            default=shown_number(DEFAULT_FORGET_BIAS))),
        steps: int = typer.Option(None, "--steps", help=_(
            "Training budget (Adam steps) for every run, {range} (default: {adding} for adding; {first} for "
            "first-token).").format(range=number_range(1, LONG_TERM_MAX_STEPS),
                                     adding=shown_number(LONG_TERM_DEFAULT_STEPS["adding"]),
                                     first=shown_number(LONG_TERM_DEFAULT_STEPS["first-token"]))),
        seed: int = typer.Option(0, "--seed", help=_("Seed of the data and weights, {seeds}.").format(seeds=number_range(0, SEED_MAX))),
        json_out: bool = json_opt("document"), plot: Path = plot_opt(), lang: str = lang_opt(),
    ):
        from seqlab.lab.longterm import LongTermInterrupted
        from seqlab.lab.longterm import long_term as run
        from seqlab.render.console import console, print_json, say
        from seqlab.render.lab import longterm_plot, longterm_terminal
        from seqlab.render.progress import training_bar

        check_lang(lang)
        task = one_of("--task", task, ("adding", "first-token"))
        if forget_bias is not None:
            only_for_lstm(_cells(cells))
        raw_lengths = csv_list(lengths or "", "--lengths")
        raw_biases = csv_list(f"{DEFAULT_FORGET_BIAS:g}" if forget_bias is None else forget_bias, "--forget-bias")
        lens = [_list_item("--lengths", v, int, _("whole numbers"), "100,200") for v in raw_lengths]
        biases = [_list_item("--forget-bias", v, forget_bias_value, _("numbers or torch"), "1,torch") for v in raw_biases]
        no_duplicates("--lengths", lens, raw_lengths)
        no_duplicates("--forget-bias", biases, raw_biases)
        if lengths is not None and not lens:
            raise UsageError(_("--lengths is empty"), _("e.g. --lengths 100,200"))
        for n in lens:
            in_range("--lengths", n, 2, LONG_TERM_MAX_LENGTH)
        if not biases:
            raise UsageError(_("--forget-bias is empty"), _("e.g. --forget-bias 1"))
        if steps is not None:
            in_range("--steps", steps, 1, LONG_TERM_MAX_STEPS)
        in_range("--seed", seed, 0, SEED_MAX)
        check_plot(plot)
        on_interrupt(N_("no run had finished, so there is nothing to show: run the command again."))
        try:
            report = run(task, lens or None, _cells(cells), biases, steps=steps, seed=seed,
                         progress=training_bar)  # a bar on a terminal, whole lines in a log
        except LongTermInterrupted as stop:  # the runs that finished are shown, marked partial; then "interrupted"
            _partial_long_term(stop.report, json_out, plot)
            raise
        if plot is not None:
            longterm_plot(report, plot)
        if json_out:
            print_json(report.to_dict())
        else:
            longterm_terminal(report, console())
            if plot is not None:
                say(_("plot: {path}").format(path=plot))


def _partial_long_term(report, json_out: bool, plot: Path | None) -> None:
    """An interrupted long-term: the finished runs, as the whole report would show them, marked partial; the note
    said after "interrupted" names the runs that did not finish."""
    from seqlab.cli.outputs import INTERRUPT_DETAIL
    from seqlab.render.console import console
    from seqlab.render.lab import longterm_terminal

    if not report.runs:
        return  # the note set before the work says so
    if json_out:  # one JSON object, as for every interrupt: the finished runs ride in its "detail"
        INTERRUPT_DETAIL["partial_report"] = report.to_dict()  # "partial": true, "unfinished": [...]
        on_interrupt(ngettext("{n:,} run finished: it is in detail.partial_report, marked partial; not finished: "
                              "{runs}. Run the command again for the whole report.",
                              "{n:,} runs finished: they are in detail.partial_report, marked partial; not finished: "
                              "{runs}. Run the command again for the whole report.", len(report.runs)).format(
            n=len(report.runs), runs=", ".join(report.unfinished)))
        return
    longterm_terminal(report, console())
    on_interrupt(ngettext("{n:,} run finished and is shown above, marked partial; not finished: {runs}{plot}. Run "
                          "the command again for the whole report.",
                          "{n:,} runs finished and are shown above, marked partial; not finished: {runs}{plot}. Run "
                          "the command again for the whole report.", len(report.runs)).format(
        n=len(report.runs), runs=", ".join(report.unfinished),
        plot=_(" (no plot was drawn)") if plot is not None else ""))


def forget_bias_value(value: str) -> float | None:
    """One ``--forget-bias`` value, as gradflow and long-term both read it: a number within FORGET_BIAS_RANGE, or
    torch (in any case, as every choice) for torch's own initialization (None). ValueError for anything else."""
    if value.strip().lower() == "torch":
        return None
    bias = float(value)
    in_range("--forget-bias", bias, *FORGET_BIAS_RANGE)
    return bias


def _list_item(option: str, value: str, kind, expected: str, example: str):
    """One item of a comma-separated option, converted; a bad one is named (usage error). A whole number written
    as a decimal (5.0) is taken, as the parser takes it in every single-number option (--steps 2.0)."""
    try:
        if kind is int and not value.strip().lstrip("+-").isdigit():
            number = float(value)
            if not number.is_integer():
                raise ValueError(value)
            return int(number)
        return kind(value)
    except (ValueError, OverflowError):
        raise UsageError(_("{option} takes {expected}, comma-separated; {value!r} is not one").format(
            option=option, expected=expected, value=value), _("e.g. {option} {example}").format(
            option=option, example=example)) from None
