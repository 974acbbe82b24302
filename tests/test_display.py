"""French number formats and the HTML blocks the sections return."""

from __future__ import annotations

import math

import matplotlib.pyplot as plt
import pandas as pd
import pytest

from iae_eval import display, fmt


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (1234, "1\u202f234"),
        (0, "0"),
        (1234567.0, "1\u202f234\u202f567"),
        (None, "—"),
        (math.nan, "—"),
        (pd.NA, "—"),
        ("< 5", "< 5"),
    ],
)
def test_integer(value, text):
    assert fmt.integer(value) == text


def test_percent_euros_hours():
    assert fmt.percent(0.125) == "12,5\u00a0%"
    assert fmt.percent(0.25, 0) == "25\u00a0%"
    assert fmt.percent(None) == "—"
    assert fmt.euros(1234.4) == "1\u202f234\u00a0€"
    assert fmt.hours(12550) == "12\u202f550\u00a0h"
    assert fmt.number(10.114, 2) == "10,11"


def test_figure_embeds_png_with_alt_text_and_closes_the_figure():
    fig, ax = plt.subplots()
    ax.bar(["a", "b"], [1, 2])
    block = display.figure(fig, 'Deux barres : "a" vaut 1', caption="Exemple")
    assert '<img src="data:image/png;base64,' in block.html
    assert 'alt="Deux barres : &quot;a&quot; vaut 1"' in block.html
    assert "<figcaption>Exemple</figcaption>" in block.html
    assert not plt.get_fignums()


def test_figure_without_alt_text_is_refused():
    fig, _ = plt.subplots()
    with pytest.raises(ValueError):
        display.figure(fig, " ")
    plt.close(fig)


def test_table_caption_escaping_and_missing_values():
    block = display.table(
        pd.DataFrame({"Taux": ["12,5 %", None]}, index=["<S1>", "S2"]), caption="Taux & cibles"
    )
    assert block.html.startswith('<table class="dataframe iae-table"><caption>Taux &amp; cibles</caption>')
    assert "&lt;S1&gt;" in block.html and "—" in block.html


def test_blocks_join_and_display_as_html():
    joined = display.join(display.text("a < b"), None, display.note("n"))
    assert joined._repr_html_() == '<p>a &lt; b</p><p class="iae-note">n</p>'
    cards = display.key_figures([("Participants", "452", "2011 : 453"), ("Taux", "28,8 %", None)])
    assert cards.html.count('class="iae-kf"') == 2 and "2011 : 453" in cards.html


def test_text_columns_are_left_aligned_and_number_columns_right_aligned():
    frame = pd.DataFrame(
        {
            "Structure": ["Atelier Un", "Chantier Deux"],
            "Personnes": ["1\u202f234", "< 5"],
            "Taux": ["28,8\xa0%", "s"],
            "Intervalle": ["28,8\xa0% [23,1\u00a0–\u00a035,3]", "—"],
            "Montant": ["1\u202f234\xa0€", "—"],
            "Niveau": ["1 — Faible", "2 — Moyen"],
        }
    )
    assert [display.numeric_column(frame[c]) for c in frame] == [False, True, True, True, True, False]
    assert not display.numeric_column(["—", "s"])  # nothing shown: no number
    html_text = display.table(frame, index=False).html
    assert html_text.count('<td class="iae-text">') == 4 and html_text.count('<th class="iae-num">') == 4
    assert "<td>&lt; 5</td>" in html_text and '<td class="iae-text">Atelier Un</td>' in html_text


def test_a_rate_not_published_leaves_its_column_a_number_column():
    withheld = "non publié : moins de 5 sorties en emploi durable"
    assert display.numeric_column(["28,8\xa0%", withheld, "s"])
    assert not display.numeric_column([withheld, "—"])  # nothing shown: no number
    assert not display.numeric_column(["28,8\xa0%", "publié plus tard"])


@pytest.mark.parametrize(
    ("count", "expected"),
    [
        (0, "0 opération menée"),
        (1, "1 opération menée"),
        (2, "2 opérations menées"),
        (1234, "1\u202f234 opérations menées"),
        ("< 5", "< 5 opérations menées"),
    ],
)
def test_french_plurals(count, expected):
    from iae_eval import fmt

    assert fmt.plural(count, "opération menée", "opérations menées") == expected
