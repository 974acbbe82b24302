"""The deterministic synthetic Hautes-Alpes dataset (2009-2013).

:func:`generate_sample` writes one CSV per table (docs/data.md) that looks like the
IAE of the Hautes-Alpes during the Agenda 21 sheet H5 (docs/data.md, "The sample dataset"): at scale 1,
14 fictitious structures carrying 15 conventionnements (9 ACI, 2 AI, 3 EI, 1 ETTI, one
structure holding an ACI and an AI), about 450 people in a pathway each year, an RSA
share around 40 %, Conseil général contracts whose social-clause share rises from a few
per cent to 10-15 %, funding, the sustainable-development grid and the action plan.

Everything is fictitious: structure names, SIRETs (Luhn-valid but drawn at random),
people (pseudonyms ``P000123``), contracts and operations. Communes and territories are
real.

The output depends only on ``seed`` and ``scale``: one :func:`numpy.random.default_rng`
per table, spawned from ``default_rng(seed)``, no wall-clock time, no ``hash()``, no
set ordering. ``scale`` multiplies the structures (templates cycle, names are numbered)
and so the people; participants are drawn with vectorised numpy so that ``scale=300``
(about 4,200 structures, 135,000 people a year) stays fast.

:func:`write_sample_commentaries` copies the evaluator's example commentaries (package data,
``sample_commentaries/``) into a data folder's ``commentaires/`` (docs/editions.md, "L'appréciation
de l'évaluateur"): they are written for the default sample (seed 2013, scale 1) and quote its
figures. ``iae-eval sample`` with the defaults and ``iae-eval init`` write them;
``data/sample/commentaires/`` is their copy in the repository (a test keeps the two identical:
edit the package's files).
"""

from __future__ import annotations

import csv
import os
import shutil
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from iae_eval.atomic import TEMP_PREFIX

from .dataset import TABLES
from .reference import (
    ACTIONS,
    EXIT_CATEGORIES,
    SD_CRITERIA,
    TERRITORIES,
    builtin_exit_reasons,
)
from .sample_followup import followup_columns
from .siret import luhn_check_digit

# --- Period ---------------------------------------------------------------------------------
YEARS: tuple[int, ...] = (2009, 2010, 2011, 2012, 2013)
#: Entry years of the pathways: 2008 entries still running on 1 Jan 2009 are kept.
COHORT_YEARS: tuple[int, ...] = (2008, *YEARS)
SEMESTERS: tuple[str, ...] = tuple(f"{y}S{s}" for y in YEARS for s in (1, 2))

#: Tables written, in this order (exit_reasons is not: the built-in nomenclature applies).
SAMPLE_TABLES: tuple[str, ...] = (
    "structures",
    "participants",
    "contracts",
    "operations",
    "funding",
    "sd_assessment",
    "action_plan",
    "departement",
    "exit_followup",
    "context",
    "evaluation",
)

#: Optional columns the sample does not fill, left out of its files.
LEFT_OUT_COLUMNS: dict[str, tuple[str, ...]] = {"participants": ("education_level",)}

#: The département the sample stands for (its ``departement`` table).
DEPARTEMENT_CODE = "05"
DEPARTEMENT_NAME = "Hautes-Alpes"

# --- Publics (shares among entrants) ----------------------------------------------------------
#: RSA share at entry: base in 2009, rising a little each year (docs/data.md, "The sample dataset": 1,700 → 2,400).
RSA_SHARE_2009 = 0.37
RSA_SHARE_RISE_PER_YEAR = 0.015
#: RSA share multiplier by kind (ACI take the furthest from work, ETTI the closest).
RSA_KIND_FACTOR: dict[str, float] = {"ACI": 1.15, "AI": 0.95, "EI": 0.85, "ETTI": 0.6}
UNDER_26_SHARE = 0.20
OVER_50_SHARE = 0.17
AGE_OUTLIER_SHARE = 0.02
DELD_SHARE = 0.45
DELD_UNKNOWN_SHARE = 0.05
RQTH_SHARE = 0.08
RQTH_UNKNOWN_SHARE = 0.12

# --- Pathways ---------------------------------------------------------------------------------
#: Yearly entries relative to the template's mean, by entry year (slight growth).
ENTRY_GROWTH: dict[int, float] = {2008: 1.25, 2009: 0.97, 2010: 0.95, 2011: 0.95, 2012: 0.96, 2013: 0.97}
#: ACI and EI pathways that end before 3 months (short exits), and their length in days.
SHORT_EXIT_SHARE: dict[str, float] = {"ACI": 0.07, "EI": 0.06}
SHORT_EXIT_DAYS = (14, 85)
#: Short ACI/EI exits whose reason is a trial period break (codes 21, 22).
SHORT_EXIT_TRIAL_BREAK_SHARE = 0.4
#: Pathway length in months: minimum + Gamma(shape, scale), capped at 24 months.
DURATION_MONTHS: dict[str, tuple[float, float, float]] = {
    "ACI": (4.0, 2.0, 3.5),
    "EI": (4.0, 2.0, 4.5),
    "AI": (1.0, 2.0, 3.5),
    "ETTI": (1.0, 1.6, 3.5),
}
MAX_MONTHS = 24.0
DAYS_PER_MONTH = 30.4375
#: Hours worked a month (uniform range) and cap, by kind (AI: 480 h over 24 months).
HOURS_PER_MONTH: dict[str, tuple[float, float]] = {
    "ACI": (85.0, 113.0),  # 20-26 h a week
    "EI": (113.0, 151.0),  # 26-35 h a week
    "AI": (25.0, 65.0),
    "ETTI": (60.0, 140.0),
}
HOURS_CAP: dict[str, float] = {"ACI": 3640.0, "EI": 3640.0, "AI": 480.0, "ETTI": 3640.0}
#: Follow-up pathways of the same person.
MOVE_TO_OTHER_STRUCTURE_SHARE = 0.6  # of exits with reason 2 (hire in another SIAE)
DUAL_ACI_TO_AI_SHARE = 0.25  # of the dual structure's ACI exits with one of these reasons:
DUAL_ACI_TO_AI_REASONS = (2, 7, 8, 12)  # hire in an SIAE, unemployed, no news, other positive
REENTRY_SHARE = 0.05  # of "other" exits (inactive, unemployed, no news): back later

#: Exit mixes by category (durable, transition, positive, other, retrait). Targets are
#: durable ≥ 25 % and dynamic ≥ 60 % of the exits examined (exits − retrait).
EXIT_PROFILES: dict[str, tuple[float, float, float, float, float]] = {
    "strong": (0.33, 0.17, 0.16, 0.28, 0.06),  # durable ≈ 35 %, dynamic ≈ 70 %
    "average": (0.24, 0.17, 0.18, 0.35, 0.06),  # around the targets
    "weak": (0.12, 0.16, 0.15, 0.51, 0.06),  # durable ≈ 13 %, dynamic ≈ 46 %
}
#: Relative weight of each exit code inside its category.
EXIT_CODE_WEIGHTS: dict[int, float] = {
    1: 0.10, 3: 0.25, 4: 0.05, 9: 0.35, 11: 0.05, 13: 0.20,  # durable
    10: 0.70, 14: 0.30,  # transition
    2: 0.35, 5: 0.40, 12: 0.25,  # positive
    6: 0.20, 7: 0.60, 8: 0.20,  # other
    15: 0.15, 16: 0.25, 17: 0.03, 18: 0.07, 19: 0.10, 20: 0.05, 21: 0.20, 22: 0.15,  # retrait
}  # fmt: skip


