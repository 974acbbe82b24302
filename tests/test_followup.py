"""Employment after exit on a hand-made follow-up table: unknown situations never count."""

from __future__ import annotations

from dataclasses import replace

import pandas as pd
import pytest

from iae_eval.indicators import uncertainty
from iae_eval.indicators.catalogue import FOLLOWUP_KEYS
from iae_eval.indicators.followup import (
    employment_bounds,
    followup_indicators,
    followup_rates,
    pooled_counts,
    years_beyond,
)
from iae_eval.indicators.output import output_indicators
from indicator_factory import make_dataset, pathway, structure, table

STRUCTURES = [structure("S1", ["ACI"], "Gapençais"), structure("S2", ["EI"], "Briançonnais")]
PATHWAYS = [
    pathway("P1", "S1", "ACI", "2011-01-01", "2012-03-31", 3),
    pathway("P2", "S1", "ACI", "2011-06-01", "2012-05-31", 7),
    pathway("P3", "S1", "ACI", "2011-06-01", "2012-06-30", 10),
    pathway("P4", "S2", "EI", "2011-02-01", "2012-02-29", 5),
    pathway("P5", "S2", "EI", "2012-01-10", "2012-02-10", 7),  # short exit: not examined
    pathway("P6", "S2", "EI", "2011-01-01", "2012-09-30", 15),  # retrait: not examined
    pathway("P7", "S1", "ACI", "2010-01-01", "2011-06-30", 3),  # exit in 2011
]


def _row(person, sid, date, months, situation):
    return {
        "person_id": person,
        "structure_id": sid,
        "exit_date": date,
        "months_after": months,
        "situation": situation,
    }


FOLLOWUP = [
    _row("P1", "S1", "2012-03-31", 6, "emploi_durable"),
    _row("P1", "S1", "2012-03-31", 12, "emploi_autre"),
    _row("P2", "S1", "2012-05-31", 6, "inconnu"),
    _row("P2", "S1", "2012-05-31", 12, "chomage"),
    _row("P3", "S1", "2012-06-30", 6, "emploi_autre"),
    _row("P4", "S2", "2012-02-29", 6, "formation"),
    _row("P5", "S2", "2012-02-10", 6, "emploi_durable"),
    _row("P6", "S2", "2012-09-30", 6, "emploi_durable"),
    _row("P7", "S1", "2011-06-30", 6, "emploi_durable"),
]


@pytest.fixture
def dataset():
    base = make_dataset(structures=STRUCTURES, participants=PATHWAYS)
    return replace(base, exit_followup=table("exit_followup", FOLLOWUP))


def test_departement_rates_leave_unknown_situations_out(dataset):
    row = followup_indicators(dataset, 2012).iloc[0]
    assert row["followup_6m_known"] == 3  # P1, P3, P4 (P2 inconnu; P5 short, P6 retrait)
    assert row["followup_6m_coverage"] == pytest.approx(3 / 4)
    assert row["employed_6m_rate"] == pytest.approx(2 / 3)
    assert row["durable_employed_6m_rate"] == pytest.approx(1 / 3)
    assert row["followup_12m_known"] == 2
    assert row["followup_12m_coverage"] == pytest.approx(0.5)
    assert row["employed_12m_rate"] == pytest.approx(0.5)
    assert row["durable_employed_12m_rate"] == 0
    assert row["followup_24m_known"] == 0 and row["followup_24m_coverage"] == 0
    assert pd.isna(row["employed_24m_rate"]) and pd.isna(row["durable_employed_24m_rate"])


def test_scopes_and_years(dataset):
    by_structure = followup_indicators(dataset, 2012, "structure")
    assert by_structure.loc["S1", "followup_6m_known"] == 2
    assert by_structure.loc["S1", "employed_6m_rate"] == 1.0
    assert by_structure.loc["S1", "durable_employed_6m_rate"] == 0.5
    assert by_structure.loc["S2", "followup_6m_coverage"] == 1.0
    assert by_structure.loc["S2", "employed_6m_rate"] == 0.0
    by_kind = followup_indicators(dataset, 2012, "kind")
    assert by_kind.loc["ACI", "followup_6m_coverage"] == pytest.approx(2 / 3)
    by_territory = followup_indicators(dataset, 2012, "territory")
    assert by_territory.loc["Briançonnais", "followup_6m_known"] == 1
    assert followup_indicators(dataset, 2011).iloc[0]["employed_6m_rate"] == 1.0


