"""``seqlab explain``: the main job, one text through every stage with its numbers."""

from __future__ import annotations

from pathlib import Path

import typer

from seqlab.cli.app import ErrorsOpt, JsonOpt, MarkdownOpt, ModelOpt, NormOpt, VocabOpt, app, exclusive, gather_texts
from seqlab.render.console import console, json_line


@app.command()
def explain(
    text: str = typer.Argument(..., help="The text to walk through the pipeline (- reads stdin)."),
    model: str = ModelOpt, json_out: bool = JsonOpt, markdown: bool = MarkdownOpt,
    normalization: str = NormOpt, vocab: Path = VocabOpt, errors: str = ErrorsOpt,
):
    """Walk TEXT through every stage and show the numbers: normalization → tokens → ids → mask."""
    from seqlab.explain import explain as run_explain
    from seqlab.render.explain import render_markdown, render_terminal

    exclusive(json=json_out, markdown=markdown)
    texts = gather_texts([text], None, errors)
    for t in texts:
        report = run_explain(t, model, normalization=normalization, errors=errors, vocab=vocab)
        if json_out:
            print(json_line(report.to_dict()))
        elif markdown:
            print(render_markdown(report))
        else:
            render_terminal(report, console())
