"""What a new user hit, third round: options a mode would ignore, empty values, settings a checkpoint overrides,
and output cut at narrow widths or past --max-rows. One test per defect; each failed before its fix."""

import json
import re

import numpy as np
import pytest


@pytest.mark.parametrize("args", [("tokenize", "안녕", "-m", ""), ("embed", "안녕", "--pool", " "),
                                  ("compare", "안녕", "--models", ""), ("tokenize", "안녕", "-f", ""),
                                  ("train", "--data", "", "--out", "x"), ("neighbors", "영화", "-m", "")])
def test_an_empty_option_value_is_refused_not_defaulted(cli, args):
    """`-m ''` used to run the default model without a word; `-f ''`/`--data ''` became the current folder."""
    code, out, err = cli(*args)
    assert code == 2 and not out and "the value is empty" in err


def test_serve_checks_allowed_models_before_it_starts(cli, tmp_path):
    """`serve --allow-model ./missing` used to start and fail at the first request for that model."""
    code, out, err = cli("serve", "--allow-model", str(tmp_path / "missing"), "--port", "1")
    assert code == 1 and "does not exist" in err and "missing" in err and "running at" not in out
    (tmp_path / "file.bin").write_bytes(b"x")
    code, _, err = cli("serve", "--allow-model", str(tmp_path / "file.bin"), "--port", "1")
    assert code == 1 and "is a file" in err
    code, _, err = cli("tokenize", "x", "-m", "./no-such-model")  # the same check for every -m
    assert code == 1 and "model folder ./no-such-model does not exist" in err
    # a hub id that is not cached, offline (the tests set HF_HUB_OFFLINE): it started, and failed at its first request
    code, out, err = cli("serve", "--allow-model", "nobody/no-such-model", "--port", "1")
    assert code == 1 and "'nobody/no-such-model' is not available" in err and "offline" in err and "running at" not in out


def test_forget_bias_without_an_lstm_is_refused(cli):
    """--forget-bias with --cells rnn,gru used to be ignored without a word."""
    for command in ("gradflow", "long-term"):
        code, out, err = cli(command, "--cells", "rnn,gru", "--forget-bias", "3")
        assert code == 2 and not out and "has no LSTM" in err
    code, out, _ = cli("gradflow", "--cells", "lstm", "--length", "5", "--hidden", "4", "--forget-bias", "3", "--json")
    assert code == 0 and json.loads(out)["steps"] == 5


@pytest.mark.parametrize("args, said", [
    (("embed", "안녕", "--stride", "5"), "--stride"),  # only --long window reads windows
    (("embed", "안녕", "--workers", "2"), "--workers"),  # corpus job options without --out
    (("embed", "안녕", "--engine", "ray"), "--engine"),
    (("embed", "안녕", "--precision", "bf16"), "--precision"),
    (("embed", "-f", "README.md", "--out", "never-made", "--preview", "3"), "--preview"),  # per-text options with --out
    (("embed", "-f", "README.md", "--out", "never-made", "--words", "mean"), "--words"),
    (("tokenize", "안녕", "--vocab", "vocab.json"), "--vocab"),  # a transformer has its own vocabulary
    (("tokenize", "안녕", "-m", "minilm", "--prefix", "query"), "--prefix"),  # e5's prefix, not MiniLM's
    (("wordvec", "train", "-f", "README.md", "-o", "never.model", "--split", "whitespace", "--tags"), "--tags"),
    # ran and ignored them (a practitioner's review): the pooled vector's scaling without --pool, and a terminal
    # table's row limit with an output that holds every token
    (("embed", "안녕", "--no-normalize"), "not used by embed without --pool: --no-normalize"),
    (("tokenize", "안녕", "--max-rows", "3", "--markdown"), "not used by --markdown: --max-rows"),
])
def test_options_a_mode_would_ignore_are_refused(cli, args, said):
    code, out, err = cli(*args, "--lang", "en")
    assert code == 2 and not out and said in err


