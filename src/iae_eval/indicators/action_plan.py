"""Progress of the sheet's action plan (A1-A9) by semester (docs/data.md): the grid of
statuses, the state of each action at the end of a year, the late or abandoned semesters.

The *state at year Y* of an action is its status at ``YS2``, or else the last status known
before it.
"""

from __future__ import annotations

import pandas as pd

from iae_eval.data.dataset import Dataset, per_dataset
from iae_eval.data.reference import ACTIONS

#: The statuses the sections raise as alerts.
ALERT_STATUSES: tuple[str, ...] = ("en_retard", "abandonne")


def semesters(first_year: int, last_year: int) -> list[str]:
    """``2009S1``, ``2009S2`` … ``{last_year}S2``."""
    return [f"{y}S{s}" for y in range(first_year, last_year + 1) for s in (1, 2)]


def _plan(dataset: Dataset) -> pd.DataFrame:
    plan = dataset.action_plan
    if plan is None:
        return pd.DataFrame(columns=["action_id", "semester", "status", "comment"])
    return plan


def plan_years(dataset: Dataset) -> list[int]:
    """Years that have at least one row in ``action_plan`` (empty when the table is absent)."""
    return sorted({int(str(s)[:4]) for s in _plan(dataset)["semester"].dropna()})


def plan_grid(dataset: Dataset, *, first_year: int, last_year: int) -> pd.DataFrame:
    """Actions (A1-A9, rows) × semesters (columns) → status code, NaN when not given."""
    plan = _plan(dataset)
    cols = semesters(first_year, last_year)
    grid = plan.pivot_table(index="action_id", columns="semester", values="status", aggfunc="first")
    return grid.reindex(index=list(ACTIONS), columns=cols)


@per_dataset
def plan_state(dataset: Dataset, *, year: int) -> pd.DataFrame:
    """État d'avancement at ``year``: one row per action (A1-A9).

    Columns ``action_id``, ``label``, ``status`` (code or NaN), ``semester`` (of the status
    used: ``{year}S2`` or the last one known before), ``since`` (first semester of the
    current run of that status) and ``comment`` (the last one given during that run).
    """
    plan = _plan(dataset)
    plan = plan[plan["semester"].astype(str) <= f"{year}S2"].sort_values("semester")
    rows = []
    for action, label in ACTIONS.items():
        history = plan[plan["action_id"] == action]
        row = {
            "action_id": action,
            "label": label,
            "status": pd.NA,
            "semester": pd.NA,
            "since": pd.NA,
            "comment": pd.NA,
        }
        if len(history):
            status = history["status"].iloc[-1]
            changed = history["status"].ne(status)
            run = history[~changed & (changed.cumsum() == changed.sum())]  # the last run of that status
            comments = run["comment"].dropna()
            row.update(
                status=status,
                semester=history["semester"].iloc[-1],
                since=run["semester"].iloc[0],
                comment=comments.iloc[-1] if len(comments) else pd.NA,
            )
        rows.append(row)
    return pd.DataFrame(rows)


def plan_alerts(dataset: Dataset, *, first_year: int, last_year: int) -> pd.DataFrame:
    """Late or abandoned (action, semester) rows of the period, with their comments."""
    plan = _plan(dataset)
    period = plan["semester"].astype(str).isin(semesters(first_year, last_year))
    alerts = plan[period & plan["status"].isin(ALERT_STATUSES)]
    return alerts.sort_values(["action_id", "semester"]).reset_index(drop=True)
