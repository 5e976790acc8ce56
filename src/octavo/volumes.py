"""A print edition too long for one binding, cut into volumes.

Print-on-demand services bind at most so many pages (Amazon KDP: 828 in a paperback,
550 in a hardcover), and a 1,000-review anthology runs to some 3,000. ``[print]
max_pages`` (by default the printer's most, when the manifest names a printer) cuts
the printer's PDF into volumes of at most that many pages, each a complete book: its
own half-title and title page ("Volume 2 of 3"), copyright page (with the volume's
ISBN), contents (its own reviews, then what the other volumes hold), running heads,
folios from 1, and its own indexes and list of contributors, as the volumes of a
collected edition are sold and read one at a time. The front matter's pages (a
foreword) open the first volume; the back matter's pages of text (an afterword) close
the last; the generated pages (indexes, contributors) are in every volume, each for
the reviews it holds.

Where the cuts go is decided from the whole book laid out once (the first pages of
its parts and reviews): at the boundaries between parts, or before a review inside
a part too long for one volume, so that the largest volume is as small as it can be.
Only then is each volume laid out, and a volume that still comes out too long (its
contents or index longer than estimated) makes the cut again with less room.
"""

from __future__ import annotations

import dataclasses
import itertools
import math
import uuid
from collections.abc import Sequence
from dataclasses import dataclass

from .model import (
    AcknowledgmentsPage,
    Anthology,
    BackPage,
    ContributorsPage,
    IndexPage,
    Review,
    Section,
    VolumeInfo,
    VolumeRange,
)
from .printers import printer_named


@dataclass(frozen=True)
class Unit:
    """A stretch of the book that opens a volume or goes whole into one: a review,
    with its part's opening page when it is the part's first."""

    section: int  #: the index of its section
    review: int  #: the index of the review in its section
    pages: int
    opens_part: bool


def max_pages(anthology: Anthology) -> int | None:
    """The most pages of a volume: the manifest's, else the printer's limit."""
    options = anthology.print
    if options.max_pages is not None:
        return options.max_pages
    if options.printer is None:
        return None
    printer = printer_named(options.printer)
    return printer.limits(options.binding, options.paper).most


def units(anthology: Anthology, first_pages: dict[str, int], end: int) -> list[Unit]:
    """The book's reviews with their page counts, from the first page (index from 0)
    of each part and review in the whole book's layout; ``end`` is the first page after
    the last review (where the back matter begins)."""
    starts: list[tuple[int, int, int, bool]] = []
    for s, section in enumerate(anthology.sections):
        for r, review in enumerate(section.reviews):
            opens = r == 0 and anthology.sectioned
            anchor = section.id if opens else review.anchor
            starts.append((s, r, first_pages[anchor], opens))
    found = []
    for index, (s, r, start, opens) in enumerate(starts):
        following = starts[index + 1][2] if index + 1 < len(starts) else end
        found.append(Unit(s, r, max(following - start, 1), opens or not anthology.sectioned))
    return found


def plan(sizes: Sequence[int], cuttable: Sequence[bool], room: int) -> list[int]:
    """Where volumes begin (indexes into ``sizes``, the first always 0): the fewest
    volumes of at most ``room`` pages each, with the largest as small as it can be.

    ``cuttable[i]`` says a volume may begin at unit ``i``. A unit larger than ``room``
    is a volume of its own.
    """
    if not sizes:
        return [0]

    def greedy(limit: int) -> list[int]:
        starts, total, last_cut = [0], 0, 0
        for index, size in enumerate(sizes):
            if index and cuttable[index]:
                last_cut = index
            if index and total + size > limit and last_cut > starts[-1]:
                starts.append(last_cut)
                total = sum(sizes[last_cut:index])
            total += size
        return starts

    fewest = len(greedy(room))
    low, high = max(max(sizes), math.ceil(sum(sizes) / fewest)), room
    if low >= high:
        return greedy(max(low, room))
    while low < high:  # the least limit that needs no more volumes
        middle = (low + high) // 2
        if len(greedy(middle)) <= fewest:
            high = middle
        else:
            low = middle + 1
    return greedy(low)


