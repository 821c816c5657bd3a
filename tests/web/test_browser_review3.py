"""The page in a real browser, third round: defects a teacher and a student found in Chromium after the second round.

Each test names the defect it guards against; each failed on the page (or the API) before its fix.
"""

import itertools
import json
import re

import pytest

from tests.web.conftest import idle
from tests.web.test_browser import DELAY_FETCH

LONG = "이 영화는 배우들의 연기가 정말 좋았고 음악도 훌륭했지만 이야기가 조금 길었다. " * 25  # about 1,000 characters


def test_word_vector_errors_speak_of_the_page_not_the_command_line(open_page, client):
    """An English word told the student to use "--model e5-small", which the page does not have."""
    for path, body in (("/api/neighbors", {"word": "Python"}), ("/api/analogy", {"expression": "king - man + woman"})):
        answer = client.post(path + "?lang=en", json=body)
        assert answer.status_code == 400, path
        hint = answer.json()["hint"]
        assert "--model" not in hint and "command line" not in hint and "Korean word" in hint, hint
    page = open_page()  # the panel says up front whose vectors answer
    page.wait_for_function("document.querySelector('#words-source').innerText.includes('Kiwi word vectors')")


def test_a_model_switch_rewrites_every_panel_at_once(open_page):
    """After a switch to kiwi, the cosine and attention panels still said "press the button", the status line
    said "Done in 0.9 s", and the normalization and tokenizer comparison (model-free) were blanked."""
    page = open_page()
    assert page.inner_text("#busy").startswith("Done")
    page.select_option("#model", "kiwi")
    assert "kiwi has no vectors" in page.inner_text("#p-attention .state")
    assert "press the button" not in page.inner_text("#p-vectors").lower()
    assert page.is_disabled("#sim") and page.is_disabled("#attn") and page.is_disabled("#layer")
    assert page.inner_text("#busy") == ""
    assert not page.is_hidden("#v-normalize") and page.locator("#v-compare .sv-compare-row").count() == 5
    page.select_option("#model", "e5-small")
    assert page.is_enabled("#sim") and page.is_enabled("#attn")


def test_word_buttons_send_one_request_at_a_time(open_page):
    """Three clicks on Solve sent three analogy requests; the last answer to arrive won."""
    page = open_page()
    page.wait_for_function("!document.querySelector('#analogy').disabled")
    page.evaluate(DELAY_FETCH + "; window.__delay = 800;")
    for _ in range(3):
        page.click("#analogy", force=True)
    assert page.is_disabled("#analogy") and page.is_disabled("#neighbors")
    page.wait_for_selector("#v-words table")
    page.wait_for_function("!document.querySelector('#analogy').disabled")
    assert sum("/api/analogy" in u for u in page.evaluate("window.__requests")) == 1


def test_attention_rows_are_chosen_by_token_and_ranked(open_page):
    """At 128 tokens a row was ~2 px on a phone: no way to pick one by name, and its 128 weights came unranked."""
    page = open_page(width=390, height=844)
    page.fill("#text", LONG)
    page.click("#run")
    idle(page)
    page.click("#attn")
    page.wait_for_selector("#v-attention canvas")
    page.select_option("#v-attention .sv-rowselect", "5")
    assert page.inner_text("#v-attention .sv-rowdetail h3").startswith("row 5")
    weights = [float(x) for x in page.locator("#v-attention .sv-ranked .sv-num").all_inner_texts()]
    assert len(weights) == 10 and weights == sorted(weights, reverse=True)
    assert page.locator("#v-attention .sv-rowdetail details li").count() == 128


def test_the_gradient_chart_names_one_and_its_top_gridline(open_page):
    """Labels were counted from the bottom decade: 10⁰ and the top band, where the LSTM line sat, had no number."""
    page = open_page()
    page.fill("#gsteps", "300")
    page.select_option("#fbias", "4")
    page.click("#gradflow")
    page.wait_for_selector("#v-gradflow svg .sv-ytick")
    powers = page.eval_on_selector_all("#v-gradflow line[data-power]", "ls => ls.map(l => +l.dataset.power)")
    named = page.eval_on_selector_all("#v-gradflow .sv-ytick", "ts => ts.map(t => t.dataset.value)")
    assert f"1e{max(powers)}" in named
    if min(powers) <= 0 <= max(powers):
        assert "1e0" in named


