"""Indicator engine (DATA_CONTRACT §5, §6): hand-computed expectations on tiny datasets.

The main dataset (``main_dataset``) is small enough to check every key of every scope by
hand; the comment on each pathway says what it exercises. Edge cases then get their own
tiny datasets, and hypothesis checks the invariants that hold for any dataset.
"""

from __future__ import annotations

import csv
import io
import json
import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from iae_eval.data.reference import EXIT_CATEGORIES, builtin_exit_reasons
from iae_eval.indicators import compute as ind
from iae_eval.indicators.catalogue import ADJUSTED_KEYS, FOLLOWUP_KEYS
from iae_eval.indicators.compute import INDICATOR_KEYS, compute_indicators, compute_trends
from iae_eval.indicators.facts import SCOPES, add_months
from iae_eval.indicators.output import indicators_csv, indicators_json, indicators_table, to_records
from indicator_factory import make_dataset, pathway, structure

D = 30.4375  # days in an average month
NULL = None  # expected null (NaN / NA in the frame)

# --------------------------------------------------------------------------------------
# The main dataset, year 2012
# --------------------------------------------------------------------------------------
STRUCTURES = [
    structure("S1", ["ACI", "AI"], "Gapençais"),  # one SIRET, two kinds
    structure("S2", ["EI"], "Gapençais"),
    structure("S3", ["ETTI"], "Briançonnais"),
    structure("S4", ["ACI"], "Buëch"),  # no pathway at all: a row of zeros and nulls
]
PARTICIPANTS = [
    # r1: entry 1 Jan, exit 31 Dec (365 days, 2012 is a leap year); age 25 (youth); durable; RSA
    pathway(
        "P1",
        "S1",
        "ACI",
        "2012-01-01",
        "2012-12-31",
        1,
        sex="F",
        birth_year=1987,
        rsa=True,
        deld=True,
        rqth=False,
    ),
    # r2: the same person in a second structure the same year, still in (age 24 at entry)
    pathway("P1", "S2", "EI", "2011-06-01", sex="F", birth_year=1987),
    # r3: 31 Jan -> 30 Apr: exactly 3 months, examinable (90 days); age 26 (not youth); transition
    pathway(
        "P2", "S1", "ACI", "2012-01-31", "2012-04-30", 10, birth_year=1986, rsa=True, deld=False, rqth=False
    ),
    # r4: 31 Jan -> 29 Apr: one day short of 3 months -> short exit; age 50 (senior)
    pathway(
        "P3", "S1", "ACI", "2012-01-31", "2012-04-29", 3, birth_year=1962, rsa=True, deld=False, rqth=False
    ),
    # r5: AI with 149.5 hours -> short exit; age 49 (not senior); RQTH
    pathway(
        "P4", "S1", "AI", "2012-02-01", "2012-03-01", 7, birth_year=1963, deld=False, rqth=True, hours=149.5
    ),
    # r6: AI with 150 hours, exit on 1 Jan 2012 (counts in 2012, active in 2011 and 2012);
    #     qualifying training (code 5, sortie_positive); 306 days
    pathway(
        "P5",
        "S1",
        "AI",
        "2011-03-01",
        "2012-01-01",
        5,
        sex="F",
        birth_year=1970,
        rsa=True,
        deld=True,
        rqth=False,
        hours=150,
    ),
    # r7, r8: two pathways of one person in one structure: a retrait exit, then "autre" (152 days)
    pathway("P6", "S2", "EI", "2011-09-01", "2012-06-15", 15, deld=False, rqth=False),
    pathway("P6", "S2", "EI", "2012-07-01", "2012-11-30", 7, deld=False, rqth=False),
    # r9: left on 31 Dec 2011: not active in 2012
    pathway("P7", "S3", "ETTI", "2010-01-01", "2011-12-31", 1, sex="F", birth_year=1960, rsa=True, hours=500),
    # r10: enters in 2013: not active in 2012
    pathway("P8", "S3", "ETTI", "2013-01-01", birth_year=1990, rsa=True),
    # r11: ETTI, 300 hours, code 12 (sortie_positive), 123 days, age 22
    pathway("P9", "S3", "ETTI", "2012-05-01", "2012-09-01", 12, sex="F", birth_year=1990, hours=300),
]
CONTRACTS = [
    dict(
        contract_id="C1",
        year=2012,
        title="t",
        buyer="b",
        social_clause=True,
        clause_type="execution",
        hours_planned=100.0,
        hours_done=80.0,
        structure_id="S1",
    ),
    # no structure: counts in the département only; missing hours_planned sums as 0
    dict(
        contract_id="C2",
        year=2012,
        title="t",
        buyer="b",
        social_clause=True,
        clause_type="reserved",
        hours_planned=None,
        hours_done=15.0,
    ),
    # no clause: its hours are not insertion hours
    dict(
        contract_id="C3",
        year=2012,
        title="t",
        buyer="b",
        social_clause=False,
        hours_planned=50.0,
        hours_done=50.0,
        structure_id="S2",
    ),
    dict(
        contract_id="C4",
        year=2011,
        title="t",
        buyer="b",
        social_clause=True,
        clause_type="execution",
        hours_planned=999.0,
        hours_done=999.0,
        structure_id="S1",
    ),
]
OPERATIONS = [
    dict(operation_id="O1", year=2012, structure_id="S1", title="t"),
    dict(operation_id="O2", year=2012, structure_id="S3", title="t"),
    dict(operation_id="O3", year=2011, structure_id="S1", title="t"),
]
FUNDING = [
    dict(year=2012, structure_id="S1", funder="etat", nature="fonctionnement", amount_eur=10000.0),
    dict(year=2012, structure_id="S1", funder="region", nature="fonctionnement", amount_eur=5000.0),
    dict(year=2012, structure_id="S2", funder="departement", nature="aide_au_poste", amount_eur=3000.0),
    dict(year=2011, structure_id="S3", funder="etat", nature="fonctionnement", amount_eur=7000.0),
]


