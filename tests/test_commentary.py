"""The evaluator's commentary: where the files are, safe markdown, and the batch's digest."""

from __future__ import annotations

from pathlib import Path

import pytest

from iae_eval.sections import commentary as c

SAMPLE = Path(__file__).resolve().parents[1] / "data" / "sample"


def write(folder: Path, relative: str, text: str | bytes) -> Path:
    path = folder / c.FOLDER / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


def test_paths_of_the_three_kinds_of_report(tmp_path):
    folder = tmp_path.resolve()
    assert c.commentary_path(tmp_path) == folder / "commentaires" / "bilan.md"
    assert c.commentary_path(tmp_path, year=2012) == folder / "commentaires" / "2012" / "departement.md"
    assert (
        c.commentary_path(tmp_path, year=2012, structure_id="S03")
        == folder / "commentaires" / "2012" / "S03.md"
    )
    with pytest.raises(ValueError):
        c.commentary_path(tmp_path, structure_id="S03")


@pytest.mark.parametrize("structure_id", ["../S03", "a/b", ".hidden", "a\\b"])
def test_a_structure_id_that_is_no_file_name_has_no_commentary(tmp_path, structure_id):
    write(tmp_path, "2012/S03.md", "Texte")
    assert c.commentary_path(tmp_path, year=2012, structure_id=structure_id) is None
    assert c.commentary_file(tmp_path, year=2012, structure_id=structure_id) is None
    assert c.commentary_sources(tmp_path, year=2012, structure_id=structure_id) == ()


def test_no_file_or_a_blank_file_gives_nothing(tmp_path):
    assert c.commentary_file(tmp_path, year=2012) is None
    write(tmp_path, "2012/departement.md", " \n\n")
    assert c.commentary_file(tmp_path, year=2012) is None


def test_markdown_rendered_under_the_section_title(tmp_path):
    write(
        tmp_path,
        "bilan.md",
        "# Bilan\n\nUn taux **compatible** avec l'objectif.\n\n- premier point\n- second point\n",
    )
    found = c.commentary_file(tmp_path)
    assert found is not None and found.source.name == "bilan.md"
    shown = found._repr_html_()
    assert shown.startswith(
        '<section class="iae-commentary"><h2 id="appreciation-de-l-evaluateur">Appréciation de l&#x27;évaluateur</h2>'
    )
    assert "<h3>Bilan</h3>" in shown  # headings demoted under the section's h2
    assert "<strong>compatible</strong>" in shown and "<li>second point</li>" in shown


def test_raw_html_and_scripts_are_shown_as_text():
    text = (
        "Avant <script>alert('x')</script> après.\n\n<div onclick=\"x()\">bloc</div>\n\n"
        "[lien](javascript:alert(1)) [site](https://www.hautes-alpes.fr) ![<b>photo</b>](http://example.org/a.png)\n"
    )
    rendered = c.render_markdown(text)
    assert "<script" not in rendered and "&lt;script&gt;alert('x')&lt;/script&gt;" in rendered
    assert "<div" not in rendered and "&lt;div onclick=&quot;x()&quot;&gt;bloc&lt;/div&gt;" in rendered
    assert "javascript:" not in rendered
    assert '<a href="https://www.hautes-alpes.fr">site</a>' in rendered
    assert "<img" not in rendered and "example.org" not in rendered and "<b>" not in rendered


def test_windows_1252_and_bom(tmp_path):
    write(tmp_path, "2012/S01.md", "Évaluation : très satisfaisant".encode("cp1252"))
    assert (
        c.commentary_file(tmp_path, year=2012, structure_id="S01").markdown
        == "Évaluation : très satisfaisant"
    )
    write(tmp_path, "2012/S02.md", "\ufeffÉté".encode())
    assert c.commentary_file(tmp_path, year=2012, structure_id="S02").markdown == "Été"


def test_digest_changes_with_that_report_only(tmp_path):
    def digests():
        return {
            "bilan": c.commentary_digest(tmp_path),
            "dep": c.commentary_digest(tmp_path, year=2012),
            "S03": c.commentary_digest(tmp_path, year=2012, structure_id="S03"),
        }

    before = digests()
    assert len(set(before.values())) == 3  # even absent, each report hashes its own file name
    path = write(tmp_path, "2012/S03.md", "Premier jet")
    added = digests()
    assert (
        added["S03"] != before["S03"] and added["dep"] == before["dep"] and added["bilan"] == before["bilan"]
    )
    path.write_text("Version relue", encoding="utf-8")
    assert c.commentary_digest(tmp_path, year=2012, structure_id="S03") != added["S03"]
    path.unlink()
    assert digests() == before
    assert c.commentary_sources(tmp_path, year=2012, structure_id="S03") == (path.parent / "S03.md",)


def test_the_sample_carries_two_commentaries():
    departement = c.commentary_file(SAMPLE, year=2012)
    structure = c.commentary_file(SAMPLE, year=2012, structure_id="S03")
    assert departement is not None and structure is not None
    assert "28,8 %" in departement.markdown and "Tremplin Gapençais" in structure.markdown
    assert c.commentary_file(SAMPLE, year=2012, structure_id="S01") is None
    assert c.commentary_file(SAMPLE) is None
    assert "<h3>" in structure._repr_html_()


def test_the_commentary_heading_is_in_the_table_of_contents(tmp_path):
    from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

    from iae_eval.batch.htmlexport import report_html

    write(tmp_path, "bilan.md", "Un avis.\n")
    shown = c.commentary_file(tmp_path)._repr_html_()
    params = new_code_cell("first_year = 2009")
    params.metadata["tags"] = ["parameters"]
    nb = new_notebook(
        cells=[
            params,
            new_markdown_cell("## Chiffres clés"),
            new_code_cell(
                "commentary.commentary(r)",
                outputs=[new_output("display_data", data={"text/html": shown, "text/plain": "Commentary"})],
            ),
        ]
    )
    page = report_html(nb, kicker="Bilan", meta=[], fingerprint="0", min_cell=5, diffusion="comite")
    toc = page[page.index('<nav class="iae-toc"') : page.index("</nav>")]
    assert f'<a href="#{c.ANCHOR}">{c.TITLE.replace(chr(39), "&#x27;")}</a>' in toc
    assert f'<h2 id="{c.ANCHOR}">' in page
