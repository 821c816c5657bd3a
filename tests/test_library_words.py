"""The library speaks of its arguments, the command line of its options.

A notebook user who called ``train_word_vectors(files, out, min_count=50)`` read "no token reached --min-count 50.
Lower --min-count or give more text.": flags of a command never run. The library's errors now name the Python
argument (``min_count``) and give their hint in Python words; the CLI still shows its own option (``--min-count``)
and the hint worded for it (``cli_hint``). Each library test failed before the change.
"""

import re

import pytest

from seqlab.errors import InputError, SeqlabError

FLAG = re.compile(r"(?<![\w-])--[a-z]")  # a command-line option: --min-count, --out


def library_words(exc: SeqlabError) -> str:
    """The message and hint a Python caller reads; asserted to name no command-line option."""
    said = str(exc)
    assert not FLAG.search(said) and "seqlab train" not in said and "seqlab embed -f" not in said, said
    return said


def refused(call, error=InputError) -> SeqlabError:
    with pytest.raises(error) as caught:
        call()
    return caught.value


# -- vectors ---------------------------------------------------------------------------------------

def test_min_count_is_named_as_the_argument(tmp_path):
    from seqlab.vectors.wordvec_training import train_word_vectors

    corpus = tmp_path / "c.txt"
    corpus.write_text("오늘 날씨 좋다\n영화 재밌다\n", encoding="utf-8")
    exc = refused(lambda: train_word_vectors([corpus], tmp_path / "v.model", split="whitespace", min_count=1000))
    said = library_words(exc)
    assert exc.message == "no token reached min_count 1000" and "Lower min_count" in said
    assert exc.option == "min_count" and exc.cli_hint == "Lower --min-count or give more text."


def test_a_stride_wider_than_the_window_names_stride():
    from seqlab.pretrained.loading import load_tokenizer
    from seqlab.vectors.encoder import check_stride

    exc = refused(lambda: check_stride(load_tokenizer("char"), "char", 100, limit=10), SeqlabError)
    library_words(exc)
    assert exc.message.startswith("stride 100 is more than a window of char holds") and exc.option == "stride"
    assert "--stride 1 to" in exc.cli_hint


def test_a_device_without_cuda_names_the_argument():
    import torch

    from seqlab.vectors.encoder import pick_device

    if torch.cuda.is_available():
        pytest.skip("a CUDA GPU is here")
    exc = refused(lambda: pick_device("cuda"))
    assert 'device="cpu"' in library_words(exc) and exc.option == "device" and "--device cpu" in exc.cli_hint


def test_the_corpus_job_speaks_of_out_and_engine(tmp_path):
    from seqlab.vectors.corpus_job import embed_corpus, read_embeddings

    corpus = tmp_path / "c.txt"
    corpus.write_text("안녕하세요\n", encoding="utf-8")
    taken = tmp_path / "taken.txt"
    taken.write_text("x", encoding="utf-8")
    exc = refused(lambda: embed_corpus(corpus, taken))
    assert library_words(exc).startswith(f"the out folder {taken} is an existing file") and exc.option == "out"
    assert "--out corpus-vectors/" in exc.cli_hint
    exc = refused(lambda: embed_corpus(corpus, tmp_path / "new", engine="spark"))
    assert 'engine="local"' in library_words(exc) and exc.cli_hint == "Use --engine local or --engine ray."
    (tmp_path / "empty").mkdir()
    exc = refused(lambda: read_embeddings(tmp_path / "empty"))
    assert "embed_corpus(" in exc.hint and "on the command line: seqlab embed" in exc.hint  # both, each said as such


def test_a_projection_of_two_items_gives_a_python_hint():
    from seqlab.vectors.projection import check_count

    exc = refused(lambda: check_count(2))
    library_words(exc)
    assert "--sentences" in exc.cli_hint and "seqlab plot" in exc.cli_hint


def test_an_unknown_word_offers_the_python_argument(tmp_path):
    from seqlab.vectors.word_input import UnknownWord

    english = UnknownWord("hello", "Kiwi word vectors", 10, ["hello/SL"], ["hello/SL"], morphemes=True)
    assert 'word_vectors("e5-small")' in library_words(english) and "--model e5-small" in english.cli_hint
    assert not FLAG.search(english.page_hint)
    misspelt = UnknownWord("좋앟", "e5-small word vectors", 10, ["좋", "##앟"], [], can_embed=True)
    assert "embed_oov=True" in library_words(misspelt) and "--embed-oov" in misspelt.cli_hint
    assert not FLAG.search(misspelt.page_hint)


def test_layers_and_long_window_name_both_arguments():
    from seqlab.cli.main import _in_command_words
    from seqlab.vectors.encoder import Encoder

    class Tokenizer:  # no text to read: refused before the model is used
        def encode_many(self, texts, errors):
            return []

    encoder = type("E", (), {"tokenizer": Tokenizer(), "name": "x"})()
    with pytest.raises(InputError) as caught:
        Encoder.embed_many(encoder, [], layers=True, long="window", max_length=8)
    exc = caught.value
    assert exc.message == "layers and long window do not go together" and 'long="window"' in library_words(exc)
    said = _in_command_words(exc, ["embed", "긴 글", "--layers", "--long", "window"])
    assert said.message == "--layers and --long window do not go together" and said.hint == "Use one of them."