def test_a_forget_bias_of_zero_can_be_chosen(open_page):
    """The slider's leftmost position meant "default" (torch's random init) and sent nothing: 0 could not be chosen."""
    page = open_page()
    page.select_option("#fbias", "0")
    with page.expect_request("**/api/gradflow*") as sent:
        page.click("#gradflow")
    assert sent.value.post_data_json["forget_bias"] == 0
    page.select_option("#fbias", "")
    with page.expect_request("**/api/gradflow*") as sent:
        page.click("#gradflow")
    assert "forget_bias" not in sent.value.post_data_json


def test_snapshots_and_exports_carry_their_inputs(open_page):
    """The trace snapshot had no sentence, cell, hidden size or seed; the attention export had no text at all."""
    page = open_page()
    page.fill("#text", "나는 오늘 학교에 갔다")
    page.select_option("#cell", "gru")
    page.fill("#hidden", "3")
    page.fill("#seed", "7")
    page.click("#run")
    idle(page)
    page.click("#attn")
    page.wait_for_selector("#v-attention canvas")
    snap = page.context.new_page()
    snap.set_content(page.evaluate("window.seqlabPage.snapshotHtml('p-trace')"))
    header = snap.inner_text("dl.sv-pairs")
    for value in ("나는 오늘 학교에 갔다", "GRU", "3", "7", "e5-small"):
        assert value in header, value
    snap.close()
    with page.expect_download() as download:
        page.click("#p-attention > .export a:text('JSON')")
    saved = json.loads(download.value.path().read_text(encoding="utf-8"))
    assert saved["inputs"]["text"] == "나는 오늘 학교에 갔다" and "attention" in saved


def test_a_dead_server_is_one_message_and_a_failed_run(open_page):
    """With the server down, seven panels repeated the same alert, and the status line said "Done in 0.1 s"."""
    page = open_page()
    page.route("**/api/**", lambda route: route.abort())
    page.fill("#text", "서버가 없을 때")
    page.click("#run")
    idle(page)
    assert "did not answer" in page.inner_text("#page-error")
    alerts = page.eval_on_selector_all("main .error", "es => es.filter(e => e.innerText.trim()).length")
    assert alerts == 0
    assert page.inner_text("#busy").startswith("Failed")
    page.unroute("**/api/**")
    page.click("#run")
    idle(page)
    assert page.inner_text("#page-error") == "" and page.inner_text("#busy").startswith("Done")


def test_the_second_sentence_is_checked_like_the_text(open_page):
    """A zero-width space passed the page's check and came back with the API's field name "(b)"."""
    page = open_page()
    page.fill("#second", "\u200b")
    page.click("#sim")
    error = page.inner_text("#sim-error")
    assert "second sentence has no character that shows" in error and "(b)" not in error
    page.fill("#second", "")
    page.click("#sim")
    assert "second sentence is empty" in page.inner_text("#sim-error")


def test_enter_presses_the_button_of_a_one_line_field(open_page):
    """Enter did nothing in the word, analogy and second-sentence fields (a phone keyboard's Go key)."""
    page = open_page()
    page.wait_for_function("!document.querySelector('#neighbors').disabled")
    page.fill("#nword", "영화")
    page.press("#nword", "Enter")
    page.wait_for_selector("#v-words table")
    page.fill("#second", "영화가 좋다")
    page.press("#second", "Enter")
    page.wait_for_selector("#v-sim .sv-big")


def test_unknown_tokens_are_explained_for_what_a_token_is(open_page):
    """The whitespace tokenizer's [UNK] list said "no piece for this character" about whole words, and stage 3's
    example id was the [UNK] id without saying so."""
    page = open_page()
    page.select_option("#model", "whitespace")
    page.click("#run")
    idle(page)
    tokens = page.inner_text("#v-tokens")
    assert "this word is not in the vocabulary" in tokens and "no piece" not in tokens
    example = re.search(r": (\S+) → (\d+)\.", page.inner_text("#v-ids"))
    unknown = page.evaluate("window.seqlabPage.state.records['v-tokens'].record.unk.map(u => u.index)")
    tokens = page.evaluate("window.seqlabPage.state.records['v-tokens'].record.tokens")
    assert example.group(1) not in [tokens[i] for i in unknown]


def test_subword_markers_are_explained(open_page):
    """The page never said what ▁ (SentencePiece) and ## (WordPiece) mean; a lone ▁ looked like an empty token."""
    page = open_page()
    assert "▁ marks a token that starts a word" in page.inner_text("#v-tokens")
    page.select_option("#model", "minilm")
    page.fill("#text", "unbelievable tokenization")
    page.click("#run")
    idle(page)
    assert "## marks a piece that continues the word" in page.inner_text("#v-tokens")


