"""The command line as a user runs it: contracts, exit codes, no tracebacks."""

import json
import unicodedata

import pytest


def test_tokenize_json_contract(cli, korean):
    code, out, _ = cli("tokenize", korean, "--json")
    assert code == 0
    (line,) = out.strip().splitlines()
    obj = json.loads(line)
    for key in ("model", "text", "tokens", "input_ids", "offsets", "special_tokens_mask", "unk"):
        assert key in obj
    assert obj["model"] == "e5-small" and obj["text"] == korean
    assert "▁안녕하세요" in obj["tokens"] and obj["unk"] == []
    assert all(isinstance(o, list) and len(o) == 2 for o in obj["offsets"])


def test_tokenize_unk_list_names_chars(cli):
    code, out, _ = cli("tokenize", "hello 좋네요", "--model", "minilm", "--json")
    obj = json.loads(out)
    assert code == 0 and obj["unk"] == [{"index": obj["tokens"].index("[UNK]"), "chars": "좋네요", "start": 6, "end": 9}]


def test_tokenize_file_and_stdin(tmp_path, monkeypatch, cli, cli_process):
    f = tmp_path / "t.txt"
    f.write_text("첫 문장\n둘째 문장\n", encoding="utf-8")
    code, out, _ = cli("tokenize", "-f", str(f), "--json", "-m", "char")
    assert code == 0 and [json.loads(x)["text"] for x in out.splitlines()] == ["첫 문장", "둘째 문장"]
    proc = cli_process("tokenize", "-", "--json", "-m", "whitespace", input="하나 둘\n셋\n".encode())
    assert proc.returncode == 0
    assert [json.loads(x)["tokens"] for x in proc.stdout.decode().splitlines()] == [["하나", "둘"], ["셋"]]


def test_tokenize_terminal_and_markdown(cli, korean):
    code, out, _ = cli("tokenize", korean)
    assert code == 0 and "▁안녕하세요" in out and "word start" in out
    code, out, _ = cli("tokenize", korean, "--markdown", "-m", "kiwi")
    assert code == 0 and "| 0 | `안녕/NNG`" in out


def test_max_length_reports_dropped(cli):
    code, out, _ = cli("tokenize", "one two three four five", "-m", "minilm", "--max-length", "4", "--json")
    obj = json.loads(out)
    assert code == 0 and obj["tokens"] == ["[CLS]", "one", "two", "[SEP]"] and obj["dropped"] == 3


def test_explain_all_formats(cli, korean):
    code, out, _ = cli("explain", korean)
    assert code == 0 and "Unicode normalization" in out and "▁안녕하세요" in out and "attention_mask" in out
    code, out, _ = cli("explain", korean, "--json")
    report = json.loads(out)
    assert code == 0 and report["tokens"]["input_ids"][0] == 0 and report["normalization"]["form"] == "NFC"
    code, out, _ = cli("explain", "\u1112\u1161\u11ab", "--markdown")
    assert code == 0 and "U+1112 U+1161 U+11AB" in out and "U+D55C" in out


def test_models_list_and_install(cli):
    code, out, _ = cli("models", "--json")
    rows = json.loads(out)  # a listing is one JSON document
    assert code == 0 and [r["name"] for r in rows] == ["e5-small", "minilm", "kiwi", "char", "whitespace"]
    assert all({"name", "source", "path", "installed"} <= set(r) for r in rows)
    assert next(r for r in rows if r["name"] == "minilm")["installed"]
    code, out, _ = cli("models", "install", "e5-small", "--json")
    assert code == 0 and json.loads(out)["path"].endswith("e5-small")
    code, out, _ = cli("models")
    assert code == 0 and "e5-small (default)" in out


def test_compare_json(reviews, tmp_path, cli):
    f = tmp_path / "r.txt"
    f.write_text("\n".join(reviews[:100]), encoding="utf-8")
    code, out, _ = cli("compare", "-f", str(f), "--models", "e5-small,minilm,char", "--json")
    rows = json.loads(out)  # a listing is one JSON document
    assert code == 0 and [r["model"] for r in rows] == ["e5-small", "minilm", "char"]
    assert {"fertility", "unk_rate", "vocab_size", "length_p50", "length_p95", "length_max"} <= set(rows[0])


def test_compare_refuses_one_tokenizer_named_twice_in_two_spellings(cli):
    """char,CHAR compared the char tokenizer with itself (two identical rows): names are checked as they resolve."""
    code, _out, err = cli("compare", "좋다", "--models", "char,CHAR")
    assert code == 2 and "--models lists CHAR twice" in err


