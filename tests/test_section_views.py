"""Report sections and plot helpers on a tiny hand-built dataset (no kernel, no files).

The dataset, year 2012 (2011 is the previous year):

- S1 "Atelier du Drac" (ACI, Gapençais): 22 examinable exits in 2012 — emploi durable 3,
  transition 2, positive 5, other 12 — plus 10 RSA recipients still in pathway;
  in 2011, 5 exits in emploi durable.
- S2 "Entreprise du Guil" (EI, Briançonnais): 18 exits in 2012 — durable 2, transition 3,
  positive 5, other 8.
- S3 "Association du Buëch" (AI, Buëch): no pathway at all.

So in 2012 the département has 40 examined exits: 5 durable (12,5 %), 20 dynamic (50,0 %),
both under their targets; the structures' counts 2 and 3 are small and must read "< 5".
"""

from __future__ import annotations

import html as htmllib
import re

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest

from iae_eval import charts, fmt
from iae_eval.data.reference import EXIT_CATEGORY_LABELS
from iae_eval.report import report
from iae_eval.sections import (
    card,
    clauses,
    compare,
    exits,
    key_figures,
    method,
    operations,
    publics,
    rates,
    territories,
    trend,
)
from indicator_factory import make_dataset, pathway, structure

NBSP, THIN = "\u00a0", "\u202f"
NO_DATA = "Pas de données pour cette année."


# --- The dataset -----------------------------------------------------------------------------


def _cohort(prefix, structure_id, kind, reasons, *, entry="2011-06-01", exit="2012-06-01", **kw):
    return [
        pathway(f"{prefix}{i:02d}", structure_id, kind, entry, exit, reason, **kw)
        for i, reason in enumerate(reasons)
    ]


STRUCTURES = [
    structure(
        "S1",
        ["ACI"],
        "Gapençais",
        name="Atelier du Drac",
        siret="42344775400080",
        activity_supports=("espaces_naturels", "recyclage"),
    ),
    structure("S2", ["EI"], "Briançonnais", name="Entreprise du Guil", commune="Briançon"),
    structure("S3", ["AI"], "Buëch", name="Association du Buëch", commune="Laragne"),
]
PARTICIPANTS = [
    *_cohort("A", "S1", "ACI", [1] * 3, rsa=True),  # durable, RSA: indicator 2 = 3
    *_cohort("B", "S1", "ACI", [10] * 2 + [5] * 5 + [7] * 12, sex="F"),
    *_cohort("C", "S2", "EI", [3] * 2 + [14] * 3 + [2] * 5 + [8] * 8, birth_year=1960),
    *_cohort("D", "S1", "ACI", [None] * 10, exit=None, rsa=True, entry="2012-02-01"),
    *_cohort("E", "S1", "ACI", [1] * 5, entry="2011-01-03", exit="2011-09-01"),
]
CONTRACTS = [
    {
        "contract_id": "C1",
        "year": 2012,
        "title": "Entretien des berges",
        "buyer": "Direction des infrastructures",
        "social_clause": True,
        "clause_type": "execution",
        "hours_planned": 1234.0,
        "hours_done": 1000.0,
        "structure_id": "S1",
    },
    {
        "contract_id": "C2",
        "year": 2012,
        "title": "Fournitures",
        "buyer": "Direction des infrastructures",
        "social_clause": False,
    },
    {
        "contract_id": "C3",
        "year": 2012,
        "title": "Nettoyage des collèges",
        "buyer": "Direction de l'Éducation et des Bâtiments",
        "social_clause": True,
        "clause_type": "reserved",
        "hours_planned": 500.0,
        "hours_done": 250.0,
    },
]
OPERATIONS = [
    {
        "operation_id": "O1",
        "year": 2012,
        "structure_id": "S1",
        "title": "Débroussaillage",
        "partner": "Commune de Gap",
        "amount_eur": 1000.0,
    },
    {
        "operation_id": "O2",
        "year": 2012,
        "structure_id": "S1",
        "title": "Murets",
        "partner": "ONF",
        "amount_eur": 2500.0,
    },
]


@pytest.fixture(scope="module")
def ds():
    return make_dataset(
        structures=STRUCTURES, participants=PARTICIPANTS, contracts=CONTRACTS, operations=OPERATIONS
    )


@pytest.fixture(scope="module")
def bare():
    """The same people without any optional table."""
    return make_dataset(structures=STRUCTURES, participants=PARTICIPANTS)


