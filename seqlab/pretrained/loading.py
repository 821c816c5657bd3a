"""``load_tokenizer(name)``: any registry name, hub id or directory -> a seqlab :class:`Tokenizer`."""

from __future__ import annotations

import functools
import os
import threading
from pathlib import Path

from seqlab.errors import InputError, ModelUnavailable, UsageError, canonical
from seqlab.i18n import _
from seqlab.ids.vocab import Vocabulary
from seqlab.pretrained.install import ensure_obtainable, from_pretrained, hf_directory
from seqlab.pretrained.registry import EMBEDDED, check_role_prefix, resolve
from seqlab.text.unicode import DEFAULT_FORM, FORMS
from seqlab.tokens.base import Tokenizer
from seqlab.tokens.default_vocab import VOCAB_TOKENIZERS, default_vocab
from seqlab.tokens.prefixes import prefix_text

_lock = threading.Lock()


@functools.cache
def _load_hf(name: str, normalization: str):
    """One loaded HF tokenizer per model and normalization (loading e5 takes about half a second).

    A directory with ``tokenizer.json`` (every embedded model, saved models) loads without
    transformers; anything else (a hub id, a directory with only ``vocab.txt``) through ``AutoTokenizer``.
    """
    from seqlab.tokens.hf import HFTokenizer

    spec = resolve(name)
    directory = Path(hf_directory(spec)) if spec.embedded or Path(spec.name).is_dir() else None
    if directory is not None and not spec.embedded:
        refuse_run_folder(directory)
    if directory is not None and (directory / "tokenizer.json").exists():
        return HFTokenizer.from_directory(name, directory, normalization)
    if directory is not None:
        check_model_directory(directory)
    ensure_obtainable(spec)  # an unreachable hub id fails before the seconds of importing transformers
    from transformers import AutoTokenizer

    return HFTokenizer.from_transformers(name, from_pretrained(AutoTokenizer, spec), normalization)


def refuse_run_folder(directory: Path) -> None:
    """A folder made by ``seqlab train`` is no model: its ``vocab.json`` (seqlab's own vocabulary) was read as a Hugging
    Face tokenizer file, and the load failed mid-sentence ("Couldn't instantiate the backend tokenizer from one of:")."""
    import json

    records = []
    for name in ("config.json", "command.json"):
        try:
            records.append(json.loads((directory / name).read_text(encoding="utf-8")))
        except (OSError, ValueError):
            records.append({})
    config, command = (r if isinstance(r, dict) else {} for r in records)
    if "task" not in config and command.get("command") != "train":
        return
    given = directory
    if "task" not in config:  # a comparison's folder: one run per model inside
        runs = sorted(p for p in directory.iterdir() if (p / "config.json").exists())
        directory = runs[0] if runs else directory
    vocab = directory / "vocab.json"
    raise UsageError(_("{directory} is a run folder of seqlab train, not a model").format(directory=given),
                     _("Predict with it: predict_texts(\"{directory}\", texts).").format(directory=directory) + (
                         " " + _("Its vocabulary is {vocab}: load_tokenizer(tokenizer, vocab=\"{vocab}\").").format(
                             vocab=vocab) if vocab.exists() else ""),
                     cli_hint=_("Predict with it: seqlab predict {directory} TEXT.").format(directory=directory) + (
                         " " + _("Its vocabulary is {vocab}: give it with --vocab.").format(vocab=vocab)
                         if vocab.exists() else ""))


TOKENIZER_FILES = ("tokenizer.json", "vocab.txt", "sentencepiece.bpe.model", "spiece.model", "vocab.json",
                   "tokenizer.model")


def check_model_directory(directory: Path) -> None:
    """A local --model folder must hold a tokenizer; say which files one needs when it does not."""
    if not any((directory / name).exists() for name in TOKENIZER_FILES):
        found = sorted(p.name for p in directory.iterdir())[:8]
        raise ModelUnavailable(
            _("{directory} is not a model directory: it has no tokenizer file ({expected})").format(
                directory=directory, expected=", ".join(TOKENIZER_FILES[:2]) + ", …"),
            _("It holds: {found}. Give a folder made by save_pretrained (tokenizer.json or vocab.txt, and "
              "config.json), or an embedded model such as e5-small.").format(found=", ".join(found) or _("nothing")))


