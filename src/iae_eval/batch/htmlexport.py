"""An executed notebook → one self-contained, offline HTML report (French).

nbconvert's ``HTMLExporter`` renders the cells with JupyterLab's cell markup but the kit's
own page template (``templates/iae_report``): no input cells, no prompts, no require.js,
MathJax, mermaid or widget scripts, no CSS or font from the network — only a small inline
style sheet (``report.css``). Figures are already base64 PNG inside the outputs.

What the page adds around the cells:

- a header: kind of report, title (the notebook's first ``# `` heading, taken out of its
  markdown cell, or the ``<h1 class="iae-report-title">`` a title cell displays — see
  :mod:`iae_eval.sections.title` — taken out of its output), year or period, structure, date
  of generation, short data fingerprint;
- a table of contents of the ``##``/``###`` markdown headings, linking to the ids nbconvert
  gives those headings (ids made unique first, so every link resolves);
- the banner of the report's edition (:func:`iae_eval.display.banner`: "Diffusion restreinte —
  document de travail du comité de pilotage" or "Diffusion publique") at the top of the page,
  so no edit of a notebook can drop it;
- a footer with the methodology (sources, definitions, the edition: every figure shown in the
  committee's, the small-count rule with the report's ``min_cell`` in the public one).

The papermill ``parameters`` and ``injected-parameters`` cells are removed entirely, and
so are stderr streams (warnings) — they stay in the executed notebook.
"""

from __future__ import annotations

import copy
import functools
import html
import re
from datetime import datetime
from importlib import resources as importlib_resources
from pathlib import Path
from typing import TYPE_CHECKING

from iae_eval import __version__, display, editions
from iae_eval.data.reference import DEFAULT_MIN_CELL, DURABLE_TARGET, DYNAMIC_TARGET
from iae_eval.fmt import percent

TEMPLATE_DIR = Path(__file__).parent / "templates"
TEMPLATE_NAME = "iae_report"
#: Cells removed from the report (papermill's parameter cells, its error markers).
DROPPED_TAGS = frozenset({"parameters", "injected-parameters", "papermill-error-cell-tag"})
#: Heading levels listed in the table of contents.
TOC_LEVELS = (2, 3)

if TYPE_CHECKING:  # nbformat is imported by the workers only (it pulls in jsonschema)
    import nbformat

_HEADING = re.compile(r'<h([1-6]) id="([^"]*)">(.*?)</h\1>', re.S)
_TAG = re.compile(r"<[^>]+>")
#: The report title a code cell displays (``iae_eval.sections.title``).
_TITLE_OUTPUT = re.compile(r'\s*<h1 class="iae-report-title">(.*?)</h1>\s*', re.S)


@functools.cache
def stylesheet() -> str:
    """The kit's report CSS (also used by the portal)."""
    ref = importlib_resources.files("iae_eval.batch") / "templates" / TEMPLATE_NAME / "report.css"
    return ref.read_text(encoding="utf-8")


@functools.cache
def exporter():
    """One configured exporter per process (compiling the template costs ~0.2 s).

    No preprocessor: :func:`_prepare` already drops the cells a report leaves out, and
    nbconvert's default ones (tag and regex removal with nothing to remove, code highlighting
    and Jupyter's CSS for input cells the page does not show) each copied or validated the
    notebook once more. No second pass over the page with BeautifulSoup either
    (:class:`_PageExporter`): ~0.1 s a report."""
    return _page_exporter_class()(**EXPORT_OPTIONS, default_preprocessors=[])


#: How a report's page is exported: the kit's template, no input cells or prompts, pictures
#: embedded (options of nbconvert's ``HTMLExporter``).
EXPORT_OPTIONS = {
    "template_name": TEMPLATE_NAME,
    "extra_template_basedirs": [str(TEMPLATE_DIR)],
    "exclude_input": True,
    "exclude_input_prompt": True,
    "exclude_output_prompt": True,
    "embed_images": True,
}


