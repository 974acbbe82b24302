"""Employment after exit: the situation 6, 12 and 24 months after the examined exits, from the
optional ``exit_followup`` table (docs/indicators.md, "Employment after exit").

- :func:`departement`: the département by horizon, then territories, kinds and structures at
  6 months; :func:`structure`: the structure by horizon beside the département; :func:`bilan`:
  the département by horizon over the period's exits pooled, then by structure at 6 months.

Rates are taken over the known situations only, with their Wilson 95 % interval, the
coverage (share of examined exits whose situation is known) and their bounds over all the
examined exits (the unknown counted out of work, then in work); the years of exit a horizon
lies beyond are named, and each kind's rate at 6 months stands beside its national reference
(:func:`~iae_eval.indicators.followup.followup_references`). Without the table, one sentence.
In the public edition the counts of known situations and the rates follow the small-count
protection (a rate is hidden with its denominator, or when it gives a hidden count back).
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from iae_eval import fmt
from iae_eval.data.reference import KIND_LABELS
from iae_eval.indicators.catalogue import FOLLOWUP_HORIZONS, label
from iae_eval.indicators.followup import POOLED_COUNTS, employment_bounds, followup_references, pooled_counts
from iae_eval.indicators.followup import years_beyond as followup_years_beyond
from iae_eval.indicators.pathways import structure_names
from iae_eval.indicators.suppress import MASKED_TEXT
from iae_eval.indicators.uncertainty import rate_interval_text, wilson_interval
from iae_eval.report import Report
from iae_eval.sections import parts, summary

NO_TABLE = (
    "Pas de suivi des personnes après leur sortie dans ces données (table exit_followup absente) : "
    "l'emploi 6, 12 et 24 mois après la sortie n'est pas présenté."
)
READING = (
    "Les taux sont calculés sur les sorties dont la situation est connue (réponse à l'enquête ou "
    "appariement), jamais sur les situations inconnues ; la couverture dit quelle part des sorties "
    "examinées cela représente. Un taux sur une couverture faible ne vaut pas pour toutes les sorties."
)
COLUMNS = (
    label("exits_examined"),
    "Situation connue",
    "Couverture",
    "En emploi [IC 95 %]",
    "En emploi durable [IC 95 %]",
    "En emploi, si les situations inconnues étaient hors emploi ou en emploi",
)
#: The column of the national reference beside a kind's rate at 6 months.
REFERENCE_COLUMN = "Référence nationale, en emploi"


def _counts(rep: Report, by: str, h: int) -> pd.DataFrame | None:
    """Per key of scope ``by``: examined exits, known situations, employed and durable counts
    at ``h`` months, summed over the report's years (in a bilan, those the horizon does not
    lie beyond: :func:`years_beyond`)."""
    years = rep.years
    beyond = years_beyond(rep, h) if rep.is_bilan else []
    if len(beyond) < len(years):  # the horizon lies beyond the data (see beyond_data_note)
        years = [y for y in years if y not in beyond]
    if not years:
        return None
    return pooled_counts(rep.dataset, years, h, by)


def _year_marks(rep: Report, by: str, counts: pd.DataFrame) -> list[str | None]:
    """The mark the year's one decision gives each row's examined exits (None: published), in
    a year's report of the public edition; a period's exits pooled are outside any year's
    decision (None)."""
    if not rep.edition.suppresses or rep.is_bilan:
        return [None] * len(counts)
    from iae_eval.protection.table import year_cells
    from iae_eval.protection.year import unit_name

    table = year_cells(rep.dataset, rep.year, rep.min_cell)
    return [
        table.mark(unit_name(by, key), "exits_examined", value)
        for key, value in zip(counts.index, counts["examined"], strict=True)
    ]


def shown_counts(rep: Report, counts: pd.DataFrame, by: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """``counts`` (:func:`_counts`) with their coverage, rates and the rates' Wilson 95 %
    bounds (``employed_low``…), and the same rows as the edition shows them: counts, coverage
    and rates, a mark where withheld. A row whose examined exits the year withholds shows their
    mark and nothing else (``s``): its known situations and its coverage would bound them."""
    c = counts.copy()
    c["coverage"] = c["known"] / c["examined"].where(c["examined"] > 0)
    c["employed"] = c["employed_n"] / c["known"].where(c["known"] > 0)
    c["durable"] = c["durable_n"] / c["known"].where(c["known"] > 0)
    for rate, n in (("employed", "employed_n"), ("durable", "durable_n")):
        c[f"{rate}_low"], c[f"{rate}_high"] = wilson_interval(c[n], c["known"])
    shown = rep.displayed(
        c[[*POOLED_COUNTS, "coverage", "employed", "durable"]],
        count_columns=list(POOLED_COUNTS),
        rate_columns=["coverage", "employed", "durable"],
        rate_denominators={"coverage": "examined", "employed": "known", "durable": "known"},
        rate_numerators={"coverage": ("known",), "employed": ("employed_n",), "durable": ("durable_n",)},
    ).astype(object)
    for key, mark in zip(c.index, _year_marks(rep, by, c), strict=True):
        if mark is not None:
            shown.loc[key] = [mark, *([MASKED_TEXT] * (len(shown.columns) - 1))]
    return c, shown


def _formatted(c: pd.DataFrame, shown: pd.DataFrame, labels) -> pd.DataFrame:
    """The rows of :func:`shown_counts` in the French formats (index: ``labels``); the frames
    are read row by row as dicts (a national year has thousands of rows)."""
    rows = []
    for counts, row in zip(c.to_dict("records"), shown.reindex(c.index).to_dict("records"), strict=True):
        cells = []
        for column in ("examined", "known"):
            v = row[column]
            cells.append(v if isinstance(v, str) else fmt.integer(v))
        v = row["coverage"]
        cells.append(v if isinstance(v, str) else fmt.percent(v))
        for rate in ("employed", "durable"):
            v = row[rate]
            if isinstance(v, str) or fmt.is_missing(v):
                cells.append(v if isinstance(v, str) else "—")
            else:
                cells.append(rate_interval_text(v, counts[f"{rate}_low"], counts[f"{rate}_high"]))
        cells.append(_bounds_text(counts, row["employed"]))
        rows.append(cells)
    return pd.DataFrame(rows, index=[labels(k) for k in c.index], columns=list(COLUMNS))


def _shown_rows(rep: Report, counts: pd.DataFrame, labels, by: str) -> pd.DataFrame:
    """The table's rows as the edition shows them (index: ``labels``), formatted."""
    c, shown = shown_counts(rep, counts, by)
    return _formatted(c, shown, labels)


