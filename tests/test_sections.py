"""Section values: their parts, the title built from the data, disclosure texts from min_cell.

Every view of every theme module is rendered on the sample dataset; a section's HTML must
be its parts' HTML in order, a table handed out must hold formatted text only (no number a
notebook could un-mask), and no legend may name a threshold other than ``min_cell``.
"""

from __future__ import annotations

import re
from dataclasses import FrozenInstanceError
from pathlib import Path

import matplotlib.pyplot as plt
import pandas as pd
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from iae_eval.batch.htmlexport import methodology_html, notebook_title, report_html
from iae_eval.data.load import load_dataset
from iae_eval.report import report
from iae_eval.sections import (
    Section,
    action_plan,
    card,
    clauses,
    compare,
    exits,
    funding,
    funnel,
    key_figures,
    method,
    operations,
    parts,
    publics,
    rates,
    supports,
    sustainable_development,
    territories,
    title,
    trend,
)
from iae_eval.sections.notes import SECRET
from iae_eval.sections.parts import Paragraph
from indicator_factory import make_dataset, pathway, structure

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "data" / "sample"


@pytest.fixture(scope="module")
def sample():
    return load_dataset(SAMPLE)


def _short(module) -> str:
    return module.__name__.rsplit(".", 1)[-1]


def every_view(ds, min_cell: int, diffusion: str = "public") -> dict[str, Section]:
    """Every section of the three reports, as the notebooks call them (public edition unless
    ``diffusion`` says otherwise)."""
    y = {"year": 2012, "min_cell": min_cell, "diffusion": diffusion}
    s = {"year": 2012, "structure_id": "S01", "min_cell": min_cell, "diffusion": diffusion}
    b = {"first_year": 2009, "last_year": 2013, "min_cell": min_cell, "diffusion": diffusion}
    views = {
        **{
            f"{_short(m)}.departement": m.departement(report(ds, **y))
            for m in (
                key_figures,
                publics,
                exits,
                rates,
                funnel,
                territories,
                clauses,
                operations,
                supports,
                funding,
                sustainable_development,
            )
        },
        **{
            f"{_short(m)}.structure": m.structure(report(ds, **s))
            for m in (
                key_figures,
                compare,
                publics,
                exits,
                funnel,
                clauses,
                operations,
                funding,
                sustainable_development,
            )
        },
        **{
            f"{_short(m)}.bilan": m.bilan(report(ds, **b))
            for m in (
                key_figures,
                publics,
                rates,
                funnel,
                exits,
                territories,
                clauses,
                operations,
                supports,
                funding,
                sustainable_development,
            )
        },
        "card.structure": card.structure(
            report(ds, structure_id="S01", year=2012, diffusion="comite", min_cell=5)
        ),
        "trend.structure": trend.structure(
            report(ds, structure_id="S01", min_cell=min_cell, diffusion=diffusion, year=2012)
        ),
        "action_plan.departement": action_plan.departement(
            report(ds, year=2012, diffusion="comite", min_cell=5)
        ),
        "action_plan.bilan": action_plan.bilan(
            report(ds, first_year=2009, last_year=2013, diffusion="comite", min_cell=5)
        ),
        "method.departement": method.departement(
            report(ds, min_cell=min_cell, diffusion=diffusion, year=2012)
        ),
    }
    plt.close("all")
    return views


@pytest.fixture(scope="module")
def views(sample):
    return every_view(sample, 5)


# --- The parts API --------------------------------------------------------------------------------


def test_every_view_is_a_section_whose_html_is_its_parts_in_order(views):
    for name, section in views.items():
        assert section.parts, name
        assert section._repr_html_() == "".join(p._repr_html_() for p in section.parts), name
        assert section.html == section._repr_html_()


def test_each_kind_of_part_is_there(views):
    s = views["exits.departement"]
    notes = len(s.parts) - 2
    assert [p.kind for p in s.parts] == ["chart", *["paragraph"] * notes, "table"] and notes >= 1
    assert s.charts.parts == (s.parts[0],) and s.tables.parts == (s.parts[-1],)
    assert s.notes.parts == s.parts[1:-1] and all(p.role == "note" for p in s.notes.parts)
    assert s.lead.parts == ()  # this section has no lead sentence: an empty section, shown as nothing
    assert s.lead.html == ""
    kf = views["key_figures.departement"]
    assert len(kf.lead.parts) == 1 and kf.lead.parts[0].text.startswith("En 2012, ")
    assert len(kf.key_figures.parts) == 1 and len(kf.key_figures.parts[0].items) == 7
    assert len(kf.texts.parts) == 2  # the two target sentences
    chart = s.chart()
    assert chart.png.startswith(b"\x89PNG") and len(chart.alt) > 40
    assert f'alt="{chart.alt}"' in chart._repr_html_().replace("&#x27;", "'")


