"""Embedding-stage records as terminal tables and Markdown: shapes explained, vectors previewed."""

from __future__ import annotations

from rich.cells import cell_len
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from seqlab.render.console import elide
from seqlab.render.tokens import _visible
from seqlab.vectors.record import EmbeddingRecord


def shape_lines(record: EmbeddingRecord, max_tokens: int = 16) -> list[str]:
    """The course's explanation of ``[batch size, sequence length, hidden size]`` for THIS input."""
    _, T, H = record.shape
    toks = record.tokens.tokens
    listed = " ".join(toks[:max_tokens]) + (" …" if len(toks) > max_tokens else "")
    specials = sum(record.tokens.special_tokens_mask)
    return [
        f"last_hidden_state.shape = {record.shape}  =  [batch size, sequence length, hidden size]",
        "  1   = batch size: one sentence was given",
        f"  {T:<3} = sequence length: {T - specials} pieces + {specials} special tokens: {listed}",
        f"  {H:<3} = hidden size: each token becomes {H} numbers",
    ]


def vector_table(record: EmbeddingRecord, preview: int = 6, max_rows: int = 40) -> Table:
    table = Table(title=f"token vectors (first {preview} of {record.hidden.shape[1]} numbers, and the norm)",
                  title_justify="left")
    # the first columns keep their width on a narrow terminal; the number preview gives way
    widths = {"#": len(str(len(record.tokens.tokens))), "id": max(map(len, map(str, record.tokens.input_ids)), default=2),
              "token": min(14, max(map(cell_len, record.tokens.tokens), default=5)), "‖v‖": 6}
    for col in ("#", "token", "id", "‖v‖"):
        table.add_column(col, justify="left" if col == "token" else "right", no_wrap=True, min_width=widths[col])
    table.add_column(f"v[0:{preview}]", no_wrap=True, overflow="ellipsis")
    norms = record.norms
    n = len(record.tokens.tokens)
    rows = list(range(n)) if n <= max_rows else [*range(max_rows - 1), n - 1]
    for i in rows:
        if i == n - 1 and n > max_rows:
            table.add_row("…", f"{n - max_rows} more", "", "", "")
        table.add_row(str(i), escape(_visible(record.tokens.tokens[i])), str(record.tokens.input_ids[i]),
                      f"{norms[i]:.3f}", " ".join(f"{v:+.3f}" for v in record.hidden[i][:preview]) + " …")
    return table


def groups_table(kind: str, method: str, groups, preview: int = 6) -> Table:
    """Words or morphemes with the pieces they were built from."""
    table = Table(title=f"{kind}: {method} of their pieces", title_justify="left")
    for col in (kind[:-1], "span", "pieces", f"v[0:{preview}]"):
        table.add_column(col)
    for g in groups:
        table.add_row(escape(g.label), f"{g.start}–{g.end}", " ".join(map(str, g.token_indices)),
                      " ".join(f"{v:+.3f}" for v in g.vector[:preview]) + " …")
    return table


def long_text_note(record: EmbeddingRecord) -> str | None:
    """What happened to a text longer than the model's window, in words (None when nothing happened)."""
    if record.tokens.dropped:
        return (f"truncated: the text has {len(record.tokens) + record.tokens.dropped} tokens, the model reads at most "
                f"{record.tokens.max_length}; the last {record.tokens.dropped} content tokens were dropped "
                f"(--long window reads them all)")
    long = record.extra.get("long")
    if long:
        return (f"read in {long['windows']} overlapping windows of {long['window']} tokens, a new one every "
                f"{long['stride']} tokens; each token's vector is the mean over the windows that saw it")
    return None


