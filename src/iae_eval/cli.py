"""Command line of the kit (docs/reports.md): a thin click layer over the Python API; each
command's result is printed, in French, by :mod:`iae_eval.commands`.

Exit codes: 0 success, 1 invalid data or a failed report, 2 usage error, 130 interrupted.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from iae_eval import __version__
from iae_eval.commands.click_fr import MESSAGES, FrenchGroup
from iae_eval.commands.options import YearsType, _years, data_option, min_cell_option, rules_option
from iae_eval.data.sample import DEFAULT_SEED
from iae_eval.editions import DEFAULT_DIFFUSION, DIFFUSIONS
from iae_eval.fmt import plural

__all__ = ["YearsType", "_years", "cli", "main"]

#: The help of ``--version`` (Click translates it when the decorator runs, before the French is on).
VERSION_HELP = MESSAGES["Show the version and exit."]


@click.group(cls=FrenchGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(
    __version__, prog_name="iae-eval", message="%(prog)s, version %(version)s", help=VERSION_HELP
)
def cli() -> None:
    """iae-eval : kit d'évaluation de la politique d'insertion par l'activité économique (IAE)
    d'un département.

    Pour commencer : iae-eval init DOSSIER, puis dans ce dossier iae-eval run --years 2012."""


@cli.command()
@data_option
@click.option("--max-shown", metavar="N", default=50, show_default=True, help="Problèmes affichés à l'écran.")
@click.option(
    "--problems-csv",
    metavar="FICHIER",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Écrire la liste complète des problèmes dans ce fichier CSV (hors du dossier des données).",
)
def validate(data_dir: Path, max_shown: int, problems_csv: Path | None) -> None:
    """Vérifier les données : code 0 si elles sont valides, 1 sinon (chaque problème listé)."""
    from iae_eval.commands.validate import validate_command

    sys.exit(validate_command(data_dir, max_shown=max_shown, problems_csv=problems_csv))


@cli.command()
@data_option
@click.option("--year", required=True, type=int, metavar="ANNÉE", help="Année civile.")
@click.option(
    "--by",
    type=click.Choice(["departement", "structure", "territory", "kind"]),
    default="departement",
    show_default=True,
    help="Périmètre : le département, chaque structure, chaque territoire ou chaque type de structure.",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "csv", "json"]),
    default="table",
    show_default=True,
    help="table : à lire à l'écran ; csv et json : pour un programme (noms de colonnes stables). "
    "Pour un tableur, ouvrez plutôt indicators.xlsx de l'année, écrit par iae-eval run.",
)
@rules_option
def indicators(data_dir: Path, year: int, by: str, fmt: str, rules: str) -> None:
    """Calculer les indicateurs d'une année (docs/indicators.md), par périmètre."""
    from iae_eval.batch.plan import ranges
    from iae_eval.commands.validate import load_or_exit
    from iae_eval.indicators import output as ind

    dataset = load_or_exit(data_dir, rules=rules)
    if year not in dataset.years():
        click.echo(
            f"Erreur : --year : {year} hors des données (les données couvrent {ranges(dataset.years())})",
            err=True,
        )
        sys.exit(1)
    if fmt == "json":
        click.echo(ind.indicators_json(dataset, year, by))
    elif fmt == "csv":
        click.echo(ind.indicators_csv(ind.output_indicators(dataset, year, by), year, by), nl=False)
    else:
        click.echo(ind.indicators_table(ind.output_indicators(dataset, year, by)))


@cli.command()
@data_option
@click.option(
    "--years", type=YearsType(), metavar="ANNÉES", required=True, help="2012, 2009-2013 ou 2011,2013."
)
@click.option(
    "--structure",
    "structures",
    metavar="ID",
    multiple=True,
    help="Seulement ces structures (option répétable).",
)
@click.option(
    "--out",
    metavar="DOSSIER",
    default="reports",
    show_default=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="Dossier des rapports.",
)
@click.option(
    "--notebooks",
    "notebooks_dir",
    metavar="DOSSIER",
    type=click.Path(file_okay=False, exists=True, path_type=Path),
    default=None,
    help="Dossier des notebooks (par défaut ./notebooks s'il existe, sinon ceux fournis avec le kit).",
)
@click.option(
    "--jobs",
    type=click.IntRange(min=1),
    metavar="N",
    default=None,
    help="Processus de calcul (défaut : un par cœur).",
)
@click.option("--force", is_flag=True, help="Reconstruire aussi les rapports dont rien n'a changé.")
@click.option(
    "--wait",
    is_flag=True,
    help="Si une autre exécution écrit dans --out, attendre sa fin au lieu de s'arrêter.",
)
@click.option(
    "--scheduler",
    metavar="ADRESSE|local",
    default=None,
    help="Envoyer les rapports à un cluster Dask (tcp://hôte:8786), ou `local` pour un LocalCluster "
    "sur cette machine (demande `pip install dask distributed`).",
)
@rules_option
@click.option(
    "--diffusion",
    type=click.Choice(list(DIFFUSIONS)),
    default=DEFAULT_DIFFUSION,
    show_default=True,
    help="comite : documents de travail du comité de pilotage, tous les chiffres ; "
    "public : pour publication, petits effectifs masqués.",
)
@min_cell_option
def run(
    data_dir: Path,
    years: list[int],
    structures: tuple[str, ...],
    out: Path,
    notebooks_dir: Path | None,
    jobs: int | None,
    force: bool,
    wait: bool,
    scheduler: str | None,
    rules: str,
    diffusion: str,
    min_cell: int,
) -> None:
    """Construire les rapports HTML des années données (et le bilan de la période)."""
    from iae_eval.commands.run import run_command

    sys.exit(
        run_command(
            data_dir=data_dir,
            years=years,
            structures=list(structures),
            out_dir=out,
            notebooks_dir=notebooks_dir,
            jobs=jobs,
            force=force,
            rules=rules,
            diffusion=diffusion,
            min_cell=min_cell,
            wait=wait,
            scheduler=scheduler,
        )
    )


