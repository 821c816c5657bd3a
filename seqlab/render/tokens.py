"""Token records and tokenizer comparisons as rich tables and Markdown."""

from __future__ import annotations

from rich.markup import escape
from rich.table import Table

from seqlab.tokens.comparison import ComparisonRow
from seqlab.tokens.record import TokenRecord


def token_kind(record: TokenRecord, i: int) -> str:
    if record.special_tokens_mask[i]:
        return "special"
    if any(u.index == i for u in record.unk):
        return "unk"
    return "subword" if record.continuation[i] else "word start"


_STYLE = {"special": "magenta", "unk": "bold red", "subword": "cyan", "word start": "green"}


def _visible(s: str) -> str:
    """Make control and invisible characters visible: '\\x00' -> '\\x00', ZWJ -> '\\u200d'."""
    return "".join(c if c.isprintable() and c not in "\u200b\u200c\u200d\ufeff" else c.encode("unicode_escape").decode()
                   for c in s)


def token_table(record: TokenRecord, max_rows: int = 200) -> Table:
    """One row per token: position, token, id, kind, span of the original text, masks."""
    table = Table(title=f"{len(record)} tokens · model {record.model}", title_justify="left")
    for col in ("#", "token", "id", "kind", "offsets", "original text", "mask"):
        table.add_column(col, justify="right" if col in ("#", "id", "mask") else "left")
    if record.token_type_ids is not None:
        table.add_column("type", justify="right")
    table.add_column("word", justify="right")
    def row(i: int) -> list[str]:
        kind = token_kind(record, i)
        s, e = record.offsets[i]
        cells = [str(i), f"[{_STYLE[kind]}]{escape(_visible(record.tokens[i]))}[/]", str(record.input_ids[i]), kind,
                 f"{s}–{e}" if not record.special_tokens_mask[i] else "", escape(_visible(record.text[s:e])),
                 str(record.attention_mask[i])]
        if record.token_type_ids is not None:
            cells.append(str(record.token_type_ids[i]))
        w = record.word_ids[i]
        return cells + ["" if w is None else str(w)]

    n = len(record)
    if n <= max_rows:
        for i in range(n):
            table.add_row(*row(i))
    else:
        for i in range(max_rows - 1):
            table.add_row(*row(i))
        table.add_row("…", f"{n - max_rows} more", *[""] * (len(table.columns) - 2))
        table.add_row(*row(n - 1))
    return table


def unk_lines(record: TokenRecord) -> list[str]:
    return [f"token {u.index} is {record.tokens[u.index]} (id {record.input_ids[u.index]}): the model has no piece "
            f"for {_visible(u.chars)!r} (characters {u.start}–{u.end})" for u in record.unk]


def render_tokens(record: TokenRecord, console, max_rows: int = 200) -> None:
    """``seqlab tokenize`` in the terminal: the table, every [UNK] explained, and what truncation cut."""
    console.print(token_table(record, max_rows=max_rows))
    for line in unk_lines(record):
        console.print(f"[red]{escape(line)}[/]", highlight=False)
    if record.dropped:
        console.print(f"[yellow]truncated to {len(record)} tokens: {record.dropped} tokens dropped[/]")


def _md_cell(s: str) -> str:
    return _visible(s).replace("|", "\\|") or " "


def tokens_markdown(record: TokenRecord) -> str:
    lines = [f"**{len(record)} tokens** · model `{record.model}`", "",
             "| # | token | id | kind | offsets | original | mask |", "|---:|---|---:|---|---|---|---:|"]
    for i, tok in enumerate(record.tokens):
        s, e = record.offsets[i]
        lines.append(f"| {i} | `{_md_cell(tok)}` | {record.input_ids[i]} | {token_kind(record, i)} | "
                     f"{'' if record.special_tokens_mask[i] else f'{s}–{e}'} | {_md_cell(record.text[s:e])} | "
                     f"{record.attention_mask[i]} |")
    return "\n".join(lines)


_COLUMNS = [("model", "model", "{}"), ("vocab", "vocab_size", "{:,}"), ("tokens", "tokens", "{:,}"),
            ("tokens/word", "fertility", "{:.2f}"), ("[UNK] rate", "unk_rate", "{:.2%}"),
            ("chars/token", "chars_per_token", "{:.2f}"), ("len p50", "length_p50", "{:.0f}"),
            ("len p95", "length_p95", "{:.0f}"), ("len max", "length_max", "{}")]


def comparison_table(rows: list[ComparisonRow], width: int | None = None) -> Table:
    first = rows[0] if rows else None
    title = f"{first.texts} texts, {first.words} words" if first else "no texts"
    table = Table(title=title, title_justify="left")
    for name, *_ in _COLUMNS:
        table.add_column(name, justify="left" if name == "model" else "right")
    for r in rows:
        table.add_row(*[fmt.format(getattr(r, attr)) for _, attr, fmt in _COLUMNS])
    return table


def comparison_markdown(rows: list[ComparisonRow]) -> str:
    head = "| " + " | ".join(n for n, *_ in _COLUMNS) + " |"
    sep = "|" + "|".join("---" if n == "model" else "---:" for n, *_ in _COLUMNS) + "|"
    body = ["| " + " | ".join(fmt.format(getattr(r, a)) for _, a, fmt in _COLUMNS) + " |" for r in rows]
    return "\n".join([head, sep, *body])
