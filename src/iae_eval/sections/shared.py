"""What the report sections share: loading, indicators, French formats, small-count
suppression, the "no data" sentence, the département's total row and target sentences.

The sections live in one module per theme (:mod:`iae_eval.sections.exits`, …); each view
returns a :class:`~iae_eval.sections.parts.Section`.

Suppression: every table of people counts goes through :func:`suppressed` (small counts
read ``< {min_cell}``, cells masked to protect them read ``s``); charts draw :func:`drawable`
numbers only, so a chart never shows what its table hides.
"""

from __future__ import annotations

from pathlib import Path

import matplotlib.pyplot as plt
import pandas as pd

from iae_eval import fmt
from iae_eval.data.dataset import Dataset
from iae_eval.indicators.compute import compute_indicators, compute_trends
from iae_eval.data.load import load_dataset
from iae_eval.data.rules import DEFAULT_RULES
from iae_eval.indicators import catalogue
from iae_eval.indicators.catalogue import (
    EXIT_KEYS,
    HOUR_KEYS,
    PUBLIC_KEYS,
    RATE_KEYS,
    TARGETS,
)
from iae_eval.indicators.catalogue import LABELS as INDICATOR_LABELS
from iae_eval.indicators.catalogue import MONEY_KEYS as EURO_KEYS
from iae_eval.indicators.pathways import structure_name, structure_names
from iae_eval.indicators.suppress import suppress
from iae_eval.sections import parts

NO_DATA = "Pas de données pour cette année."
#: What a cell derived from a masked value shows (the sign used by :mod:`iae_eval.indicators.suppress`).
MASKED = "s"
NO_DATA_PERIOD = "Pas de données pour la période."

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
    of DATA_CONTRACT §5."""
    frame = compute_indicators(dataset, year, by=by)
    frame.index = [str(k) for k in frame.index]
    return frame


def departement_row(dataset: Dataset, year: int) -> pd.Series:
    """The département's indicators of ``year``."""
    return indicators(dataset, year).iloc[0]


def trends(dataset: Dataset, years: list[int], *, by: str = "departement") -> pd.DataFrame:
    """The indicators of each of ``years``: a long frame with the columns ``year``, ``key``
    (None for the département) and the keys of §5."""
    return compute_trends(dataset, years, by=by)


def observed_years(dataset: Dataset) -> list[int]:
    """The years the data observes: those of :meth:`Dataset.years` in which at least one
    pathway ends (a first year holding only pathways that go on into the next one, like
    2008 in the sample, is left out). All of ``Dataset.years()`` when nothing ends. Computed
    once per dataset (``Dataset.memo``)."""
    if "observed_years" not in dataset.memo:
        ends = dataset.participants["exit_date"].dropna()
        years = dataset.years()
        first_end = int(ends.min().year) if len(ends) else None
        dataset.memo["observed_years"] = years if first_end is None else [y for y in years if first_end <= y]
    return list(dataset.memo["observed_years"])


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


def suppressed(frame: pd.DataFrame, *, min_cell: int, **options) -> pd.DataFrame:
    """``frame`` (indicator keys as columns) after small-count suppression: numbers where a
    value may be shown, text where it is masked. ``options`` go to
    :func:`iae_eval.indicators.suppress.suppress` (e.g. ``total_row="Département"`` when the frame ends
    with the total of the rows above)."""
    if frame.empty:
        return frame.astype(object)
    return suppress(frame, min_cell=min_cell, **options)


def drawable(frame: pd.DataFrame, shown: pd.DataFrame) -> pd.DataFrame:
    """The numbers of ``frame`` that may be drawn, given its suppressed form ``shown``:
    masked cells become NaN."""
    return frame.astype(float).where(~masked(shown.reindex_like(frame)), float("nan"))


def shown_numbers(frame: pd.DataFrame, *, min_cell: int, **options) -> pd.DataFrame:
    """The numbers of ``frame`` that may be drawn: masked cells become NaN."""
    return drawable(frame, suppressed(frame, min_cell=min_cell, **options))


