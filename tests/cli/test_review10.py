"""The CLI and the library, tenth round: each speaks its own language about the same argument.

A notebook user calls ``run_trace(input_dim=...)``; a terminal user types ``--input-dim``. The library's messages
named the command-line options (``--input-dim must be …``, "Use --cells rnn,lstm,gru" for ``cells="rnn,lstm"``),
which mean nothing in a notebook. The library now names its arguments, and the CLI shows its own option in their
place. Each test failed before its fix.
"""

import json

import pytest

from seqlab.errors import InputError, ModelUnavailable, NoVectors, UsageError


def test_an_out_of_range_argument_is_named_as_the_caller_named_it(cli):
    from seqlab.pipeline.tracing import run_trace

    with pytest.raises(UsageError) as caught:
        run_trace("lstm", "안녕하세요", model="e5-small", input_dim=100000)
    assert caught.value.message.startswith("input_dim must be between 1 and 384")
    code, _out, err = cli("trace", "lstm", "안녕하세요", "--input-dim", "100000", "--lang", "en")
    assert code == 2 and "--input-dim must be between 1 and 384" in err and "input_dim" not in err, err
    code, _out, err = cli("trace", "lstm", "안녕하세요", "--input-dim", "100000", "--lang", "ko")
    assert code == 2 and "--input-dim 값은 1 이상 384" in err, err  # a particle right after the name: still replaced


def test_a_hint_gives_the_python_spelling_in_the_library_and_the_option_in_the_cli(cli, tmp_path):
    import seqlab

    vocab = tmp_path / "v.json"
    with pytest.raises(UsageError) as caught:
        seqlab.tokenize("안녕", model="e5-small", vocab=str(vocab))
    assert caught.value.message.startswith("vocab applies to") and "--" not in str(caught.value)
    code, _out, err = cli("tokenize", "-m", "e5-small", "--vocab", str(vocab), "안녕", "--lang", "en")
    assert code == 2 and "--vocab applies to" in err and "Leave --vocab out, or use -m with one of" in err, err


def test_cells_given_as_one_string_are_read_as_gradflow_reads_them():
    """``long_term(cells="rnn,lstm")`` answered "unknown cells ['r', 'n', 'n', ',', …]. Use --cells rnn,lstm,gru.":
    the string read letter by letter (gradflow splits it at commas), and a hint that repeats the mistake."""
    from seqlab.lab.longterm import long_term

    with pytest.raises(InputError) as caught:
        long_term(cells="rnn,lsmt")
    assert caught.value.message == "unknown cells lsmt" and 'cells=["rnn", "lstm", "gru"]' in caught.value.hint


def test_a_model_without_word_vectors_is_one_error_in_the_library_and_the_cli(cli):
    """The library raised InputError, which ``except ModelUnavailable`` does not catch, while the CLI had its own
    copy of the check that raised NoVectors (exit 2)."""
    from seqlab.vectors.wordvectors import from_model

    with pytest.raises(ModelUnavailable) as caught:
        from_model("char")
    assert isinstance(caught.value, NoVectors) and 'model="kiwi"' in caught.value.hint
    code, _out, err = cli("neighbors", "영화", "--model", "char", "--lang", "en")
    assert code == 2 and "char has no word vectors" in err and "Use --model kiwi" in err, err


def test_an_unknown_errors_mode_is_one_check_with_the_callers_spelling(tmp_path):
    from seqlab.text.reading import iter_lines
    from seqlab.text.unicode import clean_surrogates

    path = tmp_path / "a.txt"
    path.write_text("안녕\n", encoding="utf-8")
    for call in (lambda: list(iter_lines(path, "ignore")), lambda: clean_surrogates("a\udcff", "ignore")):
        with pytest.raises(InputError) as caught:
            call()
        assert caught.value.hint == 'Use errors="strict" or errors="replace".'


