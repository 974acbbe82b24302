"""Click's own strings in French: the help pages and usage errors of ``iae-eval`` (docs/architecture.md).

Click writes its headings, option help and error messages through :mod:`gettext`, each module
having bound ``_`` and ``ngettext`` when it was imported; it ships no French catalogue and
follows the system's locale. :func:`french` swaps those two names, in Click's modules, for
:data:`MESSAGES` and :data:`PLURALS` while the command line runs (:class:`FrenchGroup` wraps its
``main``) and puts them back afterwards, so another Click program in the same process is left
alone. A string missing from the catalogue (a newer Click) is shown in English: a test lists
every string of the installed Click and fails on one the catalogue lacks.

The rest is Click's layout, made French here: ``Options :`` (a space before the colon,
:class:`FrenchHelpFormatter`) and ``COMMANDE [ARGUMENTS]...``. The placeholders of a type
(``INTEGER``, ``DIRECTORY``…) are replaced by each option's own ``metavar`` in :mod:`iae_eval.cli`.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterator
from contextlib import contextmanager

import click

#: Click's modules that translate their strings (``_`` and ``ngettext`` bound at import).
CLICK_MODULES = (
    "core",
    "decorators",
    "exceptions",
    "formatting",
    "parser",
    "types",
    "termui",
    "utils",
    "_termui_impl",
    "shell_completion",
)

#: Click's strings (the msgid of ``_("…")``) and their French. Placeholders stay the same; a
#: translation may leave one out (a type's name, which Click gives in English).
MESSAGES: dict[str, str] = {
    # help pages
    "Usage:": "Utilisation :",
    "Options": "Options",
    "Commands": "Commandes",
    "Positional arguments": "Arguments",
    "Show this message and exit.": "Afficher cette aide et quitter.",
    "Show the version and exit.": "Afficher la version et quitter.",
    "%(prog)s, version %(version)s": "%(prog)s, version %(version)s",
    "default: {default}": "défaut\u00a0: {default}",  # no line break before the colon
    "required": "obligatoire",
    "env var: {var}": "variable d'environnement : {var}",
    "(dynamic)": "(calculé)",
    "deprecated": "obsolète",
    "DeprecationWarning: The command {name!r} is deprecated.{extra_message}": (
        "Attention : la commande {name!r} est obsolète.{extra_message}"
    ),
    "DeprecationWarning: The {param_type} {name!r} is deprecated.{extra_message}": (
        "Attention : le paramètre {name!r} est obsolète.{extra_message}"
    ),
    "Do you want to continue?": "Voulez-vous continuer ?",
    "Confirm the action without prompting.": "Confirmer l'action sans la demander.",
    # usage errors
    "Error: {message}": "Erreur : {message}",
    "Try '{command} {option}' for help.": "Aide : {command} {option}",
    "Missing command.": "Commande manquante.",
    "Missing argument": "Il manque l'argument",
    "Missing option": "Il manque l'option",
    "Missing parameter": "Il manque le paramètre",
    "Missing {param_type}": "Il manque le paramètre",
    "Missing parameter: {param_name}": "Paramètre manquant : {param_name}",
    "No such option {name!r}.": "Option inconnue : {name!r}.",
    "No such command {name!r}.": "Commande inconnue : {name!r}.",
    "Invalid value for {param_hint}: {message}": "Valeur invalide pour {param_hint} : {message}",
    "Invalid value: {message}": "Valeur invalide : {message}",
    "Could not open file {filename!r}: {message}": "Impossible d'ouvrir le fichier {filename!r} : {message}",
    "unknown error": "erreur inconnue",
    "Option {name!r} does not take a value.": "L'option {name!r} ne prend pas de valeur.",
    "Argument {name!r} takes {nargs} values.": "L'argument {name!r} prend {nargs} valeurs.",
    "Invalid start character for option ({option})": "Premier caractère invalide pour une option ({option})",
    "Value must be an iterable.": "La valeur doit être une suite de valeurs.",
    "Aborted!": "Interrompu.",
    # values of a type (Click names the type in English: the French leaves the name out)
    "file": "fichier",
    "directory": "dossier",
    "path": "chemin",
    "{name} {filename!r} does not exist.": "{filename!r} n'existe pas.",
    "{name} {filename!r} is a file.": "{filename!r} est un fichier, pas un dossier.",
    "{name} {filename!r} is a directory.": "{filename!r} est un dossier, pas un fichier.",
    "{name} {filename!r} is not readable.": "{filename!r} ne peut pas être lu.",
    "{name} {filename!r} is not writable.": "{filename!r} ne peut pas être écrit.",
    "{name} {filename!r} is not executable.": "{filename!r} n'est pas exécutable.",
    "{value!r} is not a valid {number_type}.": "{value!r} n'est pas un nombre valide.",
    "{value} is not in the range {range}.": "{value} est hors de l'intervalle {range}.",
    "{value!r} is not a valid boolean. Recognized values: {states}": (
        "{value!r} n'est pas une valeur booléenne. Valeurs reconnues : {states}"
    ),
    "{value!r} is not a valid UUID.": "{value!r} n'est pas un UUID valide.",
    "Choose from:\n\t{choices}": "Valeurs possibles :\n\t{choices}",
    "Choice({choices})": "Choix({choices})",
    # prompts and the terminal
    "Repeat for confirmation": "Répétez pour confirmer",
    "Error: The two entered values do not match.": "Erreur : les deux valeurs saisies diffèrent.",
    "Error: invalid input": "Erreur : saisie invalide",
    "Press any key to continue...": "Appuyez sur une touche pour continuer…",
    "Unknown color {colour!r}": "Couleur inconnue : {colour!r}",
    "{editor}: Editing failed": "{editor} : échec de la modification",
    "{editor}: Editing failed: {e}": "{editor} : échec de la modification : {e}",
    "d": "j",  # days, in a progress bar's remaining time
    "Unknown standard stream '{name}'": "Flux standard inconnu : '{name}'",
    "Couldn't detect Bash version, shell completion is not supported.": (
        "Version de Bash inconnue : la complétion n'est pas possible."
    ),
    "Shell completion is not supported for Bash versions older than 4.4.": (
        "La complétion demande Bash 4.4 ou plus récent."
    ),
    "Windows error: {error}": "Erreur Windows : {error}",
    # a command line declared wrongly (seen by whoever edits iae_eval.cli)
    "Could not determine name for option with declarations {decls!r}": (
        "Nom introuvable pour l'option déclarée par {decls!r}"
    ),
    "No options defined but a name was passed ({name}). Did you mean to declare an argument "
    "instead? Did you mean to pass '--{name}'?": (
        "Aucune option déclarée, mais un nom est donné ({name}) : un argument, ou '--{name}' ?"
    ),
    "Arguments take exactly one parameter declaration, got {length}: {decls}.": (
        "Un argument se déclare par un seul nom, {length} donnés : {decls}."
    ),
    "Name '{name}' defined twice": "Nom '{name}' déclaré deux fois",
    "Boolean option {decl!r} cannot use the same flag for true/false.": (
        "L'option booléenne {decl!r} ne peut pas utiliser le même nom pour vrai et faux."
    ),
}

#: Click's ``ngettext(singular, plural, n)`` strings and their French (singular, plural).
PLURALS: dict[tuple[str, str], tuple[str, str]] = {
    ("Got unexpected extra argument ({args})", "Got unexpected extra arguments ({args})"): (
        "Argument en trop ({args})",
        "Arguments en trop ({args})",
    ),
    ("Takes {nargs} values but 1 was given.", "Takes {nargs} values but {len} were given."): (
        "Attend {nargs} valeurs, mais 1 a été donnée.",
        "Attend {nargs} valeurs, mais {len} ont été données.",
    ),
    ("Did you mean {possibility}?", "(Did you mean one of: {possibilities}?)"): (
        "Vouliez-vous dire {possibility} ?",
        "(Vouliez-vous dire l'une de : {possibilities} ?)",
    ),
    ("Option {name!r} requires an argument.", "Option {name!r} requires {nargs} arguments."): (
        "L'option {name!r} demande une valeur.",
        "L'option {name!r} demande {nargs} valeurs.",
    ),
    ("{value!r} is not {choice}.", "{value!r} is not one of {choices}."): (
        "{value!r} n'est pas {choice}.",
        "{value!r} n'est pas l'une des valeurs {choices}.",
    ),
    ("{value!r} does not match the format {format}.", "{value!r} does not match the formats {formats}."): (
        "{value!r} ne suit pas le format {format}.",
        "{value!r} ne suit aucun des formats {formats}.",
    ),
    (
        "{len_type} values are required, but {len_value} was given.",
        "{len_type} values are required, but {len_value} were given.",
    ): (
        "{len_type} valeurs sont demandées, mais {len_value} a été donnée.",
        "{len_type} valeurs sont demandées, mais {len_value} ont été données.",
    ),
}


def gettext(message: str) -> str:
    """The French of one of Click's strings (the string itself when the catalogue lacks it)."""
    return MESSAGES.get(message, message)


