"""Publics: exits of RSA recipients next to all exits, and the share of each public.

The exit table is the "dont RSA" view of the national yearly report: the examined exits by
category, their total (the "Sorties examinées" the rates divide by), then apart the retrait
and the exits before the minimum stay, with the
columns "Toutes sorties" and "dont RSA". Every count comes from the indicators' engine under
the dataset's rules profile (:func:`iae_eval.indicators.exits_by_public.exits_by_category`);
the chart's shares divide by the examined exits, as the rates do (docs/indicators.md).
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from iae_eval import charts, fmt, wording
from iae_eval.charts import backgrounds
from iae_eval.data.dataset import Dataset
from iae_eval.editions import edition
from iae_eval.indicators.catalogue import EXAMINED_EXIT_KEYS, LABELS, PUBLIC_KEYS
from iae_eval.indicators.exits_by_public import exits_by_category
from iae_eval.indicators.pathways import structure_name
from iae_eval.indicators.suppress import masked_legend
from iae_eval.protection.model import RSA_PREFIX
from iae_eval.report import Report
from iae_eval.sections import parts
from iae_eval.sections import places as at
from iae_eval.sections.formats import PUBLIC_LABELS, share, share_text, shown_numbers, suppressed
from iae_eval.sections.frames import by_year, indicators
from iae_eval.sections.notes import NO_DATA_PERIOD, no_data, view
from iae_eval.sections.public_shares import public_shares, shares_table
from iae_eval.sections.rate_texts import columns_by_year

EXAMINED = "exits_examined"
#: The rows of the exit table: the examined categories adding up to their total, then apart
#: (no share) the retrait and the exits before the minimum stay.
TABLE_ROWS: tuple[str, ...] = (*EXAMINED_EXIT_KEYS, EXAMINED, "exits_retrait", "short_exits")
COLUMNS: dict[str, str] = {"all": "Toutes sorties", "rsa": "dont RSA"}
#: The structure's scope in its report's chart of publics (beside the département's).
OWN = "structure"


def _shown_exits(
    exits: pd.DataFrame, *, min_cell: int, diffusion: str, places: at.Places | None = None
) -> pd.DataFrame:
    """``exits`` as the edition shows it. With ``places`` (the one row of the département or
    of a structure), as the year's decision says, "dont RSA" counts included (they are in the
    year's model: :data:`iae_eval.protection.model.RSA_SUMS`); without, decided for the table
    alone, the "dont RSA" column a subset of "all": masked when their difference is a small
    count (7 − 5 = 2)."""
    rows = exits.loc[list(TABLE_ROWS)]
    if places is None:
        return suppressed(rows.T, min_cell=min_cell, diffusion=diffusion, subset_rows={"rsa": "all"}).T
    rsa_keys = [RSA_PREFIX + k for k in TABLE_ROWS]
    line = pd.DataFrame([[*rows["all"], *rows["rsa"]]], columns=[*TABLE_ROWS, *rsa_keys])
    shown = suppressed(line, min_cell=min_cell, diffusion=diffusion, places=places).iloc[0]
    return pd.DataFrame(
        {"all": list(shown[list(TABLE_ROWS)]), "rsa": list(shown[rsa_keys])}, index=list(TABLE_ROWS)
    )


def exits_table(
    exits: pd.DataFrame, *, min_cell: int, diffusion: str, places: at.Places | None = None
) -> pd.DataFrame:
    """``exits`` as the edition shows it (``places``: see :func:`_shown_exits`), formatted, with
    the national report's row and column labels."""
    shown = _shown_exits(exits, min_cell=min_cell, diffusion=diffusion, places=places)
    shown = shown.loc[list(TABLE_ROWS)]
    table = pd.DataFrame({COLUMNS[c]: [fmt.integer(v) for v in shown[c]] for c in COLUMNS})
    table.index = [LABELS[r] for r in TABLE_ROWS]
    return table


def exit_shares(
    exits: pd.DataFrame, *, min_cell: int, diffusion: str, places: at.Places | None = None
) -> pd.DataFrame:
    """Share of each non-neutral category among examined exits, all and RSA; NaN when the
    count or the total is masked (or the total is 0)."""
    shown = _shown_exits(exits, min_cell=min_cell, diffusion=diffusion, places=places)
    rows = list(EXAMINED_EXIT_KEYS)
    frame = pd.DataFrame(
        {c: [share(shown.at[r, c], shown.at[EXAMINED, c]) for r in rows] for c in COLUMNS},
        index=[LABELS[r] for r in rows],
    )
    return frame.astype(float)


