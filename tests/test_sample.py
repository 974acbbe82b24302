"""The synthetic Hautes-Alpes sample: determinism, format, and the figures it must show."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from iae_eval.cli import cli
from iae_eval.data import sample as sample_mod
from iae_eval.data.dataset import TABLES
from iae_eval.data.reference import (
    ACTION_STATUSES,
    ACTIONS,
    ACTIVITY_SUPPORTS,
    CLAUSE_TYPES,
    DURABLE_TARGET,
    DYNAMIC_TARGET,
    FUNDERS,
    FUNDING_NATURES,
    SD_CRITERIA,
    TERRITORIES,
    builtin_exit_reasons,
)
from iae_eval.data.sample import SAMPLE_COMMENTARIES, SAMPLE_TABLES, generate_sample
from iae_eval.data.siret import luhn_check_digit, luhn_valid
from iae_eval.sections import commentary

SAMPLE_DIR = Path(__file__).resolve().parents[1] / "data" / "sample"
YEARS = range(2009, 2014)


def _read(folder: Path, table: str) -> pd.DataFrame:
    """A table as written: every cell a string, empty cells as ''."""
    return pd.read_csv(folder / f"{table}.csv", dtype=str, keep_default_na=False, encoding="utf-8")


def _participants(folder: Path) -> pd.DataFrame:
    p = _read(folder, "participants")
    p["entry"] = pd.to_datetime(p["entry_date"], format="%Y-%m-%d")
    p["exit"] = pd.to_datetime(p["exit_date"].replace("", None), format="%Y-%m-%d")
    p["hours"] = pd.to_numeric(p["hours_worked"].replace("", None))
    p["age"] = p["entry"].dt.year - p["birth_year"].astype(int)
    return p


def _active(p: pd.DataFrame, year: int) -> pd.DataFrame:
    """Pathways active in ``year`` (DATA_CONTRACT §5)."""
    return p[(p["entry"] <= f"{year}-12-31") & (p["exit"].isna() | (p["exit"] >= f"{year}-01-01"))]


def _people_per_year(p: pd.DataFrame) -> dict[int, int]:
    return {y: _active(p, y)["person_id"].nunique() for y in YEARS}


@pytest.fixture(scope="module")
def committed() -> Path:
    assert SAMPLE_DIR.is_dir(), "data/sample/ is missing: run generate_sample('data/sample')"
    return SAMPLE_DIR


@pytest.fixture(scope="module")
def participants(committed: Path) -> pd.DataFrame:
    return _participants(committed)


# --- determinism and file format --------------------------------------------------------------
def test_regenerating_gives_byte_identical_files(tmp_path: Path, committed: Path) -> None:
    out = tmp_path / "sample"
    paths = generate_sample(out)  # default seed 2013, scale 1
    assert [p.name for p in paths] == [f"{t}.csv" for t in SAMPLE_TABLES]
    assert all(p.parent == out.resolve() for p in paths)
    assert sorted(p.name for p in committed.glob("*.csv")) == sorted(p.name for p in paths)
    for path in paths:
        assert path.read_bytes() == (committed / path.name).read_bytes(), path.name
    # the staging folder is gone
    assert [p.name for p in tmp_path.iterdir()] == ["sample"]


def test_the_sample_commentaries_are_the_packaged_ones(tmp_path: Path, committed: Path) -> None:
    """``data/sample/commentaires/`` is what ``iae-eval sample`` writes with the defaults: edit the
    package's ``iae_eval/data/sample_commentaries/``, then run ``make sample``."""
    result = CliRunner().invoke(cli, ["sample", "--out", str(tmp_path / "sample")])
    assert result.exit_code == 0, result.output
    written = tmp_path / "sample" / "commentaires"
    names = sorted(p.relative_to(written) for p in written.rglob("*") if p.is_file())
    assert names == sorted(p.relative_to(SAMPLE_COMMENTARIES) for p in SAMPLE_COMMENTARIES.rglob("*.md"))
    in_repository = committed / "commentaires"
    assert names == sorted(p.relative_to(in_repository) for p in in_repository.rglob("*") if p.is_file())
    assert Path("public/2012/departement.md") in names
    for name in names:
        assert (written / name).read_bytes() == (committed / "commentaires" / name).read_bytes(), name
    assert f"{len(SAMPLE_TABLES) + len(names)} fichiers écrits" in result.output
    assert sample_mod.COMMENTARY_FOLDER == commentary.FOLDER  # where the reports read them
    # another seed or size: the commentaries, which quote the default sample's figures, are not written
    CliRunner().invoke(cli, ["sample", "--out", str(tmp_path / "other"), "--seed", "7"])
    assert not (tmp_path / "other" / "commentaires").exists()


