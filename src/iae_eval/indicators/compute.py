"""The indicators of docs/indicators.md for one year and one scope, and their json/csv/table forms.

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

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from iae_eval.cells import CSV_BOM, csv_text
from iae_eval.data import reference
from iae_eval.data.dataset import Dataset
from iae_eval.data.rules import RulesProfile, StayRule, get_profile, profile_for
from iae_eval.indicators.catalogue import (
    COUNT_KEYS,
    DURABLE_CATEGORY,
    INDICATOR_KEYS,
    OUTPUT_COUNT_KEYS,
    OUTPUT_KEYS,
    OUTPUT_RATE_KEYS,
)
from iae_eval.indicators.pathways import active_mask

#: The scopes of ``compute_indicators(by=...)``.
SCOPES: tuple[str, ...] = ("departement", "structure", "territory", "kind", "structure_kind")
#: Between a structure and a kind in the keys of the ``structure_kind`` scope (``S03|AI``).
PAIR_SEPARATOR = "|"

#: Age at entry below which a person counts in ``youth_under_26``.
YOUTH_AGE_LIMIT = 26
#: Age at entry from which a person counts in ``seniors_50_plus``.
SENIOR_AGE = 50
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


# ----------------------------------------------------------------------------------------
# Dates and minimum stays
# ----------------------------------------------------------------------------------------
def add_months(values: Iterable, months: int | np.ndarray) -> np.ndarray:
    """``values + pd.DateOffset(months=months)``, vectorised with numpy.

    ``values`` is an array (or Series) of datetime64; ``months`` an int or an array of
    ints of the same length. As pandas does, the day is clipped to the length of the
    target month (31 Jan + 1 month = 28 or 29 Feb) and the time of day is kept. NaT
    stays NaT. The result has the dtype of ``values``.
    """
    values = np.asarray(values)
    if not np.issubdtype(values.dtype, np.datetime64):
        values = values.astype("datetime64[ns]")
    days = values.astype("datetime64[D]")
    month = values.astype("datetime64[M]")
    day_in_month = (days - month.astype("datetime64[D]")).astype(np.int64)
    time_of_day = values - days.astype(values.dtype)
    target = month + np.asarray(months, dtype=np.int64).astype("timedelta64[M]")
    target_start = target.astype("datetime64[D]")
    month_length = ((target + 1).astype("datetime64[D]") - target_start).astype(np.int64)
    day = np.minimum(day_in_month, month_length - 1).astype("timedelta64[D]")
    return (target_start + day).astype(values.dtype) + time_of_day


def _floats(series: pd.Series) -> np.ndarray:
    """A numeric column as a float64 array, NaN for missing values."""
    return series.to_numpy(dtype=np.float64, na_value=np.nan)


def is_examinable(
    pathways: pd.DataFrame,
    *,
    rules: str | RulesProfile | None = None,
    exit_year_hours: np.ndarray | None = None,
) -> np.ndarray:
    """Whether each pathway's exit passes the minimum stay of its kind (docs/indicators.md).

    ``rules`` is a profile of :mod:`iae_eval.data.rules` (default ``fiche-h5``); each
    condition its :class:`~iae_eval.data.rules.StayRule` sets must hold: ``months`` —
    exit_date ≥ entry_date + n calendar months; ``more_than_days`` — exit_date − entry_date
    > d days; ``pathway_hours`` — hours_worked ≥ h (missing hours fail);
    ``exit_year_hours`` — ``exit_year_hours[i]`` (hours worked in the year of exit, NaN
    failing) ≥ h. A pathway without exit_date fails. Raises ``ValueError`` for a kind
    that has no rule, or when the profile needs ``exit_year_hours`` and none is given.
    """
    profile = get_profile(rules)
    kind_codes, kind_names = pd.factorize(pathways["kind"])
    entry = pathways["entry_date"].to_numpy()
    exit_ = pathways["exit_date"].to_numpy()
    hours = _floats(pathways["hours_worked"])
    if exit_year_hours is None:
        exit_year_hours = np.full(len(pathways), np.nan)
        if any(r.exit_year_hours is not None for r in profile.minimum_stay.values()):
            raise ValueError(f"the rules profile {profile.name!r} needs the hours worked in the year of exit")
    result = np.zeros(len(pathways), dtype=bool)
    for position, kind in enumerate(kind_names):
        if kind not in profile.minimum_stay:
            raise ValueError(f"no minimum stay for kind {kind!r} in the rules profile {profile.name!r}")
        rows = kind_codes == position
        result[rows] = _passes(
            profile.minimum_stay[kind], entry[rows], exit_[rows], hours[rows], exit_year_hours[rows]
        )
    return result


def _passes(
    rule: StayRule, entry: np.ndarray, exit_: np.ndarray, hours: np.ndarray, year_hours: np.ndarray
) -> np.ndarray:
    """One kind's rule applied to its pathways."""
    ok = ~np.isnat(exit_)
    if rule.months is not None:
        ok &= exit_ >= add_months(entry, int(rule.months))
    if rule.more_than_days is not None:
        ok &= (exit_ - entry) / np.timedelta64(1, "D") > rule.more_than_days
    if rule.pathway_hours is not None:
        ok &= hours >= rule.pathway_hours
    if rule.exit_year_hours is not None:
        ok &= year_hours >= rule.exit_year_hours
    return ok


