"""The lines of the evaluative synthesis: each question's evidence, rule and verdicts as French
text, the link to the report section holding its detail, and the table part that shows them
(with the sparklines of the judged trends) — for :mod:`iae_eval.sections.synthesis`.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import pandas as pd

from iae_eval import fmt
from iae_eval.data.reference import ACTION_STATUSES
from iae_eval.indicators import catalogue
from iae_eval.indicators import verdicts as v
from iae_eval.indicators.catalogue import Kind
from iae_eval.indicators.framework import CRITERIA
from iae_eval.indicators.synthesis import Judged
from iae_eval.sections import parts
from iae_eval.sections.commentary import (
    render_markdown,
)

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
        "departement": catalogue.label("operations"),
    },
    "supports": {
        "bilan": "Supports d'activité (action A3)",
        "departement": "Supports d'activité (action A3)",
    },
    "funding": {"bilan": catalogue.label("funding_total"), "departement": catalogue.label("funding_total")},
    "followup": {"bilan": "Emploi après la sortie", "departement": "Emploi après la sortie"},
    "adjusted": {
        "bilan": "À publics comparables (sorties cumulées, l'année de sortie prise en compte)",
        "departement": "À publics comparables : taux observés et attendus",
    },
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
    if key in catalogue.FOLLOWUP_KEYS:
        return "followup"
    if key in catalogue.ADJUSTED_KEYS:
        return "adjusted"
    return "rates"


def heading_anchor(title: str) -> str:
    """The id the HTML report gives the heading ``title`` (nbconvert's: spaces become ``-``,
    the rest URL-encoded), as :mod:`iae_eval.batch.htmlexport` keeps it."""
    return quote(title.replace(" ", "-"), safe="?/:@!$&'()*+,;=")


# --- Formats -----------------------------------------------------------------------------------


def value_text(key: str, value: object) -> str:
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
    return text if value < 0 or text.startswith(fmt.MINUS) else f"+{text}"


def _slope_text(key: str, slope: v.Slope) -> str:
    """``+1,4 point par an (de 0,9 à 1,8)``: the slope per year in the indicator's unit, its
    95 % interval after it."""
    kind = catalogue.BY_KEY[key].kind
    if kind is Kind.RATE:

        def show(x: float) -> str:
            return fmt.number(100 * x, 1)

        unit = "point par an" if abs(100 * slope.slope) < 2 else "points par an"
    elif kind is Kind.HOURS:

        def show(x: float) -> str:
            return fmt.number(x, 0)

        unit = "h par an"
    elif kind is Kind.MONEY:

        def show(x: float) -> str:
            return fmt.number(x, 0)

        unit = "€ par an"
    else:

        def show(x: float) -> str:
            return fmt.number(x, 1)

        unit = "par an"
    bounds = f"(de {show(slope.low)} à {show(slope.high)})"
    return f"pente {_signed(show(slope.slope), slope.slope)} {unit} {bounds}"


def _target_text(judged: Judged) -> str:
    q = judged.question
    if q.rule in v.TARGET_RULES:
        sign = "≥" if q.rule == v.TARGET_MIN else "≤"
        shown = value_text(q.indicator, q.target)
        if shown.endswith("%") and abs(q.target * 100 - round(q.target * 100)) < 1e-9:
            shown = fmt.percent(q.target, 0)  # 25 %, not 25,0 %
        return f"cible {sign} {shown}" if q.indicator else ""
    kind = catalogue.BY_KEY[q.indicator].kind if q.indicator in catalogue.BY_KEY else None
    if q.rule in v.TREND_RULES and kind is not None and kind.is_integer:
        return f"{v.RULES[q.rule]}, sur un effectif (qui suit aussi le volume d'activité, pas un taux)"
    return v.RULES[q.rule]


def _evidence_text(judged: Judged) -> str:
    q, e = judged.question, judged.evidence
    if judged.proposed == v.NOT_PUBLISHABLE:
        return "valeur masquée (secret statistique)"
    if q.rule == v.JUDGEMENT:
        if e.progress:
            return " ; ".join(
                f"{action} : {ACTION_STATUSES.get(status, status).lower()} depuis {since}"
                for action, status, since in e.progress
            )
        return "appréciation de l'évaluateur"
    if e.missing:
        return f"manque : {e.missing}"
    if e.slope is not None:
        values = " ; ".join(
            f"{o.year} : {value_text(q.indicator, o.value)}" for o in e.yearly if o.value is not None
        )
        return _with_note(
            f"{_slope_text(q.indicator, e.slope)} ({values})", _fragility(q.indicator, q.rule, e) or e.note
        )
    shown = value_text(q.indicator, e.value)
    if e.low is not None and e.high is not None:
        shown += f" (de {fmt.number(100 * e.low, 1)} à {fmt.percent(e.high)})"
    return _with_note(shown, e.note)


def _fragility(key: str, rule: str, e) -> str | None:
    """What makes a trend's verdict fragile: its atypical years, and the slope without them."""
    if not e.atypical:
        return None
    years = ", ".join(str(y) for y in e.atypical)
    text = (
        f"valeur atypique en {years} (moins du tiers ou plus du triple de ses voisines, "
        "erreur de saisie possible) : verdict fragile"
    )
    if e.steady is not None:
        verdict = v.trend_verdict(rule=rule, slope=e.steady)
        text += f" ; sans {years} : {_slope_text(key, e.steady)}, {verdict}"
    return text


