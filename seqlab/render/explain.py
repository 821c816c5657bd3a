"""``seqlab explain`` in the terminal and as Markdown. Reads an ExplainReport, computes nothing."""

from __future__ import annotations

from rich.console import Console
from rich.markup import escape
from rich.panel import Panel

from seqlab.pipeline.explain import ExplainReport
from seqlab.render.console import elide
from seqlab.render.tokens import _visible, token_kind, token_table, tokens_markdown, unk_lines

STAGE_TITLES = {
    "normalization": "Unicode normalization",
    "tokens": "Tokens",
    "ids": "Integer encoding",
}


def _token_strip(report: ExplainReport) -> str:
    styles = {"special": "magenta", "unk": "bold red", "subword": "cyan", "word start": "green"}
    rec = report.tokens
    return " ".join(f"[{styles[token_kind(rec, i)]}]{escape(_visible(t))}[/]" for i, t in enumerate(rec.tokens[:120])) + \
        (" …" if len(rec) > 120 else "")


def render_terminal(report: ExplainReport, console: Console, max_rows: int = 60) -> None:
    rec, norm = report.tokens, report.normalization
    console.print(Panel(f"[bold]{escape(_visible(report.text))}[/]  ({len(report.text)} characters)",
                        title=f"seqlab explain · model {report.model}", title_align="left"))
    console.print(f"[bold]1. {STAGE_TITLES['normalization']} ({norm.form})[/]")
    if not norm.changes:
        console.print(f"   already {norm.form}: nothing changed ({len(norm.original)} code points)")
    for c in norm.changes[:20]:
        console.print(f"   {escape(c.original)!s} {' '.join(c.original_codepoints)} → "
                      f"{escape(c.normalized)} {' '.join(c.normalized_codepoints)}  (characters {c.start}–{c.end})")
    if norm.model_normalized is not None and norm.model_normalized != norm.normalized:
        console.print(f"   the model's own normalizer then gives: {escape(_visible(norm.model_normalized[:200]))}")
    console.print()
    console.print(f"[bold]2. {STAGE_TITLES['tokens']}[/] ({len(rec)}): {_token_strip(report)}")
    console.print("   [magenta]special[/] · [green]word start[/] · [cyan]subword continuation[/] · [bold red]unknown[/]")
    for line in unk_lines(rec):
        console.print(f"   [red]{escape(line)}[/]")
    console.print(token_table(rec, max_rows=max_rows))
    console.print(f"[bold]3. {STAGE_TITLES['ids']}[/]")
    console.print(f"   input_ids      = {elide(rec.input_ids, 24)}")
    console.print(f"   attention_mask = {elide(rec.attention_mask, 24)}   (1 = real token, 0 = padding)")
    if rec.token_type_ids is not None:
        console.print(f"   token_type_ids = {elide(rec.token_type_ids, 24)}   (0 = first sentence)")
    console.print(f"   special_tokens_mask = {elide(rec.special_tokens_mask, 24)}")
    console.print()
    for number, (name, record) in enumerate(report.stages.items(), start=4):
        renderer = STAGE_RENDERERS.get(name)
        if renderer is not None:
            renderer(number, record, report, console)


def render_markdown(report: ExplainReport) -> str:
    rec, norm = report.tokens, report.normalization
    out = [f"# seqlab explain · `{report.model}`", "", f"Text: `{_visible(report.text)}` ({len(report.text)} characters)", "",
           f"## 1. {STAGE_TITLES['normalization']} ({norm.form})", ""]
    if not norm.changes:
        out.append(f"Already {norm.form}: nothing changed.")
    for c in norm.changes:
        out.append(f"- `{c.original}` {' '.join(c.original_codepoints)} → `{c.normalized}` "
                   f"{' '.join(c.normalized_codepoints)} (characters {c.start}–{c.end})")
    if norm.model_normalized is not None and norm.model_normalized != norm.normalized:
        out += ["", f"The model's own normalizer gives: `{_visible(norm.model_normalized)}`"]
    out += ["", f"## 2. {STAGE_TITLES['tokens']}", "", tokens_markdown(rec), ""]
    out += [f"- {line}" for line in unk_lines(rec)]
    out += ["", f"## 3. {STAGE_TITLES['ids']}", "", f"- `input_ids` = `{rec.input_ids}`",
            f"- `attention_mask` = `{rec.attention_mask}`"]
    if rec.token_type_ids is not None:
        out.append(f"- `token_type_ids` = `{rec.token_type_ids}`")
    for number, (name, record) in enumerate(report.stages.items(), start=4):
        renderer = STAGE_MARKDOWN.get(name)
        if renderer is not None:
            out += ["", renderer(number, record, report)]
    return "\n".join(out) + "\n"


