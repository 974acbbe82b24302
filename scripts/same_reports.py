"""Do two builds of the reports say the same thing? For changes that must not change any report
(a refactoring, docs/architecture.md): build the sample's reports with the code of a base
revision and with the working tree, then compare them file by file.

    .venv/bin/python scripts/same_reports.py --base main            # build both, compare
    .venv/bin/python scripts/same_reports.py BEFORE_DIR AFTER_DIR   # compare two built trees

Every published file is compared: HTML, CSV and the portal as text with the generation time
blanked (``07/12/2026 à 16:33``: it is the only thing that differs between two runs of the same
code), each ``indicators.xlsx`` part by part without its creation date (``docProps/core.xml``).
The executed notebooks and the run's manifest hold timings and paths and are left out. Exit
code 0 when every file is the same, 1 with the first differing line of each file otherwise.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
#: A generation time as the reports print it.
GENERATED = re.compile(r"\d{2}/\d{2}/\d{4} à \d{2}:\d{2}")
#: Parts of a workbook that hold its creation time.
XLSX_DATED_PARTS = {"docProps/core.xml"}
#: Files of a report tree that are not published: executed notebooks, the run's manifest.
SKIPPED = re.compile(r"(^|/)notebooks/|\.iae-eval-manifest\.json$")


def published_files(tree: Path) -> set[str]:
    """The published files of a report tree, as paths relative to it."""
    return {
        p.relative_to(tree).as_posix()
        for p in tree.rglob("*")
        if p.is_file() and not SKIPPED.search(p.relative_to(tree).as_posix())
    }


def _text_difference(before: Path, after: Path) -> str | None:
    old = GENERATED.sub("…", before.read_text(encoding="utf-8")).splitlines()
    new = GENERATED.sub("…", after.read_text(encoding="utf-8")).splitlines()
    for number, (a, b) in enumerate(zip(old, new, strict=False), start=1):
        if a != b:
            return f"line {number}: {a[:160]!r} → {b[:160]!r}"
    if len(old) != len(new):
        return f"{len(old)} lines → {len(new)} lines"
    return None


def _workbook_difference(before: Path, after: Path) -> str | None:
    with zipfile.ZipFile(before) as old, zipfile.ZipFile(after) as new:
        old_parts = set(old.namelist()) - XLSX_DATED_PARTS
        new_parts = set(new.namelist()) - XLSX_DATED_PARTS
        if old_parts != new_parts:
            return f"parts {sorted(old_parts ^ new_parts)} in one workbook only"
        changed = sorted(p for p in old_parts if old.read(p) != new.read(p))
    return f"parts {changed} differ" if changed else None


def differences(before: Path, after: Path) -> dict[str, str]:
    """File → how it differs, for every published file that is not the same in both trees."""
    old, new = published_files(before), published_files(after)
    found = {name: "only in the first tree" for name in old - new}
    found |= {name: "only in the second tree" for name in new - old}
    for name in sorted(old & new):
        compare = _workbook_difference if name.endswith(".xlsx") else _text_difference
        difference = compare(before / name, after / name)
        if difference:
            found[name] = difference
    return dict(sorted(found.items()))


def build(source: Path, out: Path, arguments: list[str]) -> None:
    """The reports of ``arguments`` (``iae-eval run`` options) with the package in ``source``."""
    command = [str(Path(sys.executable).with_name("iae-eval")), "run", "--out", str(out), *arguments]
    environment = {**os.environ, "PYTHONPATH": str(source / "src")}
    done = subprocess.run(command, cwd=ROOT, env=environment, check=False)
    if done.returncode != 0:
        raise SystemExit(f"the build with {source} failed (exit code {done.returncode})")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("trees", nargs="*", type=Path, help="two built report trees to compare")
    parser.add_argument("--base", help="build with this revision's code and with the working tree")
    parser.add_argument("--data", default="data/sample")
    parser.add_argument("--years", default="2009-2013")
    parser.add_argument("--diffusion", default="comite", help="comite or public")
    args = parser.parse_args(argv)
    if args.base:
        work = Path(tempfile.mkdtemp(prefix="same-reports-"))
        base = work / "base"
        subprocess.run(["git", "worktree", "add", "--detach", str(base), args.base], cwd=ROOT, check=True)
        try:
            options = ["--data", args.data, "--years", args.years, "--diffusion", args.diffusion]
            build(base, work / "before", options)
            build(ROOT, work / "after", options)
        finally:
            subprocess.run(["git", "worktree", "remove", "--force", str(base)], cwd=ROOT, check=True)
        before, after = work / "before", work / "after"
    elif len(args.trees) == 2:
        before, after = args.trees
    else:
        parser.error("give --base REV or two report trees")
    found = differences(before, after)
    for name, difference in found.items():
        print(f"{name}: {difference}")
    compared = len(published_files(before) | published_files(after))
    print(f"{compared} published files compared, {len(found)} differ ({before} → {after})")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
