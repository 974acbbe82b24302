"""Benchmark: ``compute_indicators`` on a national-size dataset (issue 3).

Goal: ``compute_indicators(ds, 2012, by="structure")`` (and ``by="departement"``) in under
2 s and under 2 GB of memory beyond the loaded data, on a 2-core machine.

The dataset, by default, is synthetic and built here directly with numpy — about 4,000
structures (7 % of them with two kinds) and 1,000,000 pathways of ~650,000 people entering
between 2009 and 2013, plus contracts, operations and funding rows — so the benchmark
depends on nothing but the indicator engine and measures a dataset twice the size of
``iae-eval sample --scale 300``. With ``--from-sample`` it instead loads that scale-300
sample (``iae_eval.data.load.load_dataset``), generating it first into ``bench/data/scale300``
with ``iae_eval.data.sample.generate_sample`` when it is not there.

Timing: one warm-up call, then the median (and min, max) of ``--runs`` calls (≥ 5).
Memory: the tracemalloc peak during one call (Python and numpy allocations), and the
growth of the process's peak RSS (VmHWM, reset through /proc/self/clear_refs where the
kernel allows it, after returning freed heap pages with glibc's malloc_trim) during one call. Results go to stdout and to
``bench/results/bench_indicators.json`` (git-ignored).

    .venv/bin/python bench/bench_indicators.py [--runs 7] [--year 2012] [--from-sample]
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import platform
import statistics
import sys
import time
import tracemalloc
from pathlib import Path

import numpy as np
import pandas as pd

HERE = Path(__file__).resolve().parent
SAMPLE_DIR = HERE / "data" / "scale300"
GOAL_SECONDS = 2.0
GOAL_MB = 2048


# ----------------------------------------------------------------------------------------
# Datasets
# ----------------------------------------------------------------------------------------
def _ids(prefix: str, numbers: np.ndarray, width: int) -> pd.Series:
    return pd.Series(np.char.mod(f"{prefix}%0{width}d", numbers), dtype="str")


def synthetic_dataset(*, structures: int = 4000, pathways: int = 1_000_000, seed: int = 2013):
    """A Dataset with the documented dtypes, drawn with numpy (no CSV, no loader)."""
    from iae_eval.data.dataset import Dataset
    from iae_eval.data.reference import TERRITORIES, builtin_exit_reasons

    rng = np.random.default_rng(seed)
    n_s, n_p = structures, pathways
    single = np.array(["ACI", "AI", "EI", "ETTI"])[rng.choice(4, n_s, p=[0.6, 0.15, 0.2, 0.05])]
    two_kinds = rng.random(n_s) < 0.07
    kinds = [("ACI", "AI") if two else (k,) for k, two in zip(single, two_kinds, strict=True)]
    structure_frame = pd.DataFrame(
        {
            "structure_id": _ids("S", np.arange(n_s), 5),
            "name": _ids("Structure ", np.arange(n_s), 5),
            "siret": pd.Series([np.nan] * n_s, dtype="str"),
            "kinds": pd.Series(kinds, dtype=object),
            "commune": pd.Series(["Gap"] * n_s, dtype="str"),
            "territory": pd.Series(
                np.array(TERRITORIES)[rng.integers(0, len(TERRITORIES), n_s)], dtype="str"
            ),
            "activity_supports": pd.Series([()] * n_s, dtype=object),
        }
    )

    size = rng.pareto(1.5, n_s) + 1  # a few large structures, many small ones
    structure = rng.choice(n_s, n_p, p=size / size.sum())
    second = rng.random(n_p) < 0.5
    kind = np.where(two_kinds[structure] & second, "AI", single[structure])
    kind = np.where(two_kinds[structure] & ~second, "ACI", kind)
    person = rng.integers(0, int(n_p * 0.65), n_p)

    start = np.datetime64("2009-01-01")
    entry = start + rng.integers(0, 5 * 365, n_p).astype("timedelta64[D]")
    stay = rng.exponential(300, n_p).astype(np.int64).astype("timedelta64[D]")
    exit_ = entry + stay
    still_in = (exit_ > np.datetime64("2013-12-31")) | (rng.random(n_p) < 0.05)
    exit_ = np.where(still_in, np.datetime64("NaT"), exit_)
    reason = pd.array(np.where(still_in, 0, rng.integers(1, 23, n_p)), dtype="Int64")
    reason[still_in] = pd.NA
    hours = np.where(np.isin(kind, ["AI", "ETTI"]), rng.uniform(20, 1200, n_p), np.nan)

    def nullable_bool(p_true: float, p_missing: float) -> pd.arrays.BooleanArray:
        values = pd.array(rng.random(n_p) < p_true, dtype="boolean")
        values[rng.random(n_p) < p_missing] = pd.NA
        return values

    participants = pd.DataFrame(
        {
            "person_id": _ids("P", person, 7),
            "structure_id": structure_frame["structure_id"].to_numpy()[structure],
            "kind": pd.Series(kind, dtype="str"),
            "entry_date": entry.astype("datetime64[us]"),
            "exit_date": exit_.astype("datetime64[us]"),
            "exit_reason": reason,
            "sex": pd.Series(np.where(rng.random(n_p) < 0.4, "F", "M"), dtype="str"),
            "birth_year": (entry.astype("datetime64[Y]").astype(np.int64) + 1970 - rng.integers(18, 64, n_p)),
            "rsa": rng.random(n_p) < 0.4,
            "deld": nullable_bool(0.5, 0.1),
            "rqth": nullable_bool(0.1, 0.1),
            "hours_worked": hours,
        }
    )
    participants["structure_id"] = participants["structure_id"].astype("str")
    return Dataset(
        structures=structure_frame,
        participants=participants,
        exit_reasons=builtin_exit_reasons(),
        contracts=_yearly(rng, "contracts", 20_000, structure_frame),
        operations=_yearly(rng, "operations", 10_000, structure_frame),
        funding=_yearly(rng, "funding", 60_000, structure_frame),
        source="synthetic",
    )


def _yearly(rng: np.random.Generator, name: str, n: int, structures: pd.DataFrame) -> pd.DataFrame:
    """A yearly optional table (contracts, operations or funding) over 2009-2013."""
    ids = structures["structure_id"].to_numpy()[rng.integers(0, len(structures), n)]
    year = rng.integers(2009, 2014, n)
    if name == "funding":
        return pd.DataFrame(
            {
                "year": year,
                "structure_id": pd.Series(ids, dtype="str"),
                "funder": pd.Series(["etat"] * n, dtype="str"),
                "nature": pd.Series(["fonctionnement"] * n, dtype="str"),
                "amount_eur": rng.uniform(1000, 50000, n),
            }
        )
    if name == "operations":
        return pd.DataFrame(
            {
                "operation_id": _ids("O", np.arange(n), 6),
                "year": year,
                "structure_id": pd.Series(ids, dtype="str"),
                "title": pd.Series(["t"] * n, dtype="str"),
                "partner": pd.Series([np.nan] * n, dtype="str"),
                "amount_eur": rng.uniform(0, 1e4, n),
            }
        )
    clause = rng.random(n) < 0.3
    with_structure = pd.Series(np.where(clause & (rng.random(n) < 0.7), ids, None), dtype="str")
    return pd.DataFrame(
        {
            "contract_id": _ids("C", np.arange(n), 6),
            "year": year,
            "title": pd.Series(["t"] * n, dtype="str"),
            "buyer": pd.Series(["b"] * n, dtype="str"),
            "amount_eur": rng.uniform(1e4, 1e6, n),
            "social_clause": clause,
            "clause_type": pd.Series(np.where(clause, "execution", None), dtype="str"),
            "hours_planned": np.where(clause, rng.uniform(100, 2000, n), np.nan),
            "hours_done": np.where(clause, rng.uniform(0, 2000, n), np.nan),
            "structure_id": with_structure,
        }
    )


def sample_dataset():
    """The ``--scale 300`` sample, loaded with the kit's loader (generated if missing)."""
    try:
        from iae_eval.data.load import load_dataset
        from iae_eval.data.sample import generate_sample
    except ImportError as exc:  # the loader or generator is not there yet
        raise SystemExit(f"--from-sample needs iae_eval.data.load and iae_eval.data.sample: {exc}") from None
    if not (SAMPLE_DIR / "participants.csv").exists():
        print(f"generating the scale-300 sample into {SAMPLE_DIR} …", file=sys.stderr)
        generate_sample(SAMPLE_DIR, seed=2013, scale=300)
    return load_dataset(SAMPLE_DIR)


