"""Data-quality flags of a yearly series (docs/evaluation.md, « Valeurs atypiques »).

A year's value is **atypical** when it is less than a third, or more than three times, the mean
of its two neighbours (the years before and after); the first and the last year are compared
with their one neighbour, unless that neighbour is itself atypical (an error in the middle
would otherwise flag the ends too). The rule is declared here once, and applies to counts, hours and amounts — the series
that a missing file or a unit error breaks (423 h between 5 714 h and 10 990 h) — not to
rates, which a small denominator moves a lot without any error. A zero beside non-zero
neighbours is atypical; a series of zeros is not.
"""

from __future__ import annotations

from collections.abc import Sequence

#: How far from its neighbours' mean a value must be, as a factor, to be atypical.
ATYPICAL_FACTOR = 3.0


def atypical_years(years: Sequence[int], values: Sequence[float]) -> tuple[int, ...]:
    """The years of ``values`` (one per year, in order) that are atypical (see the module)."""
    n = len(values)
    flagged = [0 < i < n - 1 and _far(values[i], (values[i - 1] + values[i + 1]) / 2) for i in range(n)]
    for end, neighbour in ((0, 1), (n - 1, n - 2)):
        if n >= 2 and not flagged[neighbour]:
            flagged[end] = _far(values[end], values[neighbour])
    return tuple(int(y) for y, f in zip(years, flagged, strict=True) if f)


def _far(value: float, reference: float) -> bool:
    return reference > 0 and (value * ATYPICAL_FACTOR < reference or value > ATYPICAL_FACTOR * reference)