def test_compare_honours_errors_strict_for_a_lone_surrogate(cli):
    """The comparison read a lone surrogate as U+FFFD whatever --errors said (its default is strict)."""
    code, _out, err = cli("compare", "a\udcedb", "--models", "char")
    assert code == 1 and "--errors replace" in err
    code, out, _err = cli("compare", "a\udcedb", "--models", "char", "--errors", "replace", "--json")
    assert code == 0 and json.loads(out)[0]["model"] == "char"


def test_pooling_is_spelled_as_in_python_and_json_too(cli):
    """embed(pooling=…) and the JSON's "pooling" were --pool only on the command line ("no such option: --pooling")."""
    code, out, _err = cli("embed", "좋은 영화", "--pooling", "max", "--json")
    assert code == 0 and json.loads(out)["pooling"] == "max"
    code, out, _err = cli("similarity", "좋은 영화", "멋진 영화", "--pooling", "cls", "--json")
    assert code == 0 and json.loads(out)["pooling"] == "cls"


def test_vocab_build_and_use(tmp_path, nsmc_rows, cli):
    data = tmp_path / "d.tsv"
    data.write_text("id\tdocument\tlabel\n" + "\n".join("\t".join(r) for r in nsmc_rows[:300]) + "\n",
                    encoding="utf-8")
    out_path = tmp_path / "vocab.json"
    code, out, _ = cli("vocab", "build", "-f", str(data), "--text-col", "document", "-o", str(out_path),
                       "--min-freq", "2", "--json")
    summary = json.loads(out)
    assert code == 0 and summary["texts"] == 300 and out_path.exists()
    code, out, _ = cli("tokenize", "영화", "-m", "kiwi", "--vocab", str(out_path), "--json")
    assert code == 0 and json.loads(out)["input_ids"] == [4 + json.loads(out_path.read_text())["tokens"][4:].index("영화/NNG")]


def test_tokenizer_train_cli(tmp_path, reviews, cli):
    f = tmp_path / "c.txt"
    f.write_text("\n".join(reviews), encoding="utf-8")
    code, out, _ = cli("tokenizer", "train", "-f", str(f), "--type", "wordpiece", "--vocab-size", "1000",
                       "--pre-split", "kiwi", "-o", str(tmp_path / "tok"), "--json")
    assert code == 0 and json.loads(out)["vocab_size"] <= 1000
    code, out, _ = cli("tokenize", "영화 재밌다", "-m", str(tmp_path / "tok"), "--json")
    assert code == 0 and json.loads(out)["tokens"][0] == "[CLS]"


def test_tokenizer_train_says_which_characters_the_alphabet_left_out(tmp_path, reviews, cli):
    """The wordpiece/bpe alphabet keeps a quarter of --vocab-size: the rarest syllables became [UNK] unsaid."""
    import collections

    f = tmp_path / "c.txt"
    f.write_text("\n".join(reviews), encoding="utf-8")
    code, out, err = cli("tokenizer", "train", "-f", str(f), "--vocab-size", "400", "-o", str(tmp_path / "t"), "--json")
    alphabet = json.loads(out)["alphabet"]
    counts = collections.Counter(c for r in reviews for c in unicodedata.normalize("NFC", r) if not c.isspace())
    assert code == 0 and alphabet["characters"] == len(counts) and alphabet["left_out"] == len(counts) - 100
    rare = sorted(counts, key=lambda c: (-counts[c], c))[100:]
    assert abs(alphabet["left_out_share"] - sum(counts[c] for c in rare) / sum(counts.values())) < 1e-6
    assert "become the unknown token" in err
    rare_char = rare[-1]  # one of the characters left out really is unknown to the trained tokenizer
    code, out, _ = cli("tokenize", rare_char, "-m", str(tmp_path / "t"), "--json")
    assert "[UNK]" in json.loads(out)["tokens"]
    code, _, err = cli("tokenizer", "train", "-f", str(f), "--type", "unigram", "--min-frequency", "3",
                       "-o", str(tmp_path / "u"))
    assert code == 2 and "--min-frequency" in err  # Unigram has no such setting: refused, not ignored


