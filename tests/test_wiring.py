"""The editions, intervals, funnel plots and commentary wired into the report sections.

Hand-computed Wilson intervals (z = 1,96): 3 of 8 → [13,68 % ; 69,43 %], 5 of 8 → [30,57 % ;
86,32 %], 20 of 25 → [60,87 % ; 91,14 %], 1 of 10 → [1,79 % ; 40,42 %], 0 of 30 →
[0 ; 11,35 %].
"""

from __future__ import annotations

import json
import re
from datetime import datetime
from pathlib import Path

import pandas as pd
import pytest

from iae_eval.batch.manifest import Manifest
from iae_eval.batch.portal import portal_html
from iae_eval.data.load import load_dataset
from iae_eval.indicators.exports import year_table
from iae_eval.report import report
from iae_eval.sections import funnel, parts, publics, trend
from iae_eval.sections.formats import masked, suppressed
from iae_eval.sections.frames import structure_years
from iae_eval.sections.notes import edition_legend
from iae_eval.sections.rate_texts import labelled, rate_texts, target_sentence
from iae_eval.workspace import NOTEBOOKS_DIR
from indicator_factory import make_dataset, pathway, structure

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "data" / "sample"
NOTEBOOKS = NOTEBOOKS_DIR


@pytest.fixture(scope="module")
def sample():
    return load_dataset(SAMPLE)


def plain(text: str) -> str:
    """French text with ordinary spaces and no word joiner (for readable expectations)."""
    return text.replace("\u00a0", " ").replace("\u202f", " ").replace("\u2060", "")


def exits_frame(rows: dict[str, tuple[int, int, int, int]]) -> pd.DataFrame:
    """Indicator rows from (durable, transition, positive, other) examined exits."""
    return pd.DataFrame(
        {
            name: {
                "exits_emploi_durable": d,
                "exits_emploi_transition": t,
                "exits_sortie_positive": p,
                "exits_autre_sortie": o,
                "exits_retrait": 0,
                "exits": d + t + p + o,
                "exits_examined": d + t + p + o,
                "durable_rate": d / (d + t + p + o) if d + t + p + o else None,
                "dynamic_rate": (d + t + p) / (d + t + p + o) if d + t + p + o else None,
            }
            for name, (d, t, p, o) in rows.items()
        }
    ).T


# --- Rates with their interval -------------------------------------------------------------------


def test_rate_texts_carry_the_wilson_interval_and_the_low_count_mark():
    frame = exits_frame({"A": (3, 1, 1, 3), "B": (0, 0, 0, 0), "C": (20, 0, 0, 5)})
    shown = frame.astype(object)
    assert [plain(t) for t in rate_texts(frame, shown, "durable_rate")] == [
        "37,5 % [13,7 – 69,4] (effectif faible)",
        "—",
        "80,0 % [60,9 – 91,1]",
    ]
    assert plain(rate_texts(frame, shown, "dynamic_rate")[0]) == "62,5 % [30,6 – 86,3] (effectif faible)"
    # the dash is joined to its bounds: a table cell does not break inside the interval
    assert "\u2060–\u2060" in rate_texts(frame, shown, "durable_rate")[2]


def test_a_masked_rate_keeps_its_sign_and_gets_no_interval():
    frame = exits_frame({"A": (3, 1, 1, 3)})
    shown = frame.astype(object)
    shown.at["A", "durable_rate"] = "s"
    assert rate_texts(frame, shown, "durable_rate") == ["s"]
    table = labelled(shown, ["durable_rate"], frame=frame)
    assert table.iloc[0, 0] == "s"


@pytest.mark.parametrize(
    "key, counts, verdict",
    [
        ("dynamic_rate", (20, 0, 0, 5), "atteint l'objectif de 60 %"),  # [60,9 – 91,1] above 60 %
        ("durable_rate", (0, 10, 10, 10), "n'atteint pas l'objectif de 25 %"),  # [0,0 – 11,4] below 25 %
        ("durable_rate", (1, 2, 2, 5), "est compatible avec l'objectif de 25 %"),  # [1,8 – 40,4]
    ],
)
def test_target_sentences_give_the_verdict_of_the_interval(key, counts, verdict):
    row = exits_frame({"A": counts}).iloc[0]
    sentence = plain(target_sentence(key, row[key], 2012, row=row))
    assert verdict in sentence and "[" in sentence
    assert sentence.startswith("En 2012, le taux")


