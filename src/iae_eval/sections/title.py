"""The report's title, built from the data: ``Insertion par l'activité économique — {name} —
rapport départemental`` (without a département name in the data, no name).

It is a level-1 heading (``<h1 class="iae-report-title">``); the HTML export takes it out of
the page body and shows it in the page's header and ``<title>``
(:func:`iae_eval.batch.htmlexport.notebook_title`).
"""

from __future__ import annotations

from dataclasses import dataclass

from iae_eval import display
from iae_eval.data.dataset import Dataset
from iae_eval.report import Report

SUBJECT = "Insertion par l'activité économique"


@dataclass(frozen=True)
class Title:
    """A report title: shows itself as an ``<h1>``; ``str()`` is its text."""

    text: str

    def _repr_html_(self) -> str:
        return display.heading(self.text, level=1).html

    def __str__(self) -> str:
        return self.text


def _title(dataset: Dataset, kind: str) -> Title:
    name = (dataset.departement_name or "").strip()
    return Title(" — ".join([SUBJECT, *([name] if name else []), kind]))


def departement(rep: Report) -> Title:
    """``Insertion par l'activité économique — {département} — rapport départemental``."""
    dataset = rep.dataset
    return _title(dataset, "rapport départemental")


def structure(rep: Report) -> Title:
    """``Insertion par l'activité économique — {département} — rapport de structure`` (the
    structure's name is in the page header)."""
    dataset = rep.dataset
    return _title(dataset, "rapport de structure")


def bilan(rep: Report) -> Title:
    """``Insertion par l'activité économique — {département} — bilan de la période``."""
    dataset = rep.dataset
    return _title(dataset, "bilan de la période")
