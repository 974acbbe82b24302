"""Counts and rates inside French sentences, as the edition shows them (docs/editions.md).

A table may show a withheld count as ``< 5`` or ``s``; a sentence never does. In a sentence:

- a count reads with its noun: "12 allocataires du RSA";
- a small count (``< 5``) reads "moins de 5 allocataires du RSA";
- a count withheld so that a small one cannot be recomputed (``s``, or NaN in a frame of
  drawable numbers) reads "un nombre non publié d'allocataires du RSA";
- a rate not published reads with its reason: "n'est pas publié (moins de 5 sorties en emploi
  durable)".

:func:`count_words` and :func:`not_published` are the helpers the sections call;
:func:`bare_signs` tells whether a sentence still carries a sign of its own (tests).
"""

from __future__ import annotations

import math
import re
from numbers import Number

from iae_eval import fmt
from iae_eval.indicators import catalogue
from iae_eval.indicators.suppress import MASKED_TEXT, NOT_PUBLISHED

_SMALL = re.compile(r"^<\s*(\d+)$")
_VOWELS = tuple("aàâeéèêiîoôuûyhAÉEIOUYH")


def _of(noun: str) -> str:
    """ "de" before ``noun``, elided before a vowel ("d'allocataires")."""
    return f"d'{noun}" if noun.startswith(_VOWELS) else f"de {noun}"


def count_words(key: str, value: object, *, noun: str | None = None) -> str:
    """The count ``value`` of indicator ``key`` (as the edition shows it) with its noun, ready
    for a sentence. ``noun`` replaces the catalogue's ("allocataires du RSA")."""
    noun = noun or catalogue.noun(key)
    if isinstance(value, str):
        small = _SMALL.match(value.replace("\u00a0", " ").strip())
        if small:
            return f"moins de {small[1]} {noun}"
        return f"un nombre non publié {_of(noun)}"
    if value is None or (isinstance(value, Number) and math.isnan(float(value))):
        return f"un nombre non publié {_of(noun)}"
    return f"{fmt.integer(value)} {noun}"


def not_published(text: str) -> str:
    """A rate withheld in a sentence: ``n'est pas publié (moins de 5 sorties en emploi durable)``,
    from the table's text ``non publié : moins de 5 sorties en emploi durable`` (or a sign)."""
    prefix = f"{NOT_PUBLISHED} : "
    if text.startswith(prefix):
        return f"n'est pas publié ({text[len(prefix) :]})"
    return "n'est pas publié (secret statistique)"


def bare_signs(sentence: str, min_cell: int) -> list[str]:
    """The signs a sentence carries as words of their own (``s``, ``< 5``): none is allowed."""
    plain = sentence.replace("\u00a0", " ").replace("\u202f", " ")
    plain = re.sub(r"(?<=\w)\(s\)", "", plain)  # a plural mark: "support(s)"
    found = re.findall(rf"<\s*{min_cell}\b", plain)
    found += re.findall(r"(?<![\w'’-])" + re.escape(MASKED_TEXT) + r"(?![\w'’-])", plain)
    return found
