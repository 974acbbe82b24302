"""The indicator catalogue: every indicator of docs/indicators.md declared once.

Each :class:`Indicator` carries its key, its French label (the same in the HTML reports,
``indicators.xlsx`` and ``indicators.csv``), its kind (what it counts or measures, which
decides its format), the rule that protects it when published, and its definition sentence
(the one ``docs/indicators.md`` shows; a test checks the two agree).

The engine (:mod:`iae_eval.indicators.compute`), the suppression
(:mod:`iae_eval.indicators.suppress`), the report tables (:mod:`iae_eval.sections`) and the
spreadsheets (:mod:`iae_eval.indicators.exports`) all read from here.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from iae_eval.data.reference import (
    DURABLE_TARGET,
    DYNAMIC_CATEGORIES,
    DYNAMIC_TARGET,
    EXIT_CATEGORIES,
    EXIT_CATEGORY_LABELS,
    NEUTRAL_CATEGORY,
)

#: Category whose exits are "durable employment" (indicator 2, the durable rate).
DURABLE_CATEGORY = "emploi_durable"


class Kind(Enum):
    """What an indicator's value is; it decides the format and whether it is a person count."""

    PEOPLE = "people"  # distinct people
    PATHWAYS = "pathways"  # pathways (entries, exits)
    RATE = "rate"  # a fraction between 0 and 1
    RATIO = "ratio"  # observed / expected (1 = as expected)
    MONTHS = "months"  # a mean duration in months
    COUNT = "count"  # contracts or operations, not people
    HOURS = "hours"
    MONEY = "money"  # euros

    @property
    def is_person_count(self) -> bool:
        """Counts of people or pathways: the cells small-count suppression protects."""
        return self in (Kind.PEOPLE, Kind.PATHWAYS)

    @property
    def is_integer(self) -> bool:
        return self in (Kind.PEOPLE, Kind.PATHWAYS, Kind.COUNT)


class Protection(Enum):
    """How an indicator is protected in published tables (see :mod:`iae_eval.indicators.suppress`)."""

    SMALL_COUNT = "small count"  # 1 to min_cell - 1 shown as "< min_cell"
    RATIO = "ratio"  # masked with its denominator or when it gives a masked count back
    NONE = "none"  # not a person count: always shown


@dataclass(frozen=True)
class Indicator:
    """One indicator of docs/indicators.md."""

    key: str
    label: str
    kind: Kind
    definition: str
    #: For a ratio: the counts it is taken over (n, their sum) and those its numerator adds up
    #: (k, their sum; none for a mean or a cost). A published ratio gives n and k back.
    denominator: tuple[str, ...] = ()
    numerator: tuple[str, ...] = ()
    #: Shorter label for tables of publics ("Allocataires du RSA").
    short_label: str | None = None
    #: The objective of the H5 sheet for this rate, when it has one.
    target: float | None = None

    @property
    def protection(self) -> Protection:
        if self.kind.is_person_count:
            return Protection.SMALL_COUNT
        return Protection.RATIO if self.denominator else Protection.NONE

    @property
    def unit(self) -> str:
        """Unit shown after the label in spreadsheet headers (``€``, ``h``), or ``""``."""
        return {Kind.MONEY: "€", Kind.HOURS: "h"}.get(self.kind, "")


def _exit_key(category: str) -> str:
    return f"exits_{category}"


#: Exit-category count keys, in the nomenclature's order.
EXIT_KEYS: tuple[str, ...] = tuple(_exit_key(c) for c in EXIT_CATEGORIES)
#: Exit-category keys that enter ``exits_examined`` (all but "retrait").
EXAMINED_EXIT_KEYS: tuple[str, ...] = tuple(_exit_key(c) for c in EXIT_CATEGORIES if c != NEUTRAL_CATEGORY)
#: Exit-category keys of dynamic exits (durable + transition + positive).
DYNAMIC_EXIT_KEYS: tuple[str, ...] = tuple(_exit_key(c) for c in DYNAMIC_CATEGORIES)

