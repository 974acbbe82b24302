"""The engine against a deliberately naive, row-by-row reading of DATA_CONTRACT §5, on every
scope and year of the bundled sample, through the CLI's json, for CSV and xlsx inputs.

The reference below shares no code with ``iae_eval.indicators.compute``: it walks the rows one by
one with ``pd.DateOffset`` as the contract says, so a disagreement points at a misreading.
"""

from __future__ import annotations

import csv
import json
import math
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner
from openpyxl import Workbook

from iae_eval.cli import cli
from iae_eval.data.load import load_dataset
from iae_eval.indicators.catalogue import ADJUSTED_KEYS, FOLLOWUP_KEYS

SAMPLE = Path(__file__).resolve().parents[1] / "data" / "sample"
YEARS = range(2009, 2014)
SCOPES = ("departement", "structure", "territory", "kind")
DURABLE, TRANSITION, POSITIVE, OTHER, RETRAIT = (
    "emploi_durable",
    "emploi_transition",
    "sortie_positive",
    "autre_sortie",
    "retrait",
)


def _ratio(num, den):
    return None if den in (0, None) or num is None else num / den


_ROWS: dict[int, list[dict]] = {}


def _rows(ds) -> list[dict]:
    """The pathways as plain dicts (read once per dataset)."""
    if id(ds) not in _ROWS:
        _ROWS[id(ds)] = ds.participants.to_dict("records")
    return _ROWS[id(ds)]


def naive(ds, year: int, scope: str, key) -> dict:
    s = ds.structures
    if scope == "departement":
        in_scope = lambda r: True  # noqa: E731
        owned = None
    elif scope == "structure":
        in_scope = lambda r: r["structure_id"] == key  # noqa: E731
        owned = {key}
    elif scope == "territory":
        owned = set(s.loc[s["territory"] == key, "structure_id"])
        in_scope = lambda r: r["structure_id"] in owned  # noqa: E731
    else:
        in_scope = lambda r: r["kind"] == key  # noqa: E731
        owned = None
    first, last = pd.Timestamp(year, 1, 1), pd.Timestamp(year, 12, 31)
    category = dict(zip(ds.exit_reasons["code"], ds.exit_reasons["category"]))
    people = {
        k: set()
        for k in (
            "participants",
            "rsa_participants",
            "women",
            "youth_under_26",
            "seniors_50_plus",
            "deld",
            "rqth",
            "rsa_durable_or_training",
        )
    }
    out = dict.fromkeys(("entries", "rsa_entries", "exits", "short_exits"), 0)
    by_category = dict.fromkeys((DURABLE, TRANSITION, POSITIVE, OTHER, RETRAIT), 0)
    durations = []
    for r in _rows(ds):
        if not in_scope(r):
            continue
        entry, exit_ = r["entry_date"], r["exit_date"]
        active = entry <= last and (pd.isna(exit_) or exit_ >= first)
        if entry.year == year:
            out["entries"] += 1
            out["rsa_entries"] += bool(r["rsa"])
        if active:
            age = entry.year - r["birth_year"]
            person = r["person_id"]
            people["participants"].add(person)
            for name, flag in (
                ("rsa_participants", r["rsa"]),
                ("women", r["sex"] == "F"),
                ("youth_under_26", age < 26),
                ("seniors_50_plus", age >= 50),
                ("deld", r["deld"] is True),
                ("rqth", r["rqth"] is True),
            ):
                if flag:
                    people[name].add(person)
        if pd.isna(exit_) or exit_.year != year:
            continue
        if r["kind"] in ("ACI", "EI"):
            examinable = exit_ >= entry + pd.DateOffset(months=3)
        elif r["kind"] in ("AI", "ETTI"):
            examinable = not pd.isna(r["hours_worked"]) and r["hours_worked"] >= 150
        else:
            examinable = True
        if not examinable:
            out["short_exits"] += 1
            continue
        out["exits"] += 1
        cat = category[int(r["exit_reason"])]
        by_category[cat] += 1
        if cat != RETRAIT:
            durations.append((exit_ - entry).days / 30.4375)
        if r["rsa"] and (cat == DURABLE or int(r["exit_reason"]) == 5):
            people["rsa_durable_or_training"].add(r["person_id"])
    result = {k: len(v) for k, v in people.items()}
    result.update(out)
    for cat, n in by_category.items():
        result[f"exits_{cat}"] = n
    examined = result["exits"] - by_category[RETRAIT]
    dynamic = by_category[DURABLE] + by_category[TRANSITION] + by_category[POSITIVE]
    result.update(
        exits_examined=examined,
        durable_rate=_ratio(by_category[DURABLE], examined),
        dynamic_rate=_ratio(dynamic, examined),
        mean_duration_months=sum(durations) / len(durations) if durations else None,
        rsa_share=_ratio(result["rsa_participants"], result["participants"]),
        rsa_coverage_rate=None,
    )
    if scope == "departement":  # the RSA households of the context table, that year
        households = ds.context[(ds.context["year"] == year) & (ds.context["key"] == "rsa_households")]
        result["rsa_coverage_rate"] = _ratio(result["rsa_participants"], float(households["value"].iloc[0]))
    if scope == "kind":
        for k in (
            "contracts_total",
            "contracts_with_clause",
            "clause_share",
            "insertion_hours_planned",
            "insertion_hours_done",
            "operations",
            "funding_total",
            "cost_per_participant",
            "cost_per_dynamic_exit",
            "cost_per_durable_exit",
        ):
            result[k] = None
        return result
    c = ds.contracts[ds.contracts["year"] == year]
    o = ds.operations[ds.operations["year"] == year]
    f = ds.funding[ds.funding["year"] == year]
    if owned is not None:
        c, o, f = (t[t["structure_id"].isin(owned)] for t in (c, o, f))
    clause = c[c["social_clause"]]
    funding = float(f["amount_eur"].sum())
    result.update(
        contracts_total=len(c),
        contracts_with_clause=len(clause),
        clause_share=_ratio(len(clause), len(c)),
        insertion_hours_planned=float(clause["hours_planned"].fillna(0).sum()),
        insertion_hours_done=float(clause["hours_done"].fillna(0).sum()),
        operations=len(o),
        funding_total=funding,
        cost_per_participant=_ratio(funding, result["participants"]),
        cost_per_dynamic_exit=_ratio(funding, dynamic),
        cost_per_durable_exit=_ratio(funding, by_category[DURABLE]),
    )
    return result


