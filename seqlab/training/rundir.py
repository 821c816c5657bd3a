"""A trained run directory: the one reader and writer every trainer and predictor uses.

A run directory holds the trained model and what it needs to predict, each file
written atomically (temporary file, fsync, rename; :mod:`seqlab.storage`):

- ``config.json``: the task, the model kind, its settings, the label names, the data;
- ``model.safetensors``: every tensor (torch or NumPy), never a pickle;
- ``vocab.json``: the vocabulary, when the model has one;
- ``metrics.json``: the summary of the run (validation scores, times, sizes);
- ``val_probabilities.safetensors``: the validation split's class probabilities (classifiers);
- ``state/``: while training, what a resume needs (:mod:`seqlab.training.checkpoint`).

A run killed at any moment (kill -9 included) leaves each file either old or new,
never half-written. Reading goes through :class:`RunDir`, which turns a missing
or damaged file into a message that says what to do.
"""

from __future__ import annotations

import json
import shlex
from pathlib import Path

import numpy as np

from seqlab.errors import DamagedFile, InputError, json_problem
from seqlab.i18n import _
from seqlab.ids.vocab import Vocabulary
from seqlab.storage import atomic_write_bytes, atomic_write_json
from seqlab.text.reading import file_error

CONFIG, MODEL, VOCAB, METRICS = "config.json", "model.safetensors", "vocab.json", "metrics.json"
VAL_PROBS = "val_probabilities.safetensors"  # the class probabilities of the validation split (ensembles fit on them)


