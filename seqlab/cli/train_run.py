"""The body of ``seqlab train``: its options as one record, every one checked before any work, then the task's run.

:class:`TrainArgs` holds the options as given (None: the model's own default). :func:`run` checks them all
(ranges, then whether they fit the task and models: an option the run would not use is refused, not ignored),
then trains one of the three tasks: classify (one model, or several ending in one comparison table), seq2seq
(spacing restoration) or forecast.
"""

from __future__ import annotations

import contextlib
import dataclasses
from dataclasses import dataclass, replace
from pathlib import Path

from seqlab.cli.options import csv_list, given, in_range, one_of, unused
from seqlab.cli.outputs import check_output
from seqlab.cli.train_checks import check_unused
from seqlab.errors import InputError, UsageError
from seqlab.i18n import _
from seqlab.training.option_use import RECURRENT_MODELS

TASKS = ("classify", "seq2seq", "forecast")
FORMATS = ("nsmc", "tsv", "csv", "jsonl")
EMBEDDINGS = ("word2vec", "random", "e5", "kiwi")  # --embedding keywords; anything else is a vectors file


@dataclass(frozen=True)
class TrainArgs:
    """The options of ``seqlab train``, named as the command's parameters (``command.json`` records them).

    None means "not given": the model's own default, which the trainers fill in (``seqlab train --help``).
    """

    data: Path | None  # training data (a pairs TSV for seq2seq; none for forecast)
    model: str  # comma-separated classifiers, or the seq2seq cell (lstm, gru)
    out: Path  # the run directory
    task: str  # classify, seq2seq or forecast
    series: str | None  # forecast: a statsmodels series name or a CSV
    fmt: str | None  # --format: nsmc, tsv, csv, jsonl
    text_col: str | None
    label_col: str | None
    val_fraction: float | None
    seed: int
    epochs: int | None
    batch_size: int | None
    lr: float | None
    hidden: int | None
    layers: int | None
    dropout: float | None
    bidirectional: bool | None
    adversarial: float | None  # ε of adversarial training on the embeddings; 0 turns it off
    patience: int | None
    embedding: str | None  # word2vec, random, e5, kiwi or a vectors file
    embed_dim: int | None
    freeze_embedding: bool
    tokenizer: str | None
    vocab: Path | None
    min_freq: int | None  # tokens seen fewer times become <unk> (a vocabulary built from the training texts)
    max_length: int | None
    baselines: bool | None  # forecast: also fit auto-ARIMA and auto-ETS
    season: int | None  # forecast: time steps per season
    attention: str | None  # seq2seq: monotonic or additive
    head: str | None  # e5-head: logreg or mlp
    precision: str | None  # e5-head features: fp32 or bf16
    no_bucket: bool
    device: str  # auto, cpu or cuda
    threads: int | None  # torch CPU threads (None: each trainer's default)
    resume: bool
    checkpoint_every: int | None
    json_out: bool
    lang: str | None

    def options(self) -> dict:
        """The options by parameter name (what ``command.json`` records)."""
        return {f.name: getattr(self, f.name) for f in dataclasses.fields(self)}


def check_ranges(a: TrainArgs) -> TrainArgs:
    """Every choice and number in its range (usage errors, exit code 2), the same way as in every command; the
    arguments back with each choice as the trainers spell it (``--device CPU`` is ``cpu``)."""
    from seqlab.training.e5_head import HEADS
    from seqlab.training.runs import RANGES
    from seqlab.vectors.encoder import DEVICES, PRECISIONS

    a = replace(a, task=one_of("--task", a.task, TASKS), fmt=one_of("--format", a.fmt, FORMATS),
                head=one_of("--head", a.head, HEADS), precision=one_of("--precision", a.precision, PRECISIONS),
                device=one_of("--device", a.device, DEVICES))
    if a.task == "forecast":  # before --out is looked at: it trains in one go and keeps no checkpoint
        unused({"--resume": a.resume or None}, "--task forecast",
               _("A forecast trains in seconds to minutes in one go: start it again with a new --out."))
    from seqlab.training.forecast import RANGES as FORECAST_RANGES

    for name, (low, high, _whole) in RANGES.items():  # the library's tables: one range per number
        if name == "epochs" and a.task == "forecast":
            low, high, _whole = FORECAST_RANGES["epochs"]  # a forecast epoch is one step
        in_range("--" + name.replace("_", "-"), getattr(a, name), low, high)
    in_range("--season", a.season, *FORECAST_RANGES["season"][:2])  # statsmodels' seasonal models: a period of 2+
    return a


