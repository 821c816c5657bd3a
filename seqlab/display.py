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

RENDERER = "seqlab.render.notebook"  # has mimebundle(record, include, exclude) -> dict


class Displayable:
    """Mixin for records: the rich display a notebook asks for, drawn by :data:`RENDERER`."""

    __slots__ = ()

    def _repr_mimebundle_(self, include=None, exclude=None) -> dict:
        return importlib.import_module(RENDERER).mimebundle(self, include, exclude)
