"""The attacker's audit of a published year (``iae-eval audit``, docs/editions.md).

It reads ``<reports>/<year>/indicators.csv`` — the published file itself, not the data —,
rebuilds what a reader knows from it (every published figure, the marks ``< 5`` and ``s``, the
relations between the scopes, a structure's territory and kinds from its lead columns) and
looks for what the reader can work out:

- a count from 1 to ``min_cell − 1`` printed as a number;
- a withheld count the published figures give back exactly (Gaussian elimination);
- a ``< 5`` count whose interval (linear programming) is narrower than what the marks alone
  say.

Each finding names the file, the row and the column, in French.
"""

from __future__ import annotations

import csv
import io
import math
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from iae_eval.indicators import catalogue
from iae_eval.indicators.catalogue import INDICATOR_KEYS, PEOPLE_COUNT_KEYS, RATE_KEYS
from iae_eval.protection.check import narrowed, small_intervals
from iae_eval.protection.gauss import Decision, given_back
from iae_eval.protection.model import DEPARTEMENT, CellName, YearModel, year_model

FILE_NAME = "indicators.csv"
#: The costs: funding / a count (the count comes back from the funding and the cost).
COST_KEYS = frozenset(k for k in INDICATOR_KEYS if k.startswith("cost_per_"))
SCOPE_OF_LABEL = {
    "Département": "departement",
    "Territoire": "territory",
    "Type de structure": "kind",
    "Structure": "structure",
}
#: Any value that stands for a withheld count (the kit writes these two).
SMALL_PREFIX, MASKED = "<", "s"
#: A placeholder value for a withheld cell in the reader's model (never read as a figure).
UNKNOWN = -1.0


@dataclass(frozen=True)
class Finding:
    """One thing a reader can work out, located."""

    file: str
    line: int
    column: str
    value: str
    problem: str

    def __str__(self) -> str:
        return f"{self.file}:ligne {self.line}: {self.column}: {self.value}: {self.problem}"


def _number(text: str) -> float | None:
    text = text.strip().replace("\u202f", "").replace(" ", "")
    if not text:
        return None
    percent = text.endswith("%")
    try:
        value = float(text.rstrip("%").replace(",", "."))
    except ValueError:
        return None
    return value / 100 if percent else value


class _Published:
    """indicators.csv as rows: scope, key, line number, and each indicator's text."""

    def __init__(self, text: str) -> None:
        reader = csv.reader(io.StringIO(text), delimiter=";")
        header = next(reader)
        key_of = {catalogue.header(k): k for k in INDICATOR_KEYS}
        self.columns = [key_of.get(h, h) for h in header]
        self.rows = []
        for line, row in enumerate(reader, start=2):
            record = dict(zip(self.columns, row, strict=False))
            scope = SCOPE_OF_LABEL.get(record.get("Périmètre", ""))
            if scope is None:
                continue
            self.rows.append((scope, record.get("Code") or None, line, record))


def _frames(published: _Published) -> tuple[dict[str, pd.DataFrame], pd.DataFrame, dict[str, str]]:
    """The reader's frames (withheld counts as :data:`UNKNOWN`, unpublished rates as NaN), the
    pieces of the structures (one per structure and kind) and each structure's territory."""
    by_scope: dict[str, dict] = {}
    territory_of: dict[str, str] = {}
    pairs = []
    for scope, code, _, record in published.rows:
        values = {}
        for key in INDICATOR_KEYS:
            text = record.get(key, "")
            number = _number(text)
            if key in PEOPLE_COUNT_KEYS:
                values[key] = UNKNOWN if number is None and text.strip() else number
            else:
                values[key] = number
        by_scope.setdefault(scope, {})[code] = values
        if scope == "structure":
            territory_of[code] = record.get("Territoire", "")
            pairs += [f"{code}|{kind}" for kind in record.get("Types", "").split("+") if kind]
    frames = {
        scope: pd.DataFrame.from_dict(rows, orient="index").astype(float).rename_axis("key")
        for scope, rows in by_scope.items()
    }
    from iae_eval.protection.model import PATHWAY_KEYS

    pieces = pd.DataFrame(1.0, index=pd.Index(pairs, name="key"), columns=list(PATHWAY_KEYS))
    return frames, pieces, territory_of


