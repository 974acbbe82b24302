"""Exit rates: durable-employment and dynamic-exit rates against their targets (25 % and 60 %)."""

from __future__ import annotations

import matplotlib.pyplot as plt
import pandas as pd

from iae_eval import charts, fmt
from iae_eval.data.dataset import Dataset
from iae_eval.sections import parts, summary
from iae_eval.sections import shared as r

RATES: tuple[str, ...] = ("durable_rate", "dynamic_rate")


def rates_parts(
    frame: pd.DataFrame, shown: pd.DataFrame, *, title: str, year: int | str, min_cell: int
) -> parts.Section:
    """Dot chart and table of durable and dynamic rates for the rows of ``frame``, given its
    suppressed form ``shown``. The chart draws the :data:`~iae_eval.sections.shared.TOTAL` row
    first, on top."""
    numbers = r.drawable(frame, shown)[list(RATES)]
    order = [*(i for i in numbers.index if i == r.TOTAL), *(i for i in numbers.index if i != r.TOTAL)]
    drawn = numbers.loc[order].dropna(how="all")
    items: list = []
    if not drawn.empty:
        fig, ax = r.new_figure(len(drawn))
        charts.rate_dots(
            drawn, ax=ax, targets=r.TARGETS, labels=r.INDICATOR_LABELS, xlabel="Part des sorties examinées"
        )
        reach = {k: int((drawn[k] >= r.TARGETS[k]).sum()) for k in RATES}
        if len(drawn) <= 4:
            values = " ; ".join(
                f"{name} : emploi durable {fmt.percent(row['durable_rate'])}, sorties dynamiques "
                f"{fmt.percent(row['dynamic_rate'])}"
                for name, row in drawn.iterrows()
            )
        else:
            values = (
                f"{reach['dynamic_rate']} ligne(s) sur {len(drawn)} atteignent l'objectif de sorties dynamiques, "
                f"{reach['durable_rate']} celui d'emploi durable"
            )
        alt = (
            f"Points : taux d'emploi durable et de sorties dynamiques {title} en {year}, avec les objectifs de "
            f"{fmt.percent(r.TARGETS['durable_rate'], 0)} et {fmt.percent(r.TARGETS['dynamic_rate'], 0)} ; "
            f"{values}."
        )
        items.append(parts.figure(fig, alt))
    hidden = int(numbers.isna().any(axis=1).sum() - frame[list(RATES)].isna().all(axis=1).sum())
    if hidden > 0:
        items.append(
            parts.note(
                f"{hidden} taux masqué(s) par le secret statistique (moins de {min_cell} sorties examinées, ou "
                "une catégorie de sortie masquée) : ils ne sont pas tracés."
            )
        )
    items.append(parts.table(r.labelled(shown, ["exits_examined", *RATES]), caption=f"Taux de sortie {title}, {year}"))
    return parts.join(*items)


def departement(dataset: Dataset, *, year: int, min_cell: int) -> parts.Section:
    """Durable and dynamic exit rates per structure, against the 25 % and 60 % targets."""
    dep = r.departement_row(dataset, year)
    if not dep["exits_examined"]:
        return r.no_data(f"Aucune sortie examinée en {year} : les taux ne sont pas calculables.")
    frame = r.by_structure(dataset, year)
    frame = frame[frame["exits"] > 0].sort_values("dynamic_rate", ascending=False)
    full = r.with_total(frame, dep)
    shown = r.suppressed(full, min_cell=min_cell, total_row=r.TOTAL)
    many = summary.is_many(len(frame))
    return parts.join(
        parts.lead(r.target_sentence("durable_rate", shown.at[r.TOTAL, "durable_rate"], year)),
        parts.text(r.target_sentence("dynamic_rate", shown.at[r.TOTAL, "dynamic_rate"], year)),
        (summarised_rates if many else rates_parts)(full, shown, title="par structure", year=year, min_cell=min_cell),
    )


def summarised_rates(
    frame: pd.DataFrame, shown: pd.DataFrame, *, title: str, year: int, min_cell: int
) -> parts.Section:
    """:func:`rates_parts` for many structures (:mod:`~iae_eval.sections.summary`): the
    distribution of each rate, the structures with the highest and lowest dynamic-exit rates,
    the link to the year's spreadsheets. ``frame`` ends with the :data:`~iae_eval.sections.shared.TOTAL` row."""
    numbers = r.drawable(frame, shown)[list(RATES)].drop(index=r.TOTAL)
    structures = shown.drop(index=r.TOTAL)
    charts_ = [
        summary.distribution(
            numbers[key], what=f"leur {r.INDICATOR_LABELS[key].lower()} en {year}", xlabel=r.INDICATOR_LABELS[key],
            target=r.TARGETS[key],
        )
        for key in RATES
    ]
    columns = ["exits_examined", *RATES]
    tables = summary.extreme_tables(
        r.labelled(structures, columns), numbers["dynamic_rate"],
        highest=f"Les {summary.EXTREMES} structures aux taux de sorties dynamiques les plus hauts, {year}",
        lowest=f"Les {summary.EXTREMES} structures aux taux de sorties dynamiques les plus bas, {year}",
        total=r.labelled(shown.loc[[r.TOTAL]], columns),
    )
    published = {key: fmt.integer(int(numbers[key].notna().sum())) for key in RATES}
    return summary.summarised(
        *charts_,
        parts.note(
            f"Seuls les taux publiables sont tracés et classés : {published['durable_rate']} taux d'emploi durable et "
            f"{published['dynamic_rate']} taux de sorties dynamiques sur {fmt.integer(len(structures))} structures ; "
            f"les autres sont masqués par le secret statistique (moins de {min_cell} sorties examinées, ou une "
            "catégorie de sortie masquée) ou non calculables."
        )
        if numbers.isna().any().any()
        else None,
        *tables,
        count=len(structures),
        year=year,
        # Hook (issue 9): the funnel plot of the structures' rates goes here, e.g.
        # ``funnel=funnel_section(frame, shown, year=year)`` once the funnel views are merged.
        funnel=None,
    )


def bilan(dataset: Dataset, *, first_year: int, last_year: int, min_cell: int) -> parts.Section:
    """Durable and dynamic exit rates per year against the 25 % and 60 % targets."""
    frame = r.by_year(dataset, first_year, last_year)
    if not frame["exits_examined"].fillna(0).any():
        return r.no_data(r.NO_DATA_PERIOD)
    numbers = r.shown_numbers(frame, min_cell=min_cell)
    fig, ax = plt.subplots(figsize=(8, 3.8))
    charts.trend_lines(
        numbers[list(RATES)],
        ax=ax,
        labels=r.INDICATOR_LABELS,
        targets=r.TARGETS,
        value_kind="percent",
        ylabel="Part des sorties examinées",
    )
    alt = (
        f"Courbes de {first_year} à {last_year} : taux d'emploi durable et de sorties dynamiques, avec les objectifs de "
        f"{fmt.percent(r.TARGETS['durable_rate'], 0)} et {fmt.percent(r.TARGETS['dynamic_rate'], 0)} ; "
        + " ; ".join(
            f"{y} : {fmt.percent(numbers.at[y, 'durable_rate'])} et {fmt.percent(numbers.at[y, 'dynamic_rate'])}"
            for y in numbers.index
        )
        + "."
    )
    table = r.columns_by_year(
        frame,
        ["exits", "exits_examined", *RATES, "mean_duration_months", "rsa_durable_or_training"],
        min_cell=min_cell,
    )
    return parts.join(parts.figure(fig, alt), parts.table(table, caption="Sorties et taux de sortie par année"))
