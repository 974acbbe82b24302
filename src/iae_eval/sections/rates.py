"""Exit rates: durable-employment and dynamic-exit rates against their targets (25 % and 60 %),
each with its 95 % confidence interval (error bars on the charts, ``[low – high]`` in the tables)."""

from __future__ import annotations

import functools

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from iae_eval import charts, fmt
from iae_eval.charts import backgrounds
from iae_eval.editions import edition
from iae_eval.indicators.catalogue import LABELS as INDICATOR_LABELS
from iae_eval.indicators.catalogue import TARGETS
from iae_eval.report import Report
from iae_eval.sections import parts, rate_texts, summary
from iae_eval.sections import places as at
from iae_eval.sections.formats import drawable, shown_numbers, suppressed
from iae_eval.sections.frames import TOTAL, by_structure, by_year, departement_row, with_labels, with_total
from iae_eval.sections.notes import NO_DATA_PERIOD, figure_size, new_figure, no_data, view
from iae_eval.sections.rate_texts import columns_by_year, labelled, target_sentence

RATES: tuple[str, ...] = ("durable_rate", "dynamic_rate")


def rates_parts(
    frame: pd.DataFrame,
    shown: pd.DataFrame,
    *,
    title: str,
    year: int | str,
    min_cell: int,
    own: str | None = None,
) -> parts.Section:
    """Dot chart (with the 95 % intervals as error bars) and table of durable and dynamic
    rates for the rows of ``frame``, given the edition's form ``shown``. The chart draws the
    :data:`~iae_eval.sections.frames.TOTAL` row first, on top. With ``own`` (a structure's
    row), the chart is drawn over the background the year's structure reports share (the
    other rows, the targets, the axes)."""
    numbers = drawable(frame, shown)[list(RATES)]
    order = [*(i for i in numbers.index if i == TOTAL), *(i for i in numbers.index if i != TOTAL)]
    drawn = numbers.loc[order].dropna(how="all")
    items: list = []
    if not drawn.empty:
        intervals = {k: rate_texts.intervals(frame.loc[order], k).set_axis(order) for k in RATES}
        own = own if own in drawn.index else None
        reach = {k: int((drawn[k] >= TARGETS[k]).sum()) for k in RATES}
        if len(drawn) <= 4:
            values = " ; ".join(
                f"{name} : emploi durable {fmt.percent(row['durable_rate'])}, sorties dynamiques "
                f"{fmt.percent(row['dynamic_rate'])}"
                for name, row in drawn.iterrows()
            )
        else:
            values = (
                f"{fmt.plural(reach['dynamic_rate'], 'ligne', 'lignes')} sur {len(drawn)} "
                f"{fmt.plural_word(reach['dynamic_rate'], 'atteint', 'atteignent')} l'objectif de sorties dynamiques, "
                f"{reach['durable_rate']} celui d'emploi durable"
            )
        alt = (
            f"Points : taux d'emploi durable et de sorties dynamiques {title} en {year}, avec les objectifs de "
            f"{fmt.percent(TARGETS['durable_rate'], 0)} et {fmt.percent(TARGETS['dynamic_rate'], 0)} ; "
            f"{values}."
        )
        items.append(
            parts.figure(_dots_figure(drawn, intervals, None), alt)
            if own is None
            else parts.Chart(_dots_over_background(drawn, intervals, own), alt)
        )
    hidden = int(numbers.isna().any(axis=1).sum() - frame[list(RATES)].isna().all(axis=1).sum())
    if hidden > 0:
        items.append(
            parts.note(
                f"{fmt.plural(hidden, 'taux masqué', 'taux masqués')} par le secret statistique (moins de "
                f"{min_cell} sorties examinées, ou une catégorie de sortie masquée) : "
                f"{fmt.plural_word(hidden, 'il n’est pas tracé', 'ils ne sont pas tracés')}."
            )
        )
    items.append(
        parts.table(
            labelled(shown, ["exits_examined", *RATES], frame=frame),
            caption=f"Taux de sortie {title}, {year}",
        )
    )
    return parts.join(*items)


@view
def departement(rep: Report) -> parts.Section:
    """Durable and dynamic exit rates per structure, against the 25 % and 60 % targets."""
    dataset, year, min_cell, diffusion = rep.dataset, rep.year, rep.min_cell, rep.diffusion
    dep = departement_row(dataset, year)
    if not dep["exits_examined"]:
        return no_data(f"Aucune sortie examinée en {year} : les taux ne sont pas calculables.")
    frame = by_structure(dataset, year)
    frame = with_labels(frame[frame["exits"] > 0].sort_values("dynamic_rate", ascending=False), dataset)
    full = with_total(frame, dep)
    places = at.of_structures(full, dataset, year)
    shown = suppressed(full, min_cell=min_cell, diffusion=diffusion, places=places)
    many = summary.is_many(len(frame))
    return parts.join(
        parts.lead(target_sentence("durable_rate", shown.at[TOTAL, "durable_rate"], year, row=dep)),
        parts.text(target_sentence("dynamic_rate", shown.at[TOTAL, "dynamic_rate"], year, row=dep)),
        summarised_rates(
            full, shown, title="par structure", year=year, min_cell=min_cell, diffusion=diffusion
        )
        if many
        else rates_parts(full, shown, title="par structure", year=year, min_cell=min_cell),
    )


