"""The page with long or hidden input, and the keyboard in presentation mode (a student's review in Chromium): each
test failed before its fix."""

import random

from tests.web.conftest import idle, run_pipeline

# a box's and an element's rectangles: whether the element is wholly inside the box
INSIDE = """([box, item]) => { const r = box.getBoundingClientRect(), c = item.getBoundingClientRect();
    return c.top >= r.top - 1 && c.bottom <= r.bottom + 1; }"""


def test_a_long_word_in_an_english_error_does_not_push_the_phone_page_sideways(open_page):
    """Only the Korean page broke long words: 50 x's in the neighbours box made the English page 469 px wide at 390."""
    page = open_page("/?lang=en", width=390, height=844)
    page.wait_for_function("!document.querySelector('#neighbors').disabled", timeout=60_000)
    page.fill("#nword", "x" * 50)
    page.click("#neighbors")
    page.wait_for_function("document.querySelector('#p-words .error').innerText.length > 0", timeout=60_000)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390


def test_the_counter_leaves_invisible_characters_out_of_the_letters_shown(open_page):
    """안\\u200b녕\\u200d하세요\\ufeff was "8 code points (7 letters as shown)" for 5 letters a reader sees, bidi
    controls were counted as letters without a word, and spaces as letters that show."""
    page = open_page()
    page.fill("#text", "안\u200b녕\u200d하세요\ufeff")
    said = page.inner_text("#counter")
    assert "8 / 2,000 code points (5 letters as shown, not counting spaces, and 3 invisible characters" in said, said
    page.fill("#text", "안녕\u202e하세요 abc\u202c 끝")
    said = page.inner_text("#counter")
    assert "13 / 2,000 code points (9 letters as shown, not counting spaces, and 2 invisible characters" in said, said
    # a space is no letter that shows: the counter said "1 letter as shown" where the error said there was none
    page.fill("#text", "\u200b\u200b ")
    said = page.inner_text("#counter")
    assert "3 / 2,000 code points (0 letters as shown, not counting spaces, and 2 invisible characters" in said, said
    page.fill("#text", "좋은 영화")
    assert page.inner_text("#counter").startswith("5 / 2,000 characters")


def _traced_in_presentation_mode(open_page):
    """A page in presentation mode at the trace's stage, traced, with the focus on its play button; and the stage."""
    page = open_page("/?lang=en&present=1")
    while "trace" not in page.get_attribute("main > .panel.current", "id"):
        page.click("#stage-next")
    stage = page.get_attribute("main > .panel.current", "id")
    page.click("#trace")
    idle(page)
    page.focus("#v-trace .sv-play")
    return page, stage


def test_arrows_on_the_trace_buttons_step_the_trace_not_the_slides(open_page):
    """In presentation mode, ArrowRight with the focus on ◀, play or ▶ jumped to the next stage mid-play."""
    page, stage = _traced_in_presentation_mode(open_page)
    before = page.input_value("#v-trace .sv-slider")
    page.keyboard.press("ArrowRight")
    assert page.get_attribute("main > .panel.current", "id") == stage
    assert int(page.input_value("#v-trace .sv-slider")) == int(before) + 1
    page.keyboard.press("ArrowLeft")
    assert int(page.input_value("#v-trace .sv-slider")) == int(before)
    page.focus("#stage-next")  # elsewhere the arrows still turn the slides
    page.keyboard.press("ArrowRight")
    assert page.get_attribute("main > .panel.current", "id") != stage


def test_a_pasted_page_of_text_scrolls_in_its_own_box(open_page):
    """A 2,000-character text was printed whole by stage 1, stage 2 and the id lists: a phone page 23,600 px tall."""
    page = open_page(width=390, height=844)
    text = ("정말 재밌게 본 영화입니다 배우들의 연기가 좋았어요 " * 80)[:2000]
    run_pipeline(page, text, model="e5-small")
    for box in ("#v-normalize .sv-long", "#v-tokens .sv-original", "#v-ids .sv-code"):
        high, scroll = page.eval_on_selector(box, "e => [e.clientHeight, e.scrollHeight]")
        assert high < 400 < scroll, (box, high, scroll)  # about 14 lines shown, the rest a scroll away
    # the chips scrolled out of view are not laid out until scrolled to (2,000 emoji: one 0.7 s layout before)
    page.locator("#v-tokens .sv-chips.sv-scroll").first.scroll_into_view_if_needed()
    page.wait_for_timeout(200)  # content-visibility is settled at the next frame
    shown = page.eval_on_selector("#v-tokens .sv-chips.sv-scroll",
                                  "row => Array.from(row.children, (c) => c.firstChild.checkVisibility({ contentVisibilityAuto: true }))")
    assert shown[0] and not shown[-1] and len(shown) > 150, (shown[:3], shown[-3:], len(shown))
    run_pipeline(page, "좋은 영화")
    high, scroll = page.eval_on_selector("#v-tokens .sv-original", "e => [e.clientHeight, e.scrollHeight]")
    assert high == scroll  # a short text is shown whole


