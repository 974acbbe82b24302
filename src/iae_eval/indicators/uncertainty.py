"""How sure a rate is: Wilson score intervals, funnel-plot control limits, verdicts on targets.

A rate on few exits is fragile (docs/editions.md): 3 durable exits out of 8 is 38 %, but its 95 %
interval runs from about 14 % to 69 %. This module gives the reports the numbers and words
to say so:

- :func:`wilson_interval`: the Wilson score interval of ``k`` successes out of ``n``
  (95 % by default), vectorised over arrays and Series; undefined (NaN) when ``n`` is 0;
- :func:`funnel_limits`: the control limits of a funnel plot (Spiegelhalter 2005) around a
  target ``p0`` for a number ``n`` of examined exits, at 95 % and 99.8 %. The default method
  is **exact binomial quantiles with Spiegelhalter's interpolation** (his appendix A.1.1):
  ``r`` is the smallest count with ``P(R ≤ r) ≥ q`` for ``R ~ Binomial(n, p0)``, and the
  limit is ``(r − α) / n`` with ``α = (P(R ≤ r) − q) / P(R = r)``, clipped to [0, 1].
  ``method="normal"`` gives the normal approximation ``p0 ± z·√(p0(1−p0)/n)``, clipped,
  which is poor for the small ``n`` of a structure's year;
- :func:`classify`: each unit above, within or below the limits;
- :func:`low_count` (fewer than :data:`LOW_COUNT_THRESHOLD` examined exits: "effectif
  faible") and :func:`verdict` ("atteint", "n'atteint pas", "compatible avec l'objectif");
- :func:`rate_interval_text`: ``31,8 % [20,1 – 46,3]`` in French.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from statistics import NormalDist

import numpy as np
import pandas as pd

from iae_eval import fmt

#: Confidence level of the intervals shown with every rate.
CONFIDENCE = 0.95
#: Levels of the funnel plots' control limits (inner, outer).
FUNNEL_LEVELS: tuple[float, float] = (0.95, 0.998)
#: A rate on fewer examined exits than this is marked :data:`LOW_COUNT_TEXT`.
LOW_COUNT_THRESHOLD = 20
LOW_COUNT_TEXT = "effectif faible"

#: Funnel methods: exact binomial quantiles (default) or the normal approximation.
BINOMIAL = "binomial"
NORMAL = "normal"

#: Where a unit lies against the funnel limits.
ABOVE, WITHIN, BELOW = "above", "within", "below"
POSITION_LABELS: dict[str, str] = {ABOVE: "au-dessus", WITHIN: "à l'intérieur", BELOW: "en dessous"}

#: The verdicts on a target.
REACHED = "atteint"
NOT_REACHED = "n'atteint pas"
COMPATIBLE = "compatible avec l'objectif"


def z_score(level: float) -> float:
    """The two-sided normal quantile of ``level``: 1.959964 for 0.95, 3.090232 for 0.998."""
    if not 0 < level < 1:
        raise ValueError(f"level must be between 0 and 1, got {level!r}")
    return NormalDist().inv_cdf(1 - (1 - level) / 2)


def _shaped(values: np.ndarray, like: object):
    """``values`` in the shape of ``like``: a Series with its index, a float for a scalar."""
    if isinstance(like, pd.Series):
        return pd.Series(values, index=like.index)
    if np.ndim(like) == 0:
        return float(values)
    return values


def _floats(values: object) -> np.ndarray:
    return np.asarray(pd.to_numeric(pd.Series(np.ravel(values)), errors="coerce"), dtype=float).reshape(
        np.shape(values)
    )


def wilson_interval(successes, examined, *, level: float = CONFIDENCE):
    """The Wilson score interval ``(low, high)`` of ``successes`` out of ``examined``.

    With ``p = k/n`` and ``z`` the normal quantile of ``level``: centre
    ``(p + z²/2n) / (1 + z²/n)``, half-width ``z·√(p(1−p)/n + z²/4n²) / (1 + z²/n)``. It stays
    within [0, 1] and is defined at ``k = 0`` and ``k = n``. Undefined (NaN) when ``n`` is 0
    or missing. Scalars give floats, Series give Series (same index), arrays give arrays.

    It is statsmodels' ``proportion_confint(k, n, alpha=1 − level, method="wilson")``, written
    here to keep NaN for ``n = 0``, the exact ends at 0 and ``n``, and pandas shapes (a test
    checks the two agree).

    Parameters
    ----------
    successes, examined : scalar, array or Series
        ``k`` and ``n`` (``0 ≤ k ≤ n``).
    level : float
        The confidence level (0.95).

    Returns
    -------
    (low, high) : the bounds, in the shape of the inputs.

    References
    ----------
    E. B. Wilson (1927), "Probable inference, the law of succession, and statistical
    inference", *JASA* 22, 209–212; L. D. Brown, T. T. Cai, A. DasGupta (2001), "Interval
    estimation for a binomial proportion", *Statistical Science* 16, 101–133.
    """
    k, n = _floats(successes), _floats(examined)
    if np.any(k < 0) or np.any(k > n):
        raise ValueError("successes must lie between 0 and the number examined")
    z2 = z_score(level) ** 2
    with np.errstate(divide="ignore", invalid="ignore"):
        n = np.where(n > 0, n, np.nan)
        p = k / n
        denominator = 1 + z2 / n
        centre = (p + z2 / (2 * n)) / denominator
        half = math.sqrt(z2) * np.sqrt(p * (1 - p) / n + z2 / (4 * n * n)) / denominator
    # exact bounds at k = 0 and k = n (the formula gives them up to rounding)
    low = np.where(k == 0, 0.0, np.clip(centre - half, 0, 1))
    high = np.where(k == n, 1.0, np.clip(centre + half, 0, 1))
    low, high = np.where(np.isfinite(p), low, np.nan), np.where(np.isfinite(p), high, np.nan)
    like = successes if isinstance(successes, pd.Series) else examined
    return _shaped(low, like), _shaped(high, like)


def rate_intervals(successes: pd.Series, examined: pd.Series, *, level: float = CONFIDENCE) -> pd.DataFrame:
    """One row per unit: ``rate``, ``low``, ``high`` (the Wilson interval), ``examined`` and
    ``low_count`` (True when the rate rests on 1 to 19 examined exits). Undefined rates are NaN."""
    low, high = wilson_interval(successes, examined, level=level)
    n = _floats(examined)
    with np.errstate(divide="ignore", invalid="ignore"):
        rate = np.where(n > 0, _floats(successes) / np.where(n > 0, n, 1), np.nan)
    return pd.DataFrame(
        {"rate": rate, "low": low, "high": high, "examined": n, "low_count": low_count(n)},
        index=successes.index,
    )


def low_count(examined, *, threshold: int = LOW_COUNT_THRESHOLD):
    """Whether a rate rests on an "effectif faible": 1 to ``threshold − 1`` examined exits
    (0 gives no rate at all, so it is not marked)."""
    n = _floats(examined)
    flags = (n > 0) & (n < threshold)
    if isinstance(examined, pd.Series):
        return pd.Series(flags, index=examined.index)
    return bool(flags) if np.ndim(examined) == 0 else flags


# ------------------------------------------------------------------------------------------
# Funnel plots
# ------------------------------------------------------------------------------------------
def _log_factorials(n_max: int) -> np.ndarray:
    return np.concatenate(([0.0], np.cumsum(np.log(np.arange(1, n_max + 1, dtype=float)))))


def _binomial_limit(n: int, p0: float, q: float, log_fact: np.ndarray) -> float:
    """Spiegelhalter's interpolated ``q`` quantile of Binomial(n, p0), divided by n."""
    k = np.arange(n + 1)
    pmf = np.exp(log_fact[n] - log_fact[k] - log_fact[n - k] + k * math.log(p0) + (n - k) * math.log1p(-p0))
    cdf = np.cumsum(pmf)
    r = min(int(np.searchsorted(cdf, q, side="left")), n)
    alpha = (cdf[r] - q) / pmf[r] if pmf[r] > 0 else 0.0
    return min(max((r - alpha) / n, 0.0), 1.0)


