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
- Python (a notebook): ``seqlab.set_language("ko")``; until then, ``SEQLAB_LANG``, then
  the locale, as the CLI without ``--lang``;
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
import re
from collections.abc import Iterator, Mapping
from pathlib import Path

LANGUAGES = ("ko", "en")
LANGUAGE_NAMES = {"ko": "한국어", "en": "English"}  # each in its own language, as a language menu shows them
DEFAULT = "en"
DOMAIN = "seqlab"
LOCALE_DIR = Path(__file__).parent / "locale"

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
    """The language spoken here: a ``use_language`` block's, else the session's (:func:`set_language`)."""
    return _current.get() or _session[0]


def set_language(lang: str) -> None:
    """Make ``lang`` the session's language, in any spelling (``ko``, ``KO``, ``ko-KR``): every thread and every
    notebook cell speaks it (a kernel may run each cell in a fresh context, where a context variable set in an
    earlier cell is gone), except inside a ``use_language`` block, which speaks its own (the CLI's run, a web
    request)."""
    code = language_code(lang) if isinstance(lang, str) else None
    if code is None:
        raise LanguageError(lang, "set_language")
    _session[0] = code
    if _current.get() is not None:  # inside a use_language block: from now on there too
        _current.set(code)


@contextlib.contextmanager
def use_language(lang: str) -> Iterator[None]:
    """Speak ``lang`` inside the block (a web request, a test), in any spelling."""
    code = language_code(lang) if isinstance(lang, str) else None
    if code is None:
        raise LanguageError(lang, "use_language")
    token = _current.set(code)
    try:
        yield
    finally:
        _current.reset(token)


# Korean particles after a placeholder: the catalog writes both forms, "{model}은(는)", because the particle depends
# on the value's last sound. Once the value is in, the right one is picked where it can be known: after a Hangul
# syllable (받침 or not; ㄹ takes 로) or a number read aloud (3 삼 -> 은, 2 이 -> 는, 10 십 -> 은), an acronym read
# letter by letter (LSTM 엘에스티엠 -> 과, NFC 엔에프씨 -> 로) or a name seqlab itself shows (e5-small 스몰 -> 은,
# minilm 미니엘엠 -> 으로), from one table (_NAME_CODA; views.js has its twin, tested equal). After other Latin words (a user's 'movie') or symbols, whose reading is not certain,
# both forms stay, as Korean software writes them.
_PARTICLES = {"은(는)": ("은", "는"), "이(가)": ("이", "가"), "을(를)": ("을", "를"), "과(와)": ("과", "와"),
              "와(과)": ("과", "와"), "(으)로": ("으로", "로"), "(이)라는": ("이라는", "라는")}
# a value may end inside its quotes with ": " (e5's prefix "query: "), read as the word before it, or with a
# full stop or other closing punctuation ('간다.'는), which is not read aloud
_PARTICLE = re.compile(r"([^\s.,!?…])((?::\s*)?[.,!?…'\"’”)\]»]*)(" + "|".join(re.escape(p) for p in _PARTICLES)
                       + ")")
_DIGIT_CODA = "ㅇㄹ ㅁ  ㄱㄹㄹ "  # the last sound of 영 일 이 삼 사 오 육 칠 팔 구 (a space: no 받침)
# the last sound of the names seqlab shows, as Korean readers say them ("ㅂ": a consonant other than ㄹ)
# and of the acronyms it shows, as they are said (LSTM 엘에스티엠, JSON 제이슨, UMAP 유맵); a capitalised word it does not
# know (GET 겟, PUT 풋) keeps both forms, as any other Latin word
_NAME_CODA = {"e5-small": "ㄹ", "minilm": "ㅂ", "kiwi": "", "char": "", "whitespace": "", "rnn": "ㅂ", "lstm": "ㅂ",
              "gru": "", "tfidf": "", "nbsvm": "ㅂ", "wordpiece": "", "bpe": "", "unigram": "ㅂ", "seq2seq": "",
              "e5-tune": "ㅂ", "e5-head": "", "word2vec": "ㅂ", "fasttext": "", "mean": "ㅂ", "max": "", "cls": "",
              "nfc": "", "nfd": "", "nfkc": "", "nfkd": "", "url": "ㄹ", "unk": "", "json": "ㅂ", "html": "ㄹ",
              "csv": "", "tsv": "", "gpu": "", "cpu": "", "api": "", "pca": "", "umap": "ㅂ", "mlp": "", "mse": "",
              "bptt": "", "utf-8": "", "id": "", "ids": "", "ko": "", "en": "", "query": "", "passage": "",
              "torch": ""}