def test_a_links_value_a_box_cannot_hold_is_said(open_page):
    """#gsteps=abc left the steps box empty (a number box drops "abc"), and the gradient chart then said "the steps
    box is empty", about a box the student never touched."""
    page = open_page("/?lang=en#gsteps=abc&cell=nope&hidden=3")
    said = page.inner_text("#page-notice")
    assert "The link's cell=nope, gsteps=abc could not be used here: those boxes keep their defaults." in said, said
    assert page.input_value("#gsteps") != "" and page.input_value("#hidden") == "3"


def test_page_keys_still_turn_slides_from_the_trace_buttons_and_a_chip_scrolls_its_span_into_view(open_page):
    """After the trace's own arrows, a presenter's clicker (PageDown) on ▶ only scrolled the page; and a chip of a
    long text lit a span scrolled out of its box."""
    page, stage = _traced_in_presentation_mode(open_page)
    page.keyboard.press("PageDown")
    assert page.get_attribute("main > .panel.current", "id") != stage
    page = open_page(width=390, height=844)
    run_pipeline(page, ("정말 재밌게 본 영화입니다 배우들의 연기가 좋았어요 " * 80)[:2000], model="char")
    chips = page.locator("#v-tokens .sv-chips").first.locator(".sv-chip")
    chips.nth(chips.count() - 2).hover()
    top, height = page.eval_on_selector("#v-tokens .sv-original", "e => [e.scrollTop, e.clientHeight]")
    lit = page.eval_on_selector("#v-tokens .sv-original span.sv-hl", "e => e.offsetTop")
    assert top <= lit <= top + height, (top, height, lit)


def test_korean_in_the_english_page_is_marked_korean_in_every_view(open_page):
    """The original-text line of the tokenization view put each Hangul character under lang="en": a screen reader in
    the English page read the student's sentence with an English voice (the chips were marked, the line was not)."""
    page = open_page("/?lang=en")
    run_pipeline(page, "안녕하세요 여러분")
    wrong = page.evaluate("""() => {
        const out = [], walk = document.createTreeWalker(document.querySelector("#v-tokens"), NodeFilter.SHOW_TEXT);
        while (walk.nextNode()) {
          const n = walk.currentNode;
          if (/\\p{Script=Hangul}/u.test(n.textContent) && n.parentElement.closest("[lang]").lang !== "ko") out.push(n.textContent);
        }
        return out; }""")
    assert wrong == [], wrong[:10]


def test_the_glossarys_terms_are_defined_where_the_views_say_them(open_page):
    """Of the glossary's 50 terms the page linked only "cosine": input_ids, last_hidden_state, OOV, BPTT … had no
    definition where the panels said them (a student's review). A view links each term the first time it says it."""
    page = open_page("/?lang=en")
    run_pipeline(page, "안녕하세요 여러분")
    linked = page.evaluate("""() => [...document.querySelectorAll("main .sv-term")].map((a) => [a.textContent,
        a.getAttribute("title") || "", a.closest(".seqlab-view") ? a.closest(".seqlab-view").id : ""])""")
    words = {text for text, _title, _view in linked}
    assert {"last_hidden_state"} <= words and len(words) >= 4, linked
    assert all(title for _text, title, _view in linked)  # each with its definition
    per_view = [(view, text) for text, _title, view in linked]
    assert len(per_view) == len(set(per_view)), per_view  # once per view, not at every mention
    korean = open_page("/?lang=ko")
    run_pipeline(korean, "안녕하세요 여러분")
    assert korean.locator("main .sv-term").count() >= 4


def test_a_phones_map_that_labels_some_rows_numbers_them_and_says_so(open_page):
    """At 390 px a 38-token attention map labelled every other row with nothing to say which row an unlabelled one
    was, and nothing said labels were thinned (LP and 해요 had none)."""
    page = open_page(width=390, height=844)
    run_pipeline(page, "배우들의 연기가 정말 훌륭했고 음악도 좋았어요 LP 감성이 살아 있는 영화였어요 다시 보고 싶네요")
    page.click("#attn")
    page.wait_for_selector("#v-attention canvas")
    canvas = page.locator("#v-attention canvas").first
    rows = page.evaluate("() => window.seqlabPage.state.records['v-attention'].record.tokens.length")
    labelled = int(canvas.get_attribute("data-row-labels"))
    assert labelled < rows and canvas.get_attribute("data-row-numbers") == "1", (labelled, rows)  # thinned, numbered
    assert "rows one is labelled, by its number" in page.inner_text("#v-attention")


