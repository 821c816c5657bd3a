"""The page in a real browser (Debian's chromium, headless, driven by Playwright): one server and one browser for all.

Each test names the defect of the classroom issue it guards against.
"""

import itertools
import json
import re

from tests.web.conftest import english_words, idle, page_with_wordvector_status

KOREAN = "영화가 정말 재밌었어요"
DELAY_FETCH = """
window.__requests = [];
const realFetch = window.fetch;
window.fetch = (url, init) => {
  window.__requests.push(String(url));
  return new Promise((r) => setTimeout(r, window.__delay || 0)).then(() => realFetch(url, init));
};
"""


def test_type_korean_see_tokens_step_through_the_trace(open_page):
    page = open_page()
    page.fill("#text", KOREAN)
    page.click("#run")
    idle(page)
    assert "▁영화" in page.inner_text("#v-tokens .sv-chips")
    page.hover("#v-tokens .sv-chip:nth-child(2)")
    assert page.locator("#v-tokens .sv-original span.sv-hl").count() >= 2  # the token's span lights up
    # ◀ ▶ and play besides the slider; each row's formula beside it
    label = page.locator("#v-trace .sv-steplabel")
    assert label.inner_text().startswith("t = 0")
    first = page.inner_text("#v-trace .sv-steps")
    page.click("#v-trace [aria-label='next step']")
    page.click("#v-trace [aria-label='next step']")
    assert label.inner_text().startswith("t = 2") and page.inner_text("#v-trace .sv-steps") != first
    page.click("#v-trace [aria-label='previous step']")
    assert label.inner_text().startswith("t = 1")
    page.click("#v-trace .sv-play")
    page.wait_for_function("document.querySelector('#v-trace .sv-steplabel').innerText.startsWith('t = 3')")
    page.click("#v-trace .sv-play")  # pause
    formulas = page.inner_text("#v-trace .sv-steps")
    assert "f = σ(W_xf·x_t + W_hf·h_{t-1} + b_f)" in formulas and "c_t = f⊙c_{t-1} + i⊙g" in formulas
    assert "h_t = o⊙tanh(c_t)" in formulas
    # where x_t comes from (input_source)
    assert "input embedding matrix" in page.inner_text("#v-trace .sv-source")
    assert page.evaluate("document.fonts.ready.then(() => document.fonts.check('16px NanumGothicLocal'))")


def test_state_never_lies(open_page):
    page = open_page()
    assert page.locator("#v-vectors canvas").count() == 1 and page.locator("#v-trace .sv-steps").count() == 1
    # a model without vectors: the vector, trace and attention panels say why they are empty
    page.select_option("#model", "kiwi")
    assert page.locator("#v-vectors canvas").count() == 0 and "press Run" in page.inner_text("#p-tokens .state")
    for panel in ("#p-vectors", "#p-trace", "#p-attention"):  # said at once, before Run
        assert "kiwi has no vectors: choose a transformer model" in page.inner_text(panel + " .state"), panel
    page.click("#run")
    idle(page)
    for panel in ("#p-vectors", "#p-trace", "#p-attention"):
        assert "kiwi has no vectors: choose a transformer model" in page.inner_text(panel + " .state"), panel
    assert page.locator("#v-vectors canvas").count() == 0 and page.locator("#v-trace .sv-steps").count() == 0
    assert "안녕/NNG" in page.inner_text("#v-tokens")  # the tokens are kiwi's now
    # the cosine belongs to both current texts
    page.select_option("#model", "e5-small")
    page.fill("#text", "영화가 좋다")
    page.click("#run")
    idle(page)
    page.fill("#second", "영화가 좋았다")
    page.click("#sim")
    page.wait_for_selector("#v-sim .sv-big")
    shown = float(re.search(r"= (\d\.\d{4})", page.inner_text("#v-sim")).group(1))
    true = page.evaluate("""fetch('/api/similarity', {method: 'POST', headers: {'Content-Type': 'application/json'},
        body: JSON.stringify({a: '영화가 좋다', b: '영화가 좋았다'})}).then(r => r.json()).then(r => r.cosine)""")
    assert shown == round(true, 4)
    page.fill("#text", "전혀 다른 문장입니다")
    assert page.locator("#v-sim .sv-big").count() == 0 and page.inner_text("#sim-state")
    page.fill("#text", "영화가 좋다")
    page.click("#run")
    idle(page)
    page.click("#sim")
    page.wait_for_selector("#v-sim .sv-big")
    page.fill("#second", "날씨가 맑다")
    assert page.locator("#v-sim .sv-big").count() == 0  # the second sentence changed too
    page.click("#sim")
    page.wait_for_selector("#v-sim .sv-big")
    # the exported snapshot has both sentences and the cosine, drawn by the same views, with no network
    html = page.evaluate("window.seqlabPage.snapshotHtml('p-vectors')")
    assert "영화가 좋다" in html and "날씨가 맑다" in html and "SeqlabViews.render" in html
    snap = page.context.new_page()
    requests = []
    snap.on("request", lambda r: requests.append(r.url))
    snap.set_content(html)
    text = snap.inner_text("body")
    assert "영화가 좋다" in text and "날씨가 맑다" in text and re.search(r"cos\(A, B\) = \d\.\d{4}", text)
    assert snap.locator("canvas").count() == 1 and requests == []
    # a failed trace leaves no old table under the error
    page.route("**/api/trace*", lambda route: route.fulfill(status=400, content_type="application/json",
                                                            body=json.dumps({"error": "the trace failed",
                                                                             "hint": "Try again."})))
    page.click("#trace")
    page.wait_for_function("document.querySelector('#p-trace .error').innerText.includes('the trace failed')")
    assert page.locator("#v-trace .sv-steps").count() == 0 and page.locator("#v-backward table").count() == 0
    page.unroute("**/api/trace*")
    page.fill("#hidden", "0")  # the page validates too: no request, a message that says what is expected
    page.click("#trace")
    error = page.inner_text("#p-trace .error")
    assert "from 1 to 64" in error and "the trace failed" not in error  # a new error replaces the old one
    assert page.get_attribute("#p-trace .error", "role") == "alert"


