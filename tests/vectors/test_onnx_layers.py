"""The encoder layers in ONNX Runtime (seqlab.vectors.onnx_layers): the same numbers as the HF model, or refused."""

from __future__ import annotations

import json
import threading
import time

import numpy as np
import pytest

from seqlab.errors import ModelUnavailable


def tiny_bert(folder, seed: int):
    """A random 2-layer BERT saved where the export's child process can load it."""
    import torch
    from transformers import BertConfig, BertModel

    torch.manual_seed(seed)
    config = BertConfig(vocab_size=50, hidden_size=16, num_hidden_layers=2, num_attention_heads=2,
                        intermediate_size=32, max_position_embeddings=40)
    model = BertModel(config, add_pooling_layer=False).eval()
    model.save_pretrained(folder)
    return model


@pytest.fixture(scope="module")
def exported(tmp_path_factory):
    """A tiny BERT's layers, exported by the child process's own code (``_main``), run in this process: a real child
    would import torch and transformers again (15 s more; the slow e5-small tests below start one).

    Beside it, before the export: an older export of the same model (other weights), which the export removes, and
    the export of another model whose name starts the same, which it keeps."""
    from seqlab.vectors.onnx_layers import _main, cache_folder, fingerprint

    source = tmp_path_factory.mktemp("tiny-bert")
    model = tiny_bert(source, seed=0)
    older = cache_folder(str(source), "f" * 64)
    another = older.parent / (older.name[:-17] + "-v2-" + "a" * 16)
    for folder in (older, another):
        folder.mkdir(parents=True)
    digest = fingerprint(model)
    folder = cache_folder(str(source), digest)
    assert _main([str(source), str(folder), digest]) == 0
    assert not older.exists() and another.exists()
    return model, folder, source


def test_tiny_bert_layers_equal_the_hf_model_on_a_padded_batch(exported):
    import torch

    from seqlab.vectors.onnx_layers import OnnxLayers

    model, folder, _source = exported
    ids = torch.tensor([[2, 7, 9, 11, 3, 0, 0], [2, 5, 6, 7, 8, 9, 3]])
    mask = (torch.arange(7)[None, :] < torch.tensor([[5], [7]])).long()
    types = torch.tensor([[0, 0, 0, 1, 1, 0, 0], [0, 0, 0, 0, 1, 1, 1]])  # BERT's segment embeddings stay in torch
    with torch.inference_mode():
        want = model(input_ids=ids, attention_mask=mask, token_type_ids=types).last_hidden_state.numpy()
        embedded = model.embeddings(input_ids=ids, token_type_ids=types).numpy()
    layers = OnnxLayers(folder, threads=1)
    got = layers.run(embedded, mask.numpy())
    assert got.shape == want.shape == (2, 7, 16)
    real = mask.numpy().astype(bool)
    np.testing.assert_allclose(got[real], want[real], atol=1e-5)
    alone = layers.run(embedded[:1, :5], mask.numpy()[:1, :5])  # one text, no padding: the same numbers
    np.testing.assert_allclose(alone[0], want[0, :5], atol=1e-5)


def test_an_export_that_gives_other_numbers_than_torch_is_not_kept(exported):
    import torch

    from seqlab.vectors.onnx_layers import _layer_stack, check_export

    model, folder, _source = exported
    check_export(_layer_stack(model), folder)  # the kept export passes its own check
    weight = model.encoder.layer[0].intermediate.dense.weight
    kept = weight.detach().clone()
    change = 0.01 * torch.randn(weight.shape, generator=torch.Generator().manual_seed(1))  # (not a constant: the
    with torch.no_grad():                                                  # LayerNorm'd input sums to 0 per token)
        weight.add_(change)
    try:
        with pytest.raises(RuntimeError, match="differs from torch"):
            check_export(_layer_stack(model), folder)
    finally:
        with torch.no_grad():
            weight.copy_(kept)  # bit for bit: the other tests' fingerprint depends on it


def test_the_cache_is_used_and_a_changed_weight_is_not_served_from_it(exported, monkeypatch):
    import torch

    from seqlab.vectors import onnx_layers
    from seqlab.vectors.onnx_layers import cache_folder, ensure_exported, fingerprint, is_exported

    model, folder, source = exported
    digest = fingerprint(model)
    assert folder == cache_folder(str(source), digest) and is_exported(folder, digest)

    def no_child(*args, **kwargs):
        raise AssertionError("a cached export was exported again")

    monkeypatch.setattr(onnx_layers.subprocess, "run", no_child)
    assert ensure_exported(str(source), model) == folder
    bias = model.encoder.layer[1].output.dense.bias
    kept = bias.detach().clone()
    with torch.no_grad():
        bias[0] += 1e-3
    try:
        assert fingerprint(model) != digest and not is_exported(folder, fingerprint(model))
    finally:
        with torch.no_grad():
            bias.copy_(kept)
    record = json.loads((folder / "source.json").read_text(encoding="utf-8"))
    assert record["fingerprint"] == digest
    (folder / "source.json").write_text(json.dumps({**record, "fingerprint": "0" * 64}), encoding="utf-8")
    try:
        assert not is_exported(folder, digest)  # a file from other weights is never loaded
    finally:
        (folder / "source.json").write_text(json.dumps(record), encoding="utf-8")