def test_a_token_of_2000_characters_is_drawn_by_its_first_20_and_said_with_its_length(open_page):
    """2,000 syllables without a space are one whitespace token (and a few Kiwi ones): each was one chip about
    1,900 px tall on a phone, outside any scroll box."""
    page = open_page("/?lang=en", width=390, height=844)
    rng = random.Random(0)
    run_pipeline(page, "".join(chr(rng.randint(0xAC00, 0xD7A3)) for _ in range(2000)))
    tallest = page.evaluate("Math.max(...[...document.querySelectorAll('.sv-chip')].map((c) => c.offsetHeight))")
    assert tallest < 100, tallest
    row = page.locator("#v-compare .sv-compare-row", has_text="whitespace")
    chip = row.locator(".sv-chip").first
    assert chip.locator("bdi").inner_text() == page.input_value("#text")[:20] + "…"
    assert "A token longer than 40 characters is drawn by its first 20 in its chip" in row.inner_text()
    chip.focus()
    said = page.inner_text("#v-compare .sv-readout")
    assert "(2,000 characters in all)" in said and page.input_value("#text")[:200] in said, said[:300]


def test_the_keyboard_keeps_the_readout_on_the_focused_chip_while_a_long_row_scrolls(open_page):
    """End in a long row scrolled other chips under the still mouse pointer: the readout, the outline and the text's
    highlight went to the chip under the pointer (token 777), not the focused one (token 867)."""
    page = open_page("/?lang=en")
    run_pipeline(page, ("안녕하세요 오늘 날씨가 정말 좋네요 우리는 자연어 처리를 배웁니다 " * 100)[:2000])
    chips = page.locator("#v-tokens .sv-chips").first.locator(".sv-chip")
    chips.nth(20).click()  # the pointer stays over the row
    page.keyboard.press("End")
    page.wait_for_timeout(500)
    last = chips.count() - 1
    assert page.evaluate("document.activeElement.dataset.i") == str(last)
    assert page.inner_text("#v-tokens .sv-readout").startswith(f"token {last} · </s>")
    assert page.locator("#v-tokens .sv-chip.sv-on").count() == 1
    # then the mouse takes over: one chip outlined, not the hovered one and the focused one alike
    hovered = chips.nth(last - 30)
    box = hovered.bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2, steps=4)
    assert page.inner_text("#v-tokens .sv-readout").startswith(f"token {last - 30} ")
    outlined = page.evaluate("""() => [...document.querySelectorAll('#v-tokens .sv-chip')].filter(
        (c) => c.classList.contains('sv-on') || c.matches(':focus-visible')).length""")
    assert outlined == 1, outlined


def test_end_at_once_shows_the_last_chip_inside_its_box_on_a_phone(open_page):
    """The chips of a long row are laid out when scrolled to: End pressed at once left </s> 127 px below its box (the
    chips brought into view grew after the jump), and the box's bottom showed no chip at all."""
    page = open_page("/?lang=en", width=390, height=844)
    run_pipeline(page, "😀" * 2000)
    box = page.locator("#v-tokens .sv-chips.sv-scroll").first
    last = box.locator(".sv-chip").last
    # first straight to the bottom, no chip there laid out yet: the chips' estimated sizes make the row about as tall
    # as it is (with one size for every chip, the row grew as they were laid out, and the end moved out of view)
    box.scroll_into_view_if_needed()
    guessed = box.evaluate("(b) => b.scrollHeight")
    box.evaluate("(b) => { b.scrollTop = b.scrollHeight; }")
    page.wait_for_timeout(300)
    assert page.evaluate(INSIDE, [box.element_handle(), last.element_handle()])
    box.evaluate("(b) => { b.scrollTop = 0; }")
    page.wait_for_timeout(100)
    box.locator(".sv-chip").first.focus()
    page.keyboard.press("End")
    page.wait_for_timeout(300)
    assert page.evaluate("document.activeElement.textContent.startsWith('</s>')")
    assert page.evaluate(INSIDE, [box.element_handle(), last.element_handle()])
    # the estimate against every chip laid out: it was 1.5 times the height (padding counted twice)
    page.add_style_tag(content=".sv-chips.sv-scroll > .sv-chip { content-visibility: visible !important; }")
    page.wait_for_timeout(200)
    real = box.evaluate("(b) => b.scrollHeight")
    assert 0.9 < guessed / real < 1.1, (guessed, real)


def test_a_long_token_is_cut_between_characters_as_drawn_not_inside_one(open_page):
    """Cut by code points, a token of family emoji kept a lone joiner (drawn \\u200d) and flags a lone letter."""
    page = open_page("/?lang=en")
    run_pipeline(page, "👨‍👩‍👧" * 30 + " " + "🇰🇷" * 50, model="whitespace")
    drawn = page.locator("#v-tokens .sv-chips").first.locator(".sv-chip bdi").all_inner_texts()
    flags = next(d for d in drawn if "🇰🇷" in d)
    assert flags == "🇰🇷" * 20 + "…", flags
    family = next(d for d in drawn if "👨" in d)
    assert family.endswith("👧…"), family  # whole families only, each drawn with its two escaped joiners