# ----------------------------------------------------------------------------------------
# Measures
# ----------------------------------------------------------------------------------------
def _peak_rss_mb() -> float | None:
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


def _release_freed_memory() -> None:
    """Give freed heap pages back to the system (glibc), so RSS growth is measurable."""
    try:
        import ctypes

        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):
        pass


def _reset_peak_rss() -> bool:
    try:
        Path("/proc/self/clear_refs").write_text("5")
        return True
    except OSError:
        return False


def _time(call, runs: int) -> list[float]:
    call()  # warm-up
    times = []
    for _ in range(runs):
        gc.collect()
        start = time.perf_counter()
        call()
        times.append(time.perf_counter() - start)
    return times


def _memory(call) -> dict:
    gc.collect()
    _release_freed_memory()
    reset = _reset_peak_rss()
    before = _peak_rss_mb()
    call()
    after = _peak_rss_mb()
    gc.collect()
    tracemalloc.start()
    call()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    rss = None if before is None or after is None else after - before
    return {"tracemalloc_peak_mb": peak / 2**20, "peak_rss_growth_mb": rss, "rss_peak_reset": reset}


def _data_mb(dataset) -> float:
    frames = [
        dataset.structures,
        dataset.participants,
        dataset.contracts,
        dataset.operations,
        dataset.funding,
    ]
    return sum(f.memory_usage(deep=True).sum() for f in frames if f is not None) / 2**20


