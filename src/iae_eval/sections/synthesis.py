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

from pathlib import Path

import pandas as pd

from iae_eval.indicators import catalogue
from iae_eval.indicators import verdicts as v
from iae_eval.indicators.framework import CRITERIA
from iae_eval.indicators.synthesis import Judged, synthesis
from iae_eval.sections import parts
from iae_eval.sections.commentary import (
    RECOMMENDATIONS_FILE,
    SYNTHESIS_FOLDER,
    _read,
    commentary_path,
)
from iae_eval.sections.notes import no_data
from iae_eval.sections.sparkline import sparkline_png
from iae_eval.sections.synthesis_lines import (
    COLUMNS,
    HEADINGS,
    Markdown,
    SynthesisTable,
    detail_link,
    heading_anchor,
    section_of,
    synthesis_table,
    value_text,
)

__all__ = ["COLUMNS", "HEADINGS", "bilan", "criterion_summary", "departement", "heading_anchor", "section_of"]


def _sparklines(judged: tuple[Judged, ...]) -> tuple[tuple[str, bytes, str], ...]:
    drawn = []
    for j in judged:
        e, key = j.evidence, j.question.indicator
        if e.slope is None or j.proposed == v.NOT_PUBLISHABLE:
            continue
        points = [(o.year, o.value) for o in e.yearly if o.value is not None]
        values = ", ".join(f"{y} : {value_text(key, x)}" for y, x in points)
        alt = f"Évolution de « {catalogue.label(key)} » : {values} ; verdict proposé : {j.proposed}."
        drawn.append((j.question.question_id, sparkline_png(points, slope=e.slope), alt))
    return tuple(drawn)


def _links(judged: tuple[Judged, ...], kind: str) -> tuple[tuple[str, str], ...]:
    found = ((j.question.question_id, detail_link(j, kind)[1]) for j in judged)
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


def synthesis_folder(data_dir: str | Path, *, diffusion: str) -> Path:
    """The folder of the synthesis texts of the edition ``diffusion``:
    ``<data>/commentaires/synthese`` (committee) or ``<data>/commentaires/public/synthese``."""
    return commentary_path(data_dir, diffusion=diffusion).parent / SYNTHESIS_FOLDER


def _text_file(path: Path) -> str | None:
    if not path.is_file():
        return None
    text = _read(path)
    return text if text.strip() else None


def _texts(rep, judged: tuple[Judged, ...]) -> list:
    folder = synthesis_folder(rep.data_dir, diffusion=rep.diffusion)
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


def bilan(rep) -> parts.Section:
    """The synthesis of the bilan's period (see the module)."""
    judged = synthesis(rep)
    period = f"{rep.first_year}-{rep.last_year}"
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
                f"(effectif inférieur à {rep.min_cell})."
            )
        )
    return parts.join(lead, table, *notes, summary, *_texts(rep, judged))


def departement(rep) -> parts.Section:
    """The short synthesis of a year's département report: the questions judged on that year."""
    judged = synthesis(rep)
    if not judged:
        return no_data("Aucune question évaluative ne se juge sur une seule année.")
    frame = synthesis_table(judged, kind="departement").drop(
        columns=["Verdict de l'évaluateur", "Verdict retenu"]
    )
    lead = parts.lead(
        f"Questions évaluatives jugées sur l'année {rep.year} : {_counts_sentence(judged)}. Les tendances "
        "et l'appréciation de l'évaluateur figurent dans le bilan de la période."
    )
    table = SynthesisTable(
        frame, caption=f"Synthèse évaluative {rep.year}", links=_links(judged, "departement")
    )
    return parts.join(lead, table)
