"""Employment after exit read honestly (docs/indicators.md): bounds over all the examined exits,
the years a horizon lies beyond left out and named, national references beside the kinds,
replaceable by the user's own table."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pandas as pd
import pytest

from iae_eval import fmt
from iae_eval.data.load import load_dataset
from iae_eval.indicators.compute import compute_indicators
from iae_eval.indicators.followup import followup_indicators, followup_references
from iae_eval.report import report
from iae_eval.sections import followup

SAMPLE = Path(__file__).resolve().parents[1] / "data" / "sample"
BOUNDS = followup.COLUMNS[-1]


@pytest.fixture(scope="module")
def dataset():
    return load_dataset(SAMPLE)


@pytest.fixture(scope="module")
def bilan(dataset):
    return followup.bilan(report(dataset, first_year=2009, last_year=2013, diffusion="comite", min_cell=5))


def test_the_bilan_leaves_out_the_years_a_horizon_lies_beyond(dataset, bilan):
    """The sample's follow-up stops at the end of 2013: no 2013 exit is known at 6 months and
    no 2012 exit at 24 months. Those exits are out of that horizon's row, and the note says so."""
    departement = bilan.table(0).data
    examined = {y: float(compute_indicators(dataset, y)["exits_examined"].iloc[0]) for y in range(2009, 2014)}
    at6 = departement.loc["Département, 6 mois après la sortie", followup.COLUMNS[0]]
    at24 = departement.loc["Département, 24 mois après la sortie", followup.COLUMNS[0]]
    assert at6 == fmt.integer(sum(examined[y] for y in range(2009, 2013)))
    assert at24 == fmt.integer(sum(examined[y] for y in range(2009, 2012)))
    notes = " ".join(p.text for p in bilan.notes.parts)
    assert "sorties de 2013 : aucune situation connue à 6, 12 et 24 mois" in notes
    assert "sorties de 2012 : aucune situation connue à 24 mois" in notes


def test_bounds_count_the_unknown_out_of_work_then_in_work(dataset, bilan):
    years = range(2009, 2013)
    rows = [followup_indicators(dataset, y).iloc[0] for y in years]
    examined = sum(float(compute_indicators(dataset, y)["exits_examined"].iloc[0]) for y in years)
    known = sum(float(r["followup_6m_known"]) for r in rows)
    employed = sum(round(float(r["employed_6m_rate"]) * float(r["followup_6m_known"])) for r in rows)
    low, high = employed / examined, (employed + examined - known) / examined
    shown = bilan.table(0).data.loc["Département, 6 mois après la sortie", BOUNDS]
    assert shown == f"de {fmt.number(100 * low, 1)} à {fmt.percent(high)}"


def test_each_kind_stands_beside_its_national_reference_with_its_source(dataset, bilan):
    kinds = next(t.data for t in bilan.tables.parts if "type de structure" in (t.caption or ""))
    assert kinds.loc["Atelier et chantier d'insertion", followup.REFERENCE_COLUMN] == fmt.percent(0.30)
    assert kinds.loc[
        "Entreprise de travail temporaire d'insertion", followup.REFERENCE_COLUMN
    ] == fmt.percent(0.55)
    assert any("DARES" in p.text and "227" in p.text for p in bilan.notes.parts)


def test_the_users_table_replaces_the_kits_references(dataset):
    own = pd.DataFrame(
        {
            "kind": ["ACI", "AI"],
            "months_after": [6, 6],
            "employed_rate": [0.41, 0.5],
            "source": ["Étude régionale 2015"] * 2,
        }
    )
    mine = replace(dataset, followup_reference=own)
    assert followup_references(mine, 6)["employed_rate"].to_dict() == {"ACI": 0.41, "AI": 0.5}
    section = followup.bilan(report(mine, first_year=2009, last_year=2013, diffusion="comite", min_cell=5))
    kinds = next(t.data for t in section.tables.parts if "type de structure" in (t.caption or ""))
    assert kinds.loc["Atelier et chantier d'insertion", followup.REFERENCE_COLUMN] == fmt.percent(0.41)
    assert kinds.loc["Entreprise d'insertion", followup.REFERENCE_COLUMN] == fmt.MISSING
    assert any("Étude régionale 2015" in p.text for p in section.notes.parts)


def test_a_users_reference_table_is_validated(tmp_path):
    import shutil

    from iae_eval.data.validate import validate_folder

    shutil.copytree(Path(__file__).parent / "data" / "good", tmp_path / "data")
    (tmp_path / "data" / "followup_reference.csv").write_text(
        "kind,months_after,employed_rate,source\nACI,6,30,DARES\nXYZ,7,0.5,DARES\n", encoding="utf-8"
    )
    result = validate_folder(tmp_path / "data")
    assert not result.valid
    located = {
        (int(r.line), r.column)
        for r in result.problems.itertuples()
        if r.file.startswith("followup_reference")
    }
    assert {(2, "employed_rate"), (3, "kind"), (3, "months_after")} <= located
