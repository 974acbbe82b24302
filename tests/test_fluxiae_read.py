"""Reading fluxIAE files (issue 10): compression told by the first bytes, BOM, banner,
trailer, broken lines glued back, physical line numbers."""

from __future__ import annotations

import gzip
import io
import zipfile
from pathlib import Path

import pytest

from iae_eval.data.fluxiae.read import read_view
from iae_eval.data.fluxiae.views import View

VIEW = View("RefDureePoleEmploi", ("rdp_code", "rdp_lib_duree_pe"))
TEXT = (
    "DEBRefDureePoleEmploi31122013_235959||\n"
    "rdp_id|rdp_code|rdp_lib_duree_pe\n"
    "1|1|MOINS DE 6 MOIS\n"
    "3|3|DE 12 À 23 MOIS\n"
    "FIN2\n"
)


def read(tmp_path: Path, name: str, data: bytes):
    path = tmp_path / name
    path.write_bytes(data)
    problems = []
    frame = read_view(VIEW, path, problems)
    return frame, problems


def zipped(text: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("inner.csv", text)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("plain.csv", TEXT.encode()),
        ("bom.csv", b"\xef\xbb\xbf" + TEXT.encode()),
        ("crlf.csv", TEXT.replace("\n", "\r\n").encode()),
        ("real.csv.gz", gzip.compress(TEXT.encode(), mtime=0)),
        ("zip-named.gz", zipped(TEXT)),
        ("gzip-named.csv", gzip.compress(TEXT.encode(), mtime=0)),
        ("no-trailer.csv", TEXT.replace("FIN2\n", "").encode()),
        ("no-banner.csv", TEXT.split("\n", 1)[1].encode()),
    ],
)
def test_every_container_and_framing_gives_the_same_rows(tmp_path, name, data):
    view, problems = read(tmp_path, name, data)
    assert problems == []
    assert list(view.frame["rdp_code"]) == ["1", "3"]
    assert list(view.frame["rdp_lib_duree_pe"]) == ["MOINS DE 6 MOIS", "DE 12 À 23 MOIS"]
    banner = 0 if name == "no-banner.csv" else 1
    assert list(view.frame.index) == [banner + 2, banner + 3]  # physical lines: banner 1, header 2
    assert "rdp_id" not in view.frame.columns  # only the columns the import needs


def test_a_raw_newline_in_a_field_is_glued_back_and_keeps_the_first_line_number(tmp_path):
    text = TEXT.replace("1|1|MOINS DE 6 MOIS\n", "1|1\n|MOINS DE 6 MOIS\n").replace("FIN2", "FIN2")
    view, problems = read(tmp_path, "broken.csv", text.encode())
    assert problems == []
    assert list(view.frame["rdp_lib_duree_pe"]) == ["MOINS DE 6 MOIS", "DE 12 À 23 MOIS"]
    assert list(view.frame.index) == [3, 5]


def test_a_stray_quote_is_just_a_character(tmp_path):
    view, problems = read(tmp_path, "quote.csv", TEXT.replace("MOINS DE 6 MOIS", '"MOINS DE 6 MOIS').encode())
    assert problems == []
    assert view.frame["rdp_lib_duree_pe"].iloc[0] == '"MOINS DE 6 MOIS'


def test_a_header_only_file_is_an_empty_view(tmp_path):
    view, problems = read(tmp_path, "empty.csv", b"DEBx\nrdp_id|rdp_code|rdp_lib_duree_pe\nFIN0\n")
    assert problems == [] and len(view.frame) == 0


def test_problems_are_located_and_all_reported(tmp_path):
    text = TEXT.replace("FIN2", "FIN3").replace("3|3|DE 12", "3|3|x|DE 12")
    view, problems = read(tmp_path, "bad.csv", text.encode())
    assert view is None
    assert [str(p) for p in problems] == [
        "bad.csv:ligne 5: FIN: 3: la ligne de fin annonce 3 lignes, le fichier en contient 2 (fichier tronqué ?)",
        "bad.csv:ligne 4: fields: 4: 3 champs attendus (comme l'en-tête), 4 trouvés",
    ]
