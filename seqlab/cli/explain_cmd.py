"""``seqlab explain``: the main job, one text through every stage with its numbers."""

from __future__ import annotations

from pathlib import Path

import typer

from seqlab.cli.options import (
    check_lang,
    check_normalization,
    errors_opt,
    exclusive,
    gather_texts,
    json_opt,
    lang_opt,
    markdown_opt,
    model_opt,
    norm_opt,
    vocab_opt,
)
from seqlab.i18n import _


def register(app: typer.Typer) -> None:
    @app.command(help=_("Walk TEXT through every stage, with its numbers. (1) Unicode normalization → "
                        "(2) tokenization → (3) integer encoding (ids, attention mask) → (4) embedding "
                        "(last_hidden_state, sentence vector) → (5) an LSTM stepping over the vectors "
                        "(gates, cell state, hidden state). Stages 4-5 need a transformer model."))
    def explain(
        text: str = typer.Argument(..., help=_("The text to walk through the pipeline (- reads stdin).")),
        model: str = model_opt(), json_out: bool = json_opt(), markdown: bool = markdown_opt(),
        normalization: str = norm_opt(), vocab: Path = vocab_opt(), errors: str = errors_opt(),
        lang: str = lang_opt(),
    ):
        from seqlab.pipeline.explain import explain as run_explain
        from seqlab.render.console import console, print_json
        from seqlab.render.explain import render_markdown, render_terminal

        check_lang(lang)
        exclusive(json=json_out, markdown=markdown)
        normalization = check_normalization(normalization)
        from seqlab.text.unicode import has_visible

        # JSON Lines from stdin: a blank line keeps its place (output line k answers input line k), as in tokenize
        for t in gather_texts([text], None, errors, allow_empty=json_out and text == "-"):
            if not has_visible(t):
                print_json({"text": t, "skipped": "empty line"})
                continue
            report = run_explain(t, model, normalization=normalization, errors=errors, vocab=vocab)
            if json_out:
                print_json(report.to_dict())
            elif markdown:
                print(render_markdown(report))
            else:
                render_terminal(report, console())

    @app.command(short_help=_("One-line definitions of the terms seqlab's output uses."),
                 help=_("One-line definitions of the terms seqlab's output uses (offsets, attention_mask, fertility, "
                        "[UNK] rate, cosine, 3CosAdd, PCA, spectral radius, macro-F1...)."))
    def glossary(term: str = typer.Argument(None, help=_("Show only the terms that contain this.")),
                 json_out: bool = json_opt("document"), lang: str = lang_opt()):
        from seqlab.errors import InputError
        from seqlab.render.console import console, json_document
        from seqlab.render.glossary import glossary_records, render_glossary

        check_lang(lang)
        if json_out:  # English keys in every language, like every other --json
            found = glossary_records(term)
            if not found:
                raise InputError(_("no term matches {term!r}").format(term=term),
                                 _("Run seqlab glossary to see every term."))
            print(json_document(found))
            return
        if not render_glossary(console(), term):
            raise InputError(_("no term matches {term!r}").format(term=term),
                             _("Run seqlab glossary to see every term."))
