"""3CosAdd/3CosMul against gensim, all-but-the-top, the evaluation per method, and unknown words (small fake vectors)."""

import numpy as np
import pytest

from seqlab.errors import InputError, UsageError
from seqlab.vectors.all_but_the_top import fit
from seqlab.vectors.analogy import scores
from seqlab.vectors.analogy_eval import KOREAN_ANALOGIES, evaluate, read_questions
from seqlab.vectors.pooling import l2_normalize
from seqlab.vectors.wordvectors import UnknownWord, WordVectors

WORDS = ["왕", "여왕", "남자", "여자", "서울", "도쿄", "한국", "일본", "크다", "작다", "길다", "짧다", "사람", "사람들"]


@pytest.fixture(scope="module")
def fake():
    rng = np.random.default_rng(0)
    vectors = l2_normalize(rng.normal(size=(len(WORDS), 16)).astype(np.float32))
    return WordVectors(WORDS, vectors, "fake")


@pytest.fixture(scope="module")
def keyed(fake):
    from gensim.models import KeyedVectors

    kv = KeyedVectors(vector_size=fake.dim)
    kv.add_vectors(fake.words, fake.vectors)
    return kv


@pytest.mark.parametrize(("pos", "neg"), [(["여왕", "남자"], ["왕"]), (["서울", "일본"], ["한국"]), (["크다"], []),
                                          (["길다", "작다", "사람"], ["크다", "짧다"])])
def test_3cosadd_and_3cosmul_rank_like_gensim(fake, keyed, pos, neg):
    theirs = keyed.most_similar(positive=pos, negative=neg, topn=8)
    mine = fake.analogy(pos, neg, 8, method="3cosadd")
    assert [w for w, _ in theirs] == [n.word for n in mine]
    np.testing.assert_allclose([s for _, s in theirs], [n.score for n in mine], atol=1e-5)
    # gensim's most_similar_cosmul uses eps = 1e-6 (Levy & Goldberg: 1e-3, seqlab's default)
    theirs = keyed.most_similar_cosmul(positive=pos, negative=neg, topn=8)
    v = fake.vectors
    row = scores("3cosmul", v, v[[fake.index[w] for w in pos]][None], v[[fake.index[w] for w in neg]][None] if neg
                 else np.zeros((1, 0, fake.dim)), eps=1e-6)[0]
    for w in [*pos, *neg]:
        row[fake.index[w]] = -np.inf
    order = np.argsort(-row, kind="stable")[:8]
    assert [w for w, _ in theirs] == [fake.words[i] for i in order]
    np.testing.assert_allclose([s for _, s in theirs], row[order], rtol=1e-4)


def test_all_but_the_top_removes_the_mean_and_the_top_directions():
    rng = np.random.default_rng(1)
    common = rng.normal(size=32)
    x = rng.normal(size=(500, 32)) * 0.1 + common  # every vector shares one large component
    x[:, :2] *= 5  # two dominant directions besides the mean
    post = fit(x, 2)
    np.testing.assert_allclose(post.mean, x.mean(0), atol=1e-5)
    np.testing.assert_allclose(np.abs(post.directions @ post.directions.T), np.eye(2), atol=1e-5)
    out = post.apply(x.astype(np.float32))
    np.testing.assert_allclose(np.linalg.norm(out, axis=1), 1, atol=1e-5)
    np.testing.assert_allclose(out @ post.directions.T, 0, atol=1e-5)  # nothing left along u_1, u_2
    # the same as sklearn's PCA: its first two components span the same directions
    from sklearn.decomposition import PCA

    pca = PCA(2).fit(x)
    np.testing.assert_allclose(np.abs(pca.components_ @ post.directions.T), np.eye(2), atol=1e-4)
    assert fit(x, 0).directions.shape == (0, 32)


def test_evaluation_per_method_equals_brute_force(fake, tmp_path):
    lines = [": a", "남자 왕 여자 여왕", "한국 서울 일본 도쿄", "크다 작다 길다 짧다", ": b", "사람 사람들 왕 여왕",
             "왕 여왕 남자 없는단어"]
    path = tmp_path / "q.txt"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    for method in ("3cosadd", "3cosmul"):
        result = evaluate(fake, path, method=method)
        assert result.method == method and result.to_dict()["method"] == method
        for name, items in read_questions(path):
            section = next(s for s in result.sections if s.name == name)
            known = [q for q in items if all(w in fake.index for w in q)]
            top1 = sum(fake.analogy([b, c], [a], 1, method)[0].word == d for a, b, c, d in known)
            top5 = sum(d in [n.word for n in fake.analogy([b, c], [a], 5, method)] for a, b, c, d in known)
            assert (section.correct, section.correct5, section.total) == (top1, top5, len(known))
    assert result.sections[1].skipped == 1
    with pytest.raises(InputError, match="unknown analogy method"):
        evaluate(fake, path, method="3cosdiv")


