"""``seqlab train --out DIR --resume`` needs no other option: the first run's options are read from DIR."""

import json

import pytest

TINY = ["--embedding", "random", "--epochs", "1", "--hidden", "8", "--embed-dim", "16", "--max-length", "32",
        "--adversarial", "0", "--checkpoint-every", "1", "--unidirectional"]


@pytest.fixture
def stopped_run(tmp_path, cli, nsmc_rows, monkeypatch):
    """A tfidf,lstm comparison trained from a relative --data path, then left as if stopped during the lstm."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "train.tsv").write_text("id\tdocument\tlabel\n" + "\n".join("\t".join(r) for r in nsmc_rows[:300])
                                        + "\n", encoding="utf-8")
    code, out, _err = cli("train", "--data", "train.tsv", "--out", "cmp", "--model", "tfidf,lstm", *TINY, "--json")
    assert code == 0
    first = {r["model"]: r["val"]["accuracy"] for r in map(json.loads, out.splitlines())}
    (tmp_path / "cmp" / "lstm" / "config.json").write_text('{"partial": true}', encoding="utf-8")
    (tmp_path / "cmp" / "lstm" / "metrics.json").unlink()
    return tmp_path / "cmp", first


def test_the_first_run_records_every_option(stopped_run):
    run, _first = stopped_run
    options = json.loads((run / "command.json").read_text(encoding="utf-8"))["options"]
    assert options["model"] == "tfidf,lstm" and options["hidden"] == 8 and options["seed"] == 13  # a default too
    assert options["data"] == str(run.parent / "train.tsv")  # absolute: a resume may start elsewhere
    assert "resume" not in options and "device" not in options


def test_out_and_resume_alone_continue_with_the_first_runs_options(stopped_run, cli, monkeypatch):
    run, first = stopped_run
    state = run / "lstm" / "state" / "state.json"  # the first process trained for 1,000 s, say
    meta = json.loads(state.read_text(encoding="utf-8"))
    meta["trainer"]["state"]["elapsed"] = 1000.0
    state.write_text(json.dumps(meta), encoding="utf-8")
    monkeypatch.chdir(run / "lstm")  # another folder: the relative --data of the first run still resolves
    code, out, err = cli("train", "--out", str(run), "--resume", "--json")
    said = " ".join(err.split())
    again = {r["model"]: r["val"]["accuracy"] for r in map(json.loads, out.splitlines())}
    assert code == 0 and again == first and "finished in the earlier run: kept" in said
    assert "resuming with the first run's options:" in said and "--model tfidf,lstm" in said
    assert "--hidden 8" in said and f"--data {run.parent / 'train.tsv'}" in said
    assert "--unidirectional" in said and "False" not in said  # a flag as it is typed
    # the run's time counts the training of the first process: it was less than its own training part
    metrics = json.loads((run / "lstm" / "metrics.json").read_text(encoding="utf-8"))
    assert metrics["seconds"] >= metrics["train_seconds"] >= 1000
    # the same file named another way is the same --data
    code, _out, err = cli("train", "--out", str(run), "--resume", "--data", "../../train.tsv", "--json")
    assert code == 0, err


def test_how_the_first_run_worked_is_kept_when_a_resume_leaves_it_out(stopped_run, cli):
    """--threads and --checkpoint-every were not recorded: a resume ran with 2 threads and a checkpoint every 100
    steps where the first run had 1 and 5 (4x slower on a busy machine; a CLI review). Given again, they may change:
    they are how the run works, not what it learns."""
    run, _first = stopped_run
    settings = json.loads((run / "command.json").read_text(encoding="utf-8"))["settings"]
    assert settings["checkpoint_every"] == 1 and "device" not in settings  # a resume elsewhere finds its own device
    code, _out, err = cli("train", "--out", str(run), "--resume", "--json")
    config = json.loads((run / "lstm" / "config.json").read_text(encoding="utf-8"))
    assert code == 0 and "--checkpoint-every 1" in " ".join(err.split()) and config["train"]["checkpoint_every"] == 1
    (run / "lstm" / "config.json").write_text('{"partial": true}', encoding="utf-8")
    (run / "lstm" / "metrics.json").unlink()
    code, _out, err = cli("train", "--out", str(run), "--resume", "--checkpoint-every", "3", "--threads", "1", "--json")
    config = json.loads((run / "lstm" / "config.json").read_text(encoding="utf-8"))
    assert code == 0 and config["train"]["checkpoint_every"] == 3 and config["train"]["threads"] == 1


def test_an_option_given_again_must_keep_its_value(stopped_run, cli):
    run, _first = stopped_run
    code, _out, err = cli("train", "--out", str(run), "--resume", "--hidden", "16")
    said = " ".join(err.split())
    assert code == 2 and "--hidden = 8" in said and "asks for 16" in said
    code, _out, err = cli("train", "--out", str(run), "--resume", "--hidden", "8", "--device", "cpu", "--json")
    assert code == 0, err  # the same value, and --device may change
    code, _out, err = cli("train", "--out", str(run), "--resume", "--batch-size", "128")
    said = " ".join(err.split())
    assert code == 2 and "--batch-size = the default" in said and "None" not in said


def test_a_run_folder_without_a_record_says_so(stopped_run, cli):
    """A run of an older seqlab has no command.json: its resume needs the options again, and is told so."""
    run, _first = stopped_run
    (run / "command.json").unlink()
    code, _out, err = cli("train", "--out", str(run), "--resume")
    assert code == 2 and "has no record of the first run's options" in " ".join(err.split())


def test_one_model_of_a_comparison_points_to_the_comparison(stopped_run, cli):
    """--out cmp/lstm --resume said "no record of the first run's options (a run of an older seqlab)": the
    comparison's record, one folder up, holds them."""
    run, _first = stopped_run
    code, _out, err = cli("train", "--out", str(run / "lstm"), "--resume", "--lang", "en")
    said = " ".join(err.split())
    assert code == 2 and f"{run / 'lstm'} is one model (lstm) of the comparison run in {run}" in said, said
    assert f"seqlab train --out {run} --resume" in said and "older seqlab" not in said


