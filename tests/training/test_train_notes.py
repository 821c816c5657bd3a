"""What train, evaluate and predict say beside their results: notes on stderr with --json too, where a run was
saved, the run's own columns, a damaged run, what a seq2seq prediction did to its inputs (a CLI review)."""

import json

import pytest


def test_train_says_its_notes_on_stderr_with_json_too_and_where_it_saved(tmp_path, data, cli):
    """Under --json, train said nothing of the rows it skipped (only inside the JSON; evaluate says them, and train
    without --json); the JSON did not say where the run was saved, and the terminal gave no next step; best's
    validation score, in-sample for its stacker, was shown without a word (a CLI review)."""
    from rich.console import Console

    from seqlab.render.training import report_stacked

    bad = tmp_path / "bad.tsv"
    bad.write_text(data.read_text(encoding="utf-8") + "x\tno label here\n", encoding="utf-8")
    code, out, err = cli("--lang", "en", "train", "--data", str(bad), "--model", "tfidf", "--out",
                         str(tmp_path / "j"), "--json")
    said = " ".join(err.split())
    assert code == 0 and "skipped 1 row that cannot be used (missing label: 1 row)" in said
    assert json.loads(out)["out"] == str(tmp_path / "j")
    code, _out, err = cli("--lang", "en", "train", "--data", str(data), "--model", "tfidf", "--out", str(tmp_path / "t"))
    assert code == 0 and f"next: seqlab evaluate {tmp_path / 't'} --data TEST.tsv" in " ".join(err.split())
    console = Console(record=True, width=200)
    report_stacked({"val": {"accuracy": 0.8267}, "val_cross_validated": 0.81, "val_mean_of_members": 0.8}, console)
    assert "82.67% there is in-sample; cross-validated on that split it scores 81.00%" in console.export_text()
    report_stacked({"val": {"accuracy": 0.8}}, console)  # a single model: nothing to say
    assert console.export_text() == ""  # (export_text above emptied the record)


def test_evaluate_reads_a_file_by_the_columns_the_run_was_trained_with(tmp_path, data, cli):
    """train --text-col review --label-col sentiment, then evaluate on a file with the same columns: "has no column
    'document'" (a CLI review); the help says the data is "in the training format"."""
    import csv

    rows = [line.split("\t") for line in data.read_text(encoding="utf-8").splitlines()[1:]]
    table = tmp_path / "reviews.csv"
    with table.open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(["sentiment", "review"])
        writer.writerows([[label, text] for _id, text, label in rows])
    code, _out, err = cli("train", "--data", str(table), "--text-col", "review", "--label-col", "sentiment",
                          "--model", "tfidf", "--out", str(tmp_path / "run"))
    assert code == 0, err
    code, out, err = cli("evaluate", str(tmp_path / "run"), "--data", str(table), "--json")
    assert code == 0 and json.loads(out)["n"] == len(rows), err
    code, _out, err = cli("evaluate", str(tmp_path / "run"), "--data", str(data), "--json")  # NSMC: its own columns
    assert code == 0, err
    as_text = tmp_path / "reviews.txt"  # a .txt file read as TSV, the run's format: its columns apply too
    as_text.write_text("sentiment\treview\n" + "".join(f"{label}\t{text}\n" for _id, text, label in rows),
                       encoding="utf-8")
    tsv_run = tmp_path / "tsv-run"
    assert cli("train", "--data", str(as_text), "--text-col", "review", "--label-col", "sentiment", "--model", "tfidf",
               "--out", str(tsv_run))[0] == 0
    code, out, err = cli("evaluate", str(tsv_run), "--data", str(as_text), "--json")
    assert code == 0 and json.loads(out)["n"] == len(rows), err
    # another format with the same columns (a notebook review): "no object of x.jsonl has the key 'document'"
    as_jsonl = tmp_path / "reviews.jsonl"
    as_jsonl.write_text("".join(json.dumps({"review": text, "sentiment": label}, ensure_ascii=False) + "\n"
                                for _id, text, label in rows), encoding="utf-8")
    for run, other in [(tmp_path / "run", as_jsonl), (tmp_path / "run", as_text), (tsv_run, table)]:
        code, out, err = cli("evaluate", str(run), "--data", str(other), "--json")
        assert code == 0 and json.loads(out)["n"] == len(rows), (run, other, err)


def test_a_damaged_run_says_to_train_it_again_not_to_build_a_vocabulary(tmp_path, data, cli):
    """A run without its vocab.json was told "Build one with: seqlab vocab build" (the hint for a vocabulary file the
    user gives), and a config.json naming an unknown model had no hint at all (a CLI review)."""
    run = tmp_path / "run"
    code, _out, err = cli("train", "--data", str(data), "--model", "rnn", "--out", str(run), "--embedding", "random",
                          "--epochs", "1", "--hidden", "8", "--embed-dim", "16", "--max-length", "32",
                          "--adversarial", "0")
    assert code == 0, err
    (run / "vocab.json").unlink()
    code, _out, err = cli("--lang", "en", "predict", str(run), "영화 좋다")
    said = " ".join(err.split())
    assert code == 1 and "cannot read its vocabulary" in said and "Train the run again" in said
    assert "vocab build" not in said
    config = json.loads((run / "config.json").read_text(encoding="utf-8"))
    (run / "config.json").write_text(json.dumps({**config, "model": "transformer-xl"}), encoding="utf-8")
    code, _out, err = cli("--lang", "en", "predict", str(run), "영화 좋다")
    said = " ".join(err.split())
    assert code == 1 and "unknown model kind 'transformer-xl'" in said and "train the run again" in said


