"""A year's indicators as ``indicators.xlsx`` and ``indicators.csv``.

One row per scope of the year: the département, each territory, each kind of structure,
each structure active that year (docs/indicators.md), as the edition shows it
(:func:`iae_eval.editions.displayed`: every value in the committee's edition; in the public
one, counts under ``min_cell`` become ``< 5`` and cells that would give them back ``s``).
French column headers.

Formats, chosen so that a French Excel opens both files as they are:

- ``indicators.xlsx``: counts and amounts are numbers, rates are numeric fractions shown
  with a percent format (``0.125`` shows as ``12,5 %``), suppressed cells are the text
  ``< 5``, undefined values are empty cells; header row frozen and bold.
- ``indicators.csv``: ``;`` separator, UTF-8 with BOM, decimal comma; rates as text
  ``12,5 %``; amounts with two decimals (``1234,50``); undefined values empty.

Text from the data is never a formula in either file (:mod:`iae_eval.cells`).
"""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd

from iae_eval import atomic, cells
from iae_eval.cells import csv_cell, store_as_text
from iae_eval.data.dataset import Dataset
from iae_eval.data.reference import KIND_LABELS
from iae_eval.editions import edition
from iae_eval.fmt import is_missing
from iae_eval.indicators import catalogue
from iae_eval.indicators.catalogue import Kind
from iae_eval.indicators.pathways import structure_names
from iae_eval.indicators.suppress import MASKED_TEXT, NOT_PUBLISHED

#: The year's spreadsheets, written side by side in ``<out>/<year>/`` (the département report's folder).
FILE_NAMES: tuple[str, ...] = ("indicators.xlsx", "indicators.csv")

SCOPES: tuple[tuple[str, str], ...] = (
    ("departement", "Département"),
    ("territory", "Territoire"),
    ("kind", "Type de structure"),
    ("structure", "Structure"),
)

#: Keys whose values are fractions (shown as percentages).
RATE_KEYS = frozenset(catalogue.RATE_KEYS)
#: Keys whose values are amounts, hours or averages (two decimals).
DECIMAL_KEYS = frozenset(
    i.key for i in catalogue.INDICATORS if i.kind in (Kind.MONEY, Kind.HOURS, Kind.MONTHS)
)
#: The lead columns; a structure's row also says its territory and its kinds (``ACI+AI``): what a
#: reader knows of it, and what ``iae-eval audit`` adds up (docs/editions.md).
LEAD_COLUMNS = ("Année", "Périmètre", "Code", "Libellé", "Territoire", "Types")
KINDS_SEPARATOR = "+"


def _labels(dataset: Dataset, scope: str) -> dict[str, str]:
    if scope == "structure":  # the "Code" column tells two structures of one name apart
        return structure_names(dataset)
    if scope == "kind":
        return dict(KIND_LABELS)
    return {}


def year_table(dataset: Dataset, year: int, *, min_cell: int, diffusion: str) -> pd.DataFrame:
    """Every scope of ``year``, suppressed, with lead columns and indicator keys as columns.

    The scopes are protected together: the département is the total of the territories, of
    the kinds and of the structures, each territory the total of its structures, so that no
    small count of one scope can be recovered from the others (docs/editions.md).
    The columns keep the indicator keys (:func:`catalogue.header` gives the French headers);
    values are Python objects (int, float, ``< 5`` text, None).
    """
    from iae_eval.indicators.compute import INDICATOR_KEYS, compute_indicators

    departement = dataset.departement_name or "Département"
    structures = dataset.structures
    ids = structures["structure_id"].astype(str)
    territory_of = dict(zip(ids, structures["territory"].fillna("").astype(str), strict=True))
    kinds_of = dict(zip(ids, (KINDS_SEPARATOR.join(k) for k in structures["kinds"]), strict=True))
    frames, leads = [], []
    for scope, scope_label in SCOPES:
        frame = compute_indicators(dataset, year, by=scope)
        if frame.empty:
            continue
        labels = _labels(dataset, scope)
        keys = [
            None if k is None or (isinstance(k, float) and math.isnan(k)) else str(k) for k in frame.index
        ]
        rows = [f"{scope}:{k}" for k in keys]
        frames.append(frame.set_axis(rows))
        leads.append(
            pd.DataFrame(
                {
                    "Année": year,
                    "Périmètre": scope_label,
                    "Code": ["" if k is None else k for k in keys],
                    "Libellé": [
                        departement if scope == "departement" else labels.get(k, k or "") for k in keys
                    ],
                    "Territoire": [territory_of.get(k, "") if scope == "structure" else "" for k in keys],
                    "Types": [kinds_of.get(k, "") if scope == "structure" else "" for k in keys],
                },
                index=rows,
            )
        )
    if not frames:
        return pd.DataFrame(columns=[*LEAD_COLUMNS, *INDICATOR_KEYS])
    table = pd.concat(frames)
    shown = displayed_year(dataset, year, table, min_cell=min_cell, diffusion=diffusion)
    return (
        pd.concat([pd.concat(leads), shown[list(INDICATOR_KEYS)]], axis=1)
        .reset_index(drop=True)
        .astype(object)
    )


