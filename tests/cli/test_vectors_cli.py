"""Stage 3 commands as a user runs them."""

import json
import re

import numpy as np
import pytest


def test_embed_json_contract(cli, korean):
    code, out, _ = cli("embed", korean, "--json")
    obj = json.loads(out)
    assert code == 0 and obj["model"] == "e5-small" and obj["shape"] == [1, 11, 384]
    code, out, _ = cli("tokenize", korean, "--json")
    assert len(json.loads(out)["tokens"]) == obj["shape"][1] and obj["tokens"] == json.loads(out)["tokens"]
    assert "pooled" not in obj and "last_hidden_state" not in obj
    code, out, _ = cli("embed", korean, "--json", "--pool", "mean", "--full")
    obj = json.loads(out)
    assert len(obj["pooled"]) == 384 and abs(np.linalg.norm(obj["pooled"]) - 1) < 1e-5
    assert np.array(obj["last_hidden_state"]).shape == (11, 384)


def test_embed_terminal_explains_the_shape(cli, korean):
    code, out, _ = cli("embed", korean, "--words", "mean", "--layers")
    assert code == 0 and "[1, 11, 384]" in out and "sequence length" in out and "날씨가" in out
    assert "hidden states of every layer: shape [13, 11, 384]" in out


def test_explain_has_the_embedding_step(cli, korean):
    code, out, _ = cli("explain", korean, "--json")
    report = json.loads(out)
    assert code == 0 and report["embedding"]["shape"] == [1, len(report["tokens"]["tokens"]), 384]
    _code, out, _ = cli("explain", korean, "-m", "kiwi", "--json")
    assert "embedding" not in json.loads(out)


def test_embed_of_a_file_prints_each_batch_as_it_is_done(cli, tmp_path, reviews):
    """embed -f held every record until the end: no progress, memory growing with the file, and a Ctrl-C lost it
    all; --batch-size was checked and then not used. Batches change no number."""
    data = tmp_path / "r.txt"
    data.write_text("\n".join(reviews[:20]) + "\n", encoding="utf-8")
    code, out, err = cli("embed", "-f", str(data), "--json", "--pool", "mean", "--batch-size", "6", "--lang", "en")
    assert code == 0 and "embedding 20 texts · 6/20" in err and "embedding 20 texts · 20/20" in err, err
    code, whole, _err = cli("embed", "-f", str(data), "--json", "--pool", "mean", "--batch-size", "64")
    batched, alone = [json.loads(x) for x in out.splitlines()], [json.loads(x) for x in whole.splitlines()]
    assert len(batched) == len(alone) == 20
    for a, b in zip(batched, alone):
        assert a["tokens"] == b["tokens"]
        np.testing.assert_allclose(a["pooled"], b["pooled"], atol=2e-4)


def test_similarity_and_search(tmp_path, reviews, cli):
    code, out, _ = cli("similarity", "영화가 재밌다", "영화가 재미있었다", "--json")
    obj = json.loads(out)
    assert code == 0 and 0.8 < obj["cosine"] <= 1.0
    corpus = tmp_path / "c.txt"
    corpus.write_text("\n".join(reviews[:60]), encoding="utf-8")
    code, out, _ = cli("search", reviews[5], "--corpus", str(corpus), "-k", "2", "--json", "-m", "minilm")
    hits = json.loads(out)["hits"]
    assert code == 0 and hits[0]["line"] == 6 and len(hits) == 2


def test_corpus_job_cli_and_read_embeddings(tmp_path, reviews, cli):
    import seqlab

    corpus = tmp_path / "c.txt"
    corpus.write_text("\n".join(reviews[:30]) + "\n", encoding="utf-8")
    code, out, _ = cli("embed", "-f", str(corpus), "--out", str(tmp_path / "emb"), "-m", "minilm", "--json")
    assert code == 0 and json.loads(out)["rows"] == 30
    assert seqlab.read_embeddings(tmp_path / "emb").shape == (30, 384)
    code, _, err = cli("embed", "x", "--out", str(tmp_path / "e2"))
    assert code == 2 and "-f FILE" in err


