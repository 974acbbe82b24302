"""Exceptions of the kit and the located problem they carry."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

PROBLEM_COLUMNS = ("file", "line", "column", "value", "problem", "severity")


@dataclass(frozen=True)
class Problem:
    """One problem in the input data, located as a spreadsheet user sees it (header = line 1)."""

    file: str
    line: int | None
    column: str
    value: str
    problem: str
    severity: str = "error"  # error | warning

    def __str__(self) -> str:
        return format_problem(self.file, self.line, self.column, self.value, self.problem)


#: Shown instead of an empty value, so that no field of a message is blank.
EMPTY_VALUE = "(vide)"


def format_problem(file: str, line: int | None, column: str, value: str, problem: str) -> str:
    """``FILE:ligne N: colonne: valeur: problème``; ``FILE:ligne N: problème`` for a whole line
    (a malformed CSV line), ``FILE: colonne: problème`` for a column of the whole file (a
    missing column), ``FILE: problème`` for the file. An empty value is shown as ``(vide)``:
    no field is ever blank."""
    if line is None and not column:
        return f"{file}: {problem}"
    if line is None:
        return (
            f"{file}: {column}: {value}: {problem}" if str(value).strip() else f"{file}: {column}: {problem}"
        )
    if not column:
        return f"{file}:ligne {line}: {problem}"
    shown = value if str(value).strip() else EMPTY_VALUE
    return f"{file}:ligne {line}: {column}: {shown}: {problem}"


def problems_frame(problems: list[Problem]) -> pd.DataFrame:
    """The problem table, sorted by file then line (errors before warnings on a line)."""
    frame = pd.DataFrame(
        [(p.file, p.line, p.column, p.value, p.problem, p.severity) for p in problems],
        columns=list(PROBLEM_COLUMNS),
    )
    frame["line"] = frame["line"].astype("Int64")
    return frame.sort_values(["file", "line", "column"], kind="stable", na_position="first").reset_index(
        drop=True
    )


def problem_lines(frame: pd.DataFrame) -> list[str]:
    """Each row of a problem table as one ``FILE:line N: column: value: problem`` line."""
    return [
        format_problem(f, None if pd.isna(n) else int(n), c, v, p)
        for f, n, c, v, p in zip(
            frame["file"], frame["line"], frame["column"], frame["value"], frame["problem"]
        )
    ]


class IaeEvalError(Exception):
    """Base class of the kit's errors: the message says what is wrong and how to fix it."""


class DatasetNotFoundError(IaeEvalError):
    """Raised when the dataset folder does not exist."""


class RulesError(IaeEvalError):
    """Raised when a dataset lacks what the chosen minimum-stay rules profile needs
    (e.g. the ``asp`` profile without hours worked per year)."""


class DataValidationError(IaeEvalError):
    """Raised when a dataset has problems; ``problems`` holds every one of them.

    ``problems`` is a DataFrame with the columns file, line, column, value, problem,
    severity — a notebook can display it as is.
    """

    def __init__(self, problems: pd.DataFrame, *, source: str = "") -> None:
        self.problems = problems
        self.source = source
        super().__init__(self.__str__())

    @property
    def errors(self) -> pd.DataFrame:
        return self.problems[self.problems["severity"] == "error"]

    def __str__(self, limit: int = 20) -> str:
        errors = self.errors
        lines = problem_lines(errors.head(limit))
        more = len(errors) - len(lines)
        from iae_eval.fmt import plural

        head = f"{plural(len(errors), 'problème', 'problèmes')} dans les données {self.source}".rstrip()
        tail = [f"… et {more} autres"] if more > 0 else []
        return "\n".join([head + ":", *lines, *tail])

    def _repr_html_(self) -> str:
        return self.errors.to_html(index=False)


class SchedulerError(IaeEvalError):
    """Raised when ``--scheduler`` cannot be used (Dask extra missing, scheduler unreachable)."""
