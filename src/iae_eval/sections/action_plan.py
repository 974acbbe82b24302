"""Progress of the sheet's action plan (A1-A9) by semester: timeline, state, alerts.

The ``action_plan`` table gives one status per action and semester (docs/data.md); its state
is computed by :mod:`iae_eval.indicators.action_plan`. Sections return :class:`iae_eval.sections.parts.Section` values in French.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import pandas as pd

from iae_eval.charts import grids
from iae_eval.data.dataset import Dataset
from iae_eval.data.reference import ACTION_STATUSES
from iae_eval.indicators.action_plan import (  # noqa: F401 - the plan's state, used by the charts
    ALERT_STATUSES,
    plan_alerts,
    plan_grid,
    plan_state,
    plan_years,
    semesters,
)
from iae_eval.report import Report
from iae_eval.sections import parts
from iae_eval.sections.notes import no_data

#: Short French labels of the actions, for chart axes (full labels: reference.ACTIONS).
ACTION_SHORT_LABELS: dict[str, str] = {
    "A1": "Instance collaborative",
    "A2": "Comité de pilotage",
    "A3": "Diversifier les supports",
    "A4": "Fonds européens mutualisés",
    "A5": "Subventions d'investissement",
    "A6": "Articuler les offres",
    "A7": "Lien avec le PDI",
    "A8": "Co-construire le PTI",
    "A9": "Clauses sociales",
}
UNKNOWN = "Non renseigné"


def plan_timeline(dataset: Dataset, *, first_year: int, last_year: int, ax=None):
    """Grid of coloured cells, one row per action and one column per semester
    (:func:`iae_eval.charts.grids.plan_timeline`); returns ax."""
    grid = plan_grid(dataset, first_year=first_year, last_year=last_year)
    if ax is None:
        _, ax = plt.subplots(figsize=(max(6.0, 0.55 * grid.shape[1] + 3.5), 4.2))
    return grids.plan_timeline(grid, labels=ACTION_SHORT_LABELS, ax=ax)


def _status_label(status) -> str:
    return UNKNOWN if pd.isna(status) else ACTION_STATUSES[status]


def _state_table(state: pd.DataFrame, year: int) -> parts.Table:
    shown = pd.DataFrame(
        {
            "Action": state["action_id"],
            "Intitulé": state["label"],
            "Statut": state["status"].map(_status_label),
            "Depuis": state["since"].fillna("—"),
            "Commentaire": state["comment"].fillna(""),
        }
    )
    return parts.table(shown, caption=f"État d'avancement fin {year}", index=False)


def _alerts_part(alerts: pd.DataFrame, caption: str, none_sentence: str) -> parts.Paragraph | parts.Table:
    if alerts.empty:
        return parts.text(none_sentence)
    shown = pd.DataFrame(
        {
            "Action": alerts["action_id"],
            "Intitulé": alerts["action_id"].map(ACTION_SHORT_LABELS),
            "Semestre": alerts["semester"],
            "Statut": alerts["status"].map(_status_label),
            "Commentaire": alerts["comment"].fillna(""),
        }
    )
    return parts.table(shown, caption=caption, index=False)


def _counts_sentence(state: pd.DataFrame) -> str:
    counts = state["status"].map(_status_label).value_counts()
    order = [*ACTION_STATUSES.values(), UNKNOWN]
    counted = [f"{counts[label]} « {label.lower()} »" for label in order if label in counts]
    return ", ".join(counted)


def _section(dataset: Dataset, first_year: int, last_year: int, alerts: pd.DataFrame, no_alert: str):
    state = plan_state(dataset, year=last_year)
    fig, ax = plt.subplots(figsize=(max(6.0, 1.1 * (last_year - first_year + 1) + 3.5), 4.2))
    plan_timeline(dataset, first_year=first_year, last_year=last_year, ax=ax)
    summary = f"État fin {last_year} des actions A1 à A9 : {_counts_sentence(state)}."
    alt = (
        f"Chronologie du plan d'actions A1 à A9 par semestre, de {first_year} S1 à {last_year} S2. {summary}"
    )
    return parts.join(
        parts.lead(summary),
        parts.figure(fig, alt=alt),
        _state_table(state, last_year),
        _alerts_part(alerts, "Actions en retard ou abandonnées", no_alert),
    )


def _missing(dataset: Dataset, first_year: int, last_year: int) -> parts.Section | None:
    period = f"{first_year}" if first_year == last_year else f"{first_year}-{last_year}"
    if dataset.action_plan is None:
        return no_data("Pas de données de suivi du plan d'actions.")
    if not set(plan_years(dataset)) & set(range(first_year, last_year + 1)):
        return no_data(f"Pas de données de suivi du plan d'actions pour {period}.")
    return None


def departement(rep: Report) -> parts.Section:
    """Département report: timeline up to ``year``, state at ``year``, late/abandoned actions."""
    dataset, year = rep.dataset, rep.year
    missing = _missing(dataset, year, year)
    if missing is not None:
        return missing
    first = min(plan_years(dataset))
    state = plan_state(dataset, year=year)
    alerts = state[state["status"].isin(ALERT_STATUSES)]
    return _section(dataset, first, year, alerts, f"Aucune action en retard ni abandonnée fin {year}.")


def bilan(rep: Report) -> parts.Section:
    """Bilan: timeline of the period, final state, every late/abandoned semester with comments."""
    dataset, first_year, last_year = rep.dataset, rep.first_year, rep.last_year
    missing = _missing(dataset, first_year, last_year)
    if missing is not None:
        return missing
    alerts = plan_alerts(dataset, first_year=first_year, last_year=last_year)
    return _section(
        dataset,
        first_year,
        last_year,
        alerts,
        f"Aucune action en retard ni abandonnée de {first_year} à {last_year}.",
    )