def check_out(a: TrainArgs, notes: bool = True) -> None:
    """--out: a checkpoint to continue (--resume), or a folder that no finished run or other file occupies.
    ``notes=False``: its errors only, up front; its notes (a folder to create) once every check has passed."""
    from seqlab.cli.train_record import forget_lone_record
    from seqlab.render.console import note

    if a.resume:  # the run's own checkpoint, an ensemble member's, or one model's of a comparison (or a finished one)
        from seqlab.training.checkpoint import anything_resumable
        from seqlab.training.runs import finished_summary

        finished_here = finished_summary(a.out) is not None and a.task == "classify"  # tfidf keeps no checkpoint
        if not anything_resumable(a.out) and not finished_here and \
                not any(finished_summary(d) for d in a.out.glob("*") if d.is_dir()):
            raise UsageError(_("--resume: {out} holds no checkpoint to continue from").format(out=a.out),
                             _("Start without --resume, or give the --out folder of an earlier run."))
    if not a.resume and forget_lone_record(a.out):  # an earlier run's options, and nothing it saved
        note(_("note: {out} held only the options of a run that saved nothing; this run "
               "starts afresh").format(out=a.out))
    # a finished run (or anything else) in --out is never replaced silently; --resume continues it
    check_output("--out", a.out, inputs=[a.data] if a.data is not None else [], directory=True, fresh=not a.resume,
                 notes=notes)


def classifier_names(a: TrainArgs, older_run: bool) -> list[str]:
    """The --model list of a classify run, each one a known trainer (``older_run``: a resume without a record)."""
    from seqlab.training.runs import TRAINERS

    if a.data is None:
        raise UsageError(_("--task classify needs --data FILE"),
                         _("{out} has no record of the first run's options (a run of an older seqlab): give "
                           "them again, --data included.").format(out=a.out) if older_run else
                         _("e.g. --data ratings_train.txt (NSMC: seqlab data nsmc fetches it)."))
    other_tasks = [m.strip() for m in a.model.split(",") if m.strip().lower() in TASKS and m.strip().lower() != "classify"]
    if other_tasks:  # a task, not a classifier: said as one
        task = other_tasks[0].lower()
        raise UsageError(_("{name} is a task, not a classifier: give --task {task}").format(name=other_tasks[0],
                                                                                            task=task),
                         _("e.g. seqlab train --task seq2seq --data pairs.tsv --out runs/spacing (--model lstm or "
                           "gru picks its cell)") if task == "seq2seq" else
                         _("e.g. seqlab train --task forecast --series co2 --out runs/co2"))
    names = csv_list(a.model, "--model", TRAINERS)
    if not names:
        raise UsageError(_("--model is empty"), _("e.g. --model lstm or --model tfidf,lstm,best"))
    return names


def recurrent_inputs_checked(embedding: str | None, embed_dim: int | None, tokenizer: str | None,
                             vocab: Path | None) -> None:
    """--embedding, --embed-dim, --tokenizer and --vocab of lstm/gru/rnn, checked before any work (usage errors)."""
    if embedding is not None and embedding not in EMBEDDINGS and not Path(embedding).is_file():
        if Path(embedding).is_dir():  # a folder, said as neighbors --vectors says it (1), not as an unknown keyword
            from seqlab.text.reading import file_error

            raise file_error(embedding, IsADirectoryError(21, "Is a directory"), _("a word-vector file"))
        if "/" in embedding or "." in embedding:  # a path: not found, as every command says of a missing file (1)
            raise InputError(_("vectors file not found: {path}").format(path=embedding),
                             _("Check the path; seqlab wordvec train makes a word2vec/FastText file, or use one of "
                               "{keywords}.").format(keywords=", ".join(EMBEDDINGS)))
        raise UsageError(_("--embedding {value!r} is neither {keywords} nor a vectors file").format(
            value=embedding, keywords=", ".join(EMBEDDINGS)),
            _("Use one of them, or the path of a word2vec/FastText file (seqlab wordvec train makes one)."))
    from seqlab.training.init_widths import check_embed_dim  # no torch: the options are checked first

    check_embed_dim(embedding, embed_dim)  # e5's, Kiwi's or a word2vec file's own width (its first line)
    if tokenizer is not None:
        from seqlab.pretrained.loading import load_tokenizer

        load_tokenizer(tokenizer, vocab=False)  # an unknown name or an unreachable model now, not after the data is read
    if vocab is not None:
        from seqlab.ids.vocab import Vocabulary
        from seqlab.training.prepare import check_vocab

        # before the data is read: a file that is no vocabulary is an input error (1), as in tokenize; one built for
        # another tokenizer does not fit the options (2), as in tokenize -m
        from seqlab.training.runs import TrainOptions

        check_vocab(Vocabulary.load(vocab), tokenizer or TrainOptions.tokenizer)