def ngettext(singular: str, plural: str, n: int) -> str:
    """The French of one of Click's counted strings; French takes the singular for 0 and 1."""
    french = PLURALS.get((singular, plural))
    if french is None:
        return singular if n == 1 else plural
    return french[0] if n < 2 else french[1]


@contextmanager
def french() -> Iterator[None]:
    """Click speaks French inside the block (see the module)."""
    saved = []
    for name in CLICK_MODULES:
        module = importlib.import_module(f"click.{name}")
        for attribute, replacement in (("_", gettext), ("ngettext", ngettext)):
            if hasattr(module, attribute):
                saved.append((module, attribute, getattr(module, attribute)))
                setattr(module, attribute, replacement)
    try:
        yield
    finally:
        for module, attribute, original in reversed(saved):
            setattr(module, attribute, original)


class FrenchHelpFormatter(click.HelpFormatter):
    """Click's help layout with French typography: a space before a heading's colon."""

    def write_heading(self, heading: str) -> None:  # noqa: D102 - click protocol
        self.write(f"{'':>{self.current_indent}}{heading} :\n")


class FrenchContext(click.Context):
    """A context whose help pages use :class:`FrenchHelpFormatter`."""

    formatter_class = FrenchHelpFormatter


class FrenchCommand(click.Command):
    """A subcommand of :class:`FrenchGroup`."""

    context_class = FrenchContext


class FrenchGroup(click.Group):
    """The ``iae-eval`` group: its help pages and usage errors, and its subcommands', in French."""

    context_class = FrenchContext
    command_class = FrenchCommand

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("subcommand_metavar", "COMMANDE [ARGUMENTS]...")
        super().__init__(*args, **kwargs)

    def main(self, *args, **kwargs):  # noqa: D102 - click protocol
        with french():
            return super().main(*args, **kwargs)