def test_trace_with_a_checkpoint_refuses_settings_it_would_ignore(cli, tmp_path):
    """trace --checkpoint used to ignore --hidden, -m and --seed without a word (the checkpoint's own are used)."""
    for extra in (["--hidden", "8"], ["-m", "minilm"], ["--seed", "3"], ["--contextual"]):
        code, out, err = cli("trace", "lstm", "좋다", "--checkpoint", str(tmp_path), *extra)
        assert code == 2 and not out and "not used by --checkpoint" in err and extra[0] in err
    code, _, err = cli("trace", "seq2seq", "좋다", "--checkpoint", str(tmp_path), "--backward")
    assert code == 2 and "--backward" in err


@pytest.mark.parametrize("columns", ["80", "60"])
def test_trace_matrices_are_never_cut_at_narrow_widths(cli, monkeypatch, columns):
    """An 8×8 weight matrix needs 81 columns boxed: at 80 its last column was cut to '-0.12…'."""
    from rich.cells import cell_len

    monkeypatch.setenv("COLUMNS", columns)
    code, out, _ = cli("trace", "lstm", "좋은 영화", "--hidden", "8", "--input-dim", "8", "--backward")
    code_json, js, _ = cli("trace", "lstm", "좋은 영화", "--hidden", "8", "--input-dim", "8", "--json")
    w_xf = np.array(json.loads(js)["weights"]["W_ih"])[8:16]  # torch's order i, f, g, o: rows 8-15 are W_xf
    shown = out.split("W_xf")[1].split("W_xi")[0]
    numbers = [float(x) for x in re.findall(r"[+-]\d\.\d{4}", shown)]
    assert code == code_json == 0 and "…" not in shown and len(numbers) == 64
    assert np.allclose(sorted(numbers), sorted(w_xf.ravel()), atol=5e-5)  # at 60 columns in blocks of columns
    assert max(cell_len(line) for line in out.splitlines()) <= int(columns)


def test_a_long_token_table_says_how_to_see_every_row(cli):
    """Past --max-rows the table said only '… 253 more', not how to see them."""
    text = "가나다 " * 150
    code, out, _ = cli("tokenize", text)
    n = len(json.loads(cli("tokenize", text, "--json")[1])["tokens"])
    assert code == 0 and f"{n - 200} more" in out and f"200 of {n} rows shown" in " ".join(out.split())
    assert f"--max-rows {n}" in out
    code, out, _ = cli("tokenize", text, "--max-rows", str(n))
    assert "more" not in out and "rows shown" not in out and out.count("▁가") == 150


def test_characters_a_model_removes_are_said(cli):
    """minilm's normalizer drops U+202E: the token table showed abc, ##de, ##f with no word of the lost character."""
    code, out, _ = cli("tokenize", "-m", "minilm", "abc\u202edef 한글")
    assert code == 0 and "minilm removed 1 character before tokenizing" in " ".join(out.split()) and "\\u202e" in out
    record = json.loads(cli("tokenize", "-m", "minilm", "abc\u202edef", "--json")[1])
    assert record["uncovered"] == [{"index": 3, "char": "\u202e"}]
    assert json.loads(cli("tokenize", "abc def", "--json")[1])["uncovered"] == []


def test_a_folder_of_runs_names_its_runs(tmp_path, cli):
    """predict/evaluate/serve on a comparison's --out said "Give the --out folder of seqlab train", which it was;
    a file given as the run said "[Errno 20] Not a directory"."""
    for name in ("tfidf", "lstm"):
        (tmp_path / "cmp" / name).mkdir(parents=True)
        (tmp_path / "cmp" / name / "config.json").write_text("{}", encoding="utf-8")
    for args in (("predict", str(tmp_path / "cmp"), "좋다"), ("serve", "--checkpoint", str(tmp_path / "cmp"))):
        code, _out, err = cli(*args)
        said = " ".join(err.split())
        assert code == 1 and "is not one run: it holds 2 runs, lstm, tfidf" in said, args
        assert str(tmp_path / "cmp" / "lstm") in said
    text = tmp_path / "good.txt"
    text.write_text("좋다\n", encoding="utf-8")
    code, _out, err = cli("predict", str(text), "좋다")
    assert code == 1 and "is not a directory" in err and "Errno" not in err


