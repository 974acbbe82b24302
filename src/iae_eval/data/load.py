"""Read a dataset folder (CSV files or one .xlsx workbook) into typed, validated frames.

The steps: find each table's file → read it as text cells (encoding and delimiter
detected, header names trimmed and lower-cased) → parse each column to its type
(dates ISO or French, booleans oui/non…, decimal comma) → check the schemas and the
cross-table rules (:mod:`iae_eval.data.schemas`). Every problem is collected, none stops the
others; :func:`load_dataset` raises one :class:`DataValidationError` carrying them all.
Input files are only ever opened for reading.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from iae_eval.data.dataset import TABLES, Dataset, Table
from iae_eval.data.kept import kept
from iae_eval.data.reference import builtin_exit_reasons
from iae_eval.data.rules import DEFAULT_RULES, get_profile, profile_for
from iae_eval.errors import (
    DatasetNotFoundError,
    DataValidationError,
    Problem,
    problem_lines,
    problems_frame,
)

TRUE_WORDS = frozenset({"oui", "true", "1", "o", "yes", "vrai"})
FALSE_WORDS = frozenset({"non", "false", "0", "n", "no", "faux"})
BOOL_HELP = "pas un booléen (écrire oui/non, true/false, 1/0, o/n ou yes/no)"
DATE_HELP = "pas une date valide (écrire AAAA-MM-JJ ou JJ/MM/AAAA)"
FIRST_PLAUSIBLE_YEAR, LAST_PLAUSIBLE_YEAR = 1900, 2100
_SPACES = {"\u00a0": "", "\u202f": "", " ": ""}


@dataclass(frozen=True)
class RawTable:
    """A table as read: text cells, index = the line number a spreadsheet user sees."""

    name: str
    label: str  # file name shown in messages: participants.csv or data.xlsx[participants]
    frame: pd.DataFrame


def resolve_data_dir(path: str | Path) -> Path:
    """The dataset folder; a relative path missing from the working directory is looked
    up in its parents, so ``data/sample`` works from the repository root and from
    ``notebooks/``."""
    candidate = Path(path).expanduser()
    if candidate.is_dir():
        return candidate.resolve()
    if not candidate.is_absolute():
        for parent in list(Path.cwd().parents)[:3]:
            if (parent / candidate).is_dir():
                return (parent / candidate).resolve()
    raise DatasetNotFoundError(
        f"dossier des données introuvable : {path} (donnez à --data un dossier de fichiers CSV ou d'un classeur .xlsx)"
    )


# --- Reading ---------------------------------------------------------------------------------


def _encoding(data: bytes, label: str, problems: list[Problem]) -> str | None:
    """The encoding of a CSV file (UTF-8, with or without BOM, else Windows-1252)."""
    if b"\x00" in data[:8192]:
        problems.append(Problem(label, None, "", "", "fichier binaire : un fichier texte CSV est attendu"))
        return None
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            data.decode(encoding)
            return encoding
        except UnicodeDecodeError:
            continue
    problems.append(Problem(label, None, "", "", "fichier illisible : ni texte UTF-8 ni texte Windows-1252"))
    return None


def _delimiter(header: str) -> str:
    return ";" if header.count(";") > header.count(",") else ","


def _read_csv(path: Path, name: str, data: bytes, problems: list[Problem]) -> RawTable | None:
    label = path.name
    encoding = _encoding(data, label, problems)
    if encoding is None:
        return None
    if not data.strip():
        problems.append(Problem(label, None, "", "", "fichier vide : une ligne d'en-têtes est attendue"))
        return None
    header = data[:65536].decode(encoding, errors="replace").split("\n", 1)[0]
    try:
        frame = pd.read_csv(
            io.BytesIO(data),
            encoding=encoding,
            sep=_delimiter(header),
            dtype=str,
            keep_default_na=False,
            na_filter=False,
            skip_blank_lines=False,
            quoting=csv.QUOTE_MINIMAL,
        )
    except (pd.errors.ParserError, csv.Error) as exc:
        problems.append(_parser_problem(label, str(exc)))
        return None
    frame.index = np.arange(2, len(frame) + 2)
    return RawTable(name, label, frame)


def _parser_problem(label: str, message: str) -> Problem:
    # pandas: "Error tokenizing data. C error: Expected 5 fields in line 7, saw 6"
    line = None
    if " in line " in message:
        tail = message.split(" in line ", 1)[1]
        digits = "".join(ch for ch in tail.split(",")[0] if ch.isdigit())
        line = int(digits) if digits else None
    detail = message.split("C error: ")[-1].strip()
    return Problem(label, line, "", "", f"ligne CSV mal formée ({detail})")


def _read_workbook(path: Path, wanted: set[str], problems: list[Problem]) -> dict[str, RawTable]:
    from openpyxl import load_workbook

    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # noqa: BLE001 - any reason a workbook cannot be opened
        problems.append(Problem(path.name, None, "", "", f"classeur illisible ({type(exc).__name__})"))
        return {}
    tables: dict[str, RawTable] = {}
    try:
        for sheet in book.worksheets:
            name = sheet.title.strip().lower()
            if name not in wanted:
                continue
            rows = sheet.iter_rows(values_only=True)
            header = next(rows, None)
            label = f"{path.name}[{sheet.title}]"
            if header is None:
                problems.append(
                    Problem(label, None, "", "", "feuille vide : une ligne d'en-têtes est attendue")
                )
                continue
            width = len(header)
            records, lines = [], []
            for number, row in enumerate(rows, start=2):
                cells = ["" if v is None else _cell_text(v) for v in row[:width]]
                cells += [""] * (width - len(cells))
                records.append(cells)
                lines.append(number)
            columns = ["" if h is None else str(h) for h in header]
            frame = (
                pd.DataFrame(records, columns=columns, index=lines, dtype=str)
                if records
                else pd.DataFrame(columns=columns, dtype=str)
            )
            tables[name] = RawTable(name, label, frame)
    finally:
        book.close()
    return tables


def _cell_text(value: object) -> str:
    """An Excel cell as the text a user would have typed."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if hasattr(value, "strftime"):
        return value.strftime("%Y-%m-%d")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _table_files(folder: Path) -> tuple[dict[str, Path], list[Path]]:
    """The CSV file of each table name, and the workbooks, of ``folder``."""
    files = sorted(p for p in folder.iterdir() if p.is_file() and not p.name.startswith((".", "~$")))
    csv_files = {p.stem.strip().lower(): p for p in files if p.suffix.lower() == ".csv"}
    return csv_files, [p for p in files if p.suffix.lower() == ".xlsx"]


