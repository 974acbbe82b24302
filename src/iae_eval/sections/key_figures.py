"""Key figures: indicators 1-3, people in pathway and the two exit rates against their targets."""

from __future__ import annotations

import pandas as pd

from iae_eval import fmt, wording
from iae_eval.indicators import uncertainty
from iae_eval.indicators.catalogue import LABELS as INDICATOR_LABELS
from iae_eval.indicators.catalogue import TARGETS
from iae_eval.indicators.pathways import structure_name, structures_active
from iae_eval.report import Report
from iae_eval.sections import parts
from iae_eval.sections import places as at
from iae_eval.sections.formats import drawable, suppressed
from iae_eval.sections.frames import by_year, indicators, structure_row, structure_years
from iae_eval.sections.notes import NO_DATA_PERIOD, no_data, plural, view
from iae_eval.sections.rate_texts import (
    columns_by_year,
    formatted,
    intervals,
    key_figure_cards,
    target_sentence,
)

#: The headline figures (their labels come from the indicator catalogue).
HEADLINES: tuple[str, ...] = (
    "participants",
    "rsa_participants",
    "rsa_durable_or_training",
    "durable_rate",
    "dynamic_rate",
    "contracts_with_clause",
    "operations",
)
#: Rows of the "fiche H5" table: the headlines, then the figures they are computed from.
TABLE_KEYS: tuple[str, ...] = (*HEADLINES, "exits_examined", "clause_share")
_RATES = ("durable_rate", "dynamic_rate")


def _with_targets(table: pd.DataFrame) -> pd.DataFrame:
    table["Objectif"] = [fmt.percent(TARGETS[k], 0) if k in TARGETS else "" for k in TABLE_KEYS]
    return table


def _verdicts(frame: pd.DataFrame, numbers: pd.DataFrame, key: str) -> str:
    """``Taux … (objectif 25 %) : atteint en 2012 ; compatible avec l'objectif en 2010, 2011 ;
    non atteint en 2013.`` — the verdict of each year whose rate is shown, from its interval."""
    estimates = intervals(frame, key)
    years: dict[str, list[str]] = {}
    for y in frame.index:
        if pd.isna(numbers.at[y, key]):
            continue
        verdict = uncertainty.verdict(estimates.at[y, "low"], estimates.at[y, "high"], TARGETS[key])
        if verdict is not None:
            years.setdefault(verdict, []).append(str(y))
    words = {
        uncertainty.REACHED: "atteint en",
        uncertainty.COMPATIBLE: "compatible avec l'objectif en",
        uncertainty.NOT_REACHED: "non atteint en",
    }
    found = [f"{words[v]} {', '.join(years[v])}" for v in words if v in years]
    note = " (l'intervalle de confiance contient l'objectif)" if uncertainty.COMPATIBLE in years else ""
    return (
        f"{INDICATOR_LABELS[key]} (objectif {fmt.percent(TARGETS[key], 0)}) : "
        + (" ; ".join(found) + note if found else "aucun taux publié sur la période")
        + "."
    )


@view
def departement(rep: Report) -> parts.Section:
    """Indicators 1-3, participants and the two exit rates against their targets, with the
    previous year beside them (when the data covers it)."""
    dataset, year, min_cell, diffusion = rep.dataset, rep.year, rep.min_cell, rep.diffusion
    years = [y for y in (year - 1, year) if y == year or y in dataset.years()]
    frame = pd.concat([indicators(dataset, y).set_axis([y]) for y in years])
    current = frame.loc[year]
    places = at.of_years(frame, dataset)
    shown = suppressed(frame, min_cell=min_cell, diffusion=diffusion, places=places)
    table = formatted(
        frame, min_cell=min_cell, columns=list(TABLE_KEYS), diffusion=diffusion, places=places
    ).T
    table.columns = [str(c) for c in table.columns]
    n_structures = len(structures_active(dataset.participants, year))
    if not current["participants"]:
        lead = parts.note(f"Aucun parcours actif en {year} dans les données.")
    else:
        lead = parts.lead(
            f"En {year}, {plural(n_structures, 'structure')} d'insertion et "
            f"{wording.count_words('participants', shown.at[year, 'participants'])}, dont "
            f"{wording.count_words('rsa_participants', shown.at[year, 'rsa_participants'])}."
        )
    return parts.join(
        lead,
        key_figure_cards(shown, year=year, keys=HEADLINES),
        *(parts.text(target_sentence(k, shown.at[year, k], year, row=current)) for k in _RATES),
        parts.table(_with_targets(table), caption=f"Indicateurs de la fiche H5, {year} et année précédente"),
    )


@view
def structure(rep: Report) -> parts.Section:
    """The structure's headline figures (indicators 1-3, exit rates) with the previous year."""
    dataset, year, structure_id, min_cell, diffusion = (
        rep.dataset,
        rep.year,
        rep.structure_id,
        rep.min_cell,
        rep.diffusion,
    )
    years = [y for y in (year - 1, year) if y in dataset.years()] or [year]
    frame = structure_years(dataset, structure_id, years)
    if year not in frame.index:
        frame.loc[year] = structure_row(dataset, year, structure_id)
    places = at.of_years(frame, dataset, at.structure_unit(structure_id))
    shown = suppressed(frame, min_cell=min_cell, diffusion=diffusion, places=places)
    current = frame.loc[year]
    name = structure_name(dataset, structure_id)
    if not current["participants"]:
        lead = parts.note(f"{name} n'a aucun parcours actif en {year}.")
    else:
        lead = parts.lead(
            f"En {year}, {name} compte {wording.count_words('participants', shown.at[year, 'participants'])}, "
            f"dont {wording.count_words('rsa_participants', shown.at[year, 'rsa_participants'])}."
        )
    return parts.join(
        lead,
        key_figure_cards(shown, year=year, keys=HEADLINES),
        *(
            parts.text(target_sentence(k, shown.at[year, k], year, subject="de la structure", row=current))
            for k in _RATES
        ),
    )


@view
def bilan(rep: Report) -> parts.Section:
    """Indicators 1-3 and the exit rates for each year of the period, against the targets."""
    dataset, first_year, last_year, min_cell, diffusion = (
        rep.dataset,
        rep.first_year,
        rep.last_year,
        rep.min_cell,
        rep.diffusion,
    )
    frame = by_year(dataset, first_year, last_year)
    if not frame["participants"].fillna(0).any():
        return no_data(NO_DATA_PERIOD)
    places = at.of_years(frame, dataset)
    shown = suppressed(frame, min_cell=min_cell, diffusion=diffusion, places=places)
    table = columns_by_year(frame, list(TABLE_KEYS), min_cell=min_cell, diffusion=diffusion, places=places)
    numbers = drawable(frame, shown)
    sentences = [_verdicts(frame, numbers, k) for k in _RATES]
    period = f"{first_year}-{last_year}" if first_year != last_year else str(first_year)
    return parts.join(
        key_figure_cards(shown, year=last_year, keys=HEADLINES),
        *(parts.text(s) for s in sentences),
        parts.table(_with_targets(table), caption=f"Indicateurs de la fiche H5, {period}"),
    )
