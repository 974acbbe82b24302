"""``iae-eval validate`` and the loading step the other commands share.

Problems are printed as ``FILE:line N: column: value: what is wrong``, errors first then
warnings, capped on screen with the total count; the full list can go to a CSV file.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click
import pandas as pd

from iae_eval.atomic import write_text
from iae_eval.cells import CSV_ENCODING, csv_text
from iae_eval.data.dataset import Dataset
from iae_eval.data.load import inspect_dataset, load_dataset, resolve_data_dir
from iae_eval.data.rules import DEFAULT_RULES
from iae_eval.errors import DatasetNotFoundError, DataValidationError, RulesError, problem_lines

EXIT_OK, EXIT_INVALID, EXIT_USAGE = 0, 1, 2


def echo_problems(problems: pd.DataFrame, *, max_shown: int = 50, hint: str = "") -> None:
    """Print errors then warnings on stderr, at most ``max_shown`` of each."""
    for severity, title in (("error", "error"), ("warning", "warning")):
        subset = problems[problems["severity"] == severity]
        if subset.empty:
            continue
        lines = problem_lines(subset.head(max_shown))
        click.echo(f"{len(subset)} {title}(s):", err=True)
        for line in lines:
            click.echo(f"  {line}", err=True)
        if len(subset) > len(lines):
            click.echo(f"  … {len(subset) - len(lines)} more not shown{hint}", err=True)


def write_problems_csv(problems: pd.DataFrame, target: Path) -> None:
    """Write the problem table atomically (UTF-8 with BOM, `;`: opens in a French Excel);
    the values quoted from the data are never formulas (:func:`iae_eval.cells.csv_cell`)."""
    write_text(target, csv_text(problems), encoding=CSV_ENCODING)


def run_validate_command(data_dir: Path, *, max_shown: int = 50, problems_csv: Path | None = None) -> int:
    """Validate ``data_dir``; print what is wrong; return the exit code."""
    try:
        folder = resolve_data_dir(data_dir)
    except DatasetNotFoundError as exc:
        click.echo(f"Error: {exc}", err=True)
        return EXIT_USAGE
    if problems_csv is not None and problems_csv.resolve().parent == folder:
        click.echo(
            "Error: --problems-csv must be outside the dataset folder (inputs are never modified)", err=True
        )
        return EXIT_USAGE
    dataset, problems = inspect_dataset(folder)
    hint = (
        f" (full list in {problems_csv})" if problems_csv else " (use --problems-csv FILE for the full list)"
    )
    echo_problems(problems, max_shown=max_shown, hint=hint)
    if problems_csv is not None:
        write_problems_csv(problems, problems_csv)
    if dataset is None:
        n = int((problems["severity"] == "error").sum())
        click.echo(f"{folder}: INVALID — {n} problem(s).", err=True)
        return EXIT_INVALID
    p = dataset.participants
    click.echo(
        f"{folder}: valid — {len(dataset.structures)} structures, {len(p)} pathways, "
        f"{p['person_id'].nunique()} people, years {_span(dataset.years())}."
    )
    return EXIT_OK


def _span(years: list[int]) -> str:
    return f"{years[0]}-{years[-1]}" if years else "none"


def load_or_exit(data_dir: Path | str, *, rules: str = DEFAULT_RULES) -> Dataset:
    """Load a dataset for a command; on bad data, or data lacking what the rules profile
    needs, print the problems and exit 1 (2 if the folder does not exist). Never a
    traceback for bad data."""
    try:
        return load_dataset(data_dir, rules=rules)
    except RulesError as exc:
        click.echo(f"Error: {exc}", err=True)
        sys.exit(EXIT_INVALID)
    except DatasetNotFoundError as exc:
        click.echo(f"Error: {exc}", err=True)
        sys.exit(EXIT_USAGE)
    except DataValidationError as exc:
        echo_problems(
            exc.problems, max_shown=50, hint=" (run `iae-eval validate --problems-csv FILE` for all)"
        )
        click.echo(
            f"{exc.source}: INVALID — run `iae-eval validate --data {data_dir}` for details.", err=True
        )
        sys.exit(EXIT_INVALID)