@pytest.fixture
def dataset():
    return make_dataset(
        structures=STRUCTURES,
        participants=PARTICIPANTS,
        contracts=CONTRACTS,
        operations=OPERATIONS,
        funding=FUNDING,
    )


DEPARTEMENT_2012 = {
    "participants": 7,
    "rsa_participants": 4,
    "entries": 6,
    "rsa_entries": 3,
    "women": 3,
    "youth_under_26": 2,
    "seniors_50_plus": 1,
    "deld": 2,
    "rqth": 1,
    "exits": 6,
    "short_exits": 2,
    "exits_emploi_durable": 1,
    "exits_emploi_transition": 1,
    "exits_sortie_positive": 2,
    "exits_autre_sortie": 1,
    "exits_retrait": 1,
    "exits_examined": 5,
    "durable_rate": 1 / 5,
    "dynamic_rate": 4 / 5,
    "mean_duration_months": (365 + 90 + 306 + 152 + 123) / 5 / D,
    "rsa_durable_or_training": 2,
    "contracts_total": 3,
    "contracts_with_clause": 2,
    "clause_share": 2 / 3,
    "insertion_hours_planned": 100.0,
    "insertion_hours_done": 95.0,
    "operations": 2,
    "funding_total": 18000.0,
    "cost_per_participant": 18000 / 7,
    "cost_per_dynamic_exit": 18000 / 4,
    "rsa_share": 4 / 7,
    "cost_per_durable_exit": 18000.0,  # one durable exit
    "rsa_coverage_rate": NULL,  # no context table
}
S1_2012 = {
    "participants": 5,
    "rsa_participants": 4,
    "entries": 4,
    "rsa_entries": 3,
    "women": 2,
    "youth_under_26": 1,
    "seniors_50_plus": 1,
    "deld": 2,
    "rqth": 1,
    "exits": 3,
    "short_exits": 2,
    "exits_emploi_durable": 1,
    "exits_emploi_transition": 1,
    "exits_sortie_positive": 1,
    "exits_autre_sortie": 0,
    "exits_retrait": 0,
    "exits_examined": 3,
    "durable_rate": 1 / 3,
    "dynamic_rate": 1.0,
    "mean_duration_months": (365 + 90 + 306) / 3 / D,
    "rsa_durable_or_training": 2,
    "contracts_total": 1,
    "contracts_with_clause": 1,
    "clause_share": 1.0,
    "insertion_hours_planned": 100.0,
    "insertion_hours_done": 80.0,
    "operations": 1,
    "funding_total": 15000.0,
    "cost_per_participant": 3000.0,
    "cost_per_dynamic_exit": 5000.0,
    "rsa_share": 4 / 5,
    "cost_per_durable_exit": 15000.0,
    "rsa_coverage_rate": NULL,  # no context table
}
S2_2012 = {
    "participants": 2,
    "rsa_participants": 0,
    "entries": 1,
    "rsa_entries": 0,
    "women": 1,
    "youth_under_26": 1,
    "seniors_50_plus": 0,
    "deld": 0,
    "rqth": 0,
    "exits": 2,
    "short_exits": 0,
    "exits_emploi_durable": 0,
    "exits_emploi_transition": 0,
    "exits_sortie_positive": 0,
    "exits_autre_sortie": 1,
    "exits_retrait": 1,
    "exits_examined": 1,
    "durable_rate": 0.0,
    "dynamic_rate": 0.0,
    "mean_duration_months": 152 / D,
    "rsa_durable_or_training": 0,
    "contracts_total": 1,
    "contracts_with_clause": 0,
    "clause_share": 0.0,
    "insertion_hours_planned": 0.0,
    "insertion_hours_done": 0.0,
    "operations": 0,
    "funding_total": 3000.0,
    "cost_per_participant": 1500.0,
    "cost_per_dynamic_exit": NULL,
    "rsa_share": 0.0,
    "cost_per_durable_exit": NULL,
    "rsa_coverage_rate": NULL,  # no context table
}
S3_2012 = {
    "participants": 1,
    "rsa_participants": 0,
    "entries": 1,
    "rsa_entries": 0,
    "women": 1,
    "youth_under_26": 1,
    "seniors_50_plus": 0,
    "deld": 0,
    "rqth": 0,
    "exits": 1,
    "short_exits": 0,
    "exits_emploi_durable": 0,
    "exits_emploi_transition": 0,
    "exits_sortie_positive": 1,
    "exits_autre_sortie": 0,
    "exits_retrait": 0,
    "exits_examined": 1,
    "durable_rate": 0.0,
    "dynamic_rate": 1.0,
    "mean_duration_months": 123 / D,
    "rsa_durable_or_training": 0,
    "contracts_total": 0,
    "contracts_with_clause": 0,
    "clause_share": NULL,
    "insertion_hours_planned": 0.0,
    "insertion_hours_done": 0.0,
    # funding rows exist, but not for 2012 in S3: a sum of 0, and 0 / 1 participant
    "operations": 1,
    "funding_total": 0.0,
    "cost_per_participant": 0.0,
    "cost_per_dynamic_exit": 0.0,
    "rsa_share": 0.0,
    "cost_per_durable_exit": NULL,  # no durable exit
    "rsa_coverage_rate": NULL,  # no context table
}
S4_2012 = {
    "participants": 0,
    "rsa_participants": 0,
    "entries": 0,
    "rsa_entries": 0,
    "women": 0,
    "youth_under_26": 0,
    "seniors_50_plus": 0,
    "deld": 0,
    "rqth": 0,
    "exits": 0,
    "short_exits": 0,
    "exits_emploi_durable": 0,
    "exits_emploi_transition": 0,
    "exits_sortie_positive": 0,
    "exits_autre_sortie": 0,
    "exits_retrait": 0,
    "exits_examined": 0,
    "durable_rate": NULL,
    "dynamic_rate": NULL,
    "mean_duration_months": NULL,
    "rsa_durable_or_training": 0,
    "contracts_total": 0,
    "contracts_with_clause": 0,
    "clause_share": NULL,
    "insertion_hours_planned": 0.0,
    "insertion_hours_done": 0.0,
    "operations": 0,
    "funding_total": 0.0,
    "cost_per_participant": NULL,
    "cost_per_dynamic_exit": NULL,
    "rsa_share": NULL,
    "cost_per_durable_exit": NULL,
    "rsa_coverage_rate": NULL,  # no context table
}
GAPENCAIS_2012 = {  # S1 + S2: P1 is in both and counts once
    "participants": 6,
    "rsa_participants": 4,
    "entries": 5,
    "rsa_entries": 3,
    "women": 2,
    "youth_under_26": 1,
    "seniors_50_plus": 1,
    "deld": 2,
    "rqth": 1,
    "exits": 5,
    "short_exits": 2,
    "exits_emploi_durable": 1,
    "exits_emploi_transition": 1,
    "exits_sortie_positive": 1,
    "exits_autre_sortie": 1,
    "exits_retrait": 1,
    "exits_examined": 4,
    "durable_rate": 0.25,
    "dynamic_rate": 0.75,
    "mean_duration_months": (365 + 90 + 306 + 152) / 4 / D,
    "rsa_durable_or_training": 2,
    "contracts_total": 2,
    "contracts_with_clause": 1,
    "clause_share": 0.5,
    "insertion_hours_planned": 100.0,
    "insertion_hours_done": 80.0,
    "operations": 1,
    "funding_total": 18000.0,
    "cost_per_participant": 3000.0,
    "cost_per_dynamic_exit": 6000.0,
    "rsa_share": 4 / 6,
    "cost_per_durable_exit": 18000.0,
    "rsa_coverage_rate": NULL,  # no context table
}
NO_CONTRACT_KEYS = {  # kind scope: contract, operation and funding keys are null
    "contracts_total": NULL,
    "contracts_with_clause": NULL,
    "clause_share": NULL,
    "insertion_hours_planned": NULL,
    "insertion_hours_done": NULL,
    "operations": NULL,
    "funding_total": NULL,
    "cost_per_participant": NULL,
    "cost_per_dynamic_exit": NULL,
    "cost_per_durable_exit": NULL,
}
ACI_2012 = {  # r1, r3, r4 (S4 is ACI but has no pathway)
    "participants": 3,
    "rsa_participants": 3,
    "entries": 3,
    "rsa_entries": 3,
    "women": 1,
    "youth_under_26": 1,
    "seniors_50_plus": 1,
    "deld": 1,
    "rqth": 0,
    "exits": 2,
    "short_exits": 1,
    "exits_emploi_durable": 1,
    "exits_emploi_transition": 1,
    "exits_sortie_positive": 0,
    "exits_autre_sortie": 0,
    "exits_retrait": 0,
    "exits_examined": 2,
    "durable_rate": 0.5,
    "dynamic_rate": 1.0,
    "mean_duration_months": (365 + 90) / 2 / D,
    "rsa_durable_or_training": 1,
    **NO_CONTRACT_KEYS,
    "rsa_share": 1.0,
    "rsa_coverage_rate": NULL,  # no context table
}
AI_2012 = {  # r5, r6
    "participants": 2,
    "rsa_participants": 1,
    "entries": 1,
    "rsa_entries": 0,
    "women": 1,
    "youth_under_26": 0,
    "seniors_50_plus": 0,
    "deld": 1,
    "rqth": 1,
    "exits": 1,
    "short_exits": 1,
    "exits_emploi_durable": 0,
    "exits_emploi_transition": 0,
    "exits_sortie_positive": 1,
    "exits_autre_sortie": 0,
    "exits_retrait": 0,
    "exits_examined": 1,
    "durable_rate": 0.0,
    "dynamic_rate": 1.0,
    "mean_duration_months": 306 / D,
    "rsa_durable_or_training": 1,
    **NO_CONTRACT_KEYS,
    "rsa_share": 1 / 2,
    "rsa_coverage_rate": NULL,  # no context table
}
EI_2012 = {  # r2, r7, r8
    "participants": 2,
    "rsa_participants": 0,
    "entries": 1,
    "rsa_entries": 0,
    "women": 1,
    "youth_under_26": 1,
    "seniors_50_plus": 0,
    "deld": 0,
    "rqth": 0,
    "exits": 2,
    "short_exits": 0,
    "exits_emploi_durable": 0,
    "exits_emploi_transition": 0,
    "exits_sortie_positive": 0,
    "exits_autre_sortie": 1,
    "exits_retrait": 1,
    "exits_examined": 1,
    "durable_rate": 0.0,
    "dynamic_rate": 0.0,
    "mean_duration_months": 152 / D,
    "rsa_durable_or_training": 0,
    **NO_CONTRACT_KEYS,
    "rsa_share": 0.0,
    "rsa_coverage_rate": NULL,  # no context table
}
ETTI_2012 = {  # r11 (r9 and r10 are not active in 2012)
    "participants": 1,
    "rsa_participants": 0,
    "entries": 1,
    "rsa_entries": 0,
    "women": 1,
    "youth_under_26": 1,
    "seniors_50_plus": 0,
    "deld": 0,
    "rqth": 0,
    "exits": 1,
    "short_exits": 0,
    "exits_emploi_durable": 0,
    "exits_emploi_transition": 0,
    "exits_sortie_positive": 1,
    "exits_autre_sortie": 0,
    "exits_retrait": 0,
    "exits_examined": 1,
    "durable_rate": 0.0,
    "dynamic_rate": 1.0,
    "mean_duration_months": 123 / D,
    "rsa_durable_or_training": 0,
    **NO_CONTRACT_KEYS,
    "rsa_share": 0.0,
    "rsa_coverage_rate": NULL,  # no context table
}


