"""The bundled sample written as a fluxIAE folder (``iae-eval sample --format fluxiae``).

The synthetic Hautes-Alpes dataset (:mod:`iae_eval.data.sample`, same ``seed`` and
``scale``) becomes the ASP's views, so that ``import-fluxiae --departement 05`` gives
back its structures, pathways and funding (checked by the tests):

- each structure S01… is the ASP structure ``1001``…, with one annex per kind and year
  (numbered ``<kind>005<yy><order>``) carrying the year's funding; a ``FDI_DC`` annex and
  a rejected annex are left out by the import;
- two structures of the Alpes-de-Haute-Provence (04), with a few pathways, one of them of
  a person who also has a pathway in the Hautes-Alpes: the import for 05 leaves them out;
- one pathway in three that lasts more than 240 days is an initial contract and a
  renewal; the monthly states spread each pathway's hours over its months (100 hours a
  month when the sample gives none) and one cancelled monthly state is left out;
- file quirks: a byte-order mark and a broken line in the Structure view, a gzip file, a
  ZIP archive named ``.csv.gz``, a file without its ``FIN`` trailer;
- a ``territories.csv`` (sample communes → territories) for ``--territories``.

Everything is fictitious (names, NIRs, e-mails, phone numbers); the INSEE codes of the
territories file are the sample's own and are not meant for real data.
"""

from __future__ import annotations

import gzip
import io
import os
import shutil
import tempfile
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd

from iae_eval.atomic import TEMP_PREFIX
from iae_eval.data.load import load_dataset
from iae_eval.data.reference import builtin_exit_reasons
from iae_eval.data.sample import generate_sample

STAMP = "31122013_235959"
SEPARATOR = "|"
#: The sample's communes → the INSEE-like codes used in the fluxIAE sample.
COMMUNE_CODES: dict[str, str] = {
    "Embrun": "05046",
    "Saint-Bonnet-en-Champsaur": "05132",
    "Gap": "05061",
    "Briançon": "05023",
    "Veynes": "05179",
    "Laragne-Montéglin": "05070",
    "L'Argentière-la-Bessée": "05006",
    "Savines-le-Lac": "05164",
    "Serres": "05166",
    "Saint-Firmin": "05146",
    "Tallard": "05170",
}
OTHER_DEPARTEMENT = "004"
OTHER_STRUCTURES = (
    ("2001", "ACI", "Chantier de la Bléone", "Digne-les-Bains", "04070"),
    ("2002", "EI", "Entreprise Durance Luberon", "Manosque", "04112"),
)
RENEWAL_AFTER_DAYS = 120
SPLIT_MIN_DAYS = 240
DEFAULT_MONTHLY_HOURS = 100.0
LAST_MONTH = np.datetime64("2013-12", "M")
#: Registration lengths (RefDureePoleEmploi): code → label; 3 and 4 are long-term.
DURATIONS = (
    ("1", "MOINS DE 6 MOIS"),
    ("2", "DE 6 À 11 MOIS"),
    ("3", "DE 12 À 23 MOIS"),
    ("4", "24 MOIS ET PLUS"),
)
CATEGORIES = (
    ("1", "emploi_durable", "Emploi durable"),
    ("2", "emploi_transition", "Emploi de transition"),
    ("3", "sortie_positive", "Sorties positives"),
    ("4", "autre_sortie", "Autres sorties"),
    ("5", "retrait", "Retrait des sorties constatées"),
)
EXTRA_REASONS = ((96, "CDI Inclusion", "emploi_durable"),)
FUNDER_COLUMNS = {
    "etat": "af_etat",
    "europe_fse": "af_fse",
    "region": "af_region",
    "departement": "af_departement",
    "communes": "af_commune",
    "autre": "af_autre_aide_publique",
}
AMOUNT_COLUMNS = (
    "af_etat",
    "af_fse",
    "af_region",
    "af_departement",
    "af_mt_cofinance",
    "af_commune",
    "af_intercomm",
    "af_plie",
    "af_agefiph",
    "af_autre_aide_publique",
    "af_fondation",
)