def test_val_fraction_has_one_range_in_the_library_and_in_train():
    """train_val_split accepted 0.9 (a split of 90 %), where seqlab train and TrainOptions allow 0.01 to 0.5."""
    import numpy as np

    from seqlab.training.data import Dataset, train_val_split

    data = Dataset(["좋다", "싫다"] * 10, np.array([1, 0] * 10), ["0", "1"], "mem")
    with pytest.raises(InputError, match="val_fraction must be between 0.01 and 0.5, got 0.9"):
        train_val_split(data, 0.9)


def test_an_option_given_twice_is_refused_or_said_never_silently_dropped(cli, tmp_path):
    """`vocab build -f a -f b` built from b alone and `tokenize --max-length 0 --max-length 3` used 3, both exit 0
    without a word: the parser keeps the last value of an option that takes one."""
    a, b = tmp_path / "a.txt", tmp_path / "b.txt"
    a.write_text("영화\n", encoding="utf-8")
    b.write_text("배우\n", encoding="utf-8")
    code, _out, err = cli("vocab", "build", "-f", str(a), "-f", str(b), "-o", str(tmp_path / "v.json"), "-t", "char",
                          "--lang", "en")
    assert code == 2 and "--file was given 2 times" in err and not (tmp_path / "v.json").exists(), err
    code, _out, err = cli("tokenize", "-f", str(a), "--file", str(b), "--lang", "en")
    assert code == 2 and "--file was given 2 times" in err, err
    code, _out, err = cli("tokenize", f"-f{a}", f"-f{b}", "--lang", "en")  # short options with their values attached
    assert code == 2 and "--file was given 2 times" in err, err
    code, _out, err = cli("vocab", "build", "-f", str(a), "-o", str(tmp_path / "v.json"), "-t", "char",
                          "--min-frequency", "0", "--lang", "en")  # an alias: the command's own name in the message
    assert code == 2 and "--min-freq must be between 1 and 1,000,000,000, got 0" in err, err
    # any other value: the last one wins, as an override ($DEFAULTS --epochs 1) expects, and it is said
    code, out, err = cli("tokenize", "안녕하세요", "--max-length", "0", "--max-length=3", "--lang", "en", "--json")
    assert code == 0 and len(json.loads(out)["tokens"]) == 3, err
    assert "--max-length was given 2 times; the last one is used: 3" in " ".join(err.split()), err
    code, out, _err = cli("--lang", "ko", "tokenize", "안녕", "-m", "char", "--lang", "en")  # the root's and its own
    assert code == 0 and "안" in out
    _code, _out, err = cli("tokenizer", "train", "-f", str(a), "-f", str(b), "-o", str(tmp_path / "tk"),
                           "--vocab-size", "100", "--lang", "en")  # an option that takes several files: both read
    assert "was given" not in err and (tmp_path / "tk").is_dir(), err


def test_choices_are_read_in_any_case_as_the_help_writes_them(cli, tmp_path):
    """The help and README write 3CosAdd, and the lecture LSTM; `--method 3CosAdd`, `--errors REPLACE` and
    `trace LSTM` were refused (only --normalization and --lang read any case)."""
    code, out, err = cli("analogy", "왕 - 남자 + 여자", "--method", "3CosAdd", "--json")  # Kiwi's vectors: built once
    assert code == 0 and json.loads(out)["method"] == "3cosadd", err
    code, out, err = cli("trace", "LSTM", "안녕", "--hidden", "2", "--json")
    assert code == 0 and json.loads(out)["cell"] == "lstm", err
    code, _out, err = cli("tokenize", "안녕", "-m", "char", "--errors", "REPLACE")
    assert code == 0, err
    corpus = tmp_path / "c.txt"
    corpus.write_text("영화\n좋다\n", encoding="utf-8")
    code, _out, err = cli("tokenizer", "train", "-f", str(corpus), "-o", str(tmp_path / "tk"), "--vocab-size", "100",
                          "--errors", "REPLACE")  # the value goes straight to the library here: folded all the same
    assert code == 0, err
    code, _out, err = cli("gradflow", "--cells", "lstm,LSTM", "--steps", "4", "--lang", "en")  # one cell twice
    assert code == 2 and "lists lstm twice" in err, err
    code, _out, err = cli("tokenize", "안녕", "--errors", "ignore", "--lang", "en")
    assert code == 2 and "--errors must be one of strict, replace" in err


