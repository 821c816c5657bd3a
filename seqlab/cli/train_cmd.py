"""Stage 5 commands: train, evaluate, predict, data nsmc."""

from __future__ import annotations

import contextlib
import os
from dataclasses import replace
from pathlib import Path

import typer

from seqlab.cli.app import ErrorsOpt, JsonOpt, app, gather_texts
from seqlab.errors import UsageError
from seqlab.render.console import console, json_line

CLASSIFIERS = ("tfidf", "lstm", "gru", "rnn", "e5-head")


@app.command()
def train(
    data: Path = typer.Option(None, "--data", help="Training data: NSMC TSV, CSV, TSV or JSONL (pairs TSV for seq2seq)."),
    model: str = typer.Option("lstm", "--model", help="tfidf, lstm, gru, rnn, e5-head (comma-separated to compare)."),
    out: Path = typer.Option(..., "--out", "-o", help="Run directory (one subfolder per model when comparing)."),
    task: str = typer.Option("classify", "--task", help="classify, seq2seq or forecast."),
    series: str = typer.Option(None, "--series", help="forecast: a statsmodels series (sunspots, co2) or a CSV."),
    fmt: str = typer.Option(None, "--format", help="nsmc, tsv, csv or jsonl (default: from the extension)."),
    text_col: str = typer.Option(None, "--text-col"), label_col: str = typer.Option(None, "--label-col"),
    val_fraction: float = typer.Option(0.1, "--val-fraction"), seed: int = typer.Option(13, "--seed"),
    epochs: int = typer.Option(None, "--epochs"), batch_size: int = typer.Option(None, "--batch-size"),
    lr: float = typer.Option(None, "--lr"), hidden: int = typer.Option(None, "--hidden"),
    patience: int = typer.Option(None, "--patience", help="Evaluations without improvement before stopping early."),
    layers: int = typer.Option(None, "--layers"), dropout: float = typer.Option(None, "--dropout"),
    bidirectional: bool = typer.Option(None, "--bidirectional/--unidirectional"),
    embedding: str = typer.Option(None, "--embedding", help="random, e5, or a word2vec/FastText file."),
    embed_dim: int = typer.Option(None, "--embed-dim"),
    freeze_embedding: bool = typer.Option(False, "--freeze-embedding"),
    tokenizer: str = typer.Option("kiwi", "--tokenizer", help="Tokens of recurrent models: kiwi (morphemes), e5-small, "
                                  "char, whitespace, or a model name."),
    max_length: int = typer.Option(128, "--max-length"),
    head: str = typer.Option("logreg", "--head", help="e5-head: logreg or mlp."),
    precision: str = typer.Option("fp32", "--precision", help="e5-head features: fp32 or bf16 (faster)."),
    no_bucket: bool = typer.Option(False, "--no-bucket", help="Pad every batch to the longest text (slower)."),
    device: str = typer.Option("auto", "--device", help="auto, cpu or cuda."),
    resume: bool = typer.Option(False, "--resume", help="Continue the run in --out from its last checkpoint."),
    json_out: bool = JsonOpt,
):
    """Train a model; several models (comma-separated) end with one comparison table."""
    if task == "seq2seq":
        from seqlab.training.seq2seq import Seq2SeqConfig, train_seq2seq

        if data is None:
            raise UsageError("--task seq2seq needs --data PAIRS.tsv (source<TAB>target per line)")
        cfg = Seq2SeqConfig(seed=seed, device=device)
        cfg = replace(cfg, **{k: v for k, v in {"epochs": epochs, "batch_size": batch_size, "lr": lr,
                                               "hidden": hidden, "cell": model if model in ("gru", "lstm") else None
                                               }.items() if v is not None})
        with _progress("seq2seq") as (on_step, on_phase):
            summary = train_seq2seq(data, out, cfg, resume=resume, on_step=on_step, on_phase=on_phase)
        if json_out:
            print(json_line({k: v for k, v in summary.items() if k != "history"}))
        else:
            from seqlab.render.training import seq2seq_terminal

            seq2seq_terminal(summary, console())
        return
    if task == "forecast":
        from seqlab.training.forecast import ForecastConfig, train_forecast

        cfg = ForecastConfig(seed=seed)
        cfg = replace(cfg, **{k: v for k, v in {"epochs": epochs, "hidden": hidden, "lr": lr}.items() if v is not None})
        summary = train_forecast(series or "sunspots", out, cfg)
        if json_out:
            print(json_line(summary))
        else:
            from seqlab.render.training import forecast_terminal

            forecast_terminal(summary, console())
        return
    if task != "classify":
        raise UsageError(f"unknown task {task!r}", "Use --task classify, seq2seq or forecast.")
    if data is None:
        raise UsageError("--data FILE is required", "e.g. --data ../shared/data/nsmc/train.tsv")
    models = [m.strip() for m in model.split(",") if m.strip()]
    bad = [m for m in models if m not in CLASSIFIERS]
    if bad or not models:
        raise UsageError(f"unknown model {bad[0] if bad else model!r}", f"Use: {', '.join(CLASSIFIERS)}.")
    from seqlab.training.data import load_dataset, train_val_split

    dataset = load_dataset(data, fmt, text_col, label_col)
    train_set, val_set = train_val_split(dataset, val_fraction, seed)
    if dataset.bad.total and not json_out:
        console(stderr=True).print(f"skipped {dataset.bad.total} bad rows: {dataset.bad.counts} "
                                   f"(e.g. lines {dataset.bad.examples})", highlight=False)
    summaries = []
    for name in models:
        run_dir = out / name if len(models) > 1 else out
        with _progress(name) as (on_step, on_phase):
            summary = _train_one(name, train_set, val_set, run_dir, locals(), on_step, on_phase)
        if summary:
            summary["disk_mb"] = round(_disk_mb(run_dir), 2)
        summaries.append(summary)
    _print_summary(summaries, json_out)