def test_evaluation_ignores_case_like_gensim_and_composes_decomposed_hangul(tmp_path):
    """gensim's questions-words.txt writes 'Athens Greece'; a file saved on macOS may hold decomposed Hangul."""
    import unicodedata

    words = ["athens", "greece", "paris", "france", "왕", "여왕", "남자", "여자"]
    vectors = WordVectors(words, l2_normalize(np.random.default_rng(1).normal(size=(8, 8)).astype(np.float32)), "x")
    path = tmp_path / "q.txt"
    path.write_text(": capital\nAthens Greece Paris France\n: gender\n" +
                    unicodedata.normalize("NFD", "남자 여자 왕 여왕") + "\nOslo Norway Paris France\n",
                    encoding="utf-8")
    result = evaluate(vectors, path)
    assert result.total == 2 and sum(s.skipped for s in result.sections) == 1
    assert result.lowercased == ["Athens", "Greece", "Paris", "France"] and result.unknown_words == ["Oslo", "Norway"]
    assert result.to_dict()["lowercased"] == result.lowercased
    # a word typed decomposed is the same word
    nfd = unicodedata.normalize("NFD", "여자")
    assert vectors.neighbors(nfd, 2).word == "여자"
    assert vectors.solve(unicodedata.normalize("NFD", "왕 - 남자 + 여자"), 2).positive == ["왕", "여자"]


def test_no_answerable_question_says_why_in_the_users_language(tmp_path):
    from seqlab.i18n import use_language

    path = tmp_path / "q.txt"
    path.write_text("king queen man woman\n", encoding="utf-8")
    kiwi_like = WordVectors(["왕", "여왕"], np.eye(2, dtype=np.float32), "Kiwi word vectors", morphemes=True)
    with use_language("ko"), pytest.raises(InputError) as info:
        evaluate(kiwi_like, path)
    assert "Kiwi 단어 벡터" in str(info.value) and "word vectors" not in str(info.value)
    assert 'word_vectors("e5-small")' in info.value.hint and "--model e5-small" in info.value.cli_hint


def test_no_answerable_question_says_what_to_do_next(tmp_path):
    """The hint listed the unknown words and stopped there (a CLI review): it says what would answer them."""
    path = tmp_path / "q.txt"
    path.write_text("왕 여왕 남자 여자\n", encoding="utf-8")
    small = WordVectors(["영화", "좋다"], np.eye(2, dtype=np.float32), "w2v")
    with pytest.raises(InputError) as info:
        evaluate(small, path)
    assert "lower min_count" in info.value.hint and "lower --min-count" in info.value.cli_hint
    assert "seqlab wordvec eval FILE" in info.value.cli_hint


def test_shipped_question_file():
    sections = read_questions(KOREAN_ANALOGIES)
    assert len(sections) >= 6 and sum(len(q) for _, q in sections) >= 150
    assert {"gender", "capital", "antonym", "past-tense", "honorific", "plural", "category"} <= {n for n, _ in sections}


def _model_like(fake, embedded: list):
    def unknown_chars(word):
        return [c for c in word if c in "뷁궯"]

    def pieces(word):
        return ["▁" + word[:1], *(("<unk>" if c in "뷁궯" else c) for c in word[1:])]

    def embed(words):
        embedded.extend(words)
        return np.ones((len(words), fake.dim), dtype=np.float32)

    return WordVectors(fake.words, fake.vectors, "fake model", embed, unknown_chars, pieces)


def test_a_word_outside_the_vocabulary_is_reported_as_unknown_with_its_pieces(fake):
    embedded = []
    vectors = _model_like(fake, embedded)
    with pytest.raises(UnknownWord, match="unknown") as info:
        vectors.neighbors("블록버스터", 3)
    assert info.value.word == "블록버스터" and info.value.pieces == ["▁블", "록", "버", "스", "터"]
    assert "▁블 록 버 스 터" in info.value.message and "embed_oov=True" in info.value.hint
    assert "--embed-oov" in info.value.cli_hint
    with pytest.raises(UnknownWord):
        vectors.solve("왕 - 남자 + 블록버스터")
    assert embedded == []  # nothing was built for an unknown word
    # asked for, a word made of known pieces is built from them, and the result says so
    near = vectors.neighbors("블록버스터", 3, embed_oov=True)
    assert not near.in_vocabulary and len(near.results) == 3 and embedded == ["블록버스터"]
    assert vectors.solve("왕 - 남자 + 블록버스터", 3, embed_oov=True).oov == ["블록버스터"]
    assert vectors.neighbors("여왕", 3).in_vocabulary