def assert_row(frame: pd.DataFrame, key, expected: dict) -> None:
    """Every key of ``expected`` equals the frame's value (floats approx., None = null)."""
    assert set(expected) == set(INDICATOR_KEYS), set(INDICATOR_KEYS) ^ set(expected)
    row = frame.loc[key]
    problems = []
    for name in INDICATOR_KEYS:
        got, want = row[name], expected[name]
        if want is None:
            ok = pd.isna(got)
        elif pd.isna(got):
            ok = False
        elif isinstance(want, float):
            ok = got == pytest.approx(want, rel=1e-12)
        else:
            ok = got == want
        if not ok:
            problems.append(f"{name}: got {got!r}, expected {want!r}")
    assert not problems, f"{key}: " + "; ".join(problems)


# --------------------------------------------------------------------------------------
# Every key, every scope
# --------------------------------------------------------------------------------------
def test_indicator_keys_follow_the_contract_table():
    assert INDICATOR_KEYS == (
        "participants",
        "rsa_participants",
        "entries",
        "rsa_entries",
        "women",
        "youth_under_26",
        "seniors_50_plus",
        "deld",
        "rqth",
        "exits",
        "short_exits",
        "exits_emploi_durable",
        "exits_emploi_transition",
        "exits_sortie_positive",
        "exits_autre_sortie",
        "exits_retrait",
        "exits_examined",
        "durable_rate",
        "dynamic_rate",
        "mean_duration_months",
        "rsa_durable_or_training",
        "contracts_total",
        "contracts_with_clause",
        "clause_share",
        "insertion_hours_planned",
        "insertion_hours_done",
        "operations",
        "funding_total",
        "cost_per_participant",
        "cost_per_dynamic_exit",
        "rsa_share",
        "cost_per_durable_exit",
        "rsa_coverage_rate",
    )


