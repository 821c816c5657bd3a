"""The encoder's transformer layers run by ONNX Runtime: the same weights and math, about twice as fast on a CPU.

The Hugging Face model still computes its embeddings (word + position + token type, then LayerNorm: its
own module); only the stack of encoder layers is exported, once, to ONNX (``torch.onnx.export``, dynamo)
and run by ONNX Runtime, whose CPU kernels fuse attention, GELU and LayerNorm. The outputs equal
``AutoModel(...).last_hidden_state`` on the real tokens to about 3e-6 in float32 (tested, and checked by
every export before it is kept); one e5-small forward of a 21-token review on one thread takes 17.5 ms
against 37.5 ms in torch, and 15.0 against 18.6 ms per text in batches of 8 (docs/benchmarks.md).

The export runs in a child process (it takes 15 to 30 s, holds the GIL, and traces the modules), so a
server keeps answering with torch meanwhile; a lock keeps two processes from exporting the same model at
once. It is cached under ``$SEQLAB_HOME/onnx`` with the fingerprint of the weights, config and exporter
versions it came from; a cached file that does not match is never loaded, and older exports of the same
model are removed.

    >>> # layers = OnnxLayers(ensure_exported("e5-small", model))
    >>> # hidden = layers.run(model.embeddings(input_ids=ids).numpy(), mask)   # (B, T, H)
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np

from seqlab.errors import ModelUnavailable
from seqlab.i18n import _
from seqlab.storage import atomic_directory, exclusive, seqlab_home

EXPORT_VERSION = 2  # bump when LayerStack or the export settings change: old files are then not loaded
SUPPORTED = ("bert", "roberta", "xlm-roberta")
EXPORT_TIMEOUT_S = 900
FILE = "layers.onnx"
FILES = (FILE, FILE + ".data", "source.json")  # the graph, its weights, and the record written last
CHECK_ATOL = 1e-4  # an export whose outputs differ more than this from torch's on a test batch is not kept
OTHER_WEIGHTS = 3  # the child's exit code when the name loads other weights than the parent's
LAYER_CONFIG = ("model_type", "hidden_size", "num_hidden_layers", "num_attention_heads", "intermediate_size",
                "hidden_act", "layer_norm_eps", "is_decoder", "position_embedding_type")


def unsupported_reason(model) -> str | None:
    """Why ``model``'s layers cannot run in ONNX Runtime here, or None when they can."""
    config = model.config
    if config.model_type not in SUPPORTED or getattr(config, "is_decoder", False):
        return _("ONNX Runtime runs BERT-family encoders only ({supported}), not {kind}").format(
            supported=", ".join(SUPPORTED), kind=config.model_type)
    if next(model.parameters()).device.type != "cpu":
        return _("the model is on {device}; ONNX Runtime serves the CPU here").format(
            device=next(model.parameters()).device.type)
    try:
        import onnxruntime  # noqa: F401
    except ImportError:
        return _("onnxruntime is not installed (pip install onnxruntime)")
    return None


