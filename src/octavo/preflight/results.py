"""What a preflight is made of: the result of one rule and of them all, the codes and
where each printer states its rules, and how lengths and pages are shown in them."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Literal

from ..diagnostics import Diagnostic, shown_path
from ..printers import POINTS_PER_INCH, Binding, Paper, Printer

Status = Literal["passed", "failed", "skipped"]
#: A box in PDF points: left, bottom, right, top.
Box = tuple[float, float, float, float]

#: The codes of the printer's rules begin so (P801-P808).
PREFLIGHT_PREFIX = "P8"
PREFLIGHT_CODES = tuple(f"P80{n}" for n in range(1, 9))

#: Where each printer states each rule, in short (docs/printing.md, "The printers'
#: rules", gives the pages in full and the date they were read).
SOURCES: dict[str, dict[str, str]] = {
    "kdp": {
        "pages": "KDP Help, Print Options",
        "margins": "KDP Help, Set Trim Size, Bleed, and Margins",
        "boxes": "KDP Help, Set Trim Size, Bleed, and Margins",
        "files": "KDP Help, Paperback Submission Guidelines",
        "cover": "KDP Help, Paperback and Hardcover Cover Guidelines",
    },
    "ingramspark": {
        "pages": "IngramSpark File Creation Guide, trim sizes and page counts",
        "margins": "IngramSpark File Creation Guide, margins",
        "boxes": "IngramSpark File Creation Guide, bleed",
        "files": "IngramSpark File Creation Guide, fonts and images",
        "cover": "IngramSpark cover template generator",
    },
    "generic": {
        "pages": "Octavo's generic printer (docs/printing.md)",
        "margins": "Octavo's generic printer: KDP's gutters (docs/printing.md)",
        "boxes": "PDF/X-4 (ISO 15930-7): TrimBox and BleedBox",
        "files": "PDF/X-4 (ISO 15930-7): fonts embedded; 300 ppi, common print practice",
        "cover": "Octavo's generic printer (docs/printing.md)",
    },
}

#: A margin this much under the printer's figure still passes: the rounding of the
#: layout's points, not a margin anyone could see.
MARGIN_SLACK = 0.005
#: How far a page box may be from the computed one (inches): half a point.
BOX_SLACK = 0.5 / POINTS_PER_INCH


@dataclass(frozen=True)
class RuleResult:
    """One rule, held against the files: what was measured, what the printer asks."""

    code: str  #: P801...
    rule: str  #: "page count"
    status: Status
    measured: str  #: "10 pages"
    required: str  #: "24 to 828 pages for a paperback on white paper"
    source: str  #: where the printer says so, in short
    hint: str | None = None  #: how to fix it, when it failed
    path: Path | None = None  #: the file to fix, when there is one
    page: int | None = None  #: the page (from 1) measured or at fault

    @property
    def failed(self) -> bool:
        return self.status == "failed"

    @property
    def line(self) -> str:
        """``rule: measured (required: ...) [source]``, as the report prints it."""
        return f"{self.rule}: {self.measured} (required: {self.required}) [{self.source}]"

    def diagnostic(self) -> Diagnostic:
        return Diagnostic(self.code, self.line, self.path, hint=self.hint)


@dataclass(frozen=True)
class Preflight:
    """Every rule of one printer, held against one book's printer's PDF and cover."""

    printer: Printer
    binding: Binding
    paper: Paper
    trim: tuple[float, float]  #: inches
    pages: int
    results: tuple[RuleResult, ...]
    #: (number, count) of the volume checked, when the book is printed in several
    volume: tuple[int, int] | None = None

    @property
    def heading(self) -> str:
        width, height = self.trim
        return (
            f"Preflight for {self.printer.label}{self._of_volume(', ')}: {self.binding},"
            f" {self.paper} paper, trim {size_in_inches(width, height)}, {self.pages} pages"
        )

    def _of_volume(self, before: str = "", after: str = "") -> str:
        if self.volume is None:
            return ""
        return f"{before}volume {self.volume[0]} of {self.volume[1]}{after}"

    @property
    def failed(self) -> list[RuleResult]:
        return [result for result in self.results if result.failed]

    def diagnostic(self, result: RuleResult) -> Diagnostic:
        """A failed rule as ``check`` reports it (naming the volume, if there are some)."""
        found = result.diagnostic()
        return replace(found, message=self._of_volume(after=": ") + found.message)

    def diagnostics(self) -> list[Diagnostic]:
        """The failed rules as errors, for ``check``'s report."""
        return [self.diagnostic(result) for result in self.failed]

    def as_json(self, root: Path) -> dict[str, Any]:
        width, height = self.trim
        return {
            "volume": self.volume[0] if self.volume else None,
            "printer": self.printer.name,
            "binding": self.binding,
            "paper": self.paper,
            "trim": [round(width, 4), round(height, 4)],
            "pages": self.pages,
            "passed": not self.failed,
            "rules": [
                {
                    "code": r.code,
                    "rule": r.rule,
                    "status": r.status,
                    "measured": r.measured,
                    "required": r.required,
                    "source": r.source,
                    "page": r.page,
                    "file": shown_path(r.path, root) if r.path else None,
                    "hint": r.hint,
                }
                for r in self.results
            ],
        }


def in_inches(value: float, places: int = 3) -> str:
    """0.375 -> '0.375 in', 0.8 -> '0.8 in'."""
    return _number(value, places) + " in"


def _number(value: float, places: int = 3) -> str:
    shown = f"{value:.{places}f}".rstrip("0").rstrip(".")
    return "0" if shown in ("", "-0") else shown


def size_in_inches(width: float, height: float) -> str:
    return f"{_number(width)} x {_number(height)} in"


def page_named(index: int, labels: Sequence[str]) -> str:
    """'page 7 (vii)': the page's place in the file, and its folio when it differs."""
    label = labels[index] if index < len(labels) else ""
    return f"page {index + 1}" + (f" (folio {label})" if label and label != str(index + 1) else "")
