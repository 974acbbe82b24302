"""Read a folder of fluxIAE files into text frames, one per view (docs/data.md, "From the national export", "File format").

Each file is ``fluxIAE_<View>_<ddmmyyyy>_<hhmmss>.csv``, plain, gzip or a ZIP holding one
CSV (told apart by the first bytes, whatever the name says); UTF-8 with or without a
byte-order mark; a banner line ``DEB…``, the header, the rows, and usually a trailer
``FIN<n>``; ``|`` between fields, no quoting; a field holding a raw newline leaves a
line starting with ``|`` that is glued back to the previous one.

A row's line number is the physical line of the decompressed file where it starts
(banner = line 1, header = line 2), as a text editor shows it. Every problem is
collected; none names a value of a personal column (:data:`SENSITIVE_COLUMNS`).
"""

from __future__ import annotations

import csv
import gzip
import io
import re
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from iae_eval.data.fluxiae.views import VIEWS, View
from iae_eval.errors import Problem

FILE_PATTERN = re.compile(r"^fluxIAE_([A-Za-z]+)_(\d{8})_(\d{6})\.(csv|csv\.gz|gz|zip)$", re.IGNORECASE)
TRAILER_PATTERN = re.compile(r"^FIN(\d*)\|*$")
GZIP_MAGIC, ZIP_MAGIC = b"\x1f\x8b", b"PK"
SEPARATOR = "|"


@dataclass(frozen=True)
class ViewFrame:
    """One view as read: text cells (missing = ""), index = physical line numbers."""

    view: str
    label: str  # the file name shown in messages
    header_line: int
    frame: pd.DataFrame


def find_view_files(src: Path, problems: list[Problem]) -> dict[str, Path]:
    """The file of each known view in ``src`` (several files for one view: a problem)."""
    found: dict[str, list[Path]] = {}
    names = {name.lower(): name for name in VIEWS}
    for path in sorted(p for p in src.iterdir() if p.is_file()):
        match = FILE_PATTERN.match(path.name)
        if match and match.group(1).lower() in names:
            found.setdefault(names[match.group(1).lower()], []).append(path)
    files = {}
    for view, paths in found.items():
        if len(paths) > 1:
            listed = ", ".join(p.name for p in paths)
            problems.append(
                Problem(
                    src.name, None, "", "", f"plusieurs fichiers pour la vue {view} ({listed}) : gardez-en un"
                )
            )
        else:
            files[view] = paths[0]
    for view in VIEWS.values():
        if view.required and view.name not in found:
            problems.append(
                Problem(
                    src.name,
                    None,
                    "",
                    "",
                    f"vue {view.name} absente (un fichier fluxIAE_{view.name}_<date>_<heure>.csv)",
                )
            )
    return files


def decompress(path: Path, problems: list[Problem]) -> bytes | None:
    """The CSV bytes of ``path``: as is, gunzipped, or the one member of a ZIP archive."""
    data = path.read_bytes()
    try:
        if data.startswith(GZIP_MAGIC):
            return gzip.decompress(data)
        if data.startswith(ZIP_MAGIC):
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                members = [m for m in archive.infolist() if not m.is_dir()]
                if len(members) != 1:
                    problems.append(
                        Problem(
                            path.name,
                            None,
                            "",
                            "",
                            f"l'archive ZIP contient {len(members)} fichiers : un seul CSV est attendu",
                        )
                    )
                    return None
                return archive.read(members[0])
    except (OSError, EOFError, zlib.error, zipfile.BadZipFile, NotImplementedError) as exc:
        kind = "gzip" if data.startswith(GZIP_MAGIC) else "ZIP"
        problems.append(Problem(path.name, None, "", "", f"archive {kind} illisible ({type(exc).__name__})"))
        return None
    return data


def _text(data: bytes, label: str, problems: list[Problem]) -> str | None:
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        problems.append(
            Problem(label, line, "encoding", f"byte 0x{data[exc.start]:02x}", "pas du texte UTF-8")
        )
        return None


