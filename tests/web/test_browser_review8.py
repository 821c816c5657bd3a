"""The page in a real browser, eighth round: the outline a screen reader walks, narrow screens, links that carry a
lesson, snapshots, glossary terms and exports.

Each test names the defects it guards against; each failed on the page before its fix.
"""

import itertools
import json
import unicodedata

from tests.web.conftest import idle, run_pipeline

OUTLINE = """(root) => Array.from(root.querySelectorAll('h1, h2, h3, h4, h5, h6'))
  .filter((h) => h.getClientRects().length)
  .map((h) => [Number(h.tagName[1]), h.textContent.trim().slice(0, 40)])"""


def jumps(outline: list) -> list:
    """Headings more than one level below the one before them (h2 -> h4): a screen reader's outline skips a level."""
    return [(a, b) for a, b in itertools.pairwise(outline) if b[0] > a[0] + 1]


def test_view_headings_sit_one_level_below_their_panel(open_page):
    """The views' own headings were always h4: "Kiwi morphemes" and the attention row under the panels' h2 made
    jumps from h2 to h4. They now sit one level below the heading they are under (h3 in a panel, h4 under the
    tokenizer comparison's h3, h2 in an exported snapshot under its h1)."""
    page = open_page()
    run_pipeline(page, "영화가 정말 재밌었어요", model="e5-small")
    page.click("#attn")
    page.wait_for_selector("#v-attention canvas")
    page.select_option("#v-attention .sv-rowselect", "2")
    page.wait_for_selector("#v-attention .sv-rowdetail li")
    idle(page)
    outline = page.evaluate(OUTLINE, page.locator("body").element_handle())
    levels = {text: level for level, text in outline}
    assert page.locator("#v-tokens h3").count() == 1, outline  # Kiwi morphemes, under the token panel's h2
    assert page.inner_text("#v-attention .sv-rowdetail h3").startswith("row 2")
    assert levels and not jumps(outline), jumps(outline)
    assert page.locator("#v-compare .sv-compare-row h4").count() >= 3  # under the comparison's own h3

    snap = page.context.new_page()
    snap.set_content(page.evaluate("window.seqlabPage.snapshotHtml('p-attention')"))
    shown = snap.evaluate(OUTLINE, snap.locator("body").element_handle())
    assert shown[0][0] == 1 and not jumps(shown), shown
    snap.close()


def test_a_long_attention_map_numbers_its_columns_as_its_rows(open_page):
    """At 100+ tokens the rotated column names are written for every few columns only, and, unlike the rows, said
    nothing of which column each one was: "▁영화" could be column 3 or 63."""
    page = open_page()
    page.add_init_script("""(() => {
      window.drawn = [];
      const fill = CanvasRenderingContext2D.prototype.fillText;
      CanvasRenderingContext2D.prototype.fillText = function (text, ...rest) {
        window.drawn.push(String(text)); return fill.call(this, text, ...rest); };
    })()""")
    page.reload()
    run_pipeline(page, "영화가 정말 재밌었어요 배우들의 연기가 훌륭했고 " * 12, model="e5-small")
    page.evaluate("window.drawn = []")
    page.click("#attn")
    page.wait_for_selector("#v-attention canvas")
    idle(page)
    canvas = page.locator("#v-attention canvas").first
    tokens = int(page.evaluate("(c) => c.dataset.rowLabels", canvas.element_handle()))
    shown = int(page.evaluate("(c) => c.dataset.colLabels", canvas.element_handle()))
    assert 0 < shown < 100 and tokens < 100, (shown, tokens)  # long: every few columns (and rows) are written
    drawn = page.evaluate("window.drawn")
    numbered = [d for d in drawn if d.split(" ")[0].isdigit() and len(d.split(" ", 1)) == 2]
    # every written row label and every written column label says its number: rows and columns alike
    assert len(numbered) >= tokens + shown, (len(numbered), tokens, shown, drawn[:20])


