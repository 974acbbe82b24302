"""Build the kit's tables (docs/data.md) from the fluxIAE views of one département.

The steps, each a function below:

1. annexes: the kind (``af_mesure_dispositif_code`` without ``_DC``/``_MP``), the
   département (``af_numero_annexe_financiere``: kind + 3-character département + 2-digit
   year + order), kept when of the département, of an insertion kind and in a kept state;
2. structures: those holding at least one kept annex; their kinds are those annexes';
3. contracts of those structures under those kinds, with the employee's sex, birth year
   and salted-hash person id (the NIR never leaves this module);
4. chains: an initial contract (``contrat_type_contrat`` = 0) and its renewals, same
   person, structure and kind, form one pathway: entry = first hire, exit = the definitive
   exit of the last contract (open when it has none), exit reason its code, RSA / long-term
   job seeker / RQTH from the first contract;
5. hours from the monthly states, per pathway and per pathway and year;
6. funding rows from the kept annexes' amounts; the exit nomenclature as delivered.

Rows that cannot become valid kit rows are dropped and counted by reason; values that are
wrong are problems ``FILE:line N: column: value: problem`` (personal values hidden).
"""

from __future__ import annotations

import hashlib
import hmac
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from iae_eval.data.fluxiae.read import ViewFrame
from iae_eval.data.fluxiae.views import ANNEX_FUNDERS, HIDDEN, SENSITIVE_COLUMNS
from iae_eval.data.reference import KINDS
from iae_eval.data.schemas import MAX_AGE, MIN_AGE
from iae_eval.data.siret import luhn_valid
from iae_eval.errors import Problem

ANNEX_NUMBER = re.compile(r"^(?P<kind>[A-Z]+?)(?P<dep>\d{2}[0-9AB])(?P<year>\d{2})(?P<order>\d+)$")
MEASURE_SUFFIXES = ("_DC", "_MP")
#: Measures of the export that are not insertion kinds of the kit (their rows are dropped).
OTHER_MEASURES = ("FDI", "ACIPA", "EIPA")
KEPT_ANNEX_STATES = ("VALIDE", "PROVISOIRE", "CLOTURE")
#: Monthly states whose hours count.
KEPT_MONTHLY_STATES = ("VALIDE", "SAISI")
INITIAL_CONTRACT = "0"
RSA_VALUES = {"NON": False, "OUI-M": True, "OUI-NM": True}
SEX_VALUES = {"MME": "F", "M.": "M"}
BOOL_VALUES = {"true": True, "false": False, "oui": True, "non": False}
#: Labels of ``fluxIAE_RefDureePoleEmploi`` meaning a long-term job seeker.
LONG_TERM_LABELS = ("DE 12 A 23 MOIS", "24 MOIS ET PLUS")
#: Labels of ``fluxIAE_RefCategorieSort`` → the kit's exit categories.
CATEGORY_LABELS = {
    "Emploi durable": "emploi_durable",
    "Emploi de transition": "emploi_transition",
    "Sorties positives": "sortie_positive",
    "Autres sorties": "autre_sortie",
    "Retrait des sorties constatées": "retrait",
}
UNKNOWN_TERRITORY = "Non renseigné"
UNKNOWN_COMMUNE = "Non renseignée"
#: Nature of the funding rows taken from the annexes: the State's amount is the aid per
#: post, the co-funders' amounts operating grants.
FUNDING_NATURE = {"etat": "aide_au_poste"}
DEFAULT_FUNDING_NATURE = "fonctionnement"
FUNDER_ORDER = ("europe_fse", "etat", "region", "departement", "communes", "autre")


def normalise_departement(code: str) -> str:
    """``5``, ``05`` or ``005`` → ``005``; ``2A`` → ``02A``; ``974`` → ``974``.

    Raises ``ValueError`` for anything else.
    """
    text = code.strip().upper()
    if re.fullmatch(r"\d{1,3}", text):
        return text.zfill(3)
    if re.fullmatch(r"0?2[AB]", text):
        return text.zfill(3)
    raise ValueError(f"{code!r} n'est pas un code de département (par exemple 05, 2A, 974)")