_EXIT_DEFINITIONS = {
    "emploi_durable": "examinable exits in Y into durable employment",
    "emploi_transition": "examinable exits in Y into transitional employment",
    "sortie_positive": "examinable exits in Y into a positive outcome (training, another IAE structure…)",
    "autre_sortie": "examinable exits in Y into another situation (job seeking, inactivity…)",
    "retrait": "examinable exits in Y withdrawn from the rates (illness, retirement, move…)",
}

INDICATORS: tuple[Indicator, ...] = (
    Indicator("participants", "Personnes en parcours", Kind.PEOPLE, "people with a pathway active in Y"),
    Indicator(
        "rsa_participants",
        "Allocataires du RSA en parcours (indicateur 1)",
        Kind.PEOPLE,
        "**indicator 1**: people with an active pathway, RSA beneficiaries at entry",
        short_label="Allocataires du RSA",
    ),
    Indicator("entries", "Entrées dans l'année", Kind.PATHWAYS, "pathways that started in Y"),
    Indicator(
        "rsa_entries",
        "dont allocataires du RSA",
        Kind.PATHWAYS,
        "pathways that started in Y, RSA beneficiary at entry",
    ),
    Indicator("women", "Femmes", Kind.PEOPLE, "women with an active pathway"),
    Indicator(
        "youth_under_26", "Moins de 26 ans", Kind.PEOPLE, "people with an active pathway, under 26 at entry"
    ),
    Indicator(
        "seniors_50_plus", "50 ans et plus", Kind.PEOPLE, "people with an active pathway, 50 or over at entry"
    ),
    Indicator(
        "deld",
        "Demandeurs d'emploi de longue durée",
        Kind.PEOPLE,
        "people with an active pathway, long-term job seekers at entry",
    ),
    Indicator(
        "rqth",
        "Travailleurs handicapés (RQTH)",
        Kind.PEOPLE,
        "people with an active pathway, recognised disabled workers",
    ),
    Indicator("exits", "Sorties constatées", Kind.PATHWAYS, 'examinable exits in Y, "retrait" included'),
    Indicator(
        "short_exits",
        "Sorties avant la durée minimale",
        Kind.PATHWAYS,
        "exits in Y shorter than the minimum stay (in no other exit figure)",
    ),
    *(
        Indicator(_exit_key(c), EXIT_CATEGORY_LABELS[c], Kind.PATHWAYS, _EXIT_DEFINITIONS[c])
        for c in EXIT_CATEGORIES
    ),
    Indicator("exits_examined", "Sorties examinées", Kind.PATHWAYS, "exits − exits_retrait"),
    Indicator(
        "durable_rate",
        "Taux d'emploi durable",
        Kind.RATE,
        "exits_emploi_durable / exits_examined",
        denominator=("exits_examined",),
        numerator=(_exit_key(DURABLE_CATEGORY),),
        target=DURABLE_TARGET,
    ),
    Indicator(
        "dynamic_rate",
        "Taux de sorties dynamiques",
        Kind.RATE,
        "(durable + transition + positive) / exits_examined",
        denominator=("exits_examined",),
        numerator=DYNAMIC_EXIT_KEYS,
        target=DYNAMIC_TARGET,
    ),
    Indicator(
        "mean_duration_months",
        "Durée moyenne des parcours (mois)",
        Kind.MONTHS,
        "mean length of the examined exits' pathways, in days / 30.4375",
        denominator=("exits_examined",),
    ),
    Indicator(
        "rsa_durable_or_training",
        "Allocataires du RSA sortis en emploi durable ou en formation qualifiante (indicateur 2)",
        Kind.PEOPLE,
        "**indicator 2**: people with an examinable exit in Y, RSA at entry, into durable employment "
        "or qualifying training (exit reason 5)",
    ),
    Indicator("contracts_total", "Marchés notifiés", Kind.COUNT, "contracts notified in Y"),
    Indicator(
        "contracts_with_clause",
        "Marchés avec clause sociale (indicateur 3a)",
        Kind.COUNT,
        "**indicator 3a**: contracts notified in Y with a social clause",
    ),
    Indicator(
        "clause_share",
        "Part des marchés avec clause sociale",
        Kind.RATE,
        "contracts_with_clause / contracts_total (a share of contracts, not of people: never masked)",
    ),
    Indicator(
        "insertion_hours_planned",
        "Heures d'insertion prévues",
        Kind.HOURS,
        "insertion hours planned by the contracts of Y that have a clause",
    ),
    Indicator(
        "insertion_hours_done",
        "Heures d'insertion réalisées",
        Kind.HOURS,
        "insertion hours done under the contracts of Y that have a clause",
    ),
    Indicator(
        "operations",
        "Opérations avec les structures (indicateur 3b)",
        Kind.COUNT,
        "**indicator 3b**: operations of Y",
    ),
    Indicator("funding_total", "Financements", Kind.MONEY, "funding of Y, in euros"),
    Indicator(
        "cost_per_participant",
        "Coût par personne en parcours",
        Kind.MONEY,
        "funding_total / participants",
        denominator=("participants",),
    ),
    Indicator(
        "cost_per_dynamic_exit",
        "Coût par sortie dynamique",
        Kind.MONEY,
        "funding_total / (durable + transition + positive exits)",
        # with funding_total it gives the dynamic exits back (its denominator is published)
        denominator=DYNAMIC_EXIT_KEYS,
    ),
    Indicator(
        "rsa_share",
        "Part des allocataires du RSA parmi les personnes en parcours",
        Kind.RATE,
        "rsa_participants / participants",
        denominator=("participants",),
        numerator=("rsa_participants",),
    ),
    Indicator(
        "cost_per_durable_exit",
        "Coût par sortie en emploi durable",
        Kind.MONEY,
        "funding_total / exits_emploi_durable",
        denominator=(_exit_key(DURABLE_CATEGORY),),
    ),
    Indicator(
        "rsa_coverage_rate",
        "Couverture des foyers allocataires du RSA du département",
        Kind.RATE,
        "rsa_participants / rsa_households of the context table (département scope only, else null)",
        numerator=("rsa_participants",),
    ),
)

