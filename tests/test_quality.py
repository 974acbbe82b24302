"""Atypical yearly values (docs/evaluation.md): the declared rule on hand-made series."""

from iae_eval.indicators.quality import ATYPICAL_FACTOR, atypical_years

YEARS = [2009, 2010, 2011, 2012, 2013]


def test_a_value_far_below_its_neighbours_is_flagged():
    # the sample's insertion hours: 423 h between 5 714 h and 10 990 h (mean 8 352 h)
    assert atypical_years(YEARS, [4049.5, 5714.0, 423.0, 10989.5, 11878.0]) == (2011,)


def test_a_steady_growth_is_not_flagged():
    assert atypical_years(YEARS, [30, 52, 52, 60, 75]) == ()
    assert atypical_years(YEARS[:3], [100, 250, 400]) == ()


def test_the_rule_is_its_factor_both_ways_and_at_the_ends():
    mean = 100.0
    assert atypical_years([1, 2, 3], [100, mean / ATYPICAL_FACTOR - 1, 100]) == (2,)
    assert atypical_years([1, 2, 3], [100, mean / ATYPICAL_FACTOR + 1, 100]) == ()
    assert atypical_years([1, 2, 3], [100, mean * ATYPICAL_FACTOR + 1, 100]) == (2,)
    # the first year has one neighbour: 10 beside 100 is less than a third of it
    assert atypical_years([1, 2, 3], [10, 100, 110]) == (1,)


def test_zeros_beside_values_are_flagged_a_series_of_zeros_is_not():
    assert atypical_years(YEARS[:3], [5, 0, 6]) == (2010,)
    assert atypical_years(YEARS[:3], [0, 0, 0]) == ()
