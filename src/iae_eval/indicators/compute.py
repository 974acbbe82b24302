"""The indicators of docs/indicators.md for one year and one scope (their json, CSV and table
forms: :mod:`iae_eval.indicators.output`; the per-pathway facts and the scopes' key codes:
:mod:`iae_eval.indicators.facts`).

How it works: the pathways active in the year are selected once and every per-pathway
fact (entered in Y, exits in Y, examinable, exit category, age, RSA…) is computed as a
numpy array. Each scope is then only a different *key code* per row — a constant for the
département, the structure's position for ``structure``, the structure's territory for
``territory``, the pathway's kind for ``kind`` — and every indicator is a ``bincount``
(pathway counts, sums) or a count of distinct (key, person) pairs over those codes. The
contracts, operations and funding tables go through the same key codes.

Rules, all from docs/indicators.md:

- counts of people are distinct ``person_id`` within a scope key: a person with pathways
  in two structures counts once in the département and once in each structure;
- the minimum stay of each kind is read from a rules profile of :mod:`iae_eval.data.rules`
  (``fiche-h5`` by default: 3 calendar months, ``exit_date >= entry_date +
  DateOffset(months=3)``, the day clipped to the month's end as pandas does; 150 hours
  worked, a missing number of hours failing it; or none. ``asp``: the national rules,
  on the hours worked in the year of exit);
- exit categories come from ``dataset.exit_reasons`` (so an override table applies);
- a ratio whose denominator is 0 is null, never 0; a missing optional table makes its keys
  null in every scope; an optional table without a row for the year gives counts and sums
  of 0 (and the ratios built on them follow the rule above); a year without any data
  gives zeros and nulls.

In the frame, counts are nullable integers (``Int64``) and every other key is a float
(rates as fractions); a null is ``<NA>`` for counts and ``NaN`` for floats.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import numpy as np
import pandas as pd

from iae_eval.data import reference
from iae_eval.data.dataset import Dataset
from iae_eval.data.rules import RulesProfile, profile_for
from iae_eval.indicators.catalogue import (
    COUNT_KEYS,
    DURABLE_CATEGORY,
    INDICATOR_KEYS,
)
from iae_eval.indicators.facts import (
    Grouping,
    Pathways,
    as_bools,
    as_floats,
    count_by_key,
    pathway_facts,
    scope_grouping,
    sum_by_key,
)

#: Days in an average month (365.25 / 12), for ``mean_duration_months``.
DAYS_PER_MONTH = 30.4375

_CONTRACT_KEYS = (
    "contracts_total",
    "contracts_with_clause",
    "clause_share",
    "insertion_hours_planned",
    "insertion_hours_done",
)
_FUNDING_KEYS = ("funding_total", "cost_per_participant", "cost_per_dynamic_exit", "cost_per_durable_exit")


def _ratio(numerator: np.ndarray | None, denominator: np.ndarray | None) -> np.ndarray | None:
    """``numerator / denominator``, NaN where the denominator is 0; None if either is None."""
    if numerator is None or denominator is None:
        return None
    numerator = np.asarray(numerator, dtype=np.float64)
    denominator = np.asarray(denominator, dtype=np.float64)
    out = np.full(len(numerator), np.nan)
    np.divide(numerator, denominator, out=out, where=denominator > 0)
    return out


def _distinct_people(
    codes: np.ndarray, person: np.ndarray, flags: Mapping[str, np.ndarray], n: int
) -> dict[str, np.ndarray]:
    """For each flag, the number of distinct persons per key with at least one flagged row.

    The (key, person) pairs are sorted once; each flag is then an ``or`` over each pair's
    rows (``reduceat``) and a ``bincount`` of the pairs that have it.
    """
    valid = (codes >= 0) & (person >= 0)
    if not valid.any():
        return {name: np.zeros(n, dtype=np.int64) for name in flags}
    n_persons = int(person.max()) + 1
    pair = codes[valid].astype(np.int64) * n_persons + person[valid]
    order = np.argsort(pair, kind="stable")
    pair = pair[order]
    starts = np.flatnonzero(np.r_[True, pair[1:] != pair[:-1]])
    pair_key = pair[starts] // n_persons
    result = {}
    for name, flag in flags.items():
        has = np.logical_or.reduceat(flag[valid][order], starts)
        result[name] = np.bincount(pair_key[has], minlength=n)
    return result


# ----------------------------------------------------------------------------------------
# Indicators by table
# ----------------------------------------------------------------------------------------
def _pathway_indicators(facts: Pathways, codes: np.ndarray, n: int) -> dict[str, np.ndarray]:
    """Every key computed from the participants table (plus ``dynamic_exits``)."""
    exits = facts.examinable_exit
    out = _distinct_people(codes, facts.person, facts.people_flags, n)
    out["entries"] = count_by_key(codes, facts.entered, n)
    out["rsa_entries"] = count_by_key(codes, facts.entered & facts.rsa, n)
    out["exits"] = count_by_key(codes, exits, n)
    out["short_exits"] = count_by_key(codes, facts.exits_in_year & ~exits, n)
    for position, category in enumerate(reference.EXIT_CATEGORIES):
        out[f"exits_{category}"] = count_by_key(codes, exits & (facts.category == position), n)
    neutral = reference.EXIT_CATEGORIES.index(reference.NEUTRAL_CATEGORY)
    examined = exits & (facts.category != neutral)
    out["exits_examined"] = count_by_key(codes, examined, n)
    dynamic = sum(out[f"exits_{c}"] for c in reference.DYNAMIC_CATEGORIES)
    out["dynamic_exits"] = dynamic  # not a key: the denominator of cost_per_dynamic_exit
    out["durable_rate"] = _ratio(out[f"exits_{DURABLE_CATEGORY}"], out["exits_examined"])
    out["dynamic_rate"] = _ratio(dynamic, out["exits_examined"])
    total_days = sum_by_key(codes, facts.duration_days, examined, n)
    out["mean_duration_months"] = _ratio(total_days / DAYS_PER_MONTH, out["exits_examined"])
    out["rsa_share"] = _ratio(out["rsa_participants"], out["participants"])
    return out


def _year_rows(
    frame: pd.DataFrame | None, year: int, grouping: Grouping
) -> tuple[pd.DataFrame, np.ndarray] | None:
    """The rows of an optional yearly table for ``year`` and their key codes; None when the
    table is missing or the scope does not apply to it (its keys are then null)."""
    if frame is None:
        return None
    rows = frame[as_bools(frame["year"] == year)]
    codes = grouping.codes(rows)
    return None if codes is None else (rows, codes)


def _contract_indicators(contracts, year: int, grouping: Grouping, n: int) -> dict:
    """contracts_total, contracts_with_clause, clause_share and the insertion hours."""
    found = _year_rows(contracts, year, grouping)
    if found is None:
        return dict.fromkeys(_CONTRACT_KEYS)
    rows, codes = found
    clause = as_bools(rows["social_clause"])
    total = count_by_key(codes, np.ones(len(rows), dtype=bool), n)
    with_clause = count_by_key(codes, clause, n)
    return {
        "contracts_total": total,
        "contracts_with_clause": with_clause,
        "clause_share": _ratio(with_clause, total),
        "insertion_hours_planned": sum_by_key(codes, as_floats(rows["hours_planned"]), clause, n),
        "insertion_hours_done": sum_by_key(codes, as_floats(rows["hours_done"]), clause, n),
    }


def _operation_indicators(operations, year: int, grouping: Grouping, n: int) -> dict:
    """operations: the operations of the year."""
    found = _year_rows(operations, year, grouping)
    if found is None:
        return {"operations": None}
    rows, codes = found
    return {"operations": count_by_key(codes, np.ones(len(rows), dtype=bool), n)}


def _funding_indicators(
    funding, year: int, grouping: Grouping, n: int, *, participants, dynamic_exits, durable_exits
) -> dict:
    """funding_total and the three costs."""
    found = _year_rows(funding, year, grouping)
    if found is None:
        return dict.fromkeys(_FUNDING_KEYS)
    rows, codes = found
    total = sum_by_key(codes, as_floats(rows["amount_eur"]), np.ones(len(rows), dtype=bool), n)
    return {
        "funding_total": total,
        "cost_per_participant": _ratio(total, participants),
        "cost_per_dynamic_exit": _ratio(total, dynamic_exits),
        "cost_per_durable_exit": _ratio(total, durable_exits),
    }


def _coverage_indicators(context, year: int, by: str, rsa_participants) -> dict:
    """rsa_coverage_rate: the département's RSA participants over its RSA households of the
    ``context`` table (null without the figure for ``year``, and in every other scope)."""
    if context is None or by != "departement":
        return {"rsa_coverage_rate": None}
    households = as_floats(
        context.loc[as_bools((context["year"] == year) & (context["key"] == "rsa_households")), "value"]
    )
    if len(households) == 0:
        return {"rsa_coverage_rate": None}
    return {"rsa_coverage_rate": _ratio(rsa_participants, households[:1])}


def _frame(columns: Mapping[str, np.ndarray | None], keys: pd.Index) -> pd.DataFrame:
    """The indicator frame: one row per key, the keys of docs/indicators.md as columns (None = all null)."""
    n = len(keys)
    data = {}
    for name in INDICATOR_KEYS:
        values = columns[name]
        if name in COUNT_KEYS:
            ints = [pd.NA] * n if values is None else np.asarray(values, dtype=np.int64)
            data[name] = pd.array(ints, dtype="Int64")
        elif values is None:
            data[name] = np.full(n, np.nan)
        else:
            data[name] = np.asarray(values, dtype=np.float64)
    return pd.DataFrame(data, index=keys)


# ----------------------------------------------------------------------------------------
# Public API
# ----------------------------------------------------------------------------------------
def compute_indicators(
    dataset: Dataset, year: int, by: str = "departement", *, rules: str | RulesProfile | None = None
) -> pd.DataFrame:
    """The indicators of docs/indicators.md for ``year``, one row per key of scope ``by``.

    Scopes: ``departement`` (one row, key None); ``structure`` (every structure of the
    structures table, in its order, even without pathways); ``territory`` (every territory
    of the structures table, in order of first appearance: the structures of that
    territory); ``kind`` (every kind found in the structures' kinds, in the nomenclature's
    order: the pathways of that kind; the contract, operation and funding keys are null);
    ``structure_kind`` (every structure with every kind, keys ``S03|AI``: the structure's
    pathways of that kind, the pieces the public edition's protection adds up; the contract,
    operation and funding keys are null). The columns are :data:`INDICATOR_KEYS`; the index is named ``key``.

    ``rules`` is the minimum-stay rules profile (:mod:`iae_eval.data.rules`), by default the
    dataset's (``Dataset.rules``); under a profile with ``participant_min_hours`` the people
    counts keep only the pathways with that many hours worked in the year.
    """
    year = int(year)
    profile = profile_for(
        dataset.rules if rules is None else rules,
        has_yearly_hours=dataset.yearly_hours is not None,
        source=dataset.source,
    )
    key = ("indicators", year, by, profile.key)
    return dataset.memoised(key, lambda: _compute(dataset, year, by, profile))


def _compute(dataset: Dataset, year: int, by: str, profile: RulesProfile) -> pd.DataFrame:
    grouping = scope_grouping(dataset.structures, by)
    n = len(grouping.keys)
    facts = pathway_facts(dataset, year, profile)
    columns = _pathway_indicators(facts, grouping.codes(facts.rows), n)
    columns.update(_contract_indicators(dataset.contracts, year, grouping, n))
    columns.update(_operation_indicators(dataset.operations, year, grouping, n))
    columns.update(
        _funding_indicators(
            dataset.funding,
            year,
            grouping,
            n,
            participants=columns["participants"],
            dynamic_exits=columns["dynamic_exits"],
            durable_exits=columns[f"exits_{DURABLE_CATEGORY}"],
        )
    )
    columns.update(_coverage_indicators(dataset.context, year, by, columns["rsa_participants"]))
    return _frame(columns, grouping.keys)


def compute_trends(
    dataset: Dataset,
    years: Iterable[int],
    by: str = "departement",
    *,
    rules: str | RulesProfile | None = None,
) -> pd.DataFrame:
    """:func:`compute_indicators` for several years, stacked: columns ``year``, ``key``, then
    :data:`INDICATOR_KEYS`; one row per (year, key), years in the order given."""
    frames = [
        compute_indicators(dataset, year, by, rules=rules).reset_index().assign(year=int(year))
        for year in years
    ]
    if not frames:
        return pd.DataFrame(columns=["year", "key", *INDICATOR_KEYS])
    stacked = pd.concat(frames, ignore_index=True)
    return stacked[["year", "key", *INDICATOR_KEYS]]
