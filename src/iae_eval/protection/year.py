"""The public edition's decision for one year: built once, then read by every table
(docs/editions.md).

:func:`protect_year` builds the year's model (:mod:`.model`), chooses the published cells by
Gaussian elimination (:mod:`.gauss`), then checks every withheld small count's interval by
linear programming (:mod:`.check`). A small count whose interval is narrower than 1 to
``min_cell − 1`` (it and an ``s`` cell of at least ``min_cell`` make up a known total, say) has
one more cell withheld beside it — a cell of the same key in a sibling unit, or another part
of the same total, at structure level first, large enough to leave the whole range open — and
the year is decided again, until no interval is narrowed.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from iae_eval.data.dataset import Dataset
from iae_eval.protection.check import narrowed
from iae_eval.protection.gauss import Decision, decide
from iae_eval.protection.gauss import rate_reason as rate_reason_code
from iae_eval.protection.model import (
    DEPARTEMENT,
    RSA_PREFIX,
    CellName,
    YearModel,
    scope_rank,
    year_model,
)

SCOPES = ("departement", "kind", "territory", "structure")
#: The scopes whose "dont RSA" exits a report shows (the département's and the structures').
RSA_SCOPES = ("departement", "structure")
#: Rounds of repair before the protection gives up (fails closed: no public edition).
MAX_ROUNDS = 50


@dataclass(frozen=True)
class ProtectedYear:
    """A year's model and what it publishes."""

    year: int
    min_cell: int
    model: YearModel
    decision: Decision
    rounds: int


def model_of(dataset: Dataset, year: int) -> YearModel:
    """The model of ``year`` from the dataset's indicators (every scope)."""
    from iae_eval.indicators.compute import compute_indicators

    frames = {scope: compute_indicators(dataset, year, by=scope) for scope in SCOPES}
    for scope in RSA_SCOPES:  # the table of exits by category shows their "dont RSA" column
        frames[scope] = frames[scope].join(_rsa_exits(dataset, year, scope))
    pieces = compute_indicators(dataset, year, by="structure_kind").join(
        _rsa_exits(dataset, year, "structure_kind")
    )
    structures = dataset.structures
    territory_of = dict(zip(structures["structure_id"].astype(str), structures["territory"], strict=True))
    return year_model(frames, pieces, territory_of=territory_of)


def _rsa_exits(dataset: Dataset, year: int, scope: str) -> pd.DataFrame:
    from iae_eval.indicators.exits_by_public import rsa_exit_counts

    counts = rsa_exit_counts(dataset, year, scope)
    return counts.rename(columns=lambda key: RSA_PREFIX + key).astype(float)


def protect_year(dataset: Dataset, year: int, min_cell: int) -> ProtectedYear:
    """The year's public decision, computed once per dataset, year and threshold."""
    return dataset.memoised(
        ("protection", dataset.rules, int(year), int(min_cell)), lambda: _protect(dataset, year, min_cell)
    )


def protect_model(model: YearModel, min_cell: int, *, year: int = 0) -> ProtectedYear:
    """Decide, check the intervals, withhold more where one is narrowed, until none is."""
    forced: set[CellName] = set()
    for rounds in range(1, MAX_ROUNDS + 2):
        decision = decide(model, min_cell, forced=forced)
        still = narrowed(model, decision, min_cell)
        if not still:
            return ProtectedYear(year, min_cell, model, decision, rounds)
        added: set[CellName] = set()
        for name, bounding in still.items():
            if any(n in added for n in bounding):
                continue  # a cell withheld this round already opens this one's total
            bounding = [n for n in bounding if n not in forced] or _totals(model, decision, name)
            partner = _partner(model, decision, name, bounding, min_cell)
            if partner:
                added.add(partner)
        if rounds > MAX_ROUNDS or not added - forced:
            raise RuntimeError(f"the protection cannot widen the intervals of {sorted(still)}")
        forced |= added
    raise RuntimeError("unreachable")


def _protect(dataset: Dataset, year: int, min_cell: int) -> ProtectedYear:
    return protect_model(model_of(dataset, year), min_cell, year=int(year))


def _totals(model: YearModel, decision: Decision, name: CellName) -> list[CellName]:
    """The published cells that hold a piece of ``name`` (its totals)."""
    pieces = set(model.cells[name].vector)
    return [n for n in decision.published if model.cells[n].value and pieces & set(model.cells[n].vector)]


def _key(vector: dict) -> frozenset:
    return frozenset(vector.items())


def _partner(
    model: YearModel, decision: Decision, name: CellName, bounding: list[CellName], min_cell: int
) -> CellName | None:
    """The published cell to withhold beside the narrowed ``name``, in this order: another part,
    in the same unit, of a total that bounds it (a published cell inside a bounding cell and
    apart from ``name``) on which no published rate rests; a bounding total of the same unit; a
    part in another unit; a territory's or a kind's bounding total (rather than a structure's
    rate); a part a rate rests on. Among parts, structure level first, then the smallest that is
    at least ``2 × min_cell − 1`` (it leaves the whole range open), else the largest. When there
    is none, the bounding cell last in priority."""
    cells = model.cells
    own = set(cells[name].vector)
    parts = set()
    for total in bounding:
        inside = set(cells[total].vector)
        parts.update(
            n
            for n in decision.published
            if cells[n].value
            and cells[n].shown
            and n != total
            and set(cells[n].vector) <= inside
            and not own & set(cells[n].vector)
        )
    wide = 2 * min_cell - 1
    # a cell withheld withholds every cell of the same vector (the kind of a single structure)
    behind = {  # the counts of the rates (k / n) their own counts allow; means and costs cede first
        _key(cells[n].vector)
        for rate in model.rates
        if rate.numerator and rate_reason_code(model, rate, min_cell) is None
        for n in rate.reveals
    }

    def behind_rates(n: CellName) -> bool:
        return _key(cells[n].vector) in behind

    def cost(n):
        value = cells[n].value
        return (
            behind_rates(n),
            -scope_rank(cells[n]),
            value < wide,
            value if value >= wide else -value,
            cells[n].priority,
        )

    free = [n for n in parts if not behind_rates(n)]
    same_unit = [n for n in free if n[0] == name[0]]
    if same_unit:
        return min(same_unit, key=cost)
    totals = [n for n in bounding if n[0] == name[0] and cells[n].shown and not behind_rates(n)]
    if totals:
        return max(totals, key=lambda n: cells[n].priority)
    if free:
        return min(free, key=cost)
    # a territory's or a kind's total rather than a structure's rate (a rate of a territory or
    # a kind cedes before a structure's; never a total that is a structure's own cell)
    structures_rates = {
        _key(cells[n].vector)
        for rate in model.rates
        if rate.name[0].startswith("structure:")
        and rate.numerator
        and rate_reason_code(model, rate, min_cell) is None
        for n in rate.reveals
    }
    between = [
        n
        for n in bounding
        if n[0] != "departement"
        and cells[n].shown
        and not n[0].startswith("structure:")
        and _key(cells[n].vector) not in structures_rates
    ]
    if between:
        return min(between, key=lambda n: (behind_rates(n), -cells[n].priority))
    if parts:
        return min(parts, key=cost)
    return max(bounding, key=lambda n: cells[n].priority, default=None)


def unit_name(scope: str, key: object) -> str:
    """The model's unit of a scope's key (``departement``, ``structure:S03``…)."""
    return DEPARTEMENT if scope == DEPARTEMENT else f"{scope}:{key}"
