"""Arguments of the Python API checked as the CLI checks its options (a notebook user's review): each refusal is a
seqlab error naming the argument, where a raw TypeError, ValueError or AttributeError came, or a wrong setting was
taken in silence."""

import numpy as np
import pytest

from seqlab.errors import InputError, UsageError


def test_an_analogy_whose_words_cancel_out_is_refused_as_solve_refuses_it():
    """analogy(["영화"], ["영화"]) answered words at cosine 0.0 (the zero vector); solve("영화 - 영화") refused it."""
    from seqlab.vectors.wordvectors import WordVectors

    wv = WordVectors(["영화", "배우", "감독"], np.eye(3), "toy")
    with pytest.raises(UsageError, match="cancels out"):
        wv.analogy(["영화"], ["영화"])
    with pytest.raises(UsageError, match="cancels out"):
        wv.solve("영화 - 영화")
    assert wv.analogy(["영화", "배우"], ["배우"]).results  # not cancelled: 영화 is left


def test_corpus_and_vocabulary_numbers_are_checked(tmp_path):
    from seqlab.ids.vocab import Vocabulary
    from seqlab.vectors.corpus_job import CorpusJobConfig, embed_corpus

    corpus = tmp_path / "c.txt"
    corpus.write_text("영화\n", encoding="utf-8")
    with pytest.raises(InputError, match="batch_size must be between 1 and 4,096, got 0"):
        embed_corpus(corpus, tmp_path / "a", CorpusJobConfig(batch_size=0))  # range()'s ValueError before
    with pytest.raises(InputError, match="shard_size must be between 1 and 1,000,000, got 0"):
        embed_corpus(corpus, tmp_path / "b", CorpusJobConfig(shard_size=0))  # written in the manifest before
    lists = [["영화", "좋다"], ["영화"]]
    for kwargs, said in [({"min_freq": "2"}, "min_freq must be a whole number"),
                         ({"min_freq": 1.5}, "min_freq must be a whole number"),
                         ({"min_freq": None}, "min_freq must be a whole number"),
                         ({"max_size": 5.5}, "max_size must be a whole number")]:
        with pytest.raises(InputError, match=said):
            Vocabulary.build(lists, **kwargs)


def test_train_models_says_what_opts_must_be():
    from seqlab.training.runs import train_models

    with pytest.raises(InputError, match="opts must be a TrainOptions, not str"):
        train_models("tfidf", "train.tsv", "runs/x")  # 'str' object has no attribute 'val_fraction' before


def test_padding_takes_any_case_and_max_length_padding_never_widens_in_silence():
    import seqlab

    assert seqlab.encode_batch(["영화", "좋은 영화"], model="char", padding="LONGEST").input_ids.shape == (2, 5)
    batch = seqlab.encode_batch(["영화가 정말 재밌어요", "별로"], model="char", padding="max_length", max_length=20,
                                truncation=False)
    assert batch.input_ids.shape == (2, 20)
    for model in ("char", "e5-small"):  # seqlab's own tokenizers and the Hugging Face ones
        with pytest.raises(InputError, match="pads to max_length = 3, but 1 text is longer") as caught:
            seqlab.encode_batch(["영화가 정말 재밌어요", "별"], model=model, padding="max_length", max_length=3,
                                truncation=False)  # padded to the longest (8) before, with nothing said
        assert "truncation=True" in caught.value.hint


@pytest.mark.parametrize("model", ["char", "e5-small"])
def test_padding_and_truncation_take_hugging_faces_spellings_and_refuse_others(model):
    """truncation="do_not_truncate" was a true value, so it cut; padding=True was refused as "unknown padding"."""
    import seqlab

    text = "영화가 정말 재밌어요 최고의 영화입니다"
    whole = seqlab.encode_batch([text], model=model, truncation=False).input_ids.shape
    assert seqlab.encode_batch([text], model=model, max_length=5, truncation="do_not_truncate").input_ids.shape == whole
    assert seqlab.encode_batch([text], model=model, max_length=5, truncation="longest_first").input_ids.shape == (1, 5)
    assert seqlab.encode_batch(["영화", text], model=model, padding=True).input_ids.shape == (2, whole[1])
    assert isinstance(seqlab.encode_batch(["영화", text], model=model, padding=False).input_ids, list)
    with pytest.raises(InputError, match="truncation must be True or False, got 'yes'"):
        seqlab.encode_batch([text], model=model, truncation="yes")


def test_a_similarity_record_says_the_prefix_it_applied():
    """prefix="query" computed with "query: " and recorded "query"; prefix="none" recorded "none"."""
    import seqlab

    default, named, none = (seqlab.similarity("영화", "영화관", model="e5-small", **kw)
                            for kw in ({}, {"prefix": "query"}, {"prefix": "none"}))
    assert default.prefix == named.prefix == "query: " and named.cosine == default.cosine
    assert none.prefix == "" and none.cosine != default.cosine


