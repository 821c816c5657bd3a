"""``--model best`` (stacked tfidf + lstm), NB-SVM and the word2vec-initialized embedding, on the sample."""

import json

import numpy as np
import pytest

FAST = ["--tokenizer", "char", "--embedding", "random", "--embed-dim", "16", "--hidden", "16", "--epochs", "2",
        "--batch-size", "32", "--seed", "3"]


@pytest.fixture(scope="module")
def best_run(tmp_path_factory, data):
    out = tmp_path_factory.mktemp("runs") / "best"
    code = __import__("seqlab.cli", fromlist=["main"]).main(
        ["train", "--data", str(data), "--model", "best", "--out", str(out), *FAST, "--json"])
    assert code == 0
    return out


def _val(data):
    from seqlab.training.data import load_dataset, train_val_split

    return train_val_split(load_dataset(data), 0.1, 3)[1]


def test_best_run_directory_records_members_and_stacker(best_run):
    config = json.loads((best_run / "config.json").read_text())
    metrics = json.loads((best_run / "metrics.json").read_text())
    assert config["model"] == "best" and list(config["members"]) == ["tfidf", "lstm"]
    for name, rel in config["members"].items():
        member = json.loads((best_run / rel / "config.json").read_text())
        assert member["model"] == name and (best_run / rel / "val_probabilities.safetensors").is_file()
        assert metrics["members"][name]["val"]["n"] == 200
    assert np.array(metrics["stacker"]["coef"]).shape == (1, 4)  # 2 members x 2 classes, binary: one row
    assert 0 <= metrics["val_cross_validated"] <= 1 and metrics["val"]["n"] == 200
    assert not any(p.suffix == ".pkl" for p in best_run.rglob("*"))


def test_best_evaluate_json_contract_and_reloaded_predictions(best_run, data, cli):
    code, out, _ = cli("evaluate", str(best_run), "--data", str(data), "--json")
    obj = json.loads(out)
    assert code == 0 and {"accuracy", "macro_f1", "n", "confusion", "bad_rows"} <= set(obj)
    assert obj["n"] == 2000 and np.array(obj["confusion"]).sum() == 2000
    from seqlab.training.predictors import load_predictor
    from seqlab.training.rundir import RunDir

    val = _val(data)
    probs = load_predictor(best_run).predict_proba(val.texts)  # members reloaded from disk, then the stacker
    np.testing.assert_allclose(probs, RunDir(best_run).read_val_probabilities(), atol=1e-4)
    metrics = json.loads((best_run / "metrics.json").read_text())
    assert float((probs.argmax(1) == val.labels).mean()) == pytest.approx(metrics["val"]["accuracy"])
    code, out, _ = cli("predict", str(best_run), "정말 재밌어요", "--json")
    assert code == 0 and json.loads(out)["label"] in ("0", "1")


def test_best_is_at_least_as_good_as_its_worst_member(best_run):
    metrics = json.loads((best_run / "metrics.json").read_text())
    worst = min(m["val"]["accuracy"] for m in metrics["members"].values())
    assert metrics["val"]["accuracy"] >= worst


def test_best_is_in_the_help(cli):
    code, out, _ = cli("train", "--help")
    assert code == 0 and "best" in out and "nbsvm" in out and "word2vec" in out


def test_nbsvm_reloads_to_the_same_probabilities(tmp_path, data, cli):
    code, out, _ = cli("train", "--data", str(data), "--model", "nbsvm", "--out", str(tmp_path / "nb"), "--seed",
                       "3", "--json")
    summary = json.loads(out)
    from seqlab.training.predictors import load_predictor
    from seqlab.training.rundir import RunDir

    probs = load_predictor(tmp_path / "nb").predict_proba(_val(data).texts)
    np.testing.assert_allclose(probs, RunDir(tmp_path / "nb").read_val_probabilities(), atol=1e-5)
    assert code == 0 and summary["model"] == "nbsvm" and summary["val"]["accuracy"] > 0.7


def test_log_count_ratio_against_counts():
    from scipy.sparse import csr_matrix

    from seqlab.training.nbsvm import log_count_ratio

    B = csr_matrix(np.array([[1, 1, 0], [1, 0, 0], [0, 0, 1]], dtype=np.float32))
    y = np.array([1, 1, 0])
    p, q = np.array([2, 1, 0]) + 1.0, np.array([0, 0, 1]) + 1.0
    np.testing.assert_allclose(log_count_ratio(B, y, 1.0), np.log((p / p.sum()) / (q / q.sum())), rtol=1e-6)


def test_word2vec_embedding_covers_the_vocabulary_and_keeps_pad_zero(nsmc_rows):
    from seqlab.training.prepare import build_vocab, encode, split_tokens
    from seqlab.training.word2vec_init import word2vec_embedding

    tokens = split_tokens([r[1] for r in nsmc_rows[:500]], "char", 64)
    vocab = build_vocab(tokens, "char", 2, None, 64)
    matrix, covered = word2vec_embedding(encode(tokens, vocab), 12, seed=1)
    assert matrix.shape == (len(vocab), 12) and covered == len(vocab) - len(vocab.specials)
    assert not matrix[vocab.pad_id].any()
    norms = np.linalg.norm(matrix[len(vocab.specials):], axis=1)
    np.testing.assert_allclose(norms, np.sqrt(12) * 0.1, rtol=1e-4)


@pytest.mark.slow
def test_best_with_only_the_contract_arguments(tmp_path, data, cli):
    """The contract as an outside check runs it: kiwi morphemes, word2vec-initialized BiLSTM, n-gram members."""
    code, _, _ = cli("train", "--data", str(data), "--model", "best", "--out", str(tmp_path / "b"))
    assert code == 0
    code, out, _ = cli("evaluate", str(tmp_path / "b"), "--data", str(data), "--json")
    obj = json.loads(out)
    lstm = json.loads((tmp_path / "b" / "members" / "lstm" / "config.json").read_text())
    assert code == 0 and obj["accuracy"] > 0.7
    assert lstm["recurrent"]["embedding_init"] == "word2vec" and lstm["tokenizer"] == "kiwi"
