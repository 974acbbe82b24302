"""A year's counts as the reader sees them: cells that are sums of hidden pieces
(docs/editions.md, "Ce que sait le lecteur").

Every count of every scope of a year (the département, each territory, each kind, each
structure) is a *cell*: a linear combination (a ``Vector``) of *pieces* no table shows.

- Pathway counts add up: their pieces are the counts of one structure's pathways of one kind
  (a structure with two kinds has two), one piece per exit category and short exits of RSA
  recipients and of the others, RSA entries and other entries. A structure is the sum of its pieces, a territory of its structures', a
  kind of its pieces, the département of all of them; ``exits`` is the sum of the five
  categories, ``exits_examined`` of the four that are not "retrait", ``entries`` of the RSA
  and other entries. The "dont RSA" counts of the exits (:data:`RSA_SUMS`: the département's
  and each structure's, the table of exits by category shows them) are the RSA pieces. Every equality a reader can write between published pathway counts is a
  consequence of these sums.
- People counts do not add up (one person may be in two structures): each scope's count is a
  piece of its own, tied to the others only by inequalities (:attr:`YearModel.inequalities`:
  a subset is at most its total, a scope at most the sum of its members and at least each).
- *Hidden* cells are never shown but are counts a reader must not learn when they are small:
  a structure's pathways of one kind, the people outside a public (participants − women), the
  entries without RSA, the exits of the others than RSA recipients, the examined exits that
  are not durable, the dynamic exits (given back by the dynamic-exit rate).

A rate shown with its denominator gives its numerator back; a cost (funding / count) gives
its count back. :class:`RateCell` says which cells a rate or a cost reveals.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import pandas as pd

from iae_eval.indicators.catalogue import (
    BY_KEY,
    DYNAMIC_EXIT_KEYS,
    EXIT_CATEGORIES,
    PEOPLE_COUNT_KEYS,
    PUBLIC_KEYS,
    Kind,
    rate_denominators,
    rate_numerators,
)

#: A cell as a linear combination of pieces (piece number → coefficient).
Vector = dict[int, float]
#: A cell's name: its unit (``departement``, ``territory:Buëch``, ``kind:AI``, ``structure:S03``,
#: ``piece:S03|AI``) and its key (an indicator key, or a hidden key of :data:`HIDDEN_KEYS`).
CellName = tuple[str, str]

DEPARTEMENT = "departement"
EXIT_KEYS: tuple[str, ...] = tuple(f"exits_{c}" for c in EXIT_CATEGORIES)
RETRAIT_KEY = "exits_retrait"
#: The exits and short exits of one structure's pathways of one kind, split by RSA or not.
_SPLIT_EXITS: tuple[str, ...] = (*EXIT_KEYS, "short_exits")
RSA_PREFIX, OTHER_PREFIX = "rsa_", "other_"
#: The pieces of one structure's pathways of one kind, in order.
PATHWAY_PIECES: tuple[str, ...] = (
    *(RSA_PREFIX + k for k in _SPLIT_EXITS),
    *(OTHER_PREFIX + k for k in _SPLIT_EXITS),
    "rsa_entries",
    "entries_not_rsa",
)


def _both(keys) -> tuple[str, ...]:
    return tuple(prefix + k for k in keys for prefix in (RSA_PREFIX, OTHER_PREFIX))


_EXAMINED = tuple(k for k in EXIT_KEYS if k != RETRAIT_KEY)
PATHWAY_KEYS: tuple[str, ...] = tuple(k for k in PEOPLE_COUNT_KEYS if BY_KEY[k].kind is Kind.PATHWAYS)
PEOPLE_KEYS: tuple[str, ...] = tuple(k for k in PEOPLE_COUNT_KEYS if BY_KEY[k].kind is Kind.PEOPLE)
#: Pathway counts as sums of pieces.
PATHWAY_SUMS: dict[str, tuple[str, ...]] = {
    "entries": ("rsa_entries", "entries_not_rsa"),
    "rsa_entries": ("rsa_entries",),
    "exits": _both(EXIT_KEYS),
    "short_exits": _both(["short_exits"]),
    **{k: _both([k]) for k in EXIT_KEYS},
    "exits_examined": _both(_EXAMINED),
}
#: The "dont RSA" exit counts (shown for the département and each structure) as sums of pieces:
#: each key of :func:`iae_eval.indicators.exits_by_public.rsa_exit_counts` with the prefix.
RSA_SUMS: dict[str, tuple[str, ...]] = {
    **{RSA_PREFIX + k: (RSA_PREFIX + k,) for k in _SPLIT_EXITS},
    RSA_PREFIX + "exits_examined": tuple(RSA_PREFIX + k for k in _EXAMINED),
    RSA_PREFIX + "exits": tuple(RSA_PREFIX + k for k in EXIT_KEYS),
}
#: Their complements, hidden (the exits of the others: 7 exits, 5 of RSA recipients → 2).
HIDDEN_RSA_SUMS: dict[str, tuple[str, ...]] = {
    OTHER_PREFIX + key.removeprefix(RSA_PREFIX): tuple(
        OTHER_PREFIX + p.removeprefix(RSA_PREFIX) for p in parts
    )
    for key, parts in RSA_SUMS.items()
}
#: Hidden pathway cells (never shown, protected when small) as sums of pieces.
HIDDEN_PATHWAY_SUMS: dict[str, tuple[str, ...]] = {
    "entries_not_rsa": ("entries_not_rsa",),
    "exits_dynamic": _both(DYNAMIC_EXIT_KEYS),
    "examined_not_durable": _both(k for k in _EXAMINED if k != "exits_emploi_durable"),
}
#: The people counts that are a part of another people count of the same scope.
PEOPLE_SUBSETS: dict[str, str] = {
    **{k: "participants" for k in PUBLIC_KEYS},
    "rsa_durable_or_training": "rsa_participants",
}
HIDDEN_KEYS: tuple[str, ...] = (
    *HIDDEN_PATHWAY_SUMS,
    *HIDDEN_RSA_SUMS,
    *(f"not_{k}" for k in PEOPLE_SUBSETS),
)


@dataclass
class Cell:
    """One count: what it adds up, its value, whether a table shows it, when it is chosen."""

    name: CellName
    vector: Vector
    value: float
    shown: bool
    priority: int


@dataclass(frozen=True)
class RateCell:
    """A rate, mean or cost of one unit and the cells a reader learns when it is shown."""

    name: CellName
    reveals: tuple[CellName, ...]  # numerator and denominator (a mean: its denominator)
    numerator: tuple[str, ...] | None
    denominator: tuple[str, ...]


@dataclass
class YearModel:
    """The cells of one year, the rates between them and the reader's inequalities."""

    cells: dict[CellName, Cell]
    rates: list[RateCell]
    #: Σ coef × piece ≤ 0 for each (people counts: parts, scopes and their members).
    inequalities: list[Vector] = field(default_factory=list)
    pieces: int = 0

    def shown(self) -> list[Cell]:
        return [c for c in self.cells.values() if c.shown]


