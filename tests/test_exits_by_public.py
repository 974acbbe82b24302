"""Count once: every count and rate a section shows is the engine's value for the same scope,
under the dataset's rules profile (``fiche-h5`` on the sample, ``fiche-h5`` and ``asp`` on the
fluxIAE-imported sample, which has the hours worked per year).

The sections are built in the committee edition (every figure shown); each table whose rows
or columns are indicators of the catalogue is read back cell by cell against
:func:`~iae_eval.indicators.compute.compute_indicators`. The "dont RSA" column of the exits
table is checked against the engine run on the RSA recipients' pathways only.
"""

from __future__ import annotations

import dataclasses

import matplotlib.pyplot as plt
import pandas as pd
import pytest
from click.testing import CliRunner

from iae_eval.cli import cli
from iae_eval.data.load import load_dataset
from iae_eval.indicators.catalogue import LABELS
from iae_eval.indicators.compute import compute_indicators
from iae_eval.indicators.exits_by_public import EXIT_ROWS, exits_by_category, rsa_exit_counts
from iae_eval.indicators.pathways import structure_labels
from iae_eval.report import report
from iae_eval.sections import compare, exits, key_figures, publics, rates, territories, trend
from iae_eval.sections.formats import format_value
from iae_eval.sections.frames import TOTAL
from indicator_factory import make_dataset, pathway, structure

KEYS = {label: key for key, label in LABELS.items()}
YEAR = 2012


@pytest.fixture(scope="module")
def imported(tmp_path_factory):
    """The fluxIAE sample imported (with ``yearly_hours``: the ``asp`` profile applies)."""
    base = tmp_path_factory.mktemp("flux")
    src, out, salt = base / "src", base / "out", base / "salt.txt"
    assert CliRunner().invoke(cli, ["sample", "--format", "fluxiae", "--out", str(src)]).exit_code == 0
    salt.write_bytes(b"a-fixed-test-salt\n")
    args = ["import-fluxiae", str(src), "--departement", "05", "--out", str(out), "--salt-file", str(salt)]
    result = CliRunner().invoke(cli, [*args, "--territories", str(src / "territories.csv")])
    assert result.exit_code == 0, result.output
    return out


def _rsa_only(ds):
    """The dataset restricted to the pathways of RSA recipients (same rules profile)."""
    participants = ds.participants[ds.participants["rsa"].astype(bool)]
    return dataclasses.replace(ds, participants=participants).shallow_copy(rules=ds.rules)


def _shows(cell: str, key: str, value: object) -> bool:
    """Whether ``cell`` shows ``value`` of ``key`` (a rate may be followed by its interval)."""
    expected = format_value(key, value)
    return cell == expected or (cell.startswith(expected) and cell[len(expected)] in " \u00a0\u202f")


def _check_rows(table: pd.DataFrame, rows: dict[str, pd.Series]) -> int:
    """Rows of ``table`` named in ``rows`` (label → engine row), indicator columns: compared."""
    checked = 0
    for label, engine in rows.items():
        if label not in table.index:
            continue
        for column in table.columns:
            if column in KEYS and KEYS[column] in engine.index:
                key = KEYS[column]
                assert _shows(table.at[label, column], key, engine[key]), (
                    label,
                    column,
                    table.at[label, column],
                )
                checked += 1
    return checked


