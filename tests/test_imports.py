"""No import circle and no import upward in the package, imports inside functions included.

The graph is read from the sources (``ast``), not by importing them: an import inside a
function, which a module may use to load a dependency lazily, counts as much as one at the
top. ``from iae_eval.x import y`` is an edge to ``iae_eval.x.y`` when ``y`` is a module, to
``iae_eval.x`` otherwise. The layers are those of docs/architecture.md (the package map):
a module imports modules of its own layer or of a lower one.
"""

from __future__ import annotations

import ast
from collections.abc import Mapping
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src"

#: Each module's layer, by the longest prefix of its dotted name; a module may import its own
#: layer and those below it. Low to high.
LAYERS: tuple[tuple[str, ...], ...] = (
    # 0. leaves: the version, number formats, errors, file writes, spreadsheet cells, colours
    ("iae_eval", "iae_eval.fmt", "iae_eval.errors", "iae_eval.atomic", "iae_eval.cells", "iae_eval.palette"),
    # 1. the input tables: schemas, loading, validation, reference tables, rules profiles
    ("iae_eval.data",),
    # 2. the figures: catalogue, engine, derived figures, suppression; the editions; wording
    ("iae_eval.indicators", "iae_eval.editions", "iae_eval.wording"),
    # 3. the public year's one decision
    ("iae_eval.protection",),
    # 4. what reads that decision: the year's spreadsheets, the synthesis' evidence, the audit of
    #    the published pages (against the spreadsheets' formats)
    (
        "iae_eval.indicators.exports",
        "iae_eval.indicators.evidence",
        "iae_eval.indicators.synthesis",
        "iae_eval.indicators.synthesis_exports",
        "iae_eval.protection.pages",
    ),
    # 5. drawing
    ("iae_eval.charts",),
    # 6. HTML blocks
    ("iae_eval.display",),
    # 7. a report's settings
    ("iae_eval.report",),
    # 8. the sections
    ("iae_eval.sections",),
    # 9. batch, kernels, HTML pages, portal; the workspace
    ("iae_eval.batch", "iae_eval.workspace"),
    # 10. the command line
    ("iae_eval.commands",),
    ("iae_eval.cli",),
)

#: Imports that go up a layer, each with its reason.
UPWARD_EXCEPTIONS: dict[tuple[str, str], str] = {
    ("iae_eval.data.schemas", "iae_eval.indicators.framework"): (
        "the évaluation table's schema checks its rows against the framework's questions"
    ),
    ("iae_eval.data.sample", "iae_eval.indicators.framework"): (
        "the sample's évaluation table extends the built-in framework's questions"
    ),
}


def modules(root: Path) -> dict[str, Path]:
    """Every module under ``root`` (a folder holding packages) by its dotted name."""
    found = {}
    for path in sorted(root.rglob("*.py")):
        parts = path.relative_to(root).with_suffix("").parts
        if parts[-1] == "__init__":
            parts = parts[:-1]
        found[".".join(parts)] = path
    return found


def _resolve(name: str, known: Mapping[str, Path]) -> str | None:
    """The module ``name`` is, or the nearest package or module above it that is known."""
    while name and name not in known:
        name = name.rpartition(".")[0]
    return name or None


def _package(module: str, path: Path) -> str:
    """The package a relative import of ``module`` starts from."""
    return module if path.name == "__init__.py" else module.rpartition(".")[0]


def import_graph(root: Path, top: str) -> dict[str, set[str]]:
    """Module → the modules of package ``top`` it imports (at any depth of its code)."""
    known = {m: p for m, p in modules(root).items() if m == top or m.startswith(top + ".")}
    graph: dict[str, set[str]] = {m: set() for m in known}
    for module, path in known.items():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
            targets: list[str | None] = []
            if isinstance(node, ast.Import):
                targets = [_resolve(a.name, known) for a in node.names if a.name.split(".")[0] == top]
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    package = _package(module, path).split(".")
                    package = package[: len(package) - node.level + 1]
                    base = ".".join([*package, *([base] if base else [])])
                if base.split(".")[0] != top:
                    continue
                targets = [
                    f"{base}.{a.name}" if f"{base}.{a.name}" in known else _resolve(base, known)
                    for a in node.names
                ]
            graph[module].update(t for t in targets if t is not None and t != module)
    return graph


