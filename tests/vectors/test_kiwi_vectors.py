"""Kiwi's word vectors: morpheme vectors recovered from Kiwi's own cosines, composed into words."""

import numpy as np
import pytest

from seqlab.vectors import kiwi_vectors as kv
from seqlab.vectors.kiwi_word_vectors import from_kiwi
from seqlab.vectors.word_input import UnknownWord


@pytest.fixture(scope="module")
def morphemes(seqlab_home):
    return kv.load_morphemes()  # recovered once per session (about 10 s), then cached


@pytest.fixture(scope="module")
def small(morphemes):
    """The web tests' vocabulary size: 3,000 wordfreq entries (with their dictionary and past forms)."""
    return from_kiwi(korean=3000)


def test_the_fast_cosine_is_kiwis_public_one():
    kiwi = kv.kiwi_model()
    fast = kv._similarity_by_id(kiwi)
    assert fast is not kiwi.morpheme_similarity  # the compiled method is found in this kiwipiepy
    ids = np.random.default_rng(3).integers(1000, kv.vector_ids()[0], size=(200, 2)).tolist()
    assert [fast(a, b) for a, b in ids] == [kiwi.morpheme_similarity(a, b) for a, b in ids]


def test_recovered_vectors_give_back_kiwis_own_cosines(morphemes):
    kiwi = kv.kiwi_model()
    assert morphemes.vectors.shape == (kv.vector_ids()[0], 256) and morphemes.check_error < 1e-5
    rng = np.random.default_rng(7)
    first = next(i for i, form in enumerate(morphemes.forms) if form)
    for a, b in rng.integers(first, len(morphemes.forms), size=(300, 2)):
        assert abs(float(morphemes.vectors[a] @ morphemes.vectors[b]) - kiwi.morpheme_similarity(int(a), int(b))) < 1e-5
    # a neighbour list computed from the recovered vectors is Kiwi's own
    king = kv.vector_index()[("왕", "NNG")]
    ours = np.argsort(-(morphemes.vectors @ morphemes.vectors[king]))[1:6]
    theirs = [m.id for m in kiwi.most_similar_morphemes(king, top_n=5)]
    assert ours.tolist() == theirs
    # past the last vector Kiwi answers NaN: that is how the count is found
    assert np.isnan(kiwi.morpheme_similarity(first, kv.vector_ids()[0]))


def test_recovered_context_vectors_give_back_kiwis_context_cosines(morphemes):
    """The second view: the vector of each morpheme's one-morpheme context (Kiwi.context_similarity)."""
    kiwi = kv.kiwi_model()
    contexts = kv.Contexts()
    ids = np.random.default_rng(11).integers(1000, kv.vector_ids()[0], size=400).tolist()
    rows = contexts.vectors(ids)
    assert rows.shape == (400, 256) and contexts.check_error < 1e-5
    for a, b in zip(range(200), range(200, 400)):
        assert abs(float(rows[a] @ rows[b]) - kiwi.context_similarity([ids[a]], [ids[b]])) < 1e-5
    index = kv.vector_index()
    queen, emperor = contexts.vectors([index[("여왕", "NNG")], index[("황제", "NNG")]])
    assert abs(float(queen @ emperor) - kiwi.context_similarity([("여왕", "NNG")], [("황제", "NNG")])) < 1e-5
    np.testing.assert_allclose(contexts.vectors([ids[3]])[0], rows[3])  # kept, not recovered twice
    centred = contexts.centred(ids[:5])
    np.testing.assert_allclose(np.linalg.norm(centred, axis=1), 1, atol=1e-5)
    assert not np.allclose(centred, rows[:5], atol=1e-3)  # the common mean is removed


def test_rank_is_the_largest_drop_of_the_eigenvalues():
    assert kv._rank(np.array([3.0, 1.0, 0.5, 1e-7, 1e-8])) == 3
    assert kv._rank(np.array([10.0, 0.006, 2e-7, -3e-8])) == 2  # a small real direction is kept


def test_lone_words_are_read_as_dictionary_forms_when_they_can_be(morphemes):
    readings = kv.read_words(["자다", "갔다", "사람들", "서울"])
    assert [[f"{form}/{tag}" for _i, form, tag in r] for r in readings] == [
        ["자/VV", "다/EF"], ["가/VV", "었/EP", "다/EF"], ["사람/NNG", "들/XSN"], ["서울/NNP"]]
    assert kv.read_words(["뷁궯", "king", "2020"]) == [None, None, None]


