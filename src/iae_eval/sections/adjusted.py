"""Outcomes at comparable publics: observed against expected given the people each structure
takes in (docs/indicators.md, "Outcomes expected given the publics").

- :func:`departement`: per outcome, a table of the structures' observed rate, expected rate,
  observed / expected with its 95 % interval and adjusted rate, and a funnel of observed /
  expected against the expected number (the bilan's view pools the period: same function);
- :func:`structure`: one sentence per outcome for the report's structure;
- :func:`method`: for "Comment lire ce rapport", the model: covariates, odds ratios with their
  intervals, number of exits, c-statistic, and what the model cannot see.

When the model is not fitted each view says so in one sentence. In the public edition a
structure's adjusted figures are withheld whenever the rate they come from is, saying why.
"""

from __future__ import annotations

from typing import NamedTuple

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from iae_eval import fmt, wording
from iae_eval.indicators import casemix
from iae_eval.indicators.adjusted import CANNOT_SEE, SUFFIXES, adjusted_indicators
from iae_eval.indicators.catalogue import EXAMINED_EXIT_KEYS, label
from iae_eval.indicators.compute import compute_indicators
from iae_eval.indicators.pathways import structure_name, structure_names
from iae_eval.indicators.suppress import MASKED_TEXT
from iae_eval.report import Report
from iae_eval.sections import parts, summary
from iae_eval.sections import places as at
from iae_eval.sections.formats import suppressed

#: Outcome → the rate it adjusts.
RATES: dict[str, str] = {"durable": "durable_rate", "dynamic": "dynamic_rate"}
_DYNAMIC_EXIT_KEYS = ("exits_emploi_durable", "exits_emploi_transition", "exits_sortie_positive")


def _period(rep: Report) -> str:
    if not rep.is_bilan:
        return f"en {rep.year}"
    return (
        f"de {rep.first_year} à {rep.last_year}"
        if rep.first_year != rep.last_year
        else f"en {rep.first_year}"
    )


def _counts(rep: Report) -> pd.DataFrame:
    """Each structure's exits over the report's years and its two rates (index: structure_id)."""
    frames = [compute_indicators(rep.dataset, y, "structure") for y in rep.years]
    keys = ["exits_examined", *EXAMINED_EXIT_KEYS]
    counts = sum(f[keys].astype("float64") for f in frames)
    examined = counts["exits_examined"].where(counts["exits_examined"] > 0)
    counts["durable_rate"] = counts["exits_emploi_durable"] / examined
    counts["dynamic_rate"] = counts[list(_DYNAMIC_EXIT_KEYS)].sum(axis=1) / examined
    return counts


def _shown(rep: Report, counts: pd.DataFrame) -> pd.DataFrame:
    """The structures' exits and rates as the edition shows them: a year's as the year's one
    decision says; a period's (pooled over its years, outside any year's decision) decided for
    this table alone."""
    if rep.is_bilan and rep.first_year != rep.last_year:
        return rep.displayed(counts)
    year = rep.years[0]
    places = at.of_structures(counts, rep.dataset, year)
    return suppressed(counts, min_cell=rep.min_cell, diffusion=rep.diffusion, places=places)


def _withheld(rep: Report, counts: pd.DataFrame) -> dict[str, pd.Series]:
    """Per rate and structure: what the edition shows instead of the structure's rate, its
    adjusted figures too ("non publié : moins de 5 sorties en emploi durable", or "s" when its
    examined exits are withheld), None where the rate is published."""
    shown = _shown(rep, counts)
    exits_withheld = [isinstance(v, str) for v in shown["exits_examined"]]
    return {
        key: pd.Series(
            [
                v if isinstance(v, str) else (MASKED_TEXT if masked else None)
                for v, masked in zip(shown[key], exits_withheld, strict=True)
            ],
            index=shown.index,
            dtype=object,
        )
        for key in RATES.values()
    }


class _Comparison(NamedTuple):
    """What every view of the structures at comparable publics starts from."""

    fitted: dict[str, casemix.CaseMixModel]
    counts: pd.DataFrame
    adjusted: pd.DataFrame
    withheld: dict[str, pd.Series]


def _comparison(rep: Report) -> _Comparison:
    """The fitted models, the structures' counts, their adjusted figures and what the edition
    withholds (:func:`_withheld`) for the report's years."""
    counts = _counts(rep)
    return _Comparison(
        fitted=casemix.models(rep.dataset, tuple(rep.years)),
        counts=counts,
        adjusted=adjusted_indicators(rep.dataset, tuple(rep.years), "structure"),
        withheld=_withheld(rep, counts),
    )


