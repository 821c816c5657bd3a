"""The one Vocabulary (ids are pure data): building, saving, loading, encoding, and padded batches."""

import json
import re

import numpy as np
import pytest

from seqlab.errors import InputError
from seqlab.ids.batch import pad_sequences
from seqlab.ids.vocab import Vocabulary


def test_specials_come_first_then_tokens_by_frequency():
    vocab = Vocabulary.build([["영화", "가", "좋다"], ["영화", "최고"]], min_freq=1)
    assert vocab.tokens[:4] == ["<pad>", "<unk>", "<bos>", "<eos>"] and vocab.tokens[4] == "영화"
    assert (vocab.pad_id, vocab.unk_id, vocab.bos_id, vocab.eos_id) == (0, 1, 2, 3)
    assert vocab.encode(["영화", "없는말"]) == [4, 1] and vocab.decode([4, 1]) == ["영화", "<unk>"]
    with pytest.raises(InputError, match="id 99"):  # an id from elsewhere is said, not read as <unk>
        vocab.decode([4, 1, 99])


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


def test_max_size_below_the_specials_is_refused_not_exceeded():
    """max_size=2 returned 4 tokens (the specials), and -5 was taken."""
    with pytest.raises(InputError, match="max_size must be at least 5"):
        Vocabulary.build([["영화"]], max_size=2)
    with pytest.raises(InputError, match="got -5"):
        Vocabulary.build([["영화"]], max_size=-5)
    assert len(Vocabulary.build([["영화", "최고"]], max_size=5)) == 5


@pytest.mark.parametrize("body, said", [
    ({}, '"tokens" is not a list of strings'),  # was KeyError: 'tokens'
    ({"tokens": ["<pad>", "<unk>", "가"], "counts": [1]}, '"counts" (1) and "tokens" (3) differ in length'),
    ({"tokens": ["<pad>", "<unk>", "가"], "counts": "3"}, '"counts" is not a list of whole numbers'),
    ({"tokens": ["가", "<pad>", "<unk>"], "specials": ["<pad>", "<unk>"]}, '"specials" is not the list of the first'),
    ({"tokens": ["<pad>", "<unk>", 3]}, '"tokens" is not a list of strings'),
])
def test_a_damaged_vocabulary_file_is_named(tmp_path, body, said):
    path = tmp_path / "v.json"
    path.write_text(json.dumps({"format": "seqlab-vocab", **body}), encoding="utf-8")
    with pytest.raises(InputError, match="is damaged") as caught:
        Vocabulary.load(path)
    assert said in str(caught.value)


def test_a_classifier_refuses_a_vocabulary_whose_padding_is_not_id_0():
    """networks.py keeps embedding row 0 at zero as the padding; a vocabulary with <pad> elsewhere froze a token."""
    from seqlab.training.prepare import check_vocab

    with pytest.raises(InputError, match="<pad> at id 1"):
        check_vocab(Vocabulary(["<unk>", "<pad>", "영화"], [0, 0, 3], ("<unk>", "<pad>")), "kiwi")
    check_vocab(Vocabulary.build([["영화"]], meta={"tokenizer": "kiwi"}), "kiwi")


def test_a_batch_with_bos_and_eos_keeps_both_when_it_cuts():
    """VocabTokenizer.batch(add_special_tokens=True) cut <eos> off a long text, unlike truncate() and the HF path."""
    from seqlab.tokens.simple import WhitespaceTokenizer

    vocab = Vocabulary.build([["a", "b", "c", "d"]])
    tok = WhitespaceTokenizer(vocab, add_special_tokens=True)
    batch = tok.batch(["a b c d", "a"], max_length=4)
    assert vocab.decode(batch.input_ids[0].tolist()) == ["<bos>", "a", "b", "<eos>"]
    assert batch.dropped.tolist() == [2, 0] and batch.lengths.tolist() == [4, 3]
    from seqlab.errors import UsageError

    with pytest.raises(UsageError, match="cannot hold the 2 special tokens") as caught:  # as truncate() and e5 say it
        tok.batch(["a b"], max_length=1)
    assert "max_length=2 or more" in caught.value.hint
    assert pad_sequences("x", [[5, 6, 7]], 0, max_length=2).input_ids.tolist() == [[5, 6]]  # no specials: as before


