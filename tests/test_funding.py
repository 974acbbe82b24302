"""Funding: amounts by funder and nature, Europe + State share, costs, investment (A5), sections."""

from __future__ import annotations

import dataclasses

import matplotlib.pyplot as plt
import numpy as np
import pytest

from iae_eval.report import report
from iae_eval.sections import funding, funding_costs
from indicator_factory import make_dataset, pathway, structure

STRUCTURES = [
    structure("S1", ["ACI"], "Gapençais", name="Alpha"),
    structure("S2", ["EI"], "Buëch", name="Beta"),
    structure("S3", ["ACI"], "Gapençais", name="Gamma"),
]
# S1: 7 people, 6 dynamic exits in 2012; S2: 6 people, 5 durable exits; S3: 2 people, no exit.
PARTICIPANTS = (
    [pathway(f"A{i}", "S1", "ACI", "2011-06-01", "2012-06-01", (1, 10, 5)[i % 3]) for i in range(6)]
    + [pathway("A6", "S1", "ACI", "2012-01-01")]
    + [pathway(f"B{i}", "S2", "EI", "2011-06-01", "2012-06-01", 3) for i in range(5)]
    + [pathway("B5", "S2", "EI", "2012-01-01")]
    + [pathway(f"C{i}", "S3", "ACI", "2012-01-01") for i in range(2)]
)
FUNDING = [
    dict(year=2011, structure_id="S1", funder="departement", nature="fonctionnement", amount_eur=30000.0),
    dict(year=2012, structure_id="S1", funder="departement", nature="fonctionnement", amount_eur=42000.0),
    dict(year=2012, structure_id="S1", funder="europe_fse", nature="fonctionnement", amount_eur=21000.0),
    dict(year=2012, structure_id="S2", funder="etat", nature="aide_au_poste", amount_eur=24000.0),
    dict(year=2012, structure_id="S2", funder="departement", nature="investissement", amount_eur=6000.0),
    dict(year=2012, structure_id="S3", funder="communes", nature="fonctionnement", amount_eur=4000.0),
]


def eur(digits: str) -> str:
    """``"97 000"`` → the French format ``97 000 €`` with its narrow and no-break spaces."""
    return digits.replace(" ", "\u202f") + "\u00a0€"


def _dataset(rows=FUNDING):
    return make_dataset(structures=STRUCTURES, participants=PARTICIPANTS, funding=rows)


def test_amounts_by_funder_and_nature():
    by_funder = funding.funding_amounts(_dataset(), first_year=2011, last_year=2012)
    assert list(by_funder.columns) == ["europe_fse", "etat", "departement", "communes"]
    assert by_funder.loc[2011].tolist() == [0.0, 0.0, 30000.0, 0.0]
    assert by_funder.loc[2012].tolist() == [21000.0, 24000.0, 48000.0, 4000.0]
    by_nature = funding.funding_amounts(_dataset(), first_year=2011, last_year=2012, by="nature")
    assert list(by_nature.columns) == ["fonctionnement", "investissement", "aide_au_poste"]
    assert by_nature.loc[2012].tolist() == [67000.0, 6000.0, 24000.0]
    s2 = funding.funding_amounts(_dataset(), first_year=2012, last_year=2012, structure_id="S2")
    assert list(s2.columns) == ["etat", "departement"]
    invest = funding.funding_amounts(_dataset(), first_year=2010, last_year=2012, nature="investissement")
    assert list(invest.index) == [2010, 2011, 2012]
    assert invest["departement"].tolist() == [0.0, 0.0, 6000.0]


def test_stacked_chart_bars_legend_and_french_ticks():
    amounts = funding.funding_amounts(_dataset(), first_year=2011, last_year=2012)
    fig, ax = plt.subplots()
    out = funding.funding_chart(amounts, ax=ax)
    assert out is ax
    assert len(ax.patches) == 8  # 2 years × 4 funders
    # legend read top-down like the stack: last funder on top
    assert [t.get_text() for t in ax.get_legend().get_texts()] == [
        "Communes",
        "Département",
        "État",
        "Europe (FSE)",
    ]
    assert [t.get_text() for t in ax.get_xticklabels()] == ["2011", "2012"]
    assert ax.yaxis.get_major_formatter()(20000, 0) == eur("20 000")
    assert ax.get_title() == "Financements par financeur"
    heights = [p.get_height() for p in ax.patches]
    assert sum(heights) == 30000.0 + 97000.0


def test_nature_chart_legend():
    amounts = funding.funding_amounts(_dataset(), first_year=2012, last_year=2012, by="nature")
    ax = funding.funding_chart(amounts, by="nature")
    assert [t.get_text() for t in ax.get_legend().get_texts()] == [
        "Aide au poste",
        "Investissement",
        "Fonctionnement",
    ]
    assert ax.get_legend().get_title().get_text() == "Nature"


def test_shares_and_europe_state_share():
    amounts = funding.funding_amounts(_dataset(), first_year=2012, last_year=2012)
    shares = funding.shares(amounts, 2012)
    assert shares.at["departement", "share"] == pytest.approx(48000 / 97000)
    assert funding.europe_state_share(_dataset(), 2012) == pytest.approx(45000 / 97000)
    assert funding.europe_state_share(_dataset(), 2011) == 0.0
    assert np.isnan(funding.europe_state_share(_dataset(), 2010))


