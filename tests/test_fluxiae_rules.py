"""Minimum-stay rules as data (issue 10): the ``fiche-h5`` and ``asp`` profiles, ``--rules``.

Expected values are hand-computed from FLUXIAE.md's national rules: ACI/EI more than 80.6
days and at least 1 hour in the year of exit; AI/ETTI 150 hours in the year of exit; EITI
at least 1 hour in the year of exit; a participant has at least 1 hour in the year.
"""

from __future__ import annotations

import dataclasses
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from iae_eval.batch.plan import plan_reports
from iae_eval.batch.run import _tables_hash
from iae_eval.cli import cli
from iae_eval.data.load import load_dataset
from iae_eval.data.rules import DEFAULT_RULES, PROFILES, StayRule, get_profile
from iae_eval.errors import RulesError
from iae_eval.indicators.compute import compute_indicators
from iae_eval.indicators.facts import is_examinable
from iae_eval.report import report
from iae_eval.sections import method
from iae_eval.workspace import NOTEBOOKS_DIR
from indicator_factory import make_dataset, pathway, structure, table

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "data" / "sample"


def hours(person, structure_id, entry, year, value) -> dict:
    return {
        "person_id": person,
        "structure_id": structure_id,
        "entry_date": entry,
        "year": year,
        "hours": value,
    }


def with_hours(ds, rows):
    return dataclasses.replace(ds, yearly_hours=table("yearly_hours", rows))


def dataset(participants, yearly):
    ds = make_dataset(
        structures=[structure("S", ["ACI", "AI", "EI", "ETTI", "EITI"], "T")], participants=participants
    )
    return with_hours(ds, yearly)


def test_profiles_are_declared_once_with_the_default_first():
    assert DEFAULT_RULES == "fiche-h5"
    assert list(PROFILES) == ["fiche-h5", "asp"]
    h5, asp = PROFILES["fiche-h5"], PROFILES["asp"]
    assert h5.minimum_stay["ACI"] == StayRule(months=3)
    assert h5.minimum_stay["AI"] == StayRule(pathway_hours=150)
    assert h5.minimum_stay["EITI"] == StayRule()
    assert not h5.needs_yearly_hours and h5.pathway_hours_kinds == ("AI", "ETTI")
    assert asp.minimum_stay["EI"] == StayRule(more_than_days=80.6, exit_year_hours=1)
    assert asp.minimum_stay["ETTI"] == StayRule(exit_year_hours=150)
    assert asp.needs_yearly_hours and asp.participant_min_hours == 1
    with pytest.raises(ValueError, match="unknown rules profile 'x' \\(expected one of: fiche-h5, asp\\)"):
        get_profile("x")


def test_aci_more_than_80_6_days_and_one_hour_in_the_exit_year():
    ds = dataset(
        [
            pathway("A", "S", "ACI", "2012-01-01", "2012-03-22", 1),  # 81 days, 10 h in 2012
            pathway("B", "S", "ACI", "2012-01-01", "2012-03-21", 1),  # 80 days
            pathway("C", "S", "ACI", "2011-10-01", "2012-01-15", 1),  # 106 days, 0 h in 2012
            pathway("D", "S", "EI", "2012-01-01", "2012-04-01", 3),  # 91 days, 0.5 h in 2012
        ],
        [
            hours("A", "S", "2012-01-01", 2012, 10),
            hours("B", "S", "2012-01-01", 2012, 10),
            hours("C", "S", "2011-10-01", 2011, 300),
            hours("D", "S", "2012-01-01", 2012, 0.5),
        ],
    )
    asp = compute_indicators(ds, 2012, rules="asp").loc[None]
    assert (asp["exits"], asp["short_exits"]) == (1, 3)  # only A
    h5 = compute_indicators(ds, 2012).loc[None]
    # fiche-h5: 3 calendar months: A (22 Mar < 1 Apr) and B short; C (15 Jan ≥ 1 Jan) and D (1 Apr) pass
    assert (h5["exits"], h5["short_exits"]) == (2, 2)