def test_a_long_text_keeps_the_page_a_page(open_page):
    """A 2,000-character review made the page about 30,000 px tall (8,580 chips, 256 table rows), and an unchanged
    text was printed twice in large bold type."""
    page = open_page()
    page.fill("#text", (LONG * 2)[:2000])
    page.click("#run")
    idle(page)
    assert page.locator("#v-tokens .sv-chips.sv-scroll").count() == 2  # the tokens and Kiwi's morphemes
    assert page.locator("#v-normalize .sv-long").count() == 1 and page.locator("#v-normalize .sv-big").count() == 0
    assert page.evaluate("document.documentElement.scrollHeight") < 12_000


def test_by_hand_shows_the_hidden_size_it_uses(open_page):
    """Ticking "by hand" greyed the hidden size out but left it at 4, while the trace used 2."""
    page = open_page()
    page.check("#byhand")
    assert page.input_value("#hidden") == "2" and page.is_disabled("#hidden")
    page.uncheck("#byhand")
    assert page.input_value("#hidden") == "4" and page.is_enabled("#hidden")


def test_quiet_counter_export_links_beside_headings_and_numbered_stages(open_page):
    """The counter was announced on every key; export links were read as part of each heading; the stages were
    numbered 1-5 and then not at all, while presentation mode counted "stage 6 of 8"."""
    page = open_page()
    assert page.get_attribute("#counter", "aria-live") is None
    assert page.locator("#p-tokens h2 .export").count() == 0 and page.locator("#p-tokens > .export").count() == 1
    for panel, number in (("#p-backward", "6."), ("#p-words", "7."), ("#p-attention", "8.")):
        assert page.inner_text(panel + " h2").startswith(number), panel


def test_the_model_card_facts_students_ask_about(open_page):
    """e5's high cosines for unrelated sentences and its 4-bit x_t values were left unexplained."""
    page = open_page()
    assert "4 bits" in page.inner_text("#v-trace .sv-source")
    page.click("#sim")
    page.wait_for_selector("#v-sim .sv-big")
    assert "high cosines even to unrelated sentences" in page.inner_text("#v-sim")


def test_presentation_mode_on_a_phone_stays_inside_its_panel(open_page):
    """At 390 px, presentation mode's stage 1 ran over the panel border (a 14em column at 24 px type)."""
    page = open_page("/?lang=en&present=1", width=390, height=844)
    page.select_option("#form", "NFD")
    page.wait_for_selector("#v-normalize .sv-pair")
    over = page.eval_on_selector("#p-normalize", "p => p.scrollWidth - p.clientWidth")
    assert over <= 1 and page.evaluate("document.documentElement.scrollWidth") <= 390


def test_control_characters_are_named(client):
    """A line feed was listed as "\\n U+000A" with no name: Unicode gives control characters none, only aliases."""
    answer = client.post("/api/normalize", json={"text": "가\n나\u202e"}).json()
    assert [c["name"] for c in answer["invisible"]] == ["LINE FEED", "RIGHT-TO-LEFT OVERRIDE"]


def test_characters_a_tokenizer_removes_are_said_in_the_comparison(open_page):
    """minilm silently dropped U+202E in the side-by-side comparison: abc ##de ##f, with no mark of the lost character."""
    page = open_page()
    page.fill("#text", "abc\u202edef 한글")
    page.click("#run")
    idle(page)
    rows = page.locator("#v-compare .sv-compare-row")
    minilm = next(i for i in range(rows.count()) if rows.nth(i).locator("h4").inner_text().startswith("minilm"))
    assert "removed 1 character before tokenizing" in rows.nth(minilm).inner_text() and "\\u202e" in rows.nth(minilm).inner_text()


def test_kiwi_marks_the_same_unknown_morphemes_in_both_rows(open_page):
    """\\u202e/SW was red ([UNK]) in the tokenizer comparison's kiwi row but plain in the "Kiwi morphemes" row."""
    page = open_page()
    page.fill("#text", "abc\u202edef 한글 ghi")
    page.click("#run")
    idle(page)
    morphemes = page.locator("#v-tokens .sv-chips").last
    unknown_here = morphemes.locator(".sv-unk").all_inner_texts()
    kiwi_row = page.locator("#v-compare .sv-compare-row", has_text="kiwi").locator(".sv-unk").all_inner_texts()
    assert unknown_here and any("\\u202e" in c for c in unknown_here)
    assert sorted(unknown_here) == sorted(kiwi_row)


