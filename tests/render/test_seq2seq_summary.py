"""The seq2seq run's summary line names its attention and loss in the reader's language (Korean showed
"monotonic 어텐션 · 손실: constrained", where the glossary says 단조 어텐션 and a student cannot tell what
"constrained" restricts)."""

import io

from rich.console import Console

from seqlab.i18n import use_language
from seqlab.render.training import seq2seq_terminal

SUMMARY = {"cell": "lstm", "attention": "monotonic", "loss": "constrained", "pairs": 270, "steps": 44, "seconds": 3.0,
           "val_pairs": 30, "scores": {}, "examples": []}


def said(lang: str, **changes) -> str:
    out = io.StringIO()
    with use_language(lang):
        seq2seq_terminal({**SUMMARY, **changes}, Console(file=out, width=200))
    return out.getvalue()


def test_the_attention_and_the_loss_are_named_as_the_glossary_names_them():
    korean = said("ko")
    assert "단조 어텐션" in korean and "monotonic" not in korean and "다음 입력 문자" in korean
    english = said("en", attention="additive", loss="full")
    assert "seq2seq lstm + additive (Bahdanau) attention" in english and "full (the whole vocabulary)" in english
