"""The glossary holds the terms the lab, training and Seq2Seq commands print, and finds them by their meaning too."""

import json


def test_the_terms_the_less_travelled_commands_print_are_in_the_glossary(cli):
    """`glossary CER`, `MAE`, `forget`, `gate`, "hidden state" all said "no term matches": only the tokenization and
    embedding terms were there, while long-term, train --task forecast and seq2seq print these."""
    for term in ("CER", "MAE", "RMSE", "MSE", "forget gate", "hidden state", "cell state", "boundary F1",
                 "seasonal naive", "teacher forcing", "attention", "skip-gram", "vanishing gradient",
                 # explain and trace print these too (a teacher's review found them missing)
                 "normalization", "NFC", "mean pooling", "sentence vector", "GRU", "reset gate", "update gate",
                 "Seq2Seq",
                 "candidate"):  # the g of c_t = f⊙c_{t-1} + i⊙g, which the input gate's entry named (a student)
        code, out, err = cli("glossary", term, "--json", "--lang", "en")
        assert code == 0 and term in json.loads(out), (term, err)


def test_a_word_that_names_no_term_finds_the_definitions_that_mention_it(cli):
    code, out, _err = cli("glossary", "σ", "--json", "--lang", "en")
    assert code == 0 and {"forget gate", "input gate", "output gate"} <= set(json.loads(out))
    code, out, _err = cli("glossary", "σ", "--lang", "en")
    assert "no term is named 'σ'; these definitions mention it" in out
    code, _out, err = cli("glossary", "zzz", "--lang", "en")
    assert code == 1 and "no term matches 'zzz'" in err


def test_every_column_of_the_seq2seq_table_and_the_adding_problem_are_in_the_glossary():
    """glossary aligned / positional / "exact match" / monotonic said "no term matches" for the columns and the
    attention name that train --task seq2seq prints; "adding" found only "padding"."""
    from seqlab.render.glossary import glossary_records
    from seqlab.render.training import SPACING_COLUMNS

    terms = glossary_records()
    for _key, term, _fmt in SPACING_COLUMNS:
        assert term in terms, term
    assert "monotonic attention" in terms and "adding problem" in glossary_records("adding")


def test_the_lectures_core_terms_have_entries_of_their_own_in_korean():
    """A Korean lecturer's students look up 임베딩, 정수 인코딩 and 레이블 first: they said "no term matches", and
    RNN, LSTM, 토큰화, 단어 집합, 역전파 and 시간 스텝 had no entry, while GRU had one."""
    from seqlab.i18n import use_language
    from seqlab.render.glossary import glossary_records

    with use_language("ko"):
        for korean, english in (("임베딩", "embedding"), ("정수 인코딩", "integer encoding"), ("레이블", "label"),
                                ("토큰화", "tokenization"), ("단어 집합", "vocabulary"), ("역전파", "backpropagation"),
                                ("시간 스텝", "time step"), ("RNN", "RNN"), ("LSTM", "LSTM")):
            found = glossary_records(korean)
            assert english in found and found[english]["term"] == korean, (korean, list(found))