ONE_LINE = """(nodes) => nodes.filter((n) => {
  const range = document.createRange();
  range.selectNodeContents(n);
  return new Set(Array.from(range.getClientRects()).map((r) => Math.round(r.top))).size > 1;
}).map((n) => n.textContent)"""


def test_numbers_never_break_inside_on_a_narrow_screen(open_page):
    """At 320 px (a small phone, or 400 % zoom) every cell of stage 5's weight tables wrapped inside its number
    ("-0.191" / "8"), and the gradient list read "2.66e-" / "23배입니다". A table now scrolls in its own box."""
    page = open_page("/?lang=ko", width=320, height=700)
    page.click("#trace")
    idle(page)
    page.click("#gradflow")
    page.wait_for_selector("#v-gradflow .sv-list li")
    cells = page.locator("#v-trace td.sv-num")
    assert cells.count() > 20
    assert page.evaluate(ONE_LINE, cells.element_handles()) == []
    numbers = page.locator("#v-gradflow .sv-list .sv-nb")
    assert numbers.count() >= 6 and page.evaluate(ONE_LINE, numbers.element_handles()) == []
    assert any("e-" in n for n in numbers.all_inner_texts())
    assert page.evaluate("document.scrollingElement.scrollWidth <= window.innerWidth")  # no page-wide scroll


def test_a_link_carries_the_lesson_to_another_tab_or_phone(open_page, browser, server):
    """Only lang and present were ever in the address; the inputs lived in one tab's sessionStorage, so a link
    opened in a new tab or on a student's phone showed the sample sentence."""
    page = open_page("/?lang=ko")
    page.fill("#text", "나는 학교에 간다")
    page.fill("#second", "너는 집에 간다")
    page.select_option("#cell", "gru")
    page.fill("#expr", "왕 - 남자 + 여자")
    page.wait_for_function("location.hash.includes('expr=')")  # written once typing pauses
    page.keyboard.press("Shift+Tab")  # to the skip link: it moves focus, and the address keeps the lesson
    page.focus("a.skip")
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "stages" and "expr=" in page.evaluate("location.hash")
    url = page.evaluate("location.href")  # (Playwright's page.url may lag behind history.replaceState)
    assert "#" in url and "?lang=ko" in url
    other = browser.new_context(viewport={"width": 390, "height": 844})  # no storage shared with the first tab
    try:
        phone = other.new_page()
        phone.goto(url)
        phone.wait_for_selector("body[data-ready='1']", timeout=120_000)
        assert phone.input_value("#text") == "나는 학교에 간다" and phone.input_value("#second") == "너는 집에 간다"
        assert phone.input_value("#cell") == "gru" and phone.input_value("#expr") == "왕 - 남자 + 여자"
        assert phone.input_value("#hidden") == "4"  # what the link did not carry is the page's own
        assert phone.get_attribute("#lang-en", "href").endswith(url[url.index("#"):])  # the other language keeps it
    finally:
        other.close()
    page.fill("#text", "마지막 문장")  # and a reload right after typing keeps the last edit, address or not
    page.reload()
    page.wait_for_selector("body[data-ready='1']", timeout=120_000)
    assert page.input_value("#text") == "마지막 문장" and page.input_value("#cell") == "gru"
    plain = open_page("/?lang=ko")  # the page's own inputs make no fragment
    assert "#" not in plain.evaluate("location.href")


def test_a_snapshot_keeps_each_parts_heading_and_its_own_inputs(open_page):
    """The snapshot dropped the sub-headings (the tokenizer comparison, the cosine, the dW table), and stage 6 listed
    the chart's settings and the trace's as one set, though the chart takes no text."""
    page = open_page()
    page.click("#gradflow")
    page.wait_for_selector("#v-gradflow .sv-list li")
    idle(page)
    snap = page.context.new_page()
    snap.set_content(page.evaluate("window.seqlabPage.snapshotHtml('p-tokens')"))
    assert page.inner_text("#h-compare") in snap.locator("h2").all_inner_texts()
    snap.set_content(page.evaluate("window.seqlabPage.snapshotHtml('p-backward')"))
    lists = snap.locator("dl.sv-pairs").all_inner_texts()
    assert len(lists) == 2 and "text" not in lists[0] and "steps" in lists[0] and "cell" in lists[1], lists
    assert snap.locator("h2").all_inner_texts() == [page.inner_text("#h-dw")]
    assert "above" not in page.inner_text("#h-dw")  # the snapshot holds no trace "above" it: the stage is named
    snap.close()


