"""Which cells of a year to publish so that no small count can be computed from them, by
Gaussian elimination (the method of Statistics Norway's GaussSuppression, Langsrud 2024).

What a reader knows is the span of the published cells' vectors (:mod:`.model`). A withheld
cell p is given back exactly when its vector lies in that span. The cells are taken in order
of priority (the département's figures first, zeros before anything: a zero is always shown)
and each is published unless it would bring a *protected* cell into the span:

- the cells are taken in four tiers: the département's, then the numerators and denominators
  of the structures' rates that their own counts allow (what the evaluation compares), then
  those of the territories' and kinds' rates, then every other count;
- the protected cells are the small counts (1 to ``min_cell − 1``), shown or hidden, and the
  cells a caller forces to be withheld;
- the span is kept as reduced rows (each with a pivot piece no other row holds), and every
  protected cell is kept reduced against it. Publishing a cell of reduced vector r brings a
  protected p into the span exactly when p's reduced vector is a multiple of r: a hash of the
  normalised reduced vectors answers it in one look-up.

A cell the rule withholds stays a multiple of a protected cell's reduced vector as the span
grows, so it is never given back either: no withheld cell is a linear combination of the
published ones (:func:`iae_eval.protection.recovery.recovered` checks it in the tests).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from iae_eval.indicators.secondary import COMPLEMENT, DENOMINATOR, NUMERATOR
from iae_eval.protection.model import CellName, RateCell, Vector, YearModel, unit_rank

#: Coefficients are rounded to this many decimals in the hash of a direction.
DIGITS = 9


@dataclass(frozen=True)
class Decision:
    """What a year publishes: the cells shown, the small ones, the rates shown."""

    published: frozenset[CellName]
    small: frozenset[CellName]
    withheld: frozenset[CellName]  # shown cells not published (small ones included)
    rates: frozenset[CellName]


def _direction(vector: Vector) -> tuple:
    first = min(vector)
    scale = vector[first]
    return tuple((k, round(vector[k] / scale, DIGITS)) for k in sorted(vector))


class _Span:
    """The published span as reduced rows, and the protected cells reduced against it."""

    def __init__(self) -> None:
        self.rows: dict[int, Vector] = {}  # pivot -> row (coefficient 1 at the pivot)
        self.protected: dict[CellName, Vector] = {}
        self.holders: dict[int, set] = defaultdict(set)  # piece -> rows (int) and protected (name)
        self.directions: dict[tuple, set[CellName]] = defaultdict(set)
        self.values: dict[int, float] = {}  # pivot -> the row's value (audits only)

    def reduce_with(self, vector: Vector, value: float) -> tuple[Vector, float]:
        """:meth:`reduce`, carrying the value of ``vector`` (a published figure) along."""
        reduced, value = dict(vector), float(value)
        for piece in [p for p in vector if p in self.rows]:
            factor = reduced.pop(piece, 0.0)
            if factor:
                value -= factor * self.values.get(piece, 0.0)
                for other, coefficient in self.rows[piece].items():
                    if other != piece:
                        reduced[other] = reduced.get(other, 0.0) - factor * coefficient
        return {k: v for k, v in reduced.items() if abs(v) > 1e-12}, value

    def add_with(self, reduced: Vector, value: float) -> None:
        """:meth:`add`, keeping each row's value (rows are only added, in order)."""
        pivot = self._pivot(reduced)
        scale = reduced[pivot]
        for holder in list(self.holders[pivot]):
            if isinstance(holder, int):
                factor = self.rows[holder][pivot]
                self.values[holder] = self.values.get(holder, 0.0) - factor * value / scale
        self.add(reduced, pivot=pivot)
        self.values[pivot] = value / scale

    def reduce(self, vector: Vector) -> Vector:
        reduced = dict(vector)
        for piece in [p for p in vector if p in self.rows]:
            factor = reduced.pop(piece, 0.0)
            if factor:
                for other, value in self.rows[piece].items():
                    if other != piece:
                        reduced[other] = reduced.get(other, 0.0) - factor * value
        return {k: v for k, v in reduced.items() if abs(v) > 1e-12}

    def protect(self, name: CellName, vector: Vector) -> None:
        reduced = self.reduce(vector)
        if not reduced:
            raise ValueError(f"cell {name} is already given back by the published cells")
        self._hold(name, reduced)

    def _hold(self, name, reduced: Vector) -> None:
        self.protected[name] = reduced
        for piece in reduced:
            self.holders[piece].add(name)
        self.directions[_direction(reduced)].add(name)

    def _release(self, name) -> Vector:
        reduced = self.protected.pop(name)
        for piece in reduced:
            self.holders[piece].discard(name)
        direction = _direction(reduced)
        self.directions[direction].discard(name)
        if not self.directions[direction]:
            del self.directions[direction]
        return reduced

    def reveals(self, reduced: Vector) -> bool:
        """Whether adding ``reduced`` to the span would give a protected cell back."""
        return bool(reduced) and _direction(reduced) in self.directions

    def _pivot(self, reduced: Vector) -> int:
        return min(reduced, key=lambda p: (len(self.holders[p]), -p))

    def add(self, reduced: Vector, *, pivot: int | None = None) -> None:
        """Add a reduced vector to the span (the caller checked :meth:`reveals`)."""
        pivot = self._pivot(reduced) if pivot is None else pivot
        scale = reduced[pivot]
        row = {k: v / scale for k, v in reduced.items()}
        for holder in list(self.holders[pivot]):
            if isinstance(holder, int):
                self._eliminate_row(holder, pivot, row)
            else:
                vector = self._release(holder)
                self._hold(holder, _minus(vector, vector[pivot], row))
        self.rows[pivot] = row
        for piece in row:
            if piece != pivot:
                self.holders[piece].add(pivot)

    def _eliminate_row(self, at: int, pivot: int, row: Vector) -> None:
        old = self.rows[at]
        new = _minus(old, old[pivot], row)
        for piece in old:
            if piece not in new and piece != at:
                self.holders[piece].discard(at)
        for piece in new:
            if piece != at:
                self.holders[piece].add(at)
        self.rows[at] = new


