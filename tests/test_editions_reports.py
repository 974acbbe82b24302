"""The two editions end to end (slow): real ``iae-eval run`` on the sample, outputs parsed.

- committee edition, 2012: every structure with at least one examined exit shows its durable
  and dynamic rates with their 95 % interval in its report (S03: 11,8 % [4,7 – 26,6] and
  35,3 % [21,5 – 52,1]), the funnel plots with their alt text, the banner on every page;
- public edition, 2011-2012 (a bilan, the département reports, two structures, the
  spreadsheets of both years): no count of people from 1 to 4 and no "dont" subset whose
  difference with its total is 1 to 4, in any HTML table, xlsx or csv output; nor any small
  count a reader could work out from the published figures (:mod:`disclosure`: totals and
  parts, subsets, column totals, the numerators of the published rates); S03's 2012 dynamic
  rate (12 of 34) withheld by the year's decision, which knows that 12 of 34 with the
  published categories would bound its two small ones.
"""

from __future__ import annotations

import csv
import html
import re
import shutil
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from disclosure import disclosures, scope_groups
from iae_eval.batch.manifest import Manifest
from iae_eval.data.load import load_dataset
from iae_eval.indicators.catalogue import INDICATOR_KEYS, LABELS, PEOPLE_COUNT_KEYS, header
from iae_eval.indicators.suppress import default_subsets

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "data" / "sample"
BANNERS = {
    "comite": "Diffusion restreinte — document de travail du comité de pilotage",
    "public": "Diffusion publique",
}
#: Headers of the people counts, as the reports and spreadsheets label them.
PEOPLE_LABELS = {LABELS[k] for k in PEOPLE_COUNT_KEYS} | {"Toutes sorties", "dont RSA"}
#: "31,8 % [20,1 – 46,3]", with the no-break spaces and word joiners of the reports.
INTERVAL = re.compile(r"\d+,\d\W*%\W*\[\d+,\d\W*–\W*\d+,\d\]")


