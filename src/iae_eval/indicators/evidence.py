"""The evidence of an evaluative question: its indicator's value for the département
(docs/evaluation.md).

For a year's report, the year's value; for the bilan, the value over the period — a ratio
pooled over the years (Σ numerators / Σ denominators: a rate over the period's examined exits,
a cost over the period's people), a count or an amount summed, and the yearly values when the
rule is a trend (with the OLS slope and its t interval). A rate carries its Wilson 95 %
interval. What is missing (a key this version does not compute, a table, a figure of the
``context`` table, a null denominator, fewer than three years) is named in French words. ``masked``:
the report's edition masks a value the evidence is built on (the rate, or a count it gives back).

Each key is read where the reports compute it: the year's indicators
(:func:`~iae_eval.indicators.compute.compute_indicators`), the follow-up after exit
(:func:`~iae_eval.indicators.followup.followup_indicators`, by year of exit) or the rates at
comparable publics (:func:`~iae_eval.indicators.adjusted.adjusted_indicators`, each year's
model). A question is never "non évaluable" while a section shows its figures.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

import pandas as pd

from iae_eval import fmt
from iae_eval.indicators import catalogue
from iae_eval.indicators import verdicts as v
from iae_eval.indicators.catalogue import Kind
from iae_eval.indicators.framework import Question
from iae_eval.indicators.quality import atypical_years
from iae_eval.indicators.uncertainty import wilson_interval

#: Ratios whose parts the catalogue does not declare as a denominator (a share of contracts
#: is never masked, so it has none): key → (numerator key, denominator key).
EXTRA_PARTS: dict[str, tuple[str, str]] = {"clause_share": ("contracts_with_clause", "contracts_total")}
#: The optional table each key needs, to name it when it is missing.
SOURCE_TABLES: dict[str, str] = {
    **dict.fromkeys(
        ("contracts_total", "contracts_with_clause", "clause_share", "insertion_hours_planned"), "contracts"
    ),
    "insertion_hours_done": "contracts",
    "operations": "operations",
    **dict.fromkeys(
        ("funding_total", "cost_per_participant", "cost_per_dynamic_exit", "cost_per_durable_exit"), "funding"
    ),
    "rsa_coverage_rate": "context",
    **{
        f"{p}_{h}m_{s}": "exit_followup"
        for p in ("followup",)
        for h in (6, 12, 24)
        for s in ("known", "coverage")
    },
    **{f"{p}_{h}m_rate": "exit_followup" for p in ("employed", "durable_employed") for h in (6, 12, 24)},
}


@dataclass(frozen=True)
class Observation:
    """An indicator's value in one year, with its ratio's parts when it is a ratio."""

    year: int
    value: float | None
    numerator: float | None = None
    denominator: float | None = None
    masked: bool = False


@dataclass(frozen=True)
class Evidence:
    """What a verdict rests on. ``missing`` names what is missing (then the verdict is
    ``non évaluable``); ``masked``: the public edition masks a value it is built on."""

    value: float | None = None
    low: float | None = None
    high: float | None = None
    numerator: float | None = None
    denominator: float | None = None
    yearly: tuple[Observation, ...] = ()
    slope: v.Slope | None = None
    missing: str | None = None
    masked: bool = False
    #: For a judgement: each action's status at the end of the period and since when
    #: ``(action_id, status, since semester)``.
    progress: tuple[tuple[str, str, str], ...] = ()
    #: What the figure cannot see or how far to trust it (French), shown beside it.
    note: str | None = None
    #: The years whose value is atypical (:mod:`iae_eval.indicators.quality`): the verdict is
    #: fragile; ``steady`` is the slope without them (None with fewer than three years left).
    atypical: tuple[int, ...] = ()
    steady: v.Slope | None = None

    @property
    def fragile(self) -> bool:
        return bool(self.atypical)


def _number(value: object) -> float | None:
    if value is None or value is pd.NA:
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(number) else number


def _parts_keys(key: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(numerator keys, denominator keys) of a ratio from the frame; ((), ()) otherwise."""
    if key in EXTRA_PARTS:
        numerator, denominator = EXTRA_PARTS[key]
        return (numerator,), (denominator,)
    indicator = catalogue.BY_KEY.get(key)
    return ((), indicator.denominator) if indicator and indicator.denominator else ((), ())


def _households(dataset, year: int) -> float | None:
    context = dataset.context
    if context is None:
        return None
    rows = context[(context["year"] == year) & (context["key"] == "rsa_households")]
    return None if rows.empty else _number(rows["value"].iloc[0])


