"""The lab commands: order-demo, gradflow, long-term."""

from __future__ import annotations

from pathlib import Path

import typer

from seqlab.cli.app import JsonOpt, ModelOpt, app
from seqlab.errors import UsageError
from seqlab.render.console import console, json_line

PlotOpt = typer.Option(None, "--plot", help="Also draw it: FILE.png or FILE.html")


def _csv(value: str) -> list[str]:
    return [v.strip() for v in value.split(",") if v.strip()]


@app.command("order-demo")
def order_demo(
    model: str = ModelOpt, cell: str = typer.Option("lstm", "--cell", help="rnn, lstm or gru."),
    hidden: int = typer.Option(8, "--hidden"), seed: int = typer.Option(0, "--seed"),
    json_out: bool = JsonOpt, plot: Path = PlotOpt,
):
    """Word order: a bag-of-embeddings MLP gives bit-identical outputs for reordered words; an RNN does not."""
    from seqlab.lab.order import order_demo as run
    from seqlab.render.lab import order_plot, order_terminal

    if cell not in ("rnn", "lstm", "gru"):
        raise UsageError(f"unknown cell {cell!r}", "Use --cell rnn, lstm or gru.")
    report = run(model, cell, hidden, seed)
    if plot is not None:
        order_plot(report, plot)
    if json_out:
        print(json_line(report.to_dict()))
    else:
        order_terminal(report, console())


@app.command()
def gradflow(
    cells: str = typer.Option("rnn,lstm,gru", "--cells", help="Comma-separated: rnn, lstm, gru."),
    steps: int = typer.Option(100, "--steps", help="Sequence length N."),
    hidden: int = typer.Option(64, "--hidden"),
    forget_bias: float = typer.Option(None, "--forget-bias", help="LSTM total forget-gate bias (default: torch init)."),
    seed: int = typer.Option(0, "--seed"), json_out: bool = JsonOpt, plot: Path = PlotOpt,
):
    """‖∂L/∂h_k‖ for every step k (loss at the last step) for each cell, by seqlab's own BPTT."""
    from seqlab.lab.gradflow import gradflow as run
    from seqlab.render.lab import gradflow_plot, gradflow_terminal

    report = run(_csv(cells), steps, hidden, forget_bias=forget_bias, seed=seed)
    if plot is not None:
        gradflow_plot(report, plot)
    if json_out:
        print(json_line(report.to_dict()))
    else:
        gradflow_terminal(report, console())
        if plot is not None:
            console().print(f"plot: {plot}", highlight=False)


@app.command("long-term")
def long_term(
    lengths: str = typer.Option("10,50,100", "--lengths"), cells: str = typer.Option("rnn,lstm,gru", "--cells"),
    forget_bias: str = typer.Option("3", "--forget-bias", help="Extra LSTM runs with these forget biases ('' for none)."),
    steps: int = typer.Option(1000, "--steps", help="Training budget (Adam steps) for every run."),
    seed: int = typer.Option(0, "--seed"), json_out: bool = JsonOpt, plot: Path = PlotOpt,
):
    """Train RNN, LSTM and GRU on "the label is the first token" at several lengths, same budget."""
    from seqlab.lab.longterm import long_term as run
    from seqlab.render.lab import longterm_plot, longterm_terminal

    try:
        lens = [int(v) for v in _csv(lengths)]
        biases = [float(v) for v in _csv(forget_bias)]
    except ValueError:
        raise UsageError("--lengths takes integers and --forget-bias numbers, comma-separated") from None
    report = run(lens, _csv(cells), biases, steps=steps, seed=seed)
    if plot is not None:
        longterm_plot(report, plot)
    if json_out:
        print(json_line(report.to_dict()))
    else:
        longterm_terminal(report, console())
