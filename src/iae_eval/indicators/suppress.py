"""Small-count suppression of the tables the reports publish (secret statistique,
docs/editions.md).

Person-level data must not let a reader single anyone out. A table goes through
:func:`suppress` before it is published; the rule, applied to a copy (the engine is
:mod:`iae_eval.indicators.secondary`):

1. **Rates first.** A rate k/n (``durable_rate`` = durable exits / examined exits) is published
   when ``k ≥ min_cell`` and ``n − k ≥ min_cell``; a mean or a cost per person (no numerator)
   when ``n ≥ min_cell``. Its denominator and its numerator are then never withheld: the
   protection of the small counts around it falls on other cells. A rate that is not published
   says why in words: ``"non publié : moins de 5 sorties en emploi durable"``. A null rate stays
   null.
2. **Small counts.** A count of people or pathways from 1 to ``min_cell - 1`` is shown as
   ``"< 5"`` (with the actual ``min_cell``, 5 by default). Zero is shown.
3. **Nothing recoverable (secondary suppression).** A *line* is a published total with the
   cells that add up to it: along a row, ``exits`` = its five categories, ``exits_examined`` =
   the four that are not "retrait", ``exits`` = ``exits_examined`` + ``exits_retrait``, a
   rate's numerator = its columns (the dynamic exits); down a column, every row and the total
   row when the table has one. While a withheld cell can be recomputed by subtraction, however
   many subtractions it takes, the smallest other cell of the line that gives it back is withheld
   too — a non-zero one when there is one, since a withheld zero hides nothing — never a cell a
   published rate rests on. Cells withheld this way are shown as ``"s"`` (the INSEE sign of
   statistical secrecy; reports carry a legend). When only cells a rate rests on could be
   withheld, the rate of lowest priority is not published instead (fail closed).
3b. **Subsets (option ``subsets`` / ``subset_rows``).** A subset and its total ("dont RSA"
   under all exits, the RSA entries among all entries) must not both be shown when their
   difference is a small count: 7 exits "dont RSA" 5 reveals 2 exits of people without RSA.
   When both are shown and ``1 ≤ total − subset < min_cell``, the subset is withheld (``"s"``;
   its total when the subset is a rate's numerator). This runs in the same loop as rule 3, so a
   withheld subset is protected in its lines in turn. The pairs of the indicator frame are
   :func:`default_subsets`.
4. **Not person counts.** Money (``funding_total``), hours and numbers of contracts and
   operations are never masked; a cost *per person* is a rate (rule 1).

:func:`suppressed_mask` tells which cells the rule masks (True = masked).
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from iae_eval.data import reference
from iae_eval.indicators import catalogue, secondary
from iae_eval.indicators.catalogue import INDICATOR_KEYS, PEOPLE_COUNT_KEYS

#: Text of a cell masked by secondary suppression, or of a masked rate.
MASKED_TEXT = "s"

Relations = str | Mapping[str, Sequence[str]] | Iterable[tuple[str, Sequence[str]]]


def default_rate_denominators() -> dict[str, tuple[str, ...]]:
    """Rates, means and costs of the indicator frame → the counts they are taken over (their
    sum), from the catalogue."""
    return catalogue.rate_denominators()


def default_rate_numerators() -> dict[str, tuple[str, ...]]:
    """Rates of the indicator frame → the counts a reader could get back from them, from the
    catalogue."""
    return catalogue.rate_numerators()


def default_relations() -> list[tuple[str, tuple[str, ...]]]:
    """Totals of the indicator frame along a row: (total column, the columns adding up to it)."""
    neutral = f"exits_{reference.NEUTRAL_CATEGORY}"
    return [
        ("exits", catalogue.EXIT_KEYS),
        ("exits_examined", catalogue.EXAMINED_EXIT_KEYS),
        ("exits", ("exits_examined", neutral)),
    ]


def default_subsets() -> list[tuple[str, str]]:
    """Subsets of the indicator frame along a row: (subset column, its total column). Each
    public is a subset of the people in pathway; the RSA entries of the entries."""
    return [("rsa_entries", "entries"), *((k, "participants") for k in catalogue.PUBLIC_KEYS)]


Subsets = Mapping[str, str] | Iterable[tuple[str, str]]


@dataclass(frozen=True)
class _Plan:
    """The resolved options: which columns are counts, rates and totals."""

    counts: list[str]
    rates: dict[str, tuple[tuple[str, ...], tuple[str, ...]]]  # rate -> (denominator, numerator)
    relations: list[tuple[str, tuple[str, ...]]]
    groups: list[tuple[int, list[int]]]  # column totals: (total row, the rows adding up to it)
    keep: np.ndarray | None = None  # rows whose rates are withdrawn last
    # cells that are a subset of another: (subset rows, subset columns, total rows, total columns)
    subsets: tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray] | None = None


def _plan(
    table: pd.DataFrame,
    *,
    count_columns,
    rate_columns,
    rate_denominators,
    rate_numerators,
    total_row,
    total_column,
    groups=None,
    keep_rows=None,
    subsets=None,
    subset_rows=None,
) -> _Plan:
    counts = _count_columns(table, count_columns)
    return _Plan(
        counts=counts,
        rates=_rates(table, rate_columns, rate_denominators, rate_numerators, counts),
        relations=_relations(total_column, counts),
        groups=_groups(table, total_row, groups),
        keep=None
        if keep_rows is None
        else np.isin(np.arange(len(table)), [_row_position(table, r, "keep_rows") for r in keep_rows]),
        subsets=_subset_cells(table, counts, subsets, subset_rows),
    )


def _pairs(pairs) -> list[tuple[Hashable, Hashable]]:
    items = pairs.items() if isinstance(pairs, Mapping) else pairs
    return [(subset, total) for subset, total in items]


def _subset_cells(table: pd.DataFrame, counts: list[str], subsets, subset_rows):
    """Every (subset cell, total cell) pair as four position arrays, or None."""
    position = {c: i for i, c in enumerate(counts)}
    rows, columns, total_rows, total_columns = [], [], [], []
    for subset, total in _pairs(subsets or ()):
        outside = [str(c) for c in (subset, total) if c not in position]
        if outside:
            raise ValueError(
                f"subsets {subset!r} ⊂ {total!r}: {', '.join(outside)} not among the count columns"
            )
        every_row = list(range(len(table)))
        rows += every_row
        total_rows += every_row
        columns += [position[subset]] * len(table)
        total_columns += [position[total]] * len(table)
    for subset, total in _pairs(subset_rows or ()):
        sub_at, total_at = (_row_position(table, r, "subset_rows") for r in (subset, total))
        rows += [sub_at] * len(counts)
        total_rows += [total_at] * len(counts)
        columns += list(range(len(counts)))
        total_columns += list(range(len(counts)))
    if not rows:
        return None
    return tuple(np.asarray(a, dtype=int) for a in (rows, columns, total_rows, total_columns))


def _count_columns(table: pd.DataFrame, count_columns: Iterable[str] | None) -> list[str]:
    """The given count columns, or the people counts of the indicator frame present in
    ``table``, or — for a table without any indicator column — its integer columns."""
    if count_columns is not None:
        counts = list(count_columns)
        missing = [c for c in counts if c not in table.columns]
        if missing:
            raise ValueError(f"count_columns not in the table: {', '.join(map(str, missing))}")
        return counts
    if any(c in INDICATOR_KEYS for c in table.columns):
        return [c for c in PEOPLE_COUNT_KEYS if c in table.columns]
    return [
        c
        for c in table.columns
        if pd.api.types.is_integer_dtype(table[c]) and not pd.api.types.is_bool_dtype(table[c])
    ]


def _rates(table, rate_columns, rate_denominators, rate_numerators, counts):
    """rate -> (denominator columns, numerator columns)."""
    denominators = default_rate_denominators() if rate_denominators is None else dict(rate_denominators)
    numerators = default_rate_numerators() if rate_numerators is None else dict(rate_numerators)
    implicit = rate_columns is None and rate_denominators is None and rate_numerators is None
    if rate_columns is None:
        rate_columns = [r for r in denominators if r in table.columns]
    rates = {}
    for rate in rate_columns:
        if rate not in table.columns:
            raise ValueError(f"rate column {rate!r} is not in the table")
        denominator = denominators.get(rate)
        columns = (denominator,) if isinstance(denominator, str) else tuple(denominator or ())
        if not columns or any(c not in table.columns for c in columns):
            raise ValueError(
                f"rate column {rate!r} needs its denominator column(s) "
                f"{', '.join(columns) or '?'} in the table (see rate_denominators)"
            )
        rates[rate] = (columns, tuple(numerators.get(rate, ())))
    if implicit:
        # a rate published in another table of the report: protect here too the cells it rests on,
        # so that two tables of one report never withhold different cells of the same line
        for rate, numerator in numerators.items():
            denominator = denominators.get(rate, ())
            if rate not in rates and numerator and {*denominator, *numerator} <= set(counts):
                rates[rate] = (tuple(denominator), tuple(numerator))
    return rates


def _relations(total_column: Relations | None, counts: list[str]) -> list[tuple[str, tuple[str, ...]]]:
    """The row totals: (total column, its parts), all among the count columns."""
    if total_column is None:
        return [(t, p) for t, p in default_relations() if {t, *p} <= set(counts)]
    if isinstance(total_column, str):
        relations = [(total_column, tuple(c for c in counts if c != total_column))]
    elif isinstance(total_column, Mapping):
        relations = [(t, tuple(p)) for t, p in total_column.items()]
    else:
        relations = [(t, tuple(p)) for t, p in total_column]
    for total, parts in relations:
        outside = [c for c in (total, *parts) if c not in counts]
        if outside:
            names = ", ".join(map(str, outside))
            raise ValueError(f"total_column {total!r}: {names} not among the count columns")
    return relations


def _row_position(table: pd.DataFrame, label: Hashable, option: str) -> int:
    where = np.flatnonzero(table.index == label)
    if len(where) != 1:
        raise ValueError(f"{option} {label!r} is not (exactly once) a row of the table")
    return int(where[0])


def _groups(table: pd.DataFrame, total_row: Hashable | None, groups) -> list[tuple[int, list[int]]]:
    """The column totals as positions: the total row over every other row, and each group."""
    result = []
    if total_row is not None:
        at = _row_position(table, total_row, "total_row")
        result.append((at, [r for r in range(len(table)) if r != at]))
    for total, members in _pairs(groups or ()):
        result.append(
            (_row_position(table, total, "groups"), [_row_position(table, m, "groups") for m in members])
        )
    return result


# ----------------------------------------------------------------------------------------
# The masks (the engine is :mod:`iae_eval.indicators.secondary`)
# ----------------------------------------------------------------------------------------
def _sum(table: pd.DataFrame, columns: Sequence[str]) -> np.ndarray:
    """The sum of ``columns`` per row (NaN where one is null)."""
    return table[list(columns)].to_numpy(dtype=np.float64, na_value=np.nan).sum(axis=1)


def _specs(table: pd.DataFrame, plan: _Plan) -> list[secondary.RateSpec]:
    position = {c: i for i, c in enumerate(plan.counts)}

    def positions(columns):
        return (
            tuple(position[c] for c in columns) if columns and all(c in position for c in columns) else None
        )

    specs = []
    for rate, (denominator, numerator) in plan.rates.items():
        n = _sum(table, denominator)
        if rate in table.columns:
            value = table[rate].to_numpy(dtype=np.float64, na_value=np.nan)
        else:  # a rate of another table (see _rates): computed from its counts
            with np.errstate(divide="ignore", invalid="ignore"):
                value = np.where(n > 0, _sum(table, numerator) / n, np.nan)
        if not numerator:
            k = None
        elif all(c in table.columns for c in numerator):
            k = _sum(table, numerator)
        else:  # the rate gives its numerator back
            k = np.round(value * n)
        specs.append(
            secondary.RateSpec(rate, positions(denominator), positions(numerator), n, k, ~np.isnan(value))
        )
    return specs


def _resolve(table, min_cell, **options):
    if int(min_cell) != min_cell or min_cell < 1:
        raise ValueError(f"min_cell must be a whole number ≥ 1, got {min_cell!r}")
    plan = _plan(table, **options)
    position = {c: i for i, c in enumerate(plan.counts)}
    outcome = secondary.protect(
        table[plan.counts].to_numpy(dtype=np.float64, na_value=np.nan).reshape(len(table), len(plan.counts)),
        relations=[(position[t], [position[p] for p in parts]) for t, parts in plan.relations],
        groups=plan.groups,
        keep=plan.keep,
        subsets=plan.subsets,
        specs=_specs(table, plan),
        min_cell=int(min_cell),
    )
    return plan, outcome


def suppressed_mask(
    table: pd.DataFrame,
    min_cell: int = reference.DEFAULT_MIN_CELL,
    *,
    count_columns: Iterable[str] | None = None,
    rate_columns: Iterable[str] | None = None,
    rate_denominators: Mapping[str, str | Sequence[str]] | None = None,
    rate_numerators: Mapping[str, Sequence[str]] | None = None,
    total_row: Hashable | None = None,
    total_column: Relations | None = None,
    groups: Iterable[tuple[Hashable, Sequence[Hashable]]] | None = None,
    keep_rows: Iterable[Hashable] | None = None,
    subsets: Subsets | None = None,
    subset_rows: Mapping[Hashable, Hashable] | None = None,
) -> pd.DataFrame:
    """Which cells :func:`suppress` masks: a bool frame shaped like ``table`` (True = masked).

    Takes the same options as :func:`suppress`.
    """
    plan, outcome = _resolve(
        table,
        min_cell,
        count_columns=count_columns,
        rate_columns=rate_columns,
        rate_denominators=rate_denominators,
        rate_numerators=rate_numerators,
        total_row=total_row,
        total_column=total_column,
        groups=groups,
        keep_rows=keep_rows,
        subsets=subsets,
        subset_rows=subset_rows,
    )
    mask = pd.DataFrame(False, index=table.index, columns=table.columns)
    for i, column in enumerate(plan.counts):
        mask[column] = outcome.masked[:, i]
    for column, (present, published) in _rate_states(plan, outcome).items():
        if column in table.columns:
            mask[column] = present & ~published
    return mask


def _rate_states(plan: _Plan, outcome: secondary.Outcome) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """rate column -> (which rows hold a value, which are published)."""
    return {
        rate: (
            np.array([r is not None for r in outcome.reasons[rate]]) | outcome.published[rate],
            outcome.published[rate],
        )
        for rate in plan.rates
    }


def _is_null(value) -> bool:
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    return isinstance(value, float) and math.isnan(value)


def _display_values(column: pd.Series) -> list:
    """A column as Python values (int, float, str…), None for nulls."""
    if pd.api.types.is_bool_dtype(column) or not pd.api.types.is_numeric_dtype(column):
        return [None if _is_null(v) else v for v in column.astype(object).tolist()]
    floats = column.to_numpy(dtype=np.float64, na_value=np.nan).tolist()  # Python floats
    if pd.api.types.is_integer_dtype(column):
        return [None if v != v else int(v) for v in floats]  # v != v: NaN
    return [None if v != v else v for v in floats]


def displayed_values(table: pd.DataFrame) -> pd.DataFrame:
    """``table`` in the form :func:`suppress` returns, with nothing masked: an object-dtype
    frame of Python ints, floats and texts, None for null (``table`` is not modified)."""
    values = pd.DataFrame(
        {i: _display_values(table.iloc[:, i]) for i in range(table.shape[1])}, index=table.index, dtype=object
    )
    values.columns = table.columns
    return values


def suppress(
    table: pd.DataFrame,
    min_cell: int = reference.DEFAULT_MIN_CELL,
    *,
    count_columns: Iterable[str] | None = None,
    rate_columns: Iterable[str] | None = None,
    rate_denominators: Mapping[str, str | Sequence[str]] | None = None,
    rate_numerators: Mapping[str, Sequence[str]] | None = None,
    total_row: Hashable | None = None,
    total_column: Relations | None = None,
    groups: Iterable[tuple[Hashable, Sequence[Hashable]]] | None = None,
    keep_rows: Iterable[Hashable] | None = None,
    subsets: Subsets | None = None,
    subset_rows: Mapping[Hashable, Hashable] | None = None,
    small_text: str | None = None,
    masked_text: str = MASKED_TEXT,
) -> pd.DataFrame:
    """A copy of ``table`` ready to publish: small counts shown as ``"< 5"``, the cells that
    would let a reader recompute them shown as ``"s"`` (see the module's rule).

    The defaults fit the frame of :func:`iae_eval.indicators.compute.compute_indicators`:

    - ``count_columns``: the counts of people and pathways (``PEOPLE_COUNT_KEYS``) present
      in the table; for a table without any indicator column, its integer columns;
    - ``rate_columns`` / ``rate_denominators``: ``durable_rate``, ``dynamic_rate`` and
      ``mean_duration_months`` over ``exits_examined`` (``clause_share`` is a share of
      contracts, not of people: never masked), ``cost_per_participant`` over ``participants`` and
      ``cost_per_dynamic_exit`` over the dynamic exits (a tuple of columns: their sum);
      ``rate_numerators``: the counts adding up to a rate's numerator (:func:`default_rate_numerators`;
      a rate whose numerator columns are absent gives them back as ``rate × n``).
      A rate column present without its denominator column(s) raises ``ValueError``;
    - ``total_column``: the row totals of the exits (:func:`default_relations`). Give a
      column name for "this column is the total of the other count columns", or a mapping
      ``{total: [parts]}`` / a list of ``(total, parts)`` pairs;
    - ``total_row``: the label of a row holding the column totals (e.g. the département
      row appended under the structures); None when no column total is published;
    - ``groups``: further column totals, as ``(total row label, [the row labels adding up to
      it])`` pairs (a territory over its structures, in a table holding every scope);
    - ``keep_rows``: the rows whose rates are withdrawn last when a rate must be withdrawn to
      protect a small count (the département and the structures, before the territories);
    - ``subsets``: none by default (rule 3b off). Give ``{subset column: total column}`` (or
      a list of pairs; :func:`default_subsets` for the indicator frame) to mask a subset
      whose difference with its total is a small count, along each row; ``subset_rows``
      ``{subset row label: total row label}`` does the same down every count column (the
      "dont RSA" row under "Toutes sorties").

    ``small_text`` defaults to ``"< {min_cell}"``. The result is an object-dtype frame of
    display values (Python ints and floats, the texts, None for null); ``table`` is not
    modified.
    """
    plan, outcome = _resolve(
        table,
        min_cell,
        count_columns=count_columns,
        rate_columns=rate_columns,
        rate_denominators=rate_denominators,
        rate_numerators=rate_numerators,
        total_row=total_row,
        total_column=total_column,
        groups=groups,
        keep_rows=keep_rows,
        subsets=subsets,
        subset_rows=subset_rows,
    )
    small_text = f"< {int(min_cell)}" if small_text is None else small_text
    shown = {column: _display_values(table[column]) for column in table.columns}
    for i, column in enumerate(plan.counts):
        values = shown[column]
        for row in np.flatnonzero(outcome.masked[:, i]):
            values[row] = small_text if outcome.small[row, i] else masked_text
    for column, (denominator, numerator) in plan.rates.items():
        if column not in table.columns:
            continue
        for row, reason in enumerate(outcome.reasons[column]):
            if reason is not None and not outcome.published[column][row]:
                shown[column][row] = rate_reason(column, reason, denominator, numerator, int(min_cell))
    return pd.DataFrame(
        {c: pd.Series(values, index=table.index, dtype=object) for c, values in shown.items()},
        index=table.index,
        columns=table.columns,
    )


# --- Disclosure texts: every sentence that names the threshold, built from min_cell -------------

#: How a rate that is not published begins ("non publié : moins de 5 sorties en emploi durable").
NOT_PUBLISHED = "non publié"


def rate_reason(
    rate: str, reason: str, denominator: Sequence[str], numerator: Sequence[str], min_cell: int
) -> str:
    """Why a rate is not published, in French words (never a bare sign)."""
    if reason == secondary.DENOMINATOR:
        why = f"moins de {min_cell} {catalogue.noun(tuple(denominator))}"
    elif reason == secondary.NUMERATOR:
        why = f"moins de {min_cell} {catalogue.noun(tuple(numerator))}"
    elif reason == secondary.COMPLEMENT:
        other = catalogue.COMPLEMENT_NOUNS.get(rate, f"autres {catalogue.noun(tuple(denominator))}")
        why = f"moins de {min_cell} {other}"
    else:
        why = "protège un petit effectif du tableau"
    return f"{NOT_PUBLISHED} : {why}"


def small_count_rule(min_cell: int) -> str:
    """The small-count rule in one French sentence (the reports' "Comment lire ce rapport")."""
    return (
        f"un effectif de personnes ou de parcours compris entre 1 et {min_cell - 1} est remplacé par "
        f"« < {min_cell} »."
    )


def masked_legend(min_cell: int) -> str:
    """How a table reads a suppressed value, in one French sentence (legends under tables)."""
    return (
        f"« < {min_cell} » : effectif inférieur à {min_cell} ; « {MASKED_TEXT} » : valeur masquée pour "
        "qu'un petit effectif ne puisse pas être retrouvé."
    )
