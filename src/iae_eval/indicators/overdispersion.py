"""Funnel limits that hold at any size: overdispersion (Spiegelhalter 2005; docs/indicators.md).

With many structures, true rates vary beyond chance, and exact binomial limits flag far more
structures than the 0.2 % expected outside the 99.8 % limits. With :data:`MIN_UNITS`
structures or more, the spread is estimated:

- z-score of unit i against the target p0: zᵢ = (yᵢ − p0) / sᵢ, sᵢ = √(p0(1−p0)/nᵢ);
- the z-scores are winsorised at :data:`WINSOR` (below the 10th percentile set to it, above
  the 90th set to it; percentiles by linear interpolation) and φ = (1/k) Σ zᵢ²;
- overdispersion is declared when kφ exceeds the 95 % point of χ² with k − 1 degrees of
  freedom; then the limits widen:
  - **multiplicative**: p0 ± z·√φ·sᵢ, clipped to [0, 1];
  - **additive** (random effects): τ² = max(0, (kφ − (k − 1)) / (Σwᵢ − Σwᵢ²/Σwᵢ)),
    wᵢ = 1/sᵢ², limits p0 ± z·√(sᵢ² + τ²), clipped.

Which one: the additive form when the largest structure has at least
:data:`LARGE_UNIT_RATIO` times the median number of examined exits (multiplicative limits
shrink to nothing at very large sizes, unfair to the largest structures), the multiplicative
form otherwise. Without overdispersion, or with fewer than :data:`MIN_UNITS` structures, the
exact binomial limits stay (:func:`iae_eval.indicators.uncertainty.funnel_limits`).

A :class:`Dispersion` can be passed as the ``method`` of the funnel functions of
:mod:`iae_eval.indicators.uncertainty` (and so of the charts that call them): the limits drawn
and the positions counted are then these.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from iae_eval import fmt
from iae_eval.indicators import uncertainty

#: Fewer structures than this: no estimate, the exact binomial limits stay.
MIN_UNITS = 20
#: Share winsorised at each tail of the z-scores.
WINSOR = 0.10
#: The additive form when the largest unit has at least this many times the median exits.
LARGE_UNIT_RATIO = 10
#: The methods, as the reports and the ``Entonnoir`` sheet name them.
BINOMIAL, MULTIPLICATIVE, ADDITIVE = "binomiale exacte", "multiplicative", "additive"
#: Where a structure lies against the 99.8 % limits, in the ``Entonnoir`` sheet's words.
POSITIONS: dict[str, str] = {
    uncertainty.ABOVE: "au-dessus",
    uncertainty.WITHIN: "dans les limites",
    uncertainty.BELOW: "au-dessous",
}


@dataclass(frozen=True)
class Dispersion:
    """The spread of the units' rates around ``target`` and the limits it calls for."""

    target: float
    k: int
    phi: float | None
    tau2: float | None
    chi2_threshold: float | None
    overdispersed: bool
    method: str

    def limits(self, examined, target: float | None = None, *, level: float):
        """The control limits ``(low, high)`` at ``level`` for ``examined`` exits (shaped like
        it), by :attr:`method`."""
        p0 = self.target if target is None else target
        if self.method == BINOMIAL:
            return uncertainty.funnel_limits(examined, p0, level=level, method=uncertainty.BINOMIAL)
        n = np.asarray(pd.to_numeric(pd.Series(np.ravel(examined)), errors="coerce"), dtype=float).reshape(
            np.shape(examined)
        )
        defined = np.isfinite(n) & (n > 0)
        s2 = p0 * (1 - p0) / np.where(defined, n, 1.0)
        z = uncertainty.z_score(level)
        half = z * np.sqrt(self.phi * s2) if self.method == MULTIPLICATIVE else z * np.sqrt(s2 + self.tau2)
        low = np.where(defined, np.clip(p0 - half, 0, 1), np.nan)
        high = np.where(defined, np.clip(p0 + half, 0, 1), np.nan)
        return uncertainty._shaped(low, examined), uncertainty._shaped(high, examined)

    @property
    def explanation(self) -> str:
        """One French sentence: which limits are drawn and why."""
        if self.phi is None:
            return (
                f"Limites binomiales exactes : avec {self.k} structures (moins de {MIN_UNITS}), la "
                "dispersion des taux au-delà du hasard n'est pas estimée."
            )
        measured = (
            f"dispersion mesurée sur {self.k} structures : φ = {fmt.number(self.phi, 2)}, "
            f"τ² = {fmt.number(self.tau2, 4)}"
        )
        if not self.overdispersed:
            return (
                f"Limites binomiales exactes : les taux ne varient pas plus que le hasard ne l'explique "
                f"({measured}, sous le seuil du test à 95 %)."
            )
        how = (
            "élargies en multipliant la variance par φ"
            if self.method == MULTIPLICATIVE
            else "élargies par une variance entre structures τ² (quelques très grandes structures)"
        )
        return (
            f"Limites {how} : les taux varient plus que le hasard ne l'explique ({measured}) ; sans "
            "cette correction, des structures seraient signalées pour une variation ordinaire."
        )


