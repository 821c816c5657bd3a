"""What a new user hit, third round: options a mode would ignore, empty values, settings a checkpoint overrides,
and output cut at narrow widths or past --max-rows. One test per defect; each failed before its fix."""

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest


@pytest.fixture(scope="module")
def tfidf_run(tmp_path_factory, nsmc_rows):
    """A tfidf run on 200 reviews, trained once for the tests that predict with one."""
    from seqlab.cli import main

    folder = tmp_path_factory.mktemp("tfidf")
    data = folder / "train.tsv"
    data.write_text("id\tdocument\tlabel\n" + "\n".join("\t".join(r) for r in nsmc_rows[:200]) + "\n",
                    encoding="utf-8")
    assert main(["train", "--data", str(data), "--out", str(folder / "run"), "--model", "tfidf"]) == 0
    return folder / "run"


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
])
def test_options_a_mode_would_ignore_are_refused(cli, args, said):
    code, out, err = cli(*args)
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
    assert code == 0 and "minilm removed 1 characters before tokenizing" in " ".join(out.split()) and "\\u202e" in out
    record = json.loads(cli("tokenize", "-m", "minilm", "abc\u202edef", "--json")[1])
    assert record["uncovered"] == [{"index": 3, "char": "\u202e"}]
    assert json.loads(cli("tokenize", "abc def", "--json")[1])["uncovered"] == []


def test_a_comparison_folder_names_its_runs(tmp_path, cli):
    """predict/evaluate/serve on a comparison's --out said "Give the --out folder of seqlab train", which it was;
    a file given as the run said "[Errno 20] Not a directory"."""
    for name in ("tfidf", "lstm"):
        (tmp_path / "cmp" / name).mkdir(parents=True)
        (tmp_path / "cmp" / name / "config.json").write_text("{}", encoding="utf-8")
    for args in (("predict", str(tmp_path / "cmp"), "좋다"), ("serve", "--checkpoint", str(tmp_path / "cmp"))):
        code, _out, err = cli(*args)
        said = " ".join(err.split())
        assert code == 1 and "holds a comparison of 2 runs, one per model: lstm, tfidf" in said, args
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
    assert code == 0 and fit < int(preview) and f"{preview} asked; {fit} fit in {columns} columns" in said
    rows = [line for line in out.splitlines() if line.startswith("│")]
    assert rows and all(line.rstrip().endswith("… │") for line in rows)
    assert all(len(re.findall(r"[+-]\d\.\d{3}", line)) == fit for line in rows)
    assert max(cell_len(line) for line in out.splitlines()) <= int(columns)
    assert re.search(r"^│\s+0 │", out, re.MULTILINE)  # the # column is there


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
                        (["--embedding", "e5", "--embed-dim", "100"], "384-dimensional vectors, but --embed-dim is 100"),
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
        assert "--text-col" in said and "cut -f2" in said, args
    assert not (tmp_path / "v.json").exists() and not (tmp_path / "p.tsv").exists()
    code, _out, _err = cli("data", "spacing-pairs", str(table), "--out", str(tmp_path / "p.tsv"), "--text-col", "text")
    assert code == 0 and "영화가좋다\t영화가 좋다" in (tmp_path / "p.tsv").read_text(encoding="utf-8")
    text = tmp_path / "one.txt"  # a tab inside some texts is not a table
    text.write_text("좋다\t정말\n싫다\n", encoding="utf-8")
    assert cli("tokenize", "-f", str(text), "-m", "char", "--json")[0] == 0


def test_search_does_not_offer_stdin_it_cannot_read(cli):
    """`search --corpus nosuch.txt` said "use - to read from stdin", and `--corpus -` then failed with "cannot use -"."""
    code, _out, err = cli("search", "영화", "--corpus", "nosuch-corpus.txt")
    assert code == 1 and "file not found" in err and "stdin" not in err
    code, _out, err = cli("search", "영화", "--corpus", "-")
    assert code == 1 and "cannot be standard input" in err


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
    assert code == 1 and "hidden = 8" in said and "16" in said and "classifier.weight" not in said


