"""``iae-eval import-fluxiae`` (issue 10): département filter, chains, hashing, summary,
the bad-input corpus, and the fluxIAE sample → import → indicators / reports round trip.

``tests/data/fluxiae_min/`` is a tiny valid export whose expected tables are hand-written
below; ``tests/data/fluxiae_bad/<case>/`` each hold the files that replace (or, named
``<file>.delete``, remove) files of that export, and ``expected.txt`` the exact messages.
"""

from __future__ import annotations

import hashlib
import hmac
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner

from iae_eval.cli import cli
from iae_eval.data.load import load_dataset
from iae_eval.indicators.compute import INDICATOR_KEYS, compute_indicators

DATA = Path(__file__).resolve().parent / "data"
MINIMAL = DATA / "fluxiae_min"
BAD_CASES = sorted(p for p in (DATA / "fluxiae_bad").iterdir() if p.is_dir())
ROOT = Path(__file__).resolve().parents[1]
SALT = b"a-fixed-test-salt"
NIR_1, NIR_2 = "180057512345612", "285127512345678"
#: Values of personal columns of the minimal export and the sample that must never come out.
PERSONAL = ("Dupont", "Martin", "jean.dupont@exemple.invalid", "marie.durand@exemple.invalid")
#: Keys the export cannot carry (public contracts, operations: the Conseil général's files; the
#: coverage of the RSA households: the ``context`` table, CAF and MSA figures).
NOT_IN_EXPORT = (
    "contracts_total",
    "contracts_with_clause",
    "clause_share",
    "insertion_hours_planned",
    "insertion_hours_done",
    "operations",
    "rsa_coverage_rate",
)


def person(nir: str) -> str:
    return "H" + hmac.new(SALT, f"nir:{nir}".encode(), hashlib.sha256).hexdigest()[:20]


def run_import(src: Path, out: Path, *extra: str, salt: Path | None = None, departement: str = "05"):
    salt = salt or out.parent / "salt.txt"
    if not salt.exists():
        salt.write_bytes(SALT + b"\n")
    args = [
        "import-fluxiae",
        str(src),
        "--departement",
        departement,
        "--out",
        str(out),
        "--salt-file",
        str(salt),
    ]
    return CliRunner().invoke(cli, [*args, *extra])