def _numbers(values: pd.Series) -> pd.Series:
    """Published values → floats, masked texts and nulls as NaN (not drawn)."""
    return pd.to_numeric(
        values.map(lambda v: np.nan if isinstance(v, str) or v is None else v), errors="coerce"
    )


def shares_chart(
    values: pd.DataFrame, *, labels: dict[str, str] | None = None, ax=None, own: str | None = None
):
    """Horizontal grouped bars of the share of each public (rows) per scope (columns);
    NaN (masked) draws no bar; the scope ``own`` (the structure's) drawn above the others.
    Returns ax."""
    return charts.grouped_bars(
        values, ax=ax, labels=labels, value_kind="percent", xlabel="Part des personnes en parcours", own=own
    )


def _shares_over_background(values: pd.DataFrame, alt: str, labels: dict[str, str]) -> parts.Chart | None:
    """The structure's :func:`shares_chart` beside the département's, drawn over the background
    the year's structure reports share (the département's bars, the axes: the share axis is
    fixed): only the structure's bars, their values and its name in the legend row are its
    own."""
    drawn = values.dropna(how="all")
    if drawn.empty:
        return None
    size = _shares_size(drawn)

    def build():
        fig, ax = plt.subplots(figsize=size)
        shares_chart(drawn, ax=ax, labels=labels, own=OWN)
        return fig

    def redraw(axes) -> None:
        charts.draw_own_bars(axes[0], drawn, OWN, labels=labels, value_kind="percent")

    others = drawn.drop(columns=OWN)
    key = ("publics", tuple(drawn.index), tuple(drawn.columns), others.to_numpy(dtype=float).tobytes())
    if drawn[OWN].isna().all():  # no bar of its own, nor its name in the legend
        png = backgrounds.over_fixed((*key, "no bar"), size, build, redraw)
    else:
        png = backgrounds.over_named(key, size, labels[OWN], build, backgrounds.redrawn(redraw))
    return parts.Chart(png, alt)


def exit_shares_chart(shares: pd.DataFrame, *, ax=None):
    """Horizontal grouped bars of the exit categories among examined exits, "Toutes sorties"
    next to "dont RSA" (:func:`exit_shares`); NaN (masked) draws no bar. Returns ax."""
    return charts.grouped_bars(
        shares, ax=ax, labels=COLUMNS, value_kind="percent", xlabel="Part des sorties examinées"
    )


def _shares_size(drawn: pd.DataFrame) -> tuple[float, float]:
    """The size (inches) of a figure tall enough for the grouped bars of ``drawn``."""
    return (8.0, 1.8 + 0.45 * len(drawn) * len(drawn.columns))


def _figure(draw, frame: pd.DataFrame, alt: str, **options) -> parts.Chart | None:
    drawn = frame.dropna(how="all")
    if drawn.empty:
        return None
    fig, ax = plt.subplots(figsize=_shares_size(drawn))
    draw(drawn, ax=ax, **options)
    return parts.figure(fig, alt=alt)


def _described(series: pd.Series) -> str:
    return " ; ".join(f"{k} {fmt.percent(v, 0)}" for k, v in series.dropna().items()) or "valeurs masquées"


def _exits_blocks(
    dataset: Dataset, year: int, min_cell: int, structure_id: str | None, whose: str, diffusion: str
) -> tuple[list, list]:
    """(figures, tables) of the "dont RSA" exit view."""
    exits = exits_by_category(dataset, year, structure_id=structure_id)
    if not exits.at["exits", "all"] and not exits.at["short_exits", "all"]:
        return [], [parts.text(f"Aucune sortie examinée en {year} ({whose}).")]
    unit = at.DEPARTEMENT if structure_id is None else at.structure_unit(structure_id)
    places = at.of_rows(dataset, year, [unit])
    shares = exit_shares(exits, min_cell=min_cell, diffusion=diffusion, places=places)
    alt = (
        f"Barres horizontales groupées : répartition des sorties examinées de {year} ({whose}) par catégorie, "
        f"toutes sorties ({_described(shares['all'])}) et sorties d'allocataires du RSA "
        f"({_described(shares['rsa'])})."
    )
    tables = [
        parts.table(
            exits_table(exits, min_cell=min_cell, diffusion=diffusion, places=places),
            caption=f"Sorties de {year} par catégorie, dont allocataires du RSA ({whose})",
        ),
        parts.note(
            f"{LABELS[EXAMINED]} = sorties ayant atteint la durée minimale de parcours, hors « "
            f"{LABELS['exits_retrait'].lower()} » ; les parts du graphique sont rapportées aux "
            f"{LABELS[EXAMINED].lower()}, comme les taux de sortie."
            + (
                f" {masked_legend(min_cell)} Les valeurs masquées ne sont pas tracées."
                if edition(diffusion).suppresses
                else ""
            )
        ),
    ]
    return [_figure(exit_shares_chart, shares, alt)], tables


