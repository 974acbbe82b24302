"""The ``Entonnoir`` sheet of the year's workbook."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest

from iae_eval.data.load import load_dataset
from iae_eval.indicators import exports, overdispersion
from iae_eval.indicators.compute import compute_indicators

SAMPLE = Path(__file__).resolve().parents[1] / "data" / "sample"
HEADERS = [
    "structure_id",
    "structure",
    "taux",
    "sorties_examinees",
    "valeur",
    "limite_basse_998",
    "limite_haute_998",
    "position",
    "methode",
]


def _sheet(tmp_path, *, diffusion: str, min_cell: int):
    ds = load_dataset(SAMPLE)
    table = exports.year_table(ds, 2012, min_cell=min_cell, diffusion=diffusion)
    funnel = exports.funnel_table(ds, 2012, min_cell=min_cell, diffusion=diffusion)
    path = exports.write_xlsx(
        table, tmp_path / "indicators.xlsx", year=2012, min_cell=min_cell, diffusion=diffusion, funnel=funnel
    )
    return ds, openpyxl.load_workbook(path)["Entonnoir"]


def test_headers_rows_and_numeric_cells(tmp_path):
    ds, ws = _sheet(tmp_path, diffusion="comite", min_cell=5)
    rows = list(ws.iter_rows(values_only=True))
    assert list(rows[0]) == HEADERS
    frame = compute_indicators(ds, 2012, by="structure")
    with_exits = frame[frame["exits_examined"] > 0]
    assert len(rows) - 1 == 2 * len(with_exits)
    assert {r[2] for r in rows[1:]} == {"durable_rate", "dynamic_rate"}
    for row in rows[1:]:
        assert type(row[3]) is int and all(isinstance(v, (int, float)) for v in row[4:7]), row
        assert row[5] <= row[6] and row[7] in ("au-dessus", "dans les limites", "au-dessous")
        assert row[8] == "binomiale exacte"  # 14 structures: no overdispersion estimate
    _, expected = overdispersion.structure_funnel(ds, 2012, "durable_rate")
    s03 = next(r for r in rows if r[0] == "S03" and r[2] == "durable_rate")
    assert s03[1] == "Association Tremplin Gapençais"
    assert s03[3] == 34 and s03[4] == pytest.approx(4 / 34)
    assert s03[5] == pytest.approx(expected.loc["S03", "limite_basse_998"])
    assert s03[6] == pytest.approx(expected.loc["S03", "limite_haute_998"])
    assert ws["E2"].number_format == "0.0%"


def test_the_public_edition_leaves_out_the_structures_whose_rate_is_hidden(tmp_path):
    ds, ws = _sheet(tmp_path, diffusion="public", min_cell=5)
    rows = list(ws.iter_rows(values_only=True))[1:]
    # the one decision of the year: what indicators.csv shows of each structure
    table = exports.year_table(ds, 2012, min_cell=5, diffusion="public")
    shown = table[table["Périmètre"] == "Structure"].set_index("Code")
    published = {
        (sid, key)
        for key in ("durable_rate", "dynamic_rate")
        for sid in shown.index
        if not isinstance(shown.loc[sid, key], str) and not isinstance(shown.loc[sid, "exits_examined"], str)
    }
    assert published and len(published) < 14  # some rates are published, most are hidden
    assert {(r[0], r[2]) for r in rows} == published


def test_overdispersed_structures_get_widened_limits_and_names_stay_text(tmp_path):
    from dataclasses import replace

    from test_casemix import simulated

    ids = tuple(f"S{i:02d}" for i in range(40))
    ds = simulated(40 * 80, seed=11, structures=ids, effect_sd=0.8)
    structures = ds.structures.copy()
    structures.loc[0, "name"] = '=HYPERLINK("http://example.org","x")'
    ds = replace(ds, structures=structures)
    table = exports.year_table(ds, 2012, min_cell=5, diffusion="comite")
    funnel = exports.funnel_table(ds, 2012, min_cell=5, diffusion="comite")
    path = exports.write_xlsx(
        table, tmp_path / "indicators.xlsx", year=2012, min_cell=5, diffusion="comite", funnel=funnel
    )
    ws = openpyxl.load_workbook(path)["Entonnoir"]
    rows = list(ws.iter_rows(values_only=True))[1:]
    assert len(rows) == 80
    durable = [r for r in rows if r[2] == "durable_rate"]
    dispersion, expected = overdispersion.structure_funnel(ds, 2012, "durable_rate")
    assert dispersion.method == "multiplicative"
    assert {r[8] for r in durable} == {"multiplicative"}
    for row in durable:
        assert row[5] == pytest.approx(expected.loc[row[0], "limite_basse_998"])
        assert row[7] == expected.loc[row[0], "position"]
    first = next(c for c in ws["B"][1:] if c.value.startswith("="))
    assert first.data_type == "s"  # a name from the data is never a formula