def funnel_limits(examined, target: float, *, level: float = FUNNEL_LEVELS[0], method: str = BINOMIAL):
    """The control limits ``(low, high)`` around ``target`` for ``examined`` exits at ``level``.

    ``method`` is :data:`BINOMIAL` (exact binomial quantiles with Spiegelhalter's
    interpolation, see the module) or :data:`NORMAL` (``p0 ± z·√(p0(1−p0)/n)``). Limits are
    clipped to [0, 1]; NaN where ``examined`` is 0 or missing. Shaped like ``examined``.
    ``method`` may also be an object with a ``limits(examined, target, level=...)`` method:
    the limits widened for overdispersion (:class:`iae_eval.indicators.overdispersion.Dispersion`).
    """
    if not 0 < target < 1:
        raise ValueError(f"target must be strictly between 0 and 1, got {target!r}")
    if hasattr(method, "limits"):
        return method.limits(examined, target, level=level)
    if method not in (BINOMIAL, NORMAL):
        raise ValueError(f"method must be {BINOMIAL!r} or {NORMAL!r}, got {method!r}")
    n = _floats(examined)
    defined = np.isfinite(n) & (n > 0)
    low = np.full(n.shape, np.nan)
    high = np.full(n.shape, np.nan)
    if method == NORMAL:
        half = z_score(level) * np.sqrt(target * (1 - target) / np.where(defined, n, 1))
        low = np.where(defined, np.clip(target - half, 0, 1), np.nan)
        high = np.where(defined, np.clip(target + half, 0, 1), np.nan)
    elif defined.any():
        counts = np.rint(n[defined]).astype(int)
        log_fact = _log_factorials(int(counts.max()))
        tail = (1 - level) / 2
        limits = {
            m: (_binomial_limit(m, target, tail, log_fact), _binomial_limit(m, target, 1 - tail, log_fact))
            for m in np.unique(counts)
        }
        low[defined] = [limits[m][0] for m in counts]
        high[defined] = [limits[m][1] for m in counts]
    return _shaped(low, examined), _shaped(high, examined)