# -- text ------------------------------------------------------------------------------------------

def test_a_lone_surrogate_names_errors_in_each_place():
    from seqlab.text.unicode import clean_surrogates

    exc = refused(lambda: clean_surrogates("a\udcff", "strict"))
    assert 'errors="replace"' in library_words(exc) and "--errors replace" in exc.cli_hint
    assert "errors" not in exc.page_hint and not FLAG.search(exc.page_hint)  # the web app has no such switch


def test_a_file_that_is_not_utf8_names_errors(tmp_path):
    from seqlab.text.reading import read_lines

    path = tmp_path / "bad.txt"
    path.write_bytes(b"ok\n\xff\xfe bad\n")
    exc = refused(lambda: read_lines(path))
    assert 'errors="replace"' in library_words(exc) and "--errors replace" in exc.cli_hint


def test_a_table_names_text_col(tmp_path):
    from seqlab.text.tables import iter_texts

    table = tmp_path / "t.tsv"
    table.write_text("id\treview\tlabel\n1\t정말 재미있는 영화였어요\t1\n2\t별로였어요 다시는 안 봐요\t0\n", encoding="utf-8")
    exc = refused(lambda: list(iter_texts(table)))
    assert "text_col='review'" in library_words(exc) and "--text-col review" in exc.cli_hint
    exc = refused(lambda: list(iter_texts(table, text_col="text")))
    assert "text_col" in library_words(exc) and exc.cli_hint == "Pass --text-col with one of the header's names."


# -- training --------------------------------------------------------------------------------------

def test_spacing_pairs_name_max_chars(tmp_path):
    from seqlab.training.spacing import read_pairs, skipped_text, write_spacing_pairs

    texts = tmp_path / "t.txt"
    texts.write_text("오늘 날씨 좋다\n", encoding="utf-8")
    exc = refused(lambda: write_spacing_pairs(texts, tmp_path / "p.tsv", max_chars=3))
    assert "longer than max_chars 3" in library_words(exc) and exc.option == "max_chars"
    pairs = tmp_path / "p.tsv"
    pairs.write_text("오늘날씨\t오늘 날씨 좋다\n", encoding="utf-8")
    exc = refused(lambda: read_pairs(pairs, 60))
    assert "write_spacing_pairs(" in library_words(exc) and "seqlab data spacing-pairs" in exc.cli_hint
    assert skipped_text({"too_long": 2}, 60) == "longer than 60 characters: 2 lines"  # train has no --max-chars


def test_data_files_name_text_col_and_label_col(tmp_path):
    from seqlab.training.data import load_dataset

    (tmp_path / "dir").mkdir()
    exc = refused(lambda: load_dataset(tmp_path / "dir"))
    assert library_words(exc).startswith(f"data {tmp_path / 'dir'} is a folder, not a data file") and exc.option == "data"
    exc = refused(lambda: load_dataset(tmp_path / "missing.tsv"))
    assert "--data FILE" in exc.cli_hint and library_words(exc)
    table = tmp_path / "d.tsv"
    table.write_text("review\tlabel\n" + "좋은 영화\t1\n" * 5, encoding="utf-8")
    exc = refused(lambda: load_dataset(table, text_col="text", label_col="label"))
    assert "text_col and label_col" in library_words(exc) and "--text-col and --label-col" in exc.cli_hint
    exc = refused(lambda: load_dataset(table, text_col="review", label_col="label"))  # one label only
    assert "label_col" in library_words(exc) and exc.cli_hint == "Check --label-col."


def test_training_without_data_and_with_another_tokenizer(tmp_path):
    from seqlab.ids.vocab import Vocabulary
    from seqlab.training.prepare import check_vocab
    from seqlab.training.runs import TrainOptions, load_split

    exc = refused(lambda: load_split(TrainOptions()))
    assert 'data="ratings_train.txt"' in library_words(exc) and "--data FILE" in exc.cli_hint
    vocab = Vocabulary.build([["가", "나"]], meta={"tokenizer": "char"})
    exc = refused(lambda: check_vocab(vocab, "kiwi"), SeqlabError)
    assert 'tokenizer="char"' in library_words(exc) and "--tokenizer char" in exc.cli_hint


