"""The page in a real browser, second round: defects a new user found in Chromium after the first round was fixed.

Each test names the defect it guards against; each failed on the page before its fix.
"""

import json

from tests.web.conftest import idle, page_with_wordvector_status
from tests.web.test_browser import DELAY_FETCH

BIDI = "abc\u202edef 한글 ghi"


def test_each_view_keeps_its_own_error(open_page):
    """Views that share a panel (gradient flow and the per-step dW_hh; tokens and the comparison) had one error box:
    the trace wiped the gradient-flow error, and a trace error appeared above a good gradient chart."""
    page = open_page()
    page.fill("#gsteps", "1")
    page.click("#gradflow")
    page.click("#trace")
    idle(page)
    assert "from 2 to 300" in page.inner_text("#p-backward .error")  # still there after the trace finished
    page.fill("#gsteps", "20")
    page.click("#gradflow")
    page.wait_for_selector("#v-gradflow svg")
    page.route("**/api/trace*", lambda route: route.fulfill(status=400, content_type="application/json",
                                                            body=json.dumps({"error": "the trace failed", "hint": ""})))
    page.click("#trace")
    page.wait_for_function("document.querySelector('#dw-error').innerText.includes('the trace failed')")
    assert page.inner_text("#p-backward .error") == "" and page.locator("#v-gradflow svg").count() == 1
    page.unroute("**/api/trace*")
    page.route("**/api/tokenize*", lambda route: route.fulfill(status=500, content_type="application/json",
                                                               body=json.dumps({"error": "tokenizer down", "hint": ""})))
    page.fill("#text", "영화가 좋다")
    page.click("#run")
    idle(page)
    assert "tokenizer down" in page.inner_text("#p-tokens .error")  # the tokens' own error, not only stage 3's
    assert page.locator("#v-compare .sv-compare-row").count() == 5 and page.inner_text("#compare-error") == ""


def test_a_gradient_flow_for_old_settings_is_not_shown(open_page):
    page = open_page()
    page.evaluate(DELAY_FETCH)
    page.evaluate("window.__delay = 1500")
    page.fill("#gsteps", "300")
    page.click("#gradflow")
    page.fill("#gsteps", "5")  # while the 300-step request runs
    page.wait_for_function("!document.querySelector('#p-backward').getAttribute('aria-busy').includes('true')"
                           " && !document.querySelector('#gradflow').disabled", timeout=60_000)
    assert page.locator("#v-gradflow svg").count() == 0 and "press Compute" in page.inner_text("#p-backward .state")


def test_gradient_chart_steps_are_whole_numbers(open_page):
    page = open_page()
    for steps in (2, 7):
        page.fill("#gsteps", str(steps))
        page.click("#gradflow")
        page.wait_for_selector("#v-gradflow svg .sv-xtick")
        ticks = page.eval_on_selector_all("#v-gradflow .sv-xtick", "ns => ns.map(n => n.textContent)")
        assert ticks == [str(k) for k in range(0, steps, int(ticks[1]) if len(ticks) > 1 else 1)], ticks
        assert len(set(ticks)) == len(ticks)  # was "0 0 0 0 0 1 1 1 1 1 1" at 2 steps


def test_direction_changing_characters_are_escaped_in_the_shape_text_and_drawn_with_a_backslash(open_page):
    page = open_page()
    page.fill("#text", BIDI)
    page.click("#run")
    idle(page)
    shape = page.inner_text("#v-vectors .sv-shape")
    assert "\\u202e" in shape and "\u202e" not in shape  # the raw U+202E reversed the rest of the line
    # NanumGothic draws "\" as "₩": the page takes that one character from DejaVu Sans
    page.focus("#v-tokens .sv-chip:nth-child(2)")
    assert "\\u202e" in page.inner_text("#v-tokens .sv-readout") or "\\u202e" in page.inner_text("#v-tokens")
    loaded = page.evaluate("""document.fonts.ready.then(() => Array.from(document.fonts)
        .filter(f => f.family.replace(/"/g, '') === 'SeqlabSymbols').map(f => f.status))""")
    assert loaded == ["loaded"]
    family = page.evaluate("getComputedStyle(document.querySelector('#v-tokens .sv-readout')).fontFamily")
    assert family.replace('"', "").startswith("SeqlabSymbols,")


