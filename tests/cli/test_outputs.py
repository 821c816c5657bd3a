"""Paths a command writes, checked up front the same way everywhere; NaN options; empty input files."""

import json

import pytest


def test_an_output_that_is_the_input_is_refused_and_the_input_kept(tmp_path, cli):
    corpus = tmp_path / "c.txt"
    corpus.write_text("영화 좋다\n재밌다 정말\n", encoding="utf-8")
    before = corpus.read_bytes()
    for args in (["vocab", "build", "-f", str(corpus), "-o", str(corpus), "-t", "char"],
                 ["tokenizer", "train", "-f", str(corpus), "-o", str(corpus), "--vocab-size", "100"]):
        code, _out, err = cli(*args)
        assert code == 2, (args, err)
        assert "input file itself" in err and "Traceback" not in err
        assert corpus.read_bytes() == before


def test_a_folder_with_files_is_never_replaced(tmp_path, cli):
    corpus = tmp_path / "c.txt"
    corpus.write_text("영화 좋다\n", encoding="utf-8")
    folder = tmp_path / "mine"
    folder.mkdir()
    (folder / "keep.txt").write_text("mine", encoding="utf-8")
    code, _out, err = cli(*["tokenizer", "train", "-f", str(corpus), "-o", str(folder), "--vocab-size", "100"])
    assert code == 2 and "not empty" in err
    assert (folder / "keep.txt").read_text(encoding="utf-8") == "mine"
    code, _out, err = cli(*["vocab", "build", "-f", str(corpus), "-o", str(folder), "-t", "char"])
    assert code == 2 and "folder" in err


def test_a_file_where_a_folder_is_needed_is_an_environment_error_not_a_bug(tmp_path, cli):
    blocker = tmp_path / "file.txt"
    blocker.write_text("x", encoding="utf-8")
    code, _out, err = cli(*["trace", "rnn", "안녕", "--hidden", "2", "--html", str(blocker / "page.html")])
    assert code == 1
    assert "internal error" not in err and "Traceback" not in err
    assert "cannot" in err


@pytest.mark.parametrize("args", [
    ["gradflow", "--forget-bias", "nan", "--steps", "5", "--hidden", "4"],
    ["long-term", "--forget-bias", "nan", "--lengths", "10", "--steps", "5"],
    ["serve", "--timeout", "nan"],
    ["gradflow", "--steps", "5", "--hidden", "4", "--plot", "g.txt"],
    ["plot", "왕", "여왕", "--out", "p3.jpg"],  # was exit 1 while --plot x.txt was 2
    ["train", "--model", "tfidf", "--out", "never"],  # no --data: a usage error, as every missing required input
])
def test_nan_and_wrong_plot_names_are_usage_errors_before_any_work(args, cli):
    code, out, err = cli(*args)
    assert code == 2, err
    assert "NaN" not in out and "nan" not in out


def test_a_file_or_stdin_without_text_is_refused(tmp_path, cli, cli_process):
    blank = tmp_path / "blank.txt"
    blank.write_text("\n  \n", encoding="utf-8")
    code, _out, err = cli(*["compare", "-f", str(blank)])
    assert code == 1 and "no text" in err
    proc = cli_process("tokenize", "-", "-m", "char", input=b"")
    assert proc.returncode == 1 and "no text" in proc.stderr.decode()


def test_blank_lines_are_said(tmp_path, cli):
    texts = tmp_path / "t.txt"
    texts.write_text("가나\n\n다라\n", encoding="utf-8")
    code, out, err = cli(*["tokenize", "-f", str(texts), "-m", "char", "--json"])
    assert code == 0 and len(out.strip().split("\n")) == 3  # output line k answers input line k
    assert "1 blank line of" in err and "(line 2)" in err
    # predict's answer for it is "nothing to predict": the note said "kept", which read as a contradiction
    assert "keeps its place in the output, as an empty text" in " ".join(err.split())


