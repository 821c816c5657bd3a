"""The CLI, seventh round: what the sixth round's review left, and what a new user found after it.

Each test names the defects it guards against; each failed before its fix.
"""

import json

import pytest


@pytest.mark.parametrize("args, command", [
    (("tokenize", "가", "--max-length", "0"), "seqlab tokenize"),            # a seqlab range check
    (("analogy", "왕 -"), "seqlab analogy"),                                  # a seqlab syntax check
    (("wordvec", "eval", "--method", "foo"), "seqlab wordvec eval"),         # a subcommand of a group
])
def test_every_usage_error_is_framed_as_the_parser_frames_its_own(cli, args, command):
    """click's own parse errors printed "Usage: …" and "Try '… --help' for help." around the error; the same
    kind of error from seqlab's own checks (exit 2) printed the error alone."""
    for lang, usage, try_help in (("en", "Usage: ", f"Try '{command} --help' for help."),
                                  ("ko", "사용법: ", f"'{command} --help' 명령으로 도움말을 보세요.")):
        code, _out, err = cli("--lang", lang, *args)
        assert code == 2, err
        lines = err.strip().splitlines()
        assert lines[0].startswith(usage + command), err
        assert lines[-1] == try_help, err
    code, out, err = cli(*args, "--json")
    assert code == 2 and json.loads(out)["hint"].endswith(f"Try '{command} --help' for help.")


def test_an_input_error_is_not_framed_as_usage(cli):
    """Exit 1 (the text, not the command line) keeps its message and hint alone."""
    code, _out, err = cli("tokenize", "")
    assert code == 1 and "Usage" not in err and "--help" not in err


def test_gradflow_says_an_underflow_rather_than_printing_a_measured_zero(cli):
    """At 2,000 steps the verdicts printed "‖∂L/∂h_0‖/‖∂L/∂h_T‖ = 0.0e+00" and "‖∂L/∂c_0‖ = 0.00e+00", and the
    table a column of 0.00e+00: read as measured zeros, where float64 had run out of numbers."""
    code, out, err = cli("gradflow", "--steps", "2000")
    text = " ".join(out.split())
    assert code == 0, err
    assert "0.0e+00" not in text and "0.00e+00" not in text
    assert "‖∂L/∂c_0‖ = 0 (underflow)" in text and "f̄^1999 = 0 (underflow)" in text
    assert "0: the norm underflowed" in text
    # the rows were spaced from step 0 (…, 500, 1000, 1998, 1999): the whole decay lay between 1000 and 1998
    rows = [line.split("│")[1:-1] for line in out.splitlines() if line.startswith("│")]
    decay = [int(r[0]) for r in rows if 1000 < int(r[0]) < 1998]
    assert len(decay) >= 8 and all(r[1].strip() != "0" for r in rows if int(r[0]) >= 1899)


def test_gradflow_shows_every_step_of_a_short_sequence(cli):
    code, out, _err = cli("gradflow", "--steps", "12")
    rows = [int(line.split("│")[1]) for line in out.splitlines() if line.startswith("│")]
    assert code == 0 and rows == list(range(12))


def test_long_term_progress_times_the_training_as_its_table_does(cli):
    """The bar started at the first evaluation (step 100 of 200): it read "100/200 (50%) · 0.0 s", its rate
    counted half the steps, and its time missed the first half, while the table's seconds timed them all."""
    code, out, err = cli("long-term", "--task", "adding", "--lengths", "20", "--cells", "rnn", "--steps", "200",
                         "--json")
    assert code == 0, err
    lines = [line for line in err.splitlines() if line.startswith("rnn T=20 · ") and "/200" in line]
    assert lines[0].startswith("rnn T=20 · 0/200 (0%)"), lines
    assert json.loads(out)["runs"][0]["seconds"] > 0
