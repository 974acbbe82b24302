"""Rows of two tables matched on several columns (iae_eval.data.keys)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from iae_eval.data.keys import found_in, positions


def _pathways(rows):
    frame = pd.DataFrame(rows, columns=["person_id", "structure_id", "exit_date"])
    frame["exit_date"] = pd.to_datetime(frame["exit_date"])
    return frame


TABLE = _pathways(
    [
        ("P1", "S1", "2012-12-31"),
        ("P1", "S2", "2012-12-31"),  # the same person, another structure, the same day
        ("P2", "S1", "2013-01-01"),
        ("P3", None, "2012-06-30"),  # a missing value never matches
        ("P4", "S1", None),
    ]
)


def test_positions_match_every_column_and_nothing_else():
    wanted = _pathways(
        [
            ("P1", "S2", "2012-12-31"),
            ("P2", "S1", "2012-12-31"),  # exit on 31 Dec, the table's is on 1 Jan
            ("P1", "S1", "2012-12-31"),
            ("P3", None, "2012-06-30"),
            ("P4", "S1", None),
            ("P9", "S1", "2012-12-31"),
        ]
    )
    assert positions(TABLE, wanted, list(wanted.columns)).tolist() == [1, -1, 0, -1, -1, -1]


def test_found_in_says_which_rows_have_a_match():
    rows = _pathways([("P2", "S1", "2013-01-01"), ("P2", "S2", "2013-01-01"), ("P3", None, "2012-06-30")])
    assert found_in(rows, TABLE, list(rows.columns)).tolist() == [True, False, False]


def test_the_keys_agree_with_tuples_on_many_rows():
    """On 20 000 random rows, the same answers as matching tuples of values."""
    rng = np.random.default_rng(7)
    n = 20_000
    table = _pathways(
        zip(
            [f"P{i}" for i in rng.integers(0, 3_000, n)],
            [f"S{i}" for i in rng.integers(0, 40, n)],
            pd.Timestamp("2012-01-01") + pd.to_timedelta(rng.integers(0, 700, n), unit="D"),
            strict=True,
        )
    ).drop_duplicates(ignore_index=True)
    wanted = pd.concat([table.sample(2_000, random_state=1), _pathways([("P1", "S1", "2030-01-01")])])
    columns = list(table.columns)
    tuples = pd.MultiIndex.from_frame(table.astype(object))
    expected = tuples.get_indexer(pd.MultiIndex.from_frame(wanted.astype(object)))
    assert (positions(table, wanted, columns) == expected).all()
    assert found_in(wanted, table, columns).tolist() == [True] * 2_000 + [False]


def test_an_empty_table_matches_nothing():
    assert positions(TABLE.iloc[0:0], TABLE, list(TABLE.columns)).tolist() == [-1] * len(TABLE)
