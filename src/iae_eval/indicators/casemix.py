"""Expected outcomes given the publics (indirect standardisation; docs/indicators.md).

A logistic regression of the durable exit (and, separately, of the dynamic exit) on the
people's characteristics is fitted by unpenalised maximum likelihood (statsmodels) over the
département's examined exits of the year (of every year of the period for the bilan, with
year dummies). Each examined exit gets its predicted probability p̂; a scope (structure,
territory, kind) with n examined exits and O observed outcomes has E = Σ p̂ expected ones.

Covariates, 0/1 dummies with the reference level left out: woman (ref man); age at entry
under 26 and 50 or over (ref 26-49); RSA; long-term job seeker (empty = no); RQTH (empty =
no); education level when the column is filled (``infra_3``, ``4``, ``5_plus``, not known;
ref ``3``). A dummy constant over the population is dropped. The structure's kind is
deliberately not a covariate: the kinds serve different publics on purpose.

The model is not fitted (:attr:`CaseMixModel.fitted` false, with the reason in French) when
there are fewer than :data:`MIN_EXITS` examined exits, when a dummy perfectly separates the
outcome (every exit with it, or every exit without it, has the same outcome), or when the
fit does not converge.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd

from iae_eval.data import reference
from iae_eval.data.dataset import Dataset
from iae_eval.data.rules import RulesProfile, profile_for
from iae_eval.indicators.catalogue import DURABLE_CATEGORY
from iae_eval.indicators.facts import SENIOR_AGE, YOUTH_AGE_LIMIT, pathway_facts

#: Fewer examined exits than this: no model.
MIN_EXITS = 50
#: The two outcomes and the exit categories that count as a success.
OUTCOMES: dict[str, tuple[str, ...]] = {
    "durable": (DURABLE_CATEGORY,),
    "dynamic": tuple(reference.DYNAMIC_CATEGORIES),
}
#: The reference education level (the others, and "not known", get a dummy).
EDUCATION_REFERENCE = "3"
#: French labels of the covariates (for the method table of the reports).
COVARIATE_LABELS: dict[str, str] = {
    "const": "Constante",
    "women": "Femme (réf. homme)",
    "under_26": "Moins de 26 ans à l'entrée (réf. 26-49 ans)",
    "over_50": "50 ans et plus à l'entrée (réf. 26-49 ans)",
    "rsa": "Allocataire du RSA",
    "deld": "Demandeur d'emploi de longue durée",
    "rqth": "Travailleur handicapé (RQTH)",
    "education_infra_3": "Niveau infra 3 (réf. niveau 3, CAP-BEP)",
    "education_4": "Niveau 4, baccalauréat (réf. niveau 3)",
    "education_5_plus": "Niveau 5 et plus (réf. niveau 3)",
    "education_unknown": "Niveau de formation non connu (réf. niveau 3)",
}


def covariate_label(name: str, *, first_year: int | None = None) -> str:
    """French label of a covariate (``year_2011`` → ``Sortie en 2011 (réf. 2009)``)."""
    if name.startswith("year_"):
        return f"Sortie en {name[5:]}" + (f" (réf. {first_year})" if first_year is not None else "")
    return COVARIATE_LABELS.get(name, name)


@dataclass(frozen=True)
class Population:
    """The examined exits of the years, one row per pathway: who, where, outcome, dummies."""

    structure_id: np.ndarray
    kind: np.ndarray
    year: np.ndarray
    outcomes: dict[str, np.ndarray]  # outcome name -> 0/1 int array
    dummies: pd.DataFrame  # candidate covariates, 0/1 float columns


@dataclass(frozen=True)
class CaseMixModel:
    """One fitted (or not fitted) model. When not fitted, ``reason`` says why in French and
    ``coefficients`` is empty; ``expected`` holds p̂ per examined exit (NaN when not fitted)."""

    outcome: str
    years: tuple[int, ...]
    n: int
    successes: int
    fitted: bool
    reason: str | None
    covariates: tuple[str, ...]
    #: index: ``const`` and the covariates; columns coef, se, odds_ratio, or_low, or_high.
    coefficients: pd.DataFrame
    c_statistic: float | None
    expected: np.ndarray
    population: Population

    @property
    def rate(self) -> float | None:
        """The département's observed rate over the population."""
        return self.successes / self.n if self.n else None