# --- Helpers -------------------------------------------------------------------------------------


def alts(block) -> list[str]:
    """The alt text of every image of a block (an image without alt gives "")."""
    imgs = re.findall(r"<img\b[^>]*>", block.html)
    return [htmllib.unescape((re.search(r'alt="([^"]*)"', tag) or [None, ""])[1]) for tag in imgs]


def cells(block) -> list[str]:
    """Every value of the block's tables, as shown (row labels left out)."""
    return [value for table in block.tables.parts for value in table.data.to_numpy().ravel()]


def text(block) -> str:
    """The block's HTML with entities decoded (``n'atteint`` instead of ``n&#x27;atteint``)."""
    return htmllib.unescape(block.html)


def assert_chart(block, *words: str) -> None:
    found = alts(block)
    assert found, "expected a chart"
    assert all(a.strip() for a in found), "every chart needs a meaningful alt text"
    for word in words:
        assert any(word in a for a in found), (word, found)


def assert_no_chart(block) -> None:
    assert "<img" not in text(block)


def P(text: str) -> str:
    """French percent with its no-break space, as written: P("12,5 %")."""
    return text.replace(" %", NBSP + "%")


# --- Département ---------------------------------------------------------------------------------


def test_key_figures_show_indicators_targets_and_previous_year(ds):
    html = text(key_figures.departement(report(ds, year=2012, min_cell=5, diffusion="public")))
    assert (
        "indicateur 1" in html
        and "indicateur 2" in html
        and "indicateur 3a" in html
        and "indicateur 3b" in html
    )
    assert P("12,5 %") in html and P("50,0 %") in html  # durable and dynamic rates
    assert P("objectif 25 %") in html and P("objectif 60 %") in html
    # the previous year's durable rate: 5 of 5, nothing outside durable employment
    assert "2011 : non publié : moins de 5 sorties examinées hors emploi durable" in html
    assert "est compatible avec l'objectif de 25" in html  # 12,5 % [5,5 – 26,1] contains 25 %
    assert "est compatible avec l'objectif de 60" in html  # 50,0 % [35,2 – 64,8] contains 60 % too
    assert "< 5" in html  # indicator 2: 3 RSA recipients in durable employment


def test_exits_stacked_bars_and_suppressed_table(ds):
    block = exits.departement(report(ds, year=2012, min_cell=5, diffusion="public"))
    assert_chart(block, "Barres horizontales empilées", "2 structures", "40 sorties")
    table = cells(block)
    assert "< 5" in table
    assert "2" not in table and "3" not in table  # the raw small counts never show
    assert "Atelier du Drac" in text(block) and "Département" in text(block)
    assert "S1" not in re.sub(r"<img[^>]*>", "", block.html)  # names, not identifiers


def test_exits_with_a_higher_threshold_hide_more(ds):
    block = exits.departement(report(ds, year=2012, min_cell=11, diffusion="public"))
    assert "< 11" in cells(block)
    assert "5" not in cells(block)


def test_rates_against_targets(ds):
    block = rates.departement(report(ds, year=2012, min_cell=5, diffusion="public"))
    assert_chart(block, "Points", P("25 %"), P("60 %"))
    assert P("12,5 %") in text(block) and P("50,0 %") in text(block)
    # each structure's rates would give back its small counts: withheld, saying why, not drawn
    assert "non publié : moins de 5 sorties en emploi durable" in cells(block)
    assert "masqué" in text(block)


def test_territories_and_kinds(ds):
    block = territories.departement(report(ds, year=2012, min_cell=5, diffusion="comite"))
    assert "Gapençais" in text(block) and "Briançonnais" in text(block)
    assert "ACI — Atelier et chantier d'insertion" in text(block)
    assert "EITI" not in text(block)  # kinds without anyone are left out
    assert "Buëch" not in text(block)  # territory without anyone


def test_clauses_hours_and_share(ds):
    block = clauses.departement(report(ds, year=2012, min_cell=5, diffusion="comite"))
    assert_chart(block, "heures d'insertion prévues et réalisées", f"1{THIN}734{NBSP}h")
    assert P("66,7 %") in text(block)  # 2 contracts with a clause out of 3
    assert f"1{THIN}250{NBSP}h" in text(block)
    assert "Condition d'exécution (art. 14)" in text(block)