def test_departement(dataset):
    frame = compute_indicators(dataset, 2012, by="departement")
    assert list(frame.columns) == list(INDICATOR_KEYS)
    assert list(frame.index) == [None]
    assert_row(frame, None, DEPARTEMENT_2012)


def test_departement_is_the_default_scope(dataset):
    pd.testing.assert_frame_equal(
        compute_indicators(dataset, 2012), compute_indicators(dataset, 2012, by="departement")
    )


def test_structure(dataset):
    frame = compute_indicators(dataset, 2012, by="structure")
    assert list(frame.index) == ["S1", "S2", "S3", "S4"]  # every structure, even with zeros
    assert list(frame.columns) == list(INDICATOR_KEYS)
    assert_row(frame, "S1", S1_2012)
    assert_row(frame, "S2", S2_2012)
    assert_row(frame, "S3", S3_2012)
    assert_row(frame, "S4", S4_2012)


def test_territory(dataset):
    frame = compute_indicators(dataset, 2012, by="territory")
    assert list(frame.index) == ["Gapençais", "Briançonnais", "Buëch"]
    assert_row(frame, "Gapençais", GAPENCAIS_2012)
    assert_row(frame, "Briançonnais", S3_2012)
    assert_row(frame, "Buëch", S4_2012)


def test_kind(dataset):
    frame = compute_indicators(dataset, 2012, by="kind")
    # kinds of the structures table, in the nomenclature's order; S1 counts in ACI and AI
    assert list(frame.index) == ["ACI", "AI", "EI", "ETTI"]
    assert_row(frame, "ACI", ACI_2012)
    assert_row(frame, "AI", AI_2012)
    assert_row(frame, "EI", EI_2012)
    assert_row(frame, "ETTI", ETTI_2012)


def test_unknown_scope_is_an_error(dataset):
    with pytest.raises(ValueError, match="by"):
        compute_indicators(dataset, 2012, by="commune")


def test_dtypes_counts_are_integers_and_rates_floats(dataset):
    frame = compute_indicators(dataset, 2012, by="kind")
    for key in ind.COUNT_KEYS:
        assert pd.api.types.is_integer_dtype(frame[key]), key
    for key in set(INDICATOR_KEYS) - set(ind.COUNT_KEYS):
        assert pd.api.types.is_float_dtype(frame[key]), key


def test_input_frames_are_not_modified(dataset):
    before = {
        name: getattr(dataset, name).copy()
        for name in ("structures", "participants", "contracts", "operations", "funding", "exit_reasons")
    }
    for by in SCOPES:
        compute_indicators(dataset, 2012, by=by)
    for name, frame in before.items():
        pd.testing.assert_frame_equal(getattr(dataset, name), frame)


# --------------------------------------------------------------------------------------
# Edge cases
# --------------------------------------------------------------------------------------
def test_exit_on_1_january_counts_in_that_year_not_the_previous(dataset):
    y2011 = compute_indicators(dataset, 2011, by="structure").loc["S1"]
    # 2011 in S1: r6 (P5) is active (exit on 1 Jan 2012) but does not exit in 2011
    assert y2011["participants"] == 1
    assert y2011["exits"] == 0 and y2011["short_exits"] == 0
    assert y2011["exits_sortie_positive"] == 0
    y2012 = compute_indicators(dataset, 2012, by="structure").loc["S1"]
    assert y2012["exits_sortie_positive"] == 1  # r6 exits in 2012


def test_exit_on_31_december_is_not_active_the_next_year(dataset):
    y2011 = compute_indicators(dataset, 2011, by="structure").loc["S3"]
    y2012 = compute_indicators(dataset, 2012, by="structure").loc["S3"]
    assert y2011["participants"] == 1 and y2011["exits"] == 1  # r9 exits on 31 Dec 2011
    assert y2012["participants"] == 1  # only P9: P7 left on 31 Dec 2011, P8 enters in 2013


def test_the_year_2011_departement(dataset):
    row = compute_indicators(dataset, 2011).loc[None]
    # active in 2011: r2 (P1), r6 (P5), r7 (P6), r9 (P7, ETTI 500 h, durable, exits 31 Dec)
    assert row["participants"] == 4
    assert row["entries"] == 3  # r2, r6, r7
    assert row["exits"] == 1 and row["exits_emploi_durable"] == 1
    assert row["durable_rate"] == 1.0
    assert row["mean_duration_months"] == pytest.approx(729 / D)  # 2010-01-01 -> 2011-12-31
    assert row["rsa_durable_or_training"] == 1
    assert row["contracts_total"] == 1 and row["insertion_hours_planned"] == 999.0
    assert row["operations"] == 1 and row["funding_total"] == 7000.0
    assert row["cost_per_participant"] == 7000 / 4


