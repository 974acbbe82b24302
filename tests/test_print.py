"""Printed reports (A4, headless Chromium): every page carries the edition, the report's title,
its period and its page number; headings are not left alone at the bottom of a page.

Run with ``make test-browser`` (``pytest -m browser``): Debian's ``chromium`` driven by
Playwright (never a browser download), the PDF read with pypdf.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from iae_eval.editions import edition

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[1]
#: A4 in PDF points (1/72 in), as Chromium writes it.
A4 = (595, 842)


@pytest.fixture(scope="module")
def reports(tmp_path_factory) -> Path:
    """S03's 2012 report and the 2012-2013 bilan of the sample, committee edition."""
    out = tmp_path_factory.mktemp("print")
    cli = shutil.which("iae-eval", path=str(Path(sys.executable).parent)) or "iae-eval"
    result = subprocess.run(
        [cli, "run", "--data", str(ROOT / "data" / "sample"), "--years", "2012-2013", "--structure", "S03"]
        + ["--out", str(out), "--diffusion", "comite"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=900,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return out


def _drawn_below(sheet, line: str) -> bool:
    """Whether an image is drawn on the PDF page ``sheet`` below the text ``line`` (a chart
    under a heading has no text, so the page's text alone would end with the heading)."""
    import numpy as np
    from pypdf.generic import ContentStream

    heights = []

    def visit(text, cm, tm, _font, _size):
        if text.strip() == line:
            heights.append(tm[4] * cm[1] + tm[5] * cm[3] + cm[5])

    sheet.extract_text(visitor_text=visit)
    if not heights:
        return False
    tops, stack = [], [np.eye(3)]
    for operands, operator in ContentStream(sheet.get_contents(), sheet.pdf).operations:
        if operator == b"q":
            stack.append(stack[-1].copy())
        elif operator == b"Q":
            stack.pop()
        elif operator == b"cm":
            a, b, c, d, e, f = (float(x) for x in operands)
            stack[-1] = np.array([[a, b, 0], [c, d, 0], [e, f, 1]]) @ stack[-1]
        elif operator == b"Do":
            matrix = stack[-1]
            tops.append(matrix[2][1] + matrix[1][1])  # the image's upper edge (PDF y grows upwards)
    return any(top < heights[-1] for top in tops)


def _print(browser, page_path: Path, pdf: Path) -> list[str]:
    """Print ``page_path`` as Chromium's "Save as PDF" does (the page's own size and margins);
    the text of each page."""
    from pypdf import PdfReader

    page = browser.new_page()
    page.goto(page_path.as_uri(), wait_until="load")
    page.pdf(path=str(pdf), prefer_css_page_size=True)
    page.close()
    reader = PdfReader(pdf)
    for sheet in reader.pages:
        assert (round(float(sheet.mediabox.width)), round(float(sheet.mediabox.height))) == A4
    return [sheet.extract_text() for sheet in reader.pages]


@pytest.mark.parametrize(
    ("which", "period"), [("2012/structures/S03.html", "2012"), ("bilan-2012-2013.html", "2012-2013")]
)
def test_every_printed_page_carries_the_edition_title_period_and_number(
    reports, browser, tmp_path, which, period
):
    pages = _print(browser, reports / which, tmp_path / "report.pdf")
    assert len(pages) >= 5
    committee = edition("comite")
    for number, text in enumerate(pages, start=1):
        flat = " ".join(text.split())
        assert committee.short_banner in flat, number
        assert committee.banner in flat, number
        assert f"Page {number} sur {len(pages)}" in flat, number
        assert re.search(rf"— {re.escape(period)}\b", flat), number


def test_a_heading_is_never_the_last_line_of_a_printed_page(reports, browser, tmp_path):
    """A heading of the table of contents never ends the text of a page after other text (the
    running header and footer aside): it moves to the next page with what follows it."""
    html = (reports / "2012/structures/S03.html").read_text(encoding="utf-8")
    toc = re.search(r'<nav class="iae-toc".*?</nav>', html, re.S).group(0)
    headings = {re.sub(r"<[^>]+>", "", h) for h in re.findall(r'<a href="#[^"]+">(.*?)</a>', toc)}
    headings = {h.replace("&#x27;", "'").replace("&amp;", "&") for h in headings}
    pages = _print(browser, reports / "2012/structures/S03.html", tmp_path / "s03.pdf")
    from pypdf import PdfReader

    sheets = PdfReader(tmp_path / "s03.pdf").pages
    committee = edition("comite")
    for number, text in enumerate(pages[:-1], start=1):
        body = [
            line.strip()
            for line in text.splitlines()
            if line.strip() and committee.short_banner not in line and not line.startswith("Page ")
        ]
        # a heading may end a page's text when its chart is drawn under it on that page
        assert body and (
            body[-1] not in headings or body == [body[-1]] or _drawn_below(sheets[number - 1], body[-1])
        ), (number, body[-3:])


#: The width of an A4 page in portrait between its margins (210 − 2 × 15 mm), in CSS pixels.
A4_CONTENT_PX = round((210 - 2 * 15) / 25.4 * 96)


def test_the_synthese_fits_the_width_of_a_portrait_page(reports, browser):
    """Laid out for print at the width between an A4 page's margins, the bilan's synthèse (one
    line a question, its evidence under it) is no wider than the page, nor is any other
    table of the bilan."""
    page = browser.new_page(viewport={"width": A4_CONTENT_PX, "height": 1200})
    page.emulate_media(media="print")
    page.goto((reports / "bilan-2012-2013.html").as_uri(), wait_until="load")
    widths = page.evaluate(
        "() => [...document.querySelectorAll('table')].map(t => ["
        "t.className, Math.ceil(t.getBoundingClientRect().right), t.scrollWidth, t.clientWidth])"
    )
    page.close()
    synthesis = [w for w in widths if "iae-synthesis" in w[0]]
    assert len(synthesis) == 1
    too_wide = [w for w in widths if w[1] > A4_CONTENT_PX + 1 or w[2] > w[3] + 1]
    assert too_wide == [], too_wide
