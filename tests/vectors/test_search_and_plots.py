import re

import numpy as np
import pytest

from seqlab.errors import InputError
from seqlab.render.plots import write_scatter
from seqlab.vectors.projection import pca_2d, project
from seqlab.vectors.search import search


def test_search_builds_index_once_and_finds_the_line(tmp_path, reviews):
    corpus = tmp_path / "c.txt"
    corpus.write_text("\n".join(reviews[:120]) + "\n", encoding="utf-8")
    first = search(reviews[57], corpus, model="minilm", k=3)
    assert first.built and first.hits[0].line == 58 and first.hits[0].text == reviews[57]
    assert first.hits[0].score == pytest.approx(1.0, abs=1e-5) and len(first.hits) == 3  # the same text
    second = search("배우 연기", corpus, model="minilm", k=5)
    assert not second.built and [h.rank for h in second.hits] == [1, 2, 3, 4, 5]


def test_blank_lines_are_never_hits_and_a_blank_corpus_is_refused(tmp_path, reviews):
    from seqlab.errors import InputError

    corpus = tmp_path / "gaps.txt"
    lines = [t if i % 2 else "" for i, t in enumerate(reviews[:40])]  # every other line blank
    corpus.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = search("영화", corpus, model="minilm", k=25)
    assert len(result.hits) == 20 and all(h.text.strip() for h in result.hits)  # the 20 lines with text
    assert all(lines[h.line - 1] == h.text for h in result.hits) and [h.rank for h in result.hits] == list(range(1, 21))
    blank = tmp_path / "blank.txt"
    blank.write_text("\n \n\n", encoding="utf-8")
    with pytest.raises(InputError, match="no text lines"):
        search("영화", blank, model="minilm", k=3)


def test_pca_matches_sklearn_up_to_sign():
    from sklearn.decomposition import PCA

    rng = np.random.default_rng(1)
    x = rng.normal(size=(20, 6)) @ rng.normal(size=(6, 6))
    ours, explained = pca_2d(x)
    ref = PCA(n_components=2).fit(x)
    theirs = ref.transform(x)
    np.testing.assert_allclose(np.abs(ours), np.abs(theirs), atol=1e-9)
    np.testing.assert_allclose(explained, ref.explained_variance_ratio_, atol=1e-9)


def test_png_and_self_contained_html(tmp_path):
    labels = ["왕", "여왕", "남자", "여자", "영화"]
    projection = project(labels, np.random.default_rng(0).normal(size=(5, 8)), source="단어 벡터")
    png = write_scatter(projection, tmp_path / "w.png")
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    page = write_scatter(projection, tmp_path / "w.html").read_text(encoding="utf-8")
    assert "여왕" in page and "<svg" in page and not re.search(r"(src|href)=\"https?:", page)
    with pytest.raises(InputError):
        write_scatter(projection, tmp_path / "w.jpg")