def test_a_section_is_frozen_and_its_parts_can_be_reordered_restyled_or_dropped(views):
    s = views["exits.departement"]
    with pytest.raises(FrozenInstanceError):
        s.parts = ()  # type: ignore[misc]
    reordered = s.reordered("table", "chart")
    assert reordered.parts == (s.parts[-1], s.parts[0], *s.parts[1:-1])
    assert s.without("note").parts == (s.parts[0], s.parts[-1])
    shown = Section.of(s.tables, s.charts)
    assert shown.html == s.parts[-1]._repr_html_() + s.parts[0]._repr_html_()
    titled = s.chart(caption="Sorties de l'année")
    assert "<figcaption>Sorties de l&#x27;année</figcaption>" in titled._repr_html_()
    assert s.chart().caption is None  # the section itself is unchanged
    two = s.table(columns=["Sorties constatées", "Sorties examinées"])
    assert two.columns == ["Sorties constatées", "Sorties examinées"]
    assert two.frame.index.tolist() == s.table().frame.index.tolist()
    assert s.table(caption="Autre titre").caption == "Autre titre"
    unknown = s.table(columns=["Pas une colonne"])
    assert (
        isinstance(unknown, Paragraph)
        and "Pas une colonne" in unknown.text
        and "Sorties examinées" in unknown.text
    )
    absent = s.chart(3)  # numbered from 1 in the message, counted in it
    assert (
        isinstance(absent, Paragraph)
        and absent.text == f"Pas de graphique n° 4 dans cette section (1 en tout) : {SECRET}."
    )
    with pytest.raises(ValueError, match="type de partie"):
        s.without("tableau")


def test_parts_of_a_no_data_section_are_safe_to_show():
    empty = make_dataset(structures=[structure("S1", ["ACI"], "Gapençais")], participants=[])
    s = exits.departement(report(empty, year=2012, min_cell=5, diffusion="comite"))
    assert [p.role for p in s.parts] == ["note"]
    assert s.charts.html == "" and s.tables.html == "" and "Aucune sortie en 2012" in s.notes.html
    assert Section.of(s.charts, s.notes, s.tables).html == s.html


def test_a_table_handed_out_never_holds_a_masked_value():
    """S2 has 3 people (fewer than 5) and 2 exits: the numbers must not be in any table part, and
    every cell is text, so no notebook edit can recover them."""
    people = [pathway(f"P{i:06d}", "S1", "ACI", "2011-01-01", "2012-06-30", 1) for i in range(20)]
    people += [
        pathway(f"Q{i:06d}", "S2", "ACI", "2011-01-01", "2012-06-30" if i < 2 else None, 1 if i < 2 else None)
        for i in range(3)
    ]
    ds = make_dataset(
        structures=[structure("S1", ["ACI"], "Gapençais"), structure("S2", ["ACI"], "Embrunais")],
        participants=people,
    )
    sections = [
        exits.departement(report(ds, year=2012, min_cell=5, diffusion="public")),
        rates.departement(report(ds, year=2012, min_cell=5, diffusion="public")),
        territories.departement(report(ds, year=2012, min_cell=5, diffusion="public")),
        key_figures.structure(report(ds, year=2012, structure_id="S2", min_cell=5, diffusion="public")),
        compare.structure(report(ds, year=2012, structure_id="S2", min_cell=5, diffusion="public")),
        exits.structure(report(ds, year=2012, structure_id="S2", min_cell=5, diffusion="public")),
        publics.structure(report(ds, year=2012, structure_id="S2", min_cell=5, diffusion="public")),
    ]
    plt.close("all")
    tables = [t for s in sections for t in s.tables.parts]
    assert len(tables) >= 8
    for table in tables:
        assert all(isinstance(v, str) for v in table.frame.to_numpy().ravel()), table.caption
        data = table.data
        data.iloc[:, :] = "modifié"
        assert "modifié" not in table._repr_html_()  # a copy: the section is unchanged
    compared = sections[4].table().frame["Structure"]
    assert compared[compared.index.str.startswith("Personnes en parcours")].tolist() == ["< 5"]
    assert "3" not in compared.tolist() and "2" not in compared.tolist()