def dots(rates: pd.DataFrame, ax, intervals: dict[str, pd.DataFrame], own: str | None = None):
    """The dot chart of the durable and dynamic ``rates`` (one row per unit) with their
    ``intervals``, against the targets (:func:`iae_eval.charts.rate_dots`); returns ax."""
    return charts.rate_dots(
        rates,
        ax=ax,
        targets=TARGETS,
        labels=INDICATOR_LABELS,
        xlabel="Part des sorties examinées (barres : intervalle de confiance à 95 %)",
        intervals=intervals,
        own=own,
    )


def _dots_figure(rates: pd.DataFrame, intervals: dict[str, pd.DataFrame], own: str | None):
    """The figure of :func:`rates_parts`' dot chart of ``rates``."""
    fig, ax = new_figure(len(rates))
    dots(rates, ax, intervals, own)
    return fig


def _dots_over_background(rates: pd.DataFrame, intervals: dict[str, pd.DataFrame], own: str) -> bytes:
    """The PNG of the dot chart of ``rates`` (:func:`_dots_figure`), drawn over the background of
    the other rows (:func:`iae_eval.charts.backgrounds.over_fixed`: its legend row names the
    rates and the targets, whatever the structure)."""
    others = rates.drop(index=own)
    key = (
        "rate dots",
        tuple(rates.index),
        own,
        others.to_numpy(dtype=float, na_value=float("nan")).tobytes(),
        tuple(
            intervals[k]
            .drop(index=own)[["low", "high"]]
            .to_numpy(dtype=float, na_value=float("nan"))
            .tobytes()
            for k in RATES
        ),
        tuple(TARGETS.items()),
    )

    def redraw(axes) -> None:
        charts.draw_own_row(axes[0], rates, own, intervals=intervals)

    build = functools.partial(_dots_figure, rates, intervals, own)
    return backgrounds.over_fixed(key, figure_size(len(rates)), build, redraw)


def summarised_rates(
    frame: pd.DataFrame, shown: pd.DataFrame, *, title: str, year: int, min_cell: int, diffusion: str
) -> parts.Section:
    """:func:`rates_parts` for many structures (:mod:`~iae_eval.sections.summary`): the
    distribution of each rate, the structures with the highest and lowest dynamic-exit rates,
    the link to the year's spreadsheets (the funnel plots have their own section). ``frame``
    ends with the :data:`~iae_eval.sections.frames.TOTAL` row."""
    numbers = drawable(frame, shown)[list(RATES)].drop(index=TOTAL)
    structures = shown.drop(index=TOTAL)
    charts_ = [
        summary.distribution(
            numbers[key],
            what=f"leur {INDICATOR_LABELS[key].lower()} en {year}",
            xlabel=INDICATOR_LABELS[key],
            target=TARGETS[key],
        )
        for key in RATES
    ]
    columns = ["exits_examined", *RATES]
    tables = summary.extreme_tables(
        labelled(structures, columns, frame=frame.drop(index=TOTAL)),
        numbers["dynamic_rate"],
        highest=f"Les {summary.EXTREMES} structures aux taux de sorties dynamiques les plus hauts, {year}",
        lowest=f"Les {summary.EXTREMES} structures aux taux de sorties dynamiques les plus bas, {year}",
        total=labelled(shown.loc[[TOTAL]], columns, frame=frame.loc[[TOTAL]]),
    )
    published = {key: fmt.integer(int(numbers[key].notna().sum())) for key in RATES}
    why = (
        f"masqués par le secret statistique (moins de {min_cell} sorties examinées, ou une catégorie de sortie "
        "masquée) ou non calculables"
        if edition(diffusion).suppresses
        else "non calculables (aucune sortie examinée)"
    )
    return summary.summarised(
        *charts_,
        parts.note(
            f"Seuls les taux définis sont tracés et classés : {published['durable_rate']} taux d'emploi durable et "
            f"{published['dynamic_rate']} taux de sorties dynamiques sur {fmt.integer(len(structures))} structures ; "
            f"les autres sont {why}."
        )
        if numbers.isna().any().any()
        else None,
        *tables,
        count=len(structures),
        year=year,
    )


def year_intervals(frame: pd.DataFrame, numbers: pd.DataFrame, key: str) -> pd.DataFrame:
    """Rate ``key`` of each year (rows of ``frame``) with its interval, as
    :func:`iae_eval.charts.rate_with_interval` draws it: NaN where the edition masks the rate
    (``numbers``: the drawable values), except a year without any examined exit, whose 0
    the chart marks as "aucune sortie"."""
    estimates = rate_texts.intervals(frame, key)
    return estimates.where(numbers[key].notna() | (estimates["examined"] == 0), float("nan"))