def _train_one(name, train_set, val_set, run_dir, opts, on_step, on_phase):
    if name == "tfidf":
        from seqlab.training.tfidf import train_tfidf

        return train_tfidf(train_set, val_set, run_dir, on_phase=on_phase)
    if name == "e5-head":
        from seqlab.training.e5_head import HeadConfig, train_e5_head

        return train_e5_head(train_set, val_set, run_dir, HeadConfig(head=opts["head"], seed=opts["seed"],
                                                                     precision=opts["precision"]), on_phase=on_phase)
    from seqlab.training.loop import TrainConfig
    from seqlab.training.models import RecurrentConfig
    from seqlab.training.recurrent import train_recurrent

    model_cfg = RecurrentConfig(cell=name)
    overrides = {"hidden": opts["hidden"], "layers": opts["layers"], "dropout": opts["dropout"],
                 "bidirectional": opts["bidirectional"], "embedding_init": opts["embedding"],
                 "embed_dim": opts["embed_dim"]}
    model_cfg = replace(model_cfg, **{k: v for k, v in overrides.items() if v is not None},
                        freeze_embedding=opts["freeze_embedding"])
    if model_cfg.embedding_init == "random" and opts["embed_dim"] is None:
        model_cfg = replace(model_cfg, embed_dim=128)
    train_cfg = TrainConfig(seed=opts["seed"], device=opts["device"], bucket=not opts["no_bucket"])
    if os.environ.get("SEQLAB_CHECKPOINT_EVERY"):  # tests and very long runs
        train_cfg = replace(train_cfg, checkpoint_every=int(os.environ["SEQLAB_CHECKPOINT_EVERY"]))
    train_cfg = replace(train_cfg, **{k: v for k, v in {"epochs": opts["epochs"], "batch_size": opts["batch_size"],
                                                       "lr": opts["lr"], "patience": opts["patience"]}.items()
                                      if v is not None})
    return train_recurrent(train_set, val_set, run_dir, model_cfg, train_cfg, tokenizer=opts["tokenizer"],
                           max_length=opts["max_length"], resume=opts["resume"], on_step=on_step, on_phase=on_phase)


@contextlib.contextmanager
def _progress(name: str):
    """A rich progress bar on stderr: phase, step/total, loss, accuracy, throughput."""
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    err = Console(stderr=True)
    with Progress(TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(),
                  TextColumn("{task.fields[info]}"), TimeRemainingColumn(), console=err) as progress:
        task = progress.add_task(name, total=None, info="")

        def on_phase(phase: str):
            progress.update(task, description=f"{name}: {phase}")

        def on_step(s: dict):
            progress.update(task, total=s["total"], completed=s["step"],
                            info=f"loss {s['loss']:.3f} acc {s['accuracy']:.3f} · {s['texts_per_s']:,.0f} texts/s")

        yield on_step, on_phase


def _disk_mb(run_dir: Path) -> float:
    """Size of the trained model's files (the resumable training state excluded)."""
    return sum(p.stat().st_size for p in run_dir.rglob("*") if p.is_file() and "state" not in p.parts) / 1e6


def _model_size(summary: dict) -> str:
    params = summary.get("parameters")
    if not params:
        return ""
    return f"{params / 1e6:.2f} M" if params >= 100_000 else f"{params:,}"


