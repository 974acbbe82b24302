"""The funnel section draws the limits the overdispersion calls for, and says which."""

from __future__ import annotations

from pathlib import Path

from iae_eval.data.load import load_dataset
from iae_eval.indicators import overdispersion as od
from iae_eval.indicators import uncertainty
from iae_eval.indicators.pathways import structure_labels, structure_names
from iae_eval.report import report
from iae_eval.sections import funnel
from iae_eval.sections.frames import by_structure
from test_casemix import simulated

SAMPLE = Path(__file__).resolve().parents[1] / "data" / "sample"


def test_with_few_structures_the_exact_limits_stay_and_outliers_are_named():
    ds = load_dataset(SAMPLE)
    section = funnel.bilan(report(ds, first_year=2009, last_year=2013, diffusion="comite", min_cell=5))
    assert len(section.charts.parts) == 2
    pooled = funnel.pooled(ds, 2009, 2013)
    pooled = pooled[pooled["exits_examined"] > 0]
    positions = uncertainty.classify(pooled["durable_rate"], pooled["exits_examined"], 0.25, level=0.95)
    labels = structure_labels(ds)  # the frames are keyed by structure_id, the chart names labels
    outside = [labels[n] for n, p in positions.items() if p != uncertainty.WITHIN]
    inside = [labels[n] for n, p in positions.items() if p == uncertainty.WITHIN]
    alt = section.charts.parts[0].alt
    assert outside and all(name in alt for name in outside)
    assert not any(name in alt.split("Hors des limites à 95 %")[1] for name in inside)
    assert "binomiales exactes" in alt
    assert any("binomiales exactes" in p.text for p in section.notes.parts)


def test_with_many_overdispersed_structures_the_limits_widen_and_the_chart_says_so():
    ids = tuple(f"S{i:02d}" for i in range(40))
    ds = simulated(40 * 80, seed=11, structures=ids, effect_sd=0.8)
    section = funnel.departement(report(ds, year=2012, diffusion="comite", min_cell=5))
    frame = by_structure(ds, 2012)
    dispersion = od.estimate(frame["durable_rate"], frame["exits_examined"], 0.25)
    assert dispersion.overdispersed and dispersion.method == od.MULTIPLICATIVE
    alt = section.charts.parts[0].alt
    assert "multipliant la variance par φ" in alt
    assert "Hors des limites" not in alt  # more than 30 structures: no names
    assert any("φ = " in p.text for p in section.notes.parts)
    # the alt text counts the points against the widened limits
    counts = uncertainty.position_counts(
        uncertainty.classify(frame["durable_rate"], frame["exits_examined"], 0.25, method=dispersion)
    )
    assert f"{counts[uncertainty.ABOVE]} au-dessus, {counts[uncertainty.WITHIN]} à l'intérieur" in alt
    assert set(structure_names(ds)) == set(ids)
