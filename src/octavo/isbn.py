"""ISBNs as the manifest gives them: checked, and always made ISBN-13.

An ISBN-13 is 978 or 979 and nine more digits, then a check digit: the digits
weighted 1, 3, 1, 3... must add up to a multiple of 10. An ISBN-10 (nine digits and
a check digit 0-9 or X, weighted 10 down to 1, a multiple of 11) is the same number
as the ISBN-13 that puts 978 before its first nine digits and computes a new check
digit. Hyphens and spaces are how people write them and are dropped.

The number is printed as its 13 digits, without hyphens: where the hyphens go
depends on the ranges the ISBN agency allots to each country and publisher, a
table Octavo does not carry, and a wrongly hyphenated ISBN is worse than none.
"""

from __future__ import annotations

import re

_SEPARATORS = re.compile(r"[\s\-\u2010\u2011\u2012\u2013]+")


class IsbnError(ValueError):
    """An ISBN that is not one, with how to correct it."""

    def __init__(self, message: str, hint: str) -> None:
        super().__init__(message)
        self.hint = hint


def check_digit_13(first_twelve: str) -> str:
    """The check digit of the ISBN-13 that begins with these twelve digits."""
    total = sum(int(digit) * (3 if index % 2 else 1) for index, digit in enumerate(first_twelve))
    return str(-total % 10)


def check_digit_10(first_nine: str) -> str:
    """The check digit (0-9 or X) of the ISBN-10 that begins with these nine digits."""
    total = sum(int(digit) * (10 - index) for index, digit in enumerate(first_nine))
    value = -total % 11
    return "X" if value == 10 else str(value)


def normalize_isbn(text: str) -> str:
    """The ISBN-13 of ``text`` (an ISBN-13 or ISBN-10), as 13 digits.

    Raises :class:`IsbnError` when ``text`` is not a valid ISBN; when only its check
    digit is wrong, the hint gives the right one.
    """
    written = text.strip()
    compact = _SEPARATORS.sub("", written).upper()
    if len(compact) == 10 and re.fullmatch(r"\d{9}[\dX]", compact):
        expected = check_digit_10(compact[:9])
        if compact[9] != expected:
            raise _wrong_check_digit(written, compact[9], expected, 10)
        first = "978" + compact[:9]
        return first + check_digit_13(first)
    if len(compact) == 13 and compact.isdigit():
        if not compact.startswith(("978", "979")):
            raise IsbnError(
                f"'{written}' is not an ISBN: an ISBN-13 begins with 978 or 979",
                "copy the number printed above the book's barcode",
            )
        expected = check_digit_13(compact[:12])
        if compact[12] != expected:
            raise _wrong_check_digit(written, compact[12], expected, 13)
        return compact
    digits = sum(character.isdigit() for character in compact)
    raise IsbnError(
        f"'{written}' is not an ISBN: it has {digits} digits, where an ISBN has 13 (or 10)",
        'write the 13 digits, hyphens allowed, e.g. "978-0-306-40615-7"',
    )


def _wrong_check_digit(written: str, given: str, expected: str, length: int) -> IsbnError:
    return IsbnError(
        f"'{written}' is not a valid ISBN-{length}: its check digit (the last) is {given},"
        f" but its other digits give {expected}",
        f"if the other digits are right, the last one is {expected};"
        " otherwise copy the number again from the publisher's record",
    )
