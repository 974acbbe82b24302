"""``iae-eval run``: planning, failure isolation, skipping, atomic writes, offline HTML,
no person-level data in any output, the portal.

Most tests use tiny throwaway notebooks and a tiny dataset written in ``tmp_path``; one
end-to-end test runs the real notebooks on ``data/sample``.
"""

from __future__ import annotations

import html
import json
import re
import subprocess
import sys
import time
import zipfile
from datetime import datetime
from html.parser import HTMLParser
from pathlib import Path

import nbformat
import openpyxl
import pandas as pd
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from iae_eval import atomic
from iae_eval.batch import run as batch
from iae_eval.batch import worker
from iae_eval.batch.htmlexport import report_html
from iae_eval.batch.manifest import MANIFEST_NAME, Manifest
from iae_eval.batch.plan import PlanError, plan_reports
from iae_eval.commands.run import run_command
from iae_eval.indicators import catalogue

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "data" / "sample"
MAX_REPORT_BYTES = 3 * 1024 * 1024

STRUCTURES_CSV = """structure_id,name,kinds,commune,territory
S1,Atelier Un,ACI,Gap,Gapençais
S2,Association Deux,AI,Briançon,Briançonnais
S3,Chantier Trois,ACI,Embrun,Embrunais-Serre-Ponçon
"""
PARTICIPANTS_CSV = """person_id,structure_id,kind,entry_date,exit_date,exit_reason,sex,birth_year,rsa,deld,rqth,hours_worked
P900001,S1,ACI,2011-01-10,2012-06-30,1,F,1980,oui,non,non,
P900002,S1,ACI,2012-02-01,,,M,1990,non,oui,non,
P900003,S2,AI,2011-03-01,2011-12-15,7,M,1970,oui,non,non,400
P900004,S3,ACI,2012-03-01,,,F,1985,non,non,non,
"""
PERSON_IDS = ["P900001", "P900002", "P900003", "P900004"]

