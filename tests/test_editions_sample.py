"""The editions on the sample's 2012 indicators: every rate readable for the committee, nothing
small recoverable in the public edition."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from iae_eval.data.load import load_dataset
from iae_eval.editions import displayed
from iae_eval.indicators import uncertainty
from iae_eval.indicators.catalogue import PEOPLE_COUNT_KEYS
from iae_eval.indicators.compute import compute_indicators
from iae_eval.indicators.suppress import default_subsets

SAMPLE = Path(__file__).resolve().parents[1] / "data" / "sample"


@pytest.fixture(scope="module")
def structures() -> pd.DataFrame:
    dataset = load_dataset(SAMPLE)
    frame = compute_indicators(dataset, 2012, by="structure")
    total = compute_indicators(dataset, 2012).set_axis(["Département"])
    return pd.concat([frame, total])


def test_committee_edition_shows_every_structure_rate_with_its_interval(structures):
    """S03 in 2012: 4 durable exits of 34 examined → 11,8 % [4,7 – 26,6]; 12 dynamic → 35,3 % [21,5 – 52,1]."""
    shown = displayed(structures, diffusion="comite", min_cell=5)
    examined = structures["exits_examined"]
    assert (examined.drop("Département") > 0).all()
    for key, parts in (("durable_rate", ["exits_emploi_durable"]),
                       ("dynamic_rate", ["exits_emploi_durable", "exits_emploi_transition", "exits_sortie_positive"])):  # fmt: skip
        low, high = uncertainty.wilson_interval(structures[parts].sum(axis=1), examined)
        for unit in structures.index:
            assert not isinstance(shown.at[unit, key], str)
            text = uncertainty.rate_interval_text(shown.at[unit, key], low[unit], high[unit])
            assert "[" in text, (unit, key, text)
    s03 = uncertainty.RateEstimate(4, 34)
    assert structures.at["S03", "exits_emploi_durable"] == 4 and structures.at["S03", "exits_examined"] == 34
    assert s03.text == "11,8\u00a0% [4,7\u00a0–\u00a026,6]"
    assert uncertainty.RateEstimate(12, 34).text == "35,3\u00a0% [21,5\u00a0–\u00a052,1]"


def test_public_edition_leaves_no_small_count_and_no_small_difference(structures):
    shown = displayed(structures, diffusion="public", min_cell=5, total_row="Département")
    counts = [k for k in PEOPLE_COUNT_KEYS if k in structures]
    for unit in structures.index:
        for key in counts:
            value = shown.at[unit, key]
            assert isinstance(value, str) or not 1 <= value <= 4, (unit, key, value)
        for subset, total in default_subsets():
            a, b = shown.at[unit, subset], shown.at[unit, total]
            if not isinstance(a, str) and not isinstance(b, str):
                assert not 1 <= b - a <= 4, (unit, subset, total, a, b)
    # the committee's S03 rates are hidden in public only where the rule asks
    assert displayed(structures, diffusion="comite", min_cell=5).at["S03", "exits_emploi_durable"] == 4
    assert shown.at["S03", "exits_emploi_durable"] == "< 5"