def classify(rates, examined, target: float, *, level: float = FUNNEL_LEVELS[1], method: str = BINOMIAL):
    """Where each rate lies against the funnel limits at ``level``: :data:`ABOVE` (beyond the
    upper limit), :data:`BELOW` (under the lower one) or :data:`WITHIN` (a limit itself is
    within); None when the rate or its number of exits is undefined. Shaped like ``rates``."""
    r = _floats(rates)
    low, high = funnel_limits(examined, target, level=level, method=method)
    low, high = np.asarray(low, dtype=float), np.asarray(high, dtype=float)
    positions = np.where(r > high, ABOVE, np.where(r < low, BELOW, WITHIN)).astype(object)
    positions[~(np.isfinite(r) & np.isfinite(low))] = None
    if isinstance(rates, pd.Series):
        return pd.Series(positions, index=rates.index, dtype=object)
    return positions.item() if np.ndim(rates) == 0 else positions


def position_counts(positions) -> dict[str, int]:
    """How many units lie above, within and below (None positions left out)."""
    values = np.ravel(np.asarray(positions, dtype=object))
    return {p: int(np.count_nonzero(values == p)) for p in (ABOVE, WITHIN, BELOW)}


# ------------------------------------------------------------------------------------------
# Words and formats
# ------------------------------------------------------------------------------------------
def verdict(low: float, high: float, target: float) -> str | None:
    """:data:`REACHED` when the whole interval is above the target, :data:`NOT_REACHED` when it
    is below, :data:`COMPATIBLE` when it contains the target; None for an undefined interval."""
    if fmt.is_missing(low) or fmt.is_missing(high):
        return None
    if low > target:
        return REACHED
    if high < target:
        return NOT_REACHED
    return COMPATIBLE


def rate_interval_text(rate: object, low: object, high: object, *, decimals: int = 1) -> str:
    """``0.318, 0.201, 0.463`` → ``31,8 % [20,1 – 46,3]``; a missing rate is ``—``, text (a
    masked ``s``) passes through, a rate without interval is shown alone."""
    if fmt.is_missing(rate) or isinstance(rate, str):
        return fmt.percent(rate, decimals)
    shown = fmt.percent(rate, decimals)
    if fmt.is_missing(low) or fmt.is_missing(high):
        return shown
    bounds = f"{fmt.number(100 * float(low), decimals)}{fmt.NBSP}–{fmt.NBSP}{fmt.number(100 * float(high), decimals)}"
    return f"{shown} [{bounds}]"


@dataclass(frozen=True)
class RateEstimate:
    """One rate with its interval: ``successes`` out of ``examined`` exits."""

    successes: int
    examined: int
    level: float = CONFIDENCE

    @property
    def rate(self) -> float | None:
        return self.successes / self.examined if self.examined else None

    @property
    def interval(self) -> tuple[float, float] | None:
        if not self.examined:
            return None
        return wilson_interval(self.successes, self.examined, level=self.level)

    @property
    def low_count(self) -> bool:
        return low_count(self.examined)

    def verdict(self, target: float) -> str | None:
        interval = self.interval
        return None if interval is None else verdict(*interval, target)

    @property
    def text(self) -> str:
        """``31,8 % [20,1 – 46,3]``, followed by ``(effectif faible)`` when it applies."""
        low, high = self.interval or (None, None)
        shown = rate_interval_text(self.rate, low, high)
        return f"{shown} ({LOW_COUNT_TEXT})" if self.low_count else shown
