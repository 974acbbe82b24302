"""Small-count suppression of published tables (primary and secondary)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from iae_eval.indicators.compute import INDICATOR_KEYS, compute_indicators
from iae_eval.indicators.suppress import default_subsets, suppress, suppressed_mask
from indicator_factory import make_dataset, pathway, structure

EXIT_KEYS = [
    "exits_emploi_durable",
    "exits_emploi_transition",
    "exits_sortie_positive",
    "exits_autre_sortie",
    "exits_retrait",
]


def exits_frame(rows: dict[str, dict]) -> pd.DataFrame:
    """An indicator-like frame holding exit counts (and the two rates) per key."""
    frame = pd.DataFrame.from_dict(rows, orient="index")
    frame["exits"] = frame[EXIT_KEYS].sum(axis=1)
    frame["exits_examined"] = frame["exits"] - frame["exits_retrait"]
    examined = frame["exits_examined"].where(frame["exits_examined"] > 0)
    frame["durable_rate"] = frame["exits_emploi_durable"] / examined
    frame["dynamic_rate"] = frame[EXIT_KEYS[:3]].sum(axis=1) / examined
    return frame.astype({k: "Int64" for k in [*EXIT_KEYS, "exits", "exits_examined"]})


def masked_cells(mask: pd.DataFrame) -> set[tuple]:
    stacked = mask.stack()
    return set(stacked[stacked].index)


# --------------------------------------------------------------------------------------
# Primary suppression
# --------------------------------------------------------------------------------------
def test_small_counts_are_shown_as_less_than_min_cell():
    frame = pd.DataFrame({"participants": [0, 1, 3, 4, 5, 12]}, index=list("abcdef"))
    shown = suppress(frame)
    assert shown["participants"].tolist() == [0, "< 5", "< 5", "< 5", 5, 12]
    assert suppressed_mask(frame)["participants"].tolist() == [False, True, True, True, False, False]


def test_min_cell_appears_in_the_text():
    frame = pd.DataFrame({"women": [9, 10, 0]})
    assert suppress(frame, min_cell=10)["women"].tolist() == ["< 10", 10, 0]
    assert suppress(frame, 1)["women"].tolist() == [9, 10, 0]


def test_money_hours_and_contract_counts_are_not_suppressed():
    frame = pd.DataFrame(
        {
            "participants": [2],
            "funding_total": [3.0],
            "insertion_hours_done": [2.0],
            "contracts_total": [1],
            "operations": [2],
        }
    )
    shown = suppress(frame)
    assert shown.iloc[0].tolist() == ["< 5", 3.0, 2.0, 1, 2]


def test_costs_per_person_are_masked_like_rates():
    # funding_total / cost_per_participant would give the 2 participants back
    frame = pd.DataFrame(
        {"participants": [2, 10], "funding_total": [3.0, 30.0], "cost_per_participant": [1.5, 3.0]}
    )
    shown = suppress(frame)
    assert shown["cost_per_participant"].tolist() == ["non publié : moins de 5 personnes en parcours", 3.0]
    assert shown["funding_total"].tolist() == [3.0, 30.0]


def test_display_values_are_python_objects_and_null_is_none():
    frame = pd.DataFrame({"participants": pd.array([7, None], dtype="Int64"), "funding_total": [np.nan, 2.5]})
    shown = suppress(frame)
    assert shown.dtypes.tolist() == [object, object]
    assert shown["participants"].tolist() == [7, None]
    assert type(shown.iloc[0, 0]) is int
    assert shown["funding_total"].tolist() == [None, 2.5]


def test_input_is_not_modified():
    frame = exits_frame({"a": dict(zip(EXIT_KEYS, [3, 5, 6, 6, 0], strict=True))})
    before = frame.copy()
    suppress(frame)
    suppressed_mask(frame)
    pd.testing.assert_frame_equal(frame, before)


# --------------------------------------------------------------------------------------
# Rates
# --------------------------------------------------------------------------------------
def test_rate_with_small_denominator_is_masked():
    frame = exits_frame(
        {
            "small": dict(zip(EXIT_KEYS, [0, 0, 0, 4, 0], strict=True)),  # 4 examined
            "fine": dict(zip(EXIT_KEYS, [0, 0, 0, 5, 0], strict=True)),  # 5 examined, 0 durable
            "none": dict(zip(EXIT_KEYS, [0, 0, 0, 0, 0], strict=True)),  # rate null
        }
    )
    shown = suppress(frame)
    assert shown.loc["small", "durable_rate"] == "non publié : moins de 5 sorties examinées"
    assert shown.loc["small", "exits_examined"] == "< 5"
    # 0 durable of 5: k < 5, not published (a rate is published when k ≥ 5 and n − k ≥ 5)
    assert shown.loc["fine", "durable_rate"] == "non publié : moins de 5 sorties en emploi durable"
    assert shown.loc["none", "durable_rate"] is None
    assert not suppressed_mask(frame).loc["none"].any()


def test_rate_whose_numerator_is_masked_is_masked():
    # durable 2 of 20 examined: the rate times the examined exits would give the 2 back
    frame = exits_frame({"a": dict(zip(EXIT_KEYS, [2, 6, 6, 6, 0], strict=True))})
    shown = suppress(frame)
    assert shown.loc["a", "exits_emploi_durable"] == "< 5"
    assert shown.loc["a", "durable_rate"] == "non publié : moins de 5 sorties en emploi durable"
    # 14 dynamic of 20, 6 others: published, with the 20 examined exits it rests on
    assert shown.loc["a", "dynamic_rate"] == pytest.approx(0.7)
    assert shown.loc["a", "exits_examined"] == 20


def test_the_denominator_of_a_publishable_rate_is_never_withheld():
    # retrait 2 is small; exits − examined would give it back: the exits are withheld, not the
    # 18 examined exits the durable rate (6 of 18, 12 others) rests on
    frame = exits_frame({"a": dict(zip(EXIT_KEYS, [6, 6, 6, 0, 2], strict=True))})
    mask = suppressed_mask(frame).loc["a"]
    assert mask["exits_retrait"] and mask["exits"] and not mask["exits_examined"]
    assert not mask["durable_rate"]
    shown = suppress(frame).loc["a"]
    assert shown["exits_examined"] == 18 and shown["exits"] == "s"
    assert shown["durable_rate"] == pytest.approx(1 / 3)
    # 18 dynamic, 0 other: n − k < 5
    assert shown["dynamic_rate"] == "non publié : moins de 5 sorties examinées non dynamiques"


def test_explicit_rate_columns_and_denominators():
    frame = pd.DataFrame({"n": [3, 50], "hired": [1, 20], "share": [1 / 3, 0.4]})
    shown = suppress(frame, count_columns=["n"], rate_columns=["share"], rate_denominators={"share": "n"})
    assert shown["share"].tolist() == ["non publié : moins de 5 personnes ou sorties concernées", 0.4]
    assert shown["hired"].tolist() == [1, 20]  # not declared a count


def test_denominator_as_a_sum_of_columns():
    frame = pd.DataFrame({"a": [2, 3], "b": [2, 30], "per_ab": [10.0, 1.0]})
    shown = suppress(
        frame, count_columns=[], rate_columns=["per_ab"], rate_denominators={"per_ab": ("a", "b")}
    )
    assert shown["per_ab"].tolist() == ["non publié : moins de 5 personnes ou sorties concernées", 1.0]


def test_rate_without_denominator_is_an_error():
    frame = pd.DataFrame({"n": [3], "share": [0.5]})
    with pytest.raises(ValueError, match="share"):
        suppress(frame, count_columns=["n"], rate_columns=["share"], rate_denominators={})


# --------------------------------------------------------------------------------------
# Secondary suppression
# --------------------------------------------------------------------------------------
def test_one_masked_category_masks_the_next_smallest_of_the_row():
    frame = exits_frame({"a": dict(zip(EXIT_KEYS, [3, 5, 6, 6, 0], strict=True))})
    assert masked_cells(suppressed_mask(frame)) >= {
        ("a", "exits_emploi_durable"),
        ("a", "exits_emploi_transition"),
    }
    shown = suppress(frame)
    assert shown.loc["a", "exits_emploi_durable"] == "< 5"
    assert shown.loc["a", "exits_emploi_transition"] == "s"
    assert shown.loc["a", "exits_sortie_positive"] == 6
    assert shown.loc["a", "exits"] == 20


def test_masked_retrait_cannot_be_recovered_from_exits_minus_examined():
    frame = exits_frame({"a": dict(zip(EXIT_KEYS, [6, 6, 6, 0, 2], strict=True))})
    mask = suppressed_mask(frame).loc["a"]
    assert mask["exits_retrait"]
    # exits = examined + retrait, examined = the four others, exits = the five categories
    for total, parts in [
        ("exits", ["exits_examined", "exits_retrait"]),
        ("exits_examined", EXIT_KEYS[:4]),
        ("exits", EXIT_KEYS),
    ]:
        assert mask[[total, *parts]].sum() != 1, total


def test_zero_cells_are_the_last_choice_for_secondary_suppression():
    frame = exits_frame({"a": dict(zip(EXIT_KEYS, [2, 0, 0, 40, 0], strict=True))})
    mask = suppressed_mask(frame).loc["a"]
    assert mask["exits_emploi_durable"] and mask["exits_autre_sortie"]
    assert not mask[["exits_emploi_transition", "exits_sortie_positive"]].any()


def test_column_total_row():
    frame = pd.DataFrame({"participants": [3, 10, 12, 25]}, index=["A", "B", "C", "Total"])
    mask = suppressed_mask(frame, total_row="Total")
    assert mask["participants"].tolist() == [True, True, False, False]
    assert suppress(frame, total_row="Total")["participants"].tolist() == ["< 5", "s", 12, 25]
    # without a published total, nothing else is masked
    assert suppressed_mask(frame)["participants"].tolist() == [True, False, False, False]


def test_secondary_suppression_iterates_until_stable():
    frame = pd.DataFrame(
        {"c1": [3, 8, 11], "c2": [10, 9, 19], "tot": [13, 17, 30]}, index=["A", "B", "Total"]
    )
    kwargs = dict(count_columns=["c1", "c2", "tot"], total_row="Total", total_column="tot")
    mask = suppressed_mask(frame, **kwargs)
    assert masked_cells(mask) == {("A", "c1"), ("A", "c2"), ("B", "c1"), ("B", "c2")}
    shown = suppress(frame, **kwargs)
    assert shown.loc["A"].tolist() == ["< 5", "s", 13]
    assert shown.loc["B"].tolist() == ["s", "s", 17]


def test_a_single_part_masks_its_total():
    frame = pd.DataFrame({"part": [3], "total": [3]})
    mask = suppressed_mask(frame, count_columns=["part", "total"], total_column="total")
    assert mask.iloc[0].tolist() == [True, True]


def test_explicit_relations():
    frame = pd.DataFrame({"a": [2], "b": [7], "c": [9], "t": [18]})
    mask = suppressed_mask(frame, count_columns=list("abct"), total_column={"t": ["a", "b", "c"]})
    assert mask.iloc[0].tolist() == [True, True, False, False]


def test_unknown_total_row_is_an_error():
    frame = pd.DataFrame({"participants": [3]}, index=["A"])
    with pytest.raises(ValueError, match="Total"):
        suppress(frame, total_row="Total")


def test_custom_texts():
    frame = exits_frame({"a": dict(zip(EXIT_KEYS, [3, 5, 6, 6, 0], strict=True))})
    shown = suppress(frame, small_text="<5", masked_text="secret")
    assert shown.loc["a", "exits_emploi_durable"] == "<5"
    assert shown.loc["a", "exits_emploi_transition"] == "secret"


def test_integer_columns_are_counts_when_the_table_has_no_indicator_column():
    frame = pd.DataFrame({"hommes": [3, 20], "femmes": [10, 30], "label": ["x", "y"], "poids": [1.5, 2.0]})
    assert suppress(frame).iloc[0].tolist() == ["< 5", 10, "x", 1.5]


# --------------------------------------------------------------------------------------
# On the indicator frame
# --------------------------------------------------------------------------------------
def test_on_the_indicator_frame():
    ds = make_dataset(
        structures=[structure("S1", ["ACI"], "T"), structure("S2", ["ACI"], "T")],
        participants=[
            *[pathway(f"A{i}", "S1", "ACI", "2012-01-01", "2012-12-01", 1 if i < 2 else 7) for i in range(8)],
            *[pathway(f"B{i}", "S2", "ACI", "2012-01-01") for i in range(2)],
        ],
        funding=[dict(year=2012, structure_id="S2", funder="etat", nature="fonctionnement", amount_eur=3.0)],
    )
    frame = compute_indicators(ds, 2012, by="structure")
    shown = suppress(frame)
    assert list(shown.columns) == list(INDICATOR_KEYS)
    s1, s2 = shown.loc["S1"], shown.loc["S2"]
    assert s1["participants"] == 8 and s1["exits"] == 8
    assert s1["exits_emploi_durable"] == "< 5"  # 2 durable exits
    assert s1["durable_rate"].startswith("non publié") and s1["dynamic_rate"].startswith("non publié")
    assert s1["exits_autre_sortie"] == "s"  # 6 others: would give durable = 8 - 6
    assert s1["exits_retrait"] == 0
    assert s2["participants"] == "< 5" and s2["funding_total"] == 3.0  # money is shown
    assert s2["cost_per_participant"].startswith("non publié")  # 3.0 / 1.5 would give the 2 back
    assert s2["durable_rate"] is None and s2["cost_per_dynamic_exit"] is None
    assert s1["cost_per_participant"] == 0.0  # 0 € over 8 people
    assert s1["cost_per_dynamic_exit"].startswith("non publié")  # over 2 dynamic exits


# --------------------------------------------------------------------------------------
# Properties
# --------------------------------------------------------------------------------------
@settings(max_examples=80, deadline=None)
@given(st.integers(1, 5), st.integers(1, 4), st.data())
def test_no_line_has_exactly_one_masked_cell(n_rows, n_cols, data):
    values = np.array(
        data.draw(st.lists(st.integers(0, 12), min_size=n_rows * n_cols, max_size=n_rows * n_cols))
    ).reshape(n_rows, n_cols)
    frame = pd.DataFrame(values, columns=[f"c{j}" for j in range(n_cols)])
    frame["tot"] = frame.sum(axis=1)
    frame.loc["Total"] = frame.sum(axis=0)
    columns = list(frame.columns)
    mask = suppressed_mask(frame, count_columns=columns, total_row="Total", total_column="tot")
    assert (mask.sum(axis=1) != 1).all()
    assert (mask.sum(axis=0) != 1).all()
    small = (frame >= 1) & (frame < 5)
    assert (mask | ~small).all().all()  # every small count is masked
    shown = suppress(frame, count_columns=columns, total_row="Total", total_column="tot")
    for (row, col), hidden in mask.stack().items():
        if not hidden:
            assert shown.loc[row, col] == frame.loc[row, col]


# --------------------------------------------------------------------------------------
# Subsets and their totals (rule 3b)
# --------------------------------------------------------------------------------------
def test_dont_rsa_row_is_masked_when_it_reveals_a_small_difference():
    """The issue's case: 7 exits, 5 of them "dont RSA": 7 − 5 = 2 people without RSA, a small
    count. Without the rule both are shown; with it the "dont RSA" cell is masked ("s")."""
    frame = pd.DataFrame(
        {"exits_emploi_durable": [7, 5], "exits_autre_sortie": [12, 3]}, index=["all", "rsa"]
    )
    assert suppress(frame).loc["rsa"].tolist() == [5, "< 5"]
    shown = suppress(frame, subset_rows={"rsa": "all"})
    # durable: 7 − 5 = 2 → rsa masked; autre: 3 is small already, 12 − 3 = 9 hides nothing
    assert shown.loc["rsa"].tolist() == ["s", "< 5"]
    assert shown.loc["all"].tolist() == [7, 12]


def test_subset_difference_zero_or_at_least_min_cell_is_shown():
    """12 − 12 = 0 (every exit is RSA: zero is shown, as everywhere) and 12 − 7 = 5 ≥ min_cell."""
    frame = pd.DataFrame({"entries": [12, 12], "rsa_entries": [12, 7]}, index=["S1", "S2"])
    shown = suppress(frame, subsets={"rsa_entries": "entries"})
    assert shown["rsa_entries"].tolist() == [12, 7]


def test_subset_columns_of_the_indicator_frame():
    """participants 30, women 27 → 3 men; rsa_participants 26 → 4 without RSA; entries 9,
    rsa_entries 6 → 3: each subset masked, the totals kept. deld 10 → 20 left: shown."""
    frame = pd.DataFrame(
        {
            "participants": [30],
            "rsa_participants": [26],
            "entries": [9],
            "rsa_entries": [6],
            "women": [27],
            "deld": [10],
        }
    )
    shown = suppress(frame, subsets=[p for p in default_subsets() if p[0] in frame])
    assert shown.iloc[0].to_dict() == {
        "participants": 30,
        "rsa_participants": "s",
        "entries": 9,
        "rsa_entries": "s",
        "women": "s",
        "deld": 10,
    }


def test_default_subsets():
    assert ("rsa_entries", "entries") in default_subsets()
    assert ("rsa_participants", "participants") in default_subsets()
    assert {t for _, t in default_subsets()} == {"entries", "participants"}


def test_masked_subset_is_protected_in_its_lines():
    """dont RSA: durable 5 of 7 (difference 2) → masked; its row line (examined 11 = 5 + 6)
    then has exactly one masked cell → the smallest other, 6, is masked too (rule 3)."""
    frame = pd.DataFrame(
        {"exits_emploi_durable": [7, 5], "exits_autre_sortie": [20, 6], "exits_examined": [27, 11]},
        index=["all", "rsa"],
    )
    options = dict(
        count_columns=list(frame.columns),
        total_column={"exits_examined": ["exits_emploi_durable", "exits_autre_sortie"]},
        subset_rows={"rsa": "all"},
    )
    shown = suppress(frame, **options)
    assert shown.loc["rsa"].tolist() == ["s", "s", 11]
    assert shown.loc["all"].tolist() == [7, 20, 27]


def test_unknown_subset_is_an_error():
    frame = pd.DataFrame({"entries": [3]}, index=["A"])
    with pytest.raises(ValueError, match="rsa_entries"):
        suppress(frame, subsets={"rsa_entries": "entries"})
    with pytest.raises(ValueError, match="rsa"):
        suppress(frame, subset_rows={"rsa": "A"})


@settings(max_examples=80, deadline=None)
@given(st.integers(1, 4), st.data())
def test_no_shown_subset_reveals_a_small_difference(n_cols, data):
    """Whatever the counts, after suppression no shown subset cell lies 1 to 4 below its shown
    total, and the lines of rule 3 still never have exactly one masked cell."""
    totals = data.draw(st.lists(st.integers(0, 15), min_size=n_cols, max_size=n_cols))
    subsets = [data.draw(st.integers(0, t)) for t in totals]
    frame = pd.DataFrame([totals, subsets], index=["all", "rsa"], columns=[f"c{j}" for j in range(n_cols)])
    frame["tot"] = frame.sum(axis=1)
    columns = list(frame.columns)
    options = dict(count_columns=columns, total_column="tot", subset_rows={"rsa": "all"})
    mask = suppressed_mask(frame, **options)
    for column in columns:
        if not mask.at["rsa", column] and not mask.at["all", column]:
            assert not 1 <= frame.at["all", column] - frame.at["rsa", column] < 5
    assert (mask.sum(axis=1) != 1).all()


def test_a_table_without_the_rate_columns_withholds_the_same_cells():
    """Two tables of one report, with and without the rate columns, must not withhold different
    cells of the same line: exits 38 in one and examined 34 in the other would give retrait 4."""
    frame = exits_frame({"S03": dict(zip(EXIT_KEYS, [4, 5, 3, 22, 4], strict=True))})
    with_rates = suppressed_mask(frame).loc["S03"]
    counts_only = suppressed_mask(frame.drop(columns=["durable_rate", "dynamic_rate"])).loc["S03"]
    assert with_rates["exits"] and not with_rates["exits_examined"]  # 12 dynamic of 34: published
    assert counts_only.equals(with_rates.drop(["durable_rate", "dynamic_rate"]))
