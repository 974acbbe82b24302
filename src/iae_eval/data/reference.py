"""Reference data built into the kit: nomenclatures, grid, actions, rules and targets.

Everything here is a plain constant: importing the module does no work. Codes and
rules follow docs/data.md and docs/indicators.md (the minimum stays are in :mod:`iae_eval.data.rules`); French labels are the ones shown in reports.
"""

from __future__ import annotations

import pandas as pd

# --- Structure kinds -------------------------------------------------------------------
KINDS: tuple[str, ...] = ("ACI", "AI", "EI", "ETTI", "EITI")
#: Levels of education at entry (participants.education_level; national framework, 2019):
#: below CAP/BEP or none, CAP/BEP, baccalauréat, bac+2 and above.
EDUCATION_LEVELS: tuple[str, ...] = ("infra_3", "3", "4", "5_plus")
#: Months after exit of the follow-up (the ``exit_followup`` table).
FOLLOWUP_MONTHS: tuple[int, ...] = (6, 12, 24)
#: Situations after exit; ``inconnu`` rows do not count as known.
FOLLOWUP_SITUATIONS: tuple[str, ...] = (
    "emploi_durable",
    "emploi_autre",
    "formation",
    "chomage",
    "inactif",
    "inconnu",
)
FOLLOWUP_UNKNOWN = "inconnu"
#: Situations that are employment (``employed_{h}m_rate``).
FOLLOWUP_EMPLOYED: tuple[str, ...] = ("emploi_durable", "emploi_autre")
KIND_LABELS: dict[str, str] = {
    "ACI": "Atelier et chantier d'insertion",
    "AI": "Association intermédiaire",
    "EI": "Entreprise d'insertion",
    "ETTI": "Entreprise de travail temporaire d'insertion",
    "EITI": "Entreprise d'insertion par le travail indépendant",
}

#: Targets of the period (docs/indicators.md).
DURABLE_TARGET = 0.25
DYNAMIC_TARGET = 0.60

#: Minimum count shown in published tables (smaller counts are suppressed).
DEFAULT_MIN_CELL = 5

# --- Exit nomenclature (docs/data.md) ------------------------------------------------
EXIT_CATEGORIES: tuple[str, ...] = (
    "emploi_durable",
    "emploi_transition",
    "sortie_positive",
    "autre_sortie",
    "retrait",
)
EXIT_CATEGORY_LABELS: dict[str, str] = {
    "emploi_durable": "Emploi durable",
    "emploi_transition": "Emploi de transition",
    "sortie_positive": "Sorties positives",
    "autre_sortie": "Autres sorties",
    "retrait": "Retrait des sorties constatées",
}
#: Categories counted as "dynamic" exits.
DYNAMIC_CATEGORIES: tuple[str, ...] = ("emploi_durable", "emploi_transition", "sortie_positive")
#: Category neutralised in every rate's denominator.
NEUTRAL_CATEGORY = "retrait"
#: Exit reason counted with durable employment by indicator 2 ("or qualifying training").
QUALIFYING_TRAINING_CODE = 5

