"""Stage 6 commands: train, evaluate, predict, data spacing-pairs, data nsmc."""

from __future__ import annotations

from pathlib import Path

import typer

from seqlab.cli.options import (
    check_lang,
    check_output,
    csv_list,
    errors_opt,
    file_opt,
    gather_texts,
    group,
    in_range,
    json_opt,
    lang_opt,
    one_of,
    unused,
)
from seqlab.errors import UsageError
from seqlab.i18n import _

TASKS = ("classify", "seq2seq", "forecast")
LINEAR = ("tfidf", "nbsvm", "e5-head")  # classifiers with settings of their own: no epochs, layers or tokenizer


FORMATS = ("nsmc", "tsv", "csv", "jsonl")


def register(app: typer.Typer) -> None:
    from seqlab.training.runs import BEST, TRAINERS

    @app.command(help=_("Train a model on labelled data; several models (comma-separated) end with one comparison "
                        "table. --task seq2seq trains spacing restoration on a pairs file; --task forecast an LSTM "
                        "forecaster, compared with naive, auto-ARIMA and auto-ETS forecasts. Defaults are each model's own (printed in its run's config.json)."))
    def train(
        ctx: typer.Context,
        data: Path = typer.Option(None, "--data", help=_("Training data: NSMC TSV, CSV, TSV or JSONL (pairs TSV for "
                                                         "seq2seq)."), readable=False),
        model: str = typer.Option("lstm", "--model", help=_("Classifier: {names} (comma-separated to compare); "
                                                            "best is the most accurate model seqlab ships: {best}. "
                                                            "seq2seq: lstm or gru.").format(names=", ".join(TRAINERS),
                                                                                            best=_(BEST))),
        out: Path = typer.Option(..., "--out", "-o", help=_("Run directory (one subfolder per model when "
                                                            "comparing)."), readable=False),
        task: str = typer.Option("classify", "--task", help=_("classify, seq2seq or forecast.")),
        series: str = typer.Option(None, "--series", help=_("forecast: a statsmodels series (sunspots, co2) or a "
                                                            "CSV.")),
        fmt: str = typer.Option(None, "--format", help=_("nsmc, tsv, csv or jsonl (default: from the extension).")),
        text_col: str = typer.Option(None, "--text-col", help=_("Column (or JSON key) of the text (NSMC: "
                                                                "document).")),
        label_col: str = typer.Option(None, "--label-col", help=_("Column (or JSON key) of the label (NSMC: "
                                                                  "label).")),
        val_fraction: float = typer.Option(None, "--val-fraction", help=_("Share held out for validation, 0.01 to "
                                                                          "0.5 (default: 0.1).")),
        seed: int = typer.Option(13, "--seed", help=_("Seed of the split, the initialization and the batches.")),
        epochs: int = typer.Option(None, "--epochs", help=_("Passes over the training set, 1 to 100 (default: the "
                                                            "model's own: 3 for lstm/gru/rnn, 2 for seq2seq, 300 for "
                                                            "forecast).")),
        batch_size: int = typer.Option(None, "--batch-size", help=_("Texts per optimizer step, 1 to 4096 (default: "
                                                                    "128; seq2seq 64).")),
        lr: float = typer.Option(None, "--lr", help=_("Peak learning rate of AdamW, 1e-8 to 1 (default: "
                                                      "2e-3; seq2seq 3e-3; forecast 5e-3).")),
        hidden: int = typer.Option(None, "--hidden", help=_("Hidden size per direction, 1 to 2048 (default: 128; "
                                                            "forecast 32).")),
        layers: int = typer.Option(None, "--layers", help=_("Stacked recurrent layers, 1 to 8 (default: 1).")),
        dropout: float = typer.Option(None, "--dropout", help=_("Dropout probability, 0 to 0.9 (default: 0.3).")),
        bidirectional: bool = typer.Option(None, "--bidirectional/--unidirectional",
                                           help=_("Read the text both ways (default: bidirectional).")),
        adversarial: float = typer.Option(None, "--adversarial", help=_("lstm/gru/rnn: ε of adversarial training "
                                                                        "on the embeddings, 0 to 10 (default: 0.3); 0 "
                                                                        "turns it off: one pass per step instead of "
                                                                        "two.")),
        patience: int = typer.Option(None, "--patience", help=_("Evaluations without improvement before stopping "
                                                                "early, at least 1 (default: 3).")),
        embedding: str = typer.Option(None, "--embedding", help=_("word2vec (default: skip-gram vectors trained on "
                                                                  "the training texts' tokens first), random, e5, "
                                                                  "kiwi (Kiwi's morpheme vectors), or a "
                                                                  "word2vec/FastText file.")),
        embed_dim: int = typer.Option(None, "--embed-dim", help=_("Embedding width, 2 to 2048 (default: 200 for "
                                                                  "word2vec, 384 for e5, 256 for kiwi, 128 for "
                                                                  "random).")),
        freeze_embedding: bool = typer.Option(False, "--freeze-embedding", help=_("Keep the initial embedding "
                                                                                  "fixed.")),
        tokenizer: str = typer.Option(None, "--tokenizer", help=_("Tokens of recurrent models: kiwi (morphemes, "
                                                                  "the default), e5-small, char, whitespace, or a "
                                                                  "model name.")),
        vocab: Path = typer.Option(None, "--vocab", help=_("A vocabulary file from seqlab vocab build (default: built "
                                                           "from the training texts)."), readable=False),
        max_length: int = typer.Option(None, "--max-length", help=_("Tokens kept per text, 1 to 4096 (default: "
                                                                    "128).")),
        baselines: bool = typer.Option(None, "--baselines/--no-baselines", help=_("forecast: also fit auto-ARIMA "
                                                                                 "and auto-ETS (statsmodels; an AIC "
                                                                                 "search of minutes on 2 cores). "
                                                                                 "Default: on.")),
        attention: str = typer.Option(None, "--attention", help=_("seq2seq: monotonic (hard attention on the aligned "
                                                                  "source character, the default) or additive "
                                                                  "(Bahdanau, over every source character).")),
        head: str = typer.Option(None, "--head", help=_("e5-head: logreg (the default) or mlp.")),
        precision: str = typer.Option(None, "--precision", help=_("e5-head features: fp32 (the default) or bf16 "
                                                                 "(faster).")),
        no_bucket: bool = typer.Option(False, "--no-bucket", help=_("Pad every batch to the longest text (slower).")),
        device: str = typer.Option("auto", "--device", help=_("auto, cpu or cuda.")),
        resume: bool = typer.Option(False, "--resume", help=_("Continue the run in --out from its last checkpoint, with the "
                                                                  "first run's options (read from --out; one given "
                                                                  "again must keep its value).")),
        checkpoint_every: int = typer.Option(None, "--checkpoint-every", help=_("Steps between resumable "
                                                                                "checkpoints, at least 1 (default: "
                                                                                "100).")),
        json_out: bool = json_opt("per-model"), lang: str = lang_opt(),
    ):
        check_lang(lang)
        if resume:  # options left out are the first run's (command.json); one given again must match
            from seqlab.cli.train_record import resumed_options

            params, taken = resumed_options(ctx, out)
        else:
            params, taken = dict(ctx.params), []
        existed = out.exists()
        try:
            _train(taken=taken, **params)
        except Exception:
            if not resume:  # refused, or failed before it saved anything: no folder that only blocks a rerun
                from seqlab.cli.train_record import forget_lone_record

                forget_lone_record(out, created=not existed)
            raise

    @app.command(help=_("Accuracy, macro-F1 and the confusion matrix of a trained classifier on a labelled file; "
                        "rows that cannot be used are counted and reported."))
    def evaluate(
        run_dir: Path = typer.Argument(..., help=_("A run directory made by seqlab train."), readable=False),
        data: Path = typer.Option(..., "--data", help=_("Labelled data in the training format."), readable=False),
        fmt: str = typer.Option(None, "--format", help=_("nsmc, tsv, csv or jsonl (default: from the extension).")),
        text_col: str = typer.Option(None, "--text-col", help=_("Column of the text (NSMC: document).")),
        label_col: str = typer.Option(None, "--label-col", help=_("Column of the label (NSMC: label).")),
        json_out: bool = json_opt("document"), lang: str = lang_opt(),
    ):
        from seqlab.render.console import console, json_line
        from seqlab.render.training import evaluation_terminal
        from seqlab.training.predictors import evaluate as run

        check_lang(lang)
        one_of("--format", fmt, FORMATS)
        result = run(run_dir, data, fmt, text_col, label_col)
        if json_out:
            print(json_line(result.to_dict()))
        else:
            evaluation_terminal(result, console())

    @app.command(help=_("Labels with probabilities (classifiers), or the decoded output (seq2seq)."))
    def predict(
        run_dir: Path = typer.Argument(..., help=_("A run directory made by seqlab train."), readable=False),
        texts: list[str] = typer.Argument(None, help=_("Text(s); - reads stdin.")),
        file: Path = file_opt(), json_out: bool = json_opt(), errors: str = errors_opt(), lang: str = lang_opt(),
    ):
        from seqlab.render.console import console, json_line
        from seqlab.render.progress import counting_bar
        from seqlab.render.training import prediction_line
        from seqlab.text.unicode import has_visible
        from seqlab.training.predictors import predict_texts

        check_lang(lang)
        from_file = file is not None or texts == ["-"]
        # a file's blank lines keep their place (output line k answers input line k), marked as skipped
        inputs = gather_texts(texts, file, errors, allow_empty=from_file)
        kept = [t for t in inputs if has_visible(t)]
        with counting_bar(_("predicting {n:,} texts").format(n=len(kept)), _("texts"),
                          enabled=from_file) as report:  # a file's work, not one text's
            predicted = iter(predict_texts(run_dir, kept, report))
        results = [next(predicted) if has_visible(t) else {"text": t, "skipped": "empty line"} for t in inputs]
        if json_out:
            for r in results:
                print(json_line(r))
            return
        out = console()  # one console for every line (creating one per line costs a third more per text)
        for r in results:  # one line per text, also in a pipe; the texts as written (no markup)
            out.print(prediction_line(r), markup=False, highlight=False, soft_wrap=True)

    data_app = group(_("Datasets."))
    app.add_typer(data_app, name="data")

    @data_app.command("spacing-pairs", help=_("Build spacing-restoration pairs (text without spaces -> text) for "
                                              "seqlab train --task seq2seq."))
    def data_spacing_pairs(
        data: Path = typer.Argument(..., help=_("Texts: NSMC TSV (document column) or one text per line."),
                                    readable=False),
        out: Path = typer.Option(..., "--out", "-o", help=_("Pairs file to write: source<TAB>target per line."),
                                 readable=False),
        text_col: str = typer.Option(None, "--text-col", help=_("Column of a TSV/CSV (NSMC: document).")),
        max_chars: int = typer.Option(60, "--max-chars", help=_("Longest review kept, 2 to 10,000 characters.")),
        json_out: bool = json_opt("document"), lang: str = lang_opt(),
    ):
        from seqlab.render.console import json_line, note, say
        from seqlab.training.spacing import write_spacing_pairs

        check_lang(lang)
        in_range("--max-chars", max_chars, 2, 10_000)
        check_output("--out", out, inputs=[data])
        summary = write_spacing_pairs(data, out, text_col, max_chars)
        if json_out:
            print(json_line(summary))
        else:
            say(_("wrote {pairs:,} pairs from {texts:,} texts to {path}").format(**summary))
        skipped = summary["skipped"]
        if any(skipped.values()):  # said on stderr with --json too
            note(_("skipped: {empty:,} empty, {one_word:,} of one word (no space to restore), "
                   "{too_long:,} longer than --max-chars {max}").format(
                **skipped, max=summary["max_chars"]))

    @data_app.command("nsmc", help=_("Download the official NSMC files once (or say where to put them when "
                                     "offline)."))
    def data_nsmc(json_out: bool = json_opt("document"), lang: str = lang_opt()):
        from seqlab.render.console import json_line, say
        from seqlab.training.nsmc import fetch_nsmc

        check_lang(lang)
        paths = fetch_nsmc()
        if json_out:
            print(json_line({k: str(v) for k, v in paths.items()}))
        else:
            for name, path in paths.items():
                say(f"{name}: {path}")


