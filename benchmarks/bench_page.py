"""How long the page stops answering while it draws a long text: the browser's long tasks after one Run.

    python benchmarks/bench_page.py [--port 8797]

Starts ``seqlab serve`` (its own process, as a user runs it), opens the page in Debian's
Chromium through Playwright at 1280x800, and for each text (2,000 emoji; 2,000 characters of
Korean reviews) types it, presses Run, waits until every panel is done, and prints the main
thread's long tasks (over 50 ms: the page answers no click or key meanwhile), the number of token
chips drawn and the wall time from the click. Timings are the machine's; tests never assert them.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from common import machine

ROOT = Path(__file__).resolve().parents[1]
TEXTS = {"2,000 emoji": "😀" * 2000,
         "2,000 characters of Korean": ("정말 재밌게 본 영화입니다 배우들의 연기가 좋았어요 " * 80)[:2000]}
IDLE = "!document.querySelector('#run').disabled && !document.querySelector('[aria-busy=\"true\"]:not(#p-words)')"
WATCH = ("() => { window.__long = []; new PerformanceObserver((list) => list.getEntries().forEach("
         "(e) => window.__long.push(Math.round(e.duration)))).observe({ type: 'longtask' }); }")


def wait_for(url: str, seconds: float = 300) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(url, timeout=5).read()
            return
        except OSError:
            time.sleep(1)
    raise SystemExit(f"the server did not answer at {url} within {seconds:g} s")


def measure(url: str) -> list[str]:
    from playwright.sync_api import sync_playwright

    lines = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium")
        for name, text in TEXTS.items():
            page = browser.new_page(viewport={"width": 1280, "height": 800})
            page.goto(url + "/?lang=en")
            page.wait_for_selector("body[data-ready='1']", timeout=180_000)
            page.evaluate(WATCH)
            page.fill("#text", text)
            started = time.perf_counter()
            page.click("#run")
            page.wait_for_function(IDLE, timeout=120_000)
            wall = time.perf_counter() - started
            page.wait_for_timeout(1000)  # the last long task is reported after it ends
            tasks = page.evaluate("window.__long")
            chips = page.evaluate("document.querySelectorAll('.sv-chip:not(.sv-key)').length")
            lines.append(f"  {name:28s} long tasks {tasks} ms (longest {max(tasks, default=0):,} ms) · "
                         f"{chips:,} token chips · Run to idle {wall:.1f} s")
            page.close()
        browser.close()
    return lines


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, default=8797)
    args = parser.parse_args()
    url = f"http://127.0.0.1:{args.port}"
    seqlab = Path(sys.executable).with_name("seqlab")
    server = subprocess.Popen([str(seqlab), "serve", "--port", str(args.port)], stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL, env={**os.environ}, cwd=ROOT)
    try:
        wait_for(url + "/")
        lines = measure(url)
    finally:
        server.terminate()
        server.wait(timeout=30)
    print(f"{machine()} · Chromium (Playwright), 1280x800, server and browser on the same cores")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
