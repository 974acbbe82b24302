"""Which withheld cells a reader can compute exactly from the published ones.

The published figures satisfy linear relations ``A x = 0`` (a total minus its parts, one row
per relation). Split ``x`` into published cells (known) and withheld ones ``w``: the reader
knows ``A_W w = −A_P x_P``. A withheld cell ``j`` is recovered exactly, whatever the published
values, when the unit vector ``e_j`` lies in the row space of ``A_W`` — equivalently, when every
vector of the null space of ``A_W`` is 0 at ``j`` (the reader can move no table that keeps
every published figure without moving ``j``). This is the exact-disclosure test of Statistics
Norway's GaussSuppression (Langsrud 2024), written on the withheld cells only.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
from scipy.linalg import null_space

#: A relation: coefficient of each cell (by name); the relation says Σ coef × cell = 0.
Relation = Mapping[str, float]

#: Below this, a component of a null-space vector is zero (coefficients are small integers).
TOLERANCE = 1e-9


def recovered(relations: Sequence[Relation], withheld: Sequence[str]) -> list[str]:
    """The cells of ``withheld`` (names) that the relations give back exactly, in order."""
    names = list(dict.fromkeys(withheld))
    if not names:
        return []
    position = {name: i for i, name in enumerate(names)}
    rows = [
        [(position[c], float(v)) for c, v in relation.items() if c in position and v]
        for relation in relations
    ]
    rows = [r for r in rows if r]
    if not rows:
        return []
    matrix = np.zeros((len(rows), len(names)))
    for i, row in enumerate(rows):
        for j, value in row:
            matrix[i, j] += value
    free = null_space(matrix, rcond=TOLERANCE)
    if free.size == 0:
        return names
    movable = np.abs(free).max(axis=1) > TOLERANCE
    return [name for name, moves in zip(names, movable, strict=True) if not moves]


def in_span(
    published: Sequence[Mapping[int, float]], cells: Mapping[str, Mapping[int, float]], width: int
) -> list:
    """The names of ``cells`` (vectors over ``width`` pieces) that are linear combinations of
    the ``published`` vectors: what a reader computes exactly (dense: for tests and audits of a
    few thousand pieces)."""
    matrix = np.zeros((max(len(published), 1), width))
    for i, vector in enumerate(published):
        for piece, value in vector.items():
            matrix[i, piece] += value
    free = null_space(matrix, rcond=TOLERANCE)
    found = []
    for name, vector in cells.items():
        moves = np.zeros(free.shape[1])
        for piece, value in vector.items():
            moves += value * free[piece]
        if not np.any(np.abs(moves) > TOLERANCE):
            found.append(name)
    return found
