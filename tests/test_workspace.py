"""The packaged notebooks, the notebooks a run uses, and ``iae-eval init``.

The slow tests build the wheel as ``make dist`` does, check that it carries every file of the
package, install it into a fresh virtual environment and run ``iae-eval init`` + ``iae-eval run``
from a folder outside the repository.
"""

from __future__ import annotations

import html
import os
import shutil
import subprocess
import sys
import sysconfig
import tomllib
import zipfile
from pathlib import Path

import nbformat
import pytest
from click.testing import CliRunner

from iae_eval import __version__
from iae_eval.batch.plan import NOTEBOOK_FILES, declared_parameters
from iae_eval.cli import cli
from iae_eval.data.dataset import REQUIRED_TABLES, TABLES
from iae_eval.data.load import load_dataset
from iae_eval.data.sample import SAMPLE_COMMENTARIES
from iae_eval.workspace import (
    NOTEBOOKS_DIR,
    OPTIONAL_FOLDER,
    WorkspaceError,
    choose_notebooks,
    default_data_dir,
    init_workspace,
    notebooks_source_text,
)

ROOT = Path(__file__).resolve().parents[1]


def test_the_packaged_notebooks_are_the_three_reports():
    assert sorted(p.name for p in NOTEBOOKS_DIR.glob("*.ipynb")) == sorted(NOTEBOOK_FILES.values())


def test_the_notebooks_are_package_data():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    patterns = project["tool"]["setuptools"]["package-data"]["iae_eval"]
    assert "notebooks/*.ipynb" in patterns


def test_the_engine_is_registered_for_papermill():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    target = project["project"]["entry-points"]["papermill.engine"]["iae-persistent-kernel"]
    module, name = target.split(":")
    from importlib import import_module

    from papermill.engines import Engine

    assert issubclass(getattr(import_module(module), name), Engine)


def test_choose_notebooks_option_then_folder_then_package(tmp_path):
    explicit = tmp_path / "mine"
    explicit.mkdir()
    assert choose_notebooks(explicit, cwd=tmp_path).origin == "option"
    assert choose_notebooks(None, cwd=tmp_path).path == NOTEBOOKS_DIR
    assert choose_notebooks(None, cwd=tmp_path).origin == "packaged"
    (tmp_path / "notebooks").mkdir()
    local = choose_notebooks(None, cwd=tmp_path)
    assert (local.origin, local.path) == ("workspace", (tmp_path / "notebooks").resolve())


def test_the_method_sentence_names_the_notebooks(tmp_path):
    assert __version__ in notebooks_source_text(choose_notebooks(None, cwd=tmp_path))
    (tmp_path / "notebooks").mkdir()
    assert "dossier d'évaluation" in notebooks_source_text(choose_notebooks(None, cwd=tmp_path))
    assert "--notebooks" in notebooks_source_text(choose_notebooks(tmp_path, cwd=tmp_path))


def test_init_with_the_sample(tmp_path):
    folder = tmp_path / "eval"
    written = init_workspace(folder)
    assert all(p.is_file() for p in written)
    assert (folder / "README.md").is_file() and (folder / "data" / "commentaires").is_dir()
    for name in NOTEBOOK_FILES.values():
        assert declared_parameters(folder / "notebooks" / name)["data_dir"] == '"data"'
        original = nbformat.read(NOTEBOOKS_DIR / name, as_version=4)
        copy = nbformat.read(folder / "notebooks" / name, as_version=4)
        assert [c.source for c in copy.cells[1:]] == [c.source for c in original.cells[1:]]
    examples = sorted(p.relative_to(SAMPLE_COMMENTARIES) for p in SAMPLE_COMMENTARIES.rglob("*.md"))
    assert Path("2012/S03.md") in examples and Path("synthese/recommandations.md") in examples
    copied = folder / "data" / "commentaires"
    assert sorted(p.relative_to(copied) for p in copied.rglob("*") if p.is_file()) == examples
    for name in examples:
        assert (copied / name).read_bytes() == (SAMPLE_COMMENTARIES / name).read_bytes(), name
        assert copied / name in written
    # the copies in the repository's sample (docs/editions.md names them there) are the same files
    for name in examples:
        assert (copied / name).read_bytes() == (ROOT / "data/sample/commentaires" / name).read_bytes(), name
    assert "Les exemples fournis" in (folder / "README.md").read_text(encoding="utf-8")
    dataset = load_dataset(folder / "data")
    assert 2012 in dataset.years()
    assert default_data_dir(folder) == Path("data")
    assert default_data_dir(tmp_path) == Path("data/sample")
    assert not list(folder.glob(".iae-eval-*"))


