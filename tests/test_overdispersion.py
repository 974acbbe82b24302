"""Overdispersed funnel limits (Spiegelhalter 2005) on hand-computed z-scores."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from iae_eval.indicators import overdispersion as od
from iae_eval.indicators import uncertainty

# 20 units of 100 exits around p0 = 0.5: s = 0.05, rate = 0.5 + 0.05 z
Z = [-3, -2, -1.5, -1, -1, -0.5, -0.5, 0, 0, 0, 0, 0, 0.5, 0.5, 1, 1, 1.5, 2, 2.5, 4]
# winsorised at the 10th (-1.55) and 90th (2.05) percentiles: Σ z² = 26.71
PHI = 26.71 / 20
CHI2_19 = 30.1435


def units(z, n=100, p0=0.5):
    n = np.broadcast_to(np.asarray(n, dtype=float), (len(z),))
    s = np.sqrt(p0 * (1 - p0) / n)
    index = [f"S{i:02d}" for i in range(len(z))]
    return pd.Series(p0 + s * np.asarray(z, dtype=float), index=index), pd.Series(n, index=index)


def test_phi_from_winsorised_z_scores_without_overdispersion():
    rates, n = units(Z)
    d = od.estimate(rates, n, 0.5)
    assert d.k == 20
    assert d.phi == pytest.approx(PHI)
    assert d.chi2_threshold == pytest.approx(CHI2_19, abs=1e-3)
    assert not d.overdispersed and d.method == od.BINOMIAL  # 26.71 < 30.14
    # τ² = (kφ − (k − 1)) / (Σw − Σw²/Σw), w = 400: (26.71 − 19) / (8000 − 400)
    assert d.tau2 == pytest.approx((26.71 - 19) / 7600)
    low, high = d.limits(n, level=0.998)
    binomial = uncertainty.funnel_limits(n, 0.5, level=0.998)
    assert np.allclose(low, binomial[0]) and np.allclose(high, binomial[1])


def test_overdispersion_widens_the_limits_multiplicatively():
    rates, n = units([2 * z for z in Z])
    d = od.estimate(rates, n, 0.5)
    assert d.phi == pytest.approx(4 * PHI) and d.overdispersed and d.method == od.MULTIPLICATIVE
    low, high = d.limits(n, level=0.998)
    half = 3.090232 * np.sqrt(4 * PHI) * 0.05
    assert np.allclose(high, 0.5 + half, atol=1e-6) and np.allclose(low, 0.5 - half, atol=1e-6)
    # the same object is a method of the funnel functions (what the charts draw and count)
    same = uncertainty.funnel_limits(n, 0.5, level=0.998, method=d)
    assert np.allclose(same[1], high)
    # z = 8 lies beyond 3.09 √φ = 7.14; z = −6 does not
    counts = uncertainty.position_counts(uncertainty.classify(rates, n, 0.5, method=d))
    assert counts == {uncertainty.ABOVE: 1, uncertainty.WITHIN: 19, uncertainty.BELOW: 0}


def test_a_few_very_large_units_call_for_additive_limits():
    n = [100] * 19 + [2000]
    rates, exits = units([2 * z for z in Z], n=n)
    d = od.estimate(rates, exits, 0.5)
    assert d.overdispersed and d.method == od.ADDITIVE
    s = np.sqrt(0.25 / np.asarray(n, dtype=float))
    w = 1 / s**2
    assert d.tau2 == pytest.approx((20 * d.phi - 19) / (w.sum() - (w**2).sum() / w.sum()))
    low, high = d.limits(exits, level=0.95)
    assert high.iloc[-1] == pytest.approx(0.5 + 1.959964 * np.sqrt(s[-1] ** 2 + d.tau2), abs=1e-6)
    assert low.iloc[0] == pytest.approx(0.5 - 1.959964 * np.sqrt(s[0] ** 2 + d.tau2), abs=1e-6)


def test_limits_are_clipped_to_zero_and_one():
    rates, n = units([3 * z for z in Z], n=4)
    d = od.estimate(rates.clip(0, 1), n, 0.5)
    low, high = d.limits(n, level=0.998)
    assert (low >= 0).all() and (high <= 1).all()


def test_fewer_than_20_units_keep_the_exact_binomial_limits():
    rates, n = units([2 * z for z in Z[:19]])
    d, table = od.funnel_table(rates, n, 0.5)
    assert d.phi is None and d.method == od.BINOMIAL and len(table) == 19
    low, high = uncertainty.funnel_limits(n, 0.5, level=0.998)
    assert np.allclose(table["limite_basse_998"], low) and np.allclose(table["limite_haute_998"], high)
    assert (table["methode"] == "binomiale exacte").all()


def test_funnel_table_positions_and_columns():
    rates, n = units(Z)
    rates.iloc[0] = 0.2  # far below
    rates.iloc[-1] = 0.8  # far above
    rates.iloc[5] = np.nan  # no rate: not a row
    _, table = od.funnel_table(rates, n, 0.5)
    assert list(table.columns) == [
        "valeur",
        "sorties_examinees",
        "limite_basse_95",
        "limite_haute_95",
        "limite_basse_998",
        "limite_haute_998",
        "position",
        "methode",
    ]
    assert len(table) == 19
    assert table.loc["S00", "position"] == "au-dessous"
    assert table.loc["S19", "position"] == "au-dessus"
    assert table.loc["S10", "position"] == "dans les limites"
    assert od.outside_share(table) == pytest.approx(2 / 19)
