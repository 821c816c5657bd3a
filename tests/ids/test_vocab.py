"""The one Vocabulary (ids are pure data): building, saving, loading, encoding, and padded batches."""

import pytest

from seqlab.errors import InputError
from seqlab.ids.batch import pad_sequences
from seqlab.ids.vocab import Vocabulary


def test_specials_come_first_then_tokens_by_frequency():
    vocab = Vocabulary.build([["영화", "가", "좋다"], ["영화", "최고"]], min_freq=1)
    assert vocab.tokens[:4] == ["<pad>", "<unk>", "<bos>", "<eos>"] and vocab.tokens[4] == "영화"
    assert (vocab.pad_id, vocab.unk_id, vocab.bos_id, vocab.eos_id) == (0, 1, 2, 3)
    assert vocab.encode(["영화", "없는말"]) == [4, 1] and vocab.decode([4, 1, 99]) == ["영화", "<unk>", "<unk>"]


def test_weights_count_each_text_that_many_times():
    vocab = Vocabulary.build([["a"], ["b"]], weights=[1, 5])
    assert vocab.tokens[4:] == ["b", "a"] and vocab.counts[4:] == [5, 1]


def test_vocab_max_size_and_bad_files(tmp_path):
    vocab = Vocabulary.build([list("aaabbc")], max_size=6)
    assert vocab.tokens == ["<pad>", "<unk>", "<bos>", "<eos>", "a", "b"]
    bad = tmp_path / "bad.json"
    bad.write_text("{}", encoding="utf-8")
    with pytest.raises(InputError, match="not a seqlab vocabulary"):
        Vocabulary.load(bad)
    with pytest.raises(InputError, match="not found"):
        Vocabulary.load(tmp_path / "missing.json")




def test_meta_survives_a_round_trip(tmp_path):
    vocab = Vocabulary.build([["x", "y"]], meta={"tokenizer": "kiwi", "max_length": 64})
    again = Vocabulary.load(vocab.save(tmp_path / "v.json"))
    assert again.meta["tokenizer"] == "kiwi" and again.meta["max_length"] == 64 and again.meta["min_freq"] == 1


def test_min_freq_below_one_is_refused():
    with pytest.raises(InputError, match="min_freq"):
        Vocabulary.build([["a"]], min_freq=0)


def test_pad_sequences_pads_truncates_and_counts_what_was_cut():
    batch = pad_sequences("char", [[5, 6, 7], [8]], pad_id=0, max_length=2)
    assert batch.input_ids.tolist() == [[5, 6], [8, 0]] and batch.attention_mask.tolist() == [[1, 1], [1, 0]]
    assert batch.dropped.tolist() == [1, 0] and batch.lengths.tolist() == [2, 1]
