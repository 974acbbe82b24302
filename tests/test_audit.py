"""``iae-eval audit``: the attacker's audit of a published year, rebuilt from indicators.csv
alone. Clean on what the kit publishes; planted leaks are found, named by file, line and column,
and fail the command."""

from pathlib import Path

import pytest
from click.testing import CliRunner

from iae_eval import load_dataset
from iae_eval.cli import cli
from iae_eval.indicators import catalogue
from iae_eval.indicators.exports import csv_text, year_table
from iae_eval.protection.audit import audit_text

SAMPLE = Path(__file__).resolve().parents[1] / "data" / "sample"
YEAR = 2012


@pytest.fixture(scope="module")
def published():
    dataset = load_dataset(SAMPLE)
    public = year_table(dataset, YEAR, min_cell=5, diffusion="public")
    committee = year_table(dataset, YEAR, min_cell=5, diffusion="comite")
    return public, committee


def _plant(public, committee, key, *, mark):
    """The public table with the first structure cell of ``key`` marked ``mark`` replaced by the
    committee's value: the line number (header = line 1) of the planted row."""
    table = public.copy()
    rows = [i for i in table.index if table.at[i, "Périmètre"] == "Structure" and table.at[i, key] == mark]
    row = rows[0]
    table.at[row, key] = committee.at[row, key]
    return table, row + 2, committee.at[row, key]


def test_what_the_kit_publishes_passes_the_audit(published):
    public, _ = published
    assert audit_text(csv_text(public), min_cell=5) == []


def test_a_small_count_printed_as_a_number_is_found(published):
    public, committee = published
    table, line, value = _plant(public, committee, "exits_emploi_durable", mark="< 5")
    findings = audit_text(csv_text(table), min_cell=5)
    planted = [f for f in findings if f.line == line and f.column == catalogue.header("exits_emploi_durable")]
    assert planted and planted[0].value == str(value) and "petit effectif publié" in planted[0].problem


def test_a_withheld_cell_printed_gives_small_counts_back(published):
    """Printing an "s" cell beside the small exits of its structure lets the reader compute or
    narrow them: the audit finds the small counts, not the planted cell (which is not small)."""
    public, committee = published
    keys = [k for k in catalogue.INDICATOR_KEYS if k.startswith("exits")]
    planted = [
        (row, key)
        for row in public.index
        if public.at[row, "Périmètre"] == "Structure"
        for key in keys
        if public.at[row, key] == "s"
    ]
    assert len(planted) >= 5
    leaking = 0
    for row, key in planted[:8]:
        table = public.copy()
        table.at[row, key] = committee.at[row, key]
        findings = audit_text(csv_text(table), min_cell=5)
        assert all(f.value.startswith("<") for f in findings)
        assert all("exactement" in f.problem or "resserré" in f.problem for f in findings)
        leaking += bool(findings)
    assert leaking >= 2


def test_the_command_fails_and_names_the_file_and_the_cell(published, tmp_path):
    public, committee = published
    table, line, _ = _plant(public, committee, "exits_emploi_durable", mark="< 5")
    (tmp_path / str(YEAR)).mkdir()
    (tmp_path / str(YEAR) / "indicators.csv").write_text(csv_text(table), encoding="utf-8-sig")
    result = CliRunner().invoke(cli, ["audit", str(tmp_path), "--year", str(YEAR)])
    assert result.exit_code == 1
    assert f"{YEAR}/indicators.csv:ligne {line}: {catalogue.header('exits_emploi_durable')}" in result.output
    clean = tmp_path / "clean"
    (clean / str(YEAR)).mkdir(parents=True)
    (clean / str(YEAR) / "indicators.csv").write_text(csv_text(public), encoding="utf-8-sig")
    assert CliRunner().invoke(cli, ["audit", str(clean), "--year", str(YEAR)]).exit_code == 0
    assert CliRunner().invoke(cli, ["audit", str(tmp_path / "none"), "--year", str(YEAR)]).exit_code == 2


def test_a_public_run_that_would_leak_writes_nothing_of_the_year(published, tmp_path, monkeypatch):
    """The run audits each public year's table before writing it: a planted leak fails the
    year (the reason lists the finding) and none of its tables is written."""
    from iae_eval.batch import run as batch
    from iae_eval.batch.manifest import Manifest
    from iae_eval.indicators import exports

    public, committee = published
    leaky, line, _ = _plant(public, committee, "exits_emploi_durable", mark="< 5")
    monkeypatch.setattr(exports, "year_table", lambda *args, **kwargs: leaky)
    problems = batch._write_tables(
        load_dataset(SAMPLE),
        [YEAR],
        tmp_path,
        Manifest.load(tmp_path),
        fingerprint="test",
        force=True,
        min_cell=5,
        diffusion="public",
    )
    assert len(problems) == 1 and f"ligne {line}" in problems[0].detail
    assert "petits effectifs" in problems[0].detail
    assert not (tmp_path / str(YEAR)).exists() or not any((tmp_path / str(YEAR)).iterdir())
