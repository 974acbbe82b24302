"""The evaluator's commentary: optional markdown files rendered as "Appréciation de l'évaluateur".

The files live in a ``commentaires`` folder **inside the data folder**, so they travel with
the data they comment on (the loader only reads the folder's own files, so the subfolder
changes neither the tables nor the dataset fingerprint)::

    <data>/commentaires/bilan.md                      the bilan of the period
    <data>/commentaires/<year>/departement.md         the département's report of <year>
    <data>/commentaires/<year>/<structure_id>.md      a structure's report of <year>

A report without its file has no such section (:func:`commentary` returns None). The text
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
from dataclasses import dataclass
from pathlib import Path

import mistune

from iae_eval.data.load import resolve_data_dir
from iae_eval.report import Report

#: The folder of commentary files, inside the data folder.
FOLDER = "commentaires"
#: File names of the bilan's and of the département's commentary.
BILAN_FILE = "bilan.md"
DEPARTEMENT_FILE = "departement.md"
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
    """``text`` (markdown) as safe HTML: see the module for what is escaped or dropped."""
    markdown = mistune.create_markdown(renderer=_SafeRenderer(), plugins=["table", "strikethrough"])
    return markdown(text)


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


def commentary_path(
    data_dir: str | Path, *, year: int | None = None, structure_id: str | None = None
) -> Path | None:
    """The commentary file of a report (whether or not it exists): the bilan's without
    ``year``, the département's with ``year``, a structure's with both. None for a
    structure whose id cannot be a file name (it contains ``/``, starts with ``.``…)."""
    folder = resolve_data_dir(data_dir) / FOLDER
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
    """The commentary of the report ``rep`` (the bilan's, the département's of its year, or
    its structure's of its year), or None when there is no file or it holds only blank lines."""
    return commentary_file(rep.data_dir, year=rep.year, structure_id=rep.structure_id)


def commentary_file(
    data_dir: str | Path, *, year: int | None = None, structure_id: str | None = None
) -> Commentary | None:
    """The commentary of a report given by its folder (see :func:`commentary_path`), or None
    when there is no file or it holds only blank lines."""
    path = commentary_path(data_dir, year=year, structure_id=structure_id)
    if path is None or not path.is_file():
        return None
    text = _read(path)
    return Commentary(path, text) if text.strip() else None


def commentary_sources(
    data_dir: str | Path, *, year: int | None = None, structure_id: str | None = None
) -> tuple[Path, ...]:
    """The file(s) a report's commentary depends on, existing or not (a file added later must
    rebuild the report too)."""
    path = commentary_path(data_dir, year=year, structure_id=structure_id)
    return () if path is None else (path,)


def commentary_digest(
    data_dir: str | Path, *, year: int | None = None, structure_id: str | None = None
) -> str:
    """A hash of the report's commentary file(s): the name and bytes of each, or "absent".
    It changes when the file is added, edited or removed, and only for that report."""
    digest = hashlib.sha256()
    for path in commentary_sources(data_dir, year=year, structure_id=structure_id):
        digest.update(f"{path.parent.name}/{path.name}".encode() + b"\0")
        digest.update(path.read_bytes() if path.is_file() else b"\0absent")
    return digest.hexdigest()
