"""Every record the Python API returns displays itself in a notebook: text/plain plus self-contained text/html.

Each record's HTML must carry the record's own numbers (drawn by views.js, the page's code) and
load nothing from elsewhere; the browser test draws them all on one page, as two cells of a notebook would.
"""

from __future__ import annotations

import dataclasses
import json
import re
from pathlib import Path

import numpy as np
import pytest

import seqlab
from seqlab.display import Displayable
from seqlab.errors import SeqlabError
from seqlab.render.notebook import RENDERERS, mimebundle, render

URL = re.compile(r"""(?:https?:)?//(?!www\.w3\.org/2000/svg)[\w.-]+\.[a-z]{2,}""", re.IGNORECASE)


def payloads(html: str) -> list:
    """The JSON records of a fragment's SeqlabViews.render calls (what views.js draws)."""
    found = []
    for call in re.findall(r'SeqlabViews\.render\(document\.getElementById\("seqlab-[0-9a-f]+"\), (.*?)\);', html):
        found.append(json.loads(f"[{call}]"))
    return found


def numbers_in(html: str) -> str:
    return json.dumps(payloads(html), ensure_ascii=False)


@pytest.fixture(scope="module")
def records(tmp_path_factory):
    """One record of every kind, small: the real pipeline where it is cheap, exact hand-made numbers elsewhere."""
    import torch

    torch.set_num_threads(1)
    import seqlab
    from seqlab.lab.gradflow import gradflow
    from seqlab.lab.longterm import LongTermReport, RunResult
    from seqlab.lab.order import order_demo
    from seqlab.pipeline.attention import attention
    from seqlab.pipeline.explain import explain
    from seqlab.pipeline.seq2seq_trace import decode_trace
    from seqlab.pipeline.tracing import run_trace
    from seqlab.scratch.seq2seq import Seq2Seq
    from seqlab.training.metrics import Metrics
    from seqlab.training.predictors import Evaluation
    from seqlab.training.runs import RunSummary
    from seqlab.vectors.corpus_job import CorpusResult
    from seqlab.vectors.search import Hit, SearchResult
    from seqlab.vectors.word_results import AnalogyResult, Neighbor, NeighborsResult

    metrics = Metrics(accuracy=0.8125, macro_f1=0.8047, n=16, confusion=[[7, 1], [2, 6]], labels=["0", "1"])
    run = RunResult("lstm", "lstm", 6, "accuracy", 0.9375, 0.5, True, 120, 1.5,
                    [{"step": 0, "loss": 0.7, "accuracy": 0.5}, {"step": 50, "loss": 0.2, "accuracy": 0.9375}],
                    [1.0, 2.0], [1.0, 4.0])
    longterm = LongTermReport("first-token", "remember the first token", [6], ["lstm"], [None], 200, 32, 0.01, 8, 0,
                              0.9, "accuracy", runs=[run])
    seq2seq = Seq2Seq(src_vocab=6, tgt_vocab=6, embed=4, hidden=4, attention=True, seed=0)
    return {
        "tokens": seqlab.tokenize("안녕하세요, 오늘 날씨가 정말 좋네요"),
        "batch": seqlab.encode_batch(["안녕하세요", "오늘 날씨가 정말 좋네요"]),
        "embedding": seqlab.embed("안녕하세요", pooling="mean"),
        "similarity": seqlab.similarity("안녕하세요", "반갑습니다"),
        "search": SearchResult("배우 연기", "minilm", "c.txt", "idx", True,
                               [Hit(1, 0.73125, 58, "연기가 좋다"), Hit(2, 0.61875, 3, "배우가 멋지다")]),
        "neighbors": NeighborsResult("영화", "e5-small", [Neighbor("드라마", 0.8765), Neighbor("극장", 0.7654)]),
        "analogy": AnalogyResult("왕 - 남자 + 여자", ["왕", "여자"], ["남자"], [Neighbor("여왕", 0.6543)], "e5-small"),
        "rnn": run_trace("rnn", "안녕하세요", hidden=2, input_dim=3),
        "lstm": run_trace("lstm", "안녕하세요", hidden=3, input_dim=4, backward=True),
        "gru": run_trace("gru", "안녕하세요", hidden=2, input_dim=3, backward=True),
        "seq2seq": decode_trace(seq2seq, [3, 4, 5], ["가", "나", "다"], list("_^$abc"), bos_id=1, eos_id=2,
                                max_len=4),
        "attention": attention("안녕하세요"),
        "gradflow": gradflow(["rnn", "lstm", "gru"], 20, 8),
        "longterm": longterm,
        "order": order_demo(cell="lstm", hidden=4),
        "explain": explain("안녕하세요"),
        "run": RunSummary("tfidf", Path("runs/tfidf"), {"model": "tfidf", "val": metrics.to_dict(), "train_s": 1.25,
                                                        "history": [{"epoch": 1, "val_accuracy": 0.8125}]}, 0.5),
        "evaluation": Evaluation("runs/tfidf", "test.tsv", metrics, {"total": 3}),
        "metrics": metrics,
        # embed_corpus's result showed as a raw dataclass repr (seconds=46.41071694100174, a PosixPath)
        "corpus": CorpusResult(Path("vec300"), 300, 1, 0, 2, 0, 46.41071694100174),
    }


