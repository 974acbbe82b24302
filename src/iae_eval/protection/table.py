"""The public edition's table of a year: every protected quantity and how it is shown, decided
once (:func:`iae_eval.protection.year.protect_year`) and read by every file and every report
of the year (docs/editions.md, "Une décision par année").

A :class:`YearCells` names every quantity of the year's model (a unit and an indicator key:
``("structure:S03", "exits_retrait")``) and the mark of each one not published: ``< 5`` for a
small count, ``s`` for a count withheld so that a small one cannot be worked out, the French
reason for a rate, a mean or a cost not published. A batch run writes each year's table to its
output folder before any report is built (:func:`write_tables`); the reports' kernels read it
there (:func:`year_cells`) instead of deciding again.

:func:`shown_places` shows a frame whose rows are places (a year and a unit) as that table
says. It fails closed: a count or a rate of a key the model protects, at a place the table does
not hold, is withheld (``s``) unless it is zero or missing.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from iae_eval import atomic
from iae_eval.data.dataset import Dataset

#: A row's place: the year and the model's unit (``departement``, ``structure:S03``…).
Place = tuple[int, str]
#: The folder of a run's output where the year tables are kept for the reports' kernels.
STORE_DIR = ".protection"
_FORMAT = 1


@dataclass(frozen=True)
class YearCells:
    """The quantities of a year's public edition and the marks of those not published."""

    year: int
    min_cell: int
    #: Every quantity of the year's model, as ``"unit|key"`` (published unless marked).
    known: frozenset[str]
    #: ``"unit|key"`` → what the public edition shows instead of the value.
    marks: Mapping[str, str]
    #: The keys whose quantities the model protects (a key outside it is not a count of people).
    keys: frozenset[str]

    def mark(self, unit: str, key: str, value: object) -> str | None:
        """What the edition shows instead of ``value`` at ``unit``, ``key``; None to show it."""
        name = f"{unit}|{key}"
        if name in self.marks:
            return self.marks[name]
        if name in self.known or key not in self.keys or _nothing(value):
            return None
        from iae_eval.indicators.suppress import MASKED_TEXT

        return MASKED_TEXT  # a protected key at a place the decision does not cover


def _nothing(value: object) -> bool:
    if value is None or isinstance(value, str):
        return True
    try:
        number = float(value)
    except (TypeError, ValueError):
        return False
    return number != number or number == 0


def from_protected(protected) -> YearCells:
    """The table of a :class:`~iae_eval.protection.year.ProtectedYear`."""
    from iae_eval.indicators.catalogue import rate_denominators, rate_numerators
    from iae_eval.indicators.secondary import PROTECTION
    from iae_eval.indicators.suppress import MASKED_TEXT, rate_reason
    from iae_eval.protection.gauss import given_back
    from iae_eval.protection.gauss import rate_reason as rate_reason_code

    model, decision, min_cell = protected.model, protected.decision, protected.min_cell
    numerators, denominators = rate_numerators(), rate_denominators()
    known = set(model.cells)
    marks = {name: f"< {min_cell}" for name in decision.small}
    marks.update({name: MASKED_TEXT for name in decision.withheld - decision.small})
    # a hidden count (the dynamic exits a cost table prints, say) is shown only where the
    # published figures give it anyway; elsewhere ``s``, small or not (``< 5`` would tell more)
    hidden = [name for name, cell in model.cells.items() if not cell.shown]
    computable = given_back(model, decision, hidden)
    marks.update({name: MASKED_TEXT for name in hidden if name not in computable})
    for rate in model.rates:
        known.add(rate.name)
        if rate.name not in decision.rates:
            key = rate.name[1]
            reason = rate_reason_code(model, rate, min_cell) or PROTECTION
            marks[rate.name] = rate_reason(
                key, reason, denominators.get(key, ()), numerators.get(key, ()), min_cell
            )
    return YearCells(
        year=int(protected.year),
        min_cell=int(min_cell),
        known=frozenset(_text(n) for n in known),
        marks={_text(n): text for n, text in marks.items()},
        keys=frozenset(key for _, key in known),
    )


