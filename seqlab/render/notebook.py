"""Every record in a notebook: ``text/plain`` from the terminal renderers, ``text/html`` from the page's views.

:class:`seqlab.display.Displayable` records call :func:`mimebundle` when Jupyter, VS Code or Colab
displays them. The HTML is :func:`seqlab.render.fragments.fragment`: views.js and views.css inline,
no CDN, no require.js, a fresh container id per output, long inputs elided ("… N more").
Where anywidget is installed (``pip install seqlab[notebook]``) and a kernel is running, traces and
attention also come as a widget (:mod:`seqlab.render.widget`) whose step, layer and head Python can read;
front-ends without widgets show the same static HTML.

>>> from seqlab import tokenize
>>> "sv-" in to_html(tokenize("안녕", model="char"))
True
"""

from __future__ import annotations

import base64
import io
import tempfile
from pathlib import Path

from rich.console import Console

from seqlab.i18n import N_, _
from seqlab.render import view_records as vr
from seqlab.render.fragments import fragment
from seqlab.render.rounding import rounded
from seqlab.vectors.word_input import source_label

MAX_PLAIN_CHARS = 6000  # text/plain of a record: the terminal rendering, cut by lines beyond this
WIDGET_VIEWS = ("trace", "attention_layers")  # views that come as a widget where anywidget is installed
PLAIN_WIDTH = 110
MAX_FALLBACK_CHARS = 3000  # of text/plain, inside the HTML for hosts that run no script (GitHub's preview)
MAX_HISTORY = 50  # rows of a training run's history shown (the last ones)


def _terminal(draw) -> str:
    """What a terminal renderer prints, as plain text (no colour), cut to :data:`MAX_PLAIN_CHARS`."""
    buffer = io.StringIO()
    draw(Console(file=buffer, width=PLAIN_WIDTH, color_system=None, force_terminal=False, force_jupyter=False,
                 highlight=False))  # never rich's own Jupyter output: the text goes into text/plain
    return _plain("\n".join(line.rstrip() for line in buffer.getvalue().rstrip().splitlines()))


def _plain(text: str) -> str:
    """A record's text/plain, cut by lines to :data:`MAX_PLAIN_CHARS` (no cell receives megabytes)."""
    if len(text) <= MAX_PLAIN_CHARS:
        return text
    kept = text[:MAX_PLAIN_CHARS].rsplit("\n", 1)[0]
    return kept + "\n" + vr.more(text.count("\n") - kept.count("\n"), _("lines"))


