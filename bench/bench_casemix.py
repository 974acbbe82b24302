"""Benchmark: both case-mix models and the overdispersion figures at national size (issue 16).

Goal: fitting the durable and the dynamic models on one year of ``iae-eval sample --scale
300`` (about 4,200 structures, 455,000 pathways active in 2012) in under 5 s on a 2-core
machine, each run on a fresh copy of the dataset (no memo). The sample is generated into
``bench/data/scale300`` when it is not there. Also prints, for 2012, the overdispersion of
each rate: φ, τ², the method chosen, and the share of structures outside the 99.8 % limits
with the exact binomial limits and with the limits as drawn. Results go to stdout and to
``bench/results/bench_casemix.json`` (git-ignored).

    .venv/bin/python bench/bench_casemix.py [--runs 3] [--year 2012]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
SAMPLE_DIR = HERE / "data" / "scale300"
GOAL_SECONDS = 5.0


def _dataset():
    from iae_eval.data.load import load_dataset
    from iae_eval.data.sample import generate_sample

    if not (SAMPLE_DIR / "participants.csv").exists():
        generate_sample(SAMPLE_DIR, scale=300)
    return load_dataset(SAMPLE_DIR)


def fit_seconds(dataset, year: int, runs: int) -> tuple[list[float], dict]:
    """Seconds to fit both models ``runs`` times, each on a copy without memo."""
    from dataclasses import replace

    from iae_eval.indicators import casemix

    times, models = [], {}
    for _ in range(runs):
        fresh = replace(dataset)  # same tables, an empty memo
        start = time.perf_counter()
        models = casemix.models(fresh, year)
        times.append(time.perf_counter() - start)
    return times, models


def overdispersion_figures(dataset, year: int) -> dict:
    """φ, τ², method, and the shares outside the 99.8 % limits before and after correction."""
    from iae_eval.indicators import overdispersion, uncertainty
    from iae_eval.indicators.compute import compute_indicators

    frame = compute_indicators(dataset, year, "structure")
    figures = {}
    for key in ("durable_rate", "dynamic_rate"):
        dispersion, table = overdispersion.structure_funnel(dataset, year, key)
        exact = uncertainty.classify(table["valeur"], table["sorties_examinees"], dispersion.target)
        outside_exact = int(sum(p != uncertainty.WITHIN for p in exact))
        outside_drawn = int((table["position"] != overdispersion.POSITIONS[uncertainty.WITHIN]).sum())
        figures[key] = {
            "structures": len(table),
            "phi": dispersion.phi,
            "tau2": dispersion.tau2,
            "overdispersed": dispersion.overdispersed,
            "method": dispersion.method,
            "outside_998_exact": outside_exact,
            "outside_998_exact_share": outside_exact / len(table),
            "outside_998_drawn": outside_drawn,
            "outside_998_drawn_share": outside_drawn / len(table),
            "structures_with_exits": int((frame["exits_examined"] > 0).sum()),
        }
    return figures


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--year", type=int, default=2012)
    args = parser.parse_args(argv)
    dataset = _dataset()
    times, models = fit_seconds(dataset, args.year, max(args.runs, 1))
    median = statistics.median(times)
    result = {
        "year": args.year,
        "pathways": len(dataset.participants),
        "examined_exits": models["durable"].n,
        "fit_seconds": times,
        "fit_median_seconds": median,
        "goal_seconds": GOAL_SECONDS,
        "c_statistic": {k: m.c_statistic for k, m in models.items()},
        "overdispersion": overdispersion_figures(dataset, args.year),
    }
    print(json.dumps(result, indent=2, ensure_ascii=False))
    out = HERE / "results" / "bench_casemix.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(result, indent=2, ensure_ascii=False), encoding="utf-8")
    verdict = "OK" if median < GOAL_SECONDS else "TOO SLOW"
    print(f"both models, median of {len(times)}: {median:.2f} s (goal < {GOAL_SECONDS} s): {verdict}")
    return 0 if median < GOAL_SECONDS else 1


if __name__ == "__main__":
    sys.exit(main())
