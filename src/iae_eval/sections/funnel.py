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

import pandas as pd

from iae_eval import charts, fmt
from iae_eval.data.dataset import Dataset, per_dataset
from iae_eval.indicators import overdispersion as od
from iae_eval.indicators import uncertainty
from iae_eval.indicators.catalogue import EXIT_KEYS, TARGETS
from iae_eval.indicators.catalogue import LABELS as INDICATOR_LABELS
from iae_eval.indicators.pathways import structure_label, structure_name
from iae_eval.report import Report
from iae_eval.sections import parts
from iae_eval.sections import places as at
from iae_eval.sections.formats import shown_numbers
from iae_eval.sections.frames import by_structure, period_years, trends, with_labels
from iae_eval.sections.notes import NO_DATA_PERIOD, no_data, plural, view
from iae_eval.sections.rate_texts import successes
from iae_eval.sections.rates import RATES

#: The counts a pooled rate is recomputed from.
POOLED_COUNTS: tuple[str, ...] = tuple(dict.fromkeys(["exits_examined", *EXIT_KEYS, "exits"]))
#: With this many structures or fewer, those outside the 95 % limits are named on the chart.
NAMED_UP_TO = 30
READING = (
    "Chaque point est une structure : en abscisse son nombre de sorties examinées, en ordonnée son taux. "
    "Les courbes tiretées sont les limites de contrôle à 95 %, les pointillées celles à 99,8 % : une "
    "structure entre les limites ne s'écarte pas de l'objectif au-delà de ce que le hasard explique ; "
    "au-delà des limites à 99,8 %, l'écart est réel et mérite d'être discuté (à publics comparables)."
)


def _drawable(frame: pd.DataFrame, *, min_cell: int, diffusion: str, **options) -> pd.DataFrame:
    """The structures' rates and examined exits the edition shows (NaN where masked; ``options``:
    see :func:`~iae_eval.sections.formats.suppressed`)."""
    return shown_numbers(frame, min_cell=min_cell, diffusion=diffusion, **options)[[*RATES, "exits_examined"]]


def dispersions(frame: pd.DataFrame) -> dict[str, od.Dispersion]:
    """The overdispersion of each rate over every structure of ``frame`` (raw figures, before
    any masking: the limits are the same in both editions)."""
    return {key: od.estimate(frame[key], frame["exits_examined"], TARGETS[key]) for key in RATES}


def funnel_parts(
    numbers: pd.DataFrame,
    *,
    what: str,
    highlight: str | None = None,
    highlight_label: str | None = None,
    spread: dict[str, od.Dispersion] | None = None,
) -> parts.Section:
    """One funnel plot per rate for the structures of ``numbers`` (index: structure names;
    columns: the rates and ``exits_examined``), with its alt text; one sentence instead when
    no structure can be drawn. ``spread`` gives the limits drawn per rate (overdispersion;
    the exact binomial limits without it)."""
    with_exits = numbers[numbers["exits_examined"].fillna(0) > 0]
    items: list = []
    hidden: dict[str, int] = {}
    for key in RATES:
        method = (spread or {}).get(key, uncertainty.BINOMIAL)
        label = INDICATOR_LABELS[key]
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
        named = charts.outside_names(
            drawn[key], drawn["exits_examined"], target=TARGETS[key], method=method, up_to=NAMED_UP_TO
        )
        png = charts.funnel_png(
            drawn[key],
            drawn["exits_examined"],
            target=TARGETS[key],
            title=f"{label} {what}",
            ylabel=label,
            highlight=highlight,
            highlight_label=highlight_label,
            method=method,
            named=tuple(named),
        )
        alt = charts.funnel_alt_text(
            drawn[key],
            drawn["exits_examined"],
            target=TARGETS[key],
            rate_label=label.lower(),
            highlight=highlight,
            highlight_label=highlight_label,
            method=method,
        )
        explanation = method.explanation if isinstance(method, od.Dispersion) else ""
        if named:
            alt += " Hors des limites à 95 % : " + ", ".join(named) + "."
        items.append(parts.Chart(png, f"{alt} {explanation}".strip()))
        if explanation:
            items.append(parts.note(f"{label} : {explanation[0].lower()}{explanation[1:]}"))
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
                + ", ".join(f"{hidden[k]} pour le {INDICATOR_LABELS[k].lower()}" for k in RATES)
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
    frame = _with_exits(by_structure(dataset, year))
    return _drawable(
        frame, min_cell=min_cell, diffusion=diffusion, places=at.of_structures(frame, dataset, year)
    )


@per_dataset
def _year_spread(dataset: Dataset, year: int) -> dict[str, od.Dispersion]:
    """The funnel limits of ``year`` (:func:`dispersions` over every structure with exits),
    shared by every structure report of the year."""
    return dispersions(_with_exits(by_structure(dataset, year)))


@view
def departement(rep: Report) -> parts.Section:
    """Funnel plots of the structures' rates of ``year``."""
    dataset, year, min_cell, diffusion = rep.dataset, rep.year, rep.min_cell, rep.diffusion
    frame = _with_exits(by_structure(dataset, year))
    if frame.empty:
        return no_data(f"Aucune sortie en {year} : pas de graphique en entonnoir.")
    numbers = _year_numbers(dataset, year, min_cell, diffusion)
    return funnel_parts(with_labels(numbers, dataset), what=f"en {year}", spread=dispersions(frame))


@view
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
    frame = _with_exits(by_structure(dataset, year))
    if structure_id not in frame.index:
        return no_data(
            f"{name} n'a aucune sortie en {year} : elle ne figure pas sur le graphique en entonnoir."
        )
    numbers = _year_numbers(dataset, year, min_cell, diffusion)
    label = structure_label(dataset, structure_id)
    return funnel_parts(
        with_labels(numbers, dataset),
        what=f"en {year}",
        highlight=label,
        highlight_label=f"{label} (la structure)",
        spread=_year_spread(dataset, year),
    )


def pooled(dataset: Dataset, first_year: int, last_year: int) -> pd.DataFrame:
    """Every structure's exits summed over the period, with its rates recomputed from the
    sums (index: ``structure_id``)."""
    long = trends(dataset, period_years(first_year, last_year), by="structure")
    sums = long.groupby(long["key"].astype(str))[list(POOLED_COUNTS)].sum(min_count=1)
    examined = sums["exits_examined"].where(sums["exits_examined"] > 0)
    for key in RATES:
        sums[key] = successes(sums, key) / examined
    return sums


@view
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
        return no_data(NO_DATA_PERIOD)
    period = f"de {first_year} à {last_year}" if first_year != last_year else f"en {first_year}"
    numbers = _drawable(frame, min_cell=min_cell, diffusion=diffusion)
    return parts.join(
        parts.lead(
            f"Sorties cumulées {period} : {fmt.integer(frame['exits_examined'].sum())} sorties examinées "
            f"dans {plural(len(frame), 'structure')}."
        ),
        funnel_parts(with_labels(numbers, dataset), what=f"cumulé {period}", spread=dispersions(frame)),
    )