def test_a_word_with_unk_pieces_is_refused_even_when_asked_to_embed(fake):
    embedded = []
    vectors = _model_like(fake, embedded)
    for word in ("뷁궯", "왕뷁"):
        with pytest.raises(UnknownWord, match="<unk>") as info:
            vectors.neighbors(word, 3, embed_oov=True)
        assert info.value.unk and "<unk>" in info.value.pieces
    assert embedded == []


def test_trained_vectors_policy(fake):
    plain = WordVectors(fake.words, fake.vectors, "w2v")
    with pytest.raises(UnknownWord, match="not in the vocabulary"):
        plain.neighbors("없는단어", 3)  # nothing can build it
    with pytest.raises(UsageError, match="cannot build a word it lacks"):  # and asking it to is refused, not ignored
        plain.neighbors("없는단어", 3, embed_oov=True)
    built = WordVectors(fake.words, fake.vectors, "fasttext", lambda ws: np.ones((len(ws), fake.dim)),
                        embeds_oov=True)
    assert not built.neighbors("없는단어", 3).in_vocabulary  # FastText builds any word from n-grams by design


def test_the_try_it_line_of_trained_vectors_names_a_word_they_have(tmp_path):
    from seqlab.render.words import wordvec_summary
    from seqlab.vectors.wordvec_training import TrainedVectors

    tagged = TrainedVectors(tmp_path / "w v.model", "word2vec", 3, 8, 2, 10, 0.5, example="영화/NNG")
    assert wordvec_summary(tagged).endswith(f"seqlab neighbors 영화/NNG --vectors '{tmp_path / 'w v.model'}'")


def test_top_answers_built_on_a_question_word_are_named_with_kiwis_reading():
    """Kiwi's 왕 - 남자 + 여자 ranked 왕전 (read 왕/NNG 전/NNG, its vector near 왕's) first and 여왕 19th, unsaid."""
    from seqlab.render.words import word_notes

    words = ["왕", "남자", "여자", "왕전", "여왕", "왕들", "사람"]
    readings = ["왕/NNG", "남자/NNG", "여자/NNG", "왕/NNG 전/NNG", "여왕/NNG", "왕/NNG 들/XSN", "사람/NNG"]
    rng = np.random.default_rng(0)
    base = rng.normal(size=(len(words), 8))
    base[3] = base[0] + base[2] - base[1] + 0.01 * rng.normal(size=8)  # 왕전: the sum itself, ranked first
    base[5] = -base[0]  # 왕들 ranked last: built on 왕 but not among the top answers
    vectors = WordVectors(words, l2_normalize(base.astype(np.float32)), "fake", readings=readings)
    result = vectors.solve("왕 - 남자 + 여자", 4)
    assert result[0].word == "왕전" and result[-1].word == "왕들"
    assert result.compounds == {"왕전": "왕/NNG 전/NNG"} and result.to_dict()["compounds"] == result.compounds
    assert any("왕전 = 왕/NNG + 전/NNG" in note for note in word_notes(result))
    plain = WordVectors(words, vectors.vectors, "fake")  # no readings (gensim, a transformer): nothing to say
    assert plain.solve("왕 - 남자 + 여자", 4).compounds == {}
    # one word's neighbours are nearly all built on it, and the one-word note says what they are: no second note
    for one in ("왕", "왕 - 남자 + 남자"):
        alone = vectors.solve(one, 4)
        assert any(n.word in ("왕전", "왕들") for n in alone.results[:3]) and alone.compounds == {}, one
        assert not any("built on a word of the question" in note for note in word_notes(alone))


def test_an_answer_built_on_a_word_that_cancels_out_is_not_named():
    from seqlab.render.words import word_notes

    words = ["왕", "남자", "여자", "남자들", "여왕"]
    readings = ["왕/NNG", "남자/NNG", "여자/NNG", "남자/NNG 들/XSN", "여왕/NNG"]
    rng = np.random.default_rng(1)
    base = rng.normal(size=(len(words), 8))
    base[3] = base[0] + base[2] + 0.01 * rng.normal(size=8)  # 남자들 ranked first for 왕 + 여자 (남자 cancels out)
    vectors = WordVectors(words, l2_normalize(base.astype(np.float32)), "fake", readings=readings)
    result = vectors.solve("왕 - 남자 + 여자 + 남자", 2, method="3cosadd")
    assert result[0].word == "남자들" and result.compounds == {}
    assert not any("built on a word of the question" in note for note in word_notes(result))
