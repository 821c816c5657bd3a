"""What `seqlab explain` prints in the terminal: its tables stay readable on long texts."""


def test_explain_shows_the_first_lstm_steps_of_a_long_text_and_says_how_many(cli):
    """A 512-token text printed all 512 LSTM rows (about 1,000 lines) while its token table showed 60."""
    text = " ".join(["좋은 영화"] * 60)
    code, out, err = cli("explain", text, "--lang", "en")
    said = " ".join(out.split())
    assert code == 0 and "40 of 122 steps shown" in said and "82 more" in said, err


def test_no_normalization_is_not_called_a_form_the_text_was_already_in(cli):
    code, out, _err = cli("explain", "한글", "--normalization", "none", "--model", "char", "--lang", "en")
    said = " ".join(out.split())
    assert code == 0 and "not normalized (--normalization none): the text is read as given" in said
    assert "already none" not in said
