"""Sections of the departmental report (``notebooks/departement.ipynb``), one year.

Each function takes the dataset and keyword-only options and returns a
:class:`~iae_eval.display.Block`: short French sentences, tables of suppressed and
formatted values, and charts with an alt text. A missing optional table gives the
one sentence :data:`iae_eval.sections.common.NO_DATA`.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import pandas as pd

from iae_eval import charts, display, fmt
from iae_eval.sections import common as r
from iae_eval.data.dataset import Dataset
from iae_eval.indicators.pathways import structure_names, structures_active
from iae_eval.data.reference import CLAUSE_TYPES, KIND_LABELS

_RATES = ["durable_rate", "dynamic_rate"]
#: Label of the département's row under a table of structures, territories or kinds.
TOTAL = "Département"
#: The headline figures: (label, indicator key).
HEADLINES: list[tuple[str, str]] = [
    ("Personnes en parcours", "participants"),
    ("Allocataires du RSA en parcours — indicateur 1", "rsa_participants"),
    (
        "Allocataires du RSA sortis en emploi durable ou en formation qualifiante — indicateur 2",
        "rsa_durable_or_training",
    ),
    ("Taux d'emploi durable", "durable_rate"),
    ("Taux de sorties dynamiques", "dynamic_rate"),
    ("Marchés avec clause sociale — indicateur 3a", "contracts_with_clause"),
    ("Opérations avec les structures — indicateur 3b", "operations"),
]


def key_figures(dataset: Dataset, *, year: int, min_cell: int) -> display.Block:
    """Indicators 1-3, participants and the two exit rates against their targets, with the
    previous year beside them (when the data covers it)."""
    years = [y for y in (year - 1, year) if y == year or y in dataset.years()]
    frame = pd.concat([r.indicators(dataset, y).set_axis([y]) for y in years])
    current = frame.loc[year]
    shown = r.suppressed(frame, min_cell=min_cell)
    figures = r.key_figure_cards(shown, year=year, cards=HEADLINES)
    keys = [key for _, key in HEADLINES] + ["exits_examined", "clause_share"]
    table = r.formatted(frame, min_cell=min_cell, columns=keys).T
    table.columns = [str(c) for c in table.columns]
    table["Objectif"] = [fmt.percent(r.TARGETS[k], 0) if k in r.TARGETS else "" for k in keys]
    n_structures = len(structures_active(dataset.participants, year))
    if not current["participants"]:
        lead = display.note(f"Aucun parcours actif en {year} dans les données.")
    else:
        lead = display.text(
            f"En {year}, {r.plural(n_structures, 'structure')} d'insertion et "
            f"{r.format_value('participants', shown.at[year, 'participants'])} personnes en parcours, dont "
            f"{r.format_value('rsa_participants', shown.at[year, 'rsa_participants'])} "
            "allocataires du RSA."
        )
    return display.join(
        lead,
        figures,
        display.text(r.target_sentence("durable_rate", shown.at[year, "durable_rate"], year)),
        display.text(r.target_sentence("dynamic_rate", shown.at[year, "dynamic_rate"], year)),
        display.table(table, caption=f"Indicateurs de la fiche H5, {year} et année précédente"),
    )


def _by_structure(dataset: Dataset, year: int) -> pd.DataFrame:
    frame = r.indicators(dataset, year, by="structure")
    names = structure_names(dataset)
    frame.index = [names.get(k, k) for k in frame.index]
    return frame


def with_total(frame: pd.DataFrame, total: pd.Series) -> pd.DataFrame:
    """``frame`` with the département's row (the column totals) appended as :data:`TOTAL`."""
    return pd.concat([frame, pd.DataFrame([total], index=[TOTAL])])


