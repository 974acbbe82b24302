"""Fixtures shared by every test: a non-interactive matplotlib backend, figures closed after
each test, and a seeded random generator."""

from __future__ import annotations

from pathlib import Path

import matplotlib
import matplotlib.pyplot as plt
import numpy as np
import pytest

matplotlib.use("Agg")  # before any figure is made: pyplot switches backend until then


@pytest.fixture(autouse=True)
def _close_figures():
    """No figure survives a test (each section draws several)."""
    yield
    plt.close("all")


@pytest.fixture
def rng() -> np.random.Generator:
    """A seeded generator, so that a failing random case can be replayed."""
    return np.random.default_rng(2013)


#: Debian's chromium (installed by ``make test-browser``; never a browser download) and its flags.
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]


@pytest.fixture(scope="module")
def browser():
    """Headless Chromium driven by playwright, for the browser tests."""
    if not CHROMIUM.exists():
        pytest.fail("Debian's chromium is missing: apt-get install -y chromium")
    from playwright import sync_api  # a test dependency: its absence is a failure, not a skip

    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True
        )
        yield chromium
        chromium.close()
