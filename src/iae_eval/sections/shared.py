"""What the report sections share: loading, indicators, French formats, small-count
suppression, the "no data" sentence, the département's total row and target sentences.

The sections live in one module per theme (:mod:`iae_eval.sections.exits`, …); each view
returns a :class:`~iae_eval.sections.parts.Section`.

Editions: every table of people counts goes through :func:`suppressed`, which shows the
values as the edition ``diffusion`` does (:func:`iae_eval.editions.displayed`): every value in
the committee edition; in the public edition small counts read ``< {min_cell}`` and cells
masked to protect them read ``s``. Charts draw :func:`drawable` numbers only, so a chart never
shows what its table hides. Notes that speak of suppression come from :func:`suppression_note`
and :func:`edition_legend`, which say nothing in an edition that masks nothing.

Uncertainty: the durable and dynamic rates of tables are shown with their 95 % Wilson
interval (:func:`rate_texts`, ``31,8 % [20,1 – 46,3]``), marked "effectif faible" on fewer
than 20 examined exits; :func:`target_sentence` gives the verdict on the target from the
interval.
"""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Callable
from pathlib import Path

import matplotlib.pyplot as plt
import pandas as pd

from iae_eval import editions, fmt
from iae_eval.data.dataset import Dataset
from iae_eval.data.load import load_dataset
from iae_eval.data.rules import DEFAULT_RULES
from iae_eval.indicators import catalogue, uncertainty
from iae_eval.indicators.catalogue import (
    HOUR_KEYS,
    PUBLIC_KEYS,
    RATE_KEYS,
    TARGETS,
)
from iae_eval.indicators.catalogue import LABELS as INDICATOR_LABELS
from iae_eval.indicators.catalogue import MONEY_KEYS as EURO_KEYS
from iae_eval.indicators.compute import compute_indicators, compute_trends
from iae_eval.indicators.pathways import structure_labels, structure_name
from iae_eval.report import Report
from iae_eval.sections import parts

NO_DATA = "Pas de données pour cette année."
#: What a cell derived from a masked value shows (the sign used by :mod:`iae_eval.indicators.suppress`).
MASKED = "s"
NO_DATA_PERIOD = "Pas de données pour la période."
#: Why a chart is not drawn when the edition masks every value it would show.
SECRET = "non publié : secret statistique"

#: The publics shown in the "Publics" sections, with their short labels.
PUBLIC_LABELS: dict[str, str] = {k: catalogue.short_label(k) for k in PUBLIC_KEYS}


# --- Loading and indicators ---------------------------------------------------------------------


def load(data_dir: str | Path, *, rules: str = DEFAULT_RULES) -> Dataset:
    """Load and validate the dataset folder ``data_dir`` (see :func:`iae_eval.data.load.load_dataset`:
    a relative path is also looked up in the parent folders); its indicators use the
    minimum-stay rules profile ``rules``."""
    return load_dataset(data_dir, rules=rules)


def indicators(dataset: Dataset, year: int, *, by: str = "departement") -> pd.DataFrame:
    """The indicators of ``year``, one row per scope key (index, as text), one column per key
    of docs/indicators.md."""
    frame = compute_indicators(dataset, year, by=by)
    frame.index = [str(k) for k in frame.index]
    return frame


def departement_row(dataset: Dataset, year: int) -> pd.Series:
    """The département's indicators of ``year``."""
    return indicators(dataset, year).iloc[0]


def trends(dataset: Dataset, years: list[int], *, by: str = "departement") -> pd.DataFrame:
    """The indicators of each of ``years``: a long frame with the columns ``year``, ``key``
    (None for the département) and the keys of docs/indicators.md."""
    return compute_trends(dataset, years, by=by)


def has_rows(table: pd.DataFrame | None, year: int | None = None) -> bool:
    """Whether an optional table is present and (with ``year``) has rows for that year."""
    if table is None or table.empty:
        return False
    return year is None or bool((table["year"] == year).any())


# --- Formats and suppression -----------------------------------------------------------------


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


def suppressed(frame: pd.DataFrame, *, min_cell: int, diffusion: str, **options) -> pd.DataFrame:
    """``frame`` (indicator keys as columns) as the edition ``diffusion`` shows it
    (:func:`iae_eval.editions.displayed`): numbers where a value may be shown, text where it is
    masked (public edition only). ``options`` go to :func:`iae_eval.indicators.suppress.suppress`
    (e.g. ``total_row="Département"`` when the frame ends with the total of the rows above,
    ``subset_rows={"rsa": "all"}`` for a "dont RSA" row)."""
    if frame.empty:
        return frame.astype(object)
    return editions.displayed(frame, diffusion=diffusion, min_cell=min_cell, **options)


def drawable(frame: pd.DataFrame, shown: pd.DataFrame) -> pd.DataFrame:
    """The numbers of ``frame`` that may be drawn, given its suppressed form ``shown``:
    masked cells become NaN."""
    return frame.astype(float).where(~masked(shown.reindex_like(frame)), float("nan"))


