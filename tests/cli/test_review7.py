"""The CLI, seventh round: what the sixth round's review left, and what a new user found after it.

Each test names the defects it guards against; each failed before its fix.
"""

import json

import pytest


@pytest.mark.parametrize("args, command", [
    (("tokenize", "가", "--max-length", "0"), "seqlab tokenize"),            # a seqlab range check
    (("analogy", "왕 -"), "seqlab analogy"),                                  # a seqlab syntax check
    (("wordvec", "eval", "--method", "foo"), "seqlab wordvec eval"),         # a subcommand of a group
])
def test_every_usage_error_is_framed_as_the_parser_frames_its_own(cli, args, command):
    """click's own parse errors printed "Usage: …" and "Try '… --help' for help." around the error; the same
    kind of error from seqlab's own checks (exit 2) printed the error alone."""
    for lang, usage, try_help in (("en", "Usage: ", f"Try '{command} --help' for help."),
                                  ("ko", "사용법: ", f"'{command} --help' 명령으로 도움말을 보세요.")):
        code, _out, err = cli("--lang", lang, *args)
        assert code == 2, err
        lines = err.strip().splitlines()
        assert lines[0].startswith(usage + command), err
        assert lines[-1] == try_help, err
    code, out, err = cli(*args, "--json")
    assert code == 2 and json.loads(out)["hint"].endswith(f"Try '{command} --help' for help.")


def test_an_input_error_is_not_framed_as_usage(cli):
    """Exit 1 (the text, not the command line) keeps its message and hint alone."""
    code, _out, err = cli("tokenize", "")
    assert code == 1 and "Usage" not in err and "--help" not in err


def test_gradflow_says_an_underflow_rather_than_printing_a_measured_zero(cli):
    """At 2,000 steps the verdicts printed "‖∂L/∂h_0‖/‖∂L/∂h_T‖ = 0.0e+00" and "‖∂L/∂c_0‖ = 0.00e+00", and the
    table a column of 0.00e+00: read as measured zeros, where float64 had run out of numbers."""
    code, out, err = cli("gradflow", "--steps", "2000")
    text = " ".join(out.split())
    assert code == 0, err
    assert "0.0e+00" not in text and "0.00e+00" not in text
    assert "‖∂L/∂c_0‖ = 0 (underflow)" in text and "f̄^1999 = 0 (underflow)" in text
    assert "0: the norm underflowed" in text
    # the rows were spaced from step 0 (…, 500, 1000, 1998, 1999): the whole decay lay between 1000 and 1998
    rows = [line.split("│")[1:-1] for line in out.splitlines() if line.startswith("│")]
    decay = [int(r[0]) for r in rows if 1000 < int(r[0]) < 1998]
    assert len(decay) >= 8 and all(r[1].strip() != "0" for r in rows if int(r[0]) >= 1899)


def test_gradflow_shows_every_step_of_a_short_sequence(cli):
    code, out, _err = cli("gradflow", "--steps", "12")
    rows = [int(line.split("│")[1]) for line in out.splitlines() if line.startswith("│")]
    assert code == 0 and rows == list(range(12))


def test_long_term_progress_times_the_training_as_its_table_does(cli):
    """The bar started at the first evaluation (step 100 of 200): it read "100/200 (50%) · 0.0 s", its rate
    counted half the steps, and its time missed the first half, while the table's seconds timed them all."""
    code, out, err = cli("long-term", "--task", "adding", "--lengths", "20", "--cells", "rnn", "--steps", "200",
                         "--json")
    assert code == 0, err
    lines = [line for line in err.splitlines() if line.startswith("rnn T=20: training · ") and "/200" in line]
    assert lines[0].startswith("rnn T=20: training · 0/200 (0%)"), lines
    assert json.loads(out)["runs"][0]["seconds"] > 0


def test_vectors_are_read_only_from_files_named_as_vectors(cli, tmp_path):
    """--vectors unpickled any file whose name was not .txt/.vec/.bin ("UnpicklingError: could not find MARK" for a
    .tsv): a pickle runs code when loaded, and the README promises pickles only from gensim files."""
    import pickle

    marker = tmp_path / "ran"

    class Payload:
        def __reduce__(self):
            return (open, (str(marker), "w"))

    sneaky = tmp_path / "data.tsv"
    sneaky.write_bytes(pickle.dumps(Payload()))
    code, _out, err = cli("neighbors", "영화", "--vectors", str(sneaky))
    said = " ".join(err.split())
    assert code == 1 and "not from a .tsv file" in said and "Unpickling" not in said
    assert not marker.exists()


