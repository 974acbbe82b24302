"""Territories (bassins) and kinds of structure: people in pathway and exit rates."""

from __future__ import annotations

import matplotlib.pyplot as plt
import pandas as pd

from iae_eval import charts, fmt, wording
from iae_eval.data.reference import KIND_LABELS
from iae_eval.indicators.catalogue import LABELS as INDICATOR_LABELS
from iae_eval.indicators.catalogue import TARGETS
from iae_eval.palette import PALETTE
from iae_eval.report import Report
from iae_eval.sections import parts
from iae_eval.sections import places as at
from iae_eval.sections.formats import drawable, format_value, suppressed
from iae_eval.sections.frames import TOTAL, departement_row, indicators, period_years, with_total
from iae_eval.sections.notes import NO_DATA_PERIOD, no_data, plural, suppression_note, view
from iae_eval.sections.rate_texts import intervals, labelled, rate_texts
from iae_eval.sections.rates import RATES, dots


@view
def departement(rep: Report) -> parts.Section:
    """Participants and exit rates by territory (bassin) and by kind of structure."""
    dataset, year, min_cell, diffusion = rep.dataset, rep.year, rep.min_cell, rep.diffusion
    dep = departement_row(dataset, year)
    if not dep["participants"]:
        return no_data(f"Aucun parcours actif en {year}.")
    territory = indicators(dataset, year, by="territory")
    kind = indicators(dataset, year, by="kind")
    panels = []
    for frame, title, scope in ((territory, "Territoire", "territory"), (kind, "Type de structure", "kind")):
        frame = frame[frame["participants"] > 0]
        full = with_total(frame, dep)
        shown = suppressed(
            full, min_cell=min_cell, diffusion=diffusion, places=at.of_scope(full, dataset, year, scope)
        )
        if scope == "kind":
            labels = [k if k == TOTAL else f"{k} — {KIND_LABELS.get(k, k)}" for k in full.index]
            full, shown, frame = full.set_axis(labels), shown.set_axis(labels), frame.set_axis(labels[:-1])
        numbers = drawable(frame, shown.drop(index=TOTAL))[list(RATES)].dropna(how="all")
        panels.append((full, shown, numbers, title))
    items: list = []
    if any(not numbers.empty for _, _, numbers, _ in panels):
        heights = [max(len(numbers), 1) + 1.5 for _, _, numbers, _ in panels]
        fig, axes = plt.subplots(
            2, 1, figsize=(8, 1.5 + 0.42 * sum(heights)), height_ratios=heights, layout="constrained"
        )
        for ax, (full, _, numbers, title) in zip(axes, panels, strict=True):
            if numbers.empty:
                ax.set_axis_off()
                continue
            dots(numbers, ax, {k: intervals(full, k) for k in RATES})
            ax.set_title(title, loc="left", fontsize=10)
        drawn_axes = [ax for ax, panel in zip(axes, panels, strict=True) if not panel[2].empty]
        for ax in drawn_axes[:-1]:
            ax.get_legend().remove()  # one legend, under the last panel
            ax.set_xlabel("")
        best = panels[0][2]["dynamic_rate"].dropna()
        top = (
            f" ; taux de sorties dynamiques le plus élevé : {best.idxmax()} ({fmt.percent(best.max())})"
            if not best.empty
            else ""
        )
        alt = (
            f"Points : taux d'emploi durable et de sorties dynamiques en {year} pour "
            f"{plural(len(panels[0][2]), 'territoire')} et {plural(len(panels[1][2]), 'type', 'types')} de structure, "
            f"avec les objectifs de {fmt.percent(TARGETS['durable_rate'], 0)} "
            f"et {fmt.percent(TARGETS['dynamic_rate'], 0)}{top}."
        )
        items.append(parts.figure(fig, alt))
    hidden = sum(len(full) - 1 - len(numbers) for full, _, numbers, _ in panels)
    items.append(suppression_note(hidden, min_cell=min_cell, what="lignes"))
    columns = ["participants", "rsa_participants", "exits_examined", *RATES]
    for full, shown, _, title in panels:
        items.append(parts.table(labelled(shown, columns, frame=full), caption=f"{title}, {year}"))
    items.append(
        parts.note(
            "Une personne ayant des parcours dans deux types de structure est comptée dans chacun : les "
            "personnes par type de structure ne s'additionnent pas."
        )
    )
    return parts.join(*items)


