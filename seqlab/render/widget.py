"""Traces and attention as notebook widgets: anywidget (``pip install seqlab[notebook]``), else nothing.

The widget's front-end module is ``views.js`` (the files of ``static/views/`` joined) followed by
``static/widget.js``, both shipped in the package: the widget draws with the same functions as the page
and the static HTML, and keeps the trace's ``step`` and the attention's ``layer`` and ``head`` in sync with Python::

    w = seqlab.render.notebook.widget(report)   # a TraceReport
    w.step = 3                                      # the notebook shows step 3
"""

from __future__ import annotations

import functools

from seqlab.errors import InputError, check_number
from seqlab.i18n import _, current
from seqlab.render.fragments import asset, view_messages

ENABLED = True  # set False to get the static HTML only, even where anywidget is installed


def available() -> bool:
    """anywidget is importable and a Jupyter kernel is running (a widget needs its comm)."""
    if not ENABLED:
        return False
    try:
        import anywidget  # noqa: F401
        from IPython import get_ipython
    except ImportError:
        return False
    shell = get_ipython()
    return shell is not None and getattr(shell, "kernel", None) is not None


@functools.cache
def widget_class():
    import anywidget
    import traitlets

    class PositionError(InputError, traitlets.TraitError):
        """A step, layer or head the record does not have: a SeqlabError in the user's language, and the TraitError
        traitlets expects from a validator."""

    class RecordWidget(anywidget.AnyWidget):
        """One record drawn by views.js; ``step`` (trace), ``layer`` and ``head`` (-1: the mean) are synced."""

        _esm = asset("views.js") + "\n" + asset("widget.js")
        _css = asset("views.css")
        parts = traitlets.List().tag(sync=True)
        notes = traitlets.List().tag(sync=True)
        messages = traitlets.Dict().tag(sync=True)
        step = traitlets.Int(0).tag(sync=True)
        layer = traitlets.Int(0).tag(sync=True)
        head = traitlets.Int(-1).tag(sync=True)

        @traitlets.validate("step", "layer", "head")
        def _in_range(self, proposal):
            """w.step = 99 on a 5-step trace was kept and read back as 99; each position is checked by its record's
            size (a part without that position accepts its default only)."""
            name, value = proposal["trait"].name, proposal["value"]
            default = proposal["trait"].default_value
            has = positions(self.parts).get(name)
            low, high = has or (default, default)
            try:
                check_number(name, value, low, high, whole=True, error=PositionError)
            except PositionError as exc:
                exc.hint = (_("This record has no {name} to choose.") if has is None else
                            _("This record has only {name} {low}.") if low == high else
                            _("This record has {name} {low} to {high}.")).format(name=name, low=low, high=high)
                raise
            return value

        def __repr__(self) -> str:  # where widgets are not drawn (a text export): what it shows, not an address
            views = ", ".join(part[0] for part in self.parts)
            where = ", ".join(f"{k} {getattr(self, k)}" for k in positions(self.parts))
            return f"RecordWidget({views}" + (f"; {where}" if where else "") + ")"

    return RecordWidget


def positions(parts: list) -> dict[str, tuple[int, int]]:
    """The range of each synced position the parts have: ``step`` of a trace, ``layer`` and ``head`` (-1: the mean)
    of attention layers."""
    out = {}
    for part in parts:
        view, record = part[0], part[1]
        if view == "trace" and record.get("steps"):
            out["step"] = (0, len(record["steps"]) - 1)
        if view == "attention_layers":
            out["layer"] = (0, record["layers"] - 1)
            out["head"] = (-1, record["heads"] - 1)
    return out


def make_widget(parts: list, notes: list[str], lang: str | None = None):
    """A :class:`RecordWidget` for the ``(view, json[, options])`` parts of :mod:`seqlab.render.view_records`."""
    parts = [[*part, {}][:3] for part in parts]
    return widget_class()(parts=parts, notes=list(notes), messages=view_messages(lang or current()))


def widget_bundle(parts: list, notes: list[str]) -> dict:
    """The widget-view entry of a mime bundle where widgets run, else ``{}`` (the static HTML stands alone)."""
    if not available():
        return {}
    bundle = make_widget(parts, notes)._repr_mimebundle_()
    data = bundle[0] if isinstance(bundle, tuple) else bundle  # (data, metadata) from anywidget
    return {k: v for k, v in data.items() if k == "application/vnd.jupyter.widget-view+json"}
