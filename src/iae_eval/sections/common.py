"""What the report sections share: loading, indicator labels and formats, small-count
suppression, the "no data" sentence and the "Comment lire ce rapport" section.

The sections themselves live in :mod:`iae_eval.sections.departement`,
:mod:`iae_eval.sections.structure` and :mod:`iae_eval.sections.bilan` (and, for the evaluation
themes, in :mod:`iae_eval.sections.publics`, :mod:`iae_eval.sections.funding`, :mod:`iae_eval.sections.supports`,
:mod:`iae_eval.sections.sd` and :mod:`iae_eval.sections.action_plan`); each returns a
:class:`~iae_eval.display.Block` that a notebook cell displays as its last expression.

Suppression: every table of people counts goes through :func:`suppressed` (small counts
read ``< 5``, cells masked to protect them read ``s``); charts draw :func:`drawable`
numbers only, so a chart never shows what its table hides.
"""

from __future__ import annotations

from pathlib import Path

import matplotlib.pyplot as plt
import pandas as pd

from iae_eval import display, fmt
from iae_eval.data.dataset import Dataset
from iae_eval.indicators.compute import compute_indicators, compute_trends
from iae_eval.data.load import load_dataset
from iae_eval.data.reference import EXIT_CATEGORY_LABELS, KIND_LABELS, MINIMUM_STAY
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
from iae_eval.indicators.suppress import suppress

NO_DATA = "Pas de données pour cette année."
#: What a cell derived from a masked value shows (the sign used by :mod:`iae_eval.indicators.suppress`).
MASKED = "s"
NO_DATA_PERIOD = "Pas de données pour la période."

#: The publics shown in the "Publics" sections, with their short labels.
PUBLIC_LABELS: dict[str, str] = {k: catalogue.short_label(k) for k in PUBLIC_KEYS}


# --- Loading and indicators ---------------------------------------------------------------------


def load(data_dir: str | Path) -> Dataset:
    """Load and validate the dataset folder ``data_dir`` (see :func:`iae_eval.data.load.load_dataset`:
    a relative path is also looked up in the parent folders)."""
    return load_dataset(data_dir)


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
    2008 in the sample, is left out). All of ``Dataset.years()`` when nothing ends."""
    ends = set(dataset.participants["exit_date"].dropna().dt.year.astype(int))
    years = dataset.years()
    if not ends:
        return years
    return [y for y in years if min(ends) <= y]


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


def key_figure_cards(shown: pd.DataFrame, *, year: int, cards: list[tuple[str, str]]) -> display.Block:
    """Headline figures of ``year`` from ``shown`` (suppressed values, one row per year), each
    with its target and the previous year's value when ``shown`` has it."""

    def value(key: str, y: int) -> str:
        return format_value(key, shown.at[y, key]) if y in shown.index else fmt.MISSING

    def detail(key: str) -> str:
        parts = [f"objectif {fmt.percent(TARGETS[key], 0)}"] if key in TARGETS else []
        before = value(key, year - 1) if (year - 1) in shown.index else "pas de données"
        return " · ".join([*parts, f"{year - 1} : {before}"])

    return display.key_figures((label, value(key, year), detail(key)) for label, key in cards)


def plural(count: int, word: str, plural_word: str | None = None) -> str:
    """``1 territoire``, ``3 territoires``, ``0 territoire`` (French: plural from 2)."""
    return f"{fmt.integer(count)} {word if abs(count) < 2 else (plural_word or word + 's')}"


def no_data(sentence: str = NO_DATA) -> display.Block:
    """The one sentence a section shows when its table is missing or empty."""
    return display.note(sentence)


