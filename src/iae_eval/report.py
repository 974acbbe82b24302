"""A report's settings, bound once: the dataset, the year or period, the structure, the edition
and the minimum cell size (docs/editions.md).

A notebook builds one :class:`Report` from its parameters and hands it to every section::

    rep = report(ds, year=year, diffusion=diffusion, min_cell=min_cell)
    exits.departement(rep)

No setting that protects small counts has a default. In a batch run the kernel is bound to the
run's settings (:func:`bind_run`): a notebook that leaves out ``diffusion`` or ``min_cell`` gets
the run's, and one that asks for a less protective edition, or a smaller ``min_cell``, than its
run stops with :class:`ReportSettingsError` ("ce rapport est construit pour la diffusion
publique…"). Outside a batch run (JupyterLab), both must be given.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover - typing only (importing pandas here is not free)
    import pandas as pd

    from iae_eval.data.dataset import Dataset
    from iae_eval.editions import Edition


class ReportSettingsError(ValueError):
    """Raised when a notebook asks for settings its run does not allow, or leaves out a
    setting that has no default (the message is in French: the officer reads it)."""


@dataclass(frozen=True)
class RunSettings:
    """What a batch run fixes for every report its kernels build."""

    diffusion: str
    min_cell: int
    rules: str | None = None


_run: RunSettings | None = None


def bind_run(*, diffusion: str, min_cell: int, rules: str | None = None) -> None:
    """Bind this process (a batch kernel) to its run's settings; every :func:`report` built
    afterwards is checked against them."""
    global _run
    from iae_eval.editions import edition

    _run = RunSettings(edition(diffusion).diffusion, int(min_cell), rules)


def unbind_run() -> None:
    """Forget the run's settings (tests; a kernel leaving a run)."""
    global _run
    _run = None


def bound_run() -> RunSettings | None:
    """The run settings this process is bound to, if any."""
    return _run


@dataclass(frozen=True)
class Report:
    """The settings of one report, passed to every section.

    ``year`` is the year of a yearly report (None for the bilan); ``first_year`` and
    ``last_year`` bound the bilan's period (both equal to ``year`` for a yearly report);
    ``structure_id`` names the structure of a structure report (None otherwise).
    """

    dataset: Dataset
    edition: Edition
    min_cell: int
    year: int | None = None
    first_year: int | None = None
    last_year: int | None = None
    structure_id: str | None = None

    def __post_init__(self) -> None:
        # however it is made (report(), Report(...), dataclasses.replace), a report of a bound
        # kernel never protects less than its run
        _check_against_run(self.edition, self.min_cell, self.dataset.rules)

    @property
    def diffusion(self) -> str:
        return self.edition.diffusion

    @property
    def rules(self) -> str:
        return self.dataset.rules

    @property
    def years(self) -> list[int]:
        """The years the report covers (one for a yearly report, the period for the bilan)."""
        if self.first_year is None or self.last_year is None:
            return []
        return list(range(self.first_year, self.last_year + 1))

    @property
    def is_bilan(self) -> bool:
        return self.year is None

    @property
    def data_dir(self) -> Path:
        """The dataset's folder (its commentary files live there)."""
        return Path(self.dataset.source)

    def displayed(self, frame: pd.DataFrame, **options) -> pd.DataFrame:
        """``frame`` as this report's edition shows it (:func:`iae_eval.editions.displayed`)."""
        from iae_eval.editions import displayed

        return displayed(frame, diffusion=self.edition, min_cell=self.min_cell, **options)

    def for_structure(self, structure_id: str) -> Report:
        """The same settings for another structure (a département view's per-structure parts)."""
        from dataclasses import replace

        return replace(self, structure_id=str(structure_id))


def _check_against_run(chosen: Edition, min_cell: int, rules: str) -> None:
    """``ReportSettingsError`` (in French) when these settings protect less than the run's."""
    from iae_eval.editions import edition, is_less_protective

    if int(min_cell) < 1:
        raise ReportSettingsError(f"min_cell doit être au moins 1, pas {min_cell}")
    run = _run
    if run is None:
        return
    if is_less_protective(chosen, edition(run.diffusion)):
        raise ReportSettingsError(
            f"ce rapport est construit pour la {edition(run.diffusion).label} : "
            f"le notebook ne peut pas demander l'édition « {edition(chosen).diffusion} »"
        )
    if int(min_cell) < run.min_cell:
        raise ReportSettingsError(
            f"ce rapport est construit avec un seuil de secret statistique de {run.min_cell} : "
            f"le notebook ne peut pas l'abaisser à {min_cell}"
        )
    if run.rules is not None and rules != run.rules:
        raise ReportSettingsError(
            f"ce rapport est construit avec les règles « {run.rules} », pas « {rules} »"
        )


def report(
    dataset: Dataset,
    *,
    year: int | None = None,
    first_year: int | None = None,
    last_year: int | None = None,
    structure_id: str | None = None,
    diffusion: str | None = None,
    min_cell: int | None = None,
) -> Report:
    """The settings of a report, checked against the run's (:func:`bind_run`).

    Give ``year`` for a yearly report (département or, with ``structure_id``, structure), or
    ``first_year`` and ``last_year`` for the bilan. ``diffusion`` and ``min_cell`` default to
    the run's in a batch run and are required outside one.
    """
    from iae_eval.editions import edition

    if year is None and (first_year is None or last_year is None):
        raise ReportSettingsError("précisez l'année (year=…) ou la période (first_year=…, last_year=…)")
    if year is not None:
        year = int(year)
        first_year = last_year = year
    elif int(first_year) > int(last_year):
        raise ReportSettingsError(f"période vide : first_year={first_year} est après last_year={last_year}")
    run = _run
    if diffusion is None:
        if run is None:
            raise ReportSettingsError(
                'précisez l\'édition du rapport : diffusion="comite" ou diffusion="public"'
            )
        diffusion = run.diffusion
    chosen = edition(diffusion)
    if min_cell is None:
        if run is None:
            raise ReportSettingsError("précisez le seuil de secret statistique : min_cell=…")
        min_cell = run.min_cell
    return Report(
        dataset=dataset,
        edition=chosen,
        min_cell=int(min_cell),
        year=year,
        first_year=int(first_year),
        last_year=int(last_year),
        structure_id=None if structure_id is None else str(structure_id),
    )
