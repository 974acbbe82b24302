"""The editions on the sample's 2012 indicators: every rate readable for the committee, nothing
small recoverable in the public edition."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from disclosure import disclosures, scope_groups
from iae_eval.data.load import load_dataset
from iae_eval.editions import displayed
from iae_eval.indicators import uncertainty
from iae_eval.indicators.catalogue import DYNAMIC_EXIT_KEYS, PEOPLE_COUNT_KEYS
from iae_eval.indicators.compute import compute_indicators
from iae_eval.indicators.exports import year_table
from iae_eval.indicators.suppress import default_subsets
from iae_eval.protection.check import narrowed
from iae_eval.protection.year import protect_year
from iae_eval.report import report

SAMPLE = Path(__file__).resolve().parents[1] / "data" / "sample"


@pytest.fixture(scope="module")
def structures() -> pd.DataFrame:
    dataset = load_dataset(SAMPLE)
    frame = compute_indicators(dataset, 2012, by="structure")
    total = compute_indicators(dataset, 2012).set_axis(["Département"])
    return pd.concat([frame, total])


def test_committee_edition_shows_every_structure_rate_with_its_interval(structures):
    """S03 in 2012: 4 durable exits of 34 examined → 11,8 % [4,7 – 26,6]; 12 dynamic → 35,3 % [21,5 – 52,1]."""
    shown = displayed(structures, diffusion="comite", min_cell=5)
    examined = structures["exits_examined"]
    assert (examined.drop("Département") > 0).all()
    for key, parts in (("durable_rate", ["exits_emploi_durable"]),
                       ("dynamic_rate", ["exits_emploi_durable", "exits_emploi_transition", "exits_sortie_positive"])):  # fmt: skip
        low, high = uncertainty.wilson_interval(structures[parts].sum(axis=1), examined)
        for unit in structures.index:
            assert not isinstance(shown.at[unit, key], str)
            text = uncertainty.rate_interval_text(shown.at[unit, key], low[unit], high[unit])
            assert "[" in text, (unit, key, text)
    s03 = uncertainty.RateEstimate(4, 34)
    assert structures.at["S03", "exits_emploi_durable"] == 4 and structures.at["S03", "exits_examined"] == 34
    assert s03.text == "11,8\u00a0% [4,7\u00a0–\u00a026,6]"
    assert uncertainty.RateEstimate(12, 34).text == "35,3\u00a0% [21,5\u00a0–\u00a052,1]"


def test_public_edition_leaves_no_small_count_and_no_small_difference(structures):
    shown = displayed(structures, diffusion="public", min_cell=5, total_row="Département")
    counts = [k for k in PEOPLE_COUNT_KEYS if k in structures]
    for unit in structures.index:
        for key in counts:
            value = shown.at[unit, key]
            assert isinstance(value, str) or not 1 <= value <= 4, (unit, key, value)
        for subset, total in default_subsets():
            a, b = shown.at[unit, subset], shown.at[unit, total]
            if not isinstance(a, str) and not isinstance(b, str):
                assert not 1 <= b - a <= 4, (unit, subset, total, a, b)
    # the committee's S03 rates are hidden in public only where the rule asks
    assert displayed(structures, diffusion="comite", min_cell=5).at["S03", "exits_emploi_durable"] == 4
    assert shown.at["S03", "exits_emploi_durable"] == "< 5"


# --- Publish what can be published (a rate k/n whenever k ≥ min_cell and n − k ≥ min_cell) -----------

RATE_PARTS = {"durable_rate": ["exits_emploi_durable"], "dynamic_rate": list(DYNAMIC_EXIT_KEYS)}


def _rule_one(frame: pd.DataFrame, key: str, min_cell: int) -> set:
    """The rows whose rate ``key`` rule 1 allows, from the raw counts."""
    k = frame[RATE_PARTS[key]].sum(axis=1)
    n = frame["exits_examined"]
    return set(frame.index[(k >= min_cell) & (n - k >= min_cell)])


def _published(shown: pd.DataFrame, key: str) -> set:
    return {
        unit
        for unit in shown.index
        if not isinstance(shown.at[unit, key], str) and shown.at[unit, key] is not None
    }


@pytest.mark.parametrize("min_cell", [5, 10])
def test_public_edition_publishes_every_rate_rule_one_allows(structures, min_cell):
    shown = displayed(structures, diffusion="public", min_cell=min_cell, total_row="Département")
    for key in RATE_PARTS:
        assert _published(shown, key) == _rule_one(structures, key, min_cell), key
        for unit in _published(shown, key):  # with the examined exits it rests on
            assert shown.at[unit, "exits_examined"] == structures.at[unit, "exits_examined"]
    if min_cell == 5:  # S03: 12 dynamic exits of 34 examined, 4 durable, 4 "retrait"
        assert shown.at["S03", "dynamic_rate"] == pytest.approx(12 / 34)
        assert shown.at["S03", "exits_examined"] == 34 and shown.at["S03", "exits_retrait"] == "< 5"
        assert shown.at["S03", "durable_rate"] == "non publié : moins de 5 sorties en emploi durable"
        assert {"Département"} <= _published(shown, "durable_rate") & _published(shown, "dynamic_rate")
        assert len(_published(shown, "durable_rate") - {"Département"}) == 4
        assert len(_published(shown, "dynamic_rate") - {"Département"}) == 5


def test_a_rate_not_published_says_why_in_words(structures):
    shown = displayed(structures, diffusion="public", min_cell=5, total_row="Département")
    for key in RATE_PARTS:
        for unit in set(shown.index) - _published(shown, key):
            assert shown.at[unit, key].startswith("non publié : moins de 5 "), (unit, key)


# --- Never recoverable ------------------------------------------------------------------------------


@pytest.mark.parametrize("year", [2009, 2010, 2011, 2012, 2013])
@pytest.mark.parametrize("min_cell", [5, 10])
def test_no_small_count_is_recoverable_from_the_public_table(year, min_cell):
    dataset = load_dataset(SAMPLE)
    frame = pd.concat(
        [
            compute_indicators(dataset, year, by="structure"),
            compute_indicators(dataset, year).set_axis(["Département"]),
        ]
    )
    shown = displayed(frame, diffusion="public", min_cell=min_cell, total_row="Département")
    assert disclosures(shown, min_cell=min_cell, total_row="Département") == []
    for key in RATE_PARTS:  # a published rate gives back k and n − k: never a small count
        for unit in _published(shown, key):
            k = frame.loc[unit, RATE_PARTS[key]].sum()
            assert k >= min_cell and frame.at[unit, "exits_examined"] - k >= min_cell, (unit, key)


def test_the_audit_finds_a_count_recoverable_by_difference():
    """The audit is not blind: retrait given back by exits − examined, and a "dont" subset whose
    total exceeds it by 2."""
    shown = pd.DataFrame(
        {
            "exits": [40],
            "exits_examined": [36],
            "exits_retrait": ["< 5"],
            "participants": [10],
            "rsa_participants": [8],
        },
        index=["S"],
        dtype=object,
    )
    found = disclosures(shown, min_cell=5)
    assert found == ["S exits_retrait: 4.0", "S participants − rsa_participants: 2.0"]


@pytest.mark.parametrize("year", [2011, 2012])
def test_no_small_count_is_recoverable_between_the_scopes_of_the_spreadsheets(year):
    """indicators.xlsx/csv hold every scope: the département is the total of the territories, the
    kinds and the structures, a territory the total of its structures."""
    dataset = load_dataset(SAMPLE)
    table = year_table(dataset, year, min_cell=5, diffusion="public")
    table.index = [f"{scope}:{code}" for scope, code in zip(table["Périmètre"], table["Code"], strict=True)]
    territory = dict(zip(dataset.structures["structure_id"], dataset.structures["territory"], strict=True))
    groups = scope_groups(table.index, territory)
    assert len(groups) == 3 + 5  # the département over 3 scopes, 5 territories over their structures
    assert disclosures(table, min_cell=5, groups=groups) == []
    raw = compute_indicators(dataset, year, by="structure")
    for key in RATE_PARTS:  # a structure's rate is published only where rule 1 allows it
        published = {r.split(":")[1] for r in table.index if r.startswith("Structure:")} & {
            code for code, value in zip(table["Code"], table[key], strict=True) if not isinstance(value, str)
        }
        assert published <= _rule_one(raw, key, 5), key
    # and no small count's interval is narrowed beyond what its marks say (the year's decision)
    protected = protect_year(dataset, year, 5)
    assert narrowed(protected.model, protected.decision, 5) == {}


def test_a_small_departement_publishes_its_rates_on_the_portal():
    """29 people, 20 exits of which 2 "retrait": the examined exits (18) stay published, so does
    the durable-exit rate (6); the recorded exits are withheld instead. The dynamic-exit rate
    (13) is not: beside the 6 durable exits it would tie the transition (4) and positive (3)
    exits to a known 7, each then between 3 and 4 instead of 1 and 4."""
    from iae_eval.batch.run import _headline
    from indicator_factory import make_dataset, pathway, structure

    reasons = [1] * 6 + [10] * 4 + [2] * 3 + [6] * 5 + [15] * 2
    people = [
        pathway(f"P{i}", f"S{i % 3 + 1}", "ACI", "2012-01-01", "2012-09-01", r) for i, r in enumerate(reasons)
    ]
    people += [pathway(f"Q{i}", f"S{i % 3 + 1}", "ACI", "2012-01-01") for i in range(9)]
    dataset = make_dataset(
        structures=[structure(f"S{i}", ["ACI"], "T") for i in (1, 2, 3)], participants=people
    )
    table = year_table(dataset, 2012, min_cell=5, diffusion="public")
    headline = _headline(table)
    assert headline["participants"] == 29
    assert headline["durable_rate"] == pytest.approx(6 / 18)
    assert headline["dynamic_rate"].startswith("non publié")
    departement = table[table["Périmètre"] == "Département"].iloc[0]
    assert departement["exits_examined"] == 18 and departement["exits"] == "s"
    table.index = [f"{scope}:{code}" for scope, code in zip(table["Périmètre"], table["Code"], strict=True)]
    groups = scope_groups(table.index, {f"S{i}": "T" for i in (1, 2, 3)})
    assert disclosures(table, min_cell=5, groups=groups) == []


def test_the_exits_chart_keeps_a_structure_whose_recorded_exits_are_withheld():
    """S03's recorded exits are withheld (they would give its 4 "retrait" back): its bar stops at
    its 34 examined exits, "retrait" left out, instead of leaving the structure out."""
    from iae_eval.sections import exits
    from iae_eval.sections.frames import TOTAL, by_structure, departement_row, with_total

    dataset = load_dataset(SAMPLE)
    frame = with_total(by_structure(dataset, 2012), departement_row(dataset, 2012))
    shown = displayed(frame, diffusion="public", min_cell=5, total_row=TOTAL)
    assert shown.at["S03", "exits"] == "s" and shown.at["S03", "exits_examined"] == 34
    categories, rest = exits.exit_bars(frame.drop(index=TOTAL), shown.drop(index=TOTAL))
    assert len(categories) == 14
    assert categories.loc["S03"].sum() + rest["S03"] == 34 and pd.isna(categories.at["S03", "retrait"])
    # the section shows the year's one decision: the structures whose recorded or examined
    # exits indicators.csv publishes are drawn (S03 among them, up to its 34 examined exits)
    table = year_table(dataset, 2012, min_cell=5, diffusion="public")
    rows = table[table["Périmètre"] == "Structure"].set_index("Code")
    drawn = [
        s for s, row in rows.iterrows()
        if any(not isinstance(row[k], str) and row[k] > 0 for k in ("exits", "exits_examined"))
    ]  # fmt: skip
    assert "S03" in drawn and rows.at["S03", "exits_examined"] == 34
    section = exits.departement(report(dataset, year=2012, min_cell=5, diffusion="public"))
    assert f"pour {len(drawn)} structures (" in section.charts.parts[0].alt


@pytest.mark.parametrize("year", [2010, 2011, 2012, 2013])
def test_crossing_the_departement_table_with_the_structure_tables_recovers_nothing(year):
    """Each table is protected on its own: a cell withheld in the département's table of
    structures may be shown in a structure's own table. Crossing them gives nothing back."""
    from iae_eval.sections.frames import TOTAL, by_structure, departement_row, structure_row, with_total

    dataset = load_dataset(SAMPLE)
    frame = with_total(by_structure(dataset, year), departement_row(dataset, year))
    crossed = displayed(frame, diffusion="public", min_cell=5, total_row=TOTAL)
    for structure_id in frame.index.drop(TOTAL):
        own = pd.DataFrame(
            [structure_row(dataset, year, structure_id), departement_row(dataset, year)],
            index=["Structure", "Département"],
        )
        shown = displayed(own, diffusion="public", min_cell=5).loc["Structure"]
        for key in PEOPLE_COUNT_KEYS:
            if (
                key in shown
                and isinstance(crossed.at[structure_id, key], str)
                and not isinstance(shown[key], str)
            ):
                crossed.at[structure_id, key] = shown[key]
    assert disclosures(crossed, min_cell=5, total_row=TOTAL) == []