#: The last fingerprint computed, by the data files' status (path, size, inode, modification
#: and change times): a kernel building many reports hashes the data once, not once per report
#: (0.15 s for 60 MB). Writing a file always changes its change time (``st_ctime_ns``, which no
#: tool can set back), so a changed file is always hashed again.
_fingerprints: dict[tuple, str] = {}


def data_fingerprint(folder: Path) -> str:
    """The hash of the data files of ``folder``, as :func:`read_tables` computes it (without
    parsing anything: about 0.15 s for 60 MB, then nothing while no file changes)."""
    csv_files, workbooks = _table_files(folder)
    files = [csv_files[name] for name in TABLES if name in csv_files]
    if len(workbooks) == 1:
        files.append(workbooks[0])
    status = tuple((str(p.resolve()), *_status(p)) for p in files)
    if status in _fingerprints:
        return _fingerprints[status]
    digest = hashlib.sha256()
    for path in files:
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    _fingerprints.clear()
    _fingerprints[status] = digest.hexdigest()
    return _fingerprints[status]


def _status(path: Path) -> tuple[int, int, int, int]:
    st = path.stat()
    return st.st_size, st.st_ino, st.st_mtime_ns, st.st_ctime_ns


def read_tables(folder: Path) -> tuple[dict[str, RawTable], list[Problem], str]:
    """Read every table of ``folder``: text frames, problems met, and a data fingerprint."""
    problems: list[Problem] = []
    digest = hashlib.sha256()
    tables: dict[str, RawTable] = {}
    csv_files, workbooks = _table_files(folder)
    for name in TABLES:
        path = csv_files.get(name)
        if path is None:
            continue
        data = path.read_bytes()
        digest.update(path.name.encode() + b"\0" + data)
        raw = _read_csv(path, name, data, problems)
        if raw is not None:
            tables[name] = raw
    if len(workbooks) > 1:
        names = ", ".join(p.name for p in workbooks)
        problems.append(
            Problem(
                folder.name,
                None,
                "",
                "",
                f"plusieurs classeurs ({names}) : gardez un seul .xlsx par jeu de données",
            )
        )
    elif workbooks:
        digest.update(workbooks[0].name.encode() + b"\0" + workbooks[0].read_bytes())
        missing = set(TABLES) - set(tables)
        tables.update(_read_workbook(workbooks[0], missing, problems))
    for name, table in TABLES.items():
        if table.required and name not in tables and not any(p.file.startswith(name) for p in problems):
            problems.append(
                Problem(
                    f"{name}.csv",
                    None,
                    "",
                    "",
                    f"table obligatoire absente (un fichier {name}.csv ou une feuille « {name} »)",
                )
            )
    return tables, problems, digest.hexdigest()


# --- Parsing ---------------------------------------------------------------------------------


