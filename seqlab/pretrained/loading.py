"""``load_tokenizer(name)``: any registry name, hub id or directory -> a seqlab :class:`Tokenizer`."""

from __future__ import annotations

import functools
import threading
from pathlib import Path

from seqlab.errors import InputError
from seqlab.ids.vocab import Vocabulary
from seqlab.pretrained.install import from_pretrained
from seqlab.pretrained.registry import resolve
from seqlab.text.unicode import FORMS
from seqlab.tokens.base import Tokenizer
from seqlab.tokens.default_vocab import VOCAB_TOKENIZERS, default_vocab

_lock = threading.Lock()


@functools.cache
def _load_hf(name: str, normalization: str):
    """One loaded HF tokenizer per model and normalization (loading e5 takes about a second)."""
    from transformers import AutoTokenizer
    from transformers.utils import logging as hf_logging

    from seqlab.tokens.hf import HFTokenizer

    hf_logging.set_verbosity_error()
    return HFTokenizer(name, from_pretrained(AutoTokenizer, resolve(name)), normalization)


def load_tokenizer(name: str | None = None, *, vocab: str | Path | Vocabulary | bool | None = None,
                   normalization: str = "NFC", prefix: str = "") -> Tokenizer:
    """Load a tokenizer by registry name, hub id or local directory.

    Args:
        name: ``e5-small`` (default), ``minilm``, ``kiwi``, ``char``, ``whitespace``,
            a hub id such as ``klue/bert-base``, or a directory.
        vocab: for ``kiwi``/``char``/``whitespace``: a vocabulary file or object;
            None uses the cached default vocabulary, False loads no vocabulary (tokens only).
        normalization: Unicode form applied first (``NFC``, ``NFKC``, ``none``...).
        prefix: text put before every input (e5: ``"query: "`` or ``"passage: "``).

    >>> load_tokenizer("char").encode("한국어").tokens
    ['한', '국', '어']
    """
    if normalization not in FORMS:
        raise InputError(f"unknown normalization {normalization!r}", f"Use one of: {', '.join(FORMS)}.")
    spec = resolve(name)
    if spec.kind == "hf":
        with _lock:
            tokenizer = _load_hf(spec.name, normalization)
        return tokenizer.with_prefix(prefix) if prefix else tokenizer
    if prefix:
        raise InputError(f"--prefix applies to transformer models, not to {spec.name}")
    if vocab is False:
        table = None
    elif vocab is None or vocab is True:
        table = default_vocab(spec.kind)
    elif isinstance(vocab, Vocabulary):
        table = vocab
    else:
        table = Vocabulary.load(vocab)
    return VOCAB_TOKENIZERS[spec.kind](table, normalization)
