"""How a training run ends and resumes: when it stopped early, which finished runs a resume keeps, and each model said
as soon as it is done."""

import pytest

from seqlab.errors import UsageError
from tests.training.conftest import FAST, LINEAR


def test_a_run_that_reaches_its_last_step_did_not_stop_early(data, tmp_path):
    """--json said "stopped_early": true for a run whose last evaluation, at its last step, did not improve (a CLI
    review: steps 30 of 30): patience ran out there, but there was nothing left to stop."""
    from seqlab.training.runs import TrainOptions, train_models

    # a learning rate too small to change the accuracy: the second (last) evaluation never improves on the first
    (run,) = train_models(["lstm"], TrainOptions(data=data, **{**FAST, "lr": 1e-8, "patience": 1}), tmp_path / "r")
    summary = run.to_dict()
    assert len(run.history) == 2 and summary["stopped_early"] is False, summary


def test_a_run_that_stops_early_says_so_and_whose_scores_it_reports(data, tmp_path, caplog):
    """The progress bar froze at "6/12 (50%)" and the table gave the best step's scores without a word: only a
    resume said the run had stopped early (a CLI review)."""
    import logging

    from seqlab.training.runs import TrainOptions, train_models

    with caplog.at_level(logging.INFO, logger="seqlab"):
        (run,) = train_models(["lstm"], TrainOptions(data=data, **{**FAST, "lr": 1e-8, "patience": 1, "epochs": 2}),
                              tmp_path / "r")
    summary = run.to_dict()
    assert summary["stopped_early"] is True, summary
    said = [r.getMessage() for r in caplog.records if r.getMessage().startswith("stopped early")]
    assert len(said) == 1 and said[0].startswith(f"stopped early at step {summary['steps']} of "), said
    assert said[0].endswith("did not improve in the last 1 evaluation (patience); the weights and scores are those of "
                            f"step {summary['best_step']}, the best"), said


def test_a_kept_run_of_other_data_is_refused_and_each_model_is_said_when_done(data, tmp_path):
    """--resume kept a finished run trained on the old file and reported the new file's split beside its scores;
    train --json printed nothing until every model had finished, so an interruption lost the finished ones."""
    from seqlab.training.runs import TrainOptions, train_models

    done = []
    opts = TrainOptions(data=data, **LINEAR)
    runs = train_models(["tfidf", "nbsvm"], opts, tmp_path / "r", on_done=lambda r: done.append((r.name, r.out)))
    assert done == [(r.name, r.out) for r in runs] and [n for n, _o in done] == ["tfidf", "nbsvm"]
    grown = tmp_path / "grown.tsv"
    grown.write_text(data.read_text(encoding="utf-8") + "9999999\t새로 더한 리뷰입니다\t1\n", encoding="utf-8")
    with pytest.raises(UsageError, match="holds a finished run trained on other data"):
        train_models(["tfidf", "nbsvm"], TrainOptions(data=grown, resume=True, **LINEAR), tmp_path / "r")
    again = train_models(["tfidf", "nbsvm"], TrainOptions(data=data, resume=True, **LINEAR), tmp_path / "r")
    assert [r.summary for r in again] == [r.summary for r in runs]  # the same data: both kept


def test_an_epoch_of_one_step_is_scored_once_and_that_is_said(caplog):
    """Two evaluations per epoch of a 1-step epoch (at most batch_size rows) were {0, 1}: step 0 never comes, so one
    evaluation ran per epoch, patience counted epochs, and nothing said so."""
    import logging

    from seqlab.training.loop import evaluation_steps

    assert evaluation_steps(10, 2) == {5, 10} and evaluation_steps(3, 2) == {2, 3}
    with caplog.at_level(logging.INFO, logger="seqlab"):
        assert evaluation_steps(1, 2) == {1}
        assert evaluation_steps(3, 5) == {1, 2, 3}
    said = [r.getMessage() for r in caplog.records]
    assert said == [("2 evaluations per epoch asked for, but an epoch has 1 step: the validation split is scored after "
                    "it, once per epoch (patience counts these)"),
                    ("5 evaluations per epoch asked for, but an epoch has 3 steps: the validation split is scored after "
                    "each, 3 times per epoch (patience counts these)")], said


def test_a_run_interrupted_before_its_first_model_is_said_to_be_unfinished(cli, tmp_path):
    """predict on a seq2seq run stopped by Ctrl-C said "not a seqlab run directory (no config.json)": the folder holds
    the checkpoint that train --resume finishes."""
    run = tmp_path / "int"
    (run / "state").mkdir(parents=True)
    (run / "state" / "state.json").write_text("{}", encoding="utf-8")
    (run / "command.json").write_text("{}", encoding="utf-8")
    for args in (("predict", str(run), "영화가재밌다"), ("evaluate", str(run), "--data", str(tmp_path / "x.tsv"))):
        code, _out, err = cli(*args)
        said = " ".join(err.split())
        assert code == 1 and f"{run} holds an unfinished run" in said and "--resume" in said, said


def test_train_models_in_python_says_the_texts_it_cut(data, tmp_path, caplog):
    """In a notebook train_models said nothing of the texts longer than max_length, which the command line prints
    under its table ("lstm: 7 texts were longer than max_length = 128 tokens …")."""
    import logging

    from seqlab.training.runs import TrainOptions, train_models

    with caplog.at_level(logging.INFO, logger="seqlab"):
        (run,) = train_models(["lstm"], TrainOptions(data=data, **{**FAST, "max_length": 4}), tmp_path / "r")
    cut = run.summary["truncated"]
    assert cut["texts"] > 0
    said = [r.getMessage() for r in caplog.records if "longer than max_length" in r.getMessage()]
    assert said and said[0].startswith(f"lstm: {cut['texts']:,} texts were longer than max_length = 4 tokens"), said


def test_a_resume_of_a_run_that_stopped_early_says_so(caplog):
    """A checkpoint saved after an early stop was said to resume "at step 40 of 120", and then trained nothing."""
    import logging

    from seqlab.training.loop import say_resumed

    with caplog.at_level(logging.INFO, logger="seqlab"):
        say_resumed(40, 120, stopped=True)
        say_resumed(40, 120)
        say_resumed(120, 120)
    assert [r.getMessage().split(":")[0] for r in caplog.records] == [
        "training had stopped early at step 40 of 120 (patience)", "resuming at step 40 of 120",
        "training had finished (step 120 of 120)"]
