"""The sections at comparable publics and after exit: figures, parts, editions, fallbacks."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from iae_eval import fmt
from iae_eval.data.load import load_dataset
from iae_eval.indicators import casemix
from iae_eval.indicators.adjusted import adjusted_indicators
from iae_eval.indicators.followup import followup_indicators
from iae_eval.indicators.suppress import MASKED_TEXT
from iae_eval.report import report
from iae_eval.sections import adjusted, followup
from test_casemix import simulated

SAMPLE = Path(__file__).resolve().parents[1] / "data" / "sample"


@pytest.fixture(scope="module")
def ds():
    return load_dataset(SAMPLE)


def test_the_structure_sentence_gives_expected_observed_and_ratio(ds):
    section = adjusted.structure(report(ds, year=2012, structure_id="S03", diffusion="comite", min_cell=5))
    texts = [p.text for p in section.texts.parts]
    assert len(texts) == 2
    a = adjusted_indicators(ds, 2012, "structure").loc["S03"]
    assert fmt.percent(a["durable_expected_rate"]) in texts[0]
    assert fmt.percent(4 / 34) in texts[0]  # S03's durable rate in 2012
    assert f"{fmt.number(a['durable_oe'], 2)} fois l'attendu" in texts[0]
    assert fmt.number(a["durable_oe_high"], 2) in texts[0]
    assert any("motivation" in p.text for p in section.notes.parts)


def test_the_public_edition_hides_the_ratio_of_a_hidden_rate(ds):
    section = adjusted.structure(report(ds, year=2012, structure_id="S03", diffusion="public", min_cell=5))
    a = adjusted_indicators(ds, 2012, "structure").loc["S03"]
    durable, dynamic = (p.text for p in section.texts.parts)
    # 4 durable exits of 34: the rate is withheld, saying why, and its ratio with it
    assert "n'est pas publié (moins de 5 sorties en emploi durable)" in durable
    assert fmt.number(a["durable_oe"], 2) not in durable
    # 12 dynamic exits of 34 would bound its two small categories: the year's decision withholds
    # the rate (docs/editions.md, "Exemple"), and its ratio with it
    assert "n'est pas publié (protège un petit effectif du tableau)" in dynamic
    assert fmt.number(a["dynamic_oe"], 2) not in dynamic
    # S14's durable rate (15 of 33) is the one structure rate the year publishes: its ratio too
    s14 = adjusted.structure(report(ds, year=2012, structure_id="S14", diffusion="public", min_cell=5))
    oe = adjusted_indicators(ds, 2012, "structure").at["S14", "durable_oe"]
    assert f"{fmt.number(oe, 2)} fois l'attendu" in s14.texts.parts[0].text
    table = adjusted.departement(report(ds, year=2012, diffusion="public", min_cell=5)).table(0).data
    s03 = table.loc["Association Tremplin Gapençais"]
    assert list(s03.iloc[1:]) == ["non publié : moins de 5 sorties en emploi durable"] * 4
    assert table.loc["Intérim Insertion Alpes du Sud", "Taux observé"] == fmt.percent(15 / 33)  # published
    assert table.loc["Chantier Durance Nature", "Taux observé"].startswith("non publié : protège")


def test_the_departement_view_has_a_table_and_a_funnel_per_rate(ds):
    section = adjusted.departement(report(ds, year=2012, diffusion="comite", min_cell=5))
    assert len(section.tables.parts) == 2 and len(section.charts.parts) == 2
    table = section.table(0).data
    assert len(table) == 14 and MASKED_TEXT not in table.to_numpy()
    assert "14 structures" in section.charts.parts[0].alt


def test_the_method_shows_the_odds_ratios_and_the_bilan_its_years(ds):
    r = report(ds, first_year=2009, last_year=2013, diffusion="comite", min_cell=5)
    section = adjusted.method(r)
    model = casemix.models(ds, (2009, 2010, 2011, 2012, 2013))["durable"]
    table = section.table(0).data
    assert len(table) == len(model.covariates)
    assert "Sortie en 2013 (réf. 2009)" in table.index
    assert fmt.integer(model.n) in section.table(0).caption
    assert fmt.number(model.c_statistic, 2) in section.table(0).caption
    bilan = adjusted.bilan(r)
    assert len(bilan.tables.parts) == 2


def test_a_tiny_dataset_says_in_one_sentence_that_the_model_is_not_fitted():
    tiny = simulated(40)
    r = report(tiny, year=2012, diffusion="comite", min_cell=5)
    section = adjusted.departement(r)
    assert not section.tables.parts and not section.charts.parts
    texts = [p.text for p in section.texts.parts]
    assert len(texts) == 2 and all("ne sont pas calculés" in t and "50" in t for t in texts)
    structure = adjusted.structure(replace(r, structure_id="A"))
    assert all("seuls les taux bruts" in p.text for p in structure.texts.parts)


def test_followup_departement_table_follows_the_indicators(ds):
    section = followup.departement(report(ds, year=2012, diffusion="comite", min_cell=5))
    first = section.table(0).data
    assert len(first) == 3  # 6, 12, 24 months
    f = followup_indicators(ds, 2012).iloc[0]
    assert first.iloc[0]["Situation connue"] == fmt.integer(f["followup_6m_known"])
    assert first.iloc[0]["Couverture"] == fmt.percent(f["followup_6m_coverage"])
    assert first.iloc[0]["En emploi [IC 95 %]"].startswith(fmt.percent(f["employed_6m_rate"]))
    assert first.iloc[2]["En emploi [IC 95 %]"] == "—"  # no follow-up at 24 months of the 2012 exits
    assert len(section.tables.parts) == 4  # + territories, kinds, structures
    assert len(section.table(3).data) == 14


def test_followup_public_structure_and_bilan(ds):
    section = followup.structure(report(ds, year=2012, structure_id="S03", diffusion="public", min_cell=5))
    table = section.table(0).data
    assert len(table) == 6
    # S03's exits in durable employment 6 months on are fewer than 5: withheld, saying why
    durable = table.at["La structure, 6 mois après la sortie", "En emploi durable [IC 95 %]"]
    assert durable.startswith("non publié : moins de 5 ")
    bilan = followup.bilan(report(ds, first_year=2009, last_year=2013, diffusion="comite", min_cell=5))
    known = sum(int(followup_indicators(ds, y).iloc[0]["followup_6m_known"]) for y in range(2009, 2014))
    assert bilan.table(0).data.iloc[0]["Situation connue"] == fmt.integer(known)


def test_without_the_table_one_sentence(ds):
    bare = replace(ds, exit_followup=None)
    for section in (
        followup.departement(report(bare, year=2012, diffusion="comite", min_cell=5)),
        followup.structure(report(bare, year=2012, structure_id="S03", diffusion="comite", min_cell=5)),
        followup.bilan(report(bare, first_year=2009, last_year=2013, diffusion="comite", min_cell=5)),
    ):
        assert not section.tables.parts and len(section.texts.parts) == 1
        assert "exit_followup" in section.texts.parts[0].text
