"""Sections of the report of one structure (``notebooks/structure.ipynb``), one year.

The structure's figures are always shown beside the département's; counts of people are
suppressed below ``min_cell`` (a structure's counts are often small). An unknown
``structure_id`` raises ``ValueError`` naming the known ones.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import pandas as pd

from iae_eval import charts, display, fmt
from iae_eval.sections import common as r
from iae_eval.data.dataset import Dataset
from iae_eval.indicators.pathways import structure_name
from iae_eval.data.reference import ACTIVITY_SUPPORTS, CLAUSE_TYPES, KIND_LABELS
from iae_eval.sections.departement import HEADLINES, rates_block

#: Rows of the "structure beside the département" table.
COMPARED_KEYS: tuple[str, ...] = (
    "participants",
    "rsa_participants",
    "entries",
    "rsa_entries",
    "women",
    "youth_under_26",
    "seniors_50_plus",
    "deld",
    "rqth",
    "exits",
    "short_exits",
    "exits_examined",
    "durable_rate",
    "dynamic_rate",
    "mean_duration_months",
    "rsa_durable_or_training",
    "contracts_with_clause",
    "insertion_hours_planned",
    "insertion_hours_done",
    "operations",
    "funding_total",
    "cost_per_participant",
    "cost_per_dynamic_exit",
)


def _row(dataset: Dataset, year: int, structure_id: str) -> pd.Series:
    frame = r.indicators(dataset, year, by="structure")
    if structure_id not in frame.index:
        structure_name(dataset, structure_id)  # raises ValueError naming the known ids
    return frame.loc[structure_id]


def _years_frame(dataset: Dataset, structure_id: str, years: list[int]) -> pd.DataFrame:
    """The structure's indicators over ``years`` (index: year)."""
    if not years:
        return pd.DataFrame()
    long = r.trends(dataset, years, by="structure")
    own = long[long["key"].astype(str) == structure_id].set_index("year").sort_index()
    return own.drop(columns=["key", "scope"], errors="ignore")


def siret_text(siret: object) -> str:
    """``12345678900012`` → ``123 456 789 00012`` (``—`` when missing)."""
    if siret is None or pd.isna(siret) or not str(siret).strip():
        return fmt.MISSING
    s = str(siret).strip()
    return f"{s[:3]} {s[3:6]} {s[6:9]} {s[9:]}" if len(s) == 14 else s


def card(dataset: Dataset, *, structure_id: str) -> display.Block:
    """The structure's card: name, kinds, commune, territory, activity supports, SIRET."""
    name = structure_name(dataset, structure_id)
    row = dataset.structures.set_index("structure_id").loc[structure_id]
    supports = [ACTIVITY_SUPPORTS.get(code, code) for code in (row.get("activity_supports") or ())]
    facts = pd.DataFrame(
        {
            "Rubrique": ["Nom", "Conventionnements", "Commune", "Territoire", "Supports d'activité", "SIRET"],
            "Information": [
                name,
                " ; ".join(f"{k} — {KIND_LABELS.get(k, k)}" for k in row["kinds"]),
                row["commune"],
                row["territory"],
                ", ".join(supports) or fmt.MISSING,
                siret_text(row.get("siret")),
            ],
        }
    )
    return display.table(facts, index=False, caption="Fiche de la structure")


def key_figures(dataset: Dataset, *, year: int, structure_id: str, min_cell: int) -> display.Block:
    """The structure's headline figures (indicators 1-3, exit rates) with the previous year."""
    years = [y for y in (year - 1, year) if y in dataset.years()] or [year]
    frame = _years_frame(dataset, structure_id, years)
    if year not in frame.index:
        frame.loc[year] = _row(dataset, year, structure_id)
    shown = r.suppressed(frame, min_cell=min_cell)
    current = frame.loc[year]
    name = structure_name(dataset, structure_id)
    if not current["participants"]:
        lead = display.note(f"{name} n'a aucun parcours actif en {year}.")
    else:
        lead = display.text(
            f"En {year}, {name} compte {r.format_value('participants', shown.at[year, 'participants'])} personnes "
            f"en parcours, dont {r.format_value('rsa_participants', shown.at[year, 'rsa_participants'])} "
            "allocataires du RSA."
        )
    return display.join(
        lead,
        r.key_figure_cards(shown, year=year, cards=HEADLINES),
        display.text(
            r.target_sentence("durable_rate", shown.at[year, "durable_rate"], year, subject="de la structure")
        ),
        display.text(
            r.target_sentence("dynamic_rate", shown.at[year, "dynamic_rate"], year, subject="de la structure")
        ),
    )


def compare(dataset: Dataset, *, year: int, structure_id: str, min_cell: int) -> display.Block:
    """The structure's indicators beside its territory's and the département's."""
    own = _row(dataset, year, structure_id)
    territory_name = str(dataset.structures.set_index("structure_id").at[structure_id, "territory"])
    territory = r.indicators(dataset, year, by="territory").loc[territory_name]
    dep = r.departement_row(dataset, year)
    columns = {"Structure": own, f"Territoire ({territory_name})": territory, "Département": dep}
    keys = list(COMPARED_KEYS)
    table = pd.DataFrame(
        {
            title: list(r.formatted(pd.DataFrame([row]), min_cell=min_cell, columns=keys).iloc[0])
            for title, row in columns.items()
        },
        index=[r.INDICATOR_LABELS[k] for k in keys],
    )
    return display.join(
        display.table(table, caption=f"Indicateurs {year} : structure, territoire et département"),
        display.note(
            "Les marchés, opérations et financements de la structure sont ceux qui portent son identifiant."
        ),
    )


