"""The padding-free forward and pooling against the Hugging Face model itself."""

import numpy as np
import pytest
import torch

from seqlab.vectors.encoder import load_encoder
from seqlab.vectors.packed import PackedEncoder, segment_mean
from seqlab.vectors.pooling import l2_normalize, pool

TEXTS = ["안녕하세요, 오늘 날씨가 정말 좋네요", "짧다", "The quick brown fox jumps over the lazy dog again and again.", ""]


@pytest.mark.parametrize(("name", "row_multiple"), [("minilm", 64), ("e5-small", 64), ("e5-small", 1), ("e5-small", 7)])
def test_packed_equals_hf_in_float64(name, row_multiple):
    enc = load_encoder(name, "cpu")
    import copy

    model = copy.deepcopy(enc.model).double()
    batch = enc.tokenizer.batch(TEXTS, padding="longest")
    ids, mask = torch.from_numpy(batch.input_ids), torch.from_numpy(batch.attention_mask)
    with torch.inference_mode():
        kwargs = {"input_ids": ids, "attention_mask": mask}
        if enc.tokenizer.has_token_type_ids:
            kwargs["token_type_ids"] = torch.zeros_like(ids)
        ref = model(**kwargs).last_hidden_state[mask.bool()]  # (N, H) real tokens
        out = PackedEncoder(model)(ids[mask.bool()], mask.sum(1), row_multiple=row_multiple)
    assert out.dtype == torch.float64 and out.shape == ref.shape  # padded rows are cut off
    assert (out - ref).abs().max().item() <= 1e-10


def test_packed_float32_matches_hf_and_mean_pooling():
    enc = load_encoder("e5-small", "cpu")
    vectors = enc.sentence_vectors(TEXTS, pooling="mean", normalize=False)
    records = enc.embed_many(TEXTS, pooling="mean")
    ref = np.stack([r.pooled for r in records])
    np.testing.assert_allclose(vectors, ref, atol=2e-5)
    for method in ("cls", "max"):
        got = enc.sentence_vectors(TEXTS, pooling=method, normalize=False)
        want = np.stack([r.pooled for r in enc.embed_many(TEXTS, pooling=method)])
        np.testing.assert_allclose(got, want, atol=2e-5)


def test_sentence_vectors_keep_input_order_and_bf16_is_close():
    enc = load_encoder("e5-small", "cpu")
    texts = [f"리뷰 {i} " + "좋다 " * (i % 7) for i in range(40)]
    fp32 = enc.sentence_vectors(texts, batch_size=8)
    one_by_one = np.concatenate([enc.sentence_vectors([t]) for t in texts[:5]])
    np.testing.assert_allclose(fp32[:5], one_by_one, atol=1e-5)
    bf16 = enc.sentence_vectors(texts, batch_size=8, precision="bf16")
    assert (fp32 * bf16).sum(axis=1).min() >= 0.999


def test_segment_mean_and_pool_agree():
    rng = np.random.default_rng(0)
    hidden = rng.normal(size=(2, 4, 3))
    mask = np.array([[1, 1, 1, 0], [1, 1, 0, 0]])
    packed = torch.from_numpy(hidden[mask.astype(bool)])
    np.testing.assert_allclose(segment_mean(packed, torch.tensor([3, 2])).numpy(), pool(hidden, mask, "mean"))
    assert np.allclose(np.linalg.norm(l2_normalize(hidden[0]), axis=1), 1.0)
    assert pool(hidden, mask, "max")[1].tolist() == hidden[1, :2].max(axis=0).tolist()


def test_pooling_a_row_with_no_token_is_refused_and_cls_takes_the_first_real_token():
    """pool() promised "padding positions never count", but max over a row of no token gave -inf, mean gave zeros,
    and cls took position 0 even when it was left padding."""
    import numpy as np
    import pytest

    from seqlab.errors import InputError
    from seqlab.vectors.pooling import pool

    hidden = np.arange(12.0).reshape(2, 3, 2)
    left_padded = np.array([[0, 1, 1], [1, 1, 0]])
    assert pool(hidden, left_padded, "cls").tolist() == [[2.0, 3.0], [6.0, 7.0]]
    assert pool(hidden, left_padded, "max").tolist() == [[4.0, 5.0], [8.0, 9.0]]
    for method in ("cls", "mean", "max"):
        with pytest.raises(InputError, match="row 1 of the mask has no token"):
            pool(hidden, np.array([[1, 0, 0], [0, 0, 0]]), method)