def displayed_year(
    dataset: Dataset, year: int, table: pd.DataFrame, *, min_cell: int, diffusion: str
) -> pd.DataFrame:
    """A frame of the year's indicators with rows labelled ``scope:key`` as the edition shows
    it: every value in the committee's; in the public one, each cell as the year's one decision
    says (:func:`iae_eval.protection.table.year_cells`, computed once for the year)."""
    from iae_eval.editions import displayed
    from iae_eval.protection.table import shown_places, year_cells
    from iae_eval.protection.year import unit_name

    if not edition(diffusion).suppresses:
        return displayed(table, diffusion=diffusion, min_cell=min_cell)
    places = []
    for row in table.index:
        scope, key = row.split(":", 1)
        places.append((int(year), unit_name(scope, None if key == "None" else key)))
    return shown_places(table, places, {int(year): year_cells(dataset, year, min_cell)})


def _csv_value(key: str, value: object) -> str:
    if is_missing(value):
        return ""
    if isinstance(value, str):
        return csv_cell(value)
    if key in RATE_KEYS:
        return f"{float(value) * 100:.1f} %".replace(".", ",")
    if key in DECIMAL_KEYS:
        return f"{float(value):.2f}".replace(".", ",")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).replace(".", ",")


def with_lead_columns(table: pd.DataFrame) -> pd.DataFrame:
    """``table`` with every :data:`LEAD_COLUMNS` first; a missing one (a table built before
    territories and kinds were columns) is written empty."""
    missing = [c for c in LEAD_COLUMNS if c not in table.columns]
    if not missing:
        return table
    filled = table.assign(**{c: "" for c in missing})
    return filled[[*LEAD_COLUMNS, *(c for c in table.columns if c not in LEAD_COLUMNS)]]


def csv_text(table: pd.DataFrame) -> str:
    """The CSV text (without the BOM) in the kit's convention (:func:`iae_eval.cells.csv_text`),
    French headers and numbers."""
    table = with_lead_columns(table)
    keys = [c for c in table.columns if c not in LEAD_COLUMNS]
    shown = pd.DataFrame(
        {
            **{c: [str(v) for v in table[c]] for c in LEAD_COLUMNS},
            **{catalogue.header(k): [_csv_value(k, v) for v in table[k]] for k in keys},
        }
    )
    return cells.csv_text(shown, formatted=[catalogue.header(k) for k in keys])


def write_csv(table: pd.DataFrame, path: Path) -> Path:
    """Write ``indicators.csv`` atomically (the kit's CSV convention: UTF-8 with BOM)."""
    return atomic.write_bytes(path, csv_text(table).encode(cells.CSV_ENCODING))