def expected_numbers(name: str, rec) -> list[str]:
    """Numbers of the record that its HTML must carry, as the views get them."""
    if name == "tokens":
        return [str(i) for i in rec.input_ids] + [json.dumps(t, ensure_ascii=False) for t in rec.tokens]
    if name == "batch":
        return [str(int(v)) for v in np.asarray(rec.input_ids).ravel()]
    if name == "embedding":
        return [json.dumps(rec.shape), f"{float(rec.hidden[1, 0]):.4f}".rstrip("0")]
    if name == "similarity":
        return [str(round(rec.cosine, 4))]
    if name == "search":
        return ["0.7312", "0.6188", "58"]  # rounded as the page rounds: 4 decimals, in float64
    if name in ("neighbors", "analogy"):
        return [str(n.score) for n in rec.results]
    if name in ("rnn", "lstm", "gru"):
        return [str(round(float(rec.steps[-1].h[0]), 4))]
    if name == "seq2seq":
        return [str(round(float(rec.attention[0, 0]), 3))] + [json.dumps(t) for t in rec.output]
    if name == "attention":
        return [str(round(float(rec.weights[0, 0, 1].astype(np.float64)[0]), 3))]
    if name == "gradflow":
        return [f"{rec.cells['lstm'].grad_norms[0]:.4g}"]
    if name == "longterm":
        return ["0.9375", "data:image/png;base64,"]
    if name == "order":
        return [str(round(rec.pairs[0].rnn_max_difference, 10))[:6]]
    if name == "explain":
        return [str(i) for i in rec.tokens.input_ids]
    if name == "run":
        return ["0.8125", "0.8047", "1.25", "[\"0\", 7, 1]"]
    if name == "corpus":
        return ["300", "46.4"]
    return ["0.8125", "0.8047", "[\"0\", 7, 1]", "[\"1\", 2, 6]"]


def test_every_displayable_record_kind_has_a_renderer(records):
    """No record class of the library is displayable without a view, and the list covers the issue's kinds."""
    import seqlab.render.notebook  # noqa: F401

    def subclasses(cls):
        for sub in cls.__subclasses__():
            yield sub
            yield from subclasses(sub)

    names = {c.__name__ for c in subclasses(Displayable)}
    assert names <= set(RENDERERS), names - set(RENDERERS)
    assert {type(r).__name__ for r in records.values()} == set(RENDERERS)


