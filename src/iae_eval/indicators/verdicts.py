"""The verdicts of the evaluative synthesis: pure functions from evidence to a word (docs/evaluation.md).

A question of the framework (:mod:`iae_eval.indicators.framework`) names a rule; its evidence
is a value (with its Wilson interval when it is a rate) or the yearly values of the period.
The rules:

- ``target_min`` on a rate: ``atteint`` when the interval's lower bound is at or above the
  target, ``non atteint`` when its upper bound is below it, ``compatible`` otherwise; on a
  count or an amount: ``atteint`` when the value is at or above the target, else ``non atteint``;
- ``target_max``: the mirror (the interval's upper bound at or below the target…);
- ``trend_up`` / ``trend_down``: the ordinary least-squares slope of the yearly values with its
  95 % interval from Student's t with (years − 2) degrees of freedom: ``en progrès`` when the
  interval lies wholly on the desired side of 0, ``en recul`` on the other, ``stable`` when it
  contains 0;
- ``judgement``: no proposal (``à apprécier``), the evaluator's verdict only.

Missing evidence gives ``non évaluable`` with what is missing. Words come first; each verdict
also has a symbol (never a colour alone).
"""

from __future__ import annotations

import math
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

REACHED = "atteint"
COMPATIBLE = "compatible"
NOT_REACHED = "non atteint"
PROGRESS = "en progrès"
DECLINE = "en recul"
STABLE = "stable"
NOT_ASSESSABLE = "non évaluable"
#: The proposal of a judgement question: the evaluator decides.
TO_ASSESS = "à apprécier"
#: What the public edition shows instead of a verdict built on a masked value.
NOT_PUBLISHABLE = "non publiable"

#: The verdicts an evaluator may give (the ``verdict`` column of the ``evaluation`` table).
VERDICTS: tuple[str, ...] = (REACHED, COMPATIBLE, NOT_REACHED, PROGRESS, DECLINE, STABLE, NOT_ASSESSABLE)
#: A symbol beside each word (the word always comes with it). A trend's symbol says whether
#: it goes the way the question wants (+, −, =), never which way the figure goes: a cost that
#: rises is "− en recul".
SYMBOLS: dict[str, str] = {
    REACHED: "✔",
    COMPATIBLE: "≈",
    NOT_REACHED: "✘",
    PROGRESS: "+",
    DECLINE: "\u2212",
    STABLE: "=",
    NOT_ASSESSABLE: "?",
    TO_ASSESS: "…",
    NOT_PUBLISHABLE: "■",
}

TARGET_MIN, TARGET_MAX = "target_min", "target_max"
TREND_UP, TREND_DOWN = "trend_up", "trend_down"
JUDGEMENT = "judgement"
#: The rules a question may name, with how a reader sees them.
RULES: dict[str, str] = {
    TARGET_MIN: "au moins la cible",
    TARGET_MAX: "au plus la cible",
    TREND_UP: "tendance à la hausse attendue",
    TREND_DOWN: "tendance à la baisse attendue",
    JUDGEMENT: "appréciation de l'évaluateur",
}
TARGET_RULES: tuple[str, ...] = (TARGET_MIN, TARGET_MAX)
TREND_RULES: tuple[str, ...] = (TREND_UP, TREND_DOWN)
#: Fewest yearly values a trend is computed on.
MIN_TREND_YEARS = 3
#: Confidence level of the slope's interval.
TREND_LEVEL = 0.95


def symbol_text(verdict: str | None) -> str:
    """``"✔ atteint"``: the verdict's symbol then its word; ``""`` for None."""
    if not verdict:
        return ""
    symbol = SYMBOLS.get(verdict)
    return f"{symbol} {verdict}" if symbol else verdict


def _plain(word: str) -> str:
    decomposed = unicodedata.normalize("NFKD", word)
    return " ".join("".join(c for c in decomposed if not unicodedata.combining(c)).lower().split())


_BY_PLAIN = {_plain(v): v for v in VERDICTS}


def verdict_word(text: str) -> str | None:
    """The verdict an evaluator wrote (case, accents and spaces ignored: ``En progres`` is
    ``en progrès``), or None when it is not one of :data:`VERDICTS`."""
    return _BY_PLAIN.get(_plain(str(text)))


# --- Targets --------------------------------------------------------------------------------


