"""What a new user hit, fifth round (word vectors): text that starts with a dash, and Kiwi's build and readings
said. One test per defect; each failed before its fix (others of the round are beside the code they test:
tests/vectors/test_analogy_methods.py, test_kiwi_vectors.py, tests/render/test_progress.py,
tests/cli/test_vectors_cli.py)."""

import pytest


@pytest.mark.parametrize(("args", "command"), [(("analogy", "-남자 + 여자"), "seqlab analogy"),
                                               (("tokenize", "-5도 추워요"), "seqlab tokenize")])
def test_text_that_starts_with_a_dash_gets_told_how_to_pass_it(cli, args, command):
    code, _out, err = cli(*args)
    assert code == 2 and f'{command} -- "-5도"' in err


def test_a_mistyped_option_is_not_taken_for_text(cli):
    code, _out, err = cli("tokenize", "--modle", "x")
    assert code == 2 and "did you mean" in err and " -- " not in err
