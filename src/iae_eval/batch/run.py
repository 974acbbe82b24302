"""``iae-eval run``: build the HTML reports of some years with papermill, in parallel.

The steps, in order:

1. load and validate the dataset once (bad data: the located problems, exit 1);
2. plan the reports and check every parameter against the data (:mod:`iae_eval.batch.plan`;
   a bad year or structure: one error naming the bad and the valid values, exit 1,
   nothing run and nothing written);
3. skip the reports whose inputs did not change since they were built (the manifest,
   :mod:`iae_eval.batch.manifest`), unless ``--force``;
4. take the output folder's lock (:mod:`iae_eval.batch.lock`: one run per folder at a time);
5. run the others in worker processes, one kernel kept per worker (:mod:`iae_eval.batch.pool`,
   :mod:`iae_eval.batch.worker`) or on a Dask cluster (:mod:`iae_eval.batch.dask_pool`), with a
   progress bar; meanwhile write each year's indicator tables (:mod:`iae_eval.indicators.exports`);
6. write the portal (:mod:`iae_eval.batch.portal`) and print a summary naming each failure
   (report, cell, error, executed notebook). Exit 1 if anything failed.

A failing report never stops the others. Every file is written atomically. Ctrl-C (or
SIGTERM) stops the workers and their kernels, removes the temporary files, keeps in the
manifest what was finished and exits 130; the next run builds only what is missing.
"""

from __future__ import annotations

import os
import signal
import sys
import time
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import click

from iae_eval import atomic
from iae_eval.batch.lock import FolderLockedError, folder_lock
from iae_eval.batch.manifest import Manifest, input_hash, kit_digest
from iae_eval.batch.plan import KIND_LABELS, PlanError, Report, plan_reports
from iae_eval.batch.portal import HEADLINE_KEYS
from iae_eval.data.reference import DEFAULT_MIN_CELL
from iae_eval.data.rules import DEFAULT_RULES
from iae_eval.editions import DEFAULT_DIFFUSION
from iae_eval.errors import DatasetNotFoundError, DataValidationError, RulesError, SchedulerError

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2
#: Exit code after Ctrl-C (128 + SIGINT, as a shell reports it).
EXIT_INTERRUPTED = 130
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
    """Whatever the report shows depends on: its notebook, its parameters (edition and rules
    among them), the data, the kit, and the evaluator's commentary of that report only."""
    from iae_eval.sections.commentary import commentary_digest

    commentary = commentary_digest(
        report.params["data_dir"], year=report.year, structure_id=report.structure_id
    )
    return input_hash(
        "report",
        notebook_bytes,
        report.kind,
        report.parameters,
        report.html,
        fingerprint,
        commentary,
        kit_digest(),
    )


def _tables_hash(year: int, fingerprint: str, min_cell: int, rules: str, diffusion: str) -> str:
    return input_hash("tables", year, fingerprint, min_cell, rules, diffusion, kit_digest())


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
        "diffusion": report.params.get("diffusion", DEFAULT_DIFFUSION),
    }


def _headline(table) -> dict:
    row = table[table["Périmètre"] == "Département"]
    if row.empty:
        return {}
    first = row.iloc[0]
    return {k: _plain(first.get(k)) for k in HEADLINE_KEYS}


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