def _embedding_terminal(number, record, report, console) -> None:
    from seqlab.render.vectors import render_embedding

    console.print(f"[bold]{number}. Ids → vectors[/] (AutoModel → last_hidden_state)")
    render_embedding(record, console)
    console.print()


def _embedding_markdown(number, record, report) -> str:
    from seqlab.render.vectors import embedding_markdown

    return f"## {number}. Ids → vectors (AutoModel → last_hidden_state)\n\n" + embedding_markdown(record)


def _lstm_rows(report_lstm):
    for step in report_lstm.steps:
        yield (str(step["t"]), step["token"], *(f"{step['gate_means'][k]:.2f}" for k in ("f", "i", "o")),
               " ".join(f"{v:+.2f}" for v in step["c"]), " ".join(f"{v:+.2f}" for v in step["h"]))


def _lstm_terminal(number, record, report, console) -> None:
    from rich.table import Table

    console.print(f"[bold]{number}. Vectors → LSTM[/] (from scratch, hidden {record.hidden}, seed {record.seed}; "
                  f"inputs: {escape(record.input_source)})")
    console.print("   c_t = f*c_{t-1} + i*g,  h_t = o*tanh(c_t);  f̄ ī ō = mean gate values "
                  "(every number: seqlab trace lstm TEXT)")
    table = Table(title_justify="left")
    # short columns keep their width; on a narrow terminal the vectors wrap between numbers
    table.add_column("t", no_wrap=True, min_width=2, justify="right")
    table.add_column("token", no_wrap=True, max_width=12)
    for col in ("f̄", "ī", "ō"):
        table.add_column(col, no_wrap=True, min_width=4)
    for col in ("c_t", "h_t"):
        table.add_column(col, overflow="fold")
    for row in _lstm_rows(record):
        table.add_row(*[escape(c) for c in row])
    console.print(table)
    console.print(f"   final hidden state h_T = [{' '.join(f'{v:+.4f}' for v in record.final['h'])}]")
    console.print("   why an LSTM and not a plain RNN: seqlab gradflow --plot grad.png (vanishing gradients), "
                  "seqlab order-demo (word order)")


def _lstm_markdown(number, record, report) -> str:
    lines = [f"## {number}. Vectors → LSTM (hidden {record.hidden}, seed {record.seed})", "",
             "| t | token | mean f | mean i | mean o | c_t | h_t |", "|---:|---|---:|---:|---:|---|---|"]
    lines += ["| " + " | ".join(f"`{c}`" if j == 1 else c for j, c in enumerate(row)) + " |" for row in _lstm_rows(record)]
    lines += ["", f"Final hidden state h_T = `{' '.join(f'{v:+.4f}' for v in record.final['h'])}`", "",
              ("Why an LSTM and not a plain RNN: `seqlab gradflow --plot grad.png` (vanishing gradients), "
              "`seqlab order-demo` (word order).")]
    return "\n".join(lines)


# later stages register their renderers here: name -> function
STAGE_RENDERERS: dict = {"embedding": _embedding_terminal, "lstm": _lstm_terminal}
STAGE_MARKDOWN: dict = {"embedding": _embedding_markdown, "lstm": _lstm_markdown}
