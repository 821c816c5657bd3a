"""Text shown as it is, except the characters a reader cannot see: control, invisible and direction-changing ones.

``abc\\u202edef`` would display reversed ("abcfed"); a zero-width space would be an
empty token, and so would a Hangul filler (U+3164, the "blank" of Korean messengers). Every renderer (terminal, Markdown, HTML, notebook) shows them as escapes.
"""

from __future__ import annotations

_INVISIBLE = "\u200b\u200c\u200d\u2060\ufeff" + "\u115f\u1160\u3164\uffa0\u2800"  # and letters that draw nothing
_BIDI = "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"


def visible(s: str) -> str:
    """Control, invisible and direction-changing characters as escapes (``\\u200b``), everything else as it is."""
    return "".join(c if c.isprintable() and c not in _INVISIBLE and c not in _BIDI
                   else c.encode("unicode_escape").decode() for c in s)


def invisible_characters(text: str) -> list[dict]:
    """Every character of ``text`` that :func:`visible` escapes: its index, code point, Unicode name and escape.

    >>> invisible_characters("가\\u202e\\n")
    [{'index': 1, 'codepoint': 'U+202E', 'name': 'RIGHT-TO-LEFT OVERRIDE', 'escaped': '\\\\u202e'}, {'index': 2, 'codepoint': 'U+000A', 'name': 'LINE FEED', 'escaped': '\\\\n'}]
    """
    from seqlab.text.unicode import char_name

    return [{"index": i, "codepoint": f"U+{ord(c):04X}", "name": char_name(c), "escaped": visible(c)}
            for i, c in enumerate(text) if visible(c) != c]
