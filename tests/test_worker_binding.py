"""A batch kernel is bound to its run's settings (slow: real runs of edited notebooks).

A public run of notebooks edited as a user might edit them never shows a small count:
- the report's edition and minimum cell size left out (``r = report(ds, year=year)``): the
  report gets the run's, every table of the pages is checked for counts of 1 to 4;
- the notebook asking for the committee's edition, or for a smaller ``min_cell``: the report
  fails with the French message, and no page of it is written.
"""

from __future__ import annotations

import html
import json
from pathlib import Path

import pytest

from iae_eval.commands.run import run_command
from iae_eval.workspace import NOTEBOOKS_DIR
from test_editions_reports import BANNERS, PEOPLE_LABELS, _count, _small, tables

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "data" / "sample"
SETTINGS = ", diffusion=diffusion, min_cell=min_cell)"


def _edited(folder: Path, edits: dict[str, tuple[str, str]]) -> Path:
    """The three notebooks copied into ``folder``, the report cell of each edited by
    ``edits`` (name → (old, new) text of its source)."""
    folder.mkdir()
    for path in NOTEBOOKS_DIR.glob("*.ipynb"):
        nb = json.loads(path.read_text(encoding="utf-8"))
        if path.stem in edits:
            old, new = edits[path.stem]
            cells = [c for c in nb["cells"] if old in "".join(c["source"])]
            assert len(cells) == 1, (path.stem, old)
            cells[0]["source"] = "".join(cells[0]["source"]).replace(old, new)
        (folder / path.name).write_text(json.dumps(nb, ensure_ascii=False), encoding="utf-8")
    return folder


def _run(tmp_path: Path, notebooks: Path) -> int:
    return run_command(
        data_dir=SAMPLE,
        years=[2011, 2012],
        structures=["S03", "S12"],
        out_dir=tmp_path / "out",
        jobs=2,
        force=True,
        notebooks_dir=notebooks,
        diffusion="public",
    )


def _small_counts(page: Path) -> list[tuple]:
    found = []
    for table in tables(page):
        head = table["head"]
        for row in table["rows"]:
            label, values = row[0], row[1:]
            columns = head[len(head) - len(values) :] if len(head) >= len(values) else [""] * len(values)
            for column, cell in zip(columns, values, strict=True):
                if (column in PEOPLE_LABELS or label in PEOPLE_LABELS) and _small(_count(cell)):
                    found.append((page.name, label, column, cell))
    return found


def test_a_notebook_that_leaves_out_the_edition_gets_the_runs(tmp_path):
    notebooks = _edited(
        tmp_path / "notebooks", {name: (SETTINGS, ")") for name in ("departement", "structure", "bilan")}
    )
    assert _run(tmp_path, notebooks) == 0
    pages = sorted((tmp_path / "out").rglob("*.html"))
    assert len(pages) >= 8  # portal, bilan, 2 départements, S03 and S12 of each year
    for page in pages:
        text = html.unescape(page.read_text(encoding="utf-8"))
        assert BANNERS["public"] in text and "Diffusion restreinte" not in text, page
        assert not _small_counts(page)
    # the committee edition shows small counts in these very reports: the check can fail
    assert "Tous les effectifs et tous les taux sont affichés" not in (
        tmp_path / "out" / "2012" / "departement.html"
    ).read_text(encoding="utf-8")


def test_a_notebook_that_asks_for_less_protection_fails_with_the_french_message(tmp_path, capsys):
    notebooks = _edited(
        tmp_path / "notebooks",
        {
            "departement": ("diffusion=diffusion", 'diffusion="comite"'),
            "structure": ("min_cell=min_cell", "min_cell=1"),
        },
    )
    assert _run(tmp_path, notebooks) != 0
    said = capsys.readouterr().out
    assert "ce rapport est construit pour la diffusion publique" in said
    assert "ce rapport est construit avec un seuil de secret statistique de 5" in said
    out = tmp_path / "out"
    assert not list(out.rglob("departement.html")) and not list(out.rglob("S03.html"))
    for page in out.rglob("*.html"):  # the bilan and the portal, built as the run says
        assert not _small_counts(page), page