def shown_numbers(frame: pd.DataFrame, *, min_cell: int, diffusion: str, **options) -> pd.DataFrame:
    """The numbers of ``frame`` that may be drawn in the edition: masked cells become NaN."""
    return drawable(frame, suppressed(frame, min_cell=min_cell, diffusion=diffusion, **options))


# --- Rates with their uncertainty -------------------------------------------------------------

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


def plural(count: int, word: str, plural_word: str | None = None) -> str:
    """``1 territoire``, ``3 territoires``, ``0 territoire`` (French: plural from 2)."""
    return f"{fmt.integer(count)} {word if abs(count) < 2 else (plural_word or word + 's')}"


def no_data(sentence: str = NO_DATA) -> parts.Section:
    """The section that is one sentence: its table is missing or empty."""
    return parts.Section.of(parts.note(sentence), reason=sentence)


def view(build: Callable[[Report], parts.Section]) -> Callable[[Report], parts.Section]:
    """A section view: in an edition that masks small counts, the section it returns says
    that a missing part was not published (:data:`SECRET`), unless it already says why (a
    year without data)."""

    @functools.wraps(build)
    def wrapped(rep: Report) -> parts.Section:
        section = build(rep)
        if section.reason is None and rep.edition.suppresses:
            return dataclasses.replace(section, reason=SECRET)
        return section

    return wrapped


def edition_legend(diffusion: str, min_cell: int) -> parts.Paragraph | None:
    """The legend of the signs of suppression (public edition, built from ``min_cell``);
    ``None`` in the committee edition, which masks nothing."""
    legend = editions.legend(diffusion, min_cell)
    return None if legend is None else parts.note(legend)


def suppression_note(hidden: int, *, min_cell: int, what: str = "structures") -> parts.Paragraph | None:
    """The note under a chart that leaves out masked values (``None`` when none is, as in the
    committee edition)."""
    if not hidden:
        return None
    return parts.note(
        f"{fmt.integer(hidden)} {what} aux effectifs inférieurs à {min_cell} ne sont pas représentées "
        f"sur le graphique (valeurs masquées dans le tableau)."
    )


def new_figure(n_rows: int, *, width: float = 8.0, per_row: float = 0.42, minimum: float = 2.8):
    """A figure and axis tall enough for ``n_rows`` horizontal bars."""
    return plt.subplots(figsize=(width, max(minimum, 1.4 + per_row * n_rows)))


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
        return f"En {year}, le {label} {subject} n'est pas publié (secret statistique)."
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


#: Label of the département's row under a table of structures, territories or kinds.
TOTAL = "Département"


def with_total(frame: pd.DataFrame, total: pd.Series) -> pd.DataFrame:
    """``frame`` with the département's row (the column totals) appended as :data:`TOTAL`."""
    return pd.concat([frame, pd.DataFrame([total], index=[TOTAL])])


def by_structure(dataset: Dataset, year: int) -> pd.DataFrame:
    """The indicators of ``year`` per structure, indexed by ``structure_id``."""
    return indicators(dataset, year, by="structure")


def with_labels(frame: pd.DataFrame, dataset: Dataset) -> pd.DataFrame:
    """``frame`` (indexed by ``structure_id``, maybe with a :data:`TOTAL` row) indexed by the
    structures' labels instead, as a table or a chart names them
    (:func:`iae_eval.indicators.pathways.structure_labels`: unique, even for two structures
    with one name)."""
    labels = structure_labels(dataset)
    return frame.set_axis([labels.get(str(k), k) for k in frame.index])


def period_years(first_year: int, last_year: int) -> list[int]:
    """Every year from ``first_year`` to ``last_year``; ``ValueError`` when they are reversed."""
    if first_year > last_year:
        raise ValueError(f"first_year ({first_year}) est après last_year ({last_year})")
    return list(range(first_year, last_year + 1))


def by_year(dataset: Dataset, first_year: int, last_year: int) -> pd.DataFrame:
    """The département's indicators of each year of the period (index: year)."""
    frame = trends(dataset, period_years(first_year, last_year)).set_index("year").sort_index()
    return frame.drop(columns=["key", "scope"], errors="ignore")


def columns_by_year(frame: pd.DataFrame, keys: list[str], *, min_cell: int, diffusion: str) -> pd.DataFrame:
    """Indicators as rows, years as columns, as the edition shows them, formatted."""
    table = formatted(frame, min_cell=min_cell, columns=keys, diffusion=diffusion).T
    table.columns = [str(y) for y in frame.index]
    return table


def structure_years(dataset: Dataset, structure_id: str, years: list[int]) -> pd.DataFrame:
    """The structure's indicators over ``years`` (index: year)."""
    if not years:
        return pd.DataFrame()
    long = trends(dataset, years, by="structure")
    own = long[long["key"].astype(str) == structure_id].set_index("year").sort_index()
    return own.drop(columns=["key", "scope"], errors="ignore")


def structure_row(dataset: Dataset, year: int, structure_id: str) -> pd.Series:
    """The structure's indicators of ``year``; ``ValueError`` naming the known ids if unknown."""
    frame = indicators(dataset, year, by="structure")
    if structure_id not in frame.index:
        structure_name(dataset, structure_id)  # raises ValueError naming the known ids
    return frame.loc[structure_id]
