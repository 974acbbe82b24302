"""The fluxIAE views the import reads and the columns it needs from each (docs/data.md, "From the national export").

One declaration per view: its name in the file names (``fluxIAE_<View>_<ddmmyyyy>_<hhmmss>``),
the columns the import cannot do without, the optional ones (read when present) and
whether the view itself is required. Column names are the ASP's, exactly.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class View:
    """One fluxIAE view: the columns the import reads from it."""

    name: str
    columns: tuple[str, ...]
    optional_columns: tuple[str, ...] = ()
    required: bool = True


#: Funders' amount columns of an annex → the kit's ``funding.funder`` (docs/data.md, "From the national export";
#: ``af_mt_cofinance`` is a subtotal of the others and is not read).
ANNEX_FUNDERS: dict[str, str] = {
    "af_etat": "etat",
    "af_fse": "europe_fse",
    "af_region": "region",
    "af_departement": "departement",
    "af_commune": "communes",
    "af_intercomm": "communes",
    "af_plie": "autre",
    "af_agefiph": "autre",
    "af_autre_aide_publique": "autre",
    "af_fondation": "autre",
}
_REQUIRED_FUNDERS = ("af_etat", "af_fse", "af_region", "af_departement", "af_commune", "af_intercomm")

VIEWS: dict[str, View] = {
    v.name: v
    for v in (
        View(
            "Structure",
            (
                "structure_id_siae",
                "structure_siret_actualise",
                "structure_siret_signature",
                "structure_denomination",
                "structure_adresse_admin_commune",
                "structure_adresse_admin_code_insee",
            ),
        ),
        View(
            "AnnexeFinanciere",
            (
                "af_id_annexe_financiere",
                "af_id_structure",
                "af_mesure_dispositif_code",
                "af_numero_annexe_financiere",
                "af_etat_annexe_financiere_code",
                "af_date_debut_effet",
                *_REQUIRED_FUNDERS,
            ),
            optional_columns=tuple(c for c in ANNEX_FUNDERS if c not in _REQUIRED_FUNDERS),
        ),
        View(
            "Salarie",
            ("salarie_id", "salarie_nir", "salarie_rci_libelle", "salarie_date_naissance"),
        ),
        View(
            "ContratMission",
            (
                "contrat_id_ctr",
                "contrat_id_pph",
                "contrat_id_structure",
                "contrat_mesure_disp_code",
                "contrat_type_contrat",
                "contrat_date_embauche",
                "contrat_date_sortie_definitive",
                "contrat_motif_sortie_code",
                "contrat_salarie_rsa",
                "contrat_salarie_pe_duree_code",
                "contrat_salarie_rqth",
            ),
        ),
        View(
            "EtatMensuelIndiv",
            ("emi_ctr_id", "emi_sme_annee", "emi_nb_heures_travail", "emi_esm_etat_code"),
        ),
        View("RefDureePoleEmploi", ("rdp_code", "rdp_lib_duree_pe")),
        View("RefMotifSort", ("rms_code", "rms_libelle", "rcs_id"), required=False),
        View("RefCategorieSort", ("rcs_id", "rcs_libelle"), required=False),
    )
}

#: Columns whose values are personal data: never shown in a message, never written out.
SENSITIVE_COLUMNS: frozenset[str] = frozenset({"salarie_nir"})
#: What a message shows instead of a personal value.
HIDDEN = "(hidden)"