def readme_lines(year: int, *, min_cell: int, diffusion: str) -> list[str]:
    """The notes sheet of the workbook (French): the edition's banner, then how to read it."""
    chosen = edition(diffusion)
    signs = (
        [
            f"« < {min_cell} » : effectif inférieur à {min_cell}, masqué (secret statistique).",
            f"« {MASKED_TEXT} » : valeur masquée parce qu'elle permettrait de retrouver un effectif masqué "
            "(secret secondaire, ou différence entre un sous-ensemble et son total).",
            f"« {NOT_PUBLISHED} : … » : taux non publié, avec sa raison ; un taux est publié quand il repose "
            f"sur au moins {min_cell} personnes ou sorties de chaque côté (k ≥ {min_cell} et n − k ≥ {min_cell}).",
            "Les échelles (département, territoires, types, structures) sont protégées ensemble : aucun petit "
            "effectif ne se retrouve par différence entre elles.",
        ]
        if chosen.suppresses
        else [
            "Tous les effectifs et tous les taux sont affichés, petits effectifs compris : ce document "
            "ne doit pas être diffusé au-delà du comité de pilotage."
        ]
    )
    return [
        chosen.banner,
        f"Indicateurs {year} de l'insertion par l'activité économique, par périmètre.",
        "Une ligne par périmètre : le département, chaque territoire, chaque type de structure, "
        "chaque structure active dans l'année.",
        *signs,
        "Cellule vide : indicateur non défini (dénominateur nul ou donnée absente).",
        "Les taux sont des fractions affichées en pourcentage ; les montants sont en euros.",
        "Feuille « Entonnoir » : pour chaque structure et chaque taux, sa position par rapport aux "
        "limites de contrôle à 99,8 % telles qu'elles sont tracées (binomiales exactes, ou élargies "
        "pour la surdispersion : méthode multiplicative ou additive).",
        "Feuilles « Publics comparables » et « Suivi après la sortie » (quand les données les permettent) : "
        "pour chaque structure ayant des sorties examinées, ses taux observés, attendus et ajustés à "
        "publics comparables, et l'emploi de ses sortants 6, 12 et 24 mois après la sortie, tels que les "
        "montre le rapport départemental (qui les résume quand les structures sont nombreuses).",
        "Définitions : voir la méthodologie des rapports HTML et la documentation du kit.",
    ]


#: The columns of the ``Entonnoir`` sheet, in order.
FUNNEL_COLUMNS: tuple[str, ...] = (
    "structure_id",
    "structure",
    "taux",
    "sorties_examinees",
    "valeur",
    "limite_basse_998",
    "limite_haute_998",
    "position",
    "methode",
)
FUNNEL_RATES: tuple[str, ...] = ("durable_rate", "dynamic_rate")
FUNNEL_SHEET = "Entonnoir"
_FUNNEL_FRACTIONS = ("valeur", "limite_basse_998", "limite_haute_998")


def funnel_table(dataset: Dataset, year: int, *, min_cell: int, diffusion: str) -> pd.DataFrame:
    """The rows of the ``Entonnoir`` sheet: one per structure and rate (:data:`FUNNEL_RATES`)
    with its examined exits, its rate, the 99.8 % limits as drawn at its size (widened for
    overdispersion when it applies: :mod:`iae_eval.indicators.overdispersion`), its position and
    the method. The limits are estimated on every structure; in the public edition a structure
    whose rate or number of examined exits is hidden has no row."""
    from iae_eval.indicators import overdispersion
    from iae_eval.indicators.compute import compute_indicators

    names = _labels(dataset, "structure")
    frame = compute_indicators(dataset, year, by="structure")
    rows = pd.Index([f"structure:{k}" for k in frame.index])
    shown = displayed_year(
        dataset, year, frame.set_axis(rows), min_cell=min_cell, diffusion=diffusion
    ).set_axis(frame.index)
    rows = []
    for key in FUNNEL_RATES:
        _, table = overdispersion.structure_funnel(dataset, year, key)
        for structure_id, row in table.iterrows():
            published = [shown.loc[structure_id, c] for c in (key, "exits_examined")]
            if any(is_missing(v) or isinstance(v, str) for v in published):
                continue
            rows.append(
                {
                    "structure_id": str(structure_id),
                    "structure": names.get(str(structure_id), str(structure_id)),
                    "taux": key,
                    "sorties_examinees": int(row["sorties_examinees"]),
                    **{c: float(row[c]) for c in _FUNNEL_FRACTIONS},
                    "position": row["position"],
                    "methode": row["methode"],
                }
            )
    return pd.DataFrame(rows, columns=list(FUNNEL_COLUMNS)).astype(object)


def _funnel_sheet(wb, funnel: pd.DataFrame) -> None:
    """Add the ``Entonnoir`` sheet: the headers of :data:`FUNNEL_COLUMNS`, numbers as numbers."""
    from openpyxl.styles import Font

    ws = wb.create_sheet(FUNNEL_SHEET)
    ws.append(list(FUNNEL_COLUMNS))
    for record in funnel[list(FUNNEL_COLUMNS)].itertuples(index=False):
        ws.append(list(record))
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for col, name in enumerate(FUNNEL_COLUMNS, start=1):
        if name in _FUNNEL_FRACTIONS:
            for (cell,) in ws.iter_rows(min_row=2, min_col=col, max_col=col):
                cell.number_format = "0.0%"
    ws.freeze_panes = "C2"


