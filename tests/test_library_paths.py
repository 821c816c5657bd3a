"""Paths, texts and lists given to the Python API with the wrong type (a library user's review): None or 5 as a
path was pathlib's "expected str, bytes or os.PathLike object" with no word of which argument, "corpus.txt" as a
list of files was read as the files "c", "o", …, and NumPy strings went on into the records."""

import numpy as np
import pytest

from seqlab.errors import InputError


def _calls(tmp_path):
    from seqlab.tokens.training import train_tokenizer
    from seqlab.training.data import load_dataset
    from seqlab.training.predictors import evaluate, load_predictor, predict_texts
    from seqlab.training.runs import TrainOptions, train_models
    from seqlab.training.spacing import make_spacing_pairs, write_spacing_pairs
    from seqlab.vectors.analogy_eval import read_questions
    from seqlab.vectors.corpus_job import embed_corpus, read_embeddings
    from seqlab.vectors.gensim_vectors import from_gensim
    from seqlab.vectors.search import search
    from seqlab.vectors.wordvec_training import train_word_vectors

    text = tmp_path / "t.txt"
    text.write_text("좋은 영화\n", encoding="utf-8")
    return [("out", lambda: load_predictor(None)), ("out", lambda: evaluate(None, text)),
            ("data", lambda: evaluate(tmp_path, 5)), ("out", lambda: predict_texts(None, "좋다")),
            ("out", lambda: train_models("tfidf", TrainOptions(data=text), None)),
            ("data", lambda: train_models("tfidf", TrainOptions(data=5), tmp_path / "o")),
            ("path", lambda: load_dataset(None)), ("source", lambda: embed_corpus(None, tmp_path / "e")),
            ("out", lambda: embed_corpus(text, None)), ("directory", lambda: read_embeddings(None)),
            ("corpus", lambda: search("영화", None)), ("path", lambda: from_gensim(None)),
            ("files", lambda: train_word_vectors([None], tmp_path / "w")),
            ("out", lambda: train_word_vectors([text], None)), ("files", lambda: train_tokenizer(None, tmp_path / "t")),
            ("files", lambda: train_tokenizer([], tmp_path / "t")), ("out", lambda: train_tokenizer([text], 3)),
            ("data", lambda: make_spacing_pairs(None)), ("out", lambda: write_spacing_pairs(text, None)),
            ("path", lambda: read_questions(None))]


def test_a_path_argument_of_the_wrong_type_is_named(tmp_path):
    for name, call in _calls(tmp_path):
        with pytest.raises(InputError) as refused:
            call()
        assert refused.value.option == name and name in refused.value.message, (name, refused.value.message)
    assert not (tmp_path / "o").exists() and not (tmp_path / "e").exists()


def test_one_corpus_file_given_as_a_string_is_that_file(tmp_path):
    from seqlab.tokens.corpus import check_corpus

    text = tmp_path / "corpus.txt"
    text.write_text("좋은 영화\n", encoding="utf-8")
    assert check_corpus(str(text), "strict") == [text] and check_corpus([text], "strict") == [text]


def test_numpy_strings_come_back_as_plain_strings_and_the_sentence_of_two_is_named():
    import seqlab
    from seqlab.tokens.base import as_texts

    texts = as_texts(np.array(["좋아", "싫어"]))
    assert texts == ["좋아", "싫어"] and all(type(t) is str for t in texts)
    with pytest.raises(InputError, match="the second sentence must be a string, not NoneType"):
        seqlab.similarity("영화", None)
    with pytest.raises(InputError, match="the first sentence must be a string, not int"):
        seqlab.similarity(5, "영화")


def test_an_analogy_of_the_wrong_type_is_an_input_error_as_every_wrong_type_is():
    from seqlab.vectors.word_input import parse_expression

    with pytest.raises(InputError, match="the analogy must be a string") as refused:
        parse_expression(None)
    assert type(refused.value) is InputError
