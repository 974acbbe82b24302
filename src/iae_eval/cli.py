"""Command line of the kit (docs/reports.md, docs/indicators.md): a thin click layer over the Python API.

Exit codes: 0 success, 1 invalid data or a failed report, 2 usage error.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from iae_eval import __version__
from iae_eval.data.rules import DEFAULT_RULES, PROFILES
from iae_eval.editions import DEFAULT_DIFFUSION, DIFFUSIONS

DEFAULT_DATA = "data/sample"


def _years(value: str) -> list[int]:
    """``2012``, ``2009-2013`` or ``2011,2013`` → a sorted list of years."""
    years: set[int] = set()
    try:
        for part in value.split(","):
            part = part.strip()
            if "-" in part:
                first, last = (int(x) for x in part.split("-", 1))
                if first > last:
                    raise ValueError
                years.update(range(first, last + 1))
            else:
                years.add(int(part))
    except ValueError:
        raise click.BadParameter(
            f"{value!r}: give one year (2012), a range (2009-2013) or a list (2011,2013)"
        ) from None
    return sorted(years)


class YearsType(click.ParamType):
    name = "YEARS"

    def convert(self, value, param, ctx):  # noqa: D102 - click protocol
        if isinstance(value, list):
            return value
        try:
            return _years(value)
        except click.BadParameter as exc:
            self.fail(exc.message, param, ctx)


rules_option = click.option(
    "--rules",
    type=click.Choice(list(PROFILES)),
    default=DEFAULT_RULES,
    show_default=True,
    help="Minimum-stay rules: the sheet's (fiche-h5) or the national reference's (asp, needs yearly hours).",
)

data_option = click.option(
    "--data",
    "data_dir",
    default=DEFAULT_DATA,
    show_default=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="Dataset folder (CSV files or one .xlsx workbook).",
)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="iae-eval")
def cli() -> None:
    """iae-eval: evaluation kit for the IAE policy of a département."""


@cli.command()
@data_option
@click.option("--max-shown", default=50, show_default=True, help="Problems shown on screen.")
@click.option(
    "--problems-csv",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write the full list of problems to this CSV file (outside the dataset folder).",
)
def validate(data_dir: Path, max_shown: int, problems_csv: Path | None) -> None:
    """Check a dataset: exit 0 when valid, 1 when invalid (every problem listed)."""
    from iae_eval.data.validate import run_validate_command

    sys.exit(run_validate_command(data_dir, max_shown=max_shown, problems_csv=problems_csv))


@cli.command()
@data_option
@click.option("--year", required=True, type=int, help="Calendar year.")
@click.option(
    "--by",
    type=click.Choice(["departement", "structure", "territory", "kind"]),
    default="departement",
    show_default=True,
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "csv", "json"]),
    default="table",
    show_default=True,
)
@rules_option
def indicators(data_dir: Path, year: int, by: str, fmt: str, rules: str) -> None:
    """Compute the indicators of docs/indicators.md for one year and one scope."""
    from iae_eval.data.validate import load_or_exit
    from iae_eval.indicators import compute as ind

    dataset = load_or_exit(data_dir, rules=rules)
    frame = ind.compute_indicators(dataset, year, by=by)
    if fmt == "json":
        click.echo(ind.indicators_json(dataset, year, by))
    elif fmt == "csv":
        click.echo(ind.indicators_csv(frame, year, by), nl=False)
    else:
        click.echo(ind.indicators_table(frame))


@cli.command()
@data_option
@click.option("--years", type=YearsType(), required=True, help="2012, 2009-2013 or 2011,2013.")
@click.option("--structure", "structures", multiple=True, help="Only these structures (repeatable).")
@click.option(
    "--out",
    default="reports",
    show_default=True,
    type=click.Path(file_okay=False, path_type=Path),
)
@click.option("--jobs", type=click.IntRange(min=1), default=None, help="Worker processes (default: CPUs).")
@click.option("--force", is_flag=True, help="Rebuild reports whose inputs did not change.")
@click.option(
    "--wait", is_flag=True, help="If another run is writing into --out, wait for it instead of stopping."
)
@click.option(
    "--scheduler",
    metavar="ADDRESS|local",
    default=None,
    help="Send the reports to a Dask cluster (tcp://host:8786), or `local` for a LocalCluster "
    "on this machine (needs `pip install iae-eval[dask]`).",
)
@rules_option
@click.option(
    "--diffusion",
    type=click.Choice(list(DIFFUSIONS)),
    default=DEFAULT_DIFFUSION,
    show_default=True,
    help="comite: the steering committee's working documents, every figure shown; "
    "public: for publication, small counts protected.",
)
def run(
    data_dir: Path,
    years: list[int],
    structures: tuple[str, ...],
    out: Path,
    jobs: int | None,
    force: bool,
    wait: bool,
    scheduler: str | None,
    rules: str,
    diffusion: str,
) -> None:
    """Render the HTML reports of the given years with papermill."""
    from iae_eval.batch.run import run_command

    sys.exit(
        run_command(
            data_dir=data_dir,
            years=years,
            structures=list(structures),
            out_dir=out,
            jobs=jobs,
            force=force,
            rules=rules,
            diffusion=diffusion,
            wait=wait,
            scheduler=scheduler,
        )
    )


@cli.command()
@click.option("--out", required=True, type=click.Path(file_okay=False, path_type=Path))
@click.option("--seed", default=2013, show_default=True, type=int)
@click.option("--scale", default=1.0, show_default=True, type=click.FloatRange(min=0.01))
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["kit", "fluxiae"]),
    default="kit",
    show_default=True,
    help="The kit's tables, or the same data as a folder of fluxIAE files (for import-fluxiae).",
)
def sample(out: Path, seed: int, scale: float, fmt: str) -> None:
    """Generate the synthetic sample dataset (2009-2013)."""
    if fmt == "fluxiae":
        from iae_eval.data.fluxiae.sample import write_fluxiae_sample as write
    else:
        from iae_eval.data.sample import generate_sample as write

    paths = write(out, seed=seed, scale=scale)
    click.echo(f"{len(paths)} files written to {out}")


@cli.command("import-fluxiae")
@click.argument("src", type=click.Path(path_type=Path))
@click.option("--departement", required=True, help="Département code: 05, 2A, 974…")
@click.option(
    "--departement-name",
    default=None,
    help="The département's name for the report titles (default: 'Département CODE').",
)
@click.option(
    "--out", required=True, type=click.Path(file_okay=False, path_type=Path), help="Dataset folder to write."
)
@click.option(
    "--salt-file",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Secret salt of the person ids (created when missing; default ~/.config/iae-eval/fluxiae.salt).",
)
@click.option(
    "--territories",
    "territories_file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    default=None,
    help="CSV file: code_insee,territory (the territory of each structure's commune).",
)
def import_fluxiae(
    src: Path,
    departement: str,
    departement_name: str | None,
    out: Path,
    salt_file: Path | None,
    territories_file: Path | None,
) -> None:
    """Convert a folder of fluxIAE files (the ASP's national export) into a kit dataset."""
    from iae_eval.data.fluxiae.importer import run_import_command

    sys.exit(
        run_import_command(
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