def _write_tables(
    dataset, years, out_dir, manifest, *, fingerprint, force, min_cell, diffusion
) -> list[Problem]:
    """Each year's indicators.xlsx/csv, synthese.csv and headline figures; the failures, if any."""
    from iae_eval.indicators import exports as spreadsheet
    from iae_eval.indicators import synthesis_exports as evaluation
    from iae_eval.report import report as settings

    problems = []
    xlsx_name, csv_name = spreadsheet.FILE_NAMES
    for year in years:
        key = f"{year}/{csv_name}"
        digest = _tables_hash(year, fingerprint, min_cell, dataset.rules, diffusion)
        outputs = (out_dir / key, out_dir / f"{year}/{xlsx_name}", out_dir / f"{year}/{evaluation.YEAR_CSV}")
        if not force and manifest.is_current(key, digest, *outputs) and str(year) in manifest.years:
            continue
        try:
            table = spreadsheet.year_table(dataset, year, min_cell=min_cell, diffusion=diffusion)
            judged = evaluation.synthesis_table(
                settings(dataset, year=year, diffusion=diffusion, min_cell=min_cell)
            )
            spreadsheet.write_xlsx(
                table, outputs[1], year=year, min_cell=min_cell, diffusion=diffusion, synthesis=judged
            )
            spreadsheet.write_csv(table, outputs[0])
            evaluation.write_csv(judged, outputs[2])
            manifest.years[str(year)] = _headline(table)
            manifest.record(
                key, {"type": "tables", "year": year, "hash": digest, "status": "ok", "diffusion": diffusion}
            )
        except Exception as exc:  # noqa: BLE001 - reported in the summary, exit 1
            manifest.record(key, {"type": "tables", "year": year, "hash": digest, "status": "failed"})
            problems.append(Problem(f"{year} · indicator tables", f"{type(exc).__name__}: {exc}", None))
    return problems


def _write_bilan_tables(
    dataset, periods, out_dir, manifest, *, fingerprint, force, min_cell, diffusion
) -> list[Problem]:
    """Each bilan's synthese-<first>-<last>.csv and bilan-<first>-<last>.xlsx; the failures."""
    from iae_eval.editions import edition
    from iae_eval.indicators import synthesis_exports as evaluation
    from iae_eval.report import report as settings

    problems = []
    for first, last in periods:
        key = evaluation.bilan_csv_name(first, last)
        digest = input_hash(
            "synthesis", first, last, fingerprint, min_cell, dataset.rules, diffusion, kit_digest()
        )
        outputs = (out_dir / key, out_dir / evaluation.bilan_xlsx_name(first, last))
        if not force and manifest.is_current(key, digest, *outputs):
            continue
        try:
            r = settings(dataset, first_year=first, last_year=last, diffusion=diffusion, min_cell=min_cell)
            judged = evaluation.synthesis_table(r)
            evaluation.write_csv(judged, outputs[0])
            evaluation.write_bilan_xlsx(
                judged, outputs[1], banner=edition(diffusion).banner, period=f"{first}-{last}"
            )
            manifest.record(key, {"type": "tables", "hash": digest, "status": "ok", "diffusion": diffusion})
        except Exception as exc:  # noqa: BLE001 - reported in the summary, exit 1
            manifest.record(key, {"type": "tables", "hash": digest, "status": "failed"})
            problems.append(Problem(f"{first}-{last} · synthèse", f"{type(exc).__name__}: {exc}", None))
    return problems


def _make_pool(jobs: int, scheduler: str | None):
    """The local worker pool, or the workers of a Dask cluster when ``scheduler`` is given."""
    if scheduler:
        from iae_eval.batch.dask_pool import DaskPool

        return DaskPool(scheduler, jobs)
    from iae_eval.batch.pool import LocalPool

    return LocalPool(jobs)


def _progress(total: int):
    from tqdm import tqdm

    return tqdm(
        total=total,
        desc="Reports",
        unit="report",
        file=sys.stderr,
        disable=None,
        dynamic_ncols=True,
        leave=False,
    )


class Interrupted(Exception):
    """Raised by :func:`run_reports` when the batch was stopped by Ctrl-C, after it cleaned up:
    workers and kernels stopped, temporary files removed, manifest and portal written."""

    def __init__(self, status: dict[str, str], problems: list[Problem]) -> None:
        self.status = status
        self.problems = problems
        super().__init__("interrupted")