def render_embedding(record: EmbeddingRecord, console: Console, preview: int = 6) -> None:
    note = long_text_note(record)
    if note:
        console.print(f"[yellow]{escape(note)}[/]")
    for line in shape_lines(record):
        console.print(escape(line))
    console.print(vector_table(record, preview))
    if record.pooled is not None:
        console.print(f"sentence vector ({record.pooling} pooling{', L2-normalized' if record.normalized else ''}, "
                      f"{len(record.pooled)} numbers): {elide(record.pooled.tolist(), preview + 1, '{:+.4f}')}")
    if record.layers is not None:
        console.print(f"hidden states of every layer: shape {list(record.layers.shape)} "
                      f"(embeddings output + {record.layers.shape[0] - 1} layers)")
        console.print("  mean token norm per layer: " + " ".join(f"{n:.2f}" for n in record.layer_norms))


def embedding_markdown(record: EmbeddingRecord, preview: int = 6) -> str:
    lines = ["```", *shape_lines(record), "```", "", f"| # | token | id | norm | v[0:{preview}] |", "|---:|---|---:|---:|---|"]
    norms = record.norms
    for i, tok in enumerate(record.tokens.tokens):
        vals = ", ".join(f"{v:+.4f}" for v in record.hidden[i][:preview])
        lines.append(f"| {i} | `{_visible(tok)}` | {record.tokens.input_ids[i]} | {norms[i]:.3f} | {vals}, … |")
    if record.pooled is not None:
        lines += ["", (f"Sentence vector ({record.pooling} pooling): "
                      f"`{', '.join(f'{v:+.4f}' for v in record.pooled[:preview])}, …`")]
    return "\n".join(lines)


def neighbors_table(title: str, rows) -> Table:
    table = Table(title=title, title_justify="left")
    table.add_column("#", justify="right")
    table.add_column("word")
    table.add_column("cosine", justify="right")
    for i, n in enumerate(rows, start=1):
        table.add_row(str(i), escape(n.word), f"{n.score:.4f}")
    return table


def search_table(result) -> Table:
    table = Table(title=f"top {len(result.hits)} for {result.query!r} · {result.model}", title_justify="left")
    for col in ("#", "cosine", "line", "text"):
        table.add_column(col, justify="right" if col != "text" else "left", overflow="fold")
    for h in result.hits:
        table.add_row(str(h.rank), f"{h.score:.4f}", str(h.line), escape(_visible(h.text)))
    return table


def similarity_line(rec) -> str:
    prefix = f", prefix {rec.prefix!r}" if rec.prefix else ""
    return f"cosine = {rec.cosine:.4f}   ({rec.model}, {rec.pooling} pooling{prefix})"


def analogy_eval_table(result) -> Table:
    """Analogy accuracy per section: top-1 (the answer ranked first) and top-5."""
    table = Table(title=f"analogy accuracy · {result.source}", title_justify="left")
    for col in ("section", "asked", "skipped (OOV)", "top-1", "top-5"):
        table.add_column(col, justify="left" if col == "section" else "right")
    for sec in result.sections:
        table.add_row(escape(sec.name), str(sec.total), str(sec.skipped), f"{sec.accuracy:.1%}",
                      f"{sec.top5_accuracy:.1%}")
    table.add_row("[bold]all[/]", str(result.total), str(sum(x.skipped for x in result.sections)),
                  f"[bold]{result.accuracy:.1%}[/]", f"{result.top5_accuracy:.1%}")
    return table


def wordvec_summary(result) -> str:
    return (f"{result.kind}: {result.vocab_size:,} words × {result.dim} from {result.lines:,} lines "
            f"({result.tokens:,} tokens) in {result.seconds:.1f} s → {result.path}\n"
            f"try: seqlab neighbors 영화 --vectors {result.path}")


def corpus_summary(result) -> str:
    note = f" (resumed after {result.resumed_from:,} rows)" if result.resumed_from else ""
    return (f"{result.rows:,} rows in {result.shards} shards → {result.out}{note}\n"
            f"bad UTF-8 lines: {result.bad_lines} · empty lines: {result.empty_lines} · "
            f"load with seqlab.read_embeddings({str(result.out)!r})")
