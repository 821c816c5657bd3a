"""Training results: the comparison table, evaluations, predictions, forecasts, spacing scores, and their plots."""

from __future__ import annotations

from rich.cells import cell_len
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from seqlab.i18n import N_, _, ngettext
from seqlab.render import markdown as md
from seqlab.render.console import in_python, table_width, titled_table

# reasons a data row is skipped (seqlab.training.data), for the catalog
SKIP_REASONS = [N_("missing label"), N_("empty text"), N_("invalid UTF-8"), N_("invalid JSON"), N_("unknown label"),
                N_("more columns than the header")]
LABEL_MEANINGS = [N_("negative"), N_("positive")]


def _size(parameters) -> str:
    """A parameter count in one unit for every row (0.74 M beside 28,627 read as a smaller model in Korean)."""
    return f"{parameters:,}" if parameters else ""


def summary_table(runs) -> Table:
    """One row per trained model: validation accuracy, macro-F1, texts scored (n), time, parameters, size on disk."""
    table = titled_table(_("validation results"), title_justify="left")
    for col, justify in ((_("model"), "left"), (_("accuracy"), "right"), ("macro-F1", "right"), (_("texts"), "right"),
                         (_("train time"), "right"), (_("parameters"), "right"), (_("on disk"), "right")):
        table.add_column(col, justify=justify, no_wrap=True)
    for run in runs:
        s = run.summary
        val = s.get("val", {})
        table.add_row(run.name, f"{val['accuracy']:.2%}" if val else "", f"{val['macro_f1']:.4f}" if val else "",
                      f"{val.get('n', 0):,}" if val else "", _("{s:.0f} s").format(s=s.get("seconds", 0)), _size(s.get("parameters")),
                      f"{run.disk_mb:.1f} MB")
        for name, m in s.get("members", {}).items():  # an ensemble (--model best): its members, trained in it
            mval = m.get("val", {})
            table.add_row(f"  └ {name}", f"{mval['accuracy']:.2%}" if mval else "",
                          f"{mval['macro_f1']:.4f}" if mval else "", f"{mval.get('n', 0):,}" if mval else "",
                          _("{s:.0f} s").format(s=m.get("seconds", 0)), _size(m.get("parameters")),
                          f"{m['disk_mb']:.1f} MB" if "disk_mb" in m else "")
    return table


def report_skipped_rows(bad: dict, console: Console) -> None:
    """Rows of the data file that were not used, by reason, with example line numbers."""
    from seqlab.training.data import skipped_rows_line

    if bad.get("total"):
        console.print("[yellow]" + escape(skipped_rows_line(bad)) + "[/]", highlight=False)


def seq2seq_skipped_line(summary: dict) -> str | None:
    """The lines of a pairs file that a seq2seq run did not use, by reason; None when it used every line."""
    if not summary.get("skipped"):
        return None
    from seqlab.training.spacing import skipped_text

    reasons = summary.get("skipped_by_reason")  # runs before it had one count: malformed or too long
    return ngettext("skipped {n:,} line of the pairs file: {reasons}", "skipped {n:,} lines of the pairs file: "
                    "{reasons}", summary["skipped"]).format(
        n=summary["skipped"], reasons=skipped_text(reasons, summary.get("max_chars", 60), summary.get("skipped_lines"))
        if reasons else
        _("malformed, or longer than {max} characters").format(max=summary.get("max_chars", 60)))


def report_stacked(summary: dict, console: Console, name: str = "best") -> None:
    """An ensemble's validation score is in-sample: its stacker was fitted on the split it is scored on. Said beside
    the table, with the cross-validated score on that split (the honest estimate) and the plain mean of members."""
    if "val_cross_validated" not in summary:
        return
    line = _("note: {name}'s stacker was fitted on the validation split it is scored on, so its {acc:.2%} there is "
             "in-sample; cross-validated on that split it scores {cv:.2%} (the honest estimate)").format(
        name=name, acc=summary["val"]["accuracy"], cv=summary["val_cross_validated"])
    if summary.get("val_mean_of_members") is not None:
        line += _("; the plain mean of its members scores {mean:.2%}").format(mean=summary["val_mean_of_members"])
    console.print("[yellow]" + escape(line) + "[/]", highlight=False)


