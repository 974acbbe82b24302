"""The rules a dataset must follow (docs/data.md): pandera schemas per table, then the
cross-table rules. Frames come typed from :mod:`iae_eval.data.load`, indexed by line number,
so every failure is reported where a spreadsheet user will find it.
"""

from __future__ import annotations

import pandas as pd
import pandera.pandas as pa

from iae_eval.data import reference as ref
from iae_eval.data.keys import found_in
from iae_eval.data.rules import DEFAULT_RULES, get_profile
from iae_eval.data.siret import luhn_valid
from iae_eval.errors import Problem

MIN_AGE, MAX_AGE = 16, 80
SEMESTER_PATTERN = r"^\d{4}S[12]$"


def known_values(values, limit: int = 20) -> str:
    """``a, b, c`` — at most ``limit`` values, then how many in all."""
    values = [str(v) for v in values]
    shown = ", ".join(values[:limit])
    return shown + (f", … ({len(values)} en tout)" if len(values) > limit else "")


def _one_of(values, what: str) -> pa.Check:
    return pa.Check.isin(
        list(values), error=f"valeur inconnue ({what} ; valeurs possibles : {known_values(values)})"
    )


_NON_NEGATIVE = pa.Check.ge(0, error="valeur négative")
_YEAR = pa.Check.in_range(1900, 2100, error="année impossible")


def _schema(columns: dict[str, list[pa.Check]]) -> pa.DataFrameSchema:
    return pa.DataFrameSchema(
        {name: pa.Column(checks=checks, nullable=True, required=False) for name, checks in columns.items()},
        strict=False,
    )


SCHEMAS: dict[str, pa.DataFrameSchema] = {
    "structures": _schema({}),
    "departement": _schema({}),
    "participants": _schema(
        {
            "kind": [_one_of(ref.KINDS, "type de structure")],
            "sex": [_one_of(("F", "M"), "sexe")],
            "hours_worked": [_NON_NEGATIVE],
            "education_level": [_one_of(ref.EDUCATION_LEVELS, "niveau de formation")],
        }
    ),
    "contracts": _schema(
        {
            "year": [_YEAR],
            "amount_eur": [_NON_NEGATIVE],
            "clause_type": [_one_of(tuple(ref.CLAUSE_TYPES), "type de clause")],
            "hours_planned": [_NON_NEGATIVE],
            "hours_done": [_NON_NEGATIVE],
        }
    ),
    "operations": _schema({"year": [_YEAR], "amount_eur": [_NON_NEGATIVE]}),
    "funding": _schema(
        {
            "year": [_YEAR],
            "funder": [_one_of(tuple(ref.FUNDERS), "financeur")],
            "nature": [_one_of(tuple(ref.FUNDING_NATURES), "nature de financement")],
            "amount_eur": [_NON_NEGATIVE],
        }
    ),
    "sd_assessment": _schema(
        {
            "year": [_YEAR],
            "criterion": [_one_of(tuple(ref.SD_CRITERIA), "critère")],
            "score": [pa.Check.isin([0, 1, 2, 3], error="score hors de 0-3")],
        }
    ),
    "action_plan": _schema(
        {
            "action_id": [_one_of(tuple(ref.ACTIONS), "action du plan")],
            "semester": [
                pa.Check.str_matches(SEMESTER_PATTERN, error="pas un semestre (écrire 2011S1 ou 2011S2)")
            ],
            "status": [_one_of(tuple(ref.ACTION_STATUSES), "état d'avancement")],
        }
    ),
    "yearly_hours": _schema({"year": [_YEAR], "hours": [_NON_NEGATIVE]}),
    "exit_followup": _schema(
        {
            "months_after": [_one_of(ref.FOLLOWUP_MONTHS, "nombre de mois après la sortie")],
            "situation": [_one_of(ref.FOLLOWUP_SITUATIONS, "situation")],
        }
    ),
    "exit_reasons": _schema({"category": [_one_of(ref.EXIT_CATEGORIES, "catégorie de sortie")]}),
    "context": _schema(
        {
            "year": [_YEAR],
            "key": [_one_of(tuple(ref.CONTEXT_KEYS), "clé de contexte")],
            "value": [_NON_NEGATIVE],
        }
    ),
    "followup_reference": _schema(
        {
            "kind": [_one_of(ref.KINDS, "type de structure")],
            "months_after": [_one_of(ref.FOLLOWUP_MONTHS, "nombre de mois après la sortie")],
            "employed_rate": [pa.Check.in_range(0, 1, error="pas une fraction entre 0 et 1")],
        }
    ),
    "evaluation": _schema({}),
}


def _text(value: object) -> str:
    if isinstance(value, tuple):
        return "|".join(value)
    if isinstance(value, pd.Timestamp):
        return value.strftime("%Y-%m-%d")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return "" if pd.isna(value) else str(value)


