"""What `seqlab explain` and `seqlab trace` print in the terminal: readable on long texts and narrow terminals."""


def test_explain_shows_the_first_lstm_steps_of_a_long_text_and_says_how_many(cli):
    """A 512-token text printed all 512 LSTM rows (about 1,000 lines) while its token table showed 60."""
    text = " ".join(["좋은 영화"] * 60)
    code, out, err = cli("explain", text, "--lang", "en")
    said = " ".join(out.split())
    assert code == 0 and "40 of 122 steps shown (every step: --markdown or --json)" in said and "82 more" in said, err


def test_no_normalization_is_not_called_a_form_the_text_was_already_in(cli):
    code, out, _err = cli("explain", "한글", "--normalization", "none", "--model", "char", "--lang", "en")
    said = " ".join(out.split())
    assert code == 0 and "not normalized (--normalization none): the text is read as given" in said
    assert "already none" not in said


def test_a_narrow_trace_prints_each_rows_equation_once(cli, monkeypatch):
    """At 80 columns the equation column was dropped without a word: the GRU's n = tanh(… r⊙(W_hn·h + b_hn)) and the
    gate-block order are what a lecture teaches."""
    monkeypatch.setenv("COLUMNS", "80")
    code, out, _err = cli("trace", "gru", "좋다", "--hidden", "2", "--input-dim", "2", "--lang", "en")
    assert code == 0 and "each row's equation" in out
    assert "W_xh·x_t: gate blocks r|z|n" in out and "n = tanh(W_xn·x_t + b_xn + r⊙(W_hn·h_{t-1} + b_hn))" in out


def test_explain_says_what_the_lstm_reads_and_which_sentence_vector_it_shows(cli):
    """The Markdown's stage 5 went from the last_hidden_state table to "The LSTM reads the vectors", so a reader took
    them for stage 4's; and e5's sentence vector, without "query: ", differed from similarity's without a word."""
    code, out, err = cli("explain", "안녕하세요", "--markdown", "--lang", "en")
    assert code == 0, err
    stage5 = out.split("## 5.")[1]
    assert "(from scratch, hidden 4, seed 0)" in stage5.splitlines()[0]
    assert "inputs: token embeddings of e5-small (rows of its input embedding matrix, not last\\_hidden\\_state)" in \
        stage5 and "c_t = f⊙c_{t-1} + i⊙g" in stage5
    assert 'without the "query: " that e5 expects' in out.split("## 4.")[1].split("## 5.")[0]
    code, out, err = cli("explain", "hello", "-m", "minilm", "--lang", "en")
    assert code == 0 and "query: " not in out, err


def test_a_split_at_punctuation_is_not_called_subwords():
    """explain -m minilm "I can't go" said "can + ' + t: one word (어절), can't, became 3 subwords": BERT's
    pre-tokenizer split it at the apostrophe, and no piece continues a word (no ##)."""
    import seqlab
    from seqlab.render.explain import tokens_explanation

    report = seqlab.explain("I can't go", model="minilm")
    assert not any("subwords" in line for line in tokens_explanation(report))
    assert report.word_splits[0].to_dict() == {"word": "can't", "pieces": ["can", "'", "t"], "subword": False}
    korean = seqlab.explain("나는 학교에 간다", model="e5-small")
    assert "▁학교 + 에: one word (어절), 학교에, became 2 subwords." in tokens_explanation(korean)


def test_explains_markdown_has_the_special_tokens_mask_the_terminal_shows():
    import seqlab
    from seqlab.render.explain import render_markdown

    report = seqlab.explain("좋은 날", model="char")
    assert f"- `special_tokens_mask` = `{report.tokens.special_tokens_mask}` (1 = special token)" in render_markdown(
        report)


def test_every_word_split_is_counted_beside_the_example():
    """explain said only "▁학교 + 에: one word, 학교에, became 2 subwords" while 갔다 had become ▁ + 갔다 too: a student
    took 갔다 to be one token."""
    import seqlab
    from seqlab.render.explain import tokens_explanation

    said = tokens_explanation(seqlab.explain("학교에 갔다 영화", model="e5-small"))
    assert "2 of the 3 words became more than one token: '학교에', '갔다' (--json lists each one's tokens)." in said, said
    assert not any("words became" in line for line in tokens_explanation(seqlab.explain("학교에 영화", model="e5-small")))