KERNELSPEC = {"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}}

CHART = """
import matplotlib.pyplot as plt
from iae_eval import display
fig, ax = plt.subplots(figsize=(3, 2))
ax.bar(["a", "b"], [1, 2])
display.join(display.key_figures([("Personnes", "12", None)]), display.figure(fig, "Deux barres"))
"""


def _notebook(params: str, *cells) -> nbformat.NotebookNode:
    parameters = new_code_cell(params)
    parameters.metadata["tags"] = ["parameters"]
    return new_notebook(
        cells=[new_markdown_cell("# Rapport d'essai\nIntroduction."), parameters, *cells], metadata=KERNELSPEC
    )


#: The run's other settings, which every report notebook declares.
SETTINGS = "\nrules = 'fiche-h5'\ndiffusion = 'comite'"


def write_notebooks(folder: Path, *, structure_body: str = "x = 1") -> Path:
    """Three tiny notebooks with the real notebooks' parameters."""
    folder.mkdir(parents=True, exist_ok=True)
    departement = _notebook(
        "year = 2012\ndata_dir = ''\nmin_cell = 5" + SETTINGS,
        new_code_cell(
            "assert 'leak' not in dir(), 'namespace leaked from a previous report'\n"
            "import matplotlib\nassert matplotlib.rcParams['lines.linewidth'] != 7"
        ),
        new_markdown_cell("## Chiffres clés"),
        new_code_cell(
            "from iae_eval.data.load import load_dataset\nds = load_dataset(data_dir)\n"
            "print(len(ds.structures), 'structures')"
        ),
        new_markdown_cell("## Un graphique\n### Détail"),
        new_code_cell(CHART),
        new_markdown_cell("## Un graphique"),  # a duplicated heading: its TOC link must still work
    )
    structure = _notebook(
        "year = 2012\nstructure_id = ''\ndata_dir = ''\nmin_cell = 5" + SETTINGS,
        new_markdown_cell("## Structure"),
        new_code_cell("leak = structure_id\nimport matplotlib\nmatplotlib.rcParams['lines.linewidth'] = 7"),
        new_code_cell(structure_body),
        new_code_cell(CHART),
    )
    bilan = _notebook(
        "first_year = 2011\nlast_year = 2012\ndata_dir = ''\nmin_cell = 5" + SETTINGS,
        new_markdown_cell("## Bilan"),
        new_code_cell("from iae_eval import display\ndisplay.note(f'{first_year}-{last_year}')"),
    )
    for name, nb in (("departement", departement), ("structure", structure), ("bilan", bilan)):
        nbformat.write(nb, folder / f"{name}.ipynb")
    return folder


def write_data(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "structures.csv").write_text(STRUCTURES_CSV, encoding="utf-8")
    (folder / "participants.csv").write_text(PARTICIPANTS_CSV, encoding="utf-8")
    return folder


@pytest.fixture
def tiny(tmp_path):
    """(data dir, notebooks dir, output dir) in tmp_path."""
    return write_data(tmp_path / "data"), write_notebooks(tmp_path / "notebooks"), tmp_path / "out"


def run(data, notebooks, out, *, years=(2012,), structures=(), jobs=2, force=False, **settings) -> int:
    return run_command(
        data_dir=data,
        years=list(years),
        structures=list(structures),
        out_dir=out,
        jobs=jobs,
        force=force,
        notebooks_dir=notebooks,
        **settings,
    )


# --- HTML checks shared by the tests -----------------------------------------------------------


class _Page(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.ids: set[str] = set()
        self.urls: list[tuple[str, str, str]] = []
        self.toc_links: list[str] = []
        self.links: list[str] = []
        self.scripts = 0
        self.lang = None
        self._in_toc = 0

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "html":
            self.lang = attrs.get("lang")
        if "id" in attrs:
            self.ids.add(attrs["id"])
        if tag == "script":
            self.scripts += 1
        for name in ("src", "href", "data", "poster", "srcset"):
            if attrs.get(name):
                self.urls.append((tag, name, attrs[name]))
        if tag == "nav" and "iae-toc" in (attrs.get("class") or ""):
            self._in_toc += 1
        if tag == "a" and attrs.get("href"):
            self.links.append(attrs["href"])
            if self._in_toc:
                self.toc_links.append(attrs["href"])

    def handle_endtag(self, tag):
        if tag == "nav" and self._in_toc:
            self._in_toc -= 1


def parse_page(path: Path) -> _Page:
    page = _Page()
    page.feed(path.read_text(encoding="utf-8"))
    return page


def assert_offline(path: Path) -> _Page:
    """No resource from the network, French, small enough, TOC links resolve."""
    text = path.read_text(encoding="utf-8")
    page = parse_page(path)
    assert page.lang == "fr", path
    assert page.scripts == 0, f"{path}: has a <script>"
    for tag, attr, url in page.urls:
        if tag in {"script", "link", "img", "iframe", "source", "video", "audio", "object", "embed"}:
            assert not re.match(r"\s*(https?:)?//", url), f"{path}: <{tag} {attr}={url[:80]}>"
    assert not re.search(r"@import\s+url\(\s*['\"]?(https?:)?//", text), path
    assert not re.search(r"url\(\s*['\"]?(https?:)?//", text), f"{path}: CSS url() from the network"
    assert path.stat().st_size < MAX_REPORT_BYTES, f"{path}: {path.stat().st_size} bytes"
    for href in page.toc_links:
        assert href.startswith("#") and href[1:] in page.ids, f"{path}: TOC link {href} has no target"
    return page


#: Embedded pictures (HTML data URIs, notebook PNG outputs): base64 text, where a run such as
#: "/P777596/" can match an identifier's pattern by chance.
_PICTURES = re.compile(r'base64,[A-Za-z0-9+/=]+|"image/png": "[A-Za-z0-9+/=\\n]*"')


def _without_pictures(text: str) -> str:
    return _PICTURES.sub("", text)


def scan_for_people(out: Path, person_ids: list[str], pattern: str) -> list[str]:
    """Every output (HTML, CSV, xlsx, json, executed notebooks) that names a person."""
    found = []
    texts = {}
    for path in out.rglob("*"):
        if path.suffix in {".html", ".csv", ".json", ".ipynb"}:
            texts[path] = path.read_text(encoding="utf-8-sig")
        elif path.suffix == ".xlsx":
            with zipfile.ZipFile(path) as zf:
                texts[path] = "\n".join(
                    zf.read(n).decode("utf-8") for n in zf.namelist() if n.endswith(".xml")
                )
    assert texts
    ids = set(person_ids)
    for path, text in texts.items():
        text = _without_pictures(text)
        hits = set(re.findall(pattern, text)) | {i for i in ids if i in text}
        if hits:
            found.append(f"{path}: {sorted(hits)[:5]}")
        for column in ("person_id", "birth_year", "date de naissance", "année de naissance"):
            if column in text.lower():
                found.append(f"{path}: mentions {column}")
    return found


# --- Planning and parameter errors (no kernel) ------------------------------------------------------


def _no_pool(*_args, **_kwargs):
    raise AssertionError("a worker pool was started")


def test_plan_lists_departement_active_structures_and_bilan(tiny):
    data, notebooks, _ = tiny
    from iae_eval.data.load import load_dataset

    ds = load_dataset(data)
    plan = plan_reports(ds, years=[2011, 2012], structures=None, notebooks_dir=notebooks, data_dir=data)
    assert [r.html for r in plan] == [
        "bilan-2011-2012.html",
        "2011/departement.html",
        "2012/departement.html",
        "2011/structures/S1.html",
        "2011/structures/S2.html",  # S2's pathway ends 2011-12-15: not active in 2012
        "2012/structures/S1.html",
        "2012/structures/S3.html",
    ]
    settings = {"data_dir": str(data.resolve()), "min_cell": 5, "rules": "fiche-h5", "diffusion": "comite"}
    assert plan[0].params == {"first_year": 2011, "last_year": 2012, **settings}
    assert plan[-1].params == {"year": 2012, "structure_id": "S3", **settings}
    assert list(plan[-1].params) == ["year", "structure_id", "data_dir", "min_cell", "rules", "diffusion"]
    only = plan_reports(
        ds,
        years=[2012],
        structures=["S3"],
        notebooks_dir=notebooks,
        data_dir=data,
        diffusion="public",
        min_cell=11,
    )
    assert [r.html for r in only] == ["2012/departement.html", "2012/structures/S3.html"]
    assert only[0].params["diffusion"] == "public" and only[0].params["min_cell"] == 11


def test_plan_reads_the_parameters_from_the_notebooks(tmp_path):
    """The batch sets the parameters each notebook declares (in its order); one it needs
    but the notebook lacks stops the plan, naming it; the notebook's own extras keep their
    defaults."""
    from iae_eval.data.load import load_dataset

    data = write_data(tmp_path / "data")
    ds = load_dataset(data)
    notebooks = write_notebooks(tmp_path / "notebooks")
    nb = nbformat.read(notebooks / "structure.ipynb", as_version=4)
    nb.cells[
        1
    ].source = "structure_id = ''\nyear = 2012\nmin_cell = 5\ndata_dir = ''\nrules = 'x'\nlogo = 'a.png'"
    nbformat.write(nb, notebooks / "structure.ipynb")
    with pytest.raises(PlanError) as error:
        plan_reports(ds, years=[2012], structures=["S3"], notebooks_dir=notebooks, data_dir=data)
    assert error.value.problems == [
        f"notebook {notebooks / 'structure.ipynb'} : il manque diffusion à sa cellule parameters "
        "(elle déclare : structure_id, year, min_cell, data_dir, rules, logo)"
    ]
    nb.cells[1].source += "\ndiffusion = 'comite'"
    nbformat.write(nb, notebooks / "structure.ipynb")
    plan = plan_reports(ds, years=[2012], structures=["S3"], notebooks_dir=notebooks, data_dir=data)
    assert list(plan[-1].params) == ["structure_id", "year", "min_cell", "data_dir", "rules", "diffusion"]


@pytest.mark.parametrize(
    ("years", "structures", "expected"),
    [
        ((2012, 2015), (), ["2015 hors des données", "couvrent 2011-2012"]),
        ((2012,), ("S9", "S1", "XX"), ["structure inconnue S9, XX", "identifiants connus : S1, S2, S3"]),
        ((2012,), ("S2",), ["S2 n'a aucun parcours actif en 2012", "ses années actives : 2011"]),
        ((2008, 2012), ("S9",), ["2008 hors des données", "structure inconnue S9"]),
    ],
)
def test_bad_parameters_run_nothing_and_write_nothing(tiny, capsys, monkeypatch, years, structures, expected):
    data, notebooks, out = tiny
    monkeypatch.setattr(batch, "_make_pool", _no_pool)
    assert run(data, notebooks, out, years=years, structures=structures) == 1
    err = capsys.readouterr().err
    for text in expected:
        assert text in err
    assert "Rien n'a été exécuté" in err
    assert "Traceback" not in err
    assert not out.exists()


def test_invalid_data_prints_located_problems_and_exits_1(tiny, capsys, monkeypatch):
    data, notebooks, out = tiny
    (data / "participants.csv").write_text(
        PARTICIPANTS_CSV.replace("P900002,S1,ACI,2012-02-01", "P900002,S7,ACI,2012-02-01"), encoding="utf-8"
    )
    monkeypatch.setattr(batch, "_make_pool", _no_pool)
    assert run(data, notebooks, out) == 1
    err = capsys.readouterr().err
    assert "participants.csv:ligne 3: structure_id: S7" in err
    assert not out.exists()


def test_missing_notebook_is_a_parameter_error(tiny, capsys):
    data, notebooks, out = tiny
    (notebooks / "structure.ipynb").unlink()
    assert run(data, notebooks, out) == 1
    assert "structure.ipynb introuvable" in capsys.readouterr().err


# --- Atomic writes -------------------------------------------------------------------------------


def test_a_failed_write_keeps_the_previous_file_and_leaves_no_temp_file(tmp_path):
    target = tmp_path / "2012" / "indicators.csv"
    atomic.write_text(target, "ancien contenu\n")

    class Boom(RuntimeError):
        pass

    with pytest.raises(Boom), atomic.atomic_path(target) as tmp:
        tmp.write_text("nouveau contenu à moit")  # half written when the failure strikes
        raise Boom
    assert target.read_text() == "ancien contenu\n"
    assert atomic.leftovers(tmp_path) == []


def test_a_failed_rename_keeps_the_previous_file(tmp_path, monkeypatch):
    target = tmp_path / "index.html"
    atomic.write_text(target, "<p>old</p>")

    def broken_replace(src, dst):
        raise OSError("disk full")

    monkeypatch.setattr(atomic.os, "replace", broken_replace)
    with pytest.raises(OSError):
        atomic.write_text(target, "<p>new</p>")
    assert target.read_text() == "<p>old</p>"
    assert atomic.leftovers(tmp_path) == []


def test_manifest_and_spreadsheets_are_written_through_atomic_paths(tmp_path, monkeypatch):
    """A crash while the xlsx is being saved leaves the previous workbook."""
    from iae_eval.indicators import exports as spreadsheet

    table = pd.DataFrame(
        {
            "Année": [2012],
            "Périmètre": ["Département"],
            "Code": [""],
            "Libellé": ["Hautes-Alpes"],
            "participants": [12],
            "durable_rate": [0.125],
            "funding_total": [1234.5],
        }
    ).astype(object)
    path = tmp_path / "indicators.xlsx"
    spreadsheet.write_xlsx(table, path, year=2012, min_cell=5, diffusion="comite")
    before = path.read_bytes()
    import openpyxl.workbook.workbook as wb_module

    def crash(self, filename):
        Path(filename).write_bytes(b"PK\x03\x04 half a zip")
        raise OSError("crash while saving")

    monkeypatch.setattr(wb_module.Workbook, "save", crash)
    with pytest.raises(OSError):
        spreadsheet.write_xlsx(table, path, year=2012, min_cell=5, diffusion="comite")
    assert path.read_bytes() == before
    assert atomic.leftovers(tmp_path) == []
    csv_text = spreadsheet.csv_text(table)
    assert csv_text.splitlines()[0].startswith(
        "Année;Périmètre;Code;Libellé;Territoire;Types;Personnes en parcours;Taux d'emploi durable"
    )
    assert ";12,5 %;1234,50" in csv_text


# --- HTML export (no kernel) -----------------------------------------------------------------------


def test_report_html_drops_parameter_cells_and_builds_a_working_toc(tmp_path):
    nb = _notebook(
        "year = 2012",
        new_markdown_cell("## Publics accueillis"),
        new_code_cell(
            "x", outputs=[nbformat.v4.new_output("stream", name="stderr", text="FutureWarning: bruit")]
        ),
        new_markdown_cell("## Sorties d'été\n### Détail\n## Sorties d'été"),
    )
    injected = new_code_cell("# Parameters\nyear = 2013")
    injected.metadata["tags"] = ["injected-parameters"]
    nb.cells.insert(2, injected)
    page_text = report_html(
        nb, kicker="Rapport départemental", meta=[("Année", "2012")], fingerprint="0123456789abcdef"
    )
    path = tmp_path / "r.html"
    path.write_text(page_text, encoding="utf-8")
    page = assert_offline(path)
    assert "year = 2013" not in page_text and "Parameters" not in page_text
    assert "FutureWarning" not in page_text
    assert (
        '<h1 class="iae-title">Rapport d&#x27;essai</h1>' in page_text or "Rapport d'essai</h1>" in page_text
    )
    assert "0123456789ab" in page_text and "Méthodologie" in page_text
    assert (
        "Diffusion restreinte — document de travail du comité de pilotage" in page_text
    )  # the default edition
    assert "tous les effectifs et tous les taux sont affichés" in page_text
    assert len(page.toc_links) == 4 and len(set(page.toc_links)) == 4
    public = report_html(
        nb, kicker="Rapport départemental", meta=[], fingerprint="0", diffusion="public", min_cell=7
    )
    assert 'class="iae-diffusion iae-diffusion-public"' in public and "Diffusion restreinte" not in public
    assert "inférieur à 7" in public and "&lt; 7" in public


def test_the_page_is_nbconverts_html_exporter_page_without_its_second_pass():
    """The kit's exporter skips nbconvert's preprocessors and BeautifulSoup pass: the page has
    the same text, tags and attributes as nbconvert's HTMLExporter gives with the same template."""
    from bs4 import BeautifulSoup
    from nbconvert import HTMLExporter

    from iae_eval.batch.htmlexport import EXPORT_OPTIONS, NO_ALT, exporter

    table = nbformat.v4.new_output(
        "execute_result",
        data={"text/html": "<table><tr><th>Taux</th><td>11,8&nbsp;%</td></tr></table>", "text/plain": "t"},
        execution_count=1,
    )
    picture = nbformat.v4.new_output(
        "display_data", data={"image/png": "iVBORw0KGgo=", "text/plain": "<Figure>"}
    )
    nb = _notebook(
        "year = 2012",
        new_markdown_cell("## Sorties\nUn *texte* avec une [référence](#sorties)."),
        new_code_cell("x", outputs=[table, picture]),
    )
    resources = {
        "iae": {
            "version": "0",
            "page_title": "t",
            "title": "t",
            "kicker": "k",
            "meta": [],
            "banner": "",
            "css": "",
            "footer": "",
        }
    }
    reference = HTMLExporter(**EXPORT_OPTIONS)
    pages = [
        BeautifulSoup(e.from_notebook_node(nb, resources=dict(resources))[0], "html.parser")
        for e in (exporter(), reference)
    ]
    (picture,) = pages[1].find_all("img")
    assert picture["alt"] == "No description has been provided for this image"
    picture["alt"] = NO_ALT  # the kit's placeholder is in French
    ours, theirs = ([(t.name, sorted(t.attrs.items(), key=str)) for t in page.find_all()] for page in pages)
    assert ours == theirs
    assert pages[0].get_text() == pages[1].get_text()
    assert pages[0].find("img") is not None and "11,8" in pages[0].get_text()


# --- Batch runs with kernels --------------------------------------------------------------------------


FAILING_BODY = """
import os, time
if structure_id == "S1" and year == 2011:
    os._exit(3)  # the kernel dies
if structure_id == "S2" and year == 2011:
    raise ValueError("boom in " + structure_id)
if structure_id == "S3":
    time.sleep(120)
"""


@pytest.mark.slow
def test_a_failing_report_does_not_stop_the_others(tmp_path, capsys, monkeypatch):
    data = write_data(tmp_path / "data")
    notebooks = write_notebooks(tmp_path / "notebooks", structure_body=FAILING_BODY)
    out = tmp_path / "out"
    monkeypatch.setattr(worker, "EXECUTION_TIMEOUT", 6)  # inherited by the forked workers
    code = run(data, notebooks, out, years=(2011, 2012))
    captured = capsys.readouterr()
    assert code == 1
    # every other report was produced
    for rel in (
        "bilan-2011-2012.html",
        "2011/departement.html",
        "2012/departement.html",
        "2012/structures/S1.html",
        "index.html",
        "2011/indicators.csv",
        "2011/indicators.xlsx",
        "2012/indicators.csv",
    ):
        assert (out / rel).is_file(), rel
    assert not (out / "2011/structures/S2.html").exists()
    assert not (out / "2012/structures/S3.html").exists()
    # the summary names the report, the cell, the error and the executed notebook
    text = captured.out
    assert "7 rapports" in text and "4 construits" in text and "3 en échec" in text
    failed_nb = out / "2011/notebooks/structure-S2.ipynb"
    assert re.search(
        r"ÉCHEC 2011 · Association Deux : cellule \d+ \(In \[\d+\]\) `import os, time`: ValueError: boom in S2",
        text,
    )
    assert f"notebook exécuté : {failed_nb}" in text
    assert re.search(r"ÉCHEC 2012 · Chantier Trois : cellule \d+ .*CellTimeoutError", text)
    assert re.search(r"ÉCHEC 2011 · Atelier Un : cellule \d+ .*DeadKernelError", text)
    assert (out / "2011/notebooks/structure-S1.ipynb").is_file()
    # the executed notebook keeps papermill's error banner and the traceback
    nb = nbformat.read(failed_nb, as_version=4)
    assert "An Exception was encountered" in nb.cells[0].source
    assert any(
        o.get("ename") == "ValueError"
        for c in nb.cells
        if c.cell_type == "code"
        for o in c.get("outputs", [])
    )
    assert (out / "2012/notebooks/structure-S3.ipynb").is_file()
    # the portal lists every report: links of the successful ones exist, failures link their notebook
    portal = assert_offline(out / "index.html")
    manifest = Manifest.load(out)
    reports = {k for k, e in manifest.entries.items() if e["type"] == "report"}
    assert len(reports) == 7
    local = [h for h in portal.links if not h.startswith("#")]
    for href in local:
        assert (out / href).is_file(), href
    for key in reports - {"2011/structures/S1.html", "2011/structures/S2.html", "2012/structures/S3.html"}:
        assert key in local
    assert "2011/notebooks/structure-S2.ipynb" in local
    html_text = (out / "index.html").read_text(encoding="utf-8")
    assert html_text.count("échec") >= 3 and "Atelier Un (S1)" in html_text
    # offline, small, French reports with working TOCs; no temp file left anywhere
    for page in out.rglob("*.html"):
        assert_offline(page)
    dep = parse_page(out / "2012/departement.html")
    assert len(dep.toc_links) == 4 and len(set(dep.toc_links)) == 4
    assert atomic.leftovers(out) == []
    # the failed reports are retried by the next run, the others are skipped
    monkeypatch.setattr(worker, "EXECUTION_TIMEOUT", 2)
    assert run(data, notebooks, out, years=(2011, 2012)) == 1
    assert "0 construit, 4 inchangés (non reconstruit), 3 en échec" in capsys.readouterr().out


@pytest.mark.slow
def test_unchanged_reports_are_skipped_until_the_data_changes_or_force(tiny, capsys):
    data, notebooks, out = tiny
    started = time.monotonic()
    assert run(data, notebooks, out, jobs=1) == 0  # one kernel runs every report: isolation checked
    first = time.monotonic() - started
    assert "3 rapports" in capsys.readouterr().out  # departement, S1, S3; no bilan for one year
    html = out / "2012/departement.html"
    stamp = html.stat().st_mtime_ns
    nb_stamp = (out / "2012/notebooks/departement.ipynb").stat().st_mtime_ns

    started = time.monotonic()
    assert run(data, notebooks, out, jobs=1) == 0
    second = time.monotonic() - started
    assert "0 construit, 3 inchangés (non reconstruit)" in capsys.readouterr().out
    assert html.stat().st_mtime_ns == stamp
    assert (out / "2012/notebooks/departement.ipynb").stat().st_mtime_ns == nb_stamp
    assert second * 3 < first, (first, second)
    assert "inchangé" in (out / "index.html").read_text(encoding="utf-8")

    # a changed data file rebuilds everything
    with (data / "participants.csv").open("a", encoding="utf-8") as handle:
        handle.write("P900005,S1,ACI,2012-05-01,,,F,1975,non,non,non,\n")
    assert run(data, notebooks, out) == 0
    assert "3 construits, 0 inchangé" in capsys.readouterr().out
    assert html.stat().st_mtime_ns != stamp

    # --force rebuilds without any change
    assert run(data, notebooks, out, force=True) == 0
    assert "3 construits, 0 inchangé" in capsys.readouterr().out
    # so does an edit of a notebook (only the reports of that notebook)
    nb = nbformat.read(notebooks / "structure.ipynb", as_version=4)
    nb.cells.append(new_markdown_cell("Note de bas de page."))
    nbformat.write(nb, notebooks / "structure.ipynb")
    assert run(data, notebooks, out) == 0
    assert "2 construits, 1 inchangé" in capsys.readouterr().out
    assert atomic.leftovers(out) == []
    assert json.loads((out / MANIFEST_NAME).read_text(encoding="utf-8"))["format"] == 1


def test_a_commentary_or_the_edition_rebuilds_only_what_shows_it(tiny, capsys):
    """The evaluator's commentary of one report rebuilds that report only; switching the
    edition rebuilds every report and the spreadsheets, which follow the edition."""
    data, notebooks, out = tiny
    assert run(data, notebooks, out, jobs=1) == 0
    capsys.readouterr()
    structure_html = out / "2012/structures/S3.html"
    stamp = structure_html.stat().st_mtime_ns

    (data / "commentaires" / "2012").mkdir(parents=True)
    (data / "commentaires" / "2012" / "S3.md").write_text("La structure progresse.", encoding="utf-8")
    assert run(data, notebooks, out, jobs=1) == 0
    assert "1 construit, 2 inchangés" in capsys.readouterr().out
    assert structure_html.stat().st_mtime_ns != stamp
    (data / "commentaires" / "2012" / "S3.md").write_text("La structure progresse encore.", encoding="utf-8")
    assert run(data, notebooks, out, jobs=1) == 0
    assert "1 construit, 2 inchangés" in capsys.readouterr().out

    committee = (out / "2012/indicators.csv").read_text(encoding="utf-8-sig")
    assert "< 5" not in committee  # the committee's edition shows every count
    workbook = openpyxl.load_workbook(out / "2012/indicators.xlsx")
    assert workbook["Lisez-moi"]["A1"].value.startswith("Diffusion restreinte")

    assert run(data, notebooks, out / "public", jobs=1, diffusion="public") == 0
    public = (out / "public/2012/indicators.csv").read_text(encoding="utf-8-sig")
    assert "< 5" in public
    assert run(data, notebooks, out, jobs=1, diffusion="public") == 0
    assert "3 construits, 0 inchangé" in capsys.readouterr().out
    assert (out / "2012/indicators.csv").read_text(encoding="utf-8-sig") == public
    assert (
        openpyxl.load_workbook(out / "2012/indicators.xlsx")["Lisez-moi"]["A1"].value == "Diffusion publique"
    )


def test_the_command_line_sets_the_public_threshold(tiny):
    """``iae-eval run --min-cell 10``: the public edition withholds every count from 1 to 9
    under « < 10 » (the default run's « < 5 »), and the audit at that threshold finds nothing
    to recover or narrow; a threshold under 2 is a usage error, nothing written."""
    from click.testing import CliRunner

    from iae_eval.cli import cli
    from iae_eval.protection.audit import audit_year

    data, notebooks, out = tiny
    args = ["run", "--data", str(data), "--notebooks", str(notebooks), "--years", "2012", "--jobs", "1"]
    args += ["--diffusion", "public"]
    default = CliRunner().invoke(cli, [*args, "--out", str(out / "five")])
    assert default.exit_code == 0, default.output
    assert audit_year(out / "five", 2012, min_cell=5) == []
    assert "< 5" in (out / "five/2012/indicators.csv").read_text(encoding="utf-8-sig")

    ten = CliRunner().invoke(cli, [*args, "--out", str(out / "ten"), "--min-cell", "10"])
    assert ten.exit_code == 0, ten.output
    assert audit_year(out / "ten", 2012, min_cell=10) == []
    published = (out / "ten/2012/indicators.csv").read_text(encoding="utf-8-sig")
    assert "< 10" in published and "< 5" not in published

    refused = CliRunner().invoke(cli, [*args, "--out", str(out / "one"), "--min-cell", "1"])
    assert refused.exit_code == 2 and not (out / "one").exists()


@pytest.mark.slow
def test_end_to_end_on_the_sample_with_the_real_notebooks(tmp_path):
    """The real notebooks through the command line; no person-level data in any output."""
    out = tmp_path / "reports"
    result = subprocess.run(
        [
            str(Path(sys.executable).parent / "iae-eval"),
            "run",
            "--data",
            str(SAMPLE),
            "--years",
            "2011-2012",
            "--structure",
            "S01",
            "--out",
            str(out),
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "5 rapports" in result.stdout and "0 en échec" in result.stdout
    assert "Traceback" not in result.stderr and "WARNING" not in result.stderr.upper()
    expected = ["index.html", "bilan-2011-2012.html", "notebooks/bilan-2011-2012.ipynb"]
    for year in (2011, 2012):
        expected += [
            f"{year}/departement.html",
            f"{year}/structures/S01.html",
            f"{year}/indicators.xlsx",
            f"{year}/indicators.csv",
            f"{year}/notebooks/departement.ipynb",
            f"{year}/notebooks/structure-S01.ipynb",
        ]
    for rel in expected:
        assert (out / rel).is_file(), rel
    for page in out.rglob("*.html"):
        parsed = assert_offline(page)
        if page.name != "index.html":
            assert len(parsed.toc_links) >= 3, page
            assert "<img" in page.read_text(encoding="utf-8")
    sections = {
        "2012/departement.html": [
            "Chiffres clés",
            "Publics accueillis",
            "Sorties par catégorie",
            "Taux de sortie et objectifs",
            "Territoires et types de structure",
            "Clauses sociales (indicateur 3a)",
            "Opérations avec les structures (indicateur 3b)",
            "Supports d'activité (action A3)",
            "Financements",
            "Développement durable",
            "Plan d'actions",
            "Comment lire ce rapport",
        ],
        "2012/structures/S01.html": [
            "Fiche de la structure",
            "Chiffres clés",
            "La structure, son territoire et le département",
            "Publics accueillis",
            "Sorties et objectifs",
            "Évolution",
            "Clauses sociales (indicateur 3a)",
            "Opérations (indicateur 3b)",
            "Financements",
            "Développement durable",
            "Comment lire ce rapport",
        ],
        "bilan-2011-2012.html": [
            "Indicateurs de la période",
            "Personnes en parcours et publics",
            "Taux de sortie et objectifs",
            "Sorties par catégorie",
            "Territoires",
            "Clauses sociales (indicateur 3a)",
            "Opérations (indicateur 3b)",
            "Supports d'activité (action A3)",
            "Financements",
            "Développement durable",
            "Plan d'actions",
            "Comment lire ce rapport",
        ],
    }
    kinds = {
        "2012/departement.html": "rapport départemental",
        "2012/structures/S01.html": "rapport de structure",
        "bilan-2011-2012.html": "bilan de la période",
    }
    manifest = json.loads((out / MANIFEST_NAME).read_text(encoding="utf-8"))
    for rel, headings in sections.items():
        text = html.unescape((out / rel).read_text(encoding="utf-8"))
        for heading in headings:
            assert f">{heading}" in text, (rel, heading)
        # the title comes from the data (departement.csv), in the page title and the manifest
        expected_title = f"Insertion par l'activité économique — Hautes-Alpes — {kinds[rel]}"
        assert f"<title>{expected_title}" in text and "iae-report-title" not in text, rel
        assert manifest["entries"][rel]["title"] == expected_title
        assert "Traceback" not in text and "Pas de données" not in text, rel  # the sample has every table
    assert "Commentaire pour le comité" in html.unescape(
        (out / "2012/departement.html").read_text(encoding="utf-8")
    )
    # each built report says where its time went: the parts add up to its seconds
    for rel in ("2012/departement.html", "2012/structures/S01.html", "bilan-2011-2012.html"):
        entry = manifest["entries"][rel]
        timings = entry["timings"]
        assert set(timings) == {"compute", "draw", "export", "other"}, rel
        assert all(v >= 0 for v in timings.values()) and timings["compute"] > 0 and timings["draw"] > 0
        assert sum(timings.values()) == pytest.approx(entry["seconds"], abs=0.02), rel
    assert (out / "2012/departement.html").read_text(encoding="utf-8").count("<img") >= 10
    people = pd.read_csv(SAMPLE / "participants.csv", dtype=str)["person_id"].tolist()
    pattern = r"\bP\d{6}\b"
    assert all(re.fullmatch(pattern, p) for p in people)
    assert scan_for_people(out, people, pattern) == []
    csv_text = (out / "2012/indicators.csv").read_bytes()
    assert csv_text.startswith("\ufeff".encode()) and b";" in csv_text.splitlines()[0]
    header = csv_text.decode("utf-8-sig").splitlines()[0].split(";")
    # the spreadsheets use the catalogue's labels (the same as the HTML reports)
    assert {catalogue.header(k) for k in ("participants", "rsa_participants", "durable_rate")} <= set(header)
    scopes = {line.split(";")[1] for line in csv_text.decode("utf-8-sig").splitlines()[1:]}
    assert scopes == {"Département", "Territoire", "Type de structure", "Structure"}


def test_scan_finds_a_leaked_identifier(tmp_path):
    """The identifier scan itself catches an id in a table, a CSV and a workbook."""
    (tmp_path / "r.html").write_text("<td>P123456</td>", encoding="utf-8")
    (tmp_path / "t.csv").write_text("Année;birth_year\n", encoding="utf-8")
    import openpyxl

    wb = openpyxl.Workbook()
    wb.active.append(["X000042"])
    wb.save(tmp_path / "w.xlsx")
    found = scan_for_people(tmp_path, ["X000042"], r"\bP\d{6}\b")
    assert len(found) == 3


def test_plan_error_message_lists_everything():
    error = PlanError(["--years: 2015 outside the data", "--structure: unknown structure S9"])
    assert str(error).splitlines() == error.problems


def test_the_portal_names_the_departement_of_the_data_and_uses_the_catalogue_labels(tmp_path):
    from iae_eval.batch.manifest import Manifest
    from iae_eval.batch.portal import portal_html
    from iae_eval.indicators.catalogue import label

    manifest = Manifest.load(tmp_path)
    manifest.years["2012"] = {"participants": 452, "durable_rate": 0.288, "dynamic_rate": 0.635}
    page = portal_html(
        tmp_path,
        manifest,
        {},
        fingerprint="f" * 64,
        generated=datetime(2026, 11, 28),
        departement="Corse-du-Sud",
    )
    page = html.unescape(page)
    assert (
        "<title>Évaluation de l'insertion par l'activité économique — Corse-du-Sud — rapports</title>" in page
    )
    assert ">Évaluation de l'insertion par l'activité économique — Corse-du-Sud</h1>" in page
    assert f"<th>{label('participants')}</th>" in page and "<th>Participants</th>" not in page
    assert "<td>452</td>" in page and "<td>28,8\xa0%</td>" in page
    unnamed = html.unescape(
        portal_html(tmp_path, manifest, {}, fingerprint="f" * 64, generated=datetime(2026, 11, 28))
    )
    assert ">Évaluation de l'insertion par l'activité économique</h1>" in unnamed
