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

import dataclasses
import importlib
import json
import math
import reprlib

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
    options = {"ensure_ascii": False, "separators": separators, "indent": indent, "allow_nan": False,
               "default": _plain}
    try:
        return json.dumps(obj, **options)
    except ValueError:
        return json.dumps(_standard(_plain_all(obj)), **options)


def _plain(obj):
    """A NumPy (or torch) scalar or array as the Python number or list it holds: a caller's ``hidden=np.int64(3)``
    reaches the records as it was given. Anything else is not JSON."""
    if hasattr(obj, "tolist") and hasattr(obj, "dtype"):
        return obj.tolist()
    raise TypeError(f"Object of type {type(obj).__name__} is not JSON serializable")


def _plain_all(obj):
    """``obj`` with every NumPy value made plain first, so that :func:`_standard` sees the floats inside."""
    if isinstance(obj, dict):
        return {k: _plain_all(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [_plain_all(v) for v in obj]
    return _plain(obj) if hasattr(obj, "tolist") and hasattr(obj, "dtype") else obj


class _ShortRepr(reprlib.Repr):
    """reprlib, bounded for records: arrays and tensors by their shape (type names, so numpy is not imported)."""

    def __init__(self):
        super().__init__()
        self.maxlevel, self.maxlist, self.maxtuple, self.maxdict = 3, 4, 4, 4
        self.maxstring, self.maxother = 80, 80

    def repr_ndarray(self, x, level):
        return f"array(shape={tuple(x.shape)}, dtype={x.dtype})"

    repr_Tensor = repr_ndarray

    def repr_instance(self, x, level):  # a record inside a record: named with its first field, never cut mid-text
        if dataclasses.is_dataclass(x) and not isinstance(x, type) and dataclasses.fields(x):  # any dataclass
            first = dataclasses.fields(x)[0]
            return f"{type(x).__name__}({first.name}={self.repr1(getattr(x, first.name), level - 1)}, …)"
        return super().repr_instance(x, level)

    def repr_list(self, x, level):  # the first few, then how many more (reprlib writes "..." alone)
        if len(x) <= self.maxlist:
            return super().repr_list(x, level)
        return super().repr_list(x[: self.maxlist], level)[:-1] + f", … {len(x) - self.maxlist:,} more]"


_short = _ShortRepr()


class ShortRepr:
    """Mixin for a dataclass declared with ``repr=False``: a repr of a few lines, arrays by their shape (a trace
    step's x_t, 384 numbers, was 5,765 characters)."""

    __slots__ = ()

    def __repr__(self) -> str:
        """``TraceReport(cell='lstm', tokens=['<s>', '▁영화', …], steps=[…], …)``: every field, each cut short (arrays
        by their shape); the whole record is ``to_dict()``, ``to_json()`` or its display."""
        fields = [f for f in dataclasses.fields(self) if f.repr] if dataclasses.is_dataclass(self) else []
        return f"{type(self).__name__}(" + ", ".join(f"{f.name}={_short.repr(getattr(self, f.name))}"
                                                     for f in fields) + ")"


class Displayable(ShortRepr):
    """Mixin for records: the rich display a notebook asks for, drawn by :data:`RENDERER`.

    Records are dataclasses declared with ``repr=False``, so that the repr stays short (:class:`ShortRepr`): a
    trace of 600 steps was a 4 MB repr, which ``print(record)`` or a debugger pours into a cell.
    """

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
