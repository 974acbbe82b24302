"""Cells parsed the same on the fast paths (columns without white space, plain numbers) as on
the general one (trimmed text, decimal commas, located problems)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from iae_eval.data.load import RawTable, _plain_numbers, _stripped, parse_table

HEADER = ["person_id", "structure_id", "kind", "entry_date", "exit_date", "exit_reason", "sex"]
HEADER += ["birth_year", "rsa", "hours_worked"]


def _parsed(rows: list[list[str]]) -> tuple[pd.DataFrame, list]:
    frame = pd.DataFrame(rows, columns=HEADER, dtype="str")
    frame.index = np.arange(2, len(frame) + 2)
    problems: list = []
    return parse_table(RawTable("participants", "participants.csv", frame), problems), problems


def test_white_space_of_every_kind_is_trimmed_and_clean_columns_are_kept_as_read():
    cells = pd.Series(["\u00a0S01", "S02\t", " S03 ", "S04\u202f", "S05"], dtype="str")
    assert _stripped(cells).tolist() == ["S01", "S02", "S03", "S04", "S05"]
    clean = pd.Series(["S01", "S02"], dtype="str")
    assert _stripped(clean) is clean


@pytest.mark.parametrize(
    ("cells", "kind", "expected"),
    [
        (["1", "-2", "007"], "int", [1, -2, 7]),
        (["1.5", ".5", "5.", "-0"], "float", [1.5, 0.5, 5.0, 0.0]),
    ],
)
def test_plain_numbers_are_parsed_at_once(cells, kind, expected):
    parsed = _plain_numbers(pd.Series(cells, dtype="str"), kind)
    assert parsed is not None and parsed.tolist() == expected
    assert parsed.tolist() == pd.to_numeric(pd.Series(cells)).tolist()


@pytest.mark.parametrize(
    ("cells", "kind"),
    [
        (["1", "", "2"], "int"),  # an empty cell
        (["1.5"], "int"),  # not whole
        (["1,5"], "float"),  # a decimal comma
        (["1 234"], "float"),  # a thousands separator
        (["1.2.3"], "float"),
        (["-"], "int"),
        (["1-2"], "int"),
        (["1e5"], "float"),
        (["99999999999999999999"], "int"),  # beyond int64
        ([], "int"),
    ],
)
def test_anything_but_plain_numbers_takes_the_general_path(cells, kind):
    assert _plain_numbers(pd.Series(cells, dtype="str"), kind) is None


def test_a_table_parses_the_same_with_and_without_the_fast_paths():
    row = ["P1", "S01", "ACI", "2012-01-02", "2012-06-30", "14", "F", "1980", "oui", "1258.5"]
    plain, problems = _parsed([row, [*row[:7], "1990", "non", "12"]])
    assert problems == []
    assert plain["birth_year"].tolist() == [1980, 1990] and plain["birth_year"].dtype == "int64"
    assert plain["hours_worked"].tolist() == [1258.5, 12.0]
    messy, problems = _parsed([[f" {c} " for c in row], [*row[:7], "1990", "non", "12,5"]])
    assert problems == []
    assert messy["person_id"].tolist() == ["P1", "P1"]
    assert messy["birth_year"].tolist() == [1980, 1990]
    assert messy["hours_worked"].tolist() == [1258.5, 12.5]
    bad, problems = _parsed([row, [*row[:7], "19x0", "non", "12"]])
    assert [(p.line, p.column, p.value) for p in problems] == [(3, "birth_year", "19x0")]