# --- Structures -------------------------------------------------------------------------------
@dataclass(frozen=True)
class _Template:
    """One structure of the scale-1 sample (templates cycle at larger scales)."""

    name: str
    commune: str
    kinds: tuple[str, ...]
    entries: tuple[float, ...]  # mean pathway entries a year, one per kind
    supports: tuple[str, ...]
    women: float  # share of women among entrants
    exits: str  # key of EXIT_PROFILES
    records_hours: bool  # ACI/EI: hours_worked filled (always filled for AI/ETTI)


#: Real communes of the Hautes-Alpes and their bassin (territory).
COMMUNE_TERRITORY: dict[str, str] = {
    "Gap": "Gapençais",
    "Tallard": "Gapençais",
    "Briançon": "Briançonnais",
    "L'Argentière-la-Bessée": "Briançonnais",
    "Embrun": "Embrunais-Serre-Ponçon",
    "Savines-le-Lac": "Embrunais-Serre-Ponçon",
    "Saint-Bonnet-en-Champsaur": "Champsaur-Valgaudemar",
    "Saint-Firmin": "Champsaur-Valgaudemar",
    "Veynes": "Buëch",
    "Laragne-Montéglin": "Buëch",
    "Serres": "Buëch",
}

_TEMPLATES: tuple[_Template, ...] = (
    _Template("Chantier Durance Nature", "Embrun", ("ACI",), (16,),
              ("espaces_naturels", "patrimoine_bati"), 0.25, "average", True),
    _Template("Recyclerie du Champsaur", "Saint-Bonnet-en-Champsaur", ("ACI",), (14,),
              ("recyclage", "dechets"), 0.40, "average", False),
    _Template("Association Tremplin Gapençais", "Gap", ("ACI", "AI"), (13, 36),
              ("espaces_naturels", "services_personne"), 0.50, "weak", True),
    _Template("Atelier Patrimoine du Briançonnais", "Briançon", ("ACI",), (13,),
              ("patrimoine_bati", "batiment"), 0.15, "strong", True),
    _Template("Chantier Vallée du Buëch", "Veynes", ("ACI",), (14,),
              ("espaces_naturels",), 0.20, "weak", False),
    _Template("Les Jardins de Laragne", "Laragne-Montéglin", ("ACI",), (14,),
              ("agriculture", "espaces_naturels"), 0.45, "average", True),
    _Template("Ressourcerie de l'Argentière", "L'Argentière-la-Bessée", ("ACI",), (13,),
              ("recyclage", "textile"), 0.50, "weak", False),
    _Template("Chantier des Lacs de Serre-Ponçon", "Savines-le-Lac", ("ACI",), (14,),
              ("espaces_naturels", "tourisme_vert", "gestion_sites"), 0.25, "average", True),
    _Template("Service Emploi Solidaire du Buëch", "Serres", ("AI",), (30,),
              ("services_personne",), 0.60, "average", True),
    _Template("Chantier du Valgaudemar", "Saint-Firmin", ("ACI",), (12,),
              ("espaces_naturels", "patrimoine_bati"), 0.20, "weak", False),
    _Template("Bâtir Ensemble 05", "Gap", ("EI",), (11,),
              ("batiment", "eco_construction"), 0.10, "strong", True),
    _Template("Alpes Propreté Insertion", "Tallard", ("EI",), (12,),
              ("services_personne", "dechets"), 0.55, "average", True),
    _Template("Table Solidaire du Briançonnais", "Briançon", ("EI",), (10,),
              ("hotellerie_restauration", "tourisme_vert"), 0.55, "strong", False),
    _Template("Intérim Insertion Alpes du Sud", "Gap", ("ETTI",), (34,),
              ("batiment", "services_personne", "autre"), 0.30, "strong", True),
)  # fmt: skip


@dataclass(frozen=True)
class _Structures:
    """The generated structures (one entry per structure) and their kind units."""

    ids: list[str]
    names: list[str]
    sirets: list[str]
    kinds: list[tuple[str, ...]]
    communes: list[str]
    territories: list[str]
    supports: list[tuple[str, ...]]
    templates: list[_Template]
    # one entry per (structure, kind) "unit", in structure order
    unit_structure: np.ndarray  # index of the structure
    unit_kind: np.ndarray  # kind code (str)
    unit_entries: np.ndarray  # mean entries a year
    unit_women: np.ndarray
    unit_profile: np.ndarray  # key of EXIT_PROFILES
    unit_hours: np.ndarray  # bool: hours_worked filled

    def __len__(self) -> int:
        return len(self.ids)


def _numbered_id(prefix: str, number: int, total: int, min_width: int) -> str:
    width = max(min_width, len(str(total)))
    return f"{prefix}{number:0{width}d}"


def _draw_sirets(rng: np.random.Generator, count: int) -> list[str]:
    """``count`` distinct Luhn-valid SIRETs: 13 random digits plus the check digit."""
    sirets: list[str] = []
    seen: set[str] = set()
    while len(sirets) < count:
        digits = rng.integers(0, 10, size=13)
        digits[0] = rng.integers(3, 9)  # SIRENs of associations and firms: 3xx … 8xx
        digits[9:12] = 0  # NIC of the head office: 000xx
        body = "".join(str(d) for d in digits)
        siret = body + luhn_check_digit(body)
        if siret not in seen:
            seen.add(siret)
            sirets.append(siret)
    return sirets


def _generate_structures(rng: np.random.Generator, scale: float) -> _Structures:
    """round(14 × scale) structures; templates cycle so kinds keep their proportions."""
    count = max(1, round(len(_TEMPLATES) * scale))
    templates = [_TEMPLATES[i % len(_TEMPLATES)] for i in range(count)]
    ids = [_numbered_id("S", i + 1, count, 2) for i in range(count)]
    names = [
        t.name if i < len(_TEMPLATES) else f"{t.name} {i // len(_TEMPLATES) + 1}"
        for i, t in enumerate(templates)
    ]
    unit_rows = [
        (i, kind, entries, t.women, t.exits, t.records_hours or kind in ("AI", "ETTI"))
        for i, t in enumerate(templates)
        for kind, entries in zip(t.kinds, t.entries, strict=True)
    ]
    columns = list(zip(*unit_rows, strict=True))
    return _Structures(
        ids=ids,
        names=names,
        sirets=_draw_sirets(rng, count),
        kinds=[t.kinds for t in templates],
        communes=[t.commune for t in templates],
        territories=[COMMUNE_TERRITORY[t.commune] for t in templates],
        supports=[t.supports for t in templates],
        templates=templates,
        unit_structure=np.array(columns[0], dtype=np.int64),
        unit_kind=np.array(columns[1], dtype=object),
        unit_entries=np.array(columns[2], dtype=float),
        unit_women=np.array(columns[3], dtype=float),
        unit_profile=np.array(columns[4], dtype=object),
        unit_hours=np.array(columns[5], dtype=bool),
    )


# --- Participants -----------------------------------------------------------------------------
def _day(year: int, month: int = 1, day: int = 1) -> int:
    """Days since 1970-01-01."""
    return int(np.datetime64(f"{year:04d}-{month:02d}-{day:02d}", "D").astype(np.int64))


NO_EXIT = -1  # exit_day of an open pathway


@dataclass
class _Pathways:
    """Columns of participant pathways (numpy arrays of one length)."""

    person: np.ndarray  # int: index of the person (before renumbering)
    unit: np.ndarray  # int: index of the (structure, kind) unit
    entry: np.ndarray  # int days
    exit: np.ndarray  # int days, NO_EXIT when open at the end of 2013
    reason: np.ndarray  # int exit code, 0 when open
    hours: np.ndarray  # float, NaN when not recorded
    sex_f: np.ndarray  # bool
    birth_year: np.ndarray  # int
    rsa: np.ndarray  # bool
    deld: np.ndarray  # int8: 1 yes, 0 no, -1 unknown
    rqth: np.ndarray  # int8

    def take(self, index: np.ndarray) -> _Pathways:
        return _Pathways(**{k: v[index] for k, v in vars(self).items()})

    @staticmethod
    def concat(parts: Sequence[_Pathways]) -> _Pathways:
        keys = vars(parts[0]).keys()
        return _Pathways(**{k: np.concatenate([vars(p)[k] for p in parts]) for k in keys})