def exit_bars(frame: pd.DataFrame, shown: pd.DataFrame) -> tuple[pd.DataFrame, pd.Series]:
    """What a stacked-exit chart may draw for the rows of ``frame`` (suppressed form
    ``shown``): the category counts (NaN where masked) and, per row, the exits of its
    masked categories together. Rows whose number of exits is masked or 0 are dropped."""
    numbers = r.drawable(frame, shown)
    numbers = numbers[numbers["exits"].fillna(0) > 0]
    categories = numbers[list(r.EXIT_KEYS)]
    rest = numbers["exits"] - categories.sum(axis=1, min_count=0)
    categories.columns = [k.removeprefix("exits_") for k in categories.columns]
    return categories, rest.where(categories.isna().any(axis=1))


def exits(dataset: Dataset, *, year: int, min_cell: int) -> display.Block:
    """Exits of the year by category, per structure: stacked bars and table."""
    frame = _by_structure(dataset, year)
    frame = frame[(frame["exits"] > 0) | (frame["short_exits"] > 0)]
    if frame.empty:
        return display.note(f"Aucune sortie en {year}.")
    frame = frame.sort_values(["exits", "short_exits"], ascending=False)
    full = with_total(frame, r.departement_row(dataset, year))
    shown = r.suppressed(full, min_cell=min_cell, total_row=TOTAL)
    columns = [*r.EXIT_KEYS, "exits", "exits_examined", "short_exits"]
    categories, rest = exit_bars(frame, shown.drop(index=TOTAL))
    hidden = int((frame["exits"] > 0).sum()) - len(categories)
    blocks = []
    if not categories.empty:
        fig, ax = r.new_figure(len(categories))
        masked_label = f"Catégories masquées (secret statistique, effectifs < {min_cell})"
        charts.stacked_exits(categories, ax=ax, masked=rest, masked_label=masked_label)
        dep = shown.loc[TOTAL]
        alt = (
            f"Barres horizontales empilées : sorties de {year} par catégorie pour {len(categories)} structures"
            + (f" ({hidden} non représentées, effectifs inférieurs à {min_cell})" if hidden else "")
            + f" ; département : {fmt.integer(dep['exits'])} sorties dont {fmt.integer(dep['exits_emploi_durable'])} "
            f"en emploi durable, taux de sorties dynamiques {fmt.percent(dep['dynamic_rate'])}."
        )
        blocks.append(display.figure(fig, alt))
    blocks.append(r.suppression_note(hidden, min_cell=min_cell))
    if rest.notna().any():
        blocks.append(
            display.note(
                "Dans une barre, les catégories masquées par le secret statistique sont regroupées en un "
                "segment hachuré."
            )
        )
    blocks.append(
        display.table(r.labelled(shown, columns), caption=f"Sorties de {year} par catégorie et par structure")
    )
    return display.join(*blocks)


def rates_block(
    frame: pd.DataFrame, shown: pd.DataFrame, *, title: str, year: int | str, min_cell: int
) -> display.Block:
    """Dot chart and table of durable and dynamic rates for the rows of ``frame``, given its
    suppressed form ``shown``. The chart draws the :data:`TOTAL` row first, on top."""
    numbers = r.drawable(frame, shown)[_RATES]
    order = [*(i for i in numbers.index if i == TOTAL), *(i for i in numbers.index if i != TOTAL)]
    drawn = numbers.loc[order].dropna(how="all")
    blocks = []
    if not drawn.empty:
        fig, ax = r.new_figure(len(drawn))
        charts.rate_dots(
            drawn, ax=ax, targets=r.TARGETS, labels=r.INDICATOR_LABELS, xlabel="Part des sorties examinées"
        )
        reach = {k: int((drawn[k] >= r.TARGETS[k]).sum()) for k in _RATES}
        if len(drawn) <= 4:
            values = " ; ".join(
                f"{name} : emploi durable {fmt.percent(row['durable_rate'])}, sorties dynamiques "
                f"{fmt.percent(row['dynamic_rate'])}"
                for name, row in drawn.iterrows()
            )
        else:
            values = (
                f"{reach['dynamic_rate']} ligne(s) sur {len(drawn)} atteignent l'objectif de sorties dynamiques, "
                f"{reach['durable_rate']} celui d'emploi durable"
            )
        alt = (
            f"Points : taux d'emploi durable et de sorties dynamiques {title} en {year}, avec les objectifs de "
            f"{fmt.percent(r.TARGETS['durable_rate'], 0)} et {fmt.percent(r.TARGETS['dynamic_rate'], 0)} ; "
            f"{values}."
        )
        blocks.append(display.figure(fig, alt))
    hidden = int(numbers.isna().any(axis=1).sum() - frame[_RATES].isna().all(axis=1).sum())
    if hidden > 0:
        blocks.append(
            display.note(
                f"{hidden} taux masqué(s) par le secret statistique (moins de {min_cell} sorties examinées, ou "
                "une catégorie de sortie masquée) : ils ne sont pas tracés."
            )
        )
    blocks.append(
        display.table(
            r.labelled(shown, ["exits_examined", *_RATES]), caption=f"Taux de sortie {title}, {year}"
        )
    )
    return display.join(*blocks)


