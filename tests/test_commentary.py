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
    assert c.commentary_path(tmp_path, diffusion="comite") == folder / "commentaires" / "bilan.md"
    assert (
        c.commentary_path(tmp_path, year=2012, diffusion="comite")
        == folder / "commentaires" / "2012" / "departement.md"
    )
    assert (
        c.commentary_path(tmp_path, year=2012, structure_id="S03", diffusion="comite")
        == folder / "commentaires" / "2012" / "S03.md"
    )
    with pytest.raises(ValueError):
        c.commentary_path(tmp_path, structure_id="S03", diffusion="comite")


@pytest.mark.parametrize("structure_id", ["../S03", "a/b", ".hidden", "a\\b"])
def test_a_structure_id_that_is_no_file_name_has_no_commentary(tmp_path, structure_id):
    write(tmp_path, "2012/S03.md", "Texte")
    assert c.commentary_path(tmp_path, year=2012, structure_id=structure_id, diffusion="comite") is None
    assert c.commentary_file(tmp_path, year=2012, structure_id=structure_id, diffusion="comite") is None
    assert c.commentary_sources(tmp_path, year=2012, structure_id=structure_id, diffusion="comite") == ()


def test_no_file_or_a_blank_file_gives_nothing(tmp_path):
    assert c.commentary_file(tmp_path, year=2012, diffusion="comite") is None
    write(tmp_path, "2012/departement.md", " \n\n")
    assert c.commentary_file(tmp_path, year=2012, diffusion="comite") is None


def test_markdown_rendered_under_the_section_title(tmp_path):
    write(
        tmp_path,
        "bilan.md",
        "Ouverture.\n\n# Bilan\n\nUn taux **compatible** avec l'objectif.\n\n- premier point\n- second point\n",
    )
    found = c.commentary_file(tmp_path, diffusion="comite")
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
        c.commentary_file(tmp_path, year=2012, structure_id="S01", diffusion="comite").markdown
        == "Évaluation : très satisfaisant"
    )
    write(tmp_path, "2012/S02.md", "\ufeffÉté".encode())
    assert c.commentary_file(tmp_path, year=2012, structure_id="S02", diffusion="comite").markdown == "Été"


def test_digest_changes_with_that_report_only(tmp_path):
    def digests():
        return {
            "bilan": c.commentary_digest(tmp_path, diffusion="comite"),
            "dep": c.commentary_digest(tmp_path, year=2012, diffusion="comite"),
            "S03": c.commentary_digest(tmp_path, year=2012, structure_id="S03", diffusion="comite"),
        }

    before = digests()
    assert len(set(before.values())) == 3  # even absent, each report hashes its own file name
    path = write(tmp_path, "2012/S03.md", "Premier jet")
    added = digests()
    assert (
        added["S03"] != before["S03"] and added["dep"] == before["dep"] and added["bilan"] == before["bilan"]
    )
    path.write_text("Version relue", encoding="utf-8")
    assert c.commentary_digest(tmp_path, year=2012, structure_id="S03", diffusion="comite") != added["S03"]
    path.unlink()
    assert digests() == before
    assert c.commentary_sources(tmp_path, year=2012, structure_id="S03", diffusion="comite") == (
        path.parent / "S03.md",
    )


def test_the_sample_carries_two_commentaries():
    departement = c.commentary_file(SAMPLE, year=2012, diffusion="comite")
    structure = c.commentary_file(SAMPLE, year=2012, structure_id="S03", diffusion="comite")
    assert departement is not None and structure is not None
    assert "28,8 %" in departement.markdown and "Tremplin Gapençais" in structure.markdown
    assert c.commentary_file(SAMPLE, year=2012, structure_id="S01", diffusion="comite") is None
    assert c.commentary_file(SAMPLE, diffusion="comite") is None
    # its title opens the text: the bold first line under the section's heading
    assert (
        "<h3>" not in structure._repr_html_() and "<p><strong>Association Tremplin" in structure._repr_html_()
    )


# --- One commentary per edition -------------------------------------------------------------------


def test_the_public_edition_reads_only_the_public_folder(tmp_path):
    folder = tmp_path.resolve() / "commentaires"
    write(tmp_path, "2012/S03.md", "Texte du comité : sur 4 sorties examinées")
    assert c.commentary_file(tmp_path, year=2012, structure_id="S03", diffusion="public") is None
    assert c.commentary_path(tmp_path, year=2012, structure_id="S03", diffusion="public") == (
        folder / "public" / "2012" / "S03.md"
    )
    assert c.commentary_path(tmp_path, diffusion="public") == folder / "public" / "bilan.md"
    assert (
        c.commentary_path(tmp_path, year=2012, diffusion="public")
        == folder / "public" / "2012" / "departement.md"
    )
    write(tmp_path, "public/2012/S03.md", "Texte public")
    assert (
        c.commentary_file(tmp_path, year=2012, structure_id="S03", diffusion="public").markdown
        == "Texte public"
    )
    assert "comité" in c.commentary_file(tmp_path, year=2012, structure_id="S03", diffusion="comite").markdown