def run_reports(
    *,
    dataset,
    reports: list[Report],
    out_dir: Path,
    jobs: int | None = None,
    force: bool = False,
    min_cell: int = DEFAULT_MIN_CELL,
    diffusion: str = DEFAULT_DIFFUSION,
    scheduler: str | None = None,
) -> tuple[dict[str, str], list[Problem], Manifest]:
    """Run ``reports`` (skipping unchanged ones) and write the tables and the portal.

    Returns the status of each report of this run (``ok``, ``failed``, ``skipped``; the
    reports not reached when interrupted have none), the failures and the manifest.
    Raises :class:`Interrupted` on Ctrl-C, once everything is cleaned up. The caller holds
    the output folder's lock (:mod:`iae_eval.batch.lock`).
    """
    from iae_eval.batch.portal import write_portal
    from iae_eval.batch.worker import Job

    out_dir = out_dir.resolve()
    out_dir.mkdir(parents=True, exist_ok=True)
    fingerprint = dataset.fingerprint or input_hash(dataset.source)
    generated = datetime.now()
    manifest = Manifest.load(out_dir)
    if manifest.warning:
        click.echo(f"Warning: {manifest.warning}.", err=True)
    atomic.remove_leftovers(out_dir)  # a crashed run's temporary files (we hold the lock)
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
    digests = {r.html: d for r, d in todo}
    pool = bar = None
    interrupted = False
    try:
        if todo:
            pool = _make_pool(max(1, min(jobs or os.cpu_count() or 1, len(todo))), scheduler)
            pool.submit([Job(r, out_dir, fingerprint, generated) for r, _ in todo])
        # The tables are written here while the workers run the notebooks.
        problems += _write_tables(
            dataset,
            years,
            out_dir,
            manifest,
            fingerprint=fingerprint,
            force=force,
            min_cell=min_cell,
            diffusion=diffusion,
        )
        problems += _write_bilan_tables(
            dataset,
            sorted({(r.first_year, r.last_year) for r in reports if r.kind == "bilan"}),
            out_dir,
            manifest,
            fingerprint=fingerprint,
            force=force,
            min_cell=min_cell,
            diffusion=diffusion,
        )
        manifest.save()
        if pool is not None:
            bar = _progress(len(todo))
            done_ok = failed = 0
            for done in pool.results():
                report = done.job.report
                entry = _report_entry(report, digests[report.html], fingerprint)
                outcome = done.outcome
                if outcome is not None and outcome.status == "ok":
                    done_ok += 1
                    status[report.html] = "ok"
                    entry.update(
                        status="ok",
                        title=outcome.title,
                        built=generated.isoformat(timespec="seconds"),
                        seconds=round(outcome.seconds, 2),
                    )
                else:
                    failed += 1
                    status[report.html] = "failed"
                    detail = (
                        outcome.failure.describe() if outcome is not None and outcome.failure else done.detail
                    )
                    entry.update(status="failed", error=detail)
                    problems.append(Problem(report.label, detail, report.executed))
                manifest.record(report.html, entry)
                manifest.save()
                bar.set_postfix(done=done_ok, failed=failed, refresh=False)
                bar.update(1)
            pool.close()
            pool = None
    except KeyboardInterrupt:
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # a second Ctrl-C must not cut the clean-up short
        interrupted = True
    finally:
        if bar is not None:
            bar.close()
        if pool is not None:
            pool.stop()
        atomic.remove_leftovers(out_dir)
    manifest.save()
    write_portal(
        out_dir,
        manifest,
        status,
        fingerprint=fingerprint,
        generated=generated,
        min_cell=min_cell,
        diffusion=diffusion,
        departement=dataset.departement_name,
    )
    if interrupted:
        raise Interrupted(status, problems)
    return status, problems, manifest


