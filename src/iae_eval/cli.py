"""Command line of the kit (DATA_CONTRACT §6): a thin click layer over the Python API.

Exit codes: 0 success, 1 invalid data or a failed report, 2 usage error.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from iae_eval import __version__

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
def indicators(data_dir: Path, year: int, by: str, fmt: str) -> None:
    """Compute the indicators of DATA_CONTRACT §5 for one year and one scope."""
    from iae_eval.indicators import compute as ind
    from iae_eval.data.validate import load_or_exit

    dataset = load_or_exit(data_dir)
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
def run(data_dir: Path, years: list[int], structures: tuple[str, ...], out: Path, jobs: int | None, force: bool) -> None:
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
        )
    )


@cli.command()
@click.option("--out", required=True, type=click.Path(file_okay=False, path_type=Path))
@click.option("--seed", default=2013, show_default=True, type=int)
@click.option("--scale", default=1.0, show_default=True, type=click.FloatRange(min=0.01))
def sample(out: Path, seed: int, scale: float) -> None:
    """Generate the synthetic sample dataset (2009-2013)."""
    from iae_eval.data.sample import generate_sample

    paths = generate_sample(out, seed=seed, scale=scale)
    click.echo(f"{len(paths)} files written to {out}")


def main() -> None:
    """Entry point of the ``iae-eval`` console script."""
    cli(prog_name="iae-eval")
