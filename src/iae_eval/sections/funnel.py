"""Funnel plots: the durable and dynamic rates of every structure against its number of
examined exits, around the targets, with the 95 % and 99.8 % control limits
(:func:`iae_eval.charts.funnel_plot`, Spiegelhalter 2005; docs/editions.md).

Three views: the département's year (:func:`departement`), a structure's year with the
structure highlighted among the others (:func:`structure`) and the period of the bilan with
the exits pooled over its years (:func:`bilan`), where even small structures have enough
exits. A structure is drawn only where the edition shows its rate and its number of examined
exits (public edition: neither masked).
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import pandas as pd

from iae_eval import charts, fmt
from iae_eval.data.dataset import Dataset, per_dataset
from iae_eval.indicators.catalogue import EXIT_KEYS
from iae_eval.indicators.pathways import structure_label, structure_name
from iae_eval.report import Report
from iae_eval.sections import parts
from iae_eval.sections import shared as r
from iae_eval.sections.rates import RATES

#: The counts a pooled rate is recomputed from.
POOLED_COUNTS: tuple[str, ...] = tuple(dict.fromkeys(["exits_examined", *EXIT_KEYS, "exits"]))
READING = (
    "Chaque point est une structure : en abscisse son nombre de sorties examinées, en ordonnée son taux. "
    "Les courbes tiretées sont les limites de contrôle à 95 %, les pointillées celles à 99,8 % : une "
    "structure entre les limites ne s'écarte pas de l'objectif au-delà de ce que le hasard explique ; "
    "au-delà des limites à 99,8 %, l'écart est réel et mérite d'être discuté (à publics comparables)."
)


def _drawable(frame: pd.DataFrame, *, min_cell: int, diffusion: str) -> pd.DataFrame:
    """The structures' rates and examined exits the edition shows (NaN where masked)."""
    return r.shown_numbers(frame, min_cell=min_cell, diffusion=diffusion)[[*RATES, "exits_examined"]]


def funnel_parts(
    numbers: pd.DataFrame, *, what: str, highlight: str | None = None, highlight_label: str | None = None
) -> parts.Section:
    """One funnel plot per rate for the structures of ``numbers`` (index: structure names;
    columns: the rates and ``exits_examined``), with its alt text; one sentence instead when
    no structure can be drawn."""
    with_exits = numbers[numbers["exits_examined"].fillna(0) > 0]
    items: list = []
    hidden: dict[str, int] = {}
    for key in RATES:
        label = r.INDICATOR_LABELS[key]
        drawn = with_exits.dropna(subset=[key])
        hidden[key] = len(numbers) - len(drawn)
        if drawn.empty:
            items.append(
                parts.note(
                    f"Aucun {label.lower()} de structure à représenter {what} : "
                    "le graphique en entonnoir n'est pas tracé."
                )
            )
            continue
        fig, ax = plt.subplots(figsize=(8, 4.6), layout="constrained")
        charts.funnel_plot(
            drawn[key],
            drawn["exits_examined"],
            target=r.TARGETS[key],
            ax=ax,
            highlight=highlight,
            highlight_label=highlight_label,
            ylabel=label,
            xlabel=r.INDICATOR_LABELS["exits_examined"],
        )
        ax.set_title(f"{label} {what}", loc="left", fontsize=10)
        alt = charts.funnel_alt_text(
            drawn[key],
            drawn["exits_examined"],
            target=r.TARGETS[key],
            rate_label=label.lower(),
            highlight=highlight,
            highlight_label=highlight_label,
        )
        items.append(parts.figure(fig, alt))
    if (
        highlight is not None
        and highlight in numbers.index
        and numbers.loc[[highlight], list(RATES)].isna().any(axis=None)
    ):
        items.append(
            parts.note(f"Le taux de {highlight} n'est pas publié : la structure n'est pas mise en évidence.")
        )
    most = max(hidden.values())
    if most:
        items.append(
            parts.note(
                "Structures sans taux publié, qui ne figurent pas sur les graphiques : "
                + ", ".join(f"{hidden[k]} pour le {r.INDICATOR_LABELS[k].lower()}" for k in RATES)
                + "."
            )
        )
    items.append(parts.note(READING))
    return parts.join(*items)


