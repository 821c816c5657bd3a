"""The page in a real browser, sixth round: defects a new user found in Chromium (a class on one server, a phone,
a projector, both languages).

Each test names the defects it guards against; each failed on the page before its fix.
"""

import json
import re

from tests.web.conftest import idle

LONG = "영화가 정말 재밌었어요 배우들의 연기가 훌륭했고 음악도 좋았습니다 " * 40  # about 1,500 tokens for e5


def busy_first(page, path: str, times: int | None, retry_after: int = 1) -> list:
    """Answer ``path`` with 503 + Retry-After ``times`` times (None: always), then let requests through."""
    seen = []

    def handle(route):
        seen.append(route.request.url)
        if times is None or len(seen) <= times:
            route.fulfill(status=503, headers={"Retry-After": str(retry_after)}, content_type="application/json",
                          body=json.dumps({"error": "The server is busy with other encoder requests",
                                           "hint": "Try again in 1 s."}))
        else:
            route.continue_()

    page.route(f"**{path}*", handle)
    return seen


def test_a_busy_server_is_waited_for_as_long_as_it_asks(open_page):
    """With a class on one server, half the pages showed "busy — try again in 1 s" in the embedding panel: the page
    gave up after 3 retries, while the other requests took up to 13 s."""
    page = open_page()
    seen = busy_first(page, "/api/embed", 5)
    page.fill("#text", "서버가 바쁠 때도 기다립니다")
    page.click("#run")
    page.wait_for_function("document.querySelector('#busy').textContent.includes('waiting for a free turn')")
    idle(page, timeout=30_000)
    assert len(seen) == 6  # five turned away, the sixth answered
    assert page.inner_text("#p-vectors .error") == "" and "last_hidden_state" in page.inner_text("#v-vectors")


def test_a_page_that_gives_up_says_it_waited(open_page):
    """After its retries the page showed the server's own "try again in 1 s", as if it had not tried at all."""
    page = open_page()
    page.evaluate("window.seqlabPage.state.busyPatience = 3")
    seen = busy_first(page, "/api/embed", None)
    page.fill("#text", "계속 바쁜 서버")
    page.click("#run")
    idle(page, timeout=30_000)
    said = page.inner_text("#p-vectors .error")
    assert re.search(r"stayed busy with other requests for \d s \((\d) tries\)", said), said
    assert int(re.search(r"\((\d) tries\)", said).group(1)) == len(seen) >= 2
    assert "Try again in" not in said  # not the server's own "try again in 1 s" after the page has tried
    assert "errors" in page.inner_text("#busy")


def test_a_request_whose_inputs_changed_stops_waiting_for_a_busy_server(open_page):
    """The retry loop went on for a minute after the text changed: each edit added a loop, so a class made a
    saturated server busier."""
    page = open_page()
    seen = busy_first(page, "/api/embed", None)
    page.fill("#text", "바쁜 서버에 보낸 문장")
    page.click("#run")
    page.wait_for_function("document.querySelector('#busy').textContent.includes('waiting for a free turn')")
    page.type("#text", "요")  # the answer is no longer wanted
    page.wait_for_timeout(3000)
    asked = len(seen)
    page.wait_for_timeout(2500)
    assert len(seen) == asked <= 3  # no more tries after the edit (at most the one in flight)


def test_the_cosine_says_a_sentence_was_cut(open_page):
    """A 3,000-character sentence A was cut to 512 tokens (the API said ``dropped: [1258, 0]``), and the cosine
    panel showed all of A and cos(A, B) = 0.8259 with no word about it; every other panel warned."""
    page = open_page()
    page.fill("#text", LONG)
    page.fill("#second", "짧은 문장")
    page.click("#sim")
    page.wait_for_function("window.seqlabPage.state.records['v-sim']", timeout=120_000)
    said = " ".join(page.inner_text("#v-sim").split())
    assert "Sentence A is longer than e5-small reads (512 tokens)" in said and "Sentence B" not in said
    assert page.locator("#v-sim .sv-warn").count() >= 1


def test_a_tap_beside_the_heatmap_cells_picks_no_cell(open_page):
    """At 390 px a tap on a row label, the legend or the margin right of the last column said "token 0 ⟨s⟩ ·
    dimension 0" and outlined the top-left cell: the canvas took focus and focus showed cell (0, 0)."""
    page = open_page(width=390, height=844, has_touch=True, is_mobile=True)
    canvas = page.locator("#v-vectors canvas").first
    canvas.scroll_into_view_if_needed()
    box = canvas.bounding_box()
    hint = page.inner_text("#v-vectors .sv-readout")
    for x, y in [(3, 10), (box["width"] / 2, box["height"] - 8)]:  # a row label; the colour scale under the map
        page.touchscreen.tap(box["x"] + x, box["y"] + y)
        page.wait_for_timeout(200)
        assert page.inner_text("#v-vectors .sv-readout") == hint
    page.touchscreen.tap(box["x"] + box["width"] * 0.6, box["y"] + 6)  # a cell of the first row
    page.wait_for_timeout(200)
    assert page.inner_text("#v-vectors .sv-readout").startswith("token 0")