def test_masked_or_undefined_rates_say_so():
    assert "n'est pas publié" in target_sentence("durable_rate", "s", 2012)
    assert "n'est pas calculable" in target_sentence("durable_rate", None, 2012)


# --- Editions --------------------------------------------------------------------------------------


def _exits(every: int, rsa: int) -> pd.DataFrame:
    """A "dont RSA" exits table whose durable line is ``every`` exits dont ``rsa`` of RSA recipients."""
    rows = {
        "exits_emploi_durable": (every, rsa),
        "exits_emploi_transition": (10, 0),
        "exits_sortie_positive": (10, 0),
        "exits_autre_sortie": (20, 6),
        "exits_retrait": (0, 0),
    }
    frame = pd.DataFrame.from_dict(rows, orient="index", columns=["all", "rsa"])
    frame.loc[publics.EXAMINED] = frame.iloc[:4].sum()
    frame.loc["exits"] = frame.loc[publics.EXAMINED] + frame.loc["exits_retrait"]
    frame.loc["short_exits"] = (10, 6)
    return frame


def test_dont_rsa_subset_is_masked_in_the_public_edition_only():
    exits = _exits(7, 5)  # 7 durable exits "dont RSA" 5 would reveal 2 exits without RSA
    public = publics.exits_table(exits, min_cell=5, diffusion="public")
    comite = publics.exits_table(exits, min_cell=5, diffusion="comite")
    assert public.at["Emploi durable", "Toutes sorties"] == "7"
    assert public.at["Emploi durable", "dont RSA"] == "s"
    assert comite.at["Emploi durable", "dont RSA"] == "5"
    assert comite.map(lambda v: v in ("s", "< 5")).to_numpy().sum() == 0
    # a difference of min_cell or more is no secret
    assert (
        publics.exits_table(_exits(12, 5), min_cell=5, diffusion="public").at["Emploi durable", "dont RSA"]
        == "5"
    )


def test_suppression_notes_and_legends_only_in_the_public_edition():
    assert edition_legend("comite", 5) is None
    legend = edition_legend("public", 8).text
    assert "« < 8 »" in legend and "de 1 à 7" in legend
    frame = exits_frame({"A": (1, 0, 0, 1), "B": (10, 10, 10, 10)})
    assert not masked(suppressed(frame, min_cell=5, diffusion="comite")).to_numpy().any()
    assert masked(suppressed(frame, min_cell=5, diffusion="public")).to_numpy().any()
    with pytest.raises(ValueError, match="comite or public"):
        suppressed(frame, min_cell=5, diffusion="interne")


# --- Funnel plots ------------------------------------------------------------------------------------


def test_departement_funnels_draw_every_structure_with_an_alt_text(sample):
    section = funnel.departement(report(sample, year=2012, min_cell=5, diffusion="comite"))
    charts = section.charts.parts
    assert len(charts) == 2
    durable, dynamic = (plain(c.alt) for c in charts)
    assert durable.startswith("Graphique en entonnoir : taux d'emploi durable de 14 structures")
    assert "Par rapport aux limites à 99,8 % : 0 au-dessus, 14 à l'intérieur, 0 en dessous." in durable
    assert "Par rapport aux limites à 95 % :" in dynamic and "60 %" in dynamic


def test_structure_funnel_highlights_the_structure(sample):
    section = funnel.structure(report(sample, year=2012, structure_id="S03", min_cell=5, diffusion="comite"))
    alt = plain(section.chart(0).alt)
    assert "Association Tremplin Gapençais (la structure) : 11,8 % sur 34 sorties examinées" in alt


def test_public_funnel_draws_only_published_rates(sample):
    section = funnel.structure(report(sample, year=2012, structure_id="S03", min_cell=5, diffusion="public"))
    notes = " ".join(p.text for p in section.notes.parts)
    assert "n'est pas publié" in notes  # S03's durable rate: 4 durable exits of 34
    # the funnel draws what the year's one decision publishes: S03's dynamic rate (12 of 34)
    # would bound its two small categories (4 + 3 = 7), indicators.csv withholds it too
    table = year_table(sample, 2012, min_cell=5, diffusion="public")
    s03 = table[table["Code"] == "S03"].iloc[0]
    assert str(s03["dynamic_rate"]).startswith("non publié : protège")
    charts = section.charts.parts
    assert charts and all("la structure" not in c.alt for c in charts)  # no dynamic rate of a structure
    assert all(isinstance(p, parts.Chart | parts.Paragraph) for p in section.parts)