def test_an_interrupted_comparison_resumes(tmp_path, cli, nsmc_rows):
    """Ctrl-C in `train --model tfidf,lstm` said "run the same command with --resume", which then refused the
    folder ("holds no checkpoint"), and a rerun without --resume refused it as not empty."""
    data = tmp_path / "train.tsv"
    data.write_text("id\tdocument\tlabel\n" + "\n".join("\t".join(r) for r in nsmc_rows[:300]) + "\n",
                    encoding="utf-8")
    args = ["train", "--data", str(data), "--out", str(tmp_path / "cmp"), "--model", "tfidf,lstm", "--embedding",
            "random", "--epochs", "1", "--hidden", "8", "--embed-dim", "16", "--max-length", "32", "--adversarial", "0",
            "--checkpoint-every", "1", "--json"]
    code, out, _err = cli(*args)
    first = {r["model"]: r["val"]["accuracy"] for r in map(json.loads, out.splitlines())}
    assert code == 0 and set(first) == {"tfidf", "lstm"}
    # as if stopped during the lstm: its checkpoint is there, its run not finished
    (tmp_path / "cmp" / "lstm" / "config.json").write_text('{"partial": true}', encoding="utf-8")
    (tmp_path / "cmp" / "lstm" / "metrics.json").unlink()
    code, out, err = cli(*args, "--resume")
    again = {r["model"]: r["val"]["accuracy"] for r in map(json.loads, out.splitlines())}
    assert code == 0 and again == first and "finished in the earlier run: kept" in err


@pytest.mark.parametrize(("columns", "preview"), [("80", "6"), ("120", "20")])
def test_token_vector_tables_fit_and_say_how_many_numbers_they_show(cli, monkeypatch, columns, preview):
    """At 80 columns (explain's and embed's main example) the vector table lost its right border and its "…";
    with --preview 20 at 120 columns, the # column vanished and 7 of the 20 numbers were cut without a word."""
    from rich.cells import cell_len

    monkeypatch.setenv("COLUMNS", columns)
    code, out, _ = cli("embed", "안녕하세요, 오늘 날씨가 정말 좋네요", "--preview", preview)
    said = " ".join(out.split())
    fit = int(re.search(r"first (\d+) of 384 numbers", said).group(1))
    assert code == 0 and fit < int(preview) and f"only {fit} of {preview} fit in {columns} columns" in said
    rows = [line for line in out.splitlines() if line.startswith("│")]
    assert rows and all(line.rstrip().endswith("… │") for line in rows)
    assert all(len(re.findall(r"[+-]\d\.\d{3}", line)) == fit for line in rows)
    assert max(cell_len(line) for line in out.splitlines()) <= int(columns)
    assert re.search(r"^│\s+0 │", out, re.MULTILINE)  # the # column is there


def test_a_token_vector_table_says_which_rows_it_leaves_out(cli):
    """Rows 39 to 510 of a long text were one "… 472 more" row, with no way to see them named (tokenize says it)."""
    code, out, _ = cli("embed", "나는 학교에 간다 " * 30, "--preview", "1", "--lang", "en")
    said = " ".join(out.split())
    assert code == 0 and "113 more" in said and "rows 39–151 are not shown: seqlab embed TEXT --json --full" in said


def test_recurrent_inputs_are_checked_before_any_work(tmp_path, cli, nsmc_rows):
    """--embedding xyz, --embedding e5 --embed-dim 100, --tokenizer nosuch and a --vocab of another tokenizer
    failed with exit 1 only after tokenizing (and, in a comparison, after the earlier models trained)."""
    data = tmp_path / "train.tsv"
    data.write_text("id\tdocument\tlabel\n" + "\n".join("\t".join(r) for r in nsmc_rows[:100]) + "\n",
                    encoding="utf-8")
    vocab = tmp_path / "char.json"
    assert cli("vocab", "build", "-f", str(data), "--out", str(vocab), "-t", "char")[0] == 0
    base = ["train", "--data", str(data), "--model", "tfidf,lstm"]
    for extra, says in ((["--embedding", "xyz"], "neither word2vec, random, e5, kiwi nor a vectors file"),
                        (["--embedding", "e5", "--embed-dim", "100"], "the e5 vectors are 384-dimensional, not --embed-dim = 100"),
                        (["--tokenizer", "nosuch"], "nosuch"),
                        (["--vocab", str(vocab)], "built with the char tokenizer, but training uses kiwi")):
        out = tmp_path / ("run" + str(len(extra)) + extra[1][:3])
        code, _out, err = cli(*base, *extra, "--out", str(out))
        assert code == (1 if extra[0] == "--tokenizer" else 2) and says in " ".join(err.split()), (extra, err)
        assert not (out / "tfidf").exists(), extra  # nothing trained first
    code, _out, err = cli("tokenize", "영화", "-m", "whitespace", "--vocab", str(vocab))
    assert code == 2 and "built with the char tokenizer, not whitespace" in " ".join(err.split())  # as in train