def test_long_file_work_shows_progress(tmp_path, cli, nsmc_rows):
    """compare -f and vocab build printed nothing until done (minutes on NSMC): progress is shown."""
    data = tmp_path / "texts.txt"
    data.write_text("\n".join(r[1] for r in nsmc_rows[:500]) + "\n", encoding="utf-8")
    code, _out, err = cli("compare", "-f", str(data), "--models", "char,whitespace")
    assert code == 0 and "tokenizing 500 texts with 2 tokenizers" in err and "1,000/1,000 (100%)" in err
    code, _out, err = cli("vocab", "build", "-f", str(data), "--out", str(tmp_path / "v.json"), "-t", "char")
    assert code == 0 and "counting char tokens" in err and "500/500 (100%)" in err


def test_every_path_is_checked_by_seqlab_not_by_click():
    """click's own check of a path ("path 'x' is not readable", exit 2, English) never runs: every reader says what is
    wrong with a file the same way (exit 1, with what to do), in the interface's language."""
    from seqlab.cli.app import build_command

    def params(cmd, name=""):
        for p in cmd.params:
            yield f"{name} {p.name}", p
        for sub_name, sub in getattr(cmd, "commands", {}).items():
            yield from params(sub, f"{name} {sub_name}")

    checked = [(where, p.type_descriptor.parameter_info.readable) for where, p in params(build_command())
               if p.type_descriptor.is_path]
    assert len(checked) >= 25
    assert [where for where, readable in checked if readable] == []


@pytest.mark.skipif(os.geteuid() == 0 and not shutil.which("setpriv"), reason="root reads every file")
def test_unreadable_files_folders_and_wrong_formats_are_worded_for_a_person(tmp_path, cli_process):
    secret = tmp_path / "secret.txt"
    secret.write_text("영화\n", encoding="utf-8")
    secret.chmod(0)
    folder = tmp_path / "adir"
    folder.mkdir()
    text = tmp_path / "good.txt"
    text.write_text("영화가 좋다\n재미없다\n", encoding="utf-8")
    drop = ["setpriv", "--bounding-set", "-dac_override,-dac_read_search"] if os.geteuid() == 0 else []

    def run(*args):
        exe = Path(sys.executable).parent / "seqlab"
        r = subprocess.run([*drop, str(exe), *args], capture_output=True, text=True, timeout=120, check=False)
        return r.returncode, r.stderr

    code, err = run("tokenize", "-f", str(secret), "-m", "char")
    assert code == 1 and "permission denied" in err and "Check its permissions" in err
    code, err = run("tokenize", "-f", str(secret), "-m", "char", "--lang", "ko")
    assert code == 1 and "Errno" not in err and "permission" not in err
    code, err = run("tokenize", "영화", "-m", "char", "--vocab", str(folder))
    assert code == 1 and "is a folder, not a vocabulary file" in err and "Errno" not in err
    code, err = run("tokenize", "영화", "-m", "char", "--vocab", str(text))
    assert code == 1 and "is not a seqlab vocabulary: it is not JSON" in err and "Expecting value" not in err
    code, err = run("analogy", "왕 - 남자 + 여자", "--vectors", str(text))
    assert code == 1 and "is not in word2vec format" in err and "'영화가 좋다'" in err and "ValueError" not in err
    code, err = run("analogy", "왕 - 남자 + 여자", "--vectors", str(folder))
    assert code == 1 and "is a folder, not a word-vector file" in err


@pytest.mark.parametrize("expression", ["왕 - 남자 +", "왕 여자", "왕 + + 여자"])
def test_a_malformed_analogy_is_a_usage_error(cli, expression):
    code, _out, err = cli("analogy", expression)
    assert code == 2 and "e.g. \"왕 - 남자 + 여자\"" in err