def test_every_record_saves_itself_as_standard_json(records, tmp_path):
    """A notebook user had only ``to_dict()``: ``json.dumps`` of it escaped the Hangul (\\uc548), wrote NaN (not
    JSON), and a Batch had no ``to_dict`` at all (numpy arrays). Every record now has ``to_json()``: what ``--json``
    prints, standard and readable."""
    def refused(constant):
        raise AssertionError(f"{constant} is not standard JSON")

    for name, rec in records.items():
        text = rec.to_json()
        assert "\n" not in text, name
        # Python's own dumps writes NaN/Infinity tokens: read as null, they are what standard JSON must hold
        expected = json.loads(json.dumps(rec.to_dict()), parse_constant=lambda _constant: None)
        assert json.loads(text, parse_constant=refused) == expected, name
        assert json.loads(rec.to_json(indent=2)) == json.loads(text), name
    nan = records["metrics"].__class__(accuracy=float("nan"), macro_f1=1.0, n=0, confusion=[], labels=[])
    assert json.loads(nan.to_json(), parse_constant=refused)["accuracy"] is None  # NaN is written as null
    assert '"text":"안녕하세요, 오늘 날씨가 정말 좋네요"' in records["tokens"].to_json()  # Hangul as written
    assert json.loads(records["batch"].to_json())["input_ids"] == np.asarray(records["batch"].input_ids).tolist()


@pytest.mark.parametrize("name", ["tokens", "batch", "embedding", "similarity", "search", "neighbors", "analogy",
                                  "rnn", "lstm", "gru", "seq2seq", "attention", "gradflow", "longterm", "order",
                                  "explain", "run", "evaluation", "metrics"])
def test_record_html_carries_its_numbers_and_nothing_external(records, name):
    rec = records[name]
    bundle = rec._repr_mimebundle_()
    assert bundle["text/plain"] and "object at 0x" not in bundle["text/plain"]
    html = bundle["text/html"]
    assert html.startswith('<div class="seqlab-fragment"') and "SeqlabViews.render(" in html
    assert not URL.findall(html), URL.findall(html)[:3]
    assert "require(" not in html and "<link" not in html and " src=" not in html
    carried = numbers_in(html)
    for number in expected_numbers(name, rec):
        assert number in carried, (name, number)
    assert len(html.encode()) < 1_000_000
    # where no script runs (an untrusted notebook, GitHub's preview) the plain text stands in
    fallback = re.search(r'<pre class="seqlab-fallback" id="[\w-]+">(.*?)</pre>', html, re.DOTALL).group(1)
    assert fallback and fallback.split("\n")[0] in __import__("html").escape(bundle["text/plain"])


def test_two_outputs_have_their_own_containers(records):
    a, b = (records["lstm"]._repr_mimebundle_()["text/html"] for _ in range(2))
    ids = lambda h: re.findall(r'id="(seqlab-[0-9a-f]+)"', h)
    assert ids(a) and not set(ids(a)) & set(ids(b))


def test_include_and_exclude_are_honoured(records):
    rec = records["similarity"]
    assert set(mimebundle(rec, include={"text/plain"})) == {"text/plain"}
    assert "text/html" not in mimebundle(rec, exclude={"text/html"})


def test_no_widget_outside_a_kernel(records):
    """Outside a running kernel (here, pytest) the static HTML stands alone, anywidget installed or not."""
    assert "application/vnd.jupyter.widget-view+json" not in records["lstm"]._repr_mimebundle_()


def test_parts_use_views_that_views_js_defines(records):
    from seqlab.render.fragments import VIEWS, asset

    js = asset("views.js")
    defined = " ".join(re.findall(r"Object\.assign\(V\.views, \{(.*?)\}\);", js, re.DOTALL))  # each file's views
    for view in VIEWS:
        assert re.search(rf"\b{view}\b", defined), view
    for rec in records.values():
        for part in render(rec)[0]:
            assert part[0] in VIEWS