def test_analogy_and_neighbors_with_trained_vectors(tmp_path, reviews, cli):
    corpus = tmp_path / "c.txt"
    corpus.write_text("\n".join(reviews * 2), encoding="utf-8")
    model = tmp_path / "w2v.model"
    code, out, _ = cli("wordvec", "train", "-f", str(corpus), "-o", str(model), "--dim", "24",
                       "--min-count", "3", "--epochs", "2", "--json")
    assert code == 0 and json.loads(out)["vocab_size"] > 100 and json.loads(out)["example"] == "영화"
    tiny, small = tmp_path / "tiny.txt", tmp_path / "small.model"
    tiny.write_text("영화 정말 좋다\n영화 너무 별로\n", encoding="utf-8")
    assert cli("wordvec", "train", "-f", str(tiny), "-o", str(small), "--dim", "8", "--min-count", "1")[0] == 0
    code, out, err = cli("neighbors", "영화", "--vectors", str(small), "-k", "1000", "--json")
    found = len(json.loads(out)["results"])
    assert code == 0 and json.loads(out)["k"] == 1000 and 0 < found < 1000  # fewer than asked, and said so
    assert f"only {found:,} results" in err
    code, out, _ = cli("analogy", "영화 - 별로 + 최고", "--vectors", str(model), "--json")
    obj = json.loads(out)
    assert code == 0 and obj["expression"] == "영화 - 별로 + 최고" and len(obj["results"]) >= 10
    assert set(obj["results"][0]) >= {"word", "score"}
    scores = [r["score"] for r in obj["results"]]
    assert scores == sorted(scores, reverse=True)
    assert not {"영화", "별로", "최고"} & {r["word"] for r in obj["results"]}
    code, out, _ = cli("neighbors", "영화", "--vectors", str(model), "--json", "-k", "5")
    assert code == 0 and len(json.loads(out)["results"]) == 5
    questions = tmp_path / "q.txt"
    questions.write_text(": test\n영화 배우 감독 연기\n", encoding="utf-8")
    code, out, _ = cli("wordvec", "eval", str(questions), "--vectors", str(model), "--json")
    assert code == 0 and json.loads(out)["total"] == 1
    code, _, err = cli("neighbors", "없는단어zz", "--vectors", str(model))
    assert code == 1 and "unknown" in err and "not in the vocabulary" in err
    code, _, err = cli("analogy", "영화 - 없는단어zz + 최고", "--vectors", str(model))
    assert code == 1 and "없는단어zz" in err and "unknown" in err  # Word2Vec cannot build a word it never saw
    code, _, err = cli("analogy", "영화 - 없는단어zz + 최고", "--vectors", str(model), "--embed-oov", "--lang", "en")
    assert code == 2 and "cannot build a word it lacks: --embed-oov has nothing to do" in " ".join(err.split())
    code, out, _ = cli("analogy", "영화 - 별로 + 최고", "--vectors", str(model), "--method", "3cosmul", "--json")
    assert code == 0 and json.loads(out)["method"] == "3cosmul"
    code, out, _ = cli("wordvec", "eval", str(questions), "--vectors", str(model), "--method", "3cosmul", "--json")
    assert code == 0 and json.loads(out)["method"] == "3cosmul" and set(json.loads(out)["sections"][0]) >= {"top1",
                                                                                                         "top5"}
    code, _, err = cli("analogy", "영화 - 별로 + 최고", "--vectors", str(model), "--method", "3cosdiv")
    assert code == 2 and "--method" in err


def _no_build(monkeypatch):
    """Any word-vector build started in this process fails the test (the shared test home's files can be built by
    another worker meanwhile, so their presence says nothing about this one)."""
    from seqlab.vectors import kiwi_vectors, word_list

    def started(*args, **kwargs):
        raise AssertionError("a word-vector build started")

    monkeypatch.setattr(word_list, "default_word_list", started)  # each builder reads the word list first
    monkeypatch.setattr(kiwi_vectors, "recover", started)


def test_unknown_words_of_the_embedded_model_are_refused_before_any_build(cli, monkeypatch):
    """뷁궯 is <unk> to e5-small: reported with its pieces, exit 1, and no word vectors are built for it."""
    _no_build(monkeypatch)
    code, out, err = cli("neighbors", "뷁궯", "--model", "e5-small")
    assert code == 1 and not out and "unknown" in err and "<unk>" in err and "'뷁'" in err
    code, _, err = cli("analogy", "왕 - 남자 + 뷁궯", "--json", "-m", "e5-small")
    assert code == 1 and "'뷁궯' is unknown" in err and "a word-vector build started" not in err


