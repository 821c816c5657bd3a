"""A screenshot of an LSTM trace in JupyterLab for the README (docs/img/notebook-trace.png).

    .venv/bin/python scripts/notebook_screenshot.py --jupyter /tmp/jlab/bin/jupyter [--out docs/img] [--lang ko]

JupyterLab is not a dependency of seqlab: pass the ``jupyter`` of an environment that has it (with
anywidget and ipywidgets, for the widget's front-end). The kernel is this venv's Python, registered
in a temporary folder. A one-cell notebook shows a trace; the stepper is moved to step 3 and the
output is photographed in Debian's chromium through Playwright.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CODE = """import seqlab
from seqlab.i18n import set_language
from seqlab.pipeline.tracing import run_trace

set_language("{lang}")
run_trace("lstm", "안녕하세요, 오늘 날씨가 정말 좋네요", model="e5-small", hidden=3, input_dim=4)"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--jupyter", required=True, help="the jupyter executable of an environment with jupyterlab")
    parser.add_argument("--out", default="docs/img")
    parser.add_argument("--lang", default="ko")
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    work = Path(tempfile.mkdtemp(prefix="seqlab-lab-"))
    kernels = work / "kernels"
    subprocess.run([sys.executable, "-m", "ipykernel", "install", "--prefix", str(kernels), "--name", "seqlab",
                    "--display-name", "seqlab"], check=True, capture_output=True)
    nb = {"cells": [{"cell_type": "code", "id": "trace", "metadata": {}, "execution_count": None, "outputs": [],
                     "source": CODE.format(lang=args.lang)}], "nbformat": 4, "nbformat_minor": 5,
          "metadata": {"kernelspec": {"name": "seqlab", "display_name": "seqlab", "language": "python"}}}
    (work / "trace.ipynb").write_text(json.dumps(nb, ensure_ascii=False), encoding="utf-8")
    port = free_port()
    env = {**os.environ, "JUPYTER_PATH": str(kernels / "share" / "jupyter"), "OMP_NUM_THREADS": "1"}
    lab = subprocess.Popen([args.jupyter, "lab", "--no-browser", f"--port={port}", "--ServerApp.token=",
                            "--ServerApp.password=", "--ServerApp.disable_check_xsrf=True",
                            f"--ServerApp.root_dir={work}", "--LabApp.news_url=", "--allow-root"],
                           env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        time.sleep(8)
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=["--no-sandbox"])
            page = browser.new_page(viewport={"width": 1280, "height": 1000}, device_scale_factor=1)
            page.goto(f"http://127.0.0.1:{port}/lab/tree/trace.ipynb")
            page.wait_for_selector(".jp-Notebook .jp-CodeCell", timeout=120_000)
            page.wait_for_selector("text=seqlab | Idle", timeout=120_000)  # the kernel has started
            for button in page.locator(".jp-toast-button >> text=No").all():  # "get notified about Jupyter news?"
                button.click()
            page.locator(".jp-CodeCell .cm-content").first.click()
            page.keyboard.press("Shift+Enter")
            try:
                page.wait_for_selector(".jp-OutputArea-output .sv-stepper", timeout=90_000)
            except Exception:
                page.screenshot(path=str(Path(args.out) / "notebook-trace-failed.png"))
                raise
            page.locator(".jp-OutputArea-output .sv-stepper button.sv-step").nth(1).click(click_count=3)
            page.wait_for_timeout(800)
            out = Path(args.out)
            out.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(out / "notebook-trace.png"))
            # the static HTML carries its <style> inline; the widget's view gets it from anywidget
            static = page.locator(".jp-OutputArea-output .seqlab-fragment > style").count()
            print(out / "notebook-trace.png", "drawn by", "the static HTML" if static else "the anywidget widget")
            browser.close()
    finally:
        lab.terminate()
        lab.wait(timeout=30)


if __name__ == "__main__":
    main()
