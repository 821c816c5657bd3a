"""Stage 5 command: ``seqlab trace rnn|lstm|gru TEXT`` (and ``trace seq2seq`` of a trained model)."""

from __future__ import annotations

from pathlib import Path

import typer

from seqlab.cli.options import (
    SEED_MAX,
    check_lang,
    encoder_opt,
    errors_opt,
    exclusive,
    in_range,
    json_opt,
    lang_opt,
    markdown_opt,
    number_range,
    one_of,
    require_text,
    unused,
)
from seqlab.cli.outputs import check_output, check_suffix
from seqlab.errors import UsageError, shown_number
from seqlab.i18n import _
from seqlab.limits import ERROR_MODES

CELLS = ("rnn", "lstm", "gru", "seq2seq")


def register(app: typer.Typer) -> None:
    from seqlab.pipeline.limits import MAX_HIDDEN, TRACE_DEFAULT_HIDDEN, TRACE_DEFAULT_SEED

    @app.command(short_help=_("Run an RNN/LSTM/GRU over a sentence's vectors and show every number of every step."),
                 help=_("Run an RNN/LSTM/GRU over a sentence's vectors and show every number of every step: "
                        "W_xh·x_t, W_hh·h_{t-1}, each gate, c_t, h_t (and with --backward, BPTT)."))
    def trace(
        cell: str = typer.Argument(..., help=_("rnn, lstm or gru (seq2seq: a trained checkpoint).")),
        text: str = typer.Argument(..., help=_("The sentence whose vectors feed the cell (- reads stdin).")),
        model: str = encoder_opt(),
        hidden: int = typer.Option(None, "--hidden", help=_("Hidden size H, 1 to {n} (default: {default}).").format(
            n=shown_number(MAX_HIDDEN), default=TRACE_DEFAULT_HIDDEN)),
        input_dim: int = typer.Option(None, "--input-dim", metavar="K", help=_("Reduce inputs to K numbers (PCA) to "
                                                                               "check by hand: at least 1, at most the "
                                                                               "width of the model's vectors (with "
                                                                               "--contextual: fewer than the text's "
                                                                               "tokens).")),
        seed: int = typer.Option(None, "--seed", help=_("Seed of torch's default initialization, {seeds} (default: "
                                                        "{default}).").format(seeds=number_range(0, SEED_MAX),
                                                                              default=TRACE_DEFAULT_SEED)),
        precision: int = typer.Option(None, "--precision", "--digits",
                                      help=_("Digits after the decimal point, 0 to 12 (default: 4; --digits says the "
                                             "same; embed's --precision is the arithmetic, fp32 or bf16).")),
        backward: bool = typer.Option(False, "--backward", help=_("Also show BPTT: dL/dh_t, dL/dc_t, dW_hh per "
                                                                  "step.")),
        contextual: bool = typer.Option(False, "--contextual", help=_("Feed last_hidden_state, not token "
                                                                      "embeddings.")),
        checkpoint: Path = typer.Option(None, "--checkpoint", help=_("Weights of a model trained with seqlab "
                                                                     "train."), readable=False),
        json_out: bool = json_opt("one"), markdown: bool = markdown_opt(),
        html_out: Path = typer.Option(None, "--html", help=_("Write a self-contained HTML page to this file."),
                                      readable=False),
        limit: int = typer.Option(None, "--limit", "--per-vector",
                                  help=_("Numbers shown per vector before eliding with …, at least 1 (default: 8; "
                                         "--per-vector says the same; compare's --limit counts texts).")),
        errors: str = errors_opt(), lang: str = lang_opt(),
    ):
        from seqlab.render import trace as render
        from seqlab.render.console import console, print_json, say
        from seqlab.storage import atomic_write_text
        from seqlab.text.unicode import clean_surrogates

        check_lang(lang)
        exclusive(json=json_out, markdown=markdown)
        cell = one_of(_("CELL"), cell, CELLS)
        errors = one_of("--errors", errors, ERROR_MODES)
        in_range("--hidden", hidden, 1, MAX_HIDDEN)
        in_range("--input-dim", input_dim, 1)
        in_range("--seed", seed, 0, SEED_MAX)
        in_range("--precision (--digits)", precision, 0, 12)
        in_range("--limit (--per-vector)", limit, 1)
        if json_out and html_out is None:  # they shape what is printed; the JSON holds every number in full
            unused({"--precision (--digits)": precision, "--limit (--per-vector)": limit}, "--json",
                   _("The JSON holds every number in full: leave them out (they shape the terminal, --markdown and "
                     "--html)."))
        per_vector = limit  # as given: trace seq2seq prints no vectors, and refuses it
        precision = 4 if precision is None else precision
        limit = 8 if limit is None else limit
        if html_out is not None and not html_out.is_dir():  # a folder is named as a folder (check_output)
            check_suffix("--html", html_out, (".html", ".htm"), "trace.html")
        check_output("--html", html_out)
        text = clean_surrogates(require_text(text), errors)
        # with a trained checkpoint, the weights, sizes and inputs are the checkpoint's own: these would be ignored
        made_here = {"--model": model, "--hidden": hidden, "--seed": seed, "--input-dim": input_dim,
                     "--contextual": contextual or None}
        if checkpoint is not None:
            unused(made_here, "--checkpoint", _("A trained model brings its own weights, sizes and embedding: leave "
                                                "them out, or leave out --checkpoint."))
        if cell == "seq2seq":
            unused({"--backward": backward or None, "--markdown": markdown or None, "--html": html_out,
                    "--limit (--per-vector)": per_vector},
                   "trace seq2seq", _("A seq2seq trace prints its attention as text or --json."))
            from seqlab.training.predictors import seq2seq_attention

            if checkpoint is None:
                raise UsageError(_("seqlab trace seq2seq needs --checkpoint DIR from seqlab train --task seq2seq"))
            report = seq2seq_attention(checkpoint, text)
            if json_out:
                print_json(report)
            else:
                print(render.seq2seq_text(report, precision))
            return
        from seqlab.pipeline.tracing import run_trace

        report = run_trace(cell, text, model, hidden=hidden, input_dim=input_dim, seed=seed, backward=backward,
                           contextual=contextual, checkpoint=checkpoint)  # None: run_trace's own default
        if html_out is not None:
            atomic_write_text(html_out, render.render_html(report, precision, limit))
        if json_out:
            print_json(report.to_dict())
        elif markdown:
            print(render.render_markdown(report, precision, limit))
        elif html_out is None:
            render.render_terminal(report, console(), precision, limit)
        else:
            say(_("wrote {path}").format(path=html_out))