def _glue(body: list[str], expected: int) -> tuple[list[str], list[int]]:
    """Rows of ``body`` with broken lines glued back, and each row's first body index.

    A line starting with ``|`` continues the previous row while that row has fewer than
    ``expected`` separators.
    """
    counts = [line.count(SEPARATOR) for line in body]
    if all(c == expected for c in counts):
        return body, list(range(len(body)))
    rows: list[str] = []
    starts: list[int] = []
    current = -1
    for index, (line, count) in enumerate(zip(body, counts)):
        if rows and line.startswith(SEPARATOR) and current < expected:
            rows[-1] += line
            current += count
        else:
            rows.append(line)
            starts.append(index)
            current = count
    return rows, starts


def read_view(view: View, path: Path, problems: list[Problem]) -> ViewFrame | None:
    """Read one view file; ``None`` (and problems) when it cannot be used at all."""
    label = path.name
    data = decompress(path, problems)
    if data is None:
        return None
    text = _text(data, label, problems)
    if text is None:
        return None
    lines = text.replace("\r\n", "\n").split("\n")
    while lines and not lines[-1].strip():
        lines.pop()
    first = 1 if lines and lines[0].startswith("DEB") else 0
    if len(lines) <= first:
        problems.append(Problem(label, None, "", "", "fichier vide : une ligne d'en-têtes est attendue"))
        return None
    header_line = first + 1
    header = [h.strip() or f"(column {i + 1})" for i, h in enumerate(lines[first].split(SEPARATOR))]
    trailer = None
    if lines[-1].startswith("FIN") and len(lines) - 1 > first:
        trailer = lines.pop()
    body = lines[first + 1 :]
    rows, starts = _glue(body, len(header) - 1)
    line_numbers = np.asarray(starts, dtype=np.int64) + header_line + 1

    ok = True
    duplicated = sorted({h for h in header if header.count(h) > 1})
    for name in duplicated:
        problems.append(Problem(label, header_line, name, name, "colonne en double"))
        ok = False
    wanted = view.columns + view.optional_columns
    for name in view.columns:
        if name not in header:
            problems.append(Problem(label, None, name, "", f"colonne absente de la vue {view.name}"))
            ok = False
    if trailer is not None:
        match = TRAILER_PATTERN.match(trailer.strip())
        announced = match.group(1) if match else ""
        if announced and int(announced) != len(rows):
            problems.append(
                Problem(
                    label,
                    header_line + len(body) + 1,
                    "FIN",
                    announced,
                    f"la ligne de fin annonce {int(announced)} lignes, le fichier en contient {len(rows)} (fichier tronqué ?)",
                )
            )
            ok = False
    counts = np.fromiter((r.count(SEPARATOR) for r in rows), dtype=np.int64, count=len(rows))
    bad = np.flatnonzero(counts != len(header) - 1)
    for position in bad:
        problems.append(
            Problem(
                label,
                int(line_numbers[position]),
                "fields",
                str(int(counts[position]) + 1),
                f"{len(header)} champs attendus (comme l'en-tête), {int(counts[position]) + 1} trouvés",
            )
        )
    if not ok or len(bad):
        return None
    usecols = [name for name in wanted if name in header]
    if rows:
        frame = pd.read_csv(
            io.StringIO("\n".join(rows)),
            sep=SEPARATOR,
            header=None,
            names=header,
            usecols=usecols,
            dtype=str,
            quoting=csv.QUOTE_NONE,
            keep_default_na=False,
            na_filter=False,
            skip_blank_lines=False,
            engine="c",
        )
        frame = frame[usecols]
        frame.index = line_numbers
    else:
        frame = pd.DataFrame({name: pd.Series(dtype=str) for name in usecols})
    for name in view.optional_columns:
        if name not in frame.columns:
            frame[name] = ""
    return ViewFrame(view.name, label, header_line, frame)


def read_folder(src: Path, problems: list[Problem]) -> dict[str, ViewFrame]:
    """Every view found in ``src`` that could be read; problems appended to ``problems``."""
    files = find_view_files(src, problems)
    views = {}
    for name, path in files.items():
        frame = read_view(VIEWS[name], path, problems)
        if frame is not None:
            views[name] = frame
    return views
