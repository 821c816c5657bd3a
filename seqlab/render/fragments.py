"""Records drawn by the page's own views, as HTML that needs no server: notebook output and standalone files.

The web page, its "HTML snapshot" export and these fragments all draw with the same script,
``views.js`` (``SeqlabViews.render(container, view, record, options)``), styled by
``static/views.css``. That script is the files of ``static/views/`` (one per concern, see
:data:`VIEW_PARTS`), joined in order by :func:`asset`. A fragment carries script and style
inline, so it needs no server, no CDN and no require.js; each gets its own container id, so
any number of them work in one notebook.

>>> html = fragment([("similarity", {"a": "A", "b": "B", "cosine": 0.5, "model": "m", "pooling": "mean"})])
>>> html.startswith('<div class="seqlab-fragment"') and "http" not in html.replace("http://www.w3.org/2000/svg", "")
True
"""

from __future__ import annotations

import functools
import html
import json
import re
import uuid
from pathlib import Path

from seqlab.i18n import _, current, translation, use_language

STATIC = Path(__file__).parent / "static"
# views.js, in load order: the core (messages, text and DOM helpers, render) first; heatmap before vectors
VIEW_PARTS = ("core", "text", "heatmap", "vectors", "trace", "reports")
VIEWS = ("normalization", "tokens", "ids", "comparison", "embedding", "similarity", "words", "attention",
         "attention_layers", "trace", "backward", "gradflow", "prediction", "table", "alignment", "image")
MAX_FRAGMENT_BYTES = 2 * 1024 * 1024  # a notebook cell never gets more than this; records are elided before
_CALL = re.compile(r'\bt\(\s*"((?:[^"\\\n]|\\.)*)"')


def view_scripts() -> tuple[Path, ...]:
    """The files that make ``views.js``, in load order."""
    return tuple(STATIC / "views" / f"{part}.js" for part in VIEW_PARTS)


@functools.cache
def asset(name: str) -> str:
    """A file of ``static/`` (``views.css``, ``widget.js``) as text, or ``views.js``: the views' files joined."""
    if name == "views.js":
        return "\n".join(path.read_text(encoding="utf-8") for path in view_scripts())
    return (STATIC / name).read_text(encoding="utf-8")


def script_msgids(path: Path) -> tuple[str, ...]:
    """Every ``t("…")`` literal of a script, in order of first appearance (what Babel extracts with keyword t)."""
    found: dict[str, None] = {}
    for match in _CALL.finditer(path.read_text(encoding="utf-8")):
        found[json.loads(f'"{match.group(1)}"')] = None
    return tuple(found)


def script_messages(lang: str, paths: tuple[Path, ...]) -> dict:
    """``{"lang", "messages": {msgid: text}, "glossary": {English term: {"term", "definition"}}}`` for ``lang``."""
    from seqlab.render.glossary import glossary

    catalog = translation(lang)
    ids = dict.fromkeys(m for p in paths for m in script_msgids(p))
    messages = {m: catalog.gettext(m) for m in ids} if lang != "en" else {}
    with use_language("en"):
        english = list(glossary())
    with use_language(lang):
        local = list(glossary().items())
        title = _("seqlab · every number of the pipeline")
    return {"lang": lang, "title": title, "messages": {k: v for k, v in messages.items() if v != k},
            "glossary": {en: {"term": term, "definition": text} for en, (term, text) in zip(english, local)}}


@functools.cache
def view_messages(lang: str) -> dict:
    """The words of ``views.js`` in ``lang``, from the gettext catalog."""
    return script_messages(lang, view_scripts())


def safe_json(value) -> str:
    """JSON that is safe inside a ``<script>`` element."""
    return json.dumps(value, ensure_ascii=False).replace("<", "\\u003c")


def fragment(parts: list[tuple[str, dict] | tuple[str, dict, dict]], lang: str | None = None,
             notes: list[str] | None = None, fallback: str = "") -> str:
    """One ``<div>`` that draws every ``(view, record[, options])`` of ``parts`` with views.js, inline.

    Args:
        parts: view names of :data:`VIEWS` with the JSON record each takes (what the API routes return).
        lang: ``ko`` or ``en`` (default: the current interface language).
        notes: plain sentences shown under the views (what was elided, …), escaped here.
        fallback: plain text shown where scripts do not run (an untrusted notebook, GitHub's preview);
            the script removes it.
    """
    lang = lang or current()
    boxes, calls = [], []
    for part in parts:
        view, record, options = (*part, {})[:3]
        if view not in VIEWS:
            raise ValueError(f"unknown view {view!r}; use one of: {', '.join(VIEWS)}")
        box = f"seqlab-{uuid.uuid4().hex[:12]}"
        boxes.append(f'<div id="{box}"></div>')
        calls.append(f'SeqlabViews.render(document.getElementById("{box}"), {safe_json(view)}, {safe_json(record)}, '
                     f"{safe_json(options)});")
    script = asset("views.js").replace("</script", "<\\/script")
    footer = "".join(f'<p class="sv-note">{html.escape(n)}</p>' for n in notes or ())
    plain = ""
    if fallback:
        plain = f'<pre class="seqlab-fallback" id="{box}-text">{html.escape(fallback)}</pre>'
        calls.insert(0, f'document.getElementById("{box}-text").remove();')
    out = (f'<div class="seqlab-fragment" lang="{lang}"><style>{asset("views.css")}</style>{plain}{"".join(boxes)}'
           f"{footer}<script>{script}</script>"
           f"<script>SeqlabViews.setMessages({safe_json(view_messages(lang))});{''.join(calls)}</script></div>")
    if len(out.encode()) > MAX_FRAGMENT_BYTES:
        raise ValueError(f"a notebook fragment of {len(out.encode()) / 2**20:.1f} MB; records are elided before this")
    return out


def standalone(parts: list[tuple[str, dict]], title: str = "seqlab", lang: str | None = None) -> str:
    """A whole HTML document with one or more views, like the page's "HTML snapshot" export."""
    lang = lang or current()
    return (f'<!doctype html><html lang="{lang}"><head><meta charset="utf-8">'
            f'<meta name="viewport" content="width=device-width, initial-scale=1"><title>{html.escape(title)}</title>'
            f'</head><body class="seqlab-export"><h1>{html.escape(title)}</h1>{fragment(parts, lang)}</body></html>')