def test_a_string_where_a_list_of_tokens_belongs_is_refused_and_the_repr_is_short():
    """A practitioner's review: v.encode("영화/NNG") gave six ids, one per character, and Vocabulary.build(["영화 좋다"])
    built a vocabulary of characters, both without a word; repr(v) printed every token and count."""
    v = Vocabulary.build([["영화", "좋다"], ["영화"]] * 10)
    with pytest.raises(InputError, match="list of tokens, not a string"):
        v.encode("영화/NNG")
    with pytest.raises(InputError, match="one list of tokens per text, not a string"):
        Vocabulary.build(["영화 좋다", "별로"])
    with pytest.raises(InputError, match="one list of tokens per text"):
        Vocabulary.build(["영화 좋다"], weights=[3])
    big = Vocabulary.build([[f"w{i}"] for i in range(3000)])
    assert repr(big).startswith("Vocabulary(3,004 tokens: '<pad>'") and len(repr(big)) < 200


@pytest.mark.parametrize("bad, said", [([-1], "id -1 (at position 0) is not in the vocabulary"),
                                       ([4, 99], "id 99 (at position 1)"), ("abc", "not a string"),
                                       ([1.5], "whole numbers"), ([True], "whole numbers"),
                                       ([[1, 2], [3, 4]], "one text's ids")])
def test_decode_refuses_ids_that_are_not_ids(bad, said):
    """decode([-1]) read as <unk> (a Vocabulary) or raised OverflowError (e5-small's tokenizer); decode([10**9])
    gave '' with no word: ids from elsewhere are said to be so, in every tokenizer."""
    from seqlab.pretrained.loading import load_tokenizer

    v = Vocabulary.build([["영화", "좋다"]])
    with pytest.raises(InputError, match=re.escape(said)):
        v.decode(bad)
    assert v.decode(iter([4, 1])) == v.decode((4, 1)) == ["영화", "<unk>"]  # any iterable of ids, as before
    for model in ("e5-small", "char"):
        tokenizer = load_tokenizer(model)
        past_the_end = [4, tokenizer.vocab_size]  # each tokenizer at its own vocabulary's end
        wrong, message = (past_the_end, f"id {tokenizer.vocab_size} (at position 1)") if said.startswith("id 99") \
            else (bad, said)
        with pytest.raises(InputError, match=re.escape(message)):
            tokenizer.decode(wrong)
        ids = tokenizer.encode("영화 좋다").input_ids
        assert tokenizer.decode(np.array([ids])) == tokenizer.decode(ids)  # [1, T], as a model takes them


def test_a_vocabulary_from_an_empty_file_is_refused_by_the_library(tmp_path):
    """vocabulary_from_file gave the 4 special tokens for an empty file (only the CLI refused it, after counting)."""
    from seqlab.tokens.corpus import vocabulary_from_file
    from seqlab.tokens.simple import CharTokenizer

    empty = tmp_path / "empty.txt"
    empty.write_text("", encoding="utf-8")
    with pytest.raises(InputError, match="has no text to build a vocabulary from") as caught:
        vocabulary_from_file(CharTokenizer(None), empty)
    assert "text_col" in caught.value.hint


def test_an_empty_standard_input_is_named_as_every_reader_names_it(cli):
    """vocab build -f - said "- has no text to build a vocabulary from"; every other command says standard input."""
    import io
    import sys

    real = sys.stdin
    sys.stdin = io.TextIOWrapper(io.BytesIO(b""), encoding="utf-8")
    try:
        code, _out, err = cli("vocab", "build", "-f", "-", "-o", "never.json", "--lang", "en")
    finally:
        sys.stdin = real
    assert code == 1 and "standard input has no text to build a vocabulary from" in err
