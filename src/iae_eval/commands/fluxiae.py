"""``iae-eval import-fluxiae``: run the import (:mod:`iae_eval.data.fluxiae.importer`) and
print its problems or its summary (counts only: never a person's data, the salt or a NIR)."""

from __future__ import annotations

from pathlib import Path

import click

from iae_eval.commands import EXIT_FAILED, EXIT_OK, EXIT_USAGE
from iae_eval.data.fluxiae import build
from iae_eval.data.fluxiae.importer import (
    DEFAULT_SALT_FILE,
    ImportResult,
    UsageError,
    check_out_dir,
    import_fluxiae,
    read_salt,
    read_territories,
    save_salt,
    write_tables,
)
from iae_eval.errors import Problem, problems_frame
from iae_eval.fmt import plural


def summary_lines(result: ImportResult, *, departement: str, out: Path, territories_given: bool) -> list[str]:
    """The summary printed after an import (counts only: never a person's data)."""
    p = result.tables["participants"]
    years = sorted(set(p["entry_date"].dt.year) | set(p["exit_date"].dropna().dt.year))
    span = f"{min(years)}-{max(years)}" if years else "aucune"
    lines = [
        f"Import fluxIAE, département {departement} → {out}",
        f"  {plural(len(result.tables['structures']), 'structure', 'structures')}, "
        f"{plural(len(p), 'parcours', 'parcours')}, "
        f"{plural(p['person_id'].nunique(), 'personne', 'personnes')}, années {span}",
        "  tables : "
        + ", ".join(f"{name}.csv ({plural(len(t), 'ligne', 'lignes')})" for name, t in result.tables.items()),
    ]
    if "exit_reasons" not in result.tables:
        lines.append(
            "  nomenclature des sorties : non livrée (ni RefMotifSort ni RefCategorieSort) : "
            "celle du kit s'applique"
        )
    if not territories_given:
        lines.append(
            "  territoires : pas de fichier --territories : le territoire de chaque structure est "
            "« Non renseigné »"
        )
    if result.people_without_nir:
        lines.append(
            f"  {plural(result.people_without_nir, 'salarié', 'salariés')} sans NIR : chacun identifié "
            "dans sa structure seulement"
        )
    if result.dropped:
        lines.append("  lignes écartées :")
        lines += [f"    {reason} : {count}" for reason, count in result.dropped.items()]
    else:
        lines.append("  lignes écartées : aucune")
    return lines


def import_command(
    src: Path,
    *,
    departement: str,
    out: Path,
    salt_file: Path | None,
    territories_file: Path | None,
    departement_name: str | None = None,
) -> int:
    """``iae-eval import-fluxiae``: return the exit code (0 done, 1 bad input, 2 usage)."""
    from iae_eval.commands.validate import echo_problems

    salt_path = DEFAULT_SALT_FILE if salt_file is None else salt_file
    try:
        code = build.normalise_departement(departement)
        if not src.is_dir():
            raise UsageError(f"SRC {src} : ce n'est pas un dossier (donnez le dossier des fichiers fluxIAE)")
        check_out_dir(out, src, salt_path)
        salt, created = read_salt(salt_path)
    except (ValueError, UsageError) as exc:
        click.echo(f"Erreur : {exc}", err=True)
        return EXIT_USAGE
    problems: list[Problem] = []
    territories = None if territories_file is None else read_territories(territories_file, problems)
    result = None
    if not problems:
        result, problems = import_fluxiae(
            src, departement=code, salt=salt, territories=territories, departement_name=departement_name
        )
    if result is None:
        echo_problems(problems_frame(problems), max_shown=len(problems))
        click.echo(f"{src} : rien n'a été écrit dans {out}.", err=True)
        return EXIT_FAILED
    write_tables(out, result.tables)
    if created:
        save_salt(salt_path, salt)
        click.echo(
            f"Un nouveau sel aléatoire a été écrit dans {salt_path.expanduser()} : gardez-le secret et "
            "réutilisez-le, pour qu'une même personne garde le même identifiant d'un import à l'autre.",
            err=True,
        )
    label = departement.strip().upper().zfill(2)
    for line in summary_lines(result, departement=label, out=out, territories_given=territories is not None):
        click.echo(line)
    return EXIT_OK