_EXIT_REASONS: tuple[tuple[int, str, str], ...] = (
    (1, "Embauche en CDI dans la structure ou une filiale", "emploi_durable"),
    (2, "Embauche en CDD dans une autre structure de l'IAE", "sortie_positive"),
    (3, "Embauche en CDI sans aide publique à l'emploi", "emploi_durable"),
    (4, "Création ou reprise d'entreprise", "emploi_durable"),
    (5, "Entrée en formation qualifiante ou poursuite de formation qualifiante", "sortie_positive"),
    (6, "Inactif", "autre_sortie"),
    (7, "Au chômage", "autre_sortie"),
    (8, "Sans nouvelles", "autre_sortie"),
    (9, "Embauche en CDD ou intérim de 6 mois et plus sans aide publique à l'emploi", "emploi_durable"),
    (10, "Embauche en CDD ou intérim de moins de 6 mois (hors IAE)", "emploi_transition"),
    (11, "Titularisation dans la fonction publique", "emploi_durable"),
    (12, "Autre sortie reconnue comme positive", "sortie_positive"),
    (13, "Embauche en CDI aidé", "emploi_durable"),
    (14, "Embauche en contrat aidé chez un autre employeur (hors IAE)", "emploi_transition"),
    (15, "Retraite", "retrait"),
    (16, "Congé de longue durée (maternité, maladie)", "retrait"),
    (17, "Décès", "retrait"),
    (18, "Décision administrative ou de justice", "retrait"),
    (19, "Licenciement pour faute grave", "retrait"),
    (20, "Changement d'employeur (transfert)", "retrait"),
    (21, "Rupture de la période d'essai à l'initiative de l'employeur", "retrait"),
    (22, "Rupture de la période d'essai à l'initiative du salarié", "retrait"),
)


def builtin_exit_reasons() -> pd.DataFrame:
    """The built-in exit nomenclature: columns ``code`` (int64), ``label``, ``category``."""
    frame = pd.DataFrame(list(_EXIT_REASONS), columns=["code", "label", "category"])
    frame["code"] = frame["code"].astype("int64")
    return frame


# --- Structures: activity supports --------------------------------------------------------
ACTIVITY_SUPPORTS: dict[str, str] = {
    "espaces_naturels": "Entretien des espaces naturels",
    "recyclage": "Récupération et recyclage",
    "patrimoine_bati": "Petit patrimoine bâti",
    "services_personne": "Services à la personne",
    "batiment": "Bâtiment",
    "eco_construction": "Éco-construction",
    "hotellerie_restauration": "Hôtellerie-restauration",
    "dechets": "Déchets",
    "gestion_sites": "Gestion de sites",
    "tourisme_vert": "Tourisme vert",
    "textile": "Textile",
    "agriculture": "Agriculture",
    "autre": "Autre",
}
#: Supports the sheet wants developed (action A3).
POTENTIAL_SUPPORTS: tuple[str, ...] = (
    "batiment",
    "eco_construction",
    "hotellerie_restauration",
    "dechets",
    "gestion_sites",
    "services_personne",
    "tourisme_vert",
)
#: Supports counted as environmental evidence (natural spaces, built heritage, recycling, waste).
ENVIRONMENTAL_SUPPORTS: tuple[str, ...] = ("espaces_naturels", "patrimoine_bati", "recyclage", "dechets")

TERRITORIES: tuple[str, ...] = (
    "Gapençais",
    "Briançonnais",
    "Embrunais-Serre-Ponçon",
    "Champsaur-Valgaudemar",
    "Buëch",
)

# --- Contracts, funding ---------------------------------------------------------------------
CLAUSE_TYPES: dict[str, str] = {
    "execution": "Condition d'exécution (art. 14)",
    "reserved": "Marché réservé (art. 15)",
    "insertion_object": "Marché d'insertion (art. 30)",
    "award_criterion": "Critère d'attribution (art. 53)",
}
FUNDERS: dict[str, str] = {
    "europe_fse": "Europe (FSE)",
    "etat": "État",
    "region": "Région",
    "departement": "Département",
    "communes": "Communes",
    "autre": "Autres financeurs",
}
FUNDING_NATURES: dict[str, str] = {
    "fonctionnement": "Fonctionnement",
    "investissement": "Investissement",
    "aide_au_poste": "Aide au poste",
}

