"""Markdown escaping: user text (tokens, sentences) inside code spans and table cells, whatever it holds.

A token can be a backtick (`` ` ``), a pipe or a run of both; pasted text can hold
anything. CommonMark closes a code span at the first backtick run of the opening
run's length, and GFM ends a table cell at every unescaped ``|`` (also inside code
spans), so both are handled here, once, for every Markdown renderer.
"""

from __future__ import annotations

import re

from seqlab.render.visible import visible

_TICKS = re.compile(r"`+")


def code(text: str, in_table: bool = False) -> str:
    """``text`` as one code span: fenced by more backticks than it holds, padded when it starts or ends with one.

    >>> code("a`b"), code("`")
    ('``a`b``', '`` ` ``')
    """
    s = visible(text)
    if in_table:
        s = s.replace("|", "\\|")
    if not s.strip():  # "" or spaces only: CommonMark keeps a code span of spaces as it is
        return f"`{s or ' '}`"
    fence = "`" * (max((len(m) for m in _TICKS.findall(s)), default=0) + 1)
    pad = " " if s[0] == "`" or s[-1] == "`" else ""
    return f"{fence}{pad}{s}{pad}{fence}"


def cell(text: str) -> str:
    """Plain ``text`` in a table cell: visible escapes, pipes and backticks escaped, never empty."""
    return visible(text).replace("\\", "\\\\").replace("`", "\\`").replace("|", "\\|") or " "
