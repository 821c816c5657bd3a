"""The page in a real browser (Debian's chromium, headless, driven by Playwright)."""

import shutil
import socket
import threading
import time

import pytest

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server():
    import uvicorn

    from seqlab.web.app import create_app
    from seqlab.web.service import ServeConfig

    port = free_port()
    app = create_app(ServeConfig(port=port, wordvec_korean=2000, wordvec_english=200), warm=False)
    app.state.service._build_wordvectors()  # now, not in a background thread the test would outlive
    srv = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    deadline = time.time() + 60
    while not srv.started and time.time() < deadline:
        time.sleep(0.1)
    yield f"http://127.0.0.1:{port}"
    srv.should_exit = True
    thread.join(timeout=10)


@pytest.fixture(scope="module")
def browser():
    if not shutil.which("chromium") and not shutil.os.path.exists(CHROMIUM):
        pytest.skip("Debian's chromium is not installed (.ci/run installs it)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        yield b
        b.close()


def test_type_korean_see_tokens_move_the_slider(server, browser, tmp_path):
    page = browser.new_page(viewport={"width": 1200, "height": 1600})
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(server + "/")
    page.wait_for_selector("body[data-ready='1']", timeout=120_000)
    page.fill("#text", "영화가 정말 재밌었어요")
    page.click("#run")
    page.wait_for_function("document.querySelector('#tokens').innerText.includes('▁영화')", timeout=60_000)
    assert "▁영화" in page.inner_text("#tokens")
    page.hover("#tokens .chip:nth-child(2)")
    assert page.locator("#original span.hl").count() >= 2  # the token's span lights up in the original
    page.wait_for_function("document.querySelector('#slider').max > 2", timeout=60_000)
    first = page.inner_text("#steptable")
    page.fill("#slider", "3")
    page.wait_for_function("document.querySelector('#steplabel').innerText.startsWith('t = 3')")
    assert page.inner_text("#steptable") != first
    assert page.evaluate("document.fonts.ready.then(() => document.fonts.check('16px NanumGothicLocal'))")
    shot = tmp_path / "page.png"
    page.screenshot(path=str(shot), full_page=True)
    assert shot.stat().st_size > 50_000 and not errors
    # nothing was fetched from anywhere but this server
    urls = page.evaluate("performance.getEntriesByType('resource').map(e => e.name)")
    assert all(u.startswith(server) for u in urls)
