"""Baseline tokenizers for comparison: characters, and space-separated words."""

from __future__ import annotations

import re

from seqlab.tokens.base import VocabTokenizer

_SPACE_RUN = re.compile(r"\s+")
_WORD = re.compile(r"\S+")
SPACE = "▁"  # a whitespace run, shown the SentencePiece way


class CharTokenizer(VocabTokenizer):
    """One token per character as Unicode counts them (a code point: 👍🏽 is two); each whitespace run between
    characters becomes one ``▁`` token (its span covers the whole run), and spaces at the start or end of the text
    become none, as a word tokenizer's ``str.split`` drops them.

    >>> CharTokenizer(None).spans("좋은 날")
    [('좋', 0, 1, None), ('은', 1, 2, None), ('▁', 2, 3, None), ('날', 3, 4, None)]
    """

    kind = "char"
    unit = "character"

    def spans(self, text: str):
        out, pos = [], 0
        for m in _SPACE_RUN.finditer(text):
            out.extend((ch, i, i + 1, None) for i, ch in enumerate(text[pos : m.start()], start=pos))
            if m.start() > 0 and m.end() < len(text):  # leading/trailing space carries no token
                out.append((SPACE, m.start(), m.end(), None))
            pos = m.end()
        out.extend((ch, i, i + 1, None) for i, ch in enumerate(text[pos:], start=pos))
        return out

    def continuation(self, tokens, word_ids):
        return [i > 0 and SPACE not in (t, tokens[i - 1]) and word_ids[i - 1] == word_ids[i]
                for i, t in enumerate(tokens)]

    def join(self, tokens: list[str]) -> str:
        return "".join(" " if t == SPACE else t for t in tokens)


class WhitespaceTokenizer(VocabTokenizer):
    """One token per run of non-space characters (어절), as ``str.split`` does.

    >>> WhitespaceTokenizer(None).spans("오늘 날씨가  좋네요")
    [('오늘', 0, 2, None), ('날씨가', 3, 6, None), ('좋네요', 8, 11, None)]
    """

    kind = "whitespace"
    unit = "word"

    def spans(self, text: str):
        return [(m.group(), m.start(), m.end(), None) for m in _WORD.finditer(text)]

    def continuation(self, tokens, word_ids):
        return [False] * len(tokens)

    def join(self, tokens: list[str]) -> str:
        return " ".join(tokens)
