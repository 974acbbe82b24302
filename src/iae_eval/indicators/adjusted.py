"""Observed against expected outcomes by scope, from the case-mix models (docs/indicators.md).

For a scope with n examined exits, O observed outcomes and E = Σ p̂ over its exits:
``{outcome}_expected_rate`` = E / n, ``{outcome}_oe`` = O / E, its exact Poisson 95 % interval
(Garwood: χ²₀.₀₂₅(2O)/2 and χ²₀.₉₇₅(2O+2)/2, lower bound 0 when O = 0) divided by E, and
``{outcome}_adjusted_rate`` = O / E × the département's rate. Null when n = 0 or when the
model was not fitted. At the département scope O/E is 1 by construction (maximum likelihood
with an intercept makes Σ p̂ = O).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from iae_eval.data.dataset import Dataset
from iae_eval.data.rules import RulesProfile
from iae_eval.indicators.casemix import OUTCOMES, CaseMixModel, models
from iae_eval.indicators.catalogue import ADJUSTED_KEYS
from iae_eval.indicators.facts import scope_grouping

#: What the adjustment takes into account and what it cannot see, said beside every adjusted
#: figure (docs/indicators.md).
CANNOT_SEE = (
    "L'ajustement tient compte du sexe, de l'âge, du RSA, de la demande d'emploi de longue durée, "
    "de la RQTH (et du niveau de formation quand il est connu) ; il ne voit ni la motivation, ni la "
    "santé, ni le marché du travail local, ni l'activité de la structure. Le type de structure "
    "(ACI, AI, EI, ETTI) n'est volontairement pas pris en compte : les types accueillent des "
    "publics différents par choix, et les objectifs sont communs."
)
#: The suffixes of the adjusted keys, per outcome (``durable_oe_low``…).
SUFFIXES: tuple[str, ...] = ("expected_rate", "oe", "oe_low", "oe_high", "adjusted_rate")


def garwood_interval(observed, *, level: float = 0.95) -> tuple[np.ndarray, np.ndarray]:
    """The exact Poisson interval of the counts ``observed`` (lower bound 0 at 0)."""
    from scipy.stats import chi2

    o = np.asarray(observed, dtype=np.float64)
    tail = (1 - level) / 2
    with np.errstate(invalid="ignore"):
        low = np.where(o > 0, chi2.ppf(tail, 2 * o) / 2, 0.0)
    high = chi2.ppf(1 - tail, 2 * o + 2) / 2
    return low, high


def scope_figures(model: CaseMixModel, codes: np.ndarray, n_keys: int) -> dict[str, np.ndarray]:
    """The five figures of one outcome for each key (``codes[i]``: key of exit i, -1: none)."""
    keep = codes >= 0
    y = model.population.outcomes[model.outcome]
    n = np.bincount(codes[keep], minlength=n_keys).astype(np.float64)
    nan = np.full(n_keys, np.nan)
    if not model.fitted:
        return {s: nan.copy() for s in SUFFIXES}
    o = np.bincount(codes[keep], weights=y[keep], minlength=n_keys)
    e = np.bincount(codes[keep], weights=model.expected[keep], minlength=n_keys)
    defined = n > 0
    safe_e = np.where(defined, e, 1.0)
    oe = np.where(defined, o / safe_e, np.nan)
    low, high = garwood_interval(o)
    return {
        "expected_rate": np.where(defined, e / np.where(defined, n, 1.0), np.nan),
        "oe": oe,
        "oe_low": np.where(defined, low / safe_e, np.nan),
        "oe_high": np.where(defined, high / safe_e, np.nan),
        "adjusted_rate": oe * model.rate,
    }


def adjusted_indicators(
    dataset: Dataset,
    years,
    by: str = "departement",
    *,
    rules: str | RulesProfile | None = None,
) -> pd.DataFrame:
    """The keys :data:`ADJUSTED_KEYS` for each key of scope ``by`` (the index of
    :func:`~iae_eval.indicators.compute.compute_indicators`), over the examined exits of
    ``years`` (one year, or the bilan's years pooled)."""
    fitted = models(dataset, years, rules=rules)
    grouping = scope_grouping(dataset.structures, by)
    n_keys = len(grouping.keys)
    pop = next(iter(fitted.values())).population
    rows = pd.DataFrame({"structure_id": pop.structure_id, "kind": pop.kind})
    codes = grouping.codes(rows)
    columns: dict[str, np.ndarray] = {}
    for outcome in OUTCOMES:
        figures = scope_figures(fitted[outcome], codes, n_keys)
        columns.update({f"{outcome}_{s}": figures[s] for s in SUFFIXES})
    return pd.DataFrame({k: columns[k] for k in ADJUSTED_KEYS}, index=grouping.keys)