def test_a_seq2seq_prediction_says_what_it_did_to_its_inputs():
    """predict on a spacing run removed the input's spaces without a word, and a 2,000-character text (the run
    learnt from pairs of at most 60) got no warning (a CLI review)."""
    from seqlab.render.training import seq2seq_input_notes

    results = [{"text": "오늘 날씨가 좋네요", "source": "오늘날씨가좋네요", "output": "오늘 날씨가 좋네요"},
               {"text": "가" * 90, "source": "가" * 90, "output": "가" * 90, "longer_than_trained": 60},
               {"text": "", "skipped": "empty line"}]
    said = " ".join(" ".join(seq2seq_input_notes(results)).split())
    assert "1 text had spaces; the model reads it without them" in said
    assert "1 text is longer than the 60 characters of the pairs the model learnt from" in said
    assert seq2seq_input_notes([{"text": "좋다", "label": "1"}]) == []  # a classifier's records: nothing to say


def test_the_scores_on_the_rows_not_seen_in_training_explain_a_label_without_rows():
    """"on the other 1 row: accuracy 100.00% · macro-F1 0.5000" gave no reason for the 0.5: that one row's label is
    the only one present, and macro-F1 counts the other label as F1 0 (a CLI review); the whole data's line said so."""
    from seqlab.render.training import overlap_line
    from seqlab.training.metrics import Metrics
    from seqlab.training.overlap import TrainingOverlap

    unseen = Metrics(accuracy=1.0, macro_f1=0.5, n=1, confusion=[[0, 0], [0, 1]], labels=["0", "1"])
    line = overlap_line(TrainingOverlap(True, "train.tsv", rows=3, of=4, unseen=unseen))
    assert "on the other 1 row: accuracy 100.00% · macro-F1 0.5000" in line
    assert "(no row among them has the label 0: macro-F1 counts it as F1 0)" in line
    both = Metrics(accuracy=0.5, macro_f1=0.33, n=2, confusion=[[1, 0], [1, 0]], labels=["0", "1"])
    assert "no row among them" not in overlap_line(TrainingOverlap(True, "train.tsv", rows=2, of=4, unseen=both))


def test_the_library_refuses_an_embed_dim_a_fixed_width_embedding_cannot_give_before_the_data(tmp_path):
    """train_models(embedding="e5", embed_dim=100) read and split the data first: only the CLI checked it up front."""
    from seqlab.errors import UsageError
    from seqlab.training.runs import TrainOptions, train_models

    missing = tmp_path / "never-read.tsv"  # the refusal must come before the data is looked at
    opts = TrainOptions(data=missing, embedding="e5", embed_dim=100)
    with pytest.raises(UsageError, match="the e5 vectors are 384-dimensional, not embed_dim = 100"):
        train_models(["lstm"], opts, tmp_path / "run")
    assert not (tmp_path / "run").exists()


@pytest.mark.parametrize("name", ["v.txt", "v.vec.gz"])
def test_an_embed_dim_a_word2vec_file_cannot_give_is_a_usage_error_before_the_data(tmp_path, cli, name):
    """--embedding FILE --embed-dim N (N not the file's width) was refused only after the data was read and
    tokenized, as an input error (exit 1): the width is on the file's first line, so it is now a usage error (2) up
    front, from the library's one check, as e5's and Kiwi's widths are."""
    import gzip

    from seqlab.errors import UsageError
    from seqlab.training.init_widths import check_embed_dim

    vectors = tmp_path / name
    text = "2 3\n영화 0.1 0.2 0.3\n재미 0.3 0.1 0.2\n".encode()
    vectors.write_bytes(gzip.compress(text) if name.endswith(".gz") else text)
    missing = tmp_path / "never-read.tsv"
    missing.write_text("id\tdocument\tlabel\n", encoding="utf-8")  # no rows: reading it would fail, not refuse
    code, _out, err = cli("--lang", "en", "train", "--data", str(missing), "--model", "lstm", "--embedding",
                         str(vectors), "--embed-dim", "8", "--out", str(tmp_path / "run"))
    assert code == 2, err
    assert f"the {vectors} vectors are 3-dimensional, not --embed-dim = 8" in err and "--embed-dim 3" in err
    assert not (tmp_path / "run").exists()
    check_embed_dim(str(vectors), 3)  # the file's own width passes
    with pytest.raises(UsageError):
        check_embed_dim(str(vectors), 4)
