"""Shared web fixtures: one app under TestClient, one real server and one headless chromium for the whole session.

The word vectors of the analogy panel are built once with a small vocabulary (3,000 Korean and
300 English words; cached in the session's SEQLAB_HOME), so no test waits for the full build.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import re
import socket
import threading
import time

import pytest

SMALL = {"wordvec_korean": 3000, "wordvec_english": 300}


def in_own_loop(coroutine):
    """The coroutine run to its end by ``asyncio.run`` on a thread of its own: Playwright's sync API leaves its loop
    running on the main thread of a worker that ran the browser tests first, and asyncio.run refuses to start there."""
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def make_app(**config):
    from seqlab.web.app import create_app
    from seqlab.web.service import ServeConfig

    app = create_app(ServeConfig(**{**SMALL, "allow_hosts": ("testserver",), **config}), warm=False)
    app.state.service._build_wordvectors()  # now, not in a background thread the test would outlive
    return app


def unshared(app):
    """Every request computes its own answer: no kept answers, no joining one in flight (web.answers). For tests of
    what concurrent computations do (locks, batching), which identical requests would otherwise skip."""
    app.state.shared.kept = lambda key: None
    app.state.shared.running = lambda key: None
    return app


@pytest.fixture(scope="session")
def client():
    from fastapi.testclient import TestClient

    with TestClient(make_app()) as c:
        yield c


@pytest.fixture(scope="session")
def server():
    """A real uvicorn server on a free loopback port (sockets: urllib, HEAD, the browser)."""
    import uvicorn

    port = free_port()
    app = make_app(port=port)
    srv = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    deadline = time.time() + 120
    while not srv.started and time.time() < deadline:
        time.sleep(0.1)
    yield f"http://127.0.0.1:{port}"
    srv.should_exit = True
    thread.join(timeout=10)


@pytest.fixture(scope="session")
def browser(chromium):
    return chromium


@pytest.fixture
def open_page(server, browser):
    """``open_page("/?lang=en", width=1200)`` -> a ready page (pipeline run once); JS errors fail the test."""
    contexts, errors = [], []

    def open_(path: str = "/?lang=en", width: int = 1200, height: int = 900, ready: bool = True, **context):
        ctx = browser.new_context(viewport={"width": width, "height": height}, **context)
        contexts.append(ctx)
        page = ctx.new_page()
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.goto(server + path)
        if ready:
            page.wait_for_selector("body[data-ready='1']", timeout=120_000)
        return page

    yield open_
    for ctx in contexts:
        ctx.close()
    assert errors == [], errors


def page_with_wordvector_status(server, browser, status: dict):
    """(context, page): the page opened in English with its word-vector status polls answered by ``status``."""
    ctx = browser.new_context()
    page = ctx.new_page()
    fake_wordvector_status(page, status)
    page.goto(server + "/?lang=en")
    return ctx, page


def fake_wordvector_status(page, status: dict) -> None:
    """Answer the page's word-vector status polls with ``status`` (mutate the dict to change the answer)."""
    import json

    page.route("**/api/wordvectors*", lambda route: route.fulfill(status=200, content_type="application/json",
                                                                  body=json.dumps(status)))


def idle(page, timeout: int = 60_000) -> None:
    """Wait until no panel is busy and Run is enabled again."""
    page.wait_for_function("!document.querySelector('#run').disabled && "
                           "!document.querySelector('[aria-busy=\"true\"]:not(#p-words)')", timeout=timeout)


def run_pipeline(page, text: str | None = None, model: str | None = None) -> None:
    """Choose ``model`` and type ``text`` (each when given), press Run, and wait until the page is idle."""
    if model is not None:
        page.select_option("#model", model)
    if text is not None:
        page.fill("#text", text)
    page.click("#run")
    idle(page)


# words of four or more Latin letters that may appear on the Korean page: identifiers, model and unit names
ALLOWED = {"seqlab", "json", "html", "lstm", "rnn", "gru", "bptt", "tanh", "kiwi", "char", "whitespace", "minilm",
           "english", "morpheme", "docs", "redoc", "openapi", "small", "mean", "pooling", "query", "passage",
           "attention", "nanumgothic", "torch", "cosine", "unicode", "wordfreq",
           "bias"}  # the trace's row key (step["bias"], in code type beside its Korean name 편향), as x_proj and pre_f


def english_words(text: str) -> list[str]:
    """Latin words of four or more letters that are not identifiers (W_xh, last_hidden_state, e5-small) or names."""
    found = []
    for m in re.finditer(r"[A-Za-z][A-Za-z']{3,}", text):
        a, b = m.span()
        before, after = text[a - 1: a] if a else "", text[b: b + 1]
        if (before and before in "_./-\\@=<`0123456789#") or (after and after in "_./(-=>`[0123456789"):
            continue
        word = m.group(0)
        if word.lower() in ALLOWED or word.isupper():
            continue
        found.append(word)
    return found
