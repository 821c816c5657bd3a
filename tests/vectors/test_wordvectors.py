"""Word vectors: the embedded model's, and gensim's, with analogies checked against gensim itself."""


import numpy as np
import pytest

from seqlab.errors import InputError, UsageError
from seqlab.vectors.analogy_eval import evaluate
from seqlab.vectors.gensim_vectors import from_gensim
from seqlab.vectors.word_input import UnknownWord, parse_expression
from seqlab.vectors.wordvec_training import train_word_vectors
from seqlab.vectors.wordvectors import WordVectors, from_model


def test_parse_expression():
    assert parse_expression("왕 - 남자 + 여자") == (["왕", "여자"], ["남자"])
    assert parse_expression("  서울-한국+일본 ") == (["서울", "일본"], ["한국"])
    with pytest.raises(InputError):  # empty text, as in every command (exit 1)
        parse_expression("  ")
    for bad in ("- 남자", "왕 -", "two words + 여자"):  # malformed: a usage error (exit 2, the README's table)
        with pytest.raises(UsageError):
            parse_expression(bad)


@pytest.fixture(scope="module")
def small_model_vectors(tmp_path_factory):
    """The embedded model's word vectors over a smaller vocabulary (7,888 words; about 35 s to build)."""
    return from_model("e5-small", korean=3000, english=300)


@pytest.mark.slow  # the quality of the e5 build (make test-all); the default suite checks its mechanics below
def test_king_minus_man_plus_woman_is_queen(small_model_vectors):
    result = small_model_vectors.solve("왕 - 남자 + 여자", k=10)
    assert result.results[0].word == "여왕"
    assert len(result.results) == 10 and not {"왕", "남자", "여자"} & {n.word for n in result.results}
    scores = [n.score for n in result.results]
    assert scores == sorted(scores, reverse=True)


@pytest.mark.slow
def test_neighbors_of_a_word_make_sense(small_model_vectors):
    near = [n.word for n in small_model_vectors.neighbors("영화", 10).results]
    assert "영화" not in near and {"드라마", "작품", "배우", "감독", "영상", "film", "movie"} & set(near)


WORDS = ["왕", "여왕", "남자", "여자", "왕자", "공주", "아버지", "어머니", "영화", "드라마", "배우", "감독", "학교",
         "학생", "서울", "도쿄", "한국", "일본", "좋다", "나쁘다", "크다", "작다", "사과", "바나나"]


@pytest.fixture(scope="module")
def tiny_model_vectors():
    """The e5 build over 24 words (its own cache name: korean=24, english=0), in about a second."""
    from seqlab.vectors import word_list

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(word_list, "default_word_list", lambda korean, english, progress=None: word_list.WordList(list(WORDS)))
        return from_model("e5-small", korean=len(WORDS), english=0)


def test_the_model_build_caches_and_answers(tiny_model_vectors):
    wv = tiny_model_vectors
    assert wv.words == WORDS and wv.vectors.shape == (len(WORDS), 384)
    assert np.allclose(np.linalg.norm(wv.vectors, axis=1), 1, atol=1e-5)
    again = from_model("e5-small", korean=len(WORDS), english=0)  # read back from the cache, not rebuilt
    assert again.words == WORDS and np.array_equal(again.vectors, wv.vectors)
    result = wv.solve("왕 - 남자 + 여자", k=5)
    assert len(result.results) == 5 and not {"왕", "남자", "여자"} & {n.word for n in result.results}
    scores = [n.score for n in result.results]
    assert scores == sorted(scores, reverse=True)
    a, b, c = (wv.vectors[WORDS.index(w)] for w in ("왕", "남자", "여자"))
    target = (a - b + c) / np.linalg.norm(a - b + c)  # 3CosAdd over unit vectors
    best = max((w for w in WORDS if w not in ("왕", "남자", "여자")), key=lambda w: wv.vectors[WORDS.index(w)] @ target)
    assert result.results[0].word == best


