"""The evaluator's commentary: optional markdown files rendered as "Appréciation de l'évaluateur"
(docs/editions.md, docs/reports.md).

The files live in a ``commentaires`` folder **inside the data folder**, so they travel with
the data they comment on (the loader only reads the folder's own files, so the subfolder
changes neither the tables nor the dataset fingerprint). Each edition has its own files: the
committee's at the top of the folder, the public edition's under ``public/`` — the public
edition never shows the committee's text::

    <data>/commentaires/bilan.md                      the bilan of the period
    <data>/commentaires/<year>/departement.md         the département's report of <year>
    <data>/commentaires/<year>/<structure_id>.md      a structure's report of <year>
    <data>/commentaires/public/bilan.md               the same three, public edition
    <data>/commentaires/public/<year>/departement.md
    <data>/commentaires/public/<year>/<structure_id>.md

A report without its file has no such section (:func:`commentary` returns None). A public
commentary that quotes a number from 1 to ``min_cell − 1`` ("4 sorties") is printed as written,
but :func:`small_numbers` finds it for the batch run to warn with the file and line. The text
is markdown only: raw HTML is shown as text (a ``<script>`` is displayed, never run), links
with a harmful scheme (``javascript:``…) are neutralised, images are replaced by their
description (a report loads nothing from the network), and headings are demoted under the
section's title. The file is read as UTF-8 (with or without BOM), else as Windows-1252.

:func:`commentary_sources` and :func:`commentary_digest` tell the batch which file a report
depends on, so a changed commentary rebuilds that report only.
"""

from __future__ import annotations

import hashlib
import html
import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import mistune

from iae_eval.data.load import resolve_data_dir
from iae_eval.report import Report

if TYPE_CHECKING:  # pragma: no cover - typing only
    from iae_eval.report import Report

#: The folder of commentary files, inside the data folder.
FOLDER = "commentaires"
#: The public edition's subfolder of ``commentaires``.
PUBLIC_FOLDER = "public"
#: File names of the bilan's and of the département's commentary.
BILAN_FILE = "bilan.md"
DEPARTEMENT_FILE = "departement.md"
#: The folder of the evaluative synthesis' texts, inside the commentary folder.
SYNTHESIS_FOLDER = "synthese"
#: The evaluator's recommendations, in that folder.
RECOMMENDATIONS_FILE = "recommandations.md"
#: The title of the section.
TITLE = "Appréciation de l'évaluateur"
#: The id of its heading (the HTML export lists headings with an id in the table of contents).
ANCHOR = "appreciation-de-l-evaluateur"
#: Heading levels of the commentary are shifted by this much (``#`` becomes ``<h3>``).
HEADING_SHIFT = 2


class _SafeRenderer(mistune.HTMLRenderer):
    """Markdown to HTML with raw HTML escaped, images as their text and headings demoted."""

    def __init__(self) -> None:
        super().__init__(escape=True)

    def heading(self, text: str, level: int, **attrs) -> str:
        return super().heading(text, min(level + HEADING_SHIFT, 6), **attrs)

    def image(self, text: str, url: str, title: str | None = None) -> str:
        return f"[{text}]" if text else ""


def render_markdown(text: str) -> str:
    """``text`` (markdown) as safe HTML: see the module for what is escaped or dropped. A
    heading that opens the text reads as its bold first line: it stands under the kit's own
    heading ("Appréciation de l'évaluateur"), and two headings with nothing between them would
    read as an empty section."""
    markdown = mistune.create_markdown(renderer=_SafeRenderer(), plugins=["table", "strikethrough"])
    return markdown(_opening_heading_as_lead(text))


def _opening_heading_as_lead(text: str) -> str:
    lines = text.splitlines()
    first = next((i for i, line in enumerate(lines) if line.strip()), None)
    if first is None or not lines[first].lstrip().startswith("#"):
        return text
    title = lines[first].strip().lstrip("#").strip().rstrip("#").strip()
    lines[first] = f"**{title}**" if title else ""
    return "\n".join(lines)


@dataclass(frozen=True)
class Commentary:
    """The evaluator's commentary of one report: its markdown and where it comes from."""

    source: Path
    markdown: str

    @property
    def body_html(self) -> str:
        return render_markdown(self.markdown)

    def _repr_html_(self) -> str:
        return (
            f'<section class="iae-commentary"><h2 id="{ANCHOR}">{html.escape(TITLE)}</h2>'
            f"{self.body_html}</section>"
        )


def _is_file_name(name: str) -> bool:
    """Whether ``name`` can name a file in the folder (no separator, not hidden, not ``..``)."""
    return bool(name) and Path(name).name == name and "\\" not in name and not name.startswith(".")


def _folder(data_dir: str | Path, diffusion: str) -> Path:
    """The commentary folder of the edition ``diffusion`` (ValueError for an unknown one)."""
    from iae_eval.editions import edition

    folder = resolve_data_dir(data_dir) / FOLDER
    return folder / PUBLIC_FOLDER if edition(diffusion).suppresses else folder


