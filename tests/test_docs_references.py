"""The package cites the project's own pages (``docs/…``), never a document outside the
repository (the specifications, the issues)."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
#: The specifications, their sections ("§5b", without the document's name) and the issues.
OUTSIDE = re.compile(
    r"DATA_CONTRACT|DOMAIN\.md|DOMAIN §|FLUXIAE\.md|STYLE\.md|§\s*\d|\bissue \d+", re.IGNORECASE
)


def test_the_package_cites_only_pages_of_the_repository():
    outside, missing = [], []
    for path in sorted((ROOT / "src").rglob("*.py")):
        text = path.read_text(encoding="utf-8")
        where = path.relative_to(ROOT)
        outside += [f"{where}: {m.group(0)}" for m in OUTSIDE.finditer(text)]
        missing += [
            f"{where}: {page}" for page in re.findall(r"docs/[\w-]+\.md", text) if not (ROOT / page).is_file()
        ]
    assert not outside, outside
    assert not missing, missing