def test_busy_state_and_one_pipeline_per_double_click(open_page):
    page = open_page()
    page.evaluate(DELAY_FETCH)
    page.evaluate("window.__delay = 1500")
    page.fill("#text", KOREAN)
    page.dblclick("#run")
    assert page.is_disabled("#run")
    assert page.get_attribute("#p-vectors", "aria-busy") == "true"
    assert page.inner_text("#busy").startswith("Working")
    idle(page)
    requests = page.evaluate("window.__requests")
    assert sum("/api/tokenize" in u for u in requests) == 1 and sum("/api/embed" in u for u in requests) == 1
    assert page.get_attribute("#p-vectors", "aria-busy") == "false" and page.inner_text("#busy").startswith("Done")
    # empty input is refused by the page before any request
    page.evaluate("window.__requests = []; window.__delay = 0")
    page.fill("#text", "   ")
    page.click("#run")
    assert "no character that shows" in page.inner_text("#text-error") and page.evaluate("window.__requests") == []


def test_word_vector_warm_up_shows_progress_then_opens_the_panel(server, browser):
    status = {"state": "building", "done": 12000, "total": 50000, "elapsed_s": 10.0, "eta_s": 31.7, "error": None,
              "step": 3, "phase": "reading each word's morphemes"}
    ctx, page = page_with_wordvector_status(server, browser, status)
    page.wait_for_function("document.querySelector('#warm-text').innerText.includes('12,000 of 50,000')")
    text = page.inner_text("#warm-text")
    assert "step 3 (reading each word's morphemes)" in text and "about 32 s left in this step" in text
    assert page.is_disabled("#analogy")
    status.update(state="ready", done=50000, eta_s=None)
    page.wait_for_function("!document.querySelector('#analogy').disabled", timeout=10_000)
    assert page.is_hidden("#warmup")
    page.click("#analogy")
    page.wait_for_selector("#v-words table")
    assert "어머니" in page.inner_text("#v-words")  # 아버지 - 남자 + 여자, the box's example
    ctx.close()