def yearly_frame(dataset, key: str, year: int) -> pd.DataFrame:
    """The département's row of ``year`` from the frame that computes ``key``."""
    if key in catalogue.FOLLOWUP_KEYS:
        from iae_eval.indicators.followup import followup_indicators

        return followup_indicators(dataset, year)
    if key in catalogue.ADJUSTED_KEYS:
        from iae_eval.indicators.adjusted import adjusted_indicators
        from iae_eval.indicators.compute import compute_indicators

        counts = compute_indicators(dataset, year)
        adjusted = adjusted_indicators(dataset, year)
        return pd.concat([counts.reset_index(drop=True), adjusted.reset_index(drop=True)], axis=1)
    from iae_eval.indicators.compute import compute_indicators

    return compute_indicators(dataset, year)


def _in_year_model(key: str) -> bool:
    return key in catalogue.INDICATOR_KEYS


def _masked(rep, frame: pd.DataFrame, key: str, *, yearly: bool = False) -> pd.Series:
    """Per row of ``frame`` (indicator frames), whether the report's edition masks ``key`` or
    a count it gives back: as each year's one decision says when the rows are the
    département's years (``yearly``), else (a period pooled) decided for the frame alone."""
    if not rep.edition.suppresses:
        return pd.Series(False, index=frame.index)
    if yearly and _in_year_model(key):
        from iae_eval.protection.model import DEPARTEMENT
        from iae_eval.protection.table import shown_places, year_cells

        years = [int(y) for y in frame.index]
        tables = {y: year_cells(rep.dataset, y, rep.min_cell) for y in years}
        shown = shown_places(frame, [(y, DEPARTEMENT) for y in years], tables)
    else:
        shown = rep.displayed(frame)
    watched = [k for k in (key, *catalogue.BY_KEY[key].numerator) if k in shown.columns]
    return shown[watched].map(lambda x: isinstance(x, str)).any(axis=1)


def observations(rep, key: str, years: list[int]) -> tuple[tuple[Observation, ...], pd.DataFrame]:
    """The yearly observations of ``key`` for the département, and the yearly frames (one row
    per year, index = year) they come from."""
    dataset = rep.dataset
    frame = pd.concat([yearly_frame(dataset, key, y).iloc[[0]].set_axis([y]) for y in years])
    masked = _masked(rep, frame, key, yearly=True)
    numerators, denominators = _parts_keys(key)
    found = []
    for year, row in frame.iterrows():
        value = _number(row[key])
        numerator = denominator = None
        if key == "rsa_coverage_rate":
            numerator, denominator = _number(row["rsa_participants"]), _households(dataset, int(year))
        elif denominators:
            denominator = sum(_number(row[d]) or 0.0 for d in denominators)
            numerator = (
                sum(_number(row[n]) or 0.0 for n in numerators)
                if numerators
                else (None if value is None else value * denominator)
            )
        if value is None:
            numerator = None
        found.append(Observation(int(year), value, numerator, denominator, bool(masked.loc[year])))
    return tuple(found), frame


def _rate_interval(key: str, numerator: float | None, denominator: float | None):
    if catalogue.BY_KEY[key].kind is not Kind.RATE or numerator is None or not denominator:
        return None, None
    k, n = round(numerator), round(denominator)
    if n <= 0 or not 0 <= k <= n:
        return None, None
    low, high = wilson_interval(k, n)
    return float(low), float(high)


def _period(years: list[int]) -> str:
    return str(years[0]) if len(years) == 1 else f"{years[0]}-{years[-1]}"


def _absent(rep, key: str) -> str | None:
    """What is missing before any value can exist: the key itself, its table, its figure."""
    if key not in catalogue.BY_KEY:
        return f"indicateur inconnu de cette version du kit ({key})"
    label = catalogue.BY_KEY[key].label
    if key not in yearly_frame(rep.dataset, key, rep.years[0]).columns:
        return f"« {label} » n'est pas calculé pour le département"
    table = SOURCE_TABLES.get(key)
    if table is not None and getattr(rep.dataset, table, None) is None:
        return f"« {label} » demande la table {table}.csv, absente des données"
    return None


def _pooled(rep, question: Question, years: list[int]) -> Evidence:
    """A target rule's evidence over ``years`` (one year: that year's value)."""
    key = question.indicator
    yearly, frame = observations(rep, key, years)
    label = catalogue.label(key)
    defined = [o for o in yearly if o.value is not None]
    if not defined:
        why = (
            " (le nombre de foyers allocataires du RSA manque dans context.csv)"
            if key == "rsa_coverage_rate"
            else ""
        )
        return Evidence(yearly=yearly, missing=f"aucune valeur de « {label} » en {_period(years)}{why}")
    if defined[0].denominator is not None:
        numerator = sum(o.numerator for o in defined)
        denominator = sum(o.denominator for o in defined)
        if not denominator:
            return Evidence(yearly=yearly, missing=f"dénominateur nul pour « {label} » en {_period(years)}")
        value = numerator / denominator
    else:
        numerator = denominator = None
        value = sum(o.value for o in defined)
    low, high = _rate_interval(key, numerator, denominator)
    if len(years) == 1:
        masked = yearly[0].masked
    else:
        pooled = frame.sum(numeric_only=True).to_frame().T
        pooled[key] = value
        masked = bool(_masked(rep, pooled, key).iloc[0])
    return Evidence(value, low, high, numerator, denominator, yearly, masked=masked)