def test_a_child_that_loads_other_weights_exports_nothing(exported, tmp_path):
    from seqlab.vectors.onnx_layers import OTHER_WEIGHTS, _main, fingerprint

    model, _folder, _source = exported
    other = tmp_path / "other"
    tiny_bert(other, seed=1)  # the same architecture, other weights, under the name the child loads
    target = tmp_path / "export"
    assert _main([str(other), str(target), fingerprint(model)]) == OTHER_WEIGHTS  # the child's code, in this process
    assert not target.exists()


@pytest.mark.parametrize(("code", "stderr", "said"), [
    (1, "Traceback …\nMemoryError: out of memory\n", "it ended with exit code 1 (MemoryError: out of memory)"),
    (-9, "", "it was stopped by signal 9"),
    (3, "", "the model loads with other weights in a new process than in this one"),
])
def test_a_failed_export_is_refused_with_what_the_child_said(exported, tmp_path, monkeypatch, code, stderr, said):
    import subprocess

    from seqlab.vectors import onnx_layers

    model, _folder, _source = exported
    failed = subprocess.CompletedProcess([], code, stdout="", stderr=stderr)
    monkeypatch.setattr(onnx_layers.subprocess, "run", lambda *args, **kwargs: failed)
    monkeypatch.setenv("SEQLAB_HOME", str(tmp_path))  # no cached export to find
    with pytest.raises(ModelUnavailable) as caught:
        onnx_layers.ensure_exported("tiny", model)
    assert caught.value.message == f"exporting tiny to ONNX failed: {said}" and "torch runs" in caught.value.hint


def test_a_damaged_export_is_exported_again_once_then_refused(exported, tmp_path, monkeypatch):
    import shutil

    from seqlab.vectors import onnx_layers

    model, folder, _source = exported
    damaged = tmp_path / "damaged"
    shutil.copytree(folder, damaged)
    (damaged / "layers.onnx.data").unlink()  # ONNX Runtime's own Fail, not a seqlab error
    assert not onnx_layers.is_exported(damaged, onnx_layers.fingerprint(model))
    given = [damaged, folder]
    monkeypatch.setattr(onnx_layers, "ensure_exported", lambda name, model: given.pop(0))
    assert onnx_layers.load_layers("tiny", model).folder == folder and not damaged.exists()  # exported again
    shutil.copytree(folder, damaged)
    (damaged / "layers.onnx.data").write_bytes(b"")
    given[:] = [damaged, damaged]
    with pytest.raises(ModelUnavailable, match="ONNX Runtime cannot load"):
        onnx_layers.load_layers("tiny", model)