def report_truncated(truncated: dict | None, console: Console, name: str | None = None) -> None:
    """Texts a recurrent model read only the first max_length tokens of (train and evaluate say so)."""
    from seqlab.training.predictors import truncation_text

    line = truncation_text(truncated)
    if line is None:
        return
    console.print("[yellow]" + escape(f"{name}: {line}" if name else line) + "[/]", highlight=False)


def evaluation_notes(result) -> list[str]:
    """What the scores of an evaluation must be read with: training rows among the data, labels without rows."""
    m = result.metrics
    notes = []
    if getattr(result, "trained_on", False):
        notes.append(_("note: {data} is the file this model was trained on (its validation split included): these "
                       "scores are not held out. Give a test file the model has not seen.").format(data=result.data))
    said = overlap_line(getattr(result, "seen_in_training", None))
    if said:
        notes.append(said)
    absent = [name for name, row in zip(m.labels, m.confusion) if not sum(row)]
    if absent and m.n:  # macro-F1 averages every label the model knows: one with no rows counts as F1 0
        notes.append(_("note: no row of this data has the label {labels}; macro-F1 averages over all {k} labels, "
                       "and one without rows counts as F1 0").format(labels=", ".join(absent), k=len(m.labels)))
    return notes


def _label_names(result) -> list[str]:
    """Each label as predict shows it: 1 (positive)."""
    meanings = getattr(result, "label_meanings", None) or {}
    return [f"{label} ({_(meanings[label])})" if label in meanings else label for label in result.metrics.labels]


def scores_line(m) -> str:
    """Accuracy, macro-F1 and how many texts they were measured on (it said "n 300", an English letter in Korean)."""
    return ngettext("accuracy {acc:.2%} · macro-F1 {f1:.4f} · {n:,} text", "accuracy {acc:.2%} · macro-F1 {f1:.4f} · "
                    "{n:,} texts", m.n).format(acc=m.accuracy, f1=m.macro_f1, n=m.n)


def evaluation_terminal(result, console: Console) -> None:
    m = result.metrics
    console.print(scores_line(m), highlight=False)
    for line in evaluation_notes(result):
        console.print(line, highlight=False, markup=False)
    # the title on its own line: as a table title, rich wraps it to the width of this narrow table
    console.print(_("confusion (rows: true, columns: predicted)"), highlight=False)
    table = Table()
    table.add_column(_("true \\ predicted"))
    names = _label_names(result)
    for name in names:
        table.add_column(escape(name), justify="right")
    for name, row in zip(names, m.confusion):
        table.add_row(escape(name), *[f"{v:,}" for v in row])
    console.print(table)


def evaluation_markdown(result) -> str:
    """The same report as :func:`evaluation_terminal`, as Markdown."""
    m = result.metrics
    names = _label_names(result)
    lines = ["**" + md.text(scores_line(m)) + "**", ""]
    lines += [md.text(line) + "\n" for line in evaluation_notes(result)]
    lines += [md.text(_("confusion (rows: true, columns: predicted)")), "",
              "| " + " | ".join([md.cell(_("true \\ predicted")), *map(md.cell, names)]) + " |",
              "|---|" + "---:|" * len(names)]
    lines += ["| " + " | ".join([md.cell(name), *[f"{v:,}" for v in row]]) + " |" for name, row in zip(names, m.confusion)]
    return "\n".join(lines)