def _section(
    dataset: Dataset, year: int, min_cell: int, structure_id: str | None, name: str, diffusion: str
) -> parts.Section:
    shares = public_shares(dataset, year, structure_id=structure_id, min_cell=min_cell, diffusion=diffusion)
    scopes = (
        {"departement": "Département"} if structure_id is None else {OWN: name, "departement": "Département"}
    )
    values = pd.DataFrame(
        {s: _numbers(shares[f"{s}_share"]).to_numpy() for s in scopes},
        index=[PUBLIC_LABELS[k] for k in shares.index],
    )
    described = " ; ".join(f"{n} ({_described(values[s])})" for s, n in scopes.items())
    alt = f"Barres horizontales : part de chaque public parmi les personnes en parcours en {year} : {described}."
    figures, tables = _exits_blocks(dataset, year, min_cell, structure_id, name, diffusion)
    caption = f"Publics accueillis en {year}" + ("" if structure_id is None else f" : {name} et département")
    return parts.join(
        _figure(shares_chart, values, alt, labels=scopes)
        if structure_id is None
        else _shares_over_background(values, alt, scopes),
        *figures,
        parts.table(shares_table(shares, scopes), caption=caption),
        *tables,
    )


@view
def departement(rep: Report) -> parts.Section:
    """Département report: share of each public, and the exits of RSA recipients by category
    next to all exits (national "dont RSA" view)."""
    dataset, year, min_cell, diffusion = rep.dataset, rep.year, rep.min_cell, rep.diffusion
    if not indicators(dataset, year).iloc[0]["participants"]:
        return no_data(f"Aucun parcours actif en {year} : pas de public à décrire.")
    return _section(dataset, year, min_cell, None, "département", diffusion)


@view
def structure(rep: Report) -> parts.Section:
    """Structure report: the share of each public in the structure against the département's,
    and its exits of RSA recipients by category."""
    dataset, year, structure_id, min_cell, diffusion = (
        rep.dataset,
        rep.year,
        rep.structure_id,
        rep.min_cell,
        rep.diffusion,
    )
    name = structure_name(dataset, structure_id)
    if not indicators(dataset, year, by="structure").at[structure_id, "participants"]:
        return no_data(f"Aucun parcours actif chez {name} en {year} : pas de public à décrire.")
    return _section(dataset, year, min_cell, structure_id, name, diffusion)


#: Lines of the people chart of the bilan (indicator keys → legend).
BILAN_LINES: dict[str, str] = {
    "participants": LABELS["participants"],
    "rsa_participants": LABELS["rsa_participants"],
    "entries": LABELS["entries"],
}


@view
def bilan(rep: Report) -> parts.Section:
    """People in pathway, RSA recipients (indicator 1) and entries per year; publics per year."""
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
    numbers = shown_numbers(frame, min_cell=min_cell, diffusion=diffusion, places=places)
    fig, ax = plt.subplots(figsize=(8, 3.8))
    charts.trend_lines(numbers[list(BILAN_LINES)], ax=ax, labels=BILAN_LINES, ylabel="Personnes")
    alt = (
        f"Courbes de {first_year} à {last_year} : personnes en parcours, allocataires du RSA et entrées par année ; "
        + " ; ".join(
            f"{y} : {wording.count_words('participants', numbers.at[y, 'participants'], noun='personnes')} dont "
            f"{wording.count_words('rsa_participants', numbers.at[y, 'rsa_participants'], noun='au RSA')}"
            for y in numbers.index
        )
        + "."
    )
    shown = suppressed(frame, min_cell=min_cell, diffusion=diffusion, places=places)
    publics = pd.DataFrame(
        {
            str(y): [share_text(shown.at[y, k], shown.at[y, "participants"]) for k in PUBLIC_KEYS]
            for y in frame.index
        },
        index=[PUBLIC_LABELS[k] for k in PUBLIC_KEYS],
    )
    counts = columns_by_year(
        frame,
        ["participants", "rsa_participants", "entries", "rsa_entries"],
        min_cell=min_cell,
        diffusion=diffusion,
        places=places,
    )
    return parts.join(
        parts.figure(fig, alt),
        parts.table(counts, caption="Personnes en parcours et entrées par année"),
        parts.table(publics, caption="Part de chaque public parmi les personnes en parcours"),
    )
