"""Library records as the JSON that ``views.js`` draws, elided so that a notebook cell stays small.

The ``*_parts`` functions take a record and return ``(parts, notes)``: the ``(view, json[, options])``
parts of :func:`seqlab.render.fragments.fragment` and the sentences that say what was left out
("… 1,234 more tokens"); the ``*_view`` and ``*_json`` ones return the JSON a view draws, shared with the
web app. Numbers are rounded as the web page rounds them.
"""

from __future__ import annotations

import numpy as np

from seqlab.i18n import _
from seqlab.render.rounding import rounded
from seqlab.render.words import word_caveats, word_notes
from seqlab.vectors.limits import PAGE_PREVIEW

DECIMALS = 4  # a vector's numbers, as on the page; attention weights get 3
HEATMAP_DIMS = 64  # the embedding heatmap: the first 64 numbers of every token
MAX_TOKENS = 256  # tokens drawn as chips or heatmap rows; the rest are counted ("… N more")
MAX_STEPS = 64  # trace steps carried into a cell
MAX_VALUES = 16  # numbers per trace vector carried (the view prints 8 and draws 16 bars)
MAX_ATTENTION_TOKENS = 48  # tokens of an attention stack (every layer and head in the cell)
MAX_ATTENTION_NUMBERS = 200_000  # above this, a stack carries only each layer's mean over heads
MAX_ROWS = 200  # rows of a plain table
MAX_TEXT = 2000  # characters of an input text carried into a cell (a 200,000-character text made 291 KB of HTML)


def more(n: int, what: str) -> str:
    return _("… {n:,} more {what} (shown: the first ones)").format(n=n, what=what)


def _cut(values, n: int):
    return None if values is None else list(values[:n])


def tokens_json(record, limit: int = MAX_TOKENS) -> tuple[dict, list[str]]:
    """A :class:`~seqlab.tokens.record.TokenRecord` as the tokens/ids views take it, cut to ``limit`` tokens."""
    out = record.to_dict()
    n = len(record.tokens)
    notes = []
    if n > limit:
        for key in ("tokens", "input_ids", "attention_mask", "special_tokens_mask", "continuation", "offsets",
                    "word_ids", "token_type_ids", "tags"):
            if key in out:
                out[key] = _cut(out[key], limit)
        out["unk"] = [u for u in out["unk"] if u["index"] < limit]
        out["text"] = record.text[: max((e for _s, e in record.offsets[:limit]), default=0)]
        # the counts of the whole record: the views say "2,103 in all", not the length of what they draw
        mask = list(record.special_tokens_mask or ())
        trailing = next((k for k, special in enumerate(reversed(mask)) if not special), len(mask))
        out["shown_of"] = {"tokens": n, "special": int(sum(mask)), "trailing_special": trailing}
        notes.append(more(n - limit, _("tokens")))
    return out, notes


def token_parts(record, vocab_size: int | None = None) -> tuple[list, list[str]]:
    out, notes = tokens_json(record)
    out["vocab_size"] = vocab_size
    return [("tokens", out), ("ids", out)], notes


def batch_parts(batch) -> tuple[list, list[str]]:
    ids = [list(map(int, row)) for row in batch.input_ids]
    mask = [list(map(int, row)) for row in batch.attention_mask]
    width = max((len(r) for r in ids), default=0)
    shown = min(width, 32)
    columns = [{"title": "#", "format": "int"}] + [{"title": str(j), "format": "id"} for j in range(shown)]
    rows = [[i] + [{"v": row[j], "muted": not m[j]} if j < len(row) else None for j in range(shown)]
            for i, (row, m) in enumerate(zip(ids[:MAX_ROWS], mask[:MAX_ROWS]))]
    notes = [_("input_ids.shape = {shape}: {b} texts × {l} positions; grey ids are padding (attention_mask 0).").format(
        shape=list(batch.shape), b=len(batch), l=width)]
    notes += [_("tokens kept per text: {kept}; cut by truncation: {dropped}").format(
        kept=list(map(int, batch.lengths))[:MAX_ROWS], dropped=list(map(int, batch.dropped))[:MAX_ROWS])]
    if width > shown:
        notes.append(more(width - shown, _("positions")))
    if len(ids) > MAX_ROWS:
        notes.append(more(len(ids) - MAX_ROWS, _("texts")))
    title = _("Batch of {model}: input_ids").format(model=batch.model)
    return [("table", {"title": title, "columns": columns, "rows": rows, "row_headers": True})], notes


