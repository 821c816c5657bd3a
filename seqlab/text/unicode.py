"""Unicode normalization that remembers where every character came from.

macOS writes Hangul in NFD (``"한"`` as the three jamo ``ᄒ ᅡ ᆫ``), most other
systems in NFC. Tokenizers see different strings and give different ids, so
seqlab normalizes first, and keeps a map from each normalized character back
to the span of the ORIGINAL string it came from, so that token offsets always
point into what the user typed.

Only the stretches that actually change are touched: a regex finds every
character that can combine with the one before it (combining marks, Hangul
vowel/final jamo, the second half of any canonical pair) or that changes on
its own, and each such cluster is normalized separately. Text that is already
normalized costs one C-level check. The whole pass is linear in the length.
"""

from __future__ import annotations

import functools
import re
import sys
import unicodedata
from dataclasses import dataclass

import numpy as np

from seqlab.errors import InputError, canonical
from seqlab.i18n import N_, _
from seqlab.limits import ERROR_MODES

FORMS = ("NFC", "NFKC", "NFD", "NFKD", "none")
DEFAULT_FORM = "NFC"  # what every stage reads unless told otherwise (load_tokenizer, the page's later stages)
_SURROGATE = re.compile("[\ud800-\udfff]")
_MAX_DECOMPOSING = 0x30000  # no canonical decomposition lies above U+2FA1D


def check_errors_mode(errors: str) -> str:
    """The one check of an ``errors`` argument, for every reader of text (:data:`ERROR_MODES`): the mode as
    ERROR_MODES spells it (``"REPLACE"`` is ``"replace"``, as on the command line)."""
    errors = canonical(errors, ERROR_MODES)
    if errors not in ERROR_MODES:
        raise InputError(_("unknown errors mode {errors!r}").format(errors=errors),
                         _("Use errors=\"strict\" or errors=\"replace\"."), option="errors",
                         cli_hint=_("Use --errors strict or --errors replace."))
    return errors


@dataclass(frozen=True)
class NormalizedText:
    """A normalized string plus the way back to the original.

    ``starts[i]`` / ``ends[i]`` give the original span that normalized character
    ``i`` came from; both are ``None`` when nothing changed (identity map).

    >>> n = normalize("\u1112\u1161\u11ab\u1100\u1173\u11af", "NFC")  # NFD "한글"
    >>> n.text, n.to_original(0, 1)
    ('한글', (0, 3))
    """

    original: str
    text: str
    form: str
    starts: np.ndarray | None = None
    ends: np.ndarray | None = None

    @property
    def changed(self) -> bool:
        return self.starts is not None

    def to_dict(self) -> dict:
        """For JSON: the texts, the form, and each normalized character's original span (null when unchanged).

        >>> normalize("ﬁ", "NFKC").to_dict()["spans"]
        [[0, 1], [0, 1]]
        """
        spans = None if self.starts is None else [[int(a), int(b)] for a, b in zip(self.starts, self.ends)]
        return {"original": self.original, "text": self.text, "form": self.form, "changed": self.changed,
                "spans": spans}

    def to_original(self, start: int, end: int) -> tuple[int, int]:
        """Map a ``[start, end)`` span of the normalized text to the original text."""
        if self.starts is None:
            return start, end
        n = len(self.text)
        if end <= start:  # an empty span: a point between characters
            pos = int(self.starts[start]) if start < n else len(self.original)
            return pos, pos
        return int(self.starts[start]), int(self.ends[end - 1])


@functools.cache
def _cluster_regex(form: str) -> re.Pattern:
    """A regex matching each stretch that normalization may change (built once, lazily)."""
    combines_with_previous: set[int] = set(range(0x1161, 0x1176)) | set(range(0x11A8, 0x11C3))
    changes_alone: set[int] = set()
    for cp in range(_MAX_DECOMPOSING):
        ch = chr(cp)
        if unicodedata.combining(ch):
            combines_with_previous.add(cp)
        decomposition = unicodedata.decomposition(ch)
        if not decomposition:
            continue
        if form in ("NFKC", "NFKD") or not decomposition.startswith("<"):
            changes_alone.add(cp)
            parts = decomposition.split()
            if not parts[0].startswith("<") and len(parts) == 2:
                combines_with_previous.add(int(parts[1], 16))
    decompose = "NFKD" if form in ("NFKC", "NFKD") else "NFD"
    for cp in list(changes_alone):
        # e.g. halfwidth U+FF9E becomes a combining mark that joins the previous kana
        if ord(unicodedata.normalize(decompose, chr(cp))[0]) in combines_with_previous:
            combines_with_previous.add(cp)
    changes_alone.update(range(0xAC00, 0xD7A4) if form in ("NFD", "NFKD") else ())

    def char_class(cps: set[int]) -> str:
        ranges, run = [], None
        for cp in sorted(cps):
            if 0xD800 <= cp <= 0xDFFF:
                continue
            if run and cp == run[1] + 1:
                run[1] = cp
            else:
                run = [cp, cp]
                ranges.append(run)
        return "".join(
            re.escape(chr(a)) if a == b else f"{re.escape(chr(a))}-{re.escape(chr(b))}"
            for a, b in ranges
        )

    ns, ch = char_class(combines_with_previous), char_class(changes_alone)
    return re.compile(f"[^{ns}]?[{ns}]+|[{ch}]", re.DOTALL)


