"""The page in a real browser, eighth round: the outline a screen reader walks.

Each test names the defects it guards against; each failed on the page before its fix.
"""

import itertools

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