def _run(out: Path, *args: str) -> None:
    cli = shutil.which("iae-eval", path=str(Path(sys.executable).parent)) or "iae-eval"
    result = subprocess.run(
        [cli, "run", "--data", str(SAMPLE), "--out", str(out), "--jobs", "2", *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=900,
    )
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.fixture(scope="module")
def comite(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("comite")
    _run(out, "--years", "2012")  # the default edition
    return out


@pytest.fixture(scope="module")
def public(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("public")
    _run(out, "--years", "2011-2012", "--structure", "S03", "--structure", "S12", "--diffusion", "public")
    return out


class _Tables(HTMLParser):
    """Every ``<table>`` of a page: its header row and its body rows, as text cells."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: list[dict] = []
        self._cell: list[str] | None = None
        self._row: list[str] | None = None
        self._section = ""

    def handle_starttag(self, tag, attrs):
        if tag == "table":
            self.tables.append({"head": [], "rows": []})
        elif tag in ("thead", "tbody"):
            self._section = tag
        elif tag == "tr":
            self._row = []
        elif tag in ("td", "th"):
            self._cell = []

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self._cell is not None and self._row is not None:
            self._row.append(" ".join("".join(self._cell).split()))
            self._cell = None
        elif tag == "tr" and self._row is not None and self.tables:
            key = "head" if self._section == "thead" else "rows"
            if key == "head":
                self.tables[-1]["head"] = self._row
            else:
                self.tables[-1]["rows"].append(self._row)
            self._row = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)


def tables(page: Path) -> list[dict]:
    parser = _Tables()
    parser.feed(page.read_text(encoding="utf-8"))
    return parser.tables


def _count(text: str) -> int | None:
    """A cell that is a whole number (French digit grouping allowed), else None."""
    plain = text.replace("\u202f", "").replace("\u00a0", "").replace(" ", "")
    return int(plain) if plain.isdigit() else None


def _small(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and 1 <= value <= 4


# --- Committee edition -------------------------------------------------------------------------------


def test_committee_reports_show_every_structure_rates_with_intervals(comite):
    manifest = Manifest.load(comite)
    structures = {k: e for k, e in manifest.entries.items() if e.get("kind") == "structure"}
    assert len(structures) == 14
    for key in structures:
        text = html.unescape((comite / key).read_text(encoding="utf-8"))
        assert "Diffusion restreinte" in text
        rates = next(
            t
            for t in tables(comite / key)
            if t["head"][-2:] == [LABELS["durable_rate"], LABELS["dynamic_rate"]]
        )
        own = next(row for row in rates["rows"] if row[0] == "Structure")
        assert _count(own[1]) > 0, key  # every structure of the sample has examined exits in 2012
        assert INTERVAL.fullmatch(own[2].replace(" (effectif faible)", "")), (key, own)
        assert INTERVAL.fullmatch(own[3].replace(" (effectif faible)", "")), (key, own)
        assert "Graphique en entonnoir : taux d'emploi durable de 14 structures" in text
        assert "Graphique en entonnoir : taux de sorties dynamiques de 14 structures" in text
    s03 = (comite / "2012/structures/S03.html").read_text(encoding="utf-8")
    flat = re.sub(r"[\s\u00a0\u2060]", "", html.unescape(s03))
    assert "11,8%[4,7–26,6]" in flat and "35,3%[21,5–52,1]" in flat
    assert "Appréciation de l'évaluateur" in html.unescape(s03)  # the sample's commentary of S03
    assert "Association Tremplin Gapençais (la structure) : 11,8" in html.unescape(s03)  # funnel alt text
    dep = html.unescape((comite / "2012/departement.html").read_text(encoding="utf-8"))
    assert re.search(
        r"Par rapport aux limites à 99,8\W*% : \d+ au-dessus, \d+ à l'intérieur, \d+ en dessous", dep
    )
    portal = html.unescape((comite / "index.html").read_text(encoding="utf-8"))
    assert BANNERS["comite"] in portal and "iae-diffusion-comite" in portal
    assert {e.get("diffusion") for e in manifest.entries.values()} == {"comite"}


# --- Public edition ----------------------------------------------------------------------------------


def test_public_html_shows_no_small_count_and_no_small_difference(public):
    pages = sorted(public.rglob("*.html"))
    assert len(pages) >= 6  # portal, bilan, 2 départements, S03 and S12 of each year
    checked = 0
    for page in pages:
        text = html.unescape(page.read_text(encoding="utf-8"))
        assert BANNERS["public"] in text and "Diffusion restreinte" not in text, page
        for table in tables(page):
            head = table["head"]
            for row in table["rows"]:
                label, values = row[0], row[1:]
                columns = head[len(head) - len(values) :] if len(head) >= len(values) else [""] * len(values)
                for column, cell in zip(columns, values, strict=True):
                    if column in PEOPLE_LABELS or label in PEOPLE_LABELS:
                        checked += 1
                        assert not _small(_count(cell)), (page.name, label, column, cell)
                if head[-2:] == ["Toutes sorties", "dont RSA"]:
                    every, rsa = _count(values[-2]), _count(values[-1])
                    if every is not None and rsa is not None:
                        assert not 1 <= every - rsa <= 4, (page.name, label, every, rsa)
    assert checked > 200
    manifest = Manifest.load(public)
    assert {e.get("diffusion") for e in manifest.entries.values()} == {"public"}


def _spreadsheet_rows(path: Path) -> list[dict]:
    if path.suffix == ".csv":
        with path.open(encoding="utf-8-sig", newline="") as handle:
            return list(csv.DictReader(handle, delimiter=";"))
    sheet = openpyxl.load_workbook(path, read_only=True).worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    header = [str(h) for h in rows[0]]
    return [dict(zip(header, r, strict=False)) for r in rows[1:]]


def _number(value: object) -> object:
    if isinstance(value, str):
        count = _count(value)
        return value if count is None else count
    return value


@pytest.mark.parametrize("suffix", ["csv", "xlsx"])
def test_public_spreadsheets_show_no_small_count_and_no_small_difference(public, suffix):
    pairs = [(LABELS[s], LABELS[t]) for s, t in default_subsets()]
    for year in (2011, 2012):
        rows = _spreadsheet_rows(public / str(year) / f"indicators.{suffix}")
        assert len(rows) > 20
        counts = [c for c in rows[0] if c in {LABELS[k] for k in PEOPLE_COUNT_KEYS}]
        assert len(counts) > 10
        for row in rows:
            for column in counts:
                assert not _small(_number(row[column])), (year, row.get("Libellé"), column, row[column])
            for subset, total in pairs:
                a, b = _number(row.get(subset)), _number(row.get(total))
                if isinstance(a, int | float) and isinstance(b, int | float):
                    assert not 1 <= b - a <= 4, (year, row.get("Libellé"), subset, total, a, b)


# --- Nothing recoverable from the published figures ------------------------------------------------

KEYS_BY_LABEL = {LABELS[k]: k for k in INDICATOR_KEYS} | {"Total des sorties examinées": "exits_examined"}
PERCENT = re.compile(r"(\d+),(\d)\W*%")


def _value(key: str, text: str) -> object:
    """A published cell as a number (a count, a rate as a fraction) or its text."""
    if key in PEOPLE_COUNT_KEYS:
        count = _count(text)
        return text if count is None else count
    match = PERCENT.match(text.replace("\u202f", "").replace("\u00a0", ""))
    return int(match[1]) / 100 + int(match[2]) / 1000 if match else text


def _table_frame(table: dict) -> pd.DataFrame | None:
    """An HTML table keyed by indicator, its rows the units (transposed when its rows are the
    indicators, as in the "dont RSA" view); None when it has fewer than two people counts."""
    rows = [r for r in table["rows"] if len(r) > 1]
    if not rows or len({r[0] for r in rows}) != len(rows):
        return None
    columns = table["head"][-(len(rows[0]) - 1) :]
    if sum(KEYS_BY_LABEL.get(r[0]) in PEOPLE_COUNT_KEYS for r in rows) >= 2:  # indicators as rows
        rows = [[c, *(r[1 + j] for r in rows)] for j, c in enumerate(columns)]
        columns = [r[0] for r in table["rows"] if len(r) > 1]
    keys = [KEYS_BY_LABEL.get(c) for c in columns]
    if sum(k in PEOPLE_COUNT_KEYS for k in keys) < 2:
        return None
    data = {k: [_value(k, r[1 + j]) for r in rows] for j, k in enumerate(keys) if k is not None}
    return pd.DataFrame(data, index=[r[0] for r in rows], dtype=object)


def test_public_html_lets_no_small_count_be_worked_out(public):
    audited = 0
    for page in sorted(public.rglob("*.html")):
        for table in tables(page):
            frame = _table_frame(table)
            if frame is None:
                continue
            audited += 1
            total = "Département" if "Département" in frame.index else None
            rsa = [("dont RSA", "Toutes sorties")] if "dont RSA" in frame.index else []
            found = disclosures(frame, min_cell=5, total_row=total, subset_rows=rsa)
            assert found == [], (page.name, list(frame.columns), found)
    assert audited >= 8
    s03 = re.sub(
        r"[\s\u00a0\u2060]", "", html.unescape((public / "2012/structures/S03.html").read_text("utf-8"))
    )
    # 12 dynamic exits of 34 would bound its two small categories (4 + 3 = 7): the year withholds it
    assert "35,3%[21,5–52,1]" not in s03 and "nonpublié:protègeunpetiteffectifdutableau" in s03
    assert "nonpublié:moinsde5sortiesenemploidurable" in s03  # 4 durable exits


@pytest.mark.parametrize("suffix", ["csv", "xlsx"])
def test_public_spreadsheets_let_no_small_count_be_worked_out(public, suffix):
    dataset = load_dataset(SAMPLE)
    territory = dict(zip(dataset.structures["structure_id"], dataset.structures["territory"], strict=True))
    by_header = {header(k): k for k in INDICATOR_KEYS}
    for year in (2011, 2012):
        rows = _spreadsheet_rows(public / str(year) / f"indicators.{suffix}")
        index = [f"{r['Périmètre']}:{r['Code'] or ''}" for r in rows]
        frame = pd.DataFrame(
            {key: [_sheet_value(key, r[h]) for r in rows] for h, key in by_header.items() if h in rows[0]},
            index=index,
            dtype=object,
        )
        assert disclosures(frame, min_cell=5, groups=scope_groups(index, territory)) == [], year


def _sheet_value(key: str, value: object) -> object:
    if isinstance(value, str):
        number = _number(value)
        if not isinstance(number, str):
            return number
        match = PERCENT.match(value.replace("\u202f", "").replace("\u00a0", ""))
        return int(match[1]) / 100 + int(match[2]) / 1000 if match else value
    return value


def test_a_committee_commentary_never_appears_in_a_public_report(public):
    committee = [
        (SAMPLE / "commentaires" / "2012" / "S03.md").read_text(encoding="utf-8"),
        (SAMPLE / "commentaires" / "2012" / "departement.md").read_text(encoding="utf-8"),
    ]
    # a line of each committee text, as the page would print it
    marks = ["un public très éloigné de l'emploi", "Points d'attention pour le comité de pilotage"]
    assert all(m in text for m, text in zip(marks, committee, strict=True))
    for page in sorted(public.rglob("*.html")):
        shown = html.unescape(page.read_text(encoding="utf-8"))
        for mark in marks:
            assert mark not in shown, (page.name, mark)
    s03 = html.unescape((public / "2012/structures/S03.html").read_text(encoding="utf-8"))
    assert "Appréciation de l'évaluateur" not in s03  # no public commentary for S03
    departement = html.unescape((public / "2012/departement.html").read_text(encoding="utf-8"))
    assert "Appréciation de l'évaluateur" in departement
    assert "permettra de comparer toutes les structures" in departement  # the public text


# --- One decision per quantity (docs/editions.md, "Une décision par année") ----------------------


def _csv_cells(out: Path, years) -> dict[tuple, dict[str, object]]:
    """indicators.csv of each year: (year, Périmètre, Code) → {key: value as published}."""
    by_header = {header(k): k for k in INDICATOR_KEYS}
    cells = {}
    for year in years:
        for row in _spreadsheet_rows(out / str(year) / "indicators.csv"):
            values = {by_header[h]: _sheet_value(by_header[h], v) for h, v in row.items() if h in by_header}
            cells[(int(row["Année"]), row["Périmètre"], row["Code"])] = values
    return cells


def _row_place(label: str, year: int, structure: str | None, names: dict[str, str]) -> tuple | None:
    """The indicators.csv row an HTML table's row label stands for, or None (a row outside the
    year's indicators: "dont RSA", a share, an objective)."""
    own = ("Structure", structure) if structure else ("Département", "")
    if label.isdigit():
        return (int(label), *own)
    if label == "Département":
        return (year, "Département", "")
    if label == "Structure" and structure:
        return (year, *own)
    if label in names:
        return (year, "Structure", names[label])
    if " — " in label:
        return (year, "Type de structure", label.split(" — ")[0])
    if label.startswith("Territoire (") and label.endswith(")"):
        return (year, "Territoire", label.removeprefix("Territoire (")[:-1])
    return (year, "Territoire", label)


def test_public_html_tables_show_each_quantity_as_indicators_csv_does(public):
    """Every figure of the year's indicators in an HTML table of the département's or a
    structure's report reads as indicators.csv publishes it: the same number, or the same mark.
    The kit's own audit of the pages (run at the end of the public run) says the same."""
    from iae_eval.indicators.pathways import structure_labels
    from iae_eval.protection.pages import audit_pages

    assert [str(f) for y in (2011, 2012) for f in audit_pages(public, y)] == []

    dataset = load_dataset(SAMPLE)
    names = {label: sid for sid, label in structure_labels(dataset).items()}
    cells = _csv_cells(public, (2011, 2012))
    compared, differ = 0, []
    pages = [(public / str(y) / "departement.html", y, None) for y in (2011, 2012)]
    pages += [(public / "2012" / "structures" / f"{s}.html", 2012, s) for s in ("S03", "S12")]
    pages += [(page, 2012, None) for page in public.glob("bilan*.html")]
    for page, year, structure in pages:
        for table in tables(page):
            frame = _table_frame(table)
            if frame is None:
                continue
            for label in frame.index:
                place = _row_place(str(label), year, structure, names)
                if place not in cells:
                    continue
                for key in frame.columns:
                    if key not in cells[place]:
                        continue
                    html_value, csv_value = frame.at[label, key], cells[place][key]
                    if isinstance(html_value, str) and _count(html_value) is not None:
                        html_value = _count(html_value)  # a count that is not of people
                    if isinstance(html_value, str) and "%" in html_value and key in PEOPLE_COUNT_KEYS:
                        continue  # a public's share (a table of shares by year), not its count
                    compared += 1
                    same = (
                        isinstance(html_value, str) and isinstance(csv_value, str)
                        and (key not in PEOPLE_COUNT_KEYS or html_value == csv_value)
                    ) or (
                        not isinstance(html_value, str) and not isinstance(csv_value, str)
                        and abs(float(html_value) - float(csv_value)) < 1e-6
                    )  # fmt: skip
                    if not same:
                        differ.append((page.name, label, key, html_value, csv_value))
    assert differ == []
    assert compared >= 400
