"""What a record shows in a notebook as text, and how big it gets: long inputs cut and said, plain text that is the
terminal's (never rich markup), and the notes that say what is missing."""

import re

from seqlab.render.notebook import render
from tests.render.test_notebook import payloads


def test_long_inputs_are_elided_and_stay_small():
    import seqlab

    text = "가나다라마바사 " * 2000  # 14,000 characters
    rec = seqlab.tokenize(text, model="char")
    html = rec._repr_mimebundle_()["text/html"]
    assert len(html.encode()) < 400_000
    assert "… 13,744 more" in html or re.search(r"… [\d,]+ more", html)
    (tokens, _ids), = [payloads(html)]
    assert len(tokens[1]["tokens"]) == 256
    plain = rec._repr_mimebundle_()["text/plain"]
    assert len(plain) < 8000


def test_a_truncated_embedding_says_so_in_its_plain_text_and_names_the_remedy():
    """The HTML said "the last 1,491 were dropped"; text/plain (VS Code, a terminal) showed [1, 512, 384] alone, and
    seqlab.embed had no long= to read all of it."""
    import seqlab

    rec = seqlab.embed("영화 " * 2000)
    plain = rec._repr_mimebundle_()["text/plain"]
    assert plain.startswith("truncated: the text has 2,003 tokens, the model reads at most 512; the last 1,491")
    assert 'embed(text, long="window") reads them all' in plain
    assert seqlab.embed("영화 " * 600, long="window").shape == [1, 603, 384]


def test_a_contextual_trace_of_a_long_text_says_what_the_window_cut():
    """The notebook's trace view set dropped to 0: a text past e5's 512 tokens showed no cut, the terminal did."""
    from seqlab.pipeline.tracing import run_trace

    report = run_trace("rnn", "영화 " * 600, "e5-small", hidden=2, input_dim=2, contextual=True)
    assert report.dropped > 0 and report.max_length == len(report.steps) == 512
    parts, _notes, _plain = render(report)
    trace = dict(parts)["trace"]
    assert trace["dropped"] == report.dropped and trace["max_length"] == 512


def test_a_texts_brackets_are_not_rich_markup_in_the_plain_text():
    """embed("x[/]") ended in a MarkupError in a notebook, and the English shape line lost its "[batch size,
    sequence length, hidden size]": the shape lines went through rich's markup."""
    import seqlab
    from seqlab.i18n import use_language

    with use_language("en"):
        plain = seqlab.embed("x[/] [b]굵게[/b]")._repr_mimebundle_()["text/plain"]
    first = plain.splitlines()[0]
    assert first.startswith("last_hidden_state.shape = [1, ") and "[batch size, sequence length, hidden size]" in first
    assert "<s> ▁x [/ ] ▁[ b ] 굵 게 [/ b ] </s>" in plain  # the tokens as they are


def test_explain_without_vectors_says_why_in_the_html_too():
    """explain(text, model="kiwi") ended its HTML after stage 3 without a word; only the plain text said why."""
    import seqlab

    html = seqlab.explain("학교에 갔다", model="kiwi")._repr_mimebundle_()["text/html"]
    drawn = re.findall(r'<p class="sv-note">(.*?)</p>', html)  # the notes under the views, not the fallback text
    assert any("(last_hidden_state): kiwi has none" in n and "Kiwi&#x27;s morpheme vectors" in n and
               "e.g. explain(text, model=&quot;e5-small&quot;)" in n for n in drawn), drawn


def test_the_similarity_text_says_the_prefix_it_read_the_sentences_with():
    """The notebook said "cos('a', 'b') = 0.9328 [e5-small, mean]" where the command line says "prefix 'query: '":
    the number looked inconsistent with embed's vectors of the same texts."""
    import seqlab

    plain = seqlab.similarity("좋은 영화", "멋진 영화")._repr_mimebundle_()["text/plain"]
    assert "(e5-small, mean pooling, prefix 'query: ')" in plain and "A: '좋은 영화'" in plain, plain


def test_a_training_runs_text_starts_with_its_scores_and_leaves_its_bookkeeping_out():
    """A run's text/plain listed seen_digest (a 64-digit SHA-256) and other bookkeeping before the validation
    accuracy, its last line."""
    from pathlib import Path

    from seqlab.render.notebook import render
    from seqlab.training.runs import RunSummary

    val = {"accuracy": 0.8125, "macro_f1": 0.8047, "n": 16, "confusion": [[7, 1], [2, 6]], "labels": ["0", "1"]}
    run = RunSummary("tfidf", Path("runs/tfidf"), {"model": "tfidf", "val": val, "seen_digest": "75c7627c" * 8}, 0.5)
    _parts, _notes, plain = render(run)
    assert plain.splitlines()[0] == "val: accuracy 0.8125 · macro-F1 0.8047" and "seen_digest" not in plain
    assert run.to_dict()["seen_digest"] == "75c7627c" * 8  # still in the record


def test_plain_text_has_no_trailing_spaces_and_reprs_name_what_matters():
    """text/plain's first line was padded with spaces to about 90 columns; a summary's repr hid its validation
    scores (summary=… was left out), and a dataclass inside a record was cut in the middle of a value."""
    import dataclasses

    import seqlab
    from seqlab.display import ShortRepr
    from seqlab.training.runs import RunSummary

    plain = seqlab.tokenize("이 영화 정말 최고다", model="char")._repr_mimebundle_()["text/plain"]
    assert all(line == line.rstrip() for line in plain.splitlines()), [line for line in plain.splitlines()
                                                                        if line != line.rstrip()]
    summary = RunSummary("tfidf", "runs/t", {"model": "tfidf", "val": {"accuracy": 0.84, "macro_f1": 0.83}}, 0.41)
    assert "'accuracy': 0.84" in repr(summary), repr(summary)

    @dataclasses.dataclass
    class Inner:
        checked: bool
        texts: list

    @dataclasses.dataclass(repr=False)
    class Outer(ShortRepr):
        name: str
        inner: Inner

    said = repr(Outer("x", Inner(True, ["가" * 50] * 20)))
    assert said == "Outer(name='x', inner=Inner(checked=True, …))", said
