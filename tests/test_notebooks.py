"""The report notebooks: committed clean and thin, and (slow) executed with papermill.

Thin means: one ``parameters`` cell of literal defaults, one import cell, one load cell, one
title cell (built from the data), then markdown cells (``## heading``, commentary) and short
calls into ``iae_eval.sections`` (a section, or one of its parts) — no logic in a notebook.
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

from iae_eval.batch.plan import OPTIONAL_SETTINGS, REPORT_PARAMETERS, RUN_SETTINGS, declared_parameters
from iae_eval.data.reference import DEFAULT_MIN_CELL
from iae_eval.data.rules import DEFAULT_RULES
from iae_eval.editions import DEFAULT_DIFFUSION
from iae_eval.workspace import NOTEBOOKS_DIR

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOK_DIR = NOTEBOOKS_DIR
SAMPLE = ROOT / "data" / "sample"
#: The defaults of the run's settings in every notebook: the package's own defaults.
SETTING_DEFAULTS = {
    "data_dir": "data/sample",
    "min_cell": DEFAULT_MIN_CELL,
    "rules": DEFAULT_RULES,
    "diffusion": DEFAULT_DIFFUSION,
    "notebooks_source": "",  # run by hand: the method section names no notebooks
}
#: Each report notebook's parameters (what the batch sets, read by it from the notebook): the
#: kit's own notebooks declare the optional settings too (a user's notebook may leave them out,
#: tests/test_workspace.py).
PARAMETERS = {kind: (*about, *RUN_SETTINGS, *OPTIONAL_SETTINGS) for kind, about in REPORT_PARAMETERS.items()}
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


#: Longest code cell after the set-up cells (a call, or a part of a section: ``s.table(...)``).
MAX_CALL_LINES = 3


def is_call(tree: ast.Module) -> bool:
    """One statement: a call shown as the cell's value, an assignment of a call, or a part
    of a section shown by name (``s.notes``)."""
    if len(tree.body) != 1:
        return False
    statement = tree.body[0]
    if isinstance(statement, ast.Assign):
        return len(statement.targets) == 1 and isinstance(statement.value, ast.Call)
    return isinstance(statement, ast.Expr) and isinstance(statement.value, (ast.Call, ast.Attribute))


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_thin_notebook(path):
    nb = read(path)
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
        node.module in ("iae_eval.sections", "iae_eval.report")
        for node in ast.walk(ast.parse(imports[0].source))
        if isinstance(node, (ast.ImportFrom, ast.Import))
    ), "import the sections and the report: from iae_eval.sections import ..."
    # set-up: the parameters, the import, the load and the report's settings bound once from the
    # parameters, then the title built from the data
    setup = code_cells(nb)[:4]
    assert is_parameters(setup[0]) and setup[1] is imports[0]
    load, bind = setup[2].source.splitlines()
    assert load == "ds = load(data_dir, rules=rules)"
    assert re.fullmatch(r"rep = report\(ds, .*diffusion=diffusion, min_cell=min_cell\)", bind), bind
    assert re.fullmatch(r"title\.\w+\(rep\)", setup[3].source), "the title comes from the data"
    assert not [c for c in nb.cells if c.cell_type == "markdown" and re.match(r"#\s", c.source)], (
        "no hard-coded '# ' title: the title cell builds it from the data"
    )
    # then markdown cells (headings, commentary) and short calls, in any order
    rest = nb.cells[nb.cells.index(setup[3]) + 1 :]
    headings = [c.source for c in rest if c.cell_type == "markdown" and c.source.startswith("## ")]
    assert len(headings) >= 4 and "## Comment lire ce rapport" in headings
    for cell in rest:
        if cell.cell_type == "code":
            assert is_call(ast.parse(cell.source)), cell.source
            assert len(cell.source.splitlines()) <= MAX_CALL_LINES, cell.source


def test_the_thin_rule_allows_commentary_and_parts():
    """A markdown commentary between two sections and a section shown part by part are allowed;
    logic is not."""
    assert is_call(ast.parse("exits.departement(rep)"))
    assert is_call(ast.parse("s = exits.departement(rep)"))
    assert is_call(ast.parse("s.notes")) and is_call(ast.parse('s.table(columns=["Sorties constatées"])'))
    assert not is_call(ast.parse("x = 1")) and not is_call(ast.parse("a = f()\nb = g()"))
    nb = read(NOTEBOOK_DIR / "departement.ipynb")
    commentary = [c for c in nb.cells if c.cell_type == "markdown" and not c.source.startswith("#")]
    assert any("comité" in c.source for c in commentary), "the example commentary cell"
    assert any(re.fullmatch(r"\w+\.(charts|tables|notes|lead)", c.source) for c in code_cells(nb))


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_nothing_specific_to_one_departement(path):
    assert "Hautes-Alpes" not in path.read_text(encoding="utf-8")


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
    shown_after: list[bool] = []  # per "## " heading: does a cell under it show something?
    for cell in nb.cells:
        if cell.cell_type == "markdown" and cell.source.startswith("## "):
            shown_after.append(False)
        elif shown_after and cell.cell_type == "code":
            shown_after[-1] |= any(o.get("data", {}).get("text/html") for o in cell.outputs)
    assert shown_after and all(shown_after), "every section shows something"
    assert '<h1 class="iae-report-title">' in html


@pytest.mark.slow
@pytest.mark.parametrize(
    "name, cwd",
    [("departement", NOTEBOOK_DIR), ("structure", ROOT), ("bilan", NOTEBOOK_DIR)],
    ids=["departement-in-its-folder", "structure-at-the-root", "bilan-in-its-folder"],
)
def test_runs_on_the_sample(name, cwd, tmp_path):
    """As opened in JupyterLab (in the notebooks' folder or at the root), default parameters."""
    nb, seconds = execute(NOTEBOOK_DIR / f"{name}.ipynb", tmp_path, cwd=cwd)
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


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_declared_parameters_are_what_papermill_reads(path):
    import papermill

    expected = {name: spec["default"] for name, spec in papermill.inspect_notebook(str(path)).items()}
    assert declared_parameters(path) == expected


@pytest.mark.parametrize(
    "text",
    [
        "not json",
        '{"cells": [{"cell_type": "code", "metadata": {"tags": ["parameters"]}, "source": "year = ("}]}',
    ],
)
def test_an_unreadable_notebook_is_a_plan_problem_not_a_traceback(tmp_path, text):
    import shutil

    from iae_eval.batch.plan import NOTEBOOK_FILES, PlanError, plan_reports
    from iae_eval.data.load import load_dataset

    for path in NOTEBOOKS:
        shutil.copy(path, tmp_path / path.name)
    (tmp_path / NOTEBOOK_FILES["structure"]).write_text(text, encoding="utf-8")
    with pytest.raises(PlanError, match="illisible"):
        plan_reports(
            load_dataset(SAMPLE), years=[2012], structures=None, notebooks_dir=tmp_path, data_dir=SAMPLE
        )