def test_wilson_intervals(dataset):
    rates = followup_rates(followup_indicators(dataset, 2012), 6).iloc[0]
    low, high = uncertainty.wilson_interval(2, 3)
    assert rates["employed"] == pytest.approx(2 / 3)
    assert (rates["employed_low"], rates["employed_high"]) == pytest.approx((low, high))
    assert rates["coverage"] == pytest.approx(0.75) and rates["known"] == 3


def test_years_beyond_a_horizon_have_examined_exits_none_known(dataset):
    """2010 has no exit (not beyond), 2011's one exit (P7) is known at 6 months only, 2012's
    four examined exits at 6 and 12 months: 24 months lies beyond both years, 12 beyond 2011."""
    years = [2010, 2011, 2012]
    assert years_beyond(dataset, years, 6) == []
    assert years_beyond(dataset, years, 12) == [2011]
    assert years_beyond(dataset, years, 24) == [2011, 2012]
    assert years_beyond(dataset, (2012,), 24) == [2012]


def test_years_beyond_are_computed_once_per_dataset_years_and_horizon(dataset):
    for _ in range(3):
        assert years_beyond(dataset, [2011, 2012], 12) == [2011]
    assert years_beyond(dataset, (2011, 2012), 12) == [2011]
    kept = [k for k in dataset.memo if "_years_beyond" in k]
    assert len(kept) == 1


def test_pooled_counts_sum_the_years_by_scope(dataset):
    """At 6 months over 2011-2012: examined P7 + P1-P4 (5), known P7, P1, P3, P4 (4), in
    employment P7, P1, P3 (3), durably P7, P1 (2); S1 holds P7, P1-P3 and S2 holds P4."""
    departement = pooled_counts(dataset, [2011, 2012], 6).iloc[0]
    assert departement[["examined", "known", "employed_n", "durable_n"]].tolist() == [5, 4, 3, 2]
    by_structure = pooled_counts(dataset, [2011, 2012], 6, "structure")
    assert by_structure.loc["S1"].tolist() == [4, 3, 3, 2]
    assert by_structure.loc["S2"].tolist() == [1, 1, 0, 0]
    at12 = pooled_counts(dataset, [2012], 12).iloc[0]
    assert at12.tolist() == [4, 2, 1, 0]  # P1 emploi_autre, P2 chomage
    assert pooled_counts(dataset, [2010], 6).iloc[0].tolist() == [0, 0, 0, 0]
    with pytest.raises(ValueError):
        pooled_counts(dataset, [], 6)


def test_employment_bounds_count_the_unknown_out_of_work_then_in_work():
    assert employment_bounds(3, 4, 5) == pytest.approx((3 / 5, 4 / 5))
    assert employment_bounds(0, 0, 2) == pytest.approx((0.0, 1.0))


def test_without_the_table_every_key_is_null():
    ds = make_dataset(structures=STRUCTURES, participants=PATHWAYS)
    frame = output_indicators(ds, 2012, "structure")
    assert list(frame.columns[-len(FOLLOWUP_KEYS) :]) == list(FOLLOWUP_KEYS)
    assert frame[list(FOLLOWUP_KEYS)].isna().all(axis=None)
    assert frame["durable_rate"].notna().any()


def test_the_cli_frame_carries_the_follow_up(dataset):
    frame = output_indicators(dataset, 2012)
    assert frame.iloc[0]["followup_6m_known"] == 3
    assert frame.iloc[0]["employed_6m_rate"] == pytest.approx(2 / 3)


def test_the_sample_follows_its_exits_realistically():
    from pathlib import Path

    from iae_eval.data.load import load_dataset

    ds = load_dataset(Path(__file__).resolve().parents[1] / "data" / "sample")
    f = ds.exit_followup
    assert f is not None and (f["situation"] == "inconnu").any()
    assert set(f["exit_date"].dt.year) == {2009, 2010, 2011, 2012}
    rows = f[f["months_after"] == 6].merge(ds.participants, on=["person_id", "structure_id", "exit_date"])
    rows = rows[rows["situation"] != "inconnu"]
    employed = rows["situation"].isin(["emploi_durable", "emploi_autre"])
    assert 0.38 < employed.mean() < 0.6  # about half in employment at 6 months
    assert employed[rows["rsa"]].mean() < employed[~rows["rsa"]].mean()
    deld = rows["deld"].fillna(False).astype(bool)
    assert employed[deld].mean() < employed[~deld].mean()