def _structure_sheet(wb, title: str, frame: pd.DataFrame, fractions: tuple[str, ...]) -> None:
    """Add a sheet of one row per structure (a report's table of structures, in full): its
    columns as headers (bold, frozen with the code and the name), numbers as numbers, the
    ``fractions`` columns shown as percentages, a mark as its text, a missing value empty."""
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    ws = wb.create_sheet(title)
    ws.append(list(frame.columns))
    for record in frame.itertuples(index=False):
        ws.append([None if is_missing(v) else v if isinstance(v, str) else _number(v) for v in record])
    for col, cell in enumerate(ws[1], start=1):
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        ws.column_dimensions[get_column_letter(col)].width = 30 if col == 2 else 14
        if cell.value in fractions:
            for (value,) in ws.iter_rows(min_row=2, min_col=col, max_col=col):
                if isinstance(value.value, float):
                    value.number_format = "0.0%"
    ws.freeze_panes = "C2"


def _number(value: object) -> int | float:
    number = float(value)
    return int(number) if number.is_integer() and not isinstance(value, float) else number


def _xlsx_value(key: str, value: object) -> object:
    if is_missing(value):
        return None
    if isinstance(value, str):
        return value
    number = float(value)
    if key in RATE_KEYS or key in DECIMAL_KEYS or not number.is_integer():
        return number
    return int(number)


def write_xlsx(
    table: pd.DataFrame,
    path: Path,
    *,
    year: int,
    min_cell: int,
    diffusion: str,
    funnel: pd.DataFrame | None = None,
    synthesis: pd.DataFrame | None = None,
    structure_sheets: tuple[tuple[str, pd.DataFrame, tuple[str, ...]], ...] = (),
) -> Path:
    """Write ``indicators.xlsx`` atomically (the indicators, percent formats on rates, then the
    ``Entonnoir`` sheet when ``funnel`` (:func:`funnel_table`) is given, the year's evaluative
    synthesis when ``synthesis`` is given (:mod:`iae_eval.indicators.synthesis_exports`), a
    sheet per ``structure_sheets`` entry ``(title, frame, fraction columns)`` that has rows (the
    département report's tables of structures that are not indicators of the first sheet, in
    full: :func:`iae_eval.sections.sheets.structure_sheets`), then the notes)."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    wb = Workbook()
    ws = wb.active
    ws.title = f"Indicateurs {year}"
    table = with_lead_columns(table)
    keys = [c for c in table.columns if c not in LEAD_COLUMNS]
    ws.append([*LEAD_COLUMNS, *(catalogue.header(k) for k in keys)])
    for row in table.itertuples(index=False):
        record = dict(zip(table.columns, row, strict=True))
        cells = [record[c] for c in LEAD_COLUMNS]
        cells.extend(_xlsx_value(k, record[k]) for k in keys)
        ws.append(cells)
    bold = Font(bold=True)
    for col, name in enumerate(ws[1], start=1):
        name.font = bold
        name.alignment = Alignment(wrap_text=True, vertical="top")
        ws.column_dimensions[get_column_letter(col)].width = 14 if col > len(LEAD_COLUMNS) else 18
    for col, key in enumerate(keys, start=len(LEAD_COLUMNS) + 1):
        fmt = "0.0%" if key in RATE_KEYS else "#,##0.00" if key in DECIMAL_KEYS else "#,##0"
        for (cell,) in ws.iter_rows(min_row=2, min_col=col, max_col=col):
            if isinstance(cell.value, (int, float)):
                cell.number_format = fmt
    ws.freeze_panes = f"{get_column_letter(len(LEAD_COLUMNS) + 1)}2"
    if funnel is not None:
        _funnel_sheet(wb, funnel)
    if synthesis is not None:
        from iae_eval.indicators.synthesis_exports import SHEET_TITLE, add_sheet

        add_sheet(wb, synthesis, title=f"{SHEET_TITLE} {year}")
    for title, frame, fractions in structure_sheets:
        if not frame.empty:
            _structure_sheet(wb, title, frame, fractions)
    notes = wb.create_sheet("Lisez-moi")
    for line in readme_lines(year, min_cell=min_cell, diffusion=diffusion):
        notes.append([line])
    notes.column_dimensions["A"].width = 110
    for sheet in wb.worksheets:
        store_as_text(sheet)
    with atomic.atomic_path(path) as tmp:
        wb.save(tmp)
    return path
