"""Département views at any number of structures (issue 11): above ``MANY_STRUCTURES``
structures they summarise (distribution charts, the ten highest and lowest, a link to the
year's spreadsheets) instead of listing every structure; the sample (14 structures) keeps
its full tables."""

from __future__ import annotations

import re
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest

from iae_eval import charts, display
from iae_eval.data.load import load_dataset
from iae_eval.data.sample import generate_sample
from iae_eval.indicators.catalogue import LABELS
from iae_eval.indicators.compute import compute_indicators
from iae_eval.indicators.exports import FILE_NAMES
from iae_eval.indicators.pathways import structures_active
from iae_eval.report import report
from iae_eval.sections import (
    adjusted,
    exits,
    followup,
    funding,
    funding_costs,
    operations,
    parts,
    rates,
    sheets,
    summary,
    sustainable_development,
)

ROOT = Path(__file__).resolve().parents[1]
SRC = ROOT / "src" / "iae_eval"
YEAR = 2012
#: The views that list one row per structure on the sample.
LISTING_VIEWS = (exits, rates, funding)


@pytest.fixture(scope="module")
def sample():
    return load_dataset(ROOT / "data" / "sample")


@pytest.fixture(scope="module")
def scaled(tmp_path_factory):
    """The sample three times over: 42 structures, more than the threshold."""
    folder = tmp_path_factory.mktemp("scale3")
    generate_sample(folder, scale=3)
    return load_dataset(folder)


def _plain(text: str) -> str:
    """French formats use no-break spaces (``4\u202f200``, ``25\xa0%``): plain spaces, to compare."""
    return text.replace("\u202f", " ").replace("\xa0", " ")


def _tables(section: parts.Section) -> list[parts.Table]:
    return list(section.parts_of("table"))


def _linked_notes(section: parts.Section) -> list[summary.LinkedNote]:
    return [p for p in section.parts if isinstance(p, summary.LinkedNote)]


# --- The helpers, on hand-computed values -------------------------------------------------------


def test_the_threshold_is_thirty_and_strictly_above_summarises():
    assert summary.MANY_STRUCTURES == 30
    assert summary.EXTREMES == 10
    assert not summary.is_many(30)
    assert summary.is_many(31)
    assert not summary.is_many(0)


def test_the_threshold_is_declared_once():
    declared = [
        p.name for p in SRC.rglob("*.py") if re.search(r"^MANY_STRUCTURES\s*[:=]", p.read_text(), re.M)
    ]
    assert declared == ["summary.py"]
    for module in (exits, rates, funding_costs, operations, sustainable_development):
        source = Path(module.__file__).read_text(encoding="utf-8")
        assert "summary.is_many(" in source, module.__name__
        assert not re.search(r"[<>]=?\s*30\b", source), f"{module.__name__} compares with 30 itself"


def test_extremes_are_the_highest_then_the_lowest_without_nan():
    values = pd.Series([0.5, np.nan, 0.9, 0.1, 0.7, 0.3, np.nan, 0.2])
    highest, lowest = summary.extremes(values, n=2)
    assert highest == [2, 4]  # 0.9, 0.7
    assert lowest == [3, 7]  # 0.1, 0.2


def test_extremes_keep_ties_in_order_and_never_list_a_row_twice():
    values = pd.Series([3, 1, 3, 2, 1])
    highest, lowest = summary.extremes(values, n=2)
    assert highest == [0, 2]
    assert lowest == [1, 4]
    # fewer than 2 n values: the lowest are the others, lowest first
    highest, lowest = summary.extremes(pd.Series([5.0, 1.0, 3.0]), n=2)
    assert highest == [0, 2]
    assert lowest == [1]
    assert summary.extremes(pd.Series([np.nan, np.nan]), n=2) == ([], [])


def test_extremes_work_on_positions_whatever_the_index():
    values = pd.Series([1.0, 4.0, 2.0], index=["Même nom", "Même nom", "Autre"])
    assert summary.extremes(values, n=1) == ([1], [0])