def test_character_counter_and_every_truncation_is_shown(open_page):
    page = open_page()
    long_text = "이 영화 정말 재밌어요 배우들 연기도 좋고 음악도 최고였어요 강추 " * 70  # 2,590 characters
    page.fill("#text", long_text)
    assert "2,000 / 2,000" in page.inner_text("#counter")
    assert "Cut to 2,000 characters: 590" in page.inner_text("#cut")
    page.click("#run")
    idle(page, 120_000)
    tokens = page.inner_text("#v-tokens")
    assert "reads at most 512" in tokens and page.locator("#v-tokens .sv-chip.sv-cut").count() > 100
    assert "reads at most 512" in page.inner_text("#v-vectors")
    assert "at most 256 tokens" in page.inner_text("#v-trace")
    page.click("#attn")
    page.wait_for_selector("#v-attention canvas")
    assert "at most 128 tokens" in page.inner_text("#v-attention")


def test_heatmaps_attention_and_keyboard(open_page):
    page = open_page()
    # token chips from the keyboard: one tab stop, arrows move, the span and a description follow
    page.focus("#v-tokens .sv-chip:nth-child(1)")
    page.keyboard.press("ArrowRight")
    assert page.evaluate("document.activeElement.dataset.i") == "1"
    assert "token 1" in page.inner_text("#v-tokens .sv-readout") and page.locator("#v-tokens span.sv-hl").count() >= 1
    # the embedding heatmap: token labels, a colour scale with values, cells from the keyboard
    canvas = page.locator("#v-vectors canvas")
    assert int(canvas.get_attribute("data-row-labels")) == 11 and "colour scale from -" in canvas.get_attribute("aria-label")
    canvas.focus()
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowRight")
    assert page.inner_text("#v-vectors .sv-readout").startswith("token 1 ▁안녕하세요 · dimension 1:")
    # attention on demand, per layer and head, the mean over heads, a row selected from the keyboard
    assert page.locator("#v-attention canvas").count() == 0 and "Press Show" in page.inner_text("#p-attention .state")
    page.click("#attn")
    page.wait_for_selector("#v-attention canvas")
    assert "mean over its 12 heads" in page.inner_text("#v-attention")
    att = page.locator("#v-attention canvas")
    # an answer the server kept comes at once: the map can be drawn before the page's font has loaded or the panel
    # has its width (6 labels of 11, once, in CI), and views.js draws it again when either changes (onFonts,
    # onResize); its labels are counted then
    page.wait_for_function("document.querySelector('#v-attention canvas').dataset.colLabels === '11'", timeout=10_000)
    assert int(att.get_attribute("data-col-labels")) == 11 and int(att.get_attribute("data-row-labels")) == 11
    page.select_option("#layer", "3")
    page.wait_for_function("document.querySelector('#v-attention').innerText.includes('layer 3')")
    page.select_option("#head", "5")
    page.wait_for_function("document.querySelector('#v-attention').innerText.includes('layer 3, head 5')")
    page.locator("#v-attention canvas").focus()
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    page.wait_for_selector("#v-attention .sv-rowdetail li")
    assert "row 1: where ▁안녕하세요 looks" in page.inner_text("#v-attention .sv-rowdetail")
    assert page.locator("#v-attention .sv-rowdetail details li").count() == 11  # every weight, and the top ten first
    assert page.locator("#v-attention .sv-rowdetail .sv-ranked li").count() == 10
    # the gradient chart: gridlines at exact powers of ten, numbers on both axes
    ticks = page.eval_on_selector_all("#v-gradflow .sv-ytick", "ns => ns.map(n => [n.dataset.value, n.textContent])")
    powers = [int(v[2:]) for v, _text in ticks]
    assert len(ticks) >= 3 and all(b > a for a, b in itertools.pairwise(powers))
    assert len({text for _v, text in ticks}) == len(ticks)  # no "1e1 1e1 1e1 1e0"
    assert all(text == "10" + str(p).replace("-", "−") for (_v, text), p in zip(ticks, powers))
    lines = page.eval_on_selector_all("#v-gradflow line[data-power]", "ns => ns.map(n => +n.dataset.power)")
    assert lines == list(range(min(lines), max(lines) + 1))  # one gridline per power of ten
    assert page.locator("#v-gradflow .sv-xtick").count() >= 3
    # it sits under the reader's trace, and is not that text's: said, with its own settings (a student read it so)
    said = page.inner_text("#v-gradflow .sv-source")
    assert "Not your text: 100 random input vectors" in said and "hidden size 64" in said, said