def circles(graph: Mapping[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan, iteratively)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    for start in sorted(graph):
        if start in index:
            continue
        work = [(start, iter(sorted(graph[start])))]
        index[start] = low[start] = len(index)
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph.get(child, ())))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    found.append(sorted(component))
    return found


def cycle_in(component: list[str], graph: Mapping[str, set[str]]) -> list[str]:
    """One cycle through the component's first module, as a path that returns to it."""
    members = set(component)
    start = component[0]
    paths = {start: [start]}
    queue = [start]
    while queue:
        node = queue.pop(0)
        for child in sorted(graph[node] & members):
            if child == start:
                return [*paths[node], start]
            if child not in paths:
                paths[child] = [*paths[node], child]
                queue.append(child)
    return component


def layer_of(module: str, layers: tuple[tuple[str, ...], ...] = LAYERS) -> int:
    """The layer of ``module``: that of the longest prefix naming it or a package above it."""
    best, level = -1, None
    for position, prefixes in enumerate(layers):
        for prefix in prefixes:
            if (module == prefix or module.startswith(prefix + ".")) and len(prefix) > best:
                best, level = len(prefix), position
    if level is None:
        raise KeyError(f"{module} is in no layer")
    return level


def upward(graph: Mapping[str, set[str]], layers: tuple[tuple[str, ...], ...] = LAYERS) -> list[str]:
    """Every import of a module of a higher layer, but the declared exceptions."""
    return [
        f"{source} (layer {layer_of(source, layers)}) imports {target} (layer {layer_of(target, layers)})"
        for source in sorted(graph)
        for target in sorted(graph[source])
        if layer_of(target, layers) > layer_of(source, layers) and (source, target) not in UPWARD_EXCEPTIONS
    ]


GRAPH = import_graph(SRC, "iae_eval")


def test_the_package_has_no_import_circle():
    found = circles(GRAPH)
    assert not found, "import circles:\n" + "\n".join(" → ".join(cycle_in(c, GRAPH)) for c in found)


def test_no_module_imports_a_higher_layer():
    assert not upward(GRAPH), "imports upward:\n" + "\n".join(upward(GRAPH))


def test_every_module_has_a_layer_and_every_exception_is_an_import():
    for module in GRAPH:
        layer_of(module)
    stale = [pair for pair in UPWARD_EXCEPTIONS if pair[1] not in GRAPH.get(pair[0], set())]
    assert not stale, f"exceptions that are no longer imports: {stale}"


def _package_of(tmp_path: Path, files: Mapping[str, str]) -> Path:
    for name, text in files.items():
        path = tmp_path / "src" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return tmp_path / "src"


def test_a_planted_circle_is_found_even_through_an_import_in_a_function(tmp_path):
    root = _package_of(
        tmp_path,
        {
            "fake/__init__.py": "",
            "fake/a.py": "from fake.b import value\n",
            "fake/b.py": "def value():\n    from fake import a\n    return a\n",
            "fake/c.py": "from . import a\nimport fake.b\n",
        },
    )
    graph = import_graph(root, "fake")
    assert graph == {
        "fake": set(),
        "fake.a": {"fake.b"},
        "fake.b": {"fake.a"},
        "fake.c": {"fake.a", "fake.b"},
    }
    assert circles(graph) == [["fake.a", "fake.b"]]
    assert cycle_in(["fake.a", "fake.b"], graph) == ["fake.a", "fake.b", "fake.a"]
    root = _package_of(tmp_path, {"fake/b.py": "def value():\n    return 1\n"})
    assert circles(import_graph(root, "fake")) == []


def test_an_import_upward_is_found(tmp_path):
    root = _package_of(
        tmp_path,
        {
            "fake/__init__.py": "",
            "fake/low/__init__.py": "",
            "fake/low/x.py": "def f():\n    from fake.high import y\n",
            "fake/high.py": "y = 1\n",
        },
    )
    layers = (("fake",), ("fake.high",))
    found = upward(import_graph(root, "fake"), layers)
    assert found == ["fake.low.x (layer 0) imports fake.high (layer 1)"]
    with pytest.raises(KeyError):
        layer_of("other.module", layers)
