"""The page tried again as a Korean teacher would: each test failed before its fix."""

from tests.web.conftest import idle, run_pipeline


def test_an_edited_analogy_drops_the_old_table(open_page):
    """Editing the analogy box kept the table of the old expression, with no word, unlike every other panel."""
    page = open_page()
    page.wait_for_function("!document.querySelector('#analogy').disabled", timeout=120_000)
    page.fill("#expr", "아버지 - 남자 + 여자")
    page.click("#analogy")
    page.wait_for_selector("#v-words table")
    page.fill("#nword", "영화")  # the other box: the analogy's table still answers its own words
    assert page.locator("#v-words table").count() == 1
    page.fill("#expr", "왕 - 남자 + 여자")
    assert page.locator("#v-words table").count() == 0
    assert "The words changed: press Solve" in page.inner_text("#p-words .state")


def test_the_char_tokenizers_space_is_not_called_sentencepiece(open_page):
    page = open_page()
    run_pipeline(page, "영화 좋다", model="char")
    said = page.inner_text("#v-tokens")
    assert "SentencePiece" not in said and "▁ is a run of whitespace" in said
    run_pipeline(page, model="e5-small")
    assert "SentencePiece" in page.inner_text("#v-tokens")


def test_a_text_of_invisible_characters_is_not_called_empty(open_page):
    page = open_page()
    page.fill("#text", "\u3164\u200b")
    page.click("#run")
    idle(page)
    said = page.inner_text("#text-error")
    assert "no character that shows" in said and "is empty" not in said
    page.fill("#text", "")
    page.click("#run")
    assert "The text is empty" in page.inner_text("#text-error")