def test_a_different_seed_gives_different_participants(tmp_path: Path, committed: Path) -> None:
    generate_sample(tmp_path, seed=7)
    other = (tmp_path / "participants.csv").read_bytes()
    assert other != (committed / "participants.csv").read_bytes()
    # the action plan is not random
    assert (tmp_path / "action_plan.csv").read_bytes() == (committed / "action_plan.csv").read_bytes()


@pytest.mark.parametrize("table", SAMPLE_TABLES)
def test_csv_format(committed: Path, table: str) -> None:
    raw = (committed / f"{table}.csv").read_bytes()
    assert not raw.startswith(b"\xef\xbb\xbf")
    assert b"\r" not in raw
    assert raw.endswith(b"\n")
    text = raw.decode("utf-8")
    written = [c for c in TABLES[table].column_names if c not in sample_mod.LEFT_OUT_COLUMNS.get(table, ())]
    assert text.split("\n", 1)[0] == ",".join(written)
    frame = _read(committed, table)
    assert len(frame) > 0
    for column in frame.columns:  # no float noise such as 12.000000001 or 'nan'
        assert not frame[column].isin(["nan", "NaN", "None", "NaT", "True", "False"]).any(), column


def test_no_exit_reasons_table_is_written(committed: Path) -> None:
    assert not (committed / "exit_reasons.csv").exists()