def test_a_table_is_not_read_as_one_text_per_line(tmp_path, cli):
    """A TSV whose header was not exactly NSMC's was read line by line: ids, tabs, labels and the header row became
    text in tokenize -f, vocab build, data spacing-pairs and the corpus job, with exit 0."""
    table = tmp_path / "reviews.tsv"
    table.write_text("id\ttext\tlabel\n1\t영화가 좋다\t1\n2\t재미없다\t0\n", encoding="utf-8")
    for args in (("tokenize", "-f", str(table), "-m", "char"),
                 ("vocab", "build", "-f", str(table), "--out", str(tmp_path / "v.json"), "-t", "whitespace"),
                 ("data", "spacing-pairs", str(table), "--out", str(tmp_path / "p.tsv")),
                 ("embed", "-f", str(table), "--out", str(tmp_path / "vectors"))):
        code, _out, err = cli(*args)
        said = " ".join(err.split())
        assert code == 1 and "looks like a table: its first lines all have 3 tab-separated fields" in said, args
        assert "--text-col text" in said and "cut -f2" in said, args
    assert not (tmp_path / "v.json").exists() and not (tmp_path / "p.tsv").exists()
    first = tmp_path / "first.tsv"  # the hint named column 2 whatever the table: here the labels
    first.write_text("review\tsentiment\n정말 재밌어요\t1\n별로예요\t0\n", encoding="utf-8")
    said = " ".join(cli("compare", "-f", str(first))[2].split())
    assert "--text-col review" in said and "cut -f1" in said
    headless = tmp_path / "headless.tsv"  # no header: a review was named as the column to pass to --text-col
    headless.write_text("1\t아 더빙 진짜 짜증나네요\t0\n2\t재밌다 최고\t1\n", encoding="utf-8")
    said = " ".join(cli("compare", "-f", str(headless))[2].split())
    assert "Keep only column 2" in said and "cut -f2" in said and "--text-col" not in said
    code, _out, _err = cli("data", "spacing-pairs", str(table), "--out", str(tmp_path / "p.tsv"), "--text-col", "text")
    assert code == 0 and "영화가좋다\t영화가 좋다" in (tmp_path / "p.tsv").read_text(encoding="utf-8")
    text = tmp_path / "one.txt"  # a tab inside some texts is not a table
    text.write_text("좋다\t정말\n싫다\n", encoding="utf-8")
    assert cli("tokenize", "-f", str(text), "-m", "char", "--json")[0] == 0


def test_commands_that_read_stdin_offer_it_for_a_missing_file(cli, tmp_path):
    """tokenizer train, wordvec train and data spacing-pairs read - but said only "Check the path." for a missing
    file, where tokenize, embed and vocab build say "or use - to read from stdin"."""
    missing = str(tmp_path / "nosuch.txt")
    for args in (["tokenizer", "train", "-f", missing, "-o", str(tmp_path / "t")],
                 ["wordvec", "train", "-f", missing, "-o", str(tmp_path / "w.model")],
                 ["data", "spacing-pairs", missing, "-o", str(tmp_path / "p.tsv")]):
        code, _out, err = cli(*args, "--lang", "en")
        assert code == 1 and "file not found" in err and "use - to read from stdin" in err, (args, err)