def test_bilan_pools_the_exits_of_the_period(sample):
    pooled = funnel.pooled(sample, 2009, 2013)
    by_year = structure_years(sample, "S03", list(range(2009, 2014)))
    s03 = pooled.loc["S03"]  # keyed by id
    assert s03["exits_examined"] == by_year["exits_examined"].sum()
    assert s03["durable_rate"] == pytest.approx(
        by_year["exits_emploi_durable"].sum() / by_year["exits_examined"].sum()
    )
    section = funnel.bilan(report(sample, first_year=2009, last_year=2013, min_cell=5, diffusion="comite"))
    assert len(section.charts.parts) == 2
    assert "Sorties cumulées de 2009 à 2013" in plain(section.lead.html)


# --- Evolution --------------------------------------------------------------------------------------


def test_evolution_draws_rates_with_intervals_beside_the_departement(sample):
    section = trend.structure(report(sample, structure_id="S03", min_cell=5, year=2012, diffusion="comite"))
    charts = section.charts.parts
    assert len(charts) == 2
    alt = plain(charts[1].alt)
    assert "Structure : 2009 :" in alt and "Département : 2009 :" in alt
    assert "2012 : 11,8 % [4,7 – 26,6]" in alt


def test_evolution_without_any_rate_says_so_in_one_sentence():
    people = [pathway(f"P{i:06d}", "S1", "ACI", "2012-01-01", None, None) for i in range(12)]
    ds = make_dataset(structures=[structure("S1", ["ACI"], "Gapençais")], participants=people)
    section = trend.structure(report(ds, structure_id="S1", min_cell=5, year=2012, diffusion="comite"))
    assert len(section.charts.parts) == 1  # people only: the rate chart is not drawn empty
    assert any("Aucun taux de sortie à représenter" in p.text for p in section.notes.parts)


# --- Notebooks, portal ------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["departement", "structure", "bilan"])
def test_notebooks_pass_the_edition_and_show_funnels_and_commentary(name):
    cells = json.loads((NOTEBOOKS / f"{name}.ipynb").read_text(encoding="utf-8"))["cells"]
    code = ["".join(c["source"]) for c in cells if c["cell_type"] == "code"]
    built = [c for c in code if "rep = report(ds, " in c]
    assert len(built) == 1 and "diffusion=diffusion" in built[0] and "min_cell=min_cell" in built[0]
    views = [c for c in code if re.fullmatch(r"(\w+ = )?\w+\.\w+\(rep\)", c.strip())]
    assert len(views) >= 10  # every section takes the report, nothing else
    assert not [c for c in code if "min_cell=" in c or "diffusion=" in c if c not in built]
    assert sum(c.startswith("funnel.") for c in code) == 1
    assert sum(c.startswith("commentary.commentary(rep)") for c in code) == 1


@pytest.mark.parametrize(
    "diffusion, banner",
    [
        ("comite", "Diffusion restreinte — document de travail du comité de pilotage"),
        ("public", "Diffusion publique"),
    ],
)
def test_portal_carries_the_banner_of_its_edition(tmp_path, diffusion, banner):
    manifest = Manifest(tmp_path / "m.json")
    other = "public" if diffusion == "comite" else "comite"
    manifest.record(
        "2012/departement.html",
        {
            "type": "report",
            "kind": "departement",
            "year": 2012,
            "name": "Rapport départemental",
            "status": "ok",
            "diffusion": other,
        },
    )
    page = portal_html(
        tmp_path, manifest, {}, fingerprint="abc", generated=datetime(2026, 1, 1), diffusion=diffusion
    )
    assert f'class="iae-diffusion iae-diffusion-{diffusion}"' in page
    assert re.search(rf">{re.escape(banner)}</div>", page)
    other_banner = "Diffusion publique" if diffusion == "comite" else "Diffusion restreinte"
    assert other_banner in page  # the report built in the other edition says so