def test_heatmaps_are_drawn_again_when_a_font_arrives(open_page):
    """Canvas labels drawn before the web font loaded stayed in the fallback font (boxes, without a Korean font)."""
    page = open_page()
    redrawn = page.evaluate("""(() => {
        const c = document.querySelector('#v-vectors canvas'), ctx = c.getContext('2d');
        ctx.setTransform(1, 0, 0, 1, 0, 0); ctx.fillStyle = '#ff00ff'; ctx.fillRect(0, 0, 4, 4);
        document.fonts.dispatchEvent(new Event('loadingdone'));
        const p = ctx.getImageData(1, 1, 1, 1).data;
        return !(p[0] === 255 && p[1] === 0 && p[2] === 255);
    })()""")
    assert redrawn


def test_attention_layers_follow_the_model(open_page):
    page = open_page()
    page.click("#attn")
    page.wait_for_selector("#v-attention canvas")
    assert page.locator("#layer option").count() == 12
    page.select_option("#layer", "11")
    page.wait_for_function("document.querySelector('#v-attention').innerText.includes('layer 11')")
    page.select_option("#model", "minilm")
    page.click("#run")
    idle(page)
    page.click("#attn")
    page.wait_for_selector("#v-attention canvas")
    assert page.inner_text("#p-attention .error") == "" and page.locator("#layer option").count() == 6
    page.select_option("#model", "e5-small")
    assert page.locator("#layer option").count() == 12  # known once seen


def test_changing_language_or_reloading_keeps_the_readers_inputs(open_page):
    page = open_page("/?lang=en")
    page.fill("#text", "나는 학생이다")
    page.select_option("#model", "minilm")
    page.fill("#gsteps", "40")
    page.click("#present")
    assert "present=1" in page.get_attribute("#lang-ko", "href")  # the other language keeps presentation mode
    page.click("#lang-ko")
    page.wait_for_selector("body[data-ready='1']", timeout=120_000)
    assert page.get_attribute("html", "lang") == "ko" and page.evaluate("document.body.classList.contains('present')")
    assert page.input_value("#text") == "나는 학생이다" and page.input_value("#model") == "minilm"
    assert page.input_value("#gsteps") == "40"
    assert "학생" in page.inner_text("#v-tokens")  # the results are for the kept text
    page.reload()
    page.wait_for_selector("body[data-ready='1']", timeout=120_000)
    assert page.input_value("#text") == "나는 학생이다"


def step_then_show_attention(page, steps: int) -> None:
    """Step the trace ``steps`` times with ▶, then compute the attention view."""
    for _ in range(steps):
        page.click("#v-trace [aria-label='next step']")
    page.click("#attn")
    page.wait_for_selector("#v-attention canvas")


def test_the_snapshot_shows_what_the_reader_chose(open_page):
    page = open_page()
    step_then_show_attention(page, 2)
    page.locator("#v-attention canvas").focus()
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    page.wait_for_selector("#v-attention .sv-rowdetail li")
    snap = page.context.new_page()
    snap.set_content(page.evaluate("window.seqlabPage.snapshotHtml('p-trace')"))
    assert snap.inner_text(".sv-steplabel").startswith("t = 2")
    snap.set_content(page.evaluate("window.seqlabPage.snapshotHtml('p-attention')"))
    assert snap.inner_text(".sv-rowdetail h2").startswith("row 2") and snap.locator(".sv-rowdetail li").count() > 2
    # a view's own heading reads as one, not as a page title (24 px under the export's h1)
    body = snap.evaluate("parseFloat(getComputedStyle(document.body).fontSize)")
    assert snap.evaluate("parseFloat(getComputedStyle(document.querySelector('.sv-rowdetail h2')).fontSize)") <= body
    snap.close()


def test_gate_notes_fit_the_cell(open_page):
    """GRU and RNN traces said their rows read as "forget, input, output, candidate", which only an LSTM has."""
    page = open_page()
    page.check("#byhand")
    for cell, says, never in (("gru", "reset gate", "forget"), ("rnn", "no gates", "forget"),
                              ("lstm", "forget gate", "reset")):
        page.select_option("#cell", cell)
        page.click("#trace")
        # the new cell's trace, not the last one's, which stays until the answer comes (a race on a loaded box)
        page.wait_for_function("says => [...document.querySelectorAll('#v-trace .sv-note')]"
                               ".some(n => n.innerText.includes(says))", arg=says)
        notes = " ".join(page.eval_on_selector_all("#v-trace .sv-note", "ns => ns.map(n => n.innerText)"))
        assert says in notes and never not in notes, (cell, notes)