def _rows(label: str, frame: pd.DataFrame, mask: pd.Series, column: str, message) -> list[Problem]:
    """A problem for each row of ``frame`` where ``mask``; ``message`` is text or row → text."""
    rows = frame[mask.fillna(False).astype(bool)]
    return [
        Problem(label, int(line), column, _text(row[column]), message(row) if callable(message) else message)
        for line, row in rows.iterrows()
    ]


def _schema_problems(name: str, label: str, frame: pd.DataFrame) -> list[Problem]:
    try:
        SCHEMAS[name].validate(frame, lazy=True)
    except pa.errors.SchemaErrors as exc:
        cases = exc.failure_cases
        return [
            Problem(label, int(line), str(column), _text(value), str(check))
            for line, column, value, check in zip(
                cases["index"], cases["column"], cases["failure_case"], cases["check"]
            )
            if pd.notna(line)
        ]
    return []


def _duplicates(name: str, label: str, frame: pd.DataFrame) -> list[Problem]:
    from iae_eval.data.dataset import TABLES

    problems = []
    for keys in TABLES[name].unique:
        keyed = frame[list(keys)]
        duplicated = keyed.duplicated(keep="first") & keyed.notna().any(axis=1)
        if not duplicated.any():
            continue
        first_line = keyed.reset_index().drop_duplicates(list(keys)).set_index(list(keys))["index"]
        what = ", ".join(keys)
        for line, row in keyed[duplicated].iterrows():
            original = first_line.loc[tuple(row) if len(keys) > 1 else row.iloc[0]]
            problems.append(
                Problem(
                    label,
                    int(line),
                    keys[-1] if len(keys) > 1 else keys[0],
                    _text(row.iloc[-1]),
                    f"doublon ({what}) de la ligne {int(original)}",
                )
            )
    return problems


def _list_items(label: str, frame: pd.DataFrame, column: str, allowed, what: str) -> list[Problem]:
    listed = known_values(allowed)
    allowed = set(allowed)
    bad = frame[column].map(lambda items: [i for i in items if i not in allowed])
    return [
        Problem(label, int(line), column, item, f"valeur inconnue ({what} ; valeurs possibles : {listed})")
        for line, items in bad[bad.map(len) > 0].items()
        for item in items
    ]


def _check_structures(label: str, s: pd.DataFrame) -> list[Problem]:
    problems = _list_items(label, s, "kinds", ref.KINDS, "type de structure")
    problems += _list_items(label, s, "activity_supports", ref.ACTIVITY_SUPPORTS, "support d'activité")
    siret = s["siret"]
    invalid = siret.notna() & ~siret.fillna("").map(luhn_valid)
    problems += _rows(label, s, invalid, "siret", "SIRET invalide (14 chiffres, dont une clé de Luhn valide)")
    return problems


def _check_participants(label: str, p: pd.DataFrame, s: pd.DataFrame, codes: set[int]) -> list[Problem]:
    problems = []
    known = p["structure_id"].isin(s["structure_id"])
    problems += _rows(label, p, p["structure_id"].notna() & ~known, "structure_id", _unknown_structure(s))
    held = s[["structure_id", "kinds"]].explode("kinds").dropna()
    pairs = pd.MultiIndex.from_frame(held)
    has_kind = pd.MultiIndex.from_frame(p[["structure_id", "kind"]].astype(object)).isin(pairs)
    holds = s.set_index("structure_id")["kinds"].map("|".join)
    problems += _rows(
        label,
        p,
        known & p["kind"].isin(ref.KINDS) & ~has_kind,
        "kind",
        lambda r: (
            f"type que la structure {r['structure_id']} ne porte pas (elle porte : "
            f"{holds.get(r['structure_id']) or 'aucun type'})"
        ),
    )
    entry, exit_ = p["entry_date"], p["exit_date"]
    problems += _rows(
        label, p, exit_ < entry, "exit_date", lambda r: f"sortie avant l'entrée ({_text(r['entry_date'])})"
    )
    problems += _rows(
        label,
        p,
        exit_.notna() & p["exit_reason"].isna(),
        "exit_reason",
        "sortie sans exit_reason (motif de sortie)",
    )
    problems += _rows(
        label,
        p,
        exit_.isna() & p["exit_reason"].notna(),
        "exit_reason",
        "exit_reason sans exit_date (date de sortie)",
    )
    problems += _rows(
        label,
        p,
        p["exit_reason"].notna() & ~p["exit_reason"].isin(codes),
        "exit_reason",
        f"motif de sortie inconnu (codes connus : {known_values(sorted(codes))})",
    )
    age = entry.dt.year - p["birth_year"]
    problems += _rows(
        label,
        p,
        (age < MIN_AGE) | (age > MAX_AGE),
        "birth_year",
        lambda r: (
            f"âge à l'entrée {int(r['entry_date'].year - r['birth_year'])} hors de {MIN_AGE}-{MAX_AGE} ans"
        ),
    )
    hours_kinds = get_profile(DEFAULT_RULES).pathway_hours_kinds
    needs_hours = p["kind"].isin(hours_kinds) & exit_.notna() & p["hours_worked"].isna()
    problems += _rows(
        label,
        p,
        needs_hours,
        "hours_worked",
        lambda r: f"hours_worked obligatoire pour un parcours {r['kind']} terminé par une sortie",
    )
    return problems


