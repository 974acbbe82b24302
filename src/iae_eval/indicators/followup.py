"""Employment after exit, from the optional ``exit_followup`` table (docs/indicators.md).

The examined exits of the year (those of the exit rates: past the minimum stay, "retrait"
excluded) are matched on (person_id, structure_id, exit_date) with their situation 6, 12 and
24 months later. For each horizon h and scope:

- ``followup_{h}m_known``: examined exits whose situation at h months is known (a row whose
  situation is not ``inconnu``);
- ``followup_{h}m_coverage``: that count over the examined exits;
- ``employed_{h}m_rate``: exits in employment at h months (``emploi_durable`` or
  ``emploi_autre``) over the known ones; ``durable_employed_{h}m_rate``: in durable employment.

Rates are never taken over unknown situations. Without the table every key is null; a ratio
whose denominator is 0 is null.

Over several years of exit (a bilan, the synthèse's evidence): :func:`years_beyond` names the
years a horizon lies beyond (examined exits, none known at that horizon),
:func:`pooled_counts` sums the examined exits, known situations and employed counts over the
other years, and :func:`employment_bounds` bounds the share in employment over all the
examined exits (the unknown counted out of work, then in work). The follow-up section and the
synthèse read the same figures through them.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import numpy as np
import pandas as pd

from iae_eval.data import reference
from iae_eval.data.dataset import Dataset, per_dataset
from iae_eval.data.keys import positions
from iae_eval.data.rules import RulesProfile, profile_for
from iae_eval.indicators import uncertainty
from iae_eval.indicators.catalogue import FOLLOWUP_HORIZONS, FOLLOWUP_KEYS
from iae_eval.indicators.facts import pathway_facts, scope_grouping

_MATCH = ("person_id", "structure_id", "exit_date")


def _examined(dataset: Dataset, year: int, profile: RulesProfile) -> pd.DataFrame:
    """The examined exits of ``year``: person, structure, kind and exit date."""
    facts = pathway_facts(dataset, year, profile)
    neutral = reference.EXIT_CATEGORIES.index(reference.NEUTRAL_CATEGORY)
    rows = facts.rows[facts.examinable_exit & (facts.category != neutral)]
    return rows[[*_MATCH, "kind"]].reset_index(drop=True)


def _situations(followup: pd.DataFrame, exits: pd.DataFrame, months: int) -> np.ndarray:
    """The situation at ``months`` of each exit (None: no row)."""
    rows = followup[followup["months_after"].to_numpy() == months]
    position = positions(rows, exits, _MATCH)
    values = np.append(rows["situation"].to_numpy(dtype=object), None)
    return values[position]


def _matched(
    dataset: Dataset, year: int, profile: RulesProfile
) -> tuple[pd.DataFrame, dict[int, np.ndarray]]:
    """The examined exits of ``year`` and their situation at each horizon, matched once per
    dataset, year and rules profile (every scope counts the same exits)."""

    def match() -> tuple[pd.DataFrame, dict[int, np.ndarray]]:
        exits = _examined(dataset, year, profile)
        return exits, {h: _situations(dataset.exit_followup, exits, h) for h in FOLLOWUP_HORIZONS}

    return dataset.memoised(("followup situations", int(year), profile.key), match)


def followup_indicators(
    dataset: Dataset, year: int, by: str = "departement", *, rules: str | RulesProfile | None = None
) -> pd.DataFrame:
    """The keys :data:`FOLLOWUP_KEYS` for each key of scope ``by`` (the index of
    :func:`~iae_eval.indicators.compute.compute_indicators`); counts as ``Int64``."""
    grouping = scope_grouping(dataset.structures, by)
    n_keys = len(grouping.keys)
    if dataset.exit_followup is None:
        data = {
            k: pd.array([pd.NA] * n_keys, dtype="Int64") if k.endswith("_known") else np.full(n_keys, np.nan)
            for k in FOLLOWUP_KEYS
        }
        return pd.DataFrame(data, index=grouping.keys)
    profile = profile_for(
        dataset.rules if rules is None else rules,
        has_yearly_hours=dataset.yearly_hours is not None,
        source=dataset.source,
    )
    return dataset.memoised(
        ("followup", int(year), by, profile.key), lambda: _followup(dataset, int(year), grouping, profile)
    )


def _followup(dataset: Dataset, year: int, grouping, profile: RulesProfile) -> pd.DataFrame:
    n_keys = len(grouping.keys)
    exits, situations = _matched(dataset, year, profile)
    codes = grouping.codes(exits)
    keep = codes >= 0
    examined = np.bincount(codes[keep], minlength=n_keys)
    data: dict[str, object] = {}
    for h in FOLLOWUP_HORIZONS:
        situation = situations[h]
        known = (situation != None) & (situation != reference.FOLLOWUP_UNKNOWN)  # noqa: E711
        employed = np.isin(situation, reference.FOLLOWUP_EMPLOYED)
        durable = situation == "emploi_durable"
        n_known = np.bincount(codes[keep & known], minlength=n_keys)
        data[f"followup_{h}m_known"] = pd.array(n_known, dtype="Int64")
        data[f"followup_{h}m_coverage"] = _ratio(n_known, examined)
        data[f"employed_{h}m_rate"] = _ratio(np.bincount(codes[keep & employed], minlength=n_keys), n_known)
        data[f"durable_employed_{h}m_rate"] = _ratio(
            np.bincount(codes[keep & durable], minlength=n_keys), n_known
        )
    return pd.DataFrame({k: data[k] for k in FOLLOWUP_KEYS}, index=grouping.keys)


def _ratio(numerator: np.ndarray, denominator: np.ndarray) -> np.ndarray:
    out = np.full(len(numerator), np.nan)
    np.divide(numerator, denominator, out=out, where=np.asarray(denominator) > 0)
    return out


def followup_rates(frame: pd.DataFrame, h: int) -> pd.DataFrame:
    """The rates at ``h`` months of a frame of :func:`followup_indicators` (or of
    ``output_indicators``) with their Wilson 95 % intervals: columns ``known``, ``coverage``,
    ``employed``, ``employed_low``, ``employed_high``, ``durable``, ``durable_low``,
    ``durable_high``; NaN where undefined."""
    known = frame[f"followup_{h}m_known"].astype("Float64").astype(float)
    out = pd.DataFrame({"known": known, "coverage": frame[f"followup_{h}m_coverage"].astype(float)})
    for name, key in (("employed", f"employed_{h}m_rate"), ("durable", f"durable_employed_{h}m_rate")):
        rate = frame[key].astype(float)
        successes = (rate * known).round()
        low, high = uncertainty.wilson_interval(successes.fillna(0), known.fillna(0))
        out[name] = rate
        out[f"{name}_low"] = low
        out[f"{name}_high"] = high
    return out


def years_beyond(dataset: Dataset, years: Iterable[int], h: int) -> list[int]:
    """The years among ``years`` whose exits include examined ones but none with a known
    situation at ``h`` months: the horizon lies beyond the data (the last year's exits, six
    months later). Computed once per dataset, rules profile, years and horizon."""
    return list(_years_beyond(dataset, tuple(int(y) for y in years), int(h)))


@per_dataset
def _years_beyond(dataset: Dataset, years: tuple[int, ...], h: int) -> tuple[int, ...]:
    from iae_eval.indicators.compute import compute_indicators

    beyond = []
    for year in years:
        examined = compute_indicators(dataset, year)["exits_examined"].astype(float).fillna(0).iloc[0]
        known = followup_indicators(dataset, year)[f"followup_{h}m_known"].astype("Float64").fillna(0).iloc[0]
        if examined and not known:
            beyond.append(year)
    return tuple(beyond)


#: The columns of :func:`pooled_counts`, and the count of each rate's numerator.
POOLED_COUNTS = ("examined", "known", "employed_n", "durable_n")
RATE_COUNTS = {"employed": "employed_n", "durable_employed": "durable_n"}


def pooled_counts(dataset: Dataset, years: Iterable[int], h: int, by: str = "departement") -> pd.DataFrame:
    """Per key of scope ``by`` (the index of
    :func:`~iae_eval.indicators.compute.compute_indicators`), summed over ``years`` (at least
    one): the examined exits (``examined``), those whose situation at ``h`` months is known
    (``known``), in employment (``employed_n``) and in durable employment (``durable_n``) at
    ``h`` months, as floats, 0 where a year has none. The caller chooses the years (leaving out
    those of :func:`years_beyond`, or not)."""
    from iae_eval.indicators.compute import compute_indicators

    total = None
    for year in years:
        f = followup_indicators(dataset, year, by)
        examined = compute_indicators(dataset, year, by)["exits_examined"].astype(float)
        known = f[f"followup_{h}m_known"].astype("Float64").astype(float).fillna(0)
        frame = pd.DataFrame(
            {
                "examined": examined.fillna(0),
                "known": known,
                "employed_n": (f[f"employed_{h}m_rate"].astype(float) * known).round().fillna(0),
                "durable_n": (f[f"durable_employed_{h}m_rate"].astype(float) * known).round().fillna(0),
            }
        )
        total = frame if total is None else total + frame
    if total is None:
        raise ValueError("pooled_counts needs at least one year")
    return total


def employment_bounds(employed: float, known: float, examined: float) -> tuple[float, float]:
    """The share in employment among all the ``examined`` exits (> 0), the unknown situations
    counted out of work, then in work: ``employed / examined`` and
    ``(employed + examined - known) / examined``."""
    return employed / examined, (employed + examined - known) / examined


#: The kit's national references of employment after exit (docs/data.md, "followup_reference").
REFERENCE_FILE = Path(__file__).resolve().parents[1] / "data" / "references" / "followup_reference.csv"


def followup_references(dataset: Dataset, months: int) -> pd.DataFrame:
    """The national share in employment ``months`` after exit by kind of structure (index:
    kind; columns ``employed_rate``, ``source``): the dataset's ``followup_reference`` table,
    else the kit's (DARES)."""
    table = dataset.followup_reference
    if table is None:
        table = pd.read_csv(REFERENCE_FILE, dtype={"kind": str, "source": str})
    rows = table[table["months_after"].astype(int) == int(months)]
    return rows.set_index("kind")[["employed_rate", "source"]]