def test_one_name_works_for_one_concept_across_commands(cli, tmp_path):
    """`search … -f`, `train -f … -m tfidf`, `compare -m char` and `wordvec train --min-freq` were "no such
    option", and `tokenizer train --min-frequency 1e30` an internal error (OverflowError)."""
    corpus = tmp_path / "c.txt"
    corpus.write_text("영화가 좋다\n배우가 좋다\n", encoding="utf-8")
    code, out, err = cli("compare", "안녕하세요", "-m", "char,kiwi", "--json")
    assert code == 0 and [r["model"] for r in json.loads(out)] == ["char", "kiwi"], err
    code, _out, err = cli("tokenizer", "train", "-f", str(corpus), "-o", str(tmp_path / "tk"), "--vocab-size", "200",
                          "--min-frequency", "1" + "0" * 30, "--lang", "en")
    assert code == 2 and "--min-frequency must be between 1 and 1,000,000,000" in err, err
    for command in (["vocab", "build", "-f", str(corpus), "-o", str(tmp_path / "v.json"), "-t", "char"],
                    ["wordvec", "train", "-f", str(corpus), "-o", str(tmp_path / "wv")]):
        for spelling in ("--min-freq", "--min-frequency", "--min-count"):
            code, _out, err = cli(*command, spelling, "0", "--lang", "en")
            assert code == 2 and "must be between 1 and 1,000,000,000, got 0" in err, (command, spelling, err)
    code, _out, err = cli("search", "영화", "-f", str(tmp_path / "missing.txt"), "--lang", "en")
    assert code == 1 and "missing.txt" in err and "no such option" not in err, err
    code, _out, err = cli("evaluate", str(tmp_path / "run"), "-f", str(corpus), "--lang", "en")
    assert code == 1 and "does not exist" in err and "no such option" not in err, err


def _table(markdown: str) -> list[list[str]]:
    """The body rows of the first Markdown table, each cell's text as it renders."""
    from tests.render.test_markdown import _cells, _parse

    return _cells(_parse(markdown))


def test_the_report_commands_print_markdown_with_the_numbers_of_json(cli, tmp_path, nsmc_rows):
    """Only explain, tokenize, compare, embed and trace had --markdown: neighbors, analogy, similarity, gradflow and
    evaluate printed a terminal table a note could not take."""
    code, out, err = cli("neighbors", "영화", "-k", "3", "--markdown")
    shown = _table(out)
    code_j, out_j, _err = cli("neighbors", "영화", "-k", "3", "--json")
    assert code == code_j == 0 and [r[1] for r in shown] == [n["word"] for n in json.loads(out_j)["results"]], err
    assert [float(r[2]) for r in shown] == [round(n["score"], 4) for n in json.loads(out_j)["results"]]
    code, out, err = cli("analogy", "왕 - 남자 + 여자", "-k", "3", "--markdown")
    assert code == 0 and len(_table(out)) == 3 and "≈ ?" in out, err
    code, out, err = cli("similarity", "영화가 재밌다", "영화가 좋다", "--markdown")
    cosine = json.loads(cli("similarity", "영화가 재밌다", "영화가 좋다", "--json")[1])["cosine"]
    assert code == 0 and "`영화가 재밌다`" in out and f"cosine = {cosine:.4f}" in out, err
    code, out, err = cli("gradflow", "--steps", "12", "--hidden", "4", "--markdown")
    rows = _table(out)
    norms = json.loads(cli("gradflow", "--steps", "12", "--hidden", "4", "--json")[1])["cells"]["rnn"]["grad_norms"]
    assert code == 0 and len(rows) == 12 and [float(r[1]) for r in rows] == [float(f"{x:.2e}") for x in norms], err
    data = tmp_path / "d.tsv"
    data.write_text("id\tdocument\tlabel\n" + "\n".join("\t".join(r) for r in nsmc_rows[:300]) + "\n", encoding="utf-8")
    assert cli("train", "--data", str(data), "-m", "tfidf", "--out", str(tmp_path / "run"))[0] == 0
    code, out, err = cli("evaluate", str(tmp_path / "run"), "-f", str(data), "--markdown", "--lang", "en")
    confusion = json.loads(cli("evaluate", str(tmp_path / "run"), "-f", str(data), "--json")[1])["confusion"]
    assert code == 0 and [[int(v.replace(",", "")) for v in r[1:]] for r in _table(out)] == confusion, err
    assert "is the file this model was trained on" in out
    code, _out, err = cli("neighbors", "영화", "--markdown", "--json", "--lang", "en")
    assert code == 2 and "choose one output format" in err