def exits(dataset: Dataset, *, year: int, structure_id: str, min_cell: int) -> display.Block:
    """The structure's exits by category and its exit rates against the targets, beside the département."""
    own = _row(dataset, year, structure_id)
    if not own["exits"] and not own["short_exits"]:
        return display.note(f"Aucune sortie en {year} dans cette structure.")
    dep = r.departement_row(dataset, year)
    frame = pd.DataFrame([own, dep], index=["Structure", "Département"])
    shown = r.suppressed(frame, min_cell=min_cell)
    keys = [*r.EXIT_KEYS, "exits_examined", "short_exits"]
    columns = {}
    for scope in ("Structure", "Département"):
        columns[scope] = [r.format_value(k, shown.at[scope, k]) for k in keys]
        columns[f"Part ({scope.lower()})"] = [
            r.share_text(shown.at[scope, k], shown.at[scope, "exits"]) if k in r.EXIT_KEYS else ""
            for k in keys
        ]
    table = pd.DataFrame(columns, index=[r.INDICATOR_LABELS[k] for k in keys])
    return display.join(
        display.table(table, caption=f"Sorties de {year} par catégorie"),
        rates_block(frame, shown, title="de la structure et du département", year=year, min_cell=min_cell),
    )


def trend(dataset: Dataset, *, structure_id: str, min_cell: int) -> display.Block:
    """The structure's participants and exit rates over every year of the data."""
    name = structure_name(dataset, structure_id)
    years = r.observed_years(dataset)
    frame = _years_frame(dataset, structure_id, years)
    frame = frame[frame["participants"] > 0] if not frame.empty else frame
    if frame.empty:
        return display.note(f"{name} n'a aucun parcours dans les données.")
    numbers = r.shown_numbers(frame, min_cell=min_cell)
    fig, (left, right) = plt.subplots(1, 2, figsize=(10, 3.8), layout="constrained")
    charts.trend_lines(
        numbers[["participants", "rsa_participants"]],
        ax=left,
        labels={"participants": "Personnes en parcours", "rsa_participants": "dont allocataires du RSA"},
        ylabel="Personnes",
        legend_columns=1,
    )
    charts.trend_lines(
        numbers[["durable_rate", "dynamic_rate"]],
        ax=right,
        labels={"durable_rate": "Taux d'emploi durable", "dynamic_rate": "Taux de sorties dynamiques"},
        targets=r.TARGETS,
        value_kind="percent",
        ylabel="Part des sorties examinées",
        legend_columns=1,
    )
    first, last = int(frame.index.min()), int(frame.index.max())
    described = " ; ".join(
        f"{y} : {fmt.integer(numbers.at[y, 'participants'])} personnes, sorties dynamiques "
        f"{fmt.percent(numbers.at[y, 'dynamic_rate'])}"
        for y in numbers.index
    )
    alt = (
        f"Courbes de {first} à {last} pour {name} : à gauche les personnes en parcours et les allocataires du RSA, "
        f"à droite les taux d'emploi durable et de sorties dynamiques avec les objectifs de "
        f"{fmt.percent(r.TARGETS['durable_rate'], 0)} et {fmt.percent(r.TARGETS['dynamic_rate'], 0)}. {described}."
    )
    keys = ["participants", "rsa_participants", "exits_examined", "durable_rate", "dynamic_rate"]
    table = r.formatted(frame, min_cell=min_cell, columns=keys)
    table.index = [str(y) for y in table.index]
    drawn = ["participants", "rsa_participants", *r.TARGETS]
    hidden = int((numbers[drawn].isna() & frame[drawn].notna()).to_numpy().sum())
    return display.join(
        display.figure(fig, alt),
        display.note(f"Les valeurs masquées par le secret statistique ({hidden}) ne sont pas tracées.")
        if hidden
        else None,
        display.table(table, caption=f"Évolution de {first} à {last}"),
    )


def clauses(dataset: Dataset, *, year: int, structure_id: str, min_cell: int) -> display.Block:
    """Contracts with a social clause whose insertion the structure carried in the year."""
    if not r.has_rows(dataset.contracts, year):
        return r.no_data()
    contracts = dataset.contracts
    own = contracts[(contracts["year"] == year) & (contracts["structure_id"] == structure_id)]
    own = own[own["social_clause"].astype(bool)]
    if own.empty:
        return display.text(
            f"La structure n'a porté l'insertion d'aucun marché avec clause sociale notifié en {year}."
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
    return display.join(
        display.text(
            f"En {year}, la structure a porté l'insertion de {fmt.integer(len(own))} marché(s) avec clause sociale : "
            f"{fmt.hours(own['hours_planned'].sum())} prévues, {fmt.hours(own['hours_done'].sum())} réalisées."
        ),
        display.table(table, index=False, caption=f"Marchés avec clause sociale notifiés en {year}"),
    )


def operations(dataset: Dataset, *, year: int, structure_id: str, min_cell: int) -> display.Block:
    """Operations carried out with the structure in the year (indicator 3b)."""
    if not r.has_rows(dataset.operations, year):
        return r.no_data()
    ops = dataset.operations
    own = ops[(ops["year"] == year) & (ops["structure_id"] == structure_id)]
    if own.empty:
        return display.text(f"Aucune opération menée avec la structure en {year}.")
    table = pd.DataFrame(
        {
            "Opération": list(own["title"]),
            "Partenaire": [p if isinstance(p, str) else fmt.MISSING for p in own["partner"]],
            "Montant": [fmt.euros(v) for v in own["amount_eur"]],
        }
    )
    return display.join(
        display.text(f"En {year}, {fmt.integer(len(own))} opération(s) menée(s) avec la structure."),
        display.table(table, index=False, caption=f"Opérations menées en {year}"),
    )
