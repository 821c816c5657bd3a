"""Shared terminal helpers: a UTF-8 console, JSON lines, elided number lists."""

from __future__ import annotations

import contextlib
import contextvars
import sys
from collections.abc import Iterable, Iterator, Sequence

from rich.console import Console

from seqlab.display import json_text

# Who reads the text being drawn: "cli" (the terminal, where --json and --max-rows mean something), "python" (a
# notebook's text/plain and views, where to_dict() and hidden= do) or "page" (the web page, where its boxes do). The
# notebook renderer and the web service set it around what they draw.
_AUDIENCE: contextvars.ContextVar[str] = contextvars.ContextVar("seqlab_audience", default="cli")


@contextlib.contextmanager
def for_audience(audience: str) -> Iterator[None]:
    """Draw for ``audience`` (``"python"`` or ``"page"``) inside the block: its hints name arguments and methods, or
    the page's boxes and buttons, not command-line options."""
    token = _AUDIENCE.set(audience)
    try:
        yield
    finally:
        _AUDIENCE.reset(token)


def for_python():
    """Draw for a Python caller (a notebook) inside the block."""
    return for_audience("python")


def for_page():
    """Draw for the web page inside the block."""
    return for_audience("page")


def in_python() -> bool:
    """Whether the text being drawn is for a Python caller (a notebook), not the terminal."""
    return _AUDIENCE.get() == "python"


def in_page() -> bool:
    """Whether the text being drawn is for the web page."""
    return _AUDIENCE.get() == "page"


def ensure_utf8_stdio() -> None:
    """Hangul must print even under LANG=C; undecodable output is escaped, never a crash."""
    for stream in (sys.stdout, sys.stderr):
        if hasattr(stream, "reconfigure") and (stream.encoding or "").lower().replace("-", "") != "utf8":
            stream.reconfigure(encoding="utf-8", errors="backslashreplace")


def console(stderr: bool = False) -> Console:
    """A console that wraps long lines between words at the terminal's width (tables choose their own layout)."""
    return Console(stderr=stderr, highlight=False)


def say(message: str, stderr: bool = False, **options) -> None:
    """A line for the user, printed as written: no markup, so a path or a text with brackets (``runs/[old]``,
    ``[/]``, ``영화[1]``) stays whole and never breaks the printing; wrapped between words unless
    ``soft_wrap=True``."""
    console(stderr=stderr).print(message, **{"markup": False, "highlight": False, **options})


def note(message: str, **options) -> None:
    """:func:`say` on stderr: what the command did, skipped or assumed, beside its output."""
    say(message, stderr=True, **options)


def json_line(obj) -> str:
    """One line of standard JSON (Hangul kept readable; a non-finite number is written as null)."""
    return json_text(obj)


_LINE_OPEN = False  # a JSON line is being written: Ctrl-C's own JSON object must start a line of its own


def print_json(obj, flush: bool = False) -> None:
    """Print ``obj`` as one JSON line on stdout, in one write. A Ctrl-C in the middle of it leaves
    :func:`json_line_open` true, so that the interrupt's JSON object starts on a new line rather than finishing this
    one (a script reading JSON Lines reads it, and sees the cut line as the one line that is not JSON).

    >>> print_json({"토큰": ["안녕"], "n": 1})
    {"토큰":["안녕"],"n":1}
    >>> json_line_open()  # the line was written whole
    False
    """
    global _LINE_OPEN
    text = json_line(obj) + "\n"
    _LINE_OPEN = True
    sys.stdout.write(text)
    if flush:
        sys.stdout.flush()
    _LINE_OPEN = False


def json_line_open() -> bool:
    """Whether a :func:`print_json` line was cut by an interrupt."""
    return _LINE_OPEN


def json_document(obj) -> str:
    """One JSON document (a listing: ``models --json``, ``compare --json``); per-text commands print JSON Lines."""
    return json_line(obj)


def print_json_lines(objects: Iterable[dict]) -> None:
    """Each object as one JSON line (see :func:`print_json`: a Ctrl-C in the middle of one is said on a new line)."""
    for obj in objects:
        print_json(obj)
    sys.stdout.flush()


def elide(values: Sequence, limit: int = 8, fmt: str = "{}") -> str:
    """``[1, 2, 3, …, 9]``: the first ``limit - 1`` values and the last one when longer."""
    values = list(values)
    if len(values) <= limit:
        return "[" + ", ".join(fmt.format(v) for v in values) + "]"
    head = ", ".join(fmt.format(v) for v in values[: limit - 1])
    return f"[{head}, …, {fmt.format(values[-1])}]"


def titled_table(title: str, **options):
    """A rich Table whose title stays on one line: rich wraps a title to the table's width, which for a table
    of narrow columns cut "confusion (rows: true, …)" into a 13-column block. The table is at least as wide
    as its title (the terminal's width still bounds both)."""
    from rich.cells import cell_len
    from rich.table import Table

    options.setdefault("title_justify", "left")
    return Table(title=title, min_width=cell_len(title), **options)


def table_width(rows: Sequence[Sequence[str]]) -> int:
    """Terminal columns a rich table (box borders, one space of padding each side) needs for ``rows`` (the header
    row included) without cutting or wrapping a cell; wide characters such as Hangul count twice."""
    from rich.cells import cell_len

    widths = [max(cell_len(str(row[i])) for row in rows) for i in range(len(rows[0]))]
    return sum(widths) + 3 * len(widths) + 1