def test_text_messages_are_about_the_current_text(open_page):
    page = open_page()
    page.fill("#text", "가" * 2240)
    assert "240" in page.inner_text("#cut")
    page.fill("#text", "😀" * 1999 + "a")  # exactly 2,000: nothing is cut this time
    assert page.inner_text("#cut") == ""
    page.fill("#text", "   ")
    page.click("#run")
    assert "no character that shows" in page.inner_text("#text-error")
    page.type("#text", "a")
    assert page.inner_text("#text-error") == ""  # the complaint went with the empty text
    # zero-width characters alone are refused too, for the page as for the API
    page.evaluate(DELAY_FETCH)
    page.fill("#text", "\u200b\u200b")
    page.click("#run")
    assert "no character that shows" in page.inner_text("#text-error")
    assert [u for u in page.evaluate("window.__requests") if "/api/" in u] == []


def test_presentation_mode_brings_the_stage_into_view_on_a_phone(open_page):
    page = open_page("/?lang=en&present=1", width=390, height=844)
    for _ in range(3):
        page.click("#stage-next")
        top = page.evaluate("document.querySelector('main > .panel.current').getBoundingClientRect().top")
        assert 0 <= top < 844 / 2, top


def test_run_during_a_trace_does_not_send_the_same_trace_again(open_page):
    page = open_page()
    page.evaluate(DELAY_FETCH)
    page.evaluate("window.__delay = 1500")
    page.click("#trace")
    page.click("#run")
    idle(page)
    assert sum("/api/trace" in u for u in page.evaluate("window.__requests")) == 1
    assert page.locator("#v-trace .sv-steps").count() == 1


def test_warm_up_says_what_happens_once_every_word_is_in(server, browser):
    """The estimate sat at "about 0 s left" for ten seconds while the built vectors were being saved: a step whose
    count is full says which step it is, not a time left."""
    status = {"state": "building", "done": 2, "total": 2, "elapsed_s": 40.0, "eta_s": 0.0, "error": None,
              "step": 5, "phase": "composing the words and writing the cache"}
    ctx, page = page_with_wordvector_status(server, browser, status)
    page.wait_for_function("document.querySelector('#warm-text').innerText.includes('writing the cache')")
    assert "step 5" in page.inner_text("#warm-text") and "0 s left" not in page.inner_text("#warm-text")
    assert page.is_disabled("#analogy")
    ctx.close()


# -- third round: after the second round's fixes ----------------------------------------------------------------
def test_an_old_error_goes_when_its_input_is_changed(open_page):
    page = open_page()
    page.fill("#hidden", "0")
    page.click("#trace")
    assert "from 1 to 64" in page.inner_text("#p-trace .error")
    page.fill("#hidden", "4")  # the complaint was about 0
    assert page.inner_text("#p-trace .error") == "" and "press Trace" in page.inner_text("#p-trace .state")


def test_a_superseded_attention_request_keeps_the_panel_busy(open_page):
    page = open_page()
    page.evaluate(DELAY_FETCH)
    page.evaluate("window.__delay = 600")
    page.click("#attn")
    page.wait_for_selector("#v-attention canvas")
    page.evaluate("window.__delay = 800")
    page.click("#attn")  # the same layer again, then another layer while it runs
    page.evaluate("window.__delay = 4000")
    page.select_option("#layer", "5")
    page.wait_for_timeout(1500)  # the first answer is in and thrown away; the second is still out
    assert page.get_attribute("#p-attention", "aria-busy") == "true"
    page.wait_for_function("document.querySelector('#v-attention').innerText.includes('layer 5')", timeout=30_000)


def test_run_keeps_results_whose_inputs_did_not_change(open_page):
    page = open_page()
    step_then_show_attention(page, 3)
    page.click("#run")
    idle(page)
    assert page.inner_text("#v-trace .sv-steplabel").startswith("t = 3")
    assert page.locator("#v-attention canvas").count() == 1
    # a chosen attention row belongs to its text
    page.locator("#v-attention canvas").focus()
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    page.wait_for_selector("#v-attention .sv-rowdetail li")
    page.fill("#text", "완전히 다른 문장입니다")
    page.click("#run")
    idle(page)
    page.click("#attn")
    page.wait_for_selector("#v-attention canvas")
    assert page.locator("#v-attention .sv-rowdetail li").count() == 0


def test_words_are_trimmed_and_hangul_fillers_are_blank(open_page, client):
    page = open_page()
    page.wait_for_function("!document.querySelector('#neighbors').disabled", timeout=60_000)
    page.fill("#nword", "영화 ")
    page.click("#neighbors")
    page.wait_for_selector("#v-words table")
    assert page.inner_text("#p-words .error") == ""
    page.evaluate(DELAY_FETCH)
    page.fill("#text", "\u3164")  # the "blank" Korean messengers send
    page.click("#run")
    assert "no character that shows" in page.inner_text("#text-error")
    assert [u for u in page.evaluate("window.__requests") if "/api/" in u] == []
    assert client.post("/api/tokenize", json={"text": "\u3164 \u3164"}).status_code == 422


