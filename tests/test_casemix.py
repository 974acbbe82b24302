"""Expected outcomes given the publics: the logistic models and observed / expected by scope."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner

from iae_eval.cli import cli
from iae_eval.data.dataset import Dataset
from iae_eval.data.load import load_dataset
from iae_eval.data.reference import builtin_exit_reasons
from iae_eval.indicators import casemix
from iae_eval.indicators.adjusted import adjusted_indicators, garwood_interval
from iae_eval.indicators.catalogue import ADJUSTED_KEYS, INDICATOR_KEYS
from iae_eval.indicators.output import output_indicators

SAMPLE = Path(__file__).resolve().parents[1] / "data" / "sample"
TRUE = {
    "const": -1.0,
    "women": -0.3,
    "under_26": 0.4,
    "over_50": -0.6,
    "rsa": -0.8,
    "deld": -0.5,
    "rqth": -0.4,
}


def simulated(
    n: int, *, seed: int = 1, structures=("A", "B", "C"), harder: str | None = None, effect_sd: float = 0.0
) -> Dataset:
    """``n`` EI exits in 2012 whose durable exit follows :data:`TRUE` (no structure effect
    unless ``effect_sd``: a normal effect per structure on the logit scale). The ``harder``
    structure takes mostly RSA recipients and long-term job seekers."""
    rng = np.random.default_rng(seed)
    unit = rng.integers(0, len(structures), size=n)
    ids = np.asarray(structures, dtype=object)[unit]
    is_harder = ids == harder
    women = rng.random(n) < 0.45
    age = rng.choice([22, 35, 55], size=n, p=[0.25, 0.55, 0.2])
    rsa = rng.random(n) < np.where(is_harder, 0.85, 0.35)
    deld = rng.random(n) < np.where(is_harder, 0.85, 0.4)
    rqth = rng.random(n) < 0.1
    eta = (
        TRUE["const"]
        + TRUE["women"] * women
        + TRUE["under_26"] * (age < 26)
        + TRUE["over_50"] * (age >= 50)
        + TRUE["rsa"] * rsa
        + TRUE["deld"] * deld
        + TRUE["rqth"] * rqth
    )
    eta = eta + (rng.normal(0, effect_sd, size=len(structures))[unit] if effect_sd else 0)
    durable = rng.random(n) < 1 / (1 + np.exp(-eta))
    # non-durable exits: half transitional (dynamic), half unemployed
    reason = np.where(durable, 3, np.where(rng.random(n) < 0.5, 10, 7))
    participants = pd.DataFrame(
        {
            "person_id": pd.Series([f"P{i:06d}" for i in range(n)], dtype="str"),
            "structure_id": pd.Series(ids, dtype="str"),
            "kind": pd.Series(["EI"] * n, dtype="str"),
            "entry_date": pd.Series(pd.Timestamp("2011-06-01"), index=range(n)).astype("datetime64[us]"),
            "exit_date": pd.Series(pd.Timestamp("2012-03-01"), index=range(n)).astype("datetime64[us]"),
            "exit_reason": pd.Series(reason, dtype="Int64"),
            "sex": pd.Series(np.where(women, "F", "M"), dtype="str"),
            "birth_year": pd.Series(2011 - age, dtype="int64"),
            "rsa": pd.Series(rsa, dtype="bool"),
            "deld": pd.Series(deld, dtype="boolean"),
            "rqth": pd.Series(rqth, dtype="boolean"),
            "hours_worked": pd.Series(np.nan, index=range(n), dtype="float64"),
            "education_level": pd.Series([None] * n, dtype="str"),
        }
    )
    structures_frame = pd.DataFrame(
        {
            "structure_id": pd.Series(structures, dtype="str"),
            "name": pd.Series([f"Structure {s}" for s in structures], dtype="str"),
            "siret": pd.Series([None] * len(structures), dtype="str"),
            "kinds": pd.Series([("EI",)] * len(structures), dtype=object),
            "commune": pd.Series(["Gap"] * len(structures), dtype="str"),
            "territory": pd.Series(["Gapençais"] * len(structures), dtype="str"),
            "activity_supports": pd.Series([()] * len(structures), dtype=object),
        }
    )
    return Dataset(
        structures=structures_frame,
        participants=participants,
        exit_reasons=builtin_exit_reasons(),
        source="tests",
    )


@pytest.fixture(scope="module")
def big() -> Dataset:
    return simulated(30_000, harder="C")


def test_the_model_recovers_known_coefficients(big):
    model = casemix.models(big, 2012)["durable"]
    assert model.fitted and model.reason is None
    assert model.n == 30_000
    assert set(model.covariates) == set(TRUE) - {"const"}
    for name, value in TRUE.items():
        assert model.coefficients.loc[name, "coef"] == pytest.approx(value, abs=0.12), name
    low, high = model.coefficients.loc["rsa", ["or_low", "or_high"]]
    assert low < np.exp(TRUE["rsa"]) < high
    assert 0.6 < model.c_statistic < 0.8


def test_observed_over_expected_is_one_at_the_departement(big):
    dep = adjusted_indicators(big, 2012, "departement").iloc[0]
    assert dep["durable_oe"] == pytest.approx(1.0, abs=1e-8)
    assert dep["dynamic_oe"] == pytest.approx(1.0, abs=1e-8)
    raw = output_indicators(big, 2012).iloc[0]
    assert dep["durable_expected_rate"] == pytest.approx(raw["durable_rate"], abs=1e-9)
    assert dep["durable_adjusted_rate"] == pytest.approx(raw["durable_rate"], abs=1e-9)


def test_a_harder_public_without_structure_effect_is_as_expected(big):
    frame = output_indicators(big, 2012, "structure")
    c, dep = frame.loc["C"], output_indicators(big, 2012).iloc[0]
    assert c["durable_rate"] < dep["durable_rate"] - 0.03  # its raw rate is clearly lower
    assert c["durable_expected_rate"] < dep["durable_rate"] - 0.03
    assert c["durable_oe"] == pytest.approx(1.0, abs=0.06)
    assert c["durable_oe_low"] < 1 < c["durable_oe_high"]
    assert c["durable_adjusted_rate"] == pytest.approx(dep["durable_rate"], abs=0.02)


def test_garwood_interval_matches_known_values():
    low, high = garwood_interval([0, 1, 10])
    assert low[0] == 0 and high[0] == pytest.approx(3.688879, abs=1e-5)
    assert low[1] == pytest.approx(0.025318, abs=1e-5) and high[1] == pytest.approx(5.571643, abs=1e-5)
    assert low[2] == pytest.approx(4.795389, abs=1e-5) and high[2] == pytest.approx(18.390356, abs=1e-5)


def test_scope_figures_follow_their_definitions(big):
    model = casemix.models(big, 2012)["durable"]
    pop = model.population
    a = pop.structure_id == "A"
    o, e, n = pop.outcomes["durable"][a].sum(), model.expected[a].sum(), a.sum()
    low, high = garwood_interval([o])
    row = adjusted_indicators(big, 2012, "structure").loc["A"]
    assert row["durable_expected_rate"] == pytest.approx(e / n)
    assert row["durable_oe"] == pytest.approx(o / e)
    assert row["durable_oe_low"] == pytest.approx(low[0] / e)
    assert row["durable_oe_high"] == pytest.approx(high[0] / e)
    assert row["durable_adjusted_rate"] == pytest.approx(o / e * model.rate)


def test_fewer_than_50_exits_is_not_fitted_and_every_key_is_null():
    tiny = simulated(40)
    model = casemix.models(tiny, 2012)["durable"]
    assert not model.fitted and "50" in model.reason and model.coefficients.empty
    frame = output_indicators(tiny, 2012, "structure")
    assert frame[list(ADJUSTED_KEYS)].isna().all(axis=None)
    assert frame["durable_rate"].notna().all()


def test_a_perfectly_separating_dummy_stops_the_model():
    ds = simulated(400, seed=3)
    p = ds.participants.copy()
    p.loc[p["rqth"].astype(bool), "exit_reason"] = 3  # every RQTH exit is durable
    ds = Dataset(structures=ds.structures, participants=p, exit_reasons=ds.exit_reasons)
    model = casemix.models(ds, 2012)["durable"]
    assert not model.fitted and "rqth" in model.reason.lower()
    assert adjusted_indicators(ds, 2012, "structure")[list(ADJUSTED_KEYS)].isna().all(axis=None)


def test_a_structure_without_exits_has_null_keys():
    ds = simulated(500, structures=("A", "B", "Z"))
    p = ds.participants
    ds = Dataset(
        structures=ds.structures,
        participants=p[p["structure_id"] != "Z"].reset_index(drop=True),
        exit_reasons=ds.exit_reasons,
    )
    frame = adjusted_indicators(ds, 2012, "structure")
    assert frame.loc["Z"].isna().all() and frame.loc["A"].notna().all()


def test_constant_dummies_are_dropped_and_education_is_used_when_filled():
    ds = simulated(3000, seed=5)
    p = ds.participants.copy()
    p["rqth"] = pd.Series(False, index=p.index, dtype="boolean")
    levels = np.random.default_rng(0).choice(["infra_3", "3", "4", "5_plus", None], size=len(p))
    p["education_level"] = pd.Series(levels, dtype="str")
    ds = Dataset(structures=ds.structures, participants=p, exit_reasons=ds.exit_reasons)
    model = casemix.models(ds, 2012)["durable"]
    assert model.fitted
    assert "rqth" not in model.covariates
    assert {"education_infra_3", "education_4", "education_5_plus", "education_unknown"} <= set(
        model.covariates
    )
    assert "education_3" not in model.covariates


def test_the_bilan_pools_its_years_with_year_dummies():
    ds = load_dataset(SAMPLE)
    pooled = casemix.models(ds, (2010, 2011, 2012))["durable"]
    single = [casemix.models(ds, y)["durable"].n for y in (2010, 2011, 2012)]
    assert pooled.fitted and pooled.n == sum(single)
    assert {"year_2011", "year_2012"} <= set(pooled.covariates) and "year_2010" not in pooled.covariates


def _examined_exits(ds: Dataset, year: int) -> pd.DataFrame:
    """The examined exits of ``year`` under the default rules, written again from the docs."""
    p = ds.participants
    p = p[p["exit_date"].dt.year == year].copy()
    months_ok = p["exit_date"] >= p["entry_date"] + pd.DateOffset(months=3)
    hours_ok = p["hours_worked"].fillna(-1) >= 150
    ok = np.select(
        [p["kind"].isin(["ACI", "EI"]), p["kind"].isin(["AI", "ETTI"])], [months_ok, hours_ok], True
    )
    category = p["exit_reason"].astype("int64").map(ds.exit_reasons.set_index("code")["category"])
    p = p[ok.astype(bool) & (category != "retrait").to_numpy()]
    return p.assign(category=category)


def test_the_cli_json_equals_an_independent_newton_fit():
    ds = load_dataset(SAMPLE)
    exits = _examined_exits(ds, 2012)
    age = exits["entry_date"].dt.year - exits["birth_year"]
    x = pd.DataFrame(
        {
            "women": exits["sex"] == "F",
            "under_26": age < 26,
            "over_50": age >= 50,
            "rsa": exits["rsa"].astype(bool),
            "deld": exits["deld"].fillna(False).astype(bool),
            "rqth": exits["rqth"].fillna(False).astype(bool),
        }
    ).astype(float)
    x = x.loc[:, x.nunique() > 1]
    design = np.column_stack([np.ones(len(x)), x.to_numpy()])
    y = (exits["category"] == "emploi_durable").to_numpy(dtype=float)
    beta = np.zeros(design.shape[1])
    for _ in range(50):  # Newton-Raphson on the log-likelihood
        p = 1 / (1 + np.exp(-design @ beta))
        beta += np.linalg.solve(design.T @ (design * (p * (1 - p))[:, None]), design.T @ (y - p))
    p = 1 / (1 + np.exp(-design @ beta))
    by = pd.DataFrame({"s": exits["structure_id"].to_numpy(), "y": y, "p": p}).groupby("s").sum()

    result = CliRunner().invoke(
        cli, ["indicators", "--data", str(SAMPLE), "--year", "2012", "--by", "structure", "--format", "json"]
    )
    assert result.exit_code == 0, result.output
    records = {r["key"]: r for r in json.loads(result.output)}
    assert len(by) > 5
    for sid, row in by.iterrows():
        n = int((exits["structure_id"] == sid).sum())
        assert records[sid]["exits_examined"] == n
        assert records[sid]["durable_expected_rate"] == pytest.approx(row["p"] / n, rel=1e-6), sid
        assert records[sid]["durable_oe"] == pytest.approx(row["y"] / row["p"], rel=1e-6), sid
    keys = list(records["S01"])[3:]
    assert keys[: len(INDICATOR_KEYS)] == list(INDICATOR_KEYS)  # the keys of §5 first, in order
    assert keys[len(INDICATOR_KEYS) : len(INDICATOR_KEYS) + len(ADJUSTED_KEYS)] == list(ADJUSTED_KEYS)


def test_the_fit_is_kept_per_dataset_year_and_rules(big):
    first = casemix.models(big, 2012)
    again = casemix.models(big, 2012)
    assert first["durable"] is again["durable"]


def test_a_separation_by_several_covariates_together_stops_the_model():
    ds = simulated(600, seed=4)
    p = ds.participants.copy()
    together = (p["sex"] == "F").astype(int) + p["rsa"].astype(int) + p["deld"].astype(bool).astype(int)
    p["exit_reason"] = pd.Series(np.where(together >= 2, 3, 7), dtype="Int64")  # no single dummy separates
    ds = Dataset(structures=ds.structures, participants=p, exit_reasons=ds.exit_reasons)
    model = casemix.models(ds, 2012)["durable"]
    assert not model.fitted and "séparent parfaitement" in model.reason
    assert adjusted_indicators(ds, 2012, "structure")[list(ADJUSTED_KEYS)].isna().all(axis=None)
