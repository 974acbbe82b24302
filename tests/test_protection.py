"""Exact recovery (Gaussian elimination) and protection intervals (LP) on hand-computed tables."""

import pytest

from iae_eval.protection.intervals import intervals
from iae_eval.protection.recovery import recovered


def total(name, parts):
    return {name: 1.0, **{p: -1.0 for p in parts}}


#: S03 of the sample in 2012 (docs/editions.md): exits = 5 categories, examined = 4,
#: dynamic = durable + transition + positive (given back by the published dynamic rate).
S03 = [
    total("exits", ["durable", "transition", "positive", "other", "retrait"]),
    total("examined", ["durable", "transition", "positive", "other"]),
    total("dynamic", ["durable", "transition", "positive"]),
]
S03_PUBLISHED = {"examined": 34, "transition": 5, "other": 22, "dynamic": 12}
SMALL = (1, 4)


def test_one_withheld_part_of_a_published_total_is_recovered():
    relations = [total("t", ["a", "b", "c"])]
    assert recovered(relations, ["b"]) == ["b"]
    assert recovered(relations, ["b", "c"]) == []
    assert recovered(relations, []) == []


def test_recovery_through_a_chain_of_relations():
    # a row and a column total: withholding a, b (one row) and a, c (one column) leaves d = b's
    # column partner published, so b = column total − d and then a = row total − b
    relations = [total("r1", ["a", "b"]), total("c1", ["a", "c"]), total("c2", ["b", "d"])]
    assert recovered(relations, ["a", "b", "c"]) == ["a", "b", "c"]
    # a 2×2 rectangle of withheld cells moves along one direction: nothing is recovered
    relations.append(total("r2", ["c", "d"]))
    assert recovered(relations, ["a", "b", "c", "d"]) == []


def test_s03_is_safe_from_exact_recovery_but_narrowed_by_the_bounds():
    withheld = ["durable", "positive", "retrait", "exits"]
    assert recovered(S03, withheld) == []
    found = {
        i.cell: i
        for i in intervals(
            S03,
            S03_PUBLISHED,
            {"durable": SMALL, "positive": SMALL, "retrait": SMALL, "exits": (5, None)},
        )
    }
    # durable + positive = 12 − 5 = 7 with both under 5: each lies between 3 and 4, not 1 to 4
    assert (found["durable"].low, found["durable"].high) == pytest.approx((3, 4))
    assert not found["durable"].covers(*SMALL)
    assert (found["exits"].low, found["exits"].high) == pytest.approx((35, 38))
    assert found["retrait"].covers(*SMALL)


def test_hidden_cells_and_inequalities():
    # participants = rsa + hidden complement; a territory's people are at most the sum of its
    # structures' people: with the territory at 40 and the others at 36, the withheld one is ≥ 4
    found = intervals(
        [total("participants", ["rsa", "not_rsa"])],
        {"participants": 9, "territory": 40, "others": 36},
        {"rsa": SMALL, "s4": SMALL},
        inequalities=[{"territory": 1.0, "others": -1.0, "s4": -1.0}],
    )
    by_cell = {i.cell: i for i in found}
    assert (by_cell["rsa"].low, by_cell["rsa"].high) == pytest.approx(SMALL)
    assert (by_cell["s4"].low, by_cell["s4"].high) == pytest.approx((4, 4))


def test_inconsistent_figures_are_refused():
    with pytest.raises(ValueError, match="no table"):
        intervals([total("t", ["a", "b"])], {"t": 3, "b": 5}, {"a": SMALL})
