"""The page in a real browser, seventh round: what a screen reader hears, number fields, a phone held up in class,
and what the exports say.

Each test names the defects it guards against; each failed on the page before its fix.
"""

import itertools
import json
import re

from tests.web.conftest import idle, run_pipeline

LONG = "영화가 정말 재밌었어요 배우들의 연기가 훌륭했고 음악도 좋았습니다 " * 40


def test_the_busy_line_is_announced_when_it_changes_not_every_quarter_second(open_page):
    """The live region held the ticking seconds: "Working: the pipeline (0.0 s)", "(0.3 s)", "(0.8 s)" … each one
    a new announcement for a screen reader."""
    page = open_page()
    page.evaluate("""() => {
      window.heard = [];
      for (const live of document.querySelectorAll('header [aria-live]'))
        new MutationObserver(() => window.heard.push(live.textContent)).observe(live,
          { childList: true, characterData: true, subtree: true });
    }""")
    page.fill("#text", LONG[:1900])
    page.click("#run")
    idle(page)
    page.wait_for_timeout(300)
    heard = [h for h in page.evaluate("window.heard") if h]
    assert heard and heard[-1].startswith("Done in"), heard
    words = [re.sub(r"[\d.]+", "#", h) for h in heard]  # the same words with other seconds: said again
    assert all(a != b for a, b in itertools.pairwise(words)), heard
    assert page.inner_text("#busy").startswith("Done in")


def test_a_number_field_holding_letters_is_not_called_empty(open_page):
    """Typing "e" (or "1e", "-") in the hidden size said "the hidden size is empty": Chromium reports "" for text
    that is not a number."""
    page = open_page()
    page.click("#hidden", click_count=3)
    page.keyboard.type("e")
    page.click("#trace")
    said = page.inner_text("#p-trace .error")
    assert "is not a number" in said and "is empty" not in said, said
    page.fill("#hidden", "")
    page.click("#trace")
    assert "is empty" in page.inner_text("#p-trace .error")


def test_korean_is_marked_as_korean_in_the_english_interface(open_page):
    """Only <html lang=en> and the language links carried a lang: a screen reader read the sample text, the token
    chips and the nearest words with its English voice."""
    page = open_page("/?lang=en")
    assert page.get_attribute("#text", "lang") == "ko" and page.get_attribute("#expr", "lang") == "ko"
    chips = page.locator("#v-tokens .sv-chip bdi")
    langs = [chips.nth(i).get_attribute("lang") for i in range(chips.count())]
    texts = chips.all_inner_texts()
    assert all((lang == "ko") == bool(re.search("[가-힣]", text)) for lang, text in zip(langs, texts)), (texts, langs)
    page.fill("#text", "plain English only")
    page.dispatch_event("#text", "input")
    assert page.get_attribute("#text", "lang") is None  # the page's own language again


def test_the_forget_bias_list_shows_its_choice_whole_on_a_phone_in_presentation_mode(open_page):
    """At 390×844 with ?present=1 the list read "torch 기본값 (0 근처의 무…"."""
    page = open_page("/?lang=ko&present=1", width=390, height=844, has_touch=True, is_mobile=True)
    stage = page.evaluate("""() => [...document.querySelectorAll('main > .panel')].filter((p) => !p.hidden)
      .findIndex((p) => p.contains(document.querySelector('#fbias')))""")
    for _ in range(stage):
        page.click("#stage-next")
    assert page.is_visible("#fbias")
    fits = page.evaluate("""() => {
      const s = document.querySelector('#fbias'), cs = getComputedStyle(s);
      const ctx = document.createElement('canvas').getContext('2d');
      ctx.font = `${cs.fontWeight} ${cs.fontSize} ${cs.fontFamily}`;
      const longest = Math.max(...[...s.options].map((o) => ctx.measureText(o.textContent).width));
      const room = s.clientWidth - parseFloat(cs.paddingLeft) - parseFloat(cs.paddingRight);
      return [longest, room];
    }""")
    assert fits[0] <= fits[1], fits
    assert page.evaluate("document.documentElement.scrollWidth") <= 390


