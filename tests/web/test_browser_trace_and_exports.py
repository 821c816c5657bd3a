"""The page's trace, its gradient part and its exports, as a Korean student used them: each test failed before its fix."""

import json

from tests.web.conftest import idle, run_pipeline


def test_the_lstm_trace_shows_every_number_of_its_stacked_gates_grouped_by_gate(open_page):
    """At the default hidden size 4, W_xh x_t holds 16 numbers (i|f|g|o); the table showed the first 8 and "… (16)",
    so pre_g and pre_o could not be rebuilt by hand from the page; the note began "x_t: x_t comes from"."""
    page = open_page()
    run_pipeline(page, "영화가 좋다")
    page.click("#trace")
    page.wait_for_selector("#v-trace .sv-steps tr[data-key='x_proj']")
    row = page.inner_text("#v-trace .sv-steps tr[data-key='x_proj'] td.sv-values")
    parts = row.split(" | ")
    assert [p.split(":")[0] for p in parts] == ["i", "f", "g", "o"] and "…" not in row, row
    assert all(len(p.split(":")[1].split()) == 4 for p in parts), row
    shown = [float(x) for p in parts for x in p.split(":")[1].split()]
    sent = page.evaluate("window.seqlabPage.state.records['v-trace'].record.steps[0].x_proj")
    assert shown == [round(x, 4) for x in sent]  # the numbers the server computed, all 16
    assert not page.inner_text("#v-trace .sv-source").startswith("x_t: x_t")


def test_fixing_a_bad_trace_setting_says_press_trace_in_the_gradient_part_too(open_page):
    """After a refused hidden size, typing a valid one left stage 6's "a setting of the trace above is not valid (see
    its message)" while the message it pointed to was gone."""
    page = open_page()
    run_pipeline(page, "영화가 좋다")
    page.fill("#hidden", "0")
    page.click("#trace")
    assert "not valid" in page.inner_text("#dw-state")
    page.fill("#hidden", "4")
    assert "The settings changed: press Trace" in page.inner_text("#dw-state")
    assert "The settings changed: press Trace" in page.inner_text("#p-trace .state")


def test_the_normalization_export_lists_no_model_and_the_by_hand_label_is_short(open_page):
    """Stage 1's export listed the model, which normalization does not use; the snapshot's list of inputs was pushed
    to the right half of the page by the checkbox's long label."""
    page = open_page()
    run_pipeline(page, "Ｅ５ 모델")
    idle(page)
    with page.expect_download() as download:
        page.click("#p-normalize > .export a:text('JSON')")
    exported = json.loads(download.value.path().read_text(encoding="utf-8"))
    assert exported["inputs"] == {"text": "Ｅ５ 모델", "form": "NFC"}, exported["inputs"]
    page.check("#byhand")
    page.click("#trace")
    idle(page)
    snap = page.context.new_page()
    snap.set_content(page.evaluate("window.seqlabPage.snapshotHtml('p-trace')"))
    assert "by hand" in snap.inner_text("body") and "inputs reduced to 2 numbers" not in snap.inner_text("body")


def test_the_kiwi_row_has_its_own_readout_and_a_zero_share_of_dW_hh_is_explained(open_page):
    """The Kiwi morphemes' readout sat under the model's chips and began "token 2", which there is another token;
    stage 6's ‖dW_hh(0)‖ = 0 beside a gradient that is not 0 looked like a bug; the chart's note said "not the text
    above" in a snapshot that has no text above it."""
    page = open_page()
    run_pipeline(page, "안녕하세요, 반가워요")
    kiwi_row = page.locator("#v-tokens .sv-chips").nth(1)
    kiwi_row.locator(".sv-chip").nth(2).focus()
    readouts = page.locator("#v-tokens .sv-readout")
    assert readouts.count() == 2 and readouts.nth(1).inner_text().startswith("Kiwi morphemes · token 2")
    page.click("#trace")
    page.wait_for_selector("#v-backward table")
    assert "‖dW_hh(0)‖ = 0: each step's share" in page.inner_text("#v-backward")
    page.click("#gradflow")
    page.wait_for_selector("#v-gradflow .sv-list li")
    assert "Not your text:" in page.inner_text("#v-gradflow") and "above" not in page.inner_text("#v-gradflow .sv-source")


