"""The package shows the data flow in its file list: load → validate → indicators →
sections → HTML → batch, with a handful of shared modules at the top."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "iae_eval"


def test_top_level_holds_at_most_a_dozen_modules_beside_the_sub_packages():
    modules = sorted(p.name for p in PACKAGE.glob("*.py"))
    packages = sorted(p.name for p in PACKAGE.iterdir() if (p / "__init__.py").is_file())
    assert len(modules) <= 12, modules
    assert packages == ["batch", "charts", "commands", "data", "indicators", "protection", "sections"]


def test_the_package_re_exports_the_public_api_without_work_at_import():
    code = (
        "import sys, iae_eval; assert 'pandas' not in sys.modules; "
        "from iae_eval import load_dataset, inspect_dataset, compute_indicators, compute_trends, suppress, "
        "DataValidationError, Dataset, INDICATORS; print(len(INDICATORS))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "33"


def test_the_kernel_warm_up_imports_modules_that_exist():
    """The warm-up swallows import errors (a broken module fails the first report, with its
    traceback), so it must name modules that exist: after a restructure it once named none."""
    import importlib

    from iae_eval.batch.kernel import WARM_UP_MODULES

    for name in WARM_UP_MODULES:
        importlib.import_module(name)
    assert "iae_eval.sections" in WARM_UP_MODULES


def test_no_departement_named_in_code_or_notebooks():
    """The département's name comes from the data (its ``departement`` table)."""
    from iae_eval.workspace import NOTEBOOKS_DIR

    sources = [*PACKAGE.rglob("*.py"), *NOTEBOOKS_DIR.glob("*.ipynb")]
    allowed = {PACKAGE / "data" / "sample.py", PACKAGE / "data" / "fluxiae" / "sample.py"}
    named = [str(p) for p in sources if p not in allowed and "Hautes-Alpes" in p.read_text(encoding="utf-8")]
    assert named == []