def test_the_keyboard_finds_its_start_cell_after_a_tap_beside_the_map(open_page):
    """A tap beside the cells set a flag that only a focus event cleared: Tab onto the map afterwards showed no cell
    for the arrow keys to start from."""
    page = open_page()
    canvas = page.locator("#v-vectors canvas").first
    canvas.scroll_into_view_if_needed()
    box = canvas.bounding_box()
    hint = page.inner_text("#v-vectors .sv-readout")
    page.mouse.click(box["x"] + 3, box["y"] + 10)  # the row labels: the map has focus, but no cell
    page.mouse.click(box["x"] + 3, box["y"] + 30)  # again, on the map that has focus already: no focus event
    assert page.inner_text("#v-vectors .sv-readout") == hint
    assert page.evaluate("document.activeElement.tagName") == "CANVAS"
    page.keyboard.press("Tab")  # away, and back from the keyboard: the start cell is shown
    page.keyboard.press("Shift+Tab")
    assert page.evaluate("document.activeElement.tagName") == "CANVAS"
    assert page.inner_text("#v-vectors .sv-readout").startswith("token 0")


def test_a_tap_beside_the_attention_cells_opens_no_row(open_page):
    """On the attention map, a tap on the labels opened row 0's detail."""
    page = open_page(width=390, height=844, has_touch=True, is_mobile=True)
    page.click("#attn")
    page.wait_for_function("window.seqlabPage.state.records['v-attention']", timeout=120_000)
    canvas = page.locator("#v-attention canvas").first
    canvas.scroll_into_view_if_needed()
    box = canvas.bounding_box()
    page.touchscreen.tap(box["x"] + 3, box["y"] + 10)  # the row labels
    page.wait_for_timeout(300)
    assert page.evaluate("window.seqlabPage.state.attentionRow ?? null") is None
    assert page.locator("#v-attention .sv-rowdetail h3").count() == 0
    page.touchscreen.tap(box["x"] + box["width"] * 0.6, box["y"] + 6)  # a cell of the first row
    page.wait_for_timeout(300)
    assert page.evaluate("window.seqlabPage.state.attentionRow") == 0  # the tap that hits a cell opens its row
    assert page.locator("#v-attention .sv-rowdetail h3").count() == 1


def test_a_short_presentation_stage_starts_at_its_heading(open_page):
    """At 1280×800, stage 3 (integer encoding) is short: the page scrolled as far as it could (y = 54) and cut the
    "seqlab" title and the language buttons through the middle."""
    page = open_page("/?lang=ko&present=1", width=1280, height=800)
    for _ in range(2):
        page.click("#stage-next")
    page.wait_for_timeout(200)
    top = page.evaluate("document.querySelector('main > .panel.current').getBoundingClientRect().top")
    h1 = page.evaluate("document.querySelector('h1').getBoundingClientRect()")
    assert page.evaluate("document.querySelector('main > .panel.current').id") == "p-ids"
    assert -1 <= top <= 1  # the stage's heading at the top
    assert h1["bottom"] <= 0 or h1["top"] >= 0  # the header wholly out of view or wholly in it, never cut


def test_a_refused_trace_setting_is_said_once_and_ends_the_old_busy_line(open_page):
    """A bad hidden size showed its error twice (stage 5, and again under stage 6's dW heading), and the busy line
    still said "Done in 0.3 s." from the run before."""
    page = open_page()
    assert page.inner_text("#busy").startswith("Done")
    page.fill("#hidden", "0")
    page.click("#trace")
    assert "hidden size" in page.inner_text("#p-trace .error")
    assert page.inner_text("#dw-error") == "" and "a setting of the trace above is not valid" in page.inner_text("#dw-state")
    assert page.inner_text("#busy") == ""


def test_a_model_without_vectors_says_so_in_the_dw_part_at_once(open_page):
    """Switching to kiwi left stage 6's dW_hh heading with nothing under it until Run was pressed."""
    page = open_page()
    page.select_option("#model", "kiwi")
    assert "kiwi has no vectors" in page.inner_text("#dw-state")


def test_an_accent_on_a_hangul_syllable_does_not_hide_it(open_page):
    """가 + U+0301 and 한 + U+0308 drew as one box each in the normalization and token panels: the syllable was lost."""
    page = open_page()
    page.fill("#text", "가\u0301 e\u0301 한\u0308글")
    page.click("#run")
    idle(page)
    shown = page.inner_text("#v-normalize")
    assert "가\u25cc\u0301" in shown and "한\u25cc\u0308글" in shown and "e\u0301" in shown
    original = page.inner_text("#v-tokens .sv-original")  # the token stage's text, one span per character
    assert "가\u25cc\u0301" in original and "한\u25cc\u0308글" in original and "e\u0301" in original


def test_a_token_chip_names_the_word_it_belongs_to(open_page):
    """The chips' readout gave the token, id, span and kind, but not the word index that the terminal table, the
    Markdown table and --json (word_ids) all give."""
    page = open_page()
    page.fill("#text", "안녕하세요 반가워요")
    page.click("#run")
    idle(page)
    said = page.eval_on_selector_all("#v-tokens .sv-chips .sv-chip", "cs => cs.map(c => c.dataset.describe)")
    assert any("반" in d and "word #1" in d for d in said), said
    assert not any("word" in d for d in said if "special" in d)  # <s> and </s> belong to no word