def starting(a: TrainArgs, taken: list[str] | None) -> None:
    """Once every check has passed, just before the work: what a resume took is said (nothing silent), and a
    fresh run records every option, defaults included, for a later --resume."""
    from seqlab.cli.train_record import record_options
    from seqlab.render.console import note
    from seqlab.training.launch import launched

    if launched()[0] != 0:  # under torchrun, process 0 says it and writes the record
        return
    check_out(a)  # its notes now (a folder to create): before, they came ahead of a usage error about --model
    if taken:
        note(_("resuming with the first run's options: {options}").format(options=" ".join(taken)),
             soft_wrap=True)  # not folded: a path stays whole for copying
    elif taken is None:
        note(_("note: {out} has no record of the first run's options (a run of an older seqlab): the options "
               "given now are used, and they must be the first run's").format(out=a.out))
    if not a.resume:
        record_options(a.out, a.options())


def check_data_parallel(task: str, names: list[str]) -> None:
    """Under torchrun, only the models of seqlab's own loop (DDP): any other would be trained once per process."""
    from seqlab.training.kinds import DATA_PARALLEL
    from seqlab.training.launch import launched

    if launched()[1] == 1:
        return
    single = [n for n in names if n not in DATA_PARALLEL] if task == "classify" else ["--task " + task]
    if single:
        raise UsageError(_("torchrun runs {models} data-parallel; {others} trains in one process").format(
            models=", ".join(DATA_PARALLEL), others=", ".join(single)),
            _("Train it without torchrun: seqlab train ..."))


def run(a: TrainArgs, taken: list[str] | None) -> None:
    """``seqlab train``: every option checked up front, then the task (``taken``: the options a resume read from
    the first run's record, said before it starts; None when the run folder has no record)."""
    from seqlab.training.launch import launched

    a = check_ranges(a)
    if a.task == "forecast" and a.series is not None:  # a wrong name now, not after seconds of loading statsmodels
        from seqlab.training.forecast import check_series

        check_series(a.series)
    if launched()[0] == 0:  # under torchrun, process 0 alone checks (and then records) --out: the others would race it
        check_out(a, notes=False)
    names = classifier_names(a, older_run=a.resume and taken is None) if a.task == "classify" else []
    if names and a.model is not None:
        a = replace(a, model=",".join(names))  # as the trainers spell them (--model TFIDF is tfidf)
    check_unused(a, names)  # first: an option the models would not use is refused before it is read
    if a.vocab is not None:
        unused({"--min-freq": a.min_freq}, "--vocab", _("The vocabulary given decides which tokens are kept: leave "
                                                        "--min-freq out, or build it with seqlab vocab build "
                                                        "--min-freq N."))
    check_data_parallel(a.task, names)
    if a.task == "classify" and set(names) & set(RECURRENT_MODELS):
        recurrent_inputs_checked(a.embedding, a.embed_dim, a.tokenizer, a.vocab)  # before minutes of tokenizing
    if a.device == "cuda":
        from seqlab.vectors.encoder import pick_device

        pick_device("cuda")  # no CUDA GPU here: say so now, not after the data is read (or never, for tfidf)
    if a.task == "classify" and a.data is not None and str(a.data) != "-":  # said first, not after the busy note
        from seqlab.training.data import check_data_path

        check_data_path(a.data)
    if a.task != "classify" or set(names) & {*RECURRENT_MODELS, "e5-tune"}:
        busy_machine_note(a.threads, a.task)
    if a.task == "seq2seq":
        train_seq2seq(a, taken)
    elif a.task == "forecast":
        train_forecast(a)
    else:
        train_classifiers(a, names, taken)


BUSY_SHARE = 0.75  # a load average above this share of the cores, before training starts: the machine is busy


