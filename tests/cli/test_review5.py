"""What a new user hit, fifth round (word vectors): text that starts with a dash, and Kiwi's build and readings
said. One test per defect; each failed before its fix (others of the round are beside the code they test:
tests/vectors/test_analogy_methods.py, test_kiwi_vectors.py, tests/render/test_progress.py,
tests/cli/test_vectors_cli.py)."""

import json

import pytest


@pytest.fixture(scope="module")
def w2v(tmp_path_factory, reviews):
    """Word2Vec vectors of the test reviews, trained once for this module."""
    from seqlab.cli import main

    folder = tmp_path_factory.mktemp("w2v")
    corpus = folder / "c.txt"
    corpus.write_text("\n".join(reviews * 2), encoding="utf-8")
    assert main(["wordvec", "train", "-f", str(corpus), "-o", str(folder / "w.model"), "--dim", "8",
                 "--min-count", "3"]) == 0
    return folder / "w.model"


@pytest.mark.parametrize(("args", "command"), [(("analogy", "-남자 + 여자"), "seqlab analogy"),
                                               (("tokenize", "-5도 추워요"), "seqlab tokenize")])
def test_text_that_starts_with_a_dash_gets_told_how_to_pass_it(cli, args, command):
    code, _out, err = cli(*args)
    assert code == 2 and f'{command} -- "-5도"' in err


def test_a_mistyped_option_is_not_taken_for_text(cli):
    code, _out, err = cli("tokenize", "--modle", "x")
    assert code == 2 and "did you mean" in err and " -- " not in err


def test_plot_refuses_unknown_words_as_neighbors_does_and_says_what_it_built(cli, tmp_path, reviews, w2v):
    """plot drew 영화관에서 from its pieces without a word, where neighbors and analogy refuse it."""
    corpus = tmp_path / "c.txt"
    corpus.write_text("\n".join(reviews[:100]), encoding="utf-8")
    ft = tmp_path / "f.model"
    assert cli("wordvec", "train", "-f", str(corpus), "-o", str(ft), "--dim", "8", "--min-count", "2",
               "--kind", "fasttext", "--epochs", "1")[0] == 0
    code, _out, err = cli("plot", "영화", "배우", "없는단어zz", "--vectors", str(w2v), "--out", str(tmp_path / "a.png"))
    assert code == 1 and "없는단어zz" in err and "unknown" in err
    code, out, err = cli("plot", "영화", "배우", "없는단어zz", "--vectors", str(ft), "--out", str(tmp_path / "b.png"),
                         "--json")
    assert code == 0 and json.loads(out)["oov"] == ["없는단어zz"] and "built from pieces: 없는단어zz" in err


def test_plot_json_says_which_blank_lines_of_its_file_were_skipped(cli, tmp_path, w2v):
    words = tmp_path / "words.txt"
    words.write_text("영화\n\n배우\n연기\n", encoding="utf-8")
    code, out, _err = cli("plot", "-f", str(words), "--vectors", str(w2v), "--out", str(tmp_path / "p.png"), "--json")
    assert code == 0 and json.loads(out)["skipped_lines"] == [2] and len(json.loads(out)["points"]) == 3


def test_a_word_added_and_subtracted_is_said_to_cancel_out(cli, w2v):
    code, out, _err = cli("analogy", "영화 - 배우 + 배우", "--vectors", str(w2v), "--json")
    assert code == 0 and json.loads(out)["cancelled"] == ["배우"]
    code, out, _err = cli("analogy", "영화 - 배우 + 배우", "--vectors", str(w2v))
    assert code == 0 and "cancel out: 배우" in " ".join(out.split())