def _bounds_text(row: Mapping[str, float], employed_shown: object) -> str:
    """The share in employment among all the examined exits, the unknown situations counted
    out of work, then in work (``de 35,9 à 57,6 %``); a mark when the rate is not published."""
    if isinstance(employed_shown, str):
        return MASKED_TEXT
    if fmt.is_missing(employed_shown) or not row["examined"]:
        return fmt.MISSING
    low, high = employment_bounds(row["employed_n"], row["known"], row["examined"])
    return f"de {fmt.number(100 * low, 1)} à {fmt.percent(high)}"


def years_beyond(rep: Report, h: int) -> list[int]:
    """The report's years of exit none of whose examined exits has a known situation at ``h``
    months: the horizon lies beyond the data (the last year's exits, six months later). They
    are left out of that horizon's counts, rates and coverage. Computed once per dataset,
    years and horizon (:func:`iae_eval.indicators.followup.years_beyond`), though each
    horizon's table and the note ask for it."""
    return followup_years_beyond(rep.dataset, rep.years, h)


def beyond_data_note(rep: Report) -> parts.Paragraph | None:
    """The note that names the years of exit each horizon lies beyond."""
    gaps: dict[int, list[int]] = {}
    for h in FOLLOWUP_HORIZONS:
        for year in years_beyond(rep, h):
            gaps.setdefault(year, []).append(h)
    if not gaps:
        return None
    said = " ; ".join(
        f"sorties de {year} : aucune situation connue à {_and(hs)} mois" for year, hs in sorted(gaps.items())
    )
    left_out = (
        " Elles sont laissées hors des taux et de la couverture de ces horizons." if rep.is_bilan else ""
    )
    return parts.note(f"Horizon au-delà des données — {said}.{left_out}")


def _and(numbers: list[int]) -> str:
    words = [str(n) for n in numbers]
    return words[0] if len(words) == 1 else f"{', '.join(words[:-1])} et {words[-1]}"


def _with_references(rep: Report, table: parts.Table) -> list:
    """The kinds' table at 6 months with the national reference beside each kind, and the
    note that cites it."""
    references = followup_references(rep.dataset, FOLLOWUP_HORIZONS[0])
    frame = table.frame.copy()
    by_label = {KIND_LABELS.get(k, k): k for k in references.index}
    frame[REFERENCE_COLUMN] = [
        fmt.percent(references.at[by_label[name], "employed_rate"]) if name in by_label else fmt.MISSING
        for name in frame.index
    ]
    sources = "; ".join(dict.fromkeys(references["source"].astype(str)))
    note = parts.note(
        f"Référence nationale : {sources}. Une autre période, d'autres publics : un repère, pas une "
        "cible. Elle se remplace par une table followup_reference dans les données (docs/data.md)."
    )
    return [parts.table(frame, caption=table.caption), note]