def _summary(
    status: dict[str, str],
    problems: list[Problem],
    out_dir: Path,
    seconds: float,
    *,
    planned: int | None = None,
) -> None:
    built = sum(1 for s in status.values() if s == "ok")
    failed = sum(1 for s in status.values() if s == "failed")
    skipped = sum(1 for s in status.values() if s == "skipped")
    total = len(status) if planned is None else planned
    missing = total - len(status)
    click.echo(
        f"{total} report(s) in {seconds:.1f} s: {built} built, {skipped} unchanged (skipped), "
        f"{failed} failed" + (f", {missing} not built (interrupted)." if planned is not None else ".")
    )
    click.echo(f"Portal: {out_dir / 'index.html'}")
    if problems:
        click.echo(f"{len(problems)} failure(s):")
        for p in problems:
            click.echo(f"  FAILED {p.label}: {p.detail}")
            if p.path:
                click.echo(f"    executed notebook: {out_dir / p.path}")


def _raise_interrupt(*_args) -> None:
    raise KeyboardInterrupt


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
    rules: str = DEFAULT_RULES,
    diffusion: str = DEFAULT_DIFFUSION,
    wait: bool = False,
    scheduler: str | None = None,
) -> int:
    """``iae-eval run``: validate, plan, lock the output folder, run, summarise; return the exit code."""
    from iae_eval.data.load import load_dataset
    from iae_eval.data.validate import echo_problems

    started = time.monotonic()
    try:
        dataset = load_dataset(data_dir, rules=rules)
    except RulesError as exc:
        click.echo(f"Error: {exc}", err=True)
        click.echo("No report was built.", err=True)
        return EXIT_FAILED
    except DatasetNotFoundError as exc:
        click.echo(f"Error: {exc}", err=True)
        return EXIT_USAGE
    except DataValidationError as exc:
        echo_problems(
            exc.problems, max_shown=50, hint=" (run `iae-eval validate --problems-csv FILE` for all)"
        )
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
            rules=dataset.rules,
            diffusion=diffusion,
        )
    except PlanError as exc:
        for line in exc.problems:
            click.echo(f"Error: {line}", err=True)
        click.echo("Nothing was run.", err=True)
        return EXIT_FAILED
    out_dir = Path(out_dir)
    previous_term = signal.signal(signal.SIGTERM, _raise_interrupt)
    previous_int = signal.getsignal(signal.SIGINT)
    try:
        with folder_lock(
            out_dir,
            wait=wait,
            on_wait=lambda holder: click.echo(
                f"Waiting for the other iae-eval run ({holder}) to finish with {out_dir}…", err=True
            ),
        ):
            status, problems, _ = run_reports(
                dataset=dataset,
                reports=reports,
                out_dir=out_dir,
                jobs=jobs,
                force=force,
                min_cell=min_cell,
                diffusion=diffusion,
                scheduler=scheduler,
            )
    except FolderLockedError as exc:
        click.echo(f"Error: {exc}.", err=True)
        return EXIT_FAILED
    except Interrupted as exc:
        _summary(exc.status, exc.problems, out_dir, time.monotonic() - started, planned=len(reports))
        click.echo(
            "Interrupted: the reports above are saved; run the same command again to build the rest.",
            err=True,
        )
        return EXIT_INTERRUPTED
    except KeyboardInterrupt:  # before any worker started (waiting for the lock)
        click.echo("Interrupted: nothing was built.", err=True)
        return EXIT_INTERRUPTED
    except SchedulerError as exc:
        click.echo(f"Error: {exc}", err=True)
        return EXIT_FAILED
    except OSError as exc:
        where = exc.filename or out_dir
        click.echo(
            f"Error: cannot write in {where}: {exc.strerror or exc}. Nothing was left half-written; "
            "fix the output folder (permissions, free space) or choose another --out, then run again.",
            err=True,
        )
        return EXIT_FAILED
    finally:
        signal.signal(signal.SIGTERM, previous_term)
        signal.signal(signal.SIGINT, previous_int)
    _summary(status, problems, out_dir, time.monotonic() - started)
    return EXIT_FAILED if problems else EXIT_OK