def test_glossary_terms_show_their_definition_on_focus_and_tap(open_page):
    """A term was a tab stop whose definition was only in title: keyboard focus and a tap on a phone showed nothing."""
    page = open_page(width=390, height=844, has_touch=True)
    page.click("#sim")
    page.wait_for_selector("#v-sim abbr.sv-term")
    term = page.locator("#v-sim abbr.sv-term").first
    shown = "(t) => getComputedStyle(t, '::after').content"
    assert term.evaluate(shown) in ("none", "normal", "")
    term.tap()
    assert term.get_attribute("title") in term.evaluate(shown)


def test_one_word_length_and_an_honest_counter(open_page, client):
    """The page allowed 100 characters in the word field, the server 50; NFD Hangul counted 22 "characters" for
    9 syllables."""
    assert client.get("/api/models").json()["max_word"] == 50
    page = open_page()
    page.fill("#text", unicodedata.normalize("NFD", "한국어 문장입니다"))
    said = page.inner_text("#counter")
    assert said.startswith("22 / 2,000 code points") and "8 letters as shown, not counting spaces" in said, said
    page.fill("#text", "한국어 문장입니다")
    assert page.inner_text("#counter").startswith("9 / 2,000 characters")


def test_the_integer_encoding_example_is_a_token_with_text(open_page):
    """For "ㅋㅋㅋ ㅠㅠ ㅎㅎ" the example was "▁ → 6", the bare space piece."""
    page = open_page()
    run_pipeline(page, "ㅋㅋ ㅋ ㅠㅠ", model="e5-small")
    said = page.inner_text("#v-ids .sv-note")
    example = said.split(": ", 1)[1]
    assert not example.startswith("▁ →") and "→" in example, said


def test_every_focus_ring_is_the_pages_and_exports_of_defaults_are_data(open_page):
    """The "all weights" summary had the browser's thin ring; the export said "fbias": "" for torch's default, a
    chosen forget bias of 0 was listed as "torch's default", and the words panel exported "inputs": {}."""
    page = open_page()
    page.click("#attn")
    page.wait_for_selector("#v-attention canvas")
    page.select_option("#v-attention .sv-rowselect", "1")
    summary = page.locator("#v-attention details summary").first
    summary.focus()
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Tab")
    assert summary.evaluate("(s) => getComputedStyle(s).outlineWidth") == "3px"
    page.click("#gradflow")
    page.wait_for_selector("#v-gradflow .sv-list li")
    idle(page)
    with page.expect_download() as download:
        page.click("#p-backward > .export a:text('JSON')")
    exported = json.loads(download.value.path().read_text(encoding="utf-8"))
    assert exported["inputs"]["fbias"] is None and "cell" not in exported["inputs"]  # the chart's own inputs
    assert exported["backward_inputs"]["cell"] == "lstm"  # the dW table's: the trace's, apart, as in the snapshot
    page.select_option("#fbias", "0")
    page.click("#gradflow")
    page.wait_for_function("document.querySelector('#v-gradflow .sv-list li')")
    idle(page)
    snap = page.context.new_page()
    snap.set_content(page.evaluate("window.seqlabPage.snapshotHtml('p-backward')"))
    assert "default" not in snap.locator("dl.sv-pairs").first.inner_text()
    snap.close()
    page.wait_for_function("!document.querySelector('#neighbors').disabled", timeout=60_000)
    page.fill("#nword", "영화")
    page.click("#neighbors")
    page.wait_for_selector("#v-words table")
    with page.expect_download() as download:
        page.click("#p-words > .export a:text('JSON')")
    assert json.loads(download.value.path().read_text(encoding="utf-8"))["inputs"] == {"nword": "영화"}