def test_search_does_not_offer_stdin_it_cannot_read(cli):
    """`search --corpus nosuch.txt` said "use - to read from stdin", and `--corpus -` then failed with "cannot use -"."""
    code, _out, err = cli("search", "영화", "--corpus", "nosuch-corpus.txt")
    assert code == 1 and "file not found" in err and "stdin" not in err
    code, _out, err = cli("search", "영화", "--corpus", "-")
    assert code == 2 and "cannot be standard input" in err  # a usage error, as embed's corpus job says it (was 1)
    code, _out, err = cli("embed", "-f", "-", "--out", "never-made", "--lang", "en")
    assert code == 2 and "a corpus file cannot be standard input (-)" in err


def test_errors_replace_says_which_lines_it_replaced(tmp_path, cli):
    """tokenize/compare/predict -f --errors replace put U+FFFD in silently; search and the corpus job counted them."""
    corpus = tmp_path / "mixed.txt"
    corpus.write_bytes("영화가 좋다\n".encode("cp949") + "좋다\n".encode() + "별로\n".encode("cp949"))
    code, _out, err = cli("tokenize", "-f", str(corpus), "-m", "char", "--errors", "replace", "--json")
    said = " ".join(err.split())
    assert code == 0 and "2 lines of" in said and "not valid UTF-8" in said and "(lines 1, 3)" in said
    code, _out, err = cli("compare", "-f", str(corpus), "--models", "char", "--errors", "replace")
    assert code == 0 and "(lines 1, 3)" in " ".join(err.split())


def test_vocab_build_says_what_its_limits_cut(tmp_path, cli, nsmc_rows):
    """vocab build did not say how many tokens --min-freq and --max-size removed, and wrote a specials-only
    vocabulary with exit 0 when --min-freq cut everything."""
    data = tmp_path / "texts.txt"
    data.write_text("\n".join(r[1] for r in nsmc_rows[:300]) + "\n", encoding="utf-8")
    code, out, _err = cli("vocab", "build", "-f", str(data), "--out", str(tmp_path / "v.json"), "-t", "char",
                          "--max-size", "10", "--json")
    summary = json.loads(out)
    assert code == 0 and summary["size"] == 10 and summary["cut"]["max_size"] > 0
    assert summary["seen"] == summary["size"] - 4 + summary["cut"]["min_freq"] + summary["cut"]["max_size"]
    code, _out, err = cli("vocab", "build", "-f", str(data), "--out", str(tmp_path / "w.json"), "--min-freq", "100000")
    assert code == 1 and "only its special tokens" in " ".join(err.split()) and not (tmp_path / "w.json").exists()


def test_a_resume_with_other_options_names_the_option(tmp_path, cli, nsmc_rows):
    """--resume with --hidden 16 after --hidden 8 failed with "classifier.weight is [2, 32] there, [2, 64] now"."""
    data = tmp_path / "train.tsv"
    data.write_text("id\tdocument\tlabel\n" + "\n".join("\t".join(r) for r in nsmc_rows[:200]) + "\n",
                    encoding="utf-8")
    args = ["train", "--data", str(data), "--out", str(tmp_path / "run"), "--model", "lstm", "--embedding", "random",
            "--epochs", "1", "--embed-dim", "16", "--max-length", "32", "--adversarial", "0", "--checkpoint-every", "1"]
    assert cli(*args, "--hidden", "8")[0] == 0
    code, _out, err = cli(*args, "--hidden", "16", "--resume")
    said = " ".join(err.split())
    assert code == 2 and "hidden = 8" in said and "16" in said and "classifier.weight" not in said


def test_long_file_work_shows_progress(tmp_path, cli, nsmc_rows):
    """compare -f and vocab build printed nothing until done (minutes on NSMC): progress is shown."""
    data = tmp_path / "texts.txt"
    data.write_text("\n".join(r[1] for r in nsmc_rows[:500]) + "\n", encoding="utf-8")
    code, _out, err = cli("compare", "-f", str(data), "--models", "char,whitespace")
    assert code == 0 and "tokenizing 500 texts with 2 tokenizers" in err and "1,000/1,000 (100%)" in err
    code, _out, err = cli("vocab", "build", "-f", str(data), "--out", str(tmp_path / "v.json"), "-t", "char")
    assert code == 0 and "counting char tokens" in err and "500/500 (100%)" in err