def labelled(shown: pd.DataFrame, columns: list[str] | None = None) -> pd.DataFrame:
    """Suppressed values formatted in French, restricted to ``columns``, with the indicator
    labels as column headers."""
    columns = list(shown.columns if columns is None else columns)
    return pd.DataFrame(
        {INDICATOR_LABELS.get(c, c): [format_value(c, v) for v in shown[c]] for c in columns},
        index=shown.index,
    )


def formatted(
    frame: pd.DataFrame, *, min_cell: int, columns: list[str] | None = None, **options
) -> pd.DataFrame:
    """``frame`` suppressed then formatted in French (see :func:`labelled`)."""
    return labelled(suppressed(frame, min_cell=min_cell, **options), columns)


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
    return parts.Section.of(parts.note(sentence))


def suppression_note(hidden: int, *, min_cell: int, what: str = "structures") -> parts.Paragraph | None:
    """The note under a chart that leaves out masked values (``None`` when none is)."""
    if not hidden:
        return None
    return parts.note(
        f"{fmt.integer(hidden)} {what} aux effectifs inférieurs à {min_cell} ne sont pas représentées "
        f"sur le graphique (valeurs masquées dans le tableau)."
    )


def new_figure(n_rows: int, *, width: float = 8.0, per_row: float = 0.42, minimum: float = 2.8):
    """A figure and axis tall enough for ``n_rows`` horizontal bars."""
    return plt.subplots(figsize=(width, max(minimum, 1.4 + per_row * n_rows)))


def target_sentence(key: str, value: object, year: int | str, *, subject: str = "du département") -> str:
    """``En 2012, le taux … du département (62,3 %) atteint l'objectif de 60 %.``, or that it
    cannot be computed. ``subject`` completes "le taux …": ``du département``, ``de la structure``."""
    label = INDICATOR_LABELS[key].lower()
    target = fmt.percent(TARGETS[key], 0)
    if isinstance(value, str):
        return f"En {year}, le {label} {subject} n'est pas publié (secret statistique)."
    if value is None or pd.isna(value):
        return f"En {year}, le {label} {subject} n'est pas calculable (aucune sortie examinée)."
    verdict = "atteint" if float(value) >= TARGETS[key] else "n'atteint pas"
    return f"En {year}, le {label} {subject} ({fmt.percent(value)}) {verdict} l'objectif de {target}."


#: Label of the département's row under a table of structures, territories or kinds.
TOTAL = "Département"


def with_total(frame: pd.DataFrame, total: pd.Series) -> pd.DataFrame:
    """``frame`` with the département's row (the column totals) appended as :data:`TOTAL`."""
    return pd.concat([frame, pd.DataFrame([total], index=[TOTAL])])


def by_structure(dataset: Dataset, year: int) -> pd.DataFrame:
    """The indicators of ``year`` per structure, indexed by the structures' names."""
    frame = indicators(dataset, year, by="structure")
    names = structure_names(dataset)
    frame.index = [names.get(k, k) for k in frame.index]
    return frame


def period_years(first_year: int, last_year: int) -> list[int]:
    """Every year from ``first_year`` to ``last_year``; ``ValueError`` when they are reversed."""
    if first_year > last_year:
        raise ValueError(f"first_year ({first_year}) est après last_year ({last_year})")
    return list(range(first_year, last_year + 1))


def by_year(dataset: Dataset, first_year: int, last_year: int) -> pd.DataFrame:
    """The département's indicators of each year of the period (index: year)."""
    frame = trends(dataset, period_years(first_year, last_year)).set_index("year").sort_index()
    return frame.drop(columns=["key", "scope"], errors="ignore")


def columns_by_year(frame: pd.DataFrame, keys: list[str], *, min_cell: int) -> pd.DataFrame:
    """Indicators as rows, years as columns, suppressed and formatted."""
    table = formatted(frame, min_cell=min_cell, columns=keys).T
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