def suppression_note(hidden: int, *, min_cell: int, what: str = "structures") -> display.Block | None:
    """The note under a chart that leaves out masked values (``None`` when none is)."""
    if not hidden:
        return None
    return display.note(
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


# --- "Comment lire ce rapport" --------------------------------------------------------------------


def _stay(kind: str) -> str:
    rule = MINIMUM_STAY.get(kind)
    if rule is None:
        return "aucune durée minimale"
    unit, amount = rule
    if unit == "months":
        return f"au moins {fmt.integer(amount)} mois entre l'entrée et la sortie"
    return f"au moins {fmt.integer(amount)} heures travaillées"


def how_to_read(dataset: Dataset, *, min_cell: int) -> display.Block:
    """Definitions used by every report: pathways, examinable exits, categories, rates,
    targets, indicators 1-3 and the small-count rule."""
    stays = pd.DataFrame(
        {
            "Type de structure": [f"{k} — {KIND_LABELS[k]}" for k in MINIMUM_STAY],
            "Durée minimale avant qu'une sortie soit examinée": [_stay(k) for k in MINIMUM_STAY],
        }
    )
    reasons = dataset.exit_reasons.sort_values("code")
    nomenclature = pd.DataFrame(
        {
            "Code": [fmt.integer(c) for c in reasons["code"]],
            "Situation à la sortie": list(reasons["label"]),
            "Catégorie": [EXIT_CATEGORY_LABELS.get(c, c) for c in reasons["category"]],
        }
    )
    durable, dynamic = fmt.percent(TARGETS["durable_rate"], 0), fmt.percent(TARGETS["dynamic_rate"], 0)
    paragraphs = [
        "Un parcours est un contrat d'une personne dans une structure, sous un type de "
        "conventionnement (ACI, AI, EI, ETTI). Il est actif une année donnée s'il a commencé au "
        "plus tard le 31 décembre et n'était pas terminé au 1er janvier. Les personnes sont "
        "comptées une seule fois, même avec plusieurs parcours ; un total par type de structure "
        "peut donc dépasser le total départemental.",
        "Une sortie n'est examinée que si le parcours a duré le minimum prévu pour son type de "
        "structure (tableau ci-dessous). Les sorties plus courtes sont comptées à part (« sorties "
        "avant la durée minimale ») et dans aucun autre chiffre de sortie.",
    ]
    after = [
        "Chaque sortie est classée dans une catégorie selon la situation à la sortie "
        "(nomenclature de l'ASP, tableau ci-dessus). Les sorties « Retrait des sorties "
        "constatées » sont neutralisées : elles ne comptent dans le dénominateur d'aucun taux.",
        "Sorties examinées = sorties constatées − retraits. Taux d'emploi durable = sorties en "
        "emploi durable ÷ sorties examinées. Taux de sorties dynamiques = (emploi durable + emploi "
        "de transition + sorties positives) ÷ sorties examinées.",
        f"Objectifs de la période, à atteindre dans les trois ans d'une convention : taux d'emploi "
        f"durable d'au moins {durable}, taux de sorties dynamiques d'au moins {dynamic}.",
        "Indicateurs de la fiche H5 : (1) allocataires du RSA ayant un parcours actif dans "
        "l'année ; (2) allocataires du RSA sortis dans l'année en emploi durable ou en formation "
        "qualifiante ; (3) marchés du Conseil général notifiés dans l'année avec une clause "
        "sociale (3a) et opérations menées avec les structures d'insertion (3b).",
        f"Secret statistique : un effectif de personnes ou de parcours compris entre 1 et "
        f"{min_cell - 1} est remplacé par « < {min_cell} ». « s » signale une case masquée pour "
        "qu'une valeur masquée ne puisse pas être retrouvée par différence avec un total, ou un taux "
        f"calculé sur moins de {min_cell} sorties examinées ou dont on pourrait déduire un effectif "
        "masqué. Les graphiques ne représentent pas les valeurs masquées. « — » signale une valeur "
        "non définie (dénominateur nul ou donnée absente). Les montants, les heures et les nombres "
        "de marchés et d'opérations ne sont jamais masqués. Aucun identifiant de personne ne figure "
        "dans les rapports.",
    ]
    return display.join(
        *(display.text(p) for p in paragraphs),
        display.table(stays, index=False, caption="Durée minimale de parcours par type de structure"),
        *(display.text(p) for p in after[:1]),
        display.table(nomenclature, index=False, caption="Motifs de sortie et catégories"),
        *(display.text(p) for p in after[1:]),
    )