_PATHWAY_KEY = ("person_id", "structure_id", "entry_date")


def hours_in_years(
    yearly_hours: pd.DataFrame | None, pathways: pd.DataFrame, years: np.ndarray
) -> np.ndarray:
    """Hours worked by each pathway in ``years[i]`` (its row of ``yearly_hours``; 0 when the
    table has no row for that pathway and year; NaN for every row when the table is None)."""
    if yearly_hours is None:
        return np.full(len(pathways), np.nan)
    table = pd.MultiIndex.from_arrays(
        [*(yearly_hours[c].to_numpy() for c in _PATHWAY_KEY), yearly_hours["year"].to_numpy(dtype=np.int64)]
    )
    wanted = pd.MultiIndex.from_arrays(
        [*(pathways[c].to_numpy() for c in _PATHWAY_KEY), np.asarray(years, dtype=np.int64)]
    )
    position = table.get_indexer(wanted)
    values = np.append(_floats(yearly_hours["hours"]), 0.0)
    return values[position]


# ----------------------------------------------------------------------------------------
# Scopes: one grouping mechanism
# ----------------------------------------------------------------------------------------
@dataclass(frozen=True)
class _Grouping:
    """The keys of one scope and how a row of any table maps to one of them.

    ``structure_key[i]`` is the key position of the i-th structure of ``structures``
    (structure and territory scopes); the kind scope reads the rows' ``kind`` column, and
    so does not apply to tables without one.
    """

    by: str
    keys: pd.Index
    structure_ids: pd.Index | None = None
    structure_key: np.ndarray | None = None

    def codes(self, frame: pd.DataFrame) -> np.ndarray | None:
        """Key position of each row of ``frame`` (-1: no key); None if the scope does not apply."""
        if self.by == "departement":
            return np.zeros(len(frame), dtype=np.intp)
        if self.by == "kind":
            if "kind" not in frame.columns:
                return None
            return self.keys.get_indexer(frame["kind"])
        if self.by == "structure_kind":
            if "kind" not in frame.columns:
                return None
            pairs = frame["structure_id"].astype(str) + PAIR_SEPARATOR + frame["kind"].astype(str)
            return self.keys.get_indexer(pairs)
        position = self.structure_ids.get_indexer(frame["structure_id"])
        return np.append(self.structure_key, -1)[position]


def _grouping(structures: pd.DataFrame, by: str) -> _Grouping:
    """The :class:`_Grouping` of scope ``by`` over ``structures``."""
    if by == "departement":
        return _Grouping(by, pd.Index([None], dtype=object, name="key"))
    if by in ("kind", "structure_kind"):
        present = set(structures["kinds"].explode().dropna())
        ordered = [k for k in reference.KINDS if k in present]
        ordered += sorted(present - set(reference.KINDS))
        if by == "structure_kind":  # every pair, listed or not: a pathway's kind may be another
            ordered = [
                f"{s}{PAIR_SEPARATOR}{k}" for s in structures["structure_id"].astype(str) for k in ordered
            ]
        return _Grouping(by, pd.Index(ordered, dtype=object, name="key"))
    ids = pd.Index(structures["structure_id"], name="key")
    if by == "structure":
        return _Grouping(by, ids, ids, np.arange(len(ids)))
    if by == "territory":
        territories = pd.Index(structures["territory"].dropna().unique(), name="key")
        return _Grouping(by, territories, ids, territories.get_indexer(structures["territory"]))
    raise ValueError(f"by must be one of {', '.join(SCOPES)}; got {by!r}")


