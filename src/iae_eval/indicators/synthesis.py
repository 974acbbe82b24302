"""The evaluative synthesis: each question's evidence and verdicts (docs/evaluation.md).

The evidence of a question is the value of its indicator for the département: for a year's
report the year's value; for the bilan the value over the period — a ratio pooled over the
years (Σ numerators / Σ denominators: a rate over the period's examined exits, a cost over
the period's people), a count or an amount summed, and the yearly values when the rule is a
trend. A rate carries its Wilson 95 % interval. The verdicts come from
:mod:`iae_eval.indicators.verdicts`; a year's report judges only the target rules, and the
evaluator's verdict (given for the period) is the bilan's.

In the public edition a verdict built on a value the edition masks (its denominator, or a
count it gives back, under ``min_cell``) is replaced by ``non publiable``, with its figures.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import pandas as pd

from iae_eval.indicators import verdicts as v
from iae_eval.indicators.evidence import Evidence, evidence_of
from iae_eval.indicators.framework import Question, framework

#: Columns of ``synthese.csv`` and of the synthesis sheets, in this order.
COLUMNS: tuple[str, ...] = (
    "question_id",
    "criterion",
    "question",
    "indicator",
    "value",
    "low",
    "high",
    "target",
    "slope",
    "slope_low",
    "slope_high",
    "proposed_verdict",
    "evaluator_verdict",
    "retained_verdict",
)


@dataclass(frozen=True)
class Judged:
    """A question with its evidence and verdicts."""

    question: Question
    evidence: Evidence
    proposed: str
    evaluator: str | None = None

    @property
    def retained(self) -> str:
        return v.retained(self.proposed, self.evaluator)


def judge(question: Question, evidence: Evidence, *, evaluator: bool = True) -> Judged:
    """The proposed verdict of ``question`` on ``evidence`` (and the evaluator's, when
    ``evaluator``)."""
    if question.rule == v.JUDGEMENT:
        proposed = v.TO_ASSESS
    elif evidence.missing is not None:
        proposed = v.NOT_ASSESSABLE
    elif question.rule in v.TREND_RULES:
        proposed = v.trend_verdict(rule=question.rule, slope=evidence.slope)
    else:
        proposed = v.target_verdict(
            rule=question.rule,
            target=question.target,
            value=evidence.value,
            low=evidence.low,
            high=evidence.high,
        )
    return Judged(question, evidence, proposed, question.verdict if evaluator else None)


def questions_of(rep) -> tuple[Question, ...]:
    """The questions a report judges: every one in the bilan, the target rules in a year's."""
    questions = framework(rep.dataset)
    if rep.is_bilan:
        return questions
    return tuple(q for q in questions if q.rule in v.TARGET_RULES)


def synthesis(rep) -> tuple[Judged, ...]:
    """Every question of the report, judged (see the module); the public edition's verdicts
    built on a masked value are ``non publiable``."""
    judged = []
    for question in questions_of(rep):
        result = judge(question, evidence_of(rep, question), evaluator=rep.is_bilan)
        if result.evidence.masked and rep.edition.suppresses:
            hidden = Evidence(missing=None, masked=True)
            evaluator = v.NOT_PUBLISHABLE if result.evaluator else None
            result = replace(result, evidence=hidden, proposed=v.NOT_PUBLISHABLE, evaluator=evaluator)
        judged.append(result)
    return tuple(judged)


def synthesis_frame(judged: tuple[Judged, ...]) -> pd.DataFrame:
    """One row per question with :data:`COLUMNS` (numbers as floats, None when not applicable)."""
    rows = []
    for j in judged:
        q, e = j.question, j.evidence
        hidden = j.proposed == v.NOT_PUBLISHABLE
        slope = None if hidden else e.slope
        rows.append(
            {
                "question_id": q.question_id,
                "criterion": q.criterion,
                "question": q.question,
                "indicator": q.indicator,
                "value": None if hidden else e.value,
                "low": None if hidden else e.low,
                "high": None if hidden else e.high,
                "target": q.target,
                "slope": None if slope is None else slope.slope,
                "slope_low": None if slope is None else slope.low,
                "slope_high": None if slope is None else slope.high,
                "proposed_verdict": j.proposed,
                "evaluator_verdict": j.evaluator,
                "retained_verdict": j.retained,
            }
        )
    return pd.DataFrame(rows, columns=list(COLUMNS)).astype(object)