def scope_keys(ds, scope):
    s = ds.structures
    if scope == "departement":
        return [None]
    if scope == "structure":
        return list(s["structure_id"])
    if scope == "territory":
        return list(dict.fromkeys(s["territory"]))
    return sorted({k for kinds in s["kinds"] for k in kinds})


def cli_json(data: Path, year: int, scope: str) -> list[dict]:
    result = CliRunner().invoke(
        cli, ["indicators", "--data", str(data), "--year", str(year), "--by", scope, "--format", "json"]
    )
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def same(a, b) -> bool:
    if a is None or b is None:
        return a is None and b is None
    if isinstance(a, float) or isinstance(b, float):
        return math.isclose(a, b, rel_tol=1e-12, abs_tol=1e-9)
    return a == b


@pytest.fixture(scope="module")
def sample():
    return load_dataset(SAMPLE)


@pytest.mark.parametrize("scope", SCOPES)
def test_sample_json_equals_a_careful_reading_of_the_contract(sample, scope):
    for year in YEARS:
        objects = cli_json(SAMPLE, year, scope)
        assert [o["key"] for o in objects] == scope_keys(sample, scope)
        for obj in objects:
            assert obj["year"] == year and obj["scope"] == scope
            expected = naive(sample, year, scope, obj["key"])
            got = {k: obj[k] for k in expected}
            # §5 as read here, then the adjusted and follow-up keys (tested in their own files)
            assert set(obj) == {"year", "scope", "key", *expected, *ADJUSTED_KEYS, *FOLLOWUP_KEYS}
            wrong = {k: (got[k], expected[k]) for k in expected if not same(got[k], expected[k])}
            assert not wrong, f"{year} {scope} {obj['key']}: {wrong}"
            for k, v in got.items():
                if k in ("participants", "exits", "entries", "operations", "contracts_total"):
                    assert (
                        v is None
                        if scope == "kind" and k in ("operations", "contracts_total")
                        else type(v) is int
                    )


def sample_as_workbook(folder: Path) -> Path:
    folder.mkdir()
    book = Workbook()
    book.remove(book.active)
    for path in sorted(SAMPLE.glob("*.csv")):
        sheet = book.create_sheet(path.stem)
        with open(path, encoding="utf-8", newline="") as handle:
            for row in csv.reader(handle):
                sheet.append([v if v != "" else None for v in row])
    book.save(folder / "iae.xlsx")
    return folder


def test_xlsx_gives_the_same_json_as_csv(tmp_path):
    workbook = sample_as_workbook(tmp_path / "xlsx")
    for scope in SCOPES:
        for year in (2009, 2013):
            assert cli_json(workbook, year, scope) == cli_json(SAMPLE, year, scope)


def test_year_without_data_gives_zeros_and_nulls_in_python_and_is_refused_by_the_command():
    from iae_eval.indicators.compute import compute_indicators

    frame = compute_indicators(load_dataset(SAMPLE), 1990, by="structure")
    assert len(frame) == 14
    assert (frame["participants"] == 0).all()
    assert frame["durable_rate"].isna().all() and frame["clause_share"].isna().all()
    result = CliRunner().invoke(
        cli, ["indicators", "--data", str(SAMPLE), "--year", "1990", "--format", "json"]
    )
    assert result.exit_code == 1 and result.stdout == "" and "1990 hors des données" in result.stderr