# ----------------------------------------------------------------------------------------
# Per-pathway facts, computed once
# ----------------------------------------------------------------------------------------
@dataclass(frozen=True)
class _Pathways:
    """The pathways active in the year and their per-pathway facts (aligned numpy arrays)."""

    rows: pd.DataFrame  # the active pathways (for the scope's key codes)
    person: np.ndarray  # person code (-1: missing person_id)
    people_flags: dict[str, np.ndarray]  # person-count key -> which pathways qualify
    entered: np.ndarray
    rsa: np.ndarray
    exits_in_year: np.ndarray
    examinable_exit: np.ndarray  # exits in year and passes the minimum stay
    category: np.ndarray  # position in reference.EXIT_CATEGORIES (-1: unknown)
    duration_days: np.ndarray


def _bool(series: pd.Series) -> np.ndarray:
    """A boolean column (bool, nullable boolean or object) as a numpy bool array, NA = False."""
    return series.astype("boolean").to_numpy(dtype=bool, na_value=False)


def _category_positions(exit_reasons: pd.DataFrame, codes: np.ndarray) -> np.ndarray:
    """Position in EXIT_CATEGORIES of each exit code's category (-1: unknown code or category)."""
    category = pd.Index(reference.EXIT_CATEGORIES).get_indexer(exit_reasons["category"])
    where = pd.Index(exit_reasons["code"].to_numpy(dtype=np.int64)).get_indexer(codes)
    return np.append(category, -1)[where]


def _pathway_facts(dataset: Dataset, year: int, profile: RulesProfile) -> _Pathways:
    """Select the pathways active in ``year`` and compute every per-pathway fact."""
    participants = dataset.participants
    rows = participants[active_mask(participants, year).to_numpy()]
    start = np.datetime64(f"{year:04d}-01-01")
    next_start = np.datetime64(f"{year + 1:04d}-01-01")

    entry = rows["entry_date"].to_numpy()
    exit_ = rows["exit_date"].to_numpy()
    exits_in_year = (exit_ >= start) & (exit_ < next_start)
    examinable_exit = np.zeros(len(rows), dtype=bool)
    year_hours = None
    if profile.needs_yearly_hours:
        year_hours = hours_in_years(dataset.yearly_hours, rows, np.full(len(rows), year))
    examinable_exit[exits_in_year] = is_examinable(
        rows[exits_in_year],
        rules=profile,
        exit_year_hours=None if year_hours is None else year_hours[exits_in_year],
    )

    reason = rows["exit_reason"].to_numpy(dtype=np.int64, na_value=-1)
    category = _category_positions(dataset.exit_reasons, reason)
    durable = category == reference.EXIT_CATEGORIES.index(DURABLE_CATEGORY)
    training = reason == reference.QUALIFYING_TRAINING_CODE

    rsa = _bool(rows["rsa"])
    entry_year = entry.astype("datetime64[Y]").astype(np.int64) + 1970
    age = entry_year - _floats(rows["birth_year"])
    participant = np.ones(len(rows), dtype=bool)
    if profile.participant_min_hours is not None:
        participant = year_hours >= profile.participant_min_hours
    people_flags = {
        "participants": participant,
        "rsa_participants": participant & rsa,
        "women": participant & _bool(rows["sex"] == "F"),
        "youth_under_26": participant & (age < YOUTH_AGE_LIMIT),
        "seniors_50_plus": participant & (age >= SENIOR_AGE),
        "deld": participant & _bool(rows["deld"]),
        "rqth": participant & _bool(rows["rqth"]),
        "rsa_durable_or_training": examinable_exit & rsa & (durable | training),
    }
    person, _ = pd.factorize(rows["person_id"])
    return _Pathways(
        rows=rows,
        person=person,
        people_flags=people_flags,
        entered=entry >= start,
        rsa=rsa,
        exits_in_year=exits_in_year,
        examinable_exit=examinable_exit,
        category=category,
        duration_days=(exit_ - entry) / np.timedelta64(1, "D"),
    )


# ----------------------------------------------------------------------------------------
# Aggregation helpers over key codes
# ----------------------------------------------------------------------------------------
def _count(codes: np.ndarray, where: np.ndarray, n: int) -> np.ndarray:
    """Rows per key among those where ``where`` is true."""
    return np.bincount(codes[where & (codes >= 0)], minlength=n)


