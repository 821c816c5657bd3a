import json
import re

import numpy as np
import pytest

from seqlab.errors import InputError
from seqlab.render.plots import write_scatter
from seqlab.vectors.projection import pca_2d, project
from seqlab.vectors.search import search


def test_search_builds_index_once_and_finds_the_line(tmp_path, reviews, monkeypatch):
    monkeypatch.setenv("SEQLAB_HOME", str(tmp_path / "home"))  # a first build even when the session's home is reused
    corpus = tmp_path / "c.txt"
    corpus.write_text("\n".join(reviews[:120]) + "\n", encoding="utf-8")
    first = search(reviews[57], corpus, model="minilm", k=3)
    assert first.built and first.hits[0].line == 58 and first.hits[0].text == reviews[57]
    assert first.hits[0].score == pytest.approx(1.0, abs=1e-5) and len(first.hits) == 3  # the same text
    second = search("배우 연기", corpus, model="minilm", k=5)
    assert not second.built and [h.rank for h in second.hits] == [1, 2, 3, 4, 5]


def test_search_says_how_many_corpus_lines_were_not_utf8(tmp_path, reviews, cli):
    corpus = tmp_path / "bad.txt"
    corpus.write_bytes(("\n".join(reviews[:20]) + "\n").encode() + b"broken \xff line\n")
    code, out, err = cli("search", "영화", "--corpus", str(corpus), "-m", "minilm", "-k", "2", "--json", "--lang", "en",
                         "--errors", "replace")  # strict by default, as every command reads files
    assert code == 0 and json.loads(out)["bad_lines"] == 1 and "1 line of bad.txt is not valid UTF-8" in err


def test_the_library_reads_a_corpus_strictly_by_default_as_every_command(tmp_path, reviews):
    """search() and embed_corpus() indexed a line that is not UTF-8 without a word (errors="replace" by default),
    while tokenize, embed and every command stop at it (a practitioner's review)."""
    from seqlab.render.notebook import render
    from seqlab.vectors.corpus_job import embed_corpus

    corpus = tmp_path / "bad.txt"
    corpus.write_bytes(("\n".join(reviews[:20]) + "\n").encode() + b"broken \xff line\n")
    with pytest.raises(InputError, match="UTF-8"):
        search("영화", corpus, model="minilm", k=2)
    with pytest.raises(InputError, match="UTF-8"):
        embed_corpus(corpus, tmp_path / "out")
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())  # stopped before writing
    result = search("영화", corpus, model="minilm", k=2, errors="replace")
    plain = render(result)[2]
    assert result.bad_lines == 1 and "1 line of bad.txt is not valid UTF-8" in plain  # and said where it is shown


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


def _overlapping_pairs(boxes) -> int:
    return sum(boxes[i].overlaps(boxes[j]) for i in range(len(boxes)) for j in range(i + 1, len(boxes)))


def test_crowded_labels_are_moved_apart_in_png_and_html():
    """Words whose points nearly coincide (close vectors): their labels must not be drawn on top of each other."""
    from matplotlib.font_manager import FontProperties
    from matplotlib.textpath import TextToPath
    from matplotlib.transforms import Bbox

    from seqlab.render.plots import korean_figure, spread_labels, svg_label_positions

    labels = ["왕", "여왕", "왕비", "왕자", "공주", "남자", "여자", "아버지", "어머니", "아들", "딸", "형"]
    points = np.random.default_rng(0).normal(size=(len(labels), 2)) * 0.02
    points[:6] += 1.0  # two tight clusters
    with korean_figure(figsize=(8, 6.5)) as fig:
        ax = fig.subplots()
        ax.scatter(points[:, 0], points[:, 1])
        texts = [ax.text(x, y, label, fontsize=9) for (x, y), label in zip(points, labels)]
        fig.canvas.draw()
        before = _overlapping_pairs([t.get_window_extent() for t in texts])
        spread_labels(ax, texts, points)
        fig.canvas.draw()
        after = _overlapping_pairs([t.get_window_extent() for t in texts])
    assert before > 10 and after == 0
    # the HTML scatter: the same placement in the SVG's pixels; each label measured at the page's 12 px
    xy = 50 + (points - points.min(0)) / np.ptp(points, 0) * [800, 540]
    at = svg_label_positions(xy, labels, 900, 640, 12)
    font = FontProperties(family="NanumGothic", size=12)  # the page's font at 12 units: sizes in px
    size = {label: TextToPath().get_text_width_height_descent(label, font, ismath=False) for label in labels}
    boxes = [Bbox([[x + 0.5, y - size[label][1] + 0.5], [x + size[label][0] - 0.5, y + size[label][2] - 0.5]])
             for (x, y), label in zip(at, labels)]  # each glyph box, less half a pixel of anti-aliasing each side
    assert _overlapping_pairs(boxes) == 0
    assert np.all((at >= 0) & (at <= [900, 640]))  # still inside the picture