def test_train_never_replaces_a_folder_and_refuses_unknown_models_up_front(tmp_path, cli):
    data = tmp_path / "train.tsv"
    data.write_text("id\tdocument\tlabel\n1\t좋다\t1\n2\t싫다\t0\n", encoding="utf-8")
    earlier = tmp_path / "run"
    earlier.mkdir()
    (earlier / "metrics.json").write_text("{}", encoding="utf-8")
    code, _out, err = cli("train", "--data", str(data), "--model", "tfidf", "--out", str(earlier))
    assert code == 2 and "not empty" in err
    assert (earlier / "metrics.json").read_text(encoding="utf-8") == "{}"
    code, _out, err = cli("train", "--data", str(data), "--model", "foo", "--out", str(tmp_path / "new"))
    assert code == 2 and "--model" in err and not (tmp_path / "new").exists()
    code, _out, err = cli("data", "spacing-pairs", str(data), "--out", str(data))
    assert code == 2 and "input file itself" in err


def test_an_nsmc_file_is_read_by_its_document_column_in_every_command(tmp_path, nsmc_rows, cli):
    """`wordvec train -f train.tsv` and `vocab build -f` read whole lines: ids, labels and the header became text."""
    data = tmp_path / "nsmc.tsv"
    data.write_text("id\tdocument\tlabel\n" + "".join(f"{i}\t{t}\t{y}\n" for i, t, y in nsmc_rows[:300]),
                    encoding="utf-8")
    code, out, err = cli("tokenize", "-f", str(data), "-m", "whitespace", "--json", "--lang", "en")
    first = json.loads(out.splitlines()[0])
    assert code == 0 and first["text"] == nsmc_rows[0][1] and "document column" in err
    code, out, err = cli("vocab", "build", "-f", str(data), "--tokenizer", "whitespace", "-o", str(tmp_path / "v.json"),
                         "--json")
    assert code == 0, err
    tokens = json.loads((tmp_path / "v.json").read_text(encoding="utf-8"))["tokens"]
    assert "document" not in tokens and "label" not in tokens
    code, out, err = cli("wordvec", "train", "-f", str(data), "-o", str(tmp_path / "w.txt"), "--split", "whitespace",
                         "--min-count", "1", "--dim", "8", "--epochs", "1", "--json")
    assert code == 0, err
    words = {line.split(" ", 1)[0] for line in (tmp_path / "w.txt").read_text(encoding="utf-8").splitlines()[1:]}
    assert "document" not in words and nsmc_rows[0][0] not in words  # a .txt name: word2vec's text format


def test_a_path_that_is_not_a_run_is_the_same_error_in_every_command(tmp_path, cli):
    """serve --checkpoint MISSING exited 2 where predict and evaluate MISSING exit 1."""
    missing = str(tmp_path / "missing")
    codes = {cli("predict", missing, "좋다")[0], cli("evaluate", missing, "--data", missing)[0],
             cli("serve", "--checkpoint", missing)[0]}
    assert codes == {1}


def test_a_file_output_that_exists_is_said_to_be_replaced(tmp_path, cli):
    """wordvec train, vocab build and spacing-pairs replaced an existing file without a word."""
    corpus = tmp_path / "c.txt"
    corpus.write_text("영화 정말 좋다\n배우 연기 최고\n" * 5, encoding="utf-8")
    for args, out in ((["vocab", "build", "-f", str(corpus), "--tokenizer", "whitespace", "-o"], "v.json"),
                      (["wordvec", "train", "-f", str(corpus), "--split", "whitespace", "--min-count", "1", "--dim",
                        "4", "--epochs", "1", "-o"], "w.model"),
                      (["data", "spacing-pairs", str(corpus), "--out"], "p.tsv")):
        path = tmp_path / out
        path.write_text("old", encoding="utf-8")
        code, _out, err = cli(*args, str(path), "--lang", "en")
        assert code == 0 and "exists; it will be replaced" in " ".join(err.split()), (args, err)
        assert path.read_bytes() != b"old"
        # and kept aside: `wordvec train -f s.txt -o x.txt` replaced a corpus x.txt for good (a practitioner's review)
        assert path.with_name(out + ".bak").read_bytes() == b"old" and f"kept as {out}.bak" in " ".join(err.split())


