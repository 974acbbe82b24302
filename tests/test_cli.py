"""The command line's shared parts: --years, --version, sample, usage errors; help pages and
usage errors in French, Click's own strings included."""

from __future__ import annotations

import ast
import gettext
import importlib
import re
import string
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from iae_eval import __version__
from iae_eval.cli import _years, cli
from iae_eval.commands import click_fr


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


# --- Click's own strings in French (iae_eval.commands.click_fr) --------------------------------
#: What Click writes in English when nothing translates it: headings, help of --help/--version,
#: the extras of an option's help, the placeholders of its types, the usage line.
ENGLISH_HELP = re.compile(
    r"Usage:|Options:|Commands:|Arguments:|Show this message|Show the version|default:|\[required\]"
    r"|\b(?:INTEGER|TEXT|DIRECTORY|FILE|PATH|FLOAT|RANGE|BOOLEAN|COMMAND|ARGS|FOLDER|REPORTS_DIR|SRC)\b"
)
#: The same for a usage error.
ENGLISH_ERRORS = re.compile(
    r"Usage:|Error:|Try '|No such|Missing|Invalid value|Did you mean|is not|does not|Got unexpected"
    r"|requires an? |Aborted"
)
COMMANDS = sorted(cli.commands)


@pytest.mark.parametrize("command", [[], *([name] for name in COMMANDS)], ids=["iae-eval", *COMMANDS])
def test_every_help_page_is_in_french(command):
    for flag in ("--help", "-h"):
        result = CliRunner().invoke(cli, [*command, flag], prog_name="iae-eval")
        assert result.exit_code == 0, result.output
        assert ENGLISH_HELP.findall(result.output) == [], result.output
        assert result.output.startswith(f"Utilisation : {' '.join(['iae-eval', *command])} [OPTIONS]")
        assert "Options :\n" in result.output and "Afficher cette aide et quitter." in result.output
    if not command:
        assert "Commandes :\n" in result.output and "COMMANDE [ARGUMENTS]..." in result.output
        assert "--version   Afficher la version et quitter." in result.output


def test_every_option_names_what_it_takes_in_french():
    """A parameter that takes a value names it (``--out DOSSIER``), never by Click's English name
    of its type (``DIRECTORY``); a choice lists its values."""
    for name, command in cli.commands.items():
        for param in command.params:
            takes_a_word = not (isinstance(param, click.Option) and param.is_flag)
            if takes_a_word and not isinstance(param.type, click.Choice):
                assert param.metavar, f"{name} {param.name}"


@pytest.mark.parametrize(
    ("args", "french"),
    [
        (["run", "--year", "2012"], "Erreur : Option inconnue : '--year'. Vouliez-vous dire '--years' ?"),
        (["run"], "Erreur : Il manque l'option '--years'."),
        (
            ["run", "--years", "2012", "--jobs", "0"],
            "Valeur invalide pour '--jobs' : 0 est hors de l'intervalle",
        ),
        (["sample", "--out", "x", "--scale", "abc"], "'abc' n'est pas un nombre valide."),
        (["indicators", "--year", "2012", "--by", "foo"], "'foo' n'est pas l'une des valeurs 'departement'"),
        (["init"], "Erreur : Il manque l'argument 'DOSSIER'."),
        (["init", "a", "b"], "Argument en trop (b)"),
        (["run", "--years"], "L'option '--years' demande une valeur."),
        (["bogus"], "Erreur : Commande inconnue : 'bogus'."),
        (
            ["audit", "reports", "--year", "x"],
            "Valeur invalide pour '--year' : 'x' n'est pas un nombre valide.",
        ),
    ],
)
def test_usage_errors_are_in_french(args, french):
    result = CliRunner().invoke(cli, args, prog_name="iae-eval")
    assert result.exit_code == 2, result.output
    assert french in result.stderr
    if args != ["run", "--years"]:  # a value missing at the end: Click gives the message alone
        command = f"iae-eval {args[0]}" if args[0] in cli.commands else "iae-eval"
        assert f"Utilisation : {command} [OPTIONS]" in result.stderr
        assert f"Aide : {command} --help" in result.stderr
    assert ENGLISH_ERRORS.findall(result.stderr) == [], result.stderr


def _click_strings() -> tuple[set[str], set[tuple[str, str]]]:
    """Every literal string the installed Click passes to ``_`` and to ``ngettext``."""
    single, counted = set(), set()
    for name in click_fr.CLICK_MODULES:
        tree = ast.parse(Path(importlib.import_module(f"click.{name}").__file__).read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)):
                continue
            texts = [
                a.value for a in node.args[:2] if isinstance(a, ast.Constant) and isinstance(a.value, str)
            ]
            if node.func.id == "_" and len(texts) == 1:
                single.add(texts[0])
            elif node.func.id == "ngettext" and len(texts) == 2:
                counted.add((texts[0], texts[1]))
    return single, counted


def _fields(text: str) -> set[str]:
    return {field for _, field, _, _ in string.Formatter().parse(text) if field is not None}


def test_the_catalogue_covers_every_string_of_click():
    single, counted = _click_strings()
    assert len(single) > 50 and len(counted) >= 5  # the walk found Click's strings
    assert single - set(click_fr.MESSAGES) == set()
    assert counted - set(click_fr.PLURALS) == set()
    assert "required" in click_fr.MESSAGES  # passed to _ through a variable
    for english, french in click_fr.MESSAGES.items():
        assert _fields(french) <= _fields(english), english  # .format() never fails on a French text
    for (singular, plural), forms in click_fr.PLURALS.items():
        assert all(_fields(form) <= _fields(singular) | _fields(plural) for form in forms), singular


def test_click_speaks_french_only_while_iae_eval_runs():
    import click.core
    import click.exceptions

    before = (click.core._, click.exceptions.ngettext)
    assert before == (gettext.gettext, gettext.ngettext)
    with click_fr.french():
        assert click.core._("Options") == "Options" and click.core._("Commands") == "Commandes"
    assert (click.core._, click.exceptions.ngettext) == before
    CliRunner().invoke(cli, ["--help"])
    assert (click.core._, click.exceptions.ngettext) == before
    assert click_fr.ngettext("Did you mean {possibility}?", "(Did you mean one of: {possibilities}?)", 1) == (
        "Vouliez-vous dire {possibility} ?"
    )
    assert click_fr.ngettext("an unknown one", "unknown ones", 2) == "unknown ones"