def test_plot_says_when_labels_are_not_moved_apart(tmp_path, cli):
    from seqlab.render.plots import SPREAD_MAX

    words = [f"w{i}" for i in range(SPREAD_MAX + 1)]
    vectors = tmp_path / "v.txt"
    rng = np.random.default_rng(0)
    vectors.write_text(f"{len(words)} 4\n" + "".join(f"{w} {' '.join(map(str, rng.normal(size=4)))}\n" for w in words),
                       encoding="utf-8")
    code, _out, err = cli("plot", *words, "--vectors", str(vectors), "--out", str(tmp_path / "p.html"), "--lang", "en")
    err = " ".join(err.split())
    assert code == 0 and f"{SPREAD_MAX + 1} points" in err and "may overlap" in err
    code, out, _err = cli("plot", *words[:3], "--vectors", str(vectors), "--out", str(tmp_path / "q.html"), "--json")
    assert code == 0 and json.loads(out)["labels_spread"] is True


def test_search_and_corpus_jobs_read_an_nsmc_file_by_its_document_column(tmp_path, nsmc_rows, cli, monkeypatch):
    """`search --corpus train.tsv` showed "1600164\\t간만에…\\t1" and indexed the header row."""
    monkeypatch.setenv("SEQLAB_HOME", str(tmp_path / "home"))  # a first build, which says what it reads
    data = tmp_path / "nsmc.tsv"
    data.write_text("id\tdocument\tlabel\n" + "".join(f"{i}\t{t}\t{y}\n" for i, t, y in nsmc_rows[:30]),
                    encoding="utf-8")
    code, out, err = cli("search", nsmc_rows[4][1], "--corpus", str(data), "-m", "minilm", "-k", "3", "--json")
    hits = json.loads(out)["hits"]
    assert code == 0 and hits[0]["text"] == nsmc_rows[4][1] and hits[0]["line"] == 6
    assert all("\t" not in h["text"] and h["text"] != "document" for h in hits) and "document column" in " ".join(err.split())


def test_sentences_are_numbered_points_with_a_key(tmp_path, monkeypatch):
    """`plot --sentences`: labels of up to 24 characters beside close points overlapped even after spreading (there
    is no room for them). Each point now carries its number; the sentences are listed beside the PNG and below
    the HTML, whole there."""
    from seqlab.render import plots

    sentences = [f"이 영화 정말 재미있었어요 {i}번째로 다시 봐도 좋은 영화였습니다" for i in range(12)]
    sentences[0] += " 배우들의 연기도 정말 훌륭했고 음악도 좋았습니다"  # 62 characters: cut in the PNG's key
    points = np.random.default_rng(0).normal(size=(12, 8)) * 0.01
    projection = project(sentences, points, source="e5-small")
    page = plots.write_scatter(projection, tmp_path / "s.html", sentences=True).read_text(encoding="utf-8")
    assert re.findall(r"<text [^>]*>([^<]*)</text>", page) == [str(i) for i in range(1, 13)]
    assert re.findall(r"<li>([^<]*)</li>", page) == sentences  # whole, in order
    drawn = {}

    def keep(fig, *args, **kwargs):  # the key: the figure's own text, read back
        drawn["key"] = args[2]
        return real_text(fig, *args, **kwargs)

    from matplotlib.figure import Figure

    real_text = Figure.text
    monkeypatch.setattr(Figure, "text", keep)
    png = plots.write_scatter(projection, tmp_path / "s.png", sentences=True)
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    lines = drawn["key"].splitlines()
    assert len(lines) == 12 and lines[0].startswith("1. 이 영화") and lines[0].endswith("…")
    assert len(lines[0]) == len("1. ") + plots.KEY_CHARS


def test_a_long_key_stops_at_its_limit(tmp_path, monkeypatch):
    """A key of every sentence made a PNG 190 inches tall for 1,000 sentences; it lists the first KEY_ROWS."""
    from matplotlib.figure import Figure

    from seqlab.render import plots

    sentences = [f"문장 {i}" for i in range(plots.KEY_ROWS + 5)]
    projection = project(sentences, np.random.default_rng(0).normal(size=(len(sentences), 4)), source="e5-small")
    drawn, real_text = {}, Figure.text

    def keep(fig, *args, **kwargs):
        drawn["key"] = args[2]
        drawn["height"] = fig.get_figheight()
        return real_text(fig, *args, **kwargs)

    monkeypatch.setattr(Figure, "text", keep)
    plots.write_scatter(projection, tmp_path / "s.png", sentences=True)
    lines = drawn["key"].splitlines()
    assert len(lines) == plots.KEY_ROWS + 1 and "5 more" in lines[-1] and drawn["height"] < 14