def normalize(text: str, form: str = "NFC") -> NormalizedText:
    """Normalize ``text`` to ``form`` (NFC, NFKC, NFD, NFKD or ``none``), keeping offsets.

    Args:
        text: the original string (must not contain lone surrogates).
        form: the Unicode normalization form; ``"none"`` leaves the text as is.

    Returns:
        A :class:`NormalizedText`; ``to_original`` maps spans back.

    >>> normalize("안녕하세요").changed
    False
    """
    form = canonical(form, FORMS)
    if form not in FORMS:
        raise InputError(_("unknown normalization form {form!r}").format(form=form),
                         _("Use one of: {choices}.").format(choices=', '.join(FORMS)))
    if form == "none" or unicodedata.is_normalized(form, text):
        return NormalizedText(text, text, form)
    # the text as spans: (first original character, end, length in the output, kept as it was)
    pieces: list[str] = []
    spans: list[tuple[int, int, int, bool]] = []
    orig_pos = 0
    for match in _cluster_regex(form).finditer(text):
        a, b = match.span()
        new = unicodedata.normalize(form, match.group())
        if new == match.group():
            continue
        if a > orig_pos:  # characters orig_pos..a are unchanged
            pieces.append(text[orig_pos:a])
            spans.append((orig_pos, a, a - orig_pos, True))
        pieces.append(new)
        spans.append((a, b, len(new), False))
        orig_pos = b
    if len(text) > orig_pos:
        pieces.append(text[orig_pos:])
        spans.append((orig_pos, len(text), len(text) - orig_pos, True))
    normalized = "".join(pieces)
    if normalized == text:
        return NormalizedText(text, text, form)
    # per output character, in one pass of numpy (one small array per span was slower on long texts):
    # a kept character maps to itself, a changed one to its whole original span
    first, end, length, kept = (np.array(column) for column in zip(*spans))
    offset = np.arange(length.sum()) - np.repeat(np.cumsum(length) - length, length)  # position within its span
    kept = np.repeat(kept, length)
    starts = np.repeat(first, length) + np.where(kept, offset, 0)
    ends = np.where(kept, starts + 1, np.repeat(end, length))
    return NormalizedText(text, normalized, form, starts.astype(np.int64), ends.astype(np.int64))


ONE_TEXT = N_("Give one text, a str such as \"안녕하세요\" (bytes: decode them first, data.decode(\"utf-8\")).")


def require_text(text: str, what: str | None = None) -> str:
    """``text``, unless it is empty or only spaces or invisible characters: an input error wherever a text is the
    subject (``what`` names it: "the first sentence")."""
    if not isinstance(text, str) and what is not None:  # which of two: similarity(None, "x") named neither
        raise InputError(_("{what} must be a string, not {name}").format(what=what, name=type(text).__name__),
                         _(ONE_TEXT))
    if not isinstance(text, str):
        raise InputError(_("the text must be a string, not {name}").format(name=type(text).__name__), _(ONE_TEXT))
    if not has_visible(text):  # "empty" only when it is: spaces or zero-width characters are text the reader sees none of
        message = _("{what} is empty") if text == "" else \
            _("{what} has no character that shows (only spaces or invisible characters)")
        raise InputError(message.format(what=what or _("the text")), _("Give a text with at least one visible character."))
    return text


def require_texts(texts: list[str]) -> list[str]:
    """:func:`require_text` for each of ``texts``, named by its place when there are several ("text #3")."""
    if len(texts) == 1:
        require_text(texts[0])
    else:
        for k, text in enumerate(texts):
            require_text(text, _("text #{index}").format(index=k))
    return texts


def has_visible(text: str) -> bool:
    """True when ``text`` has a character that shows: not only spaces, zero-width or other invisible characters.

    Hangul fillers (U+3164, which Korean messengers use as a blank, and its kin) are letters to
    Unicode but draw nothing, so they count as invisible too.

    >>> has_visible(" 가 "), has_visible(" \u200b\u200b\t"), has_visible("\u202e"), has_visible("\u3164"), has_visible("")
    (True, False, False, False, False)
    """
    return any(not c.isspace() and c not in BLANK_LETTERS and unicodedata.category(c)[0] not in "CZ" for c in text)


