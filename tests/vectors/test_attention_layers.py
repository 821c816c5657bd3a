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