def test_endings_in_a_spelling_without_a_vector_are_read_as_their_other_spelling(morphemes):
    """Kiwi writes 은/ETM, 와/JKB, 으면/EC under ids past its vectors; its model reads them as ᆫ, 과, 면."""
    readings = kv.read_words(["좋은", "친구와", "먹으면", "좋습니다"])
    assert [[f"{form}/{tag}" for _i, form, tag in r] for r in readings] == [
        ["좋/VA", "ᆫ/ETM"], ["친구/NNG", "과/JKB"], ["먹/VV", "면/EC"], ["좋/VA", "ᆸ니다/EF"]]
    count = kv.vector_ids()[0]
    assert all(i < count for r in readings for i, _f, _t in r)
    assert kv.vector_id("그녀", "NP", kv.kiwi_model().tokenize("그녀")[0].id) is None  # a content word: no stand-in


def test_the_vocabulary_keeps_words_not_fragments(small):
    for fragment in ("에서", "했", "나시", "더그"):  # a bare particle, a tense marker, pieces of phrases
        assert fragment not in small.index
    for word in ("영화", "갔다", "사람들", "대학교", "서울역"):
        assert word in small.index or kv.is_word(kv.read_words([word])[0])


def test_a_word_vector_is_the_weighted_sum_of_its_morphemes(morphemes):
    (reading,) = kv.read_words(["갔다"])
    c = morphemes.centred
    by_hand = c[reading[0][0]] + 2.5 * c[reading[1][0]] + 1.0 * c[reading[2][0]]
    np.testing.assert_allclose(kv.compose(morphemes, [reading])[0], by_hand / np.linalg.norm(by_hand), atol=1e-6)
    np.testing.assert_allclose(np.linalg.norm(c, axis=1), 1, atol=1e-5)
    np.testing.assert_allclose((morphemes.vectors - morphemes.vectors.mean(0))[reading[0][0]] /
                               np.linalg.norm((morphemes.vectors - morphemes.vectors.mean(0))[reading[0][0]]),
                               c[reading[0][0]], atol=1e-6)
    # the context view is the same weighted sum over the morphemes' context vectors
    ctx = kv.Contexts().centred([i for i, _form, _tag in reading])
    by_hand = ctx[0] + 2.5 * ctx[1] + 1.0 * ctx[2]
    np.testing.assert_allclose(kv.compose_contexts(kv.Contexts(), [reading])[0], by_hand / np.linalg.norm(by_hand),
                               atol=1e-6)


def test_a_word_vector_is_its_two_views_side_by_side(small):
    """join: the post-processed morpheme view, then the context view with a fifth of the squared length."""
    built = small.embed_missing(["영화"])[0]
    np.testing.assert_allclose(built, small.vector("영화"), atol=1e-5)  # the cached vector is the same recipe
    assert small.dim == 512
    np.testing.assert_allclose(np.linalg.norm(built[:256]) ** 2, 1 - kv.CONTEXT_SHARE, atol=1e-5)
    np.testing.assert_allclose(np.linalg.norm(built[256:]) ** 2, kv.CONTEXT_SHARE, atol=1e-5)


def test_analogies_neighbours_and_unknown_words(small):
    assert small.source == "Kiwi word vectors" and 5000 < len(small.words) < 10_000
    assert small.solve("아버지 - 남자 + 여자", 5).results[0].word == "어머니"
    assert small.solve("갔다 - 가다 + 먹다", 5).results[0].word == "먹었다"
    assert {"작품", "드라마", "배우", "극장"} & {n.word for n in small.neighbors("영화", 10).results}
    with pytest.raises(UnknownWord, match="not in the vocabulary") as info:
        small.neighbors("블록버스터영화", 3)
    assert info.value.pieces == ["블록버스터/NNG", "영화/NNG"]
    built = small.neighbors("블록버스터영화", 3, embed_oov=True)
    assert not built.in_vocabulary and built.results[0].word == "영화"
    for word in ("뷁궯", "king"):
        with pytest.raises(UnknownWord, match="no vector for"):
            small.neighbors(word, 3, embed_oov=True)  # no vector can be built from a part Kiwi never saw
    assert small.neighbors("좋은", 3, embed_oov=True).results  # 은/ETM is read as ᆫ/ETM
    with pytest.raises(UnknownWord) as info:
        small.neighbors("영\u202e화", 3)
    assert "\u202e" not in str(info.value) and "\\u202e" in str(info.value)  # a bidi override is shown escaped