def _plain(text: str) -> str:
    """Lower case without accents, single spaces."""
    decomposed = unicodedata.normalize("NFKD", text)
    return " ".join("".join(c for c in decomposed if not unicodedata.combining(c)).lower().split())


@dataclass
class Collector:
    """Problems and dropped rows met while building."""

    problems: list[Problem] = field(default_factory=list)
    dropped: Counter = field(default_factory=Counter)

    def where(self, view: ViewFrame, mask, column: str, message) -> None:
        """A problem for each row of ``view`` where ``mask`` (``message``: text or value → text)."""
        mask = np.asarray(mask, dtype=bool)
        if not mask.any():
            return
        values = view.frame[column].to_numpy()[mask] if column in view.frame else [""] * int(mask.sum())
        for line, value in zip(view.frame.index[mask], values):
            shown = HIDDEN if column in SENSITIVE_COLUMNS else str(value)
            text = message(value) if callable(message) else message
            self.problems.append(Problem(view.label, int(line), column, shown, text))


def _dates(c: Collector, view: ViewFrame, column: str, rows, *, required: bool) -> pd.Series:
    """``DD/MM/YYYY`` cells of ``rows`` as datetime64 (NaT when empty); problems for bad ones."""
    values = view.frame.loc[rows, column] if rows is not None else view.frame[column]
    dates = pd.to_datetime(values, format="%d/%m/%Y", errors="coerce")
    empty = values == ""
    where = pd.Series(False, index=view.frame.index)
    where.loc[values.index[(dates.isna() & ~empty).to_numpy()]] = True
    c.where(view, where, column, "pas une date (JJ/MM/AAAA attendu)")
    if required:
        missing = pd.Series(False, index=view.frame.index)
        missing.loc[values.index[empty.to_numpy()]] = True
        c.where(view, missing, column, "valeur obligatoire manquante")
    return dates


def _numbers(c: Collector, view: ViewFrame, column: str, rows) -> pd.Series:
    """Decimal cells (``.`` as the mark) of ``rows`` as float64, empty = 0; problems for bad ones."""
    values = view.frame.loc[rows, column] if rows is not None else view.frame[column]
    numbers = pd.to_numeric(values.where(values != "", "0"), errors="coerce")
    bad = pd.Series(False, index=view.frame.index)
    bad.loc[values.index[numbers.isna().to_numpy()]] = True
    c.where(view, bad, column, "pas un nombre (des chiffres, avec . comme séparateur décimal)")
    return numbers.fillna(0.0).astype("float64")


def _mask(view: ViewFrame, index) -> np.ndarray:
    """A boolean mask over ``view``'s rows that is true on ``index``."""
    return view.frame.index.isin(index)


def measure_kinds(codes: pd.Series) -> pd.Series:
    """``ACI_DC`` → ``ACI``: the measure code without its ``_DC`` / ``_MP`` suffix."""
    kinds = codes.str.upper()
    for suffix in MEASURE_SUFFIXES:
        kinds = kinds.str.removesuffix(suffix)
    return kinds


def _unknown_kind(value: str) -> str:
    return (
        f"mesure inconnue ({', '.join(KINDS)} suivi de _DC ou _MP attendu ; "
        f"{', '.join(OTHER_MEASURES)} ne sont pas des types d'insertion et sont écartés)"
    )


@dataclass(frozen=True)
class Annexes:
    """The kept annexes: structure id, kind, year and amounts by funder."""

    rows: pd.DataFrame  # structure_id, kind, year, and one column per funder key