def target_verdict(
    *, rule: str, target: float, value: float, low: float | None = None, high: float | None = None
) -> str:
    """The proposal of a ``target_min`` / ``target_max`` rule. With an interval (a rate) the
    interval decides (``compatible`` when it holds the target); without one (a count, an
    amount) the value alone."""
    if rule not in TARGET_RULES:
        raise ValueError(f"not a target rule: {rule!r}")
    if low is None or high is None:
        met = value >= target if rule == TARGET_MIN else value <= target
        return REACHED if met else NOT_REACHED
    if rule == TARGET_MIN:
        if low >= target:
            return REACHED
        return NOT_REACHED if high < target else COMPATIBLE
    if high <= target:
        return REACHED
    return NOT_REACHED if low > target else COMPATIBLE


# --- Trends ---------------------------------------------------------------------------------


def _t_two_sided(t: float, df: int) -> float:
    """P(|T| ≤ t) for Student's T with ``df`` degrees of freedom (closed form for a whole
    number of degrees of freedom: Abramowitz & Stegun 26.7.3 and 26.7.4)."""
    theta = math.atan(t / math.sqrt(df))
    c2 = math.cos(theta) ** 2
    if df % 2 == 1:
        total, term = 0.0, math.cos(theta)
        if df > 1:
            total = term
            for k in range(3, df - 1, 2):
                term *= c2 * (k - 1) / k
                total += term
        return 2 / math.pi * (theta + math.sin(theta) * total)
    total, term = 1.0, 1.0
    for k in range(2, df - 1, 2):
        term *= c2 * (k - 1) / k
        total += term
    return math.sin(theta) * total


def t_quantile(level: float, df: int) -> float:
    """The two-sided quantile of Student's t: ``t`` with P(|T| ≤ t) = ``level`` (12.706 for
    0.95 and 1 degree of freedom, 3.182 for 3), by bisection on the closed-form distribution."""
    if not 0 < level < 1:
        raise ValueError(f"level must be between 0 and 1, got {level!r}")
    if df < 1 or int(df) != df:
        raise ValueError(f"degrees of freedom must be a whole number ≥ 1, got {df!r}")
    low, high = 0.0, 1.0
    while _t_two_sided(high, int(df)) < level:
        high *= 2
    for _ in range(200):
        middle = (low + high) / 2
        if _t_two_sided(middle, int(df)) < level:
            low = middle
        else:
            high = middle
        if high - low < 1e-12:
            break
    return (low + high) / 2


@dataclass(frozen=True)
class Slope:
    """An ordinary least-squares slope (per year) and its confidence interval."""

    slope: float
    low: float
    high: float
    years: int


def ols_slope(years: Sequence[float], values: Sequence[float], *, level: float = TREND_LEVEL) -> Slope:
    """The slope of ``values`` on ``years`` with its ``level`` interval from Student's t with
    (n − 2) degrees of freedom: ``slope ± t·s/√Σ(x − x̄)²``, ``s²`` the residual variance.
    ``ValueError`` with fewer than :data:`MIN_TREND_YEARS` points or a single year."""
    x = [float(v) for v in years]
    y = [float(v) for v in values]
    n = len(x)
    if n != len(y):
        raise ValueError("years and values differ in length")
    if n < MIN_TREND_YEARS:
        raise ValueError(f"a trend needs at least {MIN_TREND_YEARS} values, got {n}")
    mx, my = sum(x) / n, sum(y) / n
    sxx = sum((a - mx) ** 2 for a in x)
    if sxx == 0:
        raise ValueError("a trend needs at least two different years")
    slope = sum((a - mx) * (b - my) for a, b in zip(x, y, strict=True)) / sxx
    intercept = my - slope * mx
    residuals = sum((b - intercept - slope * a) ** 2 for a, b in zip(x, y, strict=True))
    half = t_quantile(level, n - 2) * math.sqrt(residuals / (n - 2) / sxx)
    return Slope(slope, slope - half, slope + half, n)


def trend_verdict(*, rule: str, slope: Slope) -> str:
    """The proposal of a ``trend_up`` / ``trend_down`` rule from the slope's interval."""
    if rule not in TREND_RULES:
        raise ValueError(f"not a trend rule: {rule!r}")
    if slope.low > 0:
        return PROGRESS if rule == TREND_UP else DECLINE
    if slope.high < 0:
        return DECLINE if rule == TREND_UP else PROGRESS
    return STABLE


def retained(proposed: str, evaluator: str | None) -> str:
    """The verdict kept: the evaluator's when given, else the proposal."""
    return evaluator or proposed