@pytest.mark.parametrize("kind", ["ACI", "EI"])
@pytest.mark.parametrize(
    ("entry", "exit", "examinable"),
    [
        ("2012-01-31", "2012-04-30", True),  # 31 Jan + 3 months = 30 Apr (clipped)
        ("2012-01-31", "2012-04-29", False),
        ("2012-03-15", "2012-06-15", True),
        ("2012-03-15", "2012-06-14", False),
        ("2011-11-30", "2012-02-29", True),  # to 29 Feb of a leap year
        ("2011-11-30", "2012-02-28", False),
        ("2012-11-30", "2013-02-28", True),  # to 28 Feb of a common year (exit in 2013)
        ("2012-10-31", "2013-01-31", True),  # across the year end
        ("2012-10-31", "2013-01-30", False),
    ],
)
def test_three_month_minimum_stay(kind, entry, exit, examinable):
    ds = make_dataset(
        structures=[structure("S", [kind], "T")], participants=[pathway("P", "S", kind, entry, exit, 1)]
    )
    row = compute_indicators(ds, int(exit[:4])).loc[None]
    assert (row["exits"], row["short_exits"]) == ((1, 0) if examinable else (0, 1))


@pytest.mark.parametrize("kind", ["AI", "ETTI"])
@pytest.mark.parametrize(
    ("hours", "examinable"),
    [(149.5, False), (149.99, False), (150.0, True), (151.0, True), (None, False), (0.0, False)],
)
def test_150_hours_minimum_stay(kind, hours, examinable):
    # the stay itself is long: only the hours decide
    ds = make_dataset(
        structures=[structure("S", [kind], "T")],
        participants=[pathway("P", "S", kind, "2011-01-01", "2012-06-30", 1, hours=hours)],
    )
    row = compute_indicators(ds, 2012).loc[None]
    assert (row["exits"], row["short_exits"]) == ((1, 0) if examinable else (0, 1))


def test_eiti_exits_are_always_examinable():
    ds = make_dataset(
        structures=[structure("S", ["EITI"], "T")],
        participants=[pathway("P", "S", "EITI", "2012-06-01", "2012-06-01", 1)],
    )
    row = compute_indicators(ds, 2012, by="kind").loc["EITI"]
    assert (row["exits"], row["short_exits"], row["exits_emploi_durable"]) == (1, 0, 1)
    assert row["mean_duration_months"] == 0.0


def test_minimum_stay_is_read_from_the_rules_profile():
    from dataclasses import replace

    from iae_eval.data.rules import StayRule, get_profile

    ds = make_dataset(
        structures=[structure("S", ["ACI"], "T")],
        participants=[pathway("P", "S", "ACI", "2012-01-01", "2012-02-15", 1)],
    )
    assert compute_indicators(ds, 2012).loc[None, "short_exits"] == 1
    h5 = get_profile("fiche-h5")
    one_month = replace(h5, minimum_stay={**h5.minimum_stay, "ACI": StayRule(months=1)})
    assert compute_indicators(ds, 2012, rules=one_month).loc[None, "exits"] == 1
    always = replace(h5, minimum_stay={**h5.minimum_stay, "ACI": StayRule()})
    assert compute_indicators(ds, 2012, rules=always).loc[None, "exits"] == 1


def test_retrait_exits_only_make_every_rate_null():
    ds = make_dataset(
        structures=[structure("S", ["ACI"], "T")],
        participants=[
            pathway("P1", "S", "ACI", "2011-01-01", "2012-03-01", 15, rsa=True),
            pathway("P2", "S", "ACI", "2011-01-01", "2012-05-01", 17),
        ],
        funding=[dict(year=2012, structure_id="S", funder="etat", nature="fonctionnement", amount_eur=100.0)],
    )
    row = compute_indicators(ds, 2012).loc[None]
    assert row["exits"] == 2 and row["exits_retrait"] == 2 and row["exits_examined"] == 0
    for key in ("durable_rate", "dynamic_rate", "mean_duration_months", "cost_per_dynamic_exit"):
        assert pd.isna(row[key]), key
    assert row["cost_per_participant"] == 50.0
    assert row["rsa_durable_or_training"] == 0


def test_ages_at_entry_25_26_49_50():
    people = [("A25", 1987), ("A26", 1986), ("A49", 1963), ("A50", 1962)]
    ds = make_dataset(
        structures=[structure("S", ["ACI"], "T")],
        participants=[pathway(p, "S", "ACI", "2012-12-31", birth_year=b) for p, b in people],
    )
    row = compute_indicators(ds, 2012).loc[None]
    assert (row["youth_under_26"], row["seniors_50_plus"]) == (1, 1)
    # age is the year of entry minus the birth year, not the age on the day
    assert compute_indicators(ds, 2013).loc[None, "youth_under_26"] == 1


def test_person_counts_are_distinct_but_pathway_counts_are_not():
    ds = make_dataset(
        structures=[structure("S", ["ACI"], "T")],
        participants=[
            pathway("P", "S", "ACI", "2012-01-01", "2012-05-01", 1, rsa=True, sex="F"),
            pathway("P", "S", "ACI", "2012-06-01", "2012-10-01", 3, rsa=True, sex="F"),
        ],
    )
    row = compute_indicators(ds, 2012).loc[None]
    assert row["participants"] == row["rsa_participants"] == row["women"] == 1
    assert row["entries"] == row["rsa_entries"] == 2
    assert row["exits"] == row["exits_emploi_durable"] == 2
    assert row["rsa_durable_or_training"] == 1  # a person, not a pathway