_OUTCOME_WORDS = {
    "durable": ("emploi durable", "d'emploi durable", "durable"),
    "dynamic": ("sorties dynamiques", "de sorties dynamiques", "dynamic"),
}


def _adjusted(outcome: str) -> tuple[Indicator, ...]:
    words, of_words, rate = _OUTCOME_WORDS[outcome]
    examined = ("exits_examined",)
    return (
        Indicator(
            f"{outcome}_expected_rate",
            f"Taux {of_words} attendu à publics comparables",
            Kind.RATE,
            f"E / n: the mean over the scope's examined exits of the probability of a {rate} exit "
            "predicted by the case-mix model",
            denominator=examined,
        ),
        Indicator(
            f"{outcome}_oe",
            f"Rapport observé / attendu ({words})",
            Kind.RATIO,
            f"O / E: observed {rate} exits over expected ones (1 at the département scope)",
            denominator=examined,
        ),
        Indicator(
            f"{outcome}_oe_low",
            f"Rapport observé / attendu ({words}), borne basse à 95 %",
            Kind.RATIO,
            "exact Poisson 95 % lower bound of O (Garwood, 0 when O = 0) / E",
            denominator=examined,
        ),
        Indicator(
            f"{outcome}_oe_high",
            f"Rapport observé / attendu ({words}), borne haute à 95 %",
            Kind.RATIO,
            "exact Poisson 95 % upper bound of O (Garwood) / E",
            denominator=examined,
        ),
        Indicator(
            f"{outcome}_adjusted_rate",
            f"Taux {of_words} ajusté des publics",
            Kind.RATE,
            f"O / E × the département's {rate}_rate",
            denominator=examined,
        ),
    )


