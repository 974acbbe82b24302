"""``iae-eval run``: build the HTML reports of some years with papermill, in parallel.

The steps, in order:

1. load and validate the dataset once (bad data: the located problems, exit 1);
2. plan the reports and check every parameter against the data (:mod:`iae_eval.batch.plan`;
   a bad year or structure: one error naming the bad and the valid values, exit 1,
   nothing run and nothing written);
3. skip the reports whose inputs did not change since they were built (the manifest,
   :mod:`iae_eval.batch.manifest`), unless ``--force``;
4. run the others in worker processes, one kernel kept per worker
   (:mod:`iae_eval.batch.worker`), with a progress bar; meanwhile write each year's indicator
   tables (:mod:`iae_eval.indicators.exports`);
5. write the portal (:mod:`iae_eval.batch.portal`) and print a summary naming each failure
   (report, cell, error, executed notebook). Exit 1 if anything failed.

A failing report never stops the others. Every file is written atomically.
"""

from __future__ import annotations

import multiprocessing
import os
import sys
import time
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import click

from iae_eval.errors import DatasetNotFoundError, DataValidationError
from iae_eval.batch.manifest import Manifest, input_hash, kit_digest
from iae_eval.batch.plan import KIND_LABELS, PlanError, Report, plan_reports
from iae_eval.data.reference import DEFAULT_MIN_CELL

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2
#: Where the notebooks live: the repository's ``notebooks/`` folder (src layout).
DEFAULT_NOTEBOOKS = Path(__file__).resolve().parents[3] / "notebooks"


@dataclass(frozen=True)
class Problem:
    """A failed output, for the summary."""

    label: str
    detail: str
    path: str | None


def _notebooks_dir(explicit: Path | None) -> Path:
    if explicit is not None:
        return Path(explicit)
    if DEFAULT_NOTEBOOKS.is_dir():
        return DEFAULT_NOTEBOOKS
    return Path.cwd() / "notebooks"


def _report_hash(report: Report, notebook_bytes: bytes, fingerprint: str) -> str:
    return input_hash(
        "report", notebook_bytes, report.kind, report.parameters, report.html, fingerprint, kit_digest()
    )


def _tables_hash(year: int, fingerprint: str, min_cell: int) -> str:
    return input_hash("tables", year, fingerprint, min_cell, kit_digest())


def _report_entry(report: Report, digest: str, fingerprint: str) -> dict:
    return {
        "type": "report",
        "kind": report.kind,
        "year": report.year,
        "first_year": report.first_year,
        "last_year": report.last_year,
        "structure_id": report.structure_id,
        "label": report.label,
        "name": (
            f"{report.structure_name} ({report.structure_id})"
            if report.structure_id is not None
            else KIND_LABELS[report.kind] + ("" if report.year is not None else f" {report.period}")
        ),
        "notebook": report.executed,
        "hash": digest,
        "fingerprint": fingerprint,
    }


def _headline(table) -> dict:
    row = table[table["Périmètre"] == "Département"]
    if row.empty:
        return {}
    first = row.iloc[0]
    return {k: _plain(first.get(k)) for k in ("participants", "durable_rate", "dynamic_rate")}


def _plain(value: object) -> object:
    """A JSON-friendly scalar (numpy numbers become Python ones, NaN becomes None)."""
    if value is None or isinstance(value, str):
        return value
    try:
        number = float(value)
    except (TypeError, ValueError):
        return str(value)
    if number != number:
        return None
    return int(number) if number.is_integer() and not isinstance(value, float) else number


def _write_tables(dataset, years, out_dir, manifest, *, fingerprint, force, min_cell) -> list[Problem]:
    """Each year's indicators.xlsx/csv and headline figures; the failures, if any."""
    from iae_eval.indicators import exports as spreadsheet

    problems = []
    for year in years:
        key = f"{year}/indicators.csv"
        digest = _tables_hash(year, fingerprint, min_cell)
        outputs = (out_dir / key, out_dir / f"{year}/indicators.xlsx")
        if not force and manifest.is_current(key, digest, *outputs) and str(year) in manifest.years:
            continue
        try:
            table = spreadsheet.year_table(dataset, year, min_cell=min_cell)
            spreadsheet.write_xlsx(table, outputs[1], year=year, min_cell=min_cell)
            spreadsheet.write_csv(table, outputs[0])
            manifest.years[str(year)] = _headline(table)
            manifest.record(key, {"type": "tables", "year": year, "hash": digest, "status": "ok"})
        except Exception as exc:  # noqa: BLE001 - reported in the summary, exit 1
            manifest.record(key, {"type": "tables", "year": year, "hash": digest, "status": "failed"})
            problems.append(Problem(f"{year} · indicator tables", f"{type(exc).__name__}: {exc}", None))
    return problems


def _pool(jobs: int) -> ProcessPoolExecutor:
    from iae_eval.batch.worker import init_worker

    context = multiprocessing.get_context("fork" if sys.platform.startswith("linux") else "spawn")
    return ProcessPoolExecutor(max_workers=jobs, mp_context=context, initializer=init_worker)


def _progress(total: int):
    from tqdm import tqdm

    return tqdm(
        total=total, desc="Reports", unit="report", file=sys.stderr, disable=None, dynamic_ncols=True,
        leave=False,
    )