def test_words_outside_the_vocabulary(tiny_model_vectors):
    wv = tiny_model_vectors
    # a word outside the vocabulary is reported as unknown, with the pieces the model reads it as
    assert "블록버스터영화" not in wv.index
    with pytest.raises(UnknownWord, match="unknown") as info:
        wv.neighbors("블록버스터영화", 3)
    assert "".join(info.value.pieces).replace("▁", "") == "블록버스터영화" and not info.value.unk
    with pytest.raises(UnknownWord):
        wv.solve("왕 - 남자 + 블록버스터영화")
    # every unknown word of an analogy is named at once, not one per try
    with pytest.raises(UnknownWord, match="also unknown: '스릴러액션영화'") as info:
        wv.solve("블록버스터영화 - 남자 + 스릴러액션영화")
    assert info.value.word == "블록버스터영화" and info.value.details()["also_unknown"] == ["스릴러액션영화"]
    # asked for, a contextual model builds the vector of a word it never listed from those pieces
    result = wv.neighbors("블록버스터영화", 3, embed_oov=True)
    assert len(result.results) == 3 and not result.in_vocabulary
    # characters the model has never seen (<unk>) give no vector at all
    with pytest.raises(UnknownWord, match="<unk>") as info:
        wv.neighbors("뷁궯", 3, embed_oov=True)
    assert info.value.unk and "<unk>" in info.value.pieces


@pytest.fixture(scope="module")
def trained(tmp_path_factory, reviews):
    corpus = tmp_path_factory.mktemp("w2v") / "reviews.txt"
    corpus.write_text("\n".join(reviews * 3) + "\n", encoding="utf-8")
    out = tmp_path_factory.mktemp("w2v") / "nsmc.model"
    result = train_word_vectors([corpus], out, kind="word2vec", dim=32, min_count=3, epochs=3, workers=1, seed=3)
    return result


def test_trained_word2vec_saved_in_gensim_format_and_ranks_like_gensim(trained):
    from gensim.models import KeyedVectors, Word2Vec

    assert trained.vocab_size > 300 and trained.path.exists()
    kv = KeyedVectors.load(str(trained.path) + ".kv")
    assert len(Word2Vec.load(str(trained.path)).wv) == len(kv)
    ours = from_gensim(trained.path)
    for word in ("영화", "배우"):
        theirs = kv.most_similar(word, topn=10)
        mine = ours.neighbors(word, 10).results
        assert [w for w, _ in theirs] == [n.word for n in mine]
        np.testing.assert_allclose([s for _, s in theirs], [n.score for n in mine], atol=1e-5)
    theirs = kv.most_similar(positive=["영화", "좋"], negative=["별로"], topn=10)
    mine = ours.analogy(["영화", "좋"], ["별로"], 10)
    assert [w for w, _ in theirs] == [n.word for n in mine]


def test_analogy_accuracy_equals_gensim(trained, tmp_path):
    from gensim.models import KeyedVectors

    kv = KeyedVectors.load(str(trained.path) + ".kv")
    words = kv.index_to_key[:40]
    lines = [": first"] + [f"{words[i]} {words[i + 1]} {words[i + 2]} {words[i + 3]}" for i in range(36)]
    lines += [": second"] + [f"{words[i]} {words[i + 5]} {words[i + 1]} {words[i + 6]}" for i in range(30)]
    lines += ["없는단어 영화 배우 감독"]
    questions = tmp_path / "q.txt"
    questions.write_text("\n".join(lines) + "\n", encoding="utf-8")
    ours = evaluate(from_gensim(trained.path), questions)
    score, sections = kv.evaluate_word_analogies(str(questions), case_insensitive=False, restrict_vocab=len(kv))
    assert ours.accuracy == pytest.approx(score)
    assert [s.correct for s in ours.sections] == [len(s["correct"]) for s in sections[:-1]]
    assert ours.sections[1].skipped == 1


def test_fasttext_embeds_unseen_words(tmp_path, reviews):
    corpus = tmp_path / "c.txt"
    corpus.write_text("\n".join(reviews) + "\n", encoding="utf-8")
    result = train_word_vectors([corpus], tmp_path / "ft.model", kind="fasttext", dim=16, min_count=3, epochs=1,
                                workers=1)
    vectors = from_gensim(result.path)
    assert "영화영화영화" not in vectors.index and vectors.neighbors("영화영화영화", 3).results
    # the n-gram table is scaled to the corpus (gensim's default 2,000,000 rows wrote ~400 MB files at dim 50)
    assert result.buckets < 200_000 and result.bytes_written < 30e6
    assert sum(p.stat().st_size for p in tmp_path.glob("ft.model*")) == result.bytes_written


