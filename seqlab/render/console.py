"""Shared terminal helpers: a UTF-8 console, JSON lines, elided number lists."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable, Sequence

from rich.console import Console


def ensure_utf8_stdio() -> None:
    """Hangul must print even under LANG=C; undecodable output is escaped, never a crash."""
    for stream in (sys.stdout, sys.stderr):
        if hasattr(stream, "reconfigure") and (stream.encoding or "").lower().replace("-", "") != "utf8":
            stream.reconfigure(encoding="utf-8", errors="backslashreplace")


def console(stderr: bool = False) -> Console:
    """A console that wraps long lines between words at the terminal's width (tables choose their own layout)."""
    return Console(stderr=stderr, highlight=False)


def json_line(obj) -> str:
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":"))


def json_document(obj) -> str:
    """One JSON document (a listing: ``models --json``, ``compare --json``); per-text commands print JSON Lines."""
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":"))


def print_json_lines(objects: Iterable[dict]) -> None:
    write = sys.stdout.write
    for obj in objects:
        write(json_line(obj) + "\n")
    sys.stdout.flush()


def elide(values: Sequence, limit: int = 8, fmt: str = "{}") -> str:
    """``[1, 2, 3, …, 9]``: the first ``limit - 1`` values and the last one when longer."""
    values = list(values)
    if len(values) <= limit:
        return "[" + ", ".join(fmt.format(v) for v in values) + "]"
    head = ", ".join(fmt.format(v) for v in values[: limit - 1])
    return f"[{head}, …, {fmt.format(values[-1])}]"
