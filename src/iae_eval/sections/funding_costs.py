"""The costs per participant and per dynamic exit of the structures (docs/indicators.md), as
the edition shows them: a cost divides by a person count, so the public edition masks a cost
whose count is small or masked (it would give the count back): masked in tables, not drawn.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from iae_eval import fmt
from iae_eval.charts import funding as charts_funding
from iae_eval.data.dataset import Dataset
from iae_eval.editions import edition
from iae_eval.indicators.catalogue import LABELS as INDICATOR_LABELS
from iae_eval.indicators.funding import COST_KEYS, structure_costs
from iae_eval.indicators.pathways import structure_labels
from iae_eval.sections import parts, summary
from iae_eval.sections import places as at
from iae_eval.sections.formats import masked, suppressed
from iae_eval.sections.notes import suppression_note


def cost_chart(
    costs: pd.Series, *, highlight: str | None = None, names: dict[str, str] | None = None, ax=None
):
    """:func:`iae_eval.charts.funding.cost_chart` of one cost, named on its axis; returns ax."""
    xlabel = INDICATOR_LABELS.get(str(costs.name), "Coût")
    return charts_funding.cost_chart(costs, highlight=highlight, names=names, xlabel=xlabel, ax=ax)


def suppressed_costs(
    costs: pd.DataFrame, *, min_cell: int, diffusion: str, places: at.Places | None = None
) -> pd.DataFrame:
    """``costs`` as the edition shows them. With ``places`` (:mod:`iae_eval.sections.places`),
    as the year's one decision says (a cost is a rate of the year's model: it gives its count
    back); without, decided for the table alone: counts below ``min_cell`` shown as
    ``< {min_cell}`` and the cost computed over a masked or small count masked (``s``)."""
    if places is not None:
        return suppressed(costs, min_cell=min_cell, diffusion=diffusion, places=places)
    return suppressed(
        costs,
        min_cell=min_cell,
        diffusion=diffusion,
        count_columns=["participants", "exits_dynamic"],
        rate_columns=list(COST_KEYS),
        rate_denominators={"cost_per_participant": "participants", "cost_per_dynamic_exit": "exits_dynamic"},
        rate_numerators={},
        total_column={},
    )


def shown_costs(
    costs: pd.DataFrame, *, min_cell: int, diffusion: str, places: at.Places | None = None
) -> pd.DataFrame:
    """The numbers of ``costs`` that may be drawn: masked cells become NaN."""
    shown = suppressed_costs(costs, min_cell=min_cell, diffusion=diffusion, places=places)
    return costs.astype(float).where(~masked(shown), np.nan)


def _costs_table(
    costs: pd.DataFrame, shown: pd.DataFrame, names: dict[str, str], min_cell: int, diffusion: str, places
) -> pd.DataFrame:
    published = suppressed_costs(costs, min_cell=min_cell, diffusion=diffusion, places=places)
    table = pd.DataFrame(
        {
            INDICATOR_LABELS["participants"]: [fmt.integer(v) for v in published["participants"]],
            "Sorties dynamiques": [fmt.integer(v) for v in published["exits_dynamic"]],
            INDICATOR_LABELS["funding_total"]: [fmt.euros(v) for v in published["funding_total"]],
            **{INDICATOR_LABELS[k]: [fmt.euros(v) for v in published[k]] for k in COST_KEYS},
        },
        index=[names.get(s, s) for s in costs.index],
    )
    median = shown.median()
    table.loc["Médiane des structures"] = ["", "", "", *(fmt.euros(median[k]) for k in COST_KEYS)]
    return table


def costs_blocks(
    dataset: Dataset, year: int, min_cell: int, diffusion: str, highlight: str | None = None
) -> tuple[list, list]:
    """(figures, tables) of the costs per participant and per dynamic exit, by structure."""
    costs = structure_costs(dataset, year)
    costs = costs[(costs["participants"].fillna(0) > 0) | (costs["funding_total"].fillna(0) > 0)]
    shown = shown_costs(
        costs, min_cell=min_cell, diffusion=diffusion, places=at.of_structures(costs, dataset, year)
    )
    names = structure_labels(dataset)
    if highlight is not None:  # its row and the median only: no need to format every structure's
        rows = costs.loc[[s for s in costs.index if s == highlight]]
        table = _costs_table(rows, shown, names, min_cell, diffusion, at.of_structures(rows, dataset, year))
        return [], [
            parts.table(table, caption=f"Coût par personne et par sortie dynamique, {year}"),
            costs_note(min_cell, diffusion),
        ]
    table = _costs_table(costs, shown, names, min_cell, diffusion, at.of_structures(costs, dataset, year))
    drawn = shown["cost_per_participant"].dropna()
    figures = []
    if summary.is_many(len(costs)):
        return _summarised_costs(table, shown, year=year, min_cell=min_cell, diffusion=diffusion)
    if len(drawn):
        fig, ax = plt.subplots(figsize=(8, 1.6 + 0.4 * len(drawn)))
        cost_chart(shown["cost_per_participant"], names=names, ax=ax)
        alt = (
            f"Points : coût par personne en parcours de {fmt.plural(len(drawn), 'structure', 'structures')} en {year}, de "
            f"{fmt.euros(drawn.min())} à {fmt.euros(drawn.max())}, médiane {fmt.euros(drawn.median())}."
        )
        figures += [
            parts.figure(fig, alt=alt),
            suppression_note(len(costs) - len(drawn), min_cell=min_cell),
        ]
    tables = [
        parts.table(table, caption=f"Coût par personne et par sortie dynamique, {year}"),
        costs_note(min_cell, diffusion),
    ]
    return figures, tables


def _summarised_costs(
    table: pd.DataFrame, shown: pd.DataFrame, *, year: int, min_cell: int, diffusion: str
) -> tuple[list, list]:
    """:func:`costs_blocks` for many structures (:mod:`~iae_eval.sections.summary`): the
    distribution of the cost per participant, the structures with the highest and lowest
    costs, the link to the year's spreadsheets. ``table`` ends with the median row."""
    cost = shown["cost_per_participant"]
    figures = [
        summary.distribution(
            cost,
            what=f"leur coût par personne en parcours en {year}",
            xlabel=INDICATOR_LABELS["cost_per_participant"],
            value_kind="euros",
        ),
        suppression_note(int(cost.isna().sum()), min_cell=min_cell),
    ]
    structures, median = table.iloc[:-1], table.iloc[[-1]]
    tables = summary.extreme_tables(
        structures,
        cost,
        highest=f"Les {summary.EXTREMES} structures au coût par personne le plus élevé, {year}",
        lowest=f"Les {summary.EXTREMES} structures au coût par personne le plus bas, {year}",
        total=median,
    )
    return figures, [
        summary.summarised(*tables, costs_note(min_cell, diffusion), count=len(structures), year=year)
    ]


def costs_note(min_cell: int, diffusion: str) -> parts.Paragraph:
    if not edition(diffusion).suppresses:
        return parts.note("La médiane porte sur les structures dont le coût est défini.")
    return parts.note(
        f"Les effectifs de moins de {min_cell} personnes sont masqués (« < {min_cell} »), ainsi que "
        "les coûts calculés sur eux (« non publié », avec la raison) ; la médiane porte sur les structures "
        "dont le coût peut être publié."
    )