def test_json_errors_reach_stdout_for_scripts(cli, tmp_path):
    """With --json a script reads stdout: the error is one JSON object there (the person still reads stderr)."""
    code, out, err = cli("neighbors", "뷁궯", "--json")
    obj = json.loads(out)
    assert code == 1 == obj["exit_code"] and "'뷁궯' is unknown" in obj["error"] and "'뷁궯' is unknown" in err
    assert obj["detail"]["unknown"] == "뷁궯" and obj["detail"]["unknown_parts"] and obj["hint"]
    code, out, _ = cli("analogy", "왕 - 남자 + 뷁궯", "--json")
    assert code == 1 and json.loads(out)["detail"]["unknown"] == "뷁궯"
    code, out, _ = cli("tokenize", "x", "--json", "--max-length", "0")  # usage: exit 2, said the same way
    assert code == 2 == json.loads(out)["exit_code"] and "--max-length" in json.loads(out)["error"]
    code, out, _ = cli("tokenize", "-f", str(tmp_path / "missing.txt"), "--json")
    assert code == 1 and "missing.txt" in json.loads(out)["error"]
    code, out, _ = cli("neighbors", "뷁궯")  # without --json stdout stays empty
    assert code == 1 and not out


def test_words_kiwi_has_never_seen_are_refused_before_any_build(cli, monkeypatch):
    """The default word vectors are Kiwi's: a part Kiwi reads as an unknown word has no vector, said at once."""
    _no_build(monkeypatch)
    code, out, err = cli("neighbors", "뷁궯")
    assert code == 1 and not out and "'뷁궯' is unknown to Kiwi word vectors" in err and "no vector" in err
    code, _, err = cli("analogy", "king - man + woman")
    assert code == 1 and "king/SL" in err and "--model e5-small" in err
    code, _, err = cli("neighbors", "2020")
    assert code == 1 and "numbers" in err and "e5-small" not in err and "a word-vector build started" not in err


def test_word_vector_options_are_checked_up_front(cli):
    for args, needle in ((["neighbors", "영화", "--model", "char"], "no word vectors"),
                         (["analogy", "왕 - 남자 + 여자", "--vectors", "x.model", "-m", "e5-small"], "not both"),
                         (["neighbors", "영화 관"], "more than one word"),
                         (["neighbors", "가" * 60], "too long")):
        code, out, err = cli(*args)
        assert code in (1, 2) and not out and needle in err, (args, code, err)
    assert cli("neighbors", "영화", "--model", "char")[0] == 2


def test_wordvec_eval_reads_stdin_and_reports_what_it_skipped(cli, tmp_path, monkeypatch, reviews):
    import io

    corpus = tmp_path / "c.txt"
    corpus.write_text("\n".join(reviews * 2), encoding="utf-8")
    model = tmp_path / "w2v.model"
    assert cli("wordvec", "train", "-f", str(corpus), "-o", str(model), "--dim", "16", "--min-count", "3",
               "--epochs", "1")[0] == 0
    questions = ": s\n영화 최고 배우 연기\n: none\n뷁 뷁뷁 쓟 꿻\n"
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(questions.encode())))
    code, out, err = cli("wordvec", "eval", "-", "--vectors", str(model), "--json")  # stdin is read once
    result = json.loads(out)
    assert code == 0 and result["total"] == 1 and result["skipped"] == 1, err
    assert result["sections"][1]["top1"] is None and result["unknown_words"] == ["뷁", "뷁뷁", "쓟", "꿻"]
    empty = tmp_path / "empty.txt"
    empty.write_text("", encoding="utf-8")
    code, _, err = cli("wordvec", "eval", str(empty))
    assert code == 1 and "holds no question" in err


def test_plot_png_and_html(tmp_path, cli):
    code, out, _ = cli("plot", "영화가 재밌다", "배우 연기 최고", "주식이 올랐다", "날씨가 좋다",
                       "--sentences", "--out", str(tmp_path / "s.png"), "-m", "minilm")
    assert code == 0 and (tmp_path / "s.png").stat().st_size > 1000
    code, out, _ = cli("plot", "a", "b", "c", "--sentences", "--out", str(tmp_path / "s.html"), "--json",
                       "-m", "minilm")
    assert code == 0 and len(json.loads(out)["points"]) == 3


@pytest.mark.slow
def test_default_analogy_ranks_queen_first_over_the_full_vocabulary(cli):
    code, out, _ = cli("analogy", "왕 - 남자 + 여자", "--json")
    obj = json.loads(out)
    assert code == 0 and obj["results"][0]["word"] == "여왕" and len(obj["results"]) >= 10


@pytest.mark.slow
def test_wordvec_eval_reports_top1_and_top5_per_relation_on_the_shipped_set(cli):
    code, out, _ = cli("wordvec", "eval", "--json")  # the default file: seqlab/data/korean_analogies.txt
    obj = json.loads(out)
    assert code == 0 and obj["total"] == 328 and obj["skipped"] == 0 and obj["method"] == "3cosadd"
    assert [s["name"] for s in obj["sections"]] == ["gender", "capital", "antonym", "past-tense", "honorific",
                                                   "plural", "category", "language"]
    assert all(0 <= s["top1"] <= s["top5"] <= 1 for s in obj["sections"])
    assert obj["correct"] >= 80  # 82 of 328 measured (docs/benchmarks.md); v1 had 40
    code, out, _ = cli("wordvec", "eval")
    assert code == 0 and "top-1" in out and "top-5" in out and "past-tense" in out