def test_extreme_tables_hold_ten_rows_each_and_the_total():
    values = pd.Series([i / 25 for i in range(25)])
    table = pd.DataFrame({"Taux": [f"{i * 4} %" for i in range(25)]}, index=[f"S{i:02}" for i in range(25)])
    total = pd.DataFrame({"Taux": ["48 %"]}, index=["Département"])
    top, bottom = summary.extreme_tables(table, values, highest="Hauts", lowest="Bas", total=total)
    assert top.caption == "Hauts" and bottom.caption == "Bas"
    assert list(top.frame.index) == [*(f"S{i:02}" for i in range(24, 14, -1)), "Département"]
    assert list(bottom.frame.index) == [*(f"S{i:02}" for i in range(10)), "Département"]
    assert top.frame.loc["S24", "Taux"] == "96 %"


def test_distribution_chart_counts_every_value_once_and_marks_median_and_target():
    values = pd.Series([0.12, 0.15, 0.35, 0.35, 0.8, np.nan])
    fig, ax = plt.subplots()
    charts.distribution(values, ax=ax, bins=10, target=0.25, xlabel="Taux")
    heights = [p.get_height() for p in ax.patches]
    assert len(heights) == 10
    assert sum(heights) == 5  # the NaN is left out
    assert heights[1] == 2  # 0.12 and 0.15 in [0.1, 0.2)
    assert heights[3] == 2  # 0.35 twice
    assert heights[8] == 1
    lines = {_plain(line.get_label()): line.get_xdata()[0] for line in ax.get_lines()}
    assert lines == {"Médiane : 35 %": 0.35, "Objectif : 25 %": 0.25}
    assert ax.get_xlim() == (0.0, 1.0)


def test_distribution_part_says_how_many_reach_the_target():
    chart = summary.distribution(
        pd.Series([0.1, 0.2, 0.4, 0.6, np.nan]), what="leur taux", xlabel="Taux", target=0.25
    )
    assert _plain(chart.alt) == (
        "Histogramme : répartition de 4 structures selon leur taux ; médiane 30 %, de 10 % à 60 % ; "
        "2 atteignent l'objectif de 25 %."
    )
    assert summary.distribution(pd.Series([np.nan]), what="x", xlabel="x") is None


def test_the_spreadsheet_note_links_to_the_years_files_relatively_and_escapes():
    note = summary.spreadsheet_note(4200, year=2012)
    assert note.role == "note"
    html = _plain(note._repr_html_())
    assert 'href="indicators.xlsx"' in html and 'href="indicators.csv"' in html
    assert "4 200 structures (plus de 30)" in html
    assert [href for _, href in summary.spreadsheet_note(42, year=2011, folder="2011/").links] == [
        "2011/indicators.xlsx",
        "2011/indicators.csv",
    ]
    block = display.note_with_links("a < b", [("x<y>", 'f"o.csv')]).html
    assert "<y>" not in block and 'href="f&quot;o.csv"' in block and "a &lt; b" in block
    assert FILE_NAMES == ("indicators.xlsx", "indicators.csv")


def test_score_counts_count_structures_per_score_without_the_action_level():
    scores = pd.DataFrame(
        {
            "year": [2012] * 5,
            "structure_id": ["S1", "S2", "S3", None, "S1"],
            "structure": ["a", "b", "c", "Action (ensemble)", "a"],
            "criterion": ["soc.exclusion"] * 4 + ["soc.emploi"],
            "group": ["g"] * 5,
            "label": ["l"] * 5,
            "score": [3, 3, 1, 0, 2],
        }
    )
    counts = sustainable_development.score_counts(scores)
    assert counts.loc["Lutter contre l'exclusion"].tolist() == [0, 1, 0, 2]
    assert counts.loc["Favoriser le retour à l'emploi"].tolist() == [0, 0, 1, 0]


# --- The views: summary above the threshold, full lists on the sample -------------------------


@pytest.mark.parametrize("module", LISTING_VIEWS, ids=lambda m: m.__name__.rsplit(".", 1)[-1])
def test_the_sample_keeps_its_full_tables(sample, module):
    section = module.departement(report(sample, year=YEAR, min_cell=5, diffusion="comite"))
    assert _linked_notes(section) == []
    assert "Histogramme" not in section.html
    longest = max(len(t.frame) for t in _tables(section))
    assert longest >= 10  # one row per structure (+ the département's or the median)


