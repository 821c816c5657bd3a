"""The NumPy encoder (explain, trace) equals AutoModel's last_hidden_state on the embedded models."""

from __future__ import annotations

import numpy as np
import pytest

from seqlab.pipeline.explain import explain
from seqlab.vectors.encoder import load_encoder
from seqlab.vectors.numpy_encoder import NumpyEncoder, numpy_encoder, readable

TEXTS = ["안녕하세요, 오늘 날씨가 정말 좋네요", "The lecture's point: subwords and [UNK].", "ㅋㅋㅋ 😀 x"]


@pytest.mark.parametrize("model", ["e5-small", "minilm"])
def test_float32_and_float64_equal_automodel(model):
    import torch

    light, enc = numpy_encoder(model), load_encoder(model)
    assert light is not None and readable(light.directory)
    double = NumpyEncoder(light.directory, dtype=np.float64)
    model64 = type(enc.model).from_pretrained(light.directory).double().eval()
    for text in TEXTS:
        rec = enc.tokenizer.encode(text)
        reference = enc.embed_records([rec])[0].hidden
        np.testing.assert_allclose(light.last_hidden_state(rec.input_ids), reference, atol=2e-5)
        with torch.no_grad():
            ids = torch.tensor([rec.input_ids])
            ref64 = model64(input_ids=ids, token_type_ids=torch.zeros_like(ids)).last_hidden_state[0].numpy()
        np.testing.assert_allclose(double.last_hidden_state(rec.input_ids), ref64, atol=1e-10)
        table = enc.model.get_input_embeddings().weight.detach().numpy()
        assert np.array_equal(light.word_rows(rec.input_ids), table[rec.input_ids])


def test_explain_numbers_equal_the_torch_path(monkeypatch):
    """explain's stage 4 (NumPy) and 5 (rows read from the file, torch's init drawn in NumPy) equal the torch path."""
    light = explain(TEXTS[0], "e5-small")
    monkeypatch.setattr("seqlab.vectors.numpy_encoder.numpy_encoder", lambda model: None)
    heavy = explain(TEXTS[0], "e5-small")
    a, b = light.stages["embedding"], heavy.stages["embedding"]
    np.testing.assert_allclose(a.hidden, b.hidden, atol=2e-5)
    np.testing.assert_allclose(a.pooled, b.pooled, atol=1e-6)
    assert np.array_equal(light.stages["lstm"].final["h"], heavy.stages["lstm"].final["h"])  # bit for bit


def test_tokenizer_only_models_and_unknown_folders_have_none(tmp_path):
    assert numpy_encoder("kiwi") is None and numpy_encoder("char") is None
    assert not readable(tmp_path)


def test_folders_it_cannot_run_exactly_go_to_the_torch_path(tmp_path):
    import json
    import shutil

    from safetensors.numpy import load_file, save_file

    source = numpy_encoder("minilm").directory
    for name in ("config.json", "model.safetensors"):
        shutil.copy(source / name, tmp_path / name)
    assert readable(tmp_path)
    tensors = load_file(str(tmp_path / "model.safetensors"))
    missing = {k: v for k, v in tensors.items() if "layer.0.output.dense.bias" not in k}
    save_file(missing, str(tmp_path / "model.safetensors"))
    assert not readable(tmp_path)  # a tensor the forward pass reads is missing
    config = json.loads((source / "config.json").read_text())
    (tmp_path / "config.json").write_text(json.dumps({**config, "hidden_act": "gelu_new"}))
    assert not readable(tmp_path)