def overlap_line(overlap) -> str | None:
    """How many evaluation rows the model saw in training, and the scores without them (or why it is not known)."""
    if overlap is None:
        return None
    if not overlap.checked:
        why = {"moved": _("it is no longer at {path}"), "changed": _("{path} has changed since"),
               "unreadable": _("{path} cannot be read")}[overlap.reason].format(path=overlap.training_file)
        return _("note: could not check which rows the model saw in training: {why}").format(why=why)
    if not overlap.rows:
        return _("no row of this data has a text of the training file {path}: the scores are held out").format(
            path=overlap.training_file)
    line = ngettext("note: {rows:,} of {of:,} rows ({share:.1%}) has a text that is also in the training file {path}",
                    "note: {rows:,} of {of:,} rows ({share:.1%}) have a text that is also in the training file {path}",
                    overlap.rows).format(rows=overlap.rows, of=overlap.of, share=overlap.rows / overlap.of,
                                         path=overlap.training_file)
    if overlap.unseen is not None:
        u = overlap.unseen
        line += "; " + ngettext("on the other {n:,} row: accuracy {acc:.2%} · macro-F1 {f1:.4f}",
                                "on the other {n:,} rows: accuracy {acc:.2%} · macro-F1 {f1:.4f}", u.n).format(
            n=u.n, acc=u.accuracy, f1=u.macro_f1)
        absent = [label for label, row in zip(u.labels, u.confusion) if not sum(row)]
        if absent and u.n:  # as evaluation_notes says it of the whole data: a label without rows counts as F1 0
            line += " " + _("(no row among them has the label {labels}: macro-F1 counts it as F1 0)").format(
                labels=", ".join(absent))
    return line


def prediction_label(r: dict) -> str:
    """A classifier's label with what it stands for, when the run knows it: "1 (positive)"."""
    return f"{r['label']} ({_(r['meaning'])})" if r.get("meaning") else str(r["label"])


def prediction_notes(r: dict) -> list[str]:
    """What a classifier's answer did not read: tokens past its window, or (tfidf) no n-gram it knows, so that the
    answer is its bias alone. The command writes them beside the line, the page under the label."""
    notes = []
    if r.get("dropped"):
        notes.append(ngettext("(read its first {max_length} tokens; {dropped:,} more was not read)",
                              "(read its first {max_length} tokens; {dropped:,} more were not read)",
                              r["dropped"]).format(**r))
    if r.get("features_seen") == 0:
        notes.append(_("(the model found none of its n-grams in this text: this is its bias, not a reading)"))
    return notes


def prediction_line(r: dict) -> str:
    if r.get("skipped"):
        return "—  " + _("(an empty line: nothing to predict)")
    if "label" in r:
        return "  ".join([prediction_label(r), f"{r['probability']:.3f}", r["text"], *prediction_notes(r)])
    return f"{r['output']}   ← {r['text']}"


def forecast_terminal(summary: dict, console: Console, plot=None) -> None:
    """The forecast errors of every method on the test part, then the verdicts (:func:`forecast_verdicts`)."""
    from seqlab.training.forecast import shown_description

    console.print(_("[bold]{description}[/] · {n} values, one-step-ahead forecasts of the last {k} (from {start})")
                  .format(description=escape(shown_description(summary["series"])), n=summary["n"],
                          k=summary["test_points"], start=summary["test_from"]))
    table = titled_table(_("forecast errors on the test part (every model fitted on the training part only)"),
                  title_justify="left")
    for col, justify in ((_("method"), "left"), ("MAE", "right"), ("RMSE", "right"), (_("seconds"), "right")):
        table.add_column(col, justify=justify)
    specs = summary.get("baselines", {})
    names = {"lstm": _("LSTM forecaster"), "naive": _("naive (previous value)"),
             "seasonal_naive": _("seasonal naive (value {m} steps back)").format(m=summary["season"]),
             "arima": _("auto-ARIMA: {spec}").format(spec=specs.get("arima", {}).get("spec", "")),
             "ets": _("auto-ETS: {spec}").format(spec=specs.get("ets", {}).get("spec", ""))}
    seconds = summary.get("seconds_by_method", {})
    for key, m in summary["metrics"].items():
        table.add_row(names.get(key, key), f"{m['mae']:.3f}", f"{m['rmse']:.3f}",
                      f"{seconds[key]:.1f}" if key in seconds else "")
    console.print(table)
    console.print(" · ".join(forecast_verdicts(summary)) + (" · " + _("plot: {path}").format(path=plot) if plot else ""),
                  highlight=False, markup=False)


