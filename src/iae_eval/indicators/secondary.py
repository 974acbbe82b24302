"""Which rates a public table publishes and which other cells it withholds so that no small
count can be recovered (docs/editions.md, "Ce que publie l'édition publique").

The engine of :func:`iae_eval.indicators.suppress.suppress`, on plain arrays:

1. **Rates first.** A rate k/n is publishable when ``k ≥ min_cell`` and ``n − k ≥ min_cell``
   (a mean or a cost, without numerator: when ``n ≥ min_cell``). Its denominator n and its
   numerator k are then *published* — shown, or given back by the rate — and never withheld.
   A numerator or denominator made of several columns (the dynamic exits: durable + transition
   + positive) is a *virtual* cell of the table: it takes part in the lines like a real one.
2. **Small counts.** Every count from 1 to ``min_cell − 1`` is withheld.
3. **Nothing recoverable.** A *line* is a total with its parts (``exits`` = its five
   categories, ``exits_examined`` = the four that are not "retrait", ``exits`` =
   ``exits_examined`` + "retrait", a virtual sum = its columns, a column and its total row).
   What a reader knows is closed under the lines: a line with one unknown cell gives it back.
   While a withheld cell can be given back, the smallest published cell that is *not* protected
   by a rate and takes part in giving it back is withheld too (a non-zero one first: a withheld
   zero hides nothing). A subset and its total (the RSA entries among the entries) are not both
   shown when their difference is a small count.
4. **Fail closed.** When only cells protected by rates could be withheld, the rates protecting
   one of those cells are not published — the cell whose rates cost least: rates of rows not to
   be kept first (an intermediate scope: a territory, a kind), then the fewest rates, costs and
   means before exit rates, on the fewest exits — and the table is protected again without them.
   A table without the rate columns protects the cells of the exit rates all the same
   (:mod:`iae_eval.indicators.suppress`), so that two tables of a report withhold the same cells.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

#: Why a rate is not published: too few in its denominator, its numerator, its complement
#: n − k, or withheld to protect a small count elsewhere in the table.
DENOMINATOR, NUMERATOR, COMPLEMENT, PROTECTION = "n", "k", "n-k", "protection"


@dataclass(frozen=True)
class RateSpec:
    """One rate column: the count positions of its denominator and numerator (None when they
    are not all count columns of the table), n and k per row (k None: a mean or a cost), and
    which rows hold a value."""

    key: str
    denominator: tuple[int, ...] | None
    numerator: tuple[int, ...] | None
    n: np.ndarray
    k: np.ndarray | None
    present: np.ndarray


@dataclass(frozen=True)
class Outcome:
    """Which counts are small, which are withheld, which rates are published and why not."""

    small: np.ndarray
    masked: np.ndarray
    published: dict[str, np.ndarray]
    reasons: dict[str, list[str | None]]


Cell = tuple[int, int]


def rule_one(spec: RateSpec, min_cell: int) -> tuple[np.ndarray, list[str | None]]:
    """Which rows of a rate may be published by their own counts, and why the others may not."""
    n = np.nan_to_num(spec.n, nan=-1.0)
    reasons: list[str | None] = []
    if spec.k is None:
        ok = spec.present & (n >= min_cell)
        reasons = [None if o or not p else DENOMINATOR for o, p in zip(ok, spec.present, strict=True)]
        return ok, reasons
    k = np.nan_to_num(spec.k, nan=-1.0)
    ok = spec.present & (k >= min_cell) & (n - k >= min_cell)
    for row in range(len(n)):
        if ok[row] or not spec.present[row]:
            reasons.append(None)
        elif n[row] < min_cell:
            reasons.append(DENOMINATOR)
        elif k[row] < min_cell:
            reasons.append(NUMERATOR)
        else:
            reasons.append(COMPLEMENT)
    return ok, reasons


class _Table:
    """The counts with their virtual sums, and every line as arrays of cells."""

    def __init__(self, values, relations, groups, specs: Sequence[RateSpec]) -> None:
        n_rows, n_counts = values.shape
        sums: dict[tuple[int, ...], int] = {}
        for spec in specs:
            for columns in (spec.denominator, spec.numerator):
                if columns and len(columns) > 1:
                    sums.setdefault(tuple(sorted(columns)), n_counts + len(sums))
        self.sums = sums
        self.n_counts = n_counts
        virtual = [np.nansum(values[:, list(c)], axis=1) for c in sums]
        self.values = np.column_stack([values, *virtual]) if virtual else values
        lines = [(t, tuple(p)) for t, p in relations]
        for columns, at in sums.items():
            lines.append((at, columns))
            lines += [
                (t, (at, *(q for q in p if q not in columns))) for t, p in relations if set(columns) < set(p)
            ]
        rows = np.arange(n_rows)
        self.families = []
        for total, parts in lines:
            columns = np.array([total, *parts])
            self.families.append(
                (np.repeat(rows[:, None], len(columns), axis=1), np.tile(columns, (n_rows, 1)))
            )
        width = self.values.shape[1]
        for total, members in groups:
            order = np.array([total, *members])
            if len(order) > 1:
                self.families.append(
                    (np.tile(order, (width, 1)), np.repeat(np.arange(width)[:, None], len(order), axis=1))
                )
        self.lines_of: dict[Cell, list[tuple[Cell, ...]]] = defaultdict(list)
        for line_rows, line_columns in self.families:
            for r, c in zip(line_rows, line_columns, strict=True):
                line = tuple(zip(r.tolist(), c.tolist(), strict=True))
                for cell in line:
                    self.lines_of[cell].append(line)

    def position(self, columns: tuple[int, ...] | None) -> int | None:
        if not columns:
            return None
        return columns[0] if len(columns) == 1 else self.sums[tuple(sorted(columns))]

    def step(self, known: np.ndarray) -> np.ndarray:
        """``known`` and every cell alone unknown in a line (one subtraction)."""
        result = known.copy()
        for rows, columns in self.families:
            unknown = ~known[rows, columns]
            single = np.flatnonzero(unknown.sum(axis=1) == 1)
            if len(single):
                at = unknown[single].argmax(axis=1)
                result[rows[single, at], columns[single, at]] = True
        return result

    def closure(self, known: np.ndarray) -> np.ndarray:
        """What a reader knows from ``known``: every cell alone unknown in a line is given back,
        until nothing more is."""
        while True:
            more = self.step(known)
            if (more == known).all():
                return known
            known = more


def _protected(table: _Table, specs, published) -> tuple[np.ndarray, dict[Cell, set]]:
    """Cells a published rate shows or gives back (and what they give back in turn), with the
    rates that protect each."""
    protected = np.zeros(table.values.shape, dtype=bool)
    protectors: dict[Cell, set] = defaultdict(set)
    for order, spec in enumerate(specs):
        for row in np.flatnonzero(published[spec.key]):
            for columns in (spec.denominator, spec.numerator):
                at = table.position(columns)
                if at is not None:
                    protected[row, at] = True
                    protectors[(int(row), at)].add((order, int(row)))
    implied = table.closure(protected) & ~protected
    if implied.any():  # a cell given back by published ones: protected by the rates behind them
        known = protected.copy()
        while (implied & ~known).any():
            for rows, columns in table.families:
                unknown = ~known[rows, columns]
                for line in np.flatnonzero(unknown.sum(axis=1) == 1):
                    cells = list(zip(rows[line].tolist(), columns[line].tolist(), strict=True))
                    target = cells[int(unknown[line].argmax())]
                    protectors[target] = set().union(*(protectors[c] for c in cells if c != target))
                    known[target] = True
    return protected | implied, protectors


def _search(table: _Table, cell: Cell, known, masked, protected, protectors, seen, depth=0):
    """Published cells of one line giving ``cell`` back that may be withheld (the first such
    line), else those of the lines giving back its derived cells; and, when there are none, for
    each protected cell of those lines, the rates protecting it (withdrawing them frees it)."""
    blockers, derived = [], []
    for line in table.lines_of[cell]:
        if not all(known[o] for o in line if o != cell):
            continue
        candidates = []
        for other in (o for o in line if o != cell and o not in seen):
            if protected[other]:
                blockers.append(frozenset(protectors.get(other, ())))
            elif other[1] < table.n_counts and not masked[other] and not np.isnan(table.values[other]):
                candidates.append(other)
            else:
                derived.append(other)
        if candidates:
            return candidates, []
    if depth < 4:
        for other in derived:
            more, block = _search(
                table, other, known, masked, protected, protectors, seen | {other}, depth + 1
            )
            if more:
                return more, []
            blockers += block
    return [], blockers


def _withhold(table, small, specs, protected, protectors, subsets, min_cell):
    """Withhold cells until none can be given back: (withheld, None), or (None, the ways to
    unblock the protection: sets of rates, each of which withdrawn frees a cell)."""
    values = table.values
    n_counts = table.n_counts
    masked = np.zeros(values.shape, dtype=bool)
    masked[:, :n_counts] = small
    while True:
        if subsets is not None:
            rows, columns, total_rows, total_columns = subsets
            difference = values[total_rows, total_columns] - values[rows, columns]
            both = ~masked[rows, columns] & ~masked[total_rows, total_columns]
            for i in np.flatnonzero(both & (difference >= 1) & (difference < min_cell)):
                part, whole = (rows[i], columns[i]), (total_rows[i], total_columns[i])
                if masked[part] or masked[whole]:
                    continue
                choice = next((c for c in (part, whole) if not protected[c]), None)
                if choice is None:
                    return None, [frozenset(protectors.get(part, ())), frozenset(protectors.get(whole, ()))]
                masked[choice] = True
        shown = ~masked & ~np.isnan(values)
        shown[:, n_counts:] = protected[:, n_counts:]
        # a cell given back by one subtraction of shown cells first, then by longer chains
        known = shown
        exposed = np.argwhere(masked[:, :n_counts] & table.step(shown)[:, :n_counts])
        if not len(exposed):
            known = table.closure(shown)
            exposed = np.argwhere(masked[:, :n_counts] & known[:, :n_counts])
        if not len(exposed):
            return masked[:, :n_counts], None
        cell = (int(exposed[0][0]), int(exposed[0][1]))
        candidates, blockers = _search(table, cell, known, masked, protected, protectors, {cell})
        blockers = [b for b in blockers if b]
        if not candidates:
            every = set().union(*protectors.values()) if protectors else set()
            return None, blockers or [frozenset(p for p in every if p[1] == cell[0]) or frozenset(every)]
        masked[min(candidates, key=lambda c: (values[c] == 0, values[c], c))] = True


def _loss(rates: frozenset, specs: Sequence[RateSpec], keep: np.ndarray | None) -> tuple:
    """What withdrawing ``rates`` costs: rates of rows to keep, then how many, then the exit rates
    before the latest declared (costs, means), then the exits they rest on."""
    kept = sum(bool(keep[r]) for _, r in rates) if keep is not None else 0
    n = sum(float(np.nan_to_num(specs[o].n[r])) for o, r in rates)
    return (kept, len(rates), -min(o for o, _ in rates), n, sorted(rates))


def protect(
    values: np.ndarray,
    *,
    relations: Sequence[tuple[int, Sequence[int]]],
    groups: Sequence[tuple[int, Sequence[int]]] = (),
    subsets: tuple[np.ndarray, ...] | None,
    specs: Sequence[RateSpec],
    min_cell: int,
    keep: np.ndarray | None = None,
) -> Outcome:
    """Publish every rate rule 1 allows and withhold what protects the small counts (module doc).

    ``values`` are the count columns (rows × counts, NaN for null); ``relations`` the row totals
    as (total position, part positions); ``groups`` the column totals as (total row position,
    the positions of the rows adding up to it);
    ``subsets`` the (subset rows, subset columns, total rows, total columns) arrays; ``keep``
    the rows whose rates are withdrawn last (bool per row).
    """
    small = (values >= 1) & (values < min_cell)
    published, reasons = {}, {}
    for spec in specs:
        published[spec.key], reasons[spec.key] = rule_one(spec, min_cell)
    table = _Table(values, relations, groups, specs)
    while True:
        protected, protectors = _protected(table, specs, published)
        masked, blockers = _withhold(table, small, specs, protected, protectors, subsets, min_cell)
        if masked is not None:
            return Outcome(small, masked, published, reasons)
        blockers = [b for b in blockers if b]
        if not blockers:  # nothing published protects anything: cannot happen; fail closed
            shut = {s.key: [PROTECTION if p else None for p in s.present] for s in specs}
            return Outcome(
                small, ~np.isnan(values), {k: np.zeros_like(v) for k, v in published.items()}, shut
            )
        for order, row in min(blockers, key=lambda rates: _loss(rates, specs, keep)):
            published[specs[order].key][row] = False
            reasons[specs[order].key][row] = PROTECTION
