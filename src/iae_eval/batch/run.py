"""Build the HTML reports of some years with papermill, in parallel (:func:`run_reports`).

The command (:mod:`iae_eval.commands.run`) loads and validates the dataset, plans the
reports (:mod:`iae_eval.batch.plan`) and takes the output folder's lock; then this module:

1. skips the reports whose inputs did not change since they were built (the manifest,
   :mod:`iae_eval.batch.manifest`), unless ``--force``;
2. runs the others in worker processes, one kernel kept per worker (:mod:`iae_eval.batch.pool`,
   :mod:`iae_eval.batch.worker`) or on a Dask cluster (:mod:`iae_eval.batch.dask_pool`), with a
   progress bar; meanwhile writes each year's indicator tables (:mod:`iae_eval.indicators.exports`);
3. writes the portal (:mod:`iae_eval.batch.portal`) and returns a :class:`RunResult`
   (built, unchanged, failed with the reasons, interrupted), which the command prints.

A failing report never stops the others, and never removes the report built by an earlier
run: the portal marks that one as out of date, with the reason. Every file is written
atomically. Ctrl-C (or SIGTERM) stops the workers and their kernels, removes the temporary
files, keeps in the manifest what was finished; the next run builds only what is missing.
"""

from __future__ import annotations

import os
import signal
import sys
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from iae_eval import atomic
from iae_eval.batch.manifest import Manifest, input_hash, kit_digest
from iae_eval.batch.plan import KIND_LABELS, PlannedReport
from iae_eval.batch.portal import HEADLINE_KEYS
from iae_eval.data.reference import DEFAULT_MIN_CELL
from iae_eval.editions import DEFAULT_DIFFUSION


@dataclass(frozen=True)
class Problem:
    """A failed output: what (``label``), why (``detail``), the executed notebook if any."""

    label: str
    detail: str
    path: str | None


@dataclass(frozen=True)
class RunResult:
    """What a run did: the state of each report of the run (``ok`` built, ``skipped``
    unchanged, ``failed``; none for a report not reached when interrupted), the failures with
    their reasons, and the warnings (a manifest rebuilt)."""

    out_dir: Path
    planned: int
    status: dict[str, str] = field(default_factory=dict)
    problems: tuple[Problem, ...] = ()
    interrupted: bool = False
    warnings: tuple[str, ...] = ()

    def count(self, state: str) -> int:
        return sum(1 for s in self.status.values() if s == state)

    @property
    def built(self) -> int:
        return self.count("ok")

    @property
    def unchanged(self) -> int:
        return self.count("skipped")

    @property
    def failed(self) -> int:
        return self.count("failed")

    @property
    def not_reached(self) -> int:
        return self.planned - len(self.status)

    @property
    def ok(self) -> bool:
        return not self.problems and not self.interrupted