def _trend(rep, question: Question, years: list[int]) -> Evidence:
    key = question.indicator
    yearly, _ = observations(rep, key, years)
    points = [o for o in yearly if o.value is not None]
    if len(points) < v.MIN_TREND_YEARS:
        return Evidence(
            yearly=yearly,
            missing=f"moins de {v.MIN_TREND_YEARS} années avec une valeur de « {catalogue.label(key)} » "
            f"({len(points)} sur {_period(years)})",
        )
    slope = v.ols_slope([o.year for o in points], [o.value for o in points])
    atypical: tuple[int, ...] = ()
    steady = None
    if catalogue.BY_KEY[key].kind is not Kind.RATE:
        atypical = atypical_years([o.year for o in points], [o.value for o in points])
        rest = [o for o in points if o.year not in atypical]
        if atypical and len(rest) >= v.MIN_TREND_YEARS:
            steady = v.ols_slope([o.year for o in rest], [o.value for o in rest])
    return Evidence(
        yearly=yearly,
        slope=slope,
        masked=any(o.masked for o in points),
        atypical=atypical,
        steady=steady,
    )


def _progress(rep, actions: tuple[str, ...]) -> tuple[tuple[str, str, str], ...]:
    """Each action's last status up to the report's last semester, and since when it holds."""
    plan = rep.dataset.action_plan
    if plan is None or not actions:
        return ()
    plan = plan[plan["semester"].astype(str) <= f"{rep.last_year}S2"].sort_values("semester")
    found = []
    for action in actions:
        history = plan[plan["action_id"] == action]
        if history.empty:
            continue
        statuses = list(history["status"].astype(str))
        semesters = list(history["semester"].astype(str))
        start = len(statuses) - 1
        while start > 0 and statuses[start - 1] == statuses[-1]:
            start -= 1
        found.append((action, statuses[-1], semesters[start]))
    return tuple(found)


#: At the département scope the observed/expected ratio is 1 by construction.
ADJUSTED_AT_DEPARTEMENT = (
    "au département, égal au taux observé (le modèle y est estimé) : les structures sont "
    "comparées à publics comparables dans leur section ; l'ajustement ne voit ni la motivation, "
    "ni la santé, ni le marché du travail local"
)


def _followup_horizon(key: str) -> int | None:
    for h in catalogue.FOLLOWUP_HORIZONS:
        if key in (f"employed_{h}m_rate", f"durable_employed_{h}m_rate"):
            return h
    return None


def followup_note(rep, key: str, years: list[int]) -> str | None:
    """For an employment rate after exit over ``years``: its coverage, its bounds when the
    unknown situations are all counted out of work or all in work, and the years of exit
    without any follow-up at that horizon (the horizon lies beyond the data)."""
    h = _followup_horizon(key)
    if h is None or rep.dataset.exit_followup is None:
        return None
    from iae_eval.indicators.followup import RATE_COUNTS, employment_bounds, pooled_counts, years_beyond

    unfollowed = years_beyond(rep.dataset, years, h)
    followed = [y for y in years if y not in unfollowed]
    parts = []
    counts = pooled_counts(rep.dataset, followed, h).iloc[0] if followed else None
    if counts is not None and counts["examined"]:
        examined, known = counts["examined"], counts["known"]
        low, high = employment_bounds(counts[RATE_COUNTS[key.removesuffix(f"_{h}m_rate")]], known, examined)
        parts.append(
            f"situation connue pour {fmt.percent(known / examined)} des sorties examinées "
            f"de {_period(followed)} ; si les "
            f"situations inconnues étaient toutes hors emploi : {fmt.percent(low)}, toutes en emploi : "
            f"{fmt.percent(high)}"
        )
    if unfollowed:
        listed = ", ".join(str(y) for y in unfollowed)
        parts.append(f"aucune sortie de {listed} suivie à {h} mois (l'horizon dépasse les données)")
    return " ; ".join(parts) or None


def _note(rep, key: str, years: list[int]) -> str | None:
    if key in catalogue.ADJUSTED_KEYS:
        return ADJUSTED_AT_DEPARTEMENT
    return followup_note(rep, key, years)


def evidence_of(rep, question: Question) -> Evidence:
    """The evidence of ``question`` in ``rep`` (its year, or the bilan's period)."""
    if question.rule == v.JUDGEMENT or question.indicator is None:
        return Evidence(progress=_progress(rep, question.actions))
    absent = _absent(rep, question.indicator)
    if absent is not None:
        return Evidence(missing=absent)
    found = (_trend if question.is_trend else _pooled)(rep, question, rep.years)
    if found.missing is None and not found.masked:
        found = replace(found, note=_note(rep, question.indicator, rep.years))
    return found
