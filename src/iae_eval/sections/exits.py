"""Exits by category: stacked bars and tables, per structure, per year, or one structure
beside the département (with its exit rates)."""

from __future__ import annotations

import matplotlib.pyplot as plt
import pandas as pd

from iae_eval import charts, fmt, wording
from iae_eval.data.reference import NEUTRAL_CATEGORY
from iae_eval.indicators.catalogue import EXAMINED_EXIT_KEYS, EXIT_KEYS
from iae_eval.indicators.catalogue import LABELS as INDICATOR_LABELS
from iae_eval.report import Report
from iae_eval.sections import parts, summary
from iae_eval.sections import places as at
from iae_eval.sections.formats import drawable, format_value, share_text, suppressed
from iae_eval.sections.frames import (
    TOTAL,
    by_structure,
    by_year,
    departement_row,
    structure_row,
    with_labels,
    with_total,
)
from iae_eval.sections.notes import NO_DATA_PERIOD, new_figure, no_data, suppression_note, view
from iae_eval.sections.rate_texts import columns_by_year, labelled
from iae_eval.sections.rates import rates_parts

#: The columns of the tables of exits by category.
COLUMNS: tuple[str, ...] = (*EXIT_KEYS, "exits", "exits_examined", "short_exits")
#: The rows of a structure's exits beside the département's: the examined categories, with
#: their share of the examined exits (the denominator of the rates beside them), adding up to
#: their total; then apart, without a share, the retrait, the recorded exits and the short exits.
STRUCTURE_ROWS: tuple[str, ...] = (
    *EXAMINED_EXIT_KEYS,
    "exits_examined",
    f"exits_{NEUTRAL_CATEGORY}",
    "exits",
    "short_exits",
)


def masked_label(min_cell: int) -> str:
    """Legend of the hatched segment standing for the masked categories of a bar."""
    return f"Catégories masquées (secret statistique, effectifs < {min_cell})"


def exit_bars(frame: pd.DataFrame, shown: pd.DataFrame) -> tuple[pd.DataFrame, pd.Series]:
    """What a stacked-exit chart may draw for the rows of ``frame`` (suppressed form
    ``shown``): the category counts (NaN where masked) and, per row, the exits of its
    masked categories together. A row whose recorded exits are withheld (so that a small
    "retrait" cannot be recomputed) is drawn up to its examined exits, "retrait" left out.
    Rows whose number of exits is masked or 0 are dropped."""
    numbers = drawable(frame, shown)
    total = numbers["exits"].fillna(numbers["exits_examined"])
    numbers, total = numbers[total.fillna(0) > 0], total[total.fillna(0) > 0]
    categories = numbers[list(EXIT_KEYS)]
    rest = total - categories.sum(axis=1, min_count=0)
    categories.columns = [k.removeprefix("exits_") for k in categories.columns]
    return categories, rest.where(categories.isna().any(axis=1))


@view
def departement(rep: Report) -> parts.Section:
    """Exits of the year by category, per structure: stacked bars and table."""
    dataset, year, min_cell, diffusion = rep.dataset, rep.year, rep.min_cell, rep.diffusion
    frame = by_structure(dataset, year)
    frame = frame[(frame["exits"] > 0) | (frame["short_exits"] > 0)]
    if frame.empty:
        return no_data(f"Aucune sortie en {year}.")
    frame = with_labels(frame.sort_values(["exits", "short_exits"], ascending=False), dataset)
    full = with_total(frame, departement_row(dataset, year))
    shown = suppressed(
        full, min_cell=min_cell, diffusion=diffusion, places=at.of_structures(full, dataset, year)
    )
    columns = list(COLUMNS)
    if summary.is_many(len(frame)):
        return summarised(frame, shown, year=year, min_cell=min_cell)
    categories, rest = exit_bars(frame, shown.drop(index=TOTAL))
    hidden = int((frame["exits"] > 0).sum()) - len(categories)
    items: list = []
    if not categories.empty:
        fig, ax = new_figure(len(categories))
        charts.stacked_exits(categories, ax=ax, masked=rest, masked_label=masked_label(min_cell))
        dep = shown.loc[TOTAL]
        alt = (
            f"Barres horizontales empilées : sorties de {year} par catégorie pour {len(categories)} structures"
            + (f" ({hidden} non représentées, effectifs inférieurs à {min_cell})" if hidden else "")
            + f" ; département : {wording.count_words('exits', dep['exits'], noun='sorties')} dont "
            f"{wording.count_words('exits_emploi_durable', dep['exits_emploi_durable'], noun='en emploi durable')}, "
            f"taux de sorties dynamiques {fmt.percent(dep['dynamic_rate'])}."
        )
        items.append(parts.figure(fig, alt))
    items.append(suppression_note(hidden, min_cell=min_cell))
    if rest.notna().any():
        items.append(
            parts.note(
                "Dans une barre, les catégories masquées par le secret statistique sont regroupées en un "
                "segment hachuré ; quand le nombre de sorties constatées est masqué, la barre s'arrête aux "
                "sorties examinées (retraits non représentés)."
            )
        )
    items.append(
        parts.table(
            labelled(shown, columns, frame=full),
            caption=f"Sorties de {year} par catégorie et par structure",
        )
    )
    return parts.join(*items)