def embedding_view(record, preview: int = PAGE_PREVIEW, full: bool = False, rows: int | None = None) -> dict:
    """An :class:`~seqlab.vectors.record.EmbeddingRecord` as the embedding view draws it (what ``/api/embed`` sends):
    its numbers to 6 decimals, the shape explained, and a heatmap of the first :data:`HEATMAP_DIMS` numbers of each of
    its first ``rows`` tokens (all: None)."""
    from seqlab.render.vectors import shape_lines

    out = rounded(record.to_dict(full=full, preview=preview), 6)
    out["shape_explained"] = shape_lines(record)
    out["heatmap"] = rounded(record.hidden[:rows, :HEATMAP_DIMS], DECIMALS)
    out["heatmap_dims"] = min(HEATMAP_DIMS, record.hidden.shape[1])
    return out


def embedding_json(record, limit: int = MAX_TOKENS) -> tuple[dict, list[str]]:
    """The embedding view's record for a notebook: at most ``limit`` tokens drawn, the rest counted."""
    out = embedding_view(record, rows=limit)
    notes = []
    if len(record.tokens.tokens) > limit:
        for key in ("tokens", "input_ids", "preview", "norms"):
            out[key] = out[key][:limit]
        out["shown_of"] = {"tokens": len(record.tokens.tokens)}  # the tokens read: the view's notes count these
        notes.append(more(len(record.tokens.tokens) - limit, _("token vectors")))
    if record.pooled is not None:
        out["pooled"] = out["pooled"][:PAGE_PREVIEW]
        from seqlab.render.vectors import pooling_name

        notes.append(_("sentence vector ({pooling} pooling{norm}): {values} … ({n} numbers)").format(
            pooling=pooling_name(record.pooling), norm=", " + _("L2-normalized") if record.normalized else "",
            values=" ".join(f"{v:+.4f}" for v in record.pooled[:PAGE_PREVIEW]), n=len(record.pooled)))
    out.pop("layers", None)
    return out, notes


def embedding_parts(record) -> tuple[list, list[str]]:
    out, notes = embedding_json(record)
    return [("embedding", out)], notes


def short_text(text: str) -> str:
    """An input text as a cell carries it: the first :data:`MAX_TEXT` characters, and how many more there were."""
    if len(text) <= MAX_TEXT:
        return text
    return text[:MAX_TEXT] + " " + more(len(text) - MAX_TEXT, _("characters"))


def similarity_parts(record) -> tuple[list, list[str]]:
    out = rounded(record.to_dict(), DECIMALS)
    out["a"], out["b"] = short_text(record.a), short_text(record.b)
    return [("similarity", out)], []


def words_parts(record) -> tuple[list, list[str]]:
    """Neighbours (``word``) or an analogy (``expression``): the page's word table (its first MAX_ROWS results)."""
    out = rounded(record.to_dict(), DECIMALS)
    notes = []
    if len(out.get("results", [])) > MAX_ROWS:
        notes.append(more(len(out["results"]) - MAX_ROWS, _("results")))
        out["results"] = out["results"][:MAX_ROWS]
    return [("words", out)], notes + word_caveats(record) + word_notes(record)  # as the command says them


def search_parts(result) -> tuple[list, list[str]]:
    columns = [{"title": "#", "format": "int"}, {"title": _("cosine"), "format": "fixed:4"},
               {"title": _("line"), "format": "int"}, {"title": _("text"), "format": "text"}]
    rows = [[h.rank, round(float(h.score), DECIMALS), h.line, h.text if len(h.text) <= 300 else h.text[:299] + "…"]
            for h in result.hits]
    title = _("search: {query} · {model} · {corpus}").format(query=result.query, model=result.model,
                                                             corpus=result.corpus)
    return [("table", {"title": title, "columns": columns, "rows": rows[:MAX_ROWS]})], []


def trace_view(report, decimals: int = DECIMALS) -> dict:
    """A :class:`~seqlab.pipeline.tracing.TraceReport` as the trace and backward views draw it, for the web app's
    /api/trace and notebooks alike: matrices of more than 64 numbers as their shape, and the backward pass's loss and
    norms to 4 significant digits (:func:`backward_norms`) with its notes as the command says them."""
    from seqlab.render.trace import backward_notes

    out = report.to_dict(decimals=decimals, full_weights=False)
    if report.backward is not None:
        backward_norms(out["backward"], report.backward)
        out["backward"]["notes"] = backward_notes(report)  # in the reader's language
    return out