def _print_summary(summaries: list[dict], json_out: bool) -> None:
    summaries = [s for s in summaries if s]  # under torchrun only rank 0 reports
    if not summaries:
        return
    if json_out:
        for s in summaries:
            print(json_line({k: v for k, v in s.items() if k != "history"}))
        return
    from rich.table import Table

    table = Table(title="validation results", title_justify="left")
    for col in ("model", "accuracy", "macro-F1", "n", "train time", "parameters", "on disk"):
        table.add_column(col, justify="left" if col == "model" else "right")
    for s in summaries:
        val = s.get("val", {})
        table.add_row(s["model"], f"{val.get('accuracy', 0):.2%}" if val else "", f"{val.get('macro_f1', 0):.4f}"
                      if val else "", str(val.get("n", "")), f"{s.get('seconds', 0):.0f} s", _model_size(s),
                      f"{s['disk_mb']:.1f} MB" if "disk_mb" in s else "")
    console().print(table)


@app.command()
def evaluate(
    run_dir: Path = typer.Argument(..., help="A run directory made by seqlab train."),
    data: Path = typer.Option(..., "--data", help="Labelled data in the training format."),
    fmt: str = typer.Option(None, "--format"), text_col: str = typer.Option(None, "--text-col"),
    label_col: str = typer.Option(None, "--label-col"), json_out: bool = JsonOpt,
):
    """Accuracy, macro-F1 and the confusion matrix of a trained classifier on a labelled file."""
    from seqlab.training.predictors import evaluate as run

    metrics, bad = run(run_dir, data, fmt, text_col, label_col)
    if json_out:
        print(json_line({"accuracy": metrics.accuracy, "macro_f1": metrics.macro_f1, "n": metrics.n,
                         "confusion": metrics.confusion, "labels": metrics.labels, "bad_rows": bad}))
        return
    out = console()
    out.print(f"accuracy {metrics.accuracy:.2%} · macro-F1 {metrics.macro_f1:.4f} · n {metrics.n:,}", highlight=False)
    from rich.table import Table

    table = Table(title="confusion (rows: true, columns: predicted)", title_justify="left")
    table.add_column("")
    for name in metrics.labels:
        table.add_column(name, justify="right")
    for name, row in zip(metrics.labels, metrics.confusion):
        table.add_row(name, *[f"{v:,}" for v in row])
    out.print(table)


@app.command()
def predict(
    run_dir: Path = typer.Argument(..., help="A run directory made by seqlab train."),
    texts: list[str] = typer.Argument(None, help="Text(s); - reads stdin."),
    file: Path = typer.Option(None, "--file", "-f"), json_out: bool = JsonOpt, errors: str = ErrorsOpt,
):
    """Labels with probabilities (classifiers), or decoded output (seq2seq)."""
    from seqlab.training.predictors import predict_texts

    results = predict_texts(run_dir, gather_texts(texts, file, errors))
    if json_out:
        for r in results:
            print(json_line(r))
        return
    out = console()
    for r in results:
        if "label" in r:
            out.print(f"{r['label']}  {r['probability']:.3f}  {r['text']}", highlight=False)
        else:
            out.print(f"{r['output']}   ← {r['text']}", highlight=False)


data_app = typer.Typer(help="Datasets.", no_args_is_help=True)
app.add_typer(data_app, name="data")


@data_app.command("spacing-pairs")
def data_spacing_pairs(
    data: Path = typer.Argument(..., help="Texts: NSMC TSV (document column) or one text per line."),
    out: Path = typer.Option(..., "--out", "-o", help="Pairs file to write: source<TAB>target per line."),
    text_col: str = typer.Option(None, "--text-col", help="Column of a TSV/CSV (NSMC: document)."),
    max_chars: int = typer.Option(60, "--max-chars"), json_out: bool = JsonOpt,
):
    """Build spacing-restoration pairs (text without spaces -> text) for seqlab train --task seq2seq."""
    from seqlab.storage import atomic_write_text
    from seqlab.text.reading import iter_texts
    from seqlab.training.seq2seq import spacing_pairs

    col = text_col or ("document" if str(data).endswith((".tsv", ".txt")) and _has_header(data) else None)
    texts = [t for _, t in iter_texts(data, text_col=col, errors="replace")]
    pairs = spacing_pairs(texts, max_chars)
    atomic_write_text(out, "".join(f"{s}\t{t}\n" for s, t in pairs))
    summary = {"path": str(out), "pairs": len(pairs), "texts": len(texts)}
    if json_out:
        print(json_line(summary))
    else:
        console().print(f"wrote {len(pairs):,} pairs from {len(texts):,} texts to {out}", highlight=False)


def _has_header(path: Path) -> bool:
    with open(path, encoding="utf-8", errors="replace") as f:
        return f.readline().startswith("id\tdocument\tlabel")


@data_app.command("nsmc")
def data_nsmc(json_out: bool = JsonOpt):
    """Download the official NSMC files once (or say where to put them when offline)."""
    from seqlab.training.nsmc import fetch_nsmc

    paths = fetch_nsmc()
    if json_out:
        print(json_line({k: str(v) for k, v in paths.items()}))
    else:
        for name, path in paths.items():
            console().print(f"{name}: {path}", highlight=False)
