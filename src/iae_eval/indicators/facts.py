"""The per-pathway facts of a year and the scopes' key codes: what the engine
(:mod:`iae_eval.indicators.compute`) and the figures computed beside it
(:mod:`~iae_eval.indicators.adjusted`, :mod:`~iae_eval.indicators.casemix`,
:mod:`~iae_eval.indicators.followup`, :mod:`~iae_eval.indicators.exits_by_public`) share.

:func:`pathway_facts` selects the pathways active in a year and computes every per-pathway
fact once (entered, exits in the year, examinable under the rules profile's minimum stays,
exit category, RSA, people flags) as aligned numpy arrays; :func:`scope_grouping` gives a scope's
keys and the key code of any table's rows; :func:`count_by_key` and :func:`sum_by_key`
aggregate over those codes.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from iae_eval.data import reference
from iae_eval.data.dataset import Dataset
from iae_eval.data.rules import RulesProfile, StayRule, get_profile
from iae_eval.indicators.catalogue import DURABLE_CATEGORY
from iae_eval.indicators.pathways import active_mask

#: The scopes of ``compute_indicators(by=...)``.
SCOPES: tuple[str, ...] = ("departement", "structure", "territory", "kind", "structure_kind")
#: Between a structure and a kind in the keys of the ``structure_kind`` scope (``S03|AI``).
PAIR_SEPARATOR = "|"

#: Age at entry below which a person counts in ``youth_under_26``.
YOUTH_AGE_LIMIT = 26
#: Age at entry from which a person counts in ``seniors_50_plus``.
SENIOR_AGE = 50


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


def as_floats(series: pd.Series) -> np.ndarray:
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
    hours = as_floats(pathways["hours_worked"])
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
    values = np.append(as_floats(yearly_hours["hours"]), 0.0)
    return values[position]


# ----------------------------------------------------------------------------------------
# Scopes: one grouping mechanism
# ----------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Grouping:
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


def scope_grouping(structures: pd.DataFrame, by: str) -> Grouping:
    """The :class:`Grouping` of scope ``by`` over ``structures``."""
    if by == "departement":
        return Grouping(by, pd.Index([None], dtype=object, name="key"))
    if by in ("kind", "structure_kind"):
        present = set(structures["kinds"].explode().dropna())
        ordered = [k for k in reference.KINDS if k in present]
        ordered += sorted(present - set(reference.KINDS))
        if by == "structure_kind":  # every pair, listed or not: a pathway's kind may be another
            ordered = [
                f"{s}{PAIR_SEPARATOR}{k}" for s in structures["structure_id"].astype(str) for k in ordered
            ]
        return Grouping(by, pd.Index(ordered, dtype=object, name="key"))
    ids = pd.Index(structures["structure_id"], name="key")
    if by == "structure":
        return Grouping(by, ids, ids, np.arange(len(ids)))
    if by == "territory":
        territories = pd.Index(structures["territory"].dropna().unique(), name="key")
        return Grouping(by, territories, ids, territories.get_indexer(structures["territory"]))
    raise ValueError(f"by must be one of {', '.join(SCOPES)}; got {by!r}")


# ----------------------------------------------------------------------------------------
# Per-pathway facts, computed once
# ----------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Pathways:
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


def as_bools(series: pd.Series) -> np.ndarray:
    """A boolean column (bool, nullable boolean or object) as a numpy bool array, NA = False."""
    return series.astype("boolean").to_numpy(dtype=bool, na_value=False)


def _category_positions(exit_reasons: pd.DataFrame, codes: np.ndarray) -> np.ndarray:
    """Position in EXIT_CATEGORIES of each exit code's category (-1: unknown code or category)."""
    category = pd.Index(reference.EXIT_CATEGORIES).get_indexer(exit_reasons["category"])
    where = pd.Index(exit_reasons["code"].to_numpy(dtype=np.int64)).get_indexer(codes)
    return np.append(category, -1)[where]


def pathway_facts(dataset: Dataset, year: int, profile: RulesProfile) -> Pathways:
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

    rsa = as_bools(rows["rsa"])
    entry_year = entry.astype("datetime64[Y]").astype(np.int64) + 1970
    age = entry_year - as_floats(rows["birth_year"])
    participant = np.ones(len(rows), dtype=bool)
    if profile.participant_min_hours is not None:
        participant = year_hours >= profile.participant_min_hours
    people_flags = {
        "participants": participant,
        "rsa_participants": participant & rsa,
        "women": participant & as_bools(rows["sex"] == "F"),
        "youth_under_26": participant & (age < YOUTH_AGE_LIMIT),
        "seniors_50_plus": participant & (age >= SENIOR_AGE),
        "deld": participant & as_bools(rows["deld"]),
        "rqth": participant & as_bools(rows["rqth"]),
        "rsa_durable_or_training": examinable_exit & rsa & (durable | training),
    }
    person, _ = pd.factorize(rows["person_id"])
    return Pathways(
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
def count_by_key(codes: np.ndarray, where: np.ndarray, n: int) -> np.ndarray:
    """Rows per key among those where ``where`` is true."""
    return np.bincount(codes[where & (codes >= 0)], minlength=n)


def sum_by_key(codes: np.ndarray, values: np.ndarray, where: np.ndarray, n: int) -> np.ndarray:
    """Sum of ``values`` per key among the rows where ``where`` is true (NaN counts as 0)."""
    keep = where & (codes >= 0)
    return np.bincount(codes[keep], weights=np.nan_to_num(values[keep]), minlength=n)