def _normalise_header(raw: RawTable, spec: Table, problems: list[Problem]) -> tuple[pd.DataFrame, set[str]]:
    """Header names trimmed and lower-cased, unknown columns dropped (a warning), missing
    ones added empty; returns the frame and the names of the missing columns."""
    frame = raw.frame
    names = [str(c).strip().lstrip("\ufeff").strip().lower() for c in frame.columns]
    frame = frame.set_axis(names, axis=1)
    if len(frame):
        frame = frame.apply(_stripped)
        # Drop fully empty rows (blank lines, trailing rows of a spreadsheet export).
        maybe_blank = frame.iloc[:, 0] == ""
        if maybe_blank.any():
            blank = maybe_blank.copy()
            blank[maybe_blank] = (frame[maybe_blank] == "").all(axis=1)
            frame = frame[~blank]
    seen: set[str] = set()
    keep = []
    for position, name in enumerate(names):
        if name in seen:
            problems.append(Problem(raw.label, 1, name, name, "colonne en double"))
        elif name == "":
            if (frame.iloc[:, position] != "").any():
                problems.append(
                    Problem(
                        raw.label, 1, f"colonne {position + 1}", "", "colonne sans nom d'en-tête", "warning"
                    )
                )
        elif name not in spec.column_names:
            problems.append(Problem(raw.label, 1, name, name, "colonne inconnue, ignorée", "warning"))
        else:
            keep.append(position)
        seen.add(name)
    frame = frame.iloc[:, keep]
    missing = [c for c in spec.columns if c.name not in frame.columns]
    for column in missing:
        if column.required:
            problems.append(Problem(raw.label, None, column.name, "", "colonne obligatoire absente"))
    frame = frame.assign(**{c.name: "" for c in missing})
    return frame[list(spec.column_names)], {c.name for c in missing}


#: White space as ``str.strip`` removes it (every character for which ``str.isspace`` is true).
_SPACE = re.compile(r"\s")


def _stripped(values: pd.Series) -> pd.Series:
    """The column's text cells without their leading and trailing white space. Most columns
    (codes, dates, numbers) hold no white space at all: one search over the joined cells says
    so, and they are kept as read (half the time of stripping every cell)."""
    cells = values.tolist()
    if not _SPACE.search("".join(cells)):
        return values
    return pd.Series([v.strip() for v in cells], index=values.index, dtype=values.dtype, name=values.name)


#: Only the characters of plain decimal numbers (``-12``, ``1258.5``).
_PLAIN_NUMBER_CHARACTERS = {"int": re.compile(r"[0-9\-]*"), "float": re.compile(r"[0-9.\-]*")}


def _plain_numbers(values: pd.Series, kind: str) -> pd.Series | None:
    """The column as numbers when every cell is a plain decimal number (a national export's
    columns are): numpy parses them at once, five times faster than ``pd.to_numeric``. None
    when a cell is empty or anything else (a decimal comma, a space, a word): the caller's
    general path parses and reports those."""
    cells = values.tolist()
    if not cells or not _PLAIN_NUMBER_CHARACTERS[kind].fullmatch("".join(cells)):
        return None
    try:
        parsed = np.array(cells, dtype=np.int64 if kind == "int" else np.float64)
    except (ValueError, OverflowError):  # "", "-", "1.2.3", too large
        return None
    return pd.Series(parsed, index=values.index)


def _bad(label: str, column: str, mask: pd.Series, values: pd.Series, message: str) -> list[Problem]:
    bad = values[mask]
    return [Problem(label, int(line), column, str(value), message) for line, value in bad.items()]


def _parse_column(
    label: str, column, values: pd.Series, problems: list[Problem], *, absent: bool
) -> pd.Series:
    empty = values == ""
    if column.required and not absent:
        problems.extend(_bad(label, column.name, empty, values, "valeur obligatoire manquante"))
    kind = column.type
    if kind == "text":
        return values.where(~empty, np.nan).astype("str")
    if kind == "list":
        return values.map(lambda v: tuple(x.strip() for x in v.split("|") if x.strip()))
    if kind == "date":
        dates = pd.to_datetime(values, format="%Y-%m-%d", errors="coerce")
        retry = dates.isna() & ~empty
        if retry.any():
            dates[retry] = pd.to_datetime(values[retry], format="%d/%m/%Y", errors="coerce")
        invalid = dates.isna() & ~empty
        problems.extend(_bad(label, column.name, invalid, values, DATE_HELP))
        years = dates.dt.year
        implausible = (years < FIRST_PLAUSIBLE_YEAR) | (years > LAST_PLAUSIBLE_YEAR)
        problems.extend(_bad(label, column.name, implausible, values, "date impossible"))
        return dates.where(~implausible).astype("datetime64[ns]")
    if kind in ("int", "float"):
        numbers = _plain_numbers(values, kind)
        if numbers is None:
            numbers = pd.to_numeric(values.where(~empty, np.nan), errors="coerce")
        retry = numbers.isna() & ~empty
        if retry.any():  # decimal comma, spaces as thousands separators
            cleaned = values[retry].replace(_SPACES, regex=True).str.replace(",", ".", regex=False)
            numbers[retry] = pd.to_numeric(cleaned, errors="coerce")
        invalid = numbers.isna() & ~empty
        if kind == "int":
            fractional = numbers.notna() & (numbers != np.floor(numbers))
            problems.extend(_bad(label, column.name, invalid | fractional, values, "pas un nombre entier"))
            numbers = numbers.where(~fractional)
            return (
                numbers.astype("int64")
                if column.required and not numbers.isna().any()
                else numbers.astype("Int64")
            )
        problems.extend(_bad(label, column.name, invalid, values, "pas un nombre"))
        return numbers.astype("float64")
    if kind == "bool":
        lowered = values.str.lower()
        truth = lowered.isin(TRUE_WORDS)
        falsity = lowered.isin(FALSE_WORDS)
        invalid = ~(truth | falsity | empty)
        problems.extend(_bad(label, column.name, invalid, values, BOOL_HELP))
        if column.required:
            return truth
        result = pd.Series(pd.NA, index=values.index, dtype="boolean")
        result[truth] = True
        result[falsity] = False
        return result
    raise ValueError(f"unknown column type {kind!r}")