def _exit_code_tables() -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """Per exit profile: (codes, cumulative probabilities) from the built-in nomenclature."""
    reasons = builtin_exit_reasons()
    codes = reasons["code"].to_numpy(dtype=np.int64)
    categories = reasons["category"].to_numpy(dtype=object)
    weights = np.array([EXIT_CODE_WEIGHTS[int(c)] for c in codes])
    tables = {}
    for name, shares in EXIT_PROFILES.items():
        probs = np.zeros(len(codes))
        for category, share in zip(EXIT_CATEGORIES, shares, strict=True):
            in_cat = categories == category
            probs[in_cat] = share * weights[in_cat] / weights[in_cat].sum()
        cdf = np.cumsum(probs)
        tables[name] = (codes, cdf / cdf[-1])
    return tables


def _draw_entries(rng: np.random.Generator, st: _Structures) -> tuple[np.ndarray, np.ndarray]:
    """Entries of every unit and cohort year: (unit index, entry day) arrays."""
    units, days = [], []
    for year in COHORT_YEARS:
        mean = st.unit_entries * ENTRY_GROWTH[year]
        counts = np.floor(mean + rng.random(len(mean))).astype(np.int64)  # posts are stable
        unit = np.repeat(np.arange(len(counts)), counts)
        start, end = _day(year), _day(year + 1)
        units.append(unit)
        days.append(start + rng.integers(0, end - start, size=len(unit)))
    return np.concatenate(units), np.concatenate(days)


def _draw_traits(
    rng: np.random.Generator, st: _Structures, unit: np.ndarray, entry: np.ndarray
) -> dict[str, np.ndarray]:
    """Sex, birth year, RSA, DELD and RQTH of new people entering ``unit`` on ``entry``."""
    n = len(unit)
    entry_year = entry.astype("datetime64[D]").astype("datetime64[Y]").astype(np.int64) + 1970
    sex_f = rng.random(n) < st.unit_women[unit]
    # age at entry: under 26 / 26-49 / 50 and over
    u = rng.random(n)
    age = np.where(
        u < UNDER_26_SHARE,
        rng.integers(18, 26, size=n),
        np.where(u < 1 - OVER_50_SHARE, rng.integers(26, 50, size=n), rng.integers(50, 63, size=n)),
    )
    # a few outliers: 16-17 year-olds among the young, 63-66 among the seniors
    outlier = rng.random(n) < AGE_OUTLIER_SHARE
    age = np.where(outlier & (age < 26), 16 + age % 2, age)
    age = np.where(outlier & (age >= 50), age + 4, age)
    kind_factor = np.array([RSA_KIND_FACTOR[k] for k in st.unit_kind], dtype=float)[unit]
    p_rsa = (RSA_SHARE_2009 + RSA_SHARE_RISE_PER_YEAR * (entry_year - 2009)) * kind_factor
    rsa = rng.random(n) < p_rsa
    deld = np.where(rng.random(n) < DELD_SHARE, 1, 0).astype(np.int8)
    deld[rng.random(n) < DELD_UNKNOWN_SHARE] = -1
    rqth = np.where(rng.random(n) < RQTH_SHARE, 1, 0).astype(np.int8)
    rqth[rng.random(n) < RQTH_UNKNOWN_SHARE] = -1
    return {
        "sex_f": sex_f,
        "birth_year": (entry_year - age).astype(np.int64),
        "rsa": rsa,
        "deld": deld,
        "rqth": rqth,
    }


def _draw_outcomes(
    rng: np.random.Generator,
    st: _Structures,
    unit: np.ndarray,
    entry: np.ndarray,
    code_tables: dict[str, tuple[np.ndarray, np.ndarray]],
) -> dict[str, np.ndarray]:
    """Exit day (or NO_EXIT), exit reason and hours worked of pathways starting on ``entry``."""
    n = len(unit)
    kind = st.unit_kind[unit]
    months = np.zeros(n)
    short = np.zeros(n, dtype=bool)
    rate = np.zeros(n)
    cap = np.zeros(n)
    for k, (minimum, shape, scale) in DURATION_MONTHS.items():
        mask = kind == k
        m = int(mask.sum())
        months[mask] = np.minimum(minimum + rng.gamma(shape, scale, size=m), MAX_MONTHS)
        lo, hi = HOURS_PER_MONTH[k]
        rate[mask] = rng.uniform(lo, hi, size=m)
        cap[mask] = HOURS_CAP[k]
        if k in SHORT_EXIT_SHARE:
            short[mask] = rng.random(m) < SHORT_EXIT_SHARE[k]
    days = np.rint(months * DAYS_PER_MONTH).astype(np.int64)
    short_days = rng.integers(SHORT_EXIT_DAYS[0], SHORT_EXIT_DAYS[1] + 1, size=n)
    days = np.where(short, short_days, days)
    end = _day(YEARS[-1], 12, 31)
    exit_day = entry + days
    is_open = exit_day > end
    exit_day = np.where(is_open, NO_EXIT, exit_day)
    worked_days = np.where(is_open, end - entry, days)
    hours = np.minimum(worked_days / DAYS_PER_MONTH * rate, cap)
    hours = np.rint(hours * 2) / 2  # half hours
    hours = np.where(st.unit_hours[unit], hours, np.nan)

    reason = np.zeros(n, dtype=np.int64)
    u = rng.random(n)
    profiles = st.unit_profile[unit]
    for name, (codes, cdf) in code_tables.items():
        mask = (profiles == name) & ~is_open
        reason[mask] = codes[np.searchsorted(cdf, u[mask], side="right").clip(0, len(codes) - 1)]
    trial_break = short & ~is_open & (rng.random(n) < SHORT_EXIT_TRIAL_BREAK_SHARE)
    reason = np.where(trial_break, rng.integers(21, 23, size=n), reason)
    return {"exit": exit_day, "reason": reason, "hours": hours}


def _pathways(
    rng: np.random.Generator,
    st: _Structures,
    person: np.ndarray,
    unit: np.ndarray,
    entry: np.ndarray,
    traits: dict[str, np.ndarray],
    code_tables: dict[str, tuple[np.ndarray, np.ndarray]],
) -> _Pathways:
    outcomes = _draw_outcomes(rng, st, unit, entry, code_tables)
    return _Pathways(person=person, unit=unit, entry=entry, **outcomes, **traits)


