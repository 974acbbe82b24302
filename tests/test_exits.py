"""The exits sections: within a section every share divides by the examined exits, as the
rates beside it do, and every total is the sum of its rows."""

from __future__ import annotations

from pathlib import Path

import pytest

from iae_eval.data.load import load_dataset
from iae_eval.indicators.catalogue import EXAMINED_EXIT_KEYS, LABELS
from iae_eval.report import report
from iae_eval.sections import exits

SAMPLE = Path(__file__).resolve().parents[1] / "data" / "sample"


@pytest.fixture(scope="module")
def s03():
    return exits.structure(
        report(load_dataset(SAMPLE), year=2012, structure_id="S03", diffusion="comite", min_cell=5)
    )


def test_s03_durable_share_is_its_durable_rate(s03):
    """S03 in 2012: 4 durable exits of 34 examined (38 recorded, 4 retrait): 11,8 % in the
    table, as the rate beside it (it said 10,5 %, over the 38 recorded exits)."""
    table = s03.table(0).data
    assert table.at[LABELS["exits_emploi_durable"], "Part (structure)"] == "11,8\u00a0%"
    assert s03.table(1).data.at["Structure", LABELS["durable_rate"]].startswith("11,8\u00a0%")
    assert "emploi durable 11,8 %" in s03.chart(0).alt.replace("\u00a0", " ")


def test_the_examined_categories_add_up_and_the_rest_has_no_share(s03):
    table = s03.table(0).data
    for scope in ("Structure", "Département"):
        counts = {row: int(table.at[row, scope].replace("\u202f", "")) for row in table.index}
        categories = [LABELS[k] for k in EXAMINED_EXIT_KEYS]
        assert sum(counts[c] for c in categories) == counts[LABELS["exits_examined"]]
        assert counts[LABELS["exits_examined"]] + counts[LABELS["exits_retrait"]] == counts[LABELS["exits"]]
        shares = table[f"Part ({scope.lower()})"]
        apart = [LABELS[k] for k in ("exits_examined", "exits_retrait", "exits", "short_exits")]
        assert (shares[apart] == "").all()
        total = sum(float(shares[c].split("\u00a0")[0].replace(",", ".")) for c in categories)
        assert total == pytest.approx(100, abs=0.2)
