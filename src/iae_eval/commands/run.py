"""``iae-eval run``: load and validate the data, plan the reports, take the output folder's
lock, run the batch (:func:`iae_eval.batch.run.run_reports`) and print its result.

Bad data: the located problems, exit 1. A bad year or structure: one error naming the bad and
the valid values, exit 1, nothing run and nothing written. A failed report: exit 1, the
summary names each failure (report, cell, error, executed notebook). Ctrl-C: exit 130, with
the command that finishes the run.
"""

from __future__ import annotations

import shlex
import signal
import time
from pathlib import Path

import click

from iae_eval.batch.lock import FolderLockedError, folder_lock
from iae_eval.batch.plan import PlanError, plan_reports, ranges
from iae_eval.batch.run import RunResult
from iae_eval.commands import EXIT_FAILED, EXIT_INTERRUPTED, EXIT_OK, EXIT_USAGE
from iae_eval.data.reference import DEFAULT_MIN_CELL
from iae_eval.data.rules import DEFAULT_RULES
from iae_eval.editions import DEFAULT_DIFFUSION
from iae_eval.errors import DatasetNotFoundError, DataValidationError, RulesError, SchedulerError
from iae_eval.fmt import plural


def print_result(result: RunResult, seconds: float) -> None:
    """The summary of a run: the counts, the portal, each failure with its reason."""
    parts = [
        plural(result.built, "construit", "construits"),
        plural(result.unchanged, "inchangé", "inchangés") + " (non reconstruit)",
        plural(result.failed, "en échec", "en échec"),
    ]
    if result.interrupted:
        parts.append(plural(result.not_reached, "non construit (interrompu)", "non construits (interrompu)"))
    click.echo(
        f"{plural(result.planned, 'rapport', 'rapports')} en {seconds:.1f} s : " + ", ".join(parts) + "."
    )
    click.echo(f"Portail : {result.out_dir / 'index.html'}")
    if result.problems:
        click.echo(plural(len(result.problems), "échec", "échecs") + " :")
        for p in result.problems:
            click.echo(f"  ÉCHEC {p.label} : {p.detail}")
            if p.path:
                click.echo(f"    notebook exécuté : {result.out_dir / p.path}")


def exit_code(result: RunResult) -> int:
    if result.interrupted:
        return EXIT_INTERRUPTED
    return EXIT_OK if result.ok else EXIT_FAILED


def resume_command(
    *,
    data_dir: Path,
    years: list[int],
    structures: list[str],
    out_dir: Path,
    jobs: int | None,
    notebooks_dir: Path | None,
    rules: str,
    diffusion: str,
    scheduler: str | None,
) -> str:
    """The command that finishes an interrupted run (the same, without ``--force``)."""
    words = ["iae-eval", "run", "--data", str(data_dir), "--years", ranges(years).replace(", ", ",")]
    for sid in structures:
        words += ["--structure", sid]
    words += ["--out", str(out_dir)]
    if jobs is not None:
        words += ["--jobs", str(jobs)]
    if notebooks_dir is not None:
        words += ["--notebooks", str(notebooks_dir)]
    if rules != DEFAULT_RULES:
        words += ["--rules", rules]
    if diffusion != DEFAULT_DIFFUSION:
        words += ["--diffusion", diffusion]
    if scheduler:
        words += ["--scheduler", scheduler]
    return shlex.join(words)


def _raise_interrupt(*_args) -> None:
    raise KeyboardInterrupt


def _load(data_dir: Path, rules: str):
    """The dataset, or the exit code after printing why not."""
    from iae_eval.commands.validate import echo_problems
    from iae_eval.data.load import load_dataset

    try:
        return load_dataset(data_dir, rules=rules)
    except RulesError as exc:
        click.echo(f"Erreur : {exc}", err=True)
        click.echo("Aucun rapport n'a été construit.", err=True)
        return EXIT_FAILED
    except DatasetNotFoundError as exc:
        click.echo(f"Erreur : {exc}", err=True)
        return EXIT_USAGE
    except DataValidationError as exc:
        echo_problems(
            exc.problems,
            max_shown=50,
            hint=" (`iae-eval validate --problems-csv FICHIER` pour la liste complète)",
        )
        click.echo(f"{exc.source} : INVALIDE — aucun rapport n'a été construit.", err=True)
        return EXIT_FAILED


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
    from iae_eval.batch.run import run_reports
    from iae_eval.workspace import choose_notebooks, notebooks_source_text

    started = time.monotonic()
    dataset = _load(data_dir, rules)
    if isinstance(dataset, int):
        return dataset
    source = choose_notebooks(notebooks_dir)
    try:
        reports = plan_reports(
            dataset,
            years=years,
            structures=structures,
            notebooks_dir=source.path,
            data_dir=Path(data_dir),
            min_cell=min_cell,
            rules=dataset.rules,
            diffusion=diffusion,
            notebooks_source=notebooks_source_text(source),
        )
    except PlanError as exc:
        for line in exc.problems:
            click.echo(f"Erreur : {line}", err=True)
        if any(line.startswith("notebook") for line in exc.problems) and source.origin == "workspace":
            click.echo(
                f"(notebooks pris dans {source.path} : complétez ce dossier, supprimez-le pour revenir aux "
                "notebooks du kit, ou donnez --notebooks DOSSIER)",
                err=True,
            )
        click.echo("Rien n'a été exécuté.", err=True)
        return EXIT_FAILED
    out_dir = Path(out_dir)
    previous_term = signal.signal(signal.SIGTERM, _raise_interrupt)
    previous_int = signal.getsignal(signal.SIGINT)
    try:
        with folder_lock(
            out_dir,
            wait=wait,
            on_wait=lambda holder: click.echo(
                f"Attente de la fin de l'autre exécution d'iae-eval ({holder}) dans {out_dir}…", err=True
            ),
        ):
            result = run_reports(
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
        click.echo(f"Erreur : {exc}.", err=True)
        return EXIT_FAILED
    except KeyboardInterrupt:  # before any worker started (waiting for the lock)
        click.echo("Interrompu : aucun rapport n'a été construit.", err=True)
        return EXIT_INTERRUPTED
    except SchedulerError as exc:
        click.echo(f"Erreur : {exc}", err=True)
        return EXIT_FAILED
    except OSError as exc:
        where = exc.filename or out_dir
        click.echo(
            f"Erreur : impossible d'écrire dans {where} : {exc.strerror or exc}. Rien n'est resté à "
            "moitié écrit ; corrigez le dossier de sortie (droits, espace libre) ou choisissez un autre "
            "--out, puis relancez.",
            err=True,
        )
        return EXIT_FAILED
    finally:
        signal.signal(signal.SIGTERM, previous_term)
        signal.signal(signal.SIGINT, previous_int)
    for warning in result.warnings:
        click.echo(f"Attention : {warning}.", err=True)
    print_result(result, time.monotonic() - started)
    if result.interrupted:
        command = resume_command(
            data_dir=data_dir,
            years=years,
            structures=structures,
            out_dir=out_dir,
            jobs=jobs,
            notebooks_dir=notebooks_dir,
            rules=rules,
            diffusion=diffusion,
            scheduler=scheduler,
        )
        click.echo(
            "Interrompu : les rapports ci-dessus sont enregistrés. Pour construire les autres, "
            f"relancez :\n  {command}",
            err=True,
        )
    return exit_code(result)
