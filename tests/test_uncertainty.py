"""Wilson intervals, funnel limits, verdicts and French texts against hand-computed values."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from iae_eval.indicators import uncertainty as u

NB = "\u00a0"


def test_z_scores():
    """z of 95 % is 1.95996, of 99.8 % is 3.09023 (the 1.96 and 3.09 of Spiegelhalter)."""
    assert u.z_score(0.95) == pytest.approx(1.959964, abs=1e-6)
    assert u.z_score(0.998) == pytest.approx(3.090232, abs=1e-6)
    with pytest.raises(ValueError):
        u.z_score(1.0)


def test_wilson_three_out_of_eight():
    """k = 3, n = 8, z = 1.96, z² = 3.8416: p = 0.375, z²/n = 0.4802, 1 + z²/n = 1.4802;
    centre = (0.375 + 0.2401) / 1.4802 = 0.41556;
    half = 1.96 · √(0.375·0.625/8 + 3.8416/256) / 1.4802 = 1.96 · √(0.029297 + 0.015006) / 1.4802
         = 1.96 · 0.21048 / 1.4802 = 0.27871  →  [0.1369, 0.6943] (DOMAIN §7: about 14 %–69 %)."""
    low, high = u.wilson_interval(3, 8)
    assert isinstance(low, float)
    assert low == pytest.approx(0.1369, abs=2e-4)
    assert high == pytest.approx(0.6943, abs=2e-4)


def test_wilson_fourteen_out_of_forty_four():
    """k = 14, n = 44: p = 0.31818, z²/n = 0.087309, centre = (0.31818 + 0.043655) / 1.087309 = 0.33278;
    half = 1.96 · √(0.31818·0.68182/44 + 3.8416/7744) / 1.087309 = 1.96 · √(0.0049304 + 0.00049607) / 1.087309
         = 1.96 · 0.073665 / 1.087309 = 0.13279  →  [0.1999, 0.4656]."""
    low, high = u.wilson_interval(14, 44)
    assert (low, high) == pytest.approx((0.1999, 0.4656), abs=2e-4)


def test_wilson_at_zero_and_at_n():
    """k = 0, n = 10: p = 0, centre = (3.8416/20) / 1.38416 = 0.13877, half = 1.96 · (1.96/20) / 1.38416
    = 0.13877 → [0, 0.27754]; k = n = 10 is its mirror [0.72246, 1]."""
    assert u.wilson_interval(0, 10) == pytest.approx((0.0, 0.27754), abs=2e-4)
    assert u.wilson_interval(10, 10) == pytest.approx((0.72246, 1.0), abs=2e-4)


def test_wilson_undefined_without_exits_and_vectorised():
    successes = pd.Series([3, 0, 0, None], index=["S01", "S02", "S03", "S04"])
    examined = pd.Series([8, 0, 10, 5], index=successes.index)
    low, high = u.wilson_interval(successes, examined)
    assert list(low.index) == ["S01", "S02", "S03", "S04"]
    assert low["S01"] == pytest.approx(0.1369, abs=2e-4)
    assert math.isnan(low["S02"]) and math.isnan(high["S02"])
    assert low["S03"] == 0.0
    assert math.isnan(high["S04"])
    arr_low, arr_high = u.wilson_interval(np.array([3, 14]), np.array([8, 44]))
    assert isinstance(arr_low, np.ndarray)
    assert arr_high == pytest.approx([0.6943, 0.4656], abs=2e-4)
    assert math.isnan(u.wilson_interval(0, 0)[0])


def test_wilson_rejects_impossible_counts():
    with pytest.raises(ValueError):
        u.wilson_interval(9, 8)
    with pytest.raises(ValueError):
        u.wilson_interval(-1, 8)


def test_wilson_other_level_is_wider():
    """At 99.8 % (z = 3.09) the interval of 3/8 is wider than at 95 %."""
    low95, high95 = u.wilson_interval(3, 8)
    low998, high998 = u.wilson_interval(3, 8, level=0.998)
    assert low998 < low95 and high998 > high95


def test_rate_intervals_frame():
    frame = u.rate_intervals(
        pd.Series([3, 0, 30], index=["a", "b", "c"]), pd.Series([8, 0, 40], index=["a", "b", "c"])
    )
    assert list(frame.columns) == ["rate", "low", "high", "examined", "low_count"]
    assert frame.at["a", "rate"] == 0.375
    assert math.isnan(frame.at["b", "rate"]) and math.isnan(frame.at["b", "low"])
    assert frame["low_count"].tolist() == [True, False, False]


def test_low_count_threshold():
    """Declared once: 20 examined exits. 1..19 is "effectif faible"; 0 (no rate) and 20+ are not."""
    assert u.LOW_COUNT_THRESHOLD == 20
    assert [u.low_count(n) for n in (0, 1, 19, 20, 200)] == [False, True, True, False, False]
    assert u.low_count(pd.Series([5, 25], index=["x", "y"])).to_dict() == {"x": True, "y": False}
    assert u.low_count(25, threshold=30) is True


def test_binomial_limits_ten_exits_target_25_percent():
    """n = 10, p0 = 0.25. Binomial CDF F(r): F(4) = 0.921873, F(5) = 0.980272, F(6) = 0.996494,
    F(7) = 0.999584; P(R=5) = 0.058399, P(R=7) = 0.0030899.
    95 % upper (q = 0.975): r = 5, α = (0.980272 − 0.975) / 0.058399 = 0.090280,
        limit = (5 − 0.090280) / 10 = 0.490972.
    99.8 % upper (q = 0.999): r = 7, α = (0.999584 − 0.999) / 0.0030899 = 0.18907, limit = 0.681093.
    95 % lower (q = 0.025): F(0) = 0.056314 ≥ 0.025, r = 0, α = 0.5561, (0 − 0.5561)/10 < 0 → clipped to 0."""
    low, high = u.funnel_limits(10, 0.25)
    assert high == pytest.approx(0.490972, abs=1e-5)
    assert low == 0.0
    _, high998 = u.funnel_limits(10, 0.25, level=0.998)
    assert high998 == pytest.approx(0.681093, abs=1e-5)


def test_binomial_limits_twenty_exits_target_60_percent():
    """n = 20, p0 = 0.6. F(7) = 0.021029, F(8) = 0.056526 (P(R=8) = 0.035497);
    F(15) = 0.949048, F(16) = 0.984039 (P(R=16) = 0.034991).
    lower (q = 0.025): r = 8, α = (0.056526 − 0.025) / 0.035497 = 0.88813, (8 − 0.88813)/20 = 0.355593;
    upper (q = 0.975): r = 16, α = (0.984039 − 0.975) / 0.034991 = 0.25832, (16 − 0.25832)/20 = 0.787084."""
    low, high = u.funnel_limits(20, 0.6)
    assert low == pytest.approx(0.355593, abs=1e-5)
    assert high == pytest.approx(0.787084, abs=1e-5)


def test_normal_limits():
    """n = 20, p0 = 0.6: 0.6 ± 1.959964 · √(0.24/20) = 0.6 ± 1.959964 · 0.109545 = 0.6 ± 0.214704
    → [0.385296, 0.814704]; n = 4, p0 = 0.25 at 99.8 %: 0.25 ± 3.090232 · 0.216506 = 0.25 ± 0.669055
    → clipped to [0, 0.919055]."""
    assert u.funnel_limits(20, 0.6, method="normal") == pytest.approx((0.385296, 0.814704), abs=1e-5)
    assert u.funnel_limits(4, 0.25, level=0.998, method="normal") == pytest.approx((0.0, 0.919055), abs=1e-5)


def test_binomial_and_normal_limits_meet_for_large_n():
    n = np.array([5, 50, 5000])
    b_low, b_high = u.funnel_limits(n, 0.25)
    n_low, n_high = u.funnel_limits(n, 0.25, method="normal")
    assert abs(b_high[2] - n_high[2]) < 1e-3 and abs(b_low[2] - n_low[2]) < 1e-3
    assert np.all(np.diff(b_high) < 0) and np.all(np.diff(b_low) > 0)  # a funnel: narrower as n grows


def test_funnel_limits_shapes_and_errors():
    low, high = u.funnel_limits(pd.Series([10, 0, None], index=["a", "b", "c"]), 0.25)
    assert low.index.tolist() == ["a", "b", "c"]
    assert high["a"] == pytest.approx(0.490972, abs=1e-5) and math.isnan(high["b"]) and math.isnan(low["c"])
    with pytest.raises(ValueError):
        u.funnel_limits(10, 0.0)
    with pytest.raises(ValueError):
        u.funnel_limits(10, 0.25, method="exact")


def test_classify():
    """n = 10, p0 = 0.25, 95 %: limits [0, 0.490972]. 0.5 > 0.490972 is above; 0.0 is within
    (the clipped limit itself); 0.4 within. n = 20, p0 = 0.6, 95 %: [0.355593, 0.787084]:
    0.35 is below. An undefined rate has no position."""
    rates = pd.Series([0.5, 0.0, 0.4, None])
    examined = pd.Series([10, 10, 10, 0])
    assert u.classify(rates, examined, 0.25, level=0.95).tolist() == ["above", "within", "within", None]
    assert u.classify(0.35, 20, 0.6, level=0.95) == "below"
    assert u.classify(0.35, 20, 0.6) == "within"  # default 99.8 %: wider
    assert u.position_counts(u.classify(rates, examined, 0.25, level=0.95)) == {
        "above": 1,
        "within": 2,
        "below": 0,
    }


@pytest.mark.parametrize(
    ("low", "high", "word"),
    [(0.30, 0.40, "atteint"), (0.10, 0.20, "n'atteint pas"), (0.20, 0.30, "compatible avec l'objectif"),
     (0.25, 0.40, "compatible avec l'objectif"), (math.nan, 0.5, None)],
)  # fmt: skip
def test_verdict(low, high, word):
    assert u.verdict(low, high, 0.25) == word


def test_rate_interval_text():
    assert u.rate_interval_text(0.318, 0.201, 0.463) == f"31,8{NB}% [20,1{NB}–{NB}46,3]"
    assert u.rate_interval_text(None, None, None) == "—"
    assert u.rate_interval_text("s", None, None) == "s"
    assert u.rate_interval_text(0.5, math.nan, math.nan) == f"50,0{NB}%"


def test_rate_estimate():
    """14/44 = 31,8 % [20,0 – 46,6] (see the Wilson test above): ≥ 20 exits, compatible with 25 %,
    below 60 % (n'atteint pas). 3/8: effectif faible."""
    estimate = u.RateEstimate(14, 44)
    assert estimate.text == f"31,8{NB}% [20,0{NB}–{NB}46,6]"
    assert estimate.verdict(0.25) == "compatible avec l'objectif"
    assert estimate.verdict(0.60) == "n'atteint pas"
    assert u.RateEstimate(3, 8).text.endswith("(effectif faible)")
    empty = u.RateEstimate(0, 0)
    assert empty.rate is None and empty.interval is None and empty.verdict(0.25) is None and empty.text == "—"


def test_wilson_agrees_with_statsmodels():
    """The kit's Wilson interval is statsmodels' proportion_confint(method="wilson") on every
    k of n = 1 … 60, at 95 % and 90 %."""
    from statsmodels.stats.proportion import proportion_confint

    ks = np.array([k for n in range(1, 61) for k in range(n + 1)])
    ns = np.array([n for n in range(1, 61) for _ in range(n + 1)])
    for level in (0.95, 0.90):
        low, high = u.wilson_interval(ks, ns, level=level)
        ref_low, ref_high = proportion_confint(ks, ns, alpha=1 - level, method="wilson")
        assert np.allclose(low, ref_low, atol=1e-12) and np.allclose(high, ref_high, atol=1e-12)