def test_bad_vector_files(tmp_path):
    with pytest.raises(InputError, match="not found"):
        from_gensim(tmp_path / "none.kv")
    junk = tmp_path / "junk.kv"
    junk.write_bytes(b"not a pickle at all")
    with pytest.raises(InputError, match="cannot read word vectors"):
        from_gensim(junk)


def test_rows_that_are_not_unit_length_are_normalized_so_scores_are_cosines():
    V = WordVectors(["a", "b", "c", "d"], np.array([[3, 0], [0, 4], [5, 5], [1, -1]]), "toy")
    assert V.vectors.dtype == np.float32 and np.allclose(np.linalg.norm(V.vectors, axis=1), 1)
    scores = [n.score for n in V.neighbors("a", k=3).results]
    assert max(scores) <= 1 and np.isclose(scores[0], np.sqrt(0.5))  # was 5.0 under a cosine heading
    assert WordVectors(["a", "b"], [[1.0, 0.0], [0.0, 2.0]], "lists").neighbors("a", k=1).results  # a list of lists


def test_sizes_must_match_and_strings_are_not_lists():
    with pytest.raises(InputError, match="one row per word: 2 words"):
        WordVectors(["a", "b"], np.eye(3), "toy")
    with pytest.raises(InputError, match="not one string"):
        WordVectors("ab", np.eye(2), "toy")
    V = WordVectors(["왕", "남자", "여자", "여왕"], np.eye(4), "toy")
    with pytest.raises(InputError, match="lists of words, not strings"):
        V.analogy("왕", "남자")  # was read as the characters of the string, silently


def test_the_repr_is_one_line_not_the_vocabulary():
    V = WordVectors([f"w{i}" for i in range(5000)], np.eye(5000, 8), "toy")
    assert repr(V) == "WordVectors(toy: 5,000 words × 8 dimensions)"


def test_analogy_returns_a_record_that_is_also_its_list_of_words():
    """analogy() returned a bare list: no drawing in a notebook, no to_dict(), no method or expression, while
    neighbors() and solve() returned records. It returns the same record as solve() now, still indexable."""
    from seqlab.vectors.word_results import AnalogyResult

    rng = np.random.default_rng(0)
    words = ["왕", "남자", "여자", "여왕", "사과", "배"]
    V = WordVectors(words, rng.normal(size=(6, 4)), "toy")
    result = V.analogy(["왕", "여자"], ["남자"], k=3)
    solved = V.solve("왕 - 남자 + 여자", k=3)
    assert isinstance(result, AnalogyResult) and result.expression == "왕 - 남자 + 여자"
    assert result.to_dict() == solved.to_dict() and result.method == solved.method
    assert len(result) == 3 and result[0] == result.results[0] and [n.word for n in result] == [
        n.word for n in solved.results]
    assert "text/html" in result._repr_mimebundle_()  # drawn in a notebook, as neighbors() is
    neighbors = V.neighbors("왕", k=2)
    assert len(neighbors) == 2 and neighbors[0].word == neighbors.results[0].word
    with pytest.raises(InputError, match="at least one word to add"):
        V.analogy([], ["남자"])  # was NumPy's "need at least one array to stack"


def test_a_label_given_twice_is_drawn_once_and_said(tiny_model_vectors):
    """project_items drew 왕 twice on the same point (only the CLI took the repeats out)."""
    from seqlab.vectors.projection import project_items

    proj = project_items(["왕", "여왕", "왕", "남자"], tiny_model_vectors)
    assert proj.labels == ["왕", "여왕", "남자"] and proj.points.shape == (3, 2)
    assert proj.repeated == ["왕"] and proj.to_dict()["repeated"] == ["왕"]


def test_an_analogy_result_says_which_one_word_it_comes_to():
    """The renderer told records apart by hasattr(result, "expression") and worked out "one word" itself; the record
    says it (None for an analogy)."""
    from seqlab.vectors.wordvectors import WordVectors

    wv = WordVectors(["왕", "남자", "여자", "영화"], np.eye(4), "toy")
    assert wv.analogy(["왕"], []).one_word == "왕" and wv.analogy(["왕", "남자"], ["남자"]).one_word == "왕"
    assert wv.analogy(["왕", "왕"], ["왕"]).one_word == "왕" and wv.analogy(["왕", "여자"], ["남자"]).one_word is None