def test_a_character_read_as_a_space_is_said(cli):
    """Of three U+200B, e5 removed two and read the third as the space of ▁화, whose span then began at it: the
    note counted two, and nothing said where the third went."""
    code, out, _err = cli("tokenize", "영\u200b\u200b\u200b화", "--json")
    record = json.loads(out)
    assert code == 0 and [u["index"] for u in record["uncovered"]] == [1, 2]
    assert record["spaced"] == [{"index": 3, "char": "\u200b", "token": 2}]
    code, out, _err = cli("tokenize", "영\u200b\u200b\u200b화")
    assert "read \\u200b (character 3) as a space: the ▁ of token 2 (▁화)" in " ".join(out.split())
    assert json.loads(cli("tokenize", "영  화 ｆｕｌｌ①", "--json")[1])["spaced"] == []  # real spaces, NFKC: nothing
    # NFD Hangul and a combining accent shorten the text too: they are not characters read as a space
    assert json.loads(cli("tokenize", "\u1112\u1161\u11ab cafe\u0301", "--json")[1])["spaced"] == []
    many = "\u200b".join("가나다라마바사아자차카타파하")  # 13 read as a space: ten named, the rest counted
    code, out, _err = cli("tokenize", many)
    said = " ".join(out.split())
    assert said.count("as a space: the ▁ of token") == 10 and "… and 3 more read as a space" in said


def test_an_output_that_cannot_be_created_is_refused_before_the_work(cli, tmp_path):
    """os.access says yes to root on /proc: gradflow --steps 2000 --plot /proc/g.png failed after 82 s, saying
    "it does not exist"."""
    for args in (("gradflow", "--plot", "/proc/seqlab-g.png"), ("order-demo", "--plot", "/proc/seqlab-o.png"),
                 ("plot", "영화", "배우", "감독", "-o", "/proc/seqlab-x.png")):
        code, _out, err = cli(*args)
        assert code == 1 and "/proc is not a writable folder" in " ".join(err.split()), args
        assert "underflow" not in err and "wrote" not in err  # refused before any work


def test_data_files_say_what_is_wrong_with_their_rows(cli, tmp_path, nsmc_rows):
    """"(1 bad row: label is not 0 or 1 1)" with no hint; a header alone "(0 bad rows: )"; train and evaluate named
    the same fault two ways; evaluate printed its skipped rows on stdout, train on stderr; - was "file not found"."""
    bad = tmp_path / "bad.tsv"
    bad.write_text("id\tdocument\tlabel\n1\t좋다\t5\n", encoding="utf-8")
    code, _out, err = cli("train", "--data", str(bad), "--model", "tfidf", "--out", str(tmp_path / "r0"))
    said = " ".join(err.split())
    assert code == 1 and "(1 bad row: unknown label: 1 row)" in said and "The labels must be one of 0, 1." in said
    header = tmp_path / "header.tsv"
    header.write_text("id\tdocument\tlabel\n", encoding="utf-8")
    code, out, _err = cli("train", "--data", str(header), "--model", "tfidf", "--out", str(tmp_path / "r1"), "--json")
    assert code == 1 and json.loads(out)["error"].endswith("has no rows under its header") and json.loads(out)["hint"]
    code, _out, err = cli("train", "--data", "-", "--model", "tfidf", "--out", str(tmp_path / "r2"))
    assert code == 2 and "a data file cannot be standard input (-)" in err  # the argument: a usage error
    data = tmp_path / "train.tsv"
    data.write_text("id\tdocument\tlabel\n" + "\n".join("\t".join(r) for r in nsmc_rows[:400]) + "\n", encoding="utf-8")
    assert cli("train", "--data", str(data), "--model", "tfidf", "--out", str(tmp_path / "run"))[0] == 0
    mixed = tmp_path / "mixed.tsv"
    mixed.write_text("id\tdocument\tlabel\n1\t좋다\t5\n" + "\n".join("\t".join(r) for r in nsmc_rows[400:450]) + "\n",
                     encoding="utf-8")
    code, out, err = cli("evaluate", str(tmp_path / "run"), "--data", str(mixed))
    assert code == 0 and "skipped 1 row" in err and "skipped" not in out and "unknown label: 1 row" in err


