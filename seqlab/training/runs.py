"""``train_models``: one call that trains any of seqlab's classifiers on a labelled file and returns their summaries.

The CLI (``seqlab train``) and your own code call the same function::

    from seqlab.training.runs import TrainOptions, train_models
    runs = train_models(["tfidf", "lstm"], TrainOptions(data="train.tsv"), "runs/cmp")
    [r.to_dict()["val"]["accuracy"] for r in runs]

Each model is trained by the trainer registered for its name in :data:`TRAINERS`;
with several models, each gets a subfolder of ``out`` named after it.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path

from seqlab.display import Displayable
from seqlab.errors import InputError, UsageError, check_path
from seqlab.i18n import N_, _
from seqlab.ids.limits import MAX_MIN_COUNT
from seqlab.limits import SEED_MAX
from seqlab.training.data import VAL_FRACTION_RANGE
from seqlab.training.option_use import unused_fields, unused_message


@dataclass
class TrainOptions:
    """What ``seqlab train`` accepts; None means "the model's own default"."""

    data: str | Path | None = None  # labelled file: NSMC TSV, CSV, TSV or JSONL
    fmt: str | None = None  # nsmc, tsv, csv or jsonl (None: from the extension)
    text_col: str | None = None  # column (or JSON key) of the text; NSMC: document
    label_col: str | None = None  # column of the label; NSMC: label
    val_fraction: float = 0.1  # held out, stratified, for model selection and the reported scores
    seed: int = 13  # data split, initialization and batch order
    epochs: int | None = None  # recurrent models: passes over the training set
    batch_size: int | None = None  # recurrent models: texts per optimizer step
    lr: float | None = None  # recurrent models: peak learning rate of AdamW
    hidden: int | None = None  # recurrent models: hidden size per direction
    layers: int | None = None  # recurrent models: stacked layers
    dropout: float | None = None  # recurrent models: dropout probability
    bidirectional: bool | None = None  # recurrent models: read both ways
    patience: int | None = None  # evaluations without improvement before stopping early
    adversarial: float | None = None  # recurrent models: ε of adversarial training on the embeddings (0: off)
    embedding: str | None = None  # recurrent models: random, e5, or a word2vec/FastText file
    embed_dim: int | None = None  # recurrent models: width of the embedding
    freeze_embedding: bool = False  # recurrent models: keep the initial embedding fixed
    tokenizer: str = "kiwi"  # recurrent models: kiwi, e5-small, char, whitespace or a model name
    vocab: str | Path | None = None  # recurrent models: a vocabulary file from `seqlab vocab build`
    min_freq: int = 2  # recurrent models: tokens seen fewer times in the training texts become <unk> (no vocab given)
    max_length: int = 128  # recurrent models: tokens kept per text
    head: str = "logreg"  # e5-head: logreg or mlp
    precision: str = "fp32"  # e5-head: e5 features in fp32 or bf16
    bucket: bool = True  # recurrent models: length bucketing
    device: str = "auto"  # auto, cpu or cuda
    threads: int | None = None  # torch CPU threads of lstm/gru/rnn and e5-tune (None: the loop's default, 2)
    resume: bool = False  # continue the run in `out` from its last checkpoint
    checkpoint_every: int = 100  # recurrent models: steps between resumable checkpoints


# The range of every number of TrainOptions (low, high, whole): one table for the library and `seqlab train`
RANGES = {"val_fraction": (*VAL_FRACTION_RANGE, False), "seed": (0, SEED_MAX, True), "epochs": (1, 100, True),
          "batch_size": (1, 4096, True), "lr": (1e-8, 1.0, False), "hidden": (1, 2048, True), "layers": (1, 8, True),
          "dropout": (0.0, 0.9, False), "patience": (1, None, True), "adversarial": (0.0, 10.0, False),
          "embed_dim": (2, 2048, True), "max_length": (1, 4096, True), "min_freq": (1, MAX_MIN_COUNT, True),
          "threads": (1, 1024, True),
          "checkpoint_every": (1, None, True)}


# narrower ranges of one model: e5-small reads 512 pieces, and fewer than 8 leave no text after <s> and "query: "
MODEL_RANGES = {"e5-tune": {"max_length": (8, 512, True)}}


def check_options(opts: TrainOptions, models: list[str] = ()) -> TrainOptions:
    """``opts`` checked as ``seqlab train`` checks its options (an :class:`InputError` naming the field), returned
    with its choices as seqlab spells them: every number in its range and of its type (``epochs=0`` would write a
    finished run of an untrained model), every choice and flag, and, given ``models`` (the models to train), their
    own narrower ranges (:data:`MODEL_RANGES`) and no field that none of them reads (``hidden=8`` for tfidf)."""
    from seqlab.errors import check_number

    if not isinstance(opts, TrainOptions):  # train_models("tfidf", "train.tsv", …): an AttributeError before
        raise InputError(_("opts must be a TrainOptions, not {name}").format(name=type(opts).__name__),
                         _("e.g. TrainOptions(data=\"ratings_train.txt\")"), option="opts")
    for name, (low, high, whole) in RANGES.items():
        check_number(name, getattr(opts, name), low, high, whole)
    for model in models:
        for name, (low, high, whole) in MODEL_RANGES.get(model, {}).items():
            check_number(f"{name} ({model})", getattr(opts, name), low, high, whole)
    if opts.embedding is not None and opts.embed_dim is not None:
        from seqlab.training.init_widths import check_embed_dim

        check_embed_dim(opts.embedding, opts.embed_dim)
    if opts.device != "auto":  # device="cuda" without a GPU failed after the data, the split and word2vec
        from seqlab.vectors.encoder import pick_device

        pick_device(opts.device)
    opts = replace(opts, **_checked_kinds(opts))  # a copy: the caller's options are left as given
    unread = unused_fields(opts, models) if models else []
    if unread:  # hidden=8 for tfidf trained in silence, where seqlab train refuses --hidden
        raise InputError(unused_message(unread), _("Leave them out of TrainOptions, or choose models that use them."),
                         option=tuple(name for given, _who in unread for name in given))
    return opts


def _checked_kinds(opts: TrainOptions) -> dict:
    """The choices of ``opts`` as seqlab spells them (head="MLP" is "mlp"), its flags checked: head="svm" and
    precision="fp16" trained as logreg and fp32, and bidirectional="no" was read as True."""
    from seqlab.errors import check_choice, check_flag
    from seqlab.training.e5_head import HEADS
    from seqlab.vectors.encoder import PRECISIONS

    for name in ("bidirectional", "freeze_embedding", "bucket", "resume"):
        check_flag(name, getattr(opts, name), none=name == "bidirectional")  # None: the model's own default
    return {"head": check_choice("head", opts.head, HEADS), "precision": check_choice("precision", opts.precision,
                                                                                        PRECISIONS)}


@dataclass(repr=False)  # Displayable's short repr
class RunSummary(Displayable):
    """One trained model: where it is, what the trainer reported (also in its ``metrics.json``), its size."""

    name: str
    out: Path
    summary: dict  # in the repr, cut short: the model, its validation scores, seconds, … ("summary=" was hidden)
    disk_mb: float = 0.0
    data: dict = field(default_factory=dict)  # source, split sizes and the rows skipped (see split_record)

    @property
    def history(self) -> list[dict]:
        return self.summary.get("history", [])

    def to_dict(self) -> dict:
        return {**{k: v for k, v in self.summary.items() if k != "history"}, "disk_mb": round(self.disk_mb, 2),
                "data": self.data, "out": str(self.out)}


Trainer = Callable[..., dict]


def _say_truncated(name: str, summary: dict) -> None:
    """The texts a model (or a member of ``best``) read only the first max_length tokens of, as library notes."""
    from seqlab.notes import say_note
    from seqlab.training.predictors import truncation_text

    for who, record in [(name, summary), *summary.get("members", {}).items()]:
        line = truncation_text(record.get("truncated"))
        if line:
            say_note(f"{who}: {line}")


def _tfidf(name, train, val, out, opts: TrainOptions, on_step, on_phase) -> dict:
    from seqlab.training.tfidf import train_tfidf

    return train_tfidf(train, val, out, on_phase=on_phase)


def _nbsvm(name, train, val, out, opts: TrainOptions, on_step, on_phase) -> dict:
    from seqlab.training.nbsvm import train_nbsvm

    return train_nbsvm(train, val, out, on_phase=on_phase)


def _best(name, train, val, out, opts: TrainOptions, on_step, on_phase) -> dict:
    """The ensemble named by :data:`BEST`: its members trained on the same split (sharing the Kiwi split and
    the n-gram features), then stacked on the validation split."""
    from seqlab.training.ensemble import EnsembleConfig, train_ensemble

    def member(m: str, run_dir: Path) -> dict:
        def phase(p: str) -> None:
            on_phase(f"{m}: {_(p)}")

        # --resume: a member with a checkpoint continues from it; one without (not reached, or not resumable) starts
        return TRAINERS[m](m, train, val, run_dir, resumable(opts, run_dir), on_step, phase if on_phase else None)

    cfg = EnsembleConfig(seed=opts.seed)
    if len(train.label_names) != 2:  # NB-SVM is two-class only
        cfg.members = [m for m in cfg.members if m != "nbsvm"]
    return train_ensemble(train, val, out, member, cfg, on_phase=on_phase)


def _e5_head(name, train, val, out, opts: TrainOptions, on_step, on_phase) -> dict:
    from seqlab.training.e5_head import HeadConfig, train_e5_head

    return train_e5_head(train, val, out, HeadConfig(head=opts.head, seed=opts.seed, precision=opts.precision),
                         on_phase=on_phase)


def _e5_tune(name, train, val, out, opts: TrainOptions, on_step, on_phase) -> dict:
    from seqlab.training.e5_tune import train_e5_tune, tune_defaults
    from seqlab.training.loop import TrainConfig

    loop = with_loop_options(tune_defaults(TrainConfig(seed=opts.seed, device=opts.device, bucket=opts.bucket,
                                                       checkpoint_every=opts.checkpoint_every)), opts)
    if opts.threads:
        loop = replace(loop, threads=opts.threads)
    return train_e5_tune(train, val, out, loop, max_length=opts.max_length, resume=opts.resume, on_step=on_step,
                         on_phase=on_phase)


def recurrent_configs(name: str, opts: TrainOptions):
    """The model and loop settings of ``name`` (lstm, gru or rnn) with the options given applied."""
    from seqlab.training.loop import TrainConfig
    from seqlab.training.networks import RecurrentConfig, with_embed_dim

    overrides = {"hidden": opts.hidden, "layers": opts.layers, "dropout": opts.dropout,
                 "bidirectional": opts.bidirectional, "embedding_init": opts.embedding, "embed_dim": opts.embed_dim}
    model = replace(RecurrentConfig(cell=name), **{k: v for k, v in overrides.items() if v is not None},
                    freeze_embedding=opts.freeze_embedding)
    model = with_embed_dim(model)  # the initializer's own width unless --embed-dim says otherwise
    loop = TrainConfig(seed=opts.seed, device=opts.device, bucket=opts.bucket, checkpoint_every=opts.checkpoint_every,
                       **({"threads": opts.threads} if opts.threads else {}))
    return model, with_loop_options(loop, opts)


def loop_options(opts: TrainOptions) -> dict:
    """The loop options (TrainConfig fields), None where not given."""
    return {"epochs": opts.epochs, "batch_size": opts.batch_size, "lr": opts.lr, "patience": opts.patience,
            "adversarial": opts.adversarial}


def with_loop_options(loop, opts: TrainOptions):
    """``loop`` (a :class:`~seqlab.training.loop.TrainConfig`) with the loop options that were given."""
    return replace(loop, **{k: v for k, v in loop_options(opts).items() if v is not None})


def with_checkpoint_settings(loop, opts: TrainOptions, out: Path):
    """Under ``--resume``: ``loop`` with the checkpoint's own settings where no option was given now, and those taken.

    A default that changed since the run began (lstm/gru/rnn's epochs went from 3 to 4) would otherwise refuse the
    resume (another setting than the checkpoint's) or change the run.
    """
    from dataclasses import fields

    from seqlab.training.checkpoint import has_state, saved_settings
    from seqlab.training.loop import RESUME_FREE

    if not (opts.resume and has_state(out)):
        return loop, {}
    saved = saved_settings(out).get("train") or {}
    given = {k for k, v in loop_options(opts).items() if v is not None} | {"seed", "bucket"}  # the last two: options
    taken = {f.name: saved[f.name] for f in fields(loop) if f.name in saved and f.name not in given
             and f.name not in RESUME_FREE and saved[f.name] != getattr(loop, f.name)}
    return replace(loop, **taken), taken


def _recurrent(name, train, val, out, opts: TrainOptions, on_step, on_phase) -> dict:
    from seqlab.ids.vocab import Vocabulary
    from seqlab.training.recurrent import train_recurrent

    model, loop = recurrent_configs(name, opts)
    loop, taken = with_checkpoint_settings(loop, opts, out)
    if taken and on_phase:
        on_phase(_("resuming with the checkpoint's {settings}").format(
            settings=", ".join(f"{k} = {v}" for k, v in taken.items())))
    vocab = Vocabulary.load(opts.vocab) if opts.vocab else None
    summary = train_recurrent(train, val, out, model, loop, tokenizer=opts.tokenizer, max_length=opts.max_length,
                              min_freq=opts.min_freq, resume=opts.resume, vocab=vocab, on_step=on_step, on_phase=on_phase)
    if taken and summary:
        summary["settings_from_checkpoint"] = taken
    return summary


#: model name -> trainer(name, train, val, out, options, on_step, on_phase) -> summary dict
TRAINERS: dict[str, Trainer] = {"tfidf": _tfidf, "nbsvm": _nbsvm, "lstm": _recurrent, "gru": _recurrent,
                                "rnn": _recurrent, "e5-head": _e5_head, "e5-tune": _e5_tune, "best": _best}
#: what ``--model best`` is today (see :mod:`seqlab.training.ensemble`)
BEST = N_("tfidf + lstm, stacked on the validation split")  # translated where shown


def model_names(models: str | list[str]) -> list[str]:
    """The names in ``"tfidf, LSTM"`` (or a list of them): stripped, lower case, empty items dropped; not checked."""
    names = models.split(",") if isinstance(models, str) else list(models)
    return [m.strip().lower() for m in names if isinstance(m, str) and m.strip()]


def parse_models(models: str | list[str]) -> list[str]:
    """``"tfidf,LSTM"`` -> ["tfidf", "lstm"], each checked against :data:`TRAINERS`."""
    if not isinstance(models, str) and not (isinstance(models, (list, tuple)) and all(isinstance(m, str)
                                                                                         for m in models)):
        raise InputError(_("models must be a model name or a list of names, got {value!r}").format(value=models),
                         _("Use: {choices}.").format(choices=', '.join(TRAINERS)), option="models")
    names = model_names(models)
    bad = [m for m in names if m not in TRAINERS]
    if bad or not names:
        raise InputError(_("unknown model {name!r}").format(name=bad[0]) if bad else _("no model given"),
                         _("Use: {choices}.").format(choices=', '.join(TRAINERS)))
    twice = sorted({m for m in names if names.count(m) > 1})
    if twice:  # one run folder each: the second would train into the first's
        raise InputError(_("model {name!r} is given twice").format(name=twice[0]), _("Give each model once."),
                         option="models")
    return names


def load_split(opts: TrainOptions):
    """(all rows, training split, validation split) of ``opts.data``: three :class:`~seqlab.training.data.Dataset`."""
    from seqlab.training.data import load_dataset, train_val_split

    if opts.data is None:
        raise InputError(_("no training data given"),
                         _("Give TrainOptions a data file, e.g. data=\"ratings_train.txt\" (NSMC: fetch_nsmc() of "
                           "seqlab.training.nsmc fetches it)."),
                         cli_hint=_("Give --data FILE, e.g. --data ratings_train.txt (NSMC: seqlab data nsmc fetches "
                                    "it)."))
    dataset = load_dataset(check_path("data", opts.data), opts.fmt, opts.text_col, opts.label_col)
    train, val = train_val_split(dataset, opts.val_fraction, opts.seed)
    return dataset, train, val


def resumable(opts: TrainOptions, run_dir: Path) -> TrainOptions:
    """``opts`` for one model of several under ``--resume``: resume where it has a checkpoint, else start it."""
    from seqlab.training.checkpoint import has_state

    return replace(opts, resume=opts.resume and has_state(run_dir))


def finished_summary(run_dir: Path) -> dict | None:
    """The summary (``metrics.json``) of a run that finished, or None (not started, or stopped partway)."""
    import json

    try:
        config = json.loads((Path(run_dir) / "config.json").read_text(encoding="utf-8"))
        metrics = json.loads((Path(run_dir) / "metrics.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return None if config.get("partial") else metrics


def check_kept_data(run_dir: Path, record: dict) -> None:
    """A finished run kept by a resume must have been trained on the data of this resume: its scores and the split
    reported beside them were of two files (the kept model's, and the changed file's counts)."""
    from seqlab.training.rundir import RunDir

    then = RunDir(run_dir).config.get("data") or {}
    keys = [k for k in ("train", "val", "source_sha256") if k in then and k in record]
    if any(then[k] != record[k] for k in keys):
        message = _("{out} holds a finished run trained on other data: {train:,} training and {val:,} validation "
                    "texts then, {train_now:,} and {val_now:,} now, and the data file changed") \
            if then.get("source_sha256") != record.get("source_sha256") else \
            _("{out} holds a finished run trained on another split of this file: {train:,} training and {val:,} "
              "validation texts then, {train_now:,} and {val_now:,} now (another val_fraction or seed)")
        raise UsageError(message.format(out=run_dir, train=then.get("train", 0), val=then.get("val", 0),
                                        train_now=record["train"], val_now=record["val"]),
                         _("Resume with the data of the first run, or start a new out folder."),
                         cli_hint=_("Resume with the data of the first run, or start a new --out."))


def train_models(models: str | list[str], opts: TrainOptions, out: str | Path,
                 progress: Callable[[str], contextlib.AbstractContextManager] | None = None,
                 on_done: Callable[[RunSummary], None] | None = None) -> list[RunSummary]:
    """Train each model on the same split and return one :class:`RunSummary` per model.

    Args:
        models: names (or one comma-separated string) from :data:`TRAINERS`.
        opts: data and settings.
        out: the run directory; with several models, ``out/<name>`` each.
        progress: ``progress(name)`` is a context manager that yields ``(on_step, on_phase)``
            callbacks for that model (e.g. a progress bar); None trains silently.
        on_done: called with each model's :class:`RunSummary` as soon as it is trained (or kept), so that a
            comparison interrupted later has said the models it finished.
    """
    names = parse_models(models)
    from seqlab.scratch.torch_layout import kept_random_state
    from seqlab.training.checkpoint import has_state
    from seqlab.training.data import split_record
    from seqlab.training.rundir import RunDir

    opts = check_options(opts, names)
    out = check_path("out", out)
    for name in names:  # a run is never replaced silently: resume=True continues it (or keeps it, when finished)
        run_dir = out / name if len(names) > 1 else out
        if not opts.resume and (finished_summary(run_dir) is not None or has_state(run_dir)):
            raise InputError(_("{out} holds a run already; training again would replace it").format(out=run_dir),
                             _("Give another folder, or resume=True to continue it (a finished run is kept)."))
    with kept_random_state():  # the caller's torch generators are left as they were (the trainers seed their own)
        _unused, train, val = load_split(opts)
        if opts.resume:  # every kept run checked before any model trains on the data of this resume
            for name in names:
                run_dir = out / name if len(names) > 1 else out
                if finished_summary(run_dir) is not None:
                    check_kept_data(run_dir, split_record(train, val))
        runs = []
        for name in names:
            run_dir = out / name if len(names) > 1 else out
            kept = finished_summary(run_dir) if opts.resume else None  # a finished run is kept, not trained again
            with progress(name) if progress else contextlib.nullcontext((None, None)) as (on_step, on_phase):
                if kept is not None:  # --resume: a model finished before (the interruption of a comparison) is kept
                    if on_phase:
                        on_phase(_("finished in the earlier run: kept"))
                    summary = kept
                else:
                    summary = TRAINERS[name](name, train, val, run_dir, resumable(opts, run_dir) if len(names) > 1
                                             else opts, on_step, on_phase)
            if summary:  # under torchrun only rank 0 reports
                if progress is None:  # a script or notebook: what the command line prints under its table, as notes
                    _say_truncated(name, summary)
                runs.append(RunSummary(name, run_dir, summary, RunDir(run_dir).disk_mb(), split_record(train, val)))
                if on_done:
                    on_done(runs[-1])
    return runs
