"""Attention weights computed up to a layer are the full forward's weights of those layers."""

import numpy as np
import pytest

from seqlab.errors import InputError
from seqlab.pipeline.attention import attention
from seqlab.vectors.encoder import load_encoder


@pytest.mark.parametrize(("name", "text"), [("e5-small", "나는 오늘 학교에 갔다"), ("minilm", "the cat sat on the mat")])
def test_the_first_layers_are_the_full_forwards(name, text):
    enc = load_encoder(name, "cpu")
    record = enc.tokenizer.encode(text)
    full = enc.attentions(record)  # output_attentions=True: the model's own forward
    assert full.shape[0] == enc.num_layers
    for layers in (1, 5):
        first = enc.attentions(record, layers)
        assert first.shape == (layers, *full.shape[1:])
        np.testing.assert_allclose(first, full[:layers], atol=1e-6)
    np.testing.assert_array_equal(enc.attentions(record, enc.num_layers + 3), full)  # more than there are: all


def test_a_record_of_the_first_layers_says_the_models_shape_and_refuses_the_rest():
    text = "안녕하세요, 반갑습니다"
    part, whole = attention(text, "e5-small", layers=3), attention(text, "e5-small")
    assert (part.computed, part.layers, whole.computed, whole.layers) == (3, 12, 12, 12)
    assert part.to_dict(2, 4) == whole.to_dict(2, 4)  # shape [12, 12, T, T] in both, the same weights
    with pytest.raises(ValueError, match="not computed"):
        part.matrix(3)
    with pytest.raises(InputError, match="does not exist"):
        part.matrix(12)
    with pytest.raises(InputError):
        attention(text, "e5-small", layers=0)


def test_attention_never_switches_the_shared_model(monkeypatch):
    """Both attention paths switched the one model to eager and back: a padded embed batch running on another thread
    (the web server's batcher) could then get an SDPA mask in the eager kernel, which adds it instead of masking."""
    enc = load_encoder("e5-small", "cpu")

    def refuse(*args, **kwargs):
        raise AssertionError("the shared model's attention implementation was switched")

    monkeypatch.setattr(enc.model, "set_attn_implementation", refuse)
    record = enc.tokenizer.encode("다른 스레드가 이 모델을 쓰고 있습니다")
    full, first = enc.attentions(record), enc.attentions(record, 2)
    np.testing.assert_allclose(first, full[:2], atol=1e-6)
    assert enc.model.config._attn_implementation == "sdpa"
    twin = enc._eager_model()  # the eager twin shares every weight: no second copy in memory
    assert twin.config._attn_implementation == "eager"
    assert all(a.data_ptr() == b.data_ptr() for a, b in zip(enc.model.parameters(), twin.parameters()))


def test_a_record_of_the_first_layers_is_drawn_as_what_it_holds():
    """attention(text, layers=3) went to the notebook view as "layers": 12 beside a 3-layer stack: the widget let
    layer 5 through and the view read a layer that was not there."""
    from seqlab.render import view_records as vr
    from seqlab.render.notebook import _attention
    from seqlab.render.widget import positions

    part = attention("안녕하세요, 반갑습니다", "e5-small", layers=3)
    out, notes = vr.attention_json(part)
    assert out["layers"] == 3 == len(out["stack"]) and any("first 3 of e5-small's 12 layers" in n for n in notes)
    assert positions([["attention_layers", out]])["layer"] == (0, 2)
    assert "3 of 12 layers" in _attention(part)[2]
    with pytest.raises(InputError, match="layers must be a whole number"):
        attention("안녕", "e5-small", layers=2.5)
