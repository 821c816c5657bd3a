"""The CLI, ninth round: a new user in the Korean interface, across every command.

Each test names the defects it guards against; each failed before its fix.
"""

import json

import pytest


def test_a_table_of_some_steps_says_so(cli, tmp_path):
    """gradflow showed k = 0, 24, 49, … 99 of 100 steps, and order-demo t = 0, 9, … 29 of 30, with no word, although
    the help says "every step k"; order-demo --plot wrote its file without saying where."""
    code, out, _err = cli("gradflow", "--steps", "100", "--hidden", "4", "--lang", "en")
    said = " ".join(out.split())  # as one line, however the console wrapped it
    assert code == 0 and "10 of 100 steps shown" in said and "--json gives every step" in said, out
    code, out, _err = cli("gradflow", "--steps", "20", "--hidden", "4", "--lang", "en")
    assert code == 0 and "steps shown" not in out  # every step: nothing to say
    plot = tmp_path / "od.png"
    code, out, _err = cli("order-demo", "--hidden", "4", "--plot", str(plot), "--lang", "en")
    said = " ".join(out.split())
    assert code == 0 and "7 of 30 steps shown" in said and f"plot: {plot}" in said and plot.exists()
    code, out, _err = cli("gradflow", "--steps", "100", "--hidden", "4", "--json")
    assert len(json.loads(out)["cells"]["rnn"]["grad_norms"]) == 100


def test_the_order_demo_plot_does_not_call_the_first_step_an_underflow(tmp_path):
    """Its legend said "0 (underflow), drawn at 3e-12" for t = 0, where dW_hh(0) is 0 by construction (h_(-1) = 0)."""
    from seqlab.lab.order import order_demo
    from seqlab.render.lab import order_plot

    order_plot(order_demo(hidden=4), tmp_path / "od.html")
    page = (tmp_path / "od.html").read_text(encoding="utf-8")
    assert "underflow" not in page and "h_(t-1) = 0" in page


def test_options_that_would_do_nothing_are_refused(cli, tmp_path):
    """`embed TEXT --full` without --json ran as if --full were not there (exit 0); `tokenizer train -f a -f a`
    trained on every text twice, where compare, gradflow and long-term refuse a value given twice."""
    code, _out, err = cli("embed", "영화 재밌다", "--full", "--lang", "en")
    assert code == 2 and "--full" in err and "--json" in err, err
    corpus = tmp_path / "docs.txt"
    corpus.write_text("영화가 좋다\n정말 별로다\n", encoding="utf-8")
    for command in (["tokenizer", "train", "-o", str(tmp_path / "tok")], ["wordvec", "train", "-o", str(tmp_path / "v.kv")]):
        code, _out, err = cli(*command, "-f", str(corpus), "-f", str(tmp_path / "." / "docs.txt"), "--lang", "en")
        assert code == 2 and "--file lists" in err and "twice" in err, err


def test_the_default_word_vocabulary_says_where_its_unks_come_from(cli, tmp_path):
    """compare gave whitespace a 75.88% [UNK] rate and tokenize called 좋다 an OOV word, with no word that the default
    vocabulary is wordfreq's Korean list, which is split into morphemes (좋다, 있다 and 좋은 are not in it)."""
    code, out, _err = cli("tokenize", "뷁 좋다", "-m", "whitespace", "--lang", "en")
    said = " ".join(out.split())
    assert code == 0 and "wordfreq's Korean list, which is split into morphemes" in said and "vocab build" in said
    corpus = tmp_path / "c.txt"
    corpus.write_text("영화가 정말 좋다\n배우 연기 최고\n", encoding="utf-8")
    code, out, _err = cli("compare", "-f", str(corpus), "--models", "whitespace,kiwi", "--lang", "en")
    said = " ".join(out.split())
    assert code == 0 and "whitespace: its [UNK] rate is that of the default word vocabulary" in said
    assert "kiwi: its [UNK]" not in said
    code, out, _err = cli("compare", "-f", str(corpus), "--models", "whitespace", "--json")
    assert json.loads(out)[0]["vocabulary"] == "wordfreq"
    vocab = tmp_path / "v.json"  # a vocabulary of the user's own words: nothing to say
    assert cli("vocab", "build", "-t", "whitespace", "-f", str(corpus), "-o", str(vocab), "--min-freq", "1")[0] == 0
    code, out, _err = cli("tokenize", "영화가 좋다", "-m", "whitespace", "--vocab", str(vocab), "--lang", "en")
    assert code == 0 and "wordfreq" not in out