def test_person_in_two_structures_counts_once_in_the_departement(dataset):
    dep = compute_indicators(dataset, 2012).loc[None, "participants"]
    by_structure = compute_indicators(dataset, 2012, by="structure")["participants"]
    assert dep == 7 and by_structure.sum() == 8  # P1 counts in S1 and in S2


def test_exit_reasons_override_changes_the_category(dataset):
    reasons = builtin_exit_reasons()
    reasons.loc[reasons["code"] == 12, "category"] = "autre_sortie"
    reasons.loc[reasons["code"] == 1, "category"] = "retrait"
    ds = make_dataset(
        structures=STRUCTURES, participants=PARTICIPANTS, exit_reasons=reasons.to_dict("records")
    )
    s3 = compute_indicators(ds, 2012, by="structure").loc["S3"]
    assert s3["exits_sortie_positive"] == 0 and s3["exits_autre_sortie"] == 1
    assert s3["dynamic_rate"] == 0.0
    dep = compute_indicators(ds, 2012).loc[None]
    assert dep["exits_emploi_durable"] == 0 and dep["exits_retrait"] == 2
    assert dep["exits_examined"] == 4
    assert dep["rsa_durable_or_training"] == 1  # P5's qualifying training (code 5) remains


def test_qualifying_training_counts_for_indicator_2_even_when_recategorised(dataset):
    reasons = builtin_exit_reasons()
    reasons.loc[reasons["code"] == 5, "category"] = "autre_sortie"
    ds = make_dataset(
        structures=STRUCTURES, participants=PARTICIPANTS, exit_reasons=reasons.to_dict("records")
    )
    assert compute_indicators(ds, 2012).loc[None, "rsa_durable_or_training"] == 2


def test_short_exits_count_in_no_other_exit_figure():
    ds = make_dataset(
        structures=[structure("S", ["ACI"], "T")],
        participants=[pathway("P", "S", "ACI", "2012-01-01", "2012-01-15", 1, rsa=True)],
    )
    row = compute_indicators(ds, 2012).loc[None]
    assert row["short_exits"] == 1
    assert row["exits"] == row["exits_emploi_durable"] == row["rsa_durable_or_training"] == 0
    assert pd.isna(row["durable_rate"]) and pd.isna(row["mean_duration_months"])


def test_missing_optional_tables_make_their_keys_null_in_every_scope():
    ds = make_dataset(structures=STRUCTURES, participants=PARTICIPANTS)
    for by in SCOPES:
        frame = compute_indicators(ds, 2012, by=by)
        for key in NO_CONTRACT_KEYS:
            assert frame[key].isna().all(), (by, key)


def test_each_optional_table_only_nulls_its_own_keys():
    ds = make_dataset(structures=STRUCTURES, participants=PARTICIPANTS, operations=OPERATIONS)
    row = compute_indicators(ds, 2012).loc[None]
    assert row["operations"] == 2
    assert pd.isna(row["contracts_total"]) and pd.isna(row["funding_total"])
    assert pd.isna(row["insertion_hours_done"]) and pd.isna(row["cost_per_participant"])


def test_optional_tables_without_rows_for_the_year_give_zeros(dataset):
    frame = compute_indicators(dataset, 2010, by="structure")
    assert (frame["contracts_total"] == 0).all() and (frame["operations"] == 0).all()
    assert (frame["funding_total"] == 0).all()
    assert frame["clause_share"].isna().all()
    assert (frame["insertion_hours_planned"] == 0).all()


def test_empty_optional_tables_give_zeros():
    ds = make_dataset(
        structures=STRUCTURES, participants=PARTICIPANTS, contracts=[], operations=[], funding=[]
    )
    row = compute_indicators(ds, 2012).loc[None]
    assert row["contracts_total"] == 0 and row["operations"] == 0 and row["funding_total"] == 0
    assert pd.isna(row["clause_share"])
    assert row["cost_per_participant"] == 0.0


@pytest.mark.parametrize("by", ["departement", "structure", "territory", "kind"])
def test_a_year_without_data_gives_zeros_and_nulls(dataset, by):
    frame = compute_indicators(dataset, 2005, by=by)
    for key in ind.COUNT_KEYS:
        if by == "kind" and key in NO_CONTRACT_KEYS:
            assert frame[key].isna().all()
        else:
            assert (frame[key] == 0).all(), key
    for key in (
        "durable_rate",
        "dynamic_rate",
        "mean_duration_months",
        "clause_share",
        "cost_per_participant",
        "cost_per_dynamic_exit",
    ):
        assert frame[key].isna().all(), key


def test_no_participants_at_all():
    ds = make_dataset(structures=[structure("S", ["AI"], "T")], participants=[])
    frame = compute_indicators(ds, 2012, by="structure")
    assert list(frame.index) == ["S"]
    assert frame.loc["S", "participants"] == 0 and pd.isna(frame.loc["S", "durable_rate"])


def test_departement_contracts_include_those_without_structure(dataset):
    dep = compute_indicators(dataset, 2012).loc[None]
    by_structure = compute_indicators(dataset, 2012, by="structure")
    assert dep["contracts_total"] == by_structure["contracts_total"].sum() + 1  # C2


def test_structure_with_two_kinds_counts_in_both_kinds_by_pathway_kind(dataset):
    kind = compute_indicators(dataset, 2012, by="kind")
    s1 = compute_indicators(dataset, 2012, by="structure").loc["S1"]
    assert kind.loc["ACI", "participants"] + kind.loc["AI", "participants"] == s1["participants"]
    assert kind.loc["ACI", "exits"] + kind.loc["AI", "exits"] == s1["exits"]


# --------------------------------------------------------------------------------------
# Vectorised month arithmetic equals pandas DateOffset
# --------------------------------------------------------------------------------------
EDGE_DATES = [
    "2012-01-31",
    "2011-01-31",
    "2012-02-29",
    "2011-11-30",
    "2012-11-30",
    "2012-12-31",
    "2012-10-31",
    "2012-08-31",
    "2000-11-30",
    "1900-11-30",
    "2012-03-31",
    "2012-05-31",
    "2012-01-01",
    "2013-06-15 13:45:00",
]


