"""The bad-input corpus: one defect per dataset, each rejected with its exact location."""

from __future__ import annotations

import hashlib
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from iae_eval.cli import cli
from iae_eval.data.load import load_dataset
from iae_eval.errors import DataValidationError

DATA = Path(__file__).parent / "data"
GOOD = DATA / "good"
CASES = sorted(p for p in (DATA / "bad").iterdir() if p.is_dir())


def folder_digest(folder: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted(folder.rglob("*")):
        if path.is_file():
            digest.update(path.name.encode() + path.read_bytes())
    return digest.hexdigest()


def build_case(case: Path, target: Path) -> Path:
    """The good dataset with the case's files laid over it (and its remove.txt removed)."""
    shutil.copytree(GOOD, target)
    for path in case.iterdir():
        if path.name not in ("expected.txt", "remove.txt"):
            shutil.copy(path, target / path.name)
    remove = case / "remove.txt"
    if remove.exists():
        for name in remove.read_text().split():
            (target / name).unlink()
    return target


def test_corpus_has_at_least_15_kinds():
    assert len(CASES) >= 15


def test_good_dataset_is_valid():
    result = CliRunner().invoke(cli, ["validate", "--data", str(GOOD)])
    assert result.exit_code == 0, result.output
    assert "valide — 3 structures, 6 parcours, 5 personnes" in result.output


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_bad_input_is_rejected_with_its_location(case, tmp_path):
    data = build_case(case, tmp_path / "data")
    before = folder_digest(data)
    expected = case.joinpath("expected.txt").read_text(encoding="utf-8").splitlines()

    result = CliRunner().invoke(cli, ["validate", "--data", str(data)])

    assert result.exit_code == 1, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    shown = [line.strip() for line in result.stderr.splitlines() if line.startswith("  ")]
    errors_block = shown[: len(expected)]
    assert errors_block == expected, result.stderr
    assert f"{len(expected)} erreur{'s' if len(expected) > 1 else ''} :" in result.stderr
    assert "Traceback" not in result.output
    assert folder_digest(data) == before, "an input file was modified"


@pytest.mark.parametrize("case", CASES[:3], ids=[c.name for c in CASES[:3]])
def test_python_api_raises_one_error_with_the_problem_table(case, tmp_path):
    data = build_case(case, tmp_path / "data")
    with pytest.raises(DataValidationError) as info:
        load_dataset(data)
    problems = info.value.problems
    assert list(problems.columns) == ["file", "line", "column", "value", "problem", "severity"]
    expected = case.joinpath("expected.txt").read_text(encoding="utf-8").splitlines()
    assert str(info.value).splitlines()[1:] == expected


def good_copy(tmp_path: Path) -> Path:
    return Path(shutil.copytree(GOOD, tmp_path / "data"))


def test_every_problem_is_listed_at_once(tmp_path):
    data = good_copy(tmp_path)
    text = (data / "participants.csv").read_text(encoding="utf-8")
    text = text.replace("P003,S02,EI,2012-01-01", "P003,S02,EI,2012-13-01").replace(
        "M,1995,non", "M,1995,peut-etre"
    )
    (data / "participants.csv").write_text(text, encoding="utf-8")
    (data / "funding.csv").write_text(
        (GOOD / "funding.csv").read_text().replace("9681", "-1"), encoding="utf-8"
    )
    result = CliRunner().invoke(cli, ["validate", "--data", str(data)])
    assert result.exit_code == 1
    assert "3 erreurs :" in result.stderr
    for fragment in (
        "funding.csv:ligne 3: amount_eur",
        "participants.csv:ligne 4: entry_date: 2012-13-01",
        "participants.csv:ligne 7: rsa: peut-etre",
    ):
        assert fragment in result.stderr


def test_screen_is_capped_and_full_list_goes_to_csv(tmp_path):
    data = good_copy(tmp_path)
    rows = (GOOD / "participants.csv").read_text(encoding="utf-8").splitlines()
    bad_rows = [f"Q{i:03d},S01,ACI,2012-01-01,,,X,1980,oui,,," for i in range(30)]
    (data / "participants.csv").write_text("\n".join(rows + bad_rows) + "\n", encoding="utf-8")
    out = tmp_path / "problems.csv"
    result = CliRunner().invoke(
        cli, ["validate", "--data", str(data), "--max-shown", "5", "--problems-csv", str(out)]
    )
    assert result.exit_code == 1
    assert "30 erreurs :" in result.stderr
    assert "… 25 autres non affichés" in result.stderr
    written = out.read_text(encoding="utf-8-sig").splitlines()
    assert written[0] == "file;line;column;value;problem;severity"
    assert len(written) == 1 + 30


def test_problems_csv_inside_the_dataset_is_refused(tmp_path):
    data = build_case(CASES[0], tmp_path / "data")
    before = folder_digest(data)
    result = CliRunner().invoke(cli, ["validate", "--data", str(data), "--problems-csv", str(data / "p.csv")])
    assert result.exit_code == 2
    assert folder_digest(data) == before


def test_warnings_do_not_fail(tmp_path):
    data = good_copy(tmp_path)
    text = (GOOD / "structures.csv").read_text(encoding="utf-8").splitlines()
    text = [text[0] + ",remarque"] + [line + ",x" for line in text[1:]]
    (data / "structures.csv").write_text("\n".join(text) + "\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["validate", "--data", str(data)])
    assert result.exit_code == 0, result.output
    assert "structures.csv:ligne 1: remarque: remarque: colonne inconnue, ignorée" in result.stderr


def test_usage_errors_exit_2(tmp_path):
    assert CliRunner().invoke(cli, ["validate", "--data", str(tmp_path / "nowhere")]).exit_code == 2
    assert CliRunner().invoke(cli, ["validate", "--bogus"]).exit_code == 2


def test_real_process_exit_codes_and_no_traceback(tmp_path):
    data = build_case(CASES[0], tmp_path / "data")
    exe = Path(sys.executable).with_name("iae-eval")
    bad = subprocess.run([exe, "validate", "--data", data], capture_output=True, text=True)
    assert bad.returncode == 1
    assert "Traceback" not in bad.stderr
    good = subprocess.run([exe, "validate", "--data", GOOD], capture_output=True, text=True)
    assert good.returncode == 0, good.stderr