def test_korean_column_names_of_the_attention_map_are_written_upright(open_page):
    """The attention map's column names were turned 90°: Hangul on its side, ▁ a bar beside the word, so a student
    could not tell ▁학교 from ▁먹 without pointing at a cell."""
    page = open_page()
    run_pipeline(page, "나는 학교에 간다. 밥을 먹었다")
    page.click("#attn")
    page.wait_for_selector("#v-attention canvas")
    canvas = page.locator("#v-attention canvas").first
    assert canvas.get_attribute("data-col-labels-upright") == "1" and int(canvas.get_attribute("data-col-labels")) > 0
    page.set_viewport_size({"width": 390, "height": 844})  # a phone: still upright, or level where names fit
    page.wait_for_timeout(300)
    assert "1" in (canvas.get_attribute("data-col-labels-upright"), canvas.get_attribute("data-col-labels-level"))


def test_screen_readers_hear_each_chips_kind_the_maps_size_and_which_curve_is_which(open_page):
    """A lone ▁ chip was announced as its id alone ("6"); the heatmap's label gave no size, so an arrow-key reader did
    not know where the grid ends; the gradient chart's label did not say which curve was which."""
    page = open_page()
    run_pipeline(page, "안녕하세요, 오늘 날씨가 정말 좋네요")
    lone = page.locator("#v-tokens .sv-chip[data-i='7']").first  # e5-small's ▁ before 좋
    assert lone.get_attribute("aria-label").startswith("▁ · id 6 · word start")
    label = page.locator("#v-vectors canvas").first.get_attribute("aria-label")
    assert " rows × " in label and " columns" in label
    page.click("#gradflow")
    page.wait_for_selector("#v-gradflow svg")
    chart = page.locator("#v-gradflow svg").first.get_attribute("aria-label")
    assert "RNN, LSTM, GRU" in chart and "list below the chart" in chart


def test_the_word_panels_snapshot_says_whose_word_vectors_answered(open_page):
    """Stage 7's HTML snapshot had the analogy's table without the page's line on its vectors (Kiwi's, not the model
    chosen above): a reader could take e5-small's for them."""
    page = open_page()
    page.wait_for_function("!document.querySelector('#analogy').disabled", timeout=60_000)
    page.click("#analogy")
    page.wait_for_selector("#v-words table")
    said = page.inner_text("#words-source")
    assert said.startswith("Vectors: ") and "does not apply here" in said
    snap = page.context.new_page()
    snap.set_content(page.evaluate("window.seqlabPage.snapshotHtml('p-words')"))
    kept = said.split(" (")[0] + "."  # "Vectors: Kiwi word vectors, 50,000 words.": no model above in a snapshot
    body = snap.inner_text("body")
    assert kept in body and "does not apply here" not in body and snap.locator("table").count() == 1
    snap.close()


def test_a_page_opened_on_an_empty_text_says_why_in_each_panel_and_draws_the_gradient_chart(open_page):
    """Opened (or reloaded) with an empty box, only the top error was said: stages 1-6 showed bare headings, and stage
    6's chart, which takes no text, was never drawn."""
    page = open_page("/?lang=en#text=%20%20")
    idle(page)
    why = "The text has no character that shows (only spaces or invisible characters): type a sentence first."
    said = page.evaluate("""() => ["p-normalize", "p-tokens", "p-vectors", "p-trace"].map(
        (id) => document.querySelector('#' + id + ' .state').textContent)""")
    assert said == [why] * 4, said
    assert page.inner_text("#compare-state") == why and page.inner_text("#dw-state") == why
    page.wait_for_selector("#v-gradflow svg")
    assert page.evaluate("!!window.seqlabPage.state.records['v-gradflow']")
    # the busy line said "Done in 0.2 s." beside Run, for the chart alone; the reason is the text box's own alert
    page.wait_for_function("document.querySelector('#busy-say').textContent.length > 0")
    assert page.inner_text("#busy-say") == "Not run: see the note under the text box."
    assert page.inner_text("#text-error").strip()


def test_the_tokenizer_comparison_draws_the_first_tokens_of_a_long_text_and_says_so(open_page):
    """2,000 emoji made five comparison rows of 2,000 chips: the page did not answer for about a second."""
    page = open_page()
    run_pipeline(page, "😀" * 2000)
    rows = page.evaluate("""() => [...document.querySelectorAll('#v-compare .sv-chips')].map(
        (row) => row.querySelectorAll('.sv-chip').length)""")
    assert max(rows) == 256 and len(rows) == 5, rows
    said = page.inner_text("#v-compare")
    # the whole text's count, not the drawing's; both without special tokens (it said "256 of 2,002" under 2,000)
    assert "tokens without special tokens: 2,000" in said
    assert "Drawn: the first 255 of the 2,000 tokens counted above." in said  # e5's <s> drawn too