def _png(write) -> dict:
    """A plot written by a renderer of :mod:`seqlab.render.lab`, inline as a data: URL (never a file or a link)."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "plot.png"
        write(path)
        data = base64.b64encode(path.read_bytes()).decode("ascii")
    return {"src": f"data:image/png;base64,{data}", "alt": _("plot")}


# ---- one function per record: (parts, notes) for views.js, and the plain text --------------------------------
def _tokens(rec):
    from seqlab.render.tokens import render_tokens

    return (*vr.token_parts(rec), _terminal(lambda c: render_tokens(rec, c, max_rows=40)))


def _batch(batch):
    parts, notes = vr.batch_parts(batch)
    return parts, notes, _plain("\n".join([f"Batch({batch.model}, shape={list(batch.shape)})", *notes]))


def _embedding(rec):
    from seqlab.render.vectors import long_text_note, shape_lines, vector_table

    def draw(c):
        note = long_text_note(rec)  # what the window cut, said before the shape it explains
        if note:
            c.print(note, highlight=False, markup=False)
        for line in shape_lines(rec):  # as written: "[batch size, …]" is not rich markup, nor is a text's "[/"
            c.print(line, markup=False, highlight=False)
        c.print(vector_table(rec, max_rows=20))

    return (*vr.embedding_parts(rec), _terminal(draw))


def _similarity(rec):
    from seqlab.render.vectors import similarity_line, similarity_notes

    # the command line's line, the prefix included: without it the number looked unlike embed's for the same texts
    head = f"A: {vr.short_text(rec.a)!r}  B: {vr.short_text(rec.b)!r}\n{similarity_line(rec)}"
    return (*vr.similarity_parts(rec), _plain("\n".join([head, *similarity_notes(rec)])))


def _words(rec):
    from seqlab.render.words import word_notes

    head = rec.expression if hasattr(rec, "expression") else rec.word
    lines = [f"{head} ({source_label(rec.source)})"] + [f"  {i + 1:>2}. {n.word}  {n.score:.4f}" for i, n in enumerate(rec.results)]
    return (*vr.words_parts(rec), _plain("\n".join([*lines, *word_notes(rec)])))  # the notes the page says


def _search(res):
    from seqlab.render.vectors import search_notes

    lines = [f"{res.query!r} · {res.model} · {res.corpus}"] + [
        f"  {h.rank:>2}. {h.score:.4f}  {h.line}: {h.text[:100]}" for h in res.hits]
    lines += search_notes(res, Path(res.corpus).name)
    return (*vr.search_parts(res), _plain("\n".join(lines)))


def _corpus(res):
    """An embedded corpus (:func:`~seqlab.vectors.corpus_job.embed_corpus`): what was written, as the command says."""
    from seqlab.render.vectors import corpus_summary, truncated_lines_note

    notes = [truncated_lines_note(res.truncated_lines, Path(res.out).name, res.max_length)] if res.truncated_lines else []
    pairs = [[_("rows"), res.rows, "int"], [_("shards"), res.shards, "int"], [_("bad UTF-8 lines"), res.bad_lines, "int"],
             [_("empty lines"), res.empty_lines, "int"], [_("seconds"), round(res.seconds, 1), "fixed:1"]]
    part = ("table", {"title": str(res.out), "pairs": pairs})
    return [part], notes, _plain("\n".join([corpus_summary(res), *notes]))


def _trace(report):
    from seqlab.render.trace import render_terminal

    return (*vr.trace_parts(report), _terminal(lambda c: render_terminal(report, c)))


def _attention(rec):
    parts, notes = vr.attention_parts(rec)
    layers = f"{rec.layers}" if rec.computed == rec.layers else f"{rec.computed} of {rec.layers}"
    plain = (f"AttentionRecord({rec.model}: {layers} layers × {rec.heads} heads × {len(rec.tokens)}×"
             f"{len(rec.tokens)} weights; tokens {' '.join(rec.tokens.tokens[:24])}"
             + (" …" if len(rec.tokens) > 24 else "") + ")")
    return parts, notes, plain


def _gradflow(report):
    from seqlab.render.lab import gradflow_terminal

    return (*vr.gradflow_parts(report), _terminal(lambda c: gradflow_terminal(report, c)))


def _longterm(report):
    from seqlab.render.lab import longterm_plot, longterm_terminal, longterm_verdicts

    metric = report.metric
    columns = [{"title": "T", "format": "int"}, {"title": _("run"), "format": "text"},
               {"title": metric, "format": "fixed:4"}, {"title": _("baseline"), "format": "fixed:4"},
               {"title": _("steps"), "format": "int"}, {"title": "‖∂L/∂h_0‖/‖∂L/∂h_(T-1)‖ " + _("before"), "format": "sci:2"},
               {"title": _("after"), "format": "sci:2"}]
    rows = [[r.length, r.label, *rounded([r.score, r.baseline], 4), r.steps,
             *rounded([r.kept(r.grad_norms_before), r.kept(r.grad_norms_after)], digits=3)] for r in report.runs]
    table = {"title": _("long-term memory: {task}").format(task=_(report.description)), "columns": columns,
             "rows": rows}
    parts = [("table", table)]
    if report.runs:
        parts.append(("image", _png(lambda path: longterm_plot(report, path))))
    return parts, longterm_verdicts(report), _terminal(lambda c: longterm_terminal(report, c))


def _order(report):
    from seqlab.render.lab import order_terminal

    columns = [{"title": _("pair"), "format": "text"}, {"title": _("MLP output identical"), "format": "text"},
               {"title": f"max |h_(T-1)(a) − h_(T-1)(b)| ({report.cell})", "format": "fixed:4"}]
    rows = [[f"{p.a} / {p.b}", _("yes") if p.mlp_bit_identical else _("no"), p.rnn_max_difference] for p in report.pairs]
    ws = report.weight_sharing
    table = {"title": _("order: bag-of-embeddings MLP vs {cell}").format(cell=report.cell.upper()),
             "columns": columns, "rows": rows,
             "notes": [_("weight sharing: the {cell}'s one W_hh gets a share of its gradient from every step, and the "
                         "shares add up to dW_hh: ‖dW_hh‖ = {norm:.3e}; max |Σ_t dW_hh(t) - dW_hh| = {error:.1e}").format(
                 cell=report.cell.upper(), norm=ws.dW_hh_norm, error=ws.max_abs_difference)]}
    return [("table", table)], [], _terminal(lambda c: order_terminal(report, c))


def _explain(report):
    from seqlab.render.explain import cut_note, render_terminal, skipped_note
    from seqlab.render.visible import invisible_characters

    norm = report.normalization.to_dict()
    norm["invisible"] = invisible_characters(report.text)[:50]
    parts, notes = [("normalization", norm)], []
    tokens, more = vr.token_parts(report.tokens, report.vocab_size)
    parts += tokens
    notes += more
    if report.skipped:  # said in the HTML too, not only in the plain text
        notes.append(skipped_note(report))
    for name, record in report.stages.items():
        stage, more = vr.embedding_parts(record) if name == "embedding" else vr.trace_parts(record)
        parts += stage
        notes += more
    # what was cut goes first: the plain text of a long text is cut to MAX_PLAIN_CHARS, and the note came after it
    cut = cut_note(report)
    return parts, notes, "\n".join([*([cut] if cut else []), _terminal(lambda c: render_terminal(report, c, max_rows=30))])


def _scalars(summary: dict) -> list:
    """``[name, value, format]`` of a summary's numbers and words (nested records are shown on their own)."""
    keys = [k for k, v in summary.items() if isinstance(v, (int, float, str)) and not isinstance(v, bool)]
    return [[k, round(summary[k], 4) if isinstance(summary[k], float) else summary[k],
             "fixed:4" if isinstance(summary[k], float) else "text"] for k in keys[:40]]


