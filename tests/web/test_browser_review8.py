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
