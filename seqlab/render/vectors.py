"""Embedding-stage records as terminal tables and Markdown: shapes explained, vectors previewed."""

from __future__ import annotations

from rich.cells import cell_len
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from seqlab.i18n import N_, _, ngettext
from seqlab.render import markdown as md
from seqlab.render.console import elide, in_python, titled_table
from seqlab.render.tokens import visible
from seqlab.text.tables import JSONL_SUFFIXES
from seqlab.vectors.limits import PREVIEW
from seqlab.vectors.record import EmbeddingRecord


def shape_lines(record: EmbeddingRecord, max_tokens: int = 16) -> list[str]:
    """The course's explanation of ``[batch size, sequence length, hidden size]`` for THIS input."""
    _batch, T, H = record.shape
    toks = record.tokens.tokens
    # drawn as the token tables draw them (minilm's lone jamo ᄋ as ㅇ; an invisible character escaped)
    listed = " ".join(visible(t) for t in toks[:max_tokens]) + (" …" if len(toks) > max_tokens else "")
    specials = sum(record.tokens.special_tokens_mask)
    w = max(3, len(str(T)), len(str(H)))  # the three "=" one above the other, at 1,203 tokens too
    return [
        _("last_hidden_state.shape = {shape}  =  [batch size, sequence length, hidden size]").format(shape=record.shape),
        f"  {1:<{w}} = " + _("batch size: one sentence was given"),
        f"  {T:<{w}} = " + ngettext("sequence length: {pieces} token + {specials} special tokens: {listed}",
                                  "sequence length: {pieces} tokens + {specials} special tokens: {listed}",
                                  T - specials).format(
            pieces=T - specials, specials=specials, listed=listed),
        f"  {H:<{w}} = " + _("hidden size: each token becomes {h} numbers").format(h=H),
    ]