@view
def bilan(rep: Report) -> parts.Section:
    """People in pathway and exit rates per territory and year."""
    dataset, first_year, last_year, min_cell, diffusion = (
        rep.dataset,
        rep.first_year,
        rep.last_year,
        rep.min_cell,
        rep.diffusion,
    )
    keys = ["participants", *RATES]
    shown, numbers, texts = {}, {}, {}
    for year in period_years(first_year, last_year):
        frame = indicators(dataset, year, by="territory")
        full = with_total(frame, departement_row(dataset, year))
        year_shown = suppressed(
            full, min_cell=min_cell, diffusion=diffusion, places=at.of_scope(full, dataset, year, "territory")
        )
        shown[year] = year_shown[keys]
        numbers[year] = drawable(full, year_shown)[keys]
        texts[year] = pd.Series(rate_texts(full, year_shown, "dynamic_rate"), index=full.index)
    if not any(n.at[TOTAL, "participants"] > 0 for n in numbers.values()):
        return no_data(NO_DATA_PERIOD)

    def wide(source: dict, key: str) -> pd.DataFrame:
        return pd.DataFrame({y: f[key] for y, f in source.items()})

    people = wide(numbers, "participants").drop(index=TOTAL).T
    rates = wide(numbers, "dynamic_rate").T
    rates = rates[[c for c in rates.columns if c != TOTAL] + [TOTAL]].dropna(axis=1, how="all")
    colours = {t: PALETTE[i % 8] for i, t in enumerate(people.columns)} | {TOTAL: PALETTE[8]}
    fig, (left, right) = plt.subplots(1, 2, figsize=(11, 4.2), layout="constrained")
    charts.trend_lines(people, ax=left, ylabel=INDICATOR_LABELS["participants"], colours=colours)
    charts.trend_lines(
        rates, ax=right, value_kind="percent", ylabel=INDICATOR_LABELS["dynamic_rate"], colours=colours
    )
    right.axhline(
        TARGETS["dynamic_rate"],
        color=charts.TARGET_COLOUR,
        linestyle=":",
        linewidth=1.5,
        label=f"Objectif : {fmt.percent(TARGETS['dynamic_rate'], 0)}",
    )
    charts.legend_below(right, ncol=2)
    last = people.index[-1]
    alt = (
        f"Courbes de {first_year} à {last_year} : à gauche les personnes en parcours de "
        f"{plural(people.shape[1], 'territoire')}, "
        f"à droite les taux de sorties dynamiques publiables ({plural(rates.shape[1], 'courbe')}) avec l'objectif de "
        f"{fmt.percent(TARGETS['dynamic_rate'], 0)} ; en {last} : "
        + " ; ".join(
            f"{t} {wording.count_words('participants', v, noun='personnes')}"
            for t, v in people.loc[last].items()
        )
        + "."
    )
    items: list = [parts.figure(fig, alt)]
    masked_rates = int(
        wide(numbers, "dynamic_rate").isna().to_numpy().sum()
        - wide(shown, "dynamic_rate").isna().to_numpy().sum()
    )
    if masked_rates:
        items.append(
            parts.note(f"Les taux masqués par le secret statistique ({masked_rates}) ne sont pas tracés.")
        )
    for key in ("participants", "dynamic_rate"):
        caption = INDICATOR_LABELS[key]
        if key in RATES:
            table = pd.DataFrame(texts)
        else:
            table = wide(shown, key).map(lambda v, k=key: format_value(k, v))
        table.columns = [str(c) for c in table.columns]
        items.append(parts.table(table, caption=f"{caption} par territoire"))
    return parts.join(*items)