def _report_hash(report: PlannedReport, notebook_bytes: bytes, fingerprint: str) -> str:
    """Whatever the report shows depends on: its notebook, its parameters (edition and rules
    among them), the data, the kit, and the evaluator's commentary of that report only, in its
    edition (the public edition's file for a public report)."""
    from iae_eval.sections.commentary import commentary_digest

    commentary = commentary_digest(
        report.params["data_dir"],
        year=report.year,
        structure_id=report.structure_id,
        diffusion=report.params.get("diffusion", DEFAULT_DIFFUSION),
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


def commentary_warnings(reports: list[PlannedReport], *, min_cell: int) -> list[str]:
    """One warning per number from 1 to ``min_cell − 1`` quoted by a public report's commentary
    ("commentaires/public/2012/S03.md:line 3: « sur 4 sorties examinées » : …"), each file once.
    The text is published as written: the evaluator decides."""
    from iae_eval.editions import edition
    from iae_eval.sections.commentary import commentary_sources, small_numbers

    warnings, seen = [], set()
    for report in reports:
        diffusion = report.params.get("diffusion", DEFAULT_DIFFUSION)
        if not edition(diffusion).suppresses:
            continue
        data_dir = report.params["data_dir"]
        for path in commentary_sources(
            data_dir, year=report.year, structure_id=report.structure_id, diffusion=diffusion
        ):
            if path not in seen:
                seen.add(path)
                warnings += [q.message(data_dir, min_cell) for q in small_numbers(path, min_cell=min_cell)]
    return warnings


def _tables_hash(year: int, fingerprint: str, min_cell: int, rules: str, diffusion: str) -> str:
    return input_hash("tables", year, fingerprint, min_cell, rules, diffusion, kit_digest())


def _report_entry(report: PlannedReport, digest: str, fingerprint: str) -> dict:
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
    from iae_eval.sections import sheets

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
            _audit_before_writing(spreadsheet.csv_text(table), key, min_cell=min_cell, diffusion=diffusion)
            funnel = spreadsheet.funnel_table(dataset, year, min_cell=min_cell, diffusion=diffusion)
            rep = settings(dataset, year=year, diffusion=diffusion, min_cell=min_cell)
            judged = evaluation.synthesis_table(rep)
            spreadsheet.write_xlsx(
                table,
                outputs[1],
                year=year,
                min_cell=min_cell,
                diffusion=diffusion,
                funnel=funnel,
                synthesis=judged,
                structure_sheets=sheets.structure_sheets(rep),
            )
            spreadsheet.write_csv(table, outputs[0])
            evaluation.write_csv(judged, outputs[2])
            manifest.years[str(year)] = _headline(table)
            manifest.record(
                key, {"type": "tables", "year": year, "hash": digest, "status": "ok", "diffusion": diffusion}
            )
        except Exception as exc:  # noqa: BLE001 - reported in the summary, exit 1
            manifest.record(key, {"type": "tables", "year": year, "hash": digest, "status": "failed"})
            problems.append(Problem(f"{year} · tableaux d'indicateurs", f"{type(exc).__name__}: {exc}", None))
    return problems


def _write_year_decisions(dataset, years, out_dir, *, min_cell: int, diffusion: str) -> list[Problem]:
    """In an edition that protects small counts, decide each year once (the years side by side,
    one process a core) and keep the decisions in the output folder, where the tables and the
    reports' kernels read them (:mod:`iae_eval.protection.table`); the years that cannot be
    decided, as problems (nothing of theirs is published). The folder is emptied first: a
    decision is never read from an earlier run."""
    import shutil
    from concurrent.futures import ProcessPoolExecutor
    from multiprocessing import get_context

    from tqdm import tqdm

    from iae_eval.editions import edition
    from iae_eval.protection.table import STORE_DIR, use_store, write_table

    store = out_dir / STORE_DIR
    shutil.rmtree(store, ignore_errors=True)
    if not edition(diffusion).suppresses:
        use_store(None)
        return []
    use_store(store)
    problems = []
    jobs = max(1, min(os.cpu_count() or 1, len(years)))
    with ProcessPoolExecutor(jobs, mp_context=get_context("fork")) as pool:
        futures = {year: pool.submit(write_table, store, dataset, year, min_cell) for year in years}
        bar = tqdm(
            futures.items(), desc="Protection", unit="année", file=sys.stderr, disable=None, leave=False
        )
        for year, future in bar:
            try:
                future.result()
            except Exception as exc:  # noqa: BLE001 - reported in the summary, exit 1
                label = f"{year} · protection de l'édition publique"
                problems.append(Problem(label, f"{type(exc).__name__}: {exc}", None))
    return problems


class PublicationLeak(RuntimeError):
    """The public edition of a year would let a reader work a small count out."""


def _audit_before_writing(text: str, shown: str, *, min_cell: int, diffusion: str) -> None:
    """Audit a public year's indicators.csv as a reader would (:mod:`iae_eval.protection.audit`)
    before anything of the year is written; raise :class:`PublicationLeak` (in French, every
    finding) if a reader can work a small count out."""
    from iae_eval.editions import edition
    from iae_eval.protection.audit import audit_text

    if not edition(diffusion).suppresses:
        return
    findings = audit_text(text, min_cell=min_cell, shown=shown)
    if findings:
        listed = "; ".join(str(f) for f in findings[:10])
        more = f" (et {len(findings) - 10} autres)" if len(findings) > 10 else ""
        raise PublicationLeak(f"la publication laisserait déduire de petits effectifs : {listed}{more}")


def _audit_pages(out_dir: Path, years, manifest, status: dict[str, str], *, diffusion: str) -> list[Problem]:
    """At the end of a public run, read each year's HTML reports against the year's
    indicators.csv (:mod:`iae_eval.protection.pages`): a page that prints a figure otherwise
    than the spreadsheet is taken down (removed, recorded as failed), one problem a page
    naming its cells. Nothing is taken down in an edition that does not protect."""
    from iae_eval.editions import edition
    from iae_eval.protection.audit import FILE_NAME
    from iae_eval.protection.pages import audit_pages

    if not edition(diffusion).suppresses:
        return []
    problems = []
    for year in years:
        if not (out_dir / str(year) / FILE_NAME).is_file():
            continue  # the year's tables failed: already a problem, and nothing to compare with
        by_page: dict[str, list] = {}
        for finding in audit_pages(out_dir, year):
            by_page.setdefault(finding.file, []).append(finding)
        for page, findings in by_page.items():
            entry = dict(manifest.entries.get(page, {}))
            for leaking in (page, entry.get("notebook")):  # the executed notebook shows the same tables
                if leaking:
                    (out_dir / leaking).unlink(missing_ok=True)
            status[page] = "failed"
            listed = "; ".join(str(f) for f in findings[:10])
            more = f" (et {len(findings) - 10} autres)" if len(findings) > 10 else ""
            detail = f"rapport retiré : il publie autrement que {year}/{FILE_NAME} : {listed}{more}"
            entry.update(status="failed", error=detail, hash="")
            entry.pop("last_good", None)  # removed: there is no earlier page left to show
            manifest.record(page, entry)
            problems.append(Problem(f"{year} · {page}", detail, None))
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
            rep = settings(dataset, first_year=first, last_year=last, diffusion=diffusion, min_cell=min_cell)
            judged = evaluation.synthesis_table(rep)
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
        desc="Rapports",
        unit="rapport",
        file=sys.stderr,
        disable=None,
        dynamic_ncols=True,
        leave=False,
    )