#: The alt text of a picture a notebook shows without one (a figure an edit displays as is).
NO_ALT = "Image sans description"
_IMG_WITHOUT_ALT = re.compile(r"<img(?![^>]*\balt=)")


def _page_exporter_class():
    """nbconvert's ``HTMLExporter`` without its last step, which parses the page again with
    BeautifulSoup to give an alt text to images without one (done here on the page's text, in
    French: :data:`NO_ALT`; every chart of the kit has its own, :func:`iae_eval.sections.parts.figure`)
    and ``tabindex="0"`` to the cells of a ``.jp-Notebook`` (the kit's page has none): the
    same page, ~40 ms sooner."""
    from nbconvert import HTMLExporter
    from nbconvert.exporters.templateexporter import TemplateExporter
    from nbconvert.filters.highlight import Highlight2HTML
    from nbconvert.filters.widgetsdatatypefilter import WidgetsDataTypeFilter

    class _PageExporter(HTMLExporter):
        def from_notebook_node(self, nb, resources=None, **kw):
            resources = self._init_resources(resources)
            self.register_filter("highlight_code", Highlight2HTML(parent=self))
            self.register_filter(
                "filter_data_type",
                WidgetsDataTypeFilter(notebook_metadata=self._nb_metadata, parent=self, resources=resources),
            )
            page, resources = TemplateExporter.from_notebook_node(self, nb, resources, **kw)
            return _IMG_WITHOUT_ALT.sub(f'<img alt="{NO_ALT}"', page), resources

    return _PageExporter


def french_datetime(moment: datetime) -> str:
    """``28/11/2025 à 11:30``."""
    return moment.strftime("%d/%m/%Y à %H:%M")


def edition_html(diffusion: str, min_cell: int = DEFAULT_MIN_CELL) -> str:
    """The footer's paragraph on the edition: every figure shown (committee), or the
    small-count rule built from ``min_cell`` (public)."""
    chosen = editions.edition(diffusion)
    n = int(min_cell)
    if not chosen.suppresses:
        return (
            f"<p><strong>Édition.</strong> {html.escape(chosen.banner)} : tous les effectifs et tous les "
            "taux sont affichés, même petits ; ce document ne doit pas être diffusé hors du comité de "
            "pilotage. Aucun identifiant de personne ni aucune ligne de données individuelles n'y figure.</p>"
        )
    return (
        f"<p><strong>Édition.</strong> {html.escape(chosen.banner)}. <strong>Secret statistique.</strong> "
        f"Tout effectif inférieur à {n} est masqué (« &lt; {n} »), de même que les valeurs qui permettraient "
        "de le retrouver par différence (« s »), y compris un sous-ensemble (« dont RSA ») dont la "
        f"différence avec son total est inférieure à {n}. Aucune donnée individuelle ne figure dans ce "
        "rapport.</p>"
    )


def methodology_html(
    *,
    fingerprint: str,
    generated: str,
    min_cell: int = DEFAULT_MIN_CELL,
    diffusion: str = editions.DEFAULT_DIFFUSION,
) -> str:
    """The footer: sources, definitions and the edition (with ``min_cell``), in French."""
    return (
        "<h2>Méthodologie</h2>"
        "<p><strong>Sources.</strong> Fichiers de suivi des parcours d'insertion des structures "
        "de l'insertion par l'activité économique (entrées, sorties, motifs de sortie), marchés "
        "publics, opérations et financements recensés par le Département. Jeu de données "
        f"d'empreinte <code>{html.escape(fingerprint)}</code>.</p>"
        "<p><strong>Définitions.</strong> Les indicateurs suivent le référentiel de l'évaluation "
        "(documentation du kit, « Définitions des indicateurs ») : un parcours est actif une année "
        "s'il a commencé au plus tard le 31 décembre et ne s'est pas achevé avant le 1er janvier ; "
        "les taux de sortie rapportent les sorties examinées, hors retraits et hors sorties avant "
        "la durée minimale (3 mois en ACI et EI, 150 heures en AI et ETTI). Objectifs de la "
        f"période : {percent(DURABLE_TARGET, 0)} de sorties vers l'emploi durable, "
        f"{percent(DYNAMIC_TARGET, 0)} de sorties dynamiques.</p>"
        "<p><strong>Incertitude.</strong> Les taux sont donnés avec leur intervalle de confiance à 95 % "
        "(intervalle de Wilson) ; un taux calculé sur moins de 20 sorties examinées est marqué « effectif "
        "faible ».</p>"
        + edition_html(diffusion, min_cell)
        + f"<p>Rapport produit par iae-eval {html.escape(__version__)} le "
        f"{html.escape(generated)}.</p>"
    )


