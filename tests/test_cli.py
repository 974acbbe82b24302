"""The command line's shared parts: --years, --version, sample, usage errors."""

from __future__ import annotations

import click
import pytest
from click.testing import CliRunner

from iae_eval import __version__
from iae_eval.cli import _years, cli


@pytest.mark.parametrize(
    ("text", "years"),
    [
        ("2012", [2012]),
        ("2009-2013", [2009, 2010, 2011, 2012, 2013]),
        ("2011,2013", [2011, 2013]),
        ("2013, 2009-2010", [2009, 2010, 2013]),
    ],
)
def test_years_forms(text, years):
    assert _years(text) == years


@pytest.mark.parametrize("text", ["20x2", "2013-2009", "", "2012-"])
def test_bad_years_are_usage_errors(text):
    with pytest.raises(click.BadParameter):
        _years(text)


def test_version_and_help():
    runner = CliRunner()
    assert __version__ in runner.invoke(cli, ["--version"]).output
    help_text = runner.invoke(cli, ["--help"]).output
    for command in ("validate", "indicators", "run", "sample", "init", "import-fluxiae"):
        assert command in help_text


def test_sample_command_writes_a_valid_dataset(tmp_path):
    out = tmp_path / "small"
    result = CliRunner().invoke(cli, ["sample", "--out", str(out), "--scale", "0.5", "--seed", "7"])
    assert result.exit_code == 0, result.output
    assert len(list(out.glob("*.csv"))) == 11 and "11 fichiers écrits" in result.output
    assert CliRunner().invoke(cli, ["validate", "--data", str(out)]).exit_code == 0


def test_unknown_option_is_a_usage_error():
    assert CliRunner().invoke(cli, ["run", "--years", "2012", "--bogus"]).exit_code == 2
    assert CliRunner().invoke(cli, ["sample"]).exit_code == 2


def test_indicators_refuses_a_year_outside_the_data(tmp_path):
    out = tmp_path / "small"
    CliRunner().invoke(cli, ["sample", "--out", str(out), "--scale", "0.2"])
    result = CliRunner().invoke(cli, ["indicators", "--data", str(out), "--year", "2030"])
    assert result.exit_code == 1
    assert "2030 hors des données" in result.stderr and result.stdout == ""
    assert CliRunner().invoke(cli, ["indicators", "--data", str(out), "--year", "2012"]).exit_code == 0
