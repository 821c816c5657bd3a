"""Records show themselves in a notebook: ``_repr_mimebundle_`` with ``text/plain`` and ``text/html``.

Records live in the computing layers, which never import the renderers. So a record only
says that it can be displayed (it inherits :class:`Displayable`); when Jupyter, VS Code or
Colab asks for its display, the notebook renderer is looked up by module name
(:data:`RENDERER`, in the render layer) and draws it with the web page's own views. Nothing
of the renderer is loaded before a notebook asks, so the CLI and the library start as fast as before.

>>> from seqlab import tokenize
>>> bundle = tokenize("안녕하세요", model="char")._repr_mimebundle_()
>>> sorted(bundle)[:2], "안" in bundle["text/plain"]
(['text/html', 'text/plain'], True)
"""

from __future__ import annotations

import importlib
import json
import math

RENDERER = "seqlab.render.notebook"  # has mimebundle(record, include, exclude) -> dict


def _standard(obj):
    """``obj`` with NaN and ±inf as null: they are not JSON, and parsers other than Python's reject them."""
    if isinstance(obj, float):
        return obj if math.isfinite(obj) else None
    if isinstance(obj, dict):
        return {k: _standard(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [_standard(v) for v in obj]
    return obj


def json_text(obj, indent: int | None = None) -> str:
    """Standard JSON: Hangul kept readable, a non-finite number written as null; one line unless ``indent``.

    >>> json_text({"token": "한글", "norm": float("nan")})
    '{"token":"한글","norm":null}'
    """
    separators = (",", ":") if indent is None else (",", ": ")
    try:
        return json.dumps(obj, ensure_ascii=False, separators=separators, indent=indent, allow_nan=False)
    except ValueError:
        return json.dumps(_standard(obj), ensure_ascii=False, separators=separators, indent=indent, allow_nan=False)


class Displayable:
    """Mixin for records: the rich display a notebook asks for, drawn by :data:`RENDERER`."""

    __slots__ = ()

    def to_json(self, indent: int | None = None) -> str:
        """The record as standard JSON: what ``--json`` prints for it (``to_dict()``, Hangul kept readable).

        >>> from seqlab import tokenize
        >>> tokenize("안녕", model="char").to_json()[:40]
        '{"model":"char","text":"안녕","normalized"'
        """
        return json_text(self.to_dict(), indent)

    def _repr_mimebundle_(self, include=None, exclude=None) -> dict:
        return importlib.import_module(RENDERER).mimebundle(self, include, exclude)