def _draw_follow_ups(
    rng: np.random.Generator,
    st: _Structures,
    first: _Pathways,
    code_categories: dict[int, str],
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Second pathways of some people: (index into ``first``, unit, entry day).

    A hire in another SIAE (reason 2) often continues in another structure; some of the
    dual structure's ACI exits go on in its AI; a few people without a job come back to
    the same structure later.
    """
    n = len(first.unit)
    has_exit = first.exit != NO_EXIT
    structure = st.unit_structure[first.unit]
    n_units = len(st.unit_structure)
    # 1. hire in another structure
    move = has_exit & (first.reason == 2) & (rng.random(n) < MOVE_TO_OTHER_STRUCTURE_SHARE)
    move_idx = np.flatnonzero(move)
    target = rng.integers(0, n_units, size=len(move_idx))
    if len(st) > 1:
        same = st.unit_structure[target] == structure[move_idx]
        while same.any():
            target[same] = rng.integers(0, n_units, size=int(same.sum()))
            same = st.unit_structure[target] == structure[move_idx]
    else:
        move_idx = move_idx[:0]
        target = target[:0]
    move_entry = first.exit[move_idx] + rng.integers(7, 91, size=len(move_idx))
    # 2. the dual structure's ACI → its AI
    codes = range(max(code_categories) + 1)
    category = np.array([code_categories.get(c, "") for c in codes], dtype=object)
    ai_unit_of = np.full(len(st), -1)
    ai_units = np.flatnonzero(st.unit_kind == "AI")
    ai_unit_of[st.unit_structure[ai_units]] = ai_units
    dual_ai = ai_unit_of[structure]
    dual = (
        has_exit
        & (st.unit_kind[first.unit] == "ACI")
        & (dual_ai >= 0)
        & np.isin(first.reason, DUAL_ACI_TO_AI_REASONS)
        & ~move
        & (rng.random(n) < DUAL_ACI_TO_AI_SHARE)
    )
    dual_idx = np.flatnonzero(dual)
    dual_entry = first.exit[dual_idx] + rng.integers(1, 31, size=len(dual_idx))
    # 3. re-entry in the same structure and kind
    other_exit = has_exit & (category[first.reason] == "autre_sortie")
    back = other_exit & ~dual & (rng.random(n) < REENTRY_SHARE)
    back_idx = np.flatnonzero(back)
    back_entry = first.exit[back_idx] + rng.integers(90, 541, size=len(back_idx))

    index = np.concatenate([move_idx, dual_idx, back_idx])
    unit = np.concatenate([target, dual_ai[dual_idx], first.unit[back_idx]])
    entry = np.concatenate([move_entry, dual_entry, back_entry])
    keep = entry <= _day(YEARS[-1], 12, 31)
    return index[keep], unit[keep], entry[keep]


def _generate_participants(rng: np.random.Generator, st: _Structures) -> _Pathways:
    """All pathways 2008-2013 active in 2009-2013, sorted by structure, entry, person."""
    code_tables = _exit_code_tables()
    reasons = builtin_exit_reasons()
    code_categories = dict(zip(reasons["code"].tolist(), reasons["category"].tolist(), strict=True))

    unit, entry = _draw_entries(rng, st)
    traits = _draw_traits(rng, st, unit, entry)
    first = _pathways(rng, st, np.arange(len(unit)), unit, entry, traits, code_tables)
    # keep 2008 entries only when still running on 1 Jan 2009
    first = first.take(np.flatnonzero((first.exit == NO_EXIT) | (first.exit >= _day(YEARS[0]))))

    origin, f_unit, f_entry = _draw_follow_ups(rng, st, first, code_categories)
    f_traits = {k: getattr(first, k)[origin] for k in ("sex_f", "birth_year", "rsa", "deld", "rqth")}
    second = _pathways(rng, st, first.person[origin], f_unit, f_entry, f_traits, code_tables)
    every = _Pathways.concat([first, second])

    # person numbers in order of first entry
    first_entry = np.full(int(every.person.max()) + 1, np.iinfo(np.int64).max)
    np.minimum.at(first_entry, every.person, every.entry)
    people = np.unique(every.person)
    order = np.lexsort((people, first_entry[people]))
    number = np.zeros(len(first_entry), dtype=np.int64)
    number[people[order]] = np.arange(1, len(people) + 1)
    every.person = number[every.person]

    # rows by structure, entry date, person (units follow the structure's kinds order)
    order = np.lexsort((every.unit, every.person, every.entry, st.unit_structure[every.unit]))
    return every.take(order)


# --- Contracts --------------------------------------------------------------------------------
#: Contracts notified a year at scale 1 (docs/data.md, "The sample dataset") and the share with a social clause.
CONTRACTS_PER_YEAR: dict[int, tuple[int, int]] = {
    2009: (44, 60), 2010: (48, 64), 2011: (52, 70), 2012: (55, 74), 2013: (58, 78),
}  # fmt: skip
CLAUSE_SHARE: dict[int, float] = {2009: 0.03, 2010: 0.05, 2011: 0.07, 2012: 0.10, 2013: 0.125}
#: Clause types (art. 14 execution, 15 reserved, 30 insertion object, 53 award criterion).
CLAUSE_TYPE_WEIGHTS: dict[str, float] = {
    "execution": 0.70,
    "insertion_object": 0.15,
    "reserved": 0.08,
    "award_criterion": 0.07,
}
AWARD_CRITERION_FROM = 2012  # used more after the Conseil d'État's 2013 ruling
CLAUSE_WITH_STRUCTURE_SHARE = 0.9  # of non-reserved clause contracts
HOURS_PER_EURO = (0.0025, 0.006)  # insertion hours written in a clause, per euro
HOURS_DONE_RATIO = (0.8, 1.1)

_INFRA = "Direction des infrastructures"
_EDUC = "Direction de l'Éducation et des Bâtiments"
_ECO = "Direction du développement économique"
_ACHAT = "Service de la commande publique"
_ROADS = ("RD 994", "RD 1075", "RD 902", "RD 942", "RD 945", "RD 985", "RD 900", "RD 1091")

#: (title pattern, buyer, amount range €, may carry a clause)
_CONTRACT_CATALOGUE: tuple[tuple[str, str, tuple[int, int], bool], ...] = (
    ("Fauchage et débroussaillage des accotements — {road}", _INFRA, (30_000, 250_000), True),
    ("Travaux de confortement de la {road}", _INFRA, (150_000, 1_800_000), True),
    ("Réfection de murs de soutènement — {road}", _INFRA, (80_000, 600_000), True),
    ("Fourniture de sel de déneigement", _INFRA, (100_000, 400_000), False),
    ("Signalisation horizontale des routes départementales", _INFRA, (60_000, 300_000), False),
    ("Réhabilitation du collège de {commune}", _EDUC, (300_000, 2_500_000), True),
    ("Nettoyage des locaux des collèges — secteur {territory}", _EDUC, (40_000, 200_000), True),
    ("Entretien des espaces verts des bâtiments départementaux", _EDUC, (20_000, 120_000), True),
    ("Fourniture de denrées pour la restauration scolaire", _EDUC, (50_000, 350_000), False),
    ("Maintenance des chaufferies des collèges", _EDUC, (30_000, 180_000), False),
    ("Aménagement d'une zone d'activités à {commune}", _ECO, (200_000, 1_200_000), True),
    ("Balisage et entretien des itinéraires de randonnée", _ECO, (20_000, 90_000), True),
    ("Étude de développement touristique du {territory}", _ECO, (15_000, 80_000), False),
    ("Collecte et recyclage des déchets de bureau", _ACHAT, (10_000, 60_000), True),
    ("Fournitures de bureau", _ACHAT, (20_000, 150_000), False),
    ("Impression des supports de communication", _ACHAT, (15_000, 90_000), False),
    ("Maintenance du parc informatique", _ACHAT, (40_000, 250_000), False),
    ("Location et entretien des vêtements de travail", _ACHAT, (15_000, 70_000), False),
)


@dataclass(frozen=True)
class _Table:
    """Cells of one table, as strings, keyed by column name."""

    name: str
    columns: dict[str, list[str]]


def _contract_title(rng: np.random.Generator, pattern: str, communes: Sequence[str]) -> str:
    return pattern.format(
        road=_ROADS[int(rng.integers(len(_ROADS)))],
        commune=communes[int(rng.integers(len(communes)))],
        territory=TERRITORIES[int(rng.integers(len(TERRITORIES)))],
    )


def _generate_contracts(rng: np.random.Generator, st: _Structures, scale: float) -> _Table:
    """Contracts notified each year; a rising share carries a social clause (action A9)."""
    catalogue = _CONTRACT_CATALOGUE
    eligible = [i for i, c in enumerate(catalogue) if c[3]]
    types = list(CLAUSE_TYPE_WEIGHTS)
    communes = sorted(COMMUNE_TERRITORY)
    rows: list[tuple[str, ...]] = []
    for year in YEARS:
        lo, hi = CONTRACTS_PER_YEAR[year]
        total = max(1, round(int(rng.integers(lo, hi + 1)) * scale))
        with_clause = round(total * CLAUSE_SHARE[year])
        clause_flags = np.zeros(total, dtype=bool)
        clause_flags[rng.choice(total, size=with_clause, replace=False)] = True
        weights = np.array([CLAUSE_TYPE_WEIGHTS[t] for t in types])
        if year < AWARD_CRITERION_FROM:
            weights[types.index("award_criterion")] = 0.0
        weights /= weights.sum()
        for number, clause in enumerate(clause_flags, start=1):
            if clause:
                pick = eligible[int(rng.integers(len(eligible)))]
            else:
                pick = int(rng.integers(len(catalogue)))
            pattern, buyer, (a_lo, a_hi), _ = catalogue[pick]
            amount = float(np.exp(rng.uniform(np.log(a_lo), np.log(a_hi))))
            amount = round(amount / 10) * 10
            clause_type = hours_planned = hours_done = structure_id = ""
            if clause:
                clause_type = types[int(rng.choice(len(types), p=weights))]
                planned = min(max(round(amount * rng.uniform(*HOURS_PER_EURO)), 70), 6000)
                done = round(planned * rng.uniform(*HOURS_DONE_RATIO) * 2) / 2
                hours_planned, hours_done = _format_number(planned), _format_number(done)
                # reserved contracts (art. 15) go to disability structures, not to SIAE
                if clause_type != "reserved" and rng.random() < CLAUSE_WITH_STRUCTURE_SHARE:
                    structure_id = st.ids[int(rng.integers(len(st)))]
            rows.append(
                (
                    f"M{year}-{number:0{max(3, len(str(total)))}d}",
                    str(year),
                    _contract_title(rng, pattern, communes),
                    buyer,
                    _format_number(amount),
                    _bool(bool(clause)),
                    clause_type,
                    hours_planned,
                    hours_done,
                    structure_id,
                )
            )
    return _rows_table("contracts", rows)


# --- Operations -------------------------------------------------------------------------------
OPERATIONS_PER_STRUCTURE_YEAR = 1.4  # Poisson mean: a few, not every structure every year
OPERATION_AMOUNT_SHARE = 0.75  # operations with an amount
OPERATION_AMOUNT = (2_000, 45_000)

_OPERATION_TITLES: dict[str, tuple[str, ...]] = {
    "espaces_naturels": (
        "Débroussaillage des berges de la Durance",
        "Entretien des sentiers de randonnée",
        "Restauration de terrasses et de canaux d'irrigation",
    ),
    "recyclage": ("Collecte d'encombrants et réemploi", "Ateliers de réparation et de réemploi"),
    "patrimoine_bati": ("Restauration d'un four banal", "Réfection de murets en pierre sèche"),
    "services_personne": (
        "Portage de repas à domicile",
        "Aide aux travaux ménagers des personnes âgées",
    ),
    "batiment": ("Rénovation d'un logement communal", "Second œuvre dans un gîte communal"),
    "eco_construction": ("Isolation en paille d'un bâtiment communal",),
    "hotellerie_restauration": (
        "Restauration d'un centre de vacances",
        "Service traiteur pour une fête de village",
    ),
    "dechets": ("Tri en déchetterie", "Nettoyage des abords du lac de Serre-Ponçon"),
    "gestion_sites": ("Gestion d'une aire naturelle de camping", "Accueil sur un site touristique"),
    "tourisme_vert": ("Balisage des itinéraires VTT", "Entretien d'un sentier de découverte"),
    "textile": ("Atelier de retouche et vente solidaire",),
    "agriculture": ("Maraîchage biologique et paniers solidaires",),
    "autre": ("Mise à disposition de personnel",),
}
_PARTNERS: tuple[str, ...] = (
    "Commune de {commune}",
    "Communauté de communes",
    "Parc national des Écrins",
    "Office national des forêts",
    "Syndicat mixte d'aménagement de la vallée de la Durance",
    "Conseil général — Direction des infrastructures",
    "Office de tourisme",
    "Office public de l'habitat",
)


def _generate_operations(rng: np.random.Generator, st: _Structures) -> _Table:
    """A few operations per structure and year, with a partner and often an amount."""
    counts = rng.poisson(OPERATIONS_PER_STRUCTURE_YEAR, size=(len(YEARS), len(st)))
    rows: list[tuple[str, ...]] = []
    for y, year in enumerate(YEARS):
        structure = np.repeat(np.arange(len(st)), counts[y])
        n = len(structure)
        width = max(3, len(str(n)))
        support_pick = rng.random(n)
        title_pick = rng.random(n)
        partner_pick = rng.integers(0, len(_PARTNERS), size=n)
        has_amount = rng.random(n) < OPERATION_AMOUNT_SHARE
        amount = np.round(rng.uniform(*OPERATION_AMOUNT, size=n) / 50) * 50
        for k in range(n):
            s = int(structure[k])
            supports = st.supports[s]
            titles = _OPERATION_TITLES[supports[int(support_pick[k] * len(supports))]]
            rows.append(
                (
                    f"OP{year}-{k + 1:0{width}d}",
                    str(year),
                    st.ids[s],
                    titles[int(title_pick[k] * len(titles))],
                    _PARTNERS[int(partner_pick[k])].format(commune=st.communes[s]),
                    _format_number(float(amount[k])) if has_amount[k] else "",
                )
            )
    return _rows_table("operations", rows)


# --- Funding ----------------------------------------------------------------------------------
#: Aide au poste per full-time post before 2014 (docs/data.md, "The sample dataset"): EI 9,681 €; ETTI assumed 4,250 €.
AID_PER_POST: dict[str, float] = {"EI": 9_681.0, "ETTI": 4_250.0}
POSTS: dict[str, tuple[float, float]] = {"EI": (5.0, 11.0), "ETTI": (6.0, 14.0)}
#: Probability of a Conseil général investment subsidy, before/after the A5 review (2012).
INVESTMENT_PROBABILITY = (0.08, 0.30)
INVESTMENT_REVIEW_YEAR = 2012
INVESTMENT_AMOUNT = (3_000, 25_000)
#: (kind, funder, nature, probability, amount range €) — aide au poste is computed from posts.
_FUNDING_RULES: tuple[tuple[str, str, str, float, tuple[int, int]], ...] = (
    ("ACI", "etat", "fonctionnement", 1.0, (10_000, 15_000)),  # accompaniment grant
    ("ACI", "departement", "fonctionnement", 1.0, (12_000, 35_000)),
    ("ACI", "europe_fse", "fonctionnement", 0.7, (8_000, 30_000)),
    ("ACI", "region", "fonctionnement", 0.6, (5_000, 15_000)),
    ("ACI", "communes", "fonctionnement", 0.5, (2_000, 12_000)),
    ("ACI", "autre", "fonctionnement", 0.05, (1_000, 5_000)),
    ("AI", "etat", "fonctionnement", 1.0, (4_000, 12_000)),
    ("AI", "departement", "fonctionnement", 1.0, (5_000, 15_000)),
    ("AI", "europe_fse", "fonctionnement", 0.5, (5_000, 15_000)),
    ("AI", "region", "fonctionnement", 0.3, (3_000, 8_000)),
    ("AI", "communes", "fonctionnement", 0.4, (1_000, 5_000)),
    ("EI", "etat", "aide_au_poste", 1.0, (0, 0)),
    ("EI", "departement", "fonctionnement", 0.8, (5_000, 15_000)),
    ("EI", "europe_fse", "fonctionnement", 0.5, (5_000, 20_000)),
    ("EI", "region", "fonctionnement", 0.4, (3_000, 10_000)),
    ("EI", "autre", "fonctionnement", 0.05, (1_000, 5_000)),
    ("ETTI", "etat", "aide_au_poste", 1.0, (0, 0)),
    ("ETTI", "departement", "fonctionnement", 1.0, (8_000, 20_000)),
    ("ETTI", "europe_fse", "fonctionnement", 0.5, (10_000, 25_000)),
    ("ETTI", "region", "fonctionnement", 0.4, (5_000, 12_000)),
)
_FUNDER_ORDER = ("europe_fse", "etat", "region", "departement", "communes", "autre")
_NATURE_ORDER = ("fonctionnement", "investissement", "aide_au_poste")


def _generate_funding(rng: np.random.Generator, st: _Structures) -> _Table:
    """Funding per year, structure, funder and nature (a structure's kinds are summed)."""
    n_units = len(st.unit_structure)
    years, structures, funders, natures, amounts = [], [], [], [], []

    def add(y: int, unit_idx: np.ndarray, funder: str, nature: str, amount: np.ndarray) -> None:
        years.append(np.full(len(unit_idx), y))
        structures.append(st.unit_structure[unit_idx])
        funders.append(np.full(len(unit_idx), _FUNDER_ORDER.index(funder)))
        natures.append(np.full(len(unit_idx), _NATURE_ORDER.index(nature)))
        amounts.append(np.rint(amount).astype(np.int64))

    for y, year in enumerate(YEARS):
        for kind, funder, nature, probability, (lo, hi) in _FUNDING_RULES:
            present = (st.unit_kind == kind) & (rng.random(n_units) < probability)
            idx = np.flatnonzero(present)
            if nature == "aide_au_poste":
                posts = np.round(rng.uniform(*POSTS[kind], size=len(idx)) * 2) / 2
                amount = posts * AID_PER_POST[kind]
            else:
                amount = np.round(rng.uniform(lo, hi, size=len(idx)) / 100) * 100
            add(y, idx, funder, nature, amount)
        # Conseil général investment subsidies, once per structure (first unit)
        first_unit = np.flatnonzero(np.r_[True, st.unit_structure[1:] != st.unit_structure[:-1]])
        p = INVESTMENT_PROBABILITY[year >= INVESTMENT_REVIEW_YEAR]
        idx = first_unit[rng.random(len(first_unit)) < p]
        add(y, idx, "departement", "investissement",
            np.round(rng.uniform(*INVESTMENT_AMOUNT, size=len(idx)) / 100) * 100)  # fmt: skip

    rows = pd.DataFrame(
        {
            "year": np.concatenate(years),
            "structure": np.concatenate(structures),
            "funder": np.concatenate(funders),
            "nature": np.concatenate(natures),
            "amount": np.concatenate(amounts),
        }
    )
    # one row per year, structure, funder and nature (codes sort in the tables' order)
    keys = ["year", "structure", "funder", "nature"]
    totals = rows.groupby(keys, sort=True)["amount"].sum().reset_index()
    return _Table(
        "funding",
        {
            "year": [str(YEARS[y]) for y in totals["year"]],
            "structure_id": [st.ids[s] for s in totals["structure"]],
            "funder": [_FUNDER_ORDER[f] for f in totals["funder"]],
            "nature": [_NATURE_ORDER[n] for n in totals["nature"]],
            "amount_eur": [str(int(a)) for a in totals["amount"]],
        },
    )


# --- Sustainable-development grid --------------------------------------------------------------
SD_DRIFT_PER_YEAR = 0.12
SD_GOVERNANCE_DRIFT_PER_YEAR = 0.2  # steering committee and collaborative body (A1, A2)
SD_STRUCTURE_NOISE = 0.35
SD_YEAR_NOISE = 0.25
SD_COMMENT_SHARE = 0.04
#: criterion → (base score, bonus by activity support or kind)
_SD_BASE: dict[str, tuple[float, dict[str, float]]] = {
    "env.patrimoine": (
        0.8,
        {"espaces_naturels": 1.7, "patrimoine_bati": 1.7, "recyclage": 1.0, "dechets": 0.8},
    ),
    "soc.exclusion": (2.5, {"ACI": 0.3}),
    "soc.emploi": (2.2, {"EI": 0.4, "ETTI": 0.5}),
    "eco.emploi_durable": (1.3, {"EI": 0.7, "ETTI": 0.7}),
    "gov.coordination": (1.3, {}),
    "gov.suivi": (1.1, {}),
    "fin.1": (2.0, {}),
    "fin.2": (2.1, {"services_personne": 0.4}),
    "fin.3": (1.1, {"recyclage": 1.3, "agriculture": 0.8, "textile": 0.6}),
    "fin.4": (0.6, {"recyclage": 0.7, "eco_construction": 1.0}),
    "fin.5": (0.9, {"espaces_naturels": 1.5, "agriculture": 0.6}),
    "cg.rapprocher.espace": (1.5, {}),
    "cg.rapprocher.temps": (1.2, {}),
    "cg.rapprocher.territoire": (1.7, {}),
    "cg.integrer.milieu_pro": (2.1, {"EI": 0.5, "ETTI": 0.6}),
    "cg.integrer.milieu_nat": (0.9, {"espaces_naturels": 1.6, "tourisme_vert": 0.8}),
    "cg.integrer.sphere_soc": (2.3, {}),
    "cg.comporter.quotidien": (1.3, {}),
    "cg.comporter.conseil_general": (1.0, {}),
    "cg.comporter.lieu_vie": (1.5, {}),
}
_SD_COMMENTS: dict[str, tuple[str, ...]] = {
    "env": ("Chantiers en site Natura 2000", "Restauration de petit patrimoine rural"),
    "soc": ("Accompagnement socio-professionnel renforcé", "Public très éloigné de l'emploi"),
    "eco": ("Partenariats avec les entreprises locales à développer", "Plusieurs embauches en CDI"),
    "gov": ("Participation régulière au comité de pilotage", "Outils de suivi à harmoniser"),
    "fin": (
        "Sensibilisation des salariés au tri et aux économies d'énergie",
        "Longs trajets en zone de montagne",
    ),
    "cg": ("Permanences dans les vallées", "Lien avec les services du Conseil général à renforcer"),
}
_SD_ACTION_COMMENTS: dict[tuple[int, str], str] = {
    (2009, "gov.coordination"): "Comité de pilotage permanent installé",
    (2011, "gov.coordination"): "Instance collaborative pour la convention 2011-2013",
    (2012, "gov.suivi"): "Tableau de bord commun des sorties mis en place",
    (2012, "soc.emploi"): "Relance des clauses sociales dans les marchés du Département",
    (2013, "fin.4"): "Contribution au climat encore faible",
}


def _generate_sd_assessment(rng: np.random.Generator, st: _Structures) -> _Table:
    """Scores 0-3 per year × structure × criterion, plus the action as a whole (empty id)."""
    criteria = list(SD_CRITERIA)
    n_s, n_y, n_c = len(st), len(YEARS), len(criteria)
    base = np.zeros((n_s, n_c))
    for c, criterion in enumerate(criteria):
        score, bonus = _SD_BASE[criterion]
        base[:, c] = score
        for key, extra in bonus.items():
            holds = np.array([key in st.supports[s] or key in st.kinds[s] for s in range(n_s)])
            base[:, c] += extra * holds
    drift = np.array(
        [SD_GOVERNANCE_DRIFT_PER_YEAR if c.startswith("gov.") else SD_DRIFT_PER_YEAR for c in criteria]
    )
    trend = base[:, None, :] + np.arange(n_y)[None, :, None] * drift[None, None, :]  # (s, y, c)
    noisy = trend + rng.normal(0, SD_STRUCTURE_NOISE, size=(n_s, 1, n_c))
    noisy = noisy + rng.normal(0, SD_YEAR_NOISE, size=(n_s, n_y, n_c))
    scores = np.clip(np.rint(noisy), 0, 3).astype(np.int64)
    action_scores = np.clip(np.rint(trend.mean(axis=0)), 0, 3).astype(np.int64)  # (y, c)
    with_comment = rng.random((n_s, n_y, n_c)) < SD_COMMENT_SHARE
    comment_pick = rng.integers(0, 2, size=(n_s, n_y, n_c))

    cols: dict[str, list[str]] = {k: [] for k in TABLES["sd_assessment"].column_names}
    groups = [c.split(".")[0] for c in criteria]
    for y, year in enumerate(YEARS):
        for s in range(n_s):
            cols["year"].extend([str(year)] * n_c)
            cols["structure_id"].extend([st.ids[s]] * n_c)
            cols["criterion"].extend(criteria)
            cols["score"].extend(str(v) for v in scores[s, y].tolist())
            cols["comment"].extend(
                _SD_COMMENTS[groups[c]][comment_pick[s, y, c]] if with_comment[s, y, c] else ""
                for c in range(n_c)
            )
        cols["year"].extend([str(year)] * n_c)
        cols["structure_id"].extend([""] * n_c)
        cols["criterion"].extend(criteria)
        cols["score"].extend(str(v) for v in action_scores[y].tolist())
        cols["comment"].extend(_SD_ACTION_COMMENTS.get((year, c), "") for c in criteria)
    return _Table("sd_assessment", cols)


# --- Action plan ------------------------------------------------------------------------------
#: Status changes of each action, (first semester, status): a status holds until the next.
_ACTION_TIMELINES: dict[str, tuple[tuple[str, str], ...]] = {
    "A1": (("2009S1", "prevu"), ("2010S1", "en_cours"), ("2011S1", "realise")),
    "A2": (("2009S1", "en_cours"), ("2009S2", "realise")),
    "A3": (("2009S1", "prevu"), ("2009S2", "en_cours"), ("2011S1", "en_retard"),
           ("2012S1", "en_cours"), ("2013S2", "realise")),
    "A4": (("2009S1", "prevu"), ("2010S1", "en_cours"), ("2010S2", "en_retard"),
           ("2012S1", "abandonne")),
    "A5": (("2009S1", "prevu"), ("2010S2", "en_cours"), ("2011S2", "realise")),
    "A6": (("2009S1", "en_cours"), ("2012S1", "en_retard"), ("2012S2", "en_cours")),
    "A7": (("2009S1", "prevu"), ("2009S2", "en_cours"), ("2010S2", "realise")),
    "A8": (("2009S1", "prevu"), ("2011S1", "en_cours"), ("2012S1", "en_retard"),
           ("2013S1", "realise")),
    "A9": (("2009S1", "prevu"), ("2010S1", "en_cours"), ("2012S2", "realise")),
}  # fmt: skip
_ACTION_COMMENTS: dict[tuple[str, str], str] = {
    ("A1", "2011S1"): "Instance installée pour préparer la convention 2011-2013",
    ("A3", "2011S1"): "Pas de porteur identifié pour l'éco-construction",
    ("A3", "2011S2"): "Étude de marché sur les déchets du BTP reportée",
    ("A3", "2013S2"): "Nouveaux supports : bâtiment, déchets, tourisme vert",
    ("A4", "2010S2"): "Aucune structure volontaire pour porter la gestion commune",
    ("A4", "2011S1"): "Attente des règles de la programmation FSE",
    ("A4", "2011S2"): "Coût de gestion jugé trop élevé pour les petites structures",
    ("A4", "2012S1"): "Abandonnée : chaque structure garde sa gestion FSE",
    ("A5", "2011S2"): "Nouveau règlement des subventions d'investissement voté",
    ("A6", "2012S1"): "Réorganisation de Pôle emploi : rencontres reportées",
    ("A7", "2009S2"): "Entrée en vigueur du RSA au 1er juin 2009",
    ("A8", "2012S1"): "Signature du PTI repoussée, partenaires à mobiliser",
    ("A8", "2012S2"): "Calendrier du PTI décalé par le renouvellement des conventions",
    ("A8", "2013S1"): "Pacte territorial pour l'insertion signé",
    ("A9", "2012S2"): "Facilitateur des clauses en poste, premiers marchés clausés",
}


def _generate_action_plan() -> _Table:
    """A1 … A9 × 2009S1 … 2013S2 with a realistic progression (no randomness)."""
    rows = []
    for action in ACTIONS:
        changes = dict(_ACTION_TIMELINES[action])
        status = changes[SEMESTERS[0]]
        for semester in SEMESTERS:
            status = changes.get(semester, status)
            rows.append((action, semester, status, _ACTION_COMMENTS.get((action, semester), "")))
    return _rows_table("action_plan", rows)


# --- Context and evaluative framework (literal values, no randomness) ----------------------------
#: Figures about the département, 2009-2013 (table ``context``, docs/data.md): illustrative
#: orders of magnitude (RSA households from about 1,700 to 2,400), not official statistics.
_CONTEXT: dict[str, tuple[tuple[float, ...], str]] = {
    "rsa_households": ((1700, 1850, 2000, 2200, 2400), "CAF et MSA, foyers au 31 décembre (illustratif)"),
    "rsa_soumis_droits_devoirs": ((1450, 1580, 1700, 1870, 2040), "Conseil général (illustratif)"),
    "defm_long_term": ((2100, 2500, 2700, 2950, 3300), "Pôle emploi, catégories A, B, C (illustratif)"),
    "unemployment_rate": ((7.1, 7.9, 7.8, 8.4, 8.9), "INSEE, taux de chômage localisé (illustratif)"),
    "national_durable_rate": ((0.25, 0.24, 0.24, 0.23, 0.23), "DGEFP, référence nationale (illustratif)"),
    "national_dynamic_rate": ((0.60, 0.58, 0.59, 0.58, 0.57), "DGEFP, référence nationale (illustratif)"),
}  # fmt: skip
#: The evaluator's verdicts on two questions of the built-in framework (their texts are in
#: ``commentaires/synthese/``), and two questions of the département's own. Every row gives
#: the table's ten columns (TABLES["evaluation"]), ``active`` and ``mode`` empty: the questions
#: are active and the table extends the built-in framework.
_EVALUATOR_VERDICTS: dict[str, str] = {"C1": "en progrès", "D1": "atteint"}
_OWN_QUESTIONS: tuple[tuple[str, ...], ...] = (
    ("X1", "pertinence", "Les allocataires du RSA représentent-ils au moins 35 % des personnes en parcours ?",
     "rsa_share", "target_min", "0.35", "", "Le retour durable à l'emploi des personnes en difficulté", "", ""),
    ("X2", "efficience", "Le coût par personne en parcours reste-t-il sous la référence départementale de 2 000 € ?",
     "cost_per_participant", "target_max", "2000", "", "Un projet IAE renforcé", "", ""),
)  # fmt: skip


def _generate_context() -> _Table:
    rows = [
        (str(year), key, _format_number(value), source)
        for key, (values, source) in _CONTEXT.items()
        for year, value in zip(YEARS, values, strict=True)
    ]
    return _rows_table("context", rows)


def _generate_evaluation() -> _Table:
    """The évaluation table: the built-in framework extended by the evaluator's verdicts and
    the département's own questions."""
    from iae_eval.indicators.framework import DEFAULT_FRAMEWORK

    rows = [
        (q.question_id, q.criterion, q.question, q.indicator or "", q.rule,
         "" if q.target is None else _format_number(q.target), _EVALUATOR_VERDICTS[q.question_id], q.objective,
         "", "")  # active, mode: empty (extend)
        for q in DEFAULT_FRAMEWORK
        if q.question_id in _EVALUATOR_VERDICTS
    ]  # fmt: skip
    return _rows_table("evaluation", [*rows, *_OWN_QUESTIONS])


# --- Formatting and writing ---------------------------------------------------------------------
def _bool(value: bool) -> str:
    return "oui" if value else "non"


def _format_number(value: float) -> str:
    """Decimal with '.', no trailing zeros: 512.5, 480, 12500. NaN → empty cell."""
    if value != value:  # NaN
        return ""
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if text in ("", "-0") else text


def _format_dates(days: np.ndarray) -> list[str]:
    """ISO dates; NO_EXIT → empty cell."""
    text = np.datetime_as_string(days.astype("datetime64[D]"), unit="D")
    return np.where(days == NO_EXIT, "", text).tolist()


def _tri_state(values: np.ndarray) -> list[str]:
    return np.array(["", "non", "oui"])[values.astype(np.int64) + 1].tolist()


def _rows_table(name: str, rows: list[tuple[str, ...]]) -> _Table:
    names = TABLES[name].column_names
    columns = list(zip(*rows, strict=True)) if rows else [() for _ in names]
    return _Table(name, {n: list(c) for n, c in zip(names, columns, strict=True)})


def _structures_table(st: _Structures) -> _Table:
    return _Table(
        "structures",
        {
            "structure_id": st.ids,
            "name": st.names,
            "siret": st.sirets,
            "kinds": ["|".join(k) for k in st.kinds],
            "commune": st.communes,
            "territory": st.territories,
            "activity_supports": ["|".join(s) for s in st.supports],
        },
    )


def _participants_table(st: _Structures, p: _Pathways) -> _Table:
    width = max(6, len(str(int(p.person.max())))) if len(p.person) else 6
    hours = p.hours
    return _Table(
        "participants",
        {
            "person_id": [f"P{n:0{width}d}" for n in p.person.tolist()],
            "structure_id": np.array(st.ids, dtype=object)[st.unit_structure[p.unit]].tolist(),
            "kind": st.unit_kind[p.unit].tolist(),
            "entry_date": _format_dates(p.entry),
            "exit_date": _format_dates(p.exit),
            "exit_reason": [str(r) if r else "" for r in p.reason.tolist()],
            "sex": np.where(p.sex_f, "F", "M").tolist(),
            "birth_year": [str(b) for b in p.birth_year.tolist()],
            "rsa": np.where(p.rsa, "oui", "non").tolist(),
            "deld": _tri_state(p.deld),
            "rqth": _tri_state(p.rqth),
            "hours_worked": [_format_number(h) for h in hours.tolist()],
        },
    )


def _followup_table(rng: np.random.Generator, participants: _Table, p: _Pathways) -> _Table:
    """The follow-up of the 2009-2012 exits (:mod:`iae_eval.data.sample_followup`)."""
    reasons = builtin_exit_reasons()
    category_of = dict(zip(reasons["code"].tolist(), reasons["category"].tolist(), strict=True))
    has_exit = p.exit != NO_EXIT
    exit_year = np.where(
        has_exit, p.exit.astype("datetime64[D]").astype("datetime64[Y]").astype(np.int64) + 1970, 0
    )
    columns = followup_columns(
        rng,
        person_id=np.asarray(participants.columns["person_id"], dtype=object),
        structure_id=np.asarray(participants.columns["structure_id"], dtype=object),
        exit_date=np.asarray(participants.columns["exit_date"], dtype=object),
        exit_year=np.where(has_exit, exit_year, 0),
        category=np.array([category_of.get(int(r), "") for r in p.reason.tolist()], dtype=object),
        rsa=p.rsa.astype(bool),
        deld=p.deld == 1,
    )
    return _Table("exit_followup", columns)


def _write_table(folder: Path, table: _Table) -> Path:
    """Write one table as CSV (UTF-8, ',', '\\n'); header in TABLES order, without the
    optional columns of :data:`LEFT_OUT_COLUMNS`."""
    left_out = LEFT_OUT_COLUMNS.get(table.name, ())
    names = tuple(c for c in TABLES[table.name].column_names if c not in left_out)
    if tuple(table.columns) != names:
        raise ValueError(f"{table.name}: columns {tuple(table.columns)} != {names}")
    path = folder / f"{table.name}.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, delimiter=",", lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
        writer.writerow(names)
        writer.writerows(zip(*(table.columns[n] for n in names), strict=True))
        handle.flush()
        os.fsync(handle.fileno())
    return path


def _build_tables(seed: int, scale: float) -> list[_Table]:
    """Every table of the sample, in SAMPLE_TABLES order."""
    # one independent stream per table: changing one table leaves the others' bytes alone
    children = np.random.default_rng(seed).spawn(len(SAMPLE_TABLES))
    streams = dict(zip(SAMPLE_TABLES, children, strict=True))
    st = _generate_structures(streams["structures"], scale)
    pathways = _generate_participants(streams["participants"], st)
    participants = _participants_table(st, pathways)
    tables = [
        _structures_table(st),
        participants,
        _generate_contracts(streams["contracts"], st, scale),
        _generate_operations(streams["operations"], st),
        _generate_funding(streams["funding"], st),
        _generate_sd_assessment(streams["sd_assessment"], st),
        _generate_action_plan(),
        _rows_table("departement", [(DEPARTEMENT_CODE, DEPARTEMENT_NAME)]),
        _followup_table(streams["exit_followup"], participants, pathways),
        _generate_context(),
        _generate_evaluation(),
    ]
    assert [t.name for t in tables] == list(SAMPLE_TABLES)
    return tables


#: The seed of the bundled sample (``data/sample``, ``iae-eval init``).
DEFAULT_SEED = 2013
#: The evaluator's example commentaries, laid out as in a data folder's ``commentaires/``.
SAMPLE_COMMENTARIES = Path(__file__).resolve().parent / "sample_commentaries"
#: The commentary folder of a data folder (:data:`iae_eval.sections.commentary.FOLDER`).
COMMENTARY_FOLDER = "commentaires"


def write_sample_commentaries(out_dir: str | Path) -> list[Path]:
    """Copy the example commentaries into ``out_dir/commentaires/``; return the files written.

    Files already there with other names are left alone; one with the same name is replaced.
    """
    target = Path(out_dir).resolve() / COMMENTARY_FOLDER
    written = []
    for source in sorted(SAMPLE_COMMENTARIES.rglob("*.md")):
        destination = target / source.relative_to(SAMPLE_COMMENTARIES)
        destination.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, destination)
        written.append(destination)
    return written


def generate_sample(out_dir: str | Path, *, seed: int = DEFAULT_SEED, scale: float = 1.0) -> list[Path]:
    """Write the synthetic Hautes-Alpes dataset into ``out_dir``; return the CSV paths.

    One CSV per table of ``SAMPLE_TABLES`` (not ``exit_reasons``: the built-in
    nomenclature applies). The files are first written into a temporary folder next to
    ``out_dir`` then moved into place, so a failure never leaves a half-written dataset.
    Other files already in ``out_dir`` are left alone. The bytes depend only on ``seed``
    and ``scale``.
    """
    if not scale > 0:
        raise ValueError(f"scale must be positive, got {scale!r}")
    out = Path(out_dir).resolve()
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f"{TEMP_PREFIX}{out.name}-", dir=out.parent))
    try:
        written = [_write_table(staging, table) for table in _build_tables(int(seed), float(scale))]
        out.mkdir(exist_ok=True)
        final = []
        for path in written:
            target = out / path.name
            os.replace(path, target)
            final.append(target)
        return final
    finally:
        shutil.rmtree(staging, ignore_errors=True)
