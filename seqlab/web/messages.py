"""The page's words in the request's language, from the same gettext catalog as everything else.

The page's scripts write every human text as ``t("…")`` (Babel extracts them with
the keyword ``t``, see ``babel.cfg``). This module finds those same literals in the
scripts and hands the page a ``{msgid: translation}`` map, so the browser needs
no dictionary of its own. The glossary rides along for the hovers.
"""

from __future__ import annotations

import functools
import json
import re
from pathlib import Path

from seqlab.i18n import _, translation, use_language

STATIC = Path(__file__).parent / "static"
SCRIPTS = ("views.js", "app.js")
_CALL = re.compile(r'\bt\(\s*"((?:[^"\\\n]|\\.)*)"')


@functools.cache
def page_msgids() -> tuple[str, ...]:
    """Every ``t("…")`` literal of the page's scripts, in order of first appearance."""
    found: dict[str, None] = {}
    for name in SCRIPTS:
        source = (STATIC / name).read_text(encoding="utf-8")
        for match in _CALL.finditer(source):
            found[json.loads(f'"{match.group(1)}"')] = None
    return tuple(found)


@functools.cache
def page_messages(lang: str) -> dict:
    """``{"lang", "messages": {msgid: text}, "glossary": {English term: {"term", "definition"}}}`` for ``lang``."""
    from seqlab.render.glossary import glossary

    catalog = translation(lang)
    messages = {m: catalog.gettext(m) for m in page_msgids()} if lang != "en" else {}
    with use_language("en"):
        english = list(glossary())
    with use_language(lang):
        local = list(glossary().items())
        title = _("seqlab · every number of the pipeline")
    return {"lang": lang, "title": title, "messages": {k: v for k, v in messages.items() if v != k},
            "glossary": {en: {"term": term, "definition": text} for en, (term, text) in zip(english, local)}}


def messages_json(lang: str) -> str:
    """The map as JSON that is safe inside ``<script type="application/json">``."""
    return json.dumps(page_messages(lang), ensure_ascii=False).replace("</", "<\\/")