#: Expected outcomes given the publics (null when the model is not fitted or n = 0).
ADJUSTED_INDICATORS: tuple[Indicator, ...] = (*_adjusted("durable"), *_adjusted("dynamic"))
#: Months after exit of the follow-up (the ``exit_followup`` table).
FOLLOWUP_HORIZONS: tuple[int, ...] = (6, 12, 24)


def _followup(h: int) -> tuple[Indicator, ...]:
    known = f"followup_{h}m_known"
    return (
        Indicator(
            known,
            f"Sorties dont la situation à {h} mois est connue",
            Kind.PATHWAYS,
            f"examined exits with a follow-up row at {h} months whose situation is not inconnu",
        ),
        Indicator(
            f"followup_{h}m_coverage",
            f"Couverture du suivi à {h} mois",
            Kind.RATE,
            f"{known} / exits_examined",
            denominator=("exits_examined",),
            numerator=(known,),
        ),
        Indicator(
            f"employed_{h}m_rate",
            f"En emploi {h} mois après la sortie",
            Kind.RATE,
            f"(emploi_durable + emploi_autre) at {h} months / {known}",
            denominator=(known,),
        ),
        Indicator(
            f"durable_employed_{h}m_rate",
            f"En emploi durable {h} mois après la sortie",
            Kind.RATE,
            f"emploi_durable at {h} months / {known}",
            denominator=(known,),
        ),
    )


#: Employment after exit (null when the ``exit_followup`` table is absent).
FOLLOWUP_INDICATORS: tuple[Indicator, ...] = tuple(i for h in FOLLOWUP_HORIZONS for i in _followup(h))
#: Every declared indicator: those of the year's tables, then the adjusted and follow-up ones.
ALL_INDICATORS: tuple[Indicator, ...] = (*INDICATORS, *ADJUSTED_INDICATORS, *FOLLOWUP_INDICATORS)

#: Every indicator by key.
BY_KEY: dict[str, Indicator] = {i.key: i for i in ALL_INDICATORS}


def _keys(*kinds: Kind) -> tuple[str, ...]:
    return tuple(i.key for i in INDICATORS if i.kind in kinds)


def _all_keys(*kinds: Kind) -> tuple[str, ...]:
    return tuple(i.key for i in ALL_INDICATORS if i.kind in kinds)


#: Every key of the year's tables, in the order of docs/indicators.md (the columns of the frames, the json keys).
INDICATOR_KEYS: tuple[str, ...] = tuple(i.key for i in INDICATORS)
ADJUSTED_KEYS: tuple[str, ...] = tuple(i.key for i in ADJUSTED_INDICATORS)
FOLLOWUP_KEYS: tuple[str, ...] = tuple(i.key for i in FOLLOWUP_INDICATORS)
#: The keys of ``iae-eval indicators`` (json, csv, table; docs/indicators.md): the year's
#: indicators, then the adjusted ones, then the follow-up ones.
OUTPUT_KEYS: tuple[str, ...] = (*INDICATOR_KEYS, *ADJUSTED_KEYS, *FOLLOWUP_KEYS)
#: Counts of people or pathways (the cells small-count suppression protects).
PEOPLE_COUNT_KEYS: tuple[str, ...] = _keys(Kind.PEOPLE, Kind.PATHWAYS)
#: Every integer key: the people counts plus contracts and operations.
COUNT_KEYS: tuple[str, ...] = _keys(Kind.PEOPLE, Kind.PATHWAYS, Kind.COUNT)
#: Fractions between 0 and 1 (shown as percentages).
RATE_KEYS: tuple[str, ...] = _keys(Kind.RATE)
HOUR_KEYS: tuple[str, ...] = _keys(Kind.HOURS)
MONEY_KEYS: tuple[str, ...] = _keys(Kind.MONEY)
#: Integer keys of every output key (the json's ints) and the rates among them.
OUTPUT_COUNT_KEYS: tuple[str, ...] = _all_keys(Kind.PEOPLE, Kind.PATHWAYS, Kind.COUNT)
OUTPUT_RATE_KEYS: tuple[str, ...] = _all_keys(Kind.RATE)
#: French label of every key.
LABELS: dict[str, str] = {i.key: i.label for i in ALL_INDICATORS}
#: The objective of each rate that has one.
TARGETS: dict[str, float] = {i.key: i.target for i in INDICATORS if i.target is not None}
#: The publics shown in the "Publics" sections, in this order.
PUBLIC_KEYS: tuple[str, ...] = (
    "rsa_participants",
    "deld",
    "youth_under_26",
    "seniors_50_plus",
    "rqth",
    "women",
)


