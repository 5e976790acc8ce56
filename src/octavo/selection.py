"""Which reviews a section of the manifest holds, and in what order.

A section names its reviews by ``include`` (files and globs, relative to the manifest)
and ``select`` (tags, kind, reviewer, a year range, a lowest rating), and orders them
by ``sort``. Mistakes are reported on the manifest's line (``inputs.error``).
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING

from .diagnostics import shown_path
from .indexes import name_sort_key, title_sort_key
from .load.manifest import SectionSpec, Select
from .load.rating import parse_rating
from .model import Review

if TYPE_CHECKING:
    from .collect import Inputs


def section_files(inputs: Inputs, index: int, spec: SectionSpec) -> list[Path]:
    """The files a section's ``include`` names, in order, each once."""
    paths: list[Path] = []
    for pattern_index, pattern in enumerate(spec.include or []):
        paths.extend(glob_reviews(inputs, pattern, ("sections", index, "include", pattern_index)))
    return list(dict.fromkeys(Path(os.path.abspath(path)) for path in paths))


def glob_reviews(inputs: Inputs, pattern: str, location: tuple[str | int, ...]) -> list[Path]:
    root = inputs.root
    if Path(pattern).is_absolute() or re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*:", pattern):
        inputs.error(
            "M105",
            location,
            f"'{pattern}' must be a path relative to the manifest's folder",
            "write it as reviews/name.md",
        )
        return []
    if not pattern or pattern.endswith("/") or PurePosixPath(pattern).name in ("", ".", ".."):
        inputs.error(
            "M105",
            location,
            f"'{pattern}' names a folder, not review files",
            "name the files, e.g. reviews/*.md",
        )
        return []
    try:
        matches = sorted(p for p in root.glob(pattern) if p.is_file())
    except (ValueError, OSError, IndexError) as error:  # ".", "a**": patterns pathlib refuses
        inputs.error(
            "M105",
            location,
            f"'{pattern}' is not a usable pattern ({error})",
            "name files, or use * and ** as whole path parts: reviews/**/*.md",
        )
        return []
    if not matches:
        inputs.error(
            "M105",
            location,
            f"no file matches {pattern}",
            "check the file name; paths are relative to the folder of anthology.toml",
        )
    reviews = []
    for path in matches:
        if path.suffix.lower() == ".md":
            reviews.append(path)  # one outside the anthology is refused when it is read
        else:
            inputs.error(
                "M111",
                location,
                f"{shown_path(path, root)} is not a Markdown review (.md)",
                "include only review files, e.g. reviews/*.md",
            )
    return reviews


def choose(
    inputs: Inputs,
    index: int,
    spec: SectionSpec,
    library: dict[Path, Review],
    included: list[Path],
) -> list[Review]:
    if spec.include is not None:
        chosen = [library[path.resolve()] for path in included if path.resolve() in library]
        if spec.select is not None:
            test = _selector(inputs, index, spec.select)
            chosen = [review for review in chosen if test(review)]
        return chosen
    assert spec.select is not None
    test = _selector(inputs, index, spec.select)
    folder = inputs.reviews_folder.resolve()
    return [r for path, r in library.items() if path.is_relative_to(folder) and test(r)]


def _selector(inputs: Inputs, index: int, select: Select) -> Callable[[Review], bool]:
    tests: list[Callable[[Review], bool]] = []
    location: tuple[str | int, ...] = ("sections", index, "select")
    if select.tags:
        wanted = {tag.lower() for tag in select.tags}
        tests.append(lambda r: bool(wanted & set(r.tags)))
    if select.kind:
        kinds = {k.lower() for k in _as_list(select.kind)}
        tests.append(lambda r: r.work.kind in kinds)
    if select.reviewer:
        names = {n.casefold() for n in _as_list(select.reviewer)}
        tests.append(lambda r: any(name.casefold() in names for name in r.reviewers))
    if select.year is not None:
        low, high = _year_range(inputs, location, select.year)
        tests.append(lambda r: r.work.year is not None and low <= r.work.year <= high)
    if select.rating_min is not None:
        try:
            floor = parse_rating(select.rating_min).fraction
        except ValueError as error:
            inputs.error("M104", location, f"rating_min: {error}", 'e.g. rating_min = "3/5"')
            floor = 0.0
        tests.append(lambda r: r.rating is not None and r.rating.fraction >= floor - 1e-9)
    return lambda review: all(test(review) for test in tests)


def _year_range(
    inputs: Inputs, location: tuple[str | int, ...], year: str | int
) -> tuple[int, int]:
    if isinstance(year, int):
        return year, year
    if match := re.fullmatch(r"\s*(\d{4})\s*(?:\.\.\s*(\d{4}))?\s*", year):
        low = int(match.group(1))
        return low, int(match.group(2) or low)
    inputs.error("M104", location, f"year: '{year}' is not a year or a range", 'e.g. "1920..1929"')
    return 0, 0


def _as_list(value: str | list[str]) -> list[str]:
    return [value] if isinstance(value, str) else value


def _sort_key(order: str, language: str) -> Callable[[Review], tuple[object, ...]]:
    """How a section's ``sort`` orders reviews; titles and bylines by the book's language."""

    def title(review: Review) -> bytes:
        return title_sort_key(review.sort_title, language)

    keys: dict[str, Callable[[Review], tuple[object, ...]]] = {
        "title": lambda r: (title(r),),
        "year": lambda r: (r.work.year is None, r.work.year or 0, title(r)),
        "published": lambda r: (r.published is None, r.published or 0, title(r)),
        # best first; unrated last
        "rating": lambda r: (
            r.rating is None,
            -(r.rating.fraction if r.rating else 0),
            title(r),
        ),
        "reviewer": lambda r: (name_sort_key(r.byline, language), title(r)),
    }
    return keys[order]


def sort_reviews(reviews: list[Review], order: str, language: str) -> list[Review]:
    if order == "manual":
        return reviews
    return sorted(reviews, key=_sort_key(order, language))
