"""A headless chromium for drawing notebook output: the session's one browser (tests/conftest.py)."""

from __future__ import annotations

import pytest


@pytest.fixture(scope="session")
def notebook_browser(chromium):
    return chromium
