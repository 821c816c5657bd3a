"""The HF tokenizer wrapper against transformers itself, on the embedded MiniLM (BERT WordPiece)."""

import unicodedata

import numpy as np
import pytest

import seqlab
from seqlab.errors import InputError
from seqlab.pretrained.install import minilm_path
from seqlab.pretrained.loading import load_tokenizer
from seqlab.tokens.record import truncate


@pytest.fixture(scope="module")
def minilm():
    return load_tokenizer("minilm")


@pytest.fixture(scope="module")
def hf_minilm():
    from transformers import AutoTokenizer

    return AutoTokenizer.from_pretrained(minilm_path())


TEXTS = ["Hello, world! Tokenizers split unbelievably long words.", "안녕하세요, 오늘 날씨가 정말 좋네요",
         "", "   ", "naïve café 😀", "a\x00b\x01c"]


@pytest.mark.parametrize("text", TEXTS)
def test_ids_equal_transformers(minilm, hf_minilm, text):
    rec = minilm.encode(text)
    ref = hf_minilm(unicodedata.normalize("NFC", text), return_offsets_mapping=True)
    assert rec.input_ids == ref["input_ids"]
    assert rec.token_type_ids == ref["token_type_ids"]
    assert rec.attention_mask == ref["attention_mask"]
    assert rec.tokens == hf_minilm.convert_ids_to_tokens(ref["input_ids"])


def test_record_marks_specials_subwords_and_unknowns(minilm):
    rec = minilm.encode("Tokenizers are unbelievable 좋네요")
    assert rec.tokens[0] == "[CLS]" and rec.tokens[-1] == "[SEP]"
    assert rec.special_tokens_mask[0] == rec.special_tokens_mask[-1] == 1
    for tok, cont, special in zip(rec.tokens, rec.continuation, rec.special_tokens_mask):
        assert cont == (tok.startswith("##") and not special)
    unk = [u for u in rec.unk]
    assert len(unk) == 1 and unk[0].chars == "좋네요" and rec.tokens[unk[0].index] == "[UNK]"


def test_offsets_point_into_original_even_for_nfd(minilm):
    text = unicodedata.normalize("NFD", "Café 한국")
    rec = minilm.encode(text)
    nfc_rec = minilm.encode(unicodedata.normalize("NFC", text))
    assert rec.input_ids == nfc_rec.input_ids
    for (s, e), special in zip(rec.offsets, rec.special_tokens_mask):
        if not special:
            assert 0 <= s < e <= len(text)
    spans = {text[s:e] for (s, e), sp in zip(rec.offsets, rec.special_tokens_mask) if not sp}
    assert unicodedata.normalize("NFD", "Café") in spans or any("Caf" in x for x in spans)


def test_empty_and_whitespace_give_special_tokens_only(minilm):
    for text in ("", "   \t "):
        rec = minilm.encode(text)
        assert rec.tokens == ["[CLS]", "[SEP]"] and rec.offsets == [(0, 0), (0, 0)]


def test_control_characters_emoji_zwj_rtl_mixed_have_valid_offsets(minilm):
    text = "a\x00b\x07 👨\u200d👩\u200d👧 שלום 한국 abc"
    rec = minilm.encode(text)
    for (s, e), special in zip(rec.offsets, rec.special_tokens_mask):
        assert special or 0 <= s < e <= len(text)
    assert "שלום" in {text[s:e] for s, e in rec.offsets} or any("ש" in text[s:e] for s, e in rec.offsets)


def test_batch_padding_truncation_and_dropped(minilm, hf_minilm):
    texts = ["short", "a much longer sentence with quite a few more words in it than the first"]
    b = minilm.batch(texts, max_length=8)
    ref = hf_minilm(texts, padding=True, truncation=True, max_length=8, return_tensors="np")
    np.testing.assert_array_equal(b.input_ids, ref["input_ids"])
    np.testing.assert_array_equal(b.attention_mask, ref["attention_mask"])
    np.testing.assert_array_equal(b.token_type_ids, ref["token_type_ids"])
    full = [len(minilm.encode(t).tokens) - 2 for t in texts]
    assert b.dropped.tolist() == [max(0, n - 6) for n in full]
    assert b.lengths.tolist() == [3, 8]
    fixed = minilm.batch(texts, padding="max_length", max_length=12)
    assert fixed.input_ids.shape == (2, 12)
    torch_batch = b.to_torch()
    assert torch_batch["input_ids"].dtype.is_floating_point is False and tuple(torch_batch["input_ids"].shape) == (2, 8)