def _layer_stack(model):
    """The module that is exported: every encoder layer, in order, on the embeddings' output."""
    import torch

    class LayerStack(torch.nn.Module):
        def __init__(self, layers):
            super().__init__()
            self.layers = layers

        def forward(self, hidden: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
            # hidden (B, T, H): the embeddings' output; mask (B, T): 1 for a token, 0 for padding
            bias = (1.0 - mask[:, None, None, :].to(hidden.dtype)) * torch.finfo(hidden.dtype).min  # (B, 1, 1, T)
            for layer in self.layers:
                out = layer(hidden, attention_mask=bias)
                hidden = out[0] if isinstance(out, tuple) else out
            return hidden

    return LayerStack(model.encoder.layer).eval()


def fingerprint(model) -> str:
    """SHA-256 of the config values the layers depend on and of every encoder-layer weight (about 0.2 s for
    e5-small)."""
    import onnx
    import torch

    digest = hashlib.sha256(f"seqlab-onnx-layers {EXPORT_VERSION} torch {torch.__version__} onnx "
                            f"{onnx.__version__}\n".encode())
    config = model.config  # what shapes the layers' math (the name it was loaded from, or its dtype note, does not)
    digest.update(json.dumps({key: getattr(config, key, None) for key in LAYER_CONFIG}, sort_keys=True).encode())
    for name, tensor in model.encoder.state_dict().items():
        digest.update(name.encode())
        digest.update(tensor.detach().cpu().contiguous().numpy().tobytes())
    return digest.hexdigest()


def cache_folder(name: str, digest: str) -> Path:
    slug = "".join(c if c.isalnum() or c in "-_." else "_" for c in name)[-60:]
    return seqlab_home() / "onnx" / f"{slug}-{digest[:16]}"


def is_exported(folder: Path, digest: str) -> bool:
    try:
        record = json.loads((folder / "source.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return record.get("fingerprint") == digest and all((folder / name).exists() for name in FILES)


def export(model, folder: Path, digest: str) -> None:
    """Write ``model``'s layer stack to ``folder/layers.onnx`` (and its weights beside it), atomically, once ONNX
    Runtime has given the same numbers as torch on a padded test batch."""
    import torch

    stack = _layer_stack(model)
    hidden = torch.zeros((2, 8, model.config.hidden_size))
    mask = torch.ones((2, 8), dtype=torch.long)
    longest = max(model.config.max_position_embeddings, 16)
    batch, length = torch.export.Dim("batch"), torch.export.Dim("length", max=longest)
    with atomic_directory(folder) as tmp, torch.no_grad():
        program = torch.onnx.export(stack, (hidden, mask), dynamo=True, input_names=["hidden", "mask"],
                                    output_names=["last_hidden_state"], verbose=False,
                                    dynamic_shapes={"hidden": {0: batch, 1: length}, "mask": {0: batch, 1: length}})
        program.save(str(tmp / FILE), external_data=True)
        check_export(stack, tmp)
        (tmp / "source.json").write_text(json.dumps({"fingerprint": digest, "export_version": EXPORT_VERSION,
                                                     "torch": torch.__version__}), encoding="utf-8")
    slug = folder.name[:-17]
    for old in folder.parent.iterdir():  # the same model's exports from other weights or versions
        if old != folder and old.is_dir() and re.fullmatch(re.escape(slug) + r"-[0-9a-f]{16}", old.name):
            shutil.rmtree(old, ignore_errors=True)


def check_export(stack, folder: Path, layers: OnnxLayers | None = None) -> None:
    """Raise when ONNX Runtime's outputs for a random padded batch (lengths 7 and 3) differ from torch's, or are not
    finite (``layers``: a session already open on ``folder``)."""
    import torch

    generator = torch.Generator().manual_seed(0)
    hidden = torch.randn((2, 7, stack.layers[0].attention.self.query.in_features), generator=generator)
    mask = torch.tensor([[1] * 7, [1] * 3 + [0] * 4])
    with torch.no_grad():
        want = stack(hidden, mask).numpy()
    got = (layers or OnnxLayers(folder, threads=1)).run(hidden.numpy(), mask.numpy())
    real = mask.numpy().astype(bool)
    gap = float(np.abs(got[real] - want[real]).max())
    if not gap <= CHECK_ATOL:  # NaN included
        raise RuntimeError(f"ONNX Runtime differs from torch by {gap:.2e} on a test batch (at most {CHECK_ATOL:g})")


def ensure_exported(name: str, model) -> Path:
    """The folder of ``model``'s exported layers, exporting them first (in a child process) when none matches.

    ``name`` is the registry name, hub id or folder the child loads the same model from. Raises
    :class:`~seqlab.errors.ModelUnavailable` with the reason when the export fails.
    """
    digest = fingerprint(model)
    folder = cache_folder(name, digest)
    with exclusive(folder):  # another process exporting the same model: wait for it, then use its file
        if is_exported(folder, digest):
            return folder
        command = [sys.executable, "-m", "seqlab.vectors.onnx_layers", name, str(folder), digest]
        try:
            done = subprocess.run(command, check=False, capture_output=True, text=True, timeout=EXPORT_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            raise ModelUnavailable(_("exporting {name} to ONNX took more than {seconds} s").format(
                name=name, seconds=EXPORT_TIMEOUT_S), _("torch runs the model instead.")) from None
        except OSError as exc:  # the interpreter could not be started
            raise ModelUnavailable(_("exporting {name} to ONNX failed: {detail}").format(name=name, detail=exc),
                                   _("torch runs the model instead.")) from None
        if is_exported(folder, digest):
            return folder
    raise ModelUnavailable(_("exporting {name} to ONNX failed: {detail}").format(name=name, detail=_failure(done)),
                           _("torch runs the model instead."))


def load_layers(name: str, model) -> OnnxLayers:
    """``model``'s layers in an ONNX Runtime session, checked against torch on a test batch each time they load (a
    cached file can be damaged after it was written: its numbers would come back as NaN, or wrong, with no error).

    Exports first when needed, and once more when the cached file does not load or fails the check. Raises
    ModelUnavailable with the reason."""
    for attempt in (1, 2):
        folder = ensure_exported(name, model)
        try:
            layers = OnnxLayers(folder)
            check_export(_layer_stack(model), folder, layers)
            return layers
        except Exception as exc:  # noqa: BLE001  ONNX Runtime's errors (Fail, NoSuchFile, …) derive from Exception
            if attempt == 2:
                raise ModelUnavailable(_("ONNX Runtime cannot load {folder}: {detail}").format(folder=folder,
                                                                                            detail=exc),
                                       _("torch runs the model instead.")) from None
            with exclusive(folder):
                shutil.rmtree(folder, ignore_errors=True)
    raise AssertionError("unreachable")


def _failure(done: subprocess.CompletedProcess) -> str:
    """What went wrong in the child, in a line: its exit, and its last words on stderr."""
    if done.returncode == OTHER_WEIGHTS:
        return _("the model loads with other weights in a new process than in this one")
    if done.returncode < 0:
        exit_ = _("it was stopped by signal {signal}").format(signal=-done.returncode)
    else:
        exit_ = _("it ended with exit code {code}").format(code=done.returncode)
    last = [line for line in (done.stderr or "").strip().splitlines() if line.strip()][-1:]
    return exit_ + (f" ({last[0].strip()[:300]})" if last else "")


class OnnxLayers:
    """An ONNX Runtime session over an exported layer stack.

    Args:
        folder: from :func:`ensure_exported`.
        threads: ONNX Runtime's threads per run (default: torch's, so that a server set to one thread per request
            keeps to it). Runs from several threads at once are safe.
    """

    def __init__(self, folder: Path, threads: int | None = None):
        import onnxruntime as ort
        import torch

        options = ort.SessionOptions()
        options.intra_op_num_threads = threads or torch.get_num_threads()
        options.inter_op_num_threads = 1
        options.log_severity_level = 3  # errors only: its warnings about unused initializers are noise here
        # the memory arena keeps its peak (a 16 x 512-token batch: about 1 GB more than torch) for 12 % less time per
        # request; the web app bounds a batch at 8,192 tokens, so the peak is bounded too
        self.folder = folder
        self.session = ort.InferenceSession(str(folder / FILE), options, providers=["CPUExecutionProvider"])

    def run(self, hidden: np.ndarray, mask: np.ndarray) -> np.ndarray:
        """The last layer's output (B, T, H) float32 for the embeddings' output ``hidden`` (B, T, H) and ``mask`` (B, T)."""
        feed = {"hidden": np.ascontiguousarray(hidden, dtype=np.float32), "mask": np.ascontiguousarray(mask, dtype=np.int64)}
        return self.session.run(None, feed)[0]


class OnnxOutput:
    """What :meth:`Encoder.forward_ids` returns when ONNX Runtime ran the layers: ``last_hidden_state`` alone."""

    def __init__(self, last_hidden_state):
        self.last_hidden_state = last_hidden_state
        self.hidden_states = None
        self.attentions = None


def _end_with_parent() -> None:
    """The export child stops when the process that started it has gone (a server stopped by ``kill``, not by a
    Ctrl-C that reaches both): an orphan would go on using a core for half a minute. Its half-written folder is a
    temporary one that the next export removes."""
    import threading
    import time

    parent = os.getppid()

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(0.5)
        os._exit(1)

    threading.Thread(target=watch, name="seqlab-export-parent", daemon=True).start()


def _main(argv: list[str]) -> int:
    """``python -m seqlab.vectors.onnx_layers NAME FOLDER FINGERPRINT``: the child process of ensure_exported."""
    import warnings

    name, folder, digest = argv
    from transformers import AutoModel

    from seqlab.pretrained.install import from_pretrained
    from seqlab.pretrained.registry import resolve

    model = from_pretrained(AutoModel, resolve(name)).eval()  # as Encoder loads it (its pooler is not exported)
    if fingerprint(model) != digest:
        return OTHER_WEIGHTS
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        export(model, Path(folder), digest)
    return 0


if __name__ == "__main__":
    if hasattr(os, "nice"):
        os.nice(10)  # it exports while a server answers requests on the same cores
    _end_with_parent()
    sys.exit(_main(sys.argv[1:]))
