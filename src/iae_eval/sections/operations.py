"""Operations carried out with the insertion structures (indicator 3b)."""

from __future__ import annotations

import pandas as pd

from iae_eval import fmt
from iae_eval.indicators.pathways import structure_labels
from iae_eval.report import Report
from iae_eval.sections import parts, summary
from iae_eval.sections.frames import has_rows, period_years
from iae_eval.sections.notes import NO_DATA_PERIOD, no_data


def departement(rep: Report) -> parts.Section:
    """Operations carried out with the insertion structures in the year (indicator 3b)."""
    dataset, year = rep.dataset, rep.year
    if not has_rows(dataset.operations, year):
        return no_data()
    ops = dataset.operations[dataset.operations["year"] == year]
    names = structure_labels(dataset)
    grouped = ops.groupby("structure_id").agg(n=("operation_id", "size"), amount=("amount_eur", "sum"))
    grouped["partners"] = _partners(ops).reindex(grouped.index, fill_value="")
    grouped = grouped.sort_values("n", ascending=False)
    table = pd.DataFrame(
        {
            "Structure": [names.get(k, k) for k in grouped.index],
            "Opérations": [fmt.integer(v) for v in grouped["n"]],
            "Montant": [fmt.euros(v) for v in grouped["amount"]],
            "Partenaires": list(grouped["partners"]),
        }
    )
    lead = parts.lead(
        f"En {year}, {fmt.integer(len(ops))} opérations ont été menées avec {fmt.integer(len(grouped))} "
        f"structures d'insertion, pour un montant de {fmt.euros(ops['amount_eur'].sum())}."
    )
    if summary.is_many(len(grouped)):
        return parts.join(lead, summarised(table, grouped["n"], year=year))
    return parts.join(
        lead, parts.table(table, index=False, caption=f"Opérations menées en {year}, par structure")
    )


def _partners(ops: pd.DataFrame) -> pd.Series:
    """Per structure, its partners of the year, each once, sorted and joined by commas."""
    pairs = ops[["structure_id", "partner"]].dropna().astype({"partner": str}).drop_duplicates()
    return pairs.sort_values(["structure_id", "partner"]).groupby("structure_id")["partner"].agg(", ".join)


def summarised(table: pd.DataFrame, counts: pd.Series, *, year: int) -> parts.Section:
    """The table of operations per structure for many structures (:mod:`~iae_eval.sections.summary`):
    the distribution of the number of operations, the structures with the most and the fewest."""
    tables = summary.extreme_tables(
        table,
        counts,
        index=False,
        highest=f"Les {summary.EXTREMES} structures avec le plus d'opérations, {year}",
        lowest=f"Les {summary.EXTREMES} structures avec le moins d'opérations, {year}",
    )
    chart = summary.distribution(
        counts, what=f"leur nombre d'opérations en {year}", xlabel="Opérations", value_kind="integer"
    )
    return summary.summarised(chart, *tables, count=len(counts), year=year)


def structure(rep: Report) -> parts.Section:
    """Operations carried out with the structure in the year (indicator 3b)."""
    dataset, year, structure_id = rep.dataset, rep.year, rep.structure_id
    if not has_rows(dataset.operations, year):
        return no_data()
    ops = dataset.operations
    own = ops[(ops["year"] == year) & (ops["structure_id"] == structure_id)]
    if own.empty:
        return parts.join(parts.lead(f"Aucune opération menée avec la structure en {year}."))
    table = pd.DataFrame(
        {
            "Opération": list(own["title"]),
            "Partenaire": [p if isinstance(p, str) else fmt.MISSING for p in own["partner"]],
            "Montant": [fmt.euros(v) for v in own["amount_eur"]],
        }
    )
    return parts.join(
        parts.lead(
            f"En {year}, {fmt.plural(len(own), 'opération menée', 'opérations menées')} avec la structure."
        ),
        parts.table(table, index=False, caption=f"Opérations menées en {year}"),
    )


def bilan(rep: Report) -> parts.Section:
    """Operations carried out with the insertion structures per year (indicator 3b)."""
    dataset, first_year, last_year = rep.dataset, rep.first_year, rep.last_year
    ops = dataset.operations
    if ops is None or not ops["year"].between(first_year, last_year).any():
        return no_data(NO_DATA_PERIOD)
    ops = ops[ops["year"].between(first_year, last_year)]
    per_year = ops.groupby("year").agg(
        n=("operation_id", "size"), structures=("structure_id", "nunique"), amount=("amount_eur", "sum")
    )
    per_year = per_year.reindex(period_years(first_year, last_year)).fillna(0)
    table = pd.DataFrame(
        {
            "Opérations (indicateur 3b)": [fmt.integer(v) for v in per_year["n"]],
            "Structures concernées": [fmt.integer(v) for v in per_year["structures"]],
            "Montant": [fmt.euros(v) for v in per_year["amount"]],
        },
        index=[str(y) for y in per_year.index],
    ).T
    return parts.join(
        parts.lead(
            f"De {first_year} à {last_year}, {fmt.integer(len(ops))} opérations ont été menées avec "
            f"{fmt.integer(ops['structure_id'].nunique())} structures d'insertion."
        ),
        parts.table(table, caption="Opérations par année"),
    )