def run_reports(
    *,
    dataset,
    reports: list[PlannedReport],
    out_dir: Path,
    jobs: int | None = None,
    force: bool = False,
    min_cell: int = DEFAULT_MIN_CELL,
    diffusion: str = DEFAULT_DIFFUSION,
    scheduler: str | None = None,
) -> RunResult:
    """Run ``reports`` (skipping unchanged ones) and write the tables and the portal.

    On Ctrl-C the result says ``interrupted``, once everything is cleaned up. The caller
    holds the output folder's lock (:mod:`iae_eval.batch.lock`).
    """
    from iae_eval.batch.portal import write_portal
    from iae_eval.batch.worker import Job
    from iae_eval.data import kept as kept_data
    from iae_eval.protection.table import use_store

    out_dir = out_dir.resolve()
    out_dir.mkdir(parents=True, exist_ok=True)
    fingerprint = dataset.fingerprint or input_hash(dataset.source)
    generated = datetime.now()
    manifest = Manifest.load(out_dir)
    atomic.remove_leftovers(out_dir)  # a crashed run's temporary files (we hold the lock)
    sources = {p: p.read_bytes() for p in {r.notebook for r in reports}}
    warnings = commentary_warnings(reports, min_cell=min_cell)

    status: dict[str, str] = {}
    todo: list[tuple[PlannedReport, str]] = []
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
    pool = bar = datasets = None
    interrupted = False
    try:
        # Every public figure of a year comes from one decision, taken here before any report.
        problems += _write_year_decisions(
            # every year a report may show (a structure's report follows it over every year)
            dataset,
            dataset.years() if todo else [],
            out_dir,
            min_cell=min_cell,
            diffusion=diffusion,
        )
        if todo:
            if scheduler is None:  # the local workers' kernels take the data validated here
                datasets = kept_data.new_folder()
                kept_data.keep(datasets, dataset)
            pool = _make_pool(max(1, min(jobs or os.cpu_count() or 1, len(todo))), scheduler)
            pool.submit([Job(r, out_dir, fingerprint, generated, datasets) for r, _ in todo])
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
                        **({"timings": outcome.timings} if outcome.timings else {}),
                    )
                else:
                    failed += 1
                    status[report.html] = "failed"
                    detail = (
                        outcome.failure.describe() if outcome is not None and outcome.failure else done.detail
                    )
                    entry.update(
                        status="failed", error=detail, **_last_good(manifest.entries.get(report.html))
                    )
                    problems.append(Problem(report.label, detail, report.executed))
                manifest.record(report.html, entry)
                manifest.save_if_due()
                bar.set_postfix(done=done_ok, failed=failed, refresh=False)
                bar.update(1)
            pool.close()
            pool = None
        problems += _audit_pages(out_dir, years, manifest, status, diffusion=diffusion)
    except KeyboardInterrupt:
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # a second Ctrl-C must not cut the clean-up short
        interrupted = True
    finally:
        if bar is not None:
            bar.close()
        if pool is not None:
            pool.stop()
        atomic.remove_leftovers(out_dir)
        use_store(None)
        kept_data.remove(datasets)
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
    return RunResult(
        out_dir=out_dir,
        planned=len(reports),
        status=status,
        problems=tuple(problems),
        interrupted=interrupted,
        warnings=(*warnings, *((manifest.warning,) if manifest.warning else ())),
    )


def _last_good(previous: dict | None) -> dict:
    """The date of the report an earlier run built, which the failed rebuild leaves in place
    (the portal shows it as out of date)."""
    if not previous:
        return {}
    if previous.get("status") == "ok" and previous.get("built"):
        return {"last_good": previous["built"]}
    return {"last_good": previous["last_good"]} if previous.get("last_good") else {}