def _forecast_names(summary: dict) -> dict[str, str]:
    """Each forecast as a verdict names it: "the seasonal-naive forecast", "auto-ARIMA ARIMA(2,0,1)"."""
    specs = summary.get("baselines", {})
    return {"naive": _("the naive forecast"), "seasonal_naive": _("the seasonal-naive forecast"),
            "arima": "auto-ARIMA " + specs.get("arima", {}).get("spec", ""),
            "ets": "auto-ETS " + specs.get("ets", {}).get("spec", "")}


def forecast_verdicts(summary: dict) -> list[str]:
    """How the LSTM compares with every other forecast, by MAE (each one that beats it named, best first), and
    which searches were not fitted and why."""
    from seqlab.training.forecast import SEARCH_NAMES

    metrics, names = summary["metrics"], _forecast_names(summary)
    lstm = metrics["lstm"]["mae"]
    beaten_by = summary.get("beaten_by")  # runs from before it was recorded: from the scores
    if beaten_by is None:
        beaten_by = sorted((k for k in metrics if k != "lstm" and metrics[k]["mae"] < lstm), key=lambda k: metrics[k]["mae"])
    if beaten_by:
        verdicts = [ngettext("the LSTM (MAE {a:.3f}) does NOT have the lowest MAE: {beaten} beats it",
                             "the LSTM (MAE {a:.3f}) does NOT have the lowest MAE: {n} forecasts beat it, the best "
                             "first: {beaten}", len(beaten_by)).format(
            a=lstm, n=len(beaten_by), beaten=", ".join(_("{name} (MAE {mae:.3f})").format(
                name=names.get(k, k), mae=metrics[k]["mae"]) for k in beaten_by))]
    else:
        verdicts = [_("the LSTM has the lowest MAE ({a:.3f}): it beats {others}").format(
            a=lstm, others=", ".join(names.get(k, k) for k in metrics if k != "lstm"))]
    not_fitted = summary.get("not_fitted")
    if not_fitted is None:  # runs from before it was recorded
        not_fitted = {} if summary.get("best_statsmodels") else {"arima": "off", "ets": "off"}
    if set(not_fitted.values()) == {"off"}:
        verdicts.append(_("ARIMA and ETS were not fitted (baselines=False)") if in_python() else
                        _("ARIMA and ETS were not fitted (--no-baselines)"))
    elif not_fitted:
        verdicts.append(_("not fitted, interrupted: {methods}").format(
            methods=", ".join(SEARCH_NAMES[k] for k in not_fitted)))
    return verdicts


def forecast_kept(summary: dict, out) -> tuple[str, str]:
    """What an interrupted forecast kept (a note), and how to fit the rest (the interruption's hint)."""
    from seqlab.training.forecast import SEARCH_NAMES

    kept = [_("the LSTM forecaster"), _("the naive and seasonal-naive forecasts"),
            *[SEARCH_NAMES[k] for k in SEARCH_NAMES if k in summary["metrics"]]]
    missing = ", ".join(SEARCH_NAMES[k] for k in summary["not_fitted"])
    return (_("kept in {out}: {kept} (metrics.json, model.safetensors, forecast.png); not fitted: {missing}").format(
                out=out, kept=", ".join(kept), missing=missing),
            _("a forecast run is not resumed: train again with a new --out to fit {missing} too").format(
                missing=missing))


SPACING_COLUMNS = (("boundary_f1", N_("boundary F1"), "{:.4f}"), ("boundary_accuracy", N_("boundary accuracy"), "{:.2%}"),
                   ("aligned_char_accuracy", N_("aligned char accuracy"), "{:.2%}"), ("cer", N_("CER"), "{:.4f}"),
                   ("char_accuracy", N_("positional char accuracy"), "{:.2%}"), ("exact_match", N_("exact match"),
                                                                                   "{:.2%}"))