def _by_horizon(rep: Report, by: str, key, label: str) -> pd.DataFrame:
    frames = []
    for h in FOLLOWUP_HORIZONS:
        counts = _counts(rep, by, h)
        row = counts.loc[[key]] if by != "departement" else counts
        frames.append(_shown_rows(rep, row, lambda _k, h=h: f"{label}, {h} mois après la sortie", by))
    return pd.concat(frames)


def _period(rep: Report) -> str:
    if not rep.is_bilan:
        return f"sorties de {rep.year}"
    return f"sorties de {rep.first_year} à {rep.last_year}"


def _scope_table(rep: Report, by: str, caption: str) -> parts.Table | None:
    counts = _counts(rep, by, FOLLOWUP_HORIZONS[0])
    counts = counts[counts["examined"] > 0]
    if counts.empty:
        return None
    names = structure_names(rep.dataset) if by == "structure" else dict(KIND_LABELS) if by == "kind" else {}
    return parts.table(_shown_rows(rep, counts, lambda k: names.get(str(k), str(k)), by), caption=caption)


#: The sheet of the year's ``indicators.xlsx`` that holds every structure's follow-up
#: (:func:`structure_sheet`), named in the report when it summarises them.
SHEET = "Suivi après la sortie"


def _summarised_structures(rep: Report, counts: pd.DataFrame) -> parts.Section:
    """Many structures at 6 months (:mod:`~iae_eval.sections.summary`): the distribution of
    their rates in employment, the structures with the highest and lowest, the département's
    row under each, and where every structure's figures are."""
    h = FOLLOWUP_HORIZONS[0]
    names = structure_names(rep.dataset)
    c, shown = shown_counts(rep, counts, "structure")
    rates = pd.to_numeric(shown["employed"], errors="coerce").astype(float)
    table = _formatted(c, shown, lambda k: names.get(str(k), str(k)))
    total = _shown_rows(rep, _counts(rep, "departement", h), lambda _k: "Département", "departement")
    what = f"emploi {h} mois après la sortie"
    return summary.summarised(
        summary.distribution(
            rates, what=f"leur part en {what} ({_period(rep)})", xlabel=f"En emploi {h} mois après la sortie"
        ),
        *summary.extreme_tables(
            table,
            rates,
            highest=f"Les {summary.EXTREMES} structures à la part en {what} la plus haute ({_period(rep)})",
            lowest=f"Les {summary.EXTREMES} structures à la part en {what} la plus basse ({_period(rep)})",
            total=total,
        ),
        parts.note(
            f"Seules les parts que le rapport peut montrer sont tracées et classées : {fmt.integer(int(rates.notna().sum()))} "
            f"structures sur {fmt.integer(len(counts))}. Le suivi de chaque structure, à 6, 12 et 24 mois, "
            f"est dans la feuille « {SHEET} » d'indicators.xlsx."
        ),
        count=len(counts),
        year=rep.year,
    )


def _structures(rep: Report) -> list:
    """The structures at 6 months: each one, or a summary above ``MANY_STRUCTURES`` (a year's report)."""
    counts = _counts(rep, "structure", FOLLOWUP_HORIZONS[0])
    counts = counts[counts["examined"] > 0]
    if counts.empty:
        return []
    if not rep.is_bilan and summary.is_many(len(counts)):
        return [_summarised_structures(rep, counts)]
    return [_scope_table(rep, "structure", f"Par structure, 6 mois après la sortie ({_period(rep)})")]


def departement(rep: Report) -> parts.Section:
    """The département by horizon, then by territory, kind and structure at 6 months (the
    structures summarised when they are many)."""
    if rep.dataset.exit_followup is None:
        return parts.join(parts.text(NO_TABLE))
    items: list = [
        parts.lead(f"Situation des personnes 6, 12 et 24 mois après leur sortie ({_period(rep)})."),
        parts.table(
            _by_horizon(rep, "departement", None, "Département"), caption=f"Département, {_period(rep)}"
        ),
    ]
    for by, what in (("territory", "territoire"), ("kind", "type de structure")):
        table = _scope_table(rep, by, f"Par {what}, 6 mois après la sortie ({_period(rep)})")
        if table is not None:
            items += _with_references(rep, table) if by == "kind" else [table]
    items += _structures(rep)
    items += [beyond_data_note(rep), parts.note(READING)]
    return parts.join(*[i for i in items if i is not None])


