"""Limits shared by every stage that takes them, below every layer (no imports, so that ``seqlab --help`` does not load
NumPy). Each stage's own limits live in its ``limits`` module (``seqlab.ids.limits``, ``seqlab.lab.limits``, …)."""

SEED_MAX = 2**32 - 1  # the largest seed numpy's generators and torch take; gensim's training takes the same range
ERROR_MODES = ("strict", "replace")  # what a reader does with text that is not valid UTF-8 (or holds lone surrogates)
LINES_LISTED = 100  # how many line numbers a JSON summary lists (of the lines --errors replace changed); a count gives all