def _oe_text(oe: float, low: float, high: float) -> str:
    return f"{fmt.number(oe, 2)} [{fmt.number(low, 2)}{fmt.NBSP}–{fmt.NBSP}{fmt.number(high, 2)}]"


def not_fitted_sentence(model: casemix.CaseMixModel) -> str:
    return (
        f"Les taux à publics comparables ne sont pas calculés ({model.reason}) : seuls les taux "
        "bruts sont présentés."
    )


def _table(rep: Report, outcome: str, counts, adjusted, withheld, ids=None) -> pd.DataFrame:
    """The formatted rows of the structures ``ids`` (default: every structure with examined exits)."""
    key = RATES[outcome]
    names = structure_names(rep.dataset)
    shown_exits = _shown(rep, counts)["exits_examined"]
    rows = {}
    for sid in counts.index[counts["exits_examined"] > 0] if ids is None else ids:
        a = adjusted.loc[sid]
        if withheld[key][sid] is not None:
            cells = [withheld[key][sid]] * 4
        else:
            cells = [
                fmt.percent(counts.loc[sid, key]),
                fmt.percent(a[f"{outcome}_expected_rate"]),
                _oe_text(a[f"{outcome}_oe"], a[f"{outcome}_oe_low"], a[f"{outcome}_oe_high"]),
                fmt.percent(a[f"{outcome}_adjusted_rate"]),
            ]
        exits = shown_exits[sid]
        rows[names.get(str(sid), str(sid))] = [
            exits if isinstance(exits, str) else fmt.integer(exits),
            *cells,
        ]
    return pd.DataFrame.from_dict(rows, orient="index", columns=list(COLUMNS))


#: The columns of a table of structures at comparable publics.
COLUMNS: tuple[str, ...] = (
    label("exits_examined"),
    "Taux observé",
    "Taux attendu",
    "Observé / attendu [IC 95 %]",
    "Taux ajusté",
)
#: The sheet of the year's ``indicators.xlsx`` that holds every structure's figures at
#: comparable publics (:func:`structure_sheet`), named in the report when it summarises them.
SHEET = "Publics comparables"


def _extremes(rep: Report, outcome: str, counts, adjusted, withheld) -> list[parts.Table]:
    """The :data:`~iae_eval.sections.summary.EXTREMES` structures with the highest observed /
    expected ratios and those with the lowest, among those whose ratio the edition shows."""
    key = RATES[outcome]
    shown = (counts["exits_examined"] > 0) & withheld[key].isna()
    ratios = adjusted.loc[shown[shown].index, f"{outcome}_oe"]
    top, bottom = summary.extremes(ratios)
    what = f"au rapport observé / attendu ({label(key).lower()})"
    return [
        parts.table(
            _table(rep, outcome, counts, adjusted, withheld, ids=ratios.index[rows]),
            caption=f"Les {summary.EXTREMES} structures {what} le plus {end} {_period(rep)}",
        )
        for rows, end in ((top, "haut"), (bottom, "bas"))
        if rows
    ]


def _poisson_limits(expected: np.ndarray, level: float) -> tuple[np.ndarray, np.ndarray]:
    """Funnel limits of observed / expected for an expected number E: the quantiles of
    Poisson(E) with Spiegelhalter's interpolation ((r − α) / E, as for the rates' funnels)."""
    from scipy.stats import poisson

    def limit(q: float) -> np.ndarray:
        r = poisson.ppf(q, expected)
        alpha = (poisson.cdf(r, expected) - q) / poisson.pmf(r, expected)
        return np.maximum(r - alpha, 0) / expected

    tail = (1 - level) / 2
    return limit(tail), limit(1 - tail)