def _with_exits(frame: pd.DataFrame) -> pd.DataFrame:
    return frame[frame["exits"].fillna(0) > 0]


@per_dataset
def _year_numbers(dataset: Dataset, year: int, min_cell: int, diffusion: str) -> pd.DataFrame:
    """The drawable rates of the structures with exits in ``year`` (index: ``structure_id``):
    every structure report of the year draws the same ones, computed once per dataset."""
    frame = _with_exits(r.by_structure(dataset, year))
    return _drawable(frame, min_cell=min_cell, diffusion=diffusion)


@r.view
def departement(rep: Report) -> parts.Section:
    """Funnel plots of the structures' rates of ``year``."""
    dataset, year, min_cell, diffusion = rep.dataset, rep.year, rep.min_cell, rep.diffusion
    frame = _with_exits(r.by_structure(dataset, year))
    if frame.empty:
        return r.no_data(f"Aucune sortie en {year} : pas de graphique en entonnoir.")
    numbers = _drawable(frame, min_cell=min_cell, diffusion=diffusion)
    return funnel_parts(r.with_labels(numbers, dataset), what=f"en {year}")


@r.view
def structure(rep: Report) -> parts.Section:
    """Funnel plots of the structures' rates of ``year``, the structure highlighted."""
    dataset, year, structure_id, min_cell, diffusion = (
        rep.dataset,
        rep.year,
        rep.structure_id,
        rep.min_cell,
        rep.diffusion,
    )
    name = structure_name(dataset, structure_id)
    frame = _with_exits(r.by_structure(dataset, year))
    if structure_id not in frame.index:
        return r.no_data(
            f"{name} n'a aucune sortie en {year} : elle ne figure pas sur le graphique en entonnoir."
        )
    numbers = _year_numbers(dataset, year, min_cell, diffusion)
    label = structure_label(dataset, structure_id)
    return funnel_parts(
        r.with_labels(numbers, dataset),
        what=f"en {year}",
        highlight=label,
        highlight_label=f"{label} (la structure)",
    )


def pooled(dataset: Dataset, first_year: int, last_year: int) -> pd.DataFrame:
    """Every structure's exits summed over the period, with its rates recomputed from the
    sums (index: ``structure_id``)."""
    long = r.trends(dataset, r.period_years(first_year, last_year), by="structure")
    sums = long.groupby(long["key"].astype(str))[list(POOLED_COUNTS)].sum(min_count=1)
    examined = sums["exits_examined"].where(sums["exits_examined"] > 0)
    for key in RATES:
        sums[key] = r.successes(sums, key) / examined
    return sums


@r.view
def bilan(rep: Report) -> parts.Section:
    """Funnel plots of the structures' rates pooled over the period."""
    dataset, first_year, last_year, min_cell, diffusion = (
        rep.dataset,
        rep.first_year,
        rep.last_year,
        rep.min_cell,
        rep.diffusion,
    )
    frame = _with_exits(pooled(dataset, first_year, last_year))
    if frame.empty:
        return r.no_data(r.NO_DATA_PERIOD)
    period = f"de {first_year} à {last_year}" if first_year != last_year else f"en {first_year}"
    numbers = _drawable(frame, min_cell=min_cell, diffusion=diffusion)
    return parts.join(
        parts.lead(
            f"Sorties cumulées {period} : {fmt.integer(frame['exits_examined'].sum())} sorties examinées "
            f"dans {r.plural(len(frame), 'structure')}."
        ),
        funnel_parts(r.with_labels(numbers, dataset), what=f"cumulé {period}"),
    )
