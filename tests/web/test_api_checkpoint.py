"""The prediction panel's API and a trace of the trained model the server was started with (--checkpoint)."""

import pytest
from fastapi.testclient import TestClient

from seqlab.web.app import create_app
from seqlab.web.service import ServeConfig


def test_predict_with_a_checkpoint(tmp_path, nsmc_rows, browser, monkeypatch):
    from seqlab.cli import main

    data = tmp_path / "d.tsv"
    data.write_text("id\tdocument\tlabel\n" + "\n".join("\t".join(r) for r in nsmc_rows[:600]) + "\n", encoding="utf-8")
    out = tmp_path / "run"
    assert main(["train", "--data", str(data), "--model", "lstm", "--out", str(out), "--tokenizer", "char",
                 "--embedding", "random", "--embed-dim", "8", "--hidden", "8", "--epochs", "1", "--json"]) == 0
    from seqlab.training import recurrent

    loads = []
    monkeypatch.setattr(recurrent.RecurrentPredictor, "__init__", lambda self, *a, _real=recurrent.RecurrentPredictor
                        .__init__, **k: (loads.append(1), _real(self, *a, **k))[1])
    with TestClient(create_app(ServeConfig(checkpoint=out, allow_hosts=("testserver",)), warm=False)) as c:
        r = c.post("/api/predict", json={"text": "정말 재밌어요"}).json()
        assert r["label"] in ("0", "1") and r["trace"]["cell"] == "lstm"
        c.post("/api/predict", json={"text": "별로예요"})
        assert len(loads) == 1, loads  # the run is read once: its trace read it again at every request
        assert c.post("/api/trace", json={"text": "좋다", "checkpoint": True}).json()["checkpoint"] == str(out)
        # a run trained again in the same folder is read again: the trained model's trace is never a kept answer
        c.post("/api/trace", json={"text": "좋다", "checkpoint": True})
        assert c.app.state.shared.hits == 0 and not c.app.state.shared._kept
        # the trained model's own sizes and weights: a hidden size or seed sent with it was ignored in silence
        said = c.post("/api/trace", json={"text": "좋다", "checkpoint": True, "hidden": 4, "seed": 3})
        assert said.status_code == 400 and "hidden, seed" in said.json()["error"], said.json()
        # a text past what the model reads (its max_length, 128 tokens) is cut and said, as without a checkpoint
        long = c.post("/api/trace", json={"text": "좋" * 300, "checkpoint": True}).json()
        assert len(long["steps"]) == long["max_length"] == 128 and long["dropped"] == 300 - 128
        # and the prediction says it too, as the command does beside its line (the page showed only the label)
        cut = c.post("/api/predict?lang=en", json={"text": "좋" * 300}).json()
        assert cut["notes"] == [f"(read its first 128 tokens; {300 - 128} more were not read)"], cut
        assert "more were not read" in _shown_on_the_page(browser, cut)
    from seqlab.errors import UsageError
    from seqlab.pipeline.tracing import run_trace

    with pytest.raises(UsageError, match="not used with a checkpoint: model, input_dim") as caught:
        run_trace("lstm", "좋다", model="e5-small", input_dim=2, checkpoint=out)
    assert caught.value.option == ("model", "input_dim")



def _shown_on_the_page(browser, record: dict) -> str:
    """The text views.js's prediction view draws for an /api/predict answer (the page's own code)."""
    from seqlab.render.fragments import asset

    page = browser.new_page()
    page.set_content("<!doctype html><meta charset='utf-8'><div id='a'></div>")
    page.add_script_tag(content=asset("views.js"))
    shown = page.evaluate("""(rec) => { const box = document.getElementById("a");
        SeqlabViews.render(box, "prediction", Object.assign({}, rec, {trace: null})); return box.textContent; }""",
                          record)
    page.close()
    return shown


def test_the_prediction_panel_says_a_bias_is_not_a_reading(tmp_path, nsmc_rows, browser):
    """tfidf on "😀😀" finds none of its n-grams, so its answer is its bias: the command said so beside its line,
    the page showed only "label 1 (87.3%)" (and not what the label stands for)."""
    from seqlab.cli import main

    data = tmp_path / "d.tsv"
    data.write_text("id\tdocument\tlabel\n" + "\n".join("\t".join(r) for r in nsmc_rows[:400]) + "\n",
                    encoding="utf-8")
    assert main(["train", "--data", str(data), "--model", "tfidf", "--out", str(tmp_path / "run"), "--json"]) == 0
    with TestClient(create_app(ServeConfig(checkpoint=tmp_path / "run", allow_hosts=("testserver",)),
                               warm=False)) as c:
        bias = c.post("/api/predict?lang=en", json={"text": "😀😀"}).json()
    assert bias["notes"] == ["(the model found none of its n-grams in this text: this is its bias, not a reading)"]
    assert bias["shown_label"] in ("0 (negative)", "1 (positive)"), bias  # NSMC's meaning of its labels
    shown = _shown_on_the_page(browser, bias)
    assert "this is its bias, not a reading" in shown and bias["shown_label"] in shown, shown
