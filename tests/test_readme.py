"""Every example output in the README is the real output of its command (see tests/readme_examples.py)."""

import pytest

from tests.readme_examples import README, compare, examples, lines_match, run

EXAMPLES = examples(README.read_text(encoding="utf-8"))


def test_the_readme_has_examples():
    assert len(EXAMPLES) >= 8
    assert any(e.command.startswith("seqlab explain") for e in EXAMPLES)


# the first analogy builds word vectors: the transformer's take 3-6 minutes on 2 cores, Kiwi's (the default)
# about 40 s; both run in `make test-all`
SLOW = ("seqlab analogy", "seqlab neighbors", "seqlab wordvec eval")


def is_slow(command: str) -> bool:
    return command.startswith(SLOW)


@pytest.mark.parametrize("example", [pytest.param(e, marks=pytest.mark.slow) if is_slow(e.command) else e
                                     for e in EXAMPLES], ids=[f"line{e.line}" for e in EXAMPLES])
def test_readme_example(example):
    code, out = run(example.command)
    problem = compare(example, code, out)
    assert problem is None, f"README line {example.line}: `{example.command}`\n{problem}\nreal output:\n{out}"


def test_the_comparison_can_fail():
    """The checker itself: a changed id or a missing line is caught; last-digit rounding is not."""
    assert lines_match(["│ 0 │ 안녕/NNG │  1815 │"], ["│ 0 │ 안녕/NNG │  1858 │"]) is not None
    assert lines_match(["a", "b"], ["a"]) is not None
    assert lines_match(["v = +0.157 -0.234"], ["v = +0.158 -0.234"]) is None
    assert lines_match(["v = +0.157"], ["v = +0.160"]) is not None
    assert lines_match(["head", "...", "tail"], ["head", "x", "y", "tail"]) is None
