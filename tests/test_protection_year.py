"""The public edition's year protection (iae_eval.protection.model/gauss/check/year) on a
hand-made year and on the sample: nothing given back exactly, no interval narrowed beyond what
the marks say, zeros shown, the département's headline figures kept."""

from pathlib import Path

import pandas as pd
import pytest

from iae_eval import load_dataset
from iae_eval.protection.check import narrowed, small_intervals
from iae_eval.protection.gauss import decide
from iae_eval.protection.model import PATHWAY_KEYS, year_model
from iae_eval.protection.recovery import in_span
from iae_eval.protection.year import model_of, protect_model

MIN_CELL = 5
SAMPLE = Path(__file__).resolve().parents[1] / "data" / "sample"
CATEGORIES = ("emploi_durable", "emploi_transition", "sortie_positive", "autre_sortie", "retrait")


def _row(durable, transition, positive, other, retrait, entries=20, rsa_entries=8):
    row = dict(
        zip((f"exits_{c}" for c in CATEGORIES), (durable, transition, positive, other, retrait), strict=True)
    )
    row["exits"] = sum(row.values())
    row["exits_examined"] = row["exits"] - retrait
    row.update(entries=entries, rsa_entries=rsa_entries, short_exits=0)
    row["durable_rate"] = durable / row["exits_examined"]
    return row


def _hand_model():
    """Two structures of one territory and one kind: A's durable (4) and transition (3) exits
    are small and A's exits (25) minus its other published categories would give 7 for the
    two; B's "retrait" (2) is small."""
    a, b = _row(4, 3, 10, 8, 0), _row(10, 12, 9, 6, 2)
    total = {k: a[k] + b[k] for k in a}
    total["durable_rate"] = total["exits_emploi_durable"] / total["exits_examined"]
    frame = lambda rows, keys: pd.DataFrame(rows, index=pd.Index(keys, name="key"))  # noqa: E731
    frames = {
        "departement": frame([total], [None]),
        "kind": frame([total], ["ACI"]),
        "territory": frame([total], ["T"]),
        "structure": frame([a, b], ["A", "B"]),
    }
    pieces = frame([a, b], ["A|ACI", "B|ACI"]).reindex(columns=list(PATHWAY_KEYS))
    return year_model(frames, pieces, territory_of={"A": "T", "B": "T"})


def _exact(model, decision):
    published = [model.cells[n].vector for n in decision.published]
    published += [
        {p: 1.0} for n in decision.published if model.cells[n].value == 0 for p in model.cells[n].vector
    ]
    small = {n: c.vector for n, c in model.cells.items() if 0 < c.value < MIN_CELL}
    return in_span(published, small, model.pieces)


def test_the_hand_year_hides_the_small_exits_of_a_without_narrowing_them():
    model = _hand_model()
    first = decide(model, MIN_CELL)
    assert _exact(model, first) == []
    # by Gaussian elimination alone, A's two small categories are tied to a known 7: 3 to 4
    assert {i.cell: (i.low, i.high) for i in small_intervals(model, first, MIN_CELL)}[
        "structure:A exits_emploi_durable"
    ] == (3.0, 4.0)
    protected = protect_model(model, MIN_CELL)
    decision = protected.decision
    assert _exact(model, decision) == []
    assert narrowed(model, decision, MIN_CELL) == {}
    intervals = {i.cell: i for i in small_intervals(model, decision, MIN_CELL)}
    retrait = {f"{u} exits_retrait" for u in ("departement", "kind:ACI", "territory:T", "structure:B")}
    assert set(intervals) == {
        "structure:A exits_emploi_durable",
        "structure:A exits_emploi_transition",
        *retrait,
    }
    assert all(i.covers(1, MIN_CELL - 1) for i in intervals.values())
    # the département's headline counts and rates are kept; its exits, which would give its
    # small "retrait" (2) back beside the examined exits, are withheld
    for key in ("exits_emploi_durable", "exits_examined", "entries"):
        assert ("departement", key) in decision.published
    assert ("departement", "durable_rate") in decision.rates
    assert ("departement", "exits") in decision.withheld
    # (the territory's and the kind's exits are the same total); the other cells withheld are
    # the structures'
    above = {n for n in decision.withheld - decision.small if not n[0].startswith("structure:")}
    assert above == {(unit, "exits") for unit in ("departement", "kind:ACI", "territory:T")}
    assert ("structure:A", "exits_retrait") in decision.published  # a zero stays a zero


@pytest.fixture(scope="module")
def sample_year():
    model = model_of(load_dataset(SAMPLE), 2012)
    return model, protect_model(model, MIN_CELL, year=2012)


def test_the_sample_year_gives_no_small_count_back_exactly(sample_year):
    model, protected = sample_year
    small = [n for n, c in model.cells.items() if 0 < c.value < MIN_CELL]
    assert len(small) > 100  # the sample has many (shown and hidden)
    assert _exact(model, protected.decision) == []


def test_the_sample_year_narrows_no_interval_beyond_the_marks(sample_year):
    model, protected = sample_year
    decision = protected.decision
    assert narrowed(model, decision, MIN_CELL) == {}
    intervals = small_intervals(model, decision, MIN_CELL)
    assert len(intervals) == len(decision.small)
    # the few that do not cover 1 to 4 are totals of several "< 5" parts (three parts: at least
    # 3 whatever is published) or such parts (at most 2), as the marks alone say: two values at
    # least stay open (S10's "dont RSA" exits in 2012: three categories "< 5", total "< 5")
    assert all(i.high - i.low >= 1 - 1e-6 for i in intervals)


def test_the_sample_year_shows_its_zeros_and_its_headline(sample_year):
    model, protected = sample_year
    decision = protected.decision
    zeros = {n for n, c in model.cells.items() if c.shown and c.value == 0}
    assert zeros and zeros <= decision.published
    for key in ("participants", "entries", "exits", "exits_examined", "exits_emploi_durable"):
        assert ("departement", key) in decision.published
    assert ("departement", "durable_rate") in decision.rates and (
        "departement",
        "dynamic_rate",
    ) in decision.rates


def test_the_same_data_gives_the_same_publication_whatever_the_hash_seed():
    """Sets iterate in an order that changes with PYTHONHASHSEED; every choice of the protection
    breaks its ties by the cells' priority, so two runs publish the same cells."""
    import os
    import subprocess
    import sys

    code = (
        "from iae_eval import load_dataset; from iae_eval.protection.year import protect_year; "
        f"p = protect_year(load_dataset({str(SAMPLE)!r}), 2012, 5); "
        "print(sorted(p.decision.published), sorted(p.decision.rates))"
    )
    outputs = {
        subprocess.run(
            [sys.executable, "-c", code],
            capture_output=True,
            text=True,
            check=True,
            env={**os.environ, "PYTHONHASHSEED": seed},
        ).stdout
        for seed in ("1", "2")
    }
    assert len(outputs) == 1 and "departement" in next(iter(outputs))
