"""Social clauses in public contracts (indicator 3a): contracts, insertion hours planned and done."""

from __future__ import annotations

import pandas as pd

from iae_eval import charts, fmt
from iae_eval.data.reference import CLAUSE_TYPES
from iae_eval.indicators.catalogue import HOUR_KEYS
from iae_eval.indicators.catalogue import LABELS as INDICATOR_LABELS
from iae_eval.report import Report
from iae_eval.sections import parts, synthesis_lines
from iae_eval.sections.formats import share
from iae_eval.sections.frames import by_year, departement_row, has_rows
from iae_eval.sections.notes import NO_DATA_PERIOD, atypical_note, new_figure, no_data
from iae_eval.sections.rate_texts import columns_by_year


def departement(rep: Report) -> parts.Section:
    """Contracts of the year with a social clause (indicator 3a), their share and insertion hours."""
    dataset, year = rep.dataset, rep.year
    if not has_rows(dataset.contracts, year):
        return no_data()
    dep = departement_row(dataset, year)
    contracts = dataset.contracts[(dataset.contracts["year"] == year)]
    with_clause = contracts[contracts["social_clause"].astype(bool)]
    done_rate = share(dep["insertion_hours_done"], dep["insertion_hours_planned"])
    figures = parts.key_figures(
        [
            (INDICATOR_LABELS["contracts_total"], fmt.integer(dep["contracts_total"]), None),
            (
                INDICATOR_LABELS["contracts_with_clause"],
                fmt.integer(dep["contracts_with_clause"]),
                f"{fmt.percent(dep['clause_share'])} des marchés",
            ),
            (INDICATOR_LABELS["insertion_hours_planned"], fmt.hours(dep["insertion_hours_planned"]), None),
            (
                INDICATOR_LABELS["insertion_hours_done"],
                fmt.hours(dep["insertion_hours_done"]),
                f"{fmt.percent(done_rate)} des heures prévues",
            ),
        ]
    )
    if with_clause.empty:
        return parts.join(
            figures, parts.text(f"Aucun marché notifié en {year} ne comporte de clause sociale.")
        )
    by_type = with_clause.groupby("clause_type", dropna=False).agg(
        contrats=("contract_id", "size"), prevues=("hours_planned", "sum"), realisees=("hours_done", "sum")
    )
    type_table = pd.DataFrame(
        {
            "Type de clause": [CLAUSE_TYPES.get(t, t) for t in by_type.index],
            "Marchés": [fmt.integer(v) for v in by_type["contrats"]],
            "Heures prévues": [fmt.hours(v) for v in by_type["prevues"]],
            "Heures réalisées": [fmt.hours(v) for v in by_type["realisees"]],
        }
    )
    by_buyer = with_clause.groupby("buyer").agg(planned=("hours_planned", "sum"), done=("hours_done", "sum"))
    by_buyer = by_buyer[(by_buyer > 0).any(axis=1)].sort_values("planned", ascending=False)
    items: list = [figures]
    if not by_buyer.empty:
        fig, ax = new_figure(2 * len(by_buyer), per_row=0.3)
        charts.grouped_bars(
            by_buyer,
            ax=ax,
            labels={"planned": "Heures prévues", "done": "Heures réalisées"},
            value_kind="hours",
            xlabel="Heures d'insertion",
        )
        alt = (
            f"Barres horizontales groupées : heures d'insertion prévues et réalisées en {year} dans les marchés "
            f"avec clause sociale, pour {len(by_buyer)} acheteurs ; au total {fmt.hours(by_buyer['planned'].sum())} "
            f"prévues et {fmt.hours(by_buyer['done'].sum())} réalisées."
        )
        items.append(parts.figure(fig, alt))
    items.append(
        parts.table(
            type_table,
            index=False,
            caption=f"Marchés avec clause sociale notifiés en {year}, par type de clause",
        )
    )
    return parts.join(*items)


def structure(rep: Report) -> parts.Section:
    """Contracts with a social clause whose insertion the structure carried in the year."""
    dataset, year, structure_id = rep.dataset, rep.year, rep.structure_id
    if not has_rows(dataset.contracts, year):
        return no_data()
    contracts = dataset.contracts
    own = contracts[(contracts["year"] == year) & (contracts["structure_id"] == structure_id)]
    own = own[own["social_clause"].astype(bool)]
    if own.empty:
        return parts.join(
            parts.lead(
                f"La structure n'a porté l'insertion d'aucun marché avec clause sociale notifié en {year}."
            )
        )
    table = pd.DataFrame(
        {
            "Marché": list(own["title"]),
            "Acheteur": list(own["buyer"]),
            "Type de clause": [CLAUSE_TYPES.get(t, t) for t in own["clause_type"]],
            "Heures prévues": [fmt.hours(v) for v in own["hours_planned"]],
            "Heures réalisées": [fmt.hours(v) for v in own["hours_done"]],
        }
    )
    return parts.join(
        parts.lead(
            f"En {year}, la structure a porté l'insertion de "
            f"{fmt.plural(len(own), 'marché avec clause sociale', 'marchés avec clause sociale')} : "
            f"{fmt.hours(own['hours_planned'].sum())} prévues, {fmt.hours(own['hours_done'].sum())} réalisées."
        ),
        parts.table(table, index=False, caption=f"Marchés avec clause sociale notifiés en {year}"),
    )


def bilan(rep: Report) -> parts.Section:
    """Contracts with a social clause (indicator 3a), their share and insertion hours, per year."""
    dataset, first_year, last_year, min_cell, diffusion = (
        rep.dataset,
        rep.first_year,
        rep.last_year,
        rep.min_cell,
        rep.diffusion,
    )
    contracts = dataset.contracts
    if contracts is None or not contracts["year"].between(first_year, last_year).any():
        return no_data(NO_DATA_PERIOD)
    frame = by_year(dataset, first_year, last_year)
    keys = ["contracts_total", "contracts_with_clause", "clause_share", *HOUR_KEYS]
    hours = frame[list(HOUR_KEYS)].astype(float)
    hours.index = [str(y) for y in hours.index]
    items: list = []
    if hours.fillna(0).to_numpy().any():
        fig, ax = new_figure(2 * len(hours), per_row=0.3)
        charts.grouped_bars(
            hours, ax=ax, labels=INDICATOR_LABELS, value_kind="hours", xlabel="Heures d'insertion"
        )
        alt = (
            f"Barres horizontales groupées : heures d'insertion prévues et réalisées dans les marchés avec clause sociale, "
            f"de {first_year} à {last_year} ; "
            + " ; ".join(
                f"{y} : {fmt.hours(p)} prévues, {fmt.hours(d)} réalisées" for y, (p, d) in hours.iterrows()
            )
            + "."
        )
        items.append(parts.figure(fig, alt))
    items.append(
        parts.table(
            columns_by_year(frame, keys, min_cell=min_cell, diffusion=diffusion),
            caption="Marchés et clauses sociales par année",
        )
    )
    counts = [k for k in keys if k != "clause_share"]
    items.append(atypical_note(frame, counts, value_text=synthesis_lines.value_text))
    return parts.join(*[i for i in items if i is not None])