def rates(dataset: Dataset, *, year: int, min_cell: int) -> display.Block:
    """Durable and dynamic exit rates per structure, against the 25 % and 60 % targets."""
    dep = r.departement_row(dataset, year)
    if not dep["exits_examined"]:
        return display.note(f"Aucune sortie examinée en {year} : les taux ne sont pas calculables.")
    frame = _by_structure(dataset, year)
    frame = frame[frame["exits"] > 0].sort_values("dynamic_rate", ascending=False)
    full = with_total(frame, dep)
    shown = r.suppressed(full, min_cell=min_cell, total_row=TOTAL)
    return display.join(
        display.text(r.target_sentence("durable_rate", shown.at[TOTAL, "durable_rate"], year)),
        display.text(r.target_sentence("dynamic_rate", shown.at[TOTAL, "dynamic_rate"], year)),
        rates_block(full, shown, title="par structure", year=year, min_cell=min_cell),
    )


def territories_and_kinds(dataset: Dataset, *, year: int, min_cell: int) -> display.Block:
    """Participants and exit rates by territory (bassin) and by kind of structure."""
    dep = r.departement_row(dataset, year)
    if not dep["participants"]:
        return display.note(f"Aucun parcours actif en {year}.")
    territory = r.indicators(dataset, year, by="territory")
    kind = r.indicators(dataset, year, by="kind")
    kind.index = [f"{k} — {KIND_LABELS.get(k, k)}" for k in kind.index]
    panels = []
    for frame, title in ((territory, "Territoire"), (kind, "Type de structure")):
        frame = frame[frame["participants"] > 0]
        full = with_total(frame, dep)
        shown = r.suppressed(full, min_cell=min_cell, total_row=TOTAL)
        numbers = r.drawable(frame, shown.drop(index=TOTAL))[_RATES].dropna(how="all")
        panels.append((frame, shown, numbers, title))
    blocks = []
    if any(not numbers.empty for _, _, numbers, _ in panels):
        heights = [max(len(numbers), 1) + 1.5 for _, _, numbers, _ in panels]
        fig, axes = plt.subplots(
            2, 1, figsize=(8, 1.5 + 0.42 * sum(heights)), height_ratios=heights, layout="constrained"
        )
        for ax, (_, _, numbers, title) in zip(axes, panels, strict=True):
            if numbers.empty:
                ax.set_axis_off()
                continue
            charts.rate_dots(
                numbers,
                ax=ax,
                targets=r.TARGETS,
                labels=r.INDICATOR_LABELS,
                xlabel="Part des sorties examinées",
            )
            ax.set_title(title, loc="left", fontsize=10)
        drawn_axes = [ax for ax, panel in zip(axes, panels, strict=True) if not panel[2].empty]
        for ax in drawn_axes[:-1]:
            ax.get_legend().remove()  # one legend, under the last panel
            ax.set_xlabel("")
        best = panels[0][2]["dynamic_rate"].dropna()
        top = (
            f" ; taux de sorties dynamiques le plus élevé : {best.idxmax()} ({fmt.percent(best.max())})"
            if not best.empty
            else ""
        )
        alt = (
            f"Points : taux d'emploi durable et de sorties dynamiques en {year} pour "
            f"{r.plural(len(panels[0][2]), 'territoire')} et {r.plural(len(panels[1][2]), 'type', 'types')} de structure, "
            f"avec les objectifs de {fmt.percent(r.TARGETS['durable_rate'], 0)} "
            f"et {fmt.percent(r.TARGETS['dynamic_rate'], 0)}{top}."
        )
        blocks.append(display.figure(fig, alt))
    hidden = sum(len(frame) - len(numbers) for frame, _, numbers, _ in panels)
    blocks.append(r.suppression_note(hidden, min_cell=min_cell, what="lignes"))
    columns = ["participants", "rsa_participants", "exits_examined", *_RATES]
    for _, shown, _, title in panels:
        blocks.append(display.table(r.labelled(shown, columns), caption=f"{title}, {year}"))
    blocks.append(
        display.note(
            "Une personne ayant des parcours dans deux types de structure est comptée dans chacun : les "
            "personnes par type de structure ne s'additionnent pas."
        )
    )
    return display.join(*blocks)