def trace_json(report, limit_steps: int = MAX_STEPS, values: int = MAX_VALUES) -> tuple[dict, list[str]]:
    """:func:`trace_view` for a notebook cell: steps and vectors cut, the backward pass without its matrices."""
    out = trace_view(report)
    notes = []
    steps = out["steps"]
    if len(steps) > limit_steps:
        notes.append(more(len(steps) - limit_steps, _("steps")))
        steps = out["steps"] = steps[:limit_steps]
    lengths = {}
    for step in steps:
        for k, v in step.items():
            if isinstance(v, list) and len(v) > values:
                lengths[k] = len(v)
                step[k] = v[:values]
    if lengths:
        out["lengths"] = lengths
    if report.backward is not None:
        back = out["backward"]
        back["steps"] = [{k: s[k] for k in ("t", "token", "dh_norm", "dW_hh_norm")} for s in back["steps"][:limit_steps]]
        for key in ("dW_hh", "dW_ih"):
            back.pop(key, None)
    return out, notes  # dropped and max_length as the report has them: a contextual trace reads the model's window


def backward_norms(shown: dict, backward) -> dict:
    """The loss and the norms of a trace's backward pass (``shown``: its ``to_dict()``, changed in place) to 4
    significant digits, as the page and the notebook show them: they span powers of ten, which 4 decimals lose
    (‖∂L/∂h_0‖ = 3e-9 read 0.0). One rule for the web app's /api/trace and the notebook's view."""
    shown.update(rounded({k: getattr(backward, k) for k in ("value", "dW_hh_sum_error")}, digits=4))
    for step, kept in zip(shown["steps"], backward.steps):
        step.update(rounded({k: getattr(kept, k) for k in ("dh_norm", "dW_hh_norm")}, digits=4))
    return shown


def trace_parts(report) -> tuple[list, list[str]]:
    out, notes = trace_json(report)
    parts = [("trace", out)]
    if report.backward is not None:
        parts.append(("backward", out))
    return parts, notes


def attention_json(record) -> tuple[dict, list[str]]:
    """An :class:`~seqlab.pipeline.attention.AttentionRecord` with every layer (and head, when small enough)."""
    T = min(len(record.tokens.tokens), MAX_ATTENTION_TOKENS)
    w = record.weights[:, :, :T, :T].astype(np.float64)  # (L, H, T, T)
    mean = w.mean(axis=1, keepdims=True)
    notes = []
    heads = w.shape[0] * (w.shape[1] + 1) * T * T <= MAX_ATTENTION_NUMBERS
    stack = np.concatenate([w, mean], axis=1) if heads else mean
    if not heads:
        notes.append(_("{T} tokens: each layer's mean over heads only (single heads for shorter texts)").format(T=T))
    if len(record.tokens.tokens) > T:
        notes.append(more(len(record.tokens.tokens) - T, _("tokens")))
    if record.computed < record.layers:  # attention(..., layers=k): the first k layers only, and said
        notes.append(_("the first {k} of {model}'s {n} layers (computed up to there)").format(
            k=record.computed, model=record.model, n=record.layers))
    out = {"model": record.model, "tokens": record.tokens.tokens[:T], "shape": list(record.weights.shape),
           "layers": record.computed, "heads": record.heads, "decimals": 3, "stack": np.round(stack, 3).tolist(),
           "dropped": record.tokens.dropped, "max_length": record.tokens.max_length}
    return out, notes


def attention_parts(record) -> tuple[list, list[str]]:
    out, notes = attention_json(record)
    return [("attention_layers", out)], notes


def gradflow_parts(report) -> tuple[list, list[str]]:
    from seqlab.render.lab import gradflow_notes

    return [("gradflow", rounded(report.to_dict(), digits=4))], gradflow_notes(report)


def prediction_view(result: dict, trace: dict | None = None) -> dict:
    """A classifier's answer as the page's prediction view draws it: what the command says beside its line, in the
    request's language (the label's meaning, and what the model did not read), with the trace of a recurrent model."""
    from seqlab.render.training import prediction_label, prediction_notes

    return {**rounded(result, DECIMALS), "shown_label": prediction_label(result), "notes": prediction_notes(result),
            "trace": trace}