def test_presentation_mode_keeps_the_header_in_view_at_the_first_stage(open_page):
    """On a projector-sized screen, stage 1 scrolled so far that the top of "seqlab" was cut off."""
    page = open_page("/?lang=ko&present=1", width=1280, height=720)
    page.click("#stage-next")
    page.click("#stage-prev")
    page.wait_for_function("window.scrollY === 0")
    top = page.evaluate("document.querySelector('h1').getBoundingClientRect().top")
    assert top >= 0 and page.is_visible("#text")
    page.click("#stage-next")
    panel = page.evaluate("document.querySelector('main > .panel.current').getBoundingClientRect().top")
    assert -1 <= panel < 720 / 2  # at its heading (subpixel rounding aside)


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_every_presentation_stage_fits_a_phone(open_page, lang):
    """At 390 px in presentation mode, stage 6's forget-bias select (its long first option) was 416-423 px wide:
    the page became 466 px wide, and the gradient chart's axis title was cut ("…at the last st")."""
    page = open_page(f"/?lang={lang}&present=1", width=390, height=844)
    stages, charted = page.locator("main > .panel").count(), False
    for _ in range(stages):
        current = page.evaluate("document.querySelector('main > .panel.current').id")
        assert page.evaluate("document.documentElement.scrollWidth") <= 390, current
        if current == "p-backward":
            page.click("#gradflow")
            page.wait_for_selector("#v-gradflow svg .sv-ytick")
            title, width = page.evaluate("""() => { const svg = document.querySelector('#v-gradflow svg');
                const t = [...svg.querySelectorAll(':scope > text')].pop(); const b = t.getBBox();
                return [[b.x, b.x + b.width], svg.width.baseVal.value]; }""")
            assert title[0] >= 0 and title[1] <= width, (title, width)
            assert page.evaluate("document.documentElement.scrollWidth") <= 390
            charted = True
        if page.locator("#stage-next").is_disabled():
            break
        page.click("#stage-next")
    assert charted


def test_gradient_ticks_are_evenly_spaced(open_page):
    """With a forget bias of 0 the chart spans 35 powers of ten: it named 10⁻³⁴, 10⁻²⁷, 10⁻¹⁸, 10⁻⁹ and 10⁰, one gap of
    7 among gaps of 9: the bottom gridline was named as well. Now only every n-th power is named."""
    page = open_page("/?lang=en", width=390, height=844)
    for bias in ("", "0", "3"):
        page.select_option("#fbias", bias)
        page.click("#gradflow")
        idle(page)
        page.wait_for_selector("#v-gradflow svg .sv-ytick")
        powers = sorted(int(v[2:]) for v in page.eval_on_selector_all(
            "#v-gradflow .sv-ytick", "ns => ns.map(n => n.dataset.value)"))
        gaps = {b - a for a, b in itertools.pairwise(powers)}
        assert len(powers) >= 3 and len(gaps) == 1, (bias, powers)
        lines = page.eval_on_selector_all("#v-gradflow line[data-power]", "ns => ns.map(n => +n.dataset.power)")
        gap = gaps.pop()  # the ends are gridlines within one gap of a named power, 10⁰ named when on the chart
        assert powers[0] - gap < min(lines) <= powers[0] and powers[-1] <= max(lines) < powers[-1] + gap
        assert 0 in powers or not min(lines) <= 0 <= max(lines)


def test_a_wordpiece_unknown_word_is_explained_as_a_whole_word(open_page):
    """minilm's [UNK] for 바꾸기 was explained as "the model has no piece for this character", and the comparison
    said minilm "lacks many Hangul syllables" while every minilm chip on screen was a jamo piece."""
    page = open_page()
    page.select_option("#model", "minilm")
    page.fill("#text", "언어 바꾸기 전 문장")
    page.click("#run")
    idle(page)
    tokens = page.inner_text("#v-tokens")
    assert "no sequence of the model's pieces spells this word, so the whole word is one unknown token: 바꾸기" in tokens
    assert "splits Hangul into jamo" in page.inner_text("#v-compare")


