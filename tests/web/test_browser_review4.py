"""The page in a real browser, fourth round: defects a new user found in Chromium (desktop, phone, both languages).

Each test names the defects it guards against; each failed on the page before its fix.
"""

import re

from tests.web.conftest import idle


def test_each_panel_names_the_button_that_fills_it(open_page):
    """After a change of model or text, the attention and cosine panels said "press Run", and Run did not fill them:
    after Run they asked for their own button, a second trip."""
    page = open_page()
    page.click("#attn")
    page.wait_for_selector("#v-attention canvas")
    page.click("#sim")
    page.wait_for_function("window.seqlabPage.state.records['v-sim']")
    idle(page)
    page.select_option("#model", "minilm")
    assert "press Show" in page.inner_text("#p-attention .state")
    assert "press Compute the cosine" in page.inner_text("#sim-state")
    assert "press Run" in page.inner_text("#p-tokens .state")
    page.select_option("#model", "e5-small")
    page.click("#run")
    idle(page)
    page.click("#attn")
    page.wait_for_selector("#v-attention canvas")
    idle(page)
    page.type("#text", "요")
    assert "press Show" in page.inner_text("#p-attention .state") and "press Run" in page.inner_text("#p-vectors .state")


def test_a_key_pressed_at_the_limit_changes_nothing(open_page):
    """At the 2,000-character limit, a key pressed (and cut off again) cleared every panel: "The text changed"."""
    page = open_page()
    page.fill("#text", "가" * 2001)
    assert page.input_value("#text") == "가" * 2000
    assert page.inner_text("#cut") == "Cut to 2,000 characters: 1 character at the end was left out."  # was "1 characters"
    page.click("#run")
    idle(page, timeout=120_000)
    chips = page.locator("#v-tokens .sv-chip").count()
    page.focus("#text")
    page.keyboard.press("End")
    page.keyboard.type("나")
    assert page.input_value("#text") == "가" * 2000
    assert page.locator("#v-tokens .sv-chip").count() == chips and page.inner_text("#p-tokens .state") == ""
    assert page.inner_text("#busy").startswith("Done")
    # counts of a thousand or more are written with separators, like every other number there ("2001" was bare)
    assert "tokens without special tokens: 2,000" in page.inner_text("#v-compare")


def test_failures_say_what_happened_in_their_own_panel(open_page):
    """One request lost on the network left its panel saying "see the message at the top", which the next
    answer had already cleared; a 500 without a JSON body gave no hint; a change of form on invisible text showed
    the API's wording instead of the page's."""
    page = open_page()
    page.route("**/api/embed*", lambda route: route.abort())
    page.fill("#text", "한 요청만 실패할 때")
    page.click("#run")
    idle(page)
    state = page.inner_text("#p-vectors .state")  # true whether or not a later answer cleared the top line
    assert state.startswith("⚠") and "did not answer" in state and "top" not in state
    assert ("panels marked ⚠" in page.inner_text("#busy")) == (page.inner_text("#page-error") == "")
    page.unroute("**/api/embed*")
    page.route("**/api/trace*", lambda route: route.fulfill(status=500, content_type="text/plain", body="oops"))
    page.click("#trace")
    idle(page)
    assert "terminal running seqlab serve" in page.inner_text("#p-trace .error")
    page.unroute("**/api/trace*")
    page.fill("#text", "\u200b")
    page.select_option("#form", "NFD")
    page.wait_for_function("document.querySelector('#text-error').innerText.includes('no character that shows')")
    assert "Fix the value" not in page.inner_text("#p-normalize")


def test_tokens_read_left_to_right_inside_their_chips(open_page):
    """A Hebrew or Arabic token put its marker on the wrong side (▁ after the word, SW/שלום); chips were buttons
    whose role was overridden to listitem, so screen readers did not announce them as buttons."""
    page = open_page()
    page.fill("#text", "שלום 세계 hello مرحبا")
    page.click("#run")
    idle(page)
    order = page.evaluate("""(() => {
        const bdi = [...document.querySelectorAll('#v-tokens .sv-chip bdi')].find(b => b.textContent.startsWith('▁ש'));
        const text = bdi.firstChild, range = document.createRange();
        range.setStart(text, 0); range.setEnd(text, 1);
        const marker = range.getBoundingClientRect().left;
        range.setStart(text, 1); range.setEnd(text, 2);
        return [marker, range.getBoundingClientRect().left];
    })()""")
    assert order[0] < order[1], order  # the marker is left of the word it starts
    assert page.get_by_role("button", name=re.compile("^▁세계")).count() >= 1