def test_unpadded_batch_and_decode_round_trip(minilm):
    texts = ["hello world", "tokenizers are fun"]
    b = minilm.batch(texts, padding="none")
    assert [len(x) for x in b.input_ids] == b.lengths.tolist()
    assert [minilm.decode(x) for x in b.input_ids] == texts


def test_truncate_record_keeps_specials(minilm):
    rec = truncate(minilm.encode("one two three four five six"), 4)
    assert rec.tokens == ["[CLS]", "one", "two", "[SEP]"] and rec.dropped == 4


def test_lone_surrogate_in_text(minilm):
    with pytest.raises(InputError, match="surrogate"):
        minilm.encode("bad \ud800 text")
    assert minilm.encode("bad \ud800 text", errors="replace").input_ids
    with pytest.raises(InputError):
        minilm.batch(["ok", "bad \udfff"])


def test_one_megabyte_line_is_linear_and_truncation_reported(minilm):
    import time

    line = "오늘 날씨가 정말 좋네요 and the weather is nice. " * 20_000
    assert len(line.encode()) > 1_000_000
    t0 = time.perf_counter(); minilm.encode(line[:50_000]); small = time.perf_counter() - t0
    t0 = time.perf_counter(); rec = minilm.encode(line); big = time.perf_counter() - t0
    assert big < 25 * small * 4 + 1.0  # about 25x the text: linear, with slack
    cut = truncate(rec, 512)
    assert len(cut.tokens) == 512 and cut.dropped == len(rec.tokens) - 512


def test_public_api_shortcuts():
    assert seqlab.tokenize("hello", model="minilm").tokens == ["[CLS]", "hello", "[SEP]"]
    assert seqlab.encode_batch(["a b", "a"], model="minilm").input_ids.shape == (2, 4)


def test_a_composed_syllable_keeps_its_jamo_in_the_tokens_span():
    """A text in jamo (NFD) read with --normalization none: e5-small's NFKC composes ᄒ ᅡ ᆫ ᄀ ᅳ ᆯ into 한글, and
    tokenizers gave ▁한글 the span 0:4, so ᅳ and ᆯ were said to be removed ("no token holds them")."""
    jamo = "\u1112\u1161\u11ab\u1100\u1173\u11af"
    record = load_tokenizer("e5-small", normalization="none").encode(jamo + " 좋아")
    assert record.tokens[1] == "▁한글" and record.offsets[1] == (0, 6) and record.uncovered == []
    # a combining accent joins the token before it, as é (one code point) does: minilm strips it inside café's span
    minilm = load_tokenizer("minilm", normalization="none").encode("cafe\u0301 abc\u202edef")
    assert minilm.offsets[1] == (0, 5) and minilm.uncovered == [(9, "\u202e")]  # a removed control is still said


def test_the_space_sentencepiece_puts_before_the_first_word_covers_no_character():
    """e5-small's 좋네요 is ▁ 좋 네요, and the tokenizer gave the ▁ the span of 좋 (0:1): two tokens claimed the same
    syllable, and pointing at ▁ lit up 좋. A ▁ over a real space keeps its span."""
    e5 = load_tokenizer("e5-small")
    record = e5.encode("좋네요")
    assert record.tokens[1:4] == ["▁", "좋", "네요"]
    assert record.offsets[1:4] == [(0, 0), (0, 1), (1, 3)]
    covered = [i for s, e in record.offsets for i in range(s, e)]
    assert sorted(covered) == sorted(set(covered)), record.offsets  # no character belongs to two tokens
    spaced = e5.encode("정말 좋네요")
    k = spaced.tokens.index("▁")
    assert spaced.offsets[k] == (2, 3) and spaced.text[2:3] == " "
    leading = e5.encode(" 좋네요")  # a real space before the first word: the ▁ stands for it
    assert leading.offsets[leading.tokens.index("▁")] == (0, 1)
    for text, at in (("영화\ufffd", 2), ("\u200b좋네요", 0)):  # a character e5 reads as a space: the ▁ stands for it
        read = e5.encode(text)
        assert read.offsets[read.tokens.index("▁")] == (at, at + 1) and read.spaced and not read.uncovered, text
