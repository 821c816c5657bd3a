"""``seqlab models`` as a table: name, source, and where each model lives on this machine."""

from __future__ import annotations

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from seqlab.i18n import _


def models_table(rows: list[dict], console: Console) -> None:
    table = Table(title=_("embedded models (work offline)"), title_justify="left")
    for col in (_("name"), _("source"), _("local path")):
        table.add_column(col, overflow="fold")
    for r in rows:
        name = r["name"] + (_(" (default)") if r["default"] else "")
        if r["path"]:
            where = escape(r["path"])
        elif r["needs_vocab"]:
            where = "[dim]" + _("vocabulary built on first use") + "[/]"
        else:
            where = _("[yellow]converted on first use[/] (or now: seqlab models install {name})").format(name=r["name"])
        table.add_row(escape(name), f"{escape(_(r['source']))}\n[dim]{escape(_(r['description']))}[/]", where)
    console.print(table)
    console.print(_("Any Hugging Face hub id (e.g. klue/bert-base, needs network once) or local directory "
                    "works as --model too."), highlight=False)
