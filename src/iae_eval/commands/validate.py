"""``iae-eval validate`` and the loading step the other commands share: the problems printed
as ``FILE:ligne N: colonne: valeur: problème``, errors first then warnings, capped on screen
with the total count."""

from __future__ import annotations

import sys
from pathlib import Path

import click
import pandas as pd

from iae_eval.commands import EXIT_FAILED, EXIT_OK, EXIT_USAGE
from iae_eval.data.dataset import Dataset
from iae_eval.data.rules import DEFAULT_RULES
from iae_eval.errors import DatasetNotFoundError, DataValidationError, RulesError, problem_lines
from iae_eval.fmt import plural

SEVERITIES = (("error", "erreur", "erreurs"), ("warning", "avertissement", "avertissements"))


def echo_problems(problems: pd.DataFrame, *, max_shown: int = 50, hint: str = "") -> None:
    """Print errors then warnings on stderr, at most ``max_shown`` of each."""
    for severity, one, many in SEVERITIES:
        subset = problems[problems["severity"] == severity]
        if subset.empty:
            continue
        lines = problem_lines(subset.head(max_shown))
        click.echo(plural(len(subset), one, many) + " :", err=True)
        for line in lines:
            click.echo(f"  {line}", err=True)
        if len(subset) > len(lines):
            click.echo(f"  … {len(subset) - len(lines)} autres non affichés{hint}", err=True)


def _span(years: list[int]) -> str:
    return f"{years[0]}-{years[-1]}" if years else "aucune"


def validate_command(data_dir: Path, *, max_shown: int = 50, problems_csv: Path | None = None) -> int:
    """Validate ``data_dir``; print what is wrong; return the exit code."""
    from iae_eval.data.validate import ProblemsCsvInsideDataError, validate_folder

    try:
        result = validate_folder(data_dir, problems_csv=problems_csv)
    except (DatasetNotFoundError, ProblemsCsvInsideDataError) as exc:
        click.echo(f"Erreur : {exc}", err=True)
        return EXIT_USAGE
    hint = (
        f" (liste complète dans {problems_csv})"
        if problems_csv
        else " (--problems-csv FICHIER pour la liste complète)"
    )
    echo_problems(result.problems, max_shown=max_shown, hint=hint)
    if not result.valid:
        click.echo(
            f"{result.folder} : INVALIDE — {plural(result.errors, 'problème', 'problèmes')}.", err=True
        )
        return EXIT_FAILED
    ds = result.dataset
    p = ds.participants
    click.echo(
        f"{result.folder} : valide — {plural(len(ds.structures), 'structure', 'structures')}, "
        f"{plural(len(p), 'parcours', 'parcours')}, "
        f"{plural(p['person_id'].nunique(), 'personne', 'personnes')}, années {_span(ds.years())}."
    )
    return EXIT_OK


def load_or_exit(data_dir: Path | str, *, rules: str = DEFAULT_RULES) -> Dataset:
    """Load a dataset for a command; on bad data, or data lacking what the rules profile
    needs, print the problems and exit 1 (2 if the folder does not exist). Never a
    traceback for bad data."""
    from iae_eval.data.load import load_dataset

    try:
        return load_dataset(data_dir, rules=rules)
    except RulesError as exc:
        click.echo(f"Erreur : {exc}", err=True)
        sys.exit(EXIT_FAILED)
    except DatasetNotFoundError as exc:
        click.echo(f"Erreur : {exc}", err=True)
        sys.exit(EXIT_USAGE)
    except DataValidationError as exc:
        echo_problems(
            exc.problems,
            max_shown=50,
            hint=" (`iae-eval validate --problems-csv FICHIER` pour la liste complète)",
        )
        click.echo(
            f"{exc.source} : INVALIDE — `iae-eval validate --data {data_dir}` donne le détail.", err=True
        )
        sys.exit(EXIT_FAILED)
