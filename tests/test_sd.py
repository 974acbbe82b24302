"""Sustainable-development grid: scores, heatmap, structure dots, evolution, evidence, sections."""

from __future__ import annotations

import dataclasses

import matplotlib.pyplot as plt
import numpy as np
import pytest

from iae_eval.report import report
from iae_eval.sections import sustainable_development as sd
from indicator_factory import make_dataset, pathway, structure, table

STRUCTURES = [
    structure("S1", ["ACI"], "Gapençais", name="Alpha", activity_supports=["espaces_naturels"]),
    structure("S2", ["EI"], "Buëch", name="Beta", activity_supports=["recyclage", "services_personne"]),
    structure("S3", ["ETTI"], "Gapençais", name="Gamma"),
    structure("S4", ["ACI"], "Buëch", name="Delta", activity_supports=["patrimoine_bati"]),
]
PARTICIPANTS = (
    # S1, 2012: ten examinable exits (5 durable, 5 qualifying training), one still in; 7 RSA
    [
        pathway(f"A{i}", "S1", "ACI", "2011-06-01", "2012-06-01", 1 if i < 5 else 5, rsa=i < 7)
        for i in range(10)
    ]
    + [pathway("A10", "S1", "ACI", "2012-02-01")]
    # S2: five examinable "autre" exits, one still in
    + [pathway(f"B{i}", "S2", "EI", "2011-06-01", "2012-06-01", 7) for i in range(5)]
    + [pathway("B5", "S2", "EI", "2012-01-01")]
    # S3: one pathway, no exit, no support; S4: two people, built heritage
    + [pathway("C0", "S3", "ETTI", "2012-03-01")]
    + [pathway(f"D{i}", "S4", "ACI", "2012-03-01") for i in range(2)]
)
SCORES = [
    # 2011: structures only
    dict(year=2011, structure_id="S1", criterion="env.patrimoine", score=1),
    dict(year=2011, structure_id="S1", criterion="soc.exclusion", score=1),
    dict(year=2011, structure_id="S2", criterion="env.patrimoine", score=3),
    dict(year=2011, structure_id="S2", criterion="soc.exclusion", score=1),
    # 2012: three structures and the action as a whole
    dict(year=2012, structure_id="S1", criterion="env.patrimoine", score=3, comment="Murets restaurés"),
    dict(year=2012, structure_id="S1", criterion="soc.exclusion", score=2),
    dict(year=2012, structure_id="S1", criterion="fin.1", score=1),
    dict(year=2012, structure_id="S2", criterion="env.patrimoine", score=1),
    dict(year=2012, structure_id="S2", criterion="soc.exclusion", score=3),
    dict(year=2012, structure_id="S2", criterion="fin.1", score=1),
    dict(year=2012, structure_id="S3", criterion="env.patrimoine", score=2),
    dict(year=2012, structure_id="S3", criterion="soc.exclusion", score=1),
    dict(year=2012, criterion="env.patrimoine", score=2),
    dict(year=2012, criterion="soc.exclusion", score=3),
    dict(year=2012, criterion="gov.suivi", score=2),
]
PLAN = [
    dict(action_id="A1", semester="2012S1", status="realise"),
    dict(action_id="A2", semester="2012S2", status="en_retard", comment="Réunions reportées"),
]
OPERATIONS = [dict(operation_id=f"O{i}", year=2012, structure_id="S1", title="Travaux") for i in range(6)]


def _dataset(*, scores=SCORES, plan=PLAN, operations=OPERATIONS):
    base = make_dataset(structures=STRUCTURES, participants=PARTICIPANTS, operations=operations)
    return dataclasses.replace(
        base,
        sd_assessment=None if scores is None else table("sd_assessment", scores),
        action_plan=None if plan is None else table("action_plan", plan),
    )


def test_groups_follow_the_sheet():
    assert sd.SD_GROUPS == (
        "Environnement",
        "Social",
        "Économie",
        "Gouvernance",
        "Finalités nationales",
        "Rapprocher",
        "Intégrer",
        "Se comporter",
    )


def test_scores_are_tidy_in_grid_order():
    scores = sd.sd_scores(_dataset(), 2012)
    assert list(scores.columns) == sd.SCORE_COLUMNS
    assert len(scores) == 11
    assert list(scores["criterion"].drop_duplicates()) == [
        "env.patrimoine",
        "soc.exclusion",
        "gov.suivi",
        "fin.1",
    ]
    first = scores[scores["criterion"] == "env.patrimoine"]
    assert list(first["structure"]) == ["Alpha", "Beta", "Gamma", sd.ACTION_LEVEL]
    assert first.iloc[0]["label"] == "Valoriser et préserver le patrimoine naturel et bâti"
    assert first.iloc[0]["group"] == "Environnement"


