"""A report's settings, bound once (``iae_eval.report``): no default edition or threshold
outside a run; inside a run (a bound kernel) the run's, and never less protection."""

from __future__ import annotations

from pathlib import Path

import pytest

from iae_eval.data.load import load_dataset
from iae_eval.editions import COMITE, PUBLIC
from iae_eval.report import ReportSettingsError, bind_run, bound_run, report, unbind_run

SAMPLE = Path(__file__).resolve().parents[1] / "data" / "sample"


@pytest.fixture
def ds():
    return load_dataset(SAMPLE)


@pytest.fixture
def public_run():
    bind_run(diffusion="public", min_cell=5, rules="fiche-h5")
    yield
    unbind_run()


def test_outside_a_run_the_edition_and_the_threshold_are_required(ds):
    assert bound_run() is None
    with pytest.raises(ReportSettingsError, match='précisez l\'édition du rapport : diffusion="comite"'):
        report(ds, year=2012, min_cell=5)
    with pytest.raises(ReportSettingsError, match="précisez le seuil de secret statistique"):
        report(ds, year=2012, diffusion="comite")
    with pytest.raises(ReportSettingsError, match="précisez l'année"):
        report(ds, diffusion="comite", min_cell=5)


def test_the_three_kinds_of_report(ds):
    yearly = report(ds, year=2012, diffusion="comite", min_cell=5)
    assert (yearly.year, yearly.years, yearly.is_bilan, yearly.edition) == (2012, [2012], False, COMITE)
    one = report(ds, year=2012, structure_id="S03", diffusion="public", min_cell=11)
    assert (one.structure_id, one.min_cell, one.edition, one.rules) == ("S03", 11, PUBLIC, "fiche-h5")
    bilan = report(ds, first_year=2009, last_year=2013, diffusion="comite", min_cell=5)
    assert bilan.is_bilan and bilan.year is None and bilan.years == [2009, 2010, 2011, 2012, 2013]
    with pytest.raises(ReportSettingsError, match="période vide"):
        report(ds, first_year=2013, last_year=2009, diffusion="comite", min_cell=5)
    with pytest.raises(ReportSettingsError, match="min_cell doit être au moins 1"):
        report(ds, year=2012, diffusion="comite", min_cell=0)


def test_a_bound_kernel_gives_the_runs_settings(ds, public_run):
    r = report(ds, year=2012)
    assert (r.edition, r.min_cell) == (PUBLIC, 5)
    assert report(ds, year=2012, diffusion="public", min_cell=8).min_cell == 8  # more protection: fine


def test_a_bound_kernel_refuses_less_protection(ds, public_run):
    with pytest.raises(ReportSettingsError, match="ce rapport est construit pour la diffusion publique"):
        report(ds, year=2012, diffusion="comite")
    with pytest.raises(ReportSettingsError, match="seuil de secret statistique de 5 .* l'abaisser à 2"):
        report(ds, year=2012, min_cell=2)
    with pytest.raises(ReportSettingsError, match="construit avec les règles « fiche-h5 »"):
        report(ds.shallow_copy(rules="asp"), year=2012)


def test_a_report_made_by_hand_cannot_protect_less_than_its_run(ds, public_run):
    """``Report(...)`` or ``dataclasses.replace`` in a notebook: checked as ``report()`` is."""
    import dataclasses

    from iae_eval.report import Report

    with pytest.raises(ReportSettingsError, match="construit pour la diffusion publique"):
        Report(dataset=ds, edition=COMITE, min_cell=5, year=2012, first_year=2012, last_year=2012)
    r = report(ds, year=2012)
    with pytest.raises(ReportSettingsError, match="construit pour la diffusion publique"):
        dataclasses.replace(r, edition=COMITE)
    with pytest.raises(ReportSettingsError, match="l'abaisser à 1"):
        dataclasses.replace(r, min_cell=1)
    assert r.for_structure("S03").structure_id == "S03"  # the same settings: fine