EMBEDDINGS = ("word2vec", "random", "e5", "kiwi")  # --embedding keywords; anything else is a vectors file
FIXED_WIDTHS = {"e5": 384, "kiwi": 256}  # embeddings whose width is the source's own


def recurrent_inputs_checked(embedding: str | None, embed_dim: int | None, tokenizer: str | None,
                             vocab: Path | None) -> None:
    """--embedding, --embed-dim, --tokenizer and --vocab of lstm/gru/rnn, checked before any work (usage errors)."""
    if embedding is not None and embedding not in EMBEDDINGS and not Path(embedding).is_file():
        raise UsageError(_("--embedding {value!r} is neither {keywords} nor a vectors file").format(
            value=embedding, keywords=", ".join(EMBEDDINGS)),
            _("Use one of them, or the path of a word2vec/FastText file (seqlab wordvec train makes one)."))
    width = FIXED_WIDTHS.get(embedding or "")
    if width and embed_dim is not None and embed_dim != width:
        raise UsageError(_("--embedding {init} gives {dim}-dimensional vectors, but --embed-dim is {given}").format(
            init=embedding, dim=width, given=embed_dim), _("Leave --embed-dim out, or use --embed-dim {dim}.").format(
            dim=width))
    if tokenizer is not None:
        from seqlab.pretrained.loading import load_tokenizer

        load_tokenizer(tokenizer, vocab=False)  # an unknown name or an unreachable model now, not after the data is read
    if vocab is not None:
        from seqlab.ids.vocab import Vocabulary
        from seqlab.training.prepare import check_vocab

        # before the data is read: a file that is no vocabulary is an input error (1), as in tokenize; one built for
        # another tokenizer does not fit the options (2), as in tokenize -m
        check_vocab(Vocabulary.load(vocab), tokenizer or "kiwi")


