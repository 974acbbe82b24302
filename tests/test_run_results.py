"""What a run reports and keeps: the result object, the command that finishes an interrupted
run, the last good report kept (and marked out of date) when its rebuild fails, and the bilan
of the last run's period listed apart from the bilans of other periods."""

from __future__ import annotations

import html
import json
from datetime import datetime
from pathlib import Path

import nbformat
import pytest

from iae_eval.batch.manifest import MANIFEST_NAME, Manifest
from iae_eval.batch.portal import portal_html
from iae_eval.batch.run import Problem, RunResult
from iae_eval.commands import EXIT_FAILED, EXIT_INTERRUPTED, EXIT_OK
from iae_eval.commands.run import exit_code, resume_command
from test_batch import run, write_data, write_notebooks


def test_run_result_counts_and_exit_codes(tmp_path):
    status = {"a.html": "ok", "b.html": "ok", "c.html": "skipped", "d.html": "failed"}
    failed = (Problem("2012 · S1", "cellule 3: ValueError: x", "2012/notebooks/structure-S1.ipynb"),)
    result = RunResult(tmp_path, planned=6, status=status, problems=failed, interrupted=True)
    assert (result.built, result.unchanged, result.failed, result.not_reached) == (2, 1, 1, 2)
    assert exit_code(result) == EXIT_INTERRUPTED
    assert exit_code(RunResult(tmp_path, planned=4, status=status, problems=failed)) == EXIT_FAILED
    assert exit_code(RunResult(tmp_path, planned=1, status={"a.html": "ok"})) == EXIT_OK


def test_the_resume_command_is_the_same_run_without_force(tmp_path):
    command = resume_command(
        data_dir=Path("mes données"),
        years=[2009, 2010, 2011, 2013],
        structures=["S03"],
        out_dir=Path("reports"),
        jobs=None,
        notebooks_dir=None,
        rules="asp",
        diffusion="public",
        scheduler=None,
    )
    assert command == (
        "iae-eval run --data 'mes données' --years 2009-2011,2013 --structure S03 --out reports "
        "--rules asp --diffusion public"
    )


def _page(out: Path, entries: dict, run_status: dict) -> str:
    manifest = Manifest.load(out)
    for key, entry in entries.items():
        manifest.record(key, {"type": "report", **entry})
    return html.unescape(
        portal_html(out, manifest, run_status, fingerprint="f" * 64, generated=datetime(2026, 11, 30))
    )


def _bilan(first: int, last: int, built: str) -> dict:
    return {"kind": "bilan", "first_year": first, "last_year": last, "status": "ok", "built": built}


def test_only_the_last_runs_bilan_is_listed_as_the_bilan(tmp_path):
    entries = {
        "bilan-2009-2013.html": _bilan(2009, 2013, "2026-11-29T10:00:00"),
        "bilan-2012-2013.html": _bilan(2012, 2013, "2026-11-30T10:00:00"),
    }
    for name in entries:
        (tmp_path / name).write_text("x")
    page = _page(tmp_path, entries, {"bilan-2012-2013.html": "ok"})
    current, older = page.split('id="bilan"', 1)[1].split('id="bilans-anterieurs"', 1)
    assert "bilan-2012-2013.html" in current and "bilan-2009-2013.html" not in current
    assert "bilan-2009-2013.html" in older and "bilan-2012-2013.html" not in older
    # a run of one year (no bilan): the most recent bilan is the bilan
    page = _page(tmp_path, entries, {})
    current, older = page.split('id="bilan"', 1)[1].split('id="bilans-anterieurs"', 1)
    assert "bilan-2012-2013.html" in current and "bilan-2009-2013.html" in older
    single = _page(tmp_path, {"bilan-2012-2013.html": entries["bilan-2012-2013.html"]}, {})
    assert 'id="bilans-anterieurs"' not in single


def test_a_failed_rebuild_links_the_last_good_report_as_out_of_date(tmp_path):
    (tmp_path / "2012").mkdir()
    (tmp_path / "2012/departement.html").write_text("x")
    entry = {
        "kind": "departement",
        "year": 2012,
        "status": "failed",
        "error": "cellule 4: NameError: name 'x' is not defined",
        "last_good": "2026-11-29T10:00:00",
        "notebook": "2012/notebooks/departement.ipynb",
    }
    page = _page(tmp_path, {"2012/departement.html": entry}, {"2012/departement.html": "failed"})
    assert 'href="2012/departement.html"' in page and "Version périmée" in page
    assert "NameError: name 'x' is not defined" in page and "29/11/2026" in page
    (tmp_path / "2012/departement.html").unlink()
    page = _page(tmp_path, {"2012/departement.html": entry}, {"2012/departement.html": "failed"})
    assert 'href="2012/departement.html"' not in page and "Version périmée" not in page


@pytest.mark.slow
def test_a_failed_rebuild_keeps_the_last_good_report(tmp_path, capsys):
    data, notebooks, out = (
        write_data(tmp_path / "data"),
        write_notebooks(tmp_path / "notebooks"),
        tmp_path / "out",
    )
    assert run(data, notebooks, out, jobs=1) == 0
    good = (out / "2012/structures/S1.html").read_bytes()
    nb = nbformat.read(notebooks / "structure.ipynb", as_version=4)
    nb.cells.append(nbformat.v4.new_code_cell("raise ValueError('coquille')"))
    nbformat.write(nb, notebooks / "structure.ipynb")
    assert run(data, notebooks, out, jobs=1) == 1
    assert (out / "2012/structures/S1.html").read_bytes() == good
    entry = json.loads((out / MANIFEST_NAME).read_text(encoding="utf-8"))["entries"][
        "2012/structures/S1.html"
    ]
    assert entry["status"] == "failed" and entry["last_good"] and "coquille" in entry["error"]
    portal = html.unescape((out / "index.html").read_text(encoding="utf-8"))
    assert portal.count("Version périmée") == 2  # S1 and S3
    assert "ValueError: coquille" in portal