def test_operations(ds):
    block = operations.departement(report(ds, year=2012, min_cell=5, diffusion="comite"))
    assert "2 opérations" in text(block) and f"3{THIN}500{NBSP}€" in text(block)
    assert "Commune de Gap" in text(block)


@pytest.mark.parametrize("section", [clauses.departement, operations.departement])
def test_missing_optional_table_says_no_data(bare, ds, section):
    for dataset, year in ((bare, 2012), (ds, 2010)):
        block = section(report(dataset, year=year, min_cell=5, diffusion="comite"))
        assert NO_DATA in text(block)
        assert_no_chart(block)
        assert "<table" not in text(block)


@pytest.mark.parametrize(
    "section, sentence",
    [
        (key_figures.departement, "Aucun parcours actif en 2005"),
        (exits.departement, "Aucune sortie en 2005"),
        (rates.departement, "Aucune sortie examinée en 2005"),
        (territories.departement, "Aucun parcours actif en 2005"),
        (clauses.departement, NO_DATA),
        (operations.departement, NO_DATA),
    ],
)
def test_a_year_without_rows(ds, section, sentence):
    block = section(report(ds, year=2005, min_cell=5, diffusion="comite"))
    assert sentence in text(block)
    assert_no_chart(block)


# --- Structure -----------------------------------------------------------------------------------


def test_card(ds):
    block = card.structure(report(ds, structure_id="S1", year=2012, diffusion="comite", min_cell=5))
    for expected in (
        "Atelier du Drac",
        "ACI — Atelier et chantier d'insertion",
        "Gap",
        "Gapençais",
        "Entretien des espaces naturels, Récupération et recyclage",
        "423 447 754 00080",
    ):
        assert expected in text(block)


def test_unknown_structure_names_the_known_ones(ds):
    with pytest.raises(ValueError, match="S1, S2, S3"):
        card.structure(report(ds, structure_id="S9", year=2012, diffusion="comite", min_cell=5))
    with pytest.raises(ValueError, match="S9"):
        key_figures.structure(report(ds, year=2012, structure_id="S9", min_cell=5, diffusion="comite"))


def test_structure_key_figures_and_comparison(ds):
    block = key_figures.structure(report(ds, year=2012, structure_id="S1", min_cell=5, diffusion="comite"))
    assert "Atelier du Drac compte 32 personnes" in text(block)
    compared = compare.structure(report(ds, year=2012, structure_id="S1", min_cell=5, diffusion="public"))
    assert "Territoire (Gapençais)" in text(compared) and "Département" in text(compared)
    assert "< 5" in cells(compared)  # the structure's 3 RSA recipients in durable employment
    assert "3" not in cells(compared)


def test_structure_exits_and_rates_beside_the_departement(ds):
    block = exits.structure(report(ds, year=2012, structure_id="S1", min_cell=5, diffusion="public"))
    assert_chart(block, "de la structure et du département")
    assert "< 5" in cells(block) and "2" not in cells(block)
    assert P("12,5 %") in text(block)  # the département's durable rate


def test_structure_trend(ds):
    block = trend.structure(report(ds, structure_id="S1", min_cell=5, year=2012, diffusion="comite"))
    assert_chart(block, "Courbes de 2011 à 2012", "Atelier du Drac")
    assert "<th>2011</th>" in text(block) and "<th>2012</th>" in text(block)


def test_structure_clauses_and_operations(ds, bare):
    assert "Entretien des berges" in text(
        clauses.structure(report(ds, year=2012, structure_id="S1", min_cell=5, diffusion="comite"))
    )
    assert "aucun marché" in text(
        clauses.structure(report(ds, year=2012, structure_id="S2", min_cell=5, diffusion="comite"))
    )
    assert "Murets" in text(
        operations.structure(report(ds, year=2012, structure_id="S1", min_cell=5, diffusion="comite"))
    )
    for section in (clauses.structure, operations.structure):
        assert NO_DATA in text(
            section(report(bare, year=2012, structure_id="S1", min_cell=5, diffusion="comite"))
        )


def test_structure_without_pathway(ds):
    kwargs = {"year": 2012, "structure_id": "S3", "min_cell": 5, "diffusion": "comite"}
    assert "n'a aucun parcours actif en 2012" in text(key_figures.structure(report(ds, **kwargs)))
    assert "Aucune sortie en 2012" in text(exits.structure(report(ds, **kwargs)))
    assert "n'a aucun parcours" in text(
        trend.structure(report(ds, structure_id="S3", min_cell=5, year=2012, diffusion="comite"))
    )
    assert "<table" in text(compare.structure(report(ds, **kwargs)))
    assert "Aucune opération" in text(operations.structure(report(ds, **kwargs)))


