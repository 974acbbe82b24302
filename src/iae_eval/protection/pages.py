"""The audit of a year's HTML reports against its indicators.csv (``iae-eval audit``,
docs/editions.md, "Une décision par année").

Every figure of the year's indicators that a report's table prints must read as indicators.csv
publishes it: the same number, or the same mark (``< 5``, ``s``, a rate "non publié"). A
report that prints a figure the spreadsheet withholds, or another value, lets a reader who
puts the two side by side learn more than :mod:`iae_eval.protection.audit` proved safe.

The pages are read as a reader reads them: each ``<table>``'s header and rows. A row is
matched to a row of indicators.csv by its label (the département, a territory, a kind
"ACI — …", a structure's name, "Structure" or a year on a structure's own page), a column (or,
in a table whose rows are indicators, a row) by the indicator's label. Rows and columns that
match nothing (a share, an objective, the "dont RSA" column) are not compared.
"""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser
from pathlib import Path

from iae_eval.indicators import catalogue
from iae_eval.indicators.catalogue import INDICATOR_KEYS, PEOPLE_COUNT_KEYS
from iae_eval.indicators.exports import DECIMAL_KEYS
from iae_eval.protection.audit import FILE_NAME, SCOPE_OF_LABEL, Finding, _number, _Published

#: An indicator's label (as the reports head their columns) → its key.
KEY_OF_LABEL = {catalogue.label(k): k for k in INDICATOR_KEYS}
_NUMBER = re.compile(r"^[−\-]?\d[\d\s\u202f\u00a0]*(,\d+)?\s*(%|€|h)?")


class _Tables(HTMLParser):
    """Every ``<table>`` of a page: its header row and its body rows, with their lines."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tables: list[dict] = []
        self._cell: list[str] | None = None
        self._row: list[str] | None = None
        self._line = 0
        self._head = False

    def handle_starttag(self, tag, attrs):
        if tag == "table":
            self.tables.append({"head": [], "rows": []})
        elif tag == "thead":
            self._head = True
        elif tag == "tbody":
            self._head = False
        elif tag == "tr":
            self._row, self._line = [], self.getpos()[0]
        elif tag in ("td", "th"):
            self._cell = []

    def handle_endtag(self, tag):
        if tag == "thead":
            self._head = False
        elif tag in ("td", "th") and self._cell is not None and self._row is not None:
            self._row.append(" ".join("".join(self._cell).split()))
            self._cell = None
        elif tag == "tr" and self._row is not None and self.tables:
            if self._head:
                self.tables[-1]["head"] = self._row
            else:
                self.tables[-1]["rows"].append((self._line, self._row))
            self._row = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)


def _value(text: str) -> float | str:
    """A printed cell: its number (a rate as a fraction; the interval after it ignored), or
    its text (a mark)."""
    plain = text.replace("\u2060", "").strip()
    match = _NUMBER.match(plain)
    if not match:
        return plain
    number = _number(match.group(0).replace("€", "").replace("h", "").replace("−", "-"))
    return plain if number is None else number


def _same(printed: float | str, published: float | str, key: str) -> bool:
    if isinstance(printed, str) or isinstance(published, str):
        if not (isinstance(printed, str) and isinstance(published, str)):
            return False
        return key not in PEOPLE_COUNT_KEYS or printed == published
    return abs(printed - published) <= _TOLERANCE.get(_kind(key), 1e-6)


def _kind(key: str) -> str:
    if key in catalogue.RATE_KEYS:
        return "rate"
    if key in catalogue.MONEY_KEYS:
        return "money"
    return "decimal" if key in DECIMAL_KEYS else "count"


#: How far a printed figure may be from the spreadsheet's: its rounding (rates to 0.1 point,
#: amounts and hours to the unit).
_TOLERANCE = {"rate": 0.00051, "money": 0.51, "decimal": 0.51}


class _Spreadsheet:
    """indicators.csv of one year: each row's published texts, by the labels a report gives it."""

    def __init__(self, text: str) -> None:
        published = _Published(text)
        self.rows: dict[tuple[str, str | None], dict[str, str]] = {}
        self.by_label: dict[str, tuple[str, str | None]] = {}
        names: dict[str, list[str]] = {}
        for scope, code, _, record in published.rows:
            self.rows[(scope, code)] = record
            if scope == "structure":
                names.setdefault(record.get("Libellé", ""), []).append(code)
            elif scope == "territory":
                self.by_label[str(code)] = (scope, code)
                self.by_label[f"Territoire ({code})"] = (scope, code)
        for name, codes in names.items():
            for code in codes:
                self.by_label[name if len(codes) == 1 else f"{name} ({code})"] = ("structure", code)

    def row_of(self, label: str, own: tuple[str, str | None]) -> tuple[str, str | None] | None:
        if label in ("Département", "Total"):
            return ("departement", None)
        if label == "Structure" and own[0] == "structure":
            return own
        if " — " in label and ("kind", label.split(" — ")[0]) in self.rows:
            return ("kind", label.split(" — ")[0])
        return self.by_label.get(html.unescape(label))


def _cells(table: dict):
    """(line, row label, key, printed text) of every cell of ``table`` under an indicator's
    label, the table read both ways (indicators as columns, or as rows)."""
    head = table["head"]
    rows = [(line, r) for line, r in table["rows"] if len(r) > 1]
    if not rows:
        return
    columns = head[-(len(rows[0][1]) - 1) :] if len(head) >= len(rows[0][1]) - 1 else []
    if sum(r[0] in KEY_OF_LABEL for _, r in rows) >= 2:  # indicators as rows, units as columns
        for line, r in rows:
            key = KEY_OF_LABEL.get(r[0])
            if key is not None:
                for unit, text in zip(columns, r[1:], strict=False):
                    yield line, unit, key, text
        return
    keys = [KEY_OF_LABEL.get(c) for c in columns]
    for line, r in rows:
        for key, text in zip(keys, r[1:], strict=False):
            if key is not None:
                yield line, r[0], key, text


def audit_pages(reports_dir: Path, year: int) -> list[Finding]:
    """Every figure of ``year``'s HTML reports that does not read as its indicators.csv
    publishes it (empty: the reports and the spreadsheet say the same)."""
    folder = Path(reports_dir) / str(year)
    sheet = _Spreadsheet((folder / FILE_NAME).read_bytes().decode("utf-8-sig"))
    label_of = {v: k for k, v in SCOPE_OF_LABEL.items()}
    pages = [(folder / "departement.html", ("departement", None))]
    pages += [(p, ("structure", p.stem)) for p in sorted((folder / "structures").glob("*.html"))]
    findings = []
    for page, own in pages:
        if not page.is_file():
            continue
        parser = _Tables()
        parser.feed(page.read_text(encoding="utf-8"))
        shown = page.relative_to(reports_dir).as_posix()
        for table in parser.tables:
            for line, label, key, text in _cells(table):
                row = sheet.row_of(label, own)
                if row is None or row not in sheet.rows or key not in sheet.rows[row]:
                    continue
                published = sheet.rows[row][key]
                printed, expected = _value(text), _value(published) if published else ""
                if _same(printed, expected, key):
                    continue
                where = f"{label_of[row[0]].lower()} {row[1] or ''}".strip()
                problem = (
                    f"{where} : imprimé ici, masqué dans {year}/{FILE_NAME} ({published})"
                    if isinstance(expected, str) and not isinstance(printed, str)
                    else f"{where} : {year}/{FILE_NAME} publie « {published} »"
                )
                findings.append(Finding(shown, line, catalogue.label(key), text, problem))
    return findings
