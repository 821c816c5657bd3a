"""A file in CP949 given with --errors replace: every reader of training text refuses it with how to convert it, as
the classifiers' data reader did (spacing pairs skipped 498 of 500 lines and wrote 2 pairs; word vectors trained on
mojibake and suggested `neighbors ôµ`). A few bad lines are still read, and said."""

import pytest

REVIEWS = [f"정말 재미있는 영화 {i}번째 리뷰입니다" for i in range(40)]


@pytest.fixture
def cp949(tmp_path):
    path = tmp_path / "reviews.txt"
    path.write_bytes("\n".join(REVIEWS).encode("cp949") + b"\n")
    return path


@pytest.mark.parametrize("args", [("data", "spacing-pairs", "{data}", "-o", "{out}/pairs.tsv"),
                                  ("wordvec", "train", "-f", "{data}", "-o", "{out}/w.model", "--min-count", "1"),
                                  ("tokenizer", "train", "-f", "{data}", "-o", "{out}/tok", "--vocab-size", "100")])
def test_a_cp949_file_is_refused_with_how_to_convert_it(cli, cp949, tmp_path, args):
    out = tmp_path / "out"
    code, _stdout, err = cli(*[a.format(data=cp949, out=out) for a in args], "--errors", "replace")
    assert code == 1, (code, err)
    assert "is not UTF-8: 40 of its 40 lines are not valid UTF-8, it looks like CP949 (EUC-KR)" in err, err
    assert "iconv -f cp949 -t utf-8" in err
    assert not out.exists() or not any(out.iterdir())  # nothing written


def test_a_few_bad_lines_are_still_read_and_said(cli, tmp_path):
    path = tmp_path / "mixed.txt"
    body = "\n".join(REVIEWS[:30]).encode("utf-8") + b"\n" + REVIEWS[30].encode("cp949") + b"\n"
    path.write_bytes(body + "\n".join(REVIEWS[31:]).encode("utf-8") + b"\n")
    code, _out, err = cli("data", "spacing-pairs", str(path), "-o", str(tmp_path / "pairs.tsv"), "--errors", "replace")
    assert code == 0 and "skipped: 1 line that is not valid UTF-8 (line 31)" in err, err
    code, _out, err = cli("wordvec", "train", "-f", str(path), "-o", str(tmp_path / "w.model"), "--min-count", "1",
                          "--errors", "replace")
    assert code == 0 and "line 31" in err, err


@pytest.mark.parametrize("command", [("wordvec", "train"), ("tokenizer", "train")])
def test_a_bad_corpus_is_said_before_any_note_about_the_output(cli, tmp_path, command):
    """wordvec train said "--out … exists; it will be replaced" (and tokenizer train "the folder … will be created")
    before refusing a binary corpus: a note about work that never began."""
    binary = tmp_path / "data.bin"
    binary.write_bytes(b"\x00\x01\x02binary")
    out = tmp_path / "new" / ("w.model" if command[0] == "wordvec" else "tok")
    code, _out, err = cli(*command, "-f", str(binary), "-o", str(out))
    assert code == 1 and "looks like a binary file" in err and "note" not in err, err