def test_a_failed_run_leaves_the_output_and_its_last_backup_alone(tmp_path, cli):
    """The old file was linked to NAME.bak before the work: a run that then failed replaced the user's last backup
    with a second copy of the file it never replaced."""
    corpus, blank = tmp_path / "c.txt", tmp_path / "blank.txt"
    corpus.write_text("영화 정말 좋다\n", encoding="utf-8")
    blank.write_text("\n\n", encoding="utf-8")
    out, backup = tmp_path / "v.json", tmp_path / "v.json.bak"
    out.write_text("old", encoding="utf-8")
    backup.write_text("older", encoding="utf-8")
    code, _out, err = cli("vocab", "build", "-f", str(blank), "--tokenizer", "whitespace", "-o", str(out))
    assert code == 1, err
    assert out.read_text(encoding="utf-8") == "old" and backup.read_text(encoding="utf-8") == "older"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["blank.txt", "c.txt", "v.json", "v.json.bak"]  # no temp
    code, _out, err = cli("vocab", "build", "-f", str(corpus), "--tokenizer", "whitespace", "--min-freq", "1",
                          "-o", str(out))
    assert code == 0, err
    assert out.read_text(encoding="utf-8") != "old" and "kept as v.json.bak.1" in " ".join(err.split())
    assert backup.read_text(encoding="utf-8") == "older"  # the user's earlier backup is never overwritten
    assert (tmp_path / "v.json.bak.1").read_text(encoding="utf-8") == "old"


def test_a_second_run_keeps_the_first_runs_backup(tmp_path, cli):
    """Each run said "the old one is kept as NAME.bak" and the second one replaced the first's NAME.bak: the file the
    first run had kept was gone (plot, order-demo, gradflow, long-term, trace --html, vocab, wordvec, spacing-pairs)."""
    out = tmp_path / "g.png"
    out.write_bytes(b"PRECIOUS")
    for _ in range(2):
        code, _out, err = cli("gradflow", "--steps", "5", "--hidden", "2", "--plot", str(out), "--lang", "en")
        assert code == 0, err
    assert (tmp_path / "g.png.bak").read_bytes() == b"PRECIOUS" and "kept as g.png.bak.1" in " ".join(err.split())
    assert (tmp_path / "g.png.bak.1").read_bytes()[:4] == b"\x89PNG"


def test_notes_print_paths_and_words_as_written(tmp_path, cli):
    """Notes went through rich's markup: a file in runs/[old]/ was named runs//… (the "[old]" taken for a style)."""
    folder = tmp_path / "[old]"
    folder.mkdir()
    texts = folder / "t.txt"
    texts.write_text("가\n\n나\n", encoding="utf-8")
    code, _out, err = cli("tokenize", "-f", str(texts), "-m", "char")
    assert code == 0 and "[old]" in err


def test_a_run_killed_after_replacing_its_output_leaves_the_old_file_as_the_backup(tmp_path):
    """The old file was held under a hidden name until the command ended; a run killed between its output's rename
    and that end left it there, and the next run deleted it."""
    from seqlab.storage import hold_aside

    out = tmp_path / "v.json"
    out.write_text("old", encoding="utf-8")
    hold_aside(out)  # the killed run: held, then its output replaced the file, and it never settled
    out.with_name(".v.json.new").write_text("new", encoding="utf-8")
    out.with_name(".v.json.new").replace(out)
    backup = hold_aside(out)  # the next run
    assert (tmp_path / "v.json.bak").read_text(encoding="utf-8") == "old"
    assert backup.settle() is None and out.read_text(encoding="utf-8") == "new"  # this run replaced nothing
    assert sorted(p.name for p in tmp_path.iterdir()) == ["v.json", "v.json.bak"]