# --- Bilan ---------------------------------------------------------------------------------------

PERIOD = {"first_year": 2011, "last_year": 2012, "min_cell": 5, "diffusion": "comite"}


def test_bilan_key_figures(ds):
    block = key_figures.bilan(report(ds, **PERIOD))
    assert "<th>2011</th>" in text(block) and "<th>2012</th>" in text(block)
    assert P("12,5 %") in text(block)
    # 2011: 100,0 % [56,6 – 100,0] lies above 25 %; 2012: 12,5 % [5,5 – 26,1] contains it
    assert P(
        "Taux d'emploi durable (objectif 25 %) : atteint en 2011 ; compatible avec l'objectif en 2012"
    ) in text(block)


@pytest.mark.parametrize(
    "section, words",
    [
        (publics.bilan, ["Courbes de 2011 à 2012", "personnes"]),
        (rates.bilan, ["barres d'erreur", f"12,5{NBSP}% [5,5{NBSP}–{NBSP}26,1]"]),
        (exits.bilan, ["Barres verticales empilées", "2012 : 40 sorties"]),
        (territories.bilan, ["territoires"]),
        (clauses.bilan, [f"1{THIN}734{NBSP}h prévues"]),
    ],
)
def test_bilan_charts(ds, section, words):
    assert_chart(section(report(ds, **PERIOD)), *words)


def test_bilan_operations(ds):
    assert "2 opérations" in text(operations.bilan(report(ds, **PERIOD)))


@pytest.mark.parametrize(
    "section",
    [
        key_figures.bilan,
        publics.bilan,
        rates.bilan,
        exits.bilan,
        territories.bilan,
        clauses.bilan,
        operations.bilan,
    ],
)
def test_bilan_period_without_data(ds, bare, section):
    block = section(report(ds, first_year=2005, last_year=2006, min_cell=5, diffusion="comite"))
    assert "Pas de données pour la période." in text(block)
    assert_no_chart(block)
    if section in (clauses.bilan, operations.bilan):
        assert "Pas de données pour la période." in text(section(report(bare, **PERIOD)))


def test_bilan_rejects_a_reversed_period(ds):
    with pytest.raises(ValueError, match="first_year"):
        rates.bilan(report(ds, first_year=2013, last_year=2009, min_cell=5, diffusion="comite"))


# --- Comment lire ce rapport -----------------------------------------------------------------------


def test_how_to_read(ds):
    html = text(method.departement(report(ds, min_cell=10, diffusion="public", year=2012)))
    for expected in (
        "au moins 3 mois",
        "au moins 150 heures travaillées",
        "aucune durée minimale",
        "« < 10 »",
        "Embauche en CDI dans la structure ou une filiale",
        EXIT_CATEGORY_LABELS["retrait"],
        P("25 %"),
        P("60 %"),
        "« s »",
    ):
        assert expected in html, expected


def test_every_chart_of_every_section_has_alt_text(ds):
    blocks = [
        *(
            f(report(ds, year=2012, min_cell=5, diffusion="comite"))
            for f in (
                key_figures.departement,
                exits.departement,
                rates.departement,
                territories.departement,
                clauses.departement,
                operations.departement,
            )
        ),
        *(
            f(report(ds, year=2012, structure_id="S1", min_cell=5, diffusion="comite"))
            for f in (
                key_figures.structure,
                compare.structure,
                exits.structure,
                clauses.structure,
                operations.structure,
            )
        ),
        trend.structure(report(ds, structure_id="S1", min_cell=5, year=2012, diffusion="comite")),
        *(
            f(report(ds, **PERIOD))
            for f in (
                key_figures.bilan,
                publics.bilan,
                rates.bilan,
                exits.bilan,
                territories.bilan,
                clauses.bilan,
                operations.bilan,
            )
        ),
    ]
    found = [a for b in blocks for a in alts(b)]
    assert len(found) >= 10
    assert all(len(a) > 40 for a in found)
    assert not plt.get_fignums()  # every figure was embedded and closed


# --- charts.py ------------------------------------------------------------------------------------