def build_annexes(c: Collector, view: ViewFrame, departement: str) -> Annexes:
    """Step 1: the annexes of ``departement`` of an insertion kind in a kept state."""
    af = view.frame
    parts = af["af_numero_annexe_financiere"].str.upper().str.extract(ANNEX_NUMBER)
    c.where(
        view,
        parts["dep"].isna(),
        "af_numero_annexe_financiere",
        "pas un numéro d'annexe (type + département sur 3 caractères + année sur 2 chiffres + ordre, par exemple ACI005120003)",
    )
    ours = (parts["dep"] == departement).to_numpy()
    kinds = measure_kinds(af["af_mesure_dispositif_code"])
    insertion = kinds.isin(KINDS).to_numpy()
    other = kinds.isin(OTHER_MEASURES).to_numpy()
    c.where(view, ours & ~insertion & ~other, "af_mesure_dispositif_code", _unknown_kind)
    state = af["af_etat_annexe_financiere_code"].str.upper().isin(KEPT_ANNEX_STATES).to_numpy()
    c.dropped["annexes du département d'une autre mesure (FDI, ACIPA, EIPA)"] += int((ours & other).sum())
    c.dropped["annexes du département dans un autre état que " + ", ".join(KEPT_ANNEX_STATES)] += int(
        (ours & insertion & ~state).sum()
    )
    kept = ours & insertion & state
    index = af.index[kept]
    start = _dates(c, view, "af_date_debut_effet", index, required=True)
    rows = pd.DataFrame(
        {
            "structure_id": af.loc[index, "af_id_structure"].to_numpy(),
            "kind": kinds[kept].to_numpy(),
            "year": start.dt.year.to_numpy(),
        },
        index=index,
    )
    for column in ANNEX_FUNDERS:
        rows[column] = _numbers(c, view, column, index).to_numpy()
    return Annexes(rows)


def no_annex_problem(view: ViewFrame, departement: str) -> Problem:
    """The problem when no annex of the file belongs to ``departement``: which départements it holds."""
    found = view.frame["af_numero_annexe_financiere"].str.upper().str.extract(ANNEX_NUMBER)["dep"].dropna()
    listed = ", ".join(sorted(set(found))) or "none"
    return Problem(
        view.label,
        None,
        "af_numero_annexe_financiere",
        departement,
        f"aucune annexe financière de ce département, d'un type d'insertion et dans un état retenu (départements du fichier : {listed})",
    )


def build_structures(
    c: Collector, view: ViewFrame, annexes: Annexes, annex_view: ViewFrame, territories: dict[str, str] | None
) -> pd.DataFrame:
    """Step 2: one row per structure holding a kept annex (columns of the kit's ``structures``)."""
    s = view.frame
    ids = s["structure_id_siae"]
    duplicated = ids.duplicated(keep="first").to_numpy()
    c.where(view, duplicated, "structure_id_siae", "identifiant de structure en double")
    known = annexes.rows["structure_id"].isin(ids).to_numpy()
    c.where(
        annex_view,
        _mask(annex_view, annexes.rows.index[~known]),
        "af_id_structure",
        "structure inconnue (absente de fluxIAE_Structure)",
    )
    kinds = annexes.rows.groupby("structure_id")["kind"].agg(lambda k: tuple(x for x in KINDS if x in set(k)))
    held = s[ids.isin(kinds.index).to_numpy() & ~duplicated]
    siret = held["structure_siret_actualise"].where(
        held["structure_siret_actualise"] != "", held["structure_siret_signature"]
    )
    valid = siret.map(luhn_valid)
    c.dropped["SIRET laissés vides (pas 14 chiffres avec une clé de Luhn valide)"] += int(
        (~valid & (siret != "")).sum()
    )
    commune = held["structure_adresse_admin_commune"].where(
        held["structure_adresse_admin_commune"] != "", UNKNOWN_COMMUNE
    )
    insee = held["structure_adresse_admin_code_insee"]
    mapping = territories or {}
    territory = pd.Series(
        [mapping.get(code, UNKNOWN_TERRITORY) for code in insee], index=insee.index, dtype=object
    )
    if territories is not None:
        c.dropped["structures dont la commune n'est pas dans --territories (territoire : Non renseigné)"] += (
            int((territory == UNKNOWN_TERRITORY).sum())
        )
    name = held["structure_denomination"]
    c.where(
        view,
        _mask(view, held.index[(name == "").to_numpy()]),
        "structure_denomination",
        "valeur obligatoire manquante",
    )
    out = pd.DataFrame(
        {
            "structure_id": held["structure_id_siae"].to_numpy(),
            "name": name.to_numpy(),
            "siret": siret.where(valid, "").to_numpy(),
            "kinds": held["structure_id_siae"].map(kinds).to_numpy(),
            "commune": commune.to_numpy(),
            "territory": territory.to_numpy(),
        }
    )
    return out.sort_values("structure_id", key=_natural, kind="stable").reset_index(drop=True)