def _decision(
    model: YearModel, published: _Published, min_cell: int
) -> tuple[Decision, dict[CellName, tuple]]:
    """What the file publishes, as a decision over the reader's model; and where each cell is."""
    known, small, withheld, rates = set(), set(), set(), set()
    where: dict[CellName, tuple] = {}
    for scope, code, line, record in published.rows:
        unit = DEPARTEMENT if scope == DEPARTEMENT else f"{scope}:{code}"
        for key in INDICATOR_KEYS:
            name, text = (unit, key), record.get(key, "").strip()
            where[name] = (line, key, text)
            if name not in model.cells and key not in RATE_KEYS and not _is_ratio(model, name):
                continue
            if key in PEOPLE_COUNT_KEYS and name in model.cells:
                if text.startswith(SMALL_PREFIX):
                    small.add(name)
                    withheld.add(name)
                elif _number(text) is None:
                    withheld.add(name)
                else:
                    known.add(name)
            elif _number(text) is not None:
                rates.add(name)
    for rate in model.rates:  # a published rate gives its numerator back, a cost its count
        if rate.name not in rates:
            continue
        value = _number(where[rate.name][2])
        if rate.numerator and len(rate.reveals) == 2 and rate.reveals[1] in known:
            k, n = rate.reveals
            model.cells[k].value = float(round(value * model.cells[n].value))
        elif rate.numerator is None and rate.name[1] in COST_KEYS and value:
            funding = _number(where[(rate.name[0], "funding_total")][2])
            if funding is not None:
                model.cells[rate.reveals[0]].value = float(round(funding / value))
    return Decision(frozenset(known), frozenset(small), frozenset(withheld), frozenset(rates)), where


def _is_ratio(model: YearModel, name: CellName) -> bool:
    return any(rate.name == name for rate in model.rates)


def audit_year(reports_dir: Path, year: int, *, min_cell: int) -> list[Finding]:
    """Every finding on the year's published indicators.csv (empty: nothing can be worked out)."""
    path = Path(reports_dir) / str(year) / FILE_NAME
    text = path.read_bytes().decode("utf-8-sig")
    return audit_text(text, min_cell=min_cell, shown=f"{year}/{FILE_NAME}")


def audit_text(text: str, *, min_cell: int, shown: str = FILE_NAME) -> list[Finding]:
    """:func:`audit_year` on the text of an indicators.csv (before it is written), findings
    located in ``shown``."""
    published = _Published(text.removeprefix("\ufeff"))
    frames, pieces, territory_of = _frames(published)
    model = year_model(frames, pieces, territory_of=territory_of)
    decision, where = _decision(model, published, min_cell)
    findings = []

    def found(name: CellName, problem: str) -> None:
        line, key, text = where[name]
        findings.append(
            Finding(shown, line, catalogue.header(key), text, f"{_unit_text(name[0])} : {problem}")
        )

    for name in sorted(decision.published, key=lambda n: where[n][0]):
        value = model.cells[name].value
        if 0 < value < min_cell:
            found(name, f"petit effectif publié (de 1 à {min_cell - 1})")
    recovered = given_back(model, decision, sorted(decision.small, key=lambda n: model.cells[n].priority))
    for name, value in recovered.items():
        found(name, f"se recalcule exactement à partir des chiffres publiés ({_figure(value)})")
    exact = set(recovered)
    clean = Decision(decision.published, decision.small - exact, decision.withheld - exact, decision.rates)
    intervals = {i.cell: i for i in small_intervals(model, clean, min_cell)}
    for name in narrowed(model, clean, min_cell):
        interval = intervals[f"{name[0]} {name[1]}"]
        found(
            name,
            f"intervalle resserré : de {_figure(interval.low)} à {_figure(interval.high)} "
            f"au lieu de 1 à {min_cell - 1}",
        )
    return sorted(findings, key=lambda f: (f.line, f.column))


def _figure(value: float) -> str:
    return (
        str(int(round(value)))
        if math.isclose(value, round(value), abs_tol=1e-6)
        else f"{value:.1f}".replace(".", ",")
    )


def _unit_text(unit: str) -> str:
    if unit == DEPARTEMENT:
        return "département"
    scope, key = unit.split(":", 1)
    return {"territory": "territoire", "kind": "type", "structure": "structure"}.get(scope, scope) + f" {key}"