def _run(run):
    from seqlab.training.metrics import Metrics

    summary = run.to_dict()
    # the run's bookkeeping (seen_digest: a SHA-256 of the training rows, for evaluate's held-out check) is in
    # to_dict(), not in the display, where it came before the scores
    pairs = _scalars({"name": run.name, "out": str(run.out),
                      **{k: v for k, v in summary.items() if not k.endswith("_digest")}})
    title = _("training run {name}").format(name=run.name)
    val = summary.get("val")
    if isinstance(val, dict) and "confusion" in val:  # the validation split's scores and confusion matrix
        parts = _metrics_parts(Metrics(**{k: val[k] for k in ("accuracy", "macro_f1", "n", "confusion", "labels")}),
                               title, pairs)
    else:
        parts = [("table", {"title": title, "pairs": pairs})]
    history = run.history[-MAX_HISTORY:]
    if history:
        keys = [k for k in history[0] if isinstance(history[0][k], (int, float))]
        parts.append(("table", {"title": _("history"), "rows": rounded([[h.get(k) for k in keys] for h in history], 4),
                                "columns": [{"title": k, "format": "int" if k in ("step", "epoch") else "fixed:4"}
                                            for k in keys]}))
    lines = [f"{k}: {v}" for k, v, _f in pairs]
    if isinstance(val, dict) and "accuracy" in val:  # the scores first: what a reader looks for
        lines.insert(0, f"val: accuracy {val['accuracy']:.4f} · macro-F1 {val.get('macro_f1', float('nan')):.4f}")
    return parts, [], "\n".join(lines)


def _metrics_parts(metrics, title: str, extra: list | None = None):
    labels = metrics.labels
    columns = [{"title": _("true \\ predicted"), "format": "text"}] + [{"title": str(k), "format": "int"}
                                                                       for k in labels]
    rows = [[str(k), *row] for k, row in zip(labels, metrics.confusion)]
    pairs = [*(extra or []), [_("accuracy"), round(metrics.accuracy, 4), "fixed:4"],
             [_("macro-F1"), round(metrics.macro_f1, 4), "fixed:4"], [_("texts"), metrics.n, "int"]]
    return [("table", {"title": title, "pairs": pairs, "columns": columns, "rows": rows, "row_headers": True})]


def _metrics(m):
    plain = f"accuracy {m.accuracy:.4f} · macro-F1 {m.macro_f1:.4f} · n {m.n:,} · confusion {m.confusion}"
    return _metrics_parts(m, _("classification metrics")), [], plain


def _evaluation(ev):
    from seqlab.render.training import evaluation_notes, evaluation_terminal, report_truncated

    bad = (ev.bad_rows or {}).get("total", 0)
    parts = _metrics_parts(ev.metrics, _("evaluation of {run} on {data}").format(run=ev.run, data=ev.data),
                           [[_("rows that could not be used"), bad, "int"]])

    def draw(console):  # as `seqlab evaluate` prints it: the scores, what they must be read with, the confusion
        console.print(_("{run} on {data} · rows that could not be used: {bad:,}").format(run=ev.run, data=ev.data,
                                                                                         bad=bad),
                      highlight=False, markup=False)
        report_truncated(ev.truncated, console)
        evaluation_terminal(ev, console)

    return parts, evaluation_notes(ev), _terminal(draw)


