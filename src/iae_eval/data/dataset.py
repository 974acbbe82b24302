"""The validated dataset passed between the kit's steps, and the shape of its tables.

``TABLES`` is the one description of the input tables (docs/data.md): the loader
parses with it, the validator checks with it, the sample generator writes with it.

Types of the columns in the frames a :class:`Dataset` holds:

- ``text``: pandas string dtype, missing values are NaN;
- ``list``: object column of tuples of str (an empty tuple when the cell is empty);
- ``date``: datetime64, NaT when empty;
- ``int``: int64 when the column is required, nullable ``Int64`` otherwise;
- ``float``: float64, NaN when empty;
- ``bool``: bool when required, nullable ``boolean`` otherwise.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass, field, fields, replace
from typing import TypeVar

import pandas as pd

from iae_eval.data.rules import DEFAULT_RULES

T = TypeVar("T")


@dataclass(frozen=True)
class Column:
    """One column of an input table."""

    name: str
    type: str  # text | list | date | int | float | bool
    required: bool = False


@dataclass(frozen=True)
class Table:
    """One input table: its columns and the keys that must be unique."""

    name: str
    columns: tuple[Column, ...]
    required: bool = False
    unique: tuple[tuple[str, ...], ...] = ()

    @property
    def column_names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)


def _c(name: str, type_: str = "text", required: bool = False) -> Column:
    return Column(name, type_, required)


TABLES: dict[str, Table] = {
    t.name: t
    for t in (
        Table(
            "structures",
            (
                _c("structure_id", required=True),
                _c("name", required=True),
                _c("siret"),
                _c("kinds", "list", required=True),
                _c("commune", required=True),
                _c("territory", required=True),
                _c("activity_supports", "list"),
            ),
            required=True,
            unique=(("structure_id",),),
        ),
        Table(
            "participants",
            (
                _c("person_id", required=True),
                _c("structure_id", required=True),
                _c("kind", required=True),
                _c("entry_date", "date", required=True),
                _c("exit_date", "date"),
                _c("exit_reason", "int"),
                _c("sex", required=True),
                _c("birth_year", "int", required=True),
                _c("rsa", "bool", required=True),
                _c("deld", "bool"),
                _c("rqth", "bool"),
                _c("hours_worked", "float"),
                # optional: level of education at entry (infra_3, 3, 4, 5_plus; empty = not known)
                _c("education_level"),
            ),
            required=True,
            unique=(("person_id", "structure_id", "entry_date"),),
        ),
        Table(
            "contracts",
            (
                _c("contract_id", required=True),
                _c("year", "int", required=True),
                _c("title", required=True),
                _c("buyer", required=True),
                _c("amount_eur", "float"),
                _c("social_clause", "bool", required=True),
                _c("clause_type"),
                _c("hours_planned", "float"),
                _c("hours_done", "float"),
                _c("structure_id"),
            ),
            unique=(("contract_id",),),
        ),
        Table(
            "operations",
            (
                _c("operation_id", required=True),
                _c("year", "int", required=True),
                _c("structure_id", required=True),
                _c("title", required=True),
                _c("partner"),
                _c("amount_eur", "float"),
            ),
            unique=(("operation_id",),),
        ),
        Table(
            "funding",
            (
                _c("year", "int", required=True),
                _c("structure_id", required=True),
                _c("funder", required=True),
                _c("nature", required=True),
                _c("amount_eur", "float", required=True),
            ),
        ),
        Table(
            "sd_assessment",
            (
                _c("year", "int", required=True),
                _c("structure_id"),
                _c("criterion", required=True),
                _c("score", "int", required=True),
                _c("comment"),
            ),
            unique=(("year", "structure_id", "criterion"),),
        ),
        Table(
            "action_plan",
            (
                _c("action_id", required=True),
                _c("semester", required=True),
                _c("status", required=True),
                _c("comment"),
            ),
            unique=(("action_id", "semester"),),
        ),
        Table(
            "departement",
            (
                _c("code", required=True),
                _c("name", required=True),
            ),
        ),
        Table(
            "yearly_hours",
            (
                _c("person_id", required=True),
                _c("structure_id", required=True),
                _c("entry_date", "date", required=True),
                _c("year", "int", required=True),
                _c("hours", "float", required=True),
            ),
            unique=(("person_id", "structure_id", "entry_date", "year"),),
        ),
        Table(
            "exit_followup",
            (
                _c("person_id", required=True),
                _c("structure_id", required=True),
                _c("exit_date", "date", required=True),
                _c("months_after", "int", required=True),
                _c("situation", required=True),
            ),
            unique=(("person_id", "structure_id", "exit_date", "months_after"),),
        ),
        Table(
            "exit_reasons",
            (
                _c("code", "int", required=True),
                _c("label", required=True),
                _c("category", required=True),
            ),
            unique=(("code",),),
        ),
        Table(
            "context",
            (
                _c("year", "int", required=True),
                _c("key", required=True),
                _c("value", "float", required=True),
                _c("source"),
            ),
            unique=(("year", "key"),),
        ),
        Table(
            "followup_reference",
            (
                _c("kind", required=True),
                _c("months_after", "int", required=True),
                _c("employed_rate", "float", required=True),
                _c("source", required=True),
            ),
            unique=(("kind", "months_after"),),
        ),
        Table(
            "evaluation",
            (
                _c("question_id", required=True),
                _c("criterion", required=True),
                _c("question", required=True),
                _c("indicator"),
                _c("rule", required=True),
                _c("target", "float"),
                _c("verdict"),
                _c("objective"),
                _c("active", "bool"),
                _c("mode"),
            ),
            unique=(("question_id",),),
        ),
    )
}
REQUIRED_TABLES: tuple[str, ...] = tuple(n for n, t in TABLES.items() if t.required)
OPTIONAL_TABLES: tuple[str, ...] = tuple(n for n, t in TABLES.items() if not t.required)


@dataclass(frozen=True)
class Dataset:
    """A loaded and validated dataset. Optional tables are ``None`` when absent.

    ``exit_reasons`` is always set: the dataset's own table when it has one, else the
    built-in nomenclature (columns ``code`` int64, ``label``, ``category``).
    """

    structures: pd.DataFrame
    participants: pd.DataFrame
    exit_reasons: pd.DataFrame
    contracts: pd.DataFrame | None = None
    operations: pd.DataFrame | None = None
    funding: pd.DataFrame | None = None
    sd_assessment: pd.DataFrame | None = None
    action_plan: pd.DataFrame | None = None
    departement: pd.DataFrame | None = None
    #: Hours worked per pathway and calendar year (the ``asp`` rules profile needs it).
    yearly_hours: pd.DataFrame | None = None
    #: Situation of people 6, 12 and 24 months after their exit (survey or DSN matching).
    exit_followup: pd.DataFrame | None = None
    #: Figures about the département (RSA households, job seekers…) for the evaluative synthesis.
    context: pd.DataFrame | None = None
    #: National references of employment after exit (docs/data.md); None: the kit's own
    #: (:func:`iae_eval.indicators.followup.followup_references`).
    followup_reference: pd.DataFrame | None = None
    #: The département's evaluative framework (docs/evaluation.md); None: the built-in one.
    evaluation: pd.DataFrame | None = None
    #: The minimum-stay rules profile the indicators use (:mod:`iae_eval.data.rules`).
    rules: str = DEFAULT_RULES
    source: str = ""
    fingerprint: str = ""
    warnings: tuple[str, ...] = field(default=())
    #: Results computed from the tables (the indicator frames), shared by the dataset's
    #: shallow copies: a batch kernel computes each frame once for all its reports. A dataset
    #: made with other tables (``dataclasses.replace``) starts with an empty memo.
    memo: dict = field(default_factory=dict, init=False, repr=False, compare=False)

    @property
    def departement_name(self) -> str | None:
        """The département's name from the optional ``departement`` table (``None`` without it)."""
        return self._departement_value("name")

    @property
    def departement_code(self) -> str | None:
        """The département's code (``05``) from the optional ``departement`` table."""
        return self._departement_value("code")

    def _departement_value(self, column: str) -> str | None:
        if self.departement is None or self.departement.empty:
            return None
        return str(self.departement[column].iloc[0])

    def shallow_copy(self, *, rules: str | None = None) -> Dataset:
        """The same dataset with shallow copies of its tables (cheap; under pandas'
        copy-on-write, changing a copy never changes the original), sharing its memo;
        ``rules`` sets another rules profile (the memo's keys name the profile)."""
        tables = {
            f.name: getattr(self, f.name).copy(deep=False)
            for f in fields(self)
            if isinstance(getattr(self, f.name), pd.DataFrame)
        }
        copy = replace(self, **tables, **({} if rules is None else {"rules": rules}))
        object.__setattr__(copy, "memo", self.memo)
        return copy

    def memoised(self, key: tuple, compute: Callable[[], T]) -> T:
        """``compute()`` once per dataset (and its shallow copies) for ``key``, kept in
        :attr:`memo`; each call gets its own copy (``.copy()`` when the value has one: deep for
        a frame, since a shallow one adds a weak reference to the kept frame's blocks, pandas'
        copy-on-write bookkeeping, and a kernel making thousands of reports gathered them by
        the hundred thousand for the garbage collector to scan before every report)."""
        if key not in self.memo:
            self.memo[key] = compute()
        value = self.memo[key]
        return value.copy() if hasattr(value, "copy") else value

    def years(self) -> list[int]:
        """Calendar years covered by at least one pathway (entry to exit, or to the last entry)."""
        p = self.participants
        if p.empty:
            return []
        first = int(p["entry_date"].min().year)
        last_dates = [p["entry_date"].max(), p["exit_date"].max()]
        last = max(int(d.year) for d in last_dates if pd.notna(d))
        return list(range(first, last + 1))


def per_dataset(function: Callable[..., T]) -> Callable[..., T]:
    """Decorator: ``function(dataset, *args, **kwargs)`` computed once per dataset (and its
    shallow copies) for the same arguments and the same rules profile, kept in
    :attr:`Dataset.memo` through :meth:`Dataset.memoised`. The key is made from the call
    itself (the function's qualified name, ``dataset.rules``, the arguments: they must be
    hashable), so no caller writes a key by hand. See docs/architecture.md ("Caches").
    """

    @functools.wraps(function)
    def wrapped(dataset: Dataset, *args, **kwargs) -> T:
        key = (
            function.__module__,
            function.__qualname__,
            dataset.rules,
            args,
            tuple(sorted(kwargs.items())),
        )
        return dataset.memoised(key, lambda: function(dataset, *args, **kwargs))

    return wrapped