def _natural(values: pd.Series) -> pd.Series:
    """Sort key: ids by length then text, so that 9 comes before 10."""
    return values.str.zfill(20)


def person_ids(nirs: pd.Series, fallback: pd.Series, salt: bytes) -> pd.Series:
    """A salted hash of each NIR (HMAC-SHA-256, 20 hex characters, ``H`` prefix); rows without
    a NIR are identified by their employee id within the structure (``E`` prefix)."""
    cache: dict[str, str] = {}

    def digest(value: str) -> str:
        if value not in cache:
            cache[value] = hmac.new(salt, value.encode(), hashlib.sha256).hexdigest()[:20]
        return cache[value]

    normalised = nirs.str.replace(" ", "", regex=False).str.upper()
    ids = [
        ("H" + digest("nir:" + n)) if n else ("E" + digest("pph:" + f))
        for n, f in zip(normalised, fallback, strict=True)
    ]
    return pd.Series(ids, index=nirs.index, dtype=object)


def build_people(c: Collector, view: ViewFrame, wanted: pd.Index, salt: bytes) -> tuple[pd.DataFrame, int]:
    """The employees ``wanted`` (by salarie_id): person_id, sex, birth_year; and how many have no NIR."""
    s = view.frame
    duplicated = s["salarie_id"].duplicated(keep="first").to_numpy()
    c.where(
        view,
        duplicated & s["salarie_id"].isin(wanted).to_numpy(),
        "salarie_id",
        "identifiant de salarié en double",
    )
    rows = s[s["salarie_id"].isin(wanted).to_numpy() & ~duplicated]
    sex = rows["salarie_rci_libelle"].str.upper().map(SEX_VALUES)
    c.where(
        view,
        _mask(view, rows.index[sex.isna().to_numpy()]),
        "salarie_rci_libelle",
        "civilité inconnue (MME ou M. attendu)",
    )
    birth = _dates(c, view, "salarie_date_naissance", rows.index, required=True)
    people = pd.DataFrame(
        {
            "person_id": person_ids(rows["salarie_nir"], rows["salarie_id"], salt).to_numpy(),
            "sex": sex.to_numpy(),
            "birth_year": birth.dt.year.to_numpy(),
        },
        index=rows["salarie_id"].to_numpy(),
    )
    return people, int((rows["salarie_nir"].str.strip() == "").sum())


def long_term_codes(c: Collector, view: ViewFrame) -> dict[str, bool]:
    """``rdp_code`` → whether the registration length means a long-term job seeker."""
    labels = view.frame["rdp_lib_duree_pe"].map(_plain).str.upper()
    long_term = {_plain(x).upper() for x in LONG_TERM_LABELS}
    return dict(zip(view.frame["rdp_code"], labels.isin(long_term), strict=True))


def exit_nomenclature(
    c: Collector, reasons: ViewFrame | None, categories: ViewFrame | None
) -> pd.DataFrame | None:
    """The delivered nomenclature (code, label, category), or None when not delivered."""
    if reasons is None and categories is None:
        return None
    if reasons is None or categories is None:
        present, absent = (
            ("RefMotifSort", "RefCategorieSort")
            if reasons is not None
            else ("RefCategorieSort", "RefMotifSort")
        )
        label = (reasons or categories).label
        c.problems.append(
            Problem(
                label, None, "", "", f"fluxIAE_{present} sans fluxIAE_{absent} : livrez les deux ou aucun"
            )
        )
        return None
    cat = categories.frame
    kit_category = cat["rcs_libelle"].map(_plain).map({_plain(k): v for k, v in CATEGORY_LABELS.items()})
    known = ", ".join(CATEGORY_LABELS)
    c.where(
        categories,
        kit_category.isna().to_numpy(),
        "rcs_libelle",
        f"catégorie de sortie inconnue (valeurs possibles : {known})",
    )
    by_id = dict(zip(cat["rcs_id"], kit_category, strict=True))
    r = reasons.frame
    codes = pd.to_numeric(r["rms_code"], errors="coerce")
    whole = codes.notna() & (codes == codes.round())
    c.where(reasons, ~whole.to_numpy(), "rms_code", "code de sortie qui n'est pas un nombre entier")
    category = r["rcs_id"].map(by_id)
    c.where(
        reasons,
        (category.isna() & ~r["rcs_id"].isin(list(by_id))).to_numpy(),
        "rcs_id",
        "identifiant de catégorie inconnu (absent de fluxIAE_RefCategorieSort)",
    )
    ok = whole & category.notna()
    table = pd.DataFrame(
        {
            "code": codes[ok].astype("int64").to_numpy(),
            "label": r.loc[ok, "rms_libelle"].to_numpy(),
            "category": category[ok].to_numpy(),
        }
    )
    duplicated = table["code"].duplicated(keep="first").to_numpy()
    c.where(
        reasons, _mask(reasons, r.index[ok.to_numpy()][duplicated]), "rms_code", "code de sortie en double"
    )
    return table.sort_values("code", kind="stable").reset_index(drop=True)


