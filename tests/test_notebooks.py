"""The report notebooks: committed clean and thin, and (slow) executed with papermill.

Thin means: a title, one ``parameters`` cell of literal defaults, one import cell, one load
cell, then pairs of a ``## heading`` and one call into ``iae_eval`` — no logic in a notebook.
"""

from __future__ import annotations

import ast
import csv
import re
import shutil
import time
from pathlib import Path

import nbformat
import pytest

from iae_eval.batch.plan import REPORT_PARAMETERS, RUN_SETTINGS, declared_parameters
from iae_eval.data.reference import DEFAULT_MIN_CELL
from iae_eval.data.rules import DEFAULT_RULES
from iae_eval.editions import DEFAULT_DIFFUSION

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOK_DIR = ROOT / "notebooks"
SAMPLE = ROOT / "data" / "sample"
#: The defaults of the run's settings in every notebook: the package's own defaults.
SETTING_DEFAULTS = {
    "data_dir": "data/sample",
    "min_cell": DEFAULT_MIN_CELL,
    "rules": DEFAULT_RULES,
    "diffusion": DEFAULT_DIFFUSION,
}
#: Each report notebook's parameters (what the batch sets, read by it from the notebook).
PARAMETERS = {kind: (*about, *RUN_SETTINGS) for kind, about in REPORT_PARAMETERS.items()}
NOTEBOOKS = sorted(NOTEBOOK_DIR.glob("*.ipynb"))
FORBIDDEN = (
    ast.FunctionDef,
    ast.AsyncFunctionDef,
    ast.ClassDef,
    ast.For,
    ast.AsyncFor,
    ast.While,
    ast.Lambda,
    ast.If,
    ast.Try,
    ast.With,
    ast.ListComp,
    ast.DictComp,
    ast.SetComp,
    ast.GeneratorExp,
)
#: Longest acceptable run of one notebook on the sample (seconds; about 10 on a laptop).
MAX_SECONDS = 90


def read(path: Path) -> nbformat.NotebookNode:
    return nbformat.read(path, as_version=4)


def code_cells(nb) -> list:
    return [c for c in nb.cells if c.cell_type == "code"]


def is_parameters(cell) -> bool:
    return "parameters" in cell.metadata.get("tags", [])


def is_import(tree: ast.Module) -> bool:
    return bool(tree.body) and all(isinstance(s, (ast.Import, ast.ImportFrom)) for s in tree.body)


def test_the_three_reports_are_there():
    assert {p.stem for p in NOTEBOOKS} >= set(PARAMETERS)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_committed_without_outputs(path):
    for cell in code_cells(read(path)):
        assert cell.outputs == [], f"{path.name}: strip the outputs"
        assert cell.execution_count is None, f"{path.name}: strip the execution counts"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_valid_with_the_python3_kernel(path):
    nb = read(path)
    nbformat.validate(nb)
    assert nb.metadata.kernelspec.name == "python3"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_one_parameters_cell_of_literal_defaults(path):
    cells = [c for c in read(path).cells if is_parameters(c)]
    assert len(cells) == 1, "exactly one cell tagged 'parameters'"
    cell = cells[0]
    assert cell.cell_type == "code"
    values = {}
    for statement in ast.parse(cell.source).body:
        assert isinstance(statement, ast.Assign), ast.dump(statement)
        assert len(statement.targets) == 1 and isinstance(statement.targets[0], ast.Name)
        assert isinstance(statement.value, ast.Constant), f"{statement.targets[0].id} must be a literal"
        values[statement.targets[0].id] = statement.value.value
    if path.stem in PARAMETERS:
        assert tuple(values) == PARAMETERS[path.stem]
        assert {k: values[k] for k in SETTING_DEFAULTS} == SETTING_DEFAULTS
        assert tuple(declared_parameters(path)) == PARAMETERS[path.stem]  # as papermill reads it


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_thin_notebook(path):
    nb = read(path)
    first = nb.cells[0]
    assert first.cell_type == "markdown" and first.source.startswith("# "), "a title comes first"
    trees = [(c, ast.parse(c.source)) for c in code_cells(nb)]
    for cell, tree in trees:
        bad = [type(n).__name__ for n in ast.walk(tree) if isinstance(n, FORBIDDEN)]
        assert not bad, f"no logic in a notebook ({bad} in {cell.source!r}): move it to the package"
    imports = [
        cell
        for cell, tree in trees
        if any(isinstance(n, (ast.Import, ast.ImportFrom)) for n in ast.walk(tree))
    ]
    assert len(imports) == 1, "one import cell"
    assert is_import(ast.parse(imports[0].source))
    assert all(
        (node.module or "").startswith("iae_eval")
        for node in ast.walk(ast.parse(imports[0].source))
        if isinstance(node, ast.ImportFrom)
    )
    # after the parameters, imports and load cells: "## heading" then one call whose value is shown
    index = nb.cells.index(imports[0])
    sections = nb.cells[index + 2 :]
    assert len(sections) >= 4 and len(sections) % 2 == 0
    headings = sections[0::2]
    assert all(h.cell_type == "markdown" and re.match(r"## \S", h.source) for h in headings)
    assert "## Comment lire ce rapport" in [h.source for h in headings]
    for cell in sections[1::2]:
        body = ast.parse(cell.source).body
        assert cell.cell_type == "code" and len(body) == 1, cell.source
        assert isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Call), cell.source