def _date(value) -> str:
    return "" if pd.isna(value) else pd.Timestamp(value).strftime("%d/%m/%Y")


def _nir(number: int, sex: str, birth_year: int) -> str:
    """A fictitious 15-digit NIR (sex, year, month, département 05, order, key)."""
    body = f"{1 if sex == 'M' else 2}{birth_year % 100:02d}{number % 12 + 1:02d}05{number:06d}"
    return body + f"{97 - int(body) % 97:02d}"


def _view_text(view: str, columns: list[str], rows: list[list[str]], *, trailer: bool = True) -> str:
    lines = [f"DEB{view}{STAMP}" + SEPARATOR * (len(columns) - 1), SEPARATOR.join(columns)]
    lines += [SEPARATOR.join(str(v) for v in row) for row in rows]
    if trailer:
        lines.append(f"FIN{len(rows)}")
    return "\n".join(lines) + "\n"


def _structure_rows(ds) -> list[list[str]]:
    rows = []
    for position, s in enumerate(ds.structures.itertuples(index=False)):
        sid = str(1001 + position)
        signature = s.siret
        complement = "Bâtiment B\n" if position == 2 else ""  # a raw newline: a broken line
        rows.append(
            [
                sid,
                signature,
                signature,
                s.name,
                "8899B",
                "9220",
                "05000",
                s.commune,
                COMMUNE_CODES.get(s.commune, ""),
                complement,
                f"Correspondant{position} Fictif",
                f"contact{position}@exemple.invalid",
                f"04 92 00 00 {position:02d}",
            ]
        )
    for sid, _kind, name, commune, code in OTHER_STRUCTURES:
        rows.append(
            [
                sid,
                "",
                "",
                name,
                "8899B",
                "9220",
                "04000",
                commune,
                code,
                "",
                "Autre Correspondant",
                "autre@exemple.invalid",
                "04 92 99 99 99",
            ]
        )
    return rows


def _annex_rows(ds, ids: dict[str, str]) -> list[list[str]]:
    funding = ds.funding.groupby(["structure_id", "year", "funder"])["amount_eur"].sum()
    rows = []
    number = 0
    for s in ds.structures.itertuples(index=False):
        for order, kind in enumerate(s.kinds):
            for year in range(2008, 2014):
                number += 1
                amounts = dict.fromkeys(AMOUNT_COLUMNS, 0.0)
                if order == 0:
                    for funder, column in FUNDER_COLUMNS.items():
                        amounts[column] = float(funding.get((s.structure_id, year, funder), 0.0))
                state = "PROVISOIRE" if year == 2013 else "CLOTURE"
                rows.append(
                    _annex(
                        number,
                        ids[s.structure_id],
                        f"{kind}_DC",
                        f"{kind}005{year % 100:02d}{order + 1:04d}",
                        state,
                        year,
                        amounts,
                    )
                )
    first = ids[ds.structures["structure_id"].iloc[0]]
    rows.append(
        _annex(
            number + 1, first, "FDI_DC", "FDI005120001", "VALIDE", 2012, dict.fromkeys(AMOUNT_COLUMNS, 5000.0)
        )
    )
    rows.append(
        _annex(
            number + 2, first, "ACI_DC", "ACI005139999", "REJETE", 2013, dict.fromkeys(AMOUNT_COLUMNS, 7000.0)
        )
    )
    for position, (sid, kind, *_rest) in enumerate(OTHER_STRUCTURES):
        rows.append(
            _annex(
                number + 3 + position,
                sid,
                f"{kind}_MP",
                f"{kind}{OTHER_DEPARTEMENT}120001",
                "VALIDE",
                2012,
                dict.fromkeys(AMOUNT_COLUMNS, 10000.0),
            )
        )
    return rows