def test_all_records_draw_in_one_page_without_errors(records, notebook_browser):
    """All fragments in one document, like cells of one notebook: every view draws, no error, no request."""
    page = notebook_browser.new_page()
    requests, errors = [], []
    page.on("request", lambda r: requests.append(r.url))
    page.on("pageerror", lambda e: errors.append(str(e)))
    body = "".join(f"<section data-name='{n}'>{r._repr_mimebundle_()['text/html']}</section>"
                   for n, r in records.items())
    page.set_content(f"<!doctype html><html><head><meta charset='utf-8'></head><body>{body}</body></html>")
    assert errors == [] and [u for u in requests if not u.startswith(("data:", "about:"))] == []
    assert page.locator(".seqlab-fallback").count() == 0  # the scripts ran: the plain text gave way to the views
    for name in records:
        assert page.locator(f"section[data-name='{name}'] .seqlab-view").count() >= 1, name
    text = page.inner_text("section[data-name='evaluation']")
    assert "0.8125" in text and "0.8047" in text
    steps = page.locator("section[data-name='lstm'] .sv-steplabel")
    page.locator("section[data-name='lstm'] button.sv-step").nth(1).click()
    assert "t = 1" in steps.inner_text()
    sel = page.locator("section[data-name='attention'] select").nth(1)
    sel.select_option("3")
    assert "head 3" in page.inner_text("section[data-name='attention']")
    assert page.locator("section[data-name='longterm'] img.sv-image").count() == 1
    # a token id is written as input_ids writes it: 107687, not 107,687 (a reviewer read the batch table)
    ids = [str(i) for i in records["batch"].input_ids[0] if i >= 1000]
    batch = page.inner_text("section[data-name='batch']")
    assert ids and all(i in batch for i in ids) and not re.search(r"\d,\d{3}", batch), batch
    # the source characters fit their columns: written level, not turned on their side (and clipped)
    assert page.locator("section[data-name='seq2seq'] canvas").get_attribute("data-col-labels-level") == "1"
    page.close()


def test_a_near_uniform_seq2seq_attention_is_said_in_numbers(records):
    """The map's colours start at 0, so an untrained model's weights (all about 1/3 here) looked flat, unexplained."""
    import dataclasses

    from seqlab.render.notebook import render

    trace = records["seq2seq"]
    _parts, notes, plain = render(trace)
    lo, hi = trace.attention.min(), trace.attention.max()
    assert hi - lo < 0.1 / 3  # the fixture's untrained model
    said = f"Every attention weight lies between {lo:.3f} and {hi:.3f}, close to 1/3 = 0.333"
    assert any(said in n for n in notes) and said in plain
    peaked = dataclasses.replace(trace, attention=trace.attention.copy())
    peaked.attention[0] = [0.9, 0.05, 0.05]  # one step that prefers a token: nothing to explain
    assert not any("Every attention weight" in n for n in render(peaked)[1])


def test_a_trained_seq2seq_checkpoint_displays_its_attention(tmp_path, nsmc_rows):
    """``checkpoint_trace``: the decoding of a trained Seq2Seq (one tiny epoch), a row of α per output character."""
    import torch

    from seqlab.pipeline.seq2seq_trace import checkpoint_trace
    from seqlab.training.seq2seq import seq2seq_config, train_seq2seq
    from seqlab.training.spacing import write_spacing_pairs

    torch.set_num_threads(1)
    data = tmp_path / "train.tsv"
    data.write_text("id\tdocument\tlabel\n" + "\n".join("\t".join(r) for r in nsmc_rows[:300]) + "\n",
                    encoding="utf-8")
    write_spacing_pairs(data, tmp_path / "pairs.tsv", max_chars=20)
    train_seq2seq(tmp_path / "pairs.tsv", tmp_path / "run", seq2seq_config(epochs=1, hidden=8, batch_size=64))
    trace = checkpoint_trace(tmp_path / "run", "오늘날씨좋네")
    assert trace.attention.shape == (len(trace.output), len(trace.source))
    np.testing.assert_allclose(trace.attention.sum(axis=1), 1.0, atol=1e-5)
    carried = numbers_in(trace._repr_mimebundle_()["text/html"])
    assert '"alignment"' in carried and json.dumps(trace.source[0], ensure_ascii=False) in carried


