"""The CLI and the library, tenth round: each speaks its own language about the same argument.

A notebook user calls ``run_trace(input_dim=...)``; a terminal user types ``--input-dim``. The library's messages
named the command-line options (``--input-dim must be …``, "Use --cells rnn,lstm,gru" for ``cells="rnn,lstm"``),
which mean nothing in a notebook. The library now names its arguments, and the CLI shows its own option in their
place. Each test failed before its fix.
"""

import pytest

from seqlab.errors import InputError, ModelUnavailable, NoVectors, UsageError


def test_an_out_of_range_argument_is_named_as_the_caller_named_it(cli):
    from seqlab.pipeline.tracing import run_trace

    with pytest.raises(UsageError) as caught:
        run_trace("lstm", "안녕하세요", model="e5-small", input_dim=100000)
    assert caught.value.message.startswith("input_dim must be between 1 and 384")
    code, _out, err = cli("trace", "lstm", "안녕하세요", "--input-dim", "100000", "--lang", "en")
    assert code == 2 and "--input-dim must be between 1 and 384" in err and "input_dim" not in err, err
    code, _out, err = cli("trace", "lstm", "안녕하세요", "--input-dim", "100000", "--lang", "ko")
    assert code == 2 and "--input-dim 값은 1 이상 384" in err, err  # a particle right after the name: still replaced


def test_a_hint_gives_the_python_spelling_in_the_library_and_the_option_in_the_cli(cli, tmp_path):
    import seqlab

    vocab = tmp_path / "v.json"
    with pytest.raises(UsageError) as caught:
        seqlab.tokenize("안녕", model="e5-small", vocab=str(vocab))
    assert caught.value.message.startswith("vocab applies to") and "--" not in str(caught.value)
    code, _out, err = cli("tokenize", "-m", "e5-small", "--vocab", str(vocab), "안녕", "--lang", "en")
    assert code == 2 and "--vocab applies to" in err and "Leave --vocab out, or use -m with one of" in err, err


def test_cells_given_as_one_string_are_refused_with_a_list_in_the_hint():
    """``long_term(cells="rnn,lstm")`` answered "unknown cells ['r', 'n', 'n', ',', …]. Use --cells rnn,lstm,gru.":
    the string read letter by letter, and a hint that repeats the mistake."""
    from seqlab.lab.longterm import long_term

    with pytest.raises(InputError) as caught:
        long_term(cells="rnn,lstm")
    assert "must be a list" in caught.value.message and 'cells=["rnn", "lstm", "gru"]' in caught.value.hint


def test_a_model_without_word_vectors_is_one_error_in_the_library_and_the_cli(cli):
    """The library raised InputError, which ``except ModelUnavailable`` does not catch, while the CLI had its own
    copy of the check that raised NoVectors (exit 2)."""
    from seqlab.vectors.wordvectors import from_model

    with pytest.raises(ModelUnavailable) as caught:
        from_model("char")
    assert isinstance(caught.value, NoVectors) and 'model="kiwi"' in caught.value.hint
    code, _out, err = cli("neighbors", "영화", "--model", "char", "--lang", "en")
    assert code == 2 and "char has no word vectors" in err and "Use --model kiwi" in err, err


def test_an_unknown_errors_mode_is_one_check_with_the_callers_spelling(tmp_path):
    from seqlab.text.reading import iter_lines
    from seqlab.text.unicode import clean_surrogates

    path = tmp_path / "a.txt"
    path.write_text("안녕\n", encoding="utf-8")
    for call in (lambda: list(iter_lines(path, "ignore")), lambda: clean_surrogates("a\udcff", "ignore")):
        with pytest.raises(InputError) as caught:
            call()
        assert caught.value.hint == 'Use errors="strict" or errors="replace".'


def test_val_fraction_has_one_range_in_the_library_and_in_train():
    """train_val_split accepted 0.9 (a split of 90 %), where seqlab train and TrainOptions allow 0.01 to 0.5."""
    import numpy as np

    from seqlab.training.data import Dataset, train_val_split

    data = Dataset(["좋다", "싫다"] * 10, np.array([1, 0] * 10), ["0", "1"], "mem")
    with pytest.raises(InputError, match="val_fraction must be between 0.01 and 0.5, got 0.9"):
        train_val_split(data, 0.9)