def test_table_part_formats_missing_values_as_a_dash():
    table = parts.table(pd.DataFrame({"a": ["1", None, float("nan")]}), caption="c")
    assert table.frame["a"].tolist() == ["1", "—", "—"]


def test_a_chart_needs_alt_text():
    fig, _ = plt.subplots()
    with pytest.raises(ValueError, match="alt"):
        parts.figure(fig, " ")
    assert not plt.get_fignums()


# --- Titles from the data -----------------------------------------------------------------------


def test_titles_come_from_the_departement_table(sample):
    assert str(title.departement(report(sample, year=2012, diffusion="comite", min_cell=5))) == (
        "Insertion par l'activité économique — Hautes-Alpes — rapport départemental"
    )
    assert str(title.structure(report(sample, year=2012, diffusion="comite", min_cell=5))).endswith(
        "— Hautes-Alpes — rapport de structure"
    )
    assert str(title.bilan(report(sample, year=2012, diffusion="comite", min_cell=5))).endswith(
        "— Hautes-Alpes — bilan de la période"
    )
    assert title.bilan(report(sample, year=2012, diffusion="comite", min_cell=5))._repr_html_() == (
        '<h1 class="iae-report-title">Insertion par l&#x27;activité économique — Hautes-Alpes — '
        "bilan de la période</h1>"
    )


def test_without_a_name_the_title_has_none():
    ds = make_dataset(structures=[structure("S1", ["ACI"], "Gapençais")], participants=[])
    assert ds.departement_name is None
    assert (
        str(title.departement(report(ds, year=2012, diffusion="comite", min_cell=5)))
        == "Insertion par l'activité économique — rapport départemental"
    )


def test_the_html_export_takes_the_title_from_the_title_cell():
    shown = title.departement(
        report(
            make_dataset(structures=[structure("S1", ["ACI"], "Gapençais")], participants=[]),
            year=2012,
            diffusion="comite",
            min_cell=5,
        )
    )
    params = new_code_cell("year = 2012")
    params.metadata["tags"] = ["parameters"]
    title_cell = new_code_cell(
        "title.departement(ds)",
        outputs=[new_output("display_data", data={"text/html": shown._repr_html_(), "text/plain": "Title"})],
    )
    nb = new_notebook(
        cells=[
            params,
            new_code_cell("ds = 1"),
            title_cell,
            new_markdown_cell("Introduction."),
            new_markdown_cell("## Chiffres clés"),
        ]
    )
    assert notebook_title(nb) == str(shown)
    page = report_html(nb, kicker="Rapport départemental", meta=[], fingerprint="0123456789ab")
    assert f"<title>{str(shown).replace(chr(39), '&#x27;')}" in page or f"<title>{str(shown)}" in page
    assert page.count("iae-report-title") == 0  # shown once, in the page header
    assert "Introduction." in page


# --- Disclosure texts from min_cell ---------------------------------------------------------------

#: Any text naming the threshold 5 (the default): what must be gone with min_cell = 11.
STRAY_FIVE = re.compile(r"<\s*5\b|&lt;\s*5\b|inférieurs? à 5\b|moins de 5\b|entre 1 et 4\b")


def _without_images(html: str) -> str:
    return re.sub(r'src="data:image/png;base64,[^"]*"', "", html)


@pytest.mark.parametrize("min_cell", [5, 11])
def test_every_legend_names_min_cell_and_no_other_threshold(sample, min_cell):
    rendered = {name: _without_images(s.html) for name, s in every_view(sample, min_cell).items()}
    everything = "\n".join(rendered.values())
    assert f"« &lt; {min_cell} »" in everything or f"« < {min_cell} »" in everything
    assert f"inférieur à {min_cell}" in everything
    assert f"entre 1 et {min_cell - 1}" in rendered["method.departement"]
    if min_cell != 5:
        stray = {name: STRAY_FIVE.findall(html) for name, html in rendered.items() if STRAY_FIVE.search(html)}
        assert stray == {}
    footer = methodology_html(fingerprint="abc", generated="now", min_cell=min_cell, diffusion="public")
    assert f"inférieur à {min_cell} " in footer and f"&lt; {min_cell}" in footer
    if min_cell != 5:
        assert not STRAY_FIVE.search(footer)