def test_widget_front_end_syncs_step_and_head(records, notebook_browser):
    """The anywidget module (views.js + widget.js) against a stand-in for anywidget's model: a click moves
    ``step`` on the Python side, and setting ``step``, ``layer`` or ``head`` from Python redraws the view."""
    import base64

    from seqlab.render.fragments import asset, view_messages
    from seqlab.render.notebook import render

    module = base64.b64encode((asset("views.js") + "\n" + asset("widget.js")).encode()).decode()
    trace_parts, trace_notes, _plain = render(records["lstm"])
    attention_parts, _notes, _plain = render(records["attention"])
    page = notebook_browser.new_page()
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.set_content("<!doctype html><meta charset='utf-8'><div id='a'></div><div id='b'></div>")
    result = page.evaluate("""async ([module, traceParts, notes, attentionParts, messages]) => {
        const widget = (await import("data:text/javascript;base64," + module)).default;
        function model(state) {
          const listeners = {}, saved = [];
          return { saved, get: (k) => state[k], set: (k, v) => { state[k] = v; },
            on: (e, f) => { (listeners[e] = listeners[e] || []).push(f); }, off: () => {},
            save_changes: () => saved.push(JSON.stringify(state)),
            python: (k, v) => { state[k] = v; (listeners["change:" + k] || []).forEach((f) => f()); } };
        }
        const tm = model({ parts: traceParts, notes, messages, step: 0, layer: 0, head: -1 });
        widget.render({ model: tm, el: document.getElementById("a") });
        document.querySelectorAll("#a button.sv-step")[1].click();
        const afterClick = tm.get("step");
        tm.python("step", 2);
        const label = document.querySelector("#a .sv-steplabel").textContent;
        const am = model({ parts: attentionParts, notes: [], messages, step: 0, layer: 0, head: -1 });
        widget.render({ model: am, el: document.getElementById("b") });
        am.python("layer", 2); am.python("head", 5);
        const selects = document.querySelectorAll("#b select");
        return { afterClick, saved: tm.saved.length, label, layer: selects[0].value, head: selects[1].value,
                 text: document.getElementById("b").textContent };
    }""", [module, [[*p, {}][:3] for p in trace_parts], trace_notes, [[*p, {}][:3] for p in attention_parts],
           view_messages("en")])
    assert errors == []
    assert result["afterClick"] == 1 and result["saved"] >= 1 and "t = 2 (steps 0–2)" in result["label"]
    assert (result["layer"], result["head"]) == ("2", "5") and "layer 2, head 5" in result["text"]
    page.close()


def test_korean_outputs_have_no_english_left(records):
    """The Korean notebook showed "source: … / output: …", "scratch Seq2Seq", True in the order table, a token table
    column "type", and a weight-sharing figure with no words around it."""
    import seqlab
    from seqlab.i18n import use_language

    with use_language("ko"):
        seq2seq_parts, _notes, seq2seq_plain = render(records["seq2seq"])  # what the HTML draws, and its plain text
        order = str(render(records["order"])[0])
        segments = render(seqlab.tokenize("좋은 영화", model="minilm"))[2]  # the plain text: token_type_ids shown
    assert "source:" not in seq2seq_plain and "입력: " in seq2seq_plain
    assert "scratch Seq2Seq" not in str(seq2seq_parts) and "NumPy Seq2Seq" in str(seq2seq_parts)
    assert "True" not in order and "False" not in order and "가중치 공유" in order
    assert "세그먼트" in segments and " type " not in segments


def test_a_trace_with_wide_inputs_still_shows_its_small_weights_and_each_part_of_z(notebook_browser):
    """Hidden 3 on e5's 384-wide rows: W_xh is too large to print, and the view then showed no weight at all, not
    even the 3×... W_hh; the LSTM's rows had no W_xh x_t, W_hh h_(t-1) and b, so no gate could be checked by hand."""
    from seqlab.pipeline.tracing import run_trace

    rec = run_trace("lstm", "안녕하세요", hidden=3)
    page = notebook_browser.new_page()
    page.set_content(f"<!doctype html><html><head><meta charset='utf-8'></head><body>"
                     f"{rec._repr_mimebundle_()['text/html']}</body></html>")
    captions = page.locator(".sv-matrix caption").all_inner_texts()
    assert any(c.startswith("W_hh [12×3]") for c in captions) and not any(c.startswith("W_xh") for c in captions)
    said = page.inner_text(".seqlab-view")
    assert "W_xh (torch: weight_ih_l0) [12×384]" in said  # torch names it weight_ih_l0 (it has no W_ih)
    for row in ("W_xh·x_t (i|f|g|o)", "W_hh·h_{t-1} (i|f|g|o)", "b = b_ih + b_hh (i|f|g|o)"):
        assert row in said, row
    page.close()