def test_a_resume_and_a_list_read_choices_in_any_case(cli, tmp_path, nsmc_rows):
    """`train --model TFIDF` recorded tfidf, and its own --resume was refused ("made with tfidf, asks for TFIDF");
    `--model tfidf,TFIDF` trained one model twice into one folder."""
    data = tmp_path / "d.tsv"
    data.write_text("id\tdocument\tlabel\n" + "\n".join("\t".join(r) for r in nsmc_rows[:200]) + "\n", encoding="utf-8")
    code, _out, err = cli("train", "--data", str(data), "--model", "tfidf,TFIDF", "--out", str(tmp_path / "x"),
                          "--lang", "en")
    assert code == 2 and "lists tfidf twice" in err and not (tmp_path / "x").exists(), err
    assert cli("train", "--data", str(data), "--model", "TFIDF", "--out", str(tmp_path / "run"))[0] == 0
    code, _out, err = cli("train", "--data", str(data), "--model", "TFIDF", "--out", str(tmp_path / "run"),
                          "--resume", "--lang", "en")
    assert code == 0 and "asks for" not in err, err


def test_the_json_help_says_what_comes_out(cli_process):
    """trace takes one text (standard input read whole), yet its --json help promised "one object per text, one per
    line"; explain reads one text per line of standard input, and its help says so."""
    said = " ".join(cli_process("trace", "--help", "--lang", "en").stdout.decode().split())
    assert "one JSON object, on one line" in said and "one object per text" not in said
    done = cli_process("trace", "lstm", "-", "--hidden", "2", "--json", input="안녕\n하세요\n".encode())
    assert done.returncode == 0 and done.stdout.decode().count("\n") == 1
    said = " ".join(cli_process("explain", "--help", "--lang", "en").stdout.decode().split())
    assert "one object per text, one per line" in said
    done = cli_process("explain", "-", "-m", "char", "--json", input="안녕\n하세요\n".encode())
    lines = done.stdout.decode().splitlines()
    assert done.returncode == 0 and [json.loads(line)["tokens"]["tokens"] for line in lines] == [["안", "녕"],
                                                                                              ["하", "세", "요"]]


def test_errors_name_the_likely_cause(cli, cli_process, tmp_path):
    """`-m e5-smal` talked only of huggingface.co; `--series nope.csv` said "unknown series"; an unwritable
    SEQLAB_HOME was reported as a path under it, with no word of SEQLAB_HOME."""
    code, _out, err = cli("tokenize", "안녕", "-m", "e5-smal", "--lang", "en")
    assert code == 1 and "Did you mean e5-small?" in err, err
    code, _out, err = cli("tokenize", "안녕", "-m", "t5-small", "--lang", "en")  # a hub model of its own: no guess
    assert code == 1 and "Did you mean" not in err, err
    code, out, err = cli("tokenize", "안녕", "-m", "KIWI", "--json")  # seqlab's own names in any case
    assert code == 0 and json.loads(out)["model"] == "kiwi", err

    code, _out, err = cli("train", "--task", "forecast", "--series", str(tmp_path / "nope.csv"),
                          "--out", str(tmp_path / "fc"), "--lang", "en")
    assert code == 1 and "nope.csv does not exist" in err and "unknown series" not in err, err
    home = tmp_path / "home-file"
    home.write_text("not a folder", encoding="utf-8")  # a home that cannot be created or written, even as root
    done = cli_process("models", "install", "char", "--lang", "en", env={"SEQLAB_HOME": str(home)})
    err = done.stderr.decode()
    assert done.returncode == 1 and "SEQLAB_HOME" in err and "Traceback" not in err, err