def _funnel(drawn: pd.DataFrame, title: str) -> parts.Chart:
    """Observed / expected (y) against the expected number (x), Poisson 95 % and 99.8 % limits."""
    fig, ax = plt.subplots(figsize=(8, 4.6), layout="constrained")
    grid = np.linspace(0.5, max(float(drawn["expected"].max()) * 1.1, 5), 200)
    outside = {}
    for level, style in ((0.95, "--"), (0.998, ":")):
        low, high = _poisson_limits(grid, level)
        ax.plot(
            grid,
            high,
            style,
            color="#555555",
            label=f"Limites à {fmt.number(100 * level, 1 if level > 0.99 else 0)} %",
        )
        ax.plot(grid, low, style, color="#555555")
        lo, hi = _poisson_limits(drawn["expected"].to_numpy(), level)
        outside[level] = (int((drawn["oe"] > hi).sum()), int((drawn["oe"] < lo).sum()))
    ax.axhline(1, color="#1b7837", label="Attendu (1)")
    ax.plot(drawn["expected"], drawn["oe"], "o", color="#2166ac", alpha=0.85, label="Structures")
    ax.set_xlabel("Sorties attendues (somme des probabilités)")
    ax.set_ylabel("Observé / attendu")
    ax.set_title(title, loc="left", fontsize=10)
    ax.legend(loc="upper right", fontsize=8)
    above, below = outside[0.998]
    alt = (
        f"Graphique en entonnoir : rapport observé / attendu de {len(drawn)} structures selon leur nombre "
        f"de sorties attendues, autour de 1. Au-delà des limites à 99,8 % : {above} au-dessus, "
        f"{below} en dessous ; au-delà des limites à 95 % : {outside[0.95][0]} au-dessus, "
        f"{outside[0.95][1]} en dessous."
    )
    return parts.figure(fig, alt)


def departement(rep: Report) -> parts.Section:
    """The structures at comparable publics over the report's year (or the bilan's period);
    in a year's report, above ``MANY_STRUCTURES`` structures with examined exits, the funnels
    with the structures of highest and lowest observed / expected (:mod:`~iae_eval.sections.summary`)."""
    fitted, counts, adjusted, withheld = _comparison(rep)
    n_structures = int((counts["exits_examined"] > 0).sum())
    many = not rep.is_bilan and summary.is_many(n_structures)
    items: list = [
        parts.lead(
            f"Taux observés et taux attendus à publics comparables {_period(rep)}, structure par structure "
            "(1 = la structure obtient ce que son public laisse attendre)."
        )
    ]
    for outcome, key in RATES.items():
        model = fitted[outcome]
        if not model.fitted:
            items.append(parts.text(f"{label(key)} : {not_fitted_sentence(model)}"))
            continue
        if many:
            items += _extremes(rep, outcome, counts, adjusted, withheld)
        else:
            table = _table(rep, outcome, counts, adjusted, withheld)
            items.append(parts.table(table, caption=f"{label(key)} à publics comparables {_period(rep)}"))
        keep = (counts["exits_examined"] > 0) & withheld[key].isna()
        expected = adjusted[f"{outcome}_expected_rate"] * counts["exits_examined"]
        drawn = pd.DataFrame({"expected": expected, "oe": adjusted[f"{outcome}_oe"]})[keep].dropna()
        if not drawn.empty:
            items.append(_funnel(drawn, f"{label(key)} : observé / attendu {_period(rep)}"))
    items.append(parts.note(CANNOT_SEE))
    if many and any(m.fitted for m in fitted.values()):
        return summary.summarised(
            *items,
            parts.note(
                f"Les taux observés, attendus et ajustés de chaque structure sont dans la feuille « {SHEET} » "
                "d'indicators.xlsx."
            ),
            count=n_structures,
            year=rep.year,
        )
    return parts.join(*items)


def bilan(rep: Report) -> parts.Section:
    """The period's structures at comparable publics, each one (:func:`departement`)."""
    return departement(rep)


def _sheet_columns(outcome: str) -> dict[str, str]:
    """The columns of :func:`structure_sheet` for ``outcome``: key → French header."""
    return {
        RATES[outcome]: label(RATES[outcome]),
        **{f"{outcome}_{s}": label(f"{outcome}_{s}") for s in SUFFIXES},
    }


#: The columns of :func:`structure_sheet` that are fractions (shown as percentages).
SHEET_FRACTIONS: tuple[str, ...] = tuple(
    name for outcome in RATES for key, name in _sheet_columns(outcome).items() if key.endswith("rate")
)


def structure_sheet(rep: Report) -> pd.DataFrame:
    """Every structure with examined exits in the year: its examined exits, and per outcome its
    observed rate, expected rate, observed / expected with its 95 % bounds and adjusted rate, as
    the edition shows them (numbers; where the rate is withheld, its mark in every cell of the
    outcome): the sheet :data:`SHEET` of the year's ``indicators.xlsx``. Empty when neither
    model is fitted."""
    if not any(m.fitted for m in casemix.models(rep.dataset, tuple(rep.years)).values()):
        return pd.DataFrame()
    fitted, counts, adjusted, withheld = _comparison(rep)
    ids = counts.index[counts["exits_examined"] > 0]
    names = structure_names(rep.dataset)
    exits = _shown(rep, counts)["exits_examined"]
    columns: dict[str, list] = {
        "Code": [str(k) for k in ids],
        "Structure": [names.get(str(k), str(k)) for k in ids],
        label("exits_examined"): [exits[k] for k in ids],
    }
    values = counts.join(adjusted)
    for outcome, key in RATES.items():
        if not fitted[outcome].fitted:
            continue
        for column, name in _sheet_columns(outcome).items():
            columns[name] = [
                withheld[key][k] if withheld[key][k] is not None else _float_or_none(values.at[k, column])
                for k in ids
            ]
    return pd.DataFrame(columns).astype(object)


