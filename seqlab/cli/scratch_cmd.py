"""Stage 4 command: ``seqlab trace rnn|lstm|gru TEXT``."""

from __future__ import annotations

from pathlib import Path

import typer

from seqlab.cli.app import ErrorsOpt, JsonOpt, MarkdownOpt, ModelOpt, app, exclusive
from seqlab.errors import UsageError
from seqlab.render.console import console, json_line


@app.command()
def trace(
    cell: str = typer.Argument(..., help="rnn, lstm or gru (seq2seq: a trained checkpoint)."),
    text: str = typer.Argument(..., help="The sentence whose vectors feed the cell."),
    model: str = ModelOpt,
    hidden: int = typer.Option(4, "--hidden", help="Hidden size H."),
    input_dim: int = typer.Option(None, "--input-dim", help="Reduce inputs to K numbers (PCA) to check by hand."),
    seed: int = typer.Option(0, "--seed", help="Seed of torch's default initialization."),
    precision: int = typer.Option(4, "--precision", help="Digits after the decimal point."),
    backward: bool = typer.Option(False, "--backward", help="Also show BPTT: dL/dh_t, dL/dc_t, dW_hh per step."),
    contextual: bool = typer.Option(False, "--contextual", help="Feed last_hidden_state, not token embeddings."),
    checkpoint: Path = typer.Option(None, "--checkpoint", help="Weights of a model trained with seqlab train."),
    json_out: bool = JsonOpt, markdown: bool = MarkdownOpt,
    html_out: Path = typer.Option(None, "--html", help="Write a self-contained HTML page to this file."),
    limit: int = typer.Option(8, "--limit", help="Numbers shown per vector before eliding with …"),
    errors: str = ErrorsOpt,
):
    """Run an RNN/LSTM/GRU over a sentence's vectors and show every number of every step."""
    from seqlab.render import trace as render
    from seqlab.scratch.tracing import run_trace
    from seqlab.storage import atomic_write_text
    from seqlab.text.unicode import clean_surrogates

    exclusive(json=json_out, markdown=markdown)
    if precision < 0 or precision > 12:
        raise UsageError("--precision must be between 0 and 12")
    if cell == "seq2seq":
        from seqlab.training.seq2seq_trace import run_seq2seq_trace

        if checkpoint is None:
            raise UsageError("seqlab trace seq2seq needs --checkpoint DIR from seqlab train --task seq2seq")
        report = run_seq2seq_trace(checkpoint, clean_surrogates(text, errors))
        print(json_line(report) if json_out else render.seq2seq_text(report, precision))
        return
    report = run_trace(cell, clean_surrogates(text, errors), model, hidden=hidden, input_dim=input_dim, seed=seed,
                       backward=backward, contextual=contextual, checkpoint=checkpoint)
    if html_out is not None:
        atomic_write_text(html_out, render.render_html(report, precision, limit))
    if json_out:
        print(json_line(report.to_dict()))
    elif markdown:
        print(render.render_markdown(report, precision, limit))
    elif html_out is None:
        render.render_terminal(report, console(), precision, limit)
    else:
        console().print(f"wrote {html_out}", highlight=False)