def _bool(series: pd.Series) -> np.ndarray:
    return series.astype("boolean").to_numpy(dtype=bool, na_value=False)


def _year_population(dataset: Dataset, year: int, profile: RulesProfile) -> pd.DataFrame:
    facts = pathway_facts(dataset, year, profile)
    neutral = reference.EXIT_CATEGORIES.index(reference.NEUTRAL_CATEGORY)
    examined = facts.examinable_exit & (facts.category != neutral)
    rows = facts.rows[examined]
    category = facts.category[examined]
    frame = pd.DataFrame(
        {
            "structure_id": rows["structure_id"].to_numpy(dtype=object),
            "kind": rows["kind"].to_numpy(dtype=object),
            "year": np.full(len(rows), year, dtype=np.int64),
        }
    )
    for name, categories in OUTCOMES.items():
        positions = [reference.EXIT_CATEGORIES.index(c) for c in categories]
        frame[f"y_{name}"] = np.isin(category, positions).astype(np.int64)
    entry_year = rows["entry_date"].to_numpy().astype("datetime64[Y]").astype(np.int64) + 1970
    age = entry_year - rows["birth_year"].to_numpy(dtype=np.float64, na_value=np.nan)
    frame["women"] = _bool(rows["sex"] == "F")
    frame["under_26"] = age < YOUTH_AGE_LIMIT
    frame["over_50"] = age >= SENIOR_AGE
    frame["rsa"] = _bool(rows["rsa"])
    for column in ("deld", "rqth"):
        if column in rows.columns:
            frame[column] = _bool(rows[column])
    if "education_level" in rows.columns and rows["education_level"].notna().any():
        level = rows["education_level"].astype(object).to_numpy()
        for value in (v for v in reference.EDUCATION_LEVELS if v != EDUCATION_REFERENCE):
            frame[f"education_{value}"] = level == value
        frame["education_unknown"] = pd.isna(level)
    return frame


def population(dataset: Dataset, years: tuple[int, ...], profile: RulesProfile) -> Population:
    """The examined exits of ``years`` (pooled) with their outcomes and candidate dummies;
    with several years, year dummies (reference: the first year)."""
    frame = pd.concat([_year_population(dataset, y, profile) for y in years], ignore_index=True)
    names = [c for c in frame.columns if c not in ("structure_id", "kind", "year") and not c.startswith("y_")]
    dummies = frame[names].astype(np.float64)
    for y in years[1:]:
        dummies[f"year_{y}"] = (frame["year"] == y).to_numpy(dtype=np.float64)
    return Population(
        structure_id=frame["structure_id"].to_numpy(dtype=object),
        kind=frame["kind"].to_numpy(dtype=object),
        year=frame["year"].to_numpy(dtype=np.int64),
        outcomes={name: frame[f"y_{name}"].to_numpy() for name in OUTCOMES},
        dummies=dummies,
    )


def _not_fitted(outcome, years, pop, y, reason, covariates=()) -> CaseMixModel:
    return CaseMixModel(
        outcome=outcome,
        years=years,
        n=len(y),
        successes=int(y.sum()),
        fitted=False,
        reason=reason,
        covariates=tuple(covariates),
        coefficients=pd.DataFrame(columns=["coef", "se", "odds_ratio", "or_low", "or_high"]),
        c_statistic=None,
        expected=np.full(len(y), np.nan),
        population=pop,
    )


def c_statistic(y: np.ndarray, p: np.ndarray) -> float | None:
    """The area under the ROC curve (Mann-Whitney, ties counted half); None without both outcomes."""
    from scipy.stats import rankdata

    positives = int(y.sum())
    negatives = len(y) - positives
    if positives == 0 or negatives == 0:
        return None
    ranks = rankdata(p)
    return float((ranks[y == 1].sum() - positives * (positives + 1) / 2) / (positives * negatives))


def _separating(x: pd.DataFrame, y: np.ndarray) -> str | None:
    """The first dummy whose exits with it, or without it, all share one outcome."""
    values = x.to_numpy()
    with_ = values.T @ y  # successes among exits with the dummy
    count = values.sum(axis=0)
    total = y.sum()
    for position, name in enumerate(x.columns):
        on, on_ok = count[position], with_[position]
        off, off_ok = len(y) - on, total - on_ok
        if on_ok in (0, on) or off_ok in (0, off):
            return name
    return None