def _coda(text: str) -> str | None:
    """The final consonant of the sound ``text`` ends with: ``""`` for none, ``None`` when it cannot be known.

    A number ending in zeros is read by its last unit: 십 백 천 만 억 (1 to 11 zeros) end in a consonant other
    than ㄹ, 조 (12 to 15) in none; beyond that it is not guessed.

    >>> [_coda(t) for t in ("길", "집", "사과", "2", "10", "1,000", "1000000000000", "0", "3.5", "LSTM")]
    ['ㄹ', 'ㅂ', '', '', 'ㅂ', 'ㅂ', '', 'ㅇ', '', 'ㅂ']
    >>> [_coda(t) for t in ("NFC", "URL", "e5-small", "minilm", "movie", "W_hh", "[UNK", "GET", "Word2Vec")]
    ['', 'ㄹ', 'ㄹ', 'ㅂ', None, None, '', None, 'ㅂ']
    >>> [_coda(t) for t in ("ㅋㅋㅋ", "##ㄴ", "ㄹ", "ㅏ", "torch")]
    ['ㅂ', 'ㅂ', 'ㄹ', '', '']
    """
    last = text[-1]
    if "ㄱ" <= last <= "ㅎ":  # a lone consonant letter, read by its name (기역 니은 … 리을 … 히읗): all end in one
        return "ㄹ" if last == "ㄹ" else "ㅂ"
    if "ㅏ" <= last <= "ㅣ":  # a lone vowel letter (아 애 … 이): no 받침
        return ""
    if "가" <= last <= "힣":
        index = (ord(last) - 0xAC00) % 28
        return "" if index == 0 else ("ㄹ" if index == 8 else "ㅂ")  # only "none", "ㄹ" and "another" matter
    if last.isdigit() and last.isascii():
        digits = re.search(r"[\d,]*$", text).group().replace(",", "")
        zeros = len(digits) - len(digits.rstrip("0"))
        if zeros == 0 or zeros == len(digits):  # 7 (칠), or 0 itself (영)
            return _DIGIT_CODA[int(last)].strip()
        return "ㅂ" if zeros < 12 else ("" if zeros < 16 else None)
    word = re.search(r"[A-Za-z0-9][\w.-]*$", text, re.ASCII)
    if word and word.group().lower() in _NAME_CODA:
        return _NAME_CODA[word.group().lower()]
    return None


def with_particles(text: str) -> str:
    """``text`` with each two-form particle after a value resolved where the value's last sound is known.

    >>> with_particles("모델은 {m}을(를) 읽고 {n}(으)로 씁니다".format(m="단어", n="길"))
    '모델은 단어를 읽고 길로 씁니다'
    >>> with_particles("레이어 3은(는) 없습니다; 'LSTM'이(가) 아닙니다; 10(으)로; 2은(는); 'movie'은(는)")
    "레이어 3은 없습니다; 'LSTM'이 아닙니다; 10으로; 2는; 'movie'은(는)"
    >>> with_particles("20(으)로, 1,000,000,000,000은(는), 100000000이(가)")
    '20으로, 1,000,000,000,000는, 100000000이'
    >>> with_particles('앞에 "query: "을(를) 붙여')
    '앞에 "query: "를 붙여'
    >>> with_particles("어절 '간다.'은(는); 'ㅋㅋㅋ'은(는); ##ㄴ(으)로; '토큰화'(이)라는; 'LSTM'(이)라는; 3.5은(는)")
    "어절 '간다.'는; 'ㅋㅋㅋ'은; ##ㄴ으로; '토큰화'라는; 'LSTM'이라는; 3.5는"
    """
    def pick(m: re.Match) -> str:
        coda = _coda(m.string[: m.end(1)])  # the whole text before the particle: a number is read whole
        if coda is None:
            return m.group(0)
        with_coda, without = _PARTICLES[m.group(3)]
        chosen = without if coda == "" or (coda == "ㄹ" and with_coda == "으로") else with_coda
        return m.group(1) + m.group(2) + chosen

    return _PARTICLE.sub(pick, text)


class _Korean(str):
    """A Korean message whose ``format`` resolves the particles after the values it puts in."""

    def format(self, *args, **kwargs) -> str:  # str's own method, extended
        return with_particles(str.format(self, *args, **kwargs))


def _(message: str) -> str:
    """``message`` in the current language."""
    lang = current()
    text = translation(lang).gettext(message)
    return _Korean(text) if lang == "ko" else text


def ngettext(singular: str, plural: str, n: int) -> str:
    lang = current()
    text = translation(lang).ngettext(singular, plural, n)
    return _Korean(text) if lang == "ko" else text


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


def language_code(value: str | None) -> str | None:
    """The language a person meant, in any of the spellings locales and language tags use; None when seqlab does
    not speak it.

    >>> [language_code(v) for v in ("ko", "KO", "ko-KR", "ko_KR.UTF-8", " en ", "kr", None)]
    ['ko', 'ko', 'ko', 'ko', 'en', None, None]
    """
    if value is None:
        return None
    primary = re.split(r"[-_.@]", value.strip().lower(), maxsplit=1)[0]
    return primary if primary in LANGUAGES else None


def choose(flag: str | None = None, environ: Mapping[str, str] | None = None) -> str:
    """The CLI's rule: ``--lang``, then ``SEQLAB_LANG``, then the locale. A bad value raises :class:`LanguageError`.
    Case and a region are ignored (``KO``, ``ko-KR`` and ``ko_KR.UTF-8`` are all ``ko``)."""
    environ = os.environ if environ is None else environ
    if flag is not None:
        if language_code(flag) is None:
            raise LanguageError(flag, "--lang")
        return language_code(flag)
    env = environ.get("SEQLAB_LANG", "")
    if env:
        if language_code(env) is None:
            raise LanguageError(env, "SEQLAB_LANG")
        return language_code(env)
    return from_locale(environ)


def initial_language(environ: Mapping[str, str] | None = None) -> str:
    """The language a Python session starts in: ``SEQLAB_LANG``, then the locale (the CLI's rule without
    ``--lang``). A ``SEQLAB_LANG`` seqlab does not speak is passed over here, to the locale: an import has no one
    to tell (the CLI says so)."""
    try:
        return choose(None, environ)
    except LanguageError:
        return from_locale(environ)


STARTING = initial_language()  # read once, at import: the session's language until set_language
_session = [STARTING]  # the session's language (set_language), spoken wherever no use_language block speaks its own
_current: contextvars.ContextVar[str | None] = contextvars.ContextVar("seqlab_language", default=None)


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
