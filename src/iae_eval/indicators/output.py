"""What ``iae-eval indicators`` prints: the engine's keys, then the adjusted and follow-up
keys (:func:`output_indicators`), as json (:func:`indicators_json`, :func:`to_records`), CSV
(:func:`indicators_csv`) or a terminal table (:func:`indicators_table`).

The module sits above :mod:`~iae_eval.indicators.compute`, :mod:`~iae_eval.indicators.adjusted` and
:mod:`~iae_eval.indicators.followup` (which themselves read the engine), so the engine
imports neither.
"""

from __future__ import annotations

import json

import numpy as np
import pandas as pd

from iae_eval.cells import CSV_BOM, csv_text
from iae_eval.data.dataset import Dataset
from iae_eval.data.rules import RulesProfile
from iae_eval.indicators.adjusted import adjusted_indicators
from iae_eval.indicators.catalogue import OUTPUT_COUNT_KEYS, OUTPUT_KEYS, OUTPUT_RATE_KEYS
from iae_eval.indicators.compute import compute_indicators
from iae_eval.indicators.followup import followup_indicators


def output_indicators(
    dataset: Dataset, year: int, by: str = "departement", *, rules: str | RulesProfile | None = None
) -> pd.DataFrame:
    """:func:`~iae_eval.indicators.compute.compute_indicators` followed by the adjusted keys (the case-mix models of
    :mod:`iae_eval.indicators.adjusted`) and the follow-up keys
    (:mod:`iae_eval.indicators.followup`; null without an ``exit_followup`` table): the frame
    of ``iae-eval indicators``."""
    frame = compute_indicators(dataset, year, by, rules=rules)
    extra = [
        adjusted_indicators(dataset, int(year), by, rules=rules),
        followup_indicators(dataset, int(year), by, rules=rules),  # null without the table
    ]
    return pd.concat([frame, *(e.set_axis(frame.index) for e in extra)], axis=1)


def _python_values(series: pd.Series, *, integer: bool) -> list:
    """A column as Python ints or floats, None for nulls."""
    missing = series.isna().to_numpy()
    values = series.to_numpy(dtype=np.float64, na_value=np.nan)
    cast = int if integer else float
    return [None if m else cast(v) for v, m in zip(values, missing, strict=True)]


def _output_keys(frame: pd.DataFrame) -> list[str]:
    """The output keys the frame has, in catalogue order (the year's indicators of
    docs/indicators.md first, then the adjusted and follow-up ones)."""
    return [k for k in OUTPUT_KEYS if k in frame.columns]


def to_records(frame: pd.DataFrame, year: int, scope: str) -> list[dict]:
    """The json objects of ``iae-eval indicators --format json`` (docs/indicators.md):
    ``year``, ``scope``, ``key`` (None for the département), then every indicator key (and the
    adjusted and follow-up keys the frame has): counts as int, others as float, None when null."""
    columns = {
        name: _python_values(frame[name], integer=name in OUTPUT_COUNT_KEYS) for name in _output_keys(frame)
    }
    keys = [None if scope == "departement" or pd.isna(k) else str(k) for k in frame.index]
    records = []
    for position, key in enumerate(keys):
        record = {"year": int(year), "scope": scope, "key": key}
        record.update({name: values[position] for name, values in columns.items()})
        records.append(record)
    return records


def indicators_json(
    dataset: Dataset, year: int, by: str = "departement", *, rules: str | RulesProfile | None = None
) -> str:
    """The json text of ``iae-eval indicators`` (an array of objects, one per scope key;
    docs/indicators.md) of ``year`` and scope ``by``: the year's indicator keys, then the
    adjusted and follow-up ones (:func:`output_indicators`)."""
    frame = output_indicators(dataset, year, by, rules=rules)
    return json.dumps(to_records(frame, year, by), ensure_ascii=False, indent=2, allow_nan=False)


def indicators_csv(frame: pd.DataFrame, year: int, scope: str) -> str:
    """CSV text for Excel: columns ``year``, ``scope``, ``key``, then every key of docs/indicators.md;
    counts as integers, rates as fractions (decimal comma), an empty cell for null (and
    for the département's key)."""
    table = frame[_output_keys(frame)].reset_index(names="key")
    if scope == "departement":
        table["key"] = None
    table.insert(0, "scope", scope)
    table.insert(0, "year", int(year))
    return CSV_BOM + csv_text(table)


def _formatted(name: str, column: pd.Series) -> list[str]:
    """One indicator's values as text for the terminal table ("-" for null)."""
    values = _python_values(column, integer=name in OUTPUT_COUNT_KEYS)
    if name in OUTPUT_COUNT_KEYS:
        pattern = "{:d}"
    elif name in OUTPUT_RATE_KEYS:
        values = [None if v is None else v * 100 for v in values]
        pattern = "{:.1f}%"
    else:
        pattern = "{:,.2f}"
    return ["-" if v is None else pattern.format(v) for v in values]


def indicators_table(frame: pd.DataFrame) -> str:
    """A plain-text table for the terminal: one line per indicator, one column per scope key
    (``departement`` for the département); rates as percentages with one decimal, amounts
    with two decimals, "-" where null."""
    labels = ["departement" if pd.isna(k) else str(k) for k in frame.index]
    keys = _output_keys(frame)
    rows = [_formatted(name, frame[name]) for name in keys]
    table = pd.DataFrame(rows, index=keys, columns=labels)
    return table.to_string()