@cli.command()
@click.option(
    "--out",
    required=True,
    metavar="DOSSIER",
    type=click.Path(file_okay=False, path_type=Path),
    help="Dossier à écrire.",
)
@click.option(
    "--seed",
    metavar="ENTIER",
    default=DEFAULT_SEED,
    show_default=True,
    type=int,
    help="Graine du tirage aléatoire.",
)
@click.option(
    "--scale",
    metavar="NOMBRE",
    default=1.0,
    show_default=True,
    type=click.FloatRange(min=0.01),
    help="Taille relative.",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["kit", "fluxiae"]),
    default="kit",
    show_default=True,
    help="Les tables du kit, ou les mêmes données en fichiers fluxIAE (pour import-fluxiae).",
)
def sample(out: Path, seed: int, scale: float, fmt: str) -> None:
    """Écrire les données d'exemple (un département fictif, 2009-2013) ; avec la graine et la
    taille par défaut, aussi les commentaires d'exemple de l'évaluateur (commentaires/)."""
    if fmt == "fluxiae":
        from iae_eval.data.fluxiae.sample import write_fluxiae_sample

        paths = write_fluxiae_sample(out, seed=seed, scale=scale)
    else:
        from iae_eval.data.sample import generate_sample, write_sample_commentaries

        paths = generate_sample(out, seed=seed, scale=scale)
        if seed == DEFAULT_SEED and scale == 1:  # the commentaries quote this dataset's figures
            paths += write_sample_commentaries(out)
    click.echo(f"{plural(len(paths), 'fichier écrit', 'fichiers écrits')} dans {out}")


@cli.command()
@click.argument("folder", metavar="DOSSIER", type=click.Path(file_okay=False, path_type=Path))
@click.option(
    "--empty", is_flag=True, help="Des modèles CSV vides (en-têtes seulement) au lieu des données d'exemple."
)
def init(folder: Path, empty: bool) -> None:
    """Créer un dossier d'évaluation : notebooks/, data/ (l'exemple, ou des modèles vides),
    data/commentaires/ et un README qui dit quoi faire ensuite."""
    from iae_eval.workspace import WorkspaceError, init_workspace

    try:
        written = init_workspace(folder, empty=empty)
    except WorkspaceError as exc:
        click.echo(f"Erreur : {exc}", err=True)
        sys.exit(2)
    click.echo(f"{folder} : dossier d'évaluation créé ({plural(len(written), 'fichier', 'fichiers')}).")
    click.echo(
        f"Ensuite : cd {folder}, puis lisez README.md"
        + ("." if empty else " ou lancez iae-eval run --years 2012.")
    )


@cli.command()
@click.argument("reports_dir", metavar="DOSSIER_RAPPORTS", type=click.Path(file_okay=False, path_type=Path))
@click.option("--year", required=True, type=int, metavar="ANNÉE", help="Année publiée à vérifier.")
@min_cell_option
def audit(reports_dir: Path, year: int, min_cell: int) -> None:
    """Vérifier ce qu'un lecteur peut déduire des fichiers publiés d'une année (indicators.csv) :
    code 0 si rien ne se recalcule ni ne se resserre, 1 sinon (chaque fuite listée)."""
    from iae_eval.commands.audit import audit_command

    sys.exit(audit_command(reports_dir, year, min_cell=min_cell))


@cli.command("import-fluxiae")
@click.argument("src", metavar="SOURCE", type=click.Path(path_type=Path))
@click.option("--departement", metavar="CODE", required=True, help="Code du département : 05, 2A, 974…")
@click.option(
    "--departement-name",
    metavar="NOM",
    default=None,
    help="Le nom du département, pour les titres des rapports (défaut : « Département CODE »).",
)
@click.option(
    "--out",
    required=True,
    metavar="DOSSIER",
    type=click.Path(file_okay=False, path_type=Path),
    help="Dossier des données à écrire.",
)
@click.option(
    "--salt-file",
    metavar="FICHIER",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Sel secret des identifiants des personnes (créé s'il manque ; défaut "
    "~/.config/iae-eval/fluxiae.salt).",
)
@click.option(
    "--territories",
    "territories_file",
    metavar="FICHIER",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    default=None,
    help="Fichier CSV code_insee,territory : le territoire de la commune de chaque structure.",
)
def import_fluxiae(
    src: Path,
    departement: str,
    departement_name: str | None,
    out: Path,
    salt_file: Path | None,
    territories_file: Path | None,
) -> None:
    """Convertir un dossier de fichiers fluxIAE (l'export national de l'ASP) en données du kit."""
    from iae_eval.commands.fluxiae import import_command

    sys.exit(
        import_command(
            src,
            departement=departement,
            departement_name=departement_name,
            out=out,
            salt_file=salt_file,
            territories_file=territories_file,
        )
    )


def main() -> None:
    """Entry point of the ``iae-eval`` console script."""
    cli(prog_name="iae-eval")