#: Order of the scopes when cells are chosen for publication: the département's figures first.
SCOPE_RANK = {DEPARTEMENT: 0, "kind": 1, "territory": 2, "structure": 3, "piece": 4}
#: Order of the keys within a unit: the headline counts, the rates' numerators, then the rest.
KEY_RANK = {
    k: i
    for i, k in enumerate(
        dict.fromkeys(
            (
                "participants",
                "entries",
                "exits_examined",  # the rates' denominator before the exits ("retrait" included)
                "exits_dynamic",
                "exits_emploi_durable",
                "exits",
                *PEOPLE_COUNT_KEYS,
                *RSA_SUMS,
                *HIDDEN_KEYS,
            )
        )
    )
}


#: A cell's priority is scope rank × SCOPE_STEP + unit order × UNIT_STEP + key rank: unique, so
#: that the same data always gives the same publication.
SCOPE_STEP, UNIT_STEP = 10**9, 1_000


def scope_rank(cell: Cell) -> int:
    return cell.priority // SCOPE_STEP


def unit_rank(cell: Cell) -> int:
    """The cell's scope and unit (cells of one unit share it)."""
    return cell.priority // UNIT_STEP


def _scope(unit: str) -> str:
    return unit.split(":", 1)[0]


def year_model(
    frames: Mapping[str, pd.DataFrame],
    pieces: pd.DataFrame,
    *,
    territory_of: Mapping[str, str],
) -> YearModel:
    """The model of one year from its indicator frames.

    ``frames``: scope (``departement``, ``territory``, ``kind``, ``structure``) → the frame of
    :func:`~iae_eval.indicators.compute.compute_indicators` for that scope (with the
    :data:`RSA_SUMS` columns where the "dont RSA" exits are shown); ``pieces``: the
    ``structure_kind`` frame (keys ``S|K``, with the RSA exit columns: ``rsa_exits_…``,
    ``rsa_short_exits``); ``territory_of``: structure id → territory.
    Units are in the frames' order; pieces without any pathway are left out (they are 0).
    """
    units = {scope: [None if pd.isna(k) else str(k) for k in frames[scope].index] for scope in frames}
    piece_rows = pieces[pieces[list(PATHWAY_KEYS)].fillna(0).to_numpy().any(axis=1)]
    number: dict[tuple[str, str], int] = {}  # (piece key, piece) -> piece number

    def new(owner: str, key: str) -> int:
        number[(owner, key)] = len(number)
        return number[(owner, key)]

    for pair in piece_rows.index:
        for key in PATHWAY_PIECES:
            new(str(pair), key)
    members: dict[str, list[str]] = {}  # unit -> its pieces
    for pair in piece_rows.index:
        structure, kind = str(pair).split("|", 1)
        for unit in (
            DEPARTEMENT,
            f"kind:{kind}",
            f"structure:{structure}",
            f"territory:{territory_of.get(structure)}",
        ):
            members.setdefault(unit, []).append(str(pair))
    cells: dict[CellName, Cell] = {}
    rates: list[RateCell] = []
    inequalities: list[Vector] = []

    def add(unit: str, key: str, vector: Vector, value: float, shown: bool, order: int) -> None:
        priority = (
            SCOPE_RANK[_scope(unit)] * SCOPE_STEP + order * UNIT_STEP + KEY_RANK.get(key, UNIT_STEP - 1)
        )
        cells[(unit, key)] = Cell((unit, key), vector, float(value), shown, priority)

    def pathway_vector(unit: str, parts: Sequence[str]) -> Vector:
        return {number[(pair, p)]: 1.0 for pair in members.get(unit, ()) for p in parts}

    pair_values = piece_rows.fillna(0)
    for scope in ("departement", "kind", "territory", "structure"):
        if scope not in frames:
            continue
        frame = frames[scope]
        for order, (key, row) in enumerate(zip(units[scope], frame.itertuples(index=False), strict=True)):
            unit = DEPARTEMENT if scope == DEPARTEMENT else f"{scope}:{key}"
            values = dict(zip(frame.columns, row, strict=True))
            for name, parts in PATHWAY_SUMS.items():
                if name in values and not pd.isna(values[name]):
                    add(unit, name, pathway_vector(unit, parts), values[name], True, order)
            for name, parts in HIDDEN_PATHWAY_SUMS.items():
                vector = pathway_vector(unit, parts)
                add(unit, name, vector, _sum(pair_values, members.get(unit, ()), parts), False, order)
            for (name, parts), (other, other_parts) in zip(
                RSA_SUMS.items(), HIDDEN_RSA_SUMS.items(), strict=True
            ):
                if name in values and not pd.isna(values[name]):
                    add(unit, name, pathway_vector(unit, parts), values[name], True, order)
                    vector = pathway_vector(unit, other_parts)
                    add(
                        unit,
                        other,
                        vector,
                        _sum(pair_values, members.get(unit, ()), other_parts),
                        False,
                        order,
                    )
            for name in PEOPLE_KEYS:
                if name in values and not pd.isna(values[name]):
                    add(unit, name, {new(unit, name): 1.0}, values[name], True, order)
            for part, total in PEOPLE_SUBSETS.items():
                if (unit, part) in cells and (unit, total) in cells:
                    (p,), (t,) = cells[(unit, part)].vector, cells[(unit, total)].vector
                    value = cells[(unit, total)].value - cells[(unit, part)].value
                    add(unit, f"not_{part}", {t: 1.0, p: -1.0}, value, False, order)
                    inequalities.append({p: 1.0, t: -1.0})
            rates += _rates(unit, values, cells)
    for order, pair in enumerate(piece_rows.index):  # a structure with two kinds: each kind's part is hidden
        structure = str(pair).split("|", 1)[0]
        if len(members.get(f"structure:{structure}", ())) > 1:
            for name, parts in {**PATHWAY_SUMS, **HIDDEN_PATHWAY_SUMS}.items():
                vector = {number[(str(pair), p)]: 1.0 for p in parts}
                add(f"piece:{pair}", name, vector, _sum(pair_values, [str(pair)], parts), False, order)
    inequalities += _people_inequalities(cells, units, territory_of)
    return YearModel(cells, rates, inequalities, len(number))


