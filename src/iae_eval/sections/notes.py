"""The sentences and notes the sections share: no data, a part not published (:data:`SECRET`), the legend of the edition's signs, the note under a chart that leaves masked values out; :func:`view`, the decorator of every section view."""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Callable

from iae_eval import editions, fmt
from iae_eval.report import Report
from iae_eval.sections import parts

NO_DATA = "Pas de données pour cette année."


NO_DATA_PERIOD = "Pas de données pour la période."


#: Why a chart is not drawn when the edition masks every value it would show.
SECRET = "non publié : secret statistique"


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


def figure_size(n_rows: int, *, width: float = 8.0, per_row: float = 0.42, minimum: float = 2.8):
    """The size (inches) of a figure tall enough for ``n_rows`` horizontal bars."""
    return (width, max(minimum, 1.4 + per_row * n_rows))


def new_figure(n_rows: int, **size):
    """A figure and axis tall enough for ``n_rows`` horizontal bars (:func:`figure_size`)."""
    import matplotlib.pyplot as plt  # imported where a figure is drawn: the command line starts without it

    return plt.subplots(figsize=figure_size(n_rows, **size))


def atypical_note(frame, keys, *, value_text) -> parts.Paragraph | None:
    """The note under a table of years that names each atypical value of ``keys``
    (:mod:`iae_eval.indicators.quality`: the rule the synthèse's verdicts also read);
    ``frame``: one row per year (index), ``value_text(key, value)``: how a value reads."""
    from iae_eval.indicators import catalogue
    from iae_eval.indicators.quality import ATYPICAL_FACTOR, atypical_years

    found = []
    for key in keys:
        values = frame[key].astype(float)
        known = values.dropna()
        for year in atypical_years([int(y) for y in known.index], list(known)):
            found.append(f"{catalogue.label(key).lower()} en {year} ({value_text(key, known.loc[year])})")
    if not found:
        return None
    factor = fmt.number(ATYPICAL_FACTOR)
    return parts.note(
        f"Valeur atypique : {' ; '.join(found)} — moins de 1/{factor} ou plus de {factor} fois la "
        "moyenne de ses voisines. Erreur de saisie possible : à vérifier avant de conclure "
        "(la synthèse signale les verdicts qui en dépendent comme fragiles)."
    )
