"""Benchmark: the département report at national scale (issue 27, item 7: under 2 MB and 20 s),
a base revision against the working tree, side by side in this same run.

Data: ``iae-eval sample --scale 300`` (about 4,200 structures), generated once into
``bench/data/scale300/`` (git-ignored). For each side, alternating, ``--runs`` times:

- **batch**: ``iae-eval run --years Y --structure <first structure> --jobs 1 --force``, the
  département report's ``seconds`` from the manifest (a fresh kernel: it boots, loads the data,
  computes the year) with its parts (``compute``, ``draw``, ``export``, ``other``), the page's
  bytes and the whole command's wall time;
- **in process**: the département notebook's cells run in one Python process (the sections'
  HTML rendered as a notebook shows them), split into the imports, the data's loading and
  checking, and the sections: what a report costs once the kernel and the data are ready.

Prints the medians of each side and their ratio (working tree / base); writes
``bench/results/bench_departement.json``.

    .venv/bin/python bench/bench_departement.py --base main --runs 3
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
DATA = ROOT / "bench" / "data" / "scale300"
NOTEBOOK = Path("iae_eval") / "notebooks" / "departement.ipynb"


def in_process(source: Path, data: Path, year: int) -> dict[str, float]:
    """The département notebook's cells in this process (``source``: a ``src`` folder whose
    package is the one imported): seconds of the imports, the loading, the sections."""
    notebook = json.loads((source / NOTEBOOK).read_text(encoding="utf-8"))
    namespace: dict = {}
    times = {"imports": 0.0, "load": 0.0, "sections": 0.0}
    for cell in notebook["cells"]:
        if cell["cell_type"] != "code":
            continue
        code = "".join(cell["source"])
        if "parameters" in (cell["metadata"].get("tags") or []):
            exec(code + f"\ndata_dir = {str(data)!r}\nyear = {year}\n", namespace)
            continue
        part = "imports" if code.lstrip().startswith(("from ", "import ")) else None
        part = part or ("load" if "load(" in code and "report(" in code else "sections")
        started = time.perf_counter()
        *body, last = code.strip().split("\n")
        try:
            compile(last, "<cell>", "eval")
        except SyntaxError:  # the cell ends with a statement: nothing to show
            body, last = [code], "None"
        exec("\n".join(body), namespace)
        shown = eval(last, namespace)  # the cell's result, as the notebook displays it
        if hasattr(shown, "_repr_html_"):
            shown._repr_html_()
        times[part] += time.perf_counter() - started
    return times


def batch(source: Path, data: Path, year: int, structure: str) -> dict[str, float]:
    """One ``iae-eval run`` with the package of ``source``: the département report's figures."""
    with tempfile.TemporaryDirectory(prefix="iae-bench-dept-") as out:
        command = [str(BIN / "iae-eval"), "run", "--data", str(data), "--years", str(year)]
        command += ["--structure", structure, "--jobs", "1", "--force", "--out", out]
        started = time.perf_counter()
        subprocess.run(
            command,
            check=True,
            stdout=subprocess.DEVNULL,
            env={**os.environ, "PYTHONPATH": str(source)},
        )
        wall = time.perf_counter() - started
        entries = json.loads((Path(out) / ".iae-eval-manifest.json").read_text(encoding="utf-8"))["entries"]
        entry = entries[f"{year}/departement.html"]
        page = (Path(out) / f"{year}" / "departement.html").stat().st_size
    return {"report": entry["seconds"], **entry["timings"], "bytes": page, "command": wall}


def _side(source: Path, data: Path, year: int, structure: str) -> dict[str, float]:
    inner = subprocess.run(
        [sys.executable, __file__, "--inner", str(source), "--data", str(data), "--year", str(year)],
        check=True,
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(source)},
    )
    return {**batch(source, data, year, structure), **json.loads(inner.stdout.strip().splitlines()[-1])}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--base", default="main", help="the revision to compare with")
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--year", type=int, default=2012)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--inner", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.inner:
        print(json.dumps(in_process(args.inner, args.data, args.year)))
        return
    if not args.data.exists():
        print(f"generating {args.data} (iae-eval sample --scale 300)…", flush=True)
        subprocess.run(
            [str(BIN / "iae-eval"), "sample", "--out", str(args.data), "--scale", "300"], check=True
        )
    structure = (args.data / "structures.csv").read_text(encoding="utf-8").splitlines()[1].split(",")[0]
    with tempfile.TemporaryDirectory(prefix="iae-bench-base-") as tmp:
        base = Path(tmp) / "base"
        subprocess.run(["git", "worktree", "add", "--detach", str(base), args.base], cwd=ROOT, check=True)
        try:
            sides = {"base": base / "src", "tree": ROOT / "src"}
            measured: dict[str, list[dict[str, float]]] = {name: [] for name in sides}
            for run in range(args.runs):
                for name, source in sides.items():
                    measured[name].append(_side(source, args.data, args.year, structure))
                    print(f"run {run + 1} {name}: {measured[name][-1]}", flush=True)
        finally:
            subprocess.run(["git", "worktree", "remove", "--force", str(base)], cwd=ROOT, check=True)
    medians = {
        name: {key: statistics.median(m[key] for m in runs) for key in runs[0]}
        for name, runs in measured.items()
    }
    print(f"\nmedians of {args.runs} runs, year {args.year}, {args.data.name} (base = {args.base})")
    print(f"{'':<10} {'base':>12} {'tree':>12} {'tree/base':>10}")
    for key in medians["base"]:
        old, new = medians["base"][key], medians["tree"][key]
        print(f"{key:<10} {old:>12.2f} {new:>12.2f} {new / old if old else float('nan'):>10.2f}")
    results = ROOT / "bench" / "results"
    results.mkdir(parents=True, exist_ok=True)
    payload = {"base": args.base, "year": args.year, "runs": measured, "medians": medians}
    (results / "bench_departement.json").write_text(json.dumps(payload, indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