def test_the_typeset_minus_is_a_minus(cli):
    """U+2212 as in the lecture's slides and the README's prose; full-width signs from a Korean IME. `왕 − 남자 + 여자`
    said "two words follow each other"."""
    from seqlab.vectors.word_input import parse_expression

    assert parse_expression("크다 − 작다 ＋ 짧다") == parse_expression("크다 - 작다 + 짧다") == (["크다", "짧다"], ["작다"])
    assert parse_expression("왕 – 남자 ＋ 여자") == (["왕", "여자"], ["남자"])  # an en dash too
    code, _out, err = cli("analogy", "왕 − 남자 ＋")  # read as operators, so it ends with one (before any build)
    assert code == 2 and "it ends with '+'" in err and "two words follow" not in err


def test_predict_tokenize_and_wordvec_train_show_progress(tmp_path, cli, nsmc_rows, monkeypatch, tfidf_run):
    """predict -f, tokenize -f --json and wordvec train printed nothing for minutes on an NSMC-sized file."""
    monkeypatch.setattr("seqlab.training.predictors.PREDICT_CHUNK", 40)
    run = tfidf_run
    texts = tmp_path / "texts.txt"
    texts.write_text("\n".join(r[1] for r in nsmc_rows[:1200]) + "\n", encoding="utf-8")
    code, out, err = cli("predict", str(run), "-f", str(texts), "--json")
    assert code == 0 and len(out.splitlines()) == 1200
    assert "predicting 1,200 texts · 40/1,200" in err and "1,200/1,200 (100%)" in err
    code, out, err = cli("tokenize", "-f", str(texts), "-m", "char", "--json")
    assert code == 0 and "tokenizing 1,200 texts · 1,000/1,200" in err and "1,200/1,200 (100%)" in err
    code, _out, err = cli("wordvec", "train", "-f", str(texts), "-o", str(tmp_path / "w.model"), "--split",
                          "whitespace", "--epochs", "2", "--dim", "8")
    assert code == 0 and "training Word2Vec · 2/2 (100%)" in err


def test_an_output_name_that_says_no_format_is_refused(tmp_path, cli):
    """wordvec train -o w.xyz silently wrote gensim's pickle."""
    code, _out, err = cli("wordvec", "train", "-f", "README.md", "-o", str(tmp_path / "w.xyz"))
    assert code == 2 and "names no format" in err and ".model" in err and not (tmp_path / "w.xyz").exists()


def test_spacing_pairs_refuse_input_without_pairs(tmp_path, cli):
    """An empty file (or texts of one word each) gave "wrote 0 pairs" and exit 0; training failed later."""
    empty = tmp_path / "empty.txt"
    empty.write_text("", encoding="utf-8")
    one = tmp_path / "one.txt"
    one.write_text("하나\n둘\n", encoding="utf-8")
    for source, said in ((empty, "is empty"), (one, "2 have one word")):
        code, _out, err = cli("data", "spacing-pairs", str(source), "--out", str(tmp_path / "p.tsv"))
        assert code == 1 and said in " ".join(err.split()) and not (tmp_path / "p.tsv").exists()


def test_search_says_when_fewer_hits_than_asked_come(tmp_path, cli):
    corpus = tmp_path / "c.txt"
    corpus.write_text("영화가 좋다\n\n재미없다\n", encoding="utf-8")
    code, out, err = cli("search", "영화", "--corpus", str(corpus), "-k", "5", "--json")
    said = " ".join(err.split())
    result = json.loads(out)
    assert code == 0 and len(result["hits"]) == 2 and result["k"] == 5 and result["empty_lines"] == 1
    assert "has 2 text lines, fewer than -k 5" in said and "1 blank line of" in said


def test_help_says_how_list_options_repeat_and_what_json_prints(cli):
    """`-f, --file PATH...` promised `-f a b`, which failed; every --json said "one object per text, or one
    document"."""
    code, out, _err = cli("wordvec", "train", "--help")
    flat = " ".join(out.split())
    assert code == 0 and "PATH..." not in out and "Repeat the option for more: -f A -f B." in flat
    assert "one JSON document" in " ".join(cli("compare", "--help")[1].split())
    assert "one object per model" in " ".join(cli("train", "--help")[1].split())
    assert "one object per text" in " ".join(cli("tokenize", "--help")[1].split())


