"""The evaluative framework: the questions the synthesis answers, each on a criterion with a
rule (docs/evaluation.md).

:data:`DEFAULT_FRAMEWORK` is drawn from the Agenda 21 sheet H5: at least one question per
criterion (pertinence, cohérence, efficacité, efficience, impact, durabilité). A dataset's
optional ``evaluation`` table **extends** it: a row whose ``question_id`` is one of the
default's replaces that question (its wording, indicator, rule, target, and the evaluator's
verdict), other rows are added after the default's questions of their criterion, and a row
with ``active`` = ``non`` leaves that question out. With ``mode`` = ``remplace`` (on any row;
:data:`MODES`) the table **replaces** the default: its rows are the whole framework. :func:`framework` gives the questions a
dataset is evaluated on; :func:`check_evaluation` the problems of an ``evaluation`` table.

An indicator is a key of the catalogue (:mod:`iae_eval.indicators.catalogue`); a question may
name a key that this version of the kit does not compute yet (the default names employment
after exit): its verdict is then ``non évaluable``, naming what is missing.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from iae_eval.data.reference import DURABLE_TARGET, DYNAMIC_TARGET
from iae_eval.errors import Problem
from iae_eval.indicators import catalogue
from iae_eval.indicators import verdicts as v

#: The criteria, in the order the synthesis shows them.
CRITERIA: dict[str, str] = {
    "pertinence": "Pertinence",
    "coherence": "Cohérence",
    "efficacite": "Efficacité",
    "efficience": "Efficience",
    "impact": "Impact",
    "durabilite": "Durabilité",
}

#: The four objectives of the sheet.
OBJ_PROJECT = "Un projet IAE renforcé"
OBJ_TERRITORY = "Des parcours adaptés au territoire"
OBJ_RETURN = (
    "Le retour durable à l'emploi des personnes en difficulté, avec un effet positif sur le territoire"
)
OBJ_ESS = "Une contribution à l'économie sociale et solidaire"


@dataclass(frozen=True)
class Question:
    """One evaluative question: its criterion, its evidence (an indicator key) and its rule."""

    question_id: str
    criterion: str
    question: str
    indicator: str | None
    rule: str
    target: float | None = None
    #: The evaluator's verdict (one of :data:`iae_eval.indicators.verdicts.VERDICTS`), if given.
    verdict: str | None = None
    objective: str = ""
    #: The report section that holds the detail (a key of the synthesis section's headings).
    section: str | None = None
    #: The sheet's actions whose progress a judgement rests on (the ``action_plan`` table).
    actions: tuple[str, ...] = ()

    @property
    def is_trend(self) -> bool:
        return self.rule in v.TREND_RULES


#: The actions of the sheet each judgement of the default looks at.
_ACTIONS: dict[str, tuple[str, ...]] = {"C1": ("A6", "A7", "A8"), "D2": ("A1", "A2")}

DEFAULT_FRAMEWORK: tuple[Question, ...] = tuple(
    Question(qid, criterion, question, indicator, rule, target, None, objective, section, _ACTIONS.get(qid, ()))
    for qid, criterion, question, indicator, rule, target, objective, section in (
        ("P1", "pertinence", "Les allocataires du RSA sont-ils une part croissante des personnes en parcours ?",
         "rsa_share", v.TREND_UP, None, OBJ_RETURN, "publics"),
        ("P2", "pertinence", "L'IAE touche-t-elle une part croissante des foyers allocataires du RSA du département ?",
         "rsa_coverage_rate", v.TREND_UP, None, OBJ_RETURN, "publics"),
        ("C1", "coherence", "Les liens avec l'offre des institutions, le PDI et le PTI (actions A6 à A8) ont-ils été établis ?",
         None, v.JUDGEMENT, None, OBJ_PROJECT, "action_plan"),
        ("C2", "coherence", "Les opérations menées avec les structures et leurs partenaires (indicateur 3b) se développent-elles ?",
         "operations", v.TREND_UP, None, OBJ_PROJECT, "operations"),
        ("E1", "efficacite", "Le nombre d'allocataires du RSA en parcours (indicateur 1) progresse-t-il ?",
         "rsa_participants", v.TREND_UP, None, OBJ_RETURN, "publics"),
        ("E2", "efficacite", "Les sorties d'allocataires du RSA en emploi durable ou en formation qualifiante (indicateur 2) progressent-elles ?",
         "rsa_durable_or_training", v.TREND_UP, None, OBJ_RETURN, "rates"),
        ("E3", "efficacite", "Les marchés du Conseil général avec clause sociale (indicateur 3a) progressent-ils ?",
         "contracts_with_clause", v.TREND_UP, None, OBJ_ESS, "clauses"),
        ("E4", "efficacite", "Le taux d'emploi durable atteint-il l'objectif ?",
         "durable_rate", v.TARGET_MIN, DURABLE_TARGET, OBJ_RETURN, "rates"),
        ("E5", "efficacite", "Le taux de sorties dynamiques atteint-il l'objectif ?",
         "dynamic_rate", v.TARGET_MIN, DYNAMIC_TARGET, OBJ_RETURN, "rates"),
        ("E6", "efficacite", "Compte tenu des publics accueillis, le taux d'emploi durable atteint-il l'objectif ?",
         "durable_adjusted_rate", v.TARGET_MIN, DURABLE_TARGET, OBJ_RETURN, "adjusted"),
        ("F1", "efficience", "Le coût par personne en parcours baisse-t-il ?",
         "cost_per_participant", v.TREND_DOWN, None, OBJ_PROJECT, "funding"),
        ("F2", "efficience", "Le coût par sortie dynamique baisse-t-il ?",
         "cost_per_dynamic_exit", v.TREND_DOWN, None, OBJ_PROJECT, "funding"),
        ("F3", "efficience", "Le coût par sortie en emploi durable baisse-t-il ?",
         "cost_per_durable_exit", v.TREND_DOWN, None, OBJ_PROJECT, "funding"),
        ("I1", "impact", "Les personnes sorties sont-elles plus souvent en emploi six mois après leur sortie ?",
         "employed_6m_rate", v.TREND_UP, None, OBJ_RETURN, "followup"),
        ("I2", "impact", "Les personnes sorties sont-elles plus souvent en emploi douze mois après leur sortie ?",
         "employed_12m_rate", v.TREND_UP, None, OBJ_RETURN, "followup"),
        ("I3", "impact", "Les heures d'insertion réalisées au titre des clauses sociales progressent-elles ?",
         "insertion_hours_done", v.TREND_UP, None, OBJ_ESS, "clauses"),
        ("I4", "impact", "Les supports d'activité (espaces naturels, patrimoine bâti, recyclage…) ont-ils un effet positif sur le territoire ?",
         None, v.JUDGEMENT, None, OBJ_TERRITORY, "supports"),
        ("D1", "durabilite", "Les financements sont-ils assez diversifiés pour durer (Europe, État, Région, communes) ?",
         None, v.JUDGEMENT, None, OBJ_PROJECT, "funding"),
        ("D2", "durabilite", "Le pilotage (comité de pilotage, actions A1 et A2) est-il en place ?",
         None, v.JUDGEMENT, None, OBJ_PROJECT, "action_plan"),
        ("D3", "durabilite", "Le taux d'emploi durable progresse-t-il sur la période ?",
         "durable_rate", v.TREND_UP, None, OBJ_RETURN, "rates"),
    )
)  # fmt: skip


#: How an ``evaluation`` table meets the default framework (its ``mode`` column; empty: the
#: first).
EXTEND, REPLACE = "complete", "remplace"
MODES: dict[str, str] = {
    EXTEND: "complète le référentiel par défaut",
    REPLACE: "remplace le référentiel par défaut",
}


def table_mode(table: pd.DataFrame) -> str:
    """The mode an ``evaluation`` table declares (:data:`MODES`), :data:`EXTEND` by default."""
    if "mode" not in table.columns:
        return EXTEND
    given = {m.lower() for m in (_text(x) for x in table["mode"]) if m}
    return REPLACE if REPLACE in given else EXTEND


def _text(value: object) -> str | None:
    return None if value is None or pd.isna(value) or not str(value).strip() else str(value).strip()


def _question(row: pd.Series, default: Question | None) -> Question:
    verdict = _text(row["verdict"])
    target = row["target"]
    return Question(
        question_id=str(row["question_id"]).strip(),
        criterion=str(row["criterion"]).strip(),
        question=str(row["question"]).strip(),
        indicator=_text(row["indicator"]),
        rule=str(row["rule"]).strip(),
        target=None if pd.isna(target) else float(target),
        verdict=None if verdict is None else v.verdict_word(verdict),
        objective=_text(row["objective"]) or (default.objective if default else ""),
        section=default.section if default and default.indicator == _text(row["indicator"]) else None,
        actions=default.actions if default else (),
    )


def merge(default: tuple[Question, ...], table: pd.DataFrame | None) -> tuple[Question, ...]:
    """``default`` extended by ``table`` (an ``evaluation`` table): see the module. Questions
    come criterion by criterion, in the order of :data:`CRITERIA`."""
    if table is None or table.empty:
        return tuple(default)
    by_id = {q.question_id: q for q in default}
    if table_mode(table) == REPLACE:
        default = ()  # the table's rows are the framework (a default id keeps its section)
    own: dict[str, Question] = {}
    dropped: set[str] = set()
    for _, row in table.iterrows():
        qid = str(row["question_id"]).strip()
        active = row["active"]
        if not pd.isna(active) and not bool(active):
            dropped.add(qid)
            continue
        own[qid] = _question(row, by_id.get(qid))
    questions = [own.pop(q.question_id, q) for q in default if q.question_id not in dropped]
    questions += list(own.values())
    order = list(CRITERIA)
    return tuple(sorted(questions, key=lambda q: order.index(q.criterion)))


def framework(dataset) -> tuple[Question, ...]:
    """The questions ``dataset`` is evaluated on: the default, extended by its ``evaluation`` table."""
    return merge(DEFAULT_FRAMEWORK, getattr(dataset, "evaluation", None))


def check_evaluation(label: str, frame: pd.DataFrame) -> list[Problem]:
    """The problems of an ``evaluation`` table (index = line numbers): unknown criterion,
    rule, indicator or verdict; a target rule without a target; a rule that needs an
    indicator without one; an unknown mode, or both; a replacing table without an active
    question."""
    problems: list[Problem] = []
    keys = ", ".join(CRITERIA)
    rules = ", ".join(v.RULES)
    for line, row in frame.iterrows():

        def add(column: str, message: str, row=row, line=line) -> None:
            value = row[column]
            shown = "" if value is None or pd.isna(value) else str(value)
            if isinstance(value, float) and value.is_integer():
                shown = str(int(value))
            problems.append(Problem(label, int(line), column, shown, message))

        criterion, rule, indicator = _text(row["criterion"]), _text(row["rule"]), _text(row["indicator"])
        if criterion is not None and criterion not in CRITERIA:
            add("criterion", f"critère inconnu (valeurs possibles : {keys})")
        if rule is not None and rule not in v.RULES:
            add("rule", f"règle inconnue (valeurs possibles : {rules})")
        if indicator is not None and indicator not in catalogue.BY_KEY:
            add(
                "indicator",
                "indicateur inconnu (pas une clé du catalogue des indicateurs, voir docs/indicators.md)",
            )
        if rule in v.TARGET_RULES + v.TREND_RULES and indicator is None:
            add("indicator", f"un indicateur est obligatoire pour la règle {rule}")
        if rule in v.TARGET_RULES and pd.isna(row["target"]):
            add("target", f"une cible est obligatoire pour la règle {rule}")
        verdict = _text(row["verdict"])
        if verdict is not None and v.verdict_word(verdict) is None:
            add("verdict", f"verdict inconnu (valeurs possibles : {', '.join(v.VERDICTS)})")
        mode = _text(row["mode"]) if "mode" in row.index else None
        if mode is not None and mode.lower() not in MODES:
            add("mode", f"mode inconnu (valeurs possibles : {', '.join(MODES)})")
    if table_mode(frame) == REPLACE and not any(pd.isna(a) or bool(a) for a in frame["active"]):
        line = int(frame.index[0])
        problems.append(
            Problem(label, line, "mode", REPLACE, "le référentiel remplacé n'a aucune question active")
        )
    modes = {m.lower() for m in (_text(x) for x in frame.get("mode", ())) if m} & set(MODES)
    if len(modes) > 1:
        line = next(i for i, x in frame["mode"].items() if (_text(x) or "").lower() == EXTEND)
        problems.append(
            Problem(
                label,
                int(line),
                "mode",
                frame.at[line, "mode"],
                "la table ne peut pas à la fois compléter et remplacer le référentiel par défaut",
            )
        )
    return problems