def _sum(codes: np.ndarray, values: np.ndarray, where: np.ndarray, n: int) -> np.ndarray:
    """Sum of ``values`` per key among the rows where ``where`` is true (NaN counts as 0)."""
    keep = where & (codes >= 0)
    return np.bincount(codes[keep], weights=np.nan_to_num(values[keep]), minlength=n)


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
def _pathway_indicators(facts: _Pathways, codes: np.ndarray, n: int) -> dict[str, np.ndarray]:
    """Every key computed from the participants table (plus ``dynamic_exits``)."""
    exits = facts.examinable_exit
    out = _distinct_people(codes, facts.person, facts.people_flags, n)
    out["entries"] = _count(codes, facts.entered, n)
    out["rsa_entries"] = _count(codes, facts.entered & facts.rsa, n)
    out["exits"] = _count(codes, exits, n)
    out["short_exits"] = _count(codes, facts.exits_in_year & ~exits, n)
    for position, category in enumerate(reference.EXIT_CATEGORIES):
        out[f"exits_{category}"] = _count(codes, exits & (facts.category == position), n)
    neutral = reference.EXIT_CATEGORIES.index(reference.NEUTRAL_CATEGORY)
    examined = exits & (facts.category != neutral)
    out["exits_examined"] = _count(codes, examined, n)
    dynamic = sum(out[f"exits_{c}"] for c in reference.DYNAMIC_CATEGORIES)
    out["dynamic_exits"] = dynamic  # not a key: the denominator of cost_per_dynamic_exit
    out["durable_rate"] = _ratio(out[f"exits_{DURABLE_CATEGORY}"], out["exits_examined"])
    out["dynamic_rate"] = _ratio(dynamic, out["exits_examined"])
    total_days = _sum(codes, facts.duration_days, examined, n)
    out["mean_duration_months"] = _ratio(total_days / DAYS_PER_MONTH, out["exits_examined"])
    out["rsa_share"] = _ratio(out["rsa_participants"], out["participants"])
    return out


def _year_rows(
    frame: pd.DataFrame | None, year: int, grouping: _Grouping
) -> tuple[pd.DataFrame, np.ndarray] | None:
    """The rows of an optional yearly table for ``year`` and their key codes; None when the
    table is missing or the scope does not apply to it (its keys are then null)."""
    if frame is None:
        return None
    rows = frame[_bool(frame["year"] == year)]
    codes = grouping.codes(rows)
    return None if codes is None else (rows, codes)


def _contract_indicators(contracts, year: int, grouping: _Grouping, n: int) -> dict:
    """contracts_total, contracts_with_clause, clause_share and the insertion hours."""
    found = _year_rows(contracts, year, grouping)
    if found is None:
        return dict.fromkeys(_CONTRACT_KEYS)
    rows, codes = found
    clause = _bool(rows["social_clause"])
    total = _count(codes, np.ones(len(rows), dtype=bool), n)
    with_clause = _count(codes, clause, n)
    return {
        "contracts_total": total,
        "contracts_with_clause": with_clause,
        "clause_share": _ratio(with_clause, total),
        "insertion_hours_planned": _sum(codes, _floats(rows["hours_planned"]), clause, n),
        "insertion_hours_done": _sum(codes, _floats(rows["hours_done"]), clause, n),
    }


def _operation_indicators(operations, year: int, grouping: _Grouping, n: int) -> dict:
    """operations: the operations of the year."""
    found = _year_rows(operations, year, grouping)
    if found is None:
        return {"operations": None}
    rows, codes = found
    return {"operations": _count(codes, np.ones(len(rows), dtype=bool), n)}


