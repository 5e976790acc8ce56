"""The cover sheet's plan: where the back, spine and front lie on it (:class:`Wrap`),
what keeps clear of the trim and folds (``SAFETY``), the words of the cover
(:class:`Lines`), and the CSS lengths and boxes the panels are placed with."""

from __future__ import annotations

from dataclasses import dataclass

from ..model import Anthology
from ..printers import Binding, Paper, Printer, inches

#: What keeps clear of the trim, the folds and the hinges, in inches: IngramSpark asks
#: for 0.25 in (KDP for 0.125 in).
SAFETY = 0.25


@dataclass(frozen=True)
class Wrap:
    """Where each part of the sheet lies, in inches from its top left corner."""

    trim: tuple[float, float]  #: one cover's trimmed width and height
    spine: float
    edge: float  #: the bleed (paperback) or the wrap round the boards (hardcover)
    hinge: float  #: the hinge on each side of a hardcover's spine (0 on a paperback)
    front_on_left: bool  #: a right-to-left book

    @property
    def width(self) -> float:
        return 2 * self.trim[0] + self.spine + 2 * self.hinge + 2 * self.edge

    @property
    def height(self) -> float:
        return self.trim[1] + 2 * self.edge

    @property
    def spine_left(self) -> float:
        return self.edge + self.trim[0] + self.hinge

    @property
    def back_left(self) -> float:
        return self.spine_left + self.spine + self.hinge if self.front_on_left else self.edge

    @property
    def front_left(self) -> float:
        return self.edge if self.front_on_left else self.spine_left + self.spine + self.hinge


def wrap_for(
    printer: Printer,
    trim: tuple[float, float],
    pages: int,
    paper: Paper,
    binding: Binding,
    right_to_left: bool,
) -> Wrap:
    hardcover = binding == "hardcover"
    wrap = Wrap(
        trim,
        printer.spine(pages, paper, binding),
        printer.hardcover_wrap if hardcover else printer.bleed,
        printer.hardcover_hinge if hardcover else 0.0,
        right_to_left,
    )
    expected = printer.cover_size(trim, pages, paper, binding)
    # the sheet is the printer's own formula, part by part
    assert abs(wrap.width - expected[0]) < 1e-9, (wrap.width, expected)
    assert abs(wrap.height - expected[1]) < 1e-9, (wrap.height, expected)
    return wrap


def trim_inches(anthology: Anthology) -> tuple[float, float]:
    return inches(anthology.print.size.width), inches(anthology.print.size.height)


@dataclass(frozen=True)
class Lines:
    """The words of the cover: the title lines a volume may change, and the ISBN."""

    title: str
    subtitle: str | None
    #: a line under the title, such as "Volume 2 of 3"
    volume: str | None
    isbn: str | None


def primary_language(language: str) -> str:
    return language.replace("_", "-").split("-")[0].casefold()


def pt(length_in: float) -> str:
    return f"{length_in * 72:.3f}pt"


def css_box(left: float, top: float, width: float, height: float) -> str:
    return f"left: {pt(left)}; top: {pt(top)}; width: {pt(width)}; height: {pt(height)};"