def label(key: str) -> str:
    """French label of ``key`` (the key itself for a column that is not an indicator)."""
    return LABELS.get(key, key)


def short_label(key: str) -> str:
    """The short French label of ``key`` (tables of publics), else its label."""
    indicator = BY_KEY.get(key)
    return (indicator.short_label or indicator.label) if indicator else key


def header(key: str) -> str:
    """Spreadsheet column header of ``key``: its label, with its unit (``Financements (€)``)."""
    indicator = BY_KEY[key]
    return f"{indicator.label} ({indicator.unit})" if indicator.unit else indicator.label


def rate_denominators() -> dict[str, tuple[str, ...]]:
    """Ratios → the counts they are taken over (their sum)."""
    return {i.key: i.denominator for i in INDICATORS if i.denominator}


def rate_numerators() -> dict[str, tuple[str, ...]]:
    """Rates → the counts their numerator adds up (k of k/n)."""
    return {i.key: i.numerator for i in INDICATORS if i.numerator}


#: Each count as a plural noun phrase, for sentences and the reasons a rate is not published
#: ("moins de 5 sorties en emploi durable").
NOUNS: dict[str, str] = {
    "participants": "personnes en parcours",
    "rsa_participants": "allocataires du RSA",
    "entries": "entrées",
    "rsa_entries": "entrées d'allocataires du RSA",
    "women": "femmes",
    "youth_under_26": "personnes de moins de 26 ans",
    "seniors_50_plus": "personnes de 50 ans et plus",
    "deld": "demandeurs d'emploi de longue durée",
    "rqth": "travailleurs handicapés",
    "exits": "sorties constatées",
    "short_exits": "sorties avant la durée minimale",
    _exit_key("emploi_durable"): "sorties en emploi durable",
    _exit_key("emploi_transition"): "sorties en emploi de transition",
    _exit_key("sortie_positive"): "sorties positives",
    _exit_key("autre_sortie"): "autres sorties",
    _exit_key(NEUTRAL_CATEGORY): "sorties retirées des taux",
    "exits_examined": "sorties examinées",
    "exits_dynamic": "sorties dynamiques",
    "rsa_durable_or_training": "allocataires du RSA sortis en emploi durable ou en formation",
}
#: The complement n − k of each exit rate, as a plural noun phrase.
COMPLEMENT_NOUNS: dict[str, str] = {
    "durable_rate": "sorties examinées hors emploi durable",
    "dynamic_rate": "sorties examinées non dynamiques",
}


def noun(columns: str | tuple[str, ...]) -> str:
    """The plural noun phrase of a count, or of the sum of ``columns`` ("sorties dynamiques")."""
    keys = (columns,) if isinstance(columns, str) else tuple(columns)
    if keys == DYNAMIC_EXIT_KEYS:
        return NOUNS["exits_dynamic"]
    if len(keys) == 1 and keys[0] in NOUNS:
        return NOUNS[keys[0]]
    if len(keys) == 1 and keys[0] in BY_KEY:
        return BY_KEY[keys[0]].label.lower()
    return "personnes ou sorties concernées"