def test_the_cache_gives_the_same_vectors(small):
    again = from_kiwi(korean=3000)
    assert again.words == small.words and np.array_equal(again.vectors, small.vectors)
    np.testing.assert_allclose(again.vector("블록버스터영화", embed_oov=True), small.vector("블록버스터영화", embed_oov=True),
                               atol=1e-6)
    with pytest.raises(UnknownWord):  # by default as neighbors() and analogy(): unknown, not built silently
        small.vector("블록버스터영화")


@pytest.mark.slow
def test_the_default_vectors_reach_the_target_on_the_shipped_set(morphemes):
    from seqlab.vectors.analogy_eval import KOREAN_ANALOGIES, evaluate

    result = evaluate(from_kiwi(), KOREAN_ANALOGIES)
    assert result.total == 328 and result.accuracy >= 0.6  # issue 18: top-1 >= 60% (measured: 63.1%)


def test_a_recurrent_classifier_can_start_from_kiwis_morpheme_vectors(morphemes):
    """``--embedding kiwi``: each Kiwi morpheme of the vocabulary starts at its (centred, scaled) Kiwi vector."""
    from seqlab.errors import UsageError
    from seqlab.ids.vocab import Vocabulary
    from seqlab.training.networks import RecurrentConfig, initial_embedding, with_embed_dim

    vocab = Vocabulary.build([["영화/NNG", "좋/VA", "네요/EF", "zz/XX"]] * 2, min_freq=1)
    config = RecurrentConfig(embed_dim=256, embedding_init="kiwi", vocab_size=len(vocab))
    matrix, covered = initial_embedding(config, vocab, seed=0)
    assert covered == 3 and not matrix[vocab.pad_id].any()
    row = matrix[vocab.stoi["영화/NNG"]]
    np.testing.assert_allclose(row, morphemes.centred[kv.vector_index()[("영화", "NNG")]] * np.sqrt(256) * 0.1, atol=1e-6)
    with pytest.raises(UsageError, match="256-dimensional, not embed_dim = 200") as caught:
        initial_embedding(RecurrentConfig(embed_dim=200, embedding_init="kiwi", vocab_size=len(vocab)), vocab, 0)
    assert caught.value.option == "embed_dim" and "--embed-dim 256" in caught.value.cli_hint
    # left out, the width follows the initializer (it was 200 whatever the initializer, then refused)
    assert with_embed_dim(RecurrentConfig(embedding_init="kiwi")).embed_dim == 256
    assert [with_embed_dim(RecurrentConfig(embedding_init=i)).embed_dim for i in ("e5", "random", "word2vec")] == [
        384, 128, 200]


def test_the_build_keeps_what_it_left_out_and_each_words_reading(small):
    assert small.candidates > len(small.words)  # left-out entries are counted, for the build's report
    assert small.reading("갔다") == "가/VV 었/EP 다/EF"
    assert small.neighbors("갔다", 2).reading == "가/VV 었/EP 다/EF"
    assert small.neighbors("갔다", 2).to_dict()["reading"] == "가/VV 었/EP 다/EF"


def test_caches_of_older_recipes_are_removed_by_the_library_and_said(tmp_path, monkeypatch, caplog):
    """Only the CLI removed them: a server's or a notebook's builds left hundreds of MB behind each time. (A home of
    its own: another test worker's build, in the shared home, removes stale files of its size too.)"""
    from seqlab.vectors.kiwi_word_vectors import kiwi_vectors_path, remove_stale_kiwi_caches

    monkeypatch.setenv("SEQLAB_HOME", str(tmp_path))
    current = kiwi_vectors_path(3000)
    current.parent.mkdir(parents=True)
    old = current.parent / "kiwi-cong-0.23.0-wordfreq-ko3000-v4-0123abcd.npz"
    other_size = current.parent / "kiwi-cong-0.23.0-wordfreq-v4-0123abcd.npz"
    for path in (current, old, other_size):
        path.write_bytes(b"x")
    with caplog.at_level("INFO", logger="seqlab"):
        stale = remove_stale_kiwi_caches(3000)
    assert old in stale and other_size not in stale and current not in stale and current.exists()
    assert not old.exists() and other_size.exists() and f"removed {old}" in caplog.text
