"""What a ``seqlab train`` run was started with, so that ``--resume`` needs only ``--out``.

A fresh run writes every option's value (defaults included) to ``<out>/command.json`` before it trains.
``seqlab train --out DIR --resume`` reads them back:

- an option left out takes the first run's value (and the command says which ones it took);
- an option given again must have the first run's value: a resume with other settings would mix two runs;
- options that only say where and how the run works or reports (``--device``, ``--threads``,
  ``--checkpoint-every``, ``--json``, ``--lang``) may change; ``--threads`` and ``--checkpoint-every``, left out,
  are the first run's too.

A run folder made before this record existed has none; its resume needs the same options again, as before.
"""

from __future__ import annotations

import json
import uuid
from pathlib import Path

from seqlab.cli.options import long_name
from seqlab.errors import DamagedFile, UsageError, json_problem
from seqlab.i18n import _
from seqlab.storage import atomic_write_json
from seqlab.text.reading import os_reason

RECORD = "command.json"
FREE = ("out", "resume", "device", "threads", "checkpoint_every", "json_out", "lang")  # may differ in a resume
SETTINGS = ("threads", "checkpoint_every")  # of those, kept for a resume that leaves them out (not --device:
# a run on a GPU machine resumed on another finds its device with the default, auto)
PATHS = ("data", "vocab")  # files: kept absolute, since a resume may run from another folder
MAYBE_PATHS = ("embedding", "tokenizer")  # a name (word2vec, e5-small) or a file/folder: absolute when it exists


def _stored(name: str, value):
    """The value as recorded and compared: a path made absolute and resolved (``../train.tsv`` from ``cmp/``
    is the same file as ``/a/train.tsv``)."""
    if value is None or not (name in PATHS or (name in MAYBE_PATHS and Path(str(value)).exists())):
        return value
    return str(Path(value).resolve())


FOLDED = ("model", "task", "fmt", "head", "precision", "device", "attention")  # choices read in any case (one_of)


def _same(name: str, given, recorded) -> bool:
    """Whether a resume asks for the recorded value: a choice in any case (``--model TFIDF`` is tfidf)."""
    if name in FOLDED and isinstance(given, str) and isinstance(recorded, str):
        return given.lower() == recorded.lower()
    return given == recorded


RUN_ID = uuid.uuid4().hex  # this process's: a cleanup after a failure removes only the run it started
WRITTEN = ("command.json", "config.json", "metrics.json", "model.safetensors", "vocab.json", "embedding.json",
           "val_probabilities.safetensors", "curves.png", "forecast.png", "state", "members")  # what runs write


def record_options(out: Path, params: dict) -> Path:
    """Write the options of a fresh run to ``out/command.json`` (atomically)."""
    options = {name: _stored(name, value) for name, value in params.items() if name not in FREE}
    settings = {name: params[name] for name in SETTINGS if params.get(name) is not None}
    return atomic_write_json(Path(out) / RECORD, {"command": "train", "options": options, "settings": settings,
                                                   "run": RUN_ID})


def forget_lone_record(out: Path, created: bool = False) -> bool:
    """Remove ``out/command.json`` when it is all the folder holds: the record of a run that failed or was
    stopped before it saved anything (a fresh run may then use the folder); with ``created`` (this command made
    the folder), the empty folder too. Whether it removed the record."""
    out = Path(out)
    if out.is_dir() and [p.name for p in out.iterdir()] == [RECORD]:
        (out / RECORD).unlink()
        if created:
            out.rmdir()
        return True
    return False


def has_progress(out: Path) -> bool:
    """Whether ``out`` holds something ``--resume`` continues from: a checkpoint (the run's, a member's, one model's
    of several) or a finished run (one model of several: the others go on)."""
    from seqlab.training.checkpoint import anything_resumable
    from seqlab.training.runs import finished_summary

    out = Path(out)
    return anything_resumable(out) or any(finished_summary(d) is not None for d in (out, *out.glob("*"))
                                          if d.is_dir())


def discard_unsaved(out: Path, created: bool, models: list[str] = ()) -> bool:
    """Remove what this process's fresh run wrote to ``out`` when it stopped (an error, Ctrl-C) before saving
    anything to continue from: its ``command.json``, a word2vec file, a finished ensemble member, without which the
    same command could not run again ("is a folder that is not empty").

    Only a run whose ``command.json`` this process wrote (not another run started on the same folder), and only the
    files runs write (:data:`WRITTEN`, a model's folder of ``models``, half-written temporaries): anything else stays.
    ``created``: the folder too, once empty. Whether it removed anything."""
    import shutil

    out = Path(out)
    if not out.is_dir() or has_progress(out):
        return False
    try:
        mine = json.loads((out / RECORD).read_text(encoding="utf-8")).get("run") == RUN_ID
    except (OSError, ValueError, AttributeError):
        mine = False
    if not mine:
        return False
    for path in out.iterdir():
        ours = path.name in WRITTEN or path.name in models or (path.name.startswith(".") and ".tmp" in path.name)
        if ours:
            shutil.rmtree(path) if path.is_dir() and not path.is_symlink() else path.unlink()
    if created and not any(out.iterdir()):
        out.rmdir()
    return True


