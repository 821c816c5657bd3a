"""The CLI, thirteenth round, tried as a new user would (each test failed before its fix)."""

import json


def test_a_corpus_of_blank_lines_makes_no_vocabulary(cli, tmp_path):
    """`vocab build` on spaces and tabs wrote a vocabulary of the four special tokens, rc 0."""
    blank = tmp_path / "ws.txt"
    blank.write_text("   \n\t\n", encoding="utf-8")
    code, _out, err = cli("vocab", "build", "-f", str(blank), "-o", str(tmp_path / "v.json"), "--lang", "en")
    assert code == 1 and "holds no token: its 2 lines are blank" in err and not (tmp_path / "v.json").exists()


def test_an_unknown_language_is_a_usage_error_like_any_other(cli):
    """`--lang fr --json` printed no JSON, and no Usage line or --help pointer, unlike every other usage error."""
    code, out, err = cli("tokenize", "안녕", "--lang", "fr", "--json")
    said = json.loads(out)
    assert code == 2 and said["error"] == "unknown language 'fr' (--lang)" and said["exit_code"] == 2
    assert "Usage: seqlab tokenize" in err and "Try 'seqlab tokenize --help' for help." in err


def test_a_missing_model_suggests_only_models_the_command_can_use(cli, monkeypatch):
    """embed/similarity -m bogus listed kiwi, char and whitespace, which these commands then refuse; similarity
    asked for a folder with a tokenizer only."""
    from seqlab.pretrained import install

    monkeypatch.setattr(install, "hub_unreachable_reason", lambda: "no network (test)")
    for args in (["embed", "안녕", "-m", "bogus"], ["similarity", "가", "나", "-m", "bogus"]):
        code, _out, err = cli(*args, "--lang", "en")
        assert code == 1 and "Embedded models with vectors that work offline: e5-small, minilm " in err, err
        assert "kiwi" not in err and "model.safetensors" in err
    code, _out, err = cli("tokenize", "안녕", "-m", "bogus", "--lang", "en")  # a tokenizer will do: all of them
    assert code == 1 and "kiwi, char, whitespace (tokenizers only" in err


def test_a_refused_training_file_says_which_rows_it_skipped(cli, tmp_path):
    """"bad.tsv has only one label ('1')" hid that four rows were skipped, which is why only one label was left."""
    bad = tmp_path / "bad.tsv"
    bad.write_text("id\tdocument\tlabel\n1\t좋아\t1\n2\t\t0\n3\t싫어\t\n4\t별로\t7\n5\t최고\tpositive\n", encoding="utf-8")
    code, _out, err = cli("train", "--model", "tfidf", "--data", str(bad), "--out", str(tmp_path / "r"), "--lang", "en")
    assert code == 1 and "has only one label ('1')" in err
    assert "skipped 4 rows that cannot be used (empty text: 1 row, missing label: 1 row, unknown label: 2 rows); " \
           "e.g. empty text: line 3; missing label: line 4; unknown label: lines 5, 6" in " ".join(err.split())


def test_choices_that_cannot_work_are_refused_up_front(cli, tmp_path):
    """--series bogus was refused (rc 1) only after seconds of loading; an --out folder of another file's
    embeddings was rc 1, where a folder that does not fit the arguments is 2 everywhere else."""
    code, _out, err = cli("train", "--task", "forecast", "--series", "bogus", "--out", str(tmp_path / "f"),
                          "--lang", "en")
    assert code == 2 and "unknown --series 'bogus'" in err and not (tmp_path / "f").exists()
    first, second = tmp_path / "a.txt", tmp_path / "b.txt"
    first.write_text("영화\n배우\n", encoding="utf-8")
    second.write_text("음악\n", encoding="utf-8")
    assert cli("embed", "-f", str(first), "--out", str(tmp_path / "vec"), "--lang", "en")[0] == 0
    code, _out, err = cli("embed", "-f", str(second), "--out", str(tmp_path / "vec"), "--lang", "en")
    assert code == 2 and "holds the embeddings of another file" in err


def test_compare_says_what_limit_left_out(cli, tmp_path):
    texts = tmp_path / "t.txt"
    texts.write_text("".join(f"영화 {i} 좋다\n" for i in range(20)), encoding="utf-8")
    code, out, err = cli("compare", "-f", str(texts), "--limit", "10", "--models", "char", "--json", "--lang", "en")
    assert code == 0 and "comparing the first 10 of 20 texts" in err and json.loads(out)[0]["texts"] == 10


def test_each_table_of_several_texts_says_which_text_it_is(cli, tmp_path):
    """`tokenize -f FILE` printed tables titled only "5 tokens · model char": which line was which could not be told."""
    two = tmp_path / "two.txt"
    two.write_text("영화 좋다\n\n배우 최고\n", encoding="utf-8")
    code, out, _err = cli("tokenize", "-f", str(two), "-m", "char", "--lang", "en")
    assert code == 0 and "line 1: 영화 좋다" in out and "line 3: 배우 최고" in out  # a blank line keeps its number
    code, out, _err = cli("tokenize", "영화", "배우", "-m", "char", "--lang", "en")
    assert code == 0 and "text 2: 배우" in out
    code, out, _err = cli("tokenize", "영화", "-m", "char", "--lang", "en")
    assert code == 0 and "text 1" not in out  # one text needs no heading


def test_a_corpus_of_blank_lines_is_refused_before_the_model_loads(cli, tmp_path, monkeypatch):
    """`search` loaded e5-small and indexed every blank line (12 s) before saying the corpus has no text."""
    from seqlab.vectors import encoder

    blank = tmp_path / "ws.txt"
    blank.write_text("   \n\u200b\n", encoding="utf-8")
    monkeypatch.setattr(encoder, "load_encoder", lambda *a, **k: (_ for _ in ()).throw(AssertionError("loaded")))
    code, _out, err = cli("search", "배우", "--corpus", str(blank), "--lang", "en")
    assert code == 1 and "has no text lines to search" in err and "loaded" not in err
