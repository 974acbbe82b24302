"""What a notebook section displays: HTML blocks with embedded figures and tables.

A section function of the kit returns a :class:`Block`; Jupyter (and so nbconvert)
shows it through ``_repr_html_``. Figures are embedded as base64 PNG ``<img>`` tags that
carry a meaningful ``alt`` text, so the HTML reports are self-contained and accessible.
Nothing here loads anything from the network.
"""

from __future__ import annotations

import base64
import html
import re
from collections.abc import Iterable
from typing import TYPE_CHECKING

import pandas as pd

from iae_eval.editions import Edition, edition
from iae_eval.indicators.suppress import MASKED_TEXT, NOT_PUBLISHED

if TYPE_CHECKING:  # matplotlib is imported where a figure is drawn: the command line starts without it
    import matplotlib.figure


class Block:
    """A piece of HTML that Jupyter displays as is."""

    def __init__(self, html_text: str) -> None:
        self.html = html_text

    def _repr_html_(self) -> str:
        return self.html

    def __str__(self) -> str:
        return self.html

    def __add__(self, other: Block) -> Block:
        return Block(self.html + other.html)


def text(paragraph: str) -> Block:
    """A paragraph of plain text (escaped)."""
    return Block(f"<p>{html.escape(paragraph)}</p>")


def note(paragraph: str) -> Block:
    """A paragraph styled as a remark (missing data, suppressed counts…)."""
    return Block(f'<p class="iae-note">{html.escape(paragraph)}</p>')


def note_with_links(paragraph: str, links: Iterable[tuple[str, str]]) -> Block:
    """A remark followed by links ``(text, relative href)`` — to files next to the report
    (escaped; the hrefs are the kit's, never text from the data)."""
    anchors = " · ".join(
        f'<a href="{html.escape(href, quote=True)}">{html.escape(label)}</a>' for label, href in links
    )
    return Block(f'<p class="iae-note">{html.escape(paragraph)} {anchors}</p>')


def png(fig: matplotlib.figure.Figure) -> bytes:
    """``fig`` as PNG bytes, then close it (no figure is leaked): :func:`iae_eval.charts.png`."""
    from iae_eval.charts.render import png as encode  # matplotlib is imported where a figure is drawn

    return encode(fig)


def image(data: bytes, alt: str, *, caption: str | None = None) -> Block:
    """Embed the PNG ``data`` with ``alt`` text (and an optional caption under it)."""
    if not alt or not alt.strip():
        raise ValueError("every figure needs a meaningful alt text")
    encoded = base64.b64encode(data).decode("ascii")
    cap = f"<figcaption>{html.escape(caption)}</figcaption>" if caption else ""
    return Block(
        f'<figure class="iae-figure"><img src="data:image/png;base64,{encoded}" '
        f'alt="{html.escape(alt, quote=True)}">{cap}</figure>'
    )


def figure(fig: matplotlib.figure.Figure, alt: str, *, caption: str | None = None) -> Block:
    """Embed ``fig`` as a PNG with ``alt`` text, then close it (no figure is leaked)."""
    if not alt or not alt.strip():
        import matplotlib.pyplot as plt

        plt.close(fig)
        raise ValueError("every figure needs a meaningful alt text")
    return image(png(fig), alt, caption=caption)


def heading(title: str, *, level: int = 1) -> Block:
    """A heading (escaped): the report's title is an ``<h1 class="iae-report-title">``."""
    css = ' class="iae-report-title"' if level == 1 else ""
    return Block(f"<h{level}{css}>{html.escape(title)}</h{level}>")


#: A cell that reads as a number: a count, a rate, an amount, an interval, a suppressed count.
_NUMBER = r"[<>≤≥]?\s?[-+−]?\d[\d \u202f\u00a0]*(?:[,.]\d+)?(?:\s?(?:%|€|h|k€|M€))?"
_NUMERIC = re.compile(rf"^(?:{_NUMBER})?(?:\s*\[\s*{_NUMBER}\s*[–-]\s*{_NUMBER}\s*\])?$")
#: Cells that say nothing about the column's kind (missing, suppressed); a rate or a cost not
#: published ("non publié : moins de 5 …") says nothing either.
_NEUTRAL = frozenset({"", "—", MASKED_TEXT, "-", "n.d."})
MISSING = "—"


