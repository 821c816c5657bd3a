"""Markdown output survives any token: backticks, pipes and backslashes (parsed back with markdown-it, GFM tables)."""

from __future__ import annotations

import pytest
from markdown_it import MarkdownIt

from seqlab.pretrained.loading import load_tokenizer
from seqlab.render import markdown as md
from seqlab.render.tokens import tokens_markdown

HOSTILE = "a`b ``c| d\\ `"


def _parse(text: str):
    return MarkdownIt("commonmark").enable("table").parse(text)


def _cells(tokens) -> list[list[str]]:
    """Each body row of the first table as its cells' inline text (code spans kept as their content)."""
    rows, row, inside = [], None, False
    for i, t in enumerate(tokens):
        if t.type == "tbody_open":
            inside = True
        elif inside and t.type == "tr_open":
            row = []
        elif inside and t.type == "inline" and row is not None:
            row.append("".join(c.content for c in t.children or []))
        elif inside and t.type == "tr_close":
            rows.append(row)
            row = None
        elif t.type == "tbody_close":
            break
    return rows


@pytest.mark.parametrize("text", ["`", "``", "a`b", "` x `", "|", "a|`|b", "\\`", " ", " a ", " ` ", "  b "])
def test_a_code_span_holds_exactly_its_text(text):
    (paragraph,) = [t for t in _parse(md.code(text)) if t.type == "inline"]
    (span,) = paragraph.children
    assert span.type == "code_inline" and span.content == text


def test_a_token_table_has_one_row_per_token_whatever_the_tokens_hold():
    record = load_tokenizer("char").encode(HOSTILE)
    rows = _cells(_parse(tokens_markdown(record)))
    assert len(rows) == len(record.tokens)
    assert [r[1] for r in rows] == record.tokens  # the token column, as code spans
    for r, (s, e) in zip(rows, record.offsets):
        assert r[5] == record.text[s:e].strip()  # the original-text column, literally (cells are stripped)


@pytest.mark.parametrize("text", ["*a* <b>x</b> [c](http://e) _d_ # e", "\\`|` ~~f~~"])
def test_prose_and_cells_show_their_text_literally(text):
    for rendered in (md.text(text), md.cell(text)):
        (paragraph,) = [t for t in _parse(rendered) if t.type == "inline"]
        assert [c.type for c in paragraph.children] == ["text"] and paragraph.children[0].content == text


def test_explain_markdown_prose_keeps_odd_tokens_literal():
    from seqlab.pipeline.explain import explain
    from seqlab.render.explain import render_markdown

    out = render_markdown(explain("*별* _강조_ [링크](x)", "char"))
    rendered = MarkdownIt("commonmark").enable("table").render(out)
    assert "<em>" not in rendered and "<a " not in rendered


def _tables(tokens) -> list[list[list[str]]]:
    """Every table's body rows, each as its cells' inline text."""
    tables, start = [], 0
    while any(t.type == "tbody_open" for t in tokens[start:]):
        begin = next(i for i in range(start, len(tokens)) if tokens[i].type == "tbody_open")
        tables.append(_cells(tokens[begin:]))
        start = next(i for i in range(begin, len(tokens)) if tokens[i].type == "tbody_close") + 1
    return tables


def test_trace_markdown_keeps_its_columns_and_the_backward_numbers_the_terminal_shows():
    """"gate blocks i|f|g|o" split its row at every pipe (5 cells where the header has 3), and the backward pass lost
    dL/dh_t, dL/dc_t and dW_hh, which the terminal shows."""
    from seqlab.pipeline.tracing import run_trace
    from seqlab.render.trace import render_markdown

    report = run_trace("lstm", "좋다", model="e5-small", hidden=2, input_dim=2, backward=True)
    tables = _tables(_parse(render_markdown(report)))
    steps = [t for t in tables if t and t[0][0].startswith("x")]
    assert len(steps) == len(report.steps) and all(len(row) == 3 for t in steps for row in t)
    assert any(row[1] == "gate blocks i|f|g|o" for row in steps[0])
    backward = next(t for t in tables if len(t[0]) == 6)  # t, token, ‖dL/dh_t‖, dL/dh_t, dL/dc_t, ‖dW_hh(t)‖
    assert len(backward) == len(report.steps) and backward[-1][3].startswith("[")
    assert any(len(t) == report.backward.dW_hh.shape[0] and len(t[0]) == 2 for t in tables)  # dW_hh (8 × 2)


def test_trace_markdown_and_html_end_with_the_final_cell_state_as_the_terminal_does():
    """The terminal prints c_(T-1) after h_(T-1); the Markdown and HTML files left it out."""
    from seqlab.pipeline.tracing import run_trace
    from seqlab.render.trace import fmt_vector, render_html, render_markdown

    report = run_trace("lstm", "좋다", model="e5-small", hidden=2, input_dim=2)
    c = fmt_vector(report.final["c"], 4, 8)
    assert f"**c_(T-1)** = `{c}`" in render_markdown(report) and f"<h2>c_(T-1)</h2><code>{c}</code>" in \
        render_html(report)
    gru = run_trace("gru", "좋다", model="e5-small", hidden=2, input_dim=2)
    assert "c_(T-1)" not in render_markdown(gru)


def test_trace_markdown_and_html_say_a_weight_matrix_too_large_to_print_as_the_terminal_does():
    """The terminal says W_xh [4, 384] is too large to print and how to see it; Markdown and HTML left it out
    without a word (a CLI review)."""
    from seqlab.pipeline.tracing import run_trace
    from seqlab.render.console import for_audience
    from seqlab.render.trace import render_html, render_markdown

    report = run_trace("rnn", "좋다", model="e5-small", hidden=4)
    with for_audience("cli"):
        said = "W_xh (torch: weight_ih_l0): shape [4, 384] (too large to print; use a small hidden size and input " \
               "dimension: --hidden and --input-dim)"
        assert said in render_markdown(report) and said in render_html(report)
