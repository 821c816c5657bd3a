"""``seqlab models`` as a table: name, source, and where each model lives on this machine."""

from __future__ import annotations

from rich.console import Console
from rich.markup import escape
from rich.text import Text

from seqlab.i18n import _
from seqlab.render.console import titled_table

NAME_AND_SOURCE = 60  # columns the table needs besides the path (name, a readable source column, borders)


def _where(r: dict) -> str:
    if r["path"]:
        return escape(r["path"])
    if r["needs_vocab"]:
        return "[dim]" + _("vocabulary built on first use") + "[/]"
    return _("[yellow]converted on first use[/] (or now: seqlab models install {name})").format(name=r["name"])


def _indented(console: Console, text: str, style: str = "") -> None:
    """``text`` wrapped two columns in, every line of it (a wrapped line stays under its model's name)."""
    for line in Text(text, style=style).wrap(console, max(console.width - 2, 20)):
        console.print(Text("  ") + line, highlight=False)


def models_table(rows: list[dict], console: Console) -> None:
    longest = max((len(r["path"] or "") for r in rows), default=0)
    if console.width < NAME_AND_SOURCE + longest:  # the table would cut paths mid-word: one block per model
        console.print("[bold]" + _("embedded models (work offline)") + "[/]")
        for r in rows:  # the name, then its lines indented: a wrapped line stays under its own model
            name = r["name"] + (_(" (default)") if r["default"] else "")
            console.print(f"[bold]{escape(name)}[/]", highlight=False)
            description, source = r["description"], r["source"]  # registry text, in the catalog (N_)
            _indented(console, _(description), "dim")
            _indented(console, _(source))
            console.print("  " + _where(r), highlight=False, soft_wrap=True)  # a path is never cut
        console.print(_("Any Hugging Face hub id (e.g. klue/bert-base, needs network once) or local directory "
                        "works as --model too."), highlight=False)
        return
    table = titled_table(_("embedded models (work offline)"), title_justify="left")
    for col in (_("name"), _("source"), _("local path")):
        table.add_column(col, overflow="fold")
    for r in rows:
        name = r["name"] + (_(" (default)") if r["default"] else "")
        table.add_row(escape(name), f"{escape(_(r['source']))}\n[dim]{escape(_(r['description']))}[/]", _where(r))
    console.print(table)
    console.print(_("Any Hugging Face hub id (e.g. klue/bert-base, needs network once) or local directory "
                    "works as --model too."), highlight=False)