def _html_output(cell) -> str:
    """The ``text/html`` a code cell displays (its first such output), or ``""``."""
    for output in cell.get("outputs", []):
        data = output.get("data", {}).get("text/html")
        if data:
            return data if isinstance(data, str) else "".join(data)
    return ""


def _title_output(cell) -> str | None:
    """The report title a code cell displays (``<h1 class="iae-report-title">``), if it does."""
    if cell.cell_type != "code":
        return None
    match = _TITLE_OUTPUT.fullmatch(_html_output(cell))
    return _text(match.group(1)) if match else None


def _prepare(nb: nbformat.NotebookNode) -> tuple[nbformat.NotebookNode, str | None]:
    """A copy of ``nb`` without parameter cells and stderr, and the title taken out of it."""
    nb = copy.deepcopy(nb)
    cells = []
    title: str | None = None
    for cell in nb.cells:
        tags = set(cell.get("metadata", {}).get("tags", []))
        if tags & DROPPED_TAGS:
            continue
        if title is None and _title_output(cell):
            title = _title_output(cell)
            continue  # the page header shows it
        if cell.cell_type == "code":
            cell.outputs = [
                o
                for o in cell.get("outputs", [])
                if not (o.get("output_type") == "stream" and o.get("name") == "stderr")
            ]
        elif cell.cell_type == "markdown" and title is None:
            lines = cell.source.splitlines()
            first = next((i for i, line in enumerate(lines) if line.strip()), None)
            if first is not None and re.match(r"#\s", lines[first]):
                title = lines[first].lstrip("#").strip()
                rest = "\n".join(lines[first + 1 :]).strip()
                if not rest:
                    continue
                cell.source = rest
            else:
                title = ""
        cells.append(cell)
    nb.cells = cells
    return nb, title or None


def notebook_title(nb: nbformat.NotebookNode) -> str | None:
    """The report title a code cell displays before the first markdown cell, else the text of
    the first ``# `` heading of the first markdown cell, if any."""
    for cell in nb.cells:
        if set(cell.get("metadata", {}).get("tags", [])) & DROPPED_TAGS:
            continue
        if _title_output(cell):
            return _title_output(cell)
        if cell.cell_type != "markdown":
            continue
        first = next((line for line in cell.source.splitlines() if line.strip()), "")
        return first.lstrip("#").strip() if re.match(r"#\s", first) else None
    return None


def _text(fragment: str) -> str:
    return html.unescape(_TAG.sub("", fragment)).strip()


def _link_headings(body: str) -> tuple[str, list[tuple[int, str, str]]]:
    """Make the ids of nbconvert's headings unique; return the body and the TOC entries."""
    seen: dict[str, int] = {}
    entries: list[tuple[int, str, str]] = []

    def fix(match: re.Match) -> str:
        level, hid, inner = int(match.group(1)), match.group(2), match.group(3)
        count = seen.get(hid, 0) + 1
        seen[hid] = count
        new_id = hid if count == 1 else f"{hid}-{count}"
        if new_id != hid:
            inner = inner.replace(f'href="#{hid}"', f'href="#{new_id}"')
        label = _text(inner.split('<a class="anchor-link"')[0])
        if level in TOC_LEVELS and label:
            entries.append((level, new_id, label))
        return f'<h{level} id="{new_id}">{inner}</h{level}>'

    return _HEADING.sub(fix, body), entries


