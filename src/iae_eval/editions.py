"""The two editions of the reports, chosen by the ``diffusion`` parameter (docs/editions.md).

- ``comite``: the steering committee's working documents. Every count and
  rate is shown, small ones included, and every page carries the banner "Diffusion
  restreinte — document de travail du comité de pilotage". Still no person identifier and
  no person-level row.
- ``public``: for publication (an Agenda 21 annual report, a website). Every rate k/n with
  k ≥ min_cell and n − k ≥ min_cell is published; small counts are suppressed, and the cells
  that would give them back withheld (:func:`iae_eval.indicators.suppress.suppress`), with the
  subset rule: a subset and its total are not both shown when their difference is a small count.

:func:`displayed` gives the frame a table or chart shows in an edition, :func:`legend` the
legend of the signs of suppression; the banner of every page is drawn by
:func:`iae_eval.display.banner` from the edition's words and colour.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass

import pandas as pd

from iae_eval.indicators import suppress as suppression
from iae_eval.palette import PALETTE


@dataclass(frozen=True)
class Edition:
    """One edition: its ``diffusion`` value, its banner and whether it suppresses small counts."""

    diffusion: str
    banner: str
    suppresses: bool
    #: Colour of the banner's border (Okabe-Ito: vermillion for restricted, blue for public).
    colour: str
    #: How the edition is named in a sentence ("la diffusion publique").
    label: str
    #: Higher protects more: a run's kernel refuses a report of lower protection.
    protection: int

    @property
    def short_banner(self) -> str:
        """The banner's first words ("Diffusion restreinte"), on top of every printed page."""
        return self.banner.split(" — ", 1)[0]


COMITE = Edition(
    "comite",
    "Diffusion restreinte — document de travail du comité de pilotage",
    False,
    PALETTE[6],
    "diffusion restreinte",
    0,
)
PUBLIC = Edition("public", "Diffusion publique", True, PALETTE[0], "diffusion publique", 1)

#: Every edition by its ``diffusion`` value (the choices of ``--diffusion``).
EDITIONS: dict[str, Edition] = {e.diffusion: e for e in (COMITE, PUBLIC)}
DIFFUSIONS: tuple[str, ...] = tuple(EDITIONS)
#: The default of the CLI's ``--diffusion`` (a report built by hand must name its edition).
DEFAULT_DIFFUSION: str = COMITE.diffusion


def edition(diffusion: str | Edition) -> Edition:
    """The edition named ``diffusion``; ``ValueError`` naming the valid values otherwise."""
    if isinstance(diffusion, Edition):
        return diffusion
    try:
        return EDITIONS[diffusion]
    except (KeyError, TypeError):
        valid = " or ".join(DIFFUSIONS)
        raise ValueError(f"diffusion must be {valid}, got {diffusion!r}") from None


def is_less_protective(asked: str | Edition, run: str | Edition) -> bool:
    """Whether the edition ``asked`` protects small counts less than the edition ``run``."""
    return edition(asked).protection < edition(run).protection


def _default_subsets(frame: pd.DataFrame, count_columns: Iterable[str] | None) -> list[tuple[str, str]]:
    """The indicator frame's subset pairs whose two columns are counts of ``frame``."""
    counts = set(frame.columns if count_columns is None else count_columns)
    return [(s, t) for s, t in suppression.default_subsets() if s in counts and t in counts]


def displayed(
    frame: pd.DataFrame,
    *,
    diffusion: str | Edition,
    min_cell: int,
    subsets: suppression.Subsets | None = None,
    subset_rows: Mapping[Hashable, Hashable] | None = None,
    **options,
) -> pd.DataFrame:
    """``frame`` as the edition shows it: an object frame of display values (numbers, texts,
    None for null), ready for the French formats.

    - ``comite``: every value as it is (nothing masked; ``min_cell`` and the options unused);
    - ``public``: :func:`iae_eval.indicators.suppress.suppress` with ``min_cell`` and
      ``options`` (``count_columns``, ``total_row``, ``groups``, ``keep_rows``, ``total_column``,
      rates…): every rate resting on ``min_cell`` people or exits on each side published, the
      cells that would give a small count back withheld instead (docs/editions.md); plus the subset
      rule: ``subsets`` (column pairs; default: :func:`~iae_eval.indicators.suppress.default_subsets`
      restricted to the counts present) and ``subset_rows`` (row pairs, e.g. ``{"rsa": "all"}``
      for a "dont RSA" row).
    """
    if not edition(diffusion).suppresses:
        return suppression.displayed_values(frame)
    if frame.empty:
        return frame.astype(object)
    if subsets is None:
        subsets = _default_subsets(frame, options.get("count_columns"))
    return suppression.suppress(frame, min_cell, subsets=subsets, subset_rows=subset_rows, **options)


def legend(diffusion: str | Edition, min_cell: int) -> str | None:
    """The legend of the signs of suppression in the ``public`` edition (built from
    ``min_cell``); None in an edition that masks nothing."""
    if not edition(diffusion).suppresses:
        return None
    return (
        f"« < {min_cell} » : effectif de 1 à {min_cell - 1}, masqué (secret statistique) ; "
        f"« {suppression.MASKED_TEXT} » : valeur masquée pour qu'un petit effectif ne puisse pas être "
        "recalculé par différence avec un total."
    )
