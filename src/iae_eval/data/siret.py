"""SIRET checks: the Luhn checksum a 14-digit SIRET carries.

A SIRET is the 9-digit SIREN of the legal unit followed by the 5-digit NIC of the
establishment; the 14 digits together pass the Luhn checksum (from the right, every
second digit is doubled, 9 subtracted when the double exceeds 9, the sum is a multiple
of 10). The validator uses :func:`luhn_valid`; the sample generator uses
:func:`luhn_check_digit` to make valid fictitious numbers.

(The SIRETs of La Poste's establishments follow another rule; the kit does not need them.)
"""

from __future__ import annotations

SIRET_LENGTH = 14


def _is_ascii_digits(value: str) -> bool:
    return value.isascii() and value.isdigit()


def _luhn_sum(digits: str, *, double_rightmost: bool) -> int:
    """Luhn sum of ``digits``; the rightmost digit is doubled when ``double_rightmost``."""
    total = 0
    for position, char in enumerate(reversed(digits)):
        digit = ord(char) - 48
        if (position % 2 == 0) == double_rightmost:
            digit *= 2
            if digit > 9:
                digit -= 9
        total += digit
    return total


def luhn_valid(value: str) -> bool:
    """True when ``value`` is exactly 14 ASCII digits that pass the Luhn checksum.

    No normalisation is done: spaces, dots or any other character make it invalid.
    """
    if not isinstance(value, str) or len(value) != SIRET_LENGTH or not _is_ascii_digits(value):
        return False
    return _luhn_sum(value, double_rightmost=False) % 10 == 0


def luhn_check_digit(body: str) -> str:
    """The digit to append to ``body`` (ASCII digits) so that the result passes Luhn."""
    if not body or not _is_ascii_digits(body):
        raise ValueError(f"not a string of digits: {body!r}")
    return str((10 - _luhn_sum(body, double_rightmost=True) % 10) % 10)