def test_resuming_a_finished_run_keeps_it(tmp_path, cli, nsmc_rows):
    """--resume on a finished lstm run evaluated it again and overwrote metrics.json's "seconds" (2.5 -> 3.4), with no
    word that it had finished; a comparison's finished models were already kept."""
    data = tmp_path / "train.tsv"
    data.write_text("id\tdocument\tlabel\n" + "\n".join("\t".join(r) for r in nsmc_rows[:200]) + "\n",
                    encoding="utf-8")
    out = tmp_path / "lstm"
    args = ["train", "--data", str(data), "--out", str(out), "--model", "lstm", "--embedding", "random", "--epochs",
            "1", "--hidden", "8", "--embed-dim", "16", "--max-length", "32", "--adversarial", "0", "--json"]
    code, first, _err = cli(*args)
    assert code == 0
    metrics = (out / "metrics.json").read_text(encoding="utf-8")
    code, again, err = cli("train", "--out", str(out), "--resume", "--json")
    assert code == 0 and "finished in the earlier run: kept" in err
    assert json.loads(again)["val"] == json.loads(first)["val"]
    assert (out / "metrics.json").read_text(encoding="utf-8") == metrics


def test_a_missing_vectors_file_is_not_found_like_every_missing_file(tmp_path, cli, nsmc_rows):
    """--embedding nope.bin said "is neither word2vec, … nor a vectors file" with exit 2, never that the file is
    missing, while --data and --vocab said "not found" with exit 1."""
    data = tmp_path / "train.tsv"
    data.write_text("id\tdocument\tlabel\n" + "\n".join("\t".join(r) for r in nsmc_rows[:50]) + "\n",
                    encoding="utf-8")
    code, _out, err = cli("train", "--data", str(data), "--model", "lstm", "--embedding", str(tmp_path / "nope.bin"),
                          "--out", str(tmp_path / "run"))
    assert code == 1 and "vectors file not found" in err
    code, _out, err = cli("train", "--data", str(data), "--model", "lstm", "--embedding", "word2vek",
                          "--out", str(tmp_path / "run"))
    assert code == 2 and "word2vec, random, e5, kiwi" in err
    # a folder is said as neighbors --vectors says it (it was "neither word2vec, … nor a vectors file", exit 2)
    code, _out, err = cli("train", "--data", str(data), "--model", "lstm", "--embedding", str(tmp_path),
                          "--out", str(tmp_path / "run"), "--lang", "en")
    assert code == 1 and "is a folder, not a word-vector file" in err


def test_every_output_file_is_checked_the_same_way(tmp_path, cli):
    """--plot /tmp said "cannot write a plot to tmp"; trace --html out.txt wrote HTML into a .txt; --plot into a
    folder that did not exist made it in silence."""
    code, _out, err = cli("gradflow", "--steps", "5", "--hidden", "2", "--plot", str(tmp_path))
    assert code == 2 and "is a folder, and this command writes a file" in err
    code, _out, err = cli("gradflow", "--steps", "5", "--hidden", "2", "--plot", str(tmp_path / "x.txt"))
    assert code == 2 and "must end in .png, .html" in err
    code, _out, err = cli("trace", "lstm", "안녕", "--html", str(tmp_path / "x.txt"))
    assert code == 2 and "must end in .html" in err and not (tmp_path / "x.txt").exists()
    code, _out, err = cli("gradflow", "--steps", "5", "--hidden", "2", "--plot", str(tmp_path / "new" / "g.png"))
    assert code == 0 and "does not exist; it will be created" in " ".join(err.split())
    assert (tmp_path / "new" / "g.png").is_file()
    # wordvec train said a folder's "extension names no format seqlab writes"
    corpus = tmp_path / "c.txt"
    corpus.write_text("영화 좋다\n영화 별로\n", encoding="utf-8")
    (tmp_path / "adir").mkdir()
    code, _out, err = cli("wordvec", "train", "-f", str(corpus), "-o", str(tmp_path / "adir"), "--split", "whitespace")
    assert code == 2 and "is a folder, and this command writes a file" in err and "extension" not in err, err