def test_scores_empty_without_table_or_year():
    assert sd.sd_scores(_dataset(scores=None), 2012).empty
    assert sd.sd_scores(_dataset(), 2010).empty


def test_heatmap_rows_columns_and_labels():
    fig, ax = plt.subplots()
    out = sd.sd_heatmap(sd.sd_scores(_dataset(), 2012), ax=ax)
    assert out is ax
    mesh = ax.collections[0]
    assert mesh.get_array().shape == (4, 4)  # 4 criteria × (3 structures + action)
    assert [t.get_text() for t in ax.get_xticklabels()] == ["Alpha", "Beta", "Gamma", sd.ACTION_LEVEL]
    assert [t.get_text() for t in ax.get_yticklabels()][3] == "1. Épanouissement de tous les êtres humains"
    annotations = [t.get_text() for t in ax.texts]
    assert annotations.count("3") == 3
    legend = ax.get_legend()  # the scores' key, moved under the figure when rendered
    assert legend.get_title().get_text() == "Contribution"
    assert [t.get_text() for t in legend.get_texts()] == [
        "0 — Aucune",
        "1 — Faible",
        "2 — Moyenne",
        "3 — Forte",
    ]
    side = next(a for a in fig.axes if a is not ax)  # group names on the right
    assert [t.get_text() for t in side.get_yticklabels()] == [
        "Environnement",
        "Social",
        "Gouvernance",
        "Finalités nationales",
    ]


def test_structure_chart_against_median():
    fig, ax = plt.subplots()
    out = sd.sd_structure_chart(_dataset(), 2012, "S2", ax=ax)
    assert out is ax
    median, own = ax.lines[0], ax.lines[1]
    # criteria scored by structures: env.patrimoine, soc.exclusion, fin.1 (top to bottom)
    assert list(median.get_xdata()) == [2.0, 2.0, 1.0]
    assert list(own.get_xdata()) == [1.0, 3.0, 1.0]
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["Médiane départementale", "Beta"]
    assert [t.get_text() for t in ax.get_xticklabels()] == [
        "0\nAucune",
        "1\nFaible",
        "2\nMoyenne",
        "3\nForte",
    ]


def test_group_evolution_uses_action_level_or_mean():
    evolution = sd.sd_group_evolution(_dataset(), 2011, 2013)
    assert evolution.at[2011, "Environnement"] == 2.0  # mean of S1 1 and S2 3
    assert evolution.at[2011, "source"] == "structures"
    assert evolution.at[2012, "Social"] == 3.0  # action level
    assert evolution.at[2012, "Gouvernance"] == 2.0
    assert evolution.at[2012, "source"] == "action"
    assert np.isnan(evolution.at[2013, "Environnement"])


def test_evolution_chart_draws_one_line_per_scored_group():
    fig, ax = plt.subplots()
    out = sd.sd_evolution(_dataset(), 2011, 2012, ax=ax)
    assert out is ax
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert labels == ["Environnement", "Social", "Gouvernance"]  # 2012: the action level, no fin.*
    assert [t.get_text() for t in ax.get_xticklabels()] == ["2011", "2012"]
    assert [t.get_text() for t in ax.get_yticklabels()] == [
        "0 — Aucune",
        "1 — Faible",
        "2 — Moyenne",
        "3 — Forte",
    ]
    assert list(ax.lines[0].get_ydata()) == [2.0, 2.0]


def test_evolution_chart_of_chosen_groups():
    ax = sd.sd_evolution(_dataset(), 2011, 2012, groups=("Social",), title="Social")
    assert len(ax.lines) == 1
    assert list(ax.lines[0].get_ydata()) == [1.0, 3.0]
    assert ax.get_title() == "Social"


def test_evidence_departement():
    committee = sd.sd_evidence(_dataset(), 2012, min_cell=5, diffusion="comite")
    # S1 (11, espaces naturels) + S2 (6, recyclage) + S4 (2, patrimoine bâti)
    assert committee["Valeur"].iloc[0] == "19"
    evidence = sd.sd_evidence(_dataset(), 2012, min_cell=5, diffusion="public")
    assert list(evidence["Valeur"]) == [
        "s",  # 20 − 19 would give back the 1 person outside (S3's small count)
        "66,7\u00a0%",  # dynamic: 10 of 15 examined exits
        "35,0\u00a0%",  # RSA: 7 of 20 people
        "33,3\u00a0%",  # durable: 5 of 15
        "Réalisé",  # A1 at 2012S1
        "En retard",  # A2 at 2012S2
        "6",  # operations
    ]
    assert list(evidence["Pilier"].unique()) == ["Environnement", "Social", "Économie", "Gouvernance"]