def _funding_indicators(
    funding, year: int, grouping: _Grouping, n: int, *, participants, dynamic_exits, durable_exits
) -> dict:
    """funding_total and the three costs."""
    found = _year_rows(funding, year, grouping)
    if found is None:
        return dict.fromkeys(_FUNDING_KEYS)
    rows, codes = found
    total = _sum(codes, _floats(rows["amount_eur"]), np.ones(len(rows), dtype=bool), n)
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
    households = _floats(
        context.loc[_bool((context["year"] == year) & (context["key"] == "rsa_households")), "value"]
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
    grouping = _grouping(dataset.structures, by)
    n = len(grouping.keys)
    facts = _pathway_facts(dataset, year, profile)
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


def output_indicators(
    dataset: Dataset, year: int, by: str = "departement", *, rules: str | RulesProfile | None = None
) -> pd.DataFrame:
    """:func:`compute_indicators` followed by the adjusted keys (the case-mix models of
    :mod:`iae_eval.indicators.adjusted`) and the follow-up keys
    (:mod:`iae_eval.indicators.followup`; null without an ``exit_followup`` table): the frame
    of ``iae-eval indicators``."""
    from iae_eval.indicators.adjusted import adjusted_indicators
    from iae_eval.indicators.followup import followup_indicators

    frame = compute_indicators(dataset, year, by, rules=rules)
    extra = [
        adjusted_indicators(dataset, int(year), by, rules=rules),
        followup_indicators(dataset, int(year), by, rules=rules),  # null without the table
    ]
    return pd.concat([frame, *(e.set_axis(frame.index) for e in extra)], axis=1)


def _python_values(series: pd.Series, *, integer: bool) -> list:
    """A column as Python ints or floats, None for nulls."""
    missing = series.isna().to_numpy()
    values = series.to_numpy(dtype=np.float64, na_value=np.nan)
    cast = int if integer else float
    return [None if m else cast(v) for v, m in zip(values, missing, strict=True)]


def _output_keys(frame: pd.DataFrame) -> list[str]:
    """The output keys the frame has, in catalogue order (the year's indicators of
    docs/indicators.md first, then the adjusted and follow-up ones)."""
    return [k for k in OUTPUT_KEYS if k in frame.columns]


def to_records(frame: pd.DataFrame, year: int, scope: str) -> list[dict]:
    """The json objects of ``iae-eval indicators --format json`` (docs/indicators.md):
    ``year``, ``scope``, ``key`` (None for the département), then every indicator key (and the
    adjusted and follow-up keys the frame has): counts as int, others as float, None when null."""
    columns = {
        name: _python_values(frame[name], integer=name in OUTPUT_COUNT_KEYS) for name in _output_keys(frame)
    }
    keys = [None if scope == "departement" or pd.isna(k) else str(k) for k in frame.index]
    records = []
    for position, key in enumerate(keys):
        record = {"year": int(year), "scope": scope, "key": key}
        record.update({name: values[position] for name, values in columns.items()})
        records.append(record)
    return records


def indicators_json(
    dataset: Dataset, year: int, by: str = "departement", *, rules: str | RulesProfile | None = None
) -> str:
    """The json text of ``iae-eval indicators`` (an array of objects, one per scope key;
    docs/indicators.md) of ``year`` and scope ``by``: the year's indicator keys, then the
    adjusted and follow-up ones (:func:`output_indicators`)."""
    frame = output_indicators(dataset, year, by, rules=rules)
    return json.dumps(to_records(frame, year, by), ensure_ascii=False, indent=2, allow_nan=False)


def indicators_csv(frame: pd.DataFrame, year: int, scope: str) -> str:
    """CSV text for Excel: columns ``year``, ``scope``, ``key``, then every key of docs/indicators.md;
    counts as integers, rates as fractions (decimal comma), an empty cell for null (and
    for the département's key)."""
    table = frame[_output_keys(frame)].reset_index(names="key")
    if scope == "departement":
        table["key"] = None
    table.insert(0, "scope", scope)
    table.insert(0, "year", int(year))
    return CSV_BOM + csv_text(table)


def _formatted(name: str, column: pd.Series) -> list[str]:
    """One indicator's values as text for the terminal table ("-" for null)."""
    values = _python_values(column, integer=name in OUTPUT_COUNT_KEYS)
    if name in OUTPUT_COUNT_KEYS:
        pattern = "{:d}"
    elif name in OUTPUT_RATE_KEYS:
        values = [None if v is None else v * 100 for v in values]
        pattern = "{:.1f}%"
    else:
        pattern = "{:,.2f}"
    return ["-" if v is None else pattern.format(v) for v in values]


def indicators_table(frame: pd.DataFrame) -> str:
    """A plain-text table for the terminal: one line per indicator, one column per scope key
    (``departement`` for the département); rates as percentages with one decimal, amounts
    with two decimals, "-" where null."""
    labels = ["departement" if pd.isna(k) else str(k) for k in frame.index]
    keys = _output_keys(frame)
    rows = [_formatted(name, frame[name]) for name in keys]
    table = pd.DataFrame(rows, index=keys, columns=labels)
    return table.to_string()
