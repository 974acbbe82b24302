"""The protection interval of a withheld cell: the smallest and largest values it can take in
a table that keeps every published figure, every relation and every bound the reader knows
(a ``< 5`` cell is between 1 and 4, an ``s`` cell at least ``min_cell``, every count ≥ 0).

Each bound is one linear programme (scipy.optimize.linprog, method HiGHS) over the withheld
cells, on the LP relaxation (counts may be fractional: the interval is at least as wide as
the integer one). A "< 5" cell is protected when its interval covers 1 to ``min_cell − 1``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from scipy.optimize import linprog

from iae_eval.protection.recovery import Relation


@dataclass(frozen=True)
class Interval:
    """Where a withheld cell may lie, for the reader."""

    cell: str
    low: float
    high: float

    def covers(self, low: float, high: float, tolerance: float = 1e-6) -> bool:
        return self.low <= low + tolerance and self.high >= high - tolerance


def intervals(
    relations: Sequence[Relation],
    published: Mapping[str, float],
    bounds: Mapping[str, tuple[float, float | None]],
    *,
    cells: Sequence[str] | None = None,
    inequalities: Sequence[Relation] = (),
) -> list[Interval]:
    """The interval of each cell of ``cells`` (default: every cell of ``bounds``).

    ``relations`` say Σ coef × cell = 0, ``inequalities`` Σ coef × cell ≤ 0; ``published``
    holds the values the reader sees; ``bounds`` the reader's bounds on each withheld cell
    (``None``: no upper bound). A cell in a relation that is neither published nor bounded is
    a withheld cell ≥ 0 (a hidden count: the people without RSA, say).
    """
    names = list(dict.fromkeys([*bounds, *_unknown(relations, inequalities, published, bounds)]))
    position = {name: i for i, name in enumerate(names)}

    def system(rows):
        matrix, rhs = np.zeros((len(rows), len(names))), np.zeros(len(rows))
        for i, row in enumerate(rows):
            for cell, value in row.items():
                if cell in published:
                    rhs[i] -= value * float(published[cell])
                else:
                    matrix[i, position[cell]] += value
        return matrix, rhs

    a_eq, b_eq = system(relations) if relations else (None, None)
    a_ub, b_ub = system(inequalities) if inequalities else (None, None)
    limits = [bounds.get(name, (0.0, None)) for name in names]
    result = []
    for cell in cells if cells is not None else list(bounds):
        objective = np.zeros(len(names))
        objective[position[cell]] = 1.0
        ends = []
        for sign in (1.0, -1.0):
            solved = linprog(
                sign * objective, A_ub=a_ub, b_ub=b_ub, A_eq=a_eq, b_eq=b_eq, bounds=limits, method="highs"
            )
            if solved.status == 3:  # unbounded
                ends.append(float("inf") * -sign)
            elif solved.status != 0:
                raise ValueError(f"the published figures admit no table ({solved.message})")
            else:
                ends.append(sign * solved.fun)
        result.append(Interval(cell, ends[0], ends[1]))
    return result


def _unknown(relations, inequalities, published, bounds) -> list[str]:
    seen = [c for row in (*relations, *inequalities) for c in row]
    return [c for c in seen if c not in published and c not in bounds]
