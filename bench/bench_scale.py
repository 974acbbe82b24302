"""Benchmark at national scale (issue 11): the local worker pool against ``--scheduler local``.

Data: ``iae-eval sample --scale 300`` (about 4,200 structures and 455,000 pathways),
generated once into ``bench/data/scale300/`` (git-ignored). Year 2012: the département
report and ``--structures`` structure reports (200 by default), built with

- ``local``: ``iae-eval run --jobs 2`` (the local worker pool);
- ``dask``: ``iae-eval run --jobs 2 --scheduler local`` (a Dask LocalCluster of 2 workers);

side by side in this same run (alternating, ``--runs`` times each, ``--force``). For each:
the wall time, the median time per structure report with the medians of its parts
(computing, drawing, exporting, the rest: the manifest's ``timings``) and the département
report's time (from the manifest), the peak resident memory of the whole process tree and of its largest
process (a kernel), sampled every 0.2 s from ``/proc``, and the projected time of the full
year (every structure active in 2012): this run's wall time plus the remaining structure
reports at this run's steady pace (the mean structure report, each worker's first one left
out: it loads the data and computes the year's figures, which the full year does once per
worker too), shared by the workers.
Results are printed and written to ``bench/results/bench_scale.json``.

Goals: structure report ≤ 0.8 s median; full year ≤ 30 min on 2 cores; < 1.5 GB per worker.

Usage: ``.venv/bin/python bench/bench_scale.py [--structures 200] [--runs 1] [--jobs 2] [--modes local,dask]``
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
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
DATA = ROOT / "bench" / "data" / "scale300"
PAGE = os.sysconf("SC_PAGE_SIZE")


def _tree_rss(root: int) -> tuple[int, int]:
    """(total, largest) resident memory in bytes of ``root`` and its descendants."""
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                parents[int(entry.name)] = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                pass
    tree, frontier = {root}, [root]
    while frontier:
        pid = frontier.pop()
        for child, parent in parents.items():
            if parent == pid and child not in tree:
                tree.add(child)
                frontier.append(child)
    sizes = []
    for pid in tree:
        try:
            sizes.append(int(Path(f"/proc/{pid}/statm").read_text().split()[1]) * PAGE)
        except (OSError, IndexError, ValueError):
            pass
    return sum(sizes), max(sizes, default=0)


def measured_run(cmd: list[str]) -> dict:
    """Run ``cmd``; its wall time and the peak memory of its process tree."""
    peak = {"total": 0, "largest": 0}
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT)
    done = threading.Event()

    def sample():
        while not done.wait(0.2):
            total, largest = _tree_rss(proc.pid)
            peak["total"] = max(peak["total"], total)
            peak["largest"] = max(peak["largest"], largest)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    stdout, stderr = proc.communicate()
    seconds = time.perf_counter() - started
    done.set()
    sampler.join()
    if proc.returncode != 0:
        sys.stderr.write(stdout[-3000:] + stderr[-3000:])
        raise SystemExit(f"command failed ({proc.returncode}): {' '.join(cmd[:8])} …")
    return {
        "wall": seconds,
        "peak_total_mb": peak["total"] / 2**20,
        "peak_process_mb": peak["largest"] / 2**20,
    }


def report_times(out: Path) -> tuple[dict[str, list[float]], float | None]:
    """The structure reports' seconds and their parts (compute, draw, export, other), and the
    département report's seconds, from the run's manifest."""
    from iae_eval.batch.manifest import Manifest

    manifest = Manifest.load(out)
    dep = manifest.report_times("departement")["seconds"]
    return manifest.report_times("structure"), (dep[0] if dep else None)


def parts_text(medians: dict[str, float]) -> str:
    """``compute 0.28 s, draw 0.36 s, …`` (the medians of a structure report's parts)."""
    return ", ".join(f"{part} {value:.2f} s" for part, value in medians.items() if part != "seconds")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--year", type=int, default=2012)
    parser.add_argument("--structures", type=int, default=200)
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument(
        "--modes", default="local,dask", help="schedulers to compare, comma-separated (local, dask)"
    )
    args = parser.parse_args()
    data = args.data.resolve()
    if not data.is_dir():
        print(f"generating {data} (iae-eval sample --scale 300)…", flush=True)
        subprocess.run([str(BIN / "iae-eval"), "sample", "--out", str(data), "--scale", "300"], check=True)

    from iae_eval.data.load import load_dataset
    from iae_eval.indicators.pathways import structures_active

    started = time.perf_counter()
    dataset = load_dataset(data)
    load_seconds = time.perf_counter() - started
    active = sorted(structures_active(dataset.participants, args.year))
    chosen = active[: args.structures]
    print(
        f"{len(dataset.structures)} structures, {len(dataset.participants)} pathways; {len(active)} active in "
        f"{args.year}; load + validate {load_seconds:.1f} s; {len(chosen)} structure reports + the département "
        f"report, --jobs {args.jobs}, {os.cpu_count()} CPU(s), {args.runs} run(s) each",
        flush=True,
    )
    base = [
        str(BIN / "iae-eval"),
        "run",
        "--data",
        str(data),
        "--years",
        str(args.year),
        "--jobs",
        str(args.jobs),
        "--force",
    ]
    for sid in chosen:
        base += ["--structure", sid]
    known = {"local": [], "dask": ["--scheduler", "local"]}
    modes = {m: known[m] for m in args.modes.split(",")}
    runs: dict[str, list[dict]] = {m: [] for m in modes}
    with tempfile.TemporaryDirectory(prefix="iae-bench-scale-") as tmp:
        for run in range(args.runs):
            for mode, extra in modes.items():
                out = Path(tmp) / f"{mode}-{run}"
                result = measured_run([*base, "--out", str(out), *extra])
                structures, dep = report_times(out)
                medians = {part: statistics.median(values) for part, values in structures.items()}
                seconds = sorted(structures["seconds"])
                result["steady_mean"] = statistics.mean(seconds[: len(seconds) - args.jobs])
                result.update(
                    structure_median=medians["seconds"],
                    structure_parts=medians,
                    departement=dep,
                    reports=len(structures["seconds"]) + 1,
                )
                runs[mode].append(result)
                print(
                    f"run {run + 1} {mode:5}: {result['wall']:.0f} s wall, structure report median "
                    f"{result['structure_median']:.2f} s ({parts_text(medians)}), département {dep:.1f} s, "
                    f"peak {result['peak_total_mb']:.0f} MB (largest process {result['peak_process_mb']:.0f} MB)",
                    flush=True,
                )
                shutil.rmtree(out)

    summary = {}
    for mode, results in runs.items():
        wall = statistics.median(r["wall"] for r in results)
        median = statistics.median(r["structure_median"] for r in results)
        parts = {
            p: statistics.median(r["structure_parts"][p] for r in results)
            for p in results[0]["structure_parts"]
        }
        dep = statistics.median(r["departement"] for r in results)
        # The remaining reports at the steady pace of this run: the mean structure report
        # without each worker's first one (it loads the data and computes the year's figures:
        # a cost the full year pays once per worker, as this run did), on ``jobs`` workers.
        steady = statistics.median(r["steady_mean"] for r in results)
        projected = wall + steady * (len(active) - len(chosen)) / args.jobs
        summary[mode] = {
            "wall": wall,
            "structure_median": median,
            "structure_parts": parts,
            "departement": dep,
            "peak_total_mb": max(r["peak_total_mb"] for r in results),
            "peak_process_mb": max(r["peak_process_mb"] for r in results),
            "steady_mean": steady,
            "projected_full_year_s": projected,
        }
        print(
            f"{mode:5}: median structure report {median:.2f} s (goal <= 0.8 s; {parts_text(parts)}), "
            f"département {dep:.1f} s, wall {wall:.0f} s, peak {summary[mode]['peak_total_mb']:.0f} MB in all, "
            f"{summary[mode]['peak_process_mb']:.0f} MB largest process; steady pace {steady:.2f} s a structure "
            f"report; full year ({len(active)} structures) projected {projected / 60:.0f} min (goal <= 30 min)"
        )
    ratio = summary["dask"]["wall"] / summary["local"]["wall"] if {"dask", "local"} <= set(summary) else None
    if ratio is not None:
        print(f"dask / local wall time: {ratio:.2f}")
    results_dir = ROOT / "bench" / "results"
    results_dir.mkdir(parents=True, exist_ok=True)
    payload = {
        "year": args.year,
        "structures_run": len(chosen),
        "structures_active": len(active),
        "jobs": args.jobs,
        "cpus": os.cpu_count(),
        "load_seconds": load_seconds,
        "runs": runs,
        "summary": summary,
        "dask_over_local": ratio,
    }
    (results_dir / "bench_scale.json").write_text(json.dumps(payload, indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
