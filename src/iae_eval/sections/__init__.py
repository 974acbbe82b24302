"""Report sections, one module per theme, each offering its views with one naming scheme, each
taking one :class:`~iae_eval.report.Report` (``rep = report(ds, year=…, diffusion=…, min_cell=…)``):
``departement(rep)``, ``structure(rep)`` and ``bilan(rep)`` (a theme offers the views it has).

Themes: :mod:`synthesis` (the evaluative synthesis, opening the bilan and each year's report),
:mod:`key_figures`, :mod:`publics` (with :mod:`public_shares`), :mod:`exits`, :mod:`rates`,
:mod:`funnel`, :mod:`adjusted` (outcomes expected given the publics), :mod:`followup`
(employment after exit), :mod:`territories` (and kinds of structure), :mod:`clauses`,
:mod:`operations`, :mod:`supports`, :mod:`funding` (with :mod:`funding_costs`),
:mod:`sustainable_development` (with :mod:`sd_evidence`), :mod:`action_plan`, :mod:`method`
("Comment lire ce rapport"), :mod:`commentary`; for the structure report :mod:`card`,
:mod:`compare` and :mod:`trend`; the report's title in :mod:`title`; the sheets the sections add to
the year's ``indicators.xlsx`` in :mod:`sheets`. Every view returns a
:class:`~iae_eval.sections.parts.Section` (see :mod:`iae_eval.sections.parts` for showing its
parts one by one). What the sections share lives in one module per concern, and each section
imports what it uses from the module that defines it: :mod:`frames` (indicator frames by scope),
:mod:`formats` (values as the edition shows them), :mod:`rate_texts` (rates with their
intervals, labelled tables), :mod:`notes` (shared sentences, the :func:`~notes.view` decorator).
See docs/architecture.md.
"""

from iae_eval.sections.frames import load
from iae_eval.sections.parts import Section

__all__ = ["Section", "load"]
