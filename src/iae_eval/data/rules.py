"""Minimum-stay rules as data: the profiles ``--rules`` chooses (docs/indicators.md, docs/data.md).

A profile says, for each kind, when an exit is *examinable* (a :class:`StayRule`: every
condition it sets must hold, none set = always), and whether a participant of a year must
have worked at least some hours that year. Two profiles:

- ``fiche-h5`` (the default): the sheet's rules. ACI and EI: exit_date ≥ entry_date + 3
  calendar months; AI and ETTI: at least 150 hours worked in the whole pathway; EITI:
  always. Every pathway active in the year is a participant.
- ``asp``: the national reference's rules. ACI and EI: more than 2.65 months (80.6 days)
  between entry and exit and at least 1 hour worked in the year of exit; AI and ETTI: at
  least 150 hours worked in the year of exit; EITI: at least 1 hour worked in the year of
  exit. A participant of a year has worked at least 1 hour that year. It needs the hours
  worked per year (the ``yearly_hours`` table, written by ``iae-eval import-fluxiae``).

Importing this module does no work: the profiles are plain constants.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

from iae_eval import fmt
from iae_eval.errors import RulesError


@dataclass(frozen=True)
class StayRule:
    """The minimum stay of one kind: every condition set must hold (none set = always).

    ``months``: exit_date ≥ entry_date + that many calendar months; ``more_than_days``:
    exit_date − entry_date > that many days; ``pathway_hours``: hours_worked of the
    pathway ≥ that many; ``exit_year_hours``: hours worked in the year of exit ≥ that many.
    """

    months: int | None = None
    more_than_days: float | None = None
    pathway_hours: float | None = None
    exit_year_hours: float | None = None

    def describe(self) -> str:
        """The rule in French, for the "Comment lire ce rapport" section."""
        parts = []
        if self.months is not None:
            parts.append(f"au moins {fmt.integer(self.months)} mois entre l'entrée et la sortie")
        if self.more_than_days is not None:
            parts.append(f"plus de {fmt.number(self.more_than_days, 1)} jours entre l'entrée et la sortie")
        if self.pathway_hours is not None:
            parts.append(f"au moins {fmt.integer(self.pathway_hours)} heures travaillées")
        if self.exit_year_hours is not None:
            plural = "s" if self.exit_year_hours > 1 else ""
            parts.append(
                f"au moins {fmt.integer(self.exit_year_hours)} heure{plural} travaillée{plural} "
                "dans l'année de sortie"
            )
        return " et ".join(parts) if parts else "aucune durée minimale"


@dataclass(frozen=True)
class RulesProfile:
    """A named set of minimum-stay rules (one :class:`StayRule` per kind)."""

    name: str
    label: str  # French, shown in the reports' methodology section
    minimum_stay: Mapping[str, StayRule]
    #: Hours worked in the year a pathway needs to count among the year's participants
    #: (None: every pathway active in the year counts).
    participant_min_hours: float | None = None

    @property
    def key(self) -> tuple:
        """What the profile's results depend on, hashable (for the caches of per-dataset values)."""
        return (self.name, repr(sorted(self.minimum_stay.items())), self.participant_min_hours)

    @property
    def needs_yearly_hours(self) -> bool:
        """Whether the profile reads the hours worked per year (the ``yearly_hours`` table)."""
        return self.participant_min_hours is not None or any(
            r.exit_year_hours is not None for r in self.minimum_stay.values()
        )

    @property
    def pathway_hours_kinds(self) -> tuple[str, ...]:
        """Kinds whose exits need the pathway's ``hours_worked``."""
        return tuple(k for k, r in self.minimum_stay.items() if r.pathway_hours is not None)


_FICHE_H5 = RulesProfile(
    name="fiche-h5",
    label="règles de la fiche H5 (durée minimale de parcours de la fiche)",
    minimum_stay=MappingProxyType(
        {
            "ACI": StayRule(months=3),
            "EI": StayRule(months=3),
            "AI": StayRule(pathway_hours=150),
            "ETTI": StayRule(pathway_hours=150),
            "EITI": StayRule(),
        }
    ),
)
_ASP = RulesProfile(
    name="asp",
    label="règles du référentiel national de l'ASP (heures travaillées dans l'année)",
    minimum_stay=MappingProxyType(
        {
            "ACI": StayRule(more_than_days=80.6, exit_year_hours=1),
            "EI": StayRule(more_than_days=80.6, exit_year_hours=1),
            "AI": StayRule(exit_year_hours=150),
            "ETTI": StayRule(exit_year_hours=150),
            "EITI": StayRule(exit_year_hours=1),
        }
    ),
    participant_min_hours=1,
)

#: Every profile, by name (the choices of ``--rules``).
PROFILES: Mapping[str, RulesProfile] = MappingProxyType({p.name: p for p in (_FICHE_H5, _ASP)})
#: The profile used when none is chosen.
DEFAULT_RULES = "fiche-h5"


def get_profile(rules: str | RulesProfile | None = None) -> RulesProfile:
    """The profile named ``rules`` (a profile is returned as is; None: the default).

    Raises ``ValueError`` naming the known profiles for an unknown name.
    """
    if isinstance(rules, RulesProfile):
        return rules
    name = DEFAULT_RULES if rules is None else rules
    if name not in PROFILES:
        raise ValueError(f"unknown rules profile {name!r} (expected one of: {', '.join(PROFILES)})")
    return PROFILES[name]


def profile_for(
    rules: str | RulesProfile | None, *, has_yearly_hours: bool, source: str = ""
) -> RulesProfile:
    """The profile ``rules`` (see :func:`get_profile`) for a dataset; :class:`RulesError` when
    it needs the hours worked per year and the dataset has none."""
    profile = get_profile(rules)
    if profile.needs_yearly_hours and not has_yearly_hours:
        raise RulesError(
            f"les règles « {profile.name} » demandent les heures travaillées par année (une table "
            f"yearly_hours, écrite par `iae-eval import-fluxiae`) ; {source or 'ces données'} n'en ont "
            f"pas : ajoutez-la ou utilisez --rules {DEFAULT_RULES}"
        )
    return profile
