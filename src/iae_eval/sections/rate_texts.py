"""Rates with their uncertainty in the tables and sentences (docs/editions.md): ``31,8 % [20,1 – 46,3]``, marked "effectif faible" below 20 examined exits; the verdict on a target from the interval; tables of indicators labelled from the catalogue; the row of headline figures."""

from __future__ import annotations

import pandas as pd

from iae_eval import fmt, wording
from iae_eval.indicators import uncertainty
from iae_eval.indicators.catalogue import LABELS as INDICATOR_LABELS
from iae_eval.indicators.catalogue import TARGETS
from iae_eval.sections import parts
from iae_eval.sections.formats import format_value, suppressed

#: The exit rates shown with their interval → the exit counts their numerator adds up.
RATE_SUCCESSES: dict[str, tuple[str, ...]] = {
    "durable_rate": ("exits_emploi_durable",),
    "dynamic_rate": ("exits_emploi_durable", "exits_emploi_transition", "exits_sortie_positive"),
}


#: The interval's dash, joined to its bounds so that a table cell does not break after it.
NO_BREAK_DASH = "\u2060–\u2060"


def successes(frame: pd.DataFrame, key: str) -> pd.Series:
    """The numerator of rate ``key`` for each row of ``frame`` (raw indicator values)."""
    return frame[list(RATE_SUCCESSES[key])].astype(float).sum(axis=1, min_count=1)


def intervals(frame: pd.DataFrame, key: str) -> pd.DataFrame:
    """Rate ``key`` of each row of ``frame`` with its 95 % Wilson interval
    (:func:`iae_eval.indicators.uncertainty.rate_intervals`: ``rate``, ``low``, ``high``,
    ``examined``, ``low_count``)."""
    examined = frame["exits_examined"].astype(float)
    return uncertainty.rate_intervals(
        successes(frame, key).fillna(0).clip(upper=examined.fillna(0)), examined
    )


def rate_texts(frame: pd.DataFrame, shown: pd.DataFrame, key: str) -> list[str]:
    """Rate ``key`` of each row as the tables show it: ``31,8 % [20,1 – 46,3]``, followed by
    ``(effectif faible)`` below 20 examined exits; a rate the edition masks (text in
    ``shown``) keeps its sign and no interval; ``—`` when undefined."""
    estimates = intervals(frame, key)
    texts = []
    for position, value in enumerate(shown[key]):
        if isinstance(value, str) or value is None or pd.isna(value):
            texts.append(format_value(key, value))
            continue
        row = estimates.iloc[position]
        text = uncertainty.rate_interval_text(value, row["low"], row["high"]).replace("–", NO_BREAK_DASH)
        texts.append(f"{text} ({uncertainty.LOW_COUNT_TEXT})" if bool(row["low_count"]) else text)
    return texts


def labelled(
    shown: pd.DataFrame, columns: list[str] | None = None, *, frame: pd.DataFrame | None = None
) -> pd.DataFrame:
    """Values of the edition (``shown``) formatted in French, restricted to ``columns``, with
    the indicator labels as column headers. With ``frame`` (the raw values ``shown`` comes
    from), the exit rates carry their interval (:func:`rate_texts`)."""
    columns = list(shown.columns if columns is None else columns)
    with_interval = frame is not None and "exits_examined" in frame.columns

    def texts(c: str) -> list[str]:
        if with_interval and c in RATE_SUCCESSES:
            return rate_texts(frame, shown, c)
        return [format_value(c, v) for v in shown[c]]

    return pd.DataFrame({INDICATOR_LABELS.get(c, c): texts(c) for c in columns}, index=shown.index)


def formatted(
    frame: pd.DataFrame,
    *,
    min_cell: int,
    columns: list[str] | None = None,
    diffusion: str,
    **options,
) -> pd.DataFrame:
    """``frame`` as the edition shows it, formatted in French, exit rates with their interval
    (see :func:`labelled`)."""
    return labelled(
        suppressed(frame, min_cell=min_cell, diffusion=diffusion, **options), columns, frame=frame
    )


def columns_by_year(
    frame: pd.DataFrame, keys: list[str], *, min_cell: int, diffusion: str, **options
) -> pd.DataFrame:
    """Indicators as rows, years as columns, as the edition shows them (``options``: see
    :func:`suppressed`), formatted."""
    table = formatted(frame, min_cell=min_cell, columns=keys, diffusion=diffusion, **options).T
    table.columns = [str(y) for y in frame.index]
    return table


def key_figure_cards(shown: pd.DataFrame, *, year: int, keys: tuple[str, ...]) -> parts.KeyFigures:
    """Headline figures of ``year`` from ``shown`` (suppressed values, one row per year), each
    with its target and the previous year's value when ``shown`` has it."""

    def value(key: str, y: int) -> str:
        return format_value(key, shown.at[y, key]) if y in shown.index else fmt.MISSING

    def detail(key: str) -> str:
        bits = [f"objectif {fmt.percent(TARGETS[key], 0)}"] if key in TARGETS else []
        before = value(key, year - 1) if (year - 1) in shown.index else "pas de données"
        return " · ".join([*bits, f"{year - 1} : {before}"])

    return parts.key_figures((INDICATOR_LABELS[key], value(key, year), detail(key)) for key in keys)


def target_sentence(
    key: str, value: object, year: int | str, *, subject: str = "du département", row: pd.Series | None = None
) -> str:
    """``En 2012, le taux … du département (62,3 % [55,1 – 69,0]) atteint l'objectif de 60 %.``,
    or that it cannot be computed. ``value`` is the rate as the edition shows it (text when
    masked); ``row`` the raw indicators it comes from, which give its 95 % interval and the
    verdict (:func:`iae_eval.indicators.uncertainty.verdict`): "atteint" when the whole interval
    is above the target, "n'atteint pas" when below, "est compatible avec l'objectif" when it
    contains it. Without ``row``, the bare comparison. ``subject`` completes "le taux …":
    ``du département``, ``de la structure``."""
    label = INDICATOR_LABELS[key].lower()
    target = fmt.percent(TARGETS[key], 0)
    if isinstance(value, str):
        return f"En {year}, le {label} {subject} {wording.not_published(value)}."
    if value is None or pd.isna(value):
        return f"En {year}, le {label} {subject} n'est pas calculable (aucune sortie examinée)."
    if row is None:
        verdict = uncertainty.REACHED if float(value) >= TARGETS[key] else uncertainty.NOT_REACHED
        return f"En {year}, le {label} {subject} ({fmt.percent(value)}) {verdict} l'objectif de {target}."
    frame = pd.DataFrame([row])
    estimate = intervals(frame, key).iloc[0]
    shown = rate_texts(frame, pd.DataFrame({key: [value]}, index=frame.index), key)[0]
    verdict = uncertainty.verdict(estimate["low"], estimate["high"], TARGETS[key])
    if verdict == uncertainty.COMPATIBLE:
        return (
            f"En {year}, le {label} {subject} ({shown}) est compatible avec l'objectif de {target} : "
            "l'intervalle de confiance contient l'objectif."
        )
    return f"En {year}, le {label} {subject} ({shown}) {verdict} l'objectif de {target}."
