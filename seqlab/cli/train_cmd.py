"""Stage 6 commands: train, evaluate, predict, data spacing-pairs, data nsmc.

``seqlab train``'s options are checked and run in :mod:`seqlab.cli.train_run`; this module declares them.
"""

from __future__ import annotations

from pathlib import Path

import typer

from seqlab.cli.options import (
    MAX_MIN_COUNT,
    SEED_MAX,
    check_lang,
    errors_opt,
    exclusive,
    file_opt,
    gather_texts,
    group,
    in_range,
    json_opt,
    lang_opt,
    markdown_opt,
    number_range,
    one_of,
    shown_number,
    text_col_opt,
)
from seqlab.cli.outputs import check_output
from seqlab.cli.train_run import FORMATS
from seqlab.errors import UsageError
from seqlab.i18n import _, ngettext
from seqlab.limits import ERROR_MODES


def register(app: typer.Typer) -> None:
    from seqlab.training.runs import BEST, TRAINERS

    @app.command(help=_("Train a model on labelled data; several models (comma-separated) end with one comparison "
                        "table. --task seq2seq trains spacing restoration on a pairs file; --task forecast an LSTM "
                        "forecaster, compared with naive, auto-ARIMA and auto-ETS forecasts. Defaults are each model's own (printed in its run's config.json)."))
    def train(
        ctx: typer.Context,
        data: Path = typer.Option(None, "--data", "-f", help=_("Training data: NSMC TSV, CSV, TSV or JSONL (pairs TSV for "
                                                         "seq2seq)."), readable=False),
        model: str = typer.Option("lstm", "--model", "-m", help=_("Classifier: {names} (comma-separated to compare); "
                                                            "best is the most accurate model seqlab ships: {best}. "
                                                            "seq2seq: lstm or gru.").format(names=", ".join(TRAINERS),
                                                                                            best=_(BEST))),
        out: Path = typer.Option(..., "--out", "-o", help=_("Run directory (one subfolder per model when "
                                                            "comparing)."), readable=False),
        task: str = typer.Option("classify", "--task", metavar="classify|seq2seq|forecast",
                                 help=_("classify, seq2seq or forecast.")),
        series: str = typer.Option(None, "--series", help=_("forecast: a statsmodels series (sunspots, co2) or a "
                                                            "CSV (default: sunspots).")),
        fmt: str = typer.Option(None, "--format", help=_("nsmc, tsv, csv or jsonl (default: from the extension).")),
        text_col: str = typer.Option(None, "--text-col", help=_("Column (or JSON key) of the text (NSMC: "
                                                                "document).")),
        label_col: str = typer.Option(None, "--label-col", help=_("Column (or JSON key) of the label (NSMC: "
                                                                  "label).")),
        val_fraction: float = typer.Option(None, "--val-fraction", help=_("Share held out for validation, 0.01 to "
                                                                          "0.5 (default: 0.1).")),
        seed: int = typer.Option(13, "--seed", help=_("Seed of the split, the initialization and the batches, {seeds}.").format(
            seeds=number_range(0, SEED_MAX))),
        epochs: int = typer.Option(None, "--epochs", help=_("Passes over the training set, 1 to 100, forecast 1 to "
                                                            "10,000 (default: the model's own: 4 for lstm/gru/rnn, "
                                                            "2 for e5-tune and seq2seq, 300 for forecast).")),
        batch_size: int = typer.Option(None, "--batch-size", help=_("Texts per optimizer step, 1 to 4,096 (default: "
                                                                    "128; e5-tune 32; seq2seq 64).")),
        lr: float = typer.Option(None, "--lr", help=_("Peak learning rate of AdamW, 1e-8 to 1 (default: "
                                                      "2e-3; e5-tune 3e-5; seq2seq 3e-3; forecast 5e-3).")),
        hidden: int = typer.Option(None, "--hidden", help=_("Hidden size per direction, 1 to 2,048 (default: 128; "
                                                            "forecast 32).")),
        layers: int = typer.Option(None, "--layers", help=_("Stacked recurrent layers, 1 to 8 (default: 1).")),
        dropout: float = typer.Option(None, "--dropout", help=_("Dropout probability, 0 to 0.9 (default: 0.3).")),
        bidirectional: bool = typer.Option(None, "--bidirectional/--unidirectional",
                                           help=_("Read the text both ways (default: bidirectional).")),
        adversarial: float = typer.Option(None, "--adversarial", help=_("lstm/gru/rnn and e5-tune: ε of adversarial "
                                                                        "training on the embeddings, 0 to 10 (default: "
                                                                        "0.3; e5-tune 0); 0 turns it off: one pass per "
                                                                        "step instead of two.")),
        patience: int = typer.Option(None, "--patience", help=_("Evaluations without improvement before stopping "
                                                                "early, at least 1 (default: 3).")),
        embedding: str = typer.Option(None, "--embedding", help=_("word2vec (default: skip-gram vectors trained on "
                                                                  "the training texts' tokens first), random, e5, "
                                                                  "kiwi (Kiwi's morpheme vectors), or a "
                                                                  "word2vec/FastText file.")),
        embed_dim: int = typer.Option(None, "--embed-dim", help=_("Embedding width, 2 to 2,048 (default: 200 for "
                                                                  "word2vec, 384 for e5, 256 for kiwi, 128 for "
                                                                  "random).")),
        freeze_embedding: bool = typer.Option(False, "--freeze-embedding", help=_("Keep the initial embedding "
                                                                                  "fixed.")),
        tokenizer: str = typer.Option(None, "--tokenizer", help=_("Tokens of recurrent models: kiwi (morphemes, "
                                                                  "the default), e5-small, char, whitespace, or a "
                                                                  "model name.")),
        vocab: Path = typer.Option(None, "--vocab", help=_("A vocabulary file from seqlab vocab build (default: built "
                                                           "from the training texts)."), readable=False),
        min_freq: int = typer.Option(None, "--min-freq", "--min-frequency", "--min-count",
                                     help=_("Tokens seen fewer times in the training texts become <unk>, 1 to "
                                            "{n} (default: 2; a vocabulary built from the training texts, not "
                                            "with --vocab).").format(n=shown_number(MAX_MIN_COUNT))),
        max_length: int = typer.Option(None, "--max-length", help=_("Tokens kept per text, 1 to 4,096 (default: "
                                                                    "128).")),
        baselines: bool = typer.Option(None, "--baselines/--no-baselines", help=_("forecast: also fit auto-ARIMA "
                                                                                 "and auto-ETS (statsmodels; an AIC "
                                                                                 "search of minutes on 2 cores). "
                                                                                 "Default: on.")),
        season: int = typer.Option(None, "--season", help=_("forecast: time steps per season, 2 to 1,000, for the "
                                                            "seasonal-naive forecast, ARIMA and ETS (default: the "
                                                            "series' own: 11 for sunspots, 12 for co2; 12 for a "
                                                            "CSV, said).")),
        attention: str = typer.Option(None, "--attention", help=_("seq2seq: monotonic (hard attention on the aligned "
                                                                  "source character, the default) or additive "
                                                                  "(Bahdanau, over every source character).")),
        head: str = typer.Option(None, "--head", help=_("e5-head: logreg (the default) or mlp.")),
        precision: str = typer.Option(None, "--precision", help=_("e5-head features: fp32 (the default) or bf16 "
                                                                 "(faster).")),
        no_bucket: bool = typer.Option(False, "--no-bucket", help=_("Pad every batch to the longest text (slower).")),
        device: str = typer.Option("auto", "--device", help=_("auto, cpu or cuda.")),
        threads: int = typer.Option(None, "--threads", help=_("PyTorch CPU threads, 1 to 1,024 (default: 2 for lstm, gru, "
                                                              "rnn and e5-tune; 1 for seq2seq and forecast). On a "
                                                              "machine other programs keep busy, 1 trains faster.")),
        resume: bool = typer.Option(False, "--resume", help=_("Continue the run in --out from its last checkpoint, with the "
                                                                  "first run's options (read from --out; one given "
                                                                  "again must keep its value).")),
        checkpoint_every: int = typer.Option(None, "--checkpoint-every", help=_("Steps between resumable "
                                                                                "checkpoints, at least 1 (default: "
                                                                                "100).")),
        json_out: bool = json_opt("per-model"), lang: str = lang_opt(),
    ):
        from seqlab.cli.train_run import TrainArgs, run

        check_lang(lang)
        if resume:  # options left out are the first run's (command.json); one given again must match
            from seqlab.cli.train_record import resumed_options

            params, taken = resumed_options(ctx, out)
        else:
            params, taken = dict(ctx.params), []
        existed = out.exists()
        was_empty = not existed or (out.is_dir() and not any(out.iterdir()))  # all it will hold is this run's
        try:
            run(TrainArgs(**params), taken)
        except BaseException:  # an error, or Ctrl-C (said "nothing was saved: run the same command again")
            from seqlab.training.launch import launched

            if not resume and launched()[0] == 0:  # stopped before it saved anything to continue from: no folder
                from seqlab.cli.train_record import discard_unsaved, forget_lone_record  # that only blocks a rerun
                from seqlab.training.runs import model_names

                models = model_names(str(params.get("model") or ""))  # as the run folders are named
                if not (was_empty and discard_unsaved(out, created=not existed, models=models)):
                    forget_lone_record(out, created=not existed)
            raise

    @app.command(short_help=_("Accuracy, macro-F1 and the confusion matrix of a trained classifier."),
                 help=_("Accuracy, macro-F1 and the confusion matrix of a trained classifier on a labelled file; "
                        "rows that cannot be used are counted and reported."))
    def evaluate(
        run_dir: Path = typer.Argument(..., help=_("A run directory made by seqlab train."), readable=False),
        data: Path = typer.Option(..., "--data", "-f", help=_("Labelled data in the training format."), readable=False),
        fmt: str = typer.Option(None, "--format", help=_("nsmc, tsv, csv or jsonl (default: from the extension).")),
        text_col: str = typer.Option(None, "--text-col", help=_("Column of the text (NSMC: document).")),
        label_col: str = typer.Option(None, "--label-col", help=_("Column of the label (NSMC: label).")),
        json_out: bool = json_opt("document"), markdown: bool = markdown_opt(), lang: str = lang_opt(),
    ):
        from seqlab.render.console import console, print_json
        from seqlab.render.training import (
            evaluation_markdown,
            evaluation_terminal,
            report_skipped_rows,
            report_truncated,
        )
        from seqlab.training.predictors import evaluate as run

        check_lang(lang)
        exclusive(json=json_out, markdown=markdown)
        fmt = one_of("--format", fmt, FORMATS)
        result = run(run_dir, data, fmt, text_col, label_col)
        notes = console(stderr=True)  # notes on stderr, as train says them, with or without --json
        report_skipped_rows(result.bad_rows, notes)
        report_truncated(result.truncated, notes)
        if json_out:
            print_json(result.to_dict())
        elif markdown:
            print(evaluation_markdown(result))
        else:
            evaluation_terminal(result, console())

    @app.command(help=_("Labels with probabilities (classifiers), or the decoded output (seq2seq)."))
    def predict(
        run_dir: Path = typer.Argument(..., help=_("A run directory made by seqlab train."), readable=False),
        texts: list[str] = typer.Argument(None, help=_("Text(s); - reads stdin.")),
        file: Path = file_opt(), json_out: bool = json_opt(), errors: str = errors_opt(), text_col: str = text_col_opt(),
        lang: str = lang_opt(),
    ):
        from seqlab.render.console import console, note, print_json
        from seqlab.render.progress import counting_bar
        from seqlab.render.training import prediction_line, seq2seq_input_notes
        from seqlab.text.unicode import has_visible
        from seqlab.training import predictors

        check_lang(lang)
        from_file = file is not None or texts == ["-"]
        errors = one_of("--errors", errors, ERROR_MODES)  # the options first (2), then the folder (1), as every command
        task = predictors.predictable_run(run_dir).get("task")  # a folder that predicts nothing is said even when
        # every line is blank
        # a file's blank lines keep their place (output line k answers input line k), marked as skipped
        inputs = gather_texts(texts, file, errors, allow_empty=from_file, text_col=text_col)
        total = sum(map(has_visible, inputs))
        out = console()  # one console for every line (creating one per line costs a third more per text)
        if not json_out and task != "seq2seq":
            # what each line's columns are, on stderr: the lines themselves stay one answer each
            note(_("columns: label (what it stands for), the probability the model gives that label, the text"))
        noted = []  # only the answers the notes below count (a seq2seq's spaced or long inputs), not every answer
        with counting_bar(ngettext("predicting {n:,} text", "predicting {n:,} texts", total).format(n=total), _("texts"),
                          enabled=from_file) as report:  # a file's work, not one text's
            done = 0
            # block by block, each written once answered: the first answers of a 150,000-line file come in seconds
            for start in range(0, len(inputs), predictors.PREDICT_BLOCK):
                block = inputs[start:start + predictors.PREDICT_BLOCK]
                kept = [t for t in block if has_visible(t)]
                offset = done
                predicted = iter(predictors.predict_texts(
                    run_dir, kept, lambda d, _n, offset=offset: report(offset + d, total)) if kept else [])
                done += len(kept)
                answered = [next(predicted) if has_visible(t) else {"text": t, "skipped": "empty line"} for t in block]
                for r in answered:  # one line per text, also in a pipe; the texts as written (no markup)
                    if json_out:
                        print_json(r)
                    else:
                        out.print(prediction_line(r), markup=False, highlight=False, soft_wrap=True)
                noted += [r for r in answered if r.get("source", r["text"]) != r["text"] or r.get("longer_than_trained")]
        for line in seq2seq_input_notes(noted):  # said on stderr, with --json too
            note(line)

    data_app = group(_("Datasets: fetch NSMC (seqlab data nsmc) and make spacing-restoration pairs for seq2seq "
                       "(seqlab data spacing-pairs)."))
    app.add_typer(data_app, name="data")

    @data_app.command("spacing-pairs", help=_("Build spacing-restoration pairs (text without spaces -> text) for "
                                              "seqlab train --task seq2seq."))
    def data_spacing_pairs(
        data: Path = typer.Argument(None, help=_("Texts: NSMC TSV (document column) or one text per line."),
                                    readable=False),
        data_file: Path = typer.Option(None, "--data", "-f", help=_("The same file as an option, as train and the "
                                                                    "other commands take it."), readable=False),
        out: Path = typer.Option(..., "--out", "-o", help=_("Pairs file to write: source<TAB>target per line."),
                                 readable=False),
        text_col: str = typer.Option(None, "--text-col", help=_("Column of a TSV/CSV (NSMC: document).")),
        max_chars: int = typer.Option(60, "--max-chars", help=_("Longest review kept, 2 to 10,000 characters.")),
        errors: str = errors_opt(skips=True), json_out: bool = json_opt("document"), lang: str = lang_opt(),
    ):
        from seqlab.render.console import note, print_json, say
        from seqlab.training.spacing import make_spacing_pairs, save_spacing_pairs

        check_lang(lang)
        if (data is None) == (data_file is None):
            raise UsageError(_("give the texts once: as DATA or as -f FILE") if data is not None else
                             _("no texts given"), _("e.g. seqlab data spacing-pairs -f ratings_train.txt --out "
                                                    "pairs.tsv"))
        data = data if data is not None else data_file
        in_range("--max-chars", max_chars, 2, 10_000)
        errors = one_of("--errors", errors, ERROR_MODES)
        check_output("--out", out, inputs=[data], notes=False)  # a usage error (2) before any work
        pairs, made = make_spacing_pairs(data, text_col, max_chars, errors)
        check_output("--out", out, inputs=[data])  # its notes (a file to replace) once the input held up
        summary = save_spacing_pairs(pairs, out, made)
        if json_out:
            print_json(summary)
        else:
            say(ngettext("wrote {pairs:,} pair from {texts:,} texts to {path}",
                         "wrote {pairs:,} pairs from {texts:,} texts to {path}", summary["pairs"]).format(**summary))
        skipped = summary["skipped"]
        if skipped["not_utf8"]:  # the lines --errors replace read: never a pair (U+FFFD would be learnt as a letter)
            lines = summary["replaced_lines"]
            where = ", ".join(map(str, lines[:10])) + (" …" if skipped["not_utf8"] > 10 else "")
            note(ngettext("skipped: {n:,} line that is not valid UTF-8 (line {where})",
                          "skipped: {n:,} lines that are not valid UTF-8 (lines {where})",
                          skipped["not_utf8"]).format(n=skipped["not_utf8"], where=where))
        if skipped["empty"] or skipped["one_word"] or skipped["too_long"]:  # said on stderr with --json too
            note(_("skipped: {empty:,} empty, {one_word:,} of one word (no space to restore), "
                   "{too_long:,} longer than --max-chars {max}").format(
                **skipped, max=summary["max_chars"]))

    @data_app.command("nsmc", help=_("Download the official NSMC files once (or say where to put them when "
                                     "offline)."))
    def data_nsmc(json_out: bool = json_opt("document"), lang: str = lang_opt()):
        from seqlab.render.console import print_json, say
        from seqlab.training.nsmc import fetch_nsmc

        check_lang(lang)
        paths = fetch_nsmc()
        if json_out:
            print_json({k: str(v) for k, v in paths.items()})
        else:
            for name, path in paths.items():
                say(f"{name}: {path}")