def test_the_json_export_is_data_and_its_links_are_told_apart(open_page):
    """The Korean page's trace export said {"hidden": "4", "byhand": "아니요"}: numbers as strings, yes/no in the
    interface language, so one run gave two JSONs. Eight "JSON" links read alike in a screen reader's list."""
    page = open_page("/?lang=ko")
    page.fill("#hidden", "3")
    page.fill("#seed", "7")
    page.click("#trace")
    idle(page)
    with page.expect_download() as download:
        page.click("#p-trace > .export a:text('JSON')")
    inputs = json.loads(download.value.path().read_text(encoding="utf-8"))["inputs"]
    assert inputs["hidden"] == 3 and inputs["seed"] == 7 and inputs["byhand"] is False and inputs["cell"] == "lstm"
    labels = page.locator(".export a").evaluate_all("as => as.map((a) => a.getAttribute('aria-label'))")
    assert len(labels) >= 2 and len(set(labels)) == len(labels) and all(labels), labels
    snap = page.context.new_page()  # the snapshot still lists them as the reader set them
    snap.set_content(page.evaluate("window.seqlabPage.snapshotHtml('p-trace')"))
    assert "LSTM" in snap.inner_text("dl.sv-pairs") and "아니요" in snap.inner_text("dl.sv-pairs")
    snap.close()


def test_a_matrix_caption_never_breaks_inside_its_formula(open_page):
    """"b = b_ih +" / "b_hh [16]" and "W_xh (torch: W_ih)" / "[8×2]" broke over two lines; torch has no W_ih."""
    page = open_page(width=390, height=844, has_touch=True, is_mobile=True)
    page.check("#byhand")
    page.click("#trace")
    idle(page)
    lines = page.evaluate("""() => [...document.querySelectorAll('#v-trace .sv-matrix caption')].map((cap) => {
      // the lines each piece (the name, then its [shape]) is drawn on, from a Range over its characters
      const nodes = [], walk = document.createTreeWalker(cap, NodeFilter.SHOW_TEXT);
      while (walk.nextNode()) nodes.push(walk.currentNode);
      const text = nodes.map((n) => n.data).join(""), cut = text.lastIndexOf(" [");
      const at = (i) => { for (const n of nodes) { if (i <= n.data.length) return [n, i]; i -= n.data.length; } };
      const tops = (a, b) => { const r = document.createRange(); r.setStart(...at(a)); r.setEnd(...at(b));
        return new Set([...r.getClientRects()].filter((x) => x.width > 0).map((x) => Math.round(x.top))).size; };
      return [text, tops(0, cut), tops(cut + 1, text.length)];
    })""")
    assert len(lines) >= 2
    for text, name_lines, shape_lines in lines:
        assert name_lines == 1 and shape_lines == 1, (text, name_lines, shape_lines)
    assert "W_xh (torch: weight_ih_l0)" in page.inner_text("#v-trace")


def test_kiwis_tokens_are_morphemes_on_the_page_too(open_page):
    """The token legend said "subword continuation" for Kiwi's 하/XSA, as for e5-small's pieces."""
    page = open_page()
    run_pipeline(page, "안녕하세요", "kiwi")
    legend = page.inner_text("#v-tokens .sv-legend")
    assert "next morpheme of the word" in legend and "subword" not in legend, legend
    run_pipeline(page, model="e5-small")
    assert "subword continuation" in page.inner_text("#v-tokens .sv-legend")


def test_the_tokenizer_comparison_names_each_rows_tokens_and_the_word_vocabularys_source(open_page):
    """Side by side, Kiwi's chips read "subword continuation", and whitespace's [UNK]s (좋다 is not in its default
    vocabulary of morphemes) came with no word on where that vocabulary comes from."""
    page = open_page()
    run_pipeline(page, "영화가 정말 좋다")
    rows = page.locator("#v-compare .sv-compare-row")
    said = {rows.nth(i).locator("h4").inner_text().split()[0]: rows.nth(i) for i in range(rows.count())}
    assert "wordfreq's Korean list" in said["whitespace"].inner_text()
    assert "wordfreq" not in said["kiwi"].inner_text()
    kiwi = said["kiwi"].locator(".sv-chip").nth(1).get_attribute("data-describe")
    assert "next morpheme of the word" in kiwi, kiwi
