"""Employment after exit: the situation 6, 12 and 24 months after the examined exits, from the
optional ``exit_followup`` table (docs/indicators.md, "Employment after exit").

- :func:`departement`: the département by horizon, then territories, kinds and structures at
  6 months; :func:`structure`: the structure by horizon beside the département; :func:`bilan`:
  the département by horizon over the period's exits pooled, then by structure at 6 months.

Rates are taken over the known situations only, with their Wilson 95 % interval and the
coverage (share of examined exits whose situation is known). Without the table, one sentence.
In the public edition the counts of known situations and the rates follow the small-count
protection (a rate is hidden with its denominator, or when it gives a hidden count back).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from iae_eval import fmt
from iae_eval.data.reference import KIND_LABELS
from iae_eval.indicators.catalogue import FOLLOWUP_HORIZONS, label
from iae_eval.indicators.followup import followup_indicators
from iae_eval.indicators.pathways import structure_names
from iae_eval.indicators.suppress import MASKED_TEXT
from iae_eval.indicators.uncertainty import rate_interval_text, wilson_interval
from iae_eval.report import Report
from iae_eval.sections import parts

NO_TABLE = (
    "Pas de suivi des personnes après leur sortie dans ces données (table exit_followup absente) : "
    "l'emploi 6, 12 et 24 mois après la sortie n'est pas présenté."
)
READING = (
    "Les taux sont calculés sur les sorties dont la situation est connue (réponse à l'enquête ou "
    "appariement), jamais sur les situations inconnues ; la couverture dit quelle part des sorties "
    "examinées cela représente. Un taux sur une couverture faible ne vaut pas pour toutes les sorties."
)
_COUNTS = ("examined", "known", "employed_n", "durable_n")
COLUMNS = (
    label("exits_examined"),
    "Situation connue",
    "Couverture",
    "En emploi [IC 95 %]",
    "En emploi durable [IC 95 %]",
)


def _counts(r: Report, by: str, h: int) -> pd.DataFrame:
    """Per key of scope ``by``: examined exits, known situations, employed and durable counts
    at ``h`` months, summed over the report's years."""
    total = None
    for year in r.years:
        f = followup_indicators(r.dataset, year, by, rules=r.rules)
        from iae_eval.indicators.compute import compute_indicators

        examined = compute_indicators(r.dataset, year, by, rules=r.rules)["exits_examined"].astype(float)
        known = f[f"followup_{h}m_known"].astype("Float64").astype(float).fillna(0)
        frame = pd.DataFrame(
            {
                "examined": examined.fillna(0),
                "known": known,
                "employed_n": (f[f"employed_{h}m_rate"].astype(float) * known).round().fillna(0),
                "durable_n": (f[f"durable_employed_{h}m_rate"].astype(float) * known).round().fillna(0),
            }
        )
        total = frame if total is None else total + frame
    return total


def _year_marks(r: Report, by: str, counts: pd.DataFrame) -> list[str | None]:
    """The mark the year's one decision gives each row's examined exits (None: published), in
    a year's report of the public edition; a period's exits pooled are outside any year's
    decision (None)."""
    if not r.edition.suppresses or r.is_bilan:
        return [None] * len(counts)
    from iae_eval.protection.table import year_cells
    from iae_eval.protection.year import unit_name

    table = year_cells(r.dataset, r.year, r.min_cell)
    return [
        table.mark(unit_name(by, key), "exits_examined", value)
        for key, value in zip(counts.index, counts["examined"], strict=True)
    ]


