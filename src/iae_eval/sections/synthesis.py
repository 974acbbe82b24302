"""« Synthèse évaluative »: the evaluative questions, their evidence and verdicts (docs/evaluation.md).

:func:`bilan` opens the bilan: one line per question (criterion, question, evidence — value,
interval, target or trend with a sparkline —, proposed verdict, evaluator's verdict, link to
the section holding the detail), a summary per criterion, then the evaluator's texts from the
data folder's ``commentaires/synthese/``: ``recommandations.md`` and ``<question_id>.md``
(markdown, escaped like every commentary). :func:`departement` opens a year's report with the
questions judged on that year (the target rules). Verdicts are words with a symbol, never a
colour alone; in the public edition a verdict built on a masked value reads « non publiable ».
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import pandas as pd

from iae_eval import fmt
from iae_eval.indicators import catalogue
from iae_eval.indicators import verdicts as v
from iae_eval.indicators.catalogue import Kind
from iae_eval.indicators.framework import CRITERIA
from iae_eval.indicators.synthesis import Judged, synthesis
from iae_eval.sections import parts
from iae_eval.sections import shared as common
from iae_eval.sections.commentary import (
    FOLDER,
    RECOMMENDATIONS_FILE,
    SYNTHESIS_FOLDER,
    _read,
    render_markdown,
)
from iae_eval.sections.sparkline import sparkline_png

#: The heading of each report section a question links to, in the bilan and in a year's
#: département report (the notebooks' ``##`` headings; a test checks they are there).
HEADINGS: dict[str, dict[str, str]] = {
    "publics": {"bilan": "Personnes en parcours et publics", "departement": "Publics accueillis"},
    "rates": {"bilan": "Taux de sortie et objectifs", "departement": "Taux de sortie et objectifs"},
    "clauses": {
        "bilan": "Clauses sociales (indicateur 3a)",
        "departement": "Clauses sociales (indicateur 3a)",
    },
    "operations": {
        "bilan": "Opérations (indicateur 3b)",
        "departement": "Opérations avec les structures (indicateur 3b)",
    },
    "supports": {
        "bilan": "Supports d'activité (action A3)",
        "departement": "Supports d'activité (action A3)",
    },
    "funding": {"bilan": "Financements", "departement": "Financements"},
    "action_plan": {"bilan": "Plan d'actions", "departement": "Plan d'actions"},
}
_PUBLIC_KEYS = {
    *catalogue.PUBLIC_KEYS,
    "participants",
    "entries",
    "rsa_entries",
    "rsa_share",
    "rsa_coverage_rate",
}


def section_of(key: str | None) -> str | None:
    """The section that details indicator ``key`` (a question of a département's own table)."""
    if key is None:
        return None
    if key in _PUBLIC_KEYS:
        return "publics"
    if key.startswith(("contracts", "clause", "insertion_hours")):
        return "clauses"
    if key == "operations":
        return "operations"
    if key.startswith(("funding", "cost_")):
        return "funding"
    return "rates"


def heading_anchor(title: str) -> str:
    """The id the HTML report gives the heading ``title`` (nbconvert's: spaces become ``-``,
    the rest URL-encoded), as :mod:`iae_eval.batch.htmlexport` keeps it."""
    return quote(title.replace(" ", "-"), safe="?/:@!$&'()*+,;=")


# --- Formats -----------------------------------------------------------------------------------


def _value(key: str, value: object) -> str:
    kind = catalogue.BY_KEY[key].kind if key in catalogue.BY_KEY else None
    if kind is Kind.MONEY:
        return fmt.euros(value)
    if kind is Kind.HOURS:
        return fmt.hours(value)
    if kind is Kind.MONTHS:
        return fmt.number(value, 1)
    if kind is Kind.RATE or (kind is None and key.endswith("_rate")):
        return fmt.percent(value)
    if kind is None:  # a key this version of the kit does not know: its number as written
        return fmt.number(value, 2).rstrip("0").rstrip(",") if not fmt.is_missing(value) else fmt.MISSING
    return fmt.integer(value) if kind.is_integer else fmt.number(value, 1)


def _signed(text: str, value: float) -> str:
    return text if value < 0 or text.startswith("-") else f"+{text}"


def _slope_text(key: str, slope: v.Slope) -> str:
    """``+1,4 point par an [0,9 – 1,8]``: the slope per year in the indicator's unit."""
    kind = catalogue.BY_KEY[key].kind
    if kind is Kind.RATE:

        def show(x: float) -> str:
            return fmt.number(100 * x, 1)

        unit = "point par an"
    elif kind is Kind.MONEY:

        def show(x: float) -> str:
            return fmt.number(x, 0)

        unit = "€ par an"
    else:

        def show(x: float) -> str:
            return fmt.number(x, 1)

        unit = "par an"
    bounds = f"[{show(slope.low)}{fmt.NBSP}–{fmt.NBSP}{show(slope.high)}]"
    return f"pente {_signed(show(slope.slope), slope.slope)} {unit} {bounds}"


def _target_text(judged: Judged) -> str:
    q = judged.question
    if q.rule in v.TARGET_RULES:
        sign = "≥" if q.rule == v.TARGET_MIN else "≤"
        return f"cible {sign} {_value(q.indicator, q.target)}" if q.indicator else ""
    return v.RULES[q.rule]


def _evidence_text(judged: Judged) -> str:
    q, e = judged.question, judged.evidence
    if judged.proposed == v.NOT_PUBLISHABLE:
        return "valeur masquée (secret statistique)"
    if q.rule == v.JUDGEMENT:
        return "appréciation de l'évaluateur"
    if e.missing:
        return f"manque : {e.missing}"
    if e.slope is not None:
        values = " ; ".join(
            f"{o.year} : {_value(q.indicator, o.value)}" for o in e.yearly if o.value is not None
        )
        return f"{_slope_text(q.indicator, e.slope)} ({values})"
    shown = _value(q.indicator, e.value)
    if e.low is not None and e.high is not None:
        shown += f" [{fmt.number(100 * e.low, 1)}{fmt.NBSP}–{fmt.NBSP}{fmt.number(100 * e.high, 1)}]"
    return shown


COLUMNS: tuple[str, ...] = (
    "Critère",
    "Question",
    "Indicateur",
    "Éléments de preuve",
    "Règle",
    "Verdict proposé",
    "Verdict de l'évaluateur",
    "Verdict retenu",
    "Détail",
)


def _detail(judged: Judged, kind: str) -> tuple[str, str | None]:
    key = judged.question.section or section_of(judged.question.indicator)
    if key is None or key not in HEADINGS:
        return "", None
    title = HEADINGS[key][kind]
    return title, heading_anchor(title)


def synthesis_table(judged: tuple[Judged, ...], *, kind: str) -> pd.DataFrame:
    """The lines of the synthesis as text (index: question ids)."""
    rows = []
    for j in judged:
        q = j.question
        rows.append(
            {
                "Critère": CRITERIA[q.criterion],
                "Question": q.question,
                "Indicateur": catalogue.label(q.indicator) if q.indicator else "—",
                "Éléments de preuve": _evidence_text(j),
                "Règle": _target_text(j),
                "Verdict proposé": v.symbol_text(j.proposed),
                "Verdict de l'évaluateur": v.symbol_text(j.evaluator) or "—",
                "Verdict retenu": v.symbol_text(j.retained),
                "Détail": _detail(j, kind)[0] or "—",
            }
        )
    return pd.DataFrame(rows, columns=list(COLUMNS), index=pd.Index([j.question.question_id for j in judged]))


# --- Parts -------------------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class SynthesisTable(parts.Table):
    """The synthesis lines: a table of text whose HTML adds a link to each question's section
    and a sparkline beside each judged trend (``sparklines``: question id → (png, alt))."""

    links: tuple[tuple[str, str], ...] = ()
    sparklines: tuple[tuple[str, bytes, str], ...] = ()

    def _repr_html_(self) -> str:
        import base64

        links, pictures = dict(self.links), {q: (png, alt) for q, png, alt in self.sparklines}
        columns = list(self.frame.columns)
        head = "".join(f'<th scope="col">{html.escape(str(c))}</th>' for c in ["", *columns])
        body = []
        for qid, row in self.frame.iterrows():
            cells = [f'<th scope="row">{html.escape(str(qid))}</th>']
            for column in columns:
                text = html.escape(str(row[column]))
                if column == "Détail" and qid in links:
                    text = f'<a href="#{html.escape(links[qid], quote=True)}">{text}</a>'
                if column == "Éléments de preuve" and qid in pictures:
                    png, alt = pictures[qid]
                    data = base64.b64encode(png).decode("ascii")
                    text += (
                        f'<br><img class="iae-sparkline" src="data:image/png;base64,{data}" '
                        f'alt="{html.escape(alt, quote=True)}">'
                    )
                cells.append(f"<td>{text}</td>")
            body.append(f"<tr>{''.join(cells)}</tr>")
        caption = f"<caption>{html.escape(self.caption)}</caption>" if self.caption else ""
        return (
            f'<table class="iae-table iae-synthesis">{caption}<thead><tr>{head}</tr></thead>'
            f"<tbody>{''.join(body)}</tbody></table>"
        )


@dataclass(frozen=True)
class Markdown:
    """The evaluator's text (markdown, rendered safely), under an optional title."""

    markdown: str
    title: str | None = None
    source: Path | None = None
    role = "text"
    kind = "text"

    def _repr_html_(self) -> str:
        heading = f"<h4>{html.escape(self.title)}</h4>" if self.title else ""
        return f'<div class="iae-commentary">{heading}{render_markdown(self.markdown)}</div>'

    def __str__(self) -> str:
        return self.markdown


def _sparklines(judged: tuple[Judged, ...]) -> tuple[tuple[str, bytes, str], ...]:
    drawn = []
    for j in judged:
        e, key = j.evidence, j.question.indicator
        if e.slope is None or j.proposed == v.NOT_PUBLISHABLE:
            continue
        points = [(o.year, o.value) for o in e.yearly if o.value is not None]
        values = ", ".join(f"{y} : {_value(key, x)}" for y, x in points)
        alt = f"Évolution de « {catalogue.label(key)} » : {values} ; verdict proposé : {j.proposed}."
        drawn.append((j.question.question_id, sparkline_png(points, slope=e.slope), alt))
    return tuple(drawn)


def _links(judged: tuple[Judged, ...], kind: str) -> tuple[tuple[str, str], ...]:
    found = ((j.question.question_id, _detail(j, kind)[1]) for j in judged)
    return tuple((q, anchor) for q, anchor in found if anchor)


def criterion_summary(judged: tuple[Judged, ...]) -> pd.DataFrame:
    """Per criterion: its number of questions and its retained verdicts (``✔ atteint : 1 ; …``)."""
    rows = []
    for criterion, label in CRITERIA.items():
        mine = [j for j in judged if j.question.criterion == criterion]
        if not mine:
            continue
        words = [j.retained for j in mine]
        counted = " ; ".join(f"{v.symbol_text(w)} : {words.count(w)}" for w in dict.fromkeys(words))
        rows.append({"Critère": label, "Questions": str(len(mine)), "Verdicts retenus": counted})
    return pd.DataFrame(rows, columns=["Critère", "Questions", "Verdicts retenus"])


def synthesis_folder(data_dir: str | Path) -> Path:
    """The folder of the synthesis texts: ``<data>/commentaires/synthese``."""
    return Path(data_dir) / FOLDER / SYNTHESIS_FOLDER


def _text_file(path: Path) -> str | None:
    if not path.is_file():
        return None
    text = _read(path)
    return text if text.strip() else None


def _texts(report, judged: tuple[Judged, ...]) -> list:
    folder = synthesis_folder(report.data_dir)
    items: list = []
    recommendations = _text_file(folder / RECOMMENDATIONS_FILE)
    if recommendations:
        items.append(
            Markdown(recommendations, "Recommandations de l'évaluateur", folder / RECOMMENDATIONS_FILE)
        )
    for j in judged:
        qid = j.question.question_id
        name = f"{qid}.md"
        if Path(name).name != name or name.startswith("."):
            continue
        text = _text_file(folder / name)
        if text:
            items.append(Markdown(text, f"{qid} — {j.question.question}", folder / name))
    return items


def _counts_sentence(judged: tuple[Judged, ...]) -> str:
    words = [j.retained for j in judged]
    counted = ", ".join(f"{words.count(w)} « {w} »" for w in dict.fromkeys(words))
    return counted


def bilan(report) -> parts.Section:
    """The synthesis of the bilan's period (see the module)."""
    judged = synthesis(report)
    period = f"{report.first_year}-{report.last_year}"
    lead = parts.lead(
        f"{len(judged)} questions évaluatives sur {len(CRITERIA)} critères, jugées sur la période {period} : "
        f"{_counts_sentence(judged)}. Chaque verdict est proposé par une règle déclarée (cible sur l'intervalle "
        "de confiance, ou tendance sur la pente et son intervalle) ; le verdict de l'évaluateur, quand il est "
        "donné, est celui retenu."
    )
    table = SynthesisTable(
        synthesis_table(judged, kind="bilan"),
        caption=f"Synthèse évaluative {period}",
        links=_links(judged, "bilan"),
        sparklines=_sparklines(judged),
    )
    summary = parts.table(criterion_summary(judged), caption="Verdicts retenus par critère", index=False)
    notes = [
        parts.note(
            "Taux : valeur sur l'ensemble des sorties examinées de la période, avec son intervalle de confiance "
            "à 95 % ; tendances : pente des valeurs annuelles (moindres carrés) et son intervalle à 95 %."
        )
    ]
    if any(j.proposed == v.NOT_PUBLISHABLE for j in judged):
        notes.append(
            parts.note(
                f"« {v.NOT_PUBLISHABLE} » : le verdict repose sur une valeur masquée par le secret statistique "
                f"(effectif inférieur à {report.min_cell})."
            )
        )
    return parts.join(lead, table, *notes, summary, *_texts(report, judged))


def departement(report) -> parts.Section:
    """The short synthesis of a year's département report: the questions judged on that year."""
    judged = synthesis(report)
    if not judged:
        return common.no_data("Aucune question évaluative ne se juge sur une seule année.")
    frame = synthesis_table(judged, kind="departement").drop(
        columns=["Verdict de l'évaluateur", "Verdict retenu"]
    )
    lead = parts.lead(
        f"Questions évaluatives jugées sur l'année {report.year} : {_counts_sentence(judged)}. Les tendances "
        "et l'appréciation de l'évaluateur figurent dans le bilan de la période."
    )
    table = SynthesisTable(
        frame, caption=f"Synthèse évaluative {report.year}", links=_links(judged, "departement")
    )
    return parts.join(lead, table)
