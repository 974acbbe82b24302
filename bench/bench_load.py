"""Benchmark: load + validate the national-size dataset (`iae-eval sample --scale 300`).

Goal (issue 2): under 10 s and under 3 GB peak memory on a 2-core machine.
Each run is a fresh process (cold caches of the interpreter, warm file cache), so its peak
RSS is the whole cost of one `load_dataset`. The baseline, run side by side, is a plain
`pandas.read_csv` of every table without any parsing or checking: the ratio says what the
validation costs on top of reading the bytes.

    .venv/bin/python bench/bench_load.py [--runs 5] [--scale 300] [--data bench/data/scale300]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent

CHILD = r"""
import json, resource, sys, time
mode, folder = sys.argv[1], sys.argv[2]
import pandas as pd
from iae_eval.data.load import load_dataset
start = time.perf_counter()
if mode == "kit":
    ds = load_dataset(folder)
    rows = len(ds.participants)
else:
    from pathlib import Path
    rows = sum(len(pd.read_csv(p, dtype=str)) for p in sorted(Path(folder).glob("*.csv")))
elapsed = time.perf_counter() - start
print(json.dumps({"seconds": elapsed, "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, "rows": rows}))
"""


def ensure_dataset(folder: Path, scale: float) -> None:
    if (folder / "participants.csv").exists():
        return
    from iae_eval.data.sample import generate_sample

    print(f"generating the scale-{scale:g} dataset in {folder} …", file=sys.stderr)
    start = time.perf_counter()
    generate_sample(folder, seed=2013, scale=scale)
    print(f"  done in {time.perf_counter() - start:.1f} s", file=sys.stderr)


def run(mode: str, folder: Path) -> dict:
    out = subprocess.run(
        [sys.executable, "-c", CHILD, mode, str(folder)], capture_output=True, text=True, check=True
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--scale", type=float, default=300)
    parser.add_argument("--data", type=Path, default=HERE / "data" / "scale300")
    args = parser.parse_args()
    ensure_dataset(args.data, args.scale)
    size_mb = sum(p.stat().st_size for p in args.data.glob("*.csv")) / 2**20
    results: dict[str, list[dict]] = {"kit": [], "baseline": []}
    for _ in range(args.runs):  # interleaved, so both see the same machine state
        for mode in results:
            results[mode].append(run(mode, args.data))
    print(f"machine: {os.cpu_count()} CPUs, Python {platform.python_version()}, {platform.machine()}")
    print(f"dataset: {args.data} ({size_mb:.0f} MB of CSV, {results['kit'][0]['rows']:,} pathways)")
    print(f"{'':28} {'median s':>9} {'min s':>7} {'max s':>7} {'peak RSS MB (median)':>21}")
    medians = {}
    for mode, label in (("kit", "load_dataset (parse+check)"), ("baseline", "read_csv only (baseline)")):
        secs = [r["seconds"] for r in results[mode]]
        peak = statistics.median(r["peak_mb"] for r in results[mode])
        medians[mode] = statistics.median(secs)
        print(f"{label:28} {medians[mode]:9.2f} {min(secs):7.2f} {max(secs):7.2f} {peak:21.0f}")
    print(
        f"ratio load_dataset / read_csv: {medians['kit'] / medians['baseline']:.2f}×  (goal: < 10 s, < 3 GB)"
    )


if __name__ == "__main__":
    main()