def test_a_widget_refuses_a_position_its_record_does_not_have(records):
    """w.step = 99 on a 5-step trace was kept and read back as 99 (plain traitlets.Int); its text form was
    "<…RecordWidget object at 0x…>" wherever widgets are not drawn."""
    import traitlets

    from seqlab.render import view_records as vr
    from seqlab.render.widget import make_widget

    report = records["lstm"]
    w = make_widget(*vr.trace_parts(report))
    last = len(report.steps) - 1
    w.step = last
    with pytest.raises(traitlets.TraitError, match=f"step must be between 0 and {last}, got 99") as caught:
        w.step = 99
    assert isinstance(caught.value, SeqlabError) and caught.value.hint == f"This record has step 0 to {last}."
    assert w.step == last and repr(w).startswith("RecordWidget(trace") and f"step {last}" in repr(w)
    with pytest.raises(SeqlabError, match="layer") as caught:
        w.layer = 3  # a trace has no layers to choose
    assert caught.value.hint == "This record has no layer to choose."
    seqlab.set_language("ko")
    try:
        with pytest.raises(SeqlabError) as caught:
            w.step = 99
        assert "0" in caught.value.message and "between" not in caught.value.message  # said in the user's language
    finally:
        seqlab.set_language("en")


def test_a_long_records_notes_count_the_whole_record_not_the_drawing(notebook_browser):
    """2,103 tokens drawn as 256 chips: the notes said "Tokens: 256 in all, 255 from the text and 1 special" and
    "256 ids" (the drawing's counts), with the real size only in "… 1,847 more" at the bottom."""
    import seqlab

    rec = seqlab.tokenize("정말 재밌는 영화였어요 " * 300)
    assert len(rec.tokens) > 2000
    page = notebook_browser.new_page()
    page.set_content(f"<!doctype html><html><head><meta charset='utf-8'></head><body>"
                     f"{rec._repr_mimebundle_()['text/html']}</body></html>")
    said = page.inner_text("body")
    page.close()
    n = f"{len(rec.tokens):,}"
    assert f"Tokens: {n} in all, {len(rec.tokens) - 2:,} from the text and 2 special." in said, said[-600:]
    assert f"{n} ids; the same text" in said


def test_a_notebook_output_names_python_not_command_line_options(records):
    """A notebook showed "e.g. --forget-bias 3", "--json gives every step, --plot draws them", "--max-rows 2103
    shows every row" and "--hidden and --input-dim": options of a command line the notebook user never typed."""
    import seqlab

    flag = re.compile(r"(?<![\w-])--[a-z][a-z-]+")
    shown = dict(records)
    shown["long tokens"] = seqlab.tokenize("정말 재밌는 영화였어요 " * 300)
    shown["wide trace"] = seqlab.run_trace("lstm", "영화 " * 40, hidden=3)
    shown["explain without vectors"] = seqlab.explain("학교에 갔다", model="kiwi")  # said "e.g. --model e5-small"
    for name, rec in shown.items():
        bundle = rec._repr_mimebundle_()
        payload = " ".join(json.dumps(p, ensure_ascii=False) for p in payloads(bundle["text/html"]))
        found = flag.findall(bundle["text/plain"]) + flag.findall(payload)
        assert not found, (name, found)


def test_similarity_and_word_outputs_are_cut_like_every_other_record(records):
    """similarity("가" * 200_000, "a") gave 200 KB of text/plain and 291 KB of HTML, and an analogy with k=5000 97 KB:
    these outputs skipped the cut every other record has."""
    import seqlab
    from seqlab.render.notebook import MAX_PLAIN_CHARS

    bundle = seqlab.similarity("가" * 200_000, "a")._repr_mimebundle_()
    assert len(bundle["text/plain"]) <= MAX_PLAIN_CHARS + 200 and "more characters" in bundle["text/plain"]
    assert len(bundle["text/html"].encode()) < 150_000
    words = records["analogy"]
    many = dataclasses.replace(words, results=list(words.results) * 5000)
    bundle = many._repr_mimebundle_()
    assert len(bundle["text/plain"]) <= MAX_PLAIN_CHARS + 200 and len(bundle["text/html"].encode()) < 150_000