def test_resume_and_run_folders_in_python_words(tmp_path):
    from seqlab.training.loop import check_same_settings
    from seqlab.training.rundir import RunDir

    exc = refused(lambda: check_same_settings(tmp_path, {"train": {"lr": 0.1}}, {"train": {"lr": 0.2}}), SeqlabError)
    assert "out folder" in library_words(exc) and "start a new --out" in exc.cli_hint
    exc = refused(lambda: RunDir(tmp_path / "none").config)
    assert "train_models" in library_words(exc) and "seqlab train --out DIR" in exc.cli_hint
    run = tmp_path / "run"
    run.mkdir()
    (run / "config.json").write_text('{"task": "classify", "model": "tfidf", "partial": true}', encoding="utf-8")
    exc = refused(lambda: RunDir(run).finished("classify"))
    assert "resume=True" in library_words(exc) and "--resume" in exc.cli_hint
    (run / "config.json").write_text('{"task": "classify", "model": "tfidf"}', encoding="utf-8")
    exc = refused(lambda: RunDir(run).finished("seq2seq"))
    assert "train_seq2seq" in library_words(exc) and "seqlab train --task seq2seq" in exc.cli_hint


def test_a_season_below_two_names_season(tmp_path):
    from seqlab.training.forecast import ForecastConfig, train_forecast

    exc = refused(lambda: train_forecast("co2", tmp_path / "f", ForecastConfig(season=1)))
    assert "season=2" in library_words(exc) and exc.option == "season" and exc.cli_hint == "Give --season 2 or more."


# -- the command line keeps its own words ----------------------------------------------------------

def test_in_command_words_replaces_each_named_argument_once():
    from seqlab.cli.main import _in_command_words

    exc = _in_command_words(InputError("no token reached min_count 5", "Lower min_count or give more text.",
                                       option="min_count", cli_hint="Lower --min-count or give more text."),
                            ["wordvec", "train", "-f", "x.txt", "--out", "v.model", "--min-count", "5"])
    assert exc.message == "no token reached --min-count 5" and exc.hint == "Lower --min-count or give more text."


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_the_cli_still_names_its_options(cli, tmp_path, lang):
    corpus = tmp_path / "c.txt"
    corpus.write_text("오늘 날씨 좋다\n영화 재밌다\n", encoding="utf-8")
    code, _out, err = cli("wordvec", "train", "-f", str(corpus), "--out", str(tmp_path / "v.model"), "--split",
                          "whitespace", "--min-count", "1000", "--lang", lang)
    assert code == 1 and "--min-count 1000" in err and "min_count" not in err, err
    assert ("Lower --min-count" if lang == "en" else "--min-count") in err.split("\n", 1)[1], err
    code, _out, err = cli("data", "spacing-pairs", str(corpus), "--out", str(tmp_path / "p.tsv"), "--max-chars", "3",
                          "--lang", lang)
    assert code == 1 and "--max-chars 3" in err and "max_chars" not in err, err
    (tmp_path / "dir").mkdir()
    code, _out, err = cli("train", "--data", str(tmp_path / "dir"), "--out", str(tmp_path / "run"), "--model", "tfidf",
                          "--lang", lang)
    assert code == 1 and f"--data {tmp_path / 'dir'}" in err, err
    table = tmp_path / "d.tsv"
    table.write_text("review\tlabel\n" + "좋은 영화\t1\n나쁜 영화\t0\n" * 5, encoding="utf-8")
    code, _out, err = cli("train", "--data", str(table), "--text-col", "text", "--out", str(tmp_path / "run2"),
                          "--model", "tfidf", "--lang", lang)
    assert code == 1 and "--text-col" in err and "--label-col" in err and "text_col" not in err, err
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"ok\n\xff\xfe bad\n")
    code, _out, err = cli("tokenize", "-m", "char", "-f", str(bad), "--lang", lang)
    assert code == 1 and "--errors replace" in err and 'errors="replace"' not in err, err


def test_the_cli_names_device(cli, tmp_path):
    import torch

    if torch.cuda.is_available():
        pytest.skip("a CUDA GPU is here")
    table = tmp_path / "d.tsv"
    table.write_text("review\tlabel\n" + "좋은 영화\t1\n나쁜 영화\t0\n" * 5, encoding="utf-8")
    code, _out, err = cli("train", "--data", str(table), "--out", str(tmp_path / "run"), "--model", "lstm",
                          "--device", "cuda", "--lang", "en")
    assert code == 1 and "--device 'cuda' was asked for" in err and "Use --device cpu or auto." in err, err



def test_a_blank_word_is_not_called_empty():
    """"\\u200b" was "the word is empty": the reader typed something, just nothing that shows."""
    from seqlab.vectors.word_input import check_word

    with pytest.raises(InputError, match="the word has no character that shows"):
        check_word("\u200b")
    with pytest.raises(InputError, match="the word has no character that shows"):  # as the API says it
        check_word("  ")
    with pytest.raises(InputError, match="the word is empty"):
        check_word("")


def test_an_unknown_operator_is_named_as_one():
    """"아버지 * 남자" said "two words follow each other": * is no word, and + and - are the operators."""
    from seqlab.errors import UsageError
    from seqlab.vectors.word_input import parse_expression

    with pytest.raises(UsageError, match=r"'\*' is not an operator: an analogy adds with \+ and subtracts with -"):
        parse_expression("아버지 * 남자")
    with pytest.raises(UsageError, match="two words follow each other"):
        parse_expression("왕 남자")
