"""Fixtures of the training tests: the 2,000-review NSMC sample as a training file."""

import pytest

# TrainOptions of a model that trains in seconds (char tokens, a small random embedding, one epoch)
FAST = {"tokenizer": "char", "embedding": "random", "embed_dim": 16, "hidden": 16, "epochs": 1, "batch_size": 32,
        "seed": 3}
LINEAR = {"seed": 3}  # tfidf and nbsvm: their settings are their own (train_models refuses FAST's for them)


@pytest.fixture(scope="module")
def data(request, tmp_path_factory, nsmc_rows):
    """The sample as ``train.tsv``; a test module's ``DATA_ROWS`` takes only its first rows (faster trainings)."""
    rows = nsmc_rows[: getattr(request.module, "DATA_ROWS", None)]
    path = tmp_path_factory.mktemp("data") / "train.tsv"
    path.write_text("id\tdocument\tlabel\n" + "\n".join("\t".join(r) for r in rows) + "\n", encoding="utf-8")
    return path