def test_ai_and_etti_count_150_hours_in_the_year_of_exit_not_the_whole_pathway():
    ds = dataset(
        [
            pathway("A", "S", "AI", "2011-03-01", "2012-06-30", 7, hours=400),  # 100 h in 2012
            pathway("B", "S", "ETTI", "2011-03-01", "2012-06-30", 7, hours=160),  # 150 h in 2012
            pathway("C", "S", "AI", "2012-01-01", "2012-12-31", 7, hours=149.5),  # 149.5 h
        ],
        [
            hours("A", "S", "2011-03-01", 2011, 300),
            hours("A", "S", "2011-03-01", 2012, 100),
            hours("B", "S", "2011-03-01", 2011, 10),
            hours("B", "S", "2011-03-01", 2012, 150),
            hours("C", "S", "2012-01-01", 2012, 149.5),
        ],
    )
    asp = compute_indicators(ds, 2012, by="kind", rules="asp")
    assert (asp.loc["AI", "exits"], asp.loc["AI", "short_exits"]) == (0, 2)
    assert (asp.loc["ETTI", "exits"], asp.loc["ETTI", "short_exits"]) == (1, 0)
    h5 = compute_indicators(ds, 2012, by="kind")
    assert (h5.loc["AI", "exits"], h5.loc["AI", "short_exits"]) == (1, 1)  # 400 h passes, 149.5 fails
    assert h5.loc["ETTI", "exits"] == 1


def test_eiti_needs_one_hour_in_the_year_of_exit_under_asp():
    ds = dataset(
        [
            pathway("A", "S", "EITI", "2012-06-01", "2012-06-01", 1),
            pathway("B", "S", "EITI", "2012-02-01", "2012-09-01", 1),
        ],
        [hours("B", "S", "2012-02-01", 2012, 1)],
    )
    asp = compute_indicators(ds, 2012, rules="asp").loc[None]
    assert (asp["exits"], asp["short_exits"], asp["exits_emploi_durable"]) == (1, 1, 1)
    assert compute_indicators(ds, 2012).loc[None, "exits"] == 2


def test_asp_participants_need_one_hour_in_the_year():
    ds = dataset(
        [
            pathway("A", "S", "ACI", "2011-01-01", None, rsa=True, sex="F"),  # 0 h in 2012
            pathway("B", "S", "ACI", "2011-01-01", None, rsa=True, sex="F"),  # 35 h in 2012
            pathway("B", "S", "AI", "2012-05-01", None, hours=3),  # same person, 3 h
            pathway("C", "S", "EI", "2012-03-01", None, birth_year=1990),  # 1 h
        ],
        [
            hours("A", "S", "2011-01-01", 2011, 900),
            hours("B", "S", "2011-01-01", 2012, 35),
            hours("B", "S", "2012-05-01", 2012, 3),
            hours("C", "S", "2012-03-01", 2012, 1),
        ],
    )
    asp = compute_indicators(ds, 2012, rules="asp").loc[None]
    assert (asp["participants"], asp["rsa_participants"], asp["women"], asp["youth_under_26"]) == (2, 1, 1, 1)
    assert asp["entries"] == 2  # entries do not depend on hours
    h5 = compute_indicators(ds, 2012).loc[None]
    assert (h5["participants"], h5["rsa_participants"], h5["women"]) == (3, 2, 2)


def test_the_dataset_profile_is_the_default_and_an_argument_overrides_it():
    ds = dataset(
        [pathway("A", "S", "ACI", "2012-01-01", "2012-03-22", 1)],
        [hours("A", "S", "2012-01-01", 2012, 10)],
    )
    assert compute_indicators(ds, 2012).loc[None, "exits"] == 0
    asp_ds = dataclasses.replace(ds, rules="asp")
    assert compute_indicators(asp_ds, 2012).loc[None, "exits"] == 1
    assert compute_indicators(asp_ds, 2012, rules="fiche-h5").loc[None, "exits"] == 0


def test_asp_without_yearly_hours_says_what_is_missing():
    ds = make_dataset(
        structures=[structure("S", ["ACI"], "T")], participants=[pathway("A", "S", "ACI", "2012-01-01")]
    )
    with pytest.raises(
        RulesError,
        match="les règles « asp » demandent les heures travaillées par année .* utilisez --rules fiche-h5",
    ):
        compute_indicators(ds, 2012, rules="asp")
    with pytest.raises(RulesError):
        load_dataset(SAMPLE, rules="asp")
    with pytest.raises(ValueError, match="needs the hours worked in the year of exit"):
        is_examinable(ds.participants, rules="asp")


