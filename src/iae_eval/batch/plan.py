"""Which reports a batch builds, and where each one goes.

For each year asked: the ``departement`` report and one ``structure`` report per structure
active that year (a structure with at least one pathway active in the year, docs/indicators.md), or only the structures named with ``--structure``; plus one ``bilan`` report over the
first..last year when more than one year is asked.

Every parameter is checked here, against the loaded dataset, before any kernel starts:
:func:`plan_reports` raises :class:`PlanError` listing every bad value and the valid ones.

Output tree (relative to ``--out``)::

    index.html                            the portal
    <year>/departement.html
    <year>/structures/<structure_id>.html
    <year>/indicators.xlsx, <year>/indicators.csv, <year>/synthese.csv
    <year>/notebooks/departement.ipynb    executed notebooks (kept on failure)
    <year>/notebooks/structure-<structure_id>.ipynb
    bilan-<first>-<last>.html, synthese-<first>-<last>.csv, bilan-<first>-<last>.xlsx
    notebooks/bilan-<first>-<last>.ipynb  (the bilan spans years: top-level folder)
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from iae_eval.data.dataset import Dataset
from iae_eval.data.reference import DEFAULT_MIN_CELL
from iae_eval.data.rules import DEFAULT_RULES
from iae_eval.editions import DEFAULT_DIFFUSION
from iae_eval.errors import IaeEvalError
from iae_eval.indicators.pathways import structures_active

#: The notebook of each kind of report, in the notebooks folder.
NOTEBOOK_FILES: dict[str, str] = {
    "departement": "departement.ipynb",
    "structure": "structure.ipynb",
    "bilan": "bilan.ipynb",
}
KIND_LABELS: dict[str, str] = {
    "departement": "Rapport départemental",
    "structure": "Rapport de structure",
    "bilan": "Bilan pluriannuel",
}


#: The parameters that say what a report is about, by kind of report.
REPORT_PARAMETERS: dict[str, tuple[str, ...]] = {
    "departement": ("year",),
    "structure": ("year", "structure_id"),
    "bilan": ("first_year", "last_year"),
}
#: The run's settings, passed to every report. Each notebook declares these names (and
#: their defaults, for a run by hand) in its ``parameters`` cell: the batch reads them from
#: there rather than declaring them again.
RUN_SETTINGS: tuple[str, ...] = ("data_dir", "min_cell", "rules", "diffusion")
#: Settings the batch passes only to a notebook that declares them: ``notebooks_source``, the
#: sentence of the method section naming the notebooks used (iae_eval.workspace).
OPTIONAL_SETTINGS: tuple[str, ...] = ("notebooks_source",)


def declared_parameters(notebook: Path) -> dict[str, str]:
    """The parameters of ``notebook``'s ``parameters`` cell: name → default (source text), as
    ``papermill.inspect_notebook`` reads them (a test checks it), without importing papermill or
    nbformat (a second each):
    an unchanged rerun plans every report and runs none."""
    import ast
    import json

    cells = [
        c
        for c in json.loads(Path(notebook).read_text(encoding="utf-8"))["cells"]
        if c.get("cell_type") == "code" and "parameters" in c.get("metadata", {}).get("tags", [])
    ]
    if not cells:
        return {}
    source = cells[0]["source"]
    source = "".join(source) if isinstance(source, list) else source
    declared: dict[str, str] = {}
    for node in ast.parse(source).body:
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            declared[node.targets[0].id] = ast.get_source_segment(source, node.value)
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name) and node.value is not None:
            declared[node.target.id] = ast.get_source_segment(source, node.value)
    return declared


class PlanError(IaeEvalError):
    """Raised when a parameter of ``iae-eval run`` does not fit the dataset (nothing ran)."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("\n".join(problems))


@dataclass(frozen=True)
class PlannedReport:
    """One report to build: its notebook, its parameters and its output paths."""

    kind: str  # departement | structure | bilan
    notebook: Path  # absolute path of the source notebook
    parameters: tuple[tuple[str, object], ...]
    html: str  # output path relative to the output folder (posix)
    executed: str  # executed notebook, relative to the output folder (posix)
    year: int | None = None  # None for the bilan
    first_year: int | None = None
    last_year: int | None = None
    structure_id: str | None = None
    structure_name: str | None = None

    @property
    def params(self) -> dict[str, object]:
        return dict(self.parameters)

    @property
    def period(self) -> str:
        """``2012`` or ``2009-2013``."""
        if self.year is not None:
            return str(self.year)
        return f"{self.first_year}-{self.last_year}"

    @property
    def label(self) -> str:
        """Short description for the terminal and the portal."""
        if self.kind == "structure":
            return f"{self.period} · {self.structure_name or self.structure_id}"
        return f"{self.period} · {KIND_LABELS[self.kind]}"


def safe_name(value: str) -> str:
    """A structure id as a file name: anything but letters, digits, ``.-_`` becomes ``_``."""
    name = re.sub(r"[^A-Za-z0-9._-]", "_", value).strip(".")
    return name or "_"


