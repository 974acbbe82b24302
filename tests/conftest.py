"""Fixtures shared by every test: a non-interactive matplotlib backend, figures closed after
each test, and a seeded random generator."""

from __future__ import annotations

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
