import itertools

import numpy as np
import pytest

from seqlab.errors import InputError, ModelUnavailable
from seqlab.pretrained.loading import load_tokenizer
from seqlab.vectors.aggregate import aggregate_morphemes, aggregate_words
from seqlab.vectors.encoder import load_encoder
from seqlab.vectors.similarity import cosine, similarity


def test_shape_is_batch_seq_hidden_and_matches_tokenize(korean):
    rec = load_encoder("e5-small").embed(korean)
    assert rec.shape == [1, len(load_tokenizer("e5-small").encode(korean).tokens), 384] == [1, 11, 384]
    assert rec.hidden.dtype == np.float32


def test_the_shape_line_draws_tokens_as_the_token_tables_do():
    """minilm's 오늘 is ㅇ ##ㅗ ##ㄴ ##ㅡ ##ㄹ in the tables, but the shape line printed its raw conjoining jamo
    (ᄋ ##ᅩ …), which combine or show as boxes in many terminals."""
    from seqlab.render.vectors import shape_lines

    said = shape_lines(load_encoder("minilm").embed("오늘"))[2]
    assert "[CLS] ㅇ ##ㅗ ##ㄴ ##ㅡ ##ㄹ [SEP]" in said and "ᄋ" not in said, said


def test_layers_end_with_last_hidden_state():
    rec = load_encoder("minilm").embed("hello world", layers=True)
    assert rec.layers.shape == (7, 4, 384)  # embeddings + 6 layers
    np.testing.assert_allclose(rec.layers[-1], rec.hidden, atol=1e-6)


def test_word_and_morpheme_aggregation_through_offsets(korean):
    rec = load_encoder("e5-small").embed(korean)
    words = aggregate_words(rec, "mean")
    assert [w.label for w in words] == ["안녕하세요,", "오늘", "날씨가", "정말", "좋네요"]
    nalssi = words[2]
    assert [rec.tokens.tokens[i] for i in nalssi.token_indices] == ["▁날씨", "가"]
    np.testing.assert_allclose(nalssi.vector, rec.hidden[nalssi.token_indices].mean(axis=0))
    assert np.array_equal(aggregate_words(rec, "first")[2].vector, rec.hidden[nalssi.token_indices[0]])
    morphs = {g.label: g for g in aggregate_morphemes(rec)}
    assert morphs["가/JKS"].token_indices == [5] and morphs["날씨/NNG"].token_indices == [4]
    assert morphs["하/XSA"].token_indices == [1]  # inside the single piece ▁안녕하세요
    with pytest.raises(InputError):
        aggregate_words(rec, "median")


def test_similarity_ranks_paraphrase_above_unrelated():
    close = similarity("이 영화 정말 재밌어요", "영화가 너무 재미있었어요")
    far = similarity("이 영화 정말 재밌어요", "주식 시장이 크게 하락했다")
    assert close.cosine > far.cosine and close.prefix == "query: "
    assert cosine(np.ones(3), -np.ones(3)) == pytest.approx(-1.0)


def test_tokenizer_only_models_have_no_vectors():
    with pytest.raises(ModelUnavailable, match="tokenizer only"):
        load_encoder("kiwi")


def test_sentence_vectors_equal_sentence_transformers():
    from sentence_transformers import SentenceTransformer

    from seqlab.pretrained.e5_convert import convert

    texts = ["영화가 정말 재밌어요", "배우들의 연기가 훌륭하다", "The plot was predictable."]
    st = SentenceTransformer(str(convert().path), device="cpu")
    ref = st.encode(["passage: " + t for t in texts], normalize_embeddings=True)
    ours = load_encoder("e5-small").sentence_vectors(texts, prefix="passage: ")
    assert (ours * ref).sum(axis=1).min() >= 0.9999


def test_similarity_through_another_forward_path_is_the_same_number():
    """The web server's path (records in shared batches) and the CLI's (packed sentence vectors) agree."""
    from seqlab.vectors.encoder import load_encoder
    from seqlab.vectors.similarity import similarity

    a, b = "영화가 정말 재밌어요", "이 영화 최고예요"
    direct = similarity(a, b, "e5-small")
    batched = similarity(a, b, "e5-small",
                         embed=lambda name, recs: load_encoder(name).embed_records(recs, pooling="mean", normalize=True))
    assert batched.prefix == direct.prefix == "query: " and abs(batched.cosine - direct.cosine) < 1e-5
    from seqlab.errors import UsageError

    with pytest.raises(UsageError, match="embed= computes mean-pooled fp32 vectors"):  # was "mean" with max asked
        similarity(a, b, "e5-small", pooling="max", embed=lambda name, recs: [])