def test_plot_says_nothing_about_its_folder_before_refusing_its_items(cli, tmp_path):
    """`plot 왕 여왕 -o nodir/x/p.png` said "the folder nodir/x does not exist; it will be created", then failed for
    having two items, and created nothing."""
    code, _out, err = cli("plot", "왕", "여왕", "-o", str(tmp_path / "nodir" / "x" / "p.png"), "--lang", "en")
    assert code == 1 and "at least 3 items" in err and "will be created" not in err, err


def test_numbers_in_korean_and_english_text_have_their_separators(cli, tmp_path):
    """explain said "(1600 characters)" beside "1,203"; vocab build "100000 times"; wordvec train "0.0 MB"."""
    code, out, _err = cli("explain", "가나다 " * 400, "--lang", "en")
    assert code == 0 and "(1,600 code points)" in out and "1,600 code points" in out
    corpus = tmp_path / "c.txt"
    corpus.write_text("영화 좋다\n" * 3, encoding="utf-8")
    code, _out, err = cli("vocab", "build", "-f", str(corpus), "-o", str(tmp_path / "v.json"), "--min-freq", "100000",
                          "--lang", "en")
    assert code == 1 and "100,000 times" in err, err
    from types import SimpleNamespace

    from seqlab.render.words import wordvec_summary

    said = wordvec_summary(SimpleNamespace(kind="word2vec", vocab_size=3, dim=8, lines=3, tokens=6, seconds=0.1,
                                           path=tmp_path / "v.kv", bytes_written=40_242, buckets=0, example="영화",
                                           typical_cosine=None))
    assert "40.2 KB" in said and "0.0 MB" not in said


def test_a_long_embedding_table_keeps_its_right_border_and_the_shape_lines_align(cli, tmp_path):
    """At 1,203 tokens the "… 1163 more" row widened the token column past the width the preview was fitted to:
    the v[0:6] column and the right border were cut; "1   =" and "384 =" stood one column left of "1203 =".
    """
    from rich.cells import cell_len

    long = tmp_path / "long.txt"
    long.write_text("가나다 " * 400, encoding="utf-8")
    code, out, _err = cli("embed", "-f", str(long), "--long", "window", "--stride", "100", "--lang", "en")
    assert code == 0
    rows = [line for line in out.splitlines() if line.startswith(("┏", "┃", "│", "└"))]
    assert rows and all(line.endswith(("┓", "┃", "│", "┘")) for line in rows), rows
    assert len({cell_len(line) for line in rows}) == 1
    equals = [line.index("=") for line in out.splitlines() if line.startswith("  ") and " = " in line[:10]]
    assert len(equals) == 3 and len(set(equals)) == 1, equals


def test_a_huge_whole_number_is_a_range_error_not_an_overflow(cli):
    """isfinite(10**400) raises OverflowError: -k with 400 digits was "internal error … This is a bug in seqlab"."""
    from seqlab.errors import InputError, check_number

    code, _out, err = cli("neighbors", "왕", "-k", "1" + "0" * 400, "--lang", "en")
    assert code == 2 and "-k must be between 1 and 1,000, got 1.00e400" in err and "internal error" not in err, err
    with pytest.raises(InputError, match="seed must be between 0 and"):
        check_number("seed", -(10**400), 0, 2**32 - 1, whole=True)


def test_a_kiwi_morpheme_is_not_called_a_subword(cli):
    """explain 안녕하세요 -m kiwi said "one word became 3 subwords", and the kind column "subword continuation"
    for 하/XSA: Kiwi's tokens are morphemes; char's are characters."""
    code, out, _err = cli("explain", "안녕하세요", "-m", "kiwi", "--lang", "en")
    assert code == 0 and "became 3 morphemes" in out and "next morpheme of the word" in out
    assert "subword" not in out
    code, out, _err = cli("tokenize", "안녕", "-m", "char", "--lang", "en")
    assert code == 0 and "next character of the word" in out and "subword" not in out
    code, out, _err = cli("tokenize", "재밌었던영화", "--lang", "en")  # e5-small's pieces are subwords
    assert code == 0 and "subword continuation" in out