def ranges(years: list[int]) -> str:
    """``[2009, 2010, 2011, 2013]`` → ``2009-2011, 2013``."""
    if not years:
        return "aucune"
    parts: list[str] = []
    start = prev = years[0]
    for y in [*years[1:], None]:
        if y is not None and y == prev + 1:
            prev = y
            continue
        parts.append(str(start) if start == prev else f"{start}-{prev}")
        if y is not None:
            start = prev = y
    return ", ".join(parts)


def _listing(values: list[str], limit: int = 40) -> str:
    shown = ", ".join(values[:limit])
    return shown + (f", … ({len(values)} en tout)" if len(values) > limit else "")


def plan_reports(
    dataset: Dataset,
    *,
    years: list[int],
    structures: list[str] | None,
    notebooks_dir: Path,
    data_dir: Path,
    min_cell: int = DEFAULT_MIN_CELL,
    rules: str = DEFAULT_RULES,
    diffusion: str = DEFAULT_DIFFUSION,
    notebooks_source: str | None = None,
) -> list[PlannedReport]:
    """The reports to build, longest first (bilan, then département, then structures).

    Raises :class:`PlanError` naming every bad value (unknown structure, year outside the
    data, structure without activity in the years asked, missing notebook, a notebook that
    does not declare a parameter the batch sets).
    """
    problems: list[str] = []
    years = sorted(set(years))
    covered = dataset.years()
    outside = [y for y in years if y not in covered]
    if not years:
        problems.append("--years : aucune année donnée")
    if outside:
        problems.append(
            f"--years : {', '.join(map(str, outside))} hors des données "
            f"(les données couvrent {ranges(covered)})"
        )
    names = {
        str(k): str(v)
        for k, v in zip(dataset.structures["structure_id"], dataset.structures["name"], strict=True)
    }
    wanted = list(dict.fromkeys(structures or []))
    unknown = [s for s in wanted if s not in names]
    if unknown:
        problems.append(
            f"--structure : structure inconnue {', '.join(unknown)} "
            f"(identifiants connus : {_listing(sorted(names))})"
        )
    valid_years = [y for y in years if y in covered]
    active = {y: structures_active(dataset.participants, y) for y in valid_years}
    if wanted and valid_years:
        idle = [s for s in wanted if s in names and not any(s in active[y] for y in valid_years)]
        for s in idle:
            its_years = [y for y in covered if s in structures_active(dataset.participants, y)]
            problems.append(
                f"--structure : {s} n'a aucun parcours actif en {ranges(valid_years)} "
                f"(ses années actives : {ranges(its_years)})"
            )
    kinds = ["departement", "structure"] + (["bilan"] if len(years) > 1 else [])
    declared: dict[str, tuple[str, ...]] = {}
    for kind in kinds:
        path = notebooks_dir / NOTEBOOK_FILES[kind]
        if not path.is_file():
            problems.append(f"notebook {path} introuvable")
            continue
        try:
            declared[kind] = tuple(declared_parameters(path))
        except (
            ValueError,
            SyntaxError,
            KeyError,
            TypeError,
        ) as exc:  # not a notebook, or its cell is not Python
            problems.append(f"notebook {path} illisible : {exc}")
            continue
        missing = [n for n in (*REPORT_PARAMETERS[kind], *RUN_SETTINGS) if n not in declared[kind]]
        if missing:
            problems.append(
                f"notebook {path} : il manque {', '.join(missing)} à sa cellule parameters "
                f"(elle déclare : {', '.join(declared[kind]) or 'rien'})"
            )
    if problems:
        raise PlanError(problems)

    settings = {
        "data_dir": str(data_dir.resolve()),
        "min_cell": min_cell,
        "rules": rules,
        "diffusion": diffusion,
    }
    if notebooks_source is not None:
        settings["notebooks_source"] = notebooks_source

    def parameters(kind: str, **about: object) -> tuple[tuple[str, object], ...]:
        """The values the batch sets, in the notebook's order (its other parameters keep
        their defaults)."""
        values = {**about, **settings}
        return tuple((name, values[name]) for name in declared[kind] if name in values)

    nb = {kind: (notebooks_dir / NOTEBOOK_FILES[kind]).resolve() for kind in kinds}
    reports: list[PlannedReport] = []
    if len(years) > 1:
        first, last = years[0], years[-1]
        reports.append(
            PlannedReport(
                kind="bilan",
                notebook=nb["bilan"],
                parameters=parameters("bilan", first_year=first, last_year=last),
                html=f"bilan-{first}-{last}.html",
                executed=f"notebooks/bilan-{first}-{last}.ipynb",
                first_year=first,
                last_year=last,
            )
        )
    for year in years:
        reports.append(
            PlannedReport(
                kind="departement",
                notebook=nb["departement"],
                parameters=parameters("departement", year=year),
                html=f"{year}/departement.html",
                executed=f"{year}/notebooks/departement.ipynb",
                year=year,
            )
        )
    for year in years:
        ids = [s for s in active[year] if not wanted or s in wanted]
        for sid in ids:
            reports.append(
                PlannedReport(
                    kind="structure",
                    notebook=nb["structure"],
                    parameters=parameters("structure", year=year, structure_id=sid),
                    html=f"{year}/structures/{safe_name(sid)}.html",
                    executed=f"{year}/notebooks/structure-{safe_name(sid)}.ipynb",
                    year=year,
                    structure_id=sid,
                    structure_name=names[sid],
                )
            )
    return reports