def test_stacked_exits_draws_one_segment_per_shown_count():
    counts = pd.DataFrame(
        {"emploi_durable": [6, np.nan], "sortie_positive": [0, 7], "autre_sortie": [9, 8]},
        index=["Structure A", "Structure B"],
    )
    fig, ax = plt.subplots()
    out = charts.stacked_exits(
        counts, ax=ax, masked=pd.Series([np.nan, 3], index=counts.index), masked_label="Masquées"
    )
    assert out is ax
    assert len(ax.patches) == 4 + 1  # NaN and 0 draw nothing; one hatched "masked" segment
    assert [t.get_text() for t in ax.get_yticklabels()] == ["Structure A", "Structure B"]
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert legend == [
        EXIT_CATEGORY_LABELS[c] for c in ("emploi_durable", "sortie_positive", "autre_sortie")
    ] + ["Masquées"]
    assert ax.patches[-1].get_hatch() == "///"
    assert ax.get_xlabel() == "Nombre de sorties"
    assert ax.xaxis.get_major_formatter()(1234, 0) == f"1{THIN}234"
    colours = {p.get_facecolor()[:3] for p in ax.patches[:4]}
    assert len(colours) == 3  # one colour per category


def test_stacked_exits_vertical_uses_the_current_axis():
    counts = pd.DataFrame({"emploi_durable": [1, 2, 3]}, index=["2011", "2012", "2013"])
    ax = charts.stacked_exits(counts, horizontal=False)
    assert ax is plt.gca()
    assert len(ax.patches) == 3
    assert [t.get_text() for t in ax.get_xticklabels()] == ["2011", "2012", "2013"]


def test_rate_dots_markers_and_target_lines():
    rates = pd.DataFrame(
        {"durable_rate": [0.3, np.nan, 0.1], "dynamic_rate": [0.7, 0.5, np.nan]},
        index=["Département", "A", "B"],
    )
    fig, ax = plt.subplots()
    charts.rate_dots(
        rates,
        ax=ax,
        targets={"durable_rate": 0.25, "dynamic_rate": 0.6},
        labels={"durable_rate": "Taux d'emploi durable", "dynamic_rate": "Taux de sorties dynamiques"},
    )
    assert len(ax.lines) == 2 + 2  # one marker series per rate, one target line each
    assert len(ax.lines[0].get_xdata()) == 2  # the NaN rate is not drawn
    assert [t.get_text() for t in ax.get_yticklabels()] == ["Département", "A", "B"]
    assert ax.xaxis.get_major_formatter()(0.25, 0) == f"25{NBSP}%"
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert f"Objectif : 25{NBSP}%" in legend and "Taux de sorties dynamiques" in legend


def test_grouped_bars_write_french_values():
    hours = pd.DataFrame(
        {"planned": [1234.0, 500.0], "done": [1000.0, np.nan]}, index=["Infrastructures", "Collèges"]
    )
    fig, ax = plt.subplots()
    charts.grouped_bars(
        hours, ax=ax, labels={"planned": "Heures prévues", "done": "Heures réalisées"}, value_kind="hours"
    )
    assert len(ax.patches) == 3
    written = [t.get_text() for t in ax.texts]
    assert f"1{THIN}234{NBSP}h" in written and f"1{THIN}000{NBSP}h" in written
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["Heures prévues", "Heures réalisées"]


def test_trend_lines_with_target_and_gap():
    frame = pd.DataFrame(
        {"dynamic_rate": [0.5, np.nan, 0.7], "durable_rate": [0.2, 0.3, 0.25]}, index=[2011, 2012, 2013]
    )
    fig, ax = plt.subplots()
    charts.trend_lines(
        frame,
        ax=ax,
        targets={"dynamic_rate": 0.6},
        value_kind="percent",
        labels={"dynamic_rate": "Taux de sorties dynamiques", "durable_rate": "Taux d'emploi durable"},
    )
    assert len(ax.lines) == 3
    assert np.isnan(ax.lines[0].get_ydata()[1])  # a masked year is a gap
    assert [t.get_text() for t in ax.get_xticklabels()] == ["2011", "2012", "2013"]
    assert ax.yaxis.get_major_formatter()(0.6, 0) == f"60{NBSP}%"
    assert ax.get_xlabel() == "Année"


def test_value_formatters_are_french():
    assert charts.value_formatter("euros")(1234.5) == fmt.euros(1234.5)
    assert charts.value_formatter("percent")(0.25) == f"25{NBSP}%"
    assert charts.value_formatter("hours")(1234) == f"1{THIN}234{NBSP}h"
