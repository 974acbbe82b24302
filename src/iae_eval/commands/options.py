"""Options and parameter types shared by several commands of :mod:`iae_eval.cli`."""

from __future__ import annotations

from pathlib import Path

import click

from iae_eval.data.reference import DEFAULT_MIN_CELL
from iae_eval.data.rules import DEFAULT_RULES, PROFILES
from iae_eval.workspace import default_data_dir


def _years(value: str) -> list[int]:
    """``2012``, ``2009-2013`` or ``2011,2013`` → a sorted list of years."""
    years: set[int] = set()
    try:
        for part in value.split(","):
            part = part.strip()
            if "-" in part:
                first, last = (int(x) for x in part.split("-", 1))
                if first > last:
                    raise ValueError
                years.update(range(first, last + 1))
            else:
                years.add(int(part))
    except ValueError:
        raise click.BadParameter(
            f"{value!r} : donnez une année (2012), une période (2009-2013) ou une liste (2011,2013)"
        ) from None
    return sorted(years)


class YearsType(click.ParamType):
    name = "YEARS"

    def convert(self, value, param, ctx):  # noqa: D102 - click protocol
        if isinstance(value, list):
            return value
        try:
            return _years(value)
        except click.BadParameter as exc:
            self.fail(exc.message, param, ctx)


rules_option = click.option(
    "--rules",
    type=click.Choice(list(PROFILES)),
    default=DEFAULT_RULES,
    show_default=True,
    help="Règles de durée minimale : celles de la fiche (fiche-h5) ou celles du référentiel national "
    "(asp, qui demande les heures travaillées par année).",
)

min_cell_option = click.option(
    "--min-cell",
    type=click.IntRange(min=2),
    metavar="N",
    default=DEFAULT_MIN_CELL,
    show_default=True,
    help="Seuil du secret statistique de l'édition publique : un effectif de 1 à N − 1 n'est pas "
    "publié (« < N »).",
)

data_option = click.option(
    "--data",
    "data_dir",
    metavar="DOSSIER",
    default=lambda: str(default_data_dir()),
    show_default="data dans un dossier d'évaluation (iae-eval init), sinon data/sample",
    type=click.Path(file_okay=False, path_type=Path),
    help="Dossier des données (fichiers CSV ou un classeur .xlsx).",
)
