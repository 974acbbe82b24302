"""The indicator catalogue is the one declaration of every indicator: the engine, the
suppression, the report tables, the spreadsheets and the docs all follow it."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from iae_eval.indicators import catalogue, compute, exports, suppress
from iae_eval.indicators.catalogue import INDICATORS, Kind, Protection
from iae_eval.sections.formats import PUBLIC_LABELS
from iae_eval.sections.rate_texts import labelled

DOCS = Path(__file__).resolve().parents[1] / "docs" / "indicators.md"


def _doc_rows() -> dict[str, list[str]]:
    """The rows of every key table of the docs (the §5 one, the adjusted one, the follow-up one)."""
    text = DOCS.read_text(encoding="utf-8")
    rows = {}
    for start in re.finditer(re.escape("| key | French label |"), text):
        table = text[start.start() :].split("\n\n")[0]
        for line in table.splitlines():
            match = re.match(r"^\| `(\w+)` \|(.*)\|$", line)
            if match:
                assert match.group(1) not in rows, f"{match.group(1)} defined twice"
                rows[match.group(1)] = [c.strip() for c in match.group(2).split(" | ")]
    return rows


def test_every_key_is_declared_once_in_contract_order():
    keys = [i.key for i in INDICATORS]
    assert len(keys) == len(set(keys)) == 33
    assert keys[0] == "participants" and keys[-1] == "rsa_coverage_rate"
    assert catalogue.INDICATOR_KEYS == compute.INDICATOR_KEYS == tuple(keys)


def test_docs_define_every_catalogue_key_with_its_label_kind_protection_and_definition():
    rows = _doc_rows()
    assert set(rows) == set(catalogue.OUTPUT_KEYS)
    for i in catalogue.ALL_INDICATORS:
        assert rows[i.key] == [i.label, i.kind.value, i.protection.value, i.definition], i.key


def test_kinds_decide_the_protection():
    protection = {i.key: i.protection for i in INDICATORS}
    assert protection["participants"] is Protection.SMALL_COUNT
    assert protection["exits_retrait"] is Protection.SMALL_COUNT
    assert protection["durable_rate"] is Protection.RATIO
    assert protection["cost_per_participant"] is Protection.RATIO
    # a share of contracts, money and hours are never masked
    assert protection["clause_share"] is Protection.NONE
    assert protection["funding_total"] is Protection.NONE
    assert protection["insertion_hours_done"] is Protection.NONE
    assert protection["operations"] is Protection.NONE
    assert set(catalogue.PEOPLE_COUNT_KEYS) == {
        i.key for i in INDICATORS if i.kind in (Kind.PEOPLE, Kind.PATHWAYS)
    }
    assert len(catalogue.PEOPLE_COUNT_KEYS) == 18


def test_suppression_reads_its_ratios_from_the_catalogue():
    assert suppress.default_rate_denominators() == {
        "durable_rate": ("exits_examined",),
        "dynamic_rate": ("exits_examined",),
        "mean_duration_months": ("exits_examined",),
        "cost_per_participant": ("participants",),
        "cost_per_dynamic_exit": ("exits_emploi_durable", "exits_emploi_transition", "exits_sortie_positive"),
        "rsa_share": ("participants",),
        "cost_per_durable_exit": ("exits_emploi_durable",),
    }
    assert suppress.default_rate_numerators() == {
        "durable_rate": ("exits_emploi_durable",),
        "dynamic_rate": ("exits_emploi_durable", "exits_emploi_transition", "exits_sortie_positive"),
        "rsa_share": ("rsa_participants",),
        "rsa_coverage_rate": ("rsa_participants",),
    }


@pytest.mark.parametrize("key", catalogue.INDICATOR_KEYS)
def test_the_same_label_in_html_tables_and_spreadsheets(key):
    html = labelled(_one_row(key), [key]).columns[0]
    assert html == catalogue.label(key)
    assert (
        exports.csv_text(_one_row(key))
        .splitlines()[0]
        .split(";")[len(exports.LEAD_COLUMNS)]
        .startswith(catalogue.label(key))
    )


def test_spreadsheet_headers_carry_units_from_the_kind():
    assert catalogue.header("funding_total") == "Financements (€)"
    assert catalogue.header("insertion_hours_done") == "Heures d'insertion réalisées (h)"
    assert catalogue.header("durable_rate") == "Taux d'emploi durable"


def test_targets_and_public_labels():
    assert catalogue.TARGETS == {"durable_rate": 0.25, "dynamic_rate": 0.60}
    assert PUBLIC_LABELS["rsa_participants"] == "Allocataires du RSA"
    assert PUBLIC_LABELS["women"] == catalogue.label("women")


def _one_row(key):
    import pandas as pd

    return pd.DataFrame(
        {"Année": [2012], "Périmètre": ["Département"], "Code": [""], "Libellé": ["X"], key: [1.0]}
    )


def test_the_departement_name_comes_from_the_data(tmp_path):
    import shutil

    from iae_eval.data.load import load_dataset

    good = Path(__file__).resolve().parent / "data" / "good"
    data = shutil.copytree(good, tmp_path / "data")
    assert load_dataset(data).departement_name is None
    table = exports.year_table(load_dataset(data), 2012, min_cell=5, diffusion="comite")
    assert table.loc[table["Périmètre"] == "Département", "Libellé"].tolist() == ["Département"]

    (data / "departement.csv").write_text("code,name\n2A,Corse-du-Sud\n", encoding="utf-8")
    dataset = load_dataset(data)
    assert (dataset.departement_code, dataset.departement_name) == ("2A", "Corse-du-Sud")
    table = exports.year_table(dataset, 2012, min_cell=5, diffusion="comite")
    assert table.loc[table["Périmètre"] == "Département", "Libellé"].tolist() == ["Corse-du-Sud"]
