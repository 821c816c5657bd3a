"""The page's views as HTML for other hosts: notebook output and standalone files.

The drawing code (``views.js``, ``views.css``) and the fragment builder live with the renderers,
in :mod:`seqlab.render.fragments`, so that records display themselves in a notebook with the
same code; these are the web's names for them. Records are the JSON the API routes return,
for example :meth:`Service.tokenize <seqlab.web.service.Service.tokenize>`:

>>> from seqlab.web.service import ServeConfig, Service          # doctest: +SKIP
>>> html = view_html("tokens", Service(ServeConfig()).tokenize("안녕하세요", "e5-small"), lang="ko")  # doctest: +SKIP
"""

from __future__ import annotations

from seqlab.render.fragments import STATIC, VIEWS, fragment, standalone

__all__ = ["STATIC", "VIEWS", "standalone_html", "view_html"]


def view_html(view: str, record: dict, lang: str | None = None, options: dict | None = None) -> str:
    """An HTML fragment that draws ``record`` with the page's ``view`` (see :func:`seqlab.render.fragments.fragment`).

    Args:
        view: one of :data:`VIEWS` (``"tokens"``, ``"attention"``, ``"trace"``, …).
        record: the JSON record the matching API route returns (a dict).
        lang: ``ko`` or ``en`` (default: the current interface language).
        options: passed to the view (e.g. ``{"step": 3}`` for the trace, ``{"row": 2}`` for attention).
    """
    return fragment([(view, record, options or {})], lang)


def standalone_html(parts: list[tuple[str, dict]], title: str = "seqlab", lang: str | None = None) -> str:
    """A whole HTML document with one or more views, like the page's "HTML snapshot" export."""
    return standalone(parts, title, lang)