def _seq2seq(tr):
    parts, notes = [], []
    if tr.attention is not None:
        lo, hi, n = float(tr.attention.min()), float(tr.attention.max()), len(tr.source)
        if n > 1 and hi - lo < 0.1 / n:  # the colours start at 0, so a near-uniform map looks flat: say it in numbers
            notes.append(_("Every attention weight lies between {lo} and {hi}, close to 1/{n} = {u}: this model does "
                           "not yet prefer any source token.").format(lo=f"{lo:.3f}", hi=f"{hi:.3f}", n=n,
                                                                       u=f"{1 / n:.3f}"))
        parts.append(("alignment", {"weights": rounded(tr.attention, 3), "row_labels": tr.output,
                                    "col_labels": tr.source, "caption": _("attention α_t: output step → source"),
                                    "col_title": _("column: the source token looked at"), "decimals": 3}))
    columns = [{"title": "t", "format": "int"}, {"title": _("reads y_(t-1)"), "format": "text"},
               {"title": _("writes"), "format": "text"}, {"title": "p", "format": "fixed:4"}]
    rows = [[t, tr.inputs[t] if t < len(tr.inputs) else None, tok,
             tr.probability[t] if t < len(tr.probability) else None] for t, tok in enumerate(tr.output)]
    if tr.states is not None:
        columns.append({"title": "s_t[0:4]", "format": "text"})
        for row, s in zip(rows, tr.states):
            row.append(" ".join(f"{v:+.3f}" for v in s[:4]))
    parts.append(("table", {"title": _("Seq2Seq decoding ({cell}) · {model}").format(cell=tr.cell, model=_(tr.model)),
                            "columns": columns, "rows": rows[: vr.MAX_ROWS]}))
    plain = [_("source: {text}").format(text=" ".join(tr.source)), _("output: {text}").format(text=" ".join(tr.output))]
    if tr.attention is not None:
        for tok, row in zip(tr.output, tr.attention):
            j = int(row.argmax())
            plain.append(f"  {tok!r:>6} → {tr.source[j]!r} ({row[j]:.3f})")
    return parts, notes, "\n".join(plain + notes)


SCRATCH_MODEL = N_("scratch Seq2Seq")  # Seq2SeqTrace.model of seqlab's own NumPy model: a label, shown translated

RENDERERS = {  # record class name -> (parts, notes, plain)
    "TokenRecord": _tokens, "Batch": _batch, "EmbeddingRecord": _embedding, "SimilarityRecord": _similarity,
    "NeighborsResult": _words, "AnalogyResult": _words, "SearchResult": _search, "TraceReport": _trace,
    "AttentionRecord": _attention, "GradFlowReport": _gradflow, "LongTermReport": _longterm, "OrderReport": _order,
    "ExplainReport": _explain, "RunSummary": _run, "Metrics": _metrics, "Evaluation": _evaluation,
    "Seq2SeqTrace": _seq2seq, "CorpusResult": _corpus,
}


def _renderer(record):
    for cls in type(record).__mro__:
        if cls.__name__ in RENDERERS:
            return RENDERERS[cls.__name__]
    raise TypeError(f"no notebook view for {type(record).__name__}; known: {', '.join(RENDERERS)}")


def render(record) -> tuple[list, list[str], str]:
    """``(parts, notes, plain)`` of a record: what its HTML draws, what was elided, its plain text; hints in the
    words of a Python caller (``to_dict()``, ``hidden=``), not the command line's (``--json``, ``--hidden``)."""
    from seqlab.render.console import for_python

    with for_python():
        return _renderer(record)(record)


def to_html(record, lang: str | None = None) -> str:
    """The ``text/html`` of a record: the page's views, self-contained."""
    parts, notes, plain = render(record)
    return fragment(parts, lang, notes, fallback=plain[:MAX_FALLBACK_CHARS])


def mimebundle(record, include=None, exclude=None) -> dict:
    """What ``_repr_mimebundle_`` returns: ``text/plain``, ``text/html`` and, for traces and attention where
    anywidget runs, the widget's view (front-ends without widgets show the HTML)."""
    parts, notes, plain = render(record)
    bundle = {"text/plain": plain, "text/html": fragment(parts, None, notes, fallback=plain[:MAX_FALLBACK_CHARS])}
    if len(parts) and parts[0][0] in WIDGET_VIEWS:
        from seqlab.render.widget import widget_bundle

        bundle.update(widget_bundle(parts, notes))
    if include:
        bundle = {k: v for k, v in bundle.items() if k in include}
    if exclude:
        bundle = {k: v for k, v in bundle.items() if k not in exclude}
    return bundle


def widget(record, lang: str | None = None):
    """The record as an anywidget widget (``pip install seqlab[notebook]``): ``step``, ``layer``, ``head`` synced."""
    from seqlab.render.widget import make_widget

    parts, notes, _plain = render(record)
    return make_widget(parts, notes, lang)