def _unknown_structure(s: pd.DataFrame) -> str:
    """The problem of an unknown structure id, naming the known ones."""
    return f"structure inconnue (identifiants de structures : {known_values(s['structure_id'].dropna())})"


def _check_references(label: str, frame: pd.DataFrame, s: pd.DataFrame) -> list[Problem]:
    ids = frame["structure_id"]
    return _rows(
        label,
        frame,
        ids.notna() & ~ids.isin(s["structure_id"]),
        "structure_id",
        _unknown_structure(s),
    )


def _check_contracts(label: str, c: pd.DataFrame) -> list[Problem]:
    clause, kind = c["social_clause"], c["clause_type"]
    return _rows(
        label, c, clause & kind.isna(), "clause_type", "clause sociale sans clause_type (type de clause)"
    ) + _rows(
        label,
        c,
        ~clause & kind.notna(),
        "clause_type",
        "clause_type renseigné alors que social_clause est faux",
    )


def _check_departement(label: str, d: pd.DataFrame) -> list[Problem]:
    extra = pd.Series(range(len(d)), index=d.index) >= 1
    return _rows(
        label, d, extra, "code", "une seule ligne possible (le département que couvrent les données)"
    )


def _check_yearly_hours(label: str, h: pd.DataFrame, p: pd.DataFrame) -> list[Problem]:
    keys = ["person_id", "structure_id", "entry_date"]
    known = found_in(h, p, keys)
    complete = h[keys].notna().all(axis=1)
    return _rows(
        label,
        h,
        complete & ~known,
        "entry_date",
        "aucun parcours de participants n'a ces person_id, structure_id et entry_date",
    )


def _check_exit_followup(label: str, f: pd.DataFrame, p: pd.DataFrame) -> list[Problem]:
    """Every follow-up row names a known person and a pathway of that person in that structure
    ending on that date."""
    known_person = f["person_id"].isin(p["person_id"])
    problems = _rows(
        label,
        f,
        f["person_id"].notna() & ~known_person,
        "person_id",
        "personne inconnue (absente de participants)",
    )
    keys = ["person_id", "structure_id", "exit_date"]
    ended = found_in(f, p, keys)
    complete = f[keys].notna().all(axis=1)
    problems += _rows(
        label,
        f,
        complete & known_person & f["structure_id"].isin(p["structure_id"]) & ~ended,
        "exit_date",
        lambda r: (
            f"aucun parcours de {r['person_id']} dans {r['structure_id']} ne se termine à cette date (participants)"
        ),
    )
    return problems


def check_tables(tables: dict[str, pd.DataFrame], labels: dict[str, str]) -> list[Problem]:
    """Every schema and cross-table problem of the typed tables (index = line numbers)."""
    problems: list[Problem] = []
    for name, frame in tables.items():
        problems += _schema_problems(name, labels[name], frame)
        problems += _duplicates(name, labels[name], frame)
    s = tables["structures"]
    problems += _check_structures(labels["structures"], s)
    reasons = tables.get("exit_reasons")
    codes = (
        set(reasons["code"].dropna().astype(int))
        if reasons is not None
        else set(ref.builtin_exit_reasons()["code"])
    )
    problems += _check_participants(labels["participants"], tables["participants"], s, codes)
    for name in ("contracts", "operations", "funding", "sd_assessment", "yearly_hours", "exit_followup"):
        if name in tables:
            problems += _check_references(labels[name], tables[name], s)
    if "yearly_hours" in tables:
        problems += _check_yearly_hours(
            labels["yearly_hours"], tables["yearly_hours"], tables["participants"]
        )
    if "exit_followup" in tables:
        problems += _check_exit_followup(
            labels["exit_followup"], tables["exit_followup"], tables["participants"]
        )
    if "contracts" in tables:
        problems += _check_contracts(labels["contracts"], tables["contracts"])
    if "departement" in tables:
        problems += _check_departement(labels["departement"], tables["departement"])
    if "evaluation" in tables:
        from iae_eval.indicators.framework import check_evaluation

        problems += check_evaluation(labels["evaluation"], tables["evaluation"])
    return problems