def test_usage_lines_speak_korean(cli):
    code, out, _err = cli("tokenize", "--help", "--lang", "ko")
    usage = out.splitlines()[0]
    assert code == 0 and "[OPTIONS]" not in usage and "seqlab tokenize" in usage
    assert "COMMAND" not in cli("data", "--help", "--lang", "ko")[1].splitlines()[0]


@pytest.mark.parametrize(("args", "hint"), [
    (("compare", "영화", "--models", "char,,whitespace"), "e.g. char,whitespace."),
    (("embed", "영화", "--pool", "MEAN"), "Write it as mean"),
])
def test_usage_hints_fit_what_was_typed(cli, args, hint):
    code, _out, err = cli(*args)
    assert code == 2 and hint in " ".join(err.split())


@pytest.mark.parametrize("args", [("embed", "영화", "-m", "kiwi"), ("similarity", "영화", "좋다", "-m", "char"),
                                  ("neighbors", "영화", "--model", "char")])
def test_a_model_without_vectors_is_the_same_usage_error_everywhere(cli, args):
    """exit 1 in embed/similarity/trace, exit 2 in neighbors/analogy."""
    code, _out, err = cli(*args)
    assert code == 2 and "vectors" in err


def test_markdown_table_cells_keep_numbers_as_written(cli):
    code, out, _err = cli("compare", "영화", "--models", "char", "--markdown")
    assert code == 0 and "| 2.00 |" in out and "\\." not in out


def test_a_plot_of_one_word_twice_is_refused(cli, tmp_path):
    code, _out, err = cli("plot", "왕", "왕", "--out", str(tmp_path / "p.png"))
    assert code == 2 and "twice" in err and not (tmp_path / "p.png").exists()


def test_similarity_does_not_compare_the_stdin_dash_as_a_sentence(cli):
    """`similarity - 좋다` embedded the literal "-" (cosine 0.83) where other commands read standard input."""
    code, out, err = cli("similarity", "-", "좋다")
    assert code == 2 and not out and "standard input" in err


def test_predictions_are_one_line_per_text_in_a_pipe(tmp_path, cli, cli_process, nsmc_rows, tfidf_run):
    """Piped to wc -l, 300 texts gave 429 lines: long reviews were wrapped at 80 columns."""
    run = tfidf_run
    texts = tmp_path / "texts.txt"
    long = [r[1] for r in nsmc_rows if len(r[1]) > 90][:20]
    texts.write_text("\n".join(long) + "\n", encoding="utf-8")
    done = cli_process("predict", str(run), "-f", str(texts))
    assert done.returncode == 0 and len(done.stdout.decode().splitlines()) == len(long) == 20
    header_only = tmp_path / "header.tsv"
    header_only.write_text("id\tdocument\tlabel\n", encoding="utf-8")
    code, _out, err = cli("data", "spacing-pairs", str(header_only), "--out", str(tmp_path / "p.tsv"))
    assert code == 1 and "header.tsv holds no texts" in " ".join(err.split()) and "standard input" not in err


@pytest.mark.parametrize("args", [("tokenize", "x", "-m", "klue/bert-base"), ("embed", "x", "-m", "klue/bert-base"),
                                  ("embed", "x", "-m", "kiwi"), ("similarity", "a", "b", "-m", "char")])
def test_a_model_that_cannot_load_is_refused_before_torch_loads(args):
    """Offline, `tokenize x -m klue/bert-base` took 8.7 s to say the model is not cached: transformers and torch were
    imported first. A tokenizer-only model in embed took 4.4 s the same way."""
    probe = ("import sys; from seqlab.cli import main; code = main(sys.argv[1:]); "
             "print(code, 'torch' in sys.modules, 'transformers' in sys.modules)")
    done = subprocess.run([sys.executable, "-c", probe, *args], capture_output=True, text=True, timeout=120,
                          check=False, env={**os.environ, "HF_HUB_OFFLINE": "1"})
    code, torch_loaded, transformers_loaded = done.stdout.split()
    assert code in ("1", "2") and (torch_loaded, transformers_loaded) == ("False", "False"), done.stderr
    assert "not available" in done.stderr or "no sentence or token vectors" in done.stderr