def test_tokenizer_train_reads_a_tables_text_column(cli, tmp_path):
    """`tokenizer train` had no --text-col, unlike vocab build and wordvec train: a TSV other than NSMC's could not
    be used (it is refused as a table, whose error pointed at --text-col "where the command has it")."""
    table = tmp_path / "t.tsv"
    table.write_text("title\tbody\n하나\t영화가 정말 재밌어요\n둘\t배우들 연기가 좋았어요\n", encoding="utf-8")
    code, out, err = cli("tokenizer", "train", "-f", str(table), "--text-col", "body", "-o", str(tmp_path / "tk"),
                         "--vocab-size", "100", "--json")
    assert code == 0 and json.loads(out)["lines"] == 2, err
    vocab = (tmp_path / "tk" / "tokenizer.json").read_text(encoding="utf-8")
    assert "영" in vocab and "title" not in vocab and "하나" not in vocab  # the body column only


def test_the_cli_names_its_option_where_the_library_names_its_argument():
    """Mid-sentence too ("not embed_dim = 16" was left as it was), but never inside quotes, where the same letters
    are the user's own value ("unknown errors mode 'errors'" became '--errors')."""
    from seqlab.cli.main import _in_command_words

    said = _in_command_words(InputError("the e5 vectors are 384-dimensional, not embed_dim = 16", option="embed_dim"),
                             ["train", "--embedding", "e5", "--embed-dim", "16"])
    assert said.message == "the e5 vectors are 384-dimensional, not --embed-dim = 16"
    said = _in_command_words(InputError("unknown errors mode 'errors'", option="errors"),
                             ["tokenize", "안녕", "--errors", "errors"])
    assert said.message == "unknown --errors mode 'errors'"  # the word is the option; the quoted value stays
    said = _in_command_words(InputError("input_dim 값은 1 이상 384 이하여야 합니다", option="input_dim"),
                             ["trace", "lstm", "안녕", "--input-dim", "999"])
    assert said.message.startswith("--input-dim 값은")


def test_a_run_folder_hint_speaks_to_a_notebook_too(tmp_path):
    """The run folder hints named only the CLI ("Give the --out folder of seqlab train"), though predict_texts and
    evaluate are called from notebooks with folders that train_models wrote."""
    from seqlab.training.predictors import predict_texts

    with pytest.raises(InputError) as caught:
        predict_texts(tmp_path / "nothing", "최고의 영화")
    assert "train_models" in caught.value.hint and "--out" not in caught.value.hint  # the caller's words
    assert "seqlab train --out" in caught.value.cli_hint  # and the command line's, for the CLI


def test_wordvec_eval_reads_a_damaged_questions_file_with_errors_replace(cli, tmp_path):
    """wordvec eval stopped at a line that is not UTF-8 (exit 1) and, alone of the commands that read text, had no
    --errors replace: the rest of the file could not be used."""
    questions = tmp_path / "q.txt"
    questions.write_bytes(": gender\n왕 여왕 남자 여자\n".encode() + b"\xff\xfe x y z\n")
    code, _out, err = cli("wordvec", "eval", str(questions), "--lang", "en")
    assert code == 1 and "line 3 is not valid UTF-8" in err and "--errors replace" in err, err
    code, out, err = cli("wordvec", "eval", str(questions), "--errors", "replace", "--json")
    result = json.loads(out)
    assert code == 0 and result["total"] == 1 and result["skipped"] == 1, err  # the damaged question: unknown words