def _float_or_none(value) -> float | None:
    return None if fmt.is_missing(value) else float(value)


def structure(rep: Report) -> parts.Section:
    """One sentence per outcome: expected rate, observed rate, observed / expected [interval]."""
    if rep.structure_id is None:
        raise ValueError("structure(r) needs a structure report (structure_id)")
    fitted, counts, adjusted, withheld = _comparison(rep)
    sid, name = rep.structure_id, structure_name(rep.dataset, rep.structure_id)
    items: list = []
    for outcome, key in RATES.items():
        model, what = fitted[outcome], label(key).lower()
        if not model.fitted:
            items.append(parts.text(f"{label(key)} : {not_fitted_sentence(model)}"))
        elif not counts.loc[sid, "exits_examined"] > 0:
            items.append(
                parts.text(f"{name} n'a pas de sortie examinée {_period(rep)} : pas de comparaison.")
            )
        elif withheld[key][sid] is not None:
            items.append(
                parts.text(
                    f"Le {what} de la structure {wording.not_published(withheld[key][sid])} : sa comparaison "
                    "à publics comparables non plus."
                )
            )
        else:
            a = adjusted.loc[sid]
            items.append(
                parts.text(
                    f"À publics comparables, le {what} attendu est de {fmt.percent(a[f'{outcome}_expected_rate'])} ; "
                    f"la structure obtient {fmt.percent(counts.loc[sid, key])}, soit "
                    f"{fmt.number(a[f'{outcome}_oe'], 2)} fois l'attendu "
                    f"[{fmt.number(a[f'{outcome}_oe_low'], 2)}{fmt.NBSP}–{fmt.NBSP}{fmt.number(a[f'{outcome}_oe_high'], 2)}]."
                )
            )
    items.append(parts.note(CANNOT_SEE))
    return parts.join(*items)


def method(rep: Report) -> parts.Section:
    """The models behind the comparison at comparable publics."""
    fitted = casemix.models(rep.dataset, tuple(rep.years))
    items: list = [
        parts.text(
            "Taux attendus à publics comparables : pour chaque sortie examinée, un modèle logistique estime "
            f"la probabilité d'une sortie en emploi durable (et, séparément, d'une sortie dynamique) "
            f"selon les caractéristiques de la personne, sur toutes les sorties examinées du département "
            f"{_period(rep)}"
            + (" (l'année de sortie est une caractéristique)" if rep.is_bilan and len(rep.years) > 1 else "")
            + ". Le taux attendu d'une structure est la moyenne de ces probabilités sur ses sorties ; "
            "observé / attendu compare son résultat à ce que son public laisse attendre, avec un "
            "intervalle de Poisson exact à 95 %."
        )
    ]
    for outcome, key in RATES.items():
        model = fitted[outcome]
        if not model.fitted:
            items.append(parts.text(f"{label(key)} : {not_fitted_sentence(model)}"))
            continue
        c = model.coefficients.drop(index="const")
        table = pd.DataFrame(
            {
                "Rapport de cotes [IC 95 %]": [
                    _oe_text(row.odds_ratio, row.or_low, row.or_high) for row in c.itertuples()
                ]
            },
            index=[casemix.covariate_label(n, first_year=rep.first_year) for n in c.index],
        )
        c_stat = "" if model.c_statistic is None else f", statistique c {fmt.number(model.c_statistic, 2)}"
        items.append(
            parts.table(
                table,
                caption=f"{label(key)} : modèle estimé sur {fmt.integer(model.n)} sorties examinées{c_stat}",
            )
        )
    items.append(
        parts.note(
            "Un rapport de cotes inférieur à 1 signale une caractéristique associée à moins de sorties "
            "favorables. Une statistique c proche de 0,5 signifie que ces caractéristiques expliquent "
            "peu les écarts entre personnes. " + CANNOT_SEE
        )
    )
    return parts.join(*items)
