"""Dotted and dashed borders drawn alike on both sides of a spread.

WeasyPrint counts the dots of a dotted border (and the dashes of a dashed one) with
``floor(length / dot / 2)``. A spoiler's dotted rule that spans a whole line measures
272.99999999999994 dots on a left-hand page and 273.00000000000006 on a right-hand
one (the float error of where the line sits), and gets one dot fewer, spaced wider.
The parallel layout moves a page laid out on one side to the other
(:mod:`octavo.write.pdf_sides`): its rules then differed from one pass's by a dot.
The count is taken from the length rounded to a billionth of a dot, on every page.
"""

from __future__ import annotations

import math


def count_dots_alike() -> None:
    """Make WeasyPrint's border drawing count dots and dashes with :func:`steady_floor`
    (idempotent)."""
    from weasyprint.draw import border

    border.floor = steady_floor


def steady_floor(value: float) -> int:
    """``floor``, with a value a float error short of a whole number taken as it."""
    return math.floor(round(value, 9))