def seq2seq_input_notes(results: list[dict]) -> list[str]:
    """What a seq2seq prediction did to its inputs: the spaces it removed (spacing restoration reads the text without
    them and writes them back) and the texts longer than any the model learnt from."""
    notes = []
    spaced = sum(1 for r in results if "source" in r and r["source"] != r["text"])
    if spaced:
        notes.append(ngettext("note: {n:,} text had spaces; the model reads it without them and writes its own",
                              "note: {n:,} texts had spaces; the model reads them without and writes its own",
                              spaced).format(n=spaced))
    long = [r for r in results if r.get("longer_than_trained")]
    if long:
        notes.append(ngettext("note: {n:,} text is longer than the {max:,} characters of the pairs the model learnt "
                              "from; its output may be poor", "note: {n:,} texts are longer than the {max:,} "
                              "characters of the pairs the model learnt from; their output may be poor",
                              len(long)).format(n=len(long), max=long[0]["longer_than_trained"]))
    return notes


def seq2seq_name(summary: dict) -> str:
    """The model as a reader says it ("seq2seq gru + monotonic attention"); the record keeps its English name."""
    if "cell" not in summary:  # runs from before the summary had its cell
        return summary["model"]
    kinds = {"monotonic": _("monotonic"), "additive": _("additive (Bahdanau)")}  # the glossary's names
    return _("seq2seq {cell} + {attention} attention").format(cell=summary["cell"],
                                                               attention=kinds.get(summary["attention"],
                                                                                   summary["attention"]))


def seq2seq_loss_name(loss: str) -> str:
    """The training loss as a reader says it: what the softmax is over."""
    return {"constrained": _("constrained (a space or the next source character)"),
            "full": _("full (the whole vocabulary)")}.get(loss, loss)