def test_a_vocabulary_that_does_not_name_its_tokenizer_is_said_unchecked(caplog):
    """A Vocabulary.build of Kiwi's tokens given to the char tokenizer read every token as <unk>, in silence: the
    check of the tokenizer reads meta["tokenizer"], which Vocabulary.build does not set unless asked."""
    import seqlab
    from seqlab.ids.vocab import Vocabulary

    with caplog.at_level("INFO", logger="seqlab"):
        ids = seqlab.tokenize("영화", model="char", vocab=Vocabulary.build([["영화", "좋다"]])).input_ids
    assert ids == [1, 1] and "does not say which tokenizer built it" in caplog.text
    with pytest.raises(UsageError, match="built with the kiwi tokenizer"):
        seqlab.tokenize("영화", model="char", vocab=Vocabulary.build([["영화"]], meta={"tokenizer": "kiwi"}))


def test_max_length_has_an_upper_bound():
    """encode_batch(max_length=10**11, padding="max_length") asked numpy for 745 GiB (a bare MemoryError), and
    tokenize --max-length 10**11 was echoed back as a window."""
    import pytest

    import seqlab
    from seqlab.errors import SeqlabError
    from seqlab.ids.limits import MAX_LENGTH

    for call in (lambda: seqlab.encode_batch(["아주"], model="char", max_length=10**11, padding="max_length"),
                 lambda: seqlab.tokenize("아주", model="char", max_length=MAX_LENGTH + 1)):
        with pytest.raises(SeqlabError, match="max_length must be between 1 and 1,000,000"):
            call()
    assert seqlab.encode_batch(["아주"], model="char", max_length=8, padding="max_length").input_ids.shape == (1, 8)


def test_argument_errors_say_what_to_do():
    """encode_batch(["a", None]), padding="max_length" without max_length and similarity(None, …) raised with no
    hint, where the package promises a message and a hint."""
    import pytest

    import seqlab
    from seqlab.errors import SeqlabError

    for call, hint in ((lambda: seqlab.encode_batch(["a", None], model="char"), "Give a list of strings"),
                       (lambda: seqlab.encode_batch(["a"], model="char", padding="max_length"), "Give max_length=N"),
                       (lambda: seqlab.similarity(None, "a"), "Give one text, a str"),
                       (lambda: seqlab.similarity(["a"], "a"), "Give one text, a str")):
        with pytest.raises(SeqlabError) as caught:
            call()
        assert caught.value.hint and caught.value.hint.startswith(hint), caught.value.hint


def test_train_options_no_model_reads_are_refused_as_seqlab_train_refuses_them(tmp_path):
    """TrainOptions(hidden=8, head="svm", precision="fp16", bidirectional="yes") trained tfidf without a word, where
    seqlab train refuses each; the library names the fields, before any data is read."""
    from seqlab.training.runs import TrainOptions, check_options, train_models

    missing = tmp_path / "no-such.tsv"
    with pytest.raises(InputError, match=r"not used by tfidf \(their settings are their own\): embed_dim, hidden"
                       ) as caught:
        train_models("tfidf", TrainOptions(data=missing, hidden=8, embed_dim=16), tmp_path / "run")
    assert caught.value.option == ("embed_dim", "hidden")
    with pytest.raises(InputError, match=r"threads: not used by tfidf, nbsvm \(it is for .*; head: not used by"):
        check_options(TrainOptions(threads=2, head="mlp"), ["tfidf", "nbsvm"])
    with pytest.raises(InputError, match=r"not used by lstm \(they are for e5-head\): head"):
        check_options(TrainOptions(head="mlp"), ["lstm"])
    with pytest.raises(InputError, match="head must be one of logreg, mlp, got 'svm'"):
        check_options(TrainOptions(head="svm"), ["e5-head"])
    with pytest.raises(InputError, match="precision must be one of fp32, bf16, got 'fp16'"):
        check_options(TrainOptions(precision="fp16"), ["e5-head"])
    with pytest.raises(InputError, match="bidirectional must be True or False, got 'yes'"):
        check_options(TrainOptions(bidirectional="yes"), ["lstm"])
    given = TrainOptions(head="MLP")
    assert check_options(given, ["e5-head"]).head == "mlp" and given.head == "MLP"  # a copy, as seqlab spells it
    assert check_options(TrainOptions(hidden=8, epochs=1), ["lstm", "tfidf"]).hidden == 8  # lstm reads them


def test_convert_tokens_to_ids_takes_one_token_as_hugging_face_does():
    """A string was split into its characters: convert_tokens_to_ids("▁안녕하세요") gave six ids."""
    from transformers import AutoTokenizer

    import seqlab
    from seqlab.pretrained.e5_convert import ensure_converted

    ours = seqlab.load_tokenizer("e5-small")
    theirs = AutoTokenizer.from_pretrained(ensure_converted())
    for token in ("▁안녕하세요", "▁zzzqqq"):
        assert ours.convert_tokens_to_ids(token) == theirs.convert_tokens_to_ids(token)
    assert ours.convert_tokens_to_ids(["▁안녕하세요", "▁"]) == theirs.convert_tokens_to_ids(["▁안녕하세요", "▁"])


