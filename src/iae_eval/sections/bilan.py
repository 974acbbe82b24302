"""Sections of the report of the period (``notebooks/bilan.ipynb``): the département's
trends from ``first_year`` to ``last_year``.

Every section takes ``first_year``, ``last_year`` and ``min_cell``; yearly counts of
people are suppressed below ``min_cell`` and masked values are not drawn.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import pandas as pd

from iae_eval import charts, display, fmt
from iae_eval.sections import common as r
from iae_eval.data.dataset import Dataset
from iae_eval.sections.common import plural
from iae_eval.sections.departement import HEADLINES, TOTAL, exit_bars, with_total

_RATES = ["durable_rate", "dynamic_rate"]


def _years(first_year: int, last_year: int) -> list[int]:
    if first_year > last_year:
        raise ValueError(f"first_year ({first_year}) est après last_year ({last_year})")
    return list(range(first_year, last_year + 1))


def _by_year(dataset: Dataset, first_year: int, last_year: int) -> pd.DataFrame:
    """The département's indicators of each year of the period (index: year)."""
    frame = r.trends(dataset, _years(first_year, last_year)).set_index("year").sort_index()
    return frame.drop(columns=["key", "scope"], errors="ignore")


def _columns_by_year(frame: pd.DataFrame, keys: list[str], *, min_cell: int) -> pd.DataFrame:
    """Indicators as rows, years as columns, suppressed and formatted."""
    table = r.formatted(frame, min_cell=min_cell, columns=keys).T
    table.columns = [str(y) for y in frame.index]
    return table


def _period(first_year: int, last_year: int) -> str:
    return f"{first_year}-{last_year}" if first_year != last_year else str(first_year)


def key_figures(dataset: Dataset, *, first_year: int, last_year: int, min_cell: int) -> display.Block:
    """Indicators 1-3 and the exit rates for each year of the period, against the targets."""
    frame = _by_year(dataset, first_year, last_year)
    if not frame["participants"].fillna(0).any():
        return r.no_data(r.NO_DATA_PERIOD)
    shown = r.suppressed(frame, min_cell=min_cell)
    keys = [key for _, key in HEADLINES] + ["exits_examined", "clause_share"]
    table = _columns_by_year(frame, keys, min_cell=min_cell)
    table["Objectif"] = [fmt.percent(r.TARGETS[k], 0) if k in r.TARGETS else "" for k in keys]
    numbers = r.drawable(frame, shown)
    reached = {k: [str(y) for y in frame.index if numbers.at[y, k] >= r.TARGETS[k]] for k in _RATES}
    sentences = [
        f"{r.INDICATOR_LABELS[k]} : objectif de {fmt.percent(r.TARGETS[k], 0)} atteint en "
        + (", ".join(reached[k]) if reached[k] else "aucune année de la période")
        + "."
        for k in _RATES
    ]
    return display.join(
        r.key_figure_cards(shown, year=last_year, cards=HEADLINES),
        *(display.text(s) for s in sentences),
        display.table(table, caption=f"Indicateurs de la fiche H5, {_period(first_year, last_year)}"),
    )


def participants(dataset: Dataset, *, first_year: int, last_year: int, min_cell: int) -> display.Block:
    """People in pathway, RSA recipients (indicator 1) and entries per year; publics per year."""
    frame = _by_year(dataset, first_year, last_year)
    if not frame["participants"].fillna(0).any():
        return r.no_data(r.NO_DATA_PERIOD)
    numbers = r.shown_numbers(frame, min_cell=min_cell)
    lines = {
        "participants": "Personnes en parcours",
        "rsa_participants": "Allocataires du RSA (indicateur 1)",
        "entries": "Entrées dans l'année",
    }
    fig, ax = plt.subplots(figsize=(8, 3.8))
    charts.trend_lines(numbers[list(lines)], ax=ax, labels=lines, ylabel="Personnes")
    alt = (
        f"Courbes de {first_year} à {last_year} : personnes en parcours, allocataires du RSA et entrées par année ; "
        + " ; ".join(
            f"{y} : {fmt.integer(numbers.at[y, 'participants'])} personnes dont "
            f"{fmt.integer(numbers.at[y, 'rsa_participants'])} au RSA"
            for y in numbers.index
        )
        + "."
    )
    shown = r.suppressed(frame, min_cell=min_cell)
    publics = pd.DataFrame(
        {
            str(y): [r.share_text(shown.at[y, k], shown.at[y, "participants"]) for k in r.PUBLIC_KEYS]
            for y in frame.index
        },
        index=[r.PUBLIC_LABELS[k] for k in r.PUBLIC_KEYS],
    )
    counts = _columns_by_year(
        frame, ["participants", "rsa_participants", "entries", "rsa_entries"], min_cell=min_cell
    )
    return display.join(
        display.figure(fig, alt),
        display.table(counts, caption="Personnes en parcours et entrées par année"),
        display.table(publics, caption="Part de chaque public parmi les personnes en parcours"),
    )


