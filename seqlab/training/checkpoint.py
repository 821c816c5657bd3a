"""Resumable training state: what a bit-exact resume needs, in ``<run>/state/``, replaced in one rename.

While a model trains, ``state/`` holds the latest weights, the optimizer's moments
and scalars, the trainer's counters and early-stopping record, and the random
generators' states (tensors as safetensors, the rest as JSON, each file fsynced).
The whole folder is built under a temporary name and renamed into place
(:func:`seqlab.storage.atomic_directory`), so a run killed at any moment (kill -9
included) resumes from the last complete checkpoint. Nothing is ever unpickled.
The trained model itself is written with :class:`~seqlab.training.rundir.RunDir`.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import torch

from seqlab.errors import InputError
from seqlab.i18n import _
from seqlab.storage import atomic_directory
from seqlab.training.rundir import RunDir

STATE = "state"


def save_state(out: Path, model: torch.nn.Module, optimizer: torch.optim.Optimizer, trainer: dict) -> None:
    """Everything a bit-exact resume needs, replacing ``out/state`` in one rename."""
    tensors = {f"model.{k}": v for k, v in model.state_dict().items()}
    opt_state = optimizer.state_dict()
    for index, state in opt_state["state"].items():
        for key, value in state.items():
            if torch.is_tensor(value):
                tensors[f"optim.{index}.{key}"] = value
    tensors["rng.torch"] = torch.get_rng_state()
    if torch.cuda.is_available():
        for i, s in enumerate(torch.cuda.get_rng_state_all()):
            tensors[f"rng.cuda.{i}"] = s
    meta = {"trainer": trainer, "optimizer": {"param_groups": opt_state["param_groups"],
                                               "scalars": {str(i): {k: v for k,
                                                                    v in s.items() if not torch.is_tensor(v)}
                                                           for i, s in opt_state["state"].items()}}}
    with atomic_directory(Path(out) / STATE) as tmp:
        RunDir(tmp).write_tensors(tensors, "tensors.safetensors")
        RunDir(tmp).write_json("state.json", meta)


def has_state(out: Path) -> bool:
    return (Path(out) / STATE / "state.json").exists() and (Path(out) / STATE / "tensors.safetensors").exists()


def saved_settings(out: Path) -> dict:
    """The settings the checkpoint in ``out`` was trained with (``{}`` for a checkpoint older than that record)."""
    record = RunDir(Path(out) / STATE).read_json("state.json")["trainer"]
    return record.get("settings") or {}


def anything_resumable(out: Path) -> bool:
    """Whether a ``seqlab train --resume`` of ``out`` has a checkpoint to continue from: the run's own, one model's
    of several (``out/<name>``) or an ensemble member's (``out/members/<name>``)."""
    out = Path(out)
    return any(has_state(d) for d in (out, *out.glob("*"), *out.glob("members/*")) if d.is_dir())


def load_state(out: Path, model: torch.nn.Module, optimizer: torch.optim.Optimizer,
               check: Callable[[dict], None] | None = None) -> dict:
    """Restore model, optimizer and random state; returns the trainer's record.

    ``check(record)`` runs first: a resume with other options is named by the option (``--hidden``), not by the
    tensor shape it would break.
    """
    state_dir = RunDir(Path(out) / STATE)
    meta = state_dir.read_json("state.json")
    if check is not None:
        check(meta["trainer"])
    tensors = state_dir.read_tensors("tensors.safetensors")
    weights = {k[len("model."):]: v for k, v in tensors.items() if k.startswith("model.")}
    mine = model.state_dict()
    differ = sorted(k for k in set(weights) | set(mine)
                    if k not in weights or k not in mine or weights[k].shape != mine[k].shape)
    if differ:  # other options (--hidden, --layers, …) or other data (another vocabulary) than the saved run
        saved = weights.get(differ[0])
        raise InputError(_("the checkpoint in {out} was made with other settings or data: {name} is {saved} there, "
                           "{now} now").format(out=out, name=differ[0],
                                               saved="—" if saved is None else list(saved.shape),
                                               now="—" if differ[0] not in mine else list(mine[differ[0]].shape)),
                         _("Resume with the same data and settings as the first run, or start a new out folder."),
                         cli_hint=_("Resume with the same --data and options as the first run, or start a new --out."))
    model.load_state_dict(weights)
    state = {}
    for key, value in tensors.items():
        if key.startswith("optim."):
            _prefix, index, name = key.split(".", 2)
            state.setdefault(int(index), {})[name] = value
    for index, scalars in meta["optimizer"]["scalars"].items():
        state.setdefault(int(index), {}).update(scalars)
    optimizer.load_state_dict({"state": state, "param_groups": meta["optimizer"]["param_groups"]})
    torch.set_rng_state(tensors["rng.torch"])
    cuda = [tensors[k] for k in sorted(tensors) if k.startswith("rng.cuda.")]
    if cuda and torch.cuda.is_available():
        torch.cuda.set_rng_state_all(cuda)
    return meta["trainer"]