def _shown_rows(r: Report, counts: pd.DataFrame, labels, by: str) -> pd.DataFrame:
    """The table's rows as the edition shows them (index: ``labels``). A row whose examined
    exits the year withholds shows their mark and nothing else (``s``): its known situations
    and its coverage would bound them."""
    c = counts.copy()
    c["coverage"] = c["known"] / c["examined"].where(c["examined"] > 0)
    c["employed"] = c["employed_n"] / c["known"].where(c["known"] > 0)
    c["durable"] = c["durable_n"] / c["known"].where(c["known"] > 0)
    shown = r.displayed(
        c,
        count_columns=list(_COUNTS),
        rate_columns=["coverage", "employed", "durable"],
        rate_denominators={"coverage": "examined", "employed": "known", "durable": "known"},
        rate_numerators={"coverage": ("known",), "employed": ("employed_n",), "durable": ("durable_n",)},
    )
    rows = []
    for key in c.index:
        cells = []
        for column in ("examined", "known"):
            v = shown.loc[key, column]
            cells.append(v if isinstance(v, str) else fmt.integer(v))
        v = shown.loc[key, "coverage"]
        cells.append(v if isinstance(v, str) else fmt.percent(v))
        for rate, n in (("employed", "employed_n"), ("durable", "durable_n")):
            v = shown.loc[key, rate]
            if isinstance(v, str) or fmt.is_missing(v):
                cells.append(v if isinstance(v, str) else "—")
            else:
                low, high = wilson_interval(c.loc[key, n], c.loc[key, "known"])
                cells.append(rate_interval_text(v, low, high))
        rows.append(cells)
    for i, mark in enumerate(_year_marks(r, by, c)):
        if mark is not None:
            rows[i] = [mark, *([MASKED_TEXT] * (len(COLUMNS) - 1))]
    return pd.DataFrame(rows, index=[labels(k) for k in c.index], columns=list(COLUMNS))


def _by_horizon(r: Report, by: str, key, label: str) -> pd.DataFrame:
    frames = []
    for h in FOLLOWUP_HORIZONS:
        counts = _counts(r, by, h)
        row = counts.loc[[key]] if by != "departement" else counts
        frames.append(_shown_rows(r, row, lambda _k, h=h: f"{label}, {h} mois après la sortie", by))
    return pd.concat(frames)


def _period(r: Report) -> str:
    if not r.is_bilan:
        return f"sorties de {r.year}"
    return f"sorties de {r.first_year} à {r.last_year}"


def _scope_table(r: Report, by: str, caption: str) -> parts.Table | None:
    counts = _counts(r, by, FOLLOWUP_HORIZONS[0])
    counts = counts[counts["examined"] > 0]
    if counts.empty:
        return None
    names = structure_names(r.dataset) if by == "structure" else dict(KIND_LABELS) if by == "kind" else {}
    return parts.table(_shown_rows(r, counts, lambda k: names.get(str(k), str(k)), by), caption=caption)


def departement(r: Report) -> parts.Section:
    """The département by horizon, then by territory, kind and structure at 6 months."""
    if r.dataset.exit_followup is None:
        return parts.join(parts.text(NO_TABLE))
    items: list = [
        parts.lead(f"Situation des personnes 6, 12 et 24 mois après leur sortie ({_period(r)})."),
        parts.table(_by_horizon(r, "departement", None, "Département"), caption=f"Département, {_period(r)}"),
    ]
    for by, what in (("territory", "territoire"), ("kind", "type de structure"), ("structure", "structure")):
        table = _scope_table(r, by, f"Par {what}, 6 mois après la sortie ({_period(r)})")
        if table is not None:
            items.append(table)
    items.append(parts.note(READING))
    return parts.join(*items)


def bilan(r: Report) -> parts.Section:
    """The period's exits pooled: the département by horizon, then by structure at 6 months."""
    if r.dataset.exit_followup is None:
        return parts.join(parts.text(NO_TABLE))
    items: list = [
        parts.lead(f"Situation des personnes après leur sortie, {_period(r)} cumulées."),
        parts.table(_by_horizon(r, "departement", None, "Département"), caption=f"Département, {_period(r)}"),
    ]
    table = _scope_table(r, "structure", f"Par structure, 6 mois après la sortie ({_period(r)})")
    if table is not None:
        items.append(table)
    items.append(parts.note(READING))
    return parts.join(*items)


def structure(r: Report) -> parts.Section:
    """The structure by horizon, beside the département."""
    if r.structure_id is None:
        raise ValueError("structure(r) needs a structure report (structure_id)")
    if r.dataset.exit_followup is None:
        return parts.join(parts.text(NO_TABLE))
    sid = r.structure_id
    table = pd.concat(
        [
            _by_horizon(r, "structure", sid, "La structure"),
            _by_horizon(r, "departement", None, "Département"),
        ]
    )
    order = np.ravel([[i, i + len(FOLLOWUP_HORIZONS)] for i in range(len(FOLLOWUP_HORIZONS))])
    return parts.join(
        parts.lead(f"Situation des personnes 6, 12 et 24 mois après leur sortie ({_period(r)})."),
        parts.table(table.iloc[order], caption=f"La structure et le département, {_period(r)}"),
        parts.note(READING),
    )
