"""``iae-eval import-fluxiae``: a folder of fluxIAE files → a kit dataset folder.

The steps: read the salt (created when missing) and the optional territories file →
read every view (:mod:`.read`) → build the tables of one département (:mod:`.build`) →
if anything is wrong, return every problem with nothing written → else write the tables
atomically, deterministically (same input and salt → identical files). The command
(:mod:`iae_eval.commands.fluxiae`) prints the problems or the summary. The salt and the NIRs never reach the output, the console or a message.
"""

from __future__ import annotations

import csv
import io
import os
import secrets
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from iae_eval.atomic import write_text
from iae_eval.data.dataset import TABLES
from iae_eval.data.fluxiae import build
from iae_eval.data.fluxiae.read import read_folder
from iae_eval.errors import Problem

#: Where the salt lives when ``--salt-file`` is not given (outside any dataset folder).
DEFAULT_SALT_FILE = Path("~/.config/iae-eval/fluxiae.salt")
#: Tables the import writes, in this order.
WRITTEN_TABLES = ("structures", "participants", "yearly_hours", "funding", "exit_reasons")
TERRITORY_COLUMNS = ("code_insee", "territory")


class UsageError(Exception):
    """Raised for a bad command-line value (exit 2)."""


@dataclass(frozen=True)
class ImportResult:
    """The built tables (kit columns, typed) and what the summary reports."""

    tables: dict[str, pd.DataFrame]
    dropped: dict[str, int] = field(default_factory=dict)
    people_without_nir: int = 0


def read_salt(path: Path) -> tuple[bytes, bool]:
    """The salt in ``path``, or a new random one when the file is missing, and whether it is
    new (:func:`save_salt` writes it once the import has succeeded: a failed import leaves
    nothing behind)."""
    path = path.expanduser()
    if path.is_file():
        salt = path.read_bytes().strip()
        if not salt:
            raise UsageError(
                f"--salt-file {path} : le fichier est vide (supprimez-le pour obtenir un nouveau sel aléatoire)"
            )
        return salt, False
    if path.exists():
        raise UsageError(f"--salt-file {path} : ce n'est pas un fichier")
    return secrets.token_hex(32).encode(), True


def save_salt(path: Path, salt: bytes) -> None:
    """Write a new salt, readable by its owner only."""
    path = path.expanduser()
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(salt + b"\n")


def read_territories(path: Path, problems: list[Problem]) -> dict[str, str]:
    """``code_insee`` → ``territory`` from a CSV file (``,`` or ``;``, UTF-8 with or without BOM)."""
    label = path.name
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError:
        problems.append(Problem(label, None, "", "", "pas du texte UTF-8"))
        return {}
    header = text.split("\n", 1)[0]
    delimiter = ";" if header.count(";") > header.count(",") else ","
    rows = list(csv.reader(io.StringIO(text), delimiter=delimiter))
    names = [h.strip().lower() for h in rows[0]] if rows else []
    missing = [c for c in TERRITORY_COLUMNS if c not in names]
    for column in missing:
        problems.append(
            Problem(label, None, column, "", "colonne absente (code_insee et territory attendues)")
        )
    if missing:
        return {}
    code_at, territory_at = names.index("code_insee"), names.index("territory")
    mapping: dict[str, str] = {}
    for line, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        cells = row + [""] * (len(names) - len(row))
        code, territory = cells[code_at].strip(), cells[territory_at].strip()
        if not code or not territory:
            column = "code_insee" if not code else "territory"
            problems.append(Problem(label, line, column, "", "valeur obligatoire manquante"))
        elif code in mapping and mapping[code] != territory:
            problems.append(
                Problem(label, line, "code_insee", code, f"déjà rattaché au territoire {mapping[code]}")
            )
        else:
            mapping[code] = territory
    return mapping