def fit(outcome: str, pop: Population, years: tuple[int, ...]) -> CaseMixModel:
    """The logistic model of ``outcome`` over ``pop`` (see the module)."""
    from statsmodels.discrete.discrete_model import Logit
    from statsmodels.tools import sm_exceptions

    y = pop.outcomes[outcome]
    if len(y) < MIN_EXITS:
        return _not_fitted(
            outcome,
            years,
            pop,
            y,
            f"moins de {MIN_EXITS} sorties examinées ({len(y)}) : le modèle n'est pas estimé",
        )
    x = pop.dummies
    constant = x.nunique(axis=0) <= 1
    x = x.loc[:, ~constant.to_numpy()]
    separating = _separating(x, y)
    if separating is not None or y.sum() in (0, len(y)):
        what = covariate_label(separating).lower() if separating else "la constante"
        return _not_fitted(
            outcome,
            years,
            pop,
            y,
            f"une caractéristique sépare parfaitement les issues ({what}) : le modèle n'est pas estimé",
            x.columns,
        )
    design = np.column_stack([np.ones(len(y)), x.to_numpy()])
    names = ["const", *x.columns]
    try:
        with warnings.catch_warnings():
            # the estimation's own alarms stop the model; numpy's overflows in exp do not
            for alarm in (sm_exceptions.ModelWarning, sm_exceptions.ConvergenceWarning):
                warnings.simplefilter("error", alarm)
            result = Logit(y, design).fit(method="newton", disp=0, maxiter=100)
        converged = bool(result.mle_retvals.get("converged", False))
    except (sm_exceptions.PerfectSeparationWarning, sm_exceptions.PerfectSeparationError):
        return _not_fitted(
            outcome,
            years,
            pop,
            y,
            "les caractéristiques, prises ensemble, séparent parfaitement les issues : le modèle n'est pas estimé",
            x.columns,
        )
    except (
        sm_exceptions.ModelWarning,
        sm_exceptions.ConvergenceWarning,
        np.linalg.LinAlgError,
    ):  # a singular matrix, no convergence: not fitted
        converged = False
    if not converged or not np.all(np.isfinite(result.params)) or not np.all(np.isfinite(result.bse)):
        return _not_fitted(
            outcome, years, pop, y, "l'estimation du modèle ne converge pas : il n'est pas retenu", x.columns
        )
    params, se = np.asarray(result.params), np.asarray(result.bse)
    z = 1.959963984540054
    coefficients = pd.DataFrame(
        {
            "coef": params,
            "se": se,
            "odds_ratio": np.exp(params),
            "or_low": np.exp(params - z * se),
            "or_high": np.exp(params + z * se),
        },
        index=pd.Index(names, name="covariate"),
    )
    expected = 1 / (1 + np.exp(-(design @ params)))
    return CaseMixModel(
        outcome=outcome,
        years=years,
        n=len(y),
        successes=int(y.sum()),
        fitted=True,
        reason=None,
        covariates=tuple(x.columns),
        coefficients=coefficients,
        c_statistic=c_statistic(y, expected),
        expected=expected,
        population=pop,
    )


def _profile(dataset: Dataset, rules: str | RulesProfile | None) -> RulesProfile:
    return profile_for(
        dataset.rules if rules is None else rules,
        has_yearly_hours=dataset.yearly_hours is not None,
        source=dataset.source,
    )


def models(dataset: Dataset, years, *, rules: str | RulesProfile | None = None) -> dict[str, CaseMixModel]:
    """Both models (``durable``, ``dynamic``) over the examined exits of ``years`` (one year,
    or the bilan's years pooled with year dummies), fitted once per dataset, years and rules."""
    years = tuple(int(y) for y in np.atleast_1d(years))
    profile = _profile(dataset, rules)
    key = (
        "casemix",
        years,
        profile.name,
        repr(sorted(profile.minimum_stay.items())),
        profile.participant_min_hours,
    )

    def compute() -> dict[str, CaseMixModel]:
        pop = population(dataset, years, profile)
        return {name: fit(name, pop, years) for name in OUTCOMES}

    return dataset.memoised(key, compute)
