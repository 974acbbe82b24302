"""``iae-eval audit``: what a reader can work out from a year's published files
(:mod:`iae_eval.protection.audit` on indicators.csv, :mod:`iae_eval.protection.pages` on the
HTML reports beside it), in French, with the exit code."""

from __future__ import annotations

from pathlib import Path

import click

from iae_eval.commands import EXIT_FAILED, EXIT_OK, EXIT_USAGE
from iae_eval.fmt import plural


def audit_command(reports_dir: Path, year: int, *, min_cell: int, max_shown: int = 50) -> int:
    """Audit ``reports_dir/year``; print each finding on stderr; return the exit code."""
    from iae_eval.protection.audit import FILE_NAME, audit_year
    from iae_eval.protection.pages import audit_pages

    path = Path(reports_dir) / str(year) / FILE_NAME
    if not path.is_file():
        click.echo(f"Erreur : {path} introuvable (lancez d'abord iae-eval run --diffusion public).", err=True)
        return EXIT_USAGE
    findings = audit_year(reports_dir, year, min_cell=min_cell) + audit_pages(reports_dir, year)
    if not findings:
        click.echo(
            f"{path} : rien ne se recalcule ni ne se resserre (seuil {min_cell}) ; "
            "les rapports HTML de l'année publient chaque chiffre comme lui."
        )
        return EXIT_OK
    click.echo(f"{plural(len(findings), 'fuite', 'fuites')} dans {path.parent} :", err=True)
    for finding in findings[:max_shown]:
        click.echo(f"  {finding}", err=True)
    if len(findings) > max_shown:
        click.echo(f"  … {len(findings) - max_shown} autres non affichées", err=True)
    return EXIT_FAILED