def test_trainers_say_which_lines_errors_replace_changed(cli, tmp_path, reviews):
    """wordvec train --errors replace read lines that are not UTF-8 with U+FFFD and said nothing (its example word was
    '�'), where tokenize, search and the corpus job name the lines. (A file in another encoding altogether, more than
    1 % of its lines, is refused: tests/cli/test_other_encodings.py.)"""
    data = tmp_path / "mixed.txt"
    texts = (reviews * 200)[:15_000]
    with data.open("wb") as f:  # 150 CP949 lines among 15,000 in UTF-8: one after every 100, 1 % of the file
        for k, text in enumerate(texts):
            f.write(f"{k} 한글 {text}\n".encode())
            if k % 100 == 99:
                f.write(f"{k} 한글 {text}\n".encode("cp949", errors="ignore"))
    bad = [101 * j for j in range(1, 151)]  # their line numbers
    code, out, err = cli("wordvec", "train", "-f", str(data), "-o", str(tmp_path / "v.txt"), "--errors", "replace",
                         "--split", "whitespace", "--min-count", "1", "--json", "--lang", "en")
    assert code == 0 and "are not valid UTF-8: read with U+FFFD" in " ".join(err.split()), err
    # the JSON lists the first 100 line numbers and counts them all (it listed every line of the file)
    summary = json.loads(out)
    assert summary["replaced_lines"][str(data)] == bad[:100]
    assert summary["replaced_line_counts"][str(data)] == 150
    code, out, err = cli("tokenizer", "train", "-f", str(data), "--out", str(tmp_path / "tok"), "--errors", "replace",
                         "--vocab-size", "300", "--json", "--lang", "en")
    summary = json.loads(out)
    assert code == 0 and "not valid UTF-8" in " ".join(err.split()) and summary["replaced_lines"][str(data)][0] == 101
    assert len(summary["replaced_lines"][str(data)]) == 100 and summary["replaced_line_counts"][str(data)] == 150


def test_tokenize_says_a_text_longer_than_the_models_window(cli):
    """A 985-token text gave "dropped": 0 and no word that e5-small reads only 512 tokens (embed, similarity and
    search say it)."""
    text = " ".join(["좋은 영화 정말 최고다"] * 150)
    code, out, err = cli("tokenize", text, "--json", "--lang", "en")
    assert code == 0 and "1 text is longer than the 512 tokens e5-small reads" in " ".join(err.split()), err
    assert json.loads(out)["tokens"][-1] == "</s>"  # nothing is cut unless asked
    assert "longer than" not in cli("tokenize", "좋은 영화", "--json", "--lang", "en")[2]


def test_vocab_build_says_which_lines_errors_replace_changed(cli, tmp_path):
    """vocab build --errors replace read a bad line as U+FFFD without a note and no replaced_lines in --json, where
    every other reader names the lines."""
    data = tmp_path / "mixed.txt"
    data.write_bytes("좋은 영화\n별로\n최고\n".encode() + b"\xff\xfe bad\n")
    code, out, err = cli("vocab", "build", "-f", str(data), "-t", "char", "--min-freq", "1", "-o",
                         str(tmp_path / "v.json"), "--errors", "replace", "--json", "--lang", "en")
    assert code == 0 and "line of" in err and "not valid UTF-8" in " ".join(err.split()) and "(line 4)" in err, err
    summary = json.loads(out)
    assert summary["replaced_lines"] == {str(data): [4]} and summary["replaced_line_counts"] == {str(data): 1}


@pytest.mark.parametrize("model, task", [("seq2seq", "seq2seq"), ("tfidf,Forecast", "forecast")])
def test_a_task_given_as_a_model_points_to_task_and_no_folder_note_comes_first(cli, tmp_path, model, task):
    """train --model seq2seq listed the classifiers only, after "note: the folder … does not exist; it will be
    created" for a run that never started."""
    data = tmp_path / "pairs.tsv"
    data.write_text("영화가좋다\t영화가 좋다\n", encoding="utf-8")
    code, _out, err = cli("train", "--model", model, "--data", str(data), "--out", str(tmp_path / "new" / "run"))
    said = " ".join(err.split())
    assert code == 2 and f"is a task, not a classifier: give --task {task}" in said, said
    assert "will be created" not in said and not (tmp_path / "new").exists()
