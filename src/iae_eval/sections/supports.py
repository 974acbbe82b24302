"""Diversification of the activity supports (action A3).

A support is *present* in year Y when a structure active in Y (one pathway active in Y)
carries it. People by support are the distinct people active in Y in the structures that
carry it: a structure with two supports counts its people under both, so the rows of the
people table do not add up to the département's total.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import pandas as pd

from iae_eval import charts, fmt
from iae_eval.charts import grids
from iae_eval.data.dataset import Dataset
from iae_eval.data.reference import ACTIVITY_SUPPORTS, POTENTIAL_SUPPORTS
from iae_eval.indicators.catalogue import LABELS as INDICATOR_LABELS
from iae_eval.indicators.pathways import structures_active
from iae_eval.indicators.supports import (  # noqa: F401 - the supports' figures, used by the charts
    carriers,
    people_by_support,
    potential_supports,
    supports_by_year,
)
from iae_eval.report import Report
from iae_eval.sections import parts
from iae_eval.sections.formats import suppressed
from iae_eval.sections.notes import no_data, view

POTENTIAL_MARK = " (A3)"
DOUBLE_COUNT_SENTENCE = (
    "Une structure qui a plusieurs supports d'activité compte ses personnes sous chacun "
    "d'eux : les lignes ne s'additionnent pas."
)


def support_label(code: str) -> str:
    """French label of a support, marked ``(A3)`` when the sheet wants it developed."""
    return ACTIVITY_SUPPORTS.get(code, code) + (POTENTIAL_MARK if code in POTENTIAL_SUPPORTS else "")


def people_chart(people: pd.Series, *, ax=None):
    """Horizontal bars of people by support (:func:`iae_eval.charts.bars.people_by_support`),
    the supports aimed at by action A3 in another colour. Returns ax."""
    labels = {c: support_label(c) for c in people.index}
    return charts.people_by_support(people, labels=labels, aimed=POTENTIAL_SUPPORTS, ax=ax)


def presence_chart(by_year: pd.DataFrame, *, ax=None):
    """Supports × years grid of the number of active structures carrying each support
    (:func:`iae_eval.charts.grids.presence_grid`). Returns ax."""
    return grids.presence_grid(by_year, labels={c: support_label(c) for c in by_year.index}, ax=ax)


# --- Sections ------------------------------------------------------------------------------------


def _missing(dataset: Dataset, years: range) -> parts.Section | None:
    period = f"{years[0]}" if len(years) == 1 else f"{years[0]}-{years[-1]}"
    if not any(structures_active(dataset.participants, y) for y in years):
        return no_data(f"Aucune structure active en {period}.")
    if not any(carriers(dataset, y) for y in years):
        return no_data(f"Pas de supports d'activité renseignés pour les structures actives en {period}.")
    return None


def _potential_table(dataset: Dataset, years: list[int]) -> pd.DataFrame:
    frames = {y: potential_supports(dataset, y) for y in years}
    return pd.DataFrame(
        {
            "Support visé par l'action A3": [ACTIVITY_SUPPORTS[c] for c in POTENTIAL_SUPPORTS],
            **{
                f"Structures {y}": [fmt.integer(n) if n else "absent" for n in frames[y]["structures"]]
                for y in years
            },
        }
    )


def _people_blocks(dataset: Dataset, year: int, min_cell: int, diffusion: str) -> list:
    people = people_by_support(dataset, year)
    shown_people = suppressed(
        people, min_cell=min_cell, diffusion=diffusion, count_columns=["people"], total_column={}
    )
    masked = shown_people["people"]
    shown = people["people"].astype(float).where(~masked.map(lambda v: isinstance(v, str)))
    blocks = []
    if shown.notna().any():
        fig, ax = plt.subplots(figsize=(8, 1.8 + 0.42 * len(people)))
        people_chart(shown, ax=ax)
        drawn = shown.dropna().sort_values(ascending=False)
        top = ", ".join(f"{ACTIVITY_SUPPORTS.get(c, c)} {fmt.integer(v)}" for c, v in drawn.head(3).items())
        alt = (
            f"Barres horizontales : personnes en parcours en {year} par support d'activité, "
            f"{len(people)} supports présents ; les plus fréquents : {top}."
        )
        blocks.append(parts.figure(fig, alt=alt))
    hidden = int(shown.isna().sum())
    if hidden:
        blocks.append(
            parts.note(
                f"{fmt.plural(hidden, 'support', 'supports')} dont l'effectif est inférieur à {min_cell} "
                f"{fmt.plural_word(hidden, 'n’est pas représenté', 'ne sont pas représentés')} sur le graphique "
                "(effectif masqué dans le tableau)."
            )
        )
    table = pd.DataFrame(
        {
            "Support d'activité": [support_label(c) for c in people.index],
            "Structures actives": [fmt.integer(v) for v in people["structures"]],
            INDICATOR_LABELS["participants"]: [fmt.integer(v) for v in masked],
        }
    )
    blocks.append(parts.table(table, index=False, caption=f"Supports d'activité en {year}"))
    blocks.append(parts.note(DOUBLE_COUNT_SENTENCE + " (A3) : support visé par l'action A3."))
    return blocks


@view
def departement(rep: Report) -> parts.Section:
    """Département report: supports present in ``year``, people by support, the sheet's
    potential supports present or still missing."""
    dataset, year, min_cell, diffusion = rep.dataset, rep.year, rep.min_cell, rep.diffusion
    missing = _missing(dataset, range(year, year + 1))
    if missing is not None:
        return missing
    potential = potential_supports(dataset, year)
    absent = [ACTIVITY_SUPPORTS[c].lower() for c in potential.index[~potential["present"]]]
    present = int(potential["present"].sum())
    verb = "est présent" if present <= 1 else "sont présents"
    lead = f"En {year}, {present} des {len(potential)} supports visés par l'action A3 {verb}" + (
        f" ; encore absents : {', '.join(absent)}." if absent else "."
    )
    return parts.join(
        parts.lead(lead),
        *_people_blocks(dataset, year, min_cell, diffusion),
        parts.table(
            _potential_table(dataset, [year]), index=False, caption=f"Supports visés par l'action A3, {year}"
        ),
    )


@view
def bilan(rep: Report) -> parts.Section:
    """Bilan: supports present each year, potential supports at the start and the end of the
    period, people by support in the last year."""
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
    by_year = supports_by_year(dataset, first_year=first_year, last_year=last_year)
    fig, ax = plt.subplots(figsize=(max(6.0, 0.8 * len(years) + 4), 1.5 + 0.4 * len(by_year)))
    presence_chart(by_year, ax=ax)
    gained = [
        support_label(c)
        for c in by_year.index
        if by_year.at[c, first_year] == 0 and by_year.at[c, last_year] > 0
    ]
    alt = (
        f"Grille : nombre de structures actives portant chaque support d'activité, {first_year}-{last_year} ; "
        f"{int((by_year[first_year] > 0).sum())} supports présents en {first_year}, "
        f"{int((by_year[last_year] > 0).sum())} en {last_year}"
        + (f" ; nouveaux : {', '.join(gained)}." if gained else ".")
    )
    blocks = [parts.figure(fig, alt=alt)]
    if carriers(dataset, last_year):
        blocks += _people_blocks(dataset, last_year, min_cell, diffusion)
    blocks.append(
        parts.table(
            _potential_table(dataset, sorted({first_year, last_year})),
            index=False,
            caption=f"Supports visés par l'action A3, {first_year} et {last_year}",
        )
    )
    return parts.join(*blocks)
