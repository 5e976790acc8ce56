"""What each print-on-demand service asks of the two files it prints from.

A printer is a table of published figures: how thick a page of each paper is (the
spine is the page count times that), how far the cover's art runs past the trim
(bleed) and, for a hardcover, round the boards (wrap and hinge), the page counts it
binds, the inside margin a book of so many pages needs, where the barcode goes and
from how many pages the spine may carry text. Each figure names its source in
docs/printing.md (section "The printers' rules"); they change, so the docs say on
which date they were read.

Lengths here are inches, as the printers publish them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

Paper = Literal["white", "cream", "color"]
Binding = Literal["paperback", "hardcover"]
PrinterName = Literal["kdp", "ingramspark", "generic"]

PAPERS: tuple[Paper, ...] = ("white", "cream", "color")
BINDINGS: tuple[Binding, ...] = ("paperback", "hardcover")
PRINTER_NAMES: tuple[PrinterName, ...] = ("kdp", "ingramspark", "generic")

POINTS_PER_INCH = 72.0
_UNIT_INCHES = {"in": 1.0, "mm": 1 / 25.4, "cm": 1 / 2.54, "pt": 1 / 72, "pc": 1 / 6, "px": 1 / 96}
_LENGTH = re.compile(r"\s*(\d+(?:\.\d+)?)\s*(in|mm|cm|pt|pc|px)?\s*")


def inches(length: str) -> float:
    """A CSS length ("6in", "148mm", "0") in inches."""
    match = _LENGTH.fullmatch(length)
    if match is None:
        raise ValueError(f"'{length}' is not a length such as 6in or 148mm")
    number, unit = match.groups()
    if unit is None and float(number) != 0:
        raise ValueError(f"'{length}' has no unit: write 6in or 148mm")
    return float(number) * _UNIT_INCHES[unit or "in"]


@dataclass(frozen=True)
class Binds:
    """The page counts a printer binds in one binding on one paper."""

    fewest: int
    most: int


@dataclass(frozen=True)
class Printer:
    name: PrinterName
    label: str  #: as a person names it: "Amazon KDP"
    #: inches per page (a leaf is two pages) of each paper
    page_thickness: dict[Paper, float]
    #: the cover's bleed past the trim on each outer edge (paperback)
    bleed: float
    #: a hardcover's case: the art past the trim on every edge (wrap, bleed included),
    #: the hinge on each side of the spine, and what the boards add to the spine
    hardcover_wrap: float
    hardcover_hinge: float
    hardcover_spine_extra: float
    #: the page counts bound, by binding and paper
    binds: dict[tuple[Binding, Paper], Binds]
    #: spine text only from this many pages, this far from each fold
    spine_text_pages: int
    spine_clearance: float
    #: the least inside margin (gutter) for a book of up to N pages: (N, inches), rising
    gutters: tuple[tuple[int, float], ...]
    #: the least outside, top and bottom margin (to the nearest text, folios included)
    outside_margin: float
    #: the barcode's box on the back cover (width, height) and its distance from the
    #: back cover's right and bottom trim edges
    barcode_box: tuple[float, float]
    barcode_inset: float
    #: how far a cover's width may be from the computed one and still be accepted
    cover_tolerance: float
    #: the interior must have an even page count
    even_pages: bool = True
    #: whether the interior's pages have bleed at the spine too: KDP and IngramSpark
    #: want it on the top, bottom and outside edges only (a 6 x 9 in page is
    #: 6.125 x 9.25 in), a printer that imposes pages itself on every side
    spine_bleed: bool = True

    def spine(self, pages: int, paper: Paper, binding: Binding = "paperback") -> float:
        """The spine's width in inches for a book of ``pages`` pages."""
        width = pages * self.page_thickness[paper]
        if binding == "hardcover":
            width += self.hardcover_spine_extra
        return width

    def limits(self, binding: Binding, paper: Paper) -> Binds:
        return self.binds[(binding, paper)]

    def gutter(self, pages: int) -> float:
        """The least inside margin for a book of ``pages`` pages."""
        for most, margin in self.gutters:
            if pages <= most:
                return margin
        return self.gutters[-1][1]

    def spine_has_text(self, pages: int) -> bool:
        return pages >= self.spine_text_pages

    def cover_size(
        self, trim: tuple[float, float], pages: int, paper: Paper, binding: Binding
    ) -> tuple[float, float]:
        """The whole cover wrap (width, height) in inches: back, spine and front with
        bleed (paperback) or with wrap and hinges (hardcover)."""
        width, height = trim
        spine = self.spine(pages, paper, binding)
        if binding == "hardcover":
            edge = self.hardcover_wrap
            return 2 * width + spine + 2 * self.hardcover_hinge + 2 * edge, height + 2 * edge
        return 2 * width + spine + 2 * self.bleed, height + 2 * self.bleed


