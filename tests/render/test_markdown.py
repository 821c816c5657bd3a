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