def test_results_thrown_away_are_not_reported_done(open_page):
    """Run, then a model change before the answers came: the panels said "press Run", the status line "Done in 0.8 s"."""
    page = open_page()
    page.evaluate(DELAY_FETCH)
    page.evaluate("window.__delay = 1200")
    page.fill("#text", "모델을 바꾸는 동안")
    page.click("#run")
    page.select_option("#model", "minilm")
    page.evaluate("window.__delay = 0")
    idle(page)
    page.wait_for_timeout(1500)  # the old answers arrive and are dropped
    assert "Done" not in page.inner_text("#busy")
    assert "The model changed to minilm" in page.inner_text("#p-tokens")


def test_an_empty_text_is_what_the_panels_say(open_page):
    """Text cleared: the top said "The text is empty" while every panel said "press Run", which did nothing."""
    page = open_page()
    page.fill("#text", "")
    page.click("#run")
    states = page.eval_on_selector_all("#p-tokens .state, #p-vectors .state", "ns => ns.map(n => n.innerText)")
    assert states and all("The text is empty" in s for s in states), states
    page.fill("#text", "다시 쓴 문장")
    assert "The text changed: press Run" in page.inner_text("#p-tokens .state")


def test_a_refused_trace_says_why_below_too(open_page):
    """hidden size 0: the trace panel said why, and the dW section under it went blank with no reason. (It then
    repeated the trace's error word for word, a second alert: now it says it was not computed, and points up.)"""
    page = open_page()
    page.fill("#hidden", "0")
    page.click("#trace")
    assert "hidden size" in page.inner_text("#p-trace .error")
    assert "Not computed: a setting of the trace above is not valid" in page.inner_text("#p-backward")


def test_the_word_panel_names_its_own_buttons_when_the_server_is_down(open_page, server):
    page = open_page()
    page.wait_for_function("!document.querySelector('#neighbors').disabled", timeout=120_000)
    page.route("**/api/**", lambda route: route.abort())
    page.click("#neighbors")
    page.wait_for_function("document.querySelector('#p-words .state').innerText.includes('did not answer')")
    said = page.inner_text("#p-words .state")
    assert "Nearest words" in said and "Run" not in said, said
    page.unroute("**/api/**")


def test_a_fast_answer_and_a_second_click_send_one_request(open_page):
    """A real double click on Trace (60 ms apart) sent two /api/trace: the first answer came back in between."""
    page = open_page()
    page.evaluate(DELAY_FETCH)
    for button, route in (("#trace", "/api/trace"), ("#sim", "/api/similarity"), ("#attn", "/api/attention")):
        page.evaluate("window.__requests = []")
        page.click(button)
        page.wait_for_function("() => window.__requests.length > 0")
        page.wait_for_function("() => !document.querySelector('[aria-busy=\"true\"]:not(#p-words)')")
        box = page.locator(button).bounding_box()  # the second click of a double click (detail 2), after the answer
        page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
        page.mouse.down(click_count=2)
        page.mouse.up(click_count=2)
        idle(page)
        assert sum(route in u for u in page.evaluate("window.__requests")) == 1, button


def test_word_fields_are_checked_in_the_page(open_page):
    """300 characters in the analogy field went to the server, whose answer ended "send the request again"."""
    page = open_page()
    page.wait_for_function("!document.querySelector('#analogy').disabled", timeout=120_000)
    page.evaluate(DELAY_FETCH)
    page.fill("#expr", "왕" * 300)
    page.click("#analogy")
    said = page.inner_text("#p-words .error")
    assert "at most 200 characters, got 300" in said and "request" not in said
    assert not any("/api/analogy" in u for u in page.evaluate("window.__requests"))


def test_the_cosine_panel_says_when_the_model_read_nothing(open_page):
    page = open_page()
    page.select_option("#model", "minilm")
    page.fill("#text", "좋다")
    page.fill("#second", "나쁘다")
    page.click("#sim")
    idle(page)
    assert "both sentences are the same tokens" in page.inner_text("#v-sim")


def test_kiwi_tokens_are_not_repeated_and_steps_read_as_a_range(open_page):
    """With kiwi chosen, the "Kiwi morphemes" row repeated the token row; the trace said "t = 0 of 10" for 11 steps."""
    page = open_page()
    page.select_option("#model", "kiwi")
    page.fill("#text", "예쁜 꽃이 피었다")
    page.click("#run")
    idle(page)
    assert page.locator("#v-tokens .sv-chips").count() == 1
    page.select_option("#model", "e5-small")
    page.click("#run")
    idle(page)
    label = page.inner_text("#v-trace .sv-steplabel")
    assert label.startswith("t = 0 (steps 0–") and " of " not in label