@dataclass(frozen=True)
class Pathways:
    """The kit's ``participants`` rows, and the hours per pathway and year."""

    participants: pd.DataFrame
    yearly_hours: pd.DataFrame
    people_without_nir: int


def build_pathways(
    c: Collector,
    *,
    contracts: ViewFrame,
    employees: ViewFrame,
    monthly: ViewFrame,
    durations: ViewFrame,
    structures: pd.DataFrame,
    exit_codes: set[int],
    salt: bytes,
) -> Pathways:
    """Steps 3-5: the contracts of the kept structures and kinds, chained into pathways."""
    ctr = contracts.frame
    held = structures.set_index("structure_id")["kinds"]
    ours = ctr["contrat_id_structure"].isin(held.index).to_numpy()
    c.dropped["contrats de structures sans annexe du département"] += int((~ours).sum())
    kinds = measure_kinds(ctr["contrat_mesure_disp_code"])
    insertion = kinds.isin(KINDS).to_numpy()
    other = kinds.isin(OTHER_MEASURES).to_numpy()
    c.where(contracts, ours & ~insertion & ~other, "contrat_mesure_disp_code", _unknown_kind)
    c.dropped["contrats d'une autre mesure (FDI, ACIPA, EIPA)"] += int((ours & other).sum())
    held_pairs = [f"{sid}|{kind}" for sid, kinds_held in held.items() for kind in kinds_held]
    pair_held = (ctr["contrat_id_structure"] + "|" + kinds).isin(held_pairs).to_numpy()
    c.dropped["contrats d'un type dont la structure n'a pas d'annexe dans le département"] += int(
        (ours & insertion & ~pair_held).sum()
    )
    keep = ours & insertion & pair_held
    rows = ctr[keep]
    index = rows.index

    hire = _dates(c, contracts, "contrat_date_embauche", index, required=True)
    exit_ = _dates(c, contracts, "contrat_date_sortie_definitive", index, required=False)
    rsa = rows["contrat_salarie_rsa"].str.upper().map(RSA_VALUES)
    c.where(
        contracts,
        _mask(contracts, index[rsa.isna().to_numpy()]),
        "contrat_salarie_rsa",
        "unknown RSA value (expected NON, OUI-M or OUI-NM)",
    )
    rqth_text = rows["contrat_salarie_rqth"].str.lower()
    rqth = rqth_text.map(BOOL_VALUES)
    c.where(
        contracts,
        _mask(contracts, index[(rqth.isna() & (rqth_text != "")).to_numpy()]),
        "contrat_salarie_rqth",
        "pas un booléen (true ou false attendu)",
    )
    long_term = long_term_codes(c, durations)
    pe = rows["contrat_salarie_pe_duree_code"]
    deld = pe.map(long_term)
    c.where(
        contracts,
        _mask(contracts, index[(deld.isna() & (pe != "")).to_numpy()]),
        "contrat_salarie_pe_duree_code",
        "durée d'inscription inconnue (absente de fluxIAE_RefDureePoleEmploi)",
    )
    reason_text = rows["contrat_motif_sortie_code"]
    reason = pd.to_numeric(reason_text, errors="coerce")
    has_exit = exit_.notna().to_numpy()
    c.where(
        contracts,
        _mask(contracts, index[has_exit & (reason_text == "").to_numpy()]),
        "contrat_motif_sortie_code",
        "sortie définitive sans code de motif de sortie",
    )
    unknown = has_exit & (reason_text != "").to_numpy() & ~reason.isin(list(exit_codes)).to_numpy()
    c.where(
        contracts,
        _mask(contracts, index[unknown]),
        "contrat_motif_sortie_code",
        "code de motif de sortie inconnu (absent de la nomenclature des sorties)",
    )

    people, without_nir = build_people(c, employees, pd.Index(rows["contrat_id_pph"].unique()), salt)
    known = rows["contrat_id_pph"].isin(people.index).to_numpy()
    c.where(
        contracts,
        _mask(contracts, index[~known & (rows["contrat_id_pph"] != "").to_numpy()]),
        "contrat_id_pph",
        "salarié inconnu (absent de fluxIAE_Salarie)",
    )
    c.where(
        contracts,
        _mask(contracts, index[(rows["contrat_id_pph"] == "").to_numpy()]),
        "contrat_id_pph",
        "valeur obligatoire manquante",
    )
    if c.problems:
        empty = pd.DataFrame()
        return Pathways(empty, empty, without_nir)

    person = people.loc[rows["contrat_id_pph"].to_numpy()]
    frame = pd.DataFrame(
        {
            "ctr": rows["contrat_id_ctr"].to_numpy(),
            "person_id": person["person_id"].to_numpy(),
            "structure_id": rows["contrat_id_structure"].to_numpy(),
            "kind": kinds[keep].to_numpy(),
            "initial": (rows["contrat_type_contrat"] == INITIAL_CONTRACT).to_numpy(),
            "hire": hire.to_numpy(),
            "exit": exit_.to_numpy(),
            "reason": reason.to_numpy(),
            "sex": person["sex"].to_numpy(),
            "birth_year": person["birth_year"].to_numpy(),
            "rsa": rsa.to_numpy(dtype=bool),
            "deld": deld.astype("boolean").array,
            "rqth": rqth.astype("boolean").array,
        }
    )
    frame = frame.sort_values(
        ["person_id", "structure_id", "kind", "hire", "initial", "ctr"],
        ascending=[True, True, True, True, False, True],
        kind="stable",
    )
    group = frame[["person_id", "structure_id", "kind"]]
    new_group = (group != group.shift()).any(axis=1).to_numpy()
    frame["chain"] = np.cumsum(new_group | frame["initial"].to_numpy()) - 1
    chains = frame.groupby("chain", sort=True)
    first, last = chains.head(1).set_index("chain"), chains.tail(1).set_index("chain")
    participants = pd.DataFrame(
        {
            "person_id": first["person_id"],
            "structure_id": first["structure_id"],
            "kind": first["kind"],
            "entry_date": first["hire"],
            "exit_date": last["exit"],
            "exit_reason": last["reason"].where(last["exit"].notna()).astype("Int64"),
            "sex": first["sex"],
            "birth_year": first["birth_year"].astype("int64"),
            "rsa": first["rsa"],
            "deld": first["deld"],
            "rqth": first["rqth"],
        }
    )
    hours = _monthly_hours(c, monthly, frame.set_index("ctr")["chain"])
    totals = hours.groupby("chain")["hours"].sum()
    participants["hours_worked"] = totals.reindex(participants.index, fill_value=0.0).round(2)
    participants, keep_chains = _drop_invalid(c, participants)
    yearly = hours[hours["chain"].isin(keep_chains)].groupby(["chain", "year"], as_index=False)["hours"].sum()
    yearly = yearly.join(participants[["person_id", "structure_id", "entry_date"]], on="chain")
    yearly["hours"] = yearly["hours"].round(2)
    order = ["structure_id", "kind", "entry_date", "person_id"]
    participants = participants.sort_values(order, kind="stable")
    yearly = yearly.sort_values(["person_id", "structure_id", "entry_date", "year"], kind="stable")
    return Pathways(
        participants.reset_index(drop=True),
        yearly[["person_id", "structure_id", "entry_date", "year", "hours"]].reset_index(drop=True),
        without_nir,
    )


