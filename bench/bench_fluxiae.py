"""Benchmark: ``import-fluxiae`` of about 100,000 contracts (issue 10).

Goal: the import (read every view, build the tables of one département, write them) of
a synthetic export of ``--contracts`` contracts (default 100,000) in under 10 s on this
machine.

The export is drawn with numpy and written once into ``bench/data/fluxiae-<n>/``
(git-ignored): 1,000 structures (90 % in the Hautes-Alpes, 10 % in another département,
the import keeping the former), one annex per structure and year 2009-2013, about 70,000
chains (an initial contract and 0-2 renewals), 60,000 people, one monthly state per
contract month (2 to 6 months: about 400,000 rows), the reference views; ContratMission and
EtatMensuelIndiv are gzip files, as delivered.

Timing, side by side in the same run, alternating: the import
(:func:`iae_eval.data.fluxiae.importer.import_fluxiae` then ``write_tables`` into a
temporary folder) and a baseline — a plain ``pandas.read_csv(sep="|")`` of the same files
(every column as text, no check, no build). One warm-up of each, then the median (min,
max) of ``--runs`` runs (≥ 3). Results to stdout and ``bench/results/bench_fluxiae.json``.

    .venv/bin/python bench/bench_fluxiae.py [--contracts 100000] [--runs 5]
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import platform
import statistics
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

from iae_eval.data.fluxiae.views import VIEWS

HERE = Path(__file__).resolve().parent
GOAL_SECONDS = 10.0
STAMP = "31122013_235959"
SALT = b"bench-salt"


def _write(path: Path, view: str, columns: list[str], rows: list[np.ndarray], *, gz: bool = False) -> None:
    body = rows[0].astype(object)
    for column in rows[1:]:
        body = body + "|" + column.astype(object)
    text = "\n".join(
        [f"DEB{view}{STAMP}" + "|" * (len(columns) - 1), "|".join(columns), *body, f"FIN{len(body)}"]
    )
    data = (text + "\n").encode("utf-8")
    if gz:
        path = path.with_name(path.name + ".gz")
        data = gzip.compress(data, compresslevel=6, mtime=0)
    path.write_bytes(data)


def _dates(days: np.ndarray) -> np.ndarray:
    """``DD/MM/YYYY`` text of each day."""
    return pd.DatetimeIndex(days.astype("datetime64[D]")).strftime("%d/%m/%Y").to_numpy(dtype=object)


def synthetic_export(folder: Path, contracts: int, seed: int = 2013) -> Path:
    """Write a synthetic fluxIAE export of about ``contracts`` contracts into ``folder``."""
    if (folder / "done").exists():
        return folder
    folder.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(seed)
    n_s = 1000
    kinds = np.array(["ACI", "AI", "EI", "ETTI"])[rng.choice(4, n_s, p=[0.6, 0.15, 0.2, 0.05])]
    dep = np.where(np.arange(n_s) % 10 == 9, "004", "005")
    sid = np.arange(1, n_s + 1).astype(str)
    f = lambda view: folder / f"fluxIAE_{view}_{STAMP}.csv"  # noqa: E731
    _write(
        f("Structure"),
        "Structure",
        list(VIEWS["Structure"].columns),
        [
            sid,
            np.full(n_s, ""),
            np.full(n_s, ""),
            np.char.add("Structure ", sid),
            np.full(n_s, "Gap"),
            np.full(n_s, "05061"),
        ],
    )
    years = np.repeat(np.arange(2009, 2014), n_s)
    s_rep = np.tile(np.arange(n_s), 5)
    n_a = len(years)
    numero = np.char.add(
        np.char.add(np.char.add(kinds[s_rep], dep[s_rep]), np.char.zfill((years % 100).astype(str), 2)),
        np.char.zfill((s_rep % 10000).astype(str), 4),
    )
    amount = rng.integers(1000, 100000, n_a).astype(str)
    _write(
        f("AnnexeFinanciere"),
        "AnnexeFinanciere",
        list(VIEWS["AnnexeFinanciere"].columns),
        [
            np.arange(n_a).astype(str),
            sid[s_rep],
            np.char.add(kinds[s_rep], "_DC"),
            numero,
            np.full(n_a, "VALIDE"),
            np.char.add("01/01/", years.astype(str)),
            amount,
            amount,
            np.full(n_a, "0"),
            amount,
            np.full(n_a, "0"),
            np.full(n_a, "0"),
        ],
    )

    n_c = contracts
    n_chain = int(n_c * 0.7)
    chain = np.sort(np.concatenate([np.arange(n_chain), rng.integers(0, n_chain, n_c - n_chain)]))
    first = np.r_[True, chain[1:] != chain[:-1]]
    rank = np.arange(n_c) - np.maximum.accumulate(np.where(first, np.arange(n_c), 0))
    n_people = 60000
    person_of_chain = rng.integers(0, n_people, n_chain)
    structure_of_chain = rng.integers(0, n_s, n_chain)
    start = np.datetime64("2009-01-01") + rng.integers(0, 4 * 365, n_chain)
    hire = start[chain] + rank * 180
    months = rng.integers(2, 7, n_c)
    last = np.r_[chain[1:] != chain[:-1], True]
    out = hire + months * 30
    exits = np.where(last & (rng.random(n_c) < 0.8), _dates(out), "")
    # one employee row per (person, structure)
    pair = person_of_chain.astype(np.int64) * n_s + structure_of_chain
    pairs, pph_of_chain = np.unique(pair, return_inverse=True)
    n_e = len(pairs)
    person_of_e = pairs // n_s
    _write(
        f("Salarie"),
        "Salarie",
        list(VIEWS["Salarie"].columns),
        [
            np.arange(n_e).astype(str),
            np.char.add("1800575", np.char.zfill(person_of_e.astype(str), 8)),
            np.where(person_of_e % 2, "MME", "M."),
            np.char.add("15/06/", (1960 + person_of_e % 40).astype(str)),
        ],
    )
    s_of_c = structure_of_chain[chain]
    _write(
        f("ContratMission"),
        "ContratMission",
        list(VIEWS["ContratMission"].columns),
        [
            np.arange(n_c).astype(str),
            pph_of_chain[chain].astype(str),
            sid[s_of_c],
            np.char.add(kinds[s_of_c], "_DC"),
            np.where(first, "0", "1"),
            _dates(hire),
            exits,
            np.where(exits != "", rng.integers(1, 23, n_c).astype(str), ""),
            np.where(rng.random(n_c) < 0.4, "OUI-M", "NON"),
            rng.integers(1, 5, n_c).astype(str),
            np.where(rng.random(n_c) < 0.1, "true", "false"),
        ],
        gz=True,
    )
    ctr = np.repeat(np.arange(n_c), months)
    offset = np.arange(len(ctr)) - np.repeat(np.cumsum(months) - months, months)
    month = hire.astype("datetime64[M]")[ctr] + offset
    _write(
        f("EtatMensuelIndiv"),
        "EtatMensuelIndiv",
        ["emi_ctr_id", "emi_sme_annee", "emi_sme_mois", "emi_nb_heures_travail", "emi_esm_etat_code"],
        [
            ctr.astype(str),
            (month.astype("datetime64[Y]").astype(int) + 1970).astype(str),
            (month.astype(int) % 12 + 1).astype(str),
            np.round(rng.uniform(20, 151.67, len(ctr)), 2).astype(str),
            np.full(len(ctr), "VALIDE"),
        ],
        gz=True,
    )
    _write(
        f("RefDureePoleEmploi"),
        "RefDureePoleEmploi",
        list(VIEWS["RefDureePoleEmploi"].columns),
        [
            np.array(["1", "2", "3", "4"]),
            np.array(["MOINS DE 6 MOIS", "DE 6 À 11 MOIS", "DE 12 À 23 MOIS", "24 MOIS ET PLUS"]),
        ],
    )
    (folder / "done").write_text(f"{n_c} contracts, {n_e} employees, {len(ctr)} monthly states\n")
    return folder


def import_once(src: Path) -> int:
    from iae_eval.data.fluxiae.importer import import_fluxiae, write_tables

    result, problems = import_fluxiae(src, departement="005", salt=SALT, territories=None)
    if problems:
        raise SystemExit("\n".join(str(p) for p in problems[:20]))
    with tempfile.TemporaryDirectory() as tmp:
        write_tables(Path(tmp) / "out", result.tables)
    return len(result.tables["participants"])


def baseline_once(src: Path) -> int:
    """A plain pandas read of the same files: every column as text, no check, no build."""
    rows = 0
    for path in sorted(src.glob("fluxIAE_*")):
        frame = pd.read_csv(path, sep="|", skiprows=1, dtype=str, keep_default_na=False, engine="c")
        rows += len(frame)
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--contracts", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    runs = max(3, args.runs)
    src = synthetic_export(HERE / "data" / f"fluxiae-{args.contracts}", args.contracts)
    print((src / "done").read_text().strip(), f"({src})")
    pathways = import_once(src)
    baseline_once(src)  # warm-ups
    imports, bases = [], []
    for _ in range(runs):
        t = time.perf_counter()
        import_once(src)
        imports.append(time.perf_counter() - t)
        t = time.perf_counter()
        baseline_once(src)
        bases.append(time.perf_counter() - t)
    im, bm = statistics.median(imports), statistics.median(bases)
    print(f"{'':<26} {'median s':>9} {'min':>7} {'max':>7}")
    print(f"{'import-fluxiae':<26} {im:>9.3f} {min(imports):>7.3f} {max(imports):>7.3f}")
    print(f"{'baseline pandas read_csv':<26} {bm:>9.3f} {min(bases):>7.3f} {max(bases):>7.3f}")
    print(
        f"ratio import / baseline: {im / bm:.2f}x; {pathways} pathways; goal < {GOAL_SECONDS:.0f} s: "
        f"{'met' if im < GOAL_SECONDS else 'NOT met'}"
    )
    results = HERE / "results"
    results.mkdir(exist_ok=True)
    (results / "bench_fluxiae.json").write_text(
        json.dumps(
            {
                "contracts": args.contracts,
                "pathways": pathways,
                "runs": runs,
                "import_median_s": im,
                "import_s": imports,
                "baseline_median_s": bm,
                "baseline_s": bases,
                "ratio": im / bm,
                "goal_s": GOAL_SECONDS,
                "cpus": os.cpu_count(),
                "python": platform.python_version(),
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
