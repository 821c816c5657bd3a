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
_INLINE = re.compile(r"([\\`*_\[\]<>|~!&])")  # what starts emphasis, code, links, HTML, entities, table cells
_LINE_START = re.compile(r"^(\s*)([#+=>-]|\d+[.)])")  # headings, lists, quotes, setext lines at a line's start


def code(value: str, in_table: bool = False) -> str:
    """``value`` as one code span: fenced by more backticks than it holds, padded when it starts or ends with one.

    >>> code("a`b"), code("`")
    ('``a`b``', '`` ` ``')
    """
    s = visible(value)
    if in_table:
        s = s.replace("|", "\\|")
    if not s.strip():  # "" or spaces only: CommonMark keeps a code span of spaces as it is
        return f"`{s or ' '}`"
    fence = "`" * (max((len(m) for m in _TICKS.findall(s)), default=0) + 1)
    # CommonMark strips one space from each end when both ends have one: pad then, and next to a backtick
    pad = " " if s[0] == "`" or s[-1] == "`" or (s[0] == " " and s[-1] == " ") else ""
    return f"{fence}{pad}{s}{pad}{fence}"


def text(line: str) -> str:
    r"""A line of prose that shows exactly as written: the characters Markdown would read as markup, escaped.

    >>> text("*a* <b> [c](d), 250,002")
    '\\*a\\* \\<b\\> \\[c\\](d), 250,002'
    >>> text("1. # not a list")
    '1\\. # not a list'
    """
    escaped = _INLINE.sub(r"\\\1", line)
    return _LINE_START.sub(lambda m: m.group(1) + m.group(2)[:-1] + "\\" + m.group(2)[-1], escaped)


def cell(value: str) -> str:
    r"""Plain text in a table cell: visible escapes, markup characters escaped (pipes too), never empty.

    A cell holds no block (list, heading, quote), so ``2.00`` and ``-0.5`` stay as they are:

    >>> cell("2.00"), cell("-0.5"), cell("a|b")
    ('2.00', '-0.5', 'a\\|b')
    """
    return _INLINE.sub(r"\\\1", visible(value)) or " "
