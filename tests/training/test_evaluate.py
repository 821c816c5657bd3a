"""evaluate on a trained run: whether its data was held out (the training file itself, or rows of it)."""


from seqlab.training.runs import TrainOptions, train_models
from tests.training.conftest import LINEAR

DATA_ROWS = 600  # the first 600 reviews: every training here takes seconds


def test_evaluate_says_when_it_is_given_the_training_file(tmp_path, data):
    """evaluate on the model's own training file gave 98% with no word; its confusion matrix showed 0 and 1 where
    predict shows 1 (positive)."""
    from rich.console import Console

    from seqlab.render.training import evaluation_terminal
    from seqlab.training.predictors import evaluate

    train_models("tfidf", TrainOptions(data=data, **LINEAR), tmp_path / "run")
    own = evaluate(tmp_path / "run", data)
    assert own.trained_on and own.to_dict()["trained_on"] is True
    other = tmp_path / "other.tsv"
    other.write_text("id\tdocument\tlabel\n1\t정말 재밌는 영화\t1\n2\t최악의 영화\t0\n", encoding="utf-8")
    assert not evaluate(tmp_path / "run", other).trained_on
    console = Console(record=True, width=200)
    evaluation_terminal(own, console)
    shown = console.export_text()
    assert "is the file this model was trained on" in shown and "1 (positive)" in shown and "0 (negative)" in shown


def test_evaluate_counts_the_rows_it_saw_in_training(tmp_path, nsmc_rows, monkeypatch):
    """A test file sharing some rows with the training file got the same silent scores as a held-out one; only the
    training file itself was noticed. evaluate now counts the shared rows (the training file found by its recorded
    absolute path, from any working directory) and scores the other rows apart."""
    from rich.console import Console

    from seqlab.render.training import evaluation_terminal
    from seqlab.training.predictors import evaluate

    def tsv(name, rows):
        path = tmp_path / name
        path.write_text("id\tdocument\tlabel\n" + "\n".join("\t".join(r) for r in rows) + "\n", encoding="utf-8")
        return path

    train = tsv("train.tsv", nsmc_rows[:600])
    monkeypatch.chdir(tmp_path)
    train_models("tfidf", TrainOptions(data="train.tsv", **LINEAR), tmp_path / "run")  # a relative path, as typed
    fresh = [r for r in nsmc_rows[600:] if r[1] not in {t[1] for t in nsmc_rows[:600]}][:40]
    mixed = tsv("mixed.tsv", nsmc_rows[590:600] + fresh)
    monkeypatch.chdir("/")
    result = evaluate(tmp_path / "run", mixed)
    seen = result.seen_in_training
    assert seen.checked and (seen.rows, seen.of) == (10, 50) and seen.training_file == str(train)
    assert seen.unseen.n == 40 and result.to_dict()["seen_in_training"]["unseen"]["n"] == 40
    assert result.to_dict()["seen_in_training"]["rows"] == 10
    console = Console(record=True, width=300)
    evaluation_terminal(result, console)
    assert "10 of 50 rows (20.0%) have a text that is also in the training file" in console.export_text()
    held_out = evaluate(tmp_path / "run", tsv("fresh.tsv", fresh))
    assert held_out.seen_in_training.rows == 0 and held_out.seen_in_training.unseen is None
    def unreadable(*_args, **_kwargs):
        raise PermissionError(13, "Permission denied")

    import seqlab.training.data

    with monkeypatch.context() as patch:  # the scores stand: a training file that cannot be read is said, not fatal
        patch.setattr(seqlab.training.data, "load_dataset", unreadable)
        result = evaluate(tmp_path / "run", mixed)
    assert result.metrics.n == 50 and result.seen_in_training.reason == "unreadable"
    train.write_text(train.read_text(encoding="utf-8") + "999\t새 줄\t1\n", encoding="utf-8")  # changed since
    changed = evaluate(tmp_path / "run", mixed).seen_in_training
    assert not changed.checked and changed.reason == "changed"
    train.unlink()
    assert evaluate(tmp_path / "run", mixed).to_dict()["seen_in_training"] == {
        "checked": False, "training_file": str(train), "reason": "moved"}
