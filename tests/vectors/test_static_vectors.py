"""A word's vector read out of chosen layers, checked against the Hugging Face model's own hidden states."""

import numpy as np
import pytest
import torch

from seqlab.vectors.encoder import load_encoder
from seqlab.vectors.packed import PackedEncoder
from seqlab.vectors.static_vectors import Recipe, embed_words
from seqlab.vectors.wordvectors import RECIPE

WORDS = ["왕", "여왕", "짧다", "사람들", "서울", "queen", "블록버스터", "왕"]


@pytest.fixture(scope="module")
def encoder():
    return load_encoder("e5-small", "cpu")


def _hf_hidden_states(encoder, texts):
    batch = encoder.tokenizer.batch(texts, padding="longest")
    ids, mask = torch.from_numpy(batch.input_ids), torch.from_numpy(batch.attention_mask)
    with torch.inference_mode():
        out = encoder.model(input_ids=ids, attention_mask=mask, output_hidden_states=True)
    return torch.stack(out.hidden_states, 1).numpy(), batch  # (B, L + 1, T, H)


def test_packed_encoder_returns_the_chosen_layers(encoder):
    import copy

    model = copy.deepcopy(encoder.model).double()
    batch = encoder.tokenizer.batch(WORDS, padding="longest")
    ids, mask = torch.from_numpy(batch.input_ids), torch.from_numpy(batch.attention_mask)
    with torch.inference_mode():
        ref = model(input_ids=ids, attention_mask=mask, output_hidden_states=True).hidden_states
        out = PackedEncoder(model)(ids[mask.bool()], mask.sum(1), layers=[0, 3, 8])
    assert out.shape == (3, int(mask.sum()), encoder.hidden_size)
    for i, layer in enumerate([0, 3, 8]):
        assert (out[i] - ref[layer][mask.bool()]).abs().max().item() <= 1e-10


@pytest.mark.parametrize("recipe", [RECIPE, Recipe(prefix="query: ", layers=(8,), pieces_only=True),
                                    Recipe(prefix="", layers=(0, 12), pieces_only=True)])
def test_word_vectors_equal_the_recipe_on_hf_hidden_states(encoder, recipe):
    got = embed_words(encoder, WORDS, recipe, batch_size=3)  # several batches, sorted by length inside
    texts = [recipe.prefix + w for w in WORDS]
    states, batch = _hf_hidden_states(encoder, texts)
    prefix_len = len(encoder.tokenizer.encode(recipe.prefix.strip()).input_ids) - 2 if recipe.prefix.strip() else 0
    for row, word in enumerate(WORDS):
        n = int(batch.attention_mask[row].sum())
        pieces = len(encoder.tokenizer.encode(word).input_ids) - 2
        keep = slice(1 + prefix_len, 1 + prefix_len + pieces) if recipe.pieces_only else slice(0, n)
        per_layer = [states[row, layer, keep].mean(0) for layer in recipe.layers]
        want = np.mean([v / np.linalg.norm(v) for v in per_layer], axis=0)
        np.testing.assert_allclose(got[row], want / np.linalg.norm(want), atol=2e-5)
    np.testing.assert_allclose(got[0], got[-1], atol=1e-6)  # the same word, the same vector
    assert embed_words(encoder, [], recipe).shape == (0, encoder.hidden_size)


def test_recipe_says_what_it_does():
    """A teacher who rebuilt a vector from "mean of all tokens at layers 3-6, mean removed" got cosine 0.75 with
    seqlab's: each layer's mean is put at unit length before the layers are averaged (as embed_words does)."""
    assert RECIPE.describe() == ("the word alone, mean of all tokens at each of layers 6-12, each mean at unit length, "
                                 "averaged and put at unit length, mean removed")
    assert Recipe(prefix="query: ", layers=(8,), abtt=3).describe() == (
        "'query: ' + word, mean of its pieces at layer 8, mean and top 3 directions removed")


def test_kiwi_dictionary_and_past_forms():
    from seqlab.vectors.word_list import attested_forms, korean_words

    result = korean_words(["사람", "짧", "서울", "춥", "좋은"], attested=["선생님", "사람", "높다"])
    words = result.words
    assert words[:3] == ["사람", "서울", "좋은"]  # bare stems (짧, 춥) are not words; other entries stay
    assert {"짧다", "짧았다", "춥다", "추웠다", "좋다", "좋았다"} <= set(words)  # Kiwi conjugates irregular 춥
    assert "선생님" in words and {"높다", "높았다"} <= set(words) and words.count("사람") == 1
    forms = attested_forms()
    assert len(forms) > 1000 and "사람들" in forms and not any(f.startswith("#") for f in forms)


def test_noun_and_root_plus_hada_predicates_join_the_vocabulary():
    """wordfreq holds 사랑 and 하, not 사랑하다: the file of 하다 forms adds them when the root is an entry."""
    from seqlab.vectors.word_list import DERIVED_FILE, attested_forms, korean_words

    derived = attested_forms(DERIVED_FILE)
    assert {"사랑하다", "생각하다", "중요하다", "깨끗하다", "공부하다"} <= set(derived) and "학교하다" not in derived
    result = korean_words(["사랑", "학교", "짧"], derived=["사랑하다", "행복하다"])
    assert result.words == ["사랑", "학교", "짧다", "짧았다", "사랑하다", "사랑했다"]  # 행복 is not an entry here
    assert result.counts["하다 forms"] == 2


def test_the_hada_file_follows_its_rule():
    """Kiwi's language model guesses 하 among its first three next morphemes after each root of the file
    (scripts/derived_predicates.py), and not after a noun left out."""
    from seqlab.tokens.kiwi import kiwi_instance
    from seqlab.vectors.word_list import DERIVED_FILE, attested_forms

    kiwi = kiwi_instance()

    def guesses_ha(root: str) -> bool:
        (token,) = kiwi.tokenize(root)
        return any(g.form == "하" and g.tag.split("-")[0] in ("XSV", "XSA")
                   for g in kiwi.predict_next_morpheme([token.id], top_n=3))

    derived = attested_forms(DERIVED_FILE)
    sample = [derived[i] for i in range(0, len(derived), len(derived) // 20)]
    assert all(guesses_ha(word[:-2]) for word in sample)
    assert not any(guesses_ha(noun) for noun in ("학교", "영화", "서울"))
