"""Checking a dataset folder (``iae-eval validate``): :func:`validate_folder` returns a
:class:`ValidationResult`, which :mod:`iae_eval.commands.validate` prints.

Problems read ``FILE:ligne N: colonne: valeur: problème``, errors first then warnings; the
full list can go to a CSV file (:func:`write_problems_csv`).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from iae_eval.atomic import write_text
from iae_eval.cells import CSV_ENCODING, csv_text
from iae_eval.data.dataset import Dataset
from iae_eval.data.load import inspect_dataset, resolve_data_dir
from iae_eval.errors import IaeEvalError


class ProblemsCsvInsideDataError(IaeEvalError):
    """Raised when ``--problems-csv`` points inside the dataset folder (inputs are never modified)."""


@dataclass(frozen=True)
class ValidationResult:
    """What checking a dataset folder found: the dataset when valid, every problem."""

    folder: Path
    dataset: Dataset | None
    problems: pd.DataFrame

    @property
    def valid(self) -> bool:
        return self.dataset is not None

    @property
    def errors(self) -> int:
        return int((self.problems["severity"] == "error").sum())


def write_problems_csv(problems: pd.DataFrame, target: Path) -> None:
    """Write the problem table atomically (UTF-8 with BOM, `;`: opens in a French Excel);
    the values quoted from the data are never formulas (:func:`iae_eval.cells.csv_cell`)."""
    write_text(target, csv_text(problems), encoding=CSV_ENCODING)


def validate_folder(data_dir: Path | str, *, problems_csv: Path | None = None) -> ValidationResult:
    """Check ``data_dir`` (and write every problem to ``problems_csv`` when given).

    Raises :class:`~iae_eval.errors.DatasetNotFoundError` for a missing folder and
    :class:`ProblemsCsvInsideDataError` when ``problems_csv`` is inside it (nothing written).
    """
    folder = resolve_data_dir(data_dir)
    if problems_csv is not None and Path(problems_csv).resolve().parent == folder:
        raise ProblemsCsvInsideDataError(
            "--problems-csv doit désigner un fichier hors du dossier des données "
            "(les données ne sont jamais modifiées)"
        )
    dataset, problems = inspect_dataset(folder)
    if problems_csv is not None:
        write_problems_csv(problems, Path(problems_csv))
    return ValidationResult(folder, dataset, problems)