#: Size of :func:`interval_chart`'s figure (inches): two panels side by side.
INTERVALS_FIGSIZE = (10.0, 4.2)


def interval_chart(
    series: dict[str, dict[str, pd.DataFrame]], *, what: str, own: str | None = None
) -> parts.Chart | parts.Paragraph:
    """Durable (left) and dynamic (right) rates by year with their intervals, one series per
    entry of ``series`` (``{"Structure": {rate key: year_intervals}, …}``); one sentence
    instead when there is no rate to draw. With ``own`` (a structure's series), the chart is
    drawn over the background the year's structure reports share (the other series, the
    legend row)."""
    values = [frames[k]["rate"] for frames in series.values() for k in RATES]
    if not charts.has_values(*values):
        return parts.note(f"Aucun taux de sortie à représenter pour {what} : le graphique n'est pas tracé.")
    alts = [
        charts.rate_interval_alt_text(
            {name: frames[key] for name, frames in series.items()}, rate_label=INDICATOR_LABELS[key]
        )
        for key in RATES
    ]
    alt = f"Deux graphiques de points avec barres d'erreur pour {what}. " + " ".join(alts)
    build = functools.partial(_intervals_figure, series, own)
    if own is None:
        return parts.figure(build(), alt)
    redraw = functools.partial(_draw_own, series, own)
    png = backgrounds.over_fixed(_background_key(series, own), INTERVALS_FIGSIZE, build, redraw)
    return parts.Chart(png, alt)


def _intervals_figure(series: dict[str, dict[str, pd.DataFrame]], own: str | None):
    """The figure of :func:`interval_chart`."""
    fig, axes = plt.subplots(1, 2, figsize=INTERVALS_FIGSIZE, layout="constrained", sharey=True)
    for ax, key in zip(axes, RATES, strict=True):
        by_key = {name: frames[key] for name, frames in series.items()}
        charts.rate_with_interval(
            by_key, ax=ax, target=TARGETS[key], ylabel="Part des sorties examinées", own=own
        )
        ax.set_title(INDICATOR_LABELS[key], loc="left", fontsize=10)
    axes[1].set_ylabel("")
    return fig


def _draw_own(series: dict[str, dict[str, pd.DataFrame]], own: str, axes) -> None:
    """Draw the series ``own`` again on the two panels ``axes`` of a kept background."""
    for ax, key in zip(axes, RATES, strict=True):
        charts.draw_own_series(ax, {name: frames[key] for name, frames in series.items()}, own)


def _background_key(series: dict[str, dict[str, pd.DataFrame]], own: str) -> tuple:
    """What :func:`interval_chart`'s background depends on: the other series, the years drawn,
    and what of the structure's series its legend row shows (whether it has a rate, whether
    one is on a low count: the hollow mark's entry)."""
    others = tuple(
        (
            name,
            key,
            tuple(frames[key].index),
            frames[key].to_numpy(dtype=float, na_value=float("nan")).tobytes(),
        )
        for name, frames in series.items()
        if name != own
        for key in RATES
    )
    years = tuple(sorted({int(y) for frames in series.values() for key in RATES for y in frames[key].index}))
    legend = tuple(_legend_entries(series[own][key]) for key in RATES)
    return ("rates by year", tuple(series), own, others, years, legend, tuple(TARGETS.items()))


def _legend_entries(frame: pd.DataFrame) -> tuple[bool, bool]:
    """Whether a series of :func:`interval_chart` has a rate drawn (its legend entry), and a
    rate on a low count drawn (the hollow mark's entry)."""
    drawn = frame["rate"].notna().to_numpy()
    faint = frame["low_count"].to_numpy(dtype=bool) if "low_count" in frame else np.zeros_like(drawn)
    return bool(drawn.any()), bool((drawn & faint).any())


@view
def bilan(rep: Report) -> parts.Section:
    """Durable and dynamic exit rates per year with their intervals, against the 25 % and
    60 % targets."""
    dataset, first_year, last_year, min_cell, diffusion = (
        rep.dataset,
        rep.first_year,
        rep.last_year,
        rep.min_cell,
        rep.diffusion,
    )
    frame = by_year(dataset, first_year, last_year)
    if not frame["exits_examined"].fillna(0).any():
        return no_data(NO_DATA_PERIOD)
    places = at.of_years(frame, dataset)
    numbers = shown_numbers(frame, min_cell=min_cell, diffusion=diffusion, places=places)
    chart = interval_chart(
        {"Département": {k: year_intervals(frame, numbers, k) for k in RATES}},
        what=f"le département de {first_year} à {last_year}",
    )
    table = columns_by_year(
        frame,
        ["exits", "exits_examined", *RATES, "mean_duration_months", "rsa_durable_or_training"],
        min_cell=min_cell,
        diffusion=diffusion,
        places=places,
    )
    return parts.join(chart, parts.table(table, caption="Sorties et taux de sortie par année"))