def verdict_text(verdict: str | None, evidence) -> str:
    """A verdict with its symbol, ``(fragile)`` after it when its evidence is."""
    shown = v.symbol_text(verdict)
    return f"{shown} (fragile)" if shown and evidence.fragile else shown


def _with_note(shown: str, note: str | None) -> str:
    return shown if not note else f"{shown} ; {note}"


def value_line(judged: Judged) -> str:
    """The figure of a question's line: its value with its interval and unit (a rate), or its
    slope per year (a trend); ``—`` when there is none, ``masqué`` when the edition hides it."""
    q, e = judged.question, judged.evidence
    if judged.proposed == v.NOT_PUBLISHABLE:
        return "masqué"
    if q.rule == v.JUDGEMENT or e.missing or q.indicator is None:
        return fmt.MISSING
    if e.slope is not None:
        return _slope_text(q.indicator, e.slope).removeprefix("pente ").split(" (de ")[0]
    shown = value_text(q.indicator, e.value)
    if e.low is not None and e.high is not None:
        shown += f" (de {fmt.number(100 * e.low, 1)} à {fmt.percent(e.high)})"
    return shown


COLUMNS: tuple[str, ...] = (
    "Critère",
    "Valeur",
    "Question",
    "Indicateur",
    "Éléments de preuve",
    "Règle",
    "Verdict proposé",
    "Verdict de l'évaluateur",
    "Verdict retenu",
    "Détail",
)


def detail_link(judged: Judged, kind: str) -> tuple[str, str | None]:
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
                "Valeur": value_line(j),
                "Question": q.question,
                "Indicateur": catalogue.label(q.indicator) if q.indicator else "—",
                "Éléments de preuve": _evidence_text(j),
                "Règle": _target_text(j),
                "Verdict proposé": verdict_text(j.proposed, j.evidence),
                "Verdict de l'évaluateur": v.symbol_text(j.evaluator) or "—",
                "Verdict retenu": (
                    verdict_text(j.retained, j.evidence) if j.evaluator is None else v.symbol_text(j.retained)
                ),
                "Détail": detail_link(j, kind)[0] or "—",
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
        """One line a question under its criterion (id, retained verdict, value, question), its
        evidence, rule, verdicts and link on a smaller line under it: four columns, that fit
        an A4 page in portrait."""
        links, pictures = dict(self.links), {q: (png, alt) for q, png, alt in self.sparklines}
        # a year's report has no evaluator: its verdict is the proposed one
        verdict = "Verdict retenu" if "Verdict retenu" in self.frame.columns else "Verdict proposé"
        head = "".join(f'<th scope="col">{c}</th>' for c in ("", verdict, "Valeur", "Question"))
        body, criterion = [], None
        for qid, row in self.frame.iterrows():
            if row["Critère"] != criterion:
                criterion = row["Critère"]
                body.append(
                    f'<tr class="iae-criterion"><th colspan="4" scope="colgroup">{html.escape(criterion)}</th></tr>'
                )
            cells = [f'<th scope="row">{html.escape(str(qid))}</th>']
            cells += [f"<td>{html.escape(str(row[c]))}</td>" for c in (verdict, "Valeur", "Question")]
            body.append(f'<tr class="iae-question">{"".join(cells)}</tr>')
            body.append(
                f'<tr class="iae-evidence"><td></td><td colspan="3">{self._evidence(qid, row, links, pictures)}</td></tr>'
            )
        caption = f"<caption>{html.escape(self.caption)}</caption>" if self.caption else ""
        return (
            f'<table class="iae-table iae-synthesis">{caption}<thead><tr>{head}</tr></thead>'
            f"<tbody>{''.join(body)}</tbody></table>"
        )

    @staticmethod
    def _evidence(qid, row, links, pictures) -> str:
        import base64

        said = [f"Preuve : {html.escape(str(row['Éléments de preuve']))}"]
        if row["Règle"]:
            said.append(f"Règle : {html.escape(str(row['Règle']))}")
        if "Verdict retenu" in row.index:
            verdicts = f"Proposé : {html.escape(str(row['Verdict proposé']))}"
            evaluator = row.get("Verdict de l'évaluateur", fmt.MISSING)
            if evaluator != fmt.MISSING:
                verdicts += f" ; évaluateur : {html.escape(str(evaluator))}"
            said.append(verdicts)
        if qid in links:
            said.append(
                f'<a href="#{html.escape(links[qid], quote=True)}">{html.escape(str(row["Détail"]))}</a>'
            )
        text = " · ".join(said)
        if qid in pictures:
            png, alt = pictures[qid]
            data = base64.b64encode(png).decode("ascii")
            text += (
                f' <img class="iae-sparkline" src="data:image/png;base64,{data}" '
                f'alt="{html.escape(alt, quote=True)}">'
            )
        return text


@dataclass(frozen=True)
class Markdown:
    """The evaluator's text (markdown, rendered safely), under an optional title."""

    markdown: str
    title: str | None = None
    source: Path | None = None
    role = "text"
    kind = "text"

    def _repr_html_(self) -> str:
        heading = f"<h3>{html.escape(self.title)}</h3>" if self.title else ""
        return f'<div class="iae-commentary">{heading}{render_markdown(self.markdown)}</div>'

    def __str__(self) -> str:
        return self.markdown
