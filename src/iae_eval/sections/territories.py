"""Territories (bassins) and kinds of structure: people in pathway and exit rates."""

from __future__ import annotations

import matplotlib.pyplot as plt
import pandas as pd

from iae_eval import charts, fmt, wording
from iae_eval.data.reference import KIND_LABELS
from iae_eval.palette import PALETTE
from iae_eval.report import Report
from iae_eval.sections import parts
from iae_eval.sections import places as at
from iae_eval.sections import shared as r
from iae_eval.sections.rates import RATES, dots


@r.view
def departement(rep: Report) -> parts.Section:
    """Participants and exit rates by territory (bassin) and by kind of structure."""
    dataset, year, min_cell, diffusion = rep.dataset, rep.year, rep.min_cell, rep.diffusion
    dep = r.departement_row(dataset, year)
    if not dep["participants"]:
        return r.no_data(f"Aucun parcours actif en {year}.")
    territory = r.indicators(dataset, year, by="territory")
    kind = r.indicators(dataset, year, by="kind")
    panels = []
    for frame, title, scope in ((territory, "Territoire", "territory"), (kind, "Type de structure", "kind")):
        frame = frame[frame["participants"] > 0]
        full = r.with_total(frame, dep)
        shown = r.suppressed(
            full, min_cell=min_cell, diffusion=diffusion, places=at.of_scope(full, dataset, year, scope)
        )
        if scope == "kind":
            labels = [k if k == r.TOTAL else f"{k} — {KIND_LABELS.get(k, k)}" for k in full.index]
            full, shown, frame = full.set_axis(labels), shown.set_axis(labels), frame.set_axis(labels[:-1])
        numbers = r.drawable(frame, shown.drop(index=r.TOTAL))[list(RATES)].dropna(how="all")
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
            dots(numbers, ax, {k: r.intervals(full, k) for k in RATES})
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
            f"{r.plural(len(panels[0][2]), 'territoire')} et {r.plural(len(panels[1][2]), 'type', 'types')} de structure, "
            f"avec les objectifs de {fmt.percent(r.TARGETS['durable_rate'], 0)} "
            f"et {fmt.percent(r.TARGETS['dynamic_rate'], 0)}{top}."
        )
        items.append(parts.figure(fig, alt))
    hidden = sum(len(full) - 1 - len(numbers) for full, _, numbers, _ in panels)
    items.append(r.suppression_note(hidden, min_cell=min_cell, what="lignes"))
    columns = ["participants", "rsa_participants", "exits_examined", *RATES]
    for full, shown, _, title in panels:
        items.append(parts.table(r.labelled(shown, columns, frame=full), caption=f"{title}, {year}"))
    items.append(
        parts.note(
            "Une personne ayant des parcours dans deux types de structure est comptée dans chacun : les "
            "personnes par type de structure ne s'additionnent pas."
        )
    )
    return parts.join(*items)


@r.view
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
    for year in r.period_years(first_year, last_year):
        frame = r.indicators(dataset, year, by="territory")
        full = r.with_total(frame, r.departement_row(dataset, year))
        year_shown = r.suppressed(
            full, min_cell=min_cell, diffusion=diffusion, places=at.of_scope(full, dataset, year, "territory")
        )
        shown[year] = year_shown[keys]
        numbers[year] = r.drawable(full, year_shown)[keys]
        texts[year] = pd.Series(r.rate_texts(full, year_shown, "dynamic_rate"), index=full.index)
    if not any(n.at[r.TOTAL, "participants"] > 0 for n in numbers.values()):
        return r.no_data(r.NO_DATA_PERIOD)

    def wide(source: dict, key: str) -> pd.DataFrame:
        return pd.DataFrame({y: f[key] for y, f in source.items()})

    people = wide(numbers, "participants").drop(index=r.TOTAL).T
    rates = wide(numbers, "dynamic_rate").T
    rates = rates[[c for c in rates.columns if c != r.TOTAL] + [r.TOTAL]].dropna(axis=1, how="all")
    colours = {t: PALETTE[i % 8] for i, t in enumerate(people.columns)} | {r.TOTAL: PALETTE[8]}
    fig, (left, right) = plt.subplots(1, 2, figsize=(11, 4.2), layout="constrained")
    charts.trend_lines(people, ax=left, ylabel=r.INDICATOR_LABELS["participants"], colours=colours)
    charts.trend_lines(
        rates, ax=right, value_kind="percent", ylabel=r.INDICATOR_LABELS["dynamic_rate"], colours=colours
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
        f"{r.plural(people.shape[1], 'territoire')}, "
        f"à droite les taux de sorties dynamiques publiables ({r.plural(rates.shape[1], 'courbe')}) avec l'objectif de "
        f"{fmt.percent(r.TARGETS['dynamic_rate'], 0)} ; en {last} : "
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
        caption = r.INDICATOR_LABELS[key]
        if key in RATES:
            table = pd.DataFrame(texts)
        else:
            table = wide(shown, key).map(lambda v, k=key: r.format_value(k, v))
        table.columns = [str(c) for c in table.columns]
        items.append(parts.table(table, caption=f"{caption} par territoire"))
    return parts.join(*items)
