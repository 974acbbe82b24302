"""What a report section hands to the notebook: a :class:`Section`, an ordered tuple of parts.

Each part is a small frozen dataclass that shows itself in Jupyter (``_repr_html_``, built by
:mod:`iae_eval.display`):

- :class:`Paragraph` — a sentence; ``role`` is ``"lead"`` (the section's lead sentence),
  ``"text"`` or ``"note"`` (a remark: missing data, suppressed counts, how to read);
- :class:`KeyFigures` — a row of headline figures;
- :class:`Table` — a table of values already suppressed and formatted in French (text only);
- :class:`Chart` — a chart already drawn (PNG) with its alt text and an optional caption.

A :class:`Section` shows its parts in order, exactly as the report shows the section; a
notebook may instead show its parts one by one, in another order, or restyled::

    s = exits.departement(rep)
    s.table(columns=["Sorties constatées", "Sorties examinées"])   # a table with fewer columns
    s.chart(caption="Sorties de l'année")               # the chart, with a caption (or why it is absent)
    s.lead                                              # the lead sentence (a section, maybe empty)
    s.notes                                             # its notes (a section, maybe empty)
    s.charts                                            # its charts (a section, maybe empty)
    s.without("note")                                   # the section without its notes
    s.reordered("table", "chart")                       # tables first, then charts, then the rest

Small-count suppression is applied once, inside the package, before the parts exist: a
table holds only formatted text and a chart only its picture, so nothing a notebook does
with a part can show a masked value.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Literal

import pandas as pd

from iae_eval import display, fmt

if TYPE_CHECKING:  # matplotlib is imported where a figure is drawn
    import matplotlib.figure

Role = Literal["lead", "text", "note"]


@dataclass(frozen=True)
class Paragraph:
    """One sentence or paragraph of plain text."""

    text: str
    role: Role = "text"
    kind = "paragraph"

    def _repr_html_(self) -> str:
        return (display.note if self.role == "note" else display.text)(self.text).html

    def __str__(self) -> str:
        return self.text


@dataclass(frozen=True)
class KeyFigures:
    """A row of headline figures: ``(label, value, detail)`` each, values already formatted."""

    items: tuple[tuple[str, str, str | None], ...]
    kind = "key_figures"

    def _repr_html_(self) -> str:
        return display.key_figures(self.items).html


@dataclass(frozen=True, eq=False)
class Table:
    """A table of formatted text (suppressed values read ``< 5``, ``s`` or ``—``)."""

    frame: pd.DataFrame
    caption: str | None = None
    index: bool = True
    kind = "table"

    def __post_init__(self) -> None:
        object.__setattr__(self, "frame", self.frame.astype(object).map(_as_text))

    @property
    def data(self) -> pd.DataFrame:
        """A copy of the table (formatted text): edit it freely, the section is unchanged."""
        return self.frame.copy()

    @property
    def columns(self) -> list[str]:
        return [str(c) for c in self.frame.columns]

    def select(self, columns: Iterable[str] | None = None, *, caption: str | None = None) -> Table:
        """The table restricted to ``columns`` (in that order), retitled with ``caption``."""
        frame = self.frame if columns is None else self.frame[_known(list(columns), self.columns)]
        return replace(self, frame=frame, caption=self.caption if caption is None else caption)

    def _repr_html_(self) -> str:
        return display.table(self.frame, caption=self.caption, index=self.index).html


@dataclass(frozen=True)
class Chart:
    """A chart already drawn (PNG bytes), its alt text and an optional caption under it."""

    png: bytes = field(repr=False)
    alt: str
    caption: str | None = None
    kind = "chart"

    def __post_init__(self) -> None:
        if not self.alt or not self.alt.strip():
            raise ValueError("every chart needs a meaningful alt text")

    def titled(self, caption: str | None = None, *, alt: str | None = None) -> Chart:
        """The chart with another caption (``None`` keeps it) and, optionally, another alt text."""
        return replace(self, caption=self.caption if caption is None else caption, alt=alt or self.alt)

    def _repr_html_(self) -> str:
        return display.image(self.png, self.alt, caption=self.caption).html


Part = Paragraph | KeyFigures | Table | Chart
#: The kinds of part, as :meth:`Section.parts_of` and :meth:`Section.without` name them.
KINDS: tuple[str, ...] = ("lead", "text", "note", "key_figures", "table", "chart")


def _kind(part: Part) -> str:
    return part.role if isinstance(part, Paragraph) else part.kind


def _as_text(value: object) -> str:
    return value if isinstance(value, str) else ("—" if value is None or pd.isna(value) else str(value))


def _known(names: list[str], known: list[str]) -> list[str]:
    unknown = [n for n in names if n not in known]
    if unknown:
        raise KeyError(
            f"{fmt.plural_word(len(unknown), 'colonne inconnue', 'colonnes inconnues')} : "
            f"{', '.join(unknown)} ; colonnes : {', '.join(known)}"
        )
    return names


@dataclass(frozen=True)
class Section:
    """A report section: its parts in the order the report shows them.

    ``reason`` says why a part may be missing in this edition or year ("Aucune sortie en
    2011.", "non publié : secret statistique"): asking for a chart or a table the section does
    not have gives a note saying so, never an exception, so that one notebook edit runs in
    both editions and every year.
    """

    parts: tuple[Part, ...] = ()
    reason: str | None = None

    @classmethod
    def of(cls, *items: Part | Section | None, reason: str | None = None) -> Section:
        """A section made of ``items`` in this order (sections are flattened, ``None`` skipped);
        ``reason`` (else the first reason of the sections flattened) says why a part may be missing."""
        parts: list[Part] = []
        reasons: list[str] = [] if reason is None else [reason]
        for item in items:
            if isinstance(item, Section):
                parts.extend(item.parts)
                reasons += [] if item.reason is None else [item.reason]
            elif item is not None:
                parts.append(item)
        return cls(tuple(parts), reasons[0] if reasons else None)

    # --- Showing -------------------------------------------------------------------------------

    def _repr_html_(self) -> str:
        return "".join(part._repr_html_() for part in self.parts)

    @property
    def html(self) -> str:
        """The whole section as HTML (what the report shows)."""
        return self._repr_html_()

    def __str__(self) -> str:
        return self.html

    # --- Parts ---------------------------------------------------------------------------------

    def parts_of(self, kind: str) -> tuple[Part, ...]:
        """The parts of one kind (see :data:`KINDS`), in order."""
        if kind not in KINDS:
            raise ValueError(f"type de partie inconnu : {kind} ; types : {', '.join(KINDS)}")
        return tuple(p for p in self.parts if _kind(p) == kind)

    @property
    def lead(self) -> Section:
        """The lead sentence, as a section (empty when the section has none)."""
        return Section(self.parts_of("lead"), self.reason)

    @property
    def notes(self) -> Section:
        """The notes (remarks under the charts and tables), as a section."""
        return Section(self.parts_of("note"), self.reason)

    @property
    def texts(self) -> Section:
        """The sentences that are neither the lead nor a note, as a section."""
        return Section(self.parts_of("text"), self.reason)

    @property
    def tables(self) -> Section:
        """The tables, as a section (empty when there is none: safe in a notebook)."""
        return Section(self.parts_of("table"), self.reason)

    @property
    def charts(self) -> Section:
        """The charts, as a section (empty when there is none: safe in a notebook)."""
        return Section(self.parts_of("chart"), self.reason)

    @property
    def key_figures(self) -> Section:
        """The row of headline figures, as a section (empty when there is none)."""
        return Section(self.parts_of("key_figures"), self.reason)

    def table(
        self, number: int = 0, *, columns: Iterable[str] | None = None, caption: str | None = None
    ) -> Table | Paragraph:
        """Table ``number`` (0: the first), restricted to ``columns``, retitled with ``caption``;
        a note saying why when the section has no such table or the table no such column."""
        found = self._nth("table", number, "tableau")
        if isinstance(found, Paragraph):
            return found
        unknown = [] if columns is None else [str(c) for c in columns if str(c) not in found.columns]
        if unknown:
            return note(
                f"Colonne(s) absente(s) de ce tableau : {', '.join(unknown)} ; colonnes : {', '.join(found.columns)}."
            )
        return found.select(columns, caption=caption)

    def chart(
        self, number: int = 0, *, caption: str | None = None, alt: str | None = None
    ) -> Chart | Paragraph:
        """Chart ``number`` (0: the first), with another caption or alt text if given; a note
        saying why when the section has no such chart."""
        found = self._nth("chart", number, "graphique")
        return found if isinstance(found, Paragraph) else found.titled(caption, alt=alt)

    def _nth(self, kind: str, number: int, what: str):
        """Part ``number`` of ``kind``, or the note saying why it is not there (numbered from 1)."""
        found = self.parts_of(kind)
        if -len(found) <= number < len(found):
            return found[number]
        asked = number + 1 if number >= 0 else number
        why = "" if self.reason is None else f" : {self.reason.rstrip('.')}"
        return note(f"Pas de {what} n° {asked} dans cette section ({len(found)} en tout){why}.")

    def without(self, *kinds: str) -> Section:
        """The section without its parts of ``kinds`` (e.g. ``"note"``, ``"chart"``)."""
        for kind in kinds:
            self.parts_of(kind)  # validates the name
        return Section(tuple(p for p in self.parts if _kind(p) not in kinds), self.reason)

    def reordered(self, *kinds: str) -> Section:
        """The parts of ``kinds`` first, in that order of kinds, then the others as they were:
        ``s.reordered("table", "chart")`` shows the tables above the charts."""
        first = [p for kind in kinds for p in self.parts_of(kind)]
        return Section(tuple(first) + tuple(p for p in self.parts if _kind(p) not in kinds), self.reason)


# --- Building parts (used by the section modules) --------------------------------------------------


def lead(sentence: str) -> Paragraph:
    return Paragraph(sentence, "lead")


def text(sentence: str) -> Paragraph:
    return Paragraph(sentence, "text")


def note(sentence: str) -> Paragraph:
    return Paragraph(sentence, "note")


def table(frame: pd.DataFrame, *, caption: str | None = None, index: bool = True) -> Table:
    return Table(frame, caption, index)


def figure(fig: matplotlib.figure.Figure, alt: str, *, caption: str | None = None) -> Chart:
    """The :class:`Chart` of ``fig``: its PNG (:func:`iae_eval.charts.render.png`), ``alt``
    text and optional ``caption``; the figure is closed. A chart without an alt text is refused."""
    from iae_eval.charts.render import png  # matplotlib is imported where a figure is drawn

    if not alt or not alt.strip():
        import matplotlib.pyplot as plt

        plt.close(fig)
        raise ValueError("every chart needs a meaningful alt text")
    return Chart(png(fig), alt, caption)


def key_figures(items: Iterable[tuple[str, str, str | None]]) -> KeyFigures:
    return KeyFigures(tuple(items))


join = Section.of