def cut_points(anthology: Anthology, found: list[Unit], room: int) -> list[bool]:
    """Where a volume may begin: before a part, or before any review of a part that
    does not fit in one volume (and anywhere in a book without parts)."""
    part_pages: dict[int, int] = {}
    for unit in found:
        part_pages[unit.section] = part_pages.get(unit.section, 0) + unit.pages
    return [
        unit.opens_part or not anthology.sectioned or part_pages[unit.section] > room
        for unit in found
    ]


def room_for_reviews(limit: int, front: int, generated: int, fixed_back: int, body: int) -> int:
    """The pages of reviews a volume can hold: the limit, less the pages every volume
    has (title pages, a foreword at most, the back matter's pages of text, two pages
    for a blank before a recto) and its share of the contents and generated back
    matter, which grow with the reviews it holds."""
    fixed = front + fixed_back + 2
    share = 1 + generated / max(body, 1)
    return max(int((limit - fixed) / share), 1)


def volume_anthologies(
    anthology: Anthology, found: list[Unit], starts: list[int], isbns: Sequence[str] = ()
) -> list[Anthology]:
    """Each volume as a book of its own (see the module's docstring)."""
    bounds = [*starts, len(found)]
    pieces = [found[a:b] for a, b in itertools.pairwise(bounds)]
    ranges = tuple(
        VolumeRange(number, *_range_titles(anthology, piece))
        for number, piece in enumerate(pieces, start=1)
    )
    volumes = []
    for number, piece in enumerate(pieces, start=1):
        sections = _sections(anthology, piece)
        ids = {review.id for section in sections for review in section.reviews}
        last = number == len(pieces)
        back = [
            restricted
            for page in anthology.back
            if (restricted := _restricted(page, ids, last)) is not None
        ]
        volumes.append(
            dataclasses.replace(
                anthology,
                sections=tuple(sections),
                front=anthology.front if number == 1 else (),
                back=tuple(back),
                identifier=volume_identifier(anthology.identifier, number),
                isbn=isbns[number - 1] if len(isbns) >= number else anthology.isbn,
                volume=VolumeInfo(number, len(pieces), ranges),
            )
        )
    return volumes


def volume_identifier(identifier: str, number: int) -> str:
    """A volume's own identifier (each PDF has its own document ID): a UUID derived
    from the book's and the volume's number, stable from one build to the next."""
    return f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, f'{identifier}#volume-{number}')}"


def _sections(anthology: Anthology, piece: list[Unit]) -> list[Section]:
    """The sections (or parts of sections) a volume holds, numbered as in the book."""
    chosen: dict[int, list[Review]] = {}
    for unit in piece:
        section = anthology.sections[unit.section]
        chosen.setdefault(unit.section, []).append(section.reviews[unit.review])
    sections = []
    for index, reviews in chosen.items():
        section = anthology.sections[index]
        continued = reviews[0] is not section.reviews[0]
        sections.append(
            dataclasses.replace(
                section,
                reviews=tuple(reviews),
                intro=None if continued else section.intro,
                number=index + 1,
                continued=continued,
            )
        )
    return sections


def _range_titles(anthology: Anthology, piece: list[Unit]) -> tuple[str, str]:
    def title(unit: Unit) -> str:
        section = anthology.sections[unit.section]
        if anthology.sectioned:
            return section.title
        return section.reviews[unit.review].title

    return title(piece[0]), title(piece[-1])


def _restricted(page: BackPage, ids: set[str], last: bool) -> BackPage | None:
    """A back-matter page for a volume holding the reviews ``ids``: a page of text in
    the last volume only; an index or a list of contributors for those reviews."""
    if isinstance(page, IndexPage):
        entries = tuple(
            dataclasses.replace(entry, review_ids=kept)
            for entry in page.entries
            if (kept := tuple(i for i in entry.review_ids if i in ids))
        )
        return dataclasses.replace(page, entries=entries) if entries else None
    if isinstance(page, ContributorsPage):
        people = tuple(
            dataclasses.replace(person, review_ids=kept)
            for person in page.contributors
            if (kept := tuple(i for i in person.review_ids if i in ids))
        )
        return dataclasses.replace(page, contributors=people) if people else None
    if isinstance(page, AcknowledgmentsPage):  # the editor's text, then the volume's credits
        credited = tuple(i for i in page.credited if i in ids)
        return dataclasses.replace(page, credited=credited) if credited or page.body else None
    return page if last else None
