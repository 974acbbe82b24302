"""The verdict rules of the evaluative synthesis on hand-made evidence."""

from __future__ import annotations

import math

import pytest

from iae_eval.indicators import verdicts as v
from iae_eval.indicators.evidence import Evidence
from iae_eval.indicators.framework import Question
from iae_eval.indicators.synthesis import judge
from iae_eval.indicators.uncertainty import wilson_interval


# --- target_min / target_max on a rate: the interval decides -----------------------------------
@pytest.mark.parametrize(
    ("low", "high", "expected"),
    [
        (0.26, 0.40, v.REACHED),  # wholly above
        (0.25, 0.40, v.REACHED),  # lower bound on the target: "≥ target"
        (0.20, 0.30, v.COMPATIBLE),  # straddles the target
        (0.10, 0.24, v.NOT_REACHED),  # wholly below
        (0.10, 0.25, v.COMPATIBLE),  # upper bound on the target is not below it
    ],
)
def test_target_min_on_a_rate(low, high, expected):
    assert (
        v.target_verdict(rule=v.TARGET_MIN, target=0.25, value=(low + high) / 2, low=low, high=high)
        == expected
    )


@pytest.mark.parametrize(
    ("low", "high", "expected"),
    [
        (0.05, 0.10, v.REACHED),
        (0.05, 0.15, v.REACHED),  # upper bound on the maximum
        (0.10, 0.20, v.COMPATIBLE),
        (0.16, 0.30, v.NOT_REACHED),
    ],
)
def test_target_max_is_the_mirror(low, high, expected):
    assert (
        v.target_verdict(rule=v.TARGET_MAX, target=0.15, value=(low + high) / 2, low=low, high=high)
        == expected
    )


def test_a_rate_on_few_exits_straddles_its_target():
    # 3 durable exits out of 8: 37.5 %, Wilson [13.7 %, 69.4 %] holds 25 %
    low, high = wilson_interval(3, 8)
    assert low == pytest.approx(0.1368, abs=1e-4) and high == pytest.approx(0.6943, abs=1e-4)
    assert v.target_verdict(rule=v.TARGET_MIN, target=0.25, value=3 / 8, low=low, high=high) == v.COMPATIBLE
    # the same rate on 800 exits reaches it
    low, high = wilson_interval(300, 800)
    assert v.target_verdict(rule=v.TARGET_MIN, target=0.25, value=0.375, low=low, high=high) == v.REACHED


def test_counts_and_amounts_compare_the_value_alone():
    assert v.target_verdict(rule=v.TARGET_MIN, target=10, value=10) == v.REACHED
    assert v.target_verdict(rule=v.TARGET_MIN, target=10, value=9) == v.NOT_REACHED
    assert v.target_verdict(rule=v.TARGET_MAX, target=5000, value=5000.0) == v.REACHED
    assert v.target_verdict(rule=v.TARGET_MAX, target=5000, value=5000.5) == v.NOT_REACHED


# --- trends: OLS slope with a t interval -------------------------------------------------------
def test_t_quantiles_match_the_table():
    # Student's t, two-sided 95 %: the printed table's values
    for df, expected in [(1, 12.706), (2, 4.303), (3, 3.182), (4, 2.776), (8, 2.306), (30, 2.042)]:
        assert v.t_quantile(0.95, df) == pytest.approx(expected, abs=5e-4)
    assert v.t_quantile(0.90, 3) == pytest.approx(2.353, abs=5e-4)


