"""Protection intervals of a year's small counts, on the year's model (docs/editions.md).

The reader knows every published cell, the numerator of every published rate, that a zero is
made of zeros, that a ``< 5`` cell lies between 1 and ``min_cell − 1``, that an ``s`` cell is at
least ``min_cell``, every count ≥ 0 and the people counts' inequalities (:mod:`.model`). For
each withheld small count, the smallest and largest values it can take under all of that are
two linear programmes (scipy.optimize.linprog, HiGHS) over the pieces. A small count is
protected when its interval covers 1 to ``min_cell − 1``.

Two programmes answer for most cells at once: the least total of the small counts (a solution
with every one of them at 1 shows each can be 1) and the greatest; a cell not at its bound in
that solution gets its own programme.

Some intervals cannot cover 1 to ``min_cell − 1`` whatever is published: the total of two
structures' ``< 5``, the others' being 0, is at least 2. The guarantee is then that the
published figures narrow no interval beyond what the marks (``< 5``, ``s``, 0) say on their own
(:func:`narrowed`).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from scipy.optimize import linprog
from scipy.sparse import csr_matrix

from iae_eval.protection.gauss import Decision
from iae_eval.protection.intervals import Interval
from iae_eval.protection.model import CellName, Vector, YearModel

TOLERANCE = 1e-6


def _matrix(vectors: Sequence[Vector], width: int) -> csr_matrix:
    rows, columns, values = [], [], []
    for i, vector in enumerate(vectors):
        for piece, coefficient in vector.items():
            rows.append(i)
            columns.append(piece)
            values.append(coefficient)
    return csr_matrix((values, (rows, columns)), shape=(len(vectors), width))


class _Reader:
    """The linear programme of what the reader knows."""

    def __init__(self, model: YearModel, decision: Decision, min_cell: int, *, values: bool = True) -> None:
        cells = model.cells
        known = set(decision.published)
        for rate in model.rates:
            if rate.name in decision.rates:
                known.update(rate.reveals)
        equal = sorted((n for n in known if values and cells[n].value != 0), key=lambda n: cells[n].priority)
        self.equal = equal
        self.bounds = [(0.0, None)] * model.pieces
        for name in known:
            if cells[name].value == 0:
                for piece in cells[name].vector:
                    self.bounds[piece] = (0.0, 0.0)
        self.a_eq = _matrix([cells[n].vector for n in equal], model.pieces)
        self.b_eq = np.array([cells[n].value for n in equal])
        self.small = sorted(decision.small - known, key=lambda n: cells[n].priority)
        large = sorted(
            (n for n in decision.withheld - known if n not in decision.small), key=lambda n: cells[n].priority
        )
        upper = [cells[n].vector for n in self.small] + list(model.inequalities)
        lower = [{k: -v for k, v in cells[n].vector.items()} for n in (*self.small, *large)]
        self.a_ub = _matrix(upper + lower, model.pieces)
        self.b_ub = np.array(
            [min_cell - 1.0] * len(self.small)
            + [0.0] * len(model.inequalities)
            + [-1.0] * len(self.small)
            + [-float(min_cell)] * len(large)
        )
        self.vectors = {n: cells[n].vector for n in self.small}
        self.width = model.pieces

    def extreme(self, weights: dict[CellName, float]) -> np.ndarray:
        return self.solve(weights).x

    def solve(self, weights: dict[CellName, float]):
        objective = np.zeros(self.width)
        for name, weight in weights.items():
            for piece, coefficient in self.vectors[name].items():
                objective[piece] += weight * coefficient
        solved = linprog(
            objective,
            A_ub=self.a_ub,
            b_ub=self.b_ub,
            A_eq=self.a_eq if self.a_eq.shape[0] else None,
            b_eq=self.b_eq if self.a_eq.shape[0] else None,
            bounds=self.bounds,
            method="highs",
        )
        if solved.status != 0:
            raise ValueError(f"the published figures admit no table ({solved.message})")
        return solved

    def value(self, name: CellName, x: np.ndarray) -> float:
        return float(sum(c * x[p] for p, c in self.vectors[name].items()))


def _at_bound(reader: _Reader, sign: float, bound: float) -> dict[CellName, float | None]:
    """The cells that reach ``bound`` (the least value when ``sign`` is 1, the greatest when −1),
    by joint programmes over the cells not yet found until one finds none; None for the rest."""
    found: dict[CellName, float | None] = {n: None for n in reader.small}
    left = list(reader.small)
    while left:
        x = reader.extreme({n: sign for n in left})
        reached = [n for n in left if sign * (reader.value(n, x) - bound) <= TOLERANCE]
        if not reached:
            break
        for name in reached:
            found[name] = bound
        left = [n for n in left if found[n] is None]
    return found


def _ends(reader: _Reader, min_cell: int) -> dict[CellName, list]:
    """Each small cell's two ends, with the solved programme when the cell needed its own
    (None when a joint programme showed it reaches its bound)."""
    low = _at_bound(reader, 1.0, 1.0)
    high = _at_bound(reader, -1.0, float(min_cell - 1))
    ends = {}
    for name in reader.small:
        found = [low[name], None, high[name], None]
        for at, sign in ((0, 1.0), (2, -1.0)):
            if found[at] is None:
                solved = reader.solve({name: sign})
                found[at], found[at + 1] = reader.value(name, solved.x), solved
        ends[name] = found
    return ends


def small_intervals(model: YearModel, decision: Decision, min_cell: int) -> list[Interval]:
    """The interval of every withheld small count (shown as ``< min_cell``), in priority order."""
    reader = _Reader(model, decision, min_cell)
    if not reader.small:
        return []
    ends = _ends(reader, min_cell)
    return [Interval(_label(n), ends[n][0], ends[n][2]) for n in reader.small]


def _label(name: CellName) -> str:
    return f"{name[0]} {name[1]}"


def narrowed(model: YearModel, decision: Decision, min_cell: int) -> dict[CellName, list[CellName]]:
    """The withheld small counts whose interval does not cover 1 to ``min_cell − 1`` nor what the
    marks alone say (a total of two ``< 5`` parts, the others 0, is at least 2 whatever is
    published: the marks' interval, without any published value), each with the published
    cells that bound it (the equalities with a non-zero dual at the narrowed end, in priority
    order)."""
    reader = _Reader(model, decision, min_cell)
    if not reader.small:
        return {}
    marks = None
    found = {}
    for name, (low, low_solved, high, high_solved) in _ends(reader, min_cell).items():
        for sign, end, solved, bound in (
            (1.0, low, low_solved, 1.0),
            (-1.0, high, high_solved, min_cell - 1.0),
        ):
            if solved is None or sign * (end - bound) <= TOLERANCE:
                continue
            marks = marks or _Reader(model, decision, min_cell, values=False)
            own = marks.value(name, marks.extreme({name: sign}))
            if sign * (end - own) <= TOLERANCE:
                continue  # the marks alone say as much
            duals = solved.eqlin.marginals
            found.setdefault(name, []).extend(reader.equal[i] for i in np.flatnonzero(np.abs(duals) > 1e-9))
    return found