def _text(name: tuple[str, str]) -> str:
    return f"{name[0]}|{name[1]}"


def shown_places(
    frame: pd.DataFrame, places: Sequence[Place | None], tables: Mapping[int, YearCells]
) -> pd.DataFrame:
    """``frame`` (indicator keys as columns, row ``i`` at ``places[i]``) as the public edition
    shows it: each value as its year's table says (:meth:`YearCells.mark`). A row without a
    place (None) or of a year without a table has every protected count and rate withheld."""
    from iae_eval.indicators.suppress import displayed_values

    if len(places) != len(frame):
        raise ValueError(f"{len(places)} places for {len(frame)} rows")
    shown = displayed_values(frame)
    keys = frozenset().union(*(t.keys for t in tables.values())) if tables else frozenset()
    nowhere = YearCells(0, 0, frozenset(), {}, keys)
    for i, place in enumerate(places):
        table = nowhere if place is None else tables.get(int(place[0]), nowhere)
        unit = "" if place is None else place[1]
        for j, key in enumerate(frame.columns):
            mark = table.mark(unit, str(key), frame.iat[i, j])
            if mark is not None:
                shown.iat[i, j] = mark
    return shown


# --- Kept for the reports of a run ------------------------------------------------------------------


def _store_path(folder: Path, dataset: Dataset, year: int, min_cell: int) -> Path:
    return Path(folder) / f"{int(year)}-{int(min_cell)}-{dataset.rules}.json"


def write_table(folder: Path, dataset: Dataset, year: int, min_cell: int) -> Path:
    """Decide ``year`` (:func:`iae_eval.protection.year.protect_year`) and write its table to
    ``folder`` (atomically, one JSON file a year, tied to the data's fingerprint)."""
    cells = year_cells(dataset, year, min_cell, store=False)
    payload = {
        "format": _FORMAT,
        "fingerprint": dataset.fingerprint,
        "rules": dataset.rules,
        "year": cells.year,
        "min_cell": cells.min_cell,
        "known": sorted(cells.known),
        "marks": dict(sorted(cells.marks.items())),
        "keys": sorted(cells.keys),
    }
    path = _store_path(folder, dataset, year, min_cell)
    path.parent.mkdir(parents=True, exist_ok=True)
    return atomic.write_text(path, json.dumps(payload, ensure_ascii=False))


def _read(path: Path, dataset: Dataset, year: int, min_cell: int) -> YearCells | None:
    try:
        payload = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    expected = (_FORMAT, dataset.fingerprint, dataset.rules, int(year), int(min_cell))
    found = tuple(payload.get(k) for k in ("format", "fingerprint", "rules", "year", "min_cell"))
    if found != expected or not dataset.fingerprint:
        return None
    return YearCells(
        year=int(year),
        min_cell=int(min_cell),
        known=frozenset(payload["known"]),
        marks=dict(payload["marks"]),
        keys=frozenset(payload["keys"]),
    )


#: Where this process (a batch kernel) reads the year tables its run wrote (:func:`use_store`).
_store: dict[str, Path | None] = {"folder": None}


def use_store(folder: str | Path | None) -> None:
    """Read the year tables from ``folder`` (a run's :data:`STORE_DIR`; None: decide here)."""
    _store["folder"] = None if folder is None else Path(folder)


def year_cells(dataset: Dataset, year: int, min_cell: int, *, store: Path | None | bool = True) -> YearCells:
    """The year's table: once per dataset, read from ``store`` (by default the folder given to
    :func:`use_store`; False: none) when it holds the table of these data, rules, year and
    threshold, else decided here."""
    if store is True:
        store = _store["folder"]

    def compute() -> YearCells:
        if store:
            kept = _read(_store_path(store, dataset, year, min_cell), dataset, year, min_cell)
            if kept is not None:
                return kept
        from iae_eval.protection.year import protect_year

        return from_protected(protect_year(dataset, year, min_cell))

    return dataset.memoised(("protection table", dataset.rules, int(year), int(min_cell)), compute)