def test_a_stride_beyond_the_window_is_refused_not_cut(cli):
    code, out, _err = cli("embed", "영화 " * 600, "--long", "window", "--stride", "100000", "--json")
    said = json.loads(out)
    assert code == 2 and "--stride 100000 is more than a window of e5-small holds (510 tokens" in said["error"]
    code, out, _err = cli("embed", "영화", "--long", "window", "--stride", "100000", "--json")  # was accepted
    assert code == 2 and "--stride 100000 is more than a window" in json.loads(out)["error"]


def test_a_stride_beyond_the_window_is_refused_before_the_texts_and_the_model(cli, monkeypatch, tmp_path):
    """The stride was checked after the model had loaded (seconds) and after a whole --file had been read."""
    from seqlab.vectors import encoder

    def never(*args, **kwargs):
        raise AssertionError("the model was loaded before --stride was checked")

    monkeypatch.setattr(encoder, "load_encoder", never)
    code, out, _err = cli("embed", "-f", str(tmp_path / "missing.txt"), "--long", "window", "--stride", "511",
                          "--json")
    assert code == 2 and "--stride 511 is more than a window of e5-small holds (510 tokens" in json.loads(out)["error"]
    code, out, _err = cli("embed", "-f", str(tmp_path / "missing.txt"), "-m", "kiwi", "--long", "window",
                          "--stride", "5", "--json")  # a model without vectors is said first, as without --stride
    assert code != 0 and "kiwi is a tokenizer only" in json.loads(out)["error"]


def test_explain_names_the_command_that_reads_a_long_text_whole(cli):
    """explain's note on a long text said "(--long window reads them all)": explain has no --long."""
    code, out, _err = cli("explain", "영화 " * 600)
    said = " ".join(out.split())
    assert code == 0 and "(seqlab embed TEXT --long window reads them all)" in said


def test_wordvec_train_counts_texts_not_lines(cli, tmp_path, nsmc_rows):
    """The progress read "2,001/2,001" for 2,000 texts: the header line was counted."""
    data = tmp_path / "t.tsv"
    data.write_text("id\tdocument\tlabel\n" + "\n".join("\t".join(r) for r in nsmc_rows[:40]) + "\n", encoding="utf-8")
    code, _out, err = cli("wordvec", "train", "-f", str(data), "-o", str(tmp_path / "w.model"), "--epochs", "1",
                          "--dim", "8", "--min-count", "1")
    assert code == 0, err
    counts = [line for line in err.splitlines() if "/4" in line and "(100%)" in line]
    assert counts and all("40/40" in line for line in counts), counts


def test_wordvec_train_with_one_worker_gives_the_same_vectors_for_one_seed(cli, tmp_path, nsmc_rows):
    """gensim's two default threads made "--seed" give other vectors on every run, with nothing said."""
    data = tmp_path / "t.txt"
    data.write_text("\n".join(r[1] for r in nsmc_rows[:300]) + "\n", encoding="utf-8")
    digests = []
    for k in range(2):
        code, out, err = cli("wordvec", "train", "-f", str(data), "-o", str(tmp_path / f"w{k}.txt"), "--epochs", "2",
                             "--dim", "8", "--min-count", "2", "--split", "whitespace", "--workers", "1", "--json")
        assert code == 0, err
        said = json.loads(out)
        assert said["workers"] == 1 and said["reproducible"] is True and said["seed"] == 1
        digests.append((tmp_path / f"w{k}.txt").read_bytes())
    assert digests[0] == digests[1]
    code, out, _err = cli("wordvec", "train", "-f", str(data), "-o", str(tmp_path / "w.txt"), "--workers", "0")
    assert code == 2
    assert "--workers 1" in " ".join(cli("wordvec", "train", "--help")[1].split())  # --seed's help says how


def test_search_reads_invalid_utf8_as_every_command_does(cli, tmp_path):
    """search read bad bytes as U+FFFD with no --errors option, where every other file reader stops by default."""
    corpus = tmp_path / "c.txt"
    corpus.write_bytes("좋은 영화\n".encode() + b"\xff\xfe bad\n" + "나쁜 영화\n".encode())
    code, _out, err = cli("search", "영화", "--corpus", str(corpus), "-k", "2")
    said = " ".join(err.split())
    assert code == 1 and "line 2" in said and "--errors replace" in said, said
    code, out, err = cli("search", "영화", "--corpus", str(corpus), "-k", "2", "--errors", "replace", "--json")
    assert code == 0 and json.loads(out)["bad_lines"] == 1 and "U+FFFD" in err