@pytest.mark.parametrize("months", [0, 1, 2, 3, 6, 11, 12, 13, 24])
def test_add_months_equals_dateoffset_on_edge_dates(months):
    dates = pd.Series(pd.to_datetime(EDGE_DATES + [None], format="ISO8601"))
    expected = dates + pd.DateOffset(months=months)
    got = pd.Series(add_months(dates.to_numpy(), months))
    pd.testing.assert_series_equal(got, expected, check_dtype=False)


@settings(max_examples=100, deadline=None)
@given(
    st.lists(
        st.dates(min_value=pd.Timestamp("1950-01-01").date(), max_value=pd.Timestamp("2050-12-31").date()),
        min_size=1,
        max_size=30,
    ),
    st.integers(min_value=0, max_value=40),
)
def test_add_months_equals_dateoffset(dates, months):
    series = pd.Series(pd.to_datetime(dates)).astype("datetime64[us]")
    expected = series + pd.DateOffset(months=months)
    got = add_months(series.to_numpy(), months)
    assert got.dtype == series.dtype
    np.testing.assert_array_equal(got, expected.to_numpy())


# --------------------------------------------------------------------------------------
# Trends
# --------------------------------------------------------------------------------------
def test_trends_stack_the_years(dataset):
    trends = compute_trends(dataset, [2011, 2012, 2013], by="structure")
    assert list(trends.columns) == ["year", "key", *INDICATOR_KEYS]
    assert len(trends) == 3 * 4
    assert list(trends["year"].unique()) == [2011, 2012, 2013]
    s1_2012 = trends[(trends["year"] == 2012) & (trends["key"] == "S1")]
    assert s1_2012["exits"].item() == 3
    by_year = compute_indicators(dataset, 2013, by="structure").reset_index(drop=True)
    pd.testing.assert_frame_equal(
        trends[trends["year"] == 2013][list(INDICATOR_KEYS)].reset_index(drop=True), by_year
    )


def test_trends_departement_key_is_null(dataset):
    trends = compute_trends(dataset, range(2009, 2014))
    assert len(trends) == 5 and trends["key"].isna().all()
    assert trends["participants"].tolist() == [0, 1, 4, 7, 2]


# --------------------------------------------------------------------------------------
# json (§6), csv, table
# --------------------------------------------------------------------------------------
@pytest.mark.parametrize("by", ["departement", "structure", "territory", "kind"])
def test_json_objects(dataset, by):
    records = json.loads(indicators_json(dataset, 2012, by))
    frame = compute_indicators(dataset, 2012, by=by)
    assert len(records) == len(frame)
    for record, key in zip(records, frame.index, strict=True):
        # the keys of §5 first, in order, then the adjusted and follow-up ones
        assert list(record) == ["year", "scope", "key", *INDICATOR_KEYS, *ADJUSTED_KEYS, *FOLLOWUP_KEYS]
        assert record["year"] == 2012 and record["scope"] == by and record["key"] == key
        for name in ind.COUNT_KEYS:
            assert record[name] is None or type(record[name]) is int, name
        assert all(record[k] is None for k in FOLLOWUP_KEYS)  # no exit_followup table
        for name in {*INDICATOR_KEYS, *ADJUSTED_KEYS} - set(ind.COUNT_KEYS):
            assert record[name] is None or type(record[name]) is float, name


def test_json_values_departement(dataset):
    (record,) = json.loads(indicators_json(dataset, 2012, "departement"))
    assert record["key"] is None
    for name, want in DEPARTEMENT_2012.items():
        assert record[name] == pytest.approx(want), name
    assert record["durable_rate"] == 0.2  # a fraction, not a percentage


def test_json_nulls(dataset):
    records = {r["key"]: r for r in json.loads(indicators_json(dataset, 2012, "structure"))}
    assert records["S4"]["durable_rate"] is None
    assert records["S4"]["participants"] == 0
    kinds = json.loads(indicators_json(dataset, 2012, by="kind"))
    assert all(r["contracts_total"] is None for r in kinds)
    assert "NaN" not in indicators_json(dataset, 2005, "structure")


def test_to_records_converts_numpy_scalars(dataset):
    frame = compute_indicators(dataset, 2012, by="territory")
    records = to_records(frame, 2012, "territory")
    assert [r["key"] for r in records] == ["Gapençais", "Briançonnais", "Buëch"]
    assert type(records[0]["participants"]) is int
    assert type(records[0]["durable_rate"]) is float
    assert records[2]["durable_rate"] is None
    json.dumps(records, allow_nan=False)


def test_csv(dataset):
    frame = compute_indicators(dataset, 2012, by="structure")
    text = indicators_csv(frame, 2012, "structure")
    assert text.startswith("\ufeffyear;scope;key;participants;") and "\r\n" in text
    rows = list(csv.DictReader(io.StringIO(text.lstrip("\ufeff")), delimiter=";"))
    assert list(rows[0]) == ["year", "scope", "key", *INDICATOR_KEYS]
    s4 = rows[3]
    assert (s4["year"], s4["scope"], s4["key"]) == ("2012", "structure", "S4")
    assert s4["participants"] == "0" and s4["durable_rate"] == ""
    assert rows[0]["exits"] == "3" and float(rows[0]["durable_rate"].replace(",", ".")) == pytest.approx(
        1 / 3
    )
    no_tables = make_dataset(structures=STRUCTURES, participants=PARTICIPANTS)
    text = indicators_csv(compute_indicators(no_tables, 2012), 2012, "departement")
    (dep,) = csv.DictReader(io.StringIO(text.lstrip("\ufeff")), delimiter=";")
    assert dep["key"] == "" and dep["contracts_total"] == "" and dep["participants"] == "7"