def test_a_cosine_is_never_above_one_and_an_empty_sentence_has_none():
    """similarity("영화", "영화") was 1.0000001192 (float32); similarity("", "영화") was 0.83, with no word."""

    assert similarity("영화", "영화").cosine <= 1.0
    v = np.random.default_rng(0).standard_normal(384).astype(np.float32)
    assert cosine(v, v) == 1.0 and cosine(v, -v) == -1.0
    for a, b, which in [("", "영화", "first"), ("영화", " \u200b ", "second"), (None, "영화", "string")]:
        with pytest.raises(InputError, match=which):
            similarity(a, b)


def test_loading_a_model_leaves_the_notebooks_transformers_logging_as_it_was():
    """Loading a model set transformers' verbosity to "error" and turned its progress bars off for the rest of the
    session: a notebook user's own from_pretrained calls lost their warnings."""
    from transformers.utils import logging as hf_logging

    from seqlab.vectors.encoder import Encoder

    before = hf_logging.get_verbosity(), hf_logging.is_progress_bar_enabled()
    hf_logging.set_verbosity_warning()
    hf_logging.enable_progress_bar()
    try:
        Encoder("e5-small")
        assert hf_logging.get_verbosity() == hf_logging.WARNING and hf_logging.is_progress_bar_enabled()
    finally:
        hf_logging.set_verbosity(before[0])
        (hf_logging.enable_progress_bar if before[1] else hf_logging.disable_progress_bar)()


def test_loads_in_several_threads_share_one_quiet_stretch_and_none_waits():
    """A lock held for the whole load made every other model load wait (a hub download included); settings restored
    by one thread while another still loaded would let its warnings through."""
    import threading

    from transformers.utils import logging as hf_logging

    from seqlab.pretrained.install import quiet_transformers

    before = hf_logging.get_verbosity()
    hf_logging.set_verbosity_warning()
    inside, release, seen = threading.Barrier(2, timeout=10), threading.Event(), []

    def load(hold: bool):
        with quiet_transformers():
            inside.wait()  # both inside at once: neither waited for the other's load
            if hold:
                release.wait(10)
            seen.append(hf_logging.get_verbosity())

    try:
        threads = [threading.Thread(target=load, args=(hold,)) for hold in (False, True)]
        for thread in threads:
            thread.start()
        threads[0].join(10)
        assert hf_logging.get_verbosity() == hf_logging.ERROR  # the other load is still quiet
        release.set()
        threads[1].join(10)
        assert seen == [hf_logging.ERROR, hf_logging.ERROR] and hf_logging.get_verbosity() == hf_logging.WARNING
    finally:
        hf_logging.set_verbosity(before)


def test_every_window_of_a_long_text_keeps_the_input_prefix(monkeypatch):
    """Only the first window held "passage: ": e5 read the others without the prefix it was trained with."""
    encoder = load_encoder("e5-small")
    seen = []
    forward = encoder.forward_ids
    monkeypatch.setattr(encoder, "forward_ids", lambda ids, **kw: (seen.append(ids[0]), forward(ids, **kw))[1])
    text = " ".join(str(n) for n in range(100, 160))  # pieces that seldom repeat: each window is found in the text
    (record,) = encoder.embed_many([text], prefix="passage: ", long="window", max_length=32, stride=10)
    head, content = record.tokens.input_ids[:3], record.tokens.input_ids[3:-1]  # <s> ▁passage : | the text's pieces
    assert record.tokens.tokens[1:3] == ["▁passage", ":"] and len(seen) == record.extra["long"]["windows"] >= 3
    assert all(ids[:3] == head and ids[-1] == record.tokens.input_ids[-1] and len(ids) == 32 for ids in seen)
    starts = [next(i for i in range(len(content)) if content[i : i + 28] == ids[3:-1]) for ids in seen]
    # every window is 28 pieces of the text in order, from its start to its end, with no gap between windows
    assert starts[0] == 0 and starts[-1] + 28 == len(content) and all(0 < b - a <= 28 for a, b in itertools.pairwise(starts))
    assert record.hidden.shape[0] == len(record.tokens.input_ids)


def test_a_stride_is_checked_by_the_library_too():
    """stride=-1 raised IndexError, stride=0 became the default, and a stride with long="truncate" was ignored."""
    from seqlab.errors import UsageError

    encoder = load_encoder("e5-small")
    for stride in (0, -1, 2.5):
        with pytest.raises(UsageError) as caught:
            encoder.embed_many(["영화"], long="window", stride=stride)
        assert caught.value.option == "stride", stride
    with pytest.raises(UsageError, match='stride is used only with long="window"'):
        encoder.embed_many(["영화"], stride=5)
    with pytest.raises(UsageError, match=r"holds \(28 tokens besides its special tokens and input prefix\)"):
        encoder.embed_many(["영화"], prefix="passage: ", long="window", max_length=32, stride=29)  # 32 - 2 - 2