def _machine() -> dict:
    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return {
        "nproc": cpus,
        "python": platform.python_version(),
        "pandas": pd.__version__,
        "numpy": np.__version__,
        "platform": platform.platform(),
    }


def baseline_participants(dataset, year: int) -> pd.Series:
    """The baseline, timed side by side: the pandas a user would write for ONE key of §5
    (distinct people active in the year, per structure) — a groupby + nunique."""
    p = dataset.participants
    start, end = pd.Timestamp(year, 1, 1), pd.Timestamp(year, 12, 31)
    active = p[(p["entry_date"] <= end) & (p["exit_date"].isna() | (p["exit_date"] >= start))]
    return active.groupby("structure_id")["person_id"].nunique()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7, help="timed runs after a warm-up (≥ 5)")
    parser.add_argument("--year", type=int, default=2012)
    parser.add_argument(
        "--from-sample",
        action="store_true",
        help="load the scale-300 sample instead of the synthetic dataset",
    )
    parser.add_argument("--pathways", type=int, default=1_000_000, help="synthetic size")
    parser.add_argument("--structures", type=int, default=4000, help="synthetic size")
    args = parser.parse_args()
    runs = max(args.runs, 5)

    from iae_eval.indicators.compute import compute_indicators

    start = time.perf_counter()
    if args.from_sample:
        dataset, origin = sample_dataset(), f"scale-300 sample ({SAMPLE_DIR})"
    else:
        dataset = synthetic_dataset(structures=args.structures, pathways=args.pathways)
        origin = "synthetic (numpy)"
    built = time.perf_counter() - start
    data_mb = _data_mb(dataset)
    machine = _machine()
    print(
        f"dataset: {origin}, {len(dataset.structures):,} structures, "
        f"{len(dataset.participants):,} pathways, {data_mb:,.0f} MB in memory "
        f"(built or loaded in {built:.1f} s)"
    )
    print("machine: " + ", ".join(f"{k} {v}" for k, v in machine.items()))
    print()
    header = (
        f"{'by':<12} {'median s':>9} {'min s':>7} {'max s':>7} {'tracemalloc MB':>15} {'RSS +MB':>8}  rows"
    )
    print(header)
    print("-" * len(header))
    results = []
    for by in ("structure", "departement", "territory", "kind"):

        def call(by=by):
            return compute_indicators(dataset, args.year, by=by)

        times = _time(call, runs)
        memory = _memory(call)
        rss = memory["peak_rss_growth_mb"]
        row = {
            "by": by,
            "runs": runs,
            "median_s": statistics.median(times),
            "min_s": min(times),
            "max_s": max(times),
            **memory,
            "rows": len(call()),
        }
        results.append(row)
        print(
            f"{by:<12} {row['median_s']:>9.3f} {row['min_s']:>7.3f} {row['max_s']:>7.3f} "
            f"{row['tracemalloc_peak_mb']:>15.0f} {'-' if rss is None else f'{rss:.0f}':>8}  "
            f"{row['rows']}"
        )
    base = _time(lambda: baseline_participants(dataset, args.year), runs)
    base_median = statistics.median(base)
    engine_median = results[0]["median_s"]
    print(
        f"{'baseline':<12} {base_median:>9.3f} {min(base):>7.3f} {max(base):>7.3f}"
        f"   (groupby-nunique of 1 key, by structure)"
    )
    print(f"ratio: all 30 keys by structure / baseline for 1 key = {engine_median / base_median:.2f}×")
    worst = max(r["median_s"] for r in results if r["by"] in ("structure", "departement"))
    worst_mb = max(max(r["tracemalloc_peak_mb"], r["peak_rss_growth_mb"] or 0) for r in results)
    verdict = "OK" if worst < GOAL_SECONDS and worst_mb < GOAL_MB else "GOAL MISSED"
    print(
        f"\ngoal: < {GOAL_SECONDS:g} s and < {GOAL_MB} MB beyond the data -> {verdict} "
        f"(slowest median {worst:.3f} s, largest peak {worst_mb:.0f} MB)"
    )

    name = "bench_indicators_sample.json" if args.from_sample else "bench_indicators.json"
    out = HERE / "results" / name
    out.parent.mkdir(exist_ok=True)
    out.write_text(
        json.dumps(
            {
                "dataset": {
                    "origin": origin,
                    "structures": len(dataset.structures),
                    "pathways": len(dataset.participants),
                    "memory_mb": data_mb,
                },
                "year": args.year,
                "machine": machine,
                "results": results,
                "verdict": verdict,
                "baseline_one_key_median_s": base_median,
            },
            indent=2,
        )
    )
    print(f"written to {out.relative_to(HERE.parent)}")


if __name__ == "__main__":
    main()