def rates(dataset: Dataset, *, first_year: int, last_year: int, min_cell: int) -> display.Block:
    """Durable and dynamic exit rates per year against the 25 % and 60 % targets."""
    frame = _by_year(dataset, first_year, last_year)
    if not frame["exits_examined"].fillna(0).any():
        return r.no_data(r.NO_DATA_PERIOD)
    numbers = r.shown_numbers(frame, min_cell=min_cell)
    fig, ax = plt.subplots(figsize=(8, 3.8))
    charts.trend_lines(
        numbers[_RATES],
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
    table = _columns_by_year(
        frame,
        ["exits", "exits_examined", *_RATES, "mean_duration_months", "rsa_durable_or_training"],
        min_cell=min_cell,
    )
    return display.join(
        display.figure(fig, alt), display.table(table, caption="Sorties et taux de sortie par année")
    )


def exits(dataset: Dataset, *, first_year: int, last_year: int, min_cell: int) -> display.Block:
    """Exits by category per year (stacked bars)."""
    frame = _by_year(dataset, first_year, last_year)
    if not frame["exits"].fillna(0).any():
        return r.no_data(r.NO_DATA_PERIOD)
    shown = r.suppressed(frame, min_cell=min_cell)
    categories, rest = exit_bars(frame, shown)
    categories.index = rest.index = [str(y) for y in categories.index]
    fig, ax = plt.subplots(figsize=(8, 4.2))
    masked_label = f"Catégories masquées (secret statistique, effectifs < {min_cell})"
    charts.stacked_exits(categories, ax=ax, horizontal=False, masked=rest, masked_label=masked_label)
    described = " ; ".join(
        f"{y} : {fmt.integer(shown.at[y, 'exits'])} sorties dont "
        f"{fmt.integer(shown.at[y, 'exits_emploi_durable'])} en emploi durable"
        for y in frame.index
    )
    alt = f"Barres verticales empilées : sorties par catégorie de {first_year} à {last_year} ; {described}."
    table = _columns_by_year(frame, [*r.EXIT_KEYS, "exits", "short_exits"], min_cell=min_cell)
    return display.join(
        display.figure(fig, alt),
        display.note(
            "Les catégories masquées par le secret statistique sont regroupées en un segment hachuré."
        )
        if rest.notna().any()
        else None,
        display.table(table, caption="Sorties par catégorie et par année"),
    )


def territories(dataset: Dataset, *, first_year: int, last_year: int, min_cell: int) -> display.Block:
    """People in pathway and exit rates per territory and year."""
    keys = ["participants", *_RATES]
    shown, numbers = {}, {}
    for year in _years(first_year, last_year):
        frame = r.indicators(dataset, year, by="territory")
        full = with_total(frame, r.departement_row(dataset, year))
        year_shown = r.suppressed(full, min_cell=min_cell, total_row=TOTAL)
        shown[year] = year_shown[keys]
        numbers[year] = r.drawable(full, year_shown)[keys]
    if not any(n.at[TOTAL, "participants"] > 0 for n in numbers.values()):
        return r.no_data(r.NO_DATA_PERIOD)

    def wide(source: dict, key: str) -> pd.DataFrame:
        return pd.DataFrame({y: f[key] for y, f in source.items()})

    people = wide(numbers, "participants").drop(index=TOTAL).T
    rates = wide(numbers, "dynamic_rate").T
    rates = rates[[c for c in rates.columns if c != TOTAL] + [TOTAL]].dropna(axis=1, how="all")
    colours = {t: display.PALETTE[i % 8] for i, t in enumerate(people.columns)} | {TOTAL: display.PALETTE[8]}
    fig, (left, right) = plt.subplots(1, 2, figsize=(11, 4.2), layout="constrained")
    charts.trend_lines(people, ax=left, ylabel="Personnes en parcours", colours=colours)
    charts.trend_lines(
        rates, ax=right, value_kind="percent", ylabel="Taux de sorties dynamiques", colours=colours
    )
    right.axhline(
        r.TARGETS["dynamic_rate"],
        color=charts.TARGET_COLOUR,
        linestyle=":",
        linewidth=1.5,
        label=f"Objectif : {fmt.percent(r.TARGETS['dynamic_rate'], 0)}",
    )
    charts.legend_below(right, ncol=2)
    last = people.index[-1]
    alt = (
        f"Courbes de {first_year} à {last_year} : à gauche les personnes en parcours de "
        f"{plural(people.shape[1], 'territoire')}, "
        f"à droite les taux de sorties dynamiques publiables ({plural(rates.shape[1], 'courbe')}) avec l'objectif de "
        f"{fmt.percent(r.TARGETS['dynamic_rate'], 0)} ; en {last} : "
        + " ; ".join(f"{t} {fmt.integer(v)} personnes" for t, v in people.loc[last].items())
        + "."
    )
    blocks = [display.figure(fig, alt)]
    masked_rates = int(
        wide(numbers, "dynamic_rate").isna().to_numpy().sum()
        - wide(shown, "dynamic_rate").isna().to_numpy().sum()
    )
    if masked_rates:
        blocks.append(
            display.note(f"Les taux masqués par le secret statistique ({masked_rates}) ne sont pas tracés.")
        )
    for key, caption in (
        ("participants", "Personnes en parcours"),
        ("dynamic_rate", "Taux de sorties dynamiques"),
    ):
        table = wide(shown, key).map(lambda v, k=key: r.format_value(k, v))
        table.columns = [str(c) for c in table.columns]
        blocks.append(display.table(table, caption=f"{caption} par territoire"))
    return display.join(*blocks)


def clauses(dataset: Dataset, *, first_year: int, last_year: int, min_cell: int) -> display.Block:
    """Contracts with a social clause (indicator 3a), their share and insertion hours, per year."""
    contracts = dataset.contracts
    if contracts is None or not contracts["year"].between(first_year, last_year).any():
        return r.no_data(r.NO_DATA_PERIOD)
    frame = _by_year(dataset, first_year, last_year)
    keys = ["contracts_total", "contracts_with_clause", "clause_share", *r.HOUR_KEYS]
    hours = frame[list(r.HOUR_KEYS)].astype(float)
    hours.index = [str(y) for y in hours.index]
    blocks = []
    if hours.fillna(0).to_numpy().any():
        fig, ax = r.new_figure(2 * len(hours), per_row=0.3)
        charts.grouped_bars(
            hours, ax=ax, labels=r.INDICATOR_LABELS, value_kind="hours", xlabel="Heures d'insertion"
        )
        alt = (
            f"Barres horizontales groupées : heures d'insertion prévues et réalisées dans les marchés avec clause sociale, "
            f"de {first_year} à {last_year} ; "
            + " ; ".join(
                f"{y} : {fmt.hours(p)} prévues, {fmt.hours(d)} réalisées" for y, (p, d) in hours.iterrows()
            )
            + "."
        )
        blocks.append(display.figure(fig, alt))
    blocks.append(
        display.table(
            _columns_by_year(frame, keys, min_cell=min_cell), caption="Marchés et clauses sociales par année"
        )
    )
    return display.join(*blocks)


def operations(dataset: Dataset, *, first_year: int, last_year: int, min_cell: int) -> display.Block:
    """Operations carried out with the insertion structures per year (indicator 3b)."""
    ops = dataset.operations
    if ops is None or not ops["year"].between(first_year, last_year).any():
        return r.no_data(r.NO_DATA_PERIOD)
    ops = ops[ops["year"].between(first_year, last_year)]
    per_year = ops.groupby("year").agg(
        n=("operation_id", "size"), structures=("structure_id", "nunique"), amount=("amount_eur", "sum")
    )
    per_year = per_year.reindex(_years(first_year, last_year)).fillna(0)
    table = pd.DataFrame(
        {
            "Opérations (indicateur 3b)": [fmt.integer(v) for v in per_year["n"]],
            "Structures concernées": [fmt.integer(v) for v in per_year["structures"]],
            "Montant": [fmt.euros(v) for v in per_year["amount"]],
        },
        index=[str(y) for y in per_year.index],
    ).T
    return display.join(
        display.text(
            f"De {first_year} à {last_year}, {fmt.integer(len(ops))} opérations ont été menées avec "
            f"{fmt.integer(ops['structure_id'].nunique())} structures d'insertion."
        ),
        display.table(table, caption="Opérations par année"),
    )