def test_decomposed_hangul_is_the_same_word(cli, tmp_path, reviews):
    """Text from macOS file names or some editors arrives decomposed (NFD): it is composed first, everywhere."""
    import unicodedata

    corpus, model = tmp_path / "c.txt", tmp_path / "w.model"
    corpus.write_text("\n".join(reviews * 2), encoding="utf-8")
    assert cli("wordvec", "train", "-f", str(corpus), "-o", str(model), "--dim", "8", "--min-count", "3",
               "--epochs", "1")[0] == 0
    nfd = unicodedata.normalize("NFD", "영화")
    code, out, _ = cli("neighbors", nfd, "--vectors", str(model), "--json", "-k", "2")
    assert code == 0 and json.loads(out)["word"] == "영화"
    code, out, _ = cli("analogy", unicodedata.normalize("NFD", "영화 - 별로 + 최고"), "--vectors", str(model),
                       "--json")
    assert code == 0 and json.loads(out)["positive"] == ["영화", "최고"]
    questions = tmp_path / "q.txt"
    questions.write_text(unicodedata.normalize("NFD", ": t\n영화 배우 감독 연기\n"), encoding="utf-8")
    code, out, _ = cli("wordvec", "eval", str(questions), "--vectors", str(model), "--json")
    assert code == 0 and json.loads(out)["total"] == 1


@pytest.mark.parametrize("body, said", [
    ("3 2\n영화 1 0\n드라마 nan 1\n배우 0 0\n",
     "2 vectors are not directions (a NaN or infinite value, or all zeros): '드라마' (line 3), '배우' (line 4)"),
    ("2 3\n영화 1 0\n배우 0 1\n", "a row has another number of values than the 3 dimensions its first line says"),
    ("5 2\n영화 1 0\n배우 0 1\n", "the file ends before the 5 words its first line says"),
])
def test_a_damaged_word_vector_file_is_said_in_words(cli, tmp_path, body, said):
    """NaN and zero rows were read (neighbours left out in silence, cosines of 0 tied, "only 0 results"), and a
    file gensim could not read was named by Python's own words ("could not broadcast input array …")."""
    path = tmp_path / "v.txt"
    path.write_text(body, encoding="utf-8")
    code, out, _err = cli("neighbors", "영화", "--vectors", str(path), "--json", "--lang", "en")
    error = json.loads(out)
    assert code == 1 and said in error["error"] and "broadcast" not in error["error"], error
    assert "Error" not in error["error"]  # Python's words stay in detail, for a script
    pickled = tmp_path / "random.model"
    pickled.write_bytes(bytes(range(256)))
    error = json.loads(cli("neighbors", "영화", "--vectors", str(pickled), "--json", "--lang", "en")[1])
    assert "it is not a file saved by gensim" in error["error"] and "reason" in error["detail"]


def test_a_tokenizer_folder_is_refused_where_vectors_are_needed(cli, tmp_path):
    """A folder from `seqlab tokenizer train` given as -m to search/neighbors/plot/embed ended in transformers'
    "Unrecognized model … Should have a `model_type` key" (English in a Korean message), after a promise of minutes."""
    folder = tmp_path / "tok"
    folder.mkdir()
    (folder / "tokenizer.json").write_text("{}", encoding="utf-8")
    for args in (("embed", "영화"), ("neighbors", "영화"), ("plot", "영화", "배우", "감독", "--sentences", "--out",
                                                            str(tmp_path / "p.png"))):
        code, _out, err = cli(*args, "-m", str(folder), "--lang", "en")
        said = " ".join(err.split())
        assert code == 2 and "holds a tokenizer only: no model weights" in said and "Unrecognized" not in said, args
        assert "Building the word vectors" not in said
    code, _out, err = cli("tokenize", "영화", "-m", str(folder), "--lang", "en")  # "{}": no tokenizer either
    assert code == 1 and "is not a tokenizer file that tokenizers can read" in " ".join(err.split())


