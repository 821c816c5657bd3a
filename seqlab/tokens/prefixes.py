"""Input prefixes: the text a tokenizer puts before every input (e5 reads "query: " or "passage: " first).

No imports, so that the registry and ``seqlab --help`` can name them without loading a tokenizer.
"""

from __future__ import annotations

E5_PREFIXES = {"query": "query: ", "passage": "passage: "}  # what e5 models were trained with before each text


def prefix_text(prefix: str | None) -> str:
    """The text an input prefix puts before each text: e5's role names (``query``, ``passage``, in any case) stand
    for e5's own prefixes, as ``--prefix query`` does on the command line, and ``none`` for none; any other string is
    the text itself. ``prefix="query"`` once put "query" (no colon, no space) before every text.

    >>> prefix_text("query"), prefix_text("Passage"), prefix_text("none"), prefix_text("질문: ")
    ('query: ', 'passage: ', '', '질문: ')
    """
    if not prefix:
        return ""
    role = prefix.strip().lower()
    return E5_PREFIXES.get(role, "" if role == "none" else prefix)