def _annex(
    number: int, sid: str, measure: str, numero: str, state: str, year: int, amounts: dict
) -> list[str]:
    total = sum(v for k, v in amounts.items() if k != "af_mt_cofinance")
    return [
        str(number),
        sid,
        measure,
        numero,
        state,
        f"01/01/{year}",
        f"31/12/{year}",
        "4.5",
        _money(total),
        *(_money(amounts[c]) for c in AMOUNT_COLUMNS),
        "60",
        "25",
    ]


def _money(value: float) -> str:
    return f"{value:.2f}"


def _pathway_rows(ds, ids: dict[str, str]):
    """Salarie, ContratMission and EtatMensuelIndiv rows of the sample's pathways (and of the 04 ones)."""
    p = ds.participants.copy()
    people, contracts, monthly = [], [], []
    employees: dict[tuple[str, str], str] = {}
    person_numbers = {pid: n for n, pid in enumerate(sorted(p["person_id"].unique()), start=1)}

    def employee(person_id: str, structure: str, sex: str, birth_year: int) -> str:
        key = (person_id, structure)
        if key not in employees:
            pph = str(500000 + len(employees) + 1)
            employees[key] = pph
            n = person_numbers.get(person_id, 0)
            people.append(
                [
                    pph,
                    _nir(n, sex, birth_year),
                    "MME" if sex == "F" else "M.",
                    f"{n % 28 + 1:02d}/{n % 12 + 1:02d}/{birth_year}",
                    "05",
                    "Nomfictif" + str(n),
                    "Prénom",
                    f"personne{n}@exemple.invalid",
                    f"06 00 00 {n % 100:02d} {n % 97:02d}",
                ]
            )
        return employees[key]

    ctr_number = 700000
    rsa_labels = ("OUI-M", "OUI-NM")
    for i, row in enumerate(p.itertuples(index=False)):
        pph = employee(row.person_id, ids[row.structure_id], row.sex, int(row.birth_year))
        entry = np.datetime64(row.entry_date, "D")
        exit_ = None if pd.isna(row.exit_date) else np.datetime64(row.exit_date, "D")
        end = exit_ if exit_ is not None else np.datetime64("2013-12-31", "D")
        split = i % 3 == 0 and (end - entry).astype(int) > SPLIT_MIN_DAYS
        hires = [entry, entry + RENEWAL_AFTER_DAYS + 1] if split else [entry]
        rsa = rsa_labels[i % 2] if row.rsa else "NON"
        deld = "" if pd.isna(row.deld) else ("3" if i % 2 else "4") if row.deld else ("1" if i % 2 else "2")
        rqth = "" if pd.isna(row.rqth) else ("true" if row.rqth else "false")
        ids_here = []
        for k, hire in enumerate(hires):
            ctr_number += 1
            ids_here.append((str(ctr_number), hire))
            last = k == len(hires) - 1
            planned = end if last else hire + RENEWAL_AFTER_DAYS
            contracts.append(
                [
                    str(ctr_number),
                    pph,
                    ids[row.structure_id],
                    f"{row.kind}_DC",
                    "0" if k == 0 else "1",
                    _date(hire),
                    _date(planned),
                    _date(exit_) if last and exit_ is not None else "",
                    "" if not last or exit_ is None else str(int(row.exit_reason)),
                    "" if not last or exit_ is None else str(int(row.exit_reason)),
                    rsa,
                    deld,
                    deld,
                    rqth,
                    "false",
                    "false",
                ]
            )
        months = np.arange(entry.astype("datetime64[M]"), min(end.astype("datetime64[M]"), LAST_MONTH) + 1)
        total = DEFAULT_MONTHLY_HOURS * len(months) if pd.isna(row.hours_worked) else float(row.hours_worked)
        cents = int(round(total * 100))
        share = np.full(len(months), cents // max(len(months), 1))
        share[len(share) - cents % max(len(months), 1) :] += 1
        for month, value in zip(months, share, strict=True):
            ctr = (
                ids_here[-1][0]
                if len(ids_here) > 1 and month >= ids_here[-1][1].astype("datetime64[M]")
                else ids_here[0][0]
            )
            year, mon = int(str(month)[:4]), int(str(month)[5:7])
            monthly.append([pph, ctr, "", str(year), str(mon), f"{value / 100:.2f}", "VALIDE", "", ""])
        if i == 0:
            monthly.append(
                [
                    pph,
                    ids_here[0][0],
                    "",
                    str(int(str(months[0])[:4])),
                    str(int(str(months[0])[5:7])),
                    "999.00",
                    "ANNULE",
                    "",
                    "",
                ]
            )
    first = p.iloc[0]
    for position, (sid, kind, *_rest) in enumerate(OTHER_STRUCTURES):
        for j in range(4):
            person = first.person_id if (position, j) == (0, 0) else f"Q{position}{j}"
            sex = first.sex if person == first.person_id else ("F" if j % 2 else "M")
            birth = int(first.birth_year) if person == first.person_id else 1975 + j
            pph = employee(person, sid, sex, birth)
            ctr_number += 1
            contracts.append(
                [
                    str(ctr_number),
                    pph,
                    sid,
                    f"{kind}_DC",
                    "0",
                    f"01/0{j + 2}/2012",
                    "31/12/2012",
                    "31/12/2012",
                    "7",
                    "7",
                    "NON",
                    "1",
                    "1",
                    "false",
                    "false",
                    "false",
                ]
            )
            monthly.append([pph, str(ctr_number), "", "2012", "6", "120.00", "VALIDE", "", ""])
    return people, contracts, monthly


def fluxiae_views(seed: int = 2013, scale: float = 1.0) -> tuple[dict[str, str], str]:
    """The text of each view of the fluxIAE sample (before compression), by view name, and the
    text of its territories file."""
    with tempfile.TemporaryDirectory(prefix=TEMP_PREFIX) as tmp:
        generate_sample(Path(tmp) / "sample", seed=seed, scale=scale)
        ds = load_dataset(Path(tmp) / "sample")
    ids = {sid: str(1001 + n) for n, sid in enumerate(ds.structures["structure_id"])}
    people, contracts, monthly = _pathway_rows(ds, ids)
    reasons = builtin_exit_reasons()
    category_id = {kit: cid for cid, kit, _label in CATEGORIES}
    reason_rows = [
        [str(n), str(code), label, category_id[cat]]
        for n, (code, label, cat) in enumerate(
            [*reasons.itertuples(index=False, name=None), *EXTRA_REASONS], start=1
        )
    ]
    return {
        "Structure": _view_text(
            "Structure",
            [
                "structure_id_siae",
                "structure_siret_signature",
                "structure_siret_actualise",
                "structure_denomination",
                "structure_code_naf",
                "structure_categorie_juridique_code",
                "structure_adresse_admin_cp",
                "structure_adresse_admin_commune",
                "structure_adresse_admin_code_insee",
                "structure_adresse_gestion_complement",
                "structure_correspondant_nom",
                "structure_correspondant_mail",
                "structure_correspondant_tel",
            ],
            _structure_rows(ds),
        ),
        "AnnexeFinanciere": _view_text(
            "AnnexeFinanciere",
            [
                "af_id_annexe_financiere",
                "af_id_structure",
                "af_mesure_dispositif_code",
                "af_numero_annexe_financiere",
                "af_etat_annexe_financiere_code",
                "af_date_debut_effet",
                "af_date_fin_effet",
                "af_etp_postes_insertion",
                "af_montant_total_annuel",
                *AMOUNT_COLUMNS,
                "af_taux_prev_sorties_dynamiques",
                "af_taux_prev_sorties_durable",
            ],
            _annex_rows(ds, ids),
        ),
        "Salarie": _view_text(
            "Salarie",
            [
                "salarie_id",
                "salarie_nir",
                "salarie_rci_libelle",
                "salarie_date_naissance",
                "salarie_code_dpt",
                "salarie_nom",
                "salarie_prenom",
                "salarie_courriel",
                "salarie_telephone",
            ],
            people,
        ),
        "ContratMission": _view_text(
            "ContratMission",
            [
                "contrat_id_ctr",
                "contrat_id_pph",
                "contrat_id_structure",
                "contrat_mesure_disp_code",
                "contrat_type_contrat",
                "contrat_date_embauche",
                "contrat_date_fin_contrat",
                "contrat_date_sortie_definitive",
                "contrat_motif_sortie_id",
                "contrat_motif_sortie_code",
                "contrat_salarie_rsa",
                "contrat_salarie_pe_duree_id",
                "contrat_salarie_pe_duree_code",
                "contrat_salarie_rqth",
                "contrat_salarie_aah",
                "contrat_salarie_ass",
            ],
            contracts,
        ),
        "EtatMensuelIndiv": _view_text(
            "EtatMensuelIndiv",
            [
                "emi_pph_id",
                "emi_ctr_id",
                "emi_afi_id",
                "emi_sme_annee",
                "emi_sme_mois",
                "emi_nb_heures_travail",
                "emi_esm_etat_code",
                "emi_date_fin_reelle",
                "emi_motif_sortie_code",
            ],
            monthly,
        ),
        "RefDureePoleEmploi": _view_text(
            "RefDureePoleEmploi",
            ["rdp_id", "rdp_code", "rdp_lib_duree_pe"],
            [[c, c, label] for c, label in DURATIONS],
            trailer=False,
        ),
        "RefMotifSort": _view_text(
            "RefMotifSort", ["rms_id", "rms_code", "rms_libelle", "rcs_id"], reason_rows
        ),
        "RefCategorieSort": _view_text(
            "RefCategorieSort",
            ["rcs_id", "rcs_code", "rcs_libelle"],
            [[cid, cid, label] for cid, _kit, label in CATEGORIES],
        ),
    }, _territories_text(ds)


def _territories_text(ds) -> str:
    pairs = sorted(
        {(COMMUNE_CODES[c], t) for c, t in zip(ds.structures["commune"], ds.structures["territory"])}
    )
    return "code_insee,territory\n" + "".join(f"{code},{territory}\n" for code, territory in pairs)


def _zip(name: str, data: bytes) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        info = zipfile.ZipInfo(name, date_time=(2013, 12, 31, 23, 59, 58))
        archive.writestr(info, data, compress_type=zipfile.ZIP_DEFLATED)
    return buffer.getvalue()


def write_fluxiae_sample(out_dir: str | Path, *, seed: int = 2013, scale: float = 1.0) -> list[Path]:
    """Write the fluxIAE sample into ``out_dir`` (same bytes for the same seed and scale)."""
    views, territories = fluxiae_views(seed, scale)
    files: dict[str, bytes] = {}
    for view, text in views.items():
        name = f"fluxIAE_{view}_{STAMP}.csv"
        data = text.encode("utf-8")
        if view == "Structure":
            files[name] = b"\xef\xbb\xbf" + data
        elif view == "EtatMensuelIndiv":
            files[name + ".gz"] = gzip.compress(data, mtime=0)
        elif view == "ContratMission":
            files[name + ".gz"] = _zip(name, data)  # a ZIP archive named .gz
        else:
            files[name] = data
    files["territories.csv"] = territories.encode("utf-8")
    out = Path(out_dir).resolve()
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f"{TEMP_PREFIX}{out.name}-", dir=out.parent))
    try:
        for name, data in files.items():
            (staging / name).write_bytes(data)
        out.mkdir(exist_ok=True)
        final = []
        for name in files:
            os.replace(staging / name, out / name)
            final.append(out / name)
        return final
    finally:
        shutil.rmtree(staging, ignore_errors=True)