def numeric_column(values: Iterable[object]) -> bool:
    """Whether a column of formatted values holds numbers (right-aligned, tabular figures):
    every cell but the missing, suppressed or not published ones reads as a number."""
    shown = [str(v).strip() for v in values if v is not None and not (isinstance(v, float) and v != v)]
    shown = [v for v in shown if v not in _NEUTRAL and not v.startswith(NOT_PUBLISHED)]
    return bool(shown) and all(_NUMERIC.match(v) for v in shown)


def _cell(value: object) -> str:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return MISSING
    return html.escape(str(value), quote=False)


def table(frame: pd.DataFrame, *, caption: str | None = None, index: bool = True) -> Block:
    """A table of already formatted values (strings) with an optional caption: text columns
    left-aligned (``<td class="iae-text">``), number columns right-aligned (``<td>``; their header
    ``<th class="iae-num">``), row labels as ``<th>``."""
    if isinstance(frame.columns, pd.MultiIndex) or (index and isinstance(frame.index, pd.MultiIndex)):
        body = frame.to_html(index=index, escape=True, border=0, classes="iae-table", na_rep=MISSING)
        body = body.replace(
            '<table border="0" class="dataframe iae-table">', '<table class="dataframe iae-table">'
        )
    else:
        numeric = [numeric_column(frame.iloc[:, i]) for i in range(frame.shape[1])]
        head = ["<th>" + _cell(frame.index.name or "") + "</th>"] if index else []
        head += [
            f'<th class="iae-num">{_cell(c)}</th>' if num else f"<th>{_cell(c)}</th>"
            for c, num in zip(frame.columns, numeric)
        ]
        rows = []
        for label, values in zip(frame.index, frame.itertuples(index=False, name=None)):
            cells = [f"<th>{_cell(label)}</th>"] if index else []
            cells += [
                f"<td>{_cell(v)}</td>" if num else f'<td class="iae-text">{_cell(v)}</td>'
                for v, num in zip(values, numeric)
            ]
            rows.append("<tr>" + "".join(cells) + "</tr>")
        body = (
            '<table class="dataframe iae-table">'
            f"<thead><tr>{''.join(head)}</tr></thead><tbody>{''.join(rows)}</tbody></table>"
        )
    if caption:
        end_of_tag = body.index(">") + 1  # after the opening <table ...>
        body = f"{body[:end_of_tag]}<caption>{html.escape(caption)}</caption>{body[end_of_tag:]}"
    return Block(body)


def key_figures(items: Iterable[tuple[str, str, str | None]]) -> Block:
    """A row of headline figures: ``(label, value, detail)`` each."""
    cards = []
    for label, value, detail in items:
        extra = f'<div class="iae-kf-detail">{html.escape(detail)}</div>' if detail else ""
        cards.append(
            f'<div class="iae-kf"><div class="iae-kf-value">{html.escape(value)}</div>'
            f'<div class="iae-kf-label">{html.escape(label)}</div>{extra}</div>'
        )
    return Block(f'<div class="iae-key-figures">{"".join(cards)}</div>')


def join(*blocks: Block | None) -> Block:
    """Concatenate blocks, skipping ``None``."""
    return Block("".join(b.html for b in blocks if b is not None))


def banner(diffusion: str | Edition) -> Block:
    """The banner every page of the edition carries (inline style: visible without the
    report's stylesheet, and on paper)."""
    chosen = edition(diffusion)
    style = (
        f"border:2px solid {chosen.colour};border-radius:4px;padding:0.4em 0.8em;margin:0 0 1em 0;"
        "font-weight:bold;text-align:center"
    )
    return Block(
        f'<div class="iae-diffusion iae-diffusion-{chosen.diffusion}" role="note" style="{style}">'
        f"{html.escape(chosen.banner)}</div>"
    )
