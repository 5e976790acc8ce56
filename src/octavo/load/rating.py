"""Read a rating in any form the content contract allows."""

from __future__ import annotations

import re

from ..model import GRADES, Rating

_SCORE = re.compile(r"\s*(\d+(?:\.\d+)?)\s*/\s*(\d+(?:\.\d+)?)\s*")
_GRADE = re.compile(r"\s*([A-Da-d][+-]?|[Ff])\s*")


def parse_rating(text: str) -> Rating:
    """Parse ``4/5``, ``3.5/4``, ``7/10`` or a letter grade from ``A+`` to ``F``.

    Raises ``ValueError`` with a sentence that says what was wrong.
    """
    if match := _SCORE.fullmatch(text):
        value, scale = float(match.group(1)), float(match.group(2))
        if scale <= 0:
            raise ValueError(f"the scale of '{text}' must be more than 0")
        if value > scale:
            raise ValueError(f"'{text}' is more than its scale of {match.group(2)}")
        return Rating(text=f"{match.group(1)}/{match.group(2)}", value=value, scale=scale)
    if match := _GRADE.fullmatch(text):
        grade = match.group(1).upper()
        points = len(GRADES) - 1 - GRADES.index(grade)
        return Rating(text=grade, value=points, scale=len(GRADES) - 1, grade=grade)
    raise ValueError(f"'rating' must look like 4/5, 3.5/4 or B+, got '{text}'")


def parse_rating_bound(text: str) -> float:
    """A ``rating_min`` in a section's selection, as a fraction of its scale."""
    return parse_rating(text).fraction