def test_cli_rules_asp_on_a_dataset_without_yearly_hours_exits_1_without_traceback():
    for command in (
        ["indicators", "--data", str(SAMPLE), "--year", "2012", "--rules", "asp"],
        ["run", "--data", str(SAMPLE), "--years", "2012", "--rules", "asp", "--out", "/nonexistent/never"],
    ):
        result = CliRunner().invoke(cli, command)
        assert result.exit_code == 1, result.output
        assert "Erreur : les règles « asp » demandent les heures travaillées par année" in result.output
        assert "Traceback" not in result.output
    bad = CliRunner().invoke(cli, ["indicators", "--data", str(SAMPLE), "--year", "2012", "--rules", "x"])
    assert bad.exit_code == 2


def test_cli_default_rules_are_fiche_h5():
    runner = CliRunner()
    args = ["indicators", "--data", str(SAMPLE), "--year", "2012", "--format", "json"]
    assert runner.invoke(cli, args).output == runner.invoke(cli, [*args, "--rules", "fiche-h5"]).output


def test_yearly_hours_table_is_validated_against_the_pathways(tmp_path):
    data = tmp_path / "data"
    shutil.copytree(SAMPLE, data)
    (data / "yearly_hours.csv").write_text(
        "person_id,structure_id,entry_date,year,hours\n"
        "P000002,S01,2008-01-15,2009,120.5\n"
        "P999999,S01,2008-01-15,2009,3\n"
        "P000002,S01,2008-01-15,2008,-1\n",
        encoding="utf-8",
    )
    result = CliRunner().invoke(cli, ["validate", "--data", str(data)])
    assert result.exit_code == 1
    assert (
        "yearly_hours.csv:ligne 3: entry_date: 2008-01-15: aucun parcours de participants n'a ces "
        "person_id, structure_id et entry_date" in result.output
    )
    assert "yearly_hours.csv:ligne 4: hours: -1: valeur négative" in result.output


def test_plan_passes_the_profile_to_every_notebook_and_the_hashes_depend_on_it(tmp_path):
    ds = load_dataset(SAMPLE)
    reports = plan_reports(
        ds,
        years=[2011, 2012],
        structures=["S01"],
        notebooks_dir=NOTEBOOKS_DIR,
        data_dir=SAMPLE,
        rules="asp",
    )
    assert {r.kind for r in reports} == {"bilan", "departement", "structure"}
    assert all(r.params["rules"] == "asp" for r in reports)
    default = plan_reports(ds, years=[2012], structures=["S01"], notebooks_dir=NOTEBOOKS_DIR, data_dir=SAMPLE)
    assert all(r.params["rules"] == "fiche-h5" for r in default)
    assert _tables_hash(2012, "f", 5, "asp", "comite") != _tables_hash(2012, "f", 5, "fiche-h5", "comite")
    assert _tables_hash(2012, "f", 5, "asp", "comite") != _tables_hash(2012, "f", 5, "asp", "public")


def test_how_to_read_states_the_profile_and_its_rules():
    ds = dataset([pathway("A", "S", "ACI", "2012-01-01")], [hours("A", "S", "2012-01-01", 2012, 5)])
    h5 = method.departement(report(ds, min_cell=5, year=2012, diffusion="comite"))._repr_html_()
    assert "Règles de durée minimale appliquées : « fiche-h5 »" in h5
    assert "au moins 3 mois entre l'entrée et la sortie" in h5
    assert "au moins 150 heures travaillées" in h5
    asp = method.departement(
        report(dataclasses.replace(ds, rules="asp"), min_cell=5, year=2012, diffusion="comite")
    )._repr_html_()
    assert "Règles de durée minimale appliquées : « asp »" in asp
    assert (
        "plus de 80,6 jours entre l'entrée et la sortie et au moins 1 heure travaillée dans l'année de sortie"
        in asp
    )
    assert "au moins 150 heures travaillées dans l'année de sortie" in asp
    assert "travaillé au moins 1 heure" in asp


def test_docs_describe_the_import_command_and_the_profiles():
    data = (ROOT / "docs" / "data.md").read_text(encoding="utf-8")
    for text in (
        "iae-eval import-fluxiae",
        "--departement",
        "--out",
        "--salt-file",
        "--territories",
        "--format fluxiae",
        "### yearly_hours",
    ):
        assert text in data, text
    indicators = (ROOT / "docs" / "indicators.md").read_text(encoding="utf-8")
    for name in PROFILES:
        assert f"`{name}`" in indicators, name
    assert "--rules" in indicators
