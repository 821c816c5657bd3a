"""The top-level API: every stage reachable as ``seqlab.NAME``, as the README's Python section shows it."""

import seqlab


def test_every_public_name_resolves_and_stage_five_is_reachable(monkeypatch):
    """Stage 5 and word vectors were reachable only by their module paths (seqlab.pipeline.tracing.run_trace,
    seqlab.vectors.wordvectors.from_model), which a notebook user had to find in the source."""
    from seqlab.pipeline.explain import explain
    from seqlab.pipeline.tracing import run_trace
    from seqlab.vectors import wordvectors

    assert all(getattr(seqlab, name) is not None for name in seqlab.__all__)
    assert seqlab.run_trace is run_trace and seqlab.explain is explain
    asked = []
    monkeypatch.setattr(wordvectors, "from_model", lambda model=None, **kw: asked.append((model, kw)) or "vectors")
    assert seqlab.word_vectors("e5-small", korean=100) == "vectors" and asked == [("e5-small", {"korean": 100})]
    report = seqlab.run_trace("rnn", "안녕", model="e5-small", input_dim=4, hidden=3, seed=0)
    assert len(report.steps) == len(report.tokens) and report.to_json().startswith("{")
