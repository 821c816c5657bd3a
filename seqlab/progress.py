"""How library functions report progress, so that the CLI's bars, the web page's status and tests can listen.

A long function takes ``progress``, called as ``progress(done, total)`` as its work advances. Work in several
phases (recovering Kiwi's morpheme vectors, then reading the word list, then composing words) also names each phase
with :func:`new_phase` before it starts: a listener that knows phases (the CLI's :func:`counting_bar
<seqlab.render.progress.counting_bar>`) starts a new line or bar, and a plain function simply sees the counts start
again.
"""

from __future__ import annotations

from collections.abc import Callable

Progress = Callable[[int, int], None]


def new_phase(progress: Progress | None, name: str, unit: str | None = None) -> None:
    """Tell ``progress`` that the next counts belong to the phase ``name``, counted in ``unit`` (``"epochs"``; the
    listener's own unit when None). A no-op for a listener without phases."""
    phase = getattr(progress, "phase", None)
    if phase is not None:
        phase(name, unit)