def test_the_sample_exits_table_lists_every_structure_with_an_exit(sample):
    section = exits.departement(report(sample, year=YEAR, min_cell=5, diffusion="comite"))
    frame = section.table().frame
    by = sample.participants
    exited = by[by["exit_date"].dt.year == YEAR]["structure_id"].nunique()
    assert len(frame) == exited + 1
    assert frame.index[-1] == "Département"


@pytest.mark.parametrize("module", LISTING_VIEWS, ids=lambda m: m.__name__.rsplit(".", 1)[-1])
def test_many_structures_are_summarised(scaled, module):
    assert len(structures_active(scaled.participants, YEAR)) > summary.MANY_STRUCTURES
    section = module.departement(report(scaled, year=YEAR, min_cell=5, diffusion="comite"))
    tables = _tables(section)
    assert all(len(t.frame) <= summary.EXTREMES + 1 for t in tables if t.caption and "Les 10" in t.caption)
    assert all(len(t.frame) <= summary.MANY_STRUCTURES for t in tables)
    assert any("Histogramme" in c.alt for c in section.parts_of("chart"))
    (note,) = _linked_notes(section)
    assert [href for _, href in note.links] == list(FILE_NAMES)
    assert section.notes.html.count('href="indicators.xlsx"') == 1


def test_exits_summary_ranks_by_number_of_exits(scaled):
    section = exits.departement(report(scaled, year=YEAR, min_cell=5, diffusion="comite"))
    top, bottom = _tables(section)
    column = LABELS["exits"]
    most = [int(_plain(v).replace(" ", "")) for v in top.frame[column].iloc[:-1]]
    fewest = [int(_plain(v).replace(" ", "")) for v in bottom.frame[column].iloc[:-1]]
    assert most == sorted(most, reverse=True) and len(most) == 10
    assert fewest == sorted(fewest) and max(fewest) <= min(most)
    assert top.frame.index[-1] == bottom.frame.index[-1] == "Département"
    (stacked,) = [c for c in section.parts_of("chart") if "empilées" in c.alt]
    assert "les 10 structures" in stacked.alt


def test_the_grid_of_many_structures_is_a_distribution_not_a_column_each(scaled, sample):
    many = sustainable_development.departement(report(scaled, year=YEAR, min_cell=5, diffusion="comite"))
    few = sustainable_development.departement(report(sample, year=YEAR, min_cell=5, diffusion="comite"))
    assert many.chart().alt.startswith("Barres empilées de la grille")
    assert few.chart().alt.startswith("Carte de chaleur")


def test_the_views_read_the_threshold_when_called(sample, monkeypatch):
    monkeypatch.setattr(summary, "MANY_STRUCTURES", 5)
    for module in LISTING_VIEWS:
        assert (
            len(_linked_notes(module.departement(report(sample, year=YEAR, min_cell=5, diffusion="comite"))))
            == 1
        ), module.__name__


# --- Comparable publics and employment after exit: summarised, in full in indicators.xlsx -------

#: The views whose tables of structures hold figures that are not the year's indicators: their
#: full lists are sheets of the year's indicators.xlsx.
SHEET_VIEWS = (adjusted, followup)


def _structure_rows(section: parts.Section) -> list[parts.Table]:
    """The section's tables of structures (not the département's, territories' or kinds')."""
    return [t for t in _tables(section) if "structure" in t.caption.lower() and "type de" not in t.caption]


@pytest.mark.parametrize("module", SHEET_VIEWS, ids=lambda m: m.__name__.rsplit(".", 1)[-1])
def test_the_sample_lists_each_structure_at_comparable_publics_and_after_exit(sample, module):
    section = module.departement(report(sample, year=YEAR, min_cell=5, diffusion="comite"))
    assert _linked_notes(section) == []
    with_exits = int((compute_indicators(sample, YEAR, "structure")["exits_examined"] > 0).sum())
    assert [len(t.frame) for t in _structure_rows(section)] == [with_exits] * len(_structure_rows(section))


