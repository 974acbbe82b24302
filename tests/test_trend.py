"""The structure's evolution: every year from its first to its last with people in pathway,
years without exits included, with undefined rates (the chart draws them as such)."""

from __future__ import annotations

from iae_eval.report import report
from iae_eval.sections import trend
from indicator_factory import make_dataset, pathway, structure


def test_a_year_without_exits_appears_with_undefined_rates():
    """S1 has people in 2011 and 2012 and its only exits in 2012: 2011 is in the evolution
    (it said "Évolution de 2012 à 2012"), its rates undefined, and a note says why."""
    people = [pathway(f"P{i:06d}", "S1", "ACI", "2011-01-01", "2012-06-01", 1) for i in range(6)]
    people += [pathway(f"Q{i:06d}", "S1", "ACI", "2011-03-01") for i in range(3)]
    ds = make_dataset(structures=[structure("S1", ["ACI"], "Gapençais")], participants=people)
    section = trend.structure(report(ds, year=2012, structure_id="S1", diffusion="comite", min_cell=5))
    table = section.table().data
    assert list(table.index) == ["2011", "2012"]
    assert table.at["2011", "Taux d'emploi durable"] == "—"
    assert table.at["2012", "Taux d'emploi durable"].startswith("100,0")
    assert any("Aucune sortie examinée en 2011" in n.text for n in section.notes.parts)
    assert "2011" in section.chart(1).alt