def _sum(values: pd.DataFrame, pairs: Sequence[str], parts: Sequence[str]) -> float:
    """The value of a sum of pieces over ``pairs``."""
    rows = values.loc[list(pairs)]
    total = 0.0
    for part in parts:
        if part == "entries_not_rsa":
            total += float(rows["entries"].sum() - rows["rsa_entries"].sum())
        elif part.startswith(OTHER_PREFIX):
            key = part.removeprefix(OTHER_PREFIX)
            total += float(rows[key].sum()) - _column_sum(rows, RSA_PREFIX + key)
        else:
            total += _column_sum(rows, part)
    return total


def _column_sum(rows: pd.DataFrame, column: str) -> float:
    """A piece column's total (a column the frame lacks, the RSA split a reader cannot see in
    indicators.csv, counts 0)."""
    return float(rows[column].sum()) if column in rows.columns else 0.0


def _rates(unit: str, values: Mapping[str, object], cells: Mapping[CellName, Cell]) -> list[RateCell]:
    """The rates, means and costs of one unit that have a value, with the cells they reveal."""
    numerators, denominators = rate_numerators(), rate_denominators()
    found = []
    for key in dict.fromkeys([*numerators, *denominators]):
        if key not in values or pd.isna(values[key]):
            continue
        numerator, denominator = numerators.get(key), denominators.get(key, ())
        reveals = [(unit, _count_key(c)) for c in (numerator, denominator) if c]
        if all(name in cells for name in reveals):
            found.append(RateCell((unit, key), tuple(reveals), numerator, tuple(denominator)))
    return found


def _count_key(columns: Sequence[str]) -> str:
    columns = tuple(columns)
    if columns == DYNAMIC_EXIT_KEYS:
        return "exits_dynamic"
    (key,) = columns
    return key


def _people_inequalities(cells, units, territory_of) -> list[Vector]:
    """A scope's people count is at least each member's and at most their sum (département over
    structures, a territory over its structures)."""
    found: list[Vector] = []
    structures = [f"structure:{s}" for s in units.get("structure", ())]
    groups = [(DEPARTEMENT, structures)]
    for territory in units.get("territory", ()):
        groups.append(
            (f"territory:{territory}", [f"structure:{s}" for s, t in territory_of.items() if t == territory])
        )
    for total, group in groups:
        for key in PEOPLE_KEYS:
            if (total, key) not in cells:
                continue
            (t,) = cells[(total, key)].vector
            parts = [next(iter(cells[(m, key)].vector)) for m in group if (m, key) in cells]
            if not parts:
                continue
            found.append({t: 1.0, **{p: -1.0 for p in parts}})
            found += [{p: 1.0, t: -1.0} for p in parts]
    return found
