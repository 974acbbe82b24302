"""The structure's evolution: people in pathway and exit rates over every year of the data."""

from __future__ import annotations

import matplotlib.pyplot as plt

from iae_eval import charts, fmt
from iae_eval.data.dataset import Dataset
from iae_eval.indicators.pathways import structure_name
from iae_eval.sections import parts
from iae_eval.sections import shared as r


def structure(dataset: Dataset, *, structure_id: str, min_cell: int) -> parts.Section:
    """The structure's participants and exit rates over every year of the data."""
    name = structure_name(dataset, structure_id)
    years = r.observed_years(dataset)
    frame = r.structure_years(dataset, structure_id, years)
    frame = frame[frame["participants"] > 0] if not frame.empty else frame
    if frame.empty:
        return r.no_data(f"{name} n'a aucun parcours dans les données.")
    numbers = r.shown_numbers(frame, min_cell=min_cell)
    fig, (left, right) = plt.subplots(1, 2, figsize=(10, 3.8), layout="constrained")
    charts.trend_lines(
        numbers[["participants", "rsa_participants"]],
        ax=left,
        labels={"participants": r.INDICATOR_LABELS["participants"], "rsa_participants": "dont allocataires du RSA"},
        ylabel="Personnes",
        legend_columns=1,
    )
    charts.trend_lines(
        numbers[["durable_rate", "dynamic_rate"]],
        ax=right,
        labels=r.INDICATOR_LABELS,
        targets=r.TARGETS,
        value_kind="percent",
        ylabel="Part des sorties examinées",
        legend_columns=1,
    )
    first, last = int(frame.index.min()), int(frame.index.max())
    described = " ; ".join(
        f"{y} : {fmt.integer(numbers.at[y, 'participants'])} personnes, sorties dynamiques "
        f"{fmt.percent(numbers.at[y, 'dynamic_rate'])}"
        for y in numbers.index
    )
    alt = (
        f"Courbes de {first} à {last} pour {name} : à gauche les personnes en parcours et les allocataires du RSA, "
        f"à droite les taux d'emploi durable et de sorties dynamiques avec les objectifs de "
        f"{fmt.percent(r.TARGETS['durable_rate'], 0)} et {fmt.percent(r.TARGETS['dynamic_rate'], 0)}. {described}."
    )
    keys = ["participants", "rsa_participants", "exits_examined", "durable_rate", "dynamic_rate"]
    table = r.formatted(frame, min_cell=min_cell, columns=keys)
    table.index = [str(y) for y in table.index]
    drawn = ["participants", "rsa_participants", *r.TARGETS]
    hidden = int((numbers[drawn].isna() & frame[drawn].notna()).to_numpy().sum())
    return parts.join(
        parts.figure(fig, alt),
        parts.note(f"Les valeurs masquées par le secret statistique ({hidden}) ne sont pas tracées.") if hidden else None,
        parts.table(table, caption=f"Évolution de {first} à {last}"),
    )