def test_the_analogy_title_writes_the_method_as_the_glossary_does(cli):
    """The title said 3cosadd while the glossary and the help say 3CosAdd (a Korean lecturer's review)."""
    code, out, err = cli("analogy", "아버지 - 남자 + 여자", "-k", "2", "--lang", "en")
    assert code == 0 and "· 3CosAdd" in out and "3cosadd" not in out, err


def test_vectors_that_barely_tell_words_apart_are_said_so(trained):
    """word2vec on 300 reviews gave neighbours all at cosine 0.998, shown like any others. A word's mean cosine with
    the other words is measured from the same row as its neighbours, carried in the record, and said where the table
    would mislead: from 0.5 the cosines read against it, from 0.9 the vectors have collapsed."""
    from seqlab.render.words import word_notes
    from seqlab.vectors.word_set import WordVectors

    rng = np.random.default_rng(0)
    words = [f"w{i}" for i in range(60)]
    noise = rng.normal(size=(60, 16))
    centred, shared, collapsed = (WordVectors(words, noise + rng.normal(size=16) * scale, "toy")
                                  for scale in (0.0, 2.0, 50.0))
    for wv in (centred, shared, collapsed):  # the query's cosine with each of the 59 others, averaged in float64
        row = wv.vectors.astype(np.float64) @ wv.vectors[0].astype(np.float64)
        assert wv.neighbors("w0", 3).typical_cosine == pytest.approx(np.delete(row, 0).mean(), abs=1e-6)
    assert abs(centred.neighbors("w0", 3).typical_cosine) < 0.3
    assert 0.5 <= shared.neighbors("w0", 3).typical_cosine < 0.9 and collapsed.neighbors("w0", 3).typical_cosine > 0.99

    def said(result):
        return " ".join(word_notes(result))

    assert "barely" not in said(centred.neighbors("w0", 3)) and "against" not in said(centred.neighbors("w0", 3))
    assert "read these cosines against" in said(shared.neighbors("w0", 3))
    collapsed_result = collapsed.neighbors("w0", 3)
    assert "barely tell words apart" in said(collapsed_result) and "against" not in said(collapsed_result)
    assert collapsed_result.to_dict()["typical_cosine"] == round(collapsed_result.typical_cosine, 4)
    assert "barely tell words apart" in collapsed_result._repr_mimebundle_()["text/plain"]  # a notebook's text too
    # a word outside the vocabulary (built from its pieces) is averaged with every word; too few words: nothing said
    assert WordVectors(words[:5], noise[:5], "toy").neighbors("w0", 3).typical_cosine is None


def test_the_mean_cosine_of_a_training_leaves_out_what_has_no_direction():
    """Rows need not be unit length; zero and NaN rows are left out; under 10 usable rows nothing is measured."""
    from seqlab.vectors.word_set import mean_cosine

    rows = np.vstack([3 * np.eye(12), np.zeros((25, 12)), np.full((1, 12), np.nan)])
    assert mean_cosine(rows) == pytest.approx(0.0)  # 12 orthogonal rows, whatever their length
    same = np.ones((12, 4)) * np.arange(1, 13)[:, None]
    assert mean_cosine(same) == pytest.approx(1.0)
    assert mean_cosine(np.eye(9)) is None and mean_cosine(np.zeros((40, 3))) is None
    big = np.random.default_rng(1).normal(size=(5000, 8)) + 3  # more than 1,000 rows: a sample, drawn the same way
    assert mean_cosine(big) == mean_cosine(big) and 0.7 < mean_cosine(big) < 0.95


def test_a_collapsed_training_is_said_on_stderr_in_both_modes(cli, tmp_path, reviews):
    """300 reviews: the summary's "try: seqlab neighbors" came after nothing that says why it will not help; now a note
    on stderr says it (and --json carries the measure, typical_cosine). Enough text says nothing."""
    import json

    for n, collapsed in ((300, True), (3000, False)):
        corpus = tmp_path / f"c{n}.txt"
        corpus.write_text("\n".join((reviews * 3)[:n]) + "\n", encoding="utf-8")
        for extra in ([], ["--json"]):
            out = tmp_path / f"v{n}{len(extra)}.model"
            code, stdout, stderr = cli("wordvec", "train", "-f", str(corpus), "--out", str(out), "--workers", "1",
                                       "--seed", "1", *extra)
            assert code == 0, stderr
            assert ("barely tell words apart" in stderr) is collapsed and "barely" not in stdout
            if extra:
                assert (json.loads(stdout)["typical_cosine"] >= 0.9) is collapsed