def test_plot_sentences_refuses_word_vector_options(cli, tmp_path):
    """plot --sentences drew e5's sentence vectors and dropped --vectors and --embed-oov with nothing said."""
    vectors = tmp_path / "v.txt"
    vectors.write_text("3 2\n영화 1 0\n배우 0 1\n감독 1 1\n", encoding="utf-8")
    code, _out, err = cli("plot", "영화", "배우", "감독", "--sentences", "--vectors", str(vectors), "--embed-oov",
                          "--out", str(tmp_path / "p.png"), "--lang", "en")
    assert code == 2 and "not used by --sentences: --vectors, --embed-oov" in " ".join(err.split())


def test_the_minilm_build_names_its_own_layers_and_cache(cli, monkeypatch, tmp_path):
    """The note before minilm's word-vector build said "layers 6-12" (minilm has 6) and a cache file name without
    the recipe's tag, not the file the build writes."""
    import types

    from seqlab.vectors import encoder, wordvectors
    from seqlab.vectors.wordvectors import RECIPE, model_vectors_path

    monkeypatch.setattr(wordvectors, "is_built", lambda model: False)
    monkeypatch.setattr(encoder, "load_encoder", lambda name: types.SimpleNamespace(num_layers=6))  # not minilm's load

    def stop(model, progress=None):
        raise KeyboardInterrupt  # the note is said before the build: nothing is built here

    monkeypatch.setattr(wordvectors, "from_model", stop)
    code, _out, err = cli("neighbors", "영화", "-m", "minilm", "--lang", "en")
    said, joined = " ".join(err.split()), "".join(err.split())  # a long path is wrapped at the terminal's width
    path = model_vectors_path("minilm", recipe=RECIPE.for_depth(6))
    assert "Cachedin" + "".join(str(path).split()) in joined and RECIPE.for_depth(6).describe() in said, said
    assert "6-12" not in said and code != 0


def test_a_folder_named_like_an_embedded_model_does_not_hide_it(tmp_path, monkeypatch):
    """An earlier `--out e5-small` in the current folder made the embedded e5-small "a tokenizer only"."""
    from seqlab.pretrained.registry import resolve
    from seqlab.vectors.encoder import check_encoder

    monkeypatch.chdir(tmp_path)
    (tmp_path / "e5-small").mkdir()
    spec = resolve("e5-small")
    assert spec.embedded and spec.has_vectors  # the embedded model, not the folder
    check_encoder(spec)  # raises NoVectors for a tokenizer-only model


def test_a_damaged_tokenizer_config_is_said_in_words(cli, tmp_path):
    """A cut tokenizer_config.json beside a good tokenizer.json ended in "internal error: JSONDecodeError"."""
    import shutil

    from seqlab.pretrained.install import minilm_path

    folder = tmp_path / "tk"
    folder.mkdir()
    shutil.copy(minilm_path() / "tokenizer.json", folder / "tokenizer.json")
    (folder / "tokenizer_config.json").write_text("{bad", encoding="utf-8")
    code, out, _err = cli("tokenize", "영화", "-m", str(folder), "--json", "--lang", "ko")
    error = json.loads(out)
    assert code == 1 and "tokenizer_config.json이(가) 손상되었습니다: 올바른 JSON이 아닙니다(1번째 줄, 2번째 열)" in \
        error["error"] and "Expecting" in error["detail"]["reason"]


def test_wordvec_eval_says_how_many_unknown_words_it_did_not_list(cli, tmp_path):
    """"Unknown words: 여왕, 아버지, …, 로마." listed 20 of 85 without saying the list was cut."""
    vectors = tmp_path / "tiny.txt"
    vectors.write_text("3 2\n영화 0.1 0.2\n배우 0.3 0.1\n감독 -0.2 0.4\n", encoding="utf-8")
    code, out, _err = cli("wordvec", "eval", "--vectors", str(vectors), "--json", "--lang", "en")
    hint = json.loads(out)["hint"]
    assert code == 1 and re.search(r"Unknown words: (\S+, ){19}\S+ and [\d,]+ more \([\d,]+ in all\)", hint), hint


def test_models_json_says_which_models_have_word_vectors(cli):
    """models --json gave kiwi "vectors": false only, while Kiwi's morpheme vectors are the default word vectors of
    neighbors, analogy and plot: a script could not tell which -m those commands take."""
    import json

    code, out, _err = cli("models", "--json")
    said = {m["name"]: (m["vectors"], m["word_vectors"]) for m in json.loads(out)}
    assert said == {"e5-small": (True, True), "minilm": (True, True), "kiwi": (False, True),
                    "char": (False, False), "whitespace": (False, False)}, said
    for name in ("kiwi", "char", "whitespace"):  # a transformer's word vectors take minutes to build the first time
        words = said[name][1]
        code, _out, err = cli("neighbors", "영화", "-m", name, "-k", "2")
        assert (code == 0) == words, (name, code, err)