def run_task(out: Path) -> str | None:
    """The task of the run in ``out`` as its files say it (``config.json``, else ``metrics.json``: forecast,
    seq2seq, ...), or None where neither says one."""
    for name in ("config.json", "metrics.json"):
        try:
            task = json.loads((Path(out) / name).read_text(encoding="utf-8")).get("task")
        except (OSError, ValueError, AttributeError):
            continue
        if isinstance(task, str):
            return task
    return None


def _param(ctx, name: str):
    return next((p for p in ctx.command.params if p.name == name), None)


def _flag(ctx, name: str) -> str:
    param = _param(ctx, name)
    return long_name(param) if param is not None and param.opts else name


def _as_typed(ctx, name: str, value) -> str:
    """How the option is written on the command line: ``--hidden 8``, ``--unidirectional``, ``--freeze-embedding``."""
    param = _param(ctx, name)
    if isinstance(value, bool) and param is not None:
        return (param.opts[0] if value else (param.secondary_opts or [f"no {param.opts[0]}"])[0])
    return f"{_flag(ctx, name)} {value}"


def _shown(value) -> str:
    return _("the default") if value is None else str(value)


def _refuse_one_model_of_a_comparison(out: Path) -> None:
    """``--out runs/cmp/tfidf --resume``: one model's folder of a comparison keeps no record of its own (the
    comparison's is in ``runs/cmp``), which was said as "a run of an older seqlab"."""
    from seqlab.training.runs import model_names

    try:
        record = json.loads((out.parent / RECORD).read_text(encoding="utf-8"))
        models = model_names(str(record["options"].get("model") or ""))
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return
    if len(models) > 1 and out.name.lower() in models:
        raise UsageError(_("{out} is one model ({name}) of the comparison run in {parent}: its options are "
                           "recorded there").format(out=out, name=out.name, parent=out.parent),
                         _("Resume the comparison: seqlab train --out {parent} --resume (its finished models are "
                           "kept, the others continue).").format(parent=out.parent))


def resumed_options(ctx, out: Path) -> tuple[dict, list[str] | None]:
    """The options of a resume (``ctx``: the command's click context): what was given now, the rest from the
    first run's record.

    Returns the options and, for the note, each one taken from the record that differs from the default
    (``--data /path/train.tsv``); without a record (a run of an older seqlab), the options as given and None.
    """
    params = dict(ctx.params)
    path = Path(out) / RECORD
    if not path.is_file():
        _refuse_one_model_of_a_comparison(Path(out))
        if run_task(out) == "forecast" and str(params.get("task")).lower() != "forecast":
            # a forecast keeps no record and no checkpoint (--task forecast --resume is refused as an unused option)
            raise UsageError(_("{out} holds a forecast run, and a forecast run is not resumed: it trains in one go, "
                               "with no checkpoint").format(out=out),
                             _("Start it again with a new --out: seqlab train --task forecast --out NEW_FOLDER"))
        return params, None
    try:
        record = json.loads(path.read_text(encoding="utf-8"))
        saved, settings = record["options"], record.get("settings") or {}
        if not isinstance(saved, dict) or not isinstance(settings, dict):
            raise TypeError(type(saved).__name__)
    except (OSError, ValueError, KeyError, TypeError) as exc:
        error = (os_reason(exc) if isinstance(exc, OSError) else json_problem(exc) if isinstance(exc, ValueError)
                 else _("it holds no object of options"))
        raise DamagedFile(_("cannot read the options of the first run in {path}: {error}").format(path=path,
                                                                                                error=error),
                          _("Resume with the same --data and options as the first run, or start a new --out."),
                          reason=f"{type(exc).__name__}: {exc}") from None
    taken = []
    for name, value in [*saved.items(), *((k, v) for k, v in settings.items() if k in SETTINGS)]:
        if (name in FREE and name not in SETTINGS) or name not in params:
            continue
        source = ctx.get_parameter_source(name)  # typer's own copy of click's ParameterSource: compared by name
        given = source is not None and source.name == "COMMANDLINE"
        if name in SETTINGS and given:  # --threads 4 on a resume: this run's way of working, not the model's
            continue
        if not given:
            params[name] = Path(value) if name in PATHS and value is not None else value
            param = _param(ctx, name)
            if value is not None and value != (param.default if param is not None else None):
                taken.append(_as_typed(ctx, name, value))
        elif not _same(name, _stored(name, params[name]), value):
            raise UsageError(_("the run in {out} was made with {key} = {before}, and this resume asks for "
                               "{after}").format(out=out, key=_flag(ctx, name), before=_shown(value),
                                                 after=_shown(params[name])),
                             _("Leave that option out to resume with the first run's value, or start a new --out."))
    return params, taken
