"""The page's views as HTML for other hosts: notebook output (``_repr_html_``) and standalone files.

The page, its "HTML snapshot" export and these fragments all draw with the same script,
``static/views.js`` (``SeqlabViews.render(container, view, record, options)``), styled by
``static/views.css``; each fragment carries both inline, so it needs no server and no network.
Records are the JSON the API routes return, for example :meth:`Service.tokenize
<seqlab.web.service.Service.tokenize>`:

>>> from seqlab.web.service import ServeConfig, Service          # doctest: +SKIP
>>> html = view_html("tokens", Service(ServeConfig()).tokenize("안녕하세요", "e5-small"), lang="ko")  # doctest: +SKIP
"""

from __future__ import annotations

import functools
import html
import json
import uuid
from pathlib import Path

from seqlab.i18n import current

STATIC = Path(__file__).parent / "static"
VIEWS = ("normalization", "tokens", "ids", "comparison", "embedding", "similarity", "words", "attention", "trace",
         "backward", "gradflow", "prediction")  # the names views.js's SeqlabViews.render accepts


@functools.cache
def _asset(name: str) -> str:
    return (STATIC / name).read_text(encoding="utf-8")


def _json(value) -> str:
    """JSON that is safe inside a ``<script>`` element."""
    return json.dumps(value, ensure_ascii=False).replace("<", "\\u003c")


def view_html(view: str, record: dict, lang: str | None = None, options: dict | None = None) -> str:
    """An HTML fragment that draws ``record`` with the page's ``view``: what a notebook's ``_repr_html_`` returns.

    Args:
        view: one of :data:`VIEWS` (``"tokens"``, ``"attention"``, ``"trace"``, …).
        record: the JSON record the matching API route returns (a dict).
        lang: ``ko`` or ``en`` (default: the current interface language).
        options: passed to the view (e.g. ``{"step": 3}`` for the trace, ``{"row": 2}`` for attention).
    """
    from seqlab.web.messages import page_messages

    if view not in VIEWS:
        raise ValueError(f"unknown view {view!r}; use one of: {', '.join(VIEWS)}")
    box = f"seqlab-{uuid.uuid4().hex[:12]}"
    script = _asset("views.js").replace("</script", "<\\/script")
    return (f'<div class="seqlab-fragment"><style>{_asset("views.css")}</style><div id="{box}"></div>'
            f"<script>{script}</script>"
            f"<script>SeqlabViews.setMessages({_json(page_messages(lang or current()))});"
            f'SeqlabViews.render(document.getElementById("{box}"), {_json(view)}, {_json(record)}, '
            f"{_json(options or {})});</script></div>")


def standalone_html(parts: list[tuple[str, dict]], title: str = "seqlab", lang: str | None = None) -> str:
    """A whole HTML document with one or more views, like the page's "HTML snapshot" export."""
    lang = lang or current()
    body = "".join(view_html(view, record, lang) for view, record in parts)
    return (f'<!doctype html><html lang="{lang}"><head><meta charset="utf-8">'
            f'<meta name="viewport" content="width=device-width, initial-scale=1"><title>{html.escape(title)}</title>'
            f'</head><body class="seqlab-export"><h1>{html.escape(title)}</h1>{body}</body></html>')
