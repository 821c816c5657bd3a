"""How long the page stops answering while it draws a long text: the browser's long tasks after one Run.

    python benchmarks/bench_page.py [--port 8797] [--rounds 4]

Starts ``seqlab serve`` (its own process, as a user runs it), opens the page in Debian's
Chromium through Playwright at 1280x800, and for each text (2,000 emoji; 2,000 characters of
Korean reviews) fills the text box with it, presses Run, waits until every panel is done, and
prints the main thread's long tasks (over 50 ms: the page answers no click or key meanwhile), the
number of token chips drawn and the wall time from the click.

Each text is measured on two pages in turn, ``--rounds`` times: the page as it is, and the same
page with every chip of a long row laid out at once (``content-visibility: visible``: about the
page before it laid out only the chips in view, which had no size estimates either), so that the
ratio of their longest tasks comes from one run on one machine. The order alternates (ABBA), so
that neither always meets the server cold. A page with no long task counts its longest as 50 ms
(the threshold of a long task). Timings are the machine's; tests never assert them.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from common import machine

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = "/usr/bin/chromium"  # Debian's, as the browser tests drive
TEXTS = {"2,000 emoji": "😀" * 2000,
         "2,000 characters of Korean": ("정말 재밌게 본 영화입니다 배우들의 연기가 좋았어요 " * 80)[:2000]}
LONG_TASK_MS = 50  # the browser reports a task as long from 50 ms: a page with none stopped for less
# the baseline: a long row's chips laid out whether in view or not
EVERY_CHIP = ".sv-chips.sv-scroll > .sv-chip { content-visibility: visible !important; }"
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


def one_run(browser, url: str, text: str, every_chip: bool) -> tuple[list[int], int, float]:
    """The long tasks (ms), the token chips drawn and the seconds from Run to an idle page, on a new page."""
    page = browser.new_page(viewport={"width": 1280, "height": 800})
    page.goto(url + "/?lang=en")
    page.wait_for_selector("body[data-ready='1']", timeout=180_000)
    if every_chip:
        page.add_style_tag(content=EVERY_CHIP)
    page.evaluate(WATCH)
    page.fill("#text", text)
    started = time.perf_counter()
    page.click("#run")
    page.wait_for_function(IDLE, timeout=120_000)
    wall = time.perf_counter() - started
    page.wait_for_timeout(1000)  # the last long task is reported after it ends
    tasks = page.evaluate("window.__long")
    chips = page.evaluate("document.querySelectorAll('.sv-chip:not(.sv-key)').length")
    page.close()
    return tasks, chips, wall


def measure(url: str, rounds: int) -> list[str]:
    from playwright.sync_api import sync_playwright

    lines = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM)
        for name, text in TEXTS.items():
            longest = {True: [], False: []}
            for r in range(rounds):
                for every_chip in (False, True) if r % 2 == 0 else (True, False):  # ABBA: a busier moment hits both
                    tasks, chips, wall = one_run(browser, url, text, every_chip)
                    longest[every_chip].append(max(tasks, default=LONG_TASK_MS))
                    label = "every chip laid out" if every_chip else "as it is"
                    lines.append(f"  {name:28s} {label:20s} long tasks {tasks} ms (longest {max(tasks, default=0):,} "
                                 f"ms) · {chips:,} token chips · Run to idle {wall:.1f} s")
            ratio = statistics.median(longest[True]) / statistics.median(longest[False])
            rounds_said = ", ".join(f"{b / a:.1f}x" for a, b in zip(longest[False], longest[True]))
            lines.append(f"  {name:28s} median longest task: {statistics.median(longest[False]):,.0f} ms as it is, "
                         f"{statistics.median(longest[True]):,.0f} ms with every chip laid out ({ratio:.1f}x; by round "
                         f"{rounds_said})")
        browser.close()
    return lines


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, default=8797)
    parser.add_argument("--rounds", type=int, default=4, help="runs of each page and text (default: 4)")
    args = parser.parse_args()
    if args.rounds < 1:
        parser.error(f"--rounds must be at least 1, got {args.rounds}")
    if not Path(CHROMIUM).exists():
        raise SystemExit(f"{CHROMIUM} is missing: install Debian's chromium (apt-get install chromium fonts-nanum)")
    url = f"http://127.0.0.1:{args.port}"
    seqlab = Path(sys.executable).with_name("seqlab")
    server = subprocess.Popen([str(seqlab), "serve", "--port", str(args.port)], stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL, cwd=ROOT)
    try:
        wait_for(url + "/")
        lines = measure(url, args.rounds)
    finally:
        server.terminate()
        server.wait(timeout=30)
    print(f"{machine()} · Chromium (Playwright), 1280x800, server and browser on the same cores")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