def _figures_shown(ds) -> int:
    """Every indicator cell of the count sections of the three reports, against the engine."""
    checked = 0
    dep = compute_indicators(ds, YEAR).iloc[0]
    by_id = compute_indicators(ds, YEAR, by="structure")
    labels = structure_labels(ds)
    with_exits = [sid for sid in by_id.index if by_id.at[sid, "exits"] > 0][:3]
    r = report(ds, year=YEAR, diffusion="comite", min_cell=5)
    structures_rows = {labels[sid]: by_id.loc[sid] for sid in by_id.index} | {TOTAL: dep}
    for section in (exits.departement(r), rates.departement(r)):
        checked += sum(_check_rows(t.data, structures_rows) for t in section.tables.parts)
    for by in ("territory", "kind"):
        frame = compute_indicators(ds, YEAR, by=by)
        rows = {str(k): frame.loc[k] for k in frame.index} | {TOTAL: dep}
        for t in territories.departement(r).tables.parts:
            data = t.data
            data.index = [str(i).split(" — ")[0] for i in data.index]
            checked += _check_rows(data, rows)
    table = key_figures.departement(r).table().data.T  # indicators as columns, years as rows
    previous = compute_indicators(ds, YEAR - 1).iloc[0]
    checked += _check_rows(table, {str(YEAR): dep, str(YEAR - 1): previous})
    publics_exits = publics.departement(r).table(1).data
    rsa = compute_indicators(_rsa_only(ds), YEAR).iloc[0]
    for key in publics.TABLE_ROWS:
        assert publics_exits.at[LABELS[key], "Toutes sorties"] == format_value(key, dep[key]), key
        assert publics_exits.at[LABELS[key], "dont RSA"] == format_value(key, rsa[key]), key
        checked += 2
    for sid in with_exits:
        r = report(ds, year=YEAR, structure_id=sid, diffusion="comite", min_cell=5)
        own = by_id.loc[sid]
        table = exits.structure(r).table(1).data  # the rates beside the département's
        checked += _check_rows(table.rename(index={"Structure": "S"}), {"S": own, TOTAL: dep})
        side = compare.structure(r).table().data.T
        checked += _check_rows(side, {"Structure": own, TOTAL: dep})
        evolution = trend.structure(r).table().data
        for year in evolution.index:
            engine = compute_indicators(ds, int(year), by="structure").loc[sid]
            checked += _check_rows(evolution.loc[[year]], {year: engine})
        rsa_own = compute_indicators(_rsa_only(ds), YEAR, by="structure").loc[sid]
        mine = publics.structure(r).table(1).data
        for key in publics.TABLE_ROWS:
            assert mine.at[LABELS[key], "Toutes sorties"] == format_value(key, own[key]), (sid, key)
            assert mine.at[LABELS[key], "dont RSA"] == format_value(key, rsa_own[key]), (sid, key)
            checked += 2
    years = ds.years()[1:]
    r = report(ds, first_year=years[0], last_year=years[-1], diffusion="comite", min_cell=5)
    per_year = {str(y): compute_indicators(ds, y).iloc[0] for y in years}
    tables = [t for s in (key_figures.bilan(r), rates.bilan(r), exits.bilan(r)) for t in s.tables.parts]
    tables.append(publics.bilan(r).table(0))  # the counts (the next table holds shares of publics)
    for t in tables:
        checked += _check_rows(t.data.T, per_year)
    plt.close("all")
    return checked


def test_every_figure_of_the_sample_is_the_engines():
    assert _figures_shown(load_dataset("data/sample")) > 300


@pytest.mark.parametrize("rules", ["fiche-h5", "asp"])
def test_every_figure_under_each_rules_profile_is_the_engines(imported, rules):
    ds = load_dataset(imported, rules=rules)
    assert ds.rules == rules
    assert _figures_shown(ds) > 300


def test_asp_and_fiche_h5_count_other_exits_on_the_imported_sample(imported):
    """The check above can fail: the two profiles differ on this data."""
    h5 = exits_by_category(load_dataset(imported), YEAR)
    asp = exits_by_category(load_dataset(imported, rules="asp"), YEAR)
    assert not h5.equals(asp)


def test_rsa_exits_hand_counted():
    """Four exits in 2012 of an ACI (3 months minimum): an RSA recipient's durable exit, an RSA
    recipient's exit after one month (short), a retrait of an RSA recipient, another's exit."""
    people = [
        pathway("P000001", "S1", "ACI", "2011-01-01", "2012-03-01", 1, rsa=True),  # durable
        pathway("P000002", "S1", "ACI", "2012-01-01", "2012-02-01", 1, rsa=True),  # short
        pathway("P000003", "S1", "ACI", "2011-01-01", "2012-05-01", 15, rsa=True),  # retrait
        pathway("P000004", "S1", "ACI", "2011-01-01", "2012-06-01", 1, rsa=False),
    ]
    ds = make_dataset(structures=[structure("S1", ["ACI"], "Gapençais")], participants=people)
    frame = exits_by_category(ds, 2012)
    assert frame["rsa"].to_dict() == {
        **{k: 0 for k in EXIT_ROWS},
        "exits_emploi_durable": 1,
        "exits_retrait": 1,
        "exits_examined": 1,
        "exits": 2,
        "short_exits": 1,
    }
    assert frame.at["exits", "all"] == 3 and frame.at["exits_examined", "all"] == 2
    assert rsa_exit_counts(ds, 2012, "structure").loc["S1", "exits"] == 2