def busy_machine_note(threads: int | None, task: str) -> None:
    """Said before training with two or more torch threads on a machine that is busy already: its threads then wait
    for each other (measured: the default BiLSTM at 0.9 steps/s with two threads beside two busy processes on two
    cores, 2.7 with one; 6.7 and 4.2 on the idle machine: docs/benchmarks.md)."""
    import os

    from seqlab.render.console import note

    cores = os.cpu_count() or 1
    if task in ("forecast", "seq2seq") and threads is None:  # their default is one thread already
        return
    if (threads or 2) < 2 or cores < 2 or not hasattr(os, "getloadavg"):
        return
    load = os.getloadavg()[0]
    if load > BUSY_SHARE * cores:
        note(_("note: this machine is busy already (load {load:.1f} on {cores} cores): torch's threads would wait for "
               "each other; --threads 1 may train faster (1.7 to 2.9 times, measured)").format(load=load, cores=cores))


def train_seq2seq(a: TrainArgs, taken: list[str] | None) -> None:
    from seqlab.render.console import console, print_json
    from seqlab.render.training import seq2seq_skipped_line, seq2seq_terminal
    from seqlab.training.seq2seq import ATTENTIONS, CELLS, EVALUATING, KIWI_SPACING, seq2seq_config, train_seq2seq

    if a.data is None:
        raise UsageError(_("--task seq2seq needs --data PAIRS.tsv (source<TAB>target per line)"),
                         _("Make one with: seqlab data spacing-pairs FILE --out pairs.tsv"))
    a = replace(a, model=one_of("--model", a.model, CELLS), attention=one_of("--attention", a.attention, ATTENTIONS))
    cfg = seq2seq_config(cell=a.model, attention=a.attention, seed=a.seed, device=a.device, epochs=a.epochs,
                         batch_size=a.batch_size, lr=a.lr, hidden=a.hidden, checkpoint_every=a.checkpoint_every,
                         threads=a.threads)
    starting(a, taken)
    with phased_bar("seq2seq", {EVALUATING: _("texts"), KIWI_SPACING: _("texts")}) as (on_step, on_phase, report):
        summary = train_seq2seq(a.data, a.out, cfg, resume=a.resume, on_step=on_step, on_phase=on_phase,
                                progress=report)
    if a.json_out:
        skipped = seq2seq_skipped_line(summary)
        if skipped:  # said on stderr, as without --json (stdout is the JSON document)
            console(stderr=True).print(skipped, highlight=False, markup=False)
        print_json({k: v for k, v in summary.items() if k != "history"})
    else:
        seq2seq_terminal(summary, console())


def train_forecast(a: TrainArgs) -> None:
    """The LSTM forecaster against naive, auto-ARIMA and auto-ETS (no record: a forecast run cannot be resumed).

    Ctrl-C during the ARIMA/ETS search keeps what was done (the library saves it): it is shown, and said, before
    the command ends as interrupted."""
    from seqlab.cli.outputs import INTERRUPT_DETAIL, on_interrupt
    from seqlab.render.console import console, note, print_json
    from seqlab.render.training import forecast_kept, forecast_png, forecast_terminal
    from seqlab.training.forecast import SEARCHES, ForecastInterrupted, forecast_config, train_forecast

    cfg = forecast_config(seed=a.seed, epochs=a.epochs, hidden=a.hidden, lr=a.lr, baselines=a.baselines,
                          season=a.season, threads=a.threads)
    check_out(a)  # its notes (a folder to create), as starting() says them for the other tasks
    if a.series is None:  # the default, said (stderr, with --json too)
        note(_("note: no --series given: forecasting sunspots (--series co2 or a CSV file for another)"))
    stopped = None
    with phased_bar("forecast", {phase: _("models") for phase in SEARCHES.values()}) as (on_step, on_phase, report):
        try:
            summary = train_forecast(a.series or "sunspots", a.out, cfg, progress=report, on_phase=on_phase,
                                     on_step=on_step)
        except ForecastInterrupted as exc:  # the LSTM's result, saved: shown below, not thrown away
            summary, stopped = exc.summary, exc
    if summary["season_from"] == "assumed":  # said on stderr, with --json too
        note(_("note: a season of {m} steps was assumed (monthly values); give --season for another").format(
            m=summary["season"]))
    plot = forecast_png(summary, a.out / "forecast.png")
    shown = {**{k: v for k, v in summary.items() if k != "curves"}, "plot": str(plot)}
    if a.json_out and stopped is None:
        print_json(shown)
    elif a.json_out:  # interrupted: the one JSON object is the interruption's (cli.main), the summary in its detail
        INTERRUPT_DETAIL["partial_summary"] = shown
    elif not a.json_out:
        forecast_terminal(summary, console(), plot)
    if stopped is not None:
        kept, hint = forecast_kept(summary, a.out)
        note(kept)
        on_interrupt(hint)  # what cli.main says after "interrupted"
        raise KeyboardInterrupt from None  # exit code 130, as every interrupted command


