"""The evaluative synthesis on a hand-made dataset: evidence pooled over the period, trends,
missing evidence named, the evaluator's table, the public edition, the section's parts."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import datetime
from pathlib import Path

import pytest

from iae_eval.indicators import verdicts as v
from iae_eval.indicators.evidence import evidence_of
from iae_eval.indicators.framework import CRITERIA, DEFAULT_FRAMEWORK, Question, framework
from iae_eval.indicators.synthesis import COLUMNS, synthesis, synthesis_frame
from iae_eval.indicators.uncertainty import wilson_interval
from iae_eval.report import report
from iae_eval.sections import synthesis as section
from iae_eval.workspace import NOTEBOOKS_DIR
from indicator_factory import make_dataset, pathway, structure, table

NOTEBOOKS = NOTEBOOKS_DIR

# Per year: 2009 two examined exits (one durable), 2010 three (one durable), 2011 one (durable).
PARTICIPANTS = [
    pathway("A", "S1", "ACI", "2009-01-01", "2009-06-30", 1, rsa=True),
    pathway("B", "S1", "ACI", "2009-01-01", "2009-07-31", 7),
    pathway("C", "S1", "ACI", "2010-01-01", "2010-06-30", 1, rsa=True),
    pathway("D", "S1", "ACI", "2010-01-01", "2010-06-30", 7, rsa=True),
    pathway("E", "S1", "ACI", "2010-01-01", "2010-06-30", 6),
    pathway("F", "S1", "ACI", "2011-01-01", "2011-06-30", 1, rsa=True),
]
# Operations: 1, 2 and 4 in 2009, 2010, 2011.
OPERATIONS = [
    {"operation_id": f"O{i}", "year": year, "structure_id": "S1", "title": "Chantier"}
    for i, year in enumerate([2009, 2010, 2010, 2011, 2011, 2011, 2011])
]


@pytest.fixture
def dataset():
    return make_dataset(
        structures=[structure("S1", ["ACI"], "Gapençais")], participants=PARTICIPANTS, operations=OPERATIONS
    )


def _bilan(ds, diffusion="comite", min_cell=5):
    return report(ds, first_year=2009, last_year=2011, diffusion=diffusion, min_cell=min_cell)


def _q(indicator, rule, target=None, verdict=None, qid="Q"):
    return Question(qid, "efficacite", "?", indicator, rule, target, verdict)


def test_a_rate_is_pooled_over_the_period_with_its_wilson_interval(dataset):
    e = evidence_of(_bilan(dataset), _q("durable_rate", v.TARGET_MIN, 0.25))
    # Σ durable / Σ examined = (1 + 1 + 1) / (2 + 3 + 1): not the mean of 50 %, 33 % and 100 %
    assert (e.numerator, e.denominator, e.value) == (3, 6, 0.5)
    low, high = wilson_interval(3, 6)
    assert (e.low, e.high) == pytest.approx((low, high))
    assert low < 0.25 < high  # the interval straddles the target: compatible
    judged = {j.question.question_id: j for j in synthesis(_bilan(dataset))}
    assert judged["E4"].proposed == v.COMPATIBLE


def test_a_count_is_summed_over_the_period_and_compared_alone(dataset):
    e = evidence_of(_bilan(dataset), _q("operations", v.TARGET_MIN, 7))
    assert e.value == 7 and e.low is None
    assert v.target_verdict(rule=v.TARGET_MIN, target=7, value=e.value) == v.REACHED


def test_a_years_evidence_is_that_years_value(dataset):
    r = report(dataset, year=2010, diffusion="comite", min_cell=5)
    e = evidence_of(r, _q("durable_rate", v.TARGET_MIN, 0.25))
    assert (e.numerator, e.denominator) == (1, 3)
    assert e.value == pytest.approx(1 / 3)


def test_a_trend_is_the_ols_slope_with_its_t_interval(dataset):
    e = evidence_of(_bilan(dataset), _q("operations", v.TREND_UP))
    # y = 1, 2, 4 on x = −1, 0, 1: slope 1.5, residuals 1/6, −1/3, 1/6 (SSR 1/6), 1 degree of freedom
    half = 12.7062047 * (1 / 6 / 2) ** 0.5
    assert e.slope.slope == pytest.approx(1.5)
    assert (e.slope.low, e.slope.high) == pytest.approx((1.5 - half, 1.5 + half))
    assert [o.value for o in e.yearly] == [1, 2, 4]
    assert v.trend_verdict(rule=v.TREND_UP, slope=e.slope) == v.STABLE  # three points are few


def test_missing_evidence_names_what_is_missing(dataset):
    bilan = _bilan(dataset)
    unknown = evidence_of(bilan, _q("employed_6m_rate", v.TREND_UP))
    # in French words: the indicator's label and the file to add, never an internal key
    assert "exit_followup.csv" in unknown.missing and "employed_6m_rate" not in unknown.missing
    assert "« En emploi 6 mois après la sortie »" in unknown.missing
    assert "funding.csv" in evidence_of(bilan, _q("cost_per_participant", v.TREND_DOWN)).missing
    assert "context.csv" in evidence_of(bilan, _q("rsa_coverage_rate", v.TREND_UP)).missing
    two_years = report(dataset, first_year=2010, last_year=2011, diffusion="comite", min_cell=5)
    assert "moins de 3 années" in evidence_of(two_years, _q("operations", v.TREND_UP)).missing
    empty = report(dataset, year=2013, diffusion="comite", min_cell=5)
    assert "aucune valeur" in evidence_of(empty, _q("durable_rate", v.TARGET_MIN, 0.25)).missing


def test_coverage_of_rsa_households_from_the_context_table(dataset):
    context = table(
        "context",
        [
            {"year": 2009, "key": "rsa_households", "value": 100.0, "source": "illustratif"},
            {"year": 2010, "key": "rsa_households", "value": 50.0, "source": "illustratif"},
            {"year": 2010, "key": "unemployment_rate", "value": 8.0, "source": "illustratif"},
        ],
    )
    ds = replace(dataset, context=context)
    yearly = [
        evidence_of(
            report(ds, year=y, diffusion="comite", min_cell=5), _q("rsa_coverage_rate", v.TARGET_MIN, 0.01)
        )
        for y in (2009, 2010, 2011)
    ]
    assert [e.value for e in yearly[:2]] == [1 / 100, 2 / 50]  # rsa_participants 1 and 2
    assert yearly[2].missing is not None  # no households for 2011


def test_the_evaluation_table_extends_the_default(dataset):
    rows = [
        {
            "question_id": "E4",
            "criterion": "efficacite",
            "question": "Emploi durable ≥ 40 % ?",
            "indicator": "durable_rate",
            "rule": "target_min",
            "target": 0.40,
            "verdict": "non atteint",
        },
        {
            "question_id": "X1",
            "criterion": "pertinence",
            "question": "Opérations ≥ 5 ?",
            "indicator": "operations",
            "rule": "target_min",
            "target": 5.0,
        },
        {
            "question_id": "D1",
            "criterion": "durabilite",
            "question": "-",
            "rule": "judgement",
            "active": False,
        },
    ]
    ds = replace(dataset, evaluation=table("evaluation", rows))
    questions = framework(ds)
    ids = [q.question_id for q in questions]
    assert "D1" not in ids and ids.count("E4") == 1
    assert ids.index("X1") < ids.index("C1")  # pertinence comes first
    assert len(questions) == len(DEFAULT_FRAMEWORK) - 1 + 1
    judged = {j.question.question_id: j for j in synthesis(_bilan(ds))}
    assert judged["E4"].question.target == 0.40
    assert (judged["E4"].proposed, judged["E4"].evaluator, judged["E4"].retained) == (
        v.COMPATIBLE,
        v.NOT_REACHED,
        v.NOT_REACHED,
    )
    assert judged["X1"].proposed == v.REACHED  # 7 operations over the period


def test_the_default_asks_at_least_one_question_per_criterion_and_a_judged_one():
    for criterion in CRITERIA:
        mine = [q for q in DEFAULT_FRAMEWORK if q.criterion == criterion]
        assert mine, criterion
    assert len({q.question_id for q in DEFAULT_FRAMEWORK}) == len(DEFAULT_FRAMEWORK)


def test_a_years_report_judges_only_the_target_rules(dataset):
    r = report(dataset, year=2010, diffusion="comite", min_cell=5)
    judged = synthesis(r)
    assert judged and all(j.question.rule in v.TARGET_RULES for j in judged)
    assert all(j.evaluator is None for j in judged)


def test_the_public_edition_never_shows_a_verdict_built_on_a_masked_value(dataset):
    rows = [
        {
            "question_id": "E4",
            "criterion": "efficacite",
            "question": "?",
            "indicator": "durable_rate",
            "rule": "target_min",
            "target": 0.25,
            "verdict": "atteint",
        }
    ]
    ds = replace(dataset, evaluation=table("evaluation", rows))
    # 3 durable exits over the period: under min_cell = 5, so the rate would give them back
    public = {j.question.question_id: j for j in synthesis(_bilan(ds, "public", 5))}
    e4 = public["E4"]
    assert (e4.proposed, e4.evaluator, e4.retained) == (v.NOT_PUBLISHABLE,) * 3
    assert e4.evidence.value is None
    row = synthesis_frame(tuple(public.values())).set_index("question_id").loc["E4"]
    assert row[["value", "low", "high"]].isna().all()
    text = section.bilan(_bilan(ds, "public", 5)).table().data.loc["E4"]
    assert "%" not in text["Éléments de preuve"] and v.NOT_PUBLISHABLE in text["Verdict retenu"]
    # the committee sees it, and so does a public edition whose threshold the counts pass
    assert {j.question.question_id: j for j in synthesis(_bilan(ds))}["E4"].proposed == v.COMPATIBLE
    assert {j.question.question_id: j for j in synthesis(_bilan(ds, "public", 2))}[
        "E4"
    ].proposed == v.COMPATIBLE


def test_the_csv_columns_are_the_contracts():
    assert COLUMNS == (
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


def test_the_bilan_section_has_one_line_per_question_and_a_summary_per_criterion(dataset, tmp_path):
    folder = tmp_path / "commentaires" / "synthese"
    folder.mkdir(parents=True)
    (folder / "recommandations.md").write_text(
        "Renforcer le suivi <script>alert(1)</script>", encoding="utf-8"
    )
    (folder / "C1.md").write_text("Les liens avec le **PDI** sont établis.", encoding="utf-8")
    ds = replace(dataset, source=str(tmp_path))
    s = section.bilan(_bilan(ds))
    lines = s.table().data
    assert list(lines.index) == [q.question_id for q in DEFAULT_FRAMEWORK]
    assert list(lines.columns) == list(section.COLUMNS)
    trends = [j for j in synthesis(_bilan(ds)) if j.evidence.slope is not None]
    assert len(s.table().sparklines) == len(trends) >= 1
    assert all(alt.startswith("Évolution de") for _, _, alt in s.table().sparklines)
    summary = s.table(1).data
    assert list(summary["Critère"]) == list(CRITERIA.values())
    assert sum(int(n) for n in summary["Questions"]) == len(DEFAULT_FRAMEWORK)
    texts = s.texts.parts
    assert [t.source.name for t in texts] == ["recommandations.md", "C1.md"]
    assert "<script>" not in s.html and "&lt;script&gt;" in s.html
    assert 'href="#Taux-de-sortie-et-objectifs"' in s.html


def test_the_departement_section_keeps_the_years_questions(dataset):
    s = section.departement(report(dataset, year=2010, diffusion="comite", min_cell=5))
    data = s.table().data
    assert list(data.index) == [q.question_id for q in DEFAULT_FRAMEWORK if q.rule in v.TARGET_RULES]
    assert "Verdict de l'évaluateur" not in data.columns
    # the HTML reads the year's proposed verdict (there is no retained one): one line a question
    page = s._repr_html_()
    assert page.count('class="iae-question"') == len(data) and "Verdict proposé" in page


@pytest.mark.parametrize("kind", ["bilan", "departement"])
def test_every_linked_heading_is_a_heading_of_its_notebook(kind):
    cells = json.loads((NOTEBOOKS / f"{kind}.ipynb").read_text(encoding="utf-8"))["cells"]
    headings = {  # a section (##) or one of its parts (###)
        line.lstrip("#").strip()
        for cell in cells
        if cell["cell_type"] == "markdown"
        for line in "".join(cell["source"]).splitlines()
        if line.startswith(("## ", "### "))
    }
    for key, titles in section.HEADINGS.items():
        assert titles[kind] in headings, (key, titles[kind])


def test_heading_anchor_is_nbconverts():
    from nbconvert.filters.strings import add_anchor

    for title in ("Taux de sortie et objectifs", "Supports d'activité (action A3)", "Plan d'actions"):
        assert f'id="{section.heading_anchor(title)}"' in add_anchor(f"<h2>{title}</h2>")


# --- Exports -------------------------------------------------------------------------------------
def test_synthese_csv_has_the_contract_headers_and_the_kits_convention(dataset, tmp_path):
    from iae_eval.indicators import synthesis_exports as out

    frame = out.synthesis_table(_bilan(dataset))
    path = out.write_csv(frame, tmp_path / "synthese.csv")
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    lines = raw.decode("utf-8-sig").split("\r\n")
    assert lines[0].split(";") == list(COLUMNS)
    assert len([line for line in lines[1:] if line]) == len(DEFAULT_FRAMEWORK)
    e4 = next(line.split(";") for line in lines if line.startswith("E4;"))
    cells = dict(zip(COLUMNS, e4, strict=True))
    assert cells["value"] == "0,5" and cells["target"] == "0,25"
    assert cells["slope"] == "" and cells["proposed_verdict"] == v.COMPATIBLE
    c2 = next(dict(zip(COLUMNS, line.split(";"), strict=True)) for line in lines if line.startswith("C2;"))
    assert c2["slope"] == "1,5" and c2["value"] == ""


def test_public_synthese_csv_leaves_masked_figures_empty(dataset, tmp_path):
    from iae_eval.indicators import synthesis_exports as out

    frame = out.synthesis_table(_bilan(dataset, "public", 5))
    text = out.csv_text(frame)
    e4 = next(
        dict(zip(COLUMNS, line.split(";"), strict=True))
        for line in text.split("\r\n")
        if line.startswith("E4;")
    )
    assert (e4["value"], e4["low"], e4["high"]) == ("", "", "")
    assert e4["proposed_verdict"] == e4["retained_verdict"] == v.NOT_PUBLISHABLE


def test_the_synthesis_is_a_sheet_of_the_years_and_the_bilans_workbooks(dataset, tmp_path):
    from openpyxl import load_workbook

    from iae_eval.indicators import exports
    from iae_eval.indicators import synthesis_exports as out

    year = report(dataset, year=2010, diffusion="comite", min_cell=5)
    table = exports.year_table(dataset, 2010, min_cell=5, diffusion="comite")
    path = exports.write_xlsx(
        table,
        tmp_path / "indicators.xlsx",
        year=2010,
        min_cell=5,
        diffusion="comite",
        synthesis=out.synthesis_table(year),
    )
    book = load_workbook(path)
    assert book.sheetnames == ["Indicateurs 2010", "Synthèse 2010", "Lisez-moi"]
    sheet = book["Synthèse 2010"]
    assert [c.value for c in sheet[1]] == list(COLUMNS)
    assert sheet.max_row == 1 + sum(q.rule in v.TARGET_RULES for q in DEFAULT_FRAMEWORK)
    bilan = out.write_bilan_xlsx(
        out.synthesis_table(_bilan(dataset)),
        tmp_path / "bilan-2009-2011.xlsx",
        banner="x",
        period="2009-2011",
    )
    book = load_workbook(bilan)
    assert book.sheetnames == ["Synthèse 2009-2011", "Lisez-moi"]
    assert book["Synthèse 2009-2011"].max_row == 1 + len(DEFAULT_FRAMEWORK)


def test_the_sample_shows_every_verdict_kind_with_two_evaluator_verdicts():
    from iae_eval.data.load import load_dataset

    ds = load_dataset(Path(__file__).resolve().parents[1] / "data" / "sample")
    judged = synthesis(report(ds, first_year=2009, last_year=2013, diffusion="comite", min_cell=5))
    proposed = {j.proposed for j in judged}
    assert {*v.VERDICTS, v.TO_ASSESS} - {v.NOT_ASSESSABLE} <= proposed | {j.retained for j in judged}
    assert {
        v.REACHED,
        v.NOT_REACHED,
        v.COMPATIBLE,
        v.PROGRESS,
        v.DECLINE,
        v.STABLE,
    } <= proposed
    assert v.NOT_ASSESSABLE not in proposed  # every question's evidence is in the sample's bilan
    given = {j.question.question_id: j.evaluator for j in judged if j.evaluator}
    assert given == {"C1": v.PROGRESS, "D1": v.REACHED}
    for criterion in CRITERIA:  # one judged question per criterion at least
        assert any(
            j.question.criterion == criterion and j.retained not in (v.TO_ASSESS, v.NOT_ASSESSABLE)
            for j in judged
        ), criterion
    coverage = next(j for j in judged if j.question.indicator == "rsa_coverage_rate")
    assert coverage.evidence.yearly[0].value == pytest.approx(167 / 1700)


def test_the_user_doc_lists_the_default_framework():
    text = (Path(__file__).resolve().parents[1] / "docs" / "evaluation.md").read_text(encoding="utf-8")
    for q in DEFAULT_FRAMEWORK:
        assert f"| {q.question_id} | {CRITERIA[q.criterion]} | {q.question} |" in text, q.question_id


def test_the_docs_example_framework_is_valid(tmp_path):
    import shutil

    from iae_eval.data.load import load_dataset

    text = (Path(__file__).resolve().parents[1] / "docs" / "evaluation.md").read_text(encoding="utf-8")
    example = text.split("```\n", 2)[1].split("```")[0]
    shutil.copytree(Path(__file__).parent / "data" / "good", tmp_path / "data")
    (tmp_path / "data" / "evaluation.csv").write_text(example, encoding="utf-8")
    ids = [q.question_id for q in framework(load_dataset(tmp_path / "data"))]
    assert "X2" in ids and "I4" not in ids


def test_a_catalogue_key_the_yearly_frame_lacks_is_not_assessable(dataset, monkeypatch):
    from iae_eval.indicators import catalogue
    from iae_eval.indicators.catalogue import Indicator, Kind

    extra = Indicator("training_6m_rate", "En formation 6 mois après la sortie", Kind.RATE, "test")
    monkeypatch.setitem(catalogue.BY_KEY, "training_6m_rate", extra)
    e = evidence_of(_bilan(dataset), _q("training_6m_rate", v.TREND_UP))
    assert e.missing == "« En formation 6 mois après la sortie » n'est pas calculé pour le département"


def test_text_from_the_evaluation_table_is_never_a_formula_nor_a_script(dataset, tmp_path):
    from openpyxl import load_workbook

    from iae_eval.indicators import synthesis_exports as out

    rows = [
        {"question_id": "X9", "criterion": "impact", "question": "=HYPERLINK(\"http://x\")<script>alert(1)</script>",
         "rule": "judgement"},
    ]  # fmt: skip
    ds = replace(dataset, evaluation=table("evaluation", rows))
    frame = out.synthesis_table(_bilan(ds))
    text = out.csv_text(frame)
    import csv
    import io

    parsed = {row[0]: row for row in csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter=";")}
    assert parsed["X9"][2].startswith("'=HYPERLINK")
    path = out.write_bilan_xlsx(frame, tmp_path / "b.xlsx", banner="x", period="2009-2011")
    cell = next(r for r in load_workbook(path).worksheets[0].iter_rows() if r[0].value == "X9")[2]
    assert cell.data_type == "s" and cell.value.startswith("=HYPERLINK")
    page = section.bilan(_bilan(ds)).html
    assert "<script>alert" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_the_bilan_is_rebuilt_when_a_synthesis_text_of_its_edition_changes(tmp_path):
    from iae_eval.sections.commentary import commentary_digest

    def digest(diffusion: str, **kw) -> str:
        return commentary_digest(tmp_path, diffusion=diffusion, **kw)

    (tmp_path / "commentaires").mkdir()
    before = digest("comite")
    folder = tmp_path / "commentaires" / "synthese"
    folder.mkdir()
    public_before = digest("public")
    (folder / "E4.md").write_text("Objectif tenu.", encoding="utf-8")
    added = digest("comite")
    assert digest("public") == public_before  # the committee's texts are not the public edition's
    (folder / "E4.md").write_text("Objectif tenu de justesse.", encoding="utf-8")
    assert len({before, added, digest("comite")}) == 3
    assert digest("comite", year=2012) == digest("comite", year=2012)


def test_the_portal_links_the_synthesis_files(tmp_path):
    from iae_eval.batch.manifest import Manifest
    from iae_eval.batch.portal import portal_html

    (tmp_path / "2012").mkdir()
    for name in ("2012/synthese.csv", "synthese-2009-2013.csv", "bilan-2009-2013.xlsx"):
        (tmp_path / name).write_text("x", encoding="utf-8")
    manifest = Manifest.load(tmp_path)
    manifest.years["2012"] = {"participants": 452}
    manifest.record(
        "bilan-2009-2013.html",
        {
            "type": "report",
            "kind": "bilan",
            "first_year": 2009,
            "last_year": 2013,
            "status": "ok",
            "label": "Bilan",
        },
    )
    page = portal_html(tmp_path, manifest, {}, fingerprint="f" * 64, generated=datetime(2026, 11, 30))
    for name in ("2012/synthese.csv", "synthese-2009-2013.csv", "bilan-2009-2013.xlsx"):
        assert f'href="{name}"' in page


def test_a_judgement_on_actions_shows_their_progress_at_the_end_of_the_period(dataset):
    rows = [
        {"action_id": "A6", "semester": "2009S1", "status": "en_cours"},
        {"action_id": "A6", "semester": "2010S1", "status": "en_retard"},
        {"action_id": "A6", "semester": "2010S2", "status": "en_cours"},
        {"action_id": "A6", "semester": "2011S1", "status": "en_cours"},
        {"action_id": "A7", "semester": "2009S2", "status": "realise"},
        {"action_id": "A8", "semester": "2012S1", "status": "realise"},  # after the period
    ]
    ds = replace(dataset, action_plan=table("action_plan", rows))
    c1 = {j.question.question_id: j for j in synthesis(_bilan(ds))}["C1"]
    assert c1.evidence.progress == (("A6", "en_cours", "2010S2"), ("A7", "realise", "2009S2"))
    assert c1.proposed == v.TO_ASSESS
    text = section.bilan(_bilan(ds)).table().data.loc["C1", "Éléments de preuve"]
    assert text == "A6 : en cours depuis 2010S2 ; A7 : réalisé depuis 2009S2"


def test_the_evaluation_table_can_replace_the_default(dataset):
    """``mode`` = ``remplace`` (on one row): the table's questions are the whole framework, in
    criterion order; a default id keeps its section."""
    rows = [
        {
            "question_id": "Q2",
            "criterion": "impact",
            "question": "Opérations en hausse ?",
            "indicator": "operations",
            "rule": "trend_up",
        },
        {
            "question_id": "E4",
            "criterion": "efficacite",
            "question": "Emploi durable ≥ 40 % ?",
            "indicator": "durable_rate",
            "rule": "target_min",
            "target": 0.40,
            "mode": "Remplace",
        },
    ]
    questions = framework(replace(dataset, evaluation=table("evaluation", rows)))
    assert [q.question_id for q in questions] == ["E4", "Q2"]
    assert questions[0].section == "rates"
    judged = {
        j.question.question_id: j
        for j in synthesis(_bilan(replace(dataset, evaluation=table("evaluation", rows))))
    }
    assert judged["Q2"].proposed == v.STABLE and judged["Q2"].evidence.slope.slope == pytest.approx(
        1.5
    )  # 1, 2, 4
    # without the mode, the same rows extend the default
    extended = framework(replace(dataset, evaluation=table("evaluation", [dict(r, mode=None) for r in rows])))
    assert len(extended) == len(DEFAULT_FRAMEWORK) + 1


def test_a_mode_is_checked_with_its_line():
    from iae_eval.indicators.framework import check_evaluation

    def rows(*modes, active=None):
        return table(
            "evaluation",
            [
                {
                    "question_id": f"Q{i}",
                    "criterion": "impact",
                    "question": "?",
                    "rule": "judgement",
                    "mode": m,
                    "active": active,
                }
                for i, m in enumerate(modes)
            ],
        ).set_axis(range(2, 2 + len(modes)))

    assert check_evaluation("evaluation.csv", rows("remplace", None)) == []
    unknown = check_evaluation("evaluation.csv", rows(None, "remplacer"))
    assert [(p.line, p.column, p.value) for p in unknown] == [(3, "mode", "remplacer")]
    both = check_evaluation("evaluation.csv", rows("complete", "remplace"))
    assert [(p.line, p.column) for p in both] == [(2, "mode")] and "à la fois" in both[0].problem
    empty = check_evaluation("evaluation.csv", rows("remplace", active=False))
    assert [p.column for p in empty] == ["mode"] and "aucune question active" in empty[0].problem


def test_the_docs_replacing_framework_is_valid_and_replaces(tmp_path):
    import shutil

    from iae_eval.data.load import load_dataset

    text = (Path(__file__).resolve().parents[1] / "docs" / "evaluation.md").read_text(encoding="utf-8")
    example = next(block for block in text.split("```\n")[1::2] if ",remplace" in block)
    shutil.copytree(Path(__file__).parent / "data" / "good", tmp_path / "data")
    (tmp_path / "data" / "evaluation.csv").write_text(example, encoding="utf-8")
    assert [q.question_id for q in framework(load_dataset(tmp_path / "data"))] == ["E4", "Q1"]
