"""The sample's ``exit_followup`` table: situations 6, 12 and 24 months after exit.

Drawn from its own random stream, so the other tables' bytes do not change. Like the national
studies of people who left the IAE (docs/data.md): about half are in employment 6 months after
exit, more when the exit was already into employment, fewer for RSA recipients and long-term
job seekers; a little more at 12 and 24 months. Not everyone answers: a share of the rows say
``inconnu``. Exits of 2009-2012 are followed at 6 and 12 months, those of 2009-2011 also at
24 months (the later ones had not reached it when the sample's data were gathered).
"""

from __future__ import annotations

import numpy as np

#: Exit years followed, and the last exit year followed at each horizon.
FOLLOWED_YEARS: tuple[int, ...] = (2009, 2010, 2011, 2012)
LAST_YEAR_AT: dict[int, int] = {6: 2012, 12: 2012, 24: 2011}
#: Probability of employment at 6 months by exit category.
EMPLOYED_AT_6: dict[str, float] = {
    "emploi_durable": 0.85,
    "emploi_transition": 0.58,
    "sortie_positive": 0.45,
    "autre_sortie": 0.28,
    "retrait": 0.15,
}
#: Added to the probability of employment at 12 and 24 months.
LATER_GAIN: dict[int, float] = {6: 0.0, 12: 0.03, 24: 0.06}
RSA_PENALTY, DELD_PENALTY = 0.08, 0.06
#: Among the employed: share in durable employment (exit into durable employment / other).
DURABLE_SHARE: tuple[float, float] = (0.80, 0.45)
#: Among the others: training, job seeking, inactivity.
OTHER_SITUATIONS: tuple[tuple[str, float], ...] = (("formation", 0.2), ("chomage", 0.6), ("inactif", 0.2))
#: Share of rows without an answer (``inconnu``) at each horizon.
UNKNOWN_SHARE: dict[int, float] = {6: 0.22, 12: 0.3, 24: 0.38}


def followup_columns(
    rng: np.random.Generator,
    *,
    person_id: np.ndarray,
    structure_id: np.ndarray,
    exit_date: np.ndarray,
    exit_year: np.ndarray,
    category: np.ndarray,
    rsa: np.ndarray,
    deld: np.ndarray,
) -> dict[str, list[str]]:
    """The columns of ``exit_followup`` for the pathways given (one entry per pathway: its
    person, structure, exit date as text, exit year, exit category, RSA and DELD flags)."""
    followed = np.isin(exit_year, FOLLOWED_YEARS)
    # one row per (person, structure, exit date): the first pathway that ends there
    key = np.char.add(
        np.char.add(person_id.astype(str), "|"), np.char.add(structure_id.astype(str), exit_date.astype(str))
    )
    first = np.zeros(len(key), dtype=bool)
    first[np.unique(key, return_index=True)[1]] = True
    index = np.flatnonzero(followed & first)
    n = len(index)
    base = (
        np.array([EMPLOYED_AT_6.get(c, 0.3) for c in category[index]], dtype=float)
        - RSA_PENALTY * rsa[index]
        - DELD_PENALTY * deld[index]
    )
    durable_exit = category[index] == "emploi_durable"
    # one latent draw per exit, so that its situations at 6, 12 and 24 months hang together
    latent = rng.random(n)
    pathways, horizons, situations = [], [], []
    for months in (6, 12, 24):
        employed = latent < np.clip(base + LATER_GAIN[months], 0.02, 0.98)
        durable = rng.random(n) < np.where(durable_exit, DURABLE_SHARE[0], DURABLE_SHARE[1])
        other = rng.choice([s for s, _ in OTHER_SITUATIONS], size=n, p=[p for _, p in OTHER_SITUATIONS])
        situation = np.where(employed, np.where(durable, "emploi_durable", "emploi_autre"), other)
        situation = np.where(rng.random(n) < UNKNOWN_SHARE[months], "inconnu", situation)
        keep = exit_year[index] <= LAST_YEAR_AT[months]
        pathways.append(index[keep])
        horizons.append(np.full(int(keep.sum()), months))
        situations.append(situation[keep])
    pathway, months, situation = (np.concatenate(a) for a in (pathways, horizons, situations))
    order = np.lexsort((months, pathway))
    pathway, months, situation = pathway[order], months[order], situation[order]
    return {
        "person_id": person_id[pathway].astype(str).tolist(),
        "structure_id": structure_id[pathway].astype(str).tolist(),
        "exit_date": exit_date[pathway].astype(str).tolist(),
        "months_after": months.astype(str).tolist(),
        "situation": situation.astype(str).tolist(),
    }