def test_flags_are_true_or_false():
    """layers="yes" failed twelve frames deep in transformers; normalize="no" normalized."""
    import seqlab

    for kwargs, name in (({"layers": "yes"}, "layers"), ({"pooling": "mean", "normalize": "no"}, "normalize")):
        with pytest.raises(InputError, match=f"{name} must be True or False, got '"):
            seqlab.embed("영화", model="minilm", **kwargs)


def test_a_batchs_bad_text_is_named_and_a_missing_vocabulary_gets_the_librarys_hint(tmp_path):
    """encode_batch(["ok", "a\\ud800"]) did not say which text could not be used; Vocabulary.load of a missing file
    told a Python user to run seqlab vocab build."""
    import seqlab
    from seqlab.ids.vocab import Vocabulary

    for model in ("e5-small", "char"):
        with pytest.raises(InputError, match=r"^text #1: text cannot be used: a lone surrogate U\+D800"):
            seqlab.encode_batch(["ok", "a\ud800"], model=model)
    with pytest.raises(InputError) as caught:
        Vocabulary.load(tmp_path / "none.json")
    assert "Vocabulary.build(" in caught.value.hint and "seqlab vocab build" in caught.value.cli_hint


def test_e5s_role_prefixes_are_refused_for_other_models_and_devices_are_checked_first(tmp_path):
    """tokenize(model="minilm", prefix="query") put "query: " before the text without a word (the command refuses
    --prefix query there); load_predictor(device="gpu") was torch's own error; RecurrentClassifier with an unset
    vocabulary size was torch's "argument 'size'" error."""
    import seqlab
    from seqlab.training.networks import RecurrentClassifier, RecurrentConfig
    from seqlab.training.predictors import load_predictor

    for call in (lambda: seqlab.tokenize("영화", model="minilm", prefix="query"),
                 lambda: seqlab.embed("영화", model="minilm", prefix="query"),  # these turned it into text first
                 lambda: seqlab.similarity("영화", "드라마", model="minilm", prefix="query")):
        with pytest.raises(UsageError, match="prefix='query' is e5's input prefix; minilm was not trained with it"):
            call()
    assert seqlab.tokenize("영화", model="minilm", prefix="query: ").text.startswith("query: ")  # as written: taken
    with pytest.raises(InputError, match="device must be one of auto, cpu, cuda, got 'gpu'") as refused:
        load_predictor(tmp_path, device="gpu")
    assert refused.value.option == "device"  # the library's one check of a choice, named as every other is
    from seqlab.vectors.encoder import pick_device

    assert pick_device("CPU") == "cpu"  # any case, as --device CPU and head="MLP" were
    with pytest.raises(InputError, match="vocab_size must be at least 2, got 0"):
        RecurrentClassifier(RecurrentConfig(embedding_init="random"))


def test_a_shared_tokenizers_prefix_is_read_only_and_tokenizers_have_a_repr():
    """t = load_tokenizer("e5-small"); t.prefix = "query: " changed every later tokenize() and embed() (the
    tokenizer is shared); a tokenizer's repr was <seqlab.tokens.hf.HFTokenizer object at 0x…>."""
    import seqlab

    shared = seqlab.load_tokenizer("e5-small")
    with pytest.raises(AttributeError, match=r"read-only .*with_prefix\('query: '\)"):
        shared.prefix = "query: "
    assert seqlab.tokenize("영화").text == "영화" and shared.with_prefix("query").prefix == "query: "
    assert repr(shared) == "HFTokenizer('e5-small', vocabulary 250,002, normalization NFC)"
    assert repr(seqlab.load_tokenizer("char", vocab=False)) == "CharTokenizer('char', no vocabulary, normalization NFC)"


def test_read_embeddings_of_a_file_says_it_reads_a_folder(tmp_path):
    """read_embeddings("small.tsv") said "small.tsv/manifest.json is unreadable … move it aside", written for a
    damaged job's folder."""
    import seqlab

    corpus = tmp_path / "small.tsv"
    corpus.write_text("좋은 영화\n", encoding="utf-8")
    with pytest.raises(InputError, match="is a file: read_embeddings reads the folder an embedding job wrote"):
        seqlab.read_embeddings(corpus)


def test_a_batch_reads_its_model_inputs_by_name_and_compares_by_value():
    """batch["input_ids"] was "'Batch' object is not subscriptable" and batch == batch2 raised "the truth value of
    an array … is ambiguous", where Hugging Face's BatchEncoding does both."""
    import seqlab

    batch = seqlab.encode_batch(["영화", "좋은 영화"], model="char")
    assert batch == seqlab.encode_batch(["영화", "좋은 영화"], model="char") != seqlab.encode_batch(["영화"], model="char")
    assert batch.keys() == ["input_ids", "attention_mask"] and list(dict(batch)) == batch.keys()
    assert batch["input_ids"] is batch.input_ids
    with pytest.raises(KeyError, match="model inputs input_ids, attention_mask"):
        batch["lengths"]
    with pytest.raises(TypeError, match="a Batch is not iterated"):  # len(batch) counts texts, not names
        list(batch)