# --- Execution (slow) -----------------------------------------------------------------------------


def execute(path: Path, tmp_path: Path, *, cwd: Path, **parameters) -> tuple[nbformat.NotebookNode, float]:
    import papermill

    output = tmp_path / f"{path.stem}-out.ipynb"
    start = time.perf_counter()
    papermill.execute_notebook(
        str(path),
        str(output),
        parameters=parameters,
        kernel_name="python3",
        cwd=str(cwd),
        progress_bar=False,
        log_output=False,
    )
    return read(output), time.perf_counter() - start


def shown_html(nb) -> str:
    return "\n".join(
        o.get("data", {}).get("text/html", "")
        if isinstance(o.get("data", {}).get("text/html", ""), str)
        else "".join(o["data"]["text/html"])
        for c in code_cells(nb)
        for o in c.outputs
    )


def sample_structures() -> list[str]:
    with open(SAMPLE / "structures.csv", encoding="utf-8-sig", newline="") as handle:
        return [row["structure_id"] for row in csv.DictReader(handle)]


def assert_report(nb) -> None:
    errors = [o for c in code_cells(nb) for o in c.outputs if o.output_type == "error"]
    assert not errors
    html = shown_html(nb)
    images = re.findall(r"<img\b[^>]*>", html)
    assert images and all(re.search(r'alt="[^"]{20,}"', i) for i in images)
    sections = [c for c in nb.cells if c.cell_type == "markdown" and c.source.startswith("## ")]
    with_display = [c for c in code_cells(nb) if any("text/html" in o.get("data", {}) for o in c.outputs)]
    assert len(with_display) == len(sections), "every section shows something"


@pytest.mark.slow
@pytest.mark.parametrize(
    "name, cwd",
    [("departement", "notebooks"), ("structure", "."), ("bilan", "notebooks")],
)
def test_runs_on_the_sample(name, cwd, tmp_path):
    """As opened in JupyterLab (in notebooks/ or at the root), default parameters."""
    nb, seconds = execute(NOTEBOOK_DIR / f"{name}.ipynb", tmp_path, cwd=ROOT / cwd)
    assert_report(nb)
    assert seconds < MAX_SECONDS


@pytest.mark.slow
def test_structure_report_of_another_structure(tmp_path):
    other = sample_structures()[-1]
    nb, _ = execute(NOTEBOOK_DIR / "structure.ipynb", tmp_path, cwd=ROOT, structure_id=other, year=2010)
    assert_report(nb)


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(PARAMETERS))
def test_runs_without_the_optional_tables(name, tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    for table in ("structures.csv", "participants.csv"):
        shutil.copy(SAMPLE / table, data / table)
    nb, _ = execute(NOTEBOOK_DIR / f"{name}.ipynb", tmp_path, cwd=tmp_path, data_dir=str(data))
    errors = [o for c in code_cells(nb) for o in c.outputs if o.output_type == "error"]
    assert not errors
    html = shown_html(nb)
    assert (
        "Pas de données pour la période." if name == "bilan" else "Pas de données pour cette année."
    ) in html
    assert "<img" in html  # the sections fed by participants still draw