def import_fluxiae(
    src: Path,
    *,
    departement: str,
    salt: bytes,
    territories: dict[str, str] | None,
    departement_name: str | None = None,
) -> tuple[ImportResult | None, list[Problem]]:
    """Build the tables of ``departement`` from the fluxIAE folder ``src``: ``(result, [])``,
    or ``(None, problems)`` when anything is wrong."""
    problems: list[Problem] = []
    views = read_folder(src, problems)
    required = (
        "Structure",
        "AnnexeFinanciere",
        "Salarie",
        "ContratMission",
        "EtatMensuelIndiv",
        "RefDureePoleEmploi",
    )
    if problems or any(v not in views for v in required):
        return None, problems
    c = build.Collector()
    reasons = build.exit_nomenclature(c, views.get("RefMotifSort"), views.get("RefCategorieSort"))
    if reasons is None and not c.problems:
        from iae_eval.data.reference import builtin_exit_reasons

        codes = set(builtin_exit_reasons()["code"])
    else:
        codes = set() if reasons is None else set(reasons["code"])
    annexes = build.build_annexes(c, views["AnnexeFinanciere"], departement)
    if annexes.rows.empty and not c.problems:
        return None, [build.no_annex_problem(views["AnnexeFinanciere"], departement)]
    structures = build.build_structures(
        c, views["Structure"], annexes, views["AnnexeFinanciere"], territories
    )
    if c.problems:
        return None, c.problems
    pathways = build.build_pathways(
        c,
        contracts=views["ContratMission"],
        employees=views["Salarie"],
        monthly=views["EtatMensuelIndiv"],
        durations=views["RefDureePoleEmploi"],
        structures=structures,
        exit_codes=codes,
        salt=salt,
    )
    if c.problems:
        return None, c.problems
    tables = {
        "structures": structures,
        "participants": pathways.participants,
        "yearly_hours": pathways.yearly_hours,
        "funding": build.build_funding(annexes, structures),
        "departement": _departement_table(departement, departement_name),
    }
    if reasons is not None:
        tables["exit_reasons"] = reasons
    dropped = {k: v for k, v in sorted(c.dropped.items()) if v}
    return ImportResult(tables, dropped, pathways.people_without_nir), []


def _departement_table(code: str, name: str | None) -> pd.DataFrame:
    """The dataset's ``departement`` table: the usual code (``05``, ``2A``, ``974``) and the name."""
    usual = code.lstrip("0").zfill(2)
    return pd.DataFrame({"code": [usual], "name": [name or f"Département {usual}"]})


# --- Writing ---------------------------------------------------------------------------------


def _column_text(values: pd.Series) -> pd.Series:
    """One column as the text written: ISO dates, ``oui``/``non``, numbers with ``.`` and at
    most two decimals, lists joined with ``|``, an empty cell for a missing value."""
    if pd.api.types.is_datetime64_any_dtype(values):
        return values.dt.strftime("%Y-%m-%d").fillna("")
    if pd.api.types.is_bool_dtype(values):
        return values.map({True: "oui", False: "non"}).astype(object).fillna("")
    if pd.api.types.is_float_dtype(values):
        text = values.round(2).astype(str).str.replace(r"\.0$", "", regex=True)
        return text.where(values.notna(), "")
    if pd.api.types.is_integer_dtype(values):
        return values.astype(str).where(values.notna(), "")
    return values.map(lambda v: "|".join(v) if isinstance(v, tuple) else v).astype(object).fillna("")


def table_csv(name: str, frame: pd.DataFrame) -> str:
    """The CSV text of a kit table: the columns of docs/data.md in order, ``,`` between
    cells, ISO dates, ``oui``/``non``, numbers with ``.`` and at most two decimals."""
    columns = [c for c in TABLES[name].column_names if c in frame.columns]
    text = pd.DataFrame({c: _column_text(frame[c]) for c in columns})
    return text.to_csv(index=False, lineterminator="\n")


def check_out_dir(out: Path, src: Path, salt_file: Path) -> None:
    """Refuse an output folder that is the source, holds the salt or holds other files."""
    out, src = out.resolve(), src.resolve()
    if out == src or src in out.parents:
        raise UsageError(
            f"--out {out} : doit être hors du dossier fluxIAE (les fichiers reçus ne sont jamais modifiés)"
        )
    if out in salt_file.expanduser().resolve().parents:
        raise UsageError(
            f"--salt-file {salt_file} : doit être hors de --out (le sel n'est jamais écrit avec les données)"
        )
    if out.exists():
        if not out.is_dir():
            raise UsageError(f"--out {out} : ce n'est pas un dossier")
        ours = {f"{name}.csv" for name in TABLES}
        others = sorted(p.name for p in out.iterdir() if p.name not in ours)
        if others:
            raise UsageError(
                f"--out {out} : contient d'autres fichiers ({', '.join(others[:5])}) : donnez un dossier "
                "nouveau ou vide, ou un dossier écrit par un import précédent"
            )


def write_tables(out: Path, tables: dict[str, pd.DataFrame]) -> list[Path]:
    """Write every table atomically; remove the kit tables a previous import left that this
    one does not write (e.g. exit_reasons)."""
    out.mkdir(parents=True, exist_ok=True)
    texts = {name: table_csv(name, frame) for name, frame in tables.items()}
    written = [write_text(out / f"{name}.csv", text) for name, text in texts.items()]
    for name in TABLES:
        stale = out / f"{name}.csv"
        if name not in tables and stale.exists():
            stale.unlink()
    return written