def vector_table(record: EmbeddingRecord, preview: int = PREVIEW, max_rows: int = 40, width: int | None = None) -> Table:
    """The token vectors: #, token, id, ‖v‖ and the first ``preview`` numbers; at ``width`` columns as many numbers
    as fit, and the title says how many that is (a number is never cut in half, nor a column dropped)."""
    # the first columns keep their width on a narrow terminal; the number preview gives way
    widths = {"#": len(str(len(record.tokens.tokens))),
              "id": max(map(len, map(str, record.tokens.input_ids)), default=2),
              "token": min(14, max(map(cell_len, record.tokens.tokens), default=5)), "‖v‖": 6}
    widths["token"] = max(widths["token"], cell_len(_("token")))
    n = len(record.tokens.tokens)
    if n > max_rows:  # the row that says how many are not shown sits in the token column: it is counted too
        widths["token"] = max(widths["token"], cell_len(_("{n} more").format(n=n - max_rows)))
    shown = preview
    if width is not None:  # four fixed columns, then "+0.123 " per number and "…"; 3 cells of border and padding each
        room = width - sum(widths.values()) - 3 * 5 - 1
        shown = max(1, min(preview, (room - 1) // 7))
    h = record.hidden.shape[1]
    title = _("token vectors (first {k} of {h} numbers, and the norm ‖v‖)").format(k=shown, h=h)
    if shown < preview:
        every = _("(only {k} of {preview} fit in {width} columns: record.hidden has every number)") if in_python() \
            else _("(only {k} of {preview} fit in {width} columns: seqlab embed TEXT --json --full gives every number)")
        title += " " + every.format(preview=preview, k=shown, width=width)
    table = titled_table(title, title_justify="left")
    for key, col in (("#", "#"), ("token", _("token")), ("id", "id"), ("‖v‖", "‖v‖")):
        table.add_column(col, justify="left" if key == "token" else "right", no_wrap=True, min_width=widths[key])
    table.add_column(f"v[0:{shown}]", no_wrap=True, overflow="ellipsis")
    norms = record.norms
    rows = list(range(n)) if n <= max_rows else [*range(max_rows - 1), n - 1]
    for i in rows:
        if i == n - 1 and n > max_rows:
            table.add_row("…", _("{n} more").format(n=n - max_rows), "", "", "")
        table.add_row(str(i), escape(visible(record.tokens.tokens[i])), str(record.tokens.input_ids[i]),
                      f"{norms[i]:.3f}", " ".join(f"{v:+.3f}" for v in record.hidden[i][:shown]) + " …")
    if n > max_rows:  # where the rows left out are, as tokenize says it (they were cut without a word)
        table.caption = (_("rows {a:,}–{b:,} are not shown: record.hidden has every token's vector") if in_python()
                         else _("rows {a:,}–{b:,} are not shown: seqlab embed TEXT --json --full gives every token's "
                                "vector")).format(a=max_rows - 1, b=n - 2)
        table.caption_justify = "left"
    return table


def groups_table(kind: str, method: str, groups, preview: int = PREVIEW) -> Table:
    """Words or morphemes with the pieces they were built from."""
    table = titled_table(_groups_title(kind, method), title_justify="left")
    for col in _groups_columns(kind, preview):
        table.add_column(col)
    for g in groups:
        table.add_row(escape(g.label), f"{g.start}:{g.end}", " ".join(map(str, g.token_indices)),
                      " ".join(f"{v:+.3f}" for v in g.vector[:preview]) + " …")
    return table


LONG_OPTION = N_("--long window reads them all")  # embed's option; explain names the command that has it
LONG_ELSEWHERE = N_("seqlab embed TEXT --long window reads them all")
LONG_PYTHON = N_('embed(text, long="window") reads them all')  # the remedy in a notebook


def long_text_note(record: EmbeddingRecord, remedy: str = LONG_OPTION) -> str | None:
    """What happened to a text longer than the model's window, in words (None when nothing happened); ``remedy``
    is the option that reads all of it, as the command at hand offers it."""
    if record.tokens.dropped:
        return ngettext("truncated: the text has {total:,} tokens, the model reads at most {limit:,}; the last "
                        "{dropped:,} content token was dropped ({remedy})",
                        "truncated: the text has {total:,} tokens, the model reads at most {limit:,}; the last "
                        "{dropped:,} content tokens were dropped ({remedy})",
                        record.tokens.dropped).format(
            total=len(record.tokens) + record.tokens.dropped, limit=record.tokens.max_length,
            dropped=record.tokens.dropped, remedy=_(LONG_PYTHON if in_python() else remedy))
    long = record.extra.get("long")
    if long:
        return _("read in {windows} overlapping windows of {window} tokens, a new one every {stride} tokens; each "
                 "token's vector is the mean over the windows that saw it").format(**long)
    return None


POOLING_NAMES = {"mean": N_("mean"), "max": N_("max"), "cls": N_("CLS")}  # --pool's values, as prose names them


def pooling_name(method: str) -> str:
    """``mean`` -> "mean" (평균 in Korean): a pooling method in the interface language."""
    return _(POOLING_NAMES[method]) if method in POOLING_NAMES else method


def pooled_line(record: EmbeddingRecord, preview: int = PREVIEW) -> str:
    how = _("{pooling} pooling, L2-normalized") if record.normalized else _("{pooling} pooling")
    return _("sentence vector ({how}, {n} numbers): {values}").format(
        how=how.format(pooling=pooling_name(record.pooling)), n=len(record.pooled),
        values=elide(record.pooled.tolist(), preview + 1, "{:+.4f}"))


def render_embedding(record: EmbeddingRecord, console: Console, preview: int = PREVIEW, remedy: str = LONG_OPTION) -> None:
    note = long_text_note(record, remedy)
    if note:
        console.print(f"[yellow]{escape(note)}[/]")
    for line in shape_lines(record):
        console.print(escape(line))
    console.print(vector_table(record, preview, width=console.width))
    if record.pooled is not None:
        console.print(escape(pooled_line(record, preview)))
    for k, line in enumerate(layer_lines(record)):
        console.print(("  " if k else "") + line)


def layer_lines(record: EmbeddingRecord) -> list[str]:
    """With ``--layers``: the shape of every layer's hidden states, and their mean token norm per layer."""
    if record.layers is None:
        return []
    return [_("hidden states of every layer: shape {shape} (embeddings output + {n} layers)").format(
                shape=list(record.layers.shape), n=record.layers.shape[0] - 1),
            _("mean token norm per layer: {values}").format(values=" ".join(f"{n:.2f}" for n in record.layer_norms))]


def embedding_markdown(record: EmbeddingRecord, preview: int = PREVIEW, remedy: str = LONG_OPTION) -> str:
    from seqlab.render.markdown import code

    lines = []
    note = long_text_note(record, remedy)
    if note:
        lines += [f"> {note}", ""]
    lines += ["```", *shape_lines(record), "```", "", "| # | " + _("token") + f" | id | ‖v‖ | v[0:{preview}] |",
              "|---:|---|---:|---:|---|"]
    norms = record.norms
    for i, tok in enumerate(record.tokens.tokens):
        vals = ", ".join(f"{v:+.4f}" for v in record.hidden[i][:preview])
        lines.append(f"| {i} | {code(tok, in_table=True)} | {record.tokens.input_ids[i]} | {norms[i]:.3f} | {vals}, … |")
    if record.pooled is not None:
        lines += ["", pooled_line(record, preview)]
    layers = layer_lines(record)
    if layers:
        lines += ["", *[f"- {line}" for line in layers]]
    return "\n".join(lines)


def _groups_title(kind: str, method: str) -> str:
    """"words: mean of their pieces": what a words or morphemes table holds, and how each vector was made."""
    what = _("words") if kind == "words" else _("morphemes")
    title = {"first": _("{what}: the first of their pieces"), "last": _("{what}: the last of their pieces")}.get(
        method, _("{what}: {method} of their pieces"))
    return title.format(what=what, method=pooling_name(method))


def _groups_columns(kind: str, preview: int) -> tuple[str, ...]:
    return _("word") if kind == "words" else _("morpheme"), _("span"), _("pieces"), f"v[0:{preview}]"


def groups_markdown(kind: str, method: str, groups, preview: int = PREVIEW) -> str:
    """:func:`groups_table` as Markdown: each word or morpheme, its span, its pieces and its vector's first numbers."""
    from seqlab.render.markdown import cell

    lines = [f"**{cell(_groups_title(kind, method))}**", "", "| " + " | ".join(_groups_columns(kind, preview)) + " |",
             "|---|---|---|---|"]
    for g in groups:
        lines.append(f"| {cell(g.label)} | {g.start}:{g.end} | {' '.join(map(str, g.token_indices))} | "
                     + " ".join(f"{v:+.3f}" for v in g.vector[:preview]) + " … |")
    return "\n".join(lines)



def search_table(result) -> Table:
    table = titled_table(_("top {k} for {query} · {model}").format(k=len(result.hits), query=escape(repr(result.query)),
                                                                   model=escape(result.model)), title_justify="left")
    for col, justify in (("#", "right"), (_("cosine"), "right"), (_("line"), "right"), (_("text"), "left")):
        table.add_column(col, justify=justify, overflow="fold")
    for h in result.hits:
        table.add_row(str(h.rank), f"{h.score:.4f}", str(h.line), escape(visible(h.text)))
    return table


def similarity_line(rec) -> str:
    how = _("{model}, {pooling} pooling").format(model=rec.model, pooling=pooling_name(rec.pooling))
    if rec.prefix:
        how += ", " + _("prefix {prefix!r}").format(prefix=rec.prefix)
    return _("cosine = {value:.4f}   ({how})").format(value=rec.cosine, how=how)


def similarity_markdown(rec) -> str:
    """The two sentences as read, and :func:`similarity_line`, as Markdown."""
    return "\n".join([f"- A: {md.code(rec.a)}", f"- B: {md.code(rec.b)}", "", "**" + md.text(similarity_line(rec)) + "**"])



def cut_text_note(which: str, model: str, limit: int, n: int) -> str:
    """A text (a sentence, a query) longer than the model's window: how much of it was not read."""
    return ngettext("note: {which} is longer than {model} reads ({limit:,} tokens): its last {n:,} token was not "
                    "read", "note: {which} is longer than {model} reads ({limit:,} tokens): its last {n:,} tokens "
                    "were not read", n).format(which=which, model=model, limit=limit, n=n)


def truncated_lines_note(n: int, name: str, limit: int | None) -> str:
    """Lines of a corpus the model read only the start of (the corpus job and the search index)."""
    return ngettext("note: {n:,} line of {name} is longer than the model reads ({limit:,} tokens): only its first "
                    "{limit:,} tokens were embedded", "note: {n:,} lines of {name} are longer than the model reads "
                    "({limit:,} tokens): only their first {limit:,} tokens were embedded", n).format(
        n=n, name=name, limit=limit or 0)


def corpus_summary(result) -> str:
    text = (ngettext("{n:,} row", "{n:,} rows", result.rows).format(n=result.rows) + " · "
            + ngettext("{n:,} shard", "{n:,} shards", result.shards).format(n=result.shards) + f" → {result.out}")
    if result.resumed_from and result.resumed_from >= result.rows:  # finished before: nothing was embedded now
        text += " " + _("(finished in an earlier run: nothing left to embed)")
    elif result.resumed_from:
        text += " " + _("(resumed after {n:,} rows)").format(n=result.resumed_from)
    return text + "\n" + _("bad UTF-8 lines: {bad} · empty lines: {empty} · load with {call}").format(
        bad=result.bad_lines, empty=result.empty_lines, call=f"seqlab.read_embeddings({str(result.out)!r})")


def search_notes(result, name: str) -> list[str]:
    """What a search's hits must be read with: the file read as a table, lines not valid UTF-8, fewer hits than asked,
    the query or corpus lines past the model's window, blank lines (``name``: the corpus as the user named it)."""
    from seqlab.render.console import in_python

    notes: list[str] = []
    if result.text_col and str(result.corpus).lower().endswith(JSONL_SUFFIXES):  # no header: line 1 is a text
        notes.append(_("note: {name} is read as JSON lines: the {column} key of each object is searched").format(
            name=name, column=result.text_col))
    elif result.text_col:  # a table: the header and the other columns are no text
        notes.append(_("note: {name} is read as a table: its {column} column is searched, one text per row; the "
                       "header (line 1) is not a text").format(name=name, column=result.text_col))
    if result.bad_lines:
        notes.append(ngettext(
            "note: {n:,} line of {name} is not valid UTF-8; it was indexed with U+FFFD in place of the bad bytes",
            "note: {n:,} lines of {name} are not valid UTF-8; they were indexed with U+FFFD in place of the bad "
            "bytes", result.bad_lines).format(n=result.bad_lines, name=name))
    n = len(result.hits)
    if n < result.k:
        fewer = (ngettext("note: {name} has {n:,} text line, fewer than k={k}; it is shown",
                          "note: {name} has {n:,} text lines, fewer than k={k}; all are shown", n) if in_python() else
                 ngettext("note: {name} has {n:,} text line, fewer than -k {k}; it is shown",
                          "note: {name} has {n:,} text lines, fewer than -k {k}; all are shown", n))
        notes.append(fewer.format(name=name, n=n, k=result.k))
    if result.query_dropped:
        notes.append(cut_text_note(_("the query"), result.model, result.max_length, result.query_dropped))
    if result.truncated_lines:
        notes.append(truncated_lines_note(result.truncated_lines, name, result.max_length))
    if result.empty_lines and result.text_col:
        notes.append(ngettext("note: {n:,} row of {name} has an empty {column} field and is never an answer",
                              "note: {n:,} rows of {name} have an empty {column} field and are never an answer",
                              result.empty_lines).format(n=result.empty_lines, name=name, column=result.text_col))
    elif result.empty_lines:
        notes.append(ngettext("note: {n:,} blank line of {name} is never an answer",
                              "note: {n:,} blank lines of {name} are never an answer",
                              result.empty_lines).format(n=result.empty_lines, name=name))
    return notes


def similarity_notes(rec) -> list[str]:
    """What a cosine must be read with: a sentence past the model's window, sentences of the same tokens, [UNK]s."""
    from seqlab.render.console import in_python

    notes = [cut_text_note(which, rec.model, rec.max_length, dropped)
             for which, dropped in zip((_("the first sentence"), _("the second sentence")), rec.dropped) if dropped]
    if rec.same_tokens:  # 좋다 and 나쁘다 are both [CLS] [UNK] [SEP] for minilm: cosine 1 means nothing here
        notes.append((_("note: for {model} both sentences are the same tokens, so their vectors are the same; the "
                        "cosine says nothing about their meaning (see seqlab.tokenize(text, model={model!r}))")
                      if in_python() else
                      _("note: for {model} both sentences are the same tokens, so their vectors are the same; the "
                        "cosine says nothing about their meaning (see seqlab tokenize TEXT -m {model})")).format(
            model=rec.model))
    elif any(rec.unknown):
        notes.append(_("note: {model} read {a:,} and {b:,} unknown tokens ([UNK]) in the two sentences: what they "
                       "stand for is not in the vectors").format(model=rec.model, a=rec.unknown[0], b=rec.unknown[1]))
    return notes
