"""What a reader can work out from a published table: an exact audit by linear algebra.

A published table is a frame of display values keyed by indicator (numbers where shown, text
where withheld). The reader knows every shown number and every relation between the counts:
the row totals (exits = its five categories, examined = the four that are not "retrait",
exits = examined + retrait), each subset and its total, the column totals of the pathway
counts (a total row; a territory over its structures…: people are not added up across rows,
one person may have pathways in two structures), and
for each published rate its numerator k = rate × n when n is known. :func:`disclosures` lists
every small count (1 to ``min_cell − 1``) the reader can compute exactly, whatever the number
of subtractions: a withheld small cell, the difference between a subset and its total, the k
and the n − k of a published rate.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Sequence

import numpy as np
import pandas as pd

from iae_eval.indicators.catalogue import BY_KEY, PEOPLE_COUNT_KEYS, Kind
from iae_eval.indicators.suppress import default_relations, default_subsets

#: The rates shown with an interval → their numerator's columns (over exits_examined).
RATES = {
    "durable_rate": ("exits_emploi_durable",),
    "dynamic_rate": ("exits_emploi_durable", "exits_emploi_transition", "exits_sortie_positive"),
}


def _number(value) -> float | None:
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int | float | np.integer | np.floating) and not pd.isna(value):
        return float(value)
    return None


def disclosures(
    shown: pd.DataFrame,
    *,
    min_cell: int,
    total_row: Hashable | None = None,
    groups: Iterable[tuple[Hashable, Sequence[Hashable]]] = (),
    subset_rows: Iterable[tuple[Hashable, Hashable]] = (),
    relations: Iterable[tuple[str, Sequence[str]]] | None = None,
    subsets: Iterable[tuple[str, str]] | None = None,
    rates: dict[str, tuple[str, ...]] | None = None,
    denominator: str = "exits_examined",
) -> list[str]:
    """Every small count a reader can compute from ``shown`` (empty when none)."""
    counts = [c for c in shown.columns if c in PEOPLE_COUNT_KEYS]
    relations = [(t, p) for t, p in (default_relations() if relations is None else relations)]
    relations = [(t, tuple(p)) for t, p in relations if {t, *p} <= set(counts)]
    subsets = [
        (s, t) for s, t in (default_subsets() if subsets is None else subsets) if {s, t} <= set(counts)
    ]
    rates = {
        k: v for k, v in (RATES if rates is None else rates).items() if k in shown and set(v) <= set(counts)
    }
    rows = list(shown.index)
    cell = {(r, c): i for i, (r, c) in enumerate((r, c) for r in rows for c in counts)}
    known = {key: _number(shown.at[key]) for key in cell}
    equations: list[tuple[dict, float]] = []
    for row in rows:
        for total, parts in relations:
            equations.append(({(row, total): 1.0, **{(row, p): -1.0 for p in parts}}, 0.0))
        for rate, numerator in rates.items():
            value, n = (
                _number(shown.at[row, rate]),
                _number(shown.at[row, denominator]) if denominator in counts else None,
            )
            if value is not None and n is not None:
                equations.append(({(row, c): 1.0 for c in numerator}, round(value * n)))
    groups = list(groups)
    if total_row is not None:
        groups.append((total_row, [r for r in rows if r != total_row]))
    for total, members in groups:  # pathways add up across rows; people may be in two of them
        for column in (c for c in counts if BY_KEY[c].kind is Kind.PATHWAYS):
            terms = {(r, column): -1.0 for r in members}
            equations.append(({(total, column): 1.0, **terms}, 0.0))
    unknown = [key for key in cell if known[key] is None]
    position = {key: i for i, key in enumerate(unknown)}
    matrix = np.zeros((max(len(equations), 1), max(len(unknown), 1)))
    rhs = np.zeros(matrix.shape[0])
    for i, (terms, constant) in enumerate(equations):
        rhs[i] = constant
        for key, coefficient in terms.items():
            if key in position:
                matrix[i, position[key]] += coefficient
            else:
                rhs[i] -= coefficient * known[key]
    _, singular, vt = np.linalg.svd(matrix)
    rank = int((singular > 1e-9 * max(singular.max(initial=0.0), 1.0)).sum())
    null = vt[rank:]  # the directions the published figures leave free
    solution = np.linalg.lstsq(matrix, rhs, rcond=None)[0]

    def value_of(terms: dict) -> float | None:
        """The value of a sum of cells when the reader can compute it, else None."""
        vector, constant = np.zeros(matrix.shape[1]), 0.0
        for key, coefficient in terms.items():
            if key in position:
                vector[position[key]] += coefficient
            else:
                constant += coefficient * known[key]
        if vector.any() and np.abs(null @ vector).max(initial=0.0) > 1e-8:
            return None
        return float(vector @ solution + constant)

    def small(value: float | None) -> bool:
        return value is not None and 0.5 <= value < min_cell - 0.5

    found = []
    for (row, column), value in known.items():
        if small(value if value is not None else value_of({(row, column): 1.0})):
            found.append(f"{row} {column}: {value_of({(row, column): 1.0})}")
    for subset_row, total_row_ in subset_rows:  # a "dont RSA" row under "Toutes sorties"
        for column in counts:
            difference = value_of({(total_row_, column): 1.0, (subset_row, column): -1.0})
            if small(difference):
                found.append(f"{total_row_} − {subset_row} {column}: {difference}")
    for row in rows:
        for subset, total in subsets:
            difference = value_of({(row, total): 1.0, (row, subset): -1.0})
            if small(difference):
                found.append(f"{row} {total} − {subset}: {difference}")
        for rate, numerator in rates.items():
            if _number(shown.at[row, rate]) is None:
                continue
            k = value_of({(row, c): 1.0 for c in numerator})
            rest = value_of({(row, denominator): 1.0, **{(row, c): -1.0 for c in numerator}})
            for name, amount in (("k", k), ("n − k", rest)):
                if amount is not None and amount < min_cell - 0.5:
                    found.append(f"{row} {rate} {name}: {amount}")
    return found


def scope_groups(rows: Sequence[str], territory_of: dict[str, str]) -> list[tuple[str, list[str]]]:
    """The column totals of a year's spreadsheet whose rows are labelled ``Périmètre:Code``: the
    département over the territories, the kinds and the structures; a territory over its
    structures (``territory_of``: structure_id → territory)."""
    rows = list(rows)
    total = next((r for r in rows if r.startswith("Département:")), None)
    groups = []
    if total is not None:
        for scope in ("Territoire:", "Type de structure:", "Structure:"):
            members = [r for r in rows if r.startswith(scope)]
            if members:
                groups.append((total, members))
    for row in (r for r in rows if r.startswith("Territoire:")):
        members = [f"Structure:{s}" for s, t in territory_of.items() if f"Territoire:{t}" == row]
        if any(m in rows for m in members):
            groups.append((row, [m for m in members if m in rows]))
    return groups
