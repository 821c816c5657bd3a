"""e5-small's tokenizer loaded piece by piece equals the full ``tokenizers`` model, id for id."""

from __future__ import annotations

from pathlib import Path

import pytest
from tokenizers import Tokenizer

from seqlab.pretrained.install import hf_directory
from seqlab.pretrained.registry import resolve
from seqlab.tokens import lazy_unigram
from seqlab.tokens.lazy_unigram import LazyUnigramBackend, open_lazy, table_path

ODD = ["", " ", "안녕", "  두  칸   띄어쓰기 ", "ＡＢＣ 全角 ｶﾀｶﾅ", "ㅋㅋㅋㅋㅋ....!!!", "뷁궯 쒦", "😀🙃 emoji",
       "a\u200bb\u202ec", "<mask> 가면 <s> 안", "e\u0301 café", "\u1100\u1161\u11a8 NFD 한글", "x" * 40,
       "query: 검색", "ẞ ǅ ﬁ ㎏ ①", "\t탭\n줄바꿈\r"]


@pytest.fixture(scope="module")
def path() -> Path:
    return Path(hf_directory(resolve("e5-small"))) / "tokenizer.json"


@pytest.fixture(scope="module")
def full(path):
    return Tokenizer.from_file(str(path))


def _same(lazy_encodings, full_encodings):
    for a, b in zip(lazy_encodings, full_encodings, strict=True):
        assert (a.ids, a.tokens, a.offsets, a.special_tokens_mask) == (b.ids, b.tokens, b.offsets,
                                                                       b.special_tokens_mask)


def test_odd_texts_one_at_a_time(path, full, monkeypatch):
    monkeypatch.setattr(lazy_unigram, "MAX_REBUILDS", 10**9)
    lazy = open_lazy(path)
    assert isinstance(lazy, LazyUnigramBackend) and table_path(path).exists()
    for text in ODD:
        _same([lazy.encode(text)], [full.encode(text)])
    assert lazy._full is None  # all of it lazily
    _same([lazy.encode("ab", add_special_tokens=False)], [full.encode("ab", add_special_tokens=False)])


def test_two_thousand_reviews_in_batches(path, full, reviews, monkeypatch):
    monkeypatch.setattr(lazy_unigram, "FULL_AFTER", 10**9)
    lazy = open_lazy(path)
    for start in range(0, len(reviews), 250):
        batch = reviews[start : start + 250]
        _same(lazy.encode_batch(batch), full.encode_batch(batch))
    assert lazy._full is None and 0 < len(lazy._known) < 60_000


def test_vocabulary_queries_and_decoding_agree(path, full):
    lazy = open_lazy(path)
    assert lazy.get_vocab_size() == full.get_vocab_size() and lazy.get_vocab_size(False) == full.get_vocab_size(False)
    for token in ["<s>", "<pad>", "</s>", "<unk>", "<mask>", "▁안", "녕", "no-such-piece"]:
        assert lazy.token_to_id(token) == full.token_to_id(token)
    for i in [0, 1, 2, 3, 6888, 195269, 250001, 250002]:
        assert lazy.id_to_token(i) == full.id_to_token(i)
    ids = full.encode("오늘 날씨가 정말 좋네요").ids
    assert lazy.decode(ids) == full.decode(ids)
    assert type(lazy.model).__name__ == "Unigram" and str(lazy.normalizer) == str(full.normalizer)
    assert lazy._full is None


def test_many_calls_with_new_pieces_switch_to_the_full_model(path, full, reviews):
    lazy = open_lazy(path)
    for text in reviews[: lazy_unigram.MAX_REBUILDS + 5]:  # word-vector builds tokenize word by word
        _same([lazy.encode(text)], [full.encode(text)])
    assert lazy._full is not None and lazy._rebuilds == lazy_unigram.MAX_REBUILDS + 1


def test_long_inputs_and_placeholders_switch_to_the_full_model(path, full, monkeypatch):
    monkeypatch.setattr(lazy_unigram, "FULL_AFTER", 100)
    lazy = open_lazy(path)
    _same([lazy.encode("짧은 글")], [full.encode("짧은 글")])
    assert lazy._full is None
    long = "긴 글입니다. " * 30
    _same([lazy.encode(long)], [full.encode(long)])
    assert lazy._full is not None
    other = open_lazy(path)
    _same([other.encode("a\uffffb")], [full.encode("a\uffffb")])
    assert other._full is not None
    assert lazy.get_vocab() == full.get_vocab()


def test_a_changed_file_gets_a_new_table_and_small_files_none(path, tmp_path, caplog):
    copy = tmp_path / "tokenizer.json"
    copy.write_bytes(path.read_bytes())
    with caplog.at_level("INFO", logger="seqlab"):
        assert open_lazy(copy) is not None
    assert "preparing the table of 250,002 tokenizer pieces once" in caplog.text  # the one-time build is said
    caplog.clear()
    first = table_path(copy).stat().st_mtime_ns
    with caplog.at_level("INFO", logger="seqlab"):
        assert open_lazy(copy) is not None and table_path(copy).stat().st_mtime_ns == first  # reused
    assert "preparing" not in caplog.text
    copy.write_bytes(path.read_bytes() + b"\n")
    assert open_lazy(copy) is not None and table_path(copy).stat().st_mtime_ns != first  # rebuilt
    small = tmp_path / "small" / "tokenizer.json"
    small.parent.mkdir()
    small.write_text('{"model": {"type": "Unigram", "vocab": [["a", 0.0]], "unk_id": null}}')
    assert open_lazy(small) is None
