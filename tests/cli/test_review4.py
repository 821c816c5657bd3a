"""What a new user hit, fourth round: paths checked by seqlab (not click), exit codes as the README's table says,
progress on every long file job, nothing cut or skipped unsaid, and a model that cannot load refused before torch
loads. One test per defect; each failed before its fix."""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

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
    bad = tmp_path / "bad.txt"  # a line not valid UTF-8, read with --errors replace, was not counted ("1 have")
    bad.write_bytes("하나\n".encode() + b"broken \xff\n")
    for source, said in ((empty, "is empty"), (one, "one word (no space to restore): 2"),
                         (bad, "not valid UTF-8: 1; empty: 0; one word (no space to restore): 1")):
        code, _out, err = cli("data", "spacing-pairs", str(source), "--out", str(tmp_path / "p.tsv"), "--errors",
                              "replace")
        assert code == 1 and said in " ".join(err.split()) and not (tmp_path / "p.tsv").exists(), err


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


def test_compare_tables_show_a_median_between_two_lengths_as_the_json_has_it(cli):
    """The text and Markdown tables rounded half to even: a median of 28.5 showed as 28 (44.5 as 44)."""
    code, out, _err = cli("compare", "가", "가나", "--models", "char", "--markdown")
    assert code == 0 and "| 1.5 | 1.95 | 2 |" in out


def test_a_plot_of_one_word_twice_is_refused(cli, tmp_path):
    """Each item is drawn once and a repeat is said; one word twice is then one point, too few to project."""
    code, _out, err = cli("plot", "왕", "왕", "--out", str(tmp_path / "p.png"), "--lang", "en")
    said = " ".join(err.split())
    assert code == 1 and "'왕' is given 2 times (items 1, 2): drawn once" in said and "at least 3 different items; of the 2 given, only 1 is distinct" in said
    assert not (tmp_path / "p.png").exists()


def test_a_file_with_a_repeated_item_is_plotted_with_each_once(cli, tmp_path):
    """NSMC has many a "굳": a file with one review twice was refused whole, in words that read as another word
    ("그림에 굳이 두 번 있습니다": 굳이, "needlessly")."""
    vectors = tmp_path / "v.txt"  # small vectors of its own: Kiwi's would be built first (half a minute)
    vectors.write_text("3 2\n영화 1 0\n배우 0 1\n감독 1 1\n", encoding="utf-8")
    texts = tmp_path / "t.txt"
    texts.write_text("영화\n배우\n\n감독\n영화\n", encoding="utf-8")
    code, out, err = cli("plot", "-f", str(texts), "--vectors", str(vectors), "--out", str(tmp_path / "p.png"),
                         "--json", "--lang", "ko")
    said = json.loads(out)
    assert code == 0 and [p["label"] for p in said["points"]] == ["영화", "배우", "감독"]
    assert said["repeated"] == [{"item": "영화", "at": [1, 5], "lines": True}]  # line 3, blank, counted
    assert "'영화'가 2번 주어졌습니다(1, 5번째 줄). 한 번만 그립니다" in " ".join(err.split())
    nsmc = tmp_path / "nsmc.tsv"  # read by its document column: the lines are the file's, its header counted
    nsmc.write_text("id\tdocument\tlabel\n1\t영화\t1\n2\t배우\t0\n3\t영화\t1\n4\t감독\t0\n", encoding="utf-8")
    code, out, _err = cli("plot", "-f", str(nsmc), "--vectors", str(vectors), "--out", str(tmp_path / "p.png"),
                          "--json")
    assert code == 0 and json.loads(out)["repeated"] == [{"item": "영화", "at": [2, 4], "lines": True}]


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
    # fifth round: a blank line keeps its place in the output (line k answers line k), marked as skipped
    gappy = tmp_path / "gappy.txt"
    gappy.write_text(f"{long[0]}\n\n{long[1]}\n", encoding="utf-8")
    code, out, err = cli("predict", str(run), "-f", str(gappy), "--json")
    records = [json.loads(line) for line in out.splitlines()]
    assert code == 0 and len(records) == 3 and records[1] == {"text": "", "skipped": "empty line"}
    assert records[0]["text"] == long[0] and records[2]["text"] == long[1] and "label" in records[2]
    assert "line 2" in err
    code, out, _err = cli("predict", str(run), "-f", str(gappy))
    assert code == 0 and len(out.splitlines()) == 3 and "empty line" in out.splitlines()[1]
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


def test_drawing_a_plot_of_a_file_is_said(tmp_path, cli):
    """After the embedding bar, plot --sentences -f was silent for about 6 s while it drew."""
    texts = tmp_path / "t.txt"
    texts.write_text("영화가 좋다\n배우가 멋지다\n음악이 별로다\n", encoding="utf-8")
    code, _out, err = cli("plot", "--sentences", "-f", str(texts), "--out", str(tmp_path / "p.png"))
    assert code == 0 and "drawing 3 points into p.png" in err and (tmp_path / "p.png").exists()


def test_texts_with_brackets_print_as_written(cli, tfidf_run):
    """`predict RUN "[/]"` was reported as a bug in seqlab (rich read the text as markup), and "[b]좋다[/b]"
    lost its brackets: what the user typed is printed as typed."""
    code, out, err = cli("predict", str(tfidf_run), "[/]", "[b]좋다[/b]")
    assert code == 0 and "bug" not in err
    assert "[/]" in out and "[b]좋다[/b]" in out


def test_words_given_apart_get_the_expression_to_type(cli):
    """`seqlab analogy 왕 남자 여자` (gensim's order) said only "unexpected extra arguments: 남자 여자"."""
    code, _out, err = cli("analogy", "왕", "남자", "여자")
    assert code == 2 and 'seqlab analogy "왕 - 남자 + 여자"' in err and "one argument in quotes" in err


def test_an_unquoted_expression_is_read_as_typed(cli):
    """`seqlab analogy 왕 - 남자 + 여자` (unquoted, as the lecture writes it: the shell splits it in five) was refused
    with exit 2 (a Korean lecturer's review): it is the same expression, joined back."""
    quoted = cli("analogy", "아버지 - 남자 + 여자", "-k", "3", "--json")
    split = cli("analogy", "아버지", "-", "남자", "+", "여자", "-k", "3", "--json")
    typeset = cli("analogy", "아버지", "−", "남자", "＋", "여자", "-k", "3", "--json")
    assert quoted[0] == split[0] == typeset[0] == 0
    assert json.loads(split[1])["results"] == json.loads(quoted[1])["results"] == json.loads(typeset[1])["results"]
