"""A folder made by ``seqlab train`` given as a model: said as a run folder, with what to do with it."""

import pytest


@pytest.mark.parametrize("command", ["tokenize", "embed", "compare"])
def test_a_run_folder_given_as_a_model_says_what_it_is(tmp_path, cli, nsmc_rows, command):
    """tokenize -m runs/a/nbsvm: "could not load model …: Couldn't instantiate the backend tokenizer from one of:"
    (its seqlab vocab.json read as a Hugging Face file), and embed advised using the folder with tokenize."""
    data = tmp_path / "t.tsv"
    data.write_text("id\tdocument\tlabel\n" + "\n".join("\t".join(r) for r in nsmc_rows[:100]) + "\n",
                    encoding="utf-8")
    assert cli("train", "--data", str(data), "--model", "tfidf,nbsvm", "--out", str(tmp_path / "runs"))[0] == 0
    for folder, member in [(tmp_path / "runs" / "nbsvm", "nbsvm"), (tmp_path / "runs", "nbsvm")]:
        code, _out, err = cli("--lang", "en", command, "영화", "-m", str(folder))
        said = " ".join(err.split())
        assert code == 2 and f"{folder} is a run folder of seqlab train, not a model" in said, said
        assert f"seqlab predict {tmp_path / 'runs' / member} TEXT" in said and "instantiate" not in said


@pytest.mark.parametrize("args", [("tokenize", "영화"), ("embed", "영화"), ("similarity", "영화", "배우"),
                                  ("order-demo",)])
def test_an_empty_folder_given_as_a_model_is_said_to_hold_nothing(tmp_path, cli, args):
    """order-demo -m EMPTY said "EMPTY holds a tokenizer only" and to use it with tokenize: the folder held nothing."""
    empty = tmp_path / "empty"
    empty.mkdir()
    code, _out, err = cli(*args, "-m", str(empty))
    said = " ".join(err.split())
    assert code == 1 and f"{empty} is not a model directory: it has no tokenizer file" in said, said
    assert "It holds: nothing" in said and "tokenizer only" not in said
