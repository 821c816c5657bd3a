"""Text shown as it is, except the characters a reader cannot see: control, invisible and direction-changing ones.

``abc\\u202edef`` would display reversed ("abcfed"); a zero-width space would be an
empty token, and so would a Hangul filler (U+3164, the "blank" of Korean messengers). Every renderer (terminal, Markdown, HTML, notebook) shows them as escapes.

A combining mark with nothing to sit on, or after a Hangul letter (가 + U+0301), is drawn on a dotted circle (◌́). A lone conjoining jamo, such as Kiwi's
ending ᆫ in 예쁘/VA + ᆫ/ETM, is shown as its compatibility letter (ㄴ), as Kiwi's own ``compatible_jamo`` option
does: alone, a final consonant has no agreed width (rich counts 0 columns, terminals draw 1 or 2), so every table
column after it slipped. Jamo that compose a syllable stay as they are. A skin-tone modifier cut from its emoji (👍🏽 split
into 👍 and 🏽 by a tokenizer) is escaped for the same reason: rich counts it 0 columns, terminals draw a 2-column
swatch.
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache

_INVISIBLE = "\u200b\u200c\u200d\u2060\ufeff" + "\u115f\u1160\u3164\uffa0\u2800"  # and letters that draw nothing
_BIDI = "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"


def visible(s: str) -> str:
    """Control, invisible and direction-changing characters as escapes (``\\u200b``), a lone conjoining jamo as
    its compatibility letter (ᆫ -> ㄴ), a lone combining mark on ◌, everything else as it is."""
    return "".join(_escaped(c) for c in _standalone(s))


def _jamo_kind(c: str) -> str:
    """"L" (initial), "V" (vowel) or "T" (final) for a conjoining jamo, "" for anything else."""
    o = ord(c) if c else 0
    if 0x1100 <= o <= 0x115F or 0xA960 <= o <= 0xA97F:
        return "L"
    if 0x1160 <= o <= 0x11A7 or 0xD7B0 <= o <= 0xD7C6:
        return "V"
    if 0x11A8 <= o <= 0x11FF or 0xD7CB <= o <= 0xD7FB:
        return "T"
    return ""


@lru_cache(maxsize=512)
def _letter(c: str) -> str:
    """ᆫ (HANGUL JONGSEONG NIEUN) -> ㄴ (HANGUL LETTER NIEUN), by name, for every conjoining jamo that has a
    compatibility letter: modern Korean's, and Old Hangul's such as ᆞ (ARAEA) -> ㆍ, which a terminal counts as
    zero cells wide alone (a table's border moved); a jamo without one stays as it is."""
    o = ord(c)
    if not (0x1100 <= o <= 0x11FF or 0xA960 <= o <= 0xA97F or 0xD7B0 <= o <= 0xD7FF):
        return c
    name = unicodedata.name(c, "")
    for part in ("CHOSEONG ", "JUNGSEONG ", "JONGSEONG "):
        if part in name:
            try:
                return unicodedata.lookup("HANGUL LETTER " + name.split(part, 1)[1])
            except KeyError:
                return c
    return c


def _cjk(c: str) -> bool:
    """A Hangul, Han or kana character: no Korean font draws a Latin accent on it (가 + U+0301)."""
    return unicodedata.name(c, "").startswith(("HANGUL", "CJK UNIFIED", "CJK COMPATIBILITY IDEOGRAPH", "HIRAGANA",
                                               "KATAKANA"))


def _latin_accent(c: str) -> bool:
    """A mark of the combining blocks made for Latin, Greek and Cyrillic letters (U+0301, U+0308, …): not a
    variation selector (豈 + U+FE00), a kana voicing mark (か + U+3099) or a Middle Korean tone mark (U+302E),
    which belong on the letters before them."""
    o = ord(c)
    return (0x300 <= o <= 0x36F or 0x1AB0 <= o <= 0x1AFF or 0x1DC0 <= o <= 0x1DFF or 0x20D0 <= o <= 0x20FF
            or 0xFE20 <= o <= 0xFE2F)


def _skin_tone(c: str) -> bool:
    """An emoji skin-tone modifier (U+1F3FB-1F3FF, 🏻 to 🏿)."""
    return "\U0001f3fb" <= c <= "\U0001f3ff"


def _emoji(c: str) -> bool:
    """A pictograph a skin tone can modify (👍, ✋): a symbol from the emoji blocks."""
    return bool(c) and unicodedata.category(c) == "So" and ord(c) >= 0x2600


def _standalone(s: str) -> str:
    """Every conjoining jamo that composes no syllable with its neighbours as its compatibility letter, and a
    combining mark with no letter to sit on (first, or after a space) on a dotted circle (◌́), as Unicode's charts
    draw it: alone it draws nothing. A skin tone with no emoji before it is escaped (\\U0001f3fd). A Latin accent after a Hangul, Han or kana letter is drawn on ◌ too (가◌́): fonts
    have no glyph for the pair, and a browser drew one box for both, the syllable lost with the accent."""
    if not any(_jamo_kind(c) or _skin_tone(c) or unicodedata.category(c).startswith("M") for c in s):
        return s
    out = []
    for i, c in enumerate(s):
        kind = _jamo_kind(c)
        before = s[i - 1] if i else ""
        if _skin_tone(c):
            out.append(c if _emoji(before) else c.encode("unicode_escape").decode())
            continue
        if not kind and unicodedata.category(c).startswith("M"):
            out.append("\u25cc" + c if not before or before.isspace() or (_cjk(before) and _latin_accent(c)) else c)
            continue
        after = s[i + 1] if i + 1 < len(s) else ""
        no_final = "\uac00" <= before <= "\ud7a3" and (ord(before) - 0xAC00) % 28 == 0  # 가, not 각
        composes = ((kind == "L" and _jamo_kind(after) == "V") or (kind == "V" and _jamo_kind(before) == "L")
                    or (kind == "T" and (_jamo_kind(before) == "V" or no_final)))
        out.append(_letter(c) if kind and not composes and c not in _INVISIBLE else c)
    return "".join(out)


def invisible_characters(text: str) -> list[dict]:
    """Every character of ``text`` that :func:`visible` escapes: its index, code point, Unicode name and escape.

    >>> invisible_characters("가\\u202e\\n")
    [{'index': 1, 'codepoint': 'U+202E', 'name': 'RIGHT-TO-LEFT OVERRIDE', 'escaped': '\\\\u202e'}, {'index': 2, 'codepoint': 'U+000A', 'name': 'LINE FEED', 'escaped': '\\\\n'}]
    """
    from seqlab.text.unicode import char_name

    return [{"index": i, "codepoint": f"U+{ord(c):04X}", "name": char_name(c), "escaped": _escaped(c)}
            for i, c in enumerate(text) if _escaped(c) != c]


def _escaped(c: str) -> str:
    """One character as :func:`visible` escapes it (a lone jamo is a visible letter, so it is not escaped)."""
    return c if c.isprintable() and c not in _INVISIBLE and c not in _BIDI else c.encode("unicode_escape").decode()
