"""Benchmark: the public edition's year protection (iae_eval.protection) against the current
table suppression (iae_eval.indicators.exports.year_table, public edition), side by side on the
same generated datasets.

Goal (issue 26): a year at scale 300 (4,200 structures) protected in under 2 minutes on
2 cores, cost growing at most as n log n. Prints, per scale, the structures, the model's cells,
the median seconds of the model, of the Gaussian elimination alone (the exact-recovery
protection), of the full protection with the LP interval check and its repairs (only up to
``--lp-max-scale``: it does not scale yet), and of the public year table (up to
``--old-max-scale``), each the median of ``--repeat`` runs.

    .venv/bin/python bench/bench_protection.py --scales 1 10 40 300
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path


def _median(run, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def _measure(folder: Path, scale: int, args) -> str:
    """One line of the table for the dataset generated in ``folder``."""
    from iae_eval import load_dataset
    from iae_eval.indicators.exports import year_table
    from iae_eval.protection.gauss import decide
    from iae_eval.protection.year import model_of, protect_model

    dataset = load_dataset(folder)
    model = model_of(dataset, args.year)
    model_s = _median(lambda: model_of(load_dataset(folder), args.year), args.repeat)
    gauss_s = _median(lambda: decide(model, 5), args.repeat)
    decision = decide(model, 5)
    full_s = _median(lambda: protect_model(model, 5), 1) if scale <= args.lp_max_scale else float("nan")
    old_s = (
        _median(
            lambda: year_table(load_dataset(folder), args.year, min_cell=5, diffusion="public"), args.repeat
        )
        if scale <= args.old_max_scale
        else float("nan")
    )
    shown = sum(c.shown for c in model.cells.values())
    return (
        f"{scale:>5}  {len(dataset.structures):>10}  {len(model.cells):>6}  {model_s:7.2f}  "
        f"{gauss_s:7.2f}  {full_s:6.2f}  {old_s:5.2f}  {len(decision.withheld)}/{shown}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scales", type=int, nargs="+", default=[1, 10, 40, 300])
    parser.add_argument("--year", type=int, default=2012)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--lp-max-scale", type=int, default=1)
    parser.add_argument("--old-max-scale", type=int, default=0)
    args = parser.parse_args()

    from iae_eval.data.sample import generate_sample

    print("scale  structures   cells  model_s  gauss_s  full_s  old_s  withheld/shown (Gauss alone)")
    with tempfile.TemporaryDirectory() as tmp:
        for scale in args.scales:
            folder = Path(tmp) / f"scale{scale}"
            generate_sample(folder, scale=scale)
            print(_measure(folder, scale, args), flush=True)


if __name__ == "__main__":
    main()