def run_reports(
    *,
    dataset,
    reports: list[Report],
    out_dir: Path,
    jobs: int | None = None,
    force: bool = False,
    min_cell: int = DEFAULT_MIN_CELL,
) -> tuple[dict[str, str], list[Problem], Manifest]:
    """Run ``reports`` (skipping unchanged ones) and write the tables and the portal.

    Returns the status of each report of this run (``ok``, ``failed``, ``skipped``), the
    failures and the manifest.
    """
    from iae_eval.batch.portal import write_portal
    from iae_eval.batch.worker import Job

    out_dir = out_dir.resolve()
    out_dir.mkdir(parents=True, exist_ok=True)
    fingerprint = dataset.fingerprint or input_hash(dataset.source)
    generated = datetime.now()
    manifest = Manifest.load(out_dir)
    sources = {p: p.read_bytes() for p in {r.notebook for r in reports}}

    status: dict[str, str] = {}
    todo: list[tuple[Report, str]] = []
    for report in reports:
        digest = _report_hash(report, sources[report.notebook], fingerprint)
        outputs = (out_dir / report.html, out_dir / report.executed)
        if not force and manifest.is_current(report.html, digest, *outputs):
            status[report.html] = "skipped"
        else:
            todo.append((report, digest))

    years = sorted({r.year for r in reports if r.year is not None})
    problems: list[Problem] = []
    if todo:
        jobs = max(1, min(jobs or os.cpu_count() or 1, len(todo)))
        pool = _pool(jobs)
        bar = None
        try:
            futures: dict[Future, tuple[Report, str]] = {
                pool.submit(run_job, Job(r, out_dir, fingerprint, generated)): (r, d) for r, d in todo
            }
            # The tables are written here while the workers run the notebooks.
            problems += _write_tables(
                dataset, years, out_dir, manifest, fingerprint=fingerprint, force=force, min_cell=min_cell
            )
            manifest.save()
            bar = _progress(len(todo))
            done_ok = failed = 0
            pending = set(futures)
            while pending:
                finished, pending = wait(pending, return_when=FIRST_COMPLETED)
                for future in finished:
                    report, digest = futures[future]
                    entry = _report_entry(report, digest, fingerprint)
                    try:
                        outcome = future.result()
                    except Exception as exc:  # noqa: BLE001 - a worker died
                        outcome = None
                        detail = f"{type(exc).__name__}: {exc}"
                    if outcome is not None and outcome.status == "ok":
                        done_ok += 1
                        status[report.html] = "ok"
                        entry.update(status="ok", title=outcome.title, built=generated.isoformat(timespec="seconds"),
                                     seconds=round(outcome.seconds, 2))
                    else:
                        failed += 1
                        status[report.html] = "failed"
                        if outcome is not None and outcome.failure is not None:
                            detail = outcome.failure.describe()
                        entry.update(status="failed", error=detail)
                        problems.append(Problem(report.label, detail, report.executed))
                    manifest.record(report.html, entry)
                    manifest.save()
                    bar.set_postfix(done=done_ok, failed=failed, refresh=False)
                    bar.update(1)
        except KeyboardInterrupt:
            pool.shutdown(wait=False, cancel_futures=True)
            manifest.save()
            raise
        finally:
            if bar is not None:
                bar.close()
            pool.shutdown(wait=True, cancel_futures=True)
    else:
        problems += _write_tables(
            dataset, years, out_dir, manifest, fingerprint=fingerprint, force=force, min_cell=min_cell
        )
    manifest.save()
    write_portal(out_dir, manifest, status, fingerprint=fingerprint, generated=generated, min_cell=min_cell)
    return status, problems, manifest


def run_job(job) -> object:
    """Entry point of a worker task (kept here so the pool pickles a module-level name)."""
    from iae_eval.batch.worker import run_report

    return run_report(job)


def _summary(status: dict[str, str], problems: list[Problem], out_dir: Path, seconds: float) -> None:
    built = sum(1 for s in status.values() if s == "ok")
    failed = sum(1 for s in status.values() if s == "failed")
    skipped = sum(1 for s in status.values() if s == "skipped")
    click.echo(
        f"{len(status)} report(s) in {seconds:.1f} s: {built} built, {skipped} unchanged (skipped), "
        f"{failed} failed."
    )
    click.echo(f"Portal: {out_dir / 'index.html'}")
    if problems:
        click.echo(f"{len(problems)} failure(s):")
        for p in problems:
            click.echo(f"  FAILED {p.label}: {p.detail}")
            if p.path:
                click.echo(f"    executed notebook: {out_dir / p.path}")


def run_command(
    *,
    data_dir: Path,
    years: list[int],
    structures: list[str],
    out_dir: Path,
    jobs: int | None,
    force: bool,
    notebooks_dir: Path | None = None,
    min_cell: int = DEFAULT_MIN_CELL,
) -> int:
    """``iae-eval run``: validate, plan, run, summarise; return the exit code."""
    from iae_eval.data.load import load_dataset
    from iae_eval.data.validate import echo_problems

    started = time.monotonic()
    try:
        dataset = load_dataset(data_dir)
    except DatasetNotFoundError as exc:
        click.echo(f"Error: {exc}", err=True)
        return EXIT_USAGE
    except DataValidationError as exc:
        echo_problems(exc.problems, max_shown=50, hint=" (run `iae-eval validate --problems-csv FILE` for all)")
        click.echo(f"{exc.source}: INVALID — no report was built.", err=True)
        return EXIT_FAILED
    try:
        reports = plan_reports(
            dataset,
            years=years,
            structures=structures,
            notebooks_dir=_notebooks_dir(notebooks_dir),
            data_dir=Path(data_dir),
            min_cell=min_cell,
        )
    except PlanError as exc:
        for line in exc.problems:
            click.echo(f"Error: {line}", err=True)
        click.echo("Nothing was run.", err=True)
        return EXIT_FAILED
    out_dir = Path(out_dir)
    status, problems, _ = run_reports(
        dataset=dataset, reports=reports, out_dir=out_dir, jobs=jobs, force=force, min_cell=min_cell
    )
    _summary(status, problems, out_dir, time.monotonic() - started)
    return EXIT_FAILED if problems else EXIT_OK