@pytest.mark.parametrize("args,code,needle", [
    (["tokenize", "x", "--model", "klue/bert-base"], 1, "klue/bert-base"),
    (["tokenize", "-f", "/no/such/file.txt"], 1, "file not found"),
    (["tokenize"], 2, "no text given"),
    (["tokenize", "x", "--no-such-option"], 2, "no such option"),
    (["tokenize", "x", "--json", "--markdown"], 2, "choose one output format"),
    (["tokenize", "x", "--normalization", "NFX"], 2, "--normalization must be one of"),
    (["tokenize", "x", "-m", "kiwi", "--vocab", "/no/vocab.json"], 1, "vocabulary file not found"),
])
def test_errors_have_exit_codes_and_no_traceback(args, code, needle, cli_process):
    proc = cli_process(*args, env={"HF_HUB_OFFLINE": "1"})
    err = proc.stderr.decode()
    assert proc.returncode == code, err
    assert needle in err and "Traceback" not in err


def test_bad_bytes_on_the_command_line_and_in_files(tmp_path, cli_process):
    proc = cli_process("tokenize", b"caf\xff".decode("utf-8", "surrogateescape"), "-m", "char")
    assert proc.returncode == 1 and b"0xFF" in proc.stderr and b"Traceback" not in proc.stderr
    proc = cli_process("tokenize", b"caf\xff".decode("utf-8", "surrogateescape"), "-m", "char", "--errors", "replace",
                   "--json")
    assert proc.returncode == 0 and "\ufffd" in json.loads(proc.stdout)["text"]
    binary = tmp_path / "x.bin"
    binary.write_bytes(b"\x00\x01\x02binary")
    proc = cli_process("tokenize", "-f", str(binary))
    assert proc.returncode == 1 and b"binary" in proc.stderr
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"fine\nnot \xe9 utf8\n")
    proc = cli_process("tokenize", "-f", str(bad), "-m", "char")
    assert proc.returncode == 1 and b"line 2" in proc.stderr and b"byte offset 9" in proc.stderr


def test_empty_text_argument_is_an_input_error_but_an_empty_line_is_a_record(cli, tmp_path):
    code, out, err = cli("tokenize", "", "--json")
    assert code == 1 and "empty" in err
    assert json.loads(out) == {"error": "the text is empty", "hint": json.loads(out)["hint"], "exit_code": 1}  # no record
    assert cli("tokenize", "   ", "--json")[0] == 1
    f = tmp_path / "lines.txt"
    f.write_text("하나\n\n셋\n", encoding="utf-8")
    code, out, _ = cli("tokenize", "-f", str(f), "--json")
    records = [json.loads(x) for x in out.splitlines()]
    assert code == 0 and len(records) == 3 and records[1]["tokens"] == ["<s>", "</s>"]  # row i is line i + 1


def test_ctrl_c_says_it_was_interrupted_and_how_to_continue(capsys, tmp_path):
    """typer turned Ctrl-C into exit code 130 with nothing printed, not even on a terminal."""
    import os
    import signal
    import subprocess
    import sys
    from pathlib import Path

    from seqlab.cli.main import _say_interrupted

    exe = Path(sys.executable).parent / "seqlab"
    # a runner started in the background without job control has SIGINT ignored (POSIX), which its children inherit,
    # and Python then installs no KeyboardInterrupt handler: the child starts with a handler, as from a terminal
    # (a handler, unlike "ignore", is reset to the default across exec)
    ignored = signal.getsignal(signal.SIGINT) == signal.SIG_IGN
    if ignored:
        signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        proc = subprocess.Popen([str(exe), "long-term", "--lengths", "1000", "--steps", "100000", "--cells", "lstm",
                                 "--lang", "en"], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                                env={**os.environ, "PYTHONUNBUFFERED": "1"})
    finally:
        if ignored:
            signal.signal(signal.SIGINT, signal.SIG_IGN)
    assert proc.stderr.readline().startswith("lstm T=1000")  # training has started
    proc.send_signal(signal.SIGINT)
    err = proc.communicate(timeout=120)[1]
    assert proc.returncode == 130 and "interrupted" in err, err
    for where in ("run/state", "several/lstm/state", "best/members/lstm/state"):  # one model, several, an ensemble
        (tmp_path / where).mkdir(parents=True)
        for name in ("state.json", "tensors.safetensors"):
            (tmp_path / where / name).write_text("{}")
        _say_interrupted(["--lang", "en", "train", "--data", "x", "--out", str(tmp_path / where.split("/")[0])])
        assert "--resume" in " ".join(capsys.readouterr().err.split()), where
    _say_interrupted(["--lang", "en", "train", "--data", "x", f"--out={tmp_path / 'early'}"])  # before any checkpoint
    err = " ".join(capsys.readouterr().err.split())
    assert "--resume" not in err and "nothing was saved" in err
    # under --json a script reads one JSON object on stdout, as for every error (stdout was empty)
    _say_interrupted(["--lang", "en", "long-term", "--json"])
    said = json.loads(capsys.readouterr().out)
    assert said["error"] == "interrupted" and said["exit_code"] == 130