def seq2seq_terminal(summary: dict, console: Console) -> None:
    console.print(_("{model} · loss: {loss} · {pairs:,} training pairs, {steps:,} steps, {seconds:.0f} s "
                    "({train:.0f} s training)").format(
        model=seq2seq_name(summary), loss=seq2seq_loss_name(summary.get("loss", "full")), pairs=summary["pairs"],
        steps=summary["steps"],
        seconds=summary["seconds"], train=summary.get("train_seconds", summary["seconds"])), highlight=False)
    batch, epochs = summary.get("batch_size"), summary.get("epochs")
    if batch and epochs and summary["steps"] > -(-summary["pairs"] // batch) * epochs:  # more than full batches give
        console.print(_("{steps:,} steps for {pairs:,} pairs: a batch holds pairs of one length, so many batches hold "
                        "fewer than --batch-size {batch}").format(steps=summary["steps"], pairs=summary["pairs"],
                                                                   batch=batch), highlight=False)
    skipped = seq2seq_skipped_line(summary)
    if skipped:
        console.print(skipped, highlight=False)
    title = _("spacing restoration on {n:,} held-out reviews").format(n=summary["val_pairs"])
    systems = list(summary["scores"].items())
    table = titled_table(title, title_justify="left")
    wide = [[_("system"), *[_(label) for _k, label, _f in SPACING_COLUMNS]],
            *[[name, *[fmt.format(s[key]) if key in s else "" for key, _l, fmt in SPACING_COLUMNS]] for name, s in systems]]
    if table_width(wide) > console.width:  # one row per score, one column per system: nothing is cut
        table.add_column(_("score"))
        for name, _scores in systems:
            table.add_column(name, justify="right")
        for key, label, fmt in SPACING_COLUMNS:
            table.add_row(_(label), *[fmt.format(s[key]) for _name, s in systems if key in s])
    else:
        table.add_column(_("system"))
        for _key, label, _fmt in SPACING_COLUMNS:
            table.add_column(_(label), justify="right")
        for name, s in systems:
            table.add_row(name, *[fmt.format(s[key]) if key in s else "" for key, _label, fmt in SPACING_COLUMNS])
    console.print(table)
    console.print(_("Positional char accuracy compares the i-th characters: after one missing or extra space every "
                    "later character is shifted and counts as wrong. Aligned char accuracy aligns the texts on their "
                    "characters first; CER is the edit distance over the length."), highlight=False)
    labels = {"seq2seq": "seq2seq", "kiwi": "kiwi", "target": _("truth")}
    pad = max(cell_len(label) for label in labels.values())  # 정답 is 4 cells wide, truth 5: align by cells
    for ex in summary["examples"][:3]:
        lines = [f"  {ex['source']}"] + [f"    {label}:{' ' * (pad - cell_len(label))} {ex[key]}"
                                          for key, label in labels.items()]
        console.print("\n".join(lines), highlight=False, markup=False)  # the user's texts, as written


def training_curves_png(history: list[dict], path, title: str):
    """Loss and accuracy over steps, for train and validation, as one PNG (None without history)."""
    if not history:
        return None
    from matplotlib.ticker import MaxNLocator

    from seqlab.render.plots import korean_figure, save_figure

    steps = [h["step"] for h in history]
    with korean_figure(figsize=(11, 4)) as fig:
        ax1, ax2 = fig.subplots(1, 2)
        ax1.plot(steps, [h["train_loss"] for h in history], marker="o", label=_("training"))
        ax1.plot(steps, [h["val_loss"] for h in history], marker="o", label=_("validation"))
        ax1.set_title(_("loss"))
        ax2.plot(steps, [h["train_accuracy"] for h in history], marker="o", label=_("training"))
        ax2.plot(steps, [h["val_accuracy"] for h in history], marker="o", label=_("validation"))
        ax2.set_title(_("accuracy"))
        for ax in (ax1, ax2):
            ax.set_xlabel(_("step"))
            ax.xaxis.set_major_locator(MaxNLocator(integer=True))  # optimizer steps are whole: no tick at step 2.5
            ax.grid(alpha=0.3)
            ax.legend()
        fig.suptitle(title)
        return save_figure(fig, path)


def forecast_png(summary: dict, path):
    """The series, the test part's one-step-ahead forecasts of every method, and their MAE."""
    import numpy as np

    from seqlab.render.plots import korean_figure, save_figure
    from seqlab.training.forecast import shown_description

    curves, results = summary["curves"], summary["metrics"]
    labels, y, test_start = curves["labels"], np.asarray(curves["values"]), curves["test_start"]
    with korean_figure(figsize=(11, 4.5)) as fig:
        ax = fig.subplots()
        x = np.arange(len(y))
        ax.plot(x, y, color="#555", linewidth=1, label=_("actual"))
        t = x[test_start:]
        styles = {"lstm": ("LSTM", "#d62728", "-", 1.8), "naive": (_("naive"), "#1f77b4", "--", 1.0),
                  "seasonal_naive": (_("seasonal naive"), "#2ca02c", ":", 1.0),
                  "arima": ("ARIMA", "#9467bd", "-", 1.2), "ets": ("ETS", "#ff7f0e", "-.", 1.2)}
        for key, values in curves["forecasts"].items():
            name, color, style, width = styles.get(key, (key, None, "-.", 1.0))
            ax.plot(t, values, color=color, linestyle=style, linewidth=width,
                    label=f"{name} (MAE {results[key]['mae']:.2f})")
        ax.axvline(test_start, color="#999", linewidth=0.8)
        step = max(1, len(y) // 10)
        ax.set_xticks(x[::step], [labels[i] for i in x[::step]], rotation=30)
        ax.set_title(_("one-step-ahead forecasts · {description}").format(
            description=shown_description(summary["series"])))
        ax.legend(fontsize=8)
        ax.grid(alpha=0.3)
        return save_figure(fig, path)
