"""Values as an edition shows them, in French: :func:`suppressed` applies the edition (docs/editions.md: every value in the committee's; small counts ``< {min_cell}`` and masked cells ``s`` in the public one), :func:`drawable` keeps what a chart may draw, :func:`format_value` writes a value in French."""

from __future__ import annotations

import pandas as pd

from iae_eval import editions, fmt
from iae_eval.indicators import catalogue
from iae_eval.indicators.catalogue import HOUR_KEYS, PUBLIC_KEYS, RATE_KEYS
from iae_eval.indicators.catalogue import MONEY_KEYS as EURO_KEYS
from iae_eval.sections.places import Places

#: What a cell derived from a masked value shows (the sign used by :mod:`iae_eval.indicators.suppress`).
MASKED = "s"


#: The publics shown in the "Publics" sections, with their short labels.
PUBLIC_LABELS: dict[str, str] = {k: catalogue.short_label(k) for k in PUBLIC_KEYS}


def format_value(key: str, value: object) -> str:
    """``value`` of indicator ``key`` in French: ``1 234``, ``12,5 %``, ``1 234 €``, ``15 h``.
    Text (a suppressed ``< 5``) passes through; a missing value is ``—``."""
    if key in RATE_KEYS or key.endswith("_share"):
        return fmt.percent(value)
    if key in HOUR_KEYS:
        return fmt.hours(value)
    if key in EURO_KEYS:
        return fmt.euros(value)
    if key == "mean_duration_months":
        return fmt.number(value, 1)
    return fmt.integer(value)


def masked(shown: pd.DataFrame) -> pd.DataFrame:
    """True where :func:`iae_eval.indicators.suppress.suppress` hid a value (its display is text:
    ``< 5`` for a small count, ``s`` for a cell masked so that it cannot be recomputed)."""
    return shown.map(lambda v: isinstance(v, str))


def suppressed(
    frame: pd.DataFrame, *, min_cell: int, diffusion: str, places: Places | None = None, **options
) -> pd.DataFrame:
    """``frame`` (indicator keys as columns) as the edition ``diffusion`` shows it: numbers
    where a value may be shown, text where it is masked (public edition only).

    With ``places`` (:mod:`iae_eval.sections.places`: the year and the unit of each row), each
    value is shown as the year's one public decision says (:mod:`iae_eval.protection.table`),
    the same in every table. Without, the table is decided alone
    (:func:`iae_eval.editions.displayed`; ``options`` go to
    :func:`iae_eval.indicators.suppress.suppress`, e.g. ``total_row="Département"``): for the
    figures outside the year's indicators (a follow-up, an adjusted rate, a grid)."""
    if frame.empty:
        return frame.astype(object)
    if places is not None and editions.edition(diffusion).suppresses:
        return _as_decided(frame, places, min_cell)
    return editions.displayed(frame, diffusion=diffusion, min_cell=min_cell, **options)


def _as_decided(frame: pd.DataFrame, places: Places, min_cell: int) -> pd.DataFrame:
    from iae_eval.protection.table import shown_places, year_cells

    years = sorted({int(p[0]) for p in places.rows if p is not None})
    tables = {y: year_cells(places.dataset, y, min_cell) for y in years}
    return shown_places(frame, places.rows, tables)


def share_shown(count: object, total: object, *, key: str, total_key: str, min_cell: int) -> object:
    """The share ``count / total`` given the two counts as the edition shows them: the share
    when both are published (it tells nothing more), else why not, in French — the reason a
    mark already says (``< 5`` on the total or on the count), else "protège un petit effectif"
    (a reason that said more, "moins de 5 autres personnes", would bound a withheld count)."""
    from iae_eval.indicators import secondary
    from iae_eval.indicators.suppress import rate_reason

    if not isinstance(count, str) and not isinstance(total, str):
        return share(count, total)
    small = f"< {min_cell}"
    reason = (
        secondary.DENOMINATOR
        if total == small
        else secondary.NUMERATOR
        if count == small
        else secondary.PROTECTION
    )
    return rate_reason(f"share_{key}", reason, (total_key,), (key,), min_cell)


def part_shown(part: float, total: float, total_shown: object, *, min_cell: int, diffusion: str) -> object:
    """A count outside the year's decision that is a part of a count inside it (the people in
    structures with an environmental support, of the people in pathway), as the edition shows
    it: in the public one, its total's mark when it is the whole of a withheld total, ``s`` when
    it is a part of one or when the rest is 1 to ``min_cell − 1``, ``< min_cell`` when it is
    small itself; a zero stays a zero."""
    if not editions.edition(diffusion).suppresses or pd.isna(part) or part == 0:
        return part
    if isinstance(total_shown, str) and part == total:
        return total_shown  # the same quantity, the same mark
    if isinstance(total_shown, str) or 0 < total - part < min_cell:
        return MASKED
    if part < min_cell:
        return f"< {min_cell}"
    return part


def drawable(frame: pd.DataFrame, shown: pd.DataFrame) -> pd.DataFrame:
    """The numbers of ``frame`` that may be drawn, given its suppressed form ``shown``:
    masked cells become NaN."""
    return frame.astype(float).where(~masked(shown.reindex_like(frame)), float("nan"))


def shown_numbers(frame: pd.DataFrame, *, min_cell: int, diffusion: str, **options) -> pd.DataFrame:
    """The numbers of ``frame`` that may be drawn in the edition: masked cells become NaN."""
    return drawable(frame, suppressed(frame, min_cell=min_cell, diffusion=diffusion, **options))


def share(count: object, total: object) -> float:
    """``count / total``, NaN when either is missing or masked or ``total`` is 0."""
    if isinstance(count, str) or isinstance(total, str) or pd.isna(count) or pd.isna(total) or not total:
        return float("nan")
    return float(count) / float(total)


def share_text(count: object, total: object) -> str:
    """``count / total`` as a French percentage; ``s`` when either is masked (text), ``—``
    when the share is not defined."""
    if isinstance(count, str) or isinstance(total, str):
        return MASKED
    return fmt.percent(share(count, total))