BLANK_LETTERS = frozenset("\u115f\u1160\u3164\uffa0\u2800")  # Hangul fillers and the blank Braille pattern

# Unicode gives control characters no name (unicodedata.name raises); these are their aliases in NameAliases.txt
CONTROL_NAMES = {0x00: "NULL", 0x07: "ALERT", 0x08: "BACKSPACE", 0x09: "CHARACTER TABULATION", 0x0A: "LINE FEED",
                 0x0B: "LINE TABULATION", 0x0C: "FORM FEED", 0x0D: "CARRIAGE RETURN", 0x1B: "ESCAPE",
                 0x1C: "INFORMATION SEPARATOR FOUR", 0x1D: "INFORMATION SEPARATOR THREE",
                 0x1E: "INFORMATION SEPARATOR TWO", 0x1F: "INFORMATION SEPARATOR ONE", 0x7F: "DELETE",
                 0x85: "NEXT LINE"}


def char_name(c: str) -> str:
    """The character's Unicode name; a control character's alias (``LINE FEED``), or ``<control>`` when it has none.

    >>> char_name("\\u202e"), char_name("\\n"), char_name("\\x01")
    ('RIGHT-TO-LEFT OVERRIDE', 'LINE FEED', '<control>')
    """
    name = unicodedata.name(c, "")
    if name:
        return name
    return CONTROL_NAMES.get(ord(c), "<control>" if unicodedata.category(c) == "Cc" else "")


def has_surrogates(text: str) -> bool:
    """True when ``text`` holds a lone surrogate (invalid Unicode)."""
    return _SURROGATE.search(text) is not None


def clean_surrogates(text: str, errors: str = "strict") -> str:
    """Reject or replace lone surrogates, which are not valid Unicode.

    They arrive through broken JSON escapes (``"\\ud83d"``) or, on the command
    line, as bytes that are not UTF-8 (Python maps byte 0xFF to ``"\\udcff"``).

    Args:
        text: any Python string.
        errors: ``"strict"`` raises :class:`InputError`; ``"replace"`` puts U+FFFD in their place.
    """
    errors = check_errors_mode(errors)  # refused even when the text is clean: errors="ignore" would pass until it was not
    if not isinstance(text, str):
        raise InputError(_("the text must be a string, not {name}").format(name=type(text).__name__), _(ONE_TEXT))
    match = _SURROGATE.search(text)
    if match is None:
        return text
    if errors == "replace":
        return _SURROGATE.sub("\ufffd", text)
    cp = ord(match.group())
    where = match.start()
    if 0xDC80 <= cp <= 0xDCFF and sys.getfilesystemencoding() == "utf-8":
        what = f"byte 0x{cp - 0xDC00:02X} at character {where} is not valid UTF-8"
    else:
        what = f"a lone surrogate U+{cp:04X} at character {where} is not valid Unicode"
    raise InputError(
        _("text cannot be used: {what}").format(what=what),
        _("Fix the input encoding (save it as UTF-8), or pass errors=\"replace\" to put U+FFFD in its place."),
        cli_hint=_("Fix the input encoding (save it as UTF-8), or pass --errors replace to put U+FFFD in its place."),
        page_hint=_("Send the text as valid Unicode (UTF-8)."),  # the web app reads requests strictly
    )


def clean_surrogates_each(texts: list[str], errors: str = "strict") -> list[str]:
    """:func:`clean_surrogates` of each text of a batch; a refusal names the text (#k of the list), as a text
    that is no string is named: "text cannot be used: a lone surrogate at character 1" did not say which."""
    out = []
    for k, text in enumerate(texts):
        try:
            out.append(clean_surrogates(text, errors))
        except InputError as exc:
            if len(texts) > 1:
                exc.message = _("text #{index}: {problem}").format(index=k, problem=exc.message)
                exc.args = (exc.message, *exc.args[1:])
            raise
    return out


def conjoining_spellings(word: str) -> list[str]:
    """``word`` with its compatibility jamo (ㄴ, as a keyboard types it) as conjoining jamo, the final form first
    (ᆫ, as Kiwi stores the ending of 예쁜), then the initial or vowel form; [] when it has none.

    >>> [hex(ord(c)) for c in conjoining_spellings("ㄴ")[0]]
    ['0x11ab']
    """
    forms = []
    for part in ("JONGSEONG", "CHOSEONG", "JUNGSEONG"):
        changed, spelled = False, []
        for c in word:
            name = unicodedata.name(c, "")
            if name.startswith("HANGUL LETTER "):
                try:
                    spelled.append(unicodedata.lookup(f"HANGUL {part} " + name[len("HANGUL LETTER "):]))
                    changed = True
                    continue
                except KeyError:
                    pass
            spelled.append(c)
        if changed and "".join(spelled) not in forms:
            forms.append("".join(spelled))
    return forms