def commentary_path(
    data_dir: str | Path, *, year: int | None = None, structure_id: str | None = None, diffusion: str
) -> Path | None:
    """The commentary file of a report of the edition ``diffusion`` (whether or not it exists):
    the bilan's without ``year``, the département's with ``year``, a structure's with both. None
    for a structure whose id cannot be a file name (it contains ``/``, starts with ``.``…)."""
    folder = _folder(data_dir, diffusion)
    if year is None:
        if structure_id is not None:
            raise ValueError("a structure's commentary is per year: give year with structure_id")
        return folder / BILAN_FILE
    if structure_id is None:
        return folder / str(int(year)) / DEPARTEMENT_FILE
    name = f"{structure_id}.md"
    return folder / str(int(year)) / name if _is_file_name(name) else None


def _read(path: Path) -> str:
    data = path.read_bytes()
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def commentary(rep: Report) -> Commentary | None:
    """The commentary of the report ``rep`` in its edition (the bilan's, the département's of
    its year, or its structure's of its year), or None when there is no file or it holds only
    blank lines."""
    return commentary_file(
        rep.data_dir, year=rep.year, structure_id=rep.structure_id, diffusion=rep.diffusion
    )


def commentary_file(
    data_dir: str | Path, *, year: int | None = None, structure_id: str | None = None, diffusion: str
) -> Commentary | None:
    """The commentary of a report given by its folder, in the edition ``diffusion`` (see
    :func:`commentary_path`; the public edition reads only ``commentaires/public/``), or None
    when there is no file or it holds only blank lines."""
    path = commentary_path(data_dir, year=year, structure_id=structure_id, diffusion=diffusion)
    if path is None or not path.is_file():
        return None
    text = _read(path)
    return Commentary(path, text) if text.strip() else None


def commentary_sources(
    data_dir: str | Path, *, year: int | None = None, structure_id: str | None = None, diffusion: str
) -> tuple[Path, ...]:
    """The file(s) a report's commentary depends on in its edition, existing or not (a file
    added later must rebuild the report too); the bilan's also include the edition's synthesis
    texts (:mod:`iae_eval.sections.synthesis`)."""
    path = commentary_path(data_dir, year=year, structure_id=structure_id, diffusion=diffusion)
    if year is None:
        folder = path.parent / SYNTHESIS_FOLDER
        texts = sorted(folder.glob("*.md")) if folder.is_dir() else []
        others = (p for p in texts if p.name != RECOMMENDATIONS_FILE)
        return (path, folder / RECOMMENDATIONS_FILE, *others)
    return () if path is None else (path,)


def commentary_digest(
    data_dir: str | Path, *, year: int | None = None, structure_id: str | None = None, diffusion: str
) -> str:
    """A hash of the report's commentary file(s) in its edition: the name and bytes of each, or
    "absent". It changes when the file is added, edited or removed, and only for that report
    and that edition."""
    digest = hashlib.sha256()
    for path in commentary_sources(data_dir, year=year, structure_id=structure_id, diffusion=diffusion):
        relative = path.relative_to(resolve_data_dir(data_dir) / FOLDER).as_posix()
        digest.update(relative.encode() + b"\0")
        digest.update(path.read_bytes() if path.is_file() else b"\0absent")
    return digest.hexdigest()


# --- Small numbers quoted in a public commentary ---------------------------------------------------

#: A whole number written in digits, not part of a decimal, a date, a percentage or a word.
_NUMBER = re.compile(r"(?<![\w.,/-])(\d+)(?![\w.,/-]|\s*%)")


@dataclass(frozen=True)
class QuotedNumber:
    """A number from 1 to ``min_cell − 1`` quoted in a commentary: where, and the words around."""

    path: Path
    line: int
    number: int
    excerpt: str

    def message(self, data_dir: str | Path, min_cell: int) -> str:
        """The warning of the batch run, in French, naming the file and the line."""
        try:
            shown = self.path.relative_to(resolve_data_dir(data_dir)).as_posix()
        except ValueError:
            shown = str(self.path)
        return (
            f"{shown}:ligne {self.line}: « {self.excerpt} » : le commentaire de la diffusion publique cite "
            f"le nombre {self.number} (de 1 à {min_cell - 1}) ; il est publié tel quel : vérifiez qu'il "
            "ne désigne pas un petit effectif"
        )


def small_numbers(path: Path, *, min_cell: int) -> list[QuotedNumber]:
    """Every number from 1 to ``min_cell − 1`` the commentary ``path`` quotes ("4 sorties"), with
    its line (1-based); none when the file is absent. Decimals, dates, percentages and numbers
    inside words ("1er", "S03") are not counts and are left out."""
    if not path.is_file():
        return []
    found = []
    for number_line, text in enumerate(_read(path).splitlines(), start=1):
        for match in _NUMBER.finditer(text):
            number = int(match[1])
            if 1 <= number < min_cell:
                words = [*text[: match.start()].split()[-5:], match[1], *text[match.end() :].split()[:3]]
                found.append(QuotedNumber(path, number_line, number, " ".join(words)))
    return found
