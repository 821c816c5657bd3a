"""The page's words in the request's language, from the same gettext catalog as everything else.

The page's scripts write every human text as ``t("…")`` (Babel extracts them with
the keyword ``t``, see ``babel.cfg``). This module finds those same literals in the
scripts and hands the page a ``{msgid: translation}`` map, so the browser needs
no dictionary of its own. The glossary rides along for the hovers. The views
(``views.js``: the files of ``seqlab/render/static/views``) live with the renderers, which
notebooks use too; ``app.js`` is the page's own: the files of ``static/app``, joined in the
order of :data:`APP_PARTS` (:func:`page_script`).
"""

from __future__ import annotations

import functools
import json
from pathlib import Path

from seqlab.render.fragments import script_messages, script_msgids, view_scripts

STATIC = Path(__file__).parent / "static"
# app.js, in load order: the page's state, words and requests first; the wiring (init) last
APP_PARTS = ("core", "panels", "inputs", "stages", "export", "page")


def app_scripts() -> tuple[Path, ...]:
    """The files that make ``app.js``, in load order."""
    return tuple(STATIC / "app" / f"{part}.js" for part in APP_PARTS)


@functools.cache
def page_script() -> str:
    """``app.js``: the page's files joined, one script with one scope (``"use strict"`` at its top covers all)."""
    return "\n".join(path.read_text(encoding="utf-8") for path in app_scripts())


SCRIPTS = (*view_scripts(), *app_scripts())  # every script of the page, for its words


@functools.cache
def page_msgids() -> tuple[str, ...]:
    """Every ``t("…")`` literal of the page's scripts, in order of first appearance."""
    return tuple(dict.fromkeys(m for path in SCRIPTS for m in script_msgids(path)))


@functools.cache
def page_messages(lang: str) -> dict:
    """``{"lang", "messages": {msgid: text}, "glossary": {English term: {"term", "definition"}}}`` for ``lang``."""
    return script_messages(lang, SCRIPTS)


def messages_json(lang: str) -> str:
    """The map as JSON that is safe inside ``<script type="application/json">``."""
    return json.dumps(page_messages(lang), ensure_ascii=False).replace("</", "<\\/")
