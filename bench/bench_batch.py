"""Benchmark of ``iae-eval run`` against the loop a user would write by hand.

One year of the sample (the département report and every structure active that year):

- naive: for each report, the ``papermill`` command line, then
  ``jupyter nbconvert --to html --no-input``, one after the other (a kernel, a Python
  and the imports per report and per conversion);
- batch: ``iae-eval run --data DATA --years YEAR --out DIR --force`` (worker processes,
  one kernel kept per worker, HTML export in the workers);
- unchanged: ``iae-eval run`` again on the same output without ``--force`` (every report
  skipped: its inputs did not change).

Each is run ``--runs`` times (3 by default) in this same process run; the medians and the
ratios are printed, with the medians of a structure report's time and of its parts
(computing, drawing, exporting, the rest) as the batch runs' manifests record them, and
written to ``bench/results/bench_batch.json``. Goals on the 2-core reference machine: batch
≥ 8× faster than naive; unchanged ≥ 10× faster than batch.

Usage: ``.venv/bin/python bench/bench_batch.py [--year 2012] [--runs 3] [--data data/sample]``
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent


def _run(cmd: list[str], **kw) -> None:
    result = subprocess.run(cmd, capture_output=True, text=True, **kw)
    if result.returncode != 0:
        sys.stderr.write(result.stdout[-3000:] + result.stderr[-3000:])
        raise SystemExit(f"command failed ({result.returncode}): {' '.join(cmd)}")


def _reports(data: Path, year: int) -> list[tuple[str, dict]]:
    """(notebook, parameters) of each report of the year, as `iae-eval run` plans them."""
    from iae_eval.batch.plan import plan_reports
    from iae_eval.data.load import load_dataset
    from iae_eval.workspace import NOTEBOOKS_DIR

    dataset = load_dataset(data)
    plan = plan_reports(dataset, years=[year], structures=None, notebooks_dir=NOTEBOOKS_DIR, data_dir=data)
    return [(str(r.notebook), r.params) for r in plan]


def naive(reports: list[tuple[str, dict]], out: Path) -> float:
    started = time.perf_counter()
    for i, (notebook, params) in enumerate(reports):
        executed = out / f"report-{i}.ipynb"
        cmd = [str(BIN / "papermill"), notebook, str(executed), "--no-progress-bar", "-k", "python3"]
        for name, value in params.items():
            cmd += ["-p", name, str(value)]
        _run(cmd, cwd=Path(notebook).parent)
        _run([str(BIN / "jupyter"), "nbconvert", "--to", "html", "--no-input", str(executed)])
    return time.perf_counter() - started


def batch(data: Path, year: int, out: Path, *, force: bool) -> float:
    cmd = [str(BIN / "iae-eval"), "run", "--data", str(data), "--years", str(year), "--out", str(out)]
    started = time.perf_counter()
    _run(cmd + (["--force"] if force else []), cwd=ROOT)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=ROOT / "data" / "sample")
    parser.add_argument("--year", type=int, default=2012)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    data = args.data.resolve()
    reports = _reports(data, args.year)
    print(f"{len(reports)} reports (year {args.year}), {os.cpu_count()} CPU(s), {args.runs} run(s) each")

    from iae_eval.batch.manifest import Manifest

    times: dict[str, list[float]] = {"naive": [], "batch": [], "unchanged": []}
    parts: dict[str, list[float]] = {}  # medians of the structure reports' time and parts, per batch run
    with tempfile.TemporaryDirectory(prefix="iae-bench-") as tmp:
        tmp = Path(tmp)
        batch(data, args.year, tmp / "warm", force=True)  # warm the disk cache and .pyc files
        for run in range(args.runs):
            out = tmp / f"naive-{run}"
            out.mkdir()
            times["naive"].append(naive(reports, out))
            out = tmp / f"batch-{run}"
            times["batch"].append(batch(data, args.year, out, force=True))
            for part, values in Manifest.load(out).report_times("structure").items():
                parts.setdefault(part, []).append(statistics.median(values))
            times["unchanged"].append(batch(data, args.year, out, force=False))
            print(f"run {run + 1}: " + ", ".join(f"{k} {v[-1]:.1f} s" for k, v in times.items()), flush=True)
            shutil.rmtree(tmp / f"naive-{run}")

    med = {k: statistics.median(v) for k, v in times.items()}
    ratios = {
        "naive_over_batch": med["naive"] / med["batch"],
        "batch_over_unchanged": med["batch"] / med["unchanged"],
    }
    print(f"median naive loop      : {med['naive']:7.1f} s ({med['naive'] / len(reports):.2f} s per report)")
    print(f"median iae-eval run    : {med['batch']:7.1f} s ({med['batch'] / len(reports):.2f} s per report)")
    print(f"median unchanged rerun : {med['unchanged']:7.1f} s")
    structure = {part: statistics.median(values) for part, values in parts.items()}
    print(
        f"median structure report in the batch: {structure['seconds']:.2f} s ("
        + ", ".join(f"{p} {v:.2f} s" for p, v in structure.items() if p != "seconds")
        + ")"
    )
    print(f"batch is {ratios['naive_over_batch']:.1f}x faster than the naive loop (goal >= 8x)")
    print(f"unchanged rerun is {ratios['batch_over_unchanged']:.1f}x faster than a full run (goal >= 10x)")
    results = ROOT / "bench" / "results"
    results.mkdir(parents=True, exist_ok=True)
    payload = {
        "year": args.year,
        "reports": len(reports),
        "cpus": os.cpu_count(),
        "runs": times,
        "medians": med,
        "structure_report": structure,
        "ratios": ratios,
    }
    (results / "bench_batch.json").write_text(json.dumps(payload, indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
