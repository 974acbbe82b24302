"""Publics: "dont RSA" exit table, shares of each public, charts and sections."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest

from iae_eval.indicators.exits_by_public import EXIT_ROWS, exits_by_category
from iae_eval.indicators.exports import year_table
from iae_eval.report import report
from iae_eval.sections import publics
from iae_eval.sections.notes import SECRET
from indicator_factory import make_dataset, pathway, structure

STRUCTURES = [
    structure("S1", ["ACI"], "Gapençais", name="Alpha"),
    structure("S2", ["AI"], "Buëch", name="Beta"),
]


def _aci(person, reason, *, rsa=False, sex="M"):
    """An ACI pathway of 12 months leaving in 2012 (examinable)."""
    return pathway(person, "S1", "ACI", "2011-06-01", "2012-06-01", reason, rsa=rsa, sex=sex)


PARTICIPANTS = (
    [_aci(f"D{i}", 1, rsa=i < 5, sex="F") for i in range(6)]  # durable: 6, RSA 5
    + [_aci(f"T{i}", 10, sex="F") for i in range(5)]  # transition: 5, RSA 0
    + [_aci(f"O{i}", 7, rsa=i < 2) for i in range(5)]  # autre: 5, RSA 2
    + [_aci("R0", 15, rsa=True)]  # retrait: 1, RSA 1
    + [pathway("X0", "S1", "ACI", "2012-03-01", "2012-04-15", 1, rsa=True)]  # short exit: not examined
    + [pathway(f"I{i}", "S1", "ACI", "2012-01-01") for i in range(2)]  # still in
    + [pathway("Y0", "S2", "AI", "2012-01-01", "2012-03-01", 1, birth_year=1990, hours=100)]  # short (AI)
    + [pathway("Y1", "S2", "AI", "2012-01-01", "2012-05-01", 5, birth_year=1990, rsa=True, hours=200)]
)
# 2012: 22 people (20 in S1, 2 in S2); RSA 10 (9 in S1); women 11; under 26: Y0, Y1.


def _dataset():
    return make_dataset(structures=STRUCTURES, participants=PARTICIPANTS)


def test_exits_by_category_all_and_rsa():
    exits = exits_by_category(_dataset(), 2012)
    assert list(exits.index) == list(EXIT_ROWS)
    # durable, transition, positive (Y1: AI, 200 h), autre, retrait; examined; recorded; short
    assert exits["all"].tolist() == [6, 5, 1, 5, 1, 17, 18, 2]
    assert exits["rsa"].tolist() == [5, 0, 1, 2, 1, 8, 9, 1]
    s2 = exits_by_category(_dataset(), 2012, structure_id="S2")
    assert s2["all"].tolist() == [0, 0, 1, 0, 0, 1, 1, 1]  # Y0's 100 hours fail the minimum stay


def test_exits_table_rows_add_up_to_their_totals():
    """The examined categories add up to "Sorties examinées"; retrait and short exits come after
    it, apart (the rates divide by the examined exits)."""
    table = publics.exits_table(exits_by_category(_dataset(), 2012), min_cell=5, diffusion="comite")
    assert list(table.columns) == ["Toutes sorties", "dont RSA"]
    assert list(table.index) == [
        "Emploi durable",
        "Emploi de transition",
        "Sorties positives",
        "Autres sorties",
        "Sorties examinées",
        "Retrait des sorties constatées",
        "Sorties avant la durée minimale",
    ]
    for column in table.columns:
        values = [int(v) for v in table[column]]
        assert sum(values[:4]) == values[4]  # the categories add up to the examined exits


def test_exits_table_public_suppression():
    table = publics.exits_table(exits_by_category(_dataset(), 2012), min_cell=5, diffusion="public")
    # the lone "< 5" of the examined line (positive) takes the smallest other cell (transition)
    assert table["Toutes sorties"].tolist() == ["6", "s", "< 5", "5", "17", "< 5", "< 5"]
    # subset rule: 6 durable exits "dont RSA" 5 would reveal 1 exit without RSA
    assert table["dont RSA"].tolist() == ["s", "0", "< 5", "< 5", "8", "< 5", "< 5"]


def test_exit_shares_divide_by_the_examined_exits():
    exits = exits_by_category(_dataset(), 2012)
    shares = publics.exit_shares(exits, min_cell=5, diffusion="comite")
    assert list(shares.index) == [
        "Emploi durable",
        "Emploi de transition",
        "Sorties positives",
        "Autres sorties",
    ]
    assert shares.at["Emploi durable", "all"] == pytest.approx(6 / 17)
    assert shares.at["Emploi durable", "rsa"] == pytest.approx(5 / 8)
    assert shares["all"].sum() == pytest.approx(1.0)
    public = publics.exit_shares(exits, min_cell=5, diffusion="public")
    assert public.at["Emploi durable", "all"] == pytest.approx(6 / 17)
    assert np.isnan(public.at["Emploi durable", "rsa"])  # 6 − 5 = 1: the subset is masked
    assert (
        np.isnan(public.at["Emploi de transition", "all"]) and public.at["Emploi de transition", "rsa"] == 0
    )


def test_exit_shares_chart():
    shares = publics.exit_shares(exits_by_category(_dataset(), 2012), min_cell=5, diffusion="comite")
    shares.loc["Emploi durable", "rsa"] = np.nan  # a masked share draws no bar
    fig, ax = plt.subplots()
    out = publics.exit_shares_chart(shares, ax=ax)
    assert out is ax
    assert len(ax.patches) == 7
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["Toutes sorties", "dont RSA"]
    assert ax.get_xlabel() == "Part des sorties examinées"
    assert ax.xaxis.get_major_formatter()(0.25, 0) == "25\u00a0%"


def test_public_shares_departement():
    shares = publics.public_shares(_dataset(), 2012, min_cell=5, diffusion="public")
    assert list(shares.index) == [
        "rsa_participants",
        "deld",
        "youth_under_26",
        "seniors_50_plus",
        "rqth",
        "women",
    ]
    assert shares["departement_count"].tolist() == [10, 0, "< 5", 0, 0, 11]
    assert shares.at["rsa_participants", "departement_share"] == pytest.approx(10 / 22)
    assert (
        shares.at["youth_under_26", "departement_share"]
        == "non publié : moins de 5 personnes de moins de 26 ans"
    )
    assert shares.at["women", "departement_share"] == pytest.approx(0.5)
    assert shares["departement_total"].iloc[0] == 22


def test_public_shares_structure_small_denominator():
    shares = publics.public_shares(_dataset(), 2012, structure_id="S2", min_cell=5, diffusion="public")
    assert shares["structure_total"].iloc[0] == "< 5"
    assert shares.at["rsa_participants", "structure_count"] == "< 5"
    # every share over 2 people is withheld, saying why
    assert set(shares["structure_share"]) == {"non publié : moins de 5 personnes en parcours"}
    # S1's shares are as the year's one decision publishes its counts: 20 people, 9 at the RSA;
    # with the département's 22 (S2's 2 people are S1's complement) its counts are withheld
    s1 = publics.public_shares(_dataset(), 2012, structure_id="S1", min_cell=5, diffusion="public")
    table = year_table(_dataset(), 2012, min_cell=5, diffusion="public")
    row = table[table["Code"] == "S1"].iloc[0]
    assert s1.at["rsa_participants", "structure_count"] == row["rsa_participants"]
    assert s1["structure_total"].iloc[0] == row["participants"]
    published = not isinstance(row["rsa_participants"], str) and not isinstance(row["participants"], str)
    share = s1.at["rsa_participants", "structure_share"]
    assert share == pytest.approx(9 / 20) if published else share.startswith("non publié")


def test_shares_chart():
    values = pd.DataFrame(
        {"structure": [0.45, np.nan, 0.55], "departement": [0.4, 0.1, 0.5]},
        index=["Allocataires du RSA", "Moins de 26 ans", "Femmes"],
    )
    fig, ax = plt.subplots()
    out = publics.shares_chart(values, labels={"structure": "Alpha", "departement": "Département"}, ax=ax)
    assert out is ax
    assert len(ax.patches) == 5
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["Alpha", "Département"]
    assert [t.get_text() for t in ax.get_yticklabels()] == list(values.index)


def test_section_departement():
    comite = publics.departement(report(_dataset(), year=2012, min_cell=5, diffusion="comite"))
    assert len(comite.charts.parts) == 2
    assert "Allocataires du RSA 45\u00a0%" in comite.chart(0).alt  # RSA: 10 of 22
    assert comite.table(0).data.at["Allocataires du RSA", "Département : part"] == "45,5\u00a0%"
    assert comite.table(1).data.at["Sorties examinées", "dont RSA"] == "8"
    kinds = [p.kind for p in comite.parts]
    assert kinds.index("table") > max(i for i, k in enumerate(kinds) if k == "chart")  # charts first
    public = publics.departement(report(_dataset(), year=2012, min_cell=5, diffusion="public"))
    # the exits' shares: every "dont RSA" category of this tiny year is withheld by the year's
    # decision (8 examined exits of RSA recipients, categories of 1 to 4): no chart, and why
    assert len(public.charts.parts) == 1
    assert public.chart(1).text.endswith(f"{SECRET}.")  # no second chart: says why, never fails


def test_section_structure():
    s1 = publics.structure(report(_dataset(), year=2012, structure_id="S1", min_cell=5, diffusion="comite"))
    assert len(s1.charts.parts) == 2
    shares = s1.table(0).data
    assert shares.at["Allocataires du RSA", "Alpha : part"] == "45,0\u00a0%"  # 9 of 20
    assert "Département : part" in shares.columns
    small = publics.structure(
        report(_dataset(), year=2012, structure_id="S2", min_cell=5, diffusion="public")
    )
    cells = set(small.table(0).data.to_numpy().ravel())
    assert "non publié : moins de 5 personnes en parcours" in cells and "< 5" in cells


def test_empty_year_and_no_exit_say_so():
    assert publics.departement(report(_dataset(), year=2010, min_cell=5, diffusion="public")).html == (
        '<p class="iae-note">Aucun parcours actif en 2010 : pas de public à décrire.</p>'
    )
    assert publics.structure(
        report(_dataset(), year=2011, structure_id="S2", min_cell=5, diffusion="public")
    ).html == ('<p class="iae-note">Aucun parcours actif chez Beta en 2011 : pas de public à décrire.</p>')
    html = publics.departement(
        report(_dataset(), year=2013, min_cell=5, diffusion="public")
    ).html  # I0, I1 still in, no exit
    assert "Aucune sortie examinée en 2013 (département)." in html
