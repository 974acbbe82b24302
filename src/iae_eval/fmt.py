"""French number formats for reports: ``1 234``, ``12,5 %``, ``1 234,50 €``.

Thousands are separated by a narrow no-break space (U+202F), as French typography and
the INSEE do; the percent sign and the euro sign follow a no-break space; a negative number
takes the minus sign (U+2212), not a hyphen. Missing values
(None, NaN) are shown as an em dash. Already-formatted text (e.g. a suppressed ``< 5``)
passes through unchanged.
"""

from __future__ import annotations

from numbers import Number

import pandas as pd

THOUSANDS = "\u202f"
NBSP = "\u00a0"
MISSING = "—"
#: The typographic minus sign (U+2212), not the hyphen.
MINUS = "\u2212"


def is_missing(value: object) -> bool:
    """True for None, NaN, NaT and pandas.NA (a scalar that has no value to show)."""
    if value is None:
        return True
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def number(value: object, decimals: int = 0) -> str:
    """``1234.5`` → ``1 234,5`` (with ``decimals`` digits after the comma)."""
    if is_missing(value):
        return MISSING
    if isinstance(value, str) or not isinstance(value, Number):
        return str(value)
    text = f"{float(value):,.{decimals}f}"
    if text.startswith("-") and not text.strip("-0,."):
        text = text[1:]  # −0,0 is 0,0
    return text.replace(",", THOUSANDS).replace(".", ",").replace("-", MINUS)


def integer(value: object) -> str:
    """``1234`` → ``1 234``."""
    return number(value, 0)


def percent(value: object, decimals: int = 1) -> str:
    """A fraction as a French percentage: ``0.125`` → ``12,5 %``."""
    if is_missing(value):
        return MISSING
    if isinstance(value, str) or not isinstance(value, Number):
        return str(value)
    return number(float(value) * 100, decimals) + NBSP + "%"


def euros(value: object, decimals: int = 0) -> str:
    """``1234.5`` → ``1 235 €``."""
    if is_missing(value):
        return MISSING
    if isinstance(value, str) or not isinstance(value, Number):
        return str(value)
    return number(value, decimals) + NBSP + "€"


def hours(value: object) -> str:
    """``1234.5`` → ``1 235 h``."""
    if is_missing(value):
        return MISSING
    if isinstance(value, str) or not isinstance(value, Number):
        return str(value)
    return number(value, 0) + NBSP + "h"


def plural(count: object, singular: str, plural_form: str) -> str:
    """A count with its noun phrase agreed in French: ``plural(1, "opération menée",
    "opérations menées")`` → ``1 opération menée``; ``3`` → ``3 opérations menées``.

    French takes the singular for 0 and 1 (``0 opération menée``) and the plural from 2 on;
    a count that is not a number (a suppressed ``< 5``) takes the plural."""
    return f"{integer(count)} {plural_word(count, singular, plural_form)}"


def plural_word(count: object, singular: str, plural_form: str) -> str:
    """The noun phrase of :func:`plural` without the count (``opérations menées``)."""
    if isinstance(count, Number) and not is_missing(count) and abs(float(count)) < 2:
        return singular
    return plural_form
