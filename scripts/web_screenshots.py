"""Screenshots of the web page for the README: desktop (1280x900) and phone (390x844), real Korean input.

    .venv/bin/python scripts/web_screenshots.py [--out docs/img] [--lang ko]

Starts the app on a free loopback port (word vectors warmed with a small vocabulary), opens
the page in Debian's chromium through Playwright, runs the pipeline on a Korean sentence and
saves ``web-desktop.png`` (stages 1 to 4) and ``web-phone.png`` (one phone screen from stage 2).
"""

from __future__ import annotations

import argparse
import shutil
import socket
import threading
import time
from pathlib import Path

TEXT = "안녕하세요, 오늘 날씨가 정말 좋네요"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def serve():
    import uvicorn

    from seqlab.web.app import create_app
    from seqlab.web.service import ServeConfig

    port = free_port()
    app = create_app(ServeConfig(port=port, wordvec_korean=3000, wordvec_english=300), warm=False)
    app.state.service._build_wordvectors()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    threading.Thread(target=server.run, daemon=True).start()
    while not server.started:
        time.sleep(0.1)
    return server, f"http://127.0.0.1:{port}"


def shoot(browser, url: str, out: Path, width: int, height: int, lang: str, clip_to: str | None = None,
          start_at: str | None = None) -> None:
    page = browser.new_page(viewport={"width": width, "height": height}, device_scale_factor=1)
    page.goto(f"{url}/?lang={lang}")
    page.wait_for_selector("body[data-ready='1']", timeout=180_000)
    page.fill("#text", TEXT)
    page.click("#run")
    page.wait_for_function("!document.querySelector('#run').disabled", timeout=180_000)
    page.click("#analogy")
    page.wait_for_selector("#v-words table", timeout=60_000)
    page.focus("#v-tokens .sv-chip:nth-child(5)")
    page.evaluate("document.fonts.ready")
    page.evaluate("window.scrollTo(0, 0)")
    time.sleep(0.3)
    top = 0
    if start_at:  # a phone's screenful that starts at this panel
        top = page.evaluate(f"document.querySelector('{start_at}').getBoundingClientRect().top + window.scrollY - 8")
    bottom = top + height
    if clip_to:
        bottom = page.evaluate(f"document.querySelector('{clip_to}').getBoundingClientRect().bottom + window.scrollY + 12")
    page.screenshot(path=str(out), clip={"x": 0, "y": top, "width": width, "height": bottom - top}, full_page=True)
    page.close()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", default="docs/img")
    parser.add_argument("--lang", default="ko")
    args = parser.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    from playwright.sync_api import sync_playwright

    server, url = serve()
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=["--no-sandbox", "--disable-gpu"])
            shoot(browser, url, out / "web-desktop.png", 1280, 900, args.lang, clip_to="#p-vectors")
            shoot(browser, url, out / "web-phone.png", 390, 844, args.lang, start_at="#p-tokens")
            browser.close()
    finally:
        server.should_exit = True
    print(f"wrote {out / 'web-desktop.png'} and {out / 'web-phone.png'}")


if __name__ == "__main__":
    main()
