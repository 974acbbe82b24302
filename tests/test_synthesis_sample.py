"""The sample's bilan 2009-2013, read as a committee member reads it: the synthèse answers every
question whose evidence the bilan shows (follow-up after exit, rates at comparable publics), in
French words, and its figures are the sections' figures."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from iae_eval.data.load import load_dataset
from iae_eval.indicators import catalogue
from iae_eval.indicators import verdicts as v
from iae_eval.indicators.compute import compute_indicators
from iae_eval.indicators.followup import followup_indicators
from iae_eval.indicators.synthesis import synthesis
from iae_eval.report import report
from iae_eval.sections.synthesis_lines import synthesis_table

SAMPLE = Path(__file__).resolve().parents[1] / "data" / "sample"
YEARS = range(2009, 2014)
#: Every key a user could read as an internal name (the catalogue's keys, the table names).
_KEY = re.compile(r"\b(" + "|".join(sorted(map(re.escape, catalogue.BY_KEY), key=len, reverse=True)) + r")\b")


@pytest.fixture(scope="module")
def dataset():
    return load_dataset(SAMPLE)


@pytest.fixture(scope="module", params=["comite", "public"])
def judged(request, dataset):
    bilan = report(dataset, first_year=2009, last_year=2013, diffusion=request.param, min_cell=5)
    return {j.question.question_id: j for j in synthesis(bilan)}


def test_no_question_is_unanswered_while_the_bilan_shows_its_evidence(judged):
    unanswered = {qid: j.evidence.missing for qid, j in judged.items() if j.proposed == v.NOT_ASSESSABLE}
    assert unanswered == {}
    for qid in ("I1", "I2", "E6"):
        assert judged[qid].proposed not in (v.NOT_ASSESSABLE, v.NOT_PUBLISHABLE), qid


def test_the_synthese_says_nothing_in_internal_keys(judged):
    table = synthesis_table(tuple(judged.values()), kind="bilan")
    for qid, text in table["Éléments de preuve"].items():
        assert not _KEY.search(text), (qid, text)


def test_employment_after_exit_is_the_follow_up_sections_figure_with_its_bounds(dataset, judged):
    """I1 rests on the yearly rates at 6 months of the follow-up (by year of exit), says how many
    exits are known, bounds the rate by counting the unknown all out of work and all in work,
    and marks the year whose horizon lies beyond the data."""
    i1 = judged["I1"].evidence
    frames = {y: followup_indicators(dataset, y).iloc[0] for y in YEARS}
    assert [o.value for o in i1.yearly][:4] == pytest.approx(
        [frames[y]["employed_6m_rate"] for y in range(2009, 2013)]
    )
    assert i1.yearly[4].value is None and frames[2013]["followup_6m_known"] == 0
    examined = sum(float(compute_indicators(dataset, y)["exits_examined"].iloc[0]) for y in range(2009, 2013))
    known = sum(float(frames[y]["followup_6m_known"]) for y in range(2009, 2013))
    employed = sum(
        float(frames[y]["employed_6m_rate"] * frames[y]["followup_6m_known"]) for y in range(2009, 2013)
    )
    note = i1.note
    from iae_eval import fmt

    assert f"situation connue pour {fmt.percent(known / examined)} des sorties examinées de 2009-2012" in note
    assert (
        fmt.percent(employed / examined) in note
        and fmt.percent((employed + examined - known) / examined) in note
    )
    assert "2013" in note and "l'horizon dépasse les données" in note


def test_the_rate_at_comparable_publics_says_what_it_is_at_the_departement(dataset, judged):
    e4, e6 = judged["E4"].evidence, judged["E6"].evidence
    assert e6.value == pytest.approx(e4.value)  # O / E is 1 at the département's own scope
    assert "égal au taux observé" in e6.note and "ne voit ni la motivation" in e6.note
    assert judged["E6"].question.section == "adjusted"


def test_an_atypical_year_makes_its_verdict_fragile_in_the_synthese_and_the_section(dataset, judged):
    """The sample's insertion hours: 423 h in 2011 between 5 714 h and 10 990 h. The synthèse
    says the verdict is fragile and gives the slope and verdict without that year; the clauses
    section of the bilan names the value under its table."""
    from iae_eval.sections import clauses

    i3 = judged["I3"]
    assert i3.evidence.atypical == (2011,)
    assert i3.evidence.steady is not None and i3.evidence.steady.low > 0  # without 2011: a rise
    lines = synthesis_table(tuple(judged.values()), kind="bilan")
    assert lines.loc["I3", "Verdict proposé"].endswith("(fragile)")
    assert (
        "sans 2011" in lines.loc["I3", "Éléments de preuve"]
        and v.PROGRESS in lines.loc["I3", "Éléments de preuve"]
    )
    assert not any(j.evidence.atypical for qid, j in judged.items() if qid != "I3")
    bilan = report(dataset, first_year=2009, last_year=2013, diffusion="comite", min_cell=5)
    notes = [p.text for p in clauses.bilan(bilan).notes.parts]
    assert any("réalisées en 2011" in n and "atypique" in n for n in notes)


def test_a_trend_on_a_count_says_so_in_its_rule(judged):
    lines = synthesis_table(tuple(judged.values()), kind="bilan")
    assert "sur un effectif" in lines.loc["E1", "Règle"]  # RSA recipients in pathway: a count
    assert "sur un effectif" not in lines.loc["P1", "Règle"]  # their share: a rate