def test_evidence_structure_suppresses_small_counts():
    s4 = list(sd.sd_evidence(_dataset(), 2012, structure_id="S4", min_cell=5, diffusion="public")["Valeur"])
    assert s4[0] == "< 5"  # two people in S4
    assert s4[1] == "—"  # no exit: rate undefined
    assert s4[2] == "non publié : moins de 5 personnes en parcours"  # share over two people
    s3 = list(sd.sd_evidence(_dataset(), 2012, structure_id="S3", min_cell=5, diffusion="public")["Valeur"])
    assert s3[0] == "0"  # no environmental support
    s2 = list(sd.sd_evidence(_dataset(), 2012, structure_id="S2", min_cell=5, diffusion="public")["Valeur"])
    # 0 of 6: a rate is published when k ≥ 5 and n − k ≥ 5, so the rates say why they are not
    assert s2[:4] == [
        "6",
        "non publié : moins de 5 sorties dynamiques",
        "0,0\u00a0%",  # its two counts, 0 and 6, are published: the share tells nothing more
        "non publié : moins de 5 sorties en emploi durable",
    ]
    assert s2[6] == "0"  # no operation with S2


def test_evidence_without_plan_or_operations():
    values = list(
        sd.sd_evidence(_dataset(plan=None, operations=None), 2012, min_cell=5, diffusion="public")["Valeur"]
    )
    assert values[4:] == ["Non renseigné", "Non renseigné", "—"]


def test_section_departement():
    block = sd.departement(report(_dataset(), year=2012, min_cell=5, diffusion="public"))
    assert len(block.charts.parts) == 1
    alt = block.chart().alt
    assert alt.startswith("Carte de chaleur de la grille de développement durable 2012")
    assert "4 critères et 3 structures" in alt
    assert block.html.index("<img") < block.html.index("<table")
    assert "Finalités nationales" in block.html


def test_section_structure():
    block = sd.structure(report(_dataset(), year=2012, structure_id="S1", min_cell=5, diffusion="public"))
    assert block.html.count("<img") == 1
    assert "Murets restaurés" in block.html
    assert "1 critère au-dessus de la médiane" in block.chart().alt  # env.patrimoine 3 > 2
    absent = sd.structure(report(_dataset(), year=2011, structure_id="S3", min_cell=5, diffusion="public"))
    assert (
        absent.html
        == '<p class="iae-note">Pas d&#x27;évaluation de développement durable de Gamma pour 2011.</p>'
    )
    with pytest.raises(ValueError, match="S9"):
        sd.structure(report(_dataset(), year=2012, structure_id="S9", min_cell=5, diffusion="public"))


def test_section_bilan():
    block = sd.bilan(report(_dataset(), first_year=2011, last_year=2012, min_cell=5, diffusion="public"))
    assert block.html.count("<img") == 1
    assert "Environnement 2,0 → 2,0" in block.html
    assert "<th>2011</th>" in block.html and "<th>2012</th>" in block.html


@pytest.mark.parametrize(
    "call",
    [
        lambda d: sd.departement(report(d, year=2012, min_cell=5, diffusion="public")),
        lambda d: sd.structure(report(d, year=2012, structure_id="S1", min_cell=5, diffusion="public")),
        lambda d: sd.bilan(report(d, first_year=2011, last_year=2012, min_cell=5, diffusion="public")),
    ],
)
def test_missing_table_says_so(call):
    block = call(_dataset(scores=None))
    assert block.html == '<p class="iae-note">Pas de grille de développement durable dans les données.</p>'


def test_year_without_scores_says_so():
    assert "pour 2013." in sd.departement(report(_dataset(), year=2013, min_cell=5, diffusion="public")).html
    assert (
        "pour 2013-2014."
        in sd.bilan(report(_dataset(), first_year=2013, last_year=2014, min_cell=5, diffusion="public")).html
    )


def test_a_structures_people_in_the_evidence_are_looked_up_from_the_years_counts():
    """One count per structure, computed once per year, equals the direct count (a person in
    two structures counts in each)."""
    from iae_eval.indicators.pathways import people_active, people_active_by_structure

    dataset = _dataset()
    for year in (2011, 2012):
        counts = people_active_by_structure(dataset, year)
        for sid in dataset.structures["structure_id"]:
            expected = people_active(dataset.participants, year, structure_ids=[sid])
            assert int(counts.get(sid, 0)) == expected, (year, sid)
    assert counts.sum() >= people_active(dataset.participants, 2012)