def test_an_unreadable_record_is_named(stopped_run, cli):
    run, _first = stopped_run
    (run / "command.json").write_text("{not json", encoding="utf-8")
    code, _out, err = cli("train", "--out", str(run), "--resume")
    said = " ".join(err.split())
    assert code == 1 and "command.json" in said and "Traceback" not in err
    # said where the JSON breaks, not in json's own words ("Expecting property name …")
    assert "it is not valid JSON (line 1, column 2)" in said and "Expecting" not in said


def test_a_run_that_saved_nothing_does_not_block_the_next(tmp_path, cli, nsmc_rows, monkeypatch):
    """The record is written before training; a run that fails before it saved anything takes it back (and the
    folder it made), and one killed then (the record alone in the folder) does not make a rerun "not empty"."""
    from seqlab.training import runs

    data = tmp_path / "train.tsv"
    data.write_text("id\tdocument\tlabel\n" + "\n".join("\t".join(r) for r in nsmc_rows[:100]) + "\n",
                    encoding="utf-8")
    recorded = []

    def fails(names, opts, out, progress=None, on_done=None):
        recorded.append((out / "command.json").exists())
        raise OSError("disk full")

    with monkeypatch.context() as m:
        m.setattr(runs, "train_models", fails)
        code, _out, err = cli("train", "--data", str(data), "--model", "tfidf", "--out", str(tmp_path / "o"))
    assert code == 1 and recorded == [True] and not (tmp_path / "o").exists()
    (tmp_path / "o").mkdir(exist_ok=True)
    (tmp_path / "o" / "command.json").write_text('{"command": "train", "options": {}}', encoding="utf-8")
    code, _out, err = cli("train", "--data", str(data), "--model", "tfidf", "--out", str(tmp_path / "o"))
    assert code == 0 and "held only the options of a run that saved nothing" in " ".join(err.split())
    assert json.loads((tmp_path / "o" / "command.json").read_text(encoding="utf-8"))["options"]["model"] == "tfidf"


def test_a_finished_single_model_run_is_kept_on_resume(tmp_path, cli, nsmc_rows):
    """A finished tfidf run (no checkpoint: it trains in one go) was "no checkpoint to continue from" (exit 2), where
    a finished lstm run is kept."""
    data = tmp_path / "t.tsv"
    data.write_text("id\tdocument\tlabel\n" + "\n".join("\t".join(r) for r in nsmc_rows[:300]) + "\n", encoding="utf-8")
    assert cli("train", "--data", str(data), "--model", "tfidf", "--out", str(tmp_path / "tf"))[0] == 0
    code, _out, err = cli("train", "--out", str(tmp_path / "tf"), "--resume")
    assert code == 0 and "finished in the earlier run: kept" in " ".join(err.split()), err
    # predict on the run with its config.json cut printed json's English ("Expecting property name enclosed in
    # double quotes: …") inside the Korean message: now where the JSON breaks, json's own words in detail
    (tmp_path / "tf" / "config.json").write_text("{not json", encoding="utf-8")
    code, out, _err = cli("predict", str(tmp_path / "tf"), "좋다", "--json", "--lang", "ko")
    error = json.loads(out)
    assert code == 1 and "올바른 JSON이 아닙니다(1번째 줄, 2번째 열)" in error["error"]
    assert "Expecting" not in error["error"] and "Expecting property name" in error["detail"]["reason"]



def test_a_comparison_named_in_capitals_that_saved_nothing_is_taken_back_too(tmp_path, cli, nsmc_rows, monkeypatch):
    """--model TFIDF,LSTM: the clean-up matched the names as given against the lower-case subfolders, so the run's
    folders stayed and blocked the rerun ("not empty")."""
    from seqlab.training import runs

    data = tmp_path / "train.tsv"
    data.write_text("id\tdocument\tlabel\n" + "\n".join("\t".join(r) for r in nsmc_rows[:100]) + "\n",
                    encoding="utf-8")

    def fails(names, opts, out, progress=None, on_done=None):
        for name in runs.parse_models(names):
            (out / name).mkdir(parents=True)  # each model's folder, made before it saved anything
        raise OSError("disk full")

    with monkeypatch.context() as m:
        m.setattr(runs, "train_models", fails)
        code, _out, _err = cli("train", "--data", str(data), "--model", "TFIDF,LSTM", "--out", str(tmp_path / "o"))
    assert code == 1 and not (tmp_path / "o").exists(), list((tmp_path / "o").iterdir())


def test_the_library_reads_model_names_in_any_case_once_each():
    from seqlab.errors import InputError
    from seqlab.training.runs import parse_models

    assert parse_models("TFIDF, lstm") == ["tfidf", "lstm"] and parse_models(["GRU"]) == ["gru"]
    for bad, said in ((None, "models must be a model name or a list of names, got None"),
                      (5, "got 5"), ("tfidf,TFIDF", "model 'tfidf' is given twice"), ("", "no model given")):
        with pytest.raises(InputError, match=said):
            parse_models(bad)