def _train(*, taken: list[str] | None, data, model, out, task, series, fmt, text_col, label_col, val_fraction, seed, epochs,
           batch_size, lr, hidden, layers, dropout, bidirectional, adversarial, patience, embedding, embed_dim,
           freeze_embedding, tokenizer, vocab, max_length, baselines, attention, head, precision, no_bucket, device,
           resume, checkpoint_every, json_out, lang) -> None:
    """The body of ``seqlab train``: checks every option up front, then trains (``taken``: the options a resume read
    from the first run's record, said before it starts; None when the run folder has no record)."""
    params = {name: value for name, value in locals().items() if name != "taken"}
    from seqlab.cli.train_record import forget_lone_record, record_options
    from seqlab.render.console import console, json_line, note
    from seqlab.render.progress import training_bar
    from seqlab.training.runs import TRAINERS

    one_of("--task", task, TASKS)
    one_of("--format", fmt, FORMATS)
    one_of("--head", head, ("logreg", "mlp"))
    one_of("--precision", precision, ("fp32", "bf16"))
    one_of("--device", device, ("auto", "cpu", "cuda"))
    in_range("--val-fraction", val_fraction, 0.01, 0.5)
    in_range("--epochs", epochs, 1, 100)
    in_range("--batch-size", batch_size, 1, 4096)
    in_range("--lr", lr, 1e-8, 1.0)
    in_range("--hidden", hidden, 1, 2048)
    in_range("--layers", layers, 1, 8)
    in_range("--dropout", dropout, 0.0, 0.9)
    in_range("--adversarial", adversarial, 0.0, 10.0)
    in_range("--patience", patience, 1)
    in_range("--embed-dim", embed_dim, 2, 2048)
    in_range("--max-length", max_length, 1, 4096)
    in_range("--checkpoint-every", checkpoint_every, 1)
    in_range("--seed", seed, 0, 2**32 - 1)
    if resume:  # the run's own checkpoint, an ensemble member's, or one model's of a comparison (or a finished one)
        from seqlab.training.checkpoint import anything_resumable
        from seqlab.training.runs import finished_summary

        if not anything_resumable(out) and not any(finished_summary(d) for d in out.glob("*") if d.is_dir()):
            raise UsageError(_("--resume: {out} holds no checkpoint to continue from").format(out=out),
                             _("Start without --resume, or give the --out folder of an earlier run."))
    if not resume and forget_lone_record(out):  # an earlier run's options, and nothing it saved
        note(_("note: {out} held only the options of a run that saved nothing; this run "
               "starts afresh").format(out=out))
    # a finished run (or anything else) in --out is never replaced silently; --resume continues it
    check_output("--out", out, inputs=[data] if data is not None else [], directory=True, fresh=not resume)
    if task == "classify":
        if data is None:
            raise UsageError(_("--task classify needs --data FILE"),
                             _("{out} has no record of the first run's options (a run of an older seqlab): give "
                               "them again, --data included.").format(out=out) if resume and taken is None else
                             _("e.g. --data ratings_train.txt (NSMC: seqlab data nsmc fetches it)."))
        names = csv_list(model, "--model")
        if not names:
            raise UsageError(_("--model is empty"), _("e.g. --model lstm or --model tfidf,lstm,best"))
        for name in names:
            one_of("--model", name, TRAINERS)
    # options that the chosen task or models would not use are refused, not ignored
    network = {"--epochs": epochs, "--batch-size": batch_size, "--lr": lr, "--hidden": hidden}
    recurrent = {"--layers": layers, "--dropout": dropout, "--bidirectional": bidirectional,
                 "--adversarial": adversarial,
                 "--patience": patience, "--embedding": embedding, "--embed-dim": embed_dim,
                 "--freeze-embedding": freeze_embedding or None, "--tokenizer": tokenizer, "--vocab": vocab,
                 "--no-bucket": no_bucket or None}
    data_options = {"--val-fraction": val_fraction, "--format": fmt, "--text-col": text_col,
                    "--label-col": label_col, "--max-length": max_length}
    if task == "classify" and any(n not in LINEAR for n in names):
        recurrent_inputs_checked(embedding, embed_dim, tokenizer, vocab)  # before minutes of tokenizing
    if task == "classify" and all(n in LINEAR for n in names):
        unused(recurrent | network | {"--max-length": max_length, "--checkpoint-every": checkpoint_every},
               _("{models} (their settings are their own)").format(models=", ".join(names)))
    if task == "classify" and "e5-head" not in names:
        unused({"--head": head, "--precision": precision}, _("{models} (they are for e5-head)").format(
            models=", ".join(names)))
    if task != "classify":
        unused(recurrent | data_options | {"--head": head, "--precision": precision}, "--task " + task)
    if task != "forecast":
        unused({"--series": series, "--baselines/--no-baselines": baselines}, "--task " + task)
    if task != "seq2seq":
        unused({"--attention": attention}, "--task " + task)
    if task == "forecast":
        unused({"--batch-size": batch_size, "--data": data, "--checkpoint-every": checkpoint_every},
               "--task forecast")
        if model != "lstm":
            raise UsageError(_("--task forecast trains an LSTM forecaster; --model {model} does not apply")
                             .format(model=model), _("Leave out --model (or give --model lstm)."))
    if device == "cuda":
        from seqlab.vectors.encoder import pick_device

        pick_device("cuda")  # no CUDA GPU here: say so now, not after the data is read (or never, for tfidf)

    def starting() -> None:
        """Once every check has passed, just before the work: what a resume took is said (nothing silent), and a
        fresh run records every option, defaults included, for a later --resume."""
        if taken:
            note(_("resuming with the first run's options: {options}").format(options=" ".join(taken)),
                 soft_wrap=True)  # not folded: a path stays whole for copying
        elif taken is None:
            note(_("note: {out} has no record of the first run's options (a run of an older seqlab): the options "
                   "given now are used, and they must be the first run's").format(out=out))
        if not resume:
            record_options(out, params)

    if task == "seq2seq":
        from seqlab.render.training import seq2seq_terminal
        from seqlab.training.seq2seq import seq2seq_config, train_seq2seq

        if data is None:
            raise UsageError(_("--task seq2seq needs --data PAIRS.tsv (source<TAB>target per line)"),
                             _("Make one with: seqlab data spacing-pairs FILE --out pairs.tsv"))
        one_of("--model", model, ("lstm", "gru"))
        one_of("--attention", attention, ("monotonic", "additive"))
        cfg = seq2seq_config(cell=model, attention=attention, seed=seed, device=device, epochs=epochs,
                             batch_size=batch_size, lr=lr, hidden=hidden, checkpoint_every=checkpoint_every)
        starting()
        with training_bar("seq2seq") as (on_step, on_phase):
            summary = train_seq2seq(data, out, cfg, resume=resume, on_step=on_step, on_phase=on_phase)
        if json_out:
            print(json_line({k: v for k, v in summary.items() if k != "history"}))
        else:
            seq2seq_terminal(summary, console())
        return
    if task == "forecast":
        from seqlab.render.progress import counting_bar
        from seqlab.render.training import forecast_png, forecast_terminal
        from seqlab.training.forecast import forecast_config, train_forecast

        cfg = forecast_config(seed=seed, epochs=epochs, hidden=hidden, lr=lr, baselines=baselines)
        with counting_bar(_("auto-ARIMA: order search by AIC"), _("models")) as report:
            summary = train_forecast(series or "sunspots", out, cfg, progress=report)
        plot = forecast_png(summary, out / "forecast.png")
        if json_out:
            print(json_line({**{k: v for k, v in summary.items() if k != "curves"}, "plot": str(plot)}))
        else:
            forecast_terminal(summary, console(), plot)
        return
    from seqlab.render.training import report_skipped_rows, report_truncated, summary_table, training_curves_png
    from seqlab.training.runs import TrainOptions, parse_models, train_models

    starting()
    opts = TrainOptions(data=data, fmt=fmt, text_col=text_col, label_col=label_col, val_fraction=val_fraction or 0.1,
                        seed=seed, epochs=epochs, batch_size=batch_size, lr=lr, hidden=hidden, layers=layers,
                        dropout=dropout, bidirectional=bidirectional, patience=patience, embedding=embedding,
                        adversarial=adversarial,
                        embed_dim=embed_dim, freeze_embedding=freeze_embedding, tokenizer=tokenizer or "kiwi",
                        vocab=vocab,
                        max_length=max_length or 128, head=head or "logreg", precision=precision or "fp32",
                        bucket=not no_bucket, device=device, resume=resume, checkpoint_every=checkpoint_every or 100)
    runs = train_models(parse_models(model), opts, out, progress=training_bar)
    for run in runs:
        training_curves_png(run.history, run.out / "curves.png", f"{run.name} · {Path(str(data)).name}")
    for run in runs:  # said on stderr with --json too; --model best: its members that read max_length tokens
        for name, summary in [(run.name, run.summary), *run.summary.get("members", {}).items()]:
            report_truncated(summary.get("truncated"), console(stderr=True), name)
    if json_out:
        for run in runs:
            print(json_line(run.to_dict()))
    elif runs:
        report_skipped_rows(runs[0].data.get("bad_rows", {}), console(stderr=True))
        console().print(summary_table(runs))