def test_slope_and_interval_by_hand():
    # x = 2009..2013 (x̄ = 2011, Σ(x−x̄)² = 10), y = 1, 2, 2, 4, 5: slope = Σ(x−x̄)(y−ȳ)/10 = 10/10 = 1
    # ȳ = 2.8 at x̄; fitted 0.8, 1.8, 2.8, 3.8, 4.8 → residuals 0.2, 0.2, −0.8, 0.2, 0.2 → SSR = 0.8
    # s² = 0.8 / 3, se = √(s²/10) = 0.16330; t(0.975, 3) = 3.18245 → half-width 0.51969
    slope = v.ols_slope([2009, 2010, 2011, 2012, 2013], [1, 2, 2, 4, 5])
    assert slope.slope == pytest.approx(1.0)
    half = 3.182446305 * math.sqrt(0.8 / 3 / 10)
    assert slope.low == pytest.approx(1 - half) and slope.high == pytest.approx(1 + half)
    assert v.trend_verdict(rule=v.TREND_UP, slope=slope) == v.PROGRESS
    assert v.trend_verdict(rule=v.TREND_DOWN, slope=slope) == v.DECLINE


def test_a_flat_trend_is_stable():
    slope = v.ols_slope([2009, 2010, 2011, 2012, 2013], [0.30, 0.25, 0.31, 0.24, 0.30])
    assert slope.low < 0 < slope.high
    assert v.trend_verdict(rule=v.TREND_UP, slope=slope) == v.STABLE
    assert v.trend_verdict(rule=v.TREND_DOWN, slope=slope) == v.STABLE
    exactly_flat = v.ols_slope([2009, 2010, 2011], [7, 7, 7])
    assert (exactly_flat.slope, exactly_flat.low, exactly_flat.high) == (0, 0, 0)
    assert v.trend_verdict(rule=v.TREND_UP, slope=exactly_flat) == v.STABLE


def test_a_falling_cost_is_progress_when_down_is_wanted():
    slope = v.ols_slope([2009, 2010, 2011, 2012], [5000, 4800, 4500, 4300])
    assert slope.high < 0
    assert v.trend_verdict(rule=v.TREND_DOWN, slope=slope) == v.PROGRESS
    assert v.trend_verdict(rule=v.TREND_UP, slope=slope) == v.DECLINE


def test_a_trend_needs_three_years():
    with pytest.raises(ValueError, match="at least 3"):
        v.ols_slope([2012, 2013], [1, 2])


# --- judging a question -----------------------------------------------------------------------
def _question(rule, indicator="durable_rate", target=0.25, verdict=None):
    return Question("Q", "efficacite", "?", indicator, rule, target, verdict)


def test_missing_evidence_is_not_assessable_and_says_what_is_missing():
    judged = judge(_question(v.TARGET_MIN), Evidence(missing="table « funding » absente"))
    assert judged.proposed == v.NOT_ASSESSABLE
    assert judged.evidence.missing == "table « funding » absente"


def test_a_judgement_is_left_to_the_evaluator():
    judged = judge(_question(v.JUDGEMENT, indicator=None, target=None), Evidence())
    assert judged.proposed == v.TO_ASSESS and judged.retained == v.TO_ASSESS
    given = judge(_question(v.JUDGEMENT, indicator=None, target=None, verdict=v.REACHED), Evidence())
    assert (given.proposed, given.evaluator, given.retained) == (v.TO_ASSESS, v.REACHED, v.REACHED)


def test_the_evaluators_verdict_overrides_the_proposal():
    evidence = Evidence(value=0.27, low=0.20, high=0.34)
    judged = judge(_question(v.TARGET_MIN, verdict=v.NOT_REACHED), evidence)
    assert judged.proposed == v.COMPATIBLE
    assert judged.evaluator == v.NOT_REACHED and judged.retained == v.NOT_REACHED
    year = judge(_question(v.TARGET_MIN, verdict=v.NOT_REACHED), evidence, evaluator=False)
    assert year.retained == v.COMPATIBLE


def test_verdict_words_are_read_loosely_and_shown_with_a_symbol():
    assert v.verdict_word("  En progres ") == v.PROGRESS
    assert v.verdict_word("NON ÉVALUABLE") == v.NOT_ASSESSABLE
    assert v.verdict_word("bien") is None
    assert v.symbol_text(v.REACHED) == "✔ atteint"
    assert v.symbol_text(v.NOT_REACHED) == "✘ non atteint"
    assert all(v.SYMBOLS[word] for word in (*v.VERDICTS, v.TO_ASSESS, v.NOT_PUBLISHABLE))