def estimate(rates, examined, target: float) -> Dispersion:
    """The :class:`Dispersion` of the units with a rate and examined exits (see the module)."""
    from scipy.stats import chi2

    y = np.asarray(pd.to_numeric(pd.Series(np.ravel(rates)), errors="coerce"), dtype=float)
    n = np.asarray(pd.to_numeric(pd.Series(np.ravel(examined)), errors="coerce"), dtype=float)
    keep = np.isfinite(y) & np.isfinite(n) & (n > 0)
    y, n = y[keep], n[keep]
    k = len(y)
    if k < MIN_UNITS:
        return Dispersion(target, k, None, None, None, False, BINOMIAL)
    s = np.sqrt(target * (1 - target) / n)
    z = (y - target) / s
    low, high = np.quantile(z, [WINSOR, 1 - WINSOR])
    phi = float(np.mean(np.clip(z, low, high) ** 2))
    w = 1 / s**2
    tau2 = float(max(0.0, (k * phi - (k - 1)) / (w.sum() - (w**2).sum() / w.sum())))
    threshold = float(chi2.ppf(0.95, k - 1))
    overdispersed = k * phi > threshold
    if not overdispersed:
        method = BINOMIAL
    elif n.max() >= LARGE_UNIT_RATIO * np.median(n):
        method = ADDITIVE
    else:
        method = MULTIPLICATIVE
    return Dispersion(target, k, phi, tau2, threshold, overdispersed, method)


def funnel_table(rates: pd.Series, examined: pd.Series, target: float) -> tuple[Dispersion, pd.DataFrame]:
    """The dispersion and, per unit with a rate and examined exits (the index of ``rates``):
    ``valeur``, ``sorties_examinees``, ``limite_basse_95``, ``limite_haute_95``,
    ``limite_basse_998``, ``limite_haute_998``, ``position`` (against the 99.8 % limits) and
    ``methode``."""
    frame = pd.DataFrame(
        {
            "valeur": pd.to_numeric(rates, errors="coerce"),
            "sorties_examinees": pd.to_numeric(examined.reindex(rates.index), errors="coerce"),
        }
    )
    frame = frame[np.isfinite(frame["valeur"]) & (frame["sorties_examinees"] > 0)]
    dispersion = estimate(frame["valeur"], frame["sorties_examinees"], target)
    for level, suffix in zip(uncertainty.FUNNEL_LEVELS, ("95", "998"), strict=True):
        low, high = dispersion.limits(frame["sorties_examinees"], target, level=level)
        frame[f"limite_basse_{suffix}"] = low
        frame[f"limite_haute_{suffix}"] = high
    value = frame["valeur"]
    frame["position"] = np.where(
        value > frame["limite_haute_998"],
        POSITIONS[uncertainty.ABOVE],
        np.where(
            value < frame["limite_basse_998"], POSITIONS[uncertainty.BELOW], POSITIONS[uncertainty.WITHIN]
        ),
    )
    frame["methode"] = dispersion.method
    return dispersion, frame


def structure_funnel(dataset, year: int, key: str, *, rules=None) -> tuple[Dispersion, pd.DataFrame]:
    """:func:`funnel_table` of rate ``key`` (``durable_rate``, ``dynamic_rate``) over the
    structures of ``year``, around the rate's target (index: ``structure_id``)."""
    from iae_eval.indicators.catalogue import TARGETS
    from iae_eval.indicators.compute import compute_indicators

    frame = compute_indicators(dataset, year, "structure", rules=rules)
    return funnel_table(frame[key], frame["exits_examined"], TARGETS[key])


def outside_share(table: pd.DataFrame) -> float | None:
    """Share of the units lying outside the 99.8 % limits of ``table`` (None without units)."""
    if table.empty:
        return None
    return float((table["position"] != POSITIONS[uncertainty.WITHIN]).mean())