def clauses(dataset: Dataset, *, year: int, min_cell: int) -> display.Block:
    """Contracts of the year with a social clause (indicator 3a), their share and insertion hours."""
    if not r.has_rows(dataset.contracts, year):
        return r.no_data()
    dep = r.departement_row(dataset, year)
    contracts = dataset.contracts[(dataset.contracts["year"] == year)]
    with_clause = contracts[contracts["social_clause"].astype(bool)]
    done_rate = r.share(dep["insertion_hours_done"], dep["insertion_hours_planned"])
    figures = display.key_figures(
        [
            ("Marchés notifiés", fmt.integer(dep["contracts_total"]), None),
            (
                "Marchés avec clause sociale — indicateur 3a",
                fmt.integer(dep["contracts_with_clause"]),
                f"{fmt.percent(dep['clause_share'])} des marchés",
            ),
            ("Heures d'insertion prévues", fmt.hours(dep["insertion_hours_planned"]), None),
            (
                "Heures d'insertion réalisées",
                fmt.hours(dep["insertion_hours_done"]),
                f"{fmt.percent(done_rate)} des heures prévues",
            ),
        ]
    )
    if with_clause.empty:
        return display.join(
            figures, display.text(f"Aucun marché notifié en {year} ne comporte de clause sociale.")
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
    blocks = [figures]
    if not by_buyer.empty:
        fig, ax = r.new_figure(2 * len(by_buyer), per_row=0.3)
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
        blocks.append(display.figure(fig, alt))
    blocks.append(
        display.table(
            type_table,
            index=False,
            caption=f"Marchés avec clause sociale notifiés en {year}, par type de clause",
        )
    )
    return display.join(*blocks)


def operations(dataset: Dataset, *, year: int, min_cell: int) -> display.Block:
    """Operations carried out with the insertion structures in the year (indicator 3b)."""
    if not r.has_rows(dataset.operations, year):
        return r.no_data()
    ops = dataset.operations[dataset.operations["year"] == year]
    names = structure_names(dataset)
    grouped = (
        ops.groupby("structure_id")
        .agg(
            n=("operation_id", "size"),
            amount=("amount_eur", "sum"),
            partners=("partner", lambda s: ", ".join(sorted({str(p) for p in s.dropna()}))),
        )
        .sort_values("n", ascending=False)
    )
    table = pd.DataFrame(
        {
            "Structure": [names.get(k, k) for k in grouped.index],
            "Opérations": [fmt.integer(v) for v in grouped["n"]],
            "Montant": [fmt.euros(v) for v in grouped["amount"]],
            "Partenaires": list(grouped["partners"]),
        }
    )
    return display.join(
        display.text(
            f"En {year}, {fmt.integer(len(ops))} opérations ont été menées avec {fmt.integer(len(grouped))} "
            f"structures d'insertion, pour un montant de {fmt.euros(ops['amount_eur'].sum())}."
        ),
        display.table(table, index=False, caption=f"Opérations menées en {year}, par structure"),
    )