class RunDir:
    """``RunDir(path)``: write and read the files of one run."""

    def __init__(self, path: str | Path):
        self.path = Path(path)

    def __repr__(self) -> str:
        return f"RunDir({str(self.path)!r})"

    # -- writing ----------------------------------------------------------------------------------
    def write_json(self, name: str, obj) -> Path:
        return atomic_write_json(self.path / name, obj)

    def write_tensors(self, tensors: dict, name: str = MODEL) -> Path:
        """Tensors (torch or NumPy, not mixed) as safetensors. The header's metadata is fixed, so that the
        bytes of the same weights are always the same."""
        values = list(tensors.values())
        if values and isinstance(values[0], np.ndarray):
            from safetensors.numpy import save

            data = save({k: np.ascontiguousarray(v) for k, v in tensors.items()}, metadata={"format": "np"})
        else:
            from safetensors.torch import save

            data = save({k: v.detach().cpu().contiguous() for k, v in tensors.items()}, metadata={"format": "pt"})
        return atomic_write_bytes(self.path / name, data)

    def write_model(self, module, name: str = MODEL) -> Path:
        """A torch module's ``state_dict``."""
        return self.write_tensors(dict(module.state_dict()), name)

    def write_vocab(self, vocab: Vocabulary) -> Path:
        return vocab.save(self.path / VOCAB)

    def write_val_probabilities(self, probs: np.ndarray) -> Path:
        """(N_val, C) probabilities of the validation split, in its order: what ``--model best`` stacks."""
        return self.write_tensors({"probabilities": np.asarray(probs, dtype=np.float32)}, VAL_PROBS)

    # -- reading ----------------------------------------------------------------------------------
    def read_json(self, name: str) -> dict:
        path = self.path / name
        try:
            return json.loads(path.read_text(encoding="utf-8"))
        except (FileNotFoundError, NotADirectoryError):
            if not self.path.exists():
                raise InputError(_("{path} does not exist").format(path=self.path),
                                 _("Give the folder of a trained run: the out of train_models or train_seq2seq."),
                                 cli_hint=_("Give the folder of a trained run: seqlab train --out DIR, or the out of "
                                            "train_models in Python.")) from None
            if not self.path.is_dir():
                raise InputError(_("{path} is not a directory").format(path=self.path),
                                 _("Give the folder of a trained run: the out of train_models or train_seq2seq."),
                                 cli_hint=_("Give the folder of a trained run: seqlab train --out DIR, or the out of "
                                            "train_models in Python.")) from None
            if name == CONFIG and (self.path / "state" / "state.json").is_file():  # interrupted: its checkpoint only
                raise self.unfinished() from None
            runs = sorted(p for p in self.path.iterdir() if (p / CONFIG).is_file()) if name == CONFIG else []
            if len(runs) == 1:  # a folder that holds one run: name it
                raise InputError(_("{path} is not a seqlab run directory (no {name})").format(path=self.path, name=name),
                                 _("Give the run inside it: {run}").format(run=runs[0])) from None
            if runs:  # the --out of `seqlab train --model a,b` (one run per model inside), or a folder of runs
                raise InputError(_("{path} is not one run: it holds {k} runs, {models}").format(
                    path=self.path, k=len(runs), models=", ".join(p.name for p in runs)),
                    _("Give one of them: {paths}").format(paths=", ".join(str(p) for p in runs))) from None
            raise InputError(_("{path} is not a seqlab run directory (no {name})").format(path=self.path, name=name),
                             _("Give the folder of a trained run: the out of train_models or train_seq2seq."),
                             cli_hint=_("Give the folder of a trained run: seqlab train --out DIR, or the out of "
                                        "train_models in Python.")) from None
        except OSError as exc:
            raise file_error(path, exc) from None
        except ValueError as exc:  # not JSON, or not UTF-8: the file was changed or cut short
            raise DamagedFile(_("{path} is damaged: {exc}").format(path=path, exc=json_problem(exc)),
                              _("Train the run again (train_models or train_seq2seq), or restore the file."),
                              cli_hint=_("Train the run again (seqlab train … --out, or train_models in Python), or "
                                         "restore the file."),
                              reason=str(exc)) from None

    @property
    def config(self) -> dict:
        config = self.read_json(CONFIG)
        if not isinstance(config, dict):  # valid JSON, but not what seqlab writes
            raise DamagedFile(_("{path} is damaged: {exc}").format(path=self.path / CONFIG,
                                                                  exc=_("it is not a JSON object")),
                              _("Train the run again (train_models or train_seq2seq), or restore the file."),
                              cli_hint=_("Train the run again (seqlab train … --out, or train_models in Python), or "
                                         "restore the file."))
        return config

    def unfinished(self) -> InputError:
        """The error for a run that is not done: interrupted before its first model was written (a checkpoint in
        ``state/`` and no config yet), or written as partial."""
        return InputError(_("{out} holds an unfinished run").format(out=self.path),
                          _("Finish it with train_models and TrainOptions(resume=True) (train_seq2seq: resume=True)."),
                          cli_hint=_("Finish it with: seqlab train --out {out} --resume (the first run's options "
                                     "are read from its command.json).").format(out=shlex.quote(str(self.path))))

    def finished(self, task: str, models: tuple[str, ...] | None = None) -> dict:
        """The config of a finished run of ``task`` (and of one of ``models``); an InputError saying what it is else.

        ``load_predictor`` and the recurrent and Seq2Seq predictors read their run through this, so a run of
        another kind is named, never a KeyError.
        """
        config = self.config
        if config.get("partial"):
            raise self.unfinished()
        kind = config.get("model")
        if config.get("task") != task or (models is not None and kind not in models):
            wanted = list(models or (task,))
            needs = (_("{out} holds the model {kind} (task {task}); this needs {wanted}") if len(wanted) == 1 else
                     _("{out} holds the model {kind} (task {task}); this needs one of {wanted}"))
            trainer = "train_seq2seq" if task == "seq2seq" else "train_models"
            cli_hint = (_("Give the folder of a run made by: seqlab train --task {task} --model {model} (or "
                          "train_models in Python)").format(task=task, model=models[0]) if models else
                        _("Give the folder of a run made by: seqlab train --task {task} (or train_models in "
                          "Python)").format(task=task))
            if config.get("task") == "seq2seq":  # what reads the run that was given
                cli_hint += "\n" + _("This seq2seq run is read by: seqlab trace seq2seq TEXT --checkpoint {out} and "
                                     "seqlab predict {out} TEXT").format(out=shlex.quote(str(self.path)))
            raise InputError(needs.format(out=self.path, kind=kind, task=config.get("task"), wanted=", ".join(wanted)),
                _("Give the folder of a {model} run made by {trainer}.").format(model=models[0], trainer=trainer)
                if models else _("Give the folder of a run made by {trainer}.").format(trainer=trainer),
                cli_hint=cli_hint)
        return config

    def read_tensors(self, name: str = MODEL, framework: str = "pt") -> dict:
        """The tensors of a safetensors file, as torch tensors (``pt``) or NumPy arrays (``np``)."""
        path = self.path / name
        try:
            if framework == "np":
                from safetensors.numpy import load_file
            else:
                from safetensors.torch import load_file
            return load_file(str(path))
        except FileNotFoundError:
            raise InputError(_("missing {name} in {path}").format(name=name, path=self.path),
                             _("Train the model first (train_models or train_seq2seq)."),
                             cli_hint=_("Train the model first (seqlab train, or train_models in Python).")) from None
        except Exception as exc:  # noqa: BLE001  safetensors raises its own error types for damaged files
            raise DamagedFile(_("{path} is damaged or not a safetensors file").format(path=path),
                              _("Train the run again (train_models or train_seq2seq), or restore the file."),
                              cli_hint=_("Train the run again (seqlab train … --out, or train_models in Python), or "
                                         "restore the file."),
                              reason=f"{type(exc).__name__}: {exc}") from None

    def read_vocab(self) -> Vocabulary:
        """The run's own vocabulary: missing or damaged, the run is (not "build one with seqlab vocab build")."""
        try:
            return Vocabulary.load(self.path / VOCAB)
        except InputError as exc:
            raise DamagedFile(_("the run in {path} cannot read its vocabulary: {problem}").format(
                path=self.path, problem=exc.message),
                _("Train the run again (train_models or train_seq2seq), or restore the file."),
                cli_hint=_("Train the run again (seqlab train … --out, or train_models in Python), or restore the "
                           "file."), reason=exc.message) from None

    def read_val_probabilities(self) -> np.ndarray:
        return self.read_tensors(VAL_PROBS, framework="np")["probabilities"]

    def disk_mb(self) -> float:
        """Size of the trained model's files (the resumable training state left out)."""
        return sum(p.stat().st_size for p in self.path.rglob("*") if p.is_file() and "state" not in
                   p.relative_to(self.path).parts) / 1e6