def _monthly_hours(c: Collector, view: ViewFrame, chain_of_contract: pd.Series) -> pd.DataFrame:
    """Step 5: the hours of the kept contracts' monthly states (chain, year, hours)."""
    emi = view.frame
    ours = emi["emi_ctr_id"].isin(chain_of_contract.index).to_numpy()
    state = emi["emi_esm_etat_code"].str.upper().isin(KEPT_MONTHLY_STATES).to_numpy()
    c.dropped[
        "états mensuels des contrats retenus dans un autre état que " + ", ".join(KEPT_MONTHLY_STATES)
    ] += int((ours & ~state).sum())
    index = emi.index[ours & state]
    year = pd.to_numeric(emi.loc[index, "emi_sme_annee"], errors="coerce")
    bad_year = ~((year >= 1900) & (year <= 2100) & (year == year.round())).to_numpy()
    c.where(view, _mask(view, index[bad_year]), "emi_sme_annee", "pas une année")
    hours = pd.to_numeric(
        emi.loc[index, "emi_nb_heures_travail"].where(lambda v: v != "", "0"), errors="coerce"
    )
    bad_hours = (hours.isna() | (hours < 0)).to_numpy()
    c.where(
        view,
        _mask(view, index[bad_hours]),
        "emi_nb_heures_travail",
        "pas un nombre d'heures (des chiffres ≥ 0, avec . comme séparateur décimal)",
    )
    good = ~bad_year & ~bad_hours
    return pd.DataFrame(
        {
            "chain": chain_of_contract.loc[emi.loc[index[good], "emi_ctr_id"]].to_numpy(),
            "year": year[good].astype("int64").to_numpy(),
            "hours": hours[good].astype("float64").to_numpy(),
        }
    )