def test_the_edition_must_be_given_and_a_report_gives_it(tmp_path):
    from iae_eval.data.load import load_dataset
    from iae_eval.report import report

    with pytest.raises(TypeError, match="diffusion"):
        c.commentary_file(SAMPLE, year=2012)
    dataset = load_dataset(SAMPLE)
    committee = c.commentary(report(dataset, year=2012, structure_id="S03", diffusion="comite", min_cell=5))
    assert committee is not None and "Tremplin Gapençais" in committee.markdown
    assert (
        c.commentary(report(dataset, year=2012, structure_id="S03", diffusion="public", min_cell=5)) is None
    )


def test_each_edition_digests_its_own_file(tmp_path):
    def digests():
        return {
            d: c.commentary_digest(tmp_path, year=2012, structure_id="S03", diffusion=d)
            for d in ("comite", "public")
        }

    before = digests()
    assert before["comite"] != before["public"]
    write(tmp_path, "2012/S03.md", "Texte du comité")
    after_committee = digests()
    assert after_committee["comite"] != before["comite"] and after_committee["public"] == before["public"]
    write(tmp_path, "public/2012/S03.md", "Texte public")
    assert digests()["public"] != before["public"] and digests()["comite"] == after_committee["comite"]
    assert c.commentary_sources(tmp_path, year=2012, structure_id="S03", diffusion="public") == (
        tmp_path.resolve() / "commentaires" / "public" / "2012" / "S03.md",
    )


def test_the_sample_carries_one_public_commentary():
    public = c.commentary_file(SAMPLE, year=2012, diffusion="public")
    committee = c.commentary_file(SAMPLE, year=2012, diffusion="comite")
    assert public is not None and public.markdown != committee.markdown
    assert "comité de pilotage" not in public.markdown
    assert c.small_numbers(public.source, min_cell=5) == []
    assert c.commentary_file(SAMPLE, year=2012, structure_id="S03", diffusion="public") is None


# --- Small numbers quoted in a public commentary -----------------------------------------------------


def test_small_numbers_quoted_with_their_line(tmp_path):
    path = write(
        tmp_path,
        "public/2012/S03.md",
        "# Bilan 2012\n\nSur 34 sorties examinées, 12 sorties dynamiques.\n"
        "Le 1er mars, sur 4 sorties examinées (3,5 % ; 2 %), S03 a accueilli 2 personnes.\n",
    )
    found = c.small_numbers(path, min_cell=5)
    assert [(q.line, q.number) for q in found] == [(4, 4), (4, 2)]
    assert "4 sorties examinées" in found[0].excerpt
    message = found[0].message(tmp_path, 5)
    assert message.startswith("commentaires/public/2012/S03.md:ligne 4: « ")
    assert "le nombre 4 (de 1 à 4)" in message
    assert [q.number for q in c.small_numbers(path, min_cell=10)] == [4, 2]  # 12 is not below 10
    assert c.small_numbers(tmp_path / "absent.md", min_cell=5) == []


def test_the_run_warns_on_a_public_commentary_quoting_4_sorties(tmp_path):
    import shutil

    from iae_eval.batch.plan import plan_reports
    from iae_eval.batch.run import commentary_warnings
    from iae_eval.data.load import load_dataset
    from iae_eval.workspace import NOTEBOOKS_DIR

    data = tmp_path / "data"
    shutil.copytree(SAMPLE, data)
    write(
        data, "public/2012/S03.md", "La structure a connu\nune année difficile : sur 4 sorties examinées…\n"
    )
    write(data, "2012/S05.md", "Comité : 3 sorties")  # the committee's text: no warning

    def warnings(diffusion):
        dataset = load_dataset(data)
        reports = plan_reports(
            dataset,
            years=[2012],
            structures=["S03", "S05"],
            notebooks_dir=NOTEBOOKS_DIR,
            data_dir=data,
            min_cell=5,
            rules=dataset.rules,
            diffusion=diffusion,
        )
        return commentary_warnings(reports, min_cell=5)

    public = warnings("public")
    assert len(public) == 1
    assert public[0].startswith(
        "commentaires/public/2012/S03.md:ligne 2: « une année difficile : sur 4 sorties"
    )
    assert warnings("comite") == []


def test_a_heading_that_opens_a_commentary_reads_as_its_first_line():
    """Under the kit's heading "Appréciation de l'évaluateur", the file's own title is its bold
    first line, not a second heading with nothing between the two; later headings stay."""
    import re

    from iae_eval.sections.commentary import render_markdown

    html = render_markdown("# Un public très éloigné de l'emploi\n\nTexte.\n\n## Ensuite\n\nSuite.")
    headings = re.findall(r"<h(\d)>(.*?)</h\1>", html)
    assert headings == [("4", "Ensuite")]
    assert re.search(r"<p><strong>Un public très éloigné de l&#x27;emploi</strong></p>", html) or (
        "<p><strong>Un public très éloigné de l'emploi</strong></p>" in html
    )
    assert render_markdown("Texte seul.").count("<p>") == 1