def read_csv(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8").splitlines()


# --- The minimal export, hand-checked ------------------------------------------------------------


def test_minimal_export_gives_the_hand_computed_tables(tmp_path):
    result = run_import(MINIMAL, tmp_path / "out")
    assert result.exit_code == 0, result.output
    out = tmp_path / "out"
    assert sorted(p.name for p in out.iterdir()) == [
        "departement.csv",
        "exit_reasons.csv",
        "funding.csv",
        "participants.csv",
        "structures.csv",
        "yearly_hours.csv",
    ]
    assert read_csv(out / "departement.csv") == ["code,name", "05,Département 05"]
    # structure 12 holds only a 04 annex: left out; 11 holds ACI and AI annexes (and an FDI one)
    assert read_csv(out / "structures.csv") == [
        "structure_id,name,siret,kinds,commune,territory",
        "11,Chantier A,42344775400080,ACI|AI,Gap,Non renseigné",  # the current SIRET, not the signature one
    ]
    p1, p2 = person(NIR_1), person(NIR_2)
    assert read_csv(out / "participants.csv") == [
        "person_id,structure_id,kind,entry_date,exit_date,exit_reason,sex,birth_year,rsa,deld,rqth,hours_worked",
        # contracts 1 (initial, RSA, 12-23 months, RQTH; 6 x 100 h) + 2 (renewal, exit 3; 6 x 50 h)
        f"{p1},11,ACI,2012-01-02,2012-12-31,3,M,1980,oui,oui,oui,900",
        # contract 3: a new initial contract, a new pathway, still open
        f"{p1},11,ACI,2013-03-01,,,M,1980,non,non,non,35.5",
        # contract 4: 5 x 40 h; the ANNULE monthly state of 500 h is left out
        f"{p2},11,AI,2012-02-01,2012-06-30,7,F,1985,oui,,,200",
    ]
    assert read_csv(out / "yearly_hours.csv") == [
        "person_id,structure_id,entry_date,year,hours",
        f"{p1},11,2012-01-02,2012,900",
        f"{p1},11,2013-03-01,2013,35.5",
        f"{p2},11,2012-02-01,2012,200",
    ]
    assert read_csv(out / "funding.csv") == [
        "year,structure_id,funder,nature,amount_eur",
        "2012,11,europe_fse,fonctionnement,200",
        "2012,11,etat,aide_au_poste,1000.5",
        "2012,11,departement,fonctionnement,300",
        "2012,11,communes,fonctionnement,75",  # commune 50 + intercommunality 25
    ]
    assert read_csv(out / "exit_reasons.csv") == [
        "code,label,category",
        "3,Embauche en CDI sans aide publique à l'emploi,emploi_durable",
        "7,Au chômage,autre_sortie",
        "96,CDI Inclusion,emploi_durable",
    ]
    assert CliRunner().invoke(cli, ["validate", "--data", str(out)]).exit_code == 0


def test_summary_gives_counts_and_reasons_only(tmp_path):
    result = run_import(MINIMAL, tmp_path / "out")
    assert result.stdout.splitlines()[1:] == [
        "  1 structure, 3 parcours, 2 personnes, années 2012-2013",
        "  tables : structures.csv (1 ligne), participants.csv (3 lignes), yearly_hours.csv (3 lignes), "
        "funding.csv (4 lignes), departement.csv (1 ligne), exit_reasons.csv (3 lignes)",
        "  territoires : pas de fichier --territories : le territoire de chaque structure est « Non renseigné »",
        "  lignes écartées :",
        "    annexes du département d'une autre mesure (FDI, ACIPA, EIPA) : 1",
        "    contrats de structures sans annexe du département : 1",
        "    états mensuels des contrats retenus dans un autre état que VALIDE, SAISI : 1",
    ]


def test_the_other_departement_gets_its_own_structures(tmp_path):
    result = run_import(MINIMAL, tmp_path / "out", departement="4")
    assert result.exit_code == 0, result.output
    assert read_csv(tmp_path / "out" / "structures.csv")[1:] == [
        "12,Chantier B,,ACI,Digne-les-Bains,Non renseigné"
    ]
    rows = read_csv(tmp_path / "out" / "participants.csv")[1:]
    # the same NIR as in structure 11: the same person id across structures
    assert rows == [f"{person(NIR_1)},12,ACI,2012-02-01,2012-12-31,7,M,1980,non,non,non,10"]


def test_territories_file_sets_each_structure_territory(tmp_path):
    territories = tmp_path / "territoires.csv"
    territories.write_text("\ufeffcode_insee;territory\n05061;Gapençais\n", encoding="utf-8")
    result = run_import(MINIMAL, tmp_path / "out", "--territories", str(territories))
    assert result.exit_code == 0, result.output
    assert (
        read_csv(tmp_path / "out" / "structures.csv")[1]
        == "11,Chantier A,42344775400080,ACI|AI,Gap,Gapençais"
    )
    assert "Non renseigné" not in result.stdout


def test_bad_territories_file_is_located(tmp_path):
    territories = tmp_path / "territoires.csv"
    territories.write_text("code_insee,territory\n05061,Gapençais\n05061,Buëch\n05023,\n", encoding="utf-8")
    result = run_import(MINIMAL, tmp_path / "out", "--territories", str(territories))
    assert result.exit_code == 1
    assert (
        "territoires.csv:ligne 3: code_insee: 05061: déjà rattaché au territoire Gapençais" in result.stderr
    )
    assert "territoires.csv:ligne 4: territory: (vide): valeur obligatoire manquante" in result.stderr
    assert not (tmp_path / "out").exists()


# --- Hashing and personal data -------------------------------------------------------------------


def test_same_input_and_salt_give_identical_files_and_another_salt_other_ids(tmp_path):
    salt = tmp_path / "salt.txt"
    salt.write_bytes(SALT)
    run_import(MINIMAL, tmp_path / "a", salt=salt)
    run_import(MINIMAL, tmp_path / "b", salt=salt)
    for path in (tmp_path / "a").iterdir():
        assert path.read_bytes() == (tmp_path / "b" / path.name).read_bytes()
    other = tmp_path / "other-salt.txt"
    other.write_bytes(b"another salt")
    run_import(MINIMAL, tmp_path / "c", salt=other)
    assert (tmp_path / "c" / "structures.csv").read_bytes() == (
        tmp_path / "a" / "structures.csv"
    ).read_bytes()
    assert person(NIR_1) not in (tmp_path / "c" / "participants.csv").read_text()


def test_a_missing_salt_file_is_created_random_and_never_written_out(tmp_path):
    salt = tmp_path / "secret" / "salt.txt"
    result = CliRunner().invoke(
        cli,
        [
            "import-fluxiae",
            str(MINIMAL),
            "--departement",
            "05",
            "--out",
            str(tmp_path / "out"),
            "--salt-file",
            str(salt),
        ],
    )
    assert result.exit_code == 0, result.output
    value = salt.read_bytes().strip()
    assert len(value) == 64 and (salt.stat().st_mode & 0o777) == 0o600
    assert f"Un nouveau sel aléatoire a été écrit dans {salt}" in result.stderr
    for path in (tmp_path / "out").iterdir():
        assert value not in path.read_bytes()
    assert value.decode() not in result.output
    again = run_import(MINIMAL, tmp_path / "out2", salt=salt)
    assert (tmp_path / "out2" / "participants.csv").read_bytes() == (
        tmp_path / "out" / "participants.csv"
    ).read_bytes()
    assert "nouveau sel aléatoire" not in again.stderr


def test_no_nir_name_email_or_phone_in_any_output_byte_or_message(tmp_path):
    result = run_import(MINIMAL, tmp_path / "out")
    texts = [p.read_bytes() for p in (tmp_path / "out").iterdir()] + [result.output.encode()]
    for secret in (NIR_1, NIR_2, *PERSONAL):
        assert not any(secret.encode() in t for t in texts), secret
    # a problem on the Salarie row does not print its NIR either
    src = tmp_path / "src"
    shutil.copytree(MINIMAL, src)
    salarie = next(src.glob("fluxIAE_Salarie_*"))
    salarie.write_text(salarie.read_text().replace("|MME|01/12/1985", "|MME|1985-12-01"), encoding="utf-8")
    bad = run_import(src, tmp_path / "out2")
    assert bad.exit_code == 1
    assert (
        "fluxIAE_Salarie_31122013_235959.csv:ligne 4: salarie_date_naissance: 1985-12-01: pas une date"
        in bad.stderr
    )
    assert NIR_2 not in bad.output and "Martin" not in bad.output


# --- Bad input ------------------------------------------------------------------------------------


def test_the_bad_input_corpus_has_at_least_ten_defects():
    assert len(BAD_CASES) >= 10


@pytest.mark.parametrize("case", BAD_CASES, ids=[c.name for c in BAD_CASES])
def test_bad_input_is_located_exit_1_nothing_written(tmp_path, case):
    src = tmp_path / "fluxiae"
    shutil.copytree(MINIMAL, src)
    for path in case.iterdir():
        if path.name == "expected.txt":
            continue
        if path.suffix == ".delete":
            (src / path.stem).unlink()
        else:
            shutil.copyfile(path, src / path.name)
    before = {p.name: p.read_bytes() for p in src.iterdir()}
    out = tmp_path / "out"
    result = run_import(src, out)
    assert result.exit_code == 1
    expected = (case / "expected.txt").read_text(encoding="utf-8").splitlines()
    shown = [line.strip() for line in result.stderr.splitlines() if line.startswith("  ")]
    assert shown == expected
    assert "Traceback" not in result.output
    assert not out.exists()
    assert {p.name: p.read_bytes() for p in src.iterdir()} == before  # input untouched
    assert NIR_1 not in result.output and NIR_2 not in result.output


def test_usage_errors_exit_2(tmp_path):
    assert run_import(MINIMAL, tmp_path / "out", departement="Hautes-Alpes").exit_code == 2
    assert run_import(tmp_path / "nowhere", tmp_path / "out").exit_code == 2
    occupied = tmp_path / "occupied"
    occupied.mkdir()
    (occupied / "notes.txt").write_text("mine")
    result = run_import(MINIMAL, occupied)
    assert result.exit_code == 2 and "contient d'autres fichiers (notes.txt)" in result.stderr
    assert (occupied / "notes.txt").read_text() == "mine"


# --- The fluxIAE sample round trip -----------------------------------------------------------------


@pytest.fixture(scope="module")
def imported(tmp_path_factory):
    base = tmp_path_factory.mktemp("fluxiae")
    src, out = base / "src", base / "out"
    result = CliRunner().invoke(cli, ["sample", "--format", "fluxiae", "--out", str(src)])
    assert result.exit_code == 0, result.output
    salt = base / "salt.txt"
    salt.write_bytes(SALT)
    result = run_import(src, out, "--territories", str(src / "territories.csv"), salt=salt)
    assert result.exit_code == 0, result.output
    return src, out, result


def test_sample_has_every_quirk(imported):
    src, _, _ = imported
    files = {p.name: p.read_bytes() for p in src.iterdir()}
    structure = files["fluxIAE_Structure_31122013_235959.csv"]
    assert structure.startswith(b"\xef\xbb\xbfDEBStructure")
    assert b"\n|" in structure  # a broken line
    assert files["fluxIAE_EtatMensuelIndiv_31122013_235959.csv.gz"][:2] == b"\x1f\x8b"
    assert files["fluxIAE_ContratMission_31122013_235959.csv.gz"][:2] == b"PK"  # a ZIP named .gz
    assert (
        not files["fluxIAE_RefDureePoleEmploi_31122013_235959.csv"]
        .rstrip()
        .split(b"\n")[-1]
        .startswith(b"FIN")
    )
    assert files["fluxIAE_Salarie_31122013_235959.csv"].rstrip().split(b"\n")[-1].startswith(b"FIN")
    assert b"ACI004" in files["fluxIAE_AnnexeFinanciere_31122013_235959.csv"]  # a second département


def test_sample_import_validates_and_summarises(imported):
    _, out, result = imported
    assert CliRunner().invoke(cli, ["validate", "--data", str(out)]).exit_code == 0
    assert (
        result.stdout.splitlines()[1]
        == "  14 structures, 1\u202f498 parcours, 1\u202f436 personnes, années 2008-2013"
    )
    assert "contrats de structures sans annexe du département : 8" in result.stdout
    assert sorted(pd.read_csv(out / "structures.csv")["structure_id"].astype(str)) == [
        str(1001 + i) for i in range(14)
    ]


def test_sample_import_has_no_nir_or_personal_value(imported):
    src, out, result = imported
    salarie = pd.read_csv(
        src / "fluxIAE_Salarie_31122013_235959.csv",
        sep="|",
        skiprows=1,
        dtype=str,
        skipfooter=1,
        engine="python",
    )
    outputs = b"".join(p.read_bytes() for p in out.iterdir()) + result.output.encode()
    for column in ("salarie_nir", "salarie_nom", "salarie_courriel", "salarie_telephone"):
        for value in salarie[column].head(200):
            assert value.encode() not in outputs, column


def _comparable(frame: pd.DataFrame, keys) -> pd.DataFrame:
    frame = frame[[k for k in INDICATOR_KEYS if k not in NOT_IN_EXPORT]].astype(float)
    frame.index = [keys.get(str(k), str(k)) for k in frame.index]
    return frame.sort_index()


@pytest.mark.parametrize("by", ["departement", "structure", "territory", "kind"])
def test_sample_import_indicators_equal_the_sample(imported, by):
    _, out, _ = imported
    sample, flux = load_dataset(ROOT / "data" / "sample"), load_dataset(out)
    ids = {str(1001 + n): sid for n, sid in enumerate(sample.structures["structure_id"])}
    for year in range(2009, 2014):
        expected = _comparable(compute_indicators(sample, year, by), {})
        got = _comparable(compute_indicators(flux, year, by), ids)
        pd.testing.assert_frame_equal(got, expected, check_exact=False, rtol=1e-12)
        both = compute_indicators(flux, year, by)
        assert both[list(NOT_IN_EXPORT)].isna().all().all()  # not in the export: null, never 0


def test_sample_import_supports_the_asp_rules(imported):
    _, out, _ = imported
    h5 = compute_indicators(load_dataset(out), 2012).iloc[0]
    asp = compute_indicators(load_dataset(out, rules="asp"), 2012).iloc[0]
    assert asp["participants"] <= h5["participants"]
    assert asp["exits"] + asp["short_exits"] == h5["exits"] + h5["short_exits"]  # same exits, other rule
    assert not np.isnan(asp["durable_rate"])


@pytest.mark.slow
def test_sample_import_builds_reports(imported, tmp_path):
    _, out, _ = imported
    reports = tmp_path / "reports"
    result = CliRunner().invoke(
        cli,
        [
            "run",
            "--data",
            str(out),
            "--years",
            "2011-2012",
            "--structure",
            "1003",
            "--out",
            str(reports),
            "--jobs",
            "2",
            "--rules",
            "asp",
        ],
    )
    assert result.exit_code == 0, result.output
    for name in ("bilan-2011-2012.html", "2012/departement.html", "2012/structures/1003.html", "index.html"):
        assert (reports / name).is_file(), name
    html = (reports / "2012" / "departement.html").read_text(encoding="utf-8")
    assert "Règles de durée minimale appliquées : « asp »" in html
    assert "CDI Inclusion" in html  # the delivered nomenclature


def test_the_departement_name_given_goes_into_the_dataset(tmp_path):
    result = CliRunner().invoke(
        cli,
        [
            "import-fluxiae",
            str(MINIMAL),
            "--departement",
            "5",
            "--departement-name",
            "Hautes-Alpes",
            "--out",
            str(tmp_path / "out"),
            "--salt-file",
            str(tmp_path / "salt"),
        ],
    )
    assert result.exit_code == 0, result.output
    assert read_csv(tmp_path / "out" / "departement.csv") == ["code,name", "05,Hautes-Alpes"]


def test_a_departement_without_any_annex_is_one_clear_problem(tmp_path):
    """Asking for a département the export does not hold is a located message naming the
    départements it does hold, exit 1, nothing written (it was a traceback)."""
    result = run_import(MINIMAL, tmp_path / "out", departement="99")
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    assert (
        "AnnexeFinanciere_31122013_235959.csv: af_numero_annexe_financiere: 099: aucune annexe financière de "
        "ce département, d'un type d'insertion et dans un état retenu (départements du fichier : 004, 005)"
    ) in result.output
    assert not (tmp_path / "out").exists()


def test_a_failed_import_creates_no_salt(tmp_path):
    salt = tmp_path / "secret" / "salt"
    result = CliRunner().invoke(
        cli,
        [
            "import-fluxiae",
            str(MINIMAL),
            "--departement",
            "99",
            "--out",
            str(tmp_path / "out"),
            "--salt-file",
            str(salt),
        ],
    )
    assert result.exit_code == 1
    assert not salt.exists() and not (tmp_path / "out").exists()
    result = CliRunner().invoke(
        cli,
        [
            "import-fluxiae",
            str(MINIMAL),
            "--departement",
            "05",
            "--out",
            str(tmp_path / "out"),
            "--salt-file",
            str(salt),
        ],
    )
    assert result.exit_code == 0, result.output
    assert salt.stat().st_mode & 0o777 == 0o600