def _minus(vector: Vector, factor: float, row: Vector) -> Vector:
    result = dict(vector)
    for k, v in row.items():
        result[k] = result.get(k, 0.0) - factor * v
    return {k: v for k, v in result.items() if abs(v) > 1e-12}


def decide(model: YearModel, min_cell: int, *, forced: Iterable[CellName] = ()) -> Decision:
    """Choose the published cells of ``model`` (see the module's docstring); ``forced`` cells
    are withheld and protected like small ones."""
    cells = model.cells
    small = {n for n, c in cells.items() if 0 < c.value < min_cell}
    forced = set(forced)
    span = _Span()
    for cell in cells.values():  # a zero is shown: each of its pieces is 0
        if cell.shown and cell.value == 0:
            for piece in cell.vector:
                reduced = span.reduce({piece: 1.0})
                if reduced:
                    span.add(reduced)
    for name in sorted(small | forced, key=lambda n: cells[n].priority):
        if span.reduce(cells[name].vector):
            span.protect(name, cells[name].vector)
    eligible = _eligible_rates(model, min_cell)
    wanted = {name for rate in eligible for name in rate.reveals}
    published = set()
    for cell in sorted(cells.values(), key=lambda c: _order(c, wanted)):
        if cell.name in small or cell.name in forced or cell.value == 0:
            continue
        if not cell.shown and cell.name not in wanted:
            continue
        reduced = span.reduce(cell.vector)
        if not span.reveals(reduced):
            if reduced:
                span.add(reduced)
            if cell.shown:
                published.add(cell.name)
    zeros = {n for n, c in cells.items() if c.shown and c.value == 0}
    known = published | zeros
    rates = {
        rate.name
        for rate in eligible
        if all(n in known or not span.reduce(cells[n].vector) for n in rate.reveals)
    }
    shown = {n for n, c in cells.items() if c.shown}
    return Decision(frozenset(known), frozenset(small & shown), frozenset(shown - known), frozenset(rates))


def _order(cell, wanted: set[CellName]) -> tuple:
    """The département's cells first, then the counts behind the rates the structures may
    publish (what the evaluation compares), then those behind the territories' and kinds'
    rates, then the other counts, unit by unit and, within a unit, the
    smallest first: the cell withheld beside a small one is then the largest of its line, which
    leaves the small one's whole range open."""
    if cell.name[0] == "departement":
        return (0, cell.priority, 0.0)
    if cell.name in wanted:
        return (1 if cell.name[0].startswith("structure:") else 2, cell.priority, 0.0)
    return (3, unit_rank(cell), cell.value, cell.priority)


def _eligible_rates(model: YearModel, min_cell: int) -> list[RateCell]:
    """The rates whose own counts allow them: k ≥ min_cell and n − k ≥ min_cell (a mean or a
    cost: n ≥ min_cell)."""
    return [rate for rate in model.rates if rate_reason(model, rate, min_cell) is None]


def rate_reason(model: YearModel, rate: RateCell, min_cell: int) -> str | None:
    """Why a rate may not be published by its own counts (the codes of
    :mod:`iae_eval.indicators.secondary`), or None."""
    n = model.cells[rate.reveals[-1]].value
    if n < min_cell:
        return DENOMINATOR
    if rate.numerator is None or not rate.denominator:
        return None
    k = model.cells[rate.reveals[0]].value
    if k < min_cell:
        return NUMERATOR
    if n - k < min_cell:
        return COMPLEMENT
    return None


def given_back(model: YearModel, decision: Decision, cells: list[CellName]) -> dict[CellName, float]:
    """The cells of ``cells`` a reader computes exactly from ``decision`` (its published cells,
    the numerators of its rates, zeros made of zeros), with their values."""
    span = _Span()
    known = set(decision.published)
    for rate in model.rates:
        if rate.name in decision.rates:
            known.update(rate.reveals)
    for name in sorted(known, key=lambda n: model.cells[n].priority):
        cell = model.cells[name]
        vectors = [{p: 1.0} for p in cell.vector] if cell.value == 0 else [cell.vector]
        values = [0.0] * len(vectors) if cell.value == 0 else [cell.value]
        for vector, value in zip(vectors, values, strict=True):
            reduced, constant = span.reduce_with(vector, value)
            if reduced:
                span.add_with(reduced, constant)
    found = {}
    for name in cells:
        reduced, constant = span.reduce_with(model.cells[name].vector, 0.0)
        if not reduced:
            found[name] = -constant
    return found
