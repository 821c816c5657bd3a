"""kiwi, char and whitespace tokenizers with their vocabularies."""

import unicodedata

from seqlab.ids.vocab import Vocabulary
from seqlab.pretrained.loading import load_tokenizer
from seqlab.tokens.default_vocab import default_vocab_path


def test_kiwi_morphemes_with_tags_and_offsets():
    tok = load_tokenizer("kiwi")
    rec = tok.encode("안녕하세요, 오늘 날씨가 정말 좋네요")
    assert rec.tokens[:3] == ["안녕/NNG", "하/XSA", "세요/EF"]
    assert rec.tags[:3] == ["NNG", "XSA", "EF"]
    assert rec.offsets[0] == (0, 2) and rec.text[slice(*rec.offsets[4])] == "오늘"
    assert rec.continuation[:3] == [False, True, True]
    assert all(i == tok.vocab.stoi.get(t, tok.vocab.unk_id) for t, i in zip(rec.tokens, rec.input_ids))
    assert rec.word_ids == [0, 0, 0, 0, 1, 2, 2, 3, 4, 4]


def test_kiwi_nfd_equals_nfc():
    tok = load_tokenizer("kiwi")
    text = "영화가 너무 재밌었어요"
    a, b = tok.encode(unicodedata.normalize("NFD", text)), tok.encode(text)
    assert a.input_ids == b.input_ids and a.tokens == b.tokens
    assert a.offsets[-1][1] == len(unicodedata.normalize("NFD", text))


def test_kiwi_does_not_read_zero_width_characters_it_misreads():
    """안녕\u200b하세요 gave 아/IC at text[0:1], a morpheme not in the text, over 안녕하세요/NNP at 0:6."""
    tok = load_tokenizer("kiwi")
    rec = tok.encode("안녕\u200b하세요 좋은\u2060\u2060날")
    assert rec.tokens == tok.encode("안녕하세요 좋은날").tokens
    assert rec.offsets[:3] == [(0, 2), (3, 4), (4, 6)] and rec.continuation[:3] == [False, True, True]
    assert rec.uncovered == [(2, "\u200b"), (9, "\u2060"), (10, "\u2060")]  # said as removed, in every command
    assert [t for t in tok.encode("가족 👨\u200d👩\u200d👧 영\u200b화\u200e").tokens if "/" in t] == [
        "가족/NNG", "👨\u200d👩\u200d👧/W_EMOJI", "영화/NNG"]  # the emoji's joiners stay; 영\u200b화 was 여/MM + 영화
    only, trailing = tok.spans_many(["\u200b", "영화\u200b"])  # many texts go through Kiwi's batch path
    assert only == [] and trailing[-1][2] == 2
    from seqlab.tokens.kiwi import _back

    assert _back([("x/SW", 2, 2, "SW")], [0, 2]) == [("x/SW", 3, 3, "SW")]  # an empty span at the end: no IndexError


def test_char_and_whitespace():
    char = load_tokenizer("char")
    rec = char.encode("좋은 날")
    assert rec.tokens == ["좋", "은", "▁", "날"] and rec.continuation == [False, True, False, False]
    assert char.decode(rec.input_ids) == "좋은 날"
    ws = load_tokenizer("whitespace")
    rec = ws.encode("  오늘  날씨가 ")
    assert rec.tokens == ["오늘", "날씨가"] and rec.offsets == [(2, 4), (6, 9)]


def test_default_vocab_is_built_once_and_cached():
    load_tokenizer("char").encode("가")
    path = default_vocab_path("char")
    assert path.exists()
    vocab = Vocabulary.load(path)
    assert vocab.tokens[:4] == ["<pad>", "<unk>", "<bos>", "<eos>"] and len(vocab) > 1000


def test_vocab_build_save_load_round_trip(tmp_path):
    tok = load_tokenizer("kiwi", vocab=False)
    texts = ["영화가 재밌다", "영화가 별로다", "배우 연기가 좋다"]
    vocab = Vocabulary.build(tok.split_many(texts), min_freq=2)
    # 가 and 다 appear three times, 영화 twice; ties keep first-seen order
    assert vocab.tokens[4:] == ["가/JKS", "다/EF", "영화/NNG"] and vocab.counts[4:] == [3, 3, 2]
    path = vocab.save(tmp_path / "v.json")
    again = Vocabulary.load(path)
    assert again.tokens == vocab.tokens and again.counts == vocab.counts
    rec = load_tokenizer("kiwi", vocab=path).encode("영화가 최고")
    assert rec.input_ids[:2] == [6, 4] and rec.unk and rec.unk[0].chars == "최고"


def test_vocab_batch_pads_with_pad_id_and_reports_dropped():
    tok = load_tokenizer("char")
    b = tok.batch(["가나다라", "가"], max_length=3)
    assert b.input_ids.shape == (2, 3) and b.input_ids[1, 1:].tolist() == [0, 0]
    assert b.dropped.tolist() == [1, 0]


def test_kiwi_many_texts_uses_batch_path(reviews):
    tok = load_tokenizer("kiwi")
    many = tok.encode_many(reviews[:50])
    assert [r.tokens for r in many[:5]] == [tok.encode(t).tokens for t in reviews[:5]]


def test_the_default_kiwi_vocabulary_knows_formal_endings_and_particles():
    """`재밌었습니다` showed 습니다/EF as OOV: wordfreq's word list holds few formal endings."""
    from seqlab.pretrained.loading import load_tokenizer

    rec = load_tokenizer("kiwi").encode("정말 재밌었습니다. 영화를 봤어요")
    assert "습니다/EF" in rec.tokens and rec.unk == [], rec.tokens