def summarised(frame: pd.DataFrame, shown: pd.DataFrame, *, year: int, min_cell: int) -> parts.Section:
    """:func:`departement` for many structures (:mod:`~iae_eval.sections.summary`): stacked bars
    of the structures with the most exits, the distribution of the number of exits, the
    structures with the most and the fewest exits, the link to the year's spreadsheets.
    ``shown`` is ``frame`` suppressed, with the :data:`~iae_eval.sections.frames.TOTAL` row."""
    structures = shown.drop(index=TOTAL)
    exits = drawable(frame, structures)["exits"].where(lambda v: v > 0)
    top, _ = summary.extremes(exits)
    categories, rest = exit_bars(frame.iloc[top], structures.iloc[top])
    items: list = []
    if not categories.empty:
        fig, ax = new_figure(len(categories))
        charts.stacked_exits(categories, ax=ax, masked=rest, masked_label=masked_label(min_cell))
        alt = (
            f"Barres horizontales empilées : sorties de {year} par catégorie pour les {len(categories)} structures "
            f"qui en comptent le plus (jusqu'à {fmt.integer(exits.max())})."
        )
        items.append(parts.figure(fig, alt))
    items.append(
        summary.distribution(
            exits,
            what=f"leur nombre de sorties en {year}",
            xlabel=INDICATOR_LABELS["exits"],
            value_kind="integer",
        )
    )
    hidden = int((frame["exits"] > 0).sum()) - int(exits.notna().sum())
    if hidden:
        items.append(
            parts.note(
                f"{fmt.integer(hidden)} structures au nombre de sorties inférieur à {min_cell} ne sont ni tracées ni "
                "classées (valeur masquée)."
            )
        )
    items += summary.extreme_tables(
        labelled(structures, list(COLUMNS)),
        exits,
        highest=f"Les {summary.EXTREMES} structures aux sorties les plus nombreuses, {year}",
        lowest=f"Les {summary.EXTREMES} structures aux sorties les moins nombreuses, {year}",
        total=labelled(shown.loc[[TOTAL]], list(COLUMNS)),
    )
    return summary.summarised(*items, count=len(structures), year=year)


@view
def structure(rep: Report) -> parts.Section:
    """The structure's exits by category and its exit rates against the targets, beside the département."""
    dataset, year, structure_id, min_cell, diffusion = (
        rep.dataset,
        rep.year,
        rep.structure_id,
        rep.min_cell,
        rep.diffusion,
    )
    own = structure_row(dataset, year, structure_id)
    if not own["exits"] and not own["short_exits"]:
        return no_data(f"Aucune sortie en {year} dans cette structure.")
    dep = departement_row(dataset, year)
    frame = pd.DataFrame([own, dep], index=["Structure", "Département"])
    places = at.of_rows(dataset, year, [at.structure_unit(structure_id), at.DEPARTEMENT])
    shown = suppressed(frame, min_cell=min_cell, diffusion=diffusion, places=places)
    keys = list(STRUCTURE_ROWS)
    columns = {}
    for scope in ("Structure", "Département"):
        columns[scope] = [format_value(k, shown.at[scope, k]) for k in keys]
        columns[f"Part ({scope.lower()})"] = [
            share_text(shown.at[scope, k], shown.at[scope, "exits_examined"])
            if k in EXAMINED_EXIT_KEYS
            else ""
            for k in keys
        ]
    table = pd.DataFrame(columns, index=[INDICATOR_LABELS[k] for k in keys])
    return parts.join(
        parts.table(table, caption=f"Sorties de {year} par catégorie"),
        rates_parts(
            frame,
            shown,
            title="de la structure et du département",
            year=year,
            min_cell=min_cell,
            own="Structure",
        ),
    )


@view
def bilan(rep: Report) -> parts.Section:
    """Exits by category per year (stacked bars)."""
    dataset, first_year, last_year, min_cell, diffusion = (
        rep.dataset,
        rep.first_year,
        rep.last_year,
        rep.min_cell,
        rep.diffusion,
    )
    frame = by_year(dataset, first_year, last_year)
    if not frame["exits"].fillna(0).any():
        return no_data(NO_DATA_PERIOD)
    places = at.of_years(frame, dataset)
    shown = suppressed(frame, min_cell=min_cell, diffusion=diffusion, places=places)
    categories, rest = exit_bars(frame, shown)
    categories.index = rest.index = [str(y) for y in categories.index]
    fig, ax = plt.subplots(figsize=(8, 4.2))
    charts.stacked_exits(
        categories, ax=ax, horizontal=False, masked=rest, masked_label=masked_label(min_cell)
    )
    described = " ; ".join(
        f"{y} : {wording.count_words('exits', shown.at[y, 'exits'], noun='sorties')} dont "
        f"{wording.count_words('exits_emploi_durable', shown.at[y, 'exits_emploi_durable'], noun='en emploi durable')}"
        for y in frame.index
    )
    alt = f"Barres verticales empilées : sorties par catégorie de {first_year} à {last_year} ; {described}."
    table = columns_by_year(
        frame, [*EXIT_KEYS, "exits", "short_exits"], min_cell=min_cell, diffusion=diffusion, places=places
    )
    return parts.join(
        parts.figure(fig, alt),
        parts.note(
            "Les catégories masquées par le secret statistique sont regroupées en un segment hachuré ; quand "
            "le nombre de sorties constatées est masqué, la barre s'arrête aux sorties examinées."
        )
        if rest.notna().any()
        else None,
        parts.table(table, caption="Sorties par catégorie et par année"),
    )
