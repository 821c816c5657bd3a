"""What a user types as words: an analogy expression, one word, and the error for a word without a vector.

``parse_expression`` reads ``"왕 - 남자 + 여자"``; ``check_word`` refuses an empty word, a
phrase or a paste; :class:`UnknownWord` says why a word has no vector (outside the vocabulary,
or read with parts the model has never seen), with its pieces shown escaped; ``piece_readers`` and
``unknown_parts`` read a word as a model's pieces, and name the ones it has no vector for.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Sequence
from typing import TypeVar

from seqlab.errors import InputError, UsageError
from seqlab.i18n import _

T = TypeVar("T")

_PIECE = re.compile(r"[+-]|[^\s+-]+")
# the minus and plus signs of typeset text (the lecture's slides, a word processor, a Korean IME's full width)
# read as - and +: "왕 − 남자 + 여자" is the same analogy
_SIGNS = str.maketrans({"\u2212": "-", "\u2013": "-", "\u2014": "-", "\ufe63": "-", "\uff0d": "-",
                        "\ufe62": "+", "\uff0b": "+"})


def has_operator(text: str) -> bool:
    """Whether ``text`` holds a + or - (typeset or full-width signs included): part of an analogy expression.

    >>> has_operator("−"), has_operator("남자")
    (True, False)
    """
    return bool(set(text.translate(_SIGNS)) & set("+-"))


def net_coefficients(positive: list[str], negative: list[str]) -> dict[str, int]:
    """Each word's coefficient in the sum positive - negative, zeros left out: the one rule of what cancels out.

    >>> net_coefficients(["왕", "왕"], ["왕"]), net_coefficients(["왕", "남자"], ["남자"]), net_coefficients(["a"], ["a"])
    ({'왕': 1}, {'왕': 1}, {})
    """
    counts = {w: positive.count(w) - negative.count(w) for w in dict.fromkeys(positive + negative)}
    return {w: c for w, c in counts.items() if c}


def _check_adds_something(positive: list[str], negative: list[str], written: str, hint: str) -> None:
    """An analogy whose words cancel out (the zero vector: every cosine 0) or leave only words subtracted (the
    words farthest from them, not an answer) is refused."""
    net = net_coefficients(positive, negative)
    if not net:
        raise UsageError(_("the analogy {expression!r} cancels out: every word is added and subtracted as often")
                         .format(expression=written), hint)
    if all(c < 0 for c in net.values()):
        raise UsageError(_("the analogy {expression!r} adds nothing once its words cancel out: it is only minus "
                           "{words}").format(expression=written, words=", ".join(net)), hint)


def expression_of(positive: list[str], negative: list[str]) -> str:
    """The words of an analogy written as the lecture writes it, the first word, then what is taken away, then what
    is added (the inverse of :func:`parse_expression`).

    >>> expression_of(["왕", "여자"], ["남자"])
    '왕 - 남자 + 여자'
    """
    return " ".join([positive[0], *(f"- {w}" for w in negative), *(f"+ {w}" for w in positive[1:])])


def analogy_words(positive, negative) -> tuple[list[str], list[str]]:
    """The words of ``WordVectors.analogy(positive, negative)``, each checked (:func:`check_word`): two lists of words,
    at least one to add."""
    if isinstance(positive, str) or isinstance(negative, str):  # "아버지" would be read as 아, 버, 지
        raise InputError(_("positive and negative must be lists of words, not strings"),
                         _("e.g. analogy([\"왕\", \"여자\"], [\"남자\"]), or solve(\"왕 - 남자 + 여자\")"))
    positive, negative = [check_word(w) for w in positive], [check_word(w) for w in negative]
    if not positive:
        raise InputError(_("an analogy needs at least one word to add (positive)"),
                         _("e.g. analogy([\"왕\", \"여자\"], [\"남자\"])"), option="positive")
    # ["영화"], ["영화"]: the zero vector, and every cosine 0 (as solve says)
    _check_adds_something(positive, negative, expression_of(positive, negative),
                          _("e.g. analogy([\"왕\", \"여자\"], [\"남자\"])"))
    return positive, negative


def parse_expression(expression: str) -> tuple[list[str], list[str]]:
    """``"왕 - 남자 + 여자"`` -> (["왕", "여자"], ["남자"]): words joined by single ``+`` and ``-``, a word first.

    A malformed expression is a usage error (exit code 2). The typeset minus ``−`` (U+2212), dashes and
    full-width signs count as ``-`` and ``+``.

    >>> parse_expression("king - man + woman")
    (['king', 'woman'], ['man'])
    >>> parse_expression("크다 − 작다 ＋ 짧다")
    (['크다', '짧다'], ['작다'])
    >>> parse_expression("아버지 - 아버지")[1]
    Traceback (most recent call last):
    ...
    seqlab.errors.UsageError: the analogy '아버지 - 아버지' cancels out: every word is added and subtracted as often
    Write it as words joined by + and -, e.g. "왕 - 남자 + 여자".
    >>> parse_expression("왕 -- + 여자")
    Traceback (most recent call last):
    ...
    seqlab.errors.UsageError: cannot read the analogy '왕 -- + 여자': an operator stands where a word should
    Write it as words joined by + and -, e.g. "왕 - 남자 + 여자".
    """
    if not isinstance(expression, str):
        raise InputError(_("the analogy must be a string such as \"왕 - 남자 + 여자\", not {name}").format(
            name=type(expression).__name__))  # a wrong type is an InputError everywhere (tokenize(None) too)
    pieces = _PIECE.findall(nfc(expression).translate(_SIGNS))
    hint = _('Write it as words joined by + and -, e.g. "왕 - 남자 + 여자".')
    if not pieces:
        raise InputError(_("the analogy {expression!r} is empty").format(expression=expression), hint)  # empty text: 1
    pos, neg = [], []
    for i, piece in enumerate(pieces):
        is_op = piece in "+-"
        if is_op == (i % 2 == 0):  # words at even positions, operators at odd ones
            symbol = not is_op and all(unicodedata.category(c)[0] in "PS" for c in piece)  # *, /, =, ×
            where = _("an operator stands where a word should") if is_op else \
                _("{piece!r} is not an operator: an analogy adds with + and subtracts with -").format(piece=piece) \
                if symbol else _("two words follow each other")
            raise UsageError(_("cannot read the analogy {expression!r}: {where}").format(expression=expression,
                                                                                         where=where), hint)
        if not is_op:
            (neg if i > 0 and pieces[i - 1] == "-" else pos).append(piece)
    if pieces[-1] in "+-":
        raise UsageError(_("cannot read the analogy {expression!r}: it ends with {last!r}")
                         .format(expression=expression, last=pieces[-1]), hint)
    if not pos:
        raise UsageError(_("cannot read the analogy {expression!r}: nothing is added").format(expression=expression),
                         hint)
    _check_adds_something(pos, neg, expression, hint)  # 아버지 - 아버지: the zero vector, every cosine would be 0
    return pos, neg


MAX_WORD = 50  # characters: a longer "word" is a phrase or a paste


def nfc(text: str) -> str:
    """Hangul typed or pasted decomposed (NFD: macOS file names, some editors) composed, as vocabularies store it.

    >>> nfc(unicodedata.normalize("NFD", "영화")) == "영화", len(unicodedata.normalize("NFD", "영화"))
    (True, 5)
    """
    return unicodedata.normalize("NFC", text)


def _visible(text: str) -> str:
    r"""Invisible and control characters as escapes (a bidi override must not reorder the terminal line).

    >>> _visible("영\u202e화")
    '영\\u202e화'
    """
    return "".join(c if c.isprintable() else f"\\u{ord(c):04x}" for c in text)


def check_word(word: str) -> str:
    """The word stripped (and NFC), or an error for one that is empty (or invisible), holds spaces or is longer than :data:`MAX_WORD`."""
    from seqlab.text.unicode import has_visible

    if not isinstance(word, str):  # ["영화"] was a TypeError from unicodedata
        raise InputError(_("the word must be a string, not {kind}").format(kind=type(word).__name__),
                         _("Give one word, e.g. \"영화\"; for several, ask for each."))
    stripped = nfc(word).strip()
    if not has_visible(stripped):  # worded as require_text and the API word it: "" alone is empty
        raise InputError(_("the word is empty") if word == "" else
                         _("the word has no character that shows (only spaces or invisible characters)"),
                         _("Give a word with at least one visible character."))
    if len(stripped) > MAX_WORD:
        raise InputError(_("a word of {n:,} characters is too long (at most {max})").format(n=len(stripped),
                                                                                          max=MAX_WORD),
                         _("Give one word, not a sentence."))
    if any(c.isspace() for c in stripped):
        raise InputError(_("{word!r} is more than one word").format(word=stripped),
                         _("Give one word, without spaces; an analogy joins words with + and -."))
    return stripped


SENTENCE_SUFFIX = " sentence vectors"  # a sentence encoder's projection: "e5-small sentence vectors"
SOURCE_SUFFIX = " word vectors"  # what every source's name ends with in records and JSON ("Kiwi word vectors")


def source_label(source: str) -> str:
    """A word-vector source's name in the interface language, for display (records and JSON keep the English name).

    >>> source_label("Kiwi word vectors")
    'Kiwi word vectors'
    """
    if source.endswith(SOURCE_SUFFIX):
        return _("{name} word vectors").format(name=source[: -len(SOURCE_SUFFIX)])
    if source.endswith(SENTENCE_SUFFIX):  # plot --sentences
        return _("{name} sentence vectors").format(name=source[: -len(SENTENCE_SUFFIX)])
    return source


class UnknownWord(InputError):
    """A word the vectors have no vector for: outside the vocabulary, or read by the model with ``<unk>`` pieces."""

    def __init__(self, word: str, source: str, size: int, pieces: list[str], unk: list[str], can_embed: bool = False,
                 morphemes: bool = False):
        self.word, self.pieces, self.unk = word, pieces, unk  # unk: the characters the model reads as <unk>
        self.also_unknown: list[str] = []  # the other unknown words of the same input (each_word)
        shown = _visible(" ".join(pieces) if pieces else word)
        source = source_label(source)
        korean_only = _("This panel uses Kiwi's Korean word vectors: type a Korean word, such as 영화.")
        cli_hint = None  # the hint in the command line's words, where it differs
        if unk and morphemes:  # Kiwi: parts (form/TAG) its model has no vector for
            message = _("{word!r} is unknown to {source}: Kiwi reads it as {pieces}, and its model has no vector "
                        "for {parts}").format(word=word, source=source, pieces=shown, parts=_visible(", ".join(unk)))
            tags = {u.rsplit("/", 1)[-1] for u in unk}
            if "SL" in tags:
                hint = _("Kiwi's word vectors hold Korean words only: for English words use e5-small's word vectors "
                         "(word_vectors(\"e5-small\")).")
                cli_hint = _("Kiwi's word vectors hold Korean words only: for English words use e5-small's word "
                             "vectors (on the command line: --model e5-small).")
                self.page_hint = korean_only
            elif all(t.startswith(("S", "W_")) for t in tags):
                hint = _("Kiwi keeps no vectors for numbers, foreign letters or symbols: give a Korean word.")
            else:
                # the message said already that the model has no vector for it: the hint says only what to do
                hint = _("Try another word, or e5-small's word vectors (word_vectors(\"e5-small\")).")
                cli_hint = _("Try another word, or e5-small's word vectors (on the command line: --model e5-small).")
                self.page_hint = _("Try another Korean word.")
        elif unk:
            message = _("{word!r} is unknown to {source}: the model reads it as the pieces {pieces}, where <unk> "
                        "stands for {chars}, characters it has never seen").format(
                word=word, source=source, pieces=shown, chars=", ".join(repr(c) for c in unk))
            hint = _("Try another word: a vector built from <unk> would not be this word's.")
        else:
            message = _("{word!r} is unknown: it is not in the vocabulary of {source} ({n:,} words)").format(
                word=word, source=source, n=size)
            if pieces:
                message += " " + (_("(Kiwi reads it as {pieces})") if morphemes else
                                  _("(the model reads it as the pieces {pieces})")).format(pieces=shown)
            hint = (_("Check the spelling or use a dictionary form (좋다, not 좋은); embed_oov=True builds a vector "
                      "from its pieces anyway.") if can_embed else
                    _("Check the spelling, or use vectors that can build any word (FastText, or an embedded model)."))
            if can_embed:
                cli_hint = _("Check the spelling or use a dictionary form (좋다, not 좋은); on the command line, "
                             "--embed-oov builds a vector from its pieces anyway.")
                self.page_hint = _("Check the spelling, or use a dictionary form (좋다, not 좋은).")
        super().__init__(message, hint, cli_hint=cli_hint)

    def details(self) -> dict:
        return {"unknown": self.word, "pieces": self.pieces, "unknown_parts": self.unk,
                "also_unknown": self.also_unknown}


def each_word(words: Sequence[str], check: Callable[[str], T]) -> list[T]:
    """``check(word)`` for every word; when several are unknown, the first one's :class:`UnknownWord` (its pieces
    explained) names the others too, so that ``abc + xyz`` is not fixed one word at a time."""
    results, unknown = [], []
    for word in words:
        try:
            results.append(check(word))
        except UnknownWord as exc:
            unknown.append(exc)
    if unknown:
        first, others = unknown[0], list(dict.fromkeys(e.word for e in unknown[1:] if e.word != unknown[0].word))
        if others:
            first.also_unknown = others
            first.message += " " + _("(also unknown: {words})").format(
                words=", ".join(repr(w) for w in others))
        raise first
    return results


def unknown_parts(word: str) -> list[str]:
    """The parts of ``word`` Kiwi's model has no vector for, as ``form/TAG``."""
    from seqlab.vectors import kiwi_vectors as kv

    return [f"{form}/{tag}" for form, tag in kv.unknown_parts(word)]


def piece_readers(tokenizer) -> tuple[Callable[[str], list[str]], Callable[[str], list[str]]]:
    """``unknown_chars(word)`` (the characters read as <unk>) and ``pieces(word)`` (the word's tokens)."""
    def unknown_chars(word: str) -> list[str]:
        return [u.chars for u in tokenizer.encode(word).unk]

    def pieces(word: str) -> list[str]:
        record = tokenizer.encode(word)
        unknown = {u.index for u in record.unk}
        return ["<unk>" if i in unknown else t
                for i, (t, special) in enumerate(zip(record.tokens, record.special_tokens_mask)) if not special]

    return unknown_chars, pieces