def test_a_cached_file_damaged_at_its_own_size_is_caught_when_it_loads(exported, tmp_path, monkeypatch):
    """A new user overwrote 4 MB inside layers.onnx.data, keeping its size: the server said "ready" and answered
    every embedding with null numbers. Each load now checks a test batch against torch, and exports again."""
    import shutil

    from seqlab.vectors import onnx_layers

    model, folder, _source = exported
    corrupt = tmp_path / "corrupt"
    shutil.copytree(folder, corrupt)
    data = corrupt / "layers.onnx.data"
    size = data.stat().st_size
    with open(data, "r+b") as f:
        f.seek(size // 4)
        f.write(b"\xff" * (size // 2))  # NaNs in the weights, the size unchanged
    assert data.stat().st_size == size and onnx_layers.is_exported(corrupt, onnx_layers.fingerprint(model))
    with pytest.raises(RuntimeError, match="differs from torch"):
        onnx_layers.check_export(onnx_layers._layer_stack(model), corrupt)
    given = [corrupt, folder]
    monkeypatch.setattr(onnx_layers, "ensure_exported", lambda name, model: given.pop(0))
    assert onnx_layers.load_layers("tiny", model).folder == folder and not corrupt.exists()


def test_a_decoder_model_is_not_offered_to_onnx_runtime():
    from transformers import GPT2Config, GPT2Model

    from seqlab.vectors.onnx_layers import unsupported_reason

    model = GPT2Model(GPT2Config(n_layer=1, n_head=2, n_embd=8, vocab_size=20, n_positions=16))
    assert "gpt2" in unsupported_reason(model)


@pytest.fixture(scope="module")
def e5_onnx():
    """A second e5-small encoder of its own (the shared one stays on torch for the other tests), on ONNX Runtime.

    Its export takes about 35 s, so the e5-small tests are ``slow``; the tiny BERT above runs the same code."""
    from seqlab.vectors.encoder import Encoder

    encoder = Encoder("e5-small")
    assert encoder.engine == "torch"
    encoder.use_onnx()
    return encoder


TEXTS = ["안녕하세요, 반갑습니다", "이 영화 정말 재밌어요 ㅋㅋ 강추합니다", "짧다"]


@pytest.mark.slow
def test_e5_records_equal_torch_and_say_their_engine(e5_onnx):
    from seqlab.vectors.onnx_layers import OnnxOutput

    assert e5_onnx.engine == "onnxruntime"
    records = e5_onnx.embed_many(TEXTS, pooling="mean", normalize=True, prefix="query: ")
    output, mask = e5_onnx.forward_ids([r.tokens.input_ids for r in records], layers=True)  # torch: layers
    assert not isinstance(output, OnnxOutput)
    want = output.last_hidden_state.numpy()
    for i, record in enumerate(records):
        n = int(mask[i].sum())
        assert record.hidden.shape == (n, 384)
        np.testing.assert_allclose(record.hidden, want[i, :n], atol=1e-5)
        assert record.extra == {"prefix": "query: ", "engine": "onnxruntime"}
        assert record.to_dict()["engine"] == "onnxruntime"


@pytest.mark.slow
def test_e5_layers_and_attention_stay_on_torch(e5_onnx):
    (record,) = e5_onnx.embed_many(TEXTS[:1], layers=True)
    assert record.layers.shape[0] == 13 and "engine" not in record.extra
    np.testing.assert_allclose(e5_onnx.embed(TEXTS[0]).hidden, record.hidden, atol=1e-5)
    weights = e5_onnx.attentions(record.tokens, layers=1)
    np.testing.assert_allclose(weights.sum(-1), 1, atol=1e-5)


@pytest.mark.slow
def test_e5_long_text_windows_run_on_onnx_runtime(e5_onnx):
    text = " ".join(["오늘 날씨가 정말 좋네요"] * 30)
    record = e5_onnx.embed(text, long="window", max_length=32, stride=10)
    assert record.extra["long"]["windows"] > 1 and record.extra["engine"] == "onnxruntime"


def test_the_server_switches_its_default_model_once_exported(monkeypatch):
    from seqlab.vectors import encoder as encoder_module
    from seqlab.web.service import ServeConfig, Service

    class Switching:
        engine = "torch"

        def use_onnx(self):
            self.engine = "onnxruntime"

    monkeypatch.setattr(encoder_module, "load_encoder", lambda name=None, device="auto": Switching())
    service = Service(ServeConfig())
    assert service.engine.state == "off"
    service._use_onnx()
    said = service.engine.to_dict()
    assert {k: said[k] for k in ("model", "engine", "state", "error")} == {
        "model": "e5-small", "engine": "onnxruntime", "state": "ready", "error": None}
    assert said["note"].startswith("ONNX Runtime runs the encoder layers")


@pytest.mark.parametrize("error", [ModelUnavailable("exporting e5-small to ONNX failed: out of memory", "torch runs"),
                                   OSError(28, "No space left on device")])
def test_the_server_says_why_it_stays_on_torch(monkeypatch, error):
    """Only SeqlabErrors were caught: any other error ended the switching thread with a traceback, and /api/models
    said "exporting" for ever."""
    from seqlab.vectors import encoder as encoder_module
    from seqlab.web.service import ServeConfig, Service

    class Refusing:
        engine = "torch"

        def use_onnx(self):
            raise error

    monkeypatch.setattr(encoder_module, "load_encoder", lambda name=None, device="auto": Refusing())
    service = Service(ServeConfig())
    service.start_onnx()
    for _ in range(100):
        if service.engine.state != "exporting":
            break
        time.sleep(0.05)
    for thread in threading.enumerate():  # its last log line too: written after the test, it hit a closed stream
        if thread.name == "seqlab-onnx":
            thread.join(10)
    assert service.engine.state == "failed" and service.engine.engine == "torch"
    assert ("out of memory" if isinstance(error, ModelUnavailable) else "No space left") in service.engine.error
    off = Service(ServeConfig(onnx=False))
    off.start_onnx()  # seqlab serve --engine torch
    assert off.engine.state == "off"


def test_the_reason_is_worded_in_the_language_the_server_was_started_in(monkeypatch):
    """serve --lang ko printed "e5-small은(는) … : exporting e5-small to ONNX failed …": the thread had no language."""
    from seqlab.i18n import _, use_language
    from seqlab.vectors import encoder as encoder_module
    from seqlab.web.service import ServeConfig, Service

    class Refusing:
        def use_onnx(self):
            raise ModelUnavailable(_("exporting {name} to ONNX failed: {detail}").format(name="e5-small", detail="x"))

    monkeypatch.setattr(encoder_module, "load_encoder", lambda name=None, device="auto": Refusing())
    service = Service(ServeConfig())
    with use_language("ko"):
        service.start_onnx()
    for _unused in range(100):
        if service.engine.state != "exporting":
            break
        time.sleep(0.05)
    assert service.engine.state == "failed" and "ONNX로 내보내지 못했습니다" in service.engine.error
