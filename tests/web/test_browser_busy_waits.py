"""The page waits as long as a busy server really asks: the body's ``retry_after_s`` (tenths of a second), not the
header's whole seconds. A class pressing Run together was turned away and made to wait a whole second or more for
turns that free in a tenth."""

import json

from tests.web.conftest import idle


def test_the_page_waits_the_finer_time_the_body_gives(open_page):
    page = open_page()
    seen = []

    def handle(route):  # the header alone (60 s, the page's whole patience) would make the page give up at once
        seen.append(route.request.url)
        if len(seen) <= 2:
            route.fulfill(status=503, headers={"Retry-After": "60"}, content_type="application/json",
                          body=json.dumps({"error": "the server is busy with other encoder requests",
                                           "hint": "Try again in 60 s.", "retry_after_s": 0.3}))
        else:
            route.continue_()

    page.route("**/api/embed*", handle)
    page.fill("#text", "잠깐 기다리면 됩니다")
    page.click("#run")
    idle(page, timeout=30_000)
    assert len(seen) == 3  # two turned away, the third answered
    assert page.inner_text("#p-vectors .error") == "" and "last_hidden_state" in page.inner_text("#v-vectors")
