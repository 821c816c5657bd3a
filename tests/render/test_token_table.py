"""The terminal token table's hint for the rows it leaves out."""

from __future__ import annotations

import io

from rich.console import Console

from seqlab.pretrained.loading import load_tokenizer
from seqlab.render.tokens import MAX_TABLE_ROWS, render_tokens


def _shown(text: str, max_rows: int) -> str:
    out = io.StringIO()
    render_tokens(load_tokenizer("char").encode(text), Console(file=out, width=100), max_rows=max_rows)
    return " ".join(out.getvalue().split())


def test_the_hint_names_a_max_rows_the_option_accepts():
    """A text of more tokens than --max-rows accepts was told to use --max-rows N, which is refused."""
    n = MAX_TABLE_ROWS + 1
    shown = _shown("가" * n, 50)
    assert f"50 of {n} rows shown" in shown and "--json" in shown and "--max-rows" not in shown
    shown = _shown("가" * 60, 50)
    assert "50 of 60 rows shown" in shown and "--max-rows 60" in shown