def test_the_page_shows_characters_as_the_terminal_does(open_page):
    """The page's visible() is a port of the CLI's: escapes, and a lone conjoining jamo as its letter (ᆫ -> ㄴ)."""
    from seqlab.render.visible import visible

    page = open_page()
    cases = ["ᆫ/ETM", "ᆸ니다", "\u1112\u1161\u11ab", "가\u11ab", "각\u11ab", "ᅡ", "\u1160x", "abc\u202edef", "a\u200bb", "\u0301", "a \u0301",
             "e\u0301",
             "\u1113\u11c3 x", "".join(chr(c) for c in range(0x1100, 0x1113)) + "ᆨ" * 2]  # archaic jamo; every initial
    assert page.evaluate("cases => cases.map(SeqlabViews.visible)", cases) == [visible(c) for c in cases]
    nodes = page.evaluate("cases => cases.map(c => SeqlabViews.visibleNode(c).textContent)", cases)
    assert nodes == [visible(c) for c in cases]  # the page's nodes show the same (escapes as code elements)


def test_bidi_controls_are_shown_escaped_and_no_chip_is_empty(open_page):
    page = open_page()
    page.fill("#text", "abc\u202edef 한글 ghi")
    page.click("#run")
    idle(page)
    assert "abc\\u202edef 한글 ghi" in page.inner_text("#v-tokens .sv-original")
    chips = page.eval_on_selector_all("#v-tokens .sv-chips .sv-chip", "ns => ns.map(n => n.innerText.trim())")
    assert all(chips) and any(c.startswith("\\u202e") for c in chips)
    norm = page.inner_text("#v-normalize")
    assert "U+202E" in norm and "\\u202e" in norm
    page.select_option("#form", "NFD")
    page.wait_for_function("document.querySelector('#v-normalize').innerText.includes('After NFD')")
    assert "U+1112" in page.inner_text("#v-normalize")  # 한 as the jamo ᄒ ᅡ ᆫ
    compare = page.inner_text("#v-compare")
    for name in ("e5-small", "minilm", "kiwi", "char", "whitespace"):
        assert name in compare
    assert "[UNK]" in compare


def test_phone_has_no_horizontal_scroll_and_readable_charts(open_page):
    page = open_page(width=390, height=844)
    page.click("#attn")
    page.wait_for_selector("#v-attention canvas")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    for sel in ("#v-vectors canvas", "#v-attention canvas"):
        box = page.locator(sel).bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= 390, sel
        assert int(page.get_attribute(sel, "data-label-px")) >= 12  # was about 4 px tall
    size = page.eval_on_selector("#v-gradflow svg", "s => [s.getBoundingClientRect().width, getComputedStyle(s).fontSize]")
    assert size[0] <= 390 and float(size[1][:-2]) >= 12
    ratio = page.evaluate("(() => { const c = document.querySelector('#v-vectors canvas'); "
                          "return c.width / c.getBoundingClientRect().width; })()")
    assert abs(ratio - page.evaluate("devicePixelRatio")) < 0.05


CONTRAST = """
(() => {
  const parse = (c) => (c.match(/[\\d.]+/g) || []).map(Number);
  const lum = ([r, g, b]) => { const f = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; };
    return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b); };
  const background = (el) => { for (let n = el; n; n = n.parentElement) { const c = parse(getComputedStyle(n).backgroundColor);
    if (c.length === 4 ? c[3] > 0.5 : c.length === 3) return c.slice(0, 3); } return [255, 255, 255]; };
  const bad = [];
  for (const el of document.querySelectorAll('body *')) {
    if (!el.getClientRects().length || getComputedStyle(el).visibility === 'hidden') continue;
    const own = Array.from(el.childNodes).some((n) => n.nodeType === 3 && n.textContent.trim());
    if (!own || el.closest('[hidden]')) continue;
    const ink = el instanceof SVGElement ? getComputedStyle(el).fill : getComputedStyle(el).color;  // a chart's text
    const fg = parse(ink).slice(0, 3), bg = background(el);
    if (fg.length < 3) { bad.push([el.tagName + '.' + el.className, el.textContent.trim().slice(0, 30), ink]); continue; }
    const [a, b] = [lum(fg), lum(bg)].sort((x, y) => y - x);
    const ratio = (a + 0.05) / (b + 0.05);
    if (ratio < 4.5) bad.push([el.tagName + '.' + el.className, el.textContent.trim().slice(0, 30), ratio.toFixed(2)]);
  }
  return bad;
})()
"""


