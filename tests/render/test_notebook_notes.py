"""What a notebook record says of what was cut or what its scores are not: the views count every token read, and
the plain text carries the notes the command line prints (a practitioner's review)."""


def test_a_cut_texts_notes_count_every_token_read_not_the_chips_drawn(notebook_browser):
    """"좋다 " × 700 is 703 tokens, and e5-small reads 512. The embedding view drew 256 of them and said "The text has
    447 tokens" (256 drawn + 191 dropped): a practitioner's review. The tokens view, cut for drawing the same way,
    marked the last drawn chips as past the window, though all 256 are inside it."""
    import seqlab

    text = "좋다 " * 700
    total = len(seqlab.tokenize(text).tokens)
    page = notebook_browser.new_page()
    for rec in (seqlab.embed(text), seqlab.explain(text)):
        page.set_content(f"<!doctype html><html><head><meta charset='utf-8'></head><body>"
                         f"{rec._repr_mimebundle_()['text/html']}</body></html>")
        said = page.inner_text("body")
        assert f"The text has {total:,} tokens, but e5-small reads at most 512" in said, said[-800:]
        assert "has 447 tokens" not in said
        assert page.locator(".sv-chip.sv-cut:not(.sv-key)").count() == 0  # the drawn chips are inside the window
    page.close()


def test_the_plain_text_of_a_record_says_what_was_cut_and_what_the_scores_are_not():
    """The plain text (and for evaluate, the notes) of a notebook record left out what the command line says (a
    practitioner's review): explain's cut note came after 6,000 characters of a long text and was itself cut;
    similarity and search said nothing of a sentence past the window; an evaluation on the training file was one
    line, with neither the "not held out" note nor the confusion matrix."""
    import seqlab
    from seqlab.render.notebook import render
    from seqlab.training.metrics import Metrics
    from seqlab.training.predictors import Evaluation
    from seqlab.vectors.search import Hit, SearchResult

    text = "좋다 " * 700
    _parts, _notes, plain = render(seqlab.explain(text))
    assert plain.startswith("The text has 703 tokens and the model reads at most 512: the last 191 were cut")
    _parts, _notes, plain = render(seqlab.similarity(text, "영화"))
    assert "the first sentence is longer than e5-small reads (512 tokens)" in plain
    hits = [Hit(1, 0.5, 3, "연기가 좋다")]
    _parts, _notes, plain = render(SearchResult(text, "e5-small", "c.txt", "idx", True, hits, truncated_lines=2,
                                                query_dropped=194, max_length=512))
    assert "the query is longer than e5-small reads" in plain and "2 lines of c.txt are longer" in plain
    metrics = Metrics(accuracy=0.9812, macro_f1=0.9811, n=16, confusion=[[7, 1], [0, 8]], labels=["0", "1"])
    ev = Evaluation("runs/tfidf", "train.tsv", metrics, {"total": 0}, trained_on=True)
    _parts, notes, plain = render(ev)
    assert any("not held out" in n for n in notes) and "not held out" in " ".join(plain.split())  # wrapped
    assert "confusion" in plain and "│ 0 " in plain.replace("┃", "│")