def _toc(entries: list[tuple[int, str, str]]) -> str:
    """Nested ordered lists: level-3 headings under the level-2 heading before them."""
    if not entries:
        return ""
    parts = ['<nav class="iae-toc" aria-label="Sommaire"><h2>Sommaire</h2><ol>']
    open_sub = False
    top = min(level for level, _, _ in entries)
    for index, (level, hid, label) in enumerate(entries):
        link = f'<a href="#{hid}">{html.escape(label)}</a>'
        if level > top:
            if not open_sub:
                parts.append("<ol>" if index else "<li><ol>")
                open_sub = True
            parts.append(f"<li>{link}</li>")
            continue
        if open_sub:
            parts.append("</ol></li>")
            open_sub = False
        elif index:
            parts.append("</li>")
        parts.append(f"<li>{link}")
    parts.append("</ol></li>" if open_sub else "</li>")
    parts.append("</ol></nav>")
    return "".join(parts)


def css_string(text: str) -> str:
    """``text`` as a CSS string literal: every character but letters, digits and spaces as a
    CSS escape (``\\3C ``), so no text from the data can close the string or the style element."""
    out = []
    for ch in text:
        out.append(ch if ch.isalnum() and ch.isascii() or ch == " " else f"\\{ord(ch):X} ")
    return '"' + "".join(out) + '"'


def print_margins(*, diffusion: str, title: str, period: str | None = None) -> str:
    """The running header and footer of the printed pages (CSS page margin boxes): the edition
    on the left, the title and period on the right, the page number at the bottom."""
    chosen = editions.edition(diffusion)
    heading = title if not period or period in title else f"{title} — {period}"
    return (
        "@page { "
        f"@top-left {{ content: {css_string(chosen.short_banner)}; font: bold 8.5pt sans-serif; "
        f"color: {chosen.colour}; }} "
        f"@top-right {{ content: {css_string(heading)}; font: 8.5pt sans-serif; color: #5a5a5a; }} "
        '@bottom-right { content: "Page " counter(page) " sur " counter(pages); font: 8.5pt sans-serif; '
        "color: #5a5a5a; } "
        f"@bottom-left {{ content: {css_string(chosen.banner)}; font: 8pt sans-serif; color: #5a5a5a; }} "
        "}"
    )


def report_html(
    nb: nbformat.NotebookNode,
    *,
    kicker: str,
    meta: list[tuple[str, str]],
    fingerprint: str,
    generated: datetime | None = None,
    fallback_title: str = "Rapport",
    min_cell: int = DEFAULT_MIN_CELL,
    diffusion: str = editions.DEFAULT_DIFFUSION,
    period: str | None = None,
) -> str:
    """The HTML page of the executed notebook ``nb``.

    ``kicker`` is the kind of report shown above the title; ``meta`` the ``(label, value)``
    pairs of the header (year, structure…), to which the edition, the date of generation and
    the short data fingerprint are added. The banner of the edition ``diffusion`` tops the page;
    printed, every page carries its short form, the title, the ``period`` and the page number
    (:func:`print_margins`).
    """
    clean, title = _prepare(nb)
    when = french_datetime(generated or datetime.now())
    short = fingerprint[:12] if fingerprint else "inconnue"
    title = title or fallback_title
    iae = {
        "version": __version__,
        "page_title": f"{title} — {kicker}" if kicker and kicker.lower() not in title.lower() else title,
        "title": title,
        "kicker": kicker,
        "meta": [
            *meta,
            ("Édition", editions.edition(diffusion).banner),
            ("Généré le", when),
            ("Données", short),
        ],
        "banner": display.banner(diffusion).html,
        "css": stylesheet() + "\n" + print_margins(diffusion=diffusion, title=title, period=period),
        "footer": methodology_html(fingerprint=short, generated=when, min_cell=min_cell, diffusion=diffusion),
    }
    body, _ = exporter().from_notebook_node(clean, resources={"iae": iae})
    body, entries = _link_headings(body)
    return body.replace("<!--iae-toc-->", _toc(entries), 1)