# --- Sustainable-development grid (docs/data.md) -----------------------------------------
#: code -> (group, French label). Groups: the sheet's pillars, national orientations
#: (finalités, numbered as on the sheet) and the Conseil général's orientations.
SD_CRITERIA: dict[str, tuple[str, str]] = {
    "env.patrimoine": ("Environnement", "Valoriser et préserver le patrimoine naturel et bâti"),
    "soc.exclusion": ("Social", "Lutter contre l'exclusion"),
    "soc.emploi": ("Social", "Favoriser le retour à l'emploi"),
    "eco.emploi_durable": ("Économie", "Agir pour l'emploi durable"),
    "gov.coordination": ("Gouvernance", "Échanges et coordination de l'ensemble des acteurs"),
    "gov.suivi": ("Gouvernance", "Suivi et évaluation continus"),
    "fin.1": ("Finalités nationales", "1. Épanouissement de tous les êtres humains"),
    "fin.2": (
        "Finalités nationales",
        "2. Cohésion sociale et solidarité entre territoires et entre générations",
    ),
    "fin.3": (
        "Finalités nationales",
        "3. Modes de production et de consommation responsables",
    ),
    "fin.4": ("Finalités nationales", "4. Lutte contre le changement climatique"),
    "fin.5": (
        "Finalités nationales",
        "5. Préservation de la biodiversité, des milieux et des ressources",
    ),
    "cg.rapprocher.espace": ("Rapprocher", "Rapprocher dans l'espace"),
    "cg.rapprocher.temps": ("Rapprocher", "Rapprocher dans le temps"),
    "cg.rapprocher.territoire": ("Rapprocher", "Rapprocher les territoires"),
    "cg.integrer.milieu_pro": ("Intégrer", "Intégrer le milieu professionnel"),
    "cg.integrer.milieu_nat": ("Intégrer", "Intégrer le milieu naturel"),
    "cg.integrer.sphere_soc": ("Intégrer", "Intégrer la sphère sociale"),
    "cg.comporter.quotidien": ("Se comporter", "Se comporter au quotidien"),
    "cg.comporter.conseil_general": ("Se comporter", "Se comporter en Conseil général"),
    "cg.comporter.lieu_vie": ("Se comporter", "Se comporter sur son lieu de vie"),
}
SD_PILLARS: dict[str, str] = {
    "env": "Environnement",
    "soc": "Social",
    "eco": "Économie",
    "gov": "Gouvernance",
}
SD_SCORES: dict[int, str] = {0: "Aucune", 1: "Faible", 2: "Moyenne", 3: "Forte"}

# --- Action plan (docs/data.md) ---------------------------------------------------------
ACTIONS: dict[str, str] = {
    "A1": "Instance collaborative avec les associations d'insertion pour la convention 2011-2013",
    "A2": "Comité de pilotage permanent",
    "A3": "Diversifier les supports d'activité (bâtiment, éco-construction, hôtellerie, "
    "déchets, gestion de sites, services à la personne, tourisme vert)",
    "A4": "Mutualiser la gestion des fonds européens",
    "A5": "Revoir les subventions d'investissement du Conseil général",
    "A6": "Articuler l'offre de toutes les institutions concernées",
    "A7": "Faire le lien avec le Programme départemental d'insertion (PDI)",
    "A8": "Co-construire le Pacte territorial pour l'insertion (PTI) avec les partenaires",
    "A9": "Relancer les clauses sociales dans la commande publique",
}
ACTION_STATUSES: dict[str, str] = {
    "prevu": "Prévu",
    "en_cours": "En cours",
    "realise": "Réalisé",
    "en_retard": "En retard",
    "abandonne": "Abandonné",
}

#: Keys of the ``context`` table (figures about the département, for the evaluative synthesis).
CONTEXT_KEYS: dict[str, str] = {
    "rsa_households": "Foyers allocataires du RSA (CAF + MSA, au 31 décembre)",
    "rsa_soumis_droits_devoirs": "Allocataires du RSA soumis aux droits et devoirs",
    "defm_long_term": "Demandeurs d'emploi inscrits depuis un an ou plus (catégories A, B, C)",
    "unemployment_rate": "Taux de chômage localisé (%)",
    "national_durable_rate": "Taux d'emploi durable national (référence)",
    "national_dynamic_rate": "Taux de sorties dynamiques national (référence)",
}