def test_init_empty_writes_the_headers(tmp_path):
    folder = tmp_path / "eval"
    init_workspace(folder, empty=True)
    for table in TABLES.values():
        where = folder / "data" if table.name in REQUIRED_TABLES else folder / "data" / OPTIONAL_FOLDER
        assert (where / f"{table.name}.csv").read_text(encoding="utf-8").splitlines() == [
            ",".join(table.column_names)
        ]
    assert sorted(p.stem for p in (folder / "data").glob("*.csv")) == sorted(REQUIRED_TABLES)
    commentaries = folder / "data" / "commentaires"
    assert commentaries.is_dir() and not any(commentaries.iterdir())  # no example without the sample
    assert "Les exemples fournis" not in (folder / "README.md").read_text(encoding="utf-8")


def test_init_refuses_a_folder_in_use(tmp_path):
    folder = tmp_path / "eval"
    folder.mkdir()
    (folder / "notes.txt").write_text("x")
    with pytest.raises(WorkspaceError, match="pas vide"):
        init_workspace(folder)
    assert [p.name for p in folder.iterdir()] == ["notes.txt"]
    result = CliRunner().invoke(cli, ["init", str(folder)])
    assert result.exit_code == 2 and "Erreur" in result.stderr


def test_init_command(tmp_path):
    result = CliRunner().invoke(cli, ["init", str(tmp_path / "eval")])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "eval" / "notebooks" / "bilan.ipynb").is_file()


def _dependencies_line() -> str:
    """The site-packages of this test environment, for the fresh environment's dependencies."""
    return sysconfig.get_paths()["purelib"]


#: What is in a working copy's ``src/`` but is not part of the kit.
NOT_SOURCES = ("__pycache__", "*.pyc", "*.egg-info", ".ipynb_checkpoints")


def _clean_env() -> dict[str, str]:
    """This environment without the test run's ``PYTHONPATH`` (which points at the sources)."""
    return {k: v for k, v in os.environ.items() if k not in {"PYTHONPATH", "VIRTUAL_ENV"}}


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    """The wheel, built as ``make dist`` does (pip, with setuptools from the registry) from a copy
    of the sources (``src/``, ``pyproject.toml``, ``README.md``: nothing else of the repository)."""
    tmp = tmp_path_factory.mktemp("wheel")
    source = tmp / "source"
    source.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, source / name)
    shutil.copytree(ROOT / "src", source / "src", ignore=shutil.ignore_patterns(*NOT_SOURCES))
    wheels = tmp / "dist"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--quiet",
            "--no-deps",
            "--wheel-dir",
            str(wheels),
            str(source),
        ],
        check=True,
        env=_clean_env(),
        timeout=300,
    )
    (built,) = wheels.glob(f"iae_eval-{__version__}-py3-none-any.whl")
    return built


@pytest.mark.slow
def test_the_wheel_carries_every_file_the_kit_reads(wheel):
    """Every file of the package is in the wheel: the modules and the resources read at run time
    (the notebooks, the HTML template, the example commentaries ``iae-eval init`` copies), and
    the two entry points."""
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
        entry_points = archive.read(f"iae_eval-{__version__}.dist-info/entry_points.txt").decode()
    package = ROOT / "src" / "iae_eval"
    expected = {
        f"iae_eval/{p.relative_to(package).as_posix()}"
        for p in package.rglob("*")
        if p.is_file() and p.suffix != ".pyc" and not {"__pycache__", ".ipynb_checkpoints"} & set(p.parts)
    }
    assert expected - names == set()
    for resource in (
        *(f"iae_eval/notebooks/{name}" for name in NOTEBOOK_FILES.values()),
        "iae_eval/batch/templates/iae_report/index.html.j2",
        "iae_eval/batch/templates/iae_report/report.css",
        "iae_eval/batch/templates/iae_report/conf.json",
        "iae_eval/data/sample_commentaries/2012/S03.md",
        "iae_eval/data/sample_commentaries/public/2012/departement.md",
        "iae_eval/data/sample_commentaries/synthese/recommandations.md",
    ):
        assert resource in names, resource
    assert "iae-eval = iae_eval.cli:main" in entry_points
    assert "iae-persistent-kernel = iae_eval.batch.engine:PersistentKernelEngine" in entry_points


