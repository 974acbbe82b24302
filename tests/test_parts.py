"""Parts that always exist: every edit of a section that docs/reports.md shows runs in both
editions and every year of the sample, on the views of the département and of a structure.

A part the section does not have in this edition or year (a chart of a structure whose rates
the public edition masks, a table of a year without exits) is a short note saying why,
numbered from 1, never an exception.
"""

from __future__ import annotations

from pathlib import Path

import matplotlib.pyplot as plt
import pytest

from iae_eval.data.load import load_dataset
from iae_eval.report import report
from iae_eval.sections import Section, exits, publics, rates, trend
from iae_eval.sections.notes import SECRET
from iae_eval.sections.parts import Chart, Paragraph, Table

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "data" / "sample"


@pytest.fixture(scope="module")
def sample():
    return load_dataset(SAMPLE)


def documented_edits(s: Section) -> list:
    """The edits of docs/reports.md ("Une section est une valeur faite de parties")."""
    return [
        s,
        s.lead,
        s.key_figures,
        s.charts,
        s.tables,
        s.notes,
        s.texts,
        s.chart(),
        s.chart(1),
        s.chart(caption="Sorties de l'année"),
        s.chart(alt="Un autre texte de remplacement"),
        s.table(),
        s.table(1),
        s.table(columns=["Sorties constatées", "Sorties examinées"]),
        s.table(caption="Autre titre"),
        s.without("note"),
        s.reordered("table", "chart"),
        Section.of(s.tables, s.charts),
    ]


@pytest.mark.slow
@pytest.mark.parametrize("diffusion", ["comite", "public"])
def test_the_documented_edits_run_in_both_editions_and_every_year(sample, diffusion):
    built = 0
    for year in sample.years():
        views = [exits.departement, rates.departement, publics.departement]
        settings = {"year": year, "diffusion": diffusion, "min_cell": 5}
        sections = [v(report(sample, **settings)) for v in views]
        for sid in ("S01", "S03", "S12"):
            r = report(sample, structure_id=sid, **settings)
            sections += [exits.structure(r), publics.structure(r), trend.structure(r)]
        for s in sections:
            for shown in documented_edits(s):
                assert isinstance(shown, Section | Chart | Table | Paragraph)
                assert shown._repr_html_() is not None
                built += 1
        plt.close("all")
    assert built == len(sample.years()) * 12 * 18


def test_a_chart_the_public_edition_masks_says_so(sample):
    """S01 in 2011: the exits of its RSA recipients are small counts, masked in the public
    edition, so their chart (the second) is not drawn there."""
    settings = {"year": 2011, "structure_id": "S01", "min_cell": 5}
    comite = publics.structure(report(sample, diffusion="comite", **settings))
    public = publics.structure(report(sample, diffusion="public", **settings))
    assert isinstance(comite.chart(1), Chart) and isinstance(public.chart(0), Chart)
    missing = public.chart(1)
    assert isinstance(missing, Paragraph) and missing.role == "note"
    assert missing.text == f"Pas de graphique n° 2 dans cette section (1 en tout) : {SECRET}."


def test_a_table_of_a_year_without_exits_says_why(sample):
    s = exits.departement(report(sample, year=2008, diffusion="public", min_cell=5))
    asked = s.table(columns=["Sorties constatées", "Sorties examinées"])
    assert (
        isinstance(asked, Paragraph)
        and asked.text == "Pas de tableau n° 1 dans cette section (0 en tout) : Aucune sortie en 2008."
    )
