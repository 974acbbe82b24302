"""Two structures with one name (common in the national export: "Association intermédiaire",
"Régie de quartier"…): every frame is keyed by ``structure_id``, the name is a label added
when a table or chart is drawn, and two structures with one name are told apart by their id.

The sample with S02 renamed as S01 ("Chantier Durance Nature") builds the three reports
(sections called directly in both editions; the notebooks executed in one slow test), and
so does an import of the fluxIAE sample in which two structures share a name.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import matplotlib.pyplot as plt
import pytest
from click.testing import CliRunner

from iae_eval.cli import cli
from iae_eval.data.load import load_dataset
from iae_eval.indicators.compute import compute_indicators
from iae_eval.indicators.exports import year_table
from iae_eval.indicators.pathways import structure_labels
from iae_eval.report import report
from iae_eval.sections import (
    action_plan,
    card,
    clauses,
    commentary,
    compare,
    exits,
    funding,
    funnel,
    key_figures,
    method,
    operations,
    publics,
    rates,
    supports,
    sustainable_development,
    territories,
    title,
    trend,
)
from iae_eval.sections.parts import Section

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "data" / "sample"
NAME = "Chantier Durance Nature"  # S01's name, given to S02 too
DEPARTEMENT = (
    key_figures, publics, exits, rates, funnel, territories, clauses, operations, supports, funding,
    sustainable_development, action_plan, method,
)  # fmt: skip
STRUCTURE = (
    card, key_figures, compare, publics, exits, funnel, trend, clauses, operations, funding,
    sustainable_development, method,
)  # fmt: skip


def _with_duplicate_name(folder: Path) -> Path:
    shutil.copytree(SAMPLE, folder)
    path = folder / "structures.csv"
    text = path.read_text(encoding="utf-8")
    assert "\nS02,Recyclerie du Champsaur," in text
    path.write_text(text.replace("\nS02,Recyclerie du Champsaur,", f"\nS02,{NAME},"), encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def twins(tmp_path_factory) -> Path:
    return _with_duplicate_name(tmp_path_factory.mktemp("twins") / "data")


def every_report(ds, *, year: int, structures: list[str], diffusion: str) -> dict[str, Section]:
    """Every section of the département's report, of each structure's and of the bilan."""
    shown: dict[str, object] = {}
    r = report(ds, year=year, diffusion=diffusion, min_cell=5)
    shown |= {f"{m.__name__}.departement": m.departement(r) for m in DEPARTEMENT}
    shown |= {"title.departement": title.departement(r), "commentary": commentary.commentary(r)}
    for sid in structures:
        r = report(ds, year=year, structure_id=sid, diffusion=diffusion, min_cell=5)
        shown |= {f"{m.__name__}.structure {sid}": m.structure(r) for m in STRUCTURE}
    years = ds.years()
    r = report(ds, first_year=years[1], last_year=years[-1], diffusion=diffusion, min_cell=5)
    shown |= {f"{m.__name__}.bilan": m.bilan(r) for m in DEPARTEMENT}
    plt.close("all")
    return shown


def test_labels_tell_two_structures_with_one_name_apart(twins):
    labels = structure_labels(load_dataset(twins))
    assert labels["S01"] == f"{NAME} (S01)" and labels["S02"] == f"{NAME} (S02)"
    assert labels["S03"] == "Association Tremplin Gapençais"  # a unique name stays as it is
    assert len(set(labels.values())) == len(labels)


@pytest.mark.parametrize("diffusion", ["comite", "public"])
def test_the_three_reports_build_with_two_structures_of_one_name(twins, diffusion):
    ds = load_dataset(twins)
    shown = every_report(ds, year=2012, structures=["S01", "S02"], diffusion=diffusion)
    # each of the two has its own row, with its own figures (the engine's, keyed by id): the
    # examined exits (16 and 10) for the committee; in the public edition, what the year's one
    # decision publishes for each id (indicators.csv's cell of that structure)
    table = shown["iae_eval.sections.exits.departement"].table().data
    engine = compute_indicators(ds, 2012, by="structure")
    published = year_table(ds, 2012, min_cell=5, diffusion=diffusion).set_index("Code")
    for sid in ("S01", "S02"):
        row = table.loc[f"{NAME} ({sid})"]
        expected = published.at[sid, "exits_examined"]
        assert expected == engine.at[sid, "exits_examined"] or diffusion == "public", sid
        assert row["Sorties examinées"] == (expected if isinstance(expected, str) else str(int(expected))), (
            sid
        )
    rates_table = shown["iae_eval.sections.rates.departement"].table().data
    assert {f"{NAME} (S01)", f"{NAME} (S02)"} <= set(rates_table.index)
    funnels = shown["iae_eval.sections.funnel.structure S02"]
    said = [c.alt for c in funnels.charts.parts] + [n.text for n in funnels.notes.parts]
    assert any(f"{NAME} (S02)" in text for text in said)  # highlighted, or said to be unpublished


@pytest.mark.slow
@pytest.mark.parametrize("name", ["departement", "structure", "bilan"])
def test_the_notebooks_run_with_two_structures_of_one_name(twins, name, tmp_path):
    from test_notebooks import NOTEBOOK_DIR, assert_report, execute

    extra = {"structure_id": "S02"} if name == "structure" else {}
    nb, _ = execute(NOTEBOOK_DIR / f"{name}.ipynb", tmp_path, cwd=ROOT, data_dir=str(twins), **extra)
    assert_report(nb)


def test_an_import_of_the_national_export_with_two_structures_of_one_name(tmp_path):
    src, out = tmp_path / "src", tmp_path / "out"
    assert CliRunner().invoke(cli, ["sample", "--format", "fluxiae", "--out", str(src)]).exit_code == 0
    view = next(src.glob("fluxIAE_Structure_*.csv"))
    data = view.read_bytes()
    assert b"|Recyclerie du Champsaur|" in data
    view.write_bytes(data.replace(b"|Recyclerie du Champsaur|", f"|{NAME}|".encode()))
    salt = tmp_path / "salt.txt"
    salt.write_bytes(b"a-fixed-test-salt\n")
    args = ["import-fluxiae", str(src), "--departement", "05", "--out", str(out), "--salt-file", str(salt)]
    result = CliRunner().invoke(cli, [*args, "--territories", str(src / "territories.csv")])
    assert result.exit_code == 0, result.output
    ds = load_dataset(out)
    twins = sorted(sid for sid, label in structure_labels(ds).items() if label.startswith(f"{NAME} ("))
    assert len(twins) == 2
    for diffusion in ("comite", "public"):
        shown = every_report(ds, year=2012, structures=twins, diffusion=diffusion)
        table = shown["iae_eval.sections.exits.departement"].table().data
        assert {f"{NAME} ({sid})" for sid in twins} <= set(table.index)
