"""The encoder's transformer layers run by ONNX Runtime: the same weights and math, about twice as fast on a CPU.

The Hugging Face model still computes its embeddings (word + position + token type, then LayerNorm: its
own module); only the stack of encoder layers is exported, once, to ONNX (``torch.onnx.export``, dynamo)
and run by ONNX Runtime, whose CPU kernels fuse attention, GELU and LayerNorm. The outputs equal
``AutoModel(...).last_hidden_state`` on the real tokens to about 2e-6 in float32 (tested); a 23-token
e5-small forward on one thread takes about 16 ms against 32 ms in torch (docs/benchmarks.md).

The export runs in a child process (it takes 15 to 30 s, holds the GIL, and traces the modules), so a
server keeps answering with torch meanwhile. It is cached under ``$SEQLAB_HOME/onnx`` with the
fingerprint of the weights and config it came from; a cached file that does not match is never loaded.

    >>> # layers = OnnxLayers(ensure_exported("e5-small", model))
    >>> # hidden = layers.run(model.embeddings(input_ids=ids).numpy(), mask)   # (B, T, H)
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np

from seqlab.errors import ModelUnavailable
from seqlab.i18n import _
from seqlab.storage import atomic_directory, seqlab_home

EXPORT_VERSION = 1  # bump when LayerStack or the export settings change: old files are then not loaded
SUPPORTED = ("bert", "roberta", "xlm-roberta")
EXPORT_TIMEOUT_S = 900
FILE = "layers.onnx"
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
    digest = hashlib.sha256(f"seqlab-onnx-layers {EXPORT_VERSION}\n".encode())
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
    return record.get("fingerprint") == digest and (folder / FILE).exists()


def export(model, folder: Path, digest: str) -> None:
    """Write ``model``'s layer stack to ``folder/layers.onnx`` (and its weights beside it), atomically."""
    import torch

    stack = _layer_stack(model)
    hidden = torch.zeros((2, 8, model.config.hidden_size))
    mask = torch.ones((2, 8), dtype=torch.long)
    batch, length = torch.export.Dim("batch"), torch.export.Dim("length", max=max(model.config.max_position_embeddings, 16))
    with atomic_directory(folder) as tmp, torch.no_grad():
        program = torch.onnx.export(stack, (hidden, mask), dynamo=True, input_names=["hidden", "mask"],
                                    output_names=["last_hidden_state"], verbose=False,
                                    dynamic_shapes={"hidden": {0: batch, 1: length}, "mask": {0: batch, 1: length}})
        program.save(str(tmp / FILE), external_data=True)
        (tmp / "source.json").write_text(json.dumps({"fingerprint": digest, "export_version": EXPORT_VERSION,
                                                     "torch": torch.__version__}), encoding="utf-8")


def ensure_exported(name: str, model) -> Path:
    """The folder of ``model``'s exported layers, exporting them first (in a child process) when none matches.

    ``name`` is the registry name, hub id or folder the child loads the same model from.
    """
    digest = fingerprint(model)
    folder = cache_folder(name, digest)
    if is_exported(folder, digest):
        return folder
    command = [sys.executable, "-m", "seqlab.vectors.onnx_layers", name, str(folder), digest]
    try:
        done = subprocess.run(command, check=False, capture_output=True, text=True, timeout=EXPORT_TIMEOUT_S)
    except subprocess.TimeoutExpired:
        raise ModelUnavailable(_("exporting {name} to ONNX took more than {seconds} s").format(
            name=name, seconds=EXPORT_TIMEOUT_S), _("torch runs the model instead.")) from None
    if done.returncode != 0 or not is_exported(folder, digest):
        last = (done.stderr or done.stdout).strip().splitlines()[-1:] or [""]
        raise ModelUnavailable(_("exporting {name} to ONNX failed: {detail}").format(name=name, detail=last[0]),
                               _("torch runs the model instead."))
    return folder


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


def _main(argv: list[str]) -> int:
    """``python -m seqlab.vectors.onnx_layers NAME FOLDER FINGERPRINT``: the child process of ensure_exported."""
    import warnings

    name, folder, digest = argv
    if hasattr(os, "nice"):
        os.nice(10)  # it exports while a server answers requests on the same cores
    from transformers import AutoModel

    from seqlab.pretrained.install import from_pretrained
    from seqlab.pretrained.registry import resolve

    model = from_pretrained(AutoModel, resolve(name)).eval()  # as Encoder loads it (its pooler is not exported)
    if fingerprint(model) != digest:
        print(f"{name} loads with other weights in a new process than in its parent", file=sys.stderr)
        return 1
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        export(model, Path(folder), digest)
    return 0


if __name__ == "__main__":
    sys.exit(_main(sys.argv[1:]))
