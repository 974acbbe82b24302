"""The committee and public editions: banners, legends and the frame each one shows."""

from __future__ import annotations

import pandas as pd
import pytest

from iae_eval import display, editions
from iae_eval.editions import displayed


def test_the_two_editions_and_the_cli_default():
    assert editions.DIFFUSIONS == ("comite", "public")
    assert editions.DEFAULT_DIFFUSION == "comite"
    assert (
        editions.edition("comite").banner
        == "Diffusion restreinte — document de travail du comité de pilotage"
    )
    assert editions.edition("public").banner == "Diffusion publique"
    assert editions.edition(editions.PUBLIC) is editions.PUBLIC


def test_unknown_diffusion_names_the_valid_values():
    with pytest.raises(ValueError, match="diffusion must be comite or public, got 'publique'"):
        editions.edition("publique")
    with pytest.raises(ValueError):
        editions.edition(None)  # type: ignore[arg-type]


@pytest.fixture
def frame() -> pd.DataFrame:
    """Two structures: S1 with 7 entries of which 5 RSA (7 − 5 = 2 revealed) and 3 exits
    (a small count), S2 with enough of everything."""
    return pd.DataFrame(
        {
            "participants": [30, 80], "rsa_participants": [12, 30], "entries": [7, 20], "rsa_entries": [5, 9],
            "exits_emploi_durable": [1, 6], "exits_autre_sortie": [2, 14], "exits_examined": [3, 20],
            "durable_rate": [1 / 3, 0.3],
        },
        index=["S1", "S2"],
    )  # fmt: skip


def test_committee_edition_shows_every_count_and_rate(frame):
    shown = displayed(frame, diffusion="comite", min_cell=5)
    assert shown.loc["S1"].tolist() == [30, 12, 7, 5, 1, 2, 3, pytest.approx(1 / 3)]
    assert not any(isinstance(v, str) for v in shown.to_numpy().ravel())
    assert shown.dtypes.eq(object).all()
    with pytest.raises(TypeError):  # no default edition
        displayed(frame, min_cell=5)  # type: ignore[call-arg]


def test_public_edition_suppresses_and_applies_the_subset_rule(frame):
    shown = displayed(frame, diffusion="public", min_cell=5)
    s1 = shown.loc["S1"].to_dict()
    assert s1["rsa_entries"] == "s"  # 7 − 5 = 2: the subset is masked
    assert s1["entries"] == 7
    assert s1["exits_emploi_durable"] == "< 5" and s1["exits_examined"] == "< 5"
    assert s1["durable_rate"] == "non publié : moins de 5 sorties examinées"
    assert shown.loc["S2"].tolist() == [80, 30, 20, 9, 6, 14, 20, 0.3]  # 20 − 9 = 11: shown


def test_public_edition_with_a_higher_min_cell(frame):
    shown = displayed(frame, diffusion="public", min_cell=10)
    assert shown.at["S2", "exits_emploi_durable"] == "< 10"
    assert shown.at["S2", "rsa_entries"] == "< 10"


def test_public_edition_dont_rsa_rows(frame):
    """The "dont RSA" table: columns are categories, rows all and rsa; durable 7 and 5."""
    exits = pd.DataFrame(
        {"exits_emploi_durable": [7, 5], "exits_autre_sortie": [20, 9]}, index=["all", "rsa"]
    )
    shown = displayed(exits, diffusion="public", min_cell=5, subset_rows={"rsa": "all"})
    assert shown.loc["rsa"].tolist() == ["s", 9]
    assert displayed(exits, diffusion="comite", min_cell=5, subset_rows={"rsa": "all"}).loc[
        "rsa"
    ].tolist() == [5, 9]


def test_legend_is_built_from_min_cell():
    assert editions.legend("comite", 5) is None
    assert editions.legend("public", 5).startswith("« < 5 » : effectif de 1 à 4, masqué")
    text = editions.legend("public", min_cell=10)
    assert "« < 10 » : effectif de 1 à 9" in text and "« s » : valeur masquée" in text


def test_banner_block():
    html = display.banner("comite").html
    assert 'class="iae-diffusion iae-diffusion-comite"' in html and 'role="note"' in html
    assert "Diffusion restreinte — document de travail du comité de pilotage</div>" in html
    assert ">Diffusion publique</div>" in display.banner("public")._repr_html_()