def test_wcag_aa_contrast_and_presentation_mode(open_page):
    page = open_page("/?lang=ko")
    page.click("#attn")
    page.wait_for_selector("#v-attention canvas")
    assert page.evaluate("document.querySelectorAll('#v-gradflow svg text').length") > 10  # checked: their fill
    assert page.evaluate(CONTRAST) == []
    page.click("#present")
    assert page.evaluate("document.body.classList.contains('present')")
    visible = page.eval_on_selector_all("main > .panel", "ps => ps.filter(p => p.getClientRects().length).length")
    assert visible == 1  # one stage at a time
    assert float(page.evaluate("getComputedStyle(document.body).fontSize")[:-2]) >= 24
    first = page.inner_text("main > .panel.current h2")
    page.click("#stage-next")
    assert page.inner_text("main > .panel.current h2") != first
    page.keyboard.press("PageDown")
    assert "3" in page.inner_text("#stage-where")
    assert page.evaluate(CONTRAST) == []


def test_language_follows_the_query_the_toggle_and_accept_language(open_page, server, browser):
    page = open_page("/?lang=ko")
    assert page.get_attribute("html", "lang") == "ko" and "토큰화" in page.inner_text("#h-tokens")
    body = page.inner_text("body")
    assert english_words(body) == [], english_words(body)
    page.click("#lang-en")
    page.wait_for_selector("body[data-ready='1']", timeout=120_000)
    assert page.get_attribute("html", "lang") == "en" and "Tokenization" in page.inner_text("#h-tokens")
    page.goto(server + "/")  # the toggle is remembered
    page.wait_for_selector("body[data-ready]")
    assert page.get_attribute("html", "lang") == "en"
    ctx = browser.new_context(locale="ko-KR")
    fresh = ctx.new_page()
    fresh.goto(server + "/")
    assert fresh.get_attribute("html", "lang") == "ko"
    ctx.close()


def test_no_page_requests_anything_from_elsewhere(server, browser):
    ctx = browser.new_context()
    for path, ready in (("/?lang=en", "body[data-ready='1']"), ("/docs", ".swagger-ui .info"), ("/redoc", "h1")):
        page = ctx.new_page()
        requests, failed = [], []
        page.on("request", lambda r, seen=requests: seen.append(r.url))
        page.on("requestfailed", lambda r, seen=failed: seen.append(r.url))
        page.goto(server + path)
        page.wait_for_selector(ready, timeout=120_000)
        page.wait_for_load_state("networkidle")
        outside = [u for u in requests if not u.startswith(server) and not u.startswith(("data:", "blob:"))]
        assert outside == [] and failed == [], (path, outside, failed)
        if path == "/docs":
            assert page.evaluate("typeof SwaggerUIBundle") == "function"
        page.close()
    ctx.close()


def test_notebook_fragments_draw_with_the_same_views(client, browser):
    """What a notebook's _repr_html_ will show: views.js inline, the API's records, no server, no network."""
    from seqlab.render.fragments import VIEWS, fragment, standalone

    records = {"tokens": client.post("/api/tokenize", json={"text": "안녕하세요 ☃"}).json(),
               "attention": client.post("/api/attention", json={"text": "안녕하세요", "head": 0}).json(),
               "trace": client.post("/api/trace", json={"text": "안녕하세요", "hidden": 2, "backward": True}).json(),
               "gradflow": client.post("/api/gradflow", json={"steps": 20, "hidden": 8}).json()}
    assert set(records) <= set(VIEWS) and "<script>" in fragment([("tokens", records["tokens"])], lang="ko")
    page = browser.new_page()
    requests, errors = [], []
    page.on("request", lambda r: requests.append(r.url))
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.set_content(standalone(list(records.items()), title="seqlab", lang="ko"))
    assert page.locator(".sv-chip").count() >= 4 and "모르는 토큰(OOV)" in page.inner_text("body")
    assert page.locator("canvas").count() == 1 and page.locator(".sv-ytick").count() >= 2
    assert "망각 게이트" in page.inner_text(".sv-steps")
    assert requests == [] and errors == []
    page.close()
