"""Fixtures of the training tests: the 2,000-review NSMC sample as a training file."""

import pytest


@pytest.fixture(scope="module")
def data(tmp_path_factory, nsmc_rows):
    path = tmp_path_factory.mktemp("data") / "train.tsv"
    path.write_text("id\tdocument\tlabel\n" + "\n".join("\t".join(r) for r in nsmc_rows) + "\n", encoding="utf-8")
    return path
