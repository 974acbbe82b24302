"""The built reports in a real browser: headless Debian Chromium driven by Playwright.

Run with ``make test-browser`` (``pytest -m browser``). Uses ``/usr/bin/chromium``
(Debian's ``chromium`` package) and never downloads a browser: ``playwright install`` is
not needed and must not be run. The reports of one year of the sample are built once
(module fixture, once per edition: ``--diffusion comite`` and ``--diffusion public``), then
each page is opened from a ``file://`` URL and must:

- load nothing but ``file:`` and ``data:`` URLs (every request is recorded);
- log no console error and raise no page error;
- display every image (``complete`` and ``naturalWidth > 0``);
- have a table of contents whose every ``#`` link points to an element of the page;
- show the banner of its edition ("Diffusion restreinte — …" or "Diffusion publique").
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[1]
YEAR = 2012


BANNERS = {
    "comite": "Diffusion restreinte — document de travail du comité de pilotage",
    "public": "Diffusion publique",
}


@pytest.fixture(scope="module", params=sorted(BANNERS))
def edition(request) -> str:
    return request.param


@pytest.fixture(scope="module")
def reports(tmp_path_factory, edition) -> Path:
    out = tmp_path_factory.mktemp(f"reports-{edition}")
    cli = shutil.which("iae-eval", path=str(Path(sys.executable).parent)) or "iae-eval"
    result = subprocess.run(
        [
            cli,
            "run",
            "--data",
            str(ROOT / "data" / "sample"),
            "--years",
            str(YEAR),
            "--out",
            str(out),
            "--diffusion",
            edition,
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=600,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return out


@pytest.fixture(scope="module")
def many_reports(tmp_path_factory) -> Path:
    """The département report of a dataset with more structures than ``MANY_STRUCTURES``
    (the sample three times over: 42): its views summarise and link to the spreadsheets."""
    from iae_eval.data.sample import generate_sample

    data = tmp_path_factory.mktemp("scale3")
    generate_sample(data, scale=3)
    out = tmp_path_factory.mktemp("reports-many")
    cli = shutil.which("iae-eval", path=str(Path(sys.executable).parent)) or "iae-eval"
    result = subprocess.run(
        [cli, "run", "--data", str(data), "--years", str(YEAR), "--out", str(out), "--structure", "S01"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=600,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return out


def _first_structure(reports: Path) -> Path:
    pages = sorted((reports / str(YEAR) / "structures").glob("*.html"))
    assert pages, "no structure report was built"
    return pages[0]


@pytest.mark.parametrize("which", ["departement", "structure", "index"])
def test_report_opens_offline_without_errors(reports, edition, browser, which):
    path = {
        "departement": reports / str(YEAR) / "departement.html",
        "structure": _first_structure(reports),
        "index": reports / "index.html",
    }[which]
    page = browser.new_page()
    requests: list[str] = []
    errors: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    page.on("console", lambda msg: errors.append(f"console: {msg.text}") if msg.type == "error" else None)
    page.on("pageerror", lambda exc: errors.append(f"pageerror: {exc}"))
    page.goto(path.as_uri(), wait_until="load")
    page.wait_for_load_state("networkidle")

    outside = [u for u in requests if not u.startswith(("file:", "data:"))]
    assert outside == [], f"network requests from {path.name}: {outside}"
    assert errors == []
    assert page.evaluate("document.documentElement.lang") == "fr"
    banner = page.locator(".iae-diffusion").first
    assert banner.is_visible() and banner.inner_text().strip() == BANNERS[edition]
    assert page.locator(f".iae-diffusion-{edition}").count() == 1

    images = page.evaluate(
        "Array.from(document.images).map(i => ({src: i.src.slice(0, 40), ok: i.complete && i.naturalWidth > 0,"
        " alt: i.getAttribute('alt')}))"
    )
    assert [i for i in images if not i["ok"]] == []
    assert all(i["alt"] for i in images), "every figure needs an alt text"
    if which != "index":
        assert images, f"{path.name} shows no figure"

    toc = page.evaluate(
        "Array.from(document.querySelectorAll('nav.iae-toc a[href^=\"#\"]')).map(a => a.getAttribute('href'))"
    )
    assert toc, "no table of contents"
    missing = page.evaluate("hrefs => hrefs.filter(h => !document.getElementById(h.slice(1)))", toc)
    assert missing == []
    if which == "index":
        links = page.evaluate(
            "Array.from(document.querySelectorAll('a[href]')).map(a => a.getAttribute('href'))"
            ".filter(h => !h.startsWith('#'))"
        )
        assert links and all((reports / h).is_file() for h in links)
    page.close()


def test_a_summarised_report_links_to_its_years_spreadsheets_offline(many_reports, browser):
    path = many_reports / str(YEAR) / "departement.html"
    page = browser.new_page()
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    page.goto(path.as_uri(), wait_until="load")
    page.wait_for_load_state("networkidle")
    assert [u for u in requests if not u.startswith(("file:", "data:"))] == []
    links = page.evaluate(
        "Array.from(document.querySelectorAll('a[href]')).map(a => a.getAttribute('href'))"
        ".filter(h => !h.startsWith('#'))"
    )
    assert "indicators.xlsx" in links and "indicators.csv" in links
    assert all((path.parent / h).is_file() for h in links), links
    resolved = page.evaluate("Array.from(document.querySelectorAll('a[href$=\\'.xlsx\\']')).map(a => a.href)")
    assert resolved and all(u == (path.parent / "indicators.xlsx").as_uri() for u in resolved)
    page.close()