def _same_limits(
    paperback: tuple[int, int], hardcover: tuple[int, int]
) -> dict[tuple[Binding, Paper], Binds]:
    by_binding: dict[Binding, tuple[int, int]] = {"paperback": paperback, "hardcover": hardcover}
    return {
        (binding, paper): Binds(*counts)
        for binding, counts in by_binding.items()
        for paper in PAPERS
    }


#: Amazon KDP (kdp.amazon.com/help: "Paperback and hardcover cover guidelines",
#: "Set trim size, bleed, and margins", "Print options"): see docs/printing.md.
KDP = Printer(
    name="kdp",
    label="Amazon KDP",
    page_thickness={"white": 0.002252, "cream": 0.0025, "color": 0.002347},
    bleed=0.125,
    hardcover_wrap=0.591,
    hardcover_hinge=0.394,
    hardcover_spine_extra=0.0,
    binds={
        **_same_limits((24, 828), (75, 550)),
        # cream paper is thicker: KDP binds fewer pages of it
        ("paperback", "cream"): Binds(24, 776),
        # premium colour (its paper is the 0.002347 in above); standard colour binds 72-600
        ("paperback", "color"): Binds(24, 828),
    },
    spine_text_pages=79,
    spine_clearance=0.0625,
    gutters=((150, 0.375), (300, 0.5), (500, 0.625), (700, 0.75), (828, 0.875)),
    outside_margin=0.25,
    barcode_box=(2.0, 1.2),
    barcode_inset=0.25,
    cover_tolerance=0.0625,
    spine_bleed=False,
)

#: IngramSpark (its File Creation Guide and cover template generator): see
#: docs/printing.md.
INGRAMSPARK = Printer(
    name="ingramspark",
    label="IngramSpark",
    page_thickness={"white": 0.002252, "cream": 0.0025, "color": 0.002347},
    bleed=0.125,
    hardcover_wrap=0.75,
    hardcover_hinge=0.394,
    hardcover_spine_extra=0.0,
    # 18 pages at least in every binding; at most 1,200 on 50 lb white, 1,050 on 50 lb
    # creme, 900 on the 70 lb white of its colour printing
    binds={
        (binding, paper): Binds(18, {"white": 1200, "cream": 1050, "color": 900}[paper])
        for binding in BINDINGS
        for paper in PAPERS
    },
    spine_text_pages=48,
    spine_clearance=0.0625,
    gutters=((1200, 0.5),),
    outside_margin=0.5,
    barcode_box=(1.75, 1.0),
    barcode_inset=0.25,
    cover_tolerance=0.0625,
    spine_bleed=False,
)

#: Any other printer: the cautious figures most services accept (a cream-paper
#: thickness, the widest KDP gutters), and no page limit of its own.
GENERIC = Printer(
    name="generic",
    label="a generic printer",
    page_thickness={"white": 0.0025, "cream": 0.0025, "color": 0.0025},
    bleed=0.125,
    hardcover_wrap=0.75,
    hardcover_hinge=0.394,
    hardcover_spine_extra=0.0,
    binds=_same_limits((24, 100_000), (24, 100_000)),
    spine_text_pages=100,
    spine_clearance=0.0625,
    gutters=((150, 0.375), (300, 0.5), (500, 0.625), (700, 0.75), (100_000, 0.875)),
    outside_margin=0.25,
    barcode_box=(2.0, 1.2),
    barcode_inset=0.25,
    cover_tolerance=0.0625,
    even_pages=True,
)

PRINTERS: dict[str, Printer] = {p.name: p for p in (KDP, INGRAMSPARK, GENERIC)}


def printer_named(name: str) -> Printer:
    return PRINTERS[name]
