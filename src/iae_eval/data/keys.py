"""Rows of two tables matched on several columns (a person, a structure, a date).

Each row's values are turned into one integer per table pair: every column is factorised over
both tables together and the codes combined column by column (re-factorised after each, so
the key stays below the number of rows). A row with a missing value in a key column matches
nothing. Matching on integers, a national year's follow-up takes a fraction of a second; as
tuples of Python objects (``Timestamp``, ``str``) it took seconds.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd


def match_column(column: pd.Series) -> np.ndarray:
    """A column as the keys read it: dates as ``datetime64[ns]``, other values as objects."""
    if pd.api.types.is_datetime64_any_dtype(column):
        return column.to_numpy(dtype="datetime64[ns]")
    return column.to_numpy(dtype=object)


def row_keys(
    left: pd.DataFrame, right: pd.DataFrame, columns: Sequence[str]
) -> tuple[np.ndarray, np.ndarray]:
    """One integer per row of ``left`` and of ``right``: equal when the rows have the same
    values in ``columns``; −1 in ``left`` and −2 in ``right`` for a row with a missing value."""
    size = len(left)
    key = np.zeros(size + len(right), dtype=np.int64)
    missing = np.zeros(size + len(right), dtype=bool)
    for column in columns:
        values = np.concatenate([match_column(left[column]), match_column(right[column])])
        codes, uniques = pd.factorize(values, use_na_sentinel=True)
        missing |= codes < 0
        key, _ = pd.factorize(key * (len(uniques) + 1) + (codes + 1))
    left_key, right_key = key[:size].copy(), key[size:].copy()
    left_key[missing[:size]] = -1
    right_key[missing[size:]] = -2
    return left_key, right_key


def positions(table: pd.DataFrame, wanted: pd.DataFrame, columns: Sequence[str]) -> np.ndarray:
    """For each row of ``wanted``, the position in ``table`` of the row with the same values
    in ``columns`` (−1: none); ``table`` holds each combination once."""
    table_key, wanted_key = row_keys(table, wanted, columns)
    complete = np.flatnonzero(table_key >= 0)
    found = pd.Index(table_key[complete]).get_indexer(wanted_key)
    result = np.full(len(wanted_key), -1, dtype=np.int64)
    result[found >= 0] = complete[found[found >= 0]]
    return result


def found_in(rows: pd.DataFrame, table: pd.DataFrame, columns: Sequence[str]) -> np.ndarray:
    """Whether each row of ``rows`` has a row of ``table`` with the same values in ``columns``."""
    rows_key, table_key = row_keys(rows, table, columns)
    return np.isin(rows_key, table_key)