@contextlib.contextmanager
def phased_bar(name: str, counted: dict[str, str]):
    """``(on_step, on_phase, report)`` for a trainer whose last phases count other work than training steps
    (``counted``: phase -> unit, e.g. the held-out texts of an evaluation, the models of an ARIMA search).

    The training phases show :func:`~seqlab.render.progress.training_bar` (step/total and the loss); at the first
    counted phase that bar ends and :func:`~seqlab.render.progress.counting_bar` counts the phase's own work
    (``report(done, total)``), never under the training's counters and loss."""
    from seqlab.render.progress import counting_bar, training_bar

    with counting_bar(name, _("steps")) as report, contextlib.ExitStack() as training:
        on_step, on_training_phase = training.enter_context(training_bar(name))
        ended = [False]

        def on_phase(phase: str) -> None:
            if phase in counted or ended[0]:
                if not ended[0]:
                    training.close()  # the bar of the steps ends here: one live bar at a time
                    ended[0] = True
                report.phase(f"{name}: {_(phase)}", counted.get(phase))
            else:
                on_training_phase(phase)

        yield on_step, on_phase, report


def train_classifiers(a: TrainArgs, names: list[str], taken: list[str] | None) -> None:
    """One classifier, or several ending in one comparison table (``names``: the checked --model list)."""
    from seqlab.render.console import console, print_json
    from seqlab.render.progress import training_bar
    from seqlab.render.training import (
        report_skipped_rows,
        report_stacked,
        report_truncated,
        summary_table,
        training_curves_png,
    )
    from seqlab.training.launch import launched
    from seqlab.training.runs import TrainOptions, parse_models, train_models

    starting(a, taken)
    # options not given are the library's own defaults (TrainOptions), never copied here
    opts = TrainOptions(**given(data=a.data, fmt=a.fmt, text_col=a.text_col, label_col=a.label_col,
                                val_fraction=a.val_fraction, seed=a.seed, epochs=a.epochs, batch_size=a.batch_size,
                                lr=a.lr, hidden=a.hidden, layers=a.layers, dropout=a.dropout,
                                bidirectional=a.bidirectional, patience=a.patience, embedding=a.embedding,
                                adversarial=a.adversarial, embed_dim=a.embed_dim, freeze_embedding=a.freeze_embedding,
                                tokenizer=a.tokenizer, vocab=a.vocab, min_freq=a.min_freq, max_length=a.max_length,
                                head=a.head, precision=a.precision, bucket=not a.no_bucket, device=a.device,
                                resume=a.resume, checkpoint_every=a.checkpoint_every, threads=a.threads))
    def done(run_) -> None:  # each model as it finishes: a comparison interrupted later has said those before
        training_curves_png(run_.history, run_.out / "curves.png", f"{run_.name} · {Path(str(a.data)).name}")
        if a.json_out:
            print_json(run_.to_dict())

    runs = train_models(parse_models(names), opts, a.out,  # under torchrun, process 0 shows the progress
                        progress=training_bar if launched()[0] == 0 else None, on_done=done)
    said = console(stderr=True)  # notes on stderr, with --json too: stdout is the table or the JSON lines
    if runs:
        report_skipped_rows(runs[0].data.get("bad_rows", {}), said)
    for run_ in runs:  # --model best: its members that read max_length tokens
        for name, summary in [(run_.name, run_.summary), *run_.summary.get("members", {}).items()]:
            report_truncated(summary.get("truncated"), said, name)
        report_stacked(run_.summary, said, run_.name)
    if not a.json_out and runs:
        console().print(summary_table(runs))
        said.print(_("saved in {paths} · next: seqlab evaluate {first} --data TEST.tsv").format(
            paths=", ".join(str(r.out) for r in runs), first=runs[0].out), highlight=False, markup=False)