@pytest.mark.slow
def test_the_wheel_installs_and_runs_outside_the_repository(tmp_path, wheel):
    """Install the wheel with ``--no-deps``
    into a new virtual environment whose dependencies are this environment's (a ``.pth`` line and
    ``JUPYTER_PATH`` for their data files: no download of pandas & co, and no access to the
    source tree: ``iae_eval`` is imported from the wheel), then from a folder outside
    the repository: ``iae-eval init eval``, ``cd eval``, ``iae-eval run --years 2012``."""
    env = _clean_env()
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True, timeout=120)
    python = venv / "bin" / "python"
    purelib = subprocess.run(
        [python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        check=True,
        capture_output=True,
        text=True,
        env=env,
    ).stdout.strip()
    Path(purelib, "zz-test-dependencies.pth").write_text(_dependencies_line() + "\n")
    subprocess.run(
        [python, "-m", "pip", "install", "--quiet", "--no-deps", str(wheel)], check=True, env=env, timeout=300
    )
    where = subprocess.run(
        [python, "-c", "import iae_eval; print(iae_eval.__file__)"],
        check=True,
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
    ).stdout.strip()
    assert where.startswith(str(venv)), where
    work = tmp_path / "work"
    work.mkdir()
    cli_path = venv / "bin" / "iae-eval"
    env["PATH"] = f"{venv / 'bin'}{os.pathsep}{env.get('PATH', '')}"
    # the dependencies' data files (nbconvert's templates), which an installation of them in the
    # new environment would have put under its share/jupyter
    env["JUPYTER_PATH"] = str(Path(sys.prefix) / "share" / "jupyter")
    subprocess.run([cli_path, "init", "eval"], check=True, env=env, cwd=work, timeout=120)
    example = work / "eval" / "data" / "commentaires" / "2012" / "S03.md"
    assert (
        example.read_bytes() == (ROOT / "data" / "sample" / "commentaires" / "2012" / "S03.md").read_bytes()
    )
    run = subprocess.run(
        [cli_path, "run", "--years", "2012", "--structure", "S03", "--jobs", "2"],
        capture_output=True,
        text=True,
        env=env,
        cwd=work / "eval",
        timeout=600,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    out = work / "eval" / "reports"
    assert (out / "2012" / "departement.html").is_file()
    s03 = html.unescape((out / "2012" / "structures" / "S03.html").read_text(encoding="utf-8"))
    assert "Appréciation de l'évaluateur" in s03 and "Association Tremplin Gapençais : un public" in s03
    assert (out / "index.html").is_file()


def test_the_batch_passes_the_notebooks_source_to_a_notebook_that_declares_it(tmp_path):
    from iae_eval.batch.plan import plan_reports
    from test_batch import write_data, write_notebooks

    data, notebooks = write_data(tmp_path / "data"), write_notebooks(tmp_path / "notebooks")
    nb = nbformat.read(notebooks / "departement.ipynb", as_version=4)
    nb.cells[1].source += '\nnotebooks_source = ""'
    nbformat.write(nb, notebooks / "departement.ipynb")
    dataset = load_dataset(data)
    text = notebooks_source_text(choose_notebooks(notebooks))
    plan = plan_reports(
        dataset, years=[2012], structures=None, notebooks_dir=notebooks, data_dir=data, notebooks_source=text
    )
    by_kind = {r.kind: r.params for r in plan}
    assert by_kind["departement"]["notebooks_source"] == text and "--notebooks" in text
    assert "notebooks_source" not in by_kind["structure"]  # not declared there: not passed


def test_run_uses_the_folders_notebooks_and_says_so_when_they_are_missing(tmp_path, monkeypatch):
    from test_batch import write_data

    data = write_data(tmp_path / "data")
    (tmp_path / "notebooks").mkdir()
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(cli, ["run", "--data", str(data), "--years", "2012", "--out", "out"])
    assert result.exit_code == 1
    assert f"{(tmp_path / 'notebooks').resolve() / 'departement.ipynb'} introuvable" in result.stderr
    assert "notebooks pris dans" in result.stderr and not (tmp_path / "out").exists()
