"""The library checks the settings of seq2seq and forecast runs as ``seqlab train`` checks its options: a choice
spelled wrong, or a number out of range, is refused naming the setting, before any data is read."""

import pytest

from seqlab.errors import InputError, UsageError, check_choice


def test_a_seq2seq_loss_spelled_wrong_is_refused_not_trained_as_the_other_loss(tmp_path):
    """Seq2SeqConfig(loss="ful") trained the constrained loss and wrote "ful" in the summary."""
    from seqlab.training.seq2seq import Seq2SeqConfig, check_config, train_seq2seq

    never = tmp_path / "never-read.tsv"  # refused before the pairs are read
    for field, value in [("loss", "ful"), ("attention", "bahdanau"), ("cell", "rnn")]:
        with pytest.raises(InputError, match=f"{field} must be one of") as caught:
            train_seq2seq(never, tmp_path / "run", Seq2SeqConfig(**{field: value}))
        assert caught.value.option == field
    with pytest.raises(InputError, match="epochs must be between 1 and 100, got 0"):
        train_seq2seq(never, tmp_path / "run", Seq2SeqConfig(epochs=0))
    assert not (tmp_path / "run").exists()
    checked = check_config(Seq2SeqConfig(loss="FULL", cell="GRU", attention="Additive"))
    assert (checked.loss, checked.cell, checked.attention) == ("full", "gru", "additive")


def test_a_forecast_with_zero_epochs_is_refused_not_written_as_finished(tmp_path):
    from seqlab.training.forecast import ForecastConfig, train_forecast

    for field, value in [("epochs", 0), ("window", 0), ("lr", -1.0), ("season", 5000)]:
        with pytest.raises(InputError, match=f"{field} must be") as caught:
            train_forecast("co2", tmp_path / "f", ForecastConfig(**{field: value}))
        assert caught.value.option == field
    assert not (tmp_path / "f").exists()


def test_check_choice_takes_any_case_and_the_cli_raises_a_usage_error():
    assert check_choice("method", "3cosmul", ("3CosAdd", "3CosMul")) == "3CosMul"
    with pytest.raises(UsageError, match=r"--cell must be one of rnn, lstm, got 'x'"):
        check_choice("--cell", "x", ("rnn", "lstm"), UsageError)
