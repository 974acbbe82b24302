"""Masked values inside sentences: rewritten in words, never a bare sign."""

from __future__ import annotations

import math

import pytest

from iae_eval import wording
from iae_eval.report import report
from iae_eval.sections import exits, key_figures
from indicator_factory import make_dataset, pathway, structure


def test_a_count_in_words():
    assert wording.count_words("rsa_participants", 12) == "12 allocataires du RSA"
    assert wording.count_words("rsa_participants", "< 5") == "moins de 5 allocataires du RSA"
    assert wording.count_words("rsa_participants", "< 10") == "moins de 10 allocataires du RSA"
    assert wording.count_words("rsa_participants", "s") == "un nombre non publié d'allocataires du RSA"
    assert wording.count_words("exits", math.nan, noun="sorties") == "un nombre non publié de sorties"
    assert wording.count_words("participants", 1234) == "1\u202f234 personnes en parcours"


def test_a_rate_not_published_in_words():
    reason = "non publié : moins de 5 sorties en emploi durable"
    assert wording.not_published(reason) == "n'est pas publié (moins de 5 sorties en emploi durable)"
    assert wording.not_published("s") == "n'est pas publié (secret statistique)"


@pytest.mark.parametrize(
    ("sentence", "signs"),
    [
        ("compte 10 personnes en parcours, dont s allocataires du RSA.", ["s"]),
        ("dont < 5 allocataires", ["< 5"]),
        ("dont\u00a0<\u00a05 allocataires", ["< 5"]),
        ("3 support(s) dont l'effectif est inférieur à 5, les sorties s'arrêtent", []),
        ("dont moins de 5 allocataires du RSA", []),
    ],
)
def test_bare_signs_are_found(sentence, signs):
    assert [s.replace("\u00a0", " ") for s in wording.bare_signs(sentence, 5)] == signs


@pytest.fixture(scope="module")
def small():
    """S1: 10 people, 2 of them RSA recipients; 9 exits, 3 of them into durable employment."""
    people = [
        pathway(
            f"P{i}",
            "S1",
            "ACI",
            "2012-01-01",
            *(("2012-10-01", 1 if i < 3 else 7) if i < 9 else ()),
            rsa=i < 2,
        )
        for i in range(10)
    ]
    return make_dataset(structures=[structure("S1", ["ACI"], "T")], participants=people)


def test_sentences_of_the_public_edition_carry_no_sign(small):
    for section in (
        key_figures.structure(report(small, year=2012, structure_id="S1", min_cell=5, diffusion="public")),
        key_figures.departement(report(small, year=2012, min_cell=5, diffusion="public")),
        exits.structure(report(small, year=2012, structure_id="S1", min_cell=5, diffusion="public")),
        exits.departement(report(small, year=2012, min_cell=5, diffusion="public")),
    ):
        sentences = [p.text for p in section.parts if hasattr(p, "text") and isinstance(p.text, str)]
        sentences += [c.alt for c in section.charts.parts]
        assert sentences
        for sentence in sentences:
            assert wording.bare_signs(sentence, 5) == [], sentence
    lead = (
        key_figures.structure(report(small, year=2012, structure_id="S1", min_cell=5, diffusion="public"))
        .parts[0]
        .text
    )
    assert "dont moins de 5 allocataires du RSA" in lead