def test_a_failed_word_vector_build_is_not_busy_forever(server, browser):
    status = {"state": "failed", "done": 0, "total": 0, "elapsed_s": 1.0, "eta_s": None, "error": "disk full"}
    ctx, page = page_with_wordvector_status(server, browser, status)
    page.wait_for_function("document.querySelector('#warm-text').innerText.includes('disk full')")
    assert page.get_attribute("#p-words", "aria-busy") == "false"
    ctx.close()


def test_language_switch_keeps_the_attention_choice_and_the_stage(open_page):
    page = open_page()
    page.click("#attn")
    page.wait_for_selector("#v-attention canvas")
    page.select_option("#layer", "4")
    page.wait_for_function("document.querySelector('#v-attention').innerText.includes('layer 4')")
    page.click("#present")
    for _ in range(3):
        page.click("#stage-next")
    page.click("#lang-ko")
    page.wait_for_selector("body[data-ready='1']", timeout=120_000)
    assert page.input_value("#layer") == "4" and "4" in page.inner_text("#stage-where")


def test_keyboard_focus_stays_when_a_step_button_reaches_its_end(open_page):
    """▶ at the last step (and ◀ at the first, and the presentation's stage buttons) became disabled while
    focused: focus fell to <body>, and the next Tab started again from the top of the page."""
    page = open_page()
    page.wait_for_selector("#v-trace .sv-steps")
    last = int(page.inner_text("#v-trace .sv-steplabel").split("steps 0–")[1].split(")")[0])
    page.focus("#v-trace [aria-label='next step']")
    for _ in range(last):
        page.keyboard.press("Enter")
    assert page.inner_text("#v-trace .sv-steplabel").startswith(f"t = {last} ")
    assert page.evaluate("document.activeElement.classList.contains('sv-slider')")
    page.keyboard.press("ArrowLeft")  # the reader keeps stepping from where they are
    assert page.inner_text("#v-trace .sv-steplabel").startswith(f"t = {last - 1} ")
    page.click("#present")
    page.focus("#stage-next")
    for _ in range(10):
        if page.is_disabled("#stage-next"):
            break
        page.keyboard.press("Enter")
    assert page.is_disabled("#stage-next") and page.evaluate("document.activeElement.id") == "stage-prev"


def test_the_layer_list_is_whole_before_the_first_show(open_page):
    """Before the first Show the layer list held only layer 0 (the model's depth was learnt from the answer): e5-small
    has 12 layers of 12 heads, MiniLM 6, known from the registry."""
    page = open_page()
    assert page.locator("#layer option").count() == 12 and page.locator("#head option").count() == 13
    page.select_option("#model", "minilm")
    assert page.locator("#layer option").count() == 6
    page.select_option("#layer", "4")
    page.click("#attn")
    page.wait_for_function("document.querySelector('#v-attention').innerText.includes('layer 4')", timeout=60_000)


def test_long_texts_keep_the_heatmap_a_screen_tall_and_labels_apart(open_page):
    """2,000 characters drew the embedding heatmap about 9,000 px tall; at 128 tokens the attention view's column
    labels touched (one label every fs + 2 px: at 7.5 px per column, one every 15 px for 13 px text)."""
    page = open_page()
    page.fill("#text", "이 영화 정말 재밌어요 배우들 연기도 좋고 음악도 최고였어요 강추 " * 70)
    page.click("#run")
    idle(page, 120_000)
    heat = page.locator("#v-vectors canvas")
    px = float(heat.get_attribute("data-label-px"))
    assert heat.bounding_box()["height"] <= max(600, 40 * px) + 300  # the map plus its labels and colour scale
    assert 20 <= int(heat.get_attribute("data-row-labels")) <= 512
    assert float(heat.get_attribute("data-label-gap")) >= px + 4
    page.click("#attn")
    page.wait_for_selector("#v-attention canvas")
    att = page.locator("#v-attention canvas")
    shown = int(att.get_attribute("data-col-labels"))
    assert 0 < shown < 128 and float(att.get_attribute("data-label-gap")) >= px + 4  # centre to centre
    att.focus()
    page.keyboard.press("ArrowRight")
    first_row = page.inner_text("#v-attention .sv-readout")
    page.keyboard.press("End")  # 127 presses of ArrowRight reached the same column, 5 s slower
    assert page.inner_text("#v-attention .sv-readout").startswith("<s> → </s>")  # the last column, from the keyboard
    page.keyboard.press("Home")
    assert page.inner_text("#v-attention .sv-readout") != first_row and \
        page.inner_text("#v-attention .sv-readout").startswith("<s> → <s>")