def _drop_invalid(c: Collector, p: pd.DataFrame) -> tuple[pd.DataFrame, pd.Index]:
    """Drop (and count) the pathways the kit would refuse (docs/data.md)."""
    age = p["entry_date"].dt.year - p["birth_year"]
    rules = {
        f"parcours dont l'âge à l'entrée est hors de {MIN_AGE}-{MAX_AGE} ans": (age < MIN_AGE)
        | (age > MAX_AGE),
        "parcours dont la sortie définitive précède la première embauche": p["exit_date"] < p["entry_date"],
        "parcours de même personne, structure et première embauche qu'un autre (gardé : le premier type)": p.duplicated(
            ["person_id", "structure_id", "entry_date"], keep="first"
        ),
    }
    drop = pd.Series(False, index=p.index)
    for reason, mask in rules.items():
        mask = mask.fillna(False).astype(bool) & ~drop
        c.dropped[reason] += int(mask.sum())
        drop |= mask
    kept = p[~drop]
    return kept, kept.index


def build_funding(annexes: Annexes, structures: pd.DataFrame) -> pd.DataFrame:
    """Step 6: one funding row per year, structure and funder (sums over the annexes)."""
    rows = annexes.rows[annexes.rows["structure_id"].isin(structures["structure_id"])]
    long = rows.melt(
        id_vars=["structure_id", "year"],
        value_vars=list(ANNEX_FUNDERS),
        var_name="column",
        value_name="amount_eur",
    )
    long["funder"] = long["column"].map(ANNEX_FUNDERS)
    sums = long.groupby(["year", "structure_id", "funder"], as_index=False)["amount_eur"].sum()
    sums = sums[sums["amount_eur"] > 0].copy()
    sums["nature"] = sums["funder"].map(FUNDING_NATURE).fillna(DEFAULT_FUNDING_NATURE)
    sums["order"] = sums["funder"].map({f: i for i, f in enumerate(FUNDER_ORDER)})
    sums = sums.sort_values(["year", "structure_id", "order"], kind="stable")
    sums["year"] = sums["year"].astype("int64")
    return sums[["year", "structure_id", "funder", "nature", "amount_eur"]].reset_index(drop=True)