def test_sigterm_is_handled_as_ctrl_c_is_and_exits_143(tmp_path, nsmc_rows):
    """SIGTERM (kill, timeout, a scheduler) killed `train` mid-way: its half-made --out folder (command.json alone)
    was refused by a rerun ("not empty") and by --resume ("no checkpoint"), and nothing was said."""
    import os
    import signal
    import subprocess
    import sys
    from pathlib import Path

    data = tmp_path / "d.tsv"
    data.write_text("id\tdocument\tlabel\n" + "\n".join("\t".join(r) for r in nsmc_rows[:2000]) + "\n", encoding="utf-8")
    out = tmp_path / "run"
    proc = subprocess.Popen([str(Path(sys.executable).parent / "seqlab"), "train", "-f", str(data), "-o", str(out),
                             "--model", "lstm", "--epochs", "50", "--threads", "1", "--lang", "en", "--json"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env={**os.environ, "PYTHONUNBUFFERED": "1"})
    import time

    deadline = time.monotonic() + 120  # the run has started: its folder exists (command.json), no checkpoint yet
    while not (out / "command.json").exists() and time.monotonic() < deadline and proc.poll() is None:
        time.sleep(0.2)
    proc.send_signal(signal.SIGTERM)
    stdout, err = proc.communicate(timeout=120)
    assert proc.returncode == 143 and "interrupted" in err, err
    said = json.loads(stdout.strip().splitlines()[-1])
    assert said["exit_code"] == 143 and said["error"] == "interrupted"
    assert not out.exists() or (out / "state").exists()  # cleaned up, or kept with a checkpoint to --resume from


def test_a_signal_during_an_import_waits_for_the_import_to_end(tmp_path, monkeypatch):
    """SIGTERM right after a train had started ended in "internal error: SystemError: S() method: bad call flags" and
    a segmentation fault: the exception was raised inside an extension's import. It is raised once the import ends."""
    import importlib
    import signal
    import sys

    from seqlab.cli import signals

    (tmp_path / "slow_module.py").write_text(
        "import signal, sys\n"
        "from seqlab.cli.signals import on_signal\n"
        "on_signal(signal.SIGTERM, sys._getframe())  # as if the signal came here: no exception now\n"
        "DONE = True\n", encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    before = signal.signal(signal.SIGALRM, signal.SIG_IGN)
    try:
        module = importlib.import_module("slow_module")
        assert module.DONE and signals.PENDING == [signal.SIGTERM]  # the import finished; the signal waits
        assert signal.getitimer(signal.ITIMER_REAL)[0] > 0  # and is tried again shortly
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, before)
        signals.PENDING.clear()
        signals.TERMINATED.clear()
        sys.modules.pop("slow_module", None)
    with pytest.raises(signals.Terminated):  # outside an import: raised where the command is
        signals.on_signal(signal.SIGTERM, sys._getframe())
    assert signals.exit_code() == 143 and signals.exit_code(KeyboardInterrupt()) == 130
    signals.TERMINATED.clear()


def test_serve_leaves_sigterm_to_its_server(monkeypatch):
    """With seqlab's SIGTERM handler, `docker stop` on `seqlab serve` (uvicorn stops gracefully, then re-raises the
    signal) was reported as "interrupted"; every other command handles it as Ctrl-C."""
    import importlib
    import signal

    from seqlab.cli.signals import on_signal

    cli_main = importlib.import_module("seqlab.cli.main")  # the package's `main` is the function
    seen = {}
    monkeypatch.setattr(cli_main, "_run_command", lambda argv, debug: seen.setdefault(
        cli_main._command_word(argv), signal.getsignal(signal.SIGTERM)) and 0)
    cli_main.main(["--lang", "en", "serve", "--port", "8000"])
    cli_main.main(["tokenize", "x"])
    assert seen["serve"] is not on_signal and seen["tokenize"] is on_signal


def test_a_train_stopped_before_it_saved_anything_leaves_nothing_that_blocks_the_same_command(cli, tmp_path,
                                                                                              monkeypatch):
    """Ctrl-C before the first checkpoint said "nothing was saved: run the same command again", but left command.json,
    embedding.json (and for best, a finished tfidf member): the same command then failed, "--out is a folder that is
    not empty", and --resume, "holds no checkpoint" (a CLI review). A comparison that finished one model keeps it."""
    from seqlab.cli import train_run

    data = tmp_path / "train.tsv"
    data.write_text("id\tdocument\tlabel\n1\t좋다\t1\n2\t별로\t0\n", encoding="utf-8")

    from seqlab.cli.train_record import record_options

    def stopped_early(a, taken):  # what a run has written when Ctrl-C comes during word2vec
        (a.out / "members" / "tfidf").mkdir(parents=True)
        record_options(a.out, a.options())
        for name in ("embedding.json", "members/tfidf/config.json", "members/tfidf/metrics.json"):
            (a.out / name).write_text("{}", encoding="utf-8")
        raise KeyboardInterrupt

    monkeypatch.setattr(train_run, "run", stopped_early)
    for out, existed in ((tmp_path / "new", False), (tmp_path / "empty", True)):
        if existed:
            out.mkdir()
        code, _out, err = cli("--lang", "en", "train", "--data", str(data), "--model", "best", "--out", str(out))
        assert code == 130 and "nothing was saved" in " ".join(err.split())
        assert out.exists() == existed and (not existed or not any(out.iterdir()))  # the user's empty folder stays

    def one_finished(a, taken):  # -m tfidf,lstm: tfidf finished, lstm stopped before its first checkpoint
        (a.out / "tfidf").mkdir(parents=True)
        (a.out / "command.json").write_text("{}", encoding="utf-8")
        for name in ("config.json", "metrics.json"):
            (a.out / "tfidf" / name).write_text("{}", encoding="utf-8")
        raise KeyboardInterrupt

    monkeypatch.setattr(train_run, "run", one_finished)
    out = tmp_path / "several"
    code, _out, err = cli("--lang", "en", "train", "--data", str(data), "--model", "tfidf,lstm", "--out", str(out))
    assert code == 130 and "--resume" in err and (out / "tfidf" / "metrics.json").exists()
    (tmp_path / "mine").mkdir()
    (tmp_path / "mine" / "notes.txt").write_text("the user's", encoding="utf-8")
    code, _out, _err = cli("train", "--data", str(data), "--model", "tfidf", "--out", str(tmp_path / "mine"))
    assert code == 130 and (tmp_path / "mine" / "notes.txt").read_text(encoding="utf-8") == "the user's"  # not its own

    def dropped_in(a, taken):  # a file put into the run's folder while it ran stays, and so does the folder
        a.out.mkdir(parents=True, exist_ok=True)
        (a.out / "my-notes.txt").write_text("mine", encoding="utf-8")
        stopped_early(a, taken)

    monkeypatch.setattr(train_run, "run", dropped_in)
    code, _out, _err = cli("train", "--data", str(data), "--model", "best", "--out", str(tmp_path / "d"))
    assert code == 130 and sorted(p.name for p in (tmp_path / "d").iterdir()) == ["my-notes.txt"]

    def another_run(a, taken):  # a second run on the same folder: its command.json is not this process's
        a.out.mkdir(parents=True, exist_ok=True)
        (a.out / "command.json").write_text('{"run": "another process"}', encoding="utf-8")
        (a.out / "embedding.json").write_text("{}", encoding="utf-8")
        raise KeyboardInterrupt

    monkeypatch.setattr(train_run, "run", another_run)
    code, _out, _err = cli("train", "--data", str(data), "--model", "lstm", "--out", str(tmp_path / "race"))
    assert code == 130 and (tmp_path / "race" / "embedding.json").exists()


def test_tokenize_names_each_text_by_its_line_in_the_file(cli, tmp_path):
    """tokenize -f on NSMC labelled the file's line 2 "line 1", where search, evaluate and the notes say line 2."""
    data = tmp_path / "n.tsv"
    data.write_text("id\tdocument\tlabel\n9\t좋은 영화\t1\n10\t별로\t0\n", encoding="utf-8")
    code, out, err = cli("tokenize", "-f", str(data), "-m", "char", "--lang", "en")
    assert code == 0, err
    assert "line 2: 좋은 영화" in out and "line 3: 별로" in out and "line 1:" not in out