def parse_table(raw: RawTable, problems: list[Problem]) -> pd.DataFrame:
    """Typed frame of ``raw`` (index = line numbers); problems are appended to ``problems``."""
    spec = TABLES[raw.name]
    frame, absent = _normalise_header(raw, spec, problems)
    return pd.DataFrame(
        {
            c.name: _parse_column(raw.label, c, frame[c.name], problems, absent=c.name in absent)
            for c in spec.columns
        },
        index=frame.index,
    )


# --- The public entry point ------------------------------------------------------------------


def inspect_dataset(path: str | Path) -> tuple[Dataset | None, pd.DataFrame]:
    """Read, parse and check a dataset: ``(dataset or None if it has errors, problems)``."""
    from iae_eval.data.schemas import check_tables

    folder = resolve_data_dir(path)
    raw_tables, problems, fingerprint = read_tables(folder)
    typed = {name: parse_table(raw, problems) for name, raw in raw_tables.items()}
    labels = {name: raw.label for name, raw in raw_tables.items()}
    if all(name in typed for name in ("structures", "participants")):
        problems.extend(check_tables(typed, labels))
    frame = problems_frame(problems)
    if (frame["severity"] == "error").any():
        return None, frame
    tables = {name: t.reset_index(drop=True) for name, t in typed.items()}
    dataset = Dataset(
        structures=tables["structures"],
        participants=tables["participants"],
        exit_reasons=tables.get("exit_reasons", builtin_exit_reasons()),
        contracts=tables.get("contracts"),
        operations=tables.get("operations"),
        funding=tables.get("funding"),
        sd_assessment=tables.get("sd_assessment"),
        action_plan=tables.get("action_plan"),
        departement=tables.get("departement"),
        yearly_hours=tables.get("yearly_hours"),
        exit_followup=tables.get("exit_followup"),
        context=tables.get("context"),
        followup_reference=tables.get("followup_reference"),
        evaluation=tables.get("evaluation"),
        source=str(folder),
        fingerprint=fingerprint,
        warnings=tuple(problem_lines(frame[frame["severity"] == "warning"])),
    )
    return dataset, frame


#: The last dataset this process validated, by folder and data hash. A batch worker's kernel
#: builds many reports from one dataset: it reads and checks the data once, and
#: again only when a data file changes. One dataset is kept, so memory stays bounded.
_validated: dict[tuple[str, str], Dataset] = {}


def load_dataset(path: str | Path = "data/sample", *, rules: str = DEFAULT_RULES) -> Dataset:
    """Load and validate a dataset folder; raise :class:`DataValidationError` listing every
    problem when it is not valid. Warnings are kept on ``Dataset.warnings``.

    ``rules`` names the minimum-stay rules profile (:mod:`iae_eval.data.rules`) the
    indicators of this dataset use; :class:`RulesError` when the dataset lacks what it needs
    (a ``ValueError`` for an unknown name).
    """
    get_profile(rules)  # an unknown name fails before any reading
    folder = resolve_data_dir(path)
    key = (str(folder), data_fingerprint(folder))
    dataset = _validated.get(key)
    if dataset is None:
        dataset = kept(key[1], source=str(folder))  # a batch kernel: validated by its run
        if dataset is None:
            dataset, problems = inspect_dataset(folder)
            if dataset is None:
                raise DataValidationError(problems, source=str(folder))
        _validated.clear()
        _validated[key] = dataset
    profile = profile_for(rules, has_yearly_hours=dataset.yearly_hours is not None, source=dataset.source)
    return dataset.shallow_copy(rules=profile.name)
