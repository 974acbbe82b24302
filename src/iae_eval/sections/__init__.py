"""Report sections, one module per theme, each offering its views with one naming scheme:
``departement(ds, year=…, min_cell=…)``, ``structure(ds, year=…, structure_id=…, min_cell=…)``
and ``bilan(ds, first_year=…, last_year=…, min_cell=…)`` (a theme offers the views it has).

Themes: :mod:`synthesis` (the evaluative synthesis, opening the bilan and each year's report),
:mod:`key_figures`, :mod:`publics`, :mod:`exits`, :mod:`rates`, :mod:`territories`
(and kinds of structure), :mod:`clauses`, :mod:`operations`, :mod:`supports`, :mod:`funding`,
:mod:`sustainable_development`, :mod:`action_plan`, :mod:`method` ("Comment lire ce
rapport"); for the structure report :mod:`card`, :mod:`compare` and :mod:`trend`; the
report's title in :mod:`title`. Every view returns a :class:`~iae_eval.sections.parts.Section`
(see :mod:`iae_eval.sections.parts` for showing its parts one by one); :mod:`shared` holds
what the sections share (loading, suppression-aware formatting).
"""

from iae_eval.sections.parts import Section
from iae_eval.sections.shared import load

__all__ = ["Section", "load"]