def test_structure_costs_and_suppression():
    costs = funding.structure_costs(_dataset(), 2012)
    assert costs.at["S1", "cost_per_participant"] == pytest.approx(9000.0)  # 63 000 / 7
    assert costs.at["S1", "cost_per_dynamic_exit"] == pytest.approx(10500.0)  # 63 000 / 6
    assert costs.at["S2", "cost_per_dynamic_exit"] == pytest.approx(6000.0)  # 30 000 / 5
    assert costs.at["S3", "cost_per_participant"] == pytest.approx(2000.0)  # 2 people: raw
    shown = funding.shown_costs(costs, min_cell=5, diffusion="public")
    assert shown.at["S1", "cost_per_participant"] == pytest.approx(9000.0)
    assert np.isnan(shown.at["S3", "cost_per_participant"])  # masked: fewer than 5 people


def test_cost_chart_points_and_median():
    shown = funding.shown_costs(funding.structure_costs(_dataset(), 2012), min_cell=5, diffusion="public")
    fig, ax = plt.subplots()
    out = funding_costs.cost_chart(
        shown["cost_per_participant"], names={"S1": "Alpha", "S2": "Beta"}, highlight="S1", ax=ax
    )
    assert out is ax
    assert len(ax.collections[0].get_offsets()) == 2  # Gamma is masked
    assert [t.get_text() for t in ax.get_yticklabels()] == ["Beta", "Alpha"]
    assert [t.get_text() for t in ax.get_legend().get_texts()] == [f"Médiane des structures : {eur('7 000')}"]
    assert ax.get_xlabel() == "Coût par personne en parcours"


def test_section_departement():
    html = funding.departement(report(_dataset(), year=2012, min_cell=5, diffusion="public")).html
    assert html.count("<img") == 4  # funder, nature, cost per participant, investment
    assert eur("97 000") in html
    assert "46,4\u00a0%" in html  # Europe + State
    assert eur("6 467") in html  # 97 000 / 15 people
    assert eur("8 818") in html  # 97 000 / 11 dynamic exits
    gamma = html[html.index("<th>Gamma</th>") :].split("</tr>")[0]
    assert gamma.count("<td>&lt; 5</td>") == 1  # 2 people
    # their cost per participant would give the count back
    assert "<td>non publié : moins de 5 personnes en parcours</td>" in gamma
    beta = html[html.index("<th>Beta</th>") :].split("</tr>")[0]
    # the year's decision withholds Beta's 6 people (15 − 7 − 6 would give Gamma's 2 back), so
    # its cost per participant too
    assert beta.count("<td>s</td>") == 1 and "<td>non publié : protège" in beta
    assert f"<td>{eur('9 000')}</td>" in html  # median of the published costs: Alpha's only
    assert "aux effectifs inférieurs à 5 ne sont pas représentées" in html  # Gamma left out of the chart
    assert "action A5" in html
    assert html.index("<img") < html.index("<table")


def test_section_structure():
    html = funding.structure(
        report(_dataset(), year=2012, structure_id="S1", min_cell=5, diffusion="public")
    ).html
    assert html.count("<img") == 1
    assert eur("10 500") in html and eur("9 000") in html
    assert "Médiane des structures" in html
    assert "Beta" not in html


def test_section_bilan():
    html = funding.bilan(
        report(_dataset(), first_year=2011, last_year=2012, min_cell=5, diffusion="public")
    ).html
    assert html.count("<img") == 3
    assert "<th>2011</th>" in html and "<th>2012</th>" in html
    assert "46,4\u00a0%" in html and "0,0\u00a0%" in html


def test_no_investment_sentence():
    rows = [r for r in FUNDING if r["nature"] != "investissement"]
    html = funding.departement(report(_dataset(rows), year=2012, min_cell=5, diffusion="public")).html
    assert "Aucune subvention d&#x27;investissement de 2011 à 2012 (action A5)." in html
    assert html.count("<img") == 3


def test_missing_table_and_empty_year_say_so():
    none = dataclasses.replace(_dataset(), funding=None)
    note = '<p class="iae-note">Pas de données de financement.</p>'
    assert funding.departement(report(none, year=2012, min_cell=5, diffusion="public")).html == note
    assert (
        funding.structure(report(none, year=2012, structure_id="S1", min_cell=5, diffusion="public")).html
        == note
    )
    assert (
        funding.bilan(report(none, first_year=2011, last_year=2012, min_cell=5, diffusion="public")).html
        == note
    )
    assert funding.departement(report(_dataset(), year=2010, min_cell=5, diffusion="public")).html == (
        '<p class="iae-note">Pas de données de financement pour 2010.</p>'
    )
    assert funding.structure(
        report(_dataset(), year=2011, structure_id="S3", min_cell=5, diffusion="public")
    ).html == ('<p class="iae-note">Pas de données de financement de Gamma pour 2011.</p>')
    assert (
        "pour 2008-2010."
        in funding.bilan(
            report(_dataset(), first_year=2008, last_year=2010, min_cell=5, diffusion="public")
        ).html
    )