def test_embed_states_the_window_it_read_in(cli):
    """embed --json said "max_length": null for e5-small; similarity and search said 512."""
    code, out, _err = cli("embed", "안녕하세요", "--json")
    assert code == 0 and json.loads(out)["max_length"] == 512


def test_an_interrupt_in_the_middle_of_a_json_line_starts_its_own_line(monkeypatch):
    """Ctrl-C while `predict --json` streamed a line appended the interrupt's JSON object to the cut line."""
    import io
    import sys

    from seqlab.cli.main import _say_interrupted
    from seqlab.render.console import print_json

    class CutStream(io.StringIO):
        cut = True

        def write(self, text):
            if self.cut:  # half the line written, then Ctrl-C
                self.cut = False
                super().write(text[: len(text) // 2])
                raise KeyboardInterrupt
            return super().write(text)

    out = CutStream()
    out.cut = False
    monkeypatch.setattr(sys, "stdout", out)
    print_json({"text": "좋은 영화", "label": "1"})  # a whole line first
    out.cut = True
    with pytest.raises(KeyboardInterrupt):
        print_json({"text": "재미없다", "label": "0"})
    _say_interrupted(["--lang", "en", "predict", "run", "--json"])
    lines = out.getvalue().splitlines()
    assert json.loads(lines[0])["label"] == "1" and json.loads(lines[-1])["exit_code"] == 130 and len(lines) == 3
    from seqlab.render.console import print_json_lines  # tokenize --json streams through it

    out = CutStream()
    monkeypatch.setattr(sys, "stdout", out)
    with pytest.raises(KeyboardInterrupt):
        print_json_lines([{"tokens": ["▁좋은"]}])
    _say_interrupted(["--lang", "en", "tokenize", "-f", "texts.txt", "--json"])
    assert json.loads(out.getvalue().splitlines()[-1])["exit_code"] == 130


def test_the_command_context_is_found_through_groups():
    """The usage frame reads the vendored click's private ``Context._protected_args`` to walk into a group: pinned
    here, so that an upgrade that renames it fails this test rather than every framed usage error."""
    from seqlab.cli.main import _command_context

    assert _command_context(["wordvec", "eval", "--method", "foo"]).command_path == "seqlab wordvec eval"
    assert _command_context(["--lang", "en", "tokenize", "가"]).command_path == "seqlab tokenize"
    assert _command_context(["wordvec"]) is None and _command_context(["no-such-command"]) is None


def test_trace_says_it_reads_past_the_window_that_explain_cuts_at(cli):
    """explain read a long text's first 512 tokens and trace all of them, and neither said why they differ."""
    text = "영화 " * 600
    obj = json.loads(cli("trace", "lstm", text, "--json")[1])
    assert obj["window"] == 512 and len(obj["tokens"]) > 600 and obj["dropped"] == 0
    code, out, _err = cli("trace", "rnn", text, "--lang", "en")
    assert code == 0 and f"has no window, so all {len(obj['tokens'])} tokens are read" in " ".join(out.split())
    assert json.loads(cli("trace", "gru", "영화", "--json")[1])["window"] is None  # a short text: nothing to say


def test_an_empty_or_blank_corpus_is_named_with_a_hint(cli, tmp_path):
    """tokenizer train and wordvec train said only "the training files contain no text", with hint null."""
    empty, blank = tmp_path / "empty.txt", tmp_path / "blank.txt"
    empty.write_text("", encoding="utf-8")
    blank.write_text("\n  \n", encoding="utf-8")
    for path, said, args in ((empty, "empty.txt is empty", ("wordvec", "train", "-o", str(tmp_path / "w.txt"))),
                             (blank, "blank.txt holds no text", ("tokenizer", "train", "--out", str(tmp_path / "tk")))):
        code, out, _err = cli(*args, "-f", str(path), "--json")  # the two share one corpus reader
        error = json.loads(out)
        assert code == 1 and said in error["error"] and error["hint"], (args, error)