def test_two_runs_on_one_output_each_keep_the_file_they_replaced(tmp_path, monkeypatch):
    """Both runs held the old file under one hidden name and moved it to the name picked at their start: the second
    took the first's copy for a killed run's, and the user's original ended up overwritten by the first run's output.
    A name taken after the start (a NAME.bak made meanwhile) was overwritten too."""
    import os

    from seqlab.storage import hold_aside

    out = tmp_path / "out.txt"
    out.write_text("original", encoding="utf-8")
    first = hold_aside(out)
    out.with_name(".new-a").write_text("output of A", encoding="utf-8")
    out.with_name(".new-a").replace(out)
    monkeypatch.setattr(os, "getpid", lambda: 999_999_999)  # the second run: another process, still running
    monkeypatch.setattr("seqlab.storage._owner_alive", lambda name: True)
    second = hold_aside(out)
    out.with_name(".new-b").write_text("output of B", encoding="utf-8")
    out.with_name(".new-b").replace(out)
    (tmp_path / "out.txt.bak").write_text("the user's own", encoding="utf-8")  # made while they ran
    kept = {first.settle().read_text(encoding="utf-8"), second.settle().read_text(encoding="utf-8")}
    assert kept == {"original", "output of A"}
    assert (tmp_path / "out.txt.bak").read_text(encoding="utf-8") == "the user's own"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.txt", "out.txt.bak", "out.txt.bak.1", "out.txt.bak.2"]


def test_wordvec_trains_over_an_output_keeping_every_file_it_replaces_and_new_folders_are_said(tmp_path, cli):
    """wordvec train -o X.model kept X.model.bak but replaced X.model.kv with none; embed --out into a missing
    folder made it without a word, where vocab build and wordvec train say so (a CLI review)."""
    corpus = tmp_path / "c.txt"
    corpus.write_text("영화 좋다\n영화 별로\n배우 좋다\n", encoding="utf-8")
    out = tmp_path / "wv" / "x.model"
    args = ("--lang", "en", "wordvec", "train", "-f", str(corpus), "-o", str(out), "--min-count", "1", "--dim", "8",
            "--epochs", "1")
    assert cli(*args)[0] == 0
    old_kv = (tmp_path / "wv" / "x.model.kv").read_bytes()
    code, _out, err = cli(*args)
    assert code == 0 and "x.model.kv.bak" in " ".join(err.split()), err
    assert (tmp_path / "wv" / "x.model.kv.bak").read_bytes() == old_kv and (tmp_path / "wv" / "x.model.bak").exists()
    code, _out, err = cli("--lang", "en", "embed", "-f", str(corpus), "-m", "minilm", "--out",
                          str(tmp_path / "new" / "sub" / "emb"))
    assert code == 0 and f"the folder {tmp_path / 'new' / 'sub'} does not exist; it will be created" in " ".join(
        err.split()), err


def test_a_line_of_spaces_or_tabs_is_the_same_empty_text_as_an_empty_line(tmp_path, cli):
    """The note said "as empty texts" of lines 2, 3 and 5, but "   " and "\\t" got tokens (<s> ▁ </s>) and a vector
    of three rows where the empty line had two."""
    texts = tmp_path / "blanks.txt"
    texts.write_text("영화 좋다\n\n   \n별로\n\t\n", encoding="utf-8")
    for command in (["tokenize", "-m", "char"], ["tokenize"], ["embed"]):
        code, out, err = cli(*command, "-f", str(texts), "--json")
        rows = [json.loads(line) for line in out.strip().split("\n")]
        assert code == 0 and len(rows) == 5 and "(lines 2, 3, 5)" in " ".join(err.split()), (command, err)
        assert rows[1] == rows[2] == rows[4] and rows[1] != rows[0], command
        assert rows[2]["text"] == "", command
