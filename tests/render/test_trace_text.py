"""The terminal's text of a trace: what it leaves out is said."""

from seqlab.render.trace import seq2seq_text


def test_the_seq2seq_attention_says_it_shows_the_three_largest_weights():
    """'학': 갔(0.2165) 학(0.2085) 에(0.2083) summed to 0.633 under a header that never said "top 3 of 5", beside a
    glossary that says attention weights sum to 1."""
    weights = [0.2085, 0.1865, 0.2083, 0.2165, 0.1802]
    report = {"source": "학교에갔다", "output": "학", "attention": [weights], "attention_kind": "additive"}
    text = seq2seq_text(report, precision=4)
    assert "the 3 largest of the 5 weights of each step, which sum to 1 (every weight: --json)" in text
    assert "'학': 갔(0.2165)  학(0.2085)  에(0.2083)" in text
    short = seq2seq_text({"source": "가나", "output": "가", "attention": [[0.6, 0.4]], "attention_kind": "additive"})
    assert "largest" not in short and "가(0.600)  나(0.400)" in short


def test_monotonic_attention_is_not_said_to_show_three_weights():
    """Monotonic attention has one weight of 1 per step: the header promised "the 3 largest" and showed one."""
    report = {"source": "학교에갔다", "output": "학", "attention": [[1.0, 0, 0, 0, 0]], "attention_kind": "monotonic"}
    text = seq2seq_text(report)
    assert "largest" not in text and "'학': 학(1.000)" in text