def test_table_is_readable(dataset):
    text = indicators_table(compute_indicators(dataset, 2012, by="structure"))
    lines = text.splitlines()
    for key in INDICATOR_KEYS:
        assert any(line.startswith(key) for line in lines), key
    assert "S1" in lines[0] and "S4" in lines[0]
    durable = next(line for line in lines if line.startswith("durable_rate"))
    assert "33.3%" in durable and "20.0%" not in durable
    assert "20.0%" in indicators_table(compute_indicators(dataset, 2012))
    cost = next(line for line in lines if line.startswith("cost_per_dynamic_exit"))
    assert "5,000.00" in cost


# --------------------------------------------------------------------------------------
# Properties
# --------------------------------------------------------------------------------------
KIND_SETS = [("ACI",), ("AI",), ("EI",), ("ETTI",), ("ACI", "AI"), ("EI", "ETTI"), ("EITI",)]
TERRITORY_NAMES = ["T1", "T2", "T3"]


PATHWAY_ROWS = st.tuples(
    st.integers(0, 3),  # structure (modulo the number of structures)
    st.integers(0, 1),  # kind among the structure's kinds (modulo)
    st.integers(0, 4 * 365),  # entry: days after 1 Jan 2010
    st.one_of(st.none(), st.integers(0, 500)),  # stay in days, None = still in
    st.integers(1, 22),  # exit reason
    st.integers(0, 8),  # person
    st.booleans(),  # woman
    st.integers(1950, 1995),  # birth year
    st.booleans(),  # rsa
    st.sampled_from([True, False, None]),  # deld
    st.sampled_from([None, 0.0, 149.5, 150.0, 600.0]),  # hours worked
)


@st.composite
def datasets(draw):
    kinds = draw(st.lists(st.sampled_from(KIND_SETS), min_size=1, max_size=4))
    territories = draw(st.lists(st.sampled_from(TERRITORY_NAMES), min_size=len(kinds), max_size=len(kinds)))
    structures = [structure(f"S{i}", k, t) for i, (k, t) in enumerate(zip(kinds, territories))]
    rows = {}
    for s, k, entry_day, stay, reason, person, woman, birth, rsa, deld, hours in draw(
        st.lists(PATHWAY_ROWS, max_size=25)
    ):
        chosen = structures[s % len(structures)]
        entry = pd.Timestamp("2010-01-01") + pd.Timedelta(days=entry_day)
        exit_ = None if stay is None else (entry + pd.Timedelta(days=stay)).date().isoformat()
        row = pathway(
            f"P{person}",
            chosen["structure_id"],
            chosen["kinds"][k % len(chosen["kinds"])],
            entry.date().isoformat(),
            exit_,
            None if stay is None else reason,
            sex="F" if woman else "M",
            birth_year=birth,
            rsa=rsa,
            deld=deld,
            hours=hours,
        )
        rows[(row["person_id"], row["structure_id"], row["entry_date"])] = row
    return make_dataset(structures=structures, participants=list(rows.values()))


PROPERTY_SETTINGS = settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])
EXIT_KEYS = [f"exits_{c}" for c in EXIT_CATEGORIES]


@PROPERTY_SETTINGS
@given(datasets(), st.integers(2010, 2015))
def test_exits_by_kind_add_up_to_the_departement(ds, year):
    dep = compute_indicators(ds, year).loc[None]
    kind = compute_indicators(ds, year, by="kind")
    structure_frame = compute_indicators(ds, year, by="structure")
    territory = compute_indicators(ds, year, by="territory")
    for key in ["exits", "short_exits", "entries", *EXIT_KEYS]:
        assert kind[key].sum() == dep[key], key
        assert structure_frame[key].sum() == dep[key], key
        assert territory[key].sum() == dep[key], key


@PROPERTY_SETTINGS
@given(datasets(), st.integers(2010, 2015))
def test_distinct_people_in_the_departement_at_most_the_sum_over_structures(ds, year):
    dep = compute_indicators(ds, year).loc[None]
    for by in ("structure", "territory", "kind"):
        frame = compute_indicators(ds, year, by=by)
        for key in (
            "participants",
            "rsa_participants",
            "women",
            "youth_under_26",
            "seniors_50_plus",
            "deld",
            "rqth",
            "rsa_durable_or_training",
        ):
            assert dep[key] <= frame[key].sum(), (by, key)
            assert (frame[key] <= dep[key]).all(), (by, key)


@PROPERTY_SETTINGS
@given(
    datasets(), st.integers(2010, 2015), st.sampled_from(["departement", "structure", "territory", "kind"])
)
def test_exit_identities_and_rate_bounds(ds, year, by):
    frame = compute_indicators(ds, year, by=by)
    assert (frame["exits"] == frame[EXIT_KEYS].sum(axis=1)).all()
    assert (frame["exits_examined"] == frame["exits"] - frame["exits_retrait"]).all()
    for key in ("durable_rate", "dynamic_rate"):
        rates = frame[key].dropna()
        assert ((rates >= 0) & (rates <= 1)).all(), key
        assert (frame[key].isna() == (frame["exits_examined"] == 0)).all(), key
    assert (frame["durable_rate"].fillna(0) <= frame["dynamic_rate"].fillna(0)).all()
    assert (frame["rsa_participants"] <= frame["participants"]).all()
    assert (frame["rsa_entries"] <= frame["entries"]).all()
    assert (frame["mean_duration_months"].dropna() >= 0).all()
    assert all(math.isfinite(v) for v in frame["mean_duration_months"].dropna())


def test_the_engines_kept_frames_gather_nothing_for_the_garbage_collector(dataset):
    """A batch kernel asks the engine for the same frames thousands of times: each answer is
    a copy of its own, which leaves nothing behind on the kept frame (a shallow copy left a
    weak reference per block, which the collector scanned before every report)."""
    import gc

    compute_indicators(dataset, 2012, "structure")
    gc.collect()
    before = len(gc.get_objects())
    for _ in range(300):
        frame = compute_indicators(dataset, 2012, "structure")
        frame["participants"] = 0  # a caller's change stays its own
    del frame
    gc.collect()
    grown = len(gc.get_objects()) - before
    assert grown < 1000, grown
    assert compute_indicators(dataset, 2012, "structure")["participants"].sum() > 0
