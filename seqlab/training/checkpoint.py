"""Checkpoints without pickle: safetensors for every tensor, JSON for everything else, written atomically.

A run directory holds the trained model (``model.safetensors``, ``config.json``,
``vocab.json``, ``metrics.json``) and, while training, ``state/`` with what a
resume needs: the latest weights, the AdamW moments, the step counters, the
early-stopping record, and the random generators' states. Each is written into
a temporary directory that replaces the old one in one rename, so a run killed
at any moment (kill -9 included) resumes from the last complete checkpoint.
Loading reads tensors with safetensors and the rest with ``json``: nothing is
ever unpickled.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import torch
from safetensors.torch import load_file, save_file

from seqlab.errors import InputError
from seqlab.storage import atomic_directory, atomic_write_json

STATE = "state"


def save_model(out: Path, model: torch.nn.Module, config: dict, vocab: dict | None, metrics: dict | None = None,
               extra_files: dict[str, bytes] | None = None) -> None:
    """Write the trained model's files (each atomically)."""
    out.mkdir(parents=True, exist_ok=True)
    tensors = {k: v.detach().cpu().contiguous() for k, v in model.state_dict().items()}
    tmp = out / ".model.safetensors.tmp"
    save_file(tensors, str(tmp), metadata={"format": "pt"})  # one key: the header's bytes are reproducible
    tmp.replace(out / "model.safetensors")
    atomic_write_json(out / "config.json", config)
    if vocab is not None:
        atomic_write_json(out / "vocab.json", vocab)
    if metrics is not None:
        atomic_write_json(out / "metrics.json", metrics)
    for name, data in (extra_files or {}).items():
        from seqlab.storage import atomic_write_bytes

        atomic_write_bytes(out / name, data)


def load_json(path: Path) -> dict:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InputError(f"{path.parent} is not a seqlab model directory (no {path.name})",
                         "Give the --out folder of seqlab train.") from None
    except (OSError, ValueError) as exc:
        raise InputError(f"cannot read {path}: {exc}") from None


def load_weights(path: Path) -> dict[str, torch.Tensor]:
    try:
        return load_file(str(path))
    except FileNotFoundError:
        raise InputError(f"missing {path.name} in {path.parent}", "Train the model first (seqlab train).") from None
    except Exception as exc:  # safetensors raises its own error types for damaged files
        raise InputError(f"{path} is damaged or not a safetensors file: {exc}") from None


def save_state(out: Path, model: torch.nn.Module, optimizer: torch.optim.Optimizer, trainer: dict) -> None:
    """Everything a bit-exact resume needs, replacing ``out/state`` in one rename."""
    tensors = {f"model.{k}": v.detach().cpu().contiguous() for k, v in model.state_dict().items()}
    opt_state = optimizer.state_dict()
    for index, state in opt_state["state"].items():
        for key, value in state.items():
            if torch.is_tensor(value):
                tensors[f"optim.{index}.{key}"] = value.detach().cpu().contiguous()
    tensors["rng.torch"] = torch.get_rng_state()
    if torch.cuda.is_available():
        for i, s in enumerate(torch.cuda.get_rng_state_all()):
            tensors[f"rng.cuda.{i}"] = s
    meta = {"trainer": trainer, "optimizer": {"param_groups": opt_state["param_groups"],
                                               "scalars": {str(i): {k: v for k, v in s.items() if not torch.is_tensor(v)}
                                                           for i, s in opt_state["state"].items()}}}
    with atomic_directory(out / STATE) as tmp:
        save_file(tensors, str(tmp / "tensors.safetensors"), metadata={"format": "pt"})
        (tmp / "state.json").write_text(json.dumps(meta), encoding="utf-8")


def has_state(out: Path) -> bool:
    return (out / STATE / "state.json").exists() and (out / STATE / "tensors.safetensors").exists()


def load_state(out: Path, model: torch.nn.Module, optimizer: torch.optim.Optimizer) -> dict:
    """Restore model, optimizer and random state; returns the trainer's record."""
    meta = load_json(out / STATE / "state.json")
    tensors = load_weights(out / STATE / "tensors.safetensors")
    model.load_state_dict({k[len("model."):]: v for k, v in tensors.items() if k.startswith("model.")})
    state = {}
    for key, value in tensors.items():
        if key.startswith("optim."):
            _, index, name = key.split(".", 2)
            state.setdefault(int(index), {})[name] = value
    for index, scalars in meta["optimizer"]["scalars"].items():
        state.setdefault(int(index), {}).update(scalars)
    optimizer.load_state_dict({"state": state, "param_groups": meta["optimizer"]["param_groups"]})
    torch.set_rng_state(tensors["rng.torch"])
    cuda = [tensors[k] for k in sorted(tensors) if k.startswith("rng.cuda.")]
    if cuda and torch.cuda.is_available():
        torch.cuda.set_rng_state_all(cuda)
    return meta["trainer"]


def numpy_state(rng: np.random.Generator) -> dict:
    return rng.bit_generator.state


def numpy_rng(state: dict) -> np.random.Generator:
    rng = np.random.default_rng()
    rng.bit_generator.state = state
    return rng