def _sheet_columns(h: int) -> dict[str, str]:
    """The columns of :func:`structure_sheet` at horizon ``h`` (after the structure's code, its
    name and its examined exits): column of :func:`shown_counts` → French header."""
    return {
        "known": label(f"followup_{h}m_known"),
        "coverage": label(f"followup_{h}m_coverage"),
        "employed": label(f"employed_{h}m_rate"),
        "employed_low": f"{label(f'employed_{h}m_rate')}, borne basse à 95 %",
        "employed_high": f"{label(f'employed_{h}m_rate')}, borne haute à 95 %",
        "durable": label(f"durable_employed_{h}m_rate"),
        "durable_low": f"{label(f'durable_employed_{h}m_rate')}, borne basse à 95 %",
        "durable_high": f"{label(f'durable_employed_{h}m_rate')}, borne haute à 95 %",
    }


#: The sheet's columns that are fractions (shown as percentages).
SHEET_FRACTIONS: tuple[str, ...] = tuple(
    name for h in FOLLOWUP_HORIZONS for key, name in _sheet_columns(h).items() if key != "known"
)


def structure_sheet(rep: Report) -> pd.DataFrame:
    """Every structure with examined exits in the year, its follow-up at each horizon as the
    edition shows it (numbers, fractions for shares; a mark where the report would show one;
    the bounds of a withheld rate are empty): the sheet :data:`SHEET` of the year's
    ``indicators.xlsx``. Empty without the ``exit_followup`` table."""
    if rep.dataset.exit_followup is None:
        return pd.DataFrame()
    names = structure_names(rep.dataset)
    first = _counts(rep, "structure", FOLLOWUP_HORIZONS[0])
    ids = first.index[first["examined"] > 0]
    columns: dict[str, list] = {
        "Code": [str(k) for k in ids],
        "Structure": [names.get(str(k), str(k)) for k in ids],
    }
    for h in FOLLOWUP_HORIZONS:
        c, shown = shown_counts(rep, _counts(rep, "structure", h).loc[ids], "structure")
        if h == FOLLOWUP_HORIZONS[0]:
            columns[label("exits_examined")] = list(shown["examined"])
        for key, name in _sheet_columns(h).items():
            if key.endswith(("_low", "_high")):
                rate = key.rsplit("_", 1)[0]
                columns[name] = [
                    None if isinstance(v, str) or fmt.is_missing(v) else float(b)
                    for v, b in zip(shown[rate], c[key], strict=True)
                ]
            else:
                columns[name] = list(shown[key])
    return pd.DataFrame(columns).astype(object)


def bilan(rep: Report) -> parts.Section:
    """The period's exits pooled: the département by horizon, then by structure at 6 months."""
    if rep.dataset.exit_followup is None:
        return parts.join(parts.text(NO_TABLE))
    items: list = [
        parts.lead(f"Situation des personnes après leur sortie, {_period(rep)} cumulées."),
        parts.table(
            _by_horizon(rep, "departement", None, "Département"), caption=f"Département, {_period(rep)}"
        ),
    ]
    kinds = _scope_table(rep, "kind", f"Par type de structure, 6 mois après la sortie ({_period(rep)})")
    if kinds is not None:
        items += _with_references(rep, kinds)
    table = _scope_table(rep, "structure", f"Par structure, 6 mois après la sortie ({_period(rep)})")
    if table is not None:
        items.append(table)
    items += [beyond_data_note(rep), parts.note(READING)]
    return parts.join(*[i for i in items if i is not None])


def structure(rep: Report) -> parts.Section:
    """The structure by horizon, beside the département."""
    if rep.structure_id is None:
        raise ValueError("structure(r) needs a structure report (structure_id)")
    if rep.dataset.exit_followup is None:
        return parts.join(parts.text(NO_TABLE))
    sid = rep.structure_id
    table = pd.concat(
        [
            _by_horizon(rep, "structure", sid, "La structure"),
            _by_horizon(rep, "departement", None, "Département"),
        ]
    )
    order = np.ravel([[i, i + len(FOLLOWUP_HORIZONS)] for i in range(len(FOLLOWUP_HORIZONS))])
    items = [
        parts.lead(f"Situation des personnes 6, 12 et 24 mois après leur sortie ({_period(rep)})."),
        parts.table(table.iloc[order], caption=f"La structure et le département, {_period(rep)}"),
        beyond_data_note(rep),
        parts.note(READING),
    ]
    return parts.join(*[i for i in items if i is not None])
