"""Funding of the insertion structures: by funder and nature, European and State share,
cost per participant and per dynamic exit, investment subsidies (action A5).

Amounts in euros are not person counts and are shown as they are; the costs per
participant and per dynamic exit divide by person counts, so :func:`iae_eval.indicators.suppress.suppress`
masks a cost whose count is small or masked (it would give the count back): masked in
tables, not drawn in charts.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import pandas as pd

from iae_eval import fmt
from iae_eval.charts.funding import funding_chart
from iae_eval.data.dataset import Dataset
from iae_eval.indicators.catalogue import LABELS as INDICATOR_LABELS
from iae_eval.indicators.funding import (  # noqa: F401 - the funding figures, used by the charts
    CATEGORY_LABELS,
    COST_KEYS,
    EUROPE_STATE,
    _rows,
    europe_state_share,
    funding_amounts,
    shares,
    structure_costs,
)
from iae_eval.indicators.pathways import structure_name
from iae_eval.report import Report
from iae_eval.sections import parts
from iae_eval.sections import places as at
from iae_eval.sections.funding_costs import costs_blocks, shown_costs, suppressed_costs  # noqa: F401
from iae_eval.sections.notes import no_data, view

# --- Sections ------------------------------------------------------------------------------------


def _missing(dataset: Dataset, years: range, *, structure_id: str | None = None) -> parts.Section | None:
    if dataset.funding is None:
        return no_data("Pas de données de financement.")
    if not _rows(dataset, structure_id)["year"].isin(list(years)).any():
        period = f"{years[0]}" if len(years) == 1 else f"{years[0]}-{years[-1]}"
        whose = "" if structure_id is None else f" de {structure_name(dataset, structure_id)}"
        return no_data(f"Pas de données de financement{whose} pour {period}.")
    return None


def _stacked_figure(amounts: pd.DataFrame, *, by: str, what: str, title: str | None = None) -> parts.Chart:
    fig, ax = plt.subplots(figsize=(8, 4.2))
    funding_chart(amounts, by=by, title=title, ax=ax)
    last = amounts.index[-1]
    total = float(amounts.loc[last].sum())
    segments = " ; ".join(
        f"{CATEGORY_LABELS[by][c]} {fmt.euros(v)}" for c, v in amounts.loc[last].items() if v > 0
    )
    alt = (
        f"Barres empilées : {what} par {'financeur' if by == 'funder' else 'nature'}, de "
        f"{amounts.index[0]} à {last} ; en {last}, {fmt.euros(total)} au total"
        + (f" : {segments}." if segments else ".")
    )
    return parts.figure(fig, alt=alt)


def _amounts_table(shares: pd.DataFrame, *, by: str, caption: str) -> parts.Table:
    shown = pd.DataFrame(
        {
            "Financeur" if by == "funder" else "Nature": [CATEGORY_LABELS[by][c] for c in shares.index]
            + ["Total"],
            "Montant": [fmt.euros(v) for v in shares["amount"]] + [fmt.euros(shares["amount"].sum())],
            "Part": [fmt.percent(v) for v in shares["share"]] + [fmt.percent(1.0)],
        }
    )
    return parts.table(shown, index=False, caption=caption)


def _investment_blocks(dataset: Dataset, first_year: int, last_year: int) -> tuple[list, list]:
    """(figures, tables) of the investment subsidies (action A5)."""
    invest = funding_amounts(dataset, first_year=first_year, last_year=last_year, nature="investissement")
    if invest.empty:
        return [], [
            parts.text(f"Aucune subvention d'investissement de {first_year} à {last_year} (action A5).")
        ]
    fig = _stacked_figure(
        invest,
        by="funder",
        what="subventions d'investissement (action A5)",
        title="Subventions d'investissement par financeur (action A5)",
    )
    table = pd.DataFrame(
        {
            "Département": [
                fmt.euros(v) for v in invest.get("departement", pd.Series(0.0, index=invest.index))
            ],
            "Total": [fmt.euros(v) for v in invest.sum(axis=1)],
        },
        index=[str(y) for y in invest.index],
    )
    return [fig], [parts.table(table, caption="Subventions d'investissement par année (action A5)")]


@view
def departement(rep: Report) -> parts.Section:
    """Département report: funding by funder and nature up to ``year``, European and State
    share, cost per participant per structure, investment subsidies (A5)."""
    dataset, year, min_cell, diffusion = rep.dataset, rep.year, rep.min_cell, rep.diffusion
    missing = _missing(dataset, range(year, year + 1))
    if missing is not None:
        return missing
    first = int(_rows(dataset)["year"].min())
    by_funder = funding_amounts(dataset, first_year=first, last_year=year)
    by_nature = funding_amounts(dataset, first_year=first, last_year=year, by="nature")
    costs = structure_costs(dataset, year, by="departement")
    dep = suppressed_costs(
        costs, min_cell=min_cell, diffusion=diffusion, places=at.of_rows(dataset, year, [at.DEPARTEMENT])
    ).iloc[0]
    figures = parts.key_figures(
        [
            ("Financements de l'année", fmt.euros(by_funder.loc[year].sum()), None),
            ("Part de l'Europe (FSE) et de l'État", fmt.percent(europe_state_share(dataset, year)), None),
            *((INDICATOR_LABELS[k], fmt.euros(dep[k]), None) for k in COST_KEYS),
        ]
    )
    cost_figures, cost_tables = costs_blocks(dataset, year, min_cell, diffusion)
    invest_figures, invest_tables = _investment_blocks(dataset, first, year)
    return parts.join(
        figures,
        _stacked_figure(by_funder, by="funder", what="financements des structures"),
        _stacked_figure(by_nature, by="nature", what="financements des structures"),
        *cost_figures,
        *invest_figures,
        _amounts_table(shares(by_funder, year), by="funder", caption=f"Financements de {year} par financeur"),
        _amounts_table(shares(by_nature, year), by="nature", caption=f"Financements de {year} par nature"),
        *cost_tables,
        *invest_tables,
    )


@view
def structure(rep: Report) -> parts.Section:
    """Structure report: its funding by funder up to ``year`` and its costs against the median."""
    dataset, year, structure_id, min_cell, diffusion = (
        rep.dataset,
        rep.year,
        rep.structure_id,
        rep.min_cell,
        rep.diffusion,
    )
    name = structure_name(dataset, structure_id)
    missing = _missing(dataset, range(year, year + 1), structure_id=structure_id)
    if missing is not None:
        return missing
    first = int(_rows(dataset, structure_id)["year"].min())
    by_funder = funding_amounts(dataset, first_year=first, last_year=year, structure_id=structure_id)
    by_nature = funding_amounts(
        dataset, first_year=first, last_year=year, by="nature", structure_id=structure_id
    )
    return parts.join(
        _stacked_figure(by_funder, by="funder", what=f"financements de {name}"),
        _amounts_table(
            shares(by_funder, year), by="funder", caption=f"Financements de {name} en {year} par financeur"
        ),
        _amounts_table(
            shares(by_nature, year), by="nature", caption=f"Financements de {name} en {year} par nature"
        ),
        *costs_blocks(dataset, year, min_cell, diffusion, highlight=structure_id)[1],
    )


@view
def bilan(rep: Report) -> parts.Section:
    """Bilan: funding by funder and nature over the period, European and State share and the
    département's costs per year, investment subsidies (A5)."""
    dataset, first_year, last_year, min_cell, diffusion = (
        rep.dataset,
        rep.first_year,
        rep.last_year,
        rep.min_cell,
        rep.diffusion,
    )
    years = range(first_year, last_year + 1)
    missing = _missing(dataset, years)
    if missing is not None:
        return missing
    by_funder = funding_amounts(dataset, first_year=first_year, last_year=last_year)
    by_nature = funding_amounts(dataset, first_year=first_year, last_year=last_year, by="nature")
    dep = pd.concat([structure_costs(dataset, y, by="departement") for y in years])
    dep.index = list(years)
    shown = suppressed_costs(dep, min_cell=min_cell, diffusion=diffusion, places=at.of_years(dep, dataset))
    table = pd.DataFrame(
        {
            INDICATOR_LABELS["funding_total"]: [fmt.euros(v) for v in by_funder.sum(axis=1)],
            "Part de l'Europe (FSE) et de l'État": [
                fmt.percent(europe_state_share(dataset, y)) for y in years
            ],
            **{INDICATOR_LABELS[k]: [fmt.euros(v) for v in shown[k]] for k in COST_KEYS},
        },
        index=[str(y) for y in years],
    )
    invest_figures, invest_tables = _investment_blocks(dataset, first_year, last_year)
    return parts.join(
        _stacked_figure(by_funder, by="funder", what="financements des structures"),
        _stacked_figure(by_nature, by="nature", what="financements des structures"),
        *invest_figures,
        parts.table(table, caption=f"Financements et coûts du département, {first_year}-{last_year}"),
        *invest_tables,
    )
