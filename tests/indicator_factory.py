"""Build small :class:`Dataset` objects from hand-written rows, with the documented dtypes.

The loader is not needed: each table is a list of dicts (missing columns are empty) and
is coerced to the column types of ``iae_eval.data.dataset.TABLES`` — text as pandas string,
lists as tuples, dates as datetime64, required ints as int64 and optional ones as Int64,
floats as float64, required booleans as bool and optional ones as nullable boolean.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import pandas as pd

from iae_eval.data.dataset import TABLES, Dataset
from iae_eval.data.reference import builtin_exit_reasons


def _column(values: list, type_: str, required: bool) -> pd.Series:
    if type_ == "text":
        return pd.Series(values, dtype="str")
    if type_ == "list":
        return pd.Series([tuple(v) if v else () for v in values], dtype=object)
    if type_ == "date":
        return pd.Series(pd.to_datetime(pd.Series(values, dtype=object)), dtype="datetime64[us]")
    if type_ == "int":
        return pd.Series(values, dtype="int64" if required else "Int64")
    if type_ == "float":
        return pd.Series([float("nan") if v is None else v for v in values], dtype="float64")
    if type_ == "bool":
        return pd.Series(values, dtype="bool" if required else "boolean")
    raise ValueError(type_)


def table(name: str, rows: Iterable[Mapping]) -> pd.DataFrame:
    """The frame of table ``name`` holding ``rows`` with the documented column types."""
    rows = list(rows)
    columns = {}
    for col in TABLES[name].columns:
        values = [row.get(col.name) for row in rows]
        columns[col.name] = _column(values, col.type, col.required)
    unknown = {k for row in rows for k in row} - set(columns)
    if unknown:
        raise KeyError(f"{name}: unknown columns {sorted(unknown)}")
    return pd.DataFrame(columns)


def structure(structure_id: str, kinds: Iterable[str], territory: str, **extra) -> dict:
    """One row of ``structures``."""
    return {
        "structure_id": structure_id,
        "name": extra.pop("name", f"Structure {structure_id}"),
        "kinds": tuple(kinds),
        "commune": extra.pop("commune", "Gap"),
        "territory": territory,
        **extra,
    }


def pathway(
    person_id: str,
    structure_id: str,
    kind: str,
    entry: str,
    exit: str | None = None,  # noqa: A002 - mirrors the column
    reason: int | None = None,
    *,
    sex: str = "M",
    birth_year: int = 1980,
    rsa: bool = False,
    deld: bool | None = None,
    rqth: bool | None = None,
    hours: float | None = None,
) -> dict:
    """One row of ``participants``."""
    return {
        "person_id": person_id,
        "structure_id": structure_id,
        "kind": kind,
        "entry_date": entry,
        "exit_date": exit,
        "exit_reason": reason,
        "sex": sex,
        "birth_year": birth_year,
        "rsa": rsa,
        "deld": deld,
        "rqth": rqth,
        "hours_worked": hours,
    }


def make_dataset(
    *,
    structures: Iterable[Mapping],
    participants: Iterable[Mapping],
    contracts: Iterable[Mapping] | None = None,
    operations: Iterable[Mapping] | None = None,
    funding: Iterable[Mapping] | None = None,
    exit_reasons: Iterable[Mapping] | None = None,
) -> Dataset:
    """A :class:`Dataset` from rows; an optional table left at ``None`` stays absent."""

    def optional(name: str, rows: Iterable[Mapping] | None) -> pd.DataFrame | None:
        return None if rows is None else table(name, rows)

    reasons = builtin_exit_reasons() if exit_reasons is None else table("exit_reasons", exit_reasons)
    return Dataset(
        structures=table("structures", structures),
        participants=table("participants", participants),
        exit_reasons=reasons,
        contracts=optional("contracts", contracts),
        operations=optional("operations", operations),
        funding=optional("funding", funding),
        source="tests",
    )