def load_tokenizer(name: str | None = None, *, vocab: str | Path | Vocabulary | bool | None = None,
                   normalization: str = DEFAULT_FORM, prefix: str = "") -> Tokenizer:
    """Load a tokenizer by registry name, hub id or local directory.

    Args:
        name: ``e5-small`` (default), ``minilm``, ``kiwi``, ``char``, ``whitespace``,
            a hub id such as ``klue/bert-base``, or a directory.
        vocab: for ``kiwi``/``char``/``whitespace``: a vocabulary file or object;
            None uses the cached default vocabulary, False loads no vocabulary (tokens only).
        normalization: Unicode form applied first (``NFC``, ``NFKC``, ``none``...).
        prefix: text put before every input (e5: ``"query: "`` or ``"passage: "``, or their role names ``query`` and
            ``passage``).

    >>> load_tokenizer("char").encode("한국어").tokens
    ['한', '국', '어']
    """
    normalization = canonical(normalization, FORMS)
    if normalization not in FORMS:
        raise InputError(_("unknown normalization {normalization!r}").format(normalization=normalization),
                         _("Use one of: {choices}.").format(choices=', '.join(FORMS)))
    spec = resolve(name)
    if not (vocab is None or isinstance(vocab, (bool, str, os.PathLike, Vocabulary))):  # vocab=123: a pathlib error
        raise InputError(_("vocab must be a file, a Vocabulary, False or None, not {kind}").format(
            kind=type(vocab).__name__), _("Give the path of a vocabulary saved by seqlab vocab build."), option="vocab")
    if spec.kind == "hf":
        check_role_prefix(prefix, spec.name)  # as seqlab --prefix refuses it
    prefix = prefix_text(prefix)  # "query" is e5's "query: ", "none" none, as on the command line
    if spec.kind == "hf" and vocab not in (None, False, True):
        takers = ", ".join(n for n, s in EMBEDDED.items() if s.needs_vocab)
        raise UsageError(_("vocab applies to {takers}; {name} has its own vocabulary").format(
            takers=takers, name=spec.name), _("Leave vocab out, or use a model of: {takers}.").format(takers=takers),
            option="vocab", cli_hint=_("Leave --vocab out, or use -m with one of: {takers}.").format(takers=takers))
    if spec.kind == "hf":
        with _lock:
            tokenizer = _load_hf(spec.name, normalization)
        return tokenizer.with_prefix(prefix) if prefix else tokenizer
    if prefix:
        raise InputError(_("prefix applies to transformer models, not to {name}").format(name=spec.name),
                         option="prefix")
    if vocab is False:
        table = None
    elif vocab is None or vocab is True:
        table = default_vocab(spec.kind)
    elif isinstance(vocab, Vocabulary):
        table = vocab
    else:
        table = Vocabulary.load(vocab)
    made_by = table.meta.get("tokenizer") if table is not None else None
    if made_by is None and table is not None and vocab not in (None, True):  # the check below cannot be made: said
        import logging

        logging.getLogger("seqlab").info(_(
            "note: the vocabulary given does not say which tokenizer built it, so it is not checked against {name}: "
            "built for another, every token reads as <unk> (Vocabulary.build(..., meta={{\"tokenizer\": \"{name}\"}}) "
            "records it)").format(name=spec.name))
    if made_by is not None and made_by != spec.kind:  # every token would read as [UNK], unexplained
        raise UsageError(_("the vocabulary was built with the {made_by} tokenizer, not {name}").format(
            made_by=made_by, name=spec.name), _("Use model={made_by!r}, or build a vocabulary with Vocabulary.build over "
                                                "the {name} tokenizer's tokens").format(made_by=made_by, name=spec.name),
            cli_hint=_("Use -m {made_by}, or build a vocabulary with: seqlab vocab build --tokenizer {name}").format(
                made_by=made_by, name=spec.name))
    return VOCAB_TOKENIZERS[spec.kind](table, normalization)
