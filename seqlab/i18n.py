"""The interface language: Korean (``ko``) or English (``en``), from one gettext catalog per language.

Human text is written in English in the source and looked up with :func:`_`
where it is rendered (help, tables, explanations, errors); the Korean catalog
is ``seqlab/locale/ko/LC_MESSAGES/seqlab.po``, compiled to ``.mo`` with Babel.
Data never goes through translation: JSON keys, numbers, token strings and file
formats are the same in every language.

The current language is a context variable, so concurrent web requests can each
speak their own language. How a language is chosen:

- CLI: ``--lang ko|en``, then ``SEQLAB_LANG``, then the locale (``LANGUAGE``,
  ``LC_ALL``, ``LC_MESSAGES``, ``LANG``): Korean if it is Korean, else English;
- web: ``?lang=``, then the page's toggle (remembered), then ``Accept-Language``.

>>> with use_language("en"):
...     _("tokens")
'tokens'
"""

from __future__ import annotations

import contextlib
import contextvars
import functools
import gettext
import os
from collections.abc import Iterator, Mapping
from pathlib import Path

LANGUAGES = ("ko", "en")
LANGUAGE_NAMES = {"ko": "한국어", "en": "English"}  # each in its own language, as a language menu shows them
DEFAULT = "en"
DOMAIN = "seqlab"
LOCALE_DIR = Path(__file__).parent / "locale"

_current: contextvars.ContextVar[str] = contextvars.ContextVar("seqlab_language", default=DEFAULT)


class LanguageError(ValueError):
    """A language name that seqlab does not speak."""

    def __init__(self, value: str, source: str):
        super().__init__(f"unknown language {value!r} ({source}); use one of: {', '.join(LANGUAGES)}")
        self.value, self.source = value, source


@functools.cache
def translation(lang: str) -> gettext.NullTranslations:
    """The compiled catalog of ``lang`` (English is the source text itself)."""
    if lang == "en":
        return gettext.NullTranslations()
    return gettext.translation(DOMAIN, LOCALE_DIR, languages=[lang], fallback=True)


def current() -> str:
    return _current.get()


def set_language(lang: str) -> None:
    """Make ``lang`` the language of this context (the CLI sets it once per process)."""
    if lang not in LANGUAGES:
        raise LanguageError(lang, "set_language")
    _current.set(lang)


@contextlib.contextmanager
def use_language(lang: str) -> Iterator[None]:
    """Speak ``lang`` inside the block (a web request, a test)."""
    if lang not in LANGUAGES:
        raise LanguageError(lang, "use_language")
    token = _current.set(lang)
    try:
        yield
    finally:
        _current.reset(token)


def _(message: str) -> str:
    """``message`` in the current language."""
    return translation(_current.get()).gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    return translation(_current.get()).ngettext(singular, plural, n)


def N_(message: str) -> str:
    """Marks a string for the catalog without translating it here (it is translated where it is shown)."""
    return message


def from_locale(environ: Mapping[str, str] | None = None) -> str:
    """``ko`` when the locale variables name Korean (the first one set wins, as in gettext), else ``en``."""
    environ = os.environ if environ is None else environ
    for name in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        value = environ.get(name, "")
        if value:
            first = value.split(":")[0].lower()
            return "ko" if first.startswith("ko") else "en"
    return DEFAULT


def choose(flag: str | None = None, environ: Mapping[str, str] | None = None) -> str:
    """The CLI's rule: ``--lang``, then ``SEQLAB_LANG``, then the locale. A bad value raises :class:`LanguageError`."""
    environ = os.environ if environ is None else environ
    if flag is not None:
        if flag not in LANGUAGES:
            raise LanguageError(flag, "--lang")
        return flag
    env = environ.get("SEQLAB_LANG", "")
    if env:
        if env not in LANGUAGES:
            raise LanguageError(env, "SEQLAB_LANG")
        return env
    return from_locale(environ)


def from_accept_language(header: str | None) -> str:
    """The first of ``ko``/``en`` in an ``Accept-Language`` header, by quality; ``en`` when neither is there.

    >>> from_accept_language("ko-KR,ko;q=0.9,en-US;q=0.8")
    'ko'
    """
    best, best_q = DEFAULT, -1.0
    for part in (header or "").split(","):
        pieces = part.strip().split(";")
        tag = pieces[0].strip().lower()
        q = 1.0
        for p in pieces[1:]:
            p = p.strip()
            if p.startswith("q="):
                try:
                    q = float(p[2:])
                except ValueError:
                    q = 0.0
        lang = tag.split("-")[0]
        if lang in LANGUAGES and q > best_q:
            best, best_q = lang, q
    return best
