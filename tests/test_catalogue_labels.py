"""One source for labels: no string of the package is a literal copy of a label of the
indicator catalogue (``indicators/catalogue.py``); tables and axes read the catalogue.

Left out: the catalogue itself, ``data/`` (input formats: the national export names the exit
categories with these words, and the reference nomenclature the catalogue reads them from)
and docstrings (documentation). The charts (``charts/``) are checked like the rest.
"""

from __future__ import annotations

import ast
from pathlib import Path

from iae_eval.indicators.catalogue import LABELS, short_label

SRC = Path(__file__).resolve().parents[1] / "src" / "iae_eval"
LEFT_OUT = ("indicators/catalogue.py", "data/")


def _docstrings(tree: ast.AST) -> set[int]:
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                found.add(id(body[0].value))
    return found


def test_no_copy_of_a_catalogue_label_outside_the_catalogue():
    labels = set(LABELS.values()) | {short_label(k) for k in LABELS}
    copies = []
    for path in sorted(SRC.rglob("*.py")):
        relative = path.relative_to(SRC).as_posix()
        if relative.startswith(LEFT_OUT):
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        docstrings = _docstrings(tree)
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and node.value in labels and id(node) not in docstrings:
                copies.append(f"{relative}:{node.lineno}: {node.value!r}")
    assert not copies, "labels to read from the catalogue:\n" + "\n".join(copies)


def test_the_check_finds_a_copy(tmp_path):
    """The walk above sees a label written as a literal (the check can fail)."""
    tree = ast.parse(f"x = {LABELS['participants']!r}")
    assert [n.value for n in ast.walk(tree) if isinstance(n, ast.Constant)] == [LABELS["participants"]]
