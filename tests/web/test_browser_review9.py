"""The page tried again as a Korean teacher would: each test failed before its fix."""

from tests.web.conftest import idle, run_pipeline


def solve(page, expression: str) -> str:
    """Type ``expression`` in the analogy box, press Solve once the word vectors are ready, and return the table's
    panel text."""
    page.wait_for_function("!document.querySelector('#analogy').disabled", timeout=120_000)
    page.fill("#expr", expression)
    page.click("#analogy")
    page.wait_for_selector("#v-words table")
    return page.inner_text("#v-words")


def test_an_edited_analogy_drops_the_old_table(open_page):
    """Editing the analogy box kept the table of the old expression, with no word, unlike every other panel."""
    page = open_page()
    solve(page, "아버지 - 남자 + 여자")
    page.fill("#nword", "영화")  # the other box: the analogy's table still answers its own words
    assert page.locator("#v-words table").count() == 1
    page.fill("#expr", "왕 - 남자 + 여자")
    assert page.locator("#v-words table").count() == 0
    assert "The words changed: press Solve" in page.inner_text("#p-words .state")


def test_words_edited_while_their_answer_is_on_its_way_are_not_answered_with_the_old_ones(open_page):
    """The first neighbours asked for, with the box edited before the answer came, drew "neighbours of 영화" under
    the box's 음악, without a word (the panel's words were only tied to its box once a first answer was shown)."""
    page = open_page()
    page.wait_for_function("!document.querySelector('#neighbors').disabled", timeout=120_000)
    page.evaluate("""() => { const f = window.fetch; window.fetch = async (u, o) => { const r = await f(u, o);
        if (String(u).includes("/api/neighbors")) await new Promise((s) => setTimeout(s, 1500)); return r; }; }""")
    page.fill("#nword", "영화")
    page.click("#neighbors")
    page.wait_for_timeout(200)
    page.fill("#nword", "음악")
    page.wait_for_function("!document.querySelector('#neighbors').disabled", timeout=60_000)  # the answer came
    assert page.locator("#v-words table").count() == 0, page.inner_text("#v-words")
    assert "The words changed: press" in page.inner_text("#p-words .state")


def test_the_char_tokenizers_space_is_not_called_sentencepiece(open_page):
    page = open_page()
    run_pipeline(page, "영화 좋다", model="char")
    said = page.inner_text("#v-tokens")
    assert "SentencePiece" not in said and "▁ is a run of whitespace" in said
    run_pipeline(page, model="e5-small")
    assert "SentencePiece" in page.inner_text("#v-tokens")


def test_a_text_of_invisible_characters_is_not_called_empty(open_page):
    page = open_page()
    run_pipeline(page, "\u3164\u200b")
    said = page.inner_text("#text-error")
    assert "no character that shows" in said and "is empty" not in said
    page.fill("#text", "")
    page.click("#run")
    assert "The text is empty" in page.inner_text("#text-error")


def test_the_trained_models_trace_sends_none_of_the_pages_sizes(browser, tmp_path, nsmc_rows):
    """With "use the trained model" ticked, the page sent its model, hidden size and seed, which the server ignored in
    silence; a model without vectors (kiwi) turned the trace off although the trained model has its own embedding."""
    import json
    import threading
    import time

    import uvicorn

    from seqlab.cli import main
    from tests.web.conftest import free_port, make_app

    data, out = tmp_path / "d.tsv", tmp_path / "run"
    data.write_text("id\tdocument\tlabel\n" + "\n".join("\t".join(r) for r in nsmc_rows[:300]) + "\n", encoding="utf-8")
    assert main(["train", "--data", str(data), "--model", "lstm", "--out", str(out), "--tokenizer", "char",
                 "--embedding", "random", "--embed-dim", "8", "--hidden", "3", "--epochs", "1", "--json"]) == 0
    port = free_port()
    srv = uvicorn.Server(uvicorn.Config(make_app(port=port, checkpoint=out), host="127.0.0.1", port=port,
                                        log_level="warning"))
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    while not srv.started:
        time.sleep(0.1)
    ctx = browser.new_context()
    try:
        page = ctx.new_page()
        sent = []
        page.on("request", lambda r: sent.append(json.loads(r.post_data)) if "/api/trace?" in r.url else None)
        page.goto(f"http://127.0.0.1:{port}/?lang=en")
        page.wait_for_selector("body[data-ready='1']", timeout=120_000)
        page.select_option("#model", "kiwi")
        page.check("#useckpt")
        assert page.is_disabled("#hidden") and page.is_disabled("#seed") and page.is_disabled("#byhand")
        assert page.is_enabled("#trace")
        sent.clear()
        page.click("#trace")
        idle(page)
        assert sent == [{"text": page.input_value("#text"), "cell": "lstm", "backward": True, "checkpoint": True}]
        said = page.inner_text("#v-trace")
        assert "W_hh [12×3]" in said and "trained model's own embedding" in said  # its hidden size 3, not the box's 4
        page.uncheck("#useckpt")
        assert page.is_enabled("#seed") and page.is_disabled("#trace")  # kiwi has no vectors of its own
    finally:
        ctx.close()
        srv.should_exit = True
        thread.join(timeout=10)


def test_one_word_in_the_analogy_box_is_said_to_be_no_analogy(open_page):
    """The command line says "one word, not an analogy"; the page showed neighbours as if they were an answer."""
    page = open_page()
    assert "영화 is one word, not an analogy" in solve(page, "영화")
    assert "not an analogy" not in solve(page, "왕 - 남자 + 여자")
