"""The prediction panel's API and a trace of the trained model the server was started with (--checkpoint)."""

import pytest
from fastapi.testclient import TestClient

from seqlab.web.app import create_app
from seqlab.web.service import ServeConfig


def test_predict_with_a_checkpoint(tmp_path, nsmc_rows):
    from seqlab.cli import main

    data = tmp_path / "d.tsv"
    data.write_text("id\tdocument\tlabel\n" + "\n".join("\t".join(r) for r in nsmc_rows[:600]) + "\n", encoding="utf-8")
    out = tmp_path / "run"
    assert main(["train", "--data", str(data), "--model", "lstm", "--out", str(out), "--tokenizer", "char",
                 "--embedding", "random", "--embed-dim", "8", "--hidden", "8", "--epochs", "1", "--json"]) == 0
    with TestClient(create_app(ServeConfig(checkpoint=out, allow_hosts=("testserver",)), warm=False)) as c:
        r = c.post("/api/predict", json={"text": "정말 재밌어요"}).json()
        assert r["label"] in ("0", "1") and r["trace"]["cell"] == "lstm"
        assert c.post("/api/trace", json={"text": "좋다", "checkpoint": True}).json()["checkpoint"] == str(out)
        # the trained model's own sizes and weights: a hidden size or seed sent with it was ignored in silence
        said = c.post("/api/trace", json={"text": "좋다", "checkpoint": True, "hidden": 4, "seed": 3})
        assert said.status_code == 400 and "hidden, seed" in said.json()["error"], said.json()
        # a text past what the model reads (its max_length, 128 tokens) is cut and said, as without a checkpoint
        long = c.post("/api/trace", json={"text": "좋" * 300, "checkpoint": True}).json()
        assert len(long["steps"]) == long["max_length"] == 128 and long["dropped"] == 300 - 128
    from seqlab.errors import UsageError
    from seqlab.pipeline.tracing import run_trace

    with pytest.raises(UsageError, match="not used with a checkpoint: model, input_dim") as caught:
        run_trace("lstm", "좋다", model="e5-small", input_dim=2, checkpoint=out)
    assert caught.value.option == ("model", "input_dim")
