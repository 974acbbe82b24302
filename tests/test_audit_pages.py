"""The audit of a public year's HTML reports against its indicators.csv
(:mod:`iae_eval.protection.pages`): pages that print each figure as the spreadsheet does pass;
a planted figure the spreadsheet withholds is found (file, line, column), fails the command, and
is taken down at the end of a public run."""

import html
from pathlib import Path

import pytest
from click.testing import CliRunner

from iae_eval import load_dataset
from iae_eval.cli import cli
from iae_eval.indicators import catalogue
from iae_eval.indicators.exports import csv_text, year_table
from iae_eval.protection.pages import audit_pages

SAMPLE = Path(__file__).resolve().parents[1] / "data" / "sample"
YEAR = 2012
KEYS = ("exits", "exits_emploi_durable")


@pytest.fixture(scope="module")
def tables():
    dataset = load_dataset(SAMPLE)
    public = year_table(dataset, YEAR, min_cell=5, diffusion="public")
    committee = year_table(dataset, YEAR, min_cell=5, diffusion="comite")
    return public, committee


def _row(table, code):
    return table.index[(table["Périmètre"] == "Structure") & (table["Code"] == code)][0]


def _departement_page(table, codes) -> str:
    """A département report's table of structures (one line a row): name, then the KEYS."""
    head = "".join(f"<th>{catalogue.label(k)}</th>" for k in KEYS)
    lines = ["<html><body>", "<table>", f"<thead><tr><th>Structure</th>{head}</tr></thead>", "<tbody>"]
    for code in codes:
        row = _row(table, code)
        cells = "".join(f"<td>{html.escape(str(table.at[row, k]))}</td>" for k in KEYS)
        lines.append(f"<tr><td>{html.escape(table.at[row, 'Libellé'])}</td>{cells}</tr>")
    return "\n".join([*lines, "</tbody>", "</table>", "</body></html>"])


def _structure_page(table, code) -> str:
    """A structure report's table with the indicators as rows and the structure as column."""
    row = _row(table, code)
    lines = ["<html><body>", "<table>", "<thead><tr><th>Indicateur</th><th>Structure</th></tr></thead>"]
    lines += [
        f"<tr><td>{catalogue.label(k)}</td><td>{html.escape(str(table.at[row, k]))}</td></tr>" for k in KEYS
    ]
    return "\n".join([*lines, "</table>", "</body></html>"])


def _publish(folder: Path, public, departement: str, structures: dict[str, str]) -> Path:
    year = folder / str(YEAR)
    (year / "structures").mkdir(parents=True)
    (year / "indicators.csv").write_text(csv_text(public), encoding="utf-8-sig")
    (year / "departement.html").write_text(departement, encoding="utf-8")
    for code, page in structures.items():
        (year / "structures" / f"{code}.html").write_text(page, encoding="utf-8")
    return folder


def _withheld(public, key, mark):
    return [
        c
        for c in public.loc[public["Périmètre"] == "Structure", "Code"]
        if public.at[_row(public, c), key] == mark
    ]


def test_pages_that_print_each_figure_as_the_spreadsheet_pass(tables, tmp_path):
    public, _ = tables
    codes = public.loc[public["Périmètre"] == "Structure", "Code"].tolist()
    folder = _publish(
        tmp_path, public, _departement_page(public, codes), {c: _structure_page(public, c) for c in codes[:3]}
    )
    assert audit_pages(folder, YEAR) == []


def test_a_withheld_figure_printed_in_a_page_is_found_where_it_is(tables, tmp_path):
    public, committee = tables
    small = _withheld(public, "exits_emploi_durable", "< 5")[0]
    secret = next(c for c in _withheld(public, "exits", "s") if c != small)
    departement = public.copy()
    departement.loc[_row(public, small), "exits_emploi_durable"] = committee.at[
        _row(committee, small), "exits_emploi_durable"
    ]
    structure = public.copy()
    structure.loc[_row(public, secret), "exits"] = committee.at[_row(committee, secret), "exits"]
    codes = [small, secret]
    folder = _publish(
        tmp_path, public, _departement_page(departement, codes), {secret: _structure_page(structure, secret)}
    )

    findings = audit_pages(folder, YEAR)
    assert len(findings) == 2
    first, second = sorted(findings, key=lambda f: f.file)
    assert (first.file, first.line, first.column) == (
        f"{YEAR}/departement.html",
        5,
        catalogue.label("exits_emploi_durable"),
    )
    assert first.value == str(committee.at[_row(committee, small), "exits_emploi_durable"])
    assert small in first.problem and "masqué" in first.problem
    assert (second.file, second.line, second.column) == (
        f"{YEAR}/structures/{secret}.html",
        4,
        catalogue.label("exits"),
    )
    assert second.value == str(committee.at[_row(committee, secret), "exits"])


def test_the_command_fails_on_a_page_that_leaks(tables, tmp_path):
    public, committee = tables
    small = _withheld(public, "exits_emploi_durable", "< 5")[0]
    leaky = public.copy()
    leaky.loc[_row(public, small), "exits_emploi_durable"] = committee.at[
        _row(committee, small), "exits_emploi_durable"
    ]
    folder = _publish(tmp_path / "leaky", public, _departement_page(leaky, [small]), {})
    result = CliRunner().invoke(cli, ["audit", str(folder), "--year", str(YEAR)])
    assert result.exit_code == 1
    assert f"{YEAR}/departement.html:ligne 5: {catalogue.label('exits_emploi_durable')}" in result.output
    clean = _publish(tmp_path / "clean", public, _departement_page(public, [small]), {})
    assert CliRunner().invoke(cli, ["audit", str(clean), "--year", str(YEAR)]).exit_code == 0


def test_a_public_run_takes_a_leaking_page_down(tables, tmp_path):
    from iae_eval.batch import run as batch
    from iae_eval.batch.manifest import Manifest

    public, committee = tables
    secret = _withheld(public, "exits", "s")[0]
    leaky = public.copy()
    leaky.loc[_row(public, secret), "exits"] = committee.at[_row(committee, secret), "exits"]
    clean = _withheld(public, "exits", "s")[1]
    folder = _publish(
        tmp_path,
        public,
        _departement_page(public, [clean]),
        {secret: _structure_page(leaky, secret), clean: _structure_page(public, clean)},
    )
    manifest = Manifest.load(folder)
    status = {}
    page = f"{YEAR}/structures/{secret}.html"
    assert batch._audit_pages(folder, [YEAR], manifest, status, diffusion="comite") == []
    assert (folder / page).is_file()  # the committee edition is not compared

    problems = batch._audit_pages(folder, [YEAR], manifest, status, diffusion="public")
    assert [p.label for p in problems] == [f"{YEAR} · {page}"]
    assert "ligne 4" in problems[0].detail and catalogue.label("exits") in problems[0].detail
    assert not (folder / page).exists() and status == {page: "failed"}
    assert manifest.entries[page]["status"] == "failed"
    assert (folder / f"{YEAR}/structures/{clean}.html").is_file() and (
        folder / f"{YEAR}/departement.html"
    ).is_file()