def test_the_trace_notes_fit_what_it_shows(open_page):
    """By hand (inputs reduced to 2 numbers by PCA), the note still said the inputs were multiples of a 4-bit step;
    a bias vector read [16×1] at hidden size 4 but [256] at 64."""
    page = open_page()
    source = page.inner_text("#v-trace .sv-source")
    assert "whole multiple of its block's step" in source  # the raw 4-bit rows: true of them
    assert "b = b_ih + b_hh [16]" in page.inner_text("#v-trace")
    page.check("#byhand")
    page.click("#trace")
    idle(page, timeout=120_000)
    source = page.inner_text("#v-trace .sv-source")
    assert "PCA" in source and "step, and some" not in source and "4 bits" not in source


def test_symbols_come_from_a_font_that_draws_them(open_page):
    """NanumGothic drew ², ∂ and σ tiny, and the HTML snapshot showed the backslash of \\u202e as ₩."""
    page = open_page()
    page.wait_for_selector("#v-backward")
    faces = page.evaluate("""document.fonts.ready.then(() => Array.from(document.fonts)
        .filter(f => f.family.replace(/"/g, '') === 'SeqlabSymbols').map(f => [f.status, f.unicodeRange]))""")
    assert faces and faces[0][0] == "loaded"
    for code in ("U+5C", "U+B2-B3", "U+300-3FF", "U+2200-22FF", "U+25CC"):  # combining marks and ◌ too
        assert code.lower() in faces[0][1].lower(), faces
    page.fill("#text", "abc\u202edef 한글 ghi")
    page.click("#run")
    idle(page)
    snap = page.context.new_page()
    snap.set_content(page.evaluate("window.seqlabPage.snapshotHtml('p-trace')"))
    family = snap.evaluate("getComputedStyle(document.body).fontFamily")
    assert family.replace('"', "").startswith("SeqlabSymbolsLocal,"), family
    assert "LSTM" in snap.inner_text("dl.sv-pairs")  # the cell as the list shows it, not the value sent
    snap.close()


def test_the_heatmap_axis_title_stays_inside_a_phone_screen(open_page):
    """At 390 px the heatmap's column title ran past the canvas edge ("... of the vec")."""
    page = open_page(width=390, height=844)
    right, width = page.evaluate("""(() => { const c = document.querySelector('#v-vectors canvas');
        return [+c.dataset.titleRight, c.getBoundingClientRect().width]; })()""")
    assert 0 < right <= width, (right, width)


def test_korean_particles_follow_the_value_and_lang_takes_any_case(open_page):
    """The page wrote "여왕와(과) 가까운 단어" where Korean reads "여왕과": the particle is picked once the value is in,
    wherever its last sound is known. ``?lang=KO`` and ``?lang=ko-KR`` were refused; they mean Korean."""
    page = open_page("/?lang=ko-KR")
    assert page.evaluate("document.documentElement.lang") == "ko"
    t = "(w) => SeqlabViews.t('nearest words to {word}', {word: w})"
    assert page.evaluate(t, "여왕") == "여왕과 가까운 단어"
    assert page.evaluate(t, "아버지") == "아버지와 가까운 단어"
    assert page.evaluate(t, "LSTM") == "LSTM과 가까운 단어"  # an acronym, read by its letters (엘에스티엠)
    assert page.evaluate(t, "movie") == "movie와(과) 가까운 단어"  # a Latin word: its reading is not certain
    assert page.evaluate(t, "3") == "3과 가까운 단어"
    ko = open_page("/?lang=KO", ready=False)
    assert ko.evaluate("document.documentElement.lang") == "ko"


def test_typing_in_the_middle_of_a_full_box_keeps_the_text_and_the_cursor(open_page):
    """At the limit, a letter typed at position 5 dropped the box's last letter and sent the cursor to the end, so
    the next letter typed was lost."""
    page = open_page()
    page.fill("#text", "가" * 1000 + "나" * 1000)
    page.evaluate("() => { const t = document.getElementById('text'); t.focus(); t.setSelectionRange(5, 5); }")
    page.keyboard.type("X")
    assert page.input_value("#text") == "가" * 1000 + "나" * 1000  # what was typed is cut, not the text's end
    assert page.evaluate("() => document.getElementById('text').selectionStart") == 5
    assert "the text after the cursor is kept" in page.inner_text("#cut")
    page.evaluate("() => { const t = document.getElementById('text'); t.setSelectionRange(0, 0); }")
    page.keyboard.type("Z")  # at the very start: what was typed is dropped, and said so, not "at the end"
    assert page.input_value("#text") == "가" * 1000 + "나" * 1000 and "typed or pasted" in page.inner_text("#cut")
    page.evaluate("() => { const t = document.getElementById('text'); t.setSelectionRange(0, 3); }")
    page.keyboard.type("XY")  # a selection replaced: three letters out, two in, under the limit
    assert page.input_value("#text") == "XY" + "가" * 997 + "나" * 1000 and page.inner_text("#cut") == ""