@pytest.mark.parametrize("diffusion", ["comite", "public"])
@pytest.mark.parametrize("module", SHEET_VIEWS, ids=lambda m: m.__name__.rsplit(".", 1)[-1])
def test_many_structures_at_comparable_publics_and_after_exit_are_summarised(scaled, module, diffusion):
    rep = report(scaled, year=YEAR, min_cell=5, diffusion=diffusion)
    section = module.departement(rep)
    tables = _structure_rows(section)
    assert tables and all(t.caption.startswith(f"Les {summary.EXTREMES} structures") for t in tables)
    assert all(len(t.frame) <= summary.EXTREMES + 1 for t in tables)
    (note,) = _linked_notes(section)
    assert [href for _, href in note.links] == list(FILE_NAMES)
    sheet = dict((title, frame) for title, frame, _ in sheets.structure_sheets(rep))[module.SHEET]
    assert any(module.SHEET in p.text for p in section.parts if isinstance(p, parts.Paragraph))
    # every structure the report would have listed is a row of the sheet
    with_exits = compute_indicators(scaled, YEAR, "structure")["exits_examined"] > 0
    assert sorted(sheet["Code"]) == sorted(map(str, with_exits[with_exits].index))
    assert len(sheet) > summary.MANY_STRUCTURES


def test_the_followup_summary_ranks_the_structures_by_their_share_in_employment(scaled):
    rep = report(scaled, year=YEAR, min_cell=5, diffusion="comite")
    top, bottom = _structure_rows(followup.departement(rep))
    sheet = followup.structure_sheet(rep).set_index("Structure")
    column = LABELS["employed_6m_rate"]
    highest = sheet.loc[top.frame.index[:-1], column].astype(float)
    lowest = sheet.loc[bottom.frame.index[:-1], column].astype(float)
    assert list(highest) == sorted(highest, reverse=True) and len(highest) == summary.EXTREMES
    assert list(lowest) == sorted(lowest) and lowest.max() <= highest.min()
    assert highest.iloc[0] == sheet[column].astype(float).max()
    assert top.frame.index[-1] == bottom.frame.index[-1] == "Département"


def test_the_adjusted_summary_ranks_the_structures_by_observed_over_expected(scaled):
    rep = report(scaled, year=YEAR, min_cell=5, diffusion="comite")
    first, second, *_ = _structure_rows(adjusted.departement(rep))
    sheet = adjusted.structure_sheet(rep).set_index("Structure")
    ratio = sheet[LABELS["durable_oe"]].astype(float)
    highest, lowest = ratio.loc[first.frame.index], ratio.loc[second.frame.index]
    assert list(highest) == sorted(highest, reverse=True) and highest.iloc[0] == ratio.max()
    assert list(lowest) == sorted(lowest) and lowest.iloc[0] == ratio.min()
    assert len(highest) == len(lowest) == summary.EXTREMES


def test_the_years_workbook_holds_every_structure_at_comparable_publics_and_after_exit(scaled, tmp_path):
    from openpyxl import load_workbook

    from iae_eval.indicators import exports

    rep = report(scaled, year=YEAR, min_cell=5, diffusion="comite")
    added = sheets.structure_sheets(rep)
    table = exports.year_table(scaled, YEAR, min_cell=5, diffusion="comite")
    path = exports.write_xlsx(
        table,
        tmp_path / "indicators.xlsx",
        year=YEAR,
        min_cell=5,
        diffusion="comite",
        structure_sheets=added,
    )
    book = load_workbook(path)
    with_exits = compute_indicators(scaled, YEAR, "structure")["exits_examined"] > 0
    for title, frame, fractions in added:
        ws = book[title]
        rows = list(ws.iter_rows(values_only=True))
        assert list(rows[0]) == list(frame.columns)
        assert sorted(r[0] for r in rows[1:]) == sorted(map(str, with_exits[with_exits].index))
        examined = rows[0].index(LABELS["exits_examined"])
        assert all(isinstance(r[examined], int) for r in rows[1:])
        fraction = rows[0].index(fractions[0]) + 1
        assert ws.cell(row=2, column=fraction).number_format == "0.0%"
    assert book.sheetnames[-1] == "Lisez-moi"


def test_the_views_of_comparable_publics_and_after_exit_read_the_threshold(sample, monkeypatch):
    monkeypatch.setattr(summary, "MANY_STRUCTURES", 5)
    for module in SHEET_VIEWS:
        section = module.departement(report(sample, year=YEAR, min_cell=5, diffusion="comite"))
        assert len(_linked_notes(section)) == 1, module.__name__
        assert all(len(t.frame) <= summary.EXTREMES + 1 for t in _structure_rows(section))
