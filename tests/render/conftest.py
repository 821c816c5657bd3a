"""A headless chromium for drawing notebook output (the same browser setup as the web tests)."""

from __future__ import annotations

import os
import shutil

import pytest

from tests.web.conftest import ARGS, CHROMIUM


@pytest.fixture(scope="session")
def notebook_browser():
    if not shutil.which("chromium") and not os.path.exists(CHROMIUM):
        pytest.skip("Debian's chromium is not installed (.ci/run installs it)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        yield b
        b.close()
