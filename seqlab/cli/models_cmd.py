"""``seqlab models``: what is embedded, where it comes from, where it lives; ``models install``."""

from __future__ import annotations

import time

import typer

from seqlab.cli.app import JsonOpt, app
from seqlab.render.console import console, json_line, print_json_lines

models_app = typer.Typer(help="List the models seqlab knows (and install them).", invoke_without_command=True)
app.add_typer(models_app, name="models")


@models_app.callback()
def models_list(ctx: typer.Context, json_out: bool = JsonOpt):
    """List the embedded models: name, source, and local path when installed."""
    if ctx.invoked_subcommand is not None:
        return
    from rich.table import Table

    from seqlab.models.registry import DEFAULT_MODEL, EMBEDDED

    rows = []
    for spec in EMBEDDED.values():
        path = spec.local_path()
        rows.append({"name": spec.name, "kind": spec.kind, "default": spec.name == DEFAULT_MODEL,
                     "source": spec.source, "description": spec.description,
                     "installed": path is not None, "path": str(path) if path else None})
    if json_out:
        print_json_lines(rows)
        return
    table = Table(title="embedded models (work offline)", title_justify="left")
    for col in ("name", "source", "local path"):
        table.add_column(col, overflow="fold")
    for r in rows:
        name = r["name"] + (" (default)" if r["default"] else "")
        if r["path"]:
            where = r["path"]
        elif r["kind"] in ("char", "whitespace", "kiwi"):
            where = "[dim]vocabulary built on first use[/]"
        else:
            where = f"[yellow]converted on first use[/] (or now: seqlab models install {r['name']})"
        table.add_row(name, f"{r['source']}\n[dim]{r['description']}[/]", where)
    out = console()
    out.print(table)
    out.print("Any Hugging Face hub id (e.g. klue/bert-base, needs network once) or local directory "
              "works as --model too.", highlight=False)


@models_app.command("install")
def models_install(name: str = typer.Argument(..., help="e5-small, minilm, kiwi, char, whitespace or a hub id."),
                   json_out: bool = JsonOpt):
    """Prepare a model for offline use: convert e5-small, build default vocabularies, or download a hub model."""
    from seqlab.models.install import install

    start = time.perf_counter()
    path, what = install(name)
    seconds = time.perf_counter() - start
    if json_out:
        print(json_line({"name": name, "path": str(path), "done": what, "seconds": round(seconds, 2)}))
    else:
        console().print(f"{name}: {what} in {seconds:.1f} s → {path}", highlight=False)