def test_failure_leaves_no_half_written_dataset(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    calls = []
    real_write = sample_mod._write_table

    def failing_write(folder: Path, table: sample_mod._Table) -> Path:
        calls.append(table.name)
        if len(calls) == 3:
            raise OSError("disk full")
        return real_write(folder, table)

    monkeypatch.setattr(sample_mod, "_write_table", failing_write)
    out = tmp_path / "out"
    with pytest.raises(OSError, match="disk full"):
        generate_sample(out)
    assert not out.exists()
    assert list(tmp_path.iterdir()) == []


# --- structures ---------------------------------------------------------------------------------
def test_structures(committed: Path) -> None:
    s = _read(committed, "structures")
    assert len(s) == 14
    assert s["structure_id"].is_unique
    kinds = s["kinds"].str.split("|")
    counts = kinds.explode().value_counts().to_dict()
    assert counts == {"ACI": 9, "AI": 2, "EI": 3, "ETTI": 1}
    assert int(kinds.map(len).sum()) == 15
    assert (kinds.map(len) == 2).sum() == 1
    assert set(s["territory"]) == set(TERRITORIES)
    for commune, territory in zip(s["commune"], s["territory"], strict=True):
        assert sample_mod.COMMUNE_TERRITORY[commune] == territory
    assert all(luhn_valid(v) for v in s["siret"])
    assert s["siret"].is_unique
    supports = s["activity_supports"].str.split("|").explode()
    assert set(supports) <= set(ACTIVITY_SUPPORTS)
    assert {"batiment", "dechets", "tourisme_vert"} <= set(supports)


# --- participants -------------------------------------------------------------------------------
def test_participants_follow_the_contract(participants: pd.DataFrame, committed: Path) -> None:
    p = participants
    s = _read(committed, "structures").set_index("structure_id")
    assert not p.duplicated(["person_id", "structure_id", "entry_date"]).any()
    assert p["person_id"].str.fullmatch(r"P\d{6}").all()
    assert p["structure_id"].isin(s.index).all()
    pairs = zip(p["structure_id"], p["kind"], strict=True)
    assert all(kind in s.at[sid, "kinds"].split("|") for sid, kind in pairs)
    has_exit = p["exit"].notna()
    assert (p.loc[has_exit, "exit"] >= p.loc[has_exit, "entry"]).all()
    assert (p.loc[has_exit, "exit_reason"] != "").all()
    assert (p.loc[~has_exit, "exit_reason"] == "").all()
    codes = set(builtin_exit_reasons()["code"].astype(str))
    assert set(p.loc[has_exit, "exit_reason"]) <= codes
    assert p["age"].between(16, 80).all()
    assert p["age"].between(18, 62).mean() > 0.9
    assert set(p["sex"]) == {"F", "M"}
    assert set(p["rsa"]) == {"oui", "non"}
    assert set(p["deld"]) == {"oui", "non", ""}
    assert set(p["rqth"]) == {"oui", "non", ""}
    assert (p["hours"].dropna() >= 0).all()
    assert p["entry"].dt.year.min() == 2008
    assert p["entry"].dt.year.max() == 2013
    # 2008 entries are there because they were still running in 2009
    started_2008 = p[p["entry"].dt.year == 2008]
    assert (started_2008["exit"].isna() | (started_2008["exit"] >= "2009-01-01")).all()
    assert (~has_exit).sum() > 0


def test_people_with_two_pathways(participants: pd.DataFrame) -> None:
    p = participants
    counts = p.groupby("person_id").size()
    several = p[p["person_id"].isin(counts[counts > 1].index)]
    assert several["person_id"].nunique() >= 10
    by_person = several.groupby("person_id")
    assert (by_person["structure_id"].nunique() > 1).any()  # another structure
    same_structure = several[by_person["structure_id"].transform("nunique") == 1]
    assert (same_structure.groupby("person_id")["kind"].nunique() > 1).any()  # dual structure
    assert (same_structure.groupby("person_id")["kind"].nunique() == 1).any()  # re-entry


def test_people_per_year_and_publics(participants: pd.DataFrame) -> None:
    p = participants
    rsa_shares = []
    for year in YEARS:
        active = _active(p, year)
        people = active["person_id"].nunique()
        assert 400 <= people <= 500, (year, people)
        share = active.loc[active["rsa"] == "oui", "person_id"].nunique() / people
        assert 0.3 <= share <= 0.5, (year, share)
        rsa_shares.append(share)
        women = active.loc[active["sex"] == "F", "person_id"].nunique() / people
        assert 0.3 <= women <= 0.5, (year, women)
        young = active.loc[active["age"] < 26, "person_id"].nunique() / people
        assert 0.12 <= young <= 0.3, (year, young)
        seniors = active.loc[active["age"] >= 50, "person_id"].nunique() / people
        assert 0.08 <= seniors <= 0.25, (year, seniors)
    assert rsa_shares[-1] > rsa_shares[0]


def test_hours_and_short_exits(participants: pd.DataFrame) -> None:
    p = participants
    exited = p[p["exit"].notna()]
    hours_kinds = exited[exited["kind"].isin(["AI", "ETTI"])]
    assert hours_kinds["hours"].notna().all()
    assert p.loc[p["kind"] == "AI", "hours"].max() <= 480
    assert p.loc[p["kind"] == "ETTI", "hours"].max() > 480
    assert (hours_kinds["hours"] < 150).any()
    months = exited[exited["kind"].isin(["ACI", "EI"])]
    assert (months["exit"] < months["entry"] + pd.DateOffset(months=3)).any()
    assert (months["exit"] <= months["entry"] + pd.DateOffset(months=24)).all()


def _rates_by_structure(p: pd.DataFrame) -> pd.DataFrame:
    """Durable and dynamic rates over 2009-2013 per structure, computed by hand."""
    categories = builtin_exit_reasons().set_index("code")["category"]
    exits = p[p["exit"].notna() & p["exit"].dt.year.between(2009, 2013)].copy()
    by_months = exits["exit"] >= exits["entry"] + pd.DateOffset(months=3)
    by_hours = exits["hours"] >= 150
    examinable = by_months.where(exits["kind"].isin(["ACI", "EI"]), by_hours)
    exits = exits[examinable.astype(bool)]
    exits["category"] = exits["exit_reason"].astype(int).map(categories)
    table = exits.groupby("structure_id")["category"].value_counts().unstack(fill_value=0)
    examined = table.sum(axis=1) - table.get("retrait", 0)
    durable = table.get("emploi_durable", 0)
    dynamic = durable + table.get("emploi_transition", 0) + table.get("sortie_positive", 0)
    return pd.DataFrame({"examined": examined, "durable": durable / examined, "dynamic": dynamic / examined})


def test_exit_mixes_straddle_the_targets(participants: pd.DataFrame) -> None:
    rates = _rates_by_structure(participants)
    assert len(rates) == 14
    assert (rates["examined"] >= 20).all()
    assert (rates["durable"] > DURABLE_TARGET).any() and (rates["durable"] < DURABLE_TARGET).any()
    assert (rates["dynamic"] > DYNAMIC_TARGET).any() and (rates["dynamic"] < DYNAMIC_TARGET).any()
    categories = builtin_exit_reasons().set_index("code")["category"]
    reasons = participants.loc[participants["exit"].notna(), "exit_reason"].astype(int)
    assert (reasons.map(categories) == "retrait").sum() > 0


# --- contracts, operations, funding ----------------------------------------------------------------
def test_contracts(committed: Path) -> None:
    c = _read(committed, "contracts")
    s = _read(committed, "structures")
    assert c["contract_id"].is_unique
    c["clause"] = c["social_clause"].map({"oui": True, "non": False})
    assert c["clause"].notna().all()
    per_year = c.groupby("year").agg(total=("clause", "size"), share=("clause", "mean"))
    assert list(per_year.index) == [str(y) for y in YEARS]
    assert per_year["total"].between(40, 80).all()
    assert per_year.loc["2009", "share"] < 0.06
    assert 0.10 <= per_year.loc["2013", "share"] <= 0.15
    assert per_year["share"].is_monotonic_increasing
    with_clause, without = c[c["clause"]], c[~c["clause"]]
    assert set(with_clause["clause_type"]) <= set(CLAUSE_TYPES)
    assert (without[["clause_type", "hours_planned", "hours_done", "structure_id"]] == "").all().all()
    planned = with_clause["hours_planned"].astype(float)
    done = with_clause["hours_done"].astype(float)
    assert (done / planned).between(0.75, 1.15).all()
    assert with_clause["structure_id"].isin(s["structure_id"]).mean() > 0.5
    assert with_clause.loc[with_clause["structure_id"] != "", "structure_id"].isin(s["structure_id"]).all()
    assert (c["amount_eur"].astype(float) >= 0).all()


def test_operations_and_funding(committed: Path) -> None:
    s = _read(committed, "structures")
    o = _read(committed, "operations")
    assert o["operation_id"].is_unique
    assert o["structure_id"].isin(s["structure_id"]).all()
    assert set(o["year"]) == {str(y) for y in YEARS}
    assert (o["amount_eur"] == "").any()
    f = _read(committed, "funding")
    assert f["structure_id"].isin(s["structure_id"]).all()
    assert set(f["funder"]) <= set(FUNDERS)
    assert set(f["nature"]) == set(FUNDING_NATURES)
    assert (f["amount_eur"].astype(float) > 0).all()
    assert not f.duplicated(["year", "structure_id", "funder", "nature"]).any()
    invest = f[f["nature"] == "investissement"].groupby("year").size()
    assert invest.get("2013", 0) > invest.get("2009", 0)
    aid = f[f["nature"] == "aide_au_poste"].merge(s, on="structure_id")
    assert set(aid["kinds"]) <= {"EI", "ETTI"}


# --- grid and action plan ----------------------------------------------------------------------------
def test_sd_assessment(committed: Path) -> None:
    g = _read(committed, "sd_assessment")
    assert not g.duplicated(["year", "structure_id", "criterion"]).any()
    assert set(g["criterion"]) == set(SD_CRITERIA)
    assert set(g["score"]) <= {"0", "1", "2", "3"}
    assert len(g) == len(YEARS) * 15 * len(SD_CRITERIA)  # 14 structures + the action
    assert (g["structure_id"] == "").sum() == len(YEARS) * len(SD_CRITERIA)
    means = g.assign(score=g["score"].astype(int)).groupby("year")["score"].mean()
    assert means["2013"] > means["2009"]
    assert (g["comment"] != "").any()


def test_action_plan(committed: Path) -> None:
    a = _read(committed, "action_plan")
    assert not a.duplicated(["action_id", "semester"]).any()
    assert len(a) == len(ACTIONS) * 10
    assert set(a["action_id"]) == set(ACTIONS)
    assert set(a["status"]) == set(ACTION_STATUSES)
    status = a.set_index(["action_id", "semester"])["status"]
    assert status["A1", "2011S1"] == "realise"
    assert status["A4", "2013S2"] == "abandonne"
    assert status["A9", "2012S2"] == "realise"
    late = a[a["status"].isin(["en_retard", "abandonne"])]
    assert (late["comment"] != "").mean() > 0.5


# --- scale ----------------------------------------------------------------------------------------------
def test_scale_three(tmp_path: Path, participants: pd.DataFrame) -> None:
    generate_sample(tmp_path, scale=3)
    s = _read(tmp_path, "structures")
    assert len(s) == 42
    assert s["structure_id"].is_unique and s["name"].is_unique
    kinds = s["kinds"].str.split("|").explode().value_counts().to_dict()
    assert kinds == {"ACI": 27, "AI": 6, "EI": 9, "ETTI": 3}
    assert all(luhn_valid(v) for v in s["siret"])
    big = _people_per_year(_participants(tmp_path))
    small = _people_per_year(participants)
    for year in YEARS:
        assert 2.6 <= big[year] / small[year] <= 3.4, (year, big[year], small[year])


def test_scale_must_be_positive(tmp_path: Path) -> None:
    with pytest.raises(ValueError):
        generate_sample(tmp_path / "x", scale=0)


# --- SIRET Luhn check -------------------------------------------------------------------------------------
def test_luhn_valid_known_siret() -> None:
    assert luhn_valid("73282932000074")


@pytest.mark.parametrize("position", range(14))
def test_luhn_changing_one_digit_invalidates(position: int) -> None:
    siret = "73282932000074"
    digit = int(siret[position])
    changed = siret[:position] + str((digit + 1) % 10) + siret[position + 1 :]
    assert not luhn_valid(changed)


@pytest.mark.parametrize(
    "value",
    ["", "7328293200007", "732829320000740", "7328293200007A", "732 829 320 00074", "73282932000074 ",
     "７３２８２９３２００００７４", None, 73282932000074],
)  # fmt: skip
def test_luhn_rejects_bad_shapes(value: object) -> None:
    assert not luhn_valid(value)  # type: ignore[arg-type]


def test_luhn_check_digit() -> None:
    assert luhn_check_digit("7328293200007") == "4"
    assert luhn_valid("1234567890123" + luhn_check_digit("1234567890123"))
    with pytest.raises(ValueError):
        luhn_check_digit("12a")
