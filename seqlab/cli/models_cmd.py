"""``seqlab models``: what is embedded, where it comes from, where it lives; ``models install``."""

from __future__ import annotations

import typer

from seqlab.cli.options import check_lang, json_opt, lang_opt
from seqlab.errors import UsageError
from seqlab.i18n import _


def register(app: typer.Typer) -> None:
    models_app = typer.Typer(help=_("List the models seqlab knows (and install them). --json prints one JSON array."),
                             invoke_without_command=True)
    app.add_typer(models_app, name="models")

    @models_app.callback()
    def models_list(ctx: typer.Context, json_out: bool = json_opt("document"), lang: str = lang_opt()):
        check_lang(lang)
        if ctx.invoked_subcommand is not None:
            return
        from seqlab.pretrained.install import listing
        from seqlab.render.console import console, json_document
        from seqlab.render.models import models_table

        rows = listing()
        if json_out:
            print(json_document(rows))
        else:
            models_table(rows, console())

    @models_app.command("install", help=_("Prepare a model for offline use: convert e5-small, build default "
                                          "vocabularies, or download a hub model."))
    def models_install(ctx: typer.Context,
                       name: str = typer.Argument(..., help=_("e5-small, minilm, kiwi, char, whitespace or a hub "
                                                              "id.")),
                       json_out: bool = json_opt("document"), lang: str = lang_opt()):
        import time

        json_out = json_out or bool(ctx.parent and ctx.parent.params.get("json_out"))  # seqlab models --json install

        from seqlab.pretrained.install import install
        from seqlab.render.console import print_json, say

        check_lang(lang)
        if not name.strip():
            raise UsageError(_("the model name is empty"), _("Name one, e.g.: seqlab models install e5-small (seqlab "
                                                             "models lists them)."))
        start = time.perf_counter()
        path, what = install(name)
        seconds = time.perf_counter() - start
        if json_out:
            print_json({"name": name, "path": str(path), "done": what, "seconds": round(seconds, 2)})
        else:
            say(_("{name}: {what} in {seconds:.1f} s → {path}").format(
                name=name, what=_(what), seconds=seconds, path=path))
