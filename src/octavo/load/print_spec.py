"""The ``[print]`` table of ``anthology.toml``: the print edition's trim, bleed,
printer and volumes, as a pydantic model (read by :mod:`.manifest`).
"""

from __future__ import annotations

import re
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from ..isbn import normalize_isbn
from ..printers import Binding, Paper, PrinterName

#: Trim presets (width, height).
TRIMS = {
    "trade": ("6in", "9in"),
    "digest": ("5.5in", "8.5in"),
    "a5": ("148mm", "210mm"),
    "pocket": ("4.25in", "6.87in"),
}

_LENGTH = re.compile(r"\d+(\.\d+)?(in|mm|cm|pt|pc|px)")

#: The standards WeasyPrint can claim for the screen PDF (PDF/X is the printer's PDF).
PdfVariant = Literal[
    "pdf/a-1b", "pdf/a-2b", "pdf/a-3b", "pdf/a-2u", "pdf/a-3u", "pdf/a-4u",
    "pdf/a-1a", "pdf/a-2a", "pdf/a-3a", "pdf/ua-1", "pdf/ua-2",
]  # fmt: skip


class PrintSpec(BaseModel):
    # As every table of the manifest: unknown keys refused, values frozen.
    model_config = ConfigDict(extra="forbid", frozen=True)

    trim: str = "trade"  #: a preset (trade, digest, a5, pocket) or "WIDTH HEIGHT"
    bleed: str = "0.125in"
    marks: bool = False
    recto_starts: bool = True
    pdf_variant: PdfVariant | None = None  #: a PDF/A or PDF/UA claim for the screen PDF
    #: balance page endings: a review's short last page is filled or taken back by
    #: setting the review a touch tighter or looser (see write/balance.py)
    balance: bool = True
    #: the print-on-demand service whose rules the cover, preflight and volumes follow
    printer: PrinterName | None = None
    paper: Paper = "white"
    binding: Binding = "paperback"
    #: the way the spine's text reads (default: as books in the book's language do)
    spine: Literal["top-to-bottom", "bottom-to-top"] | None = None
    #: the barcode's 5-digit price add-on: "51995" ($19.95), "90000" (no price)
    price_code: str | None = None
    #: split the print edition into volumes of at most this many pages (default: the
    #: printer's most for the binding and paper, when a printer is named)
    max_pages: int | None = Field(default=None, ge=48)
    #: each volume's own ISBN, in order, when the print edition is cut into volumes
    volume_isbns: list[str] = Field(default_factory=list)

    @field_validator("volume_isbns")
    @classmethod
    def _volume_isbns(cls, value: list[str]) -> list[str]:
        return [normalize_isbn(isbn) for isbn in value]

    @field_validator("trim")
    @classmethod
    def _trim(cls, value: str) -> str:
        if value in TRIMS:
            return value
        parts = value.split()
        if len(parts) == 2 and all(_LENGTH.fullmatch(part) for part in parts):
            return value
        raise ValueError(
            f"'{value}' is not a trim size: use trade, digest, a5, pocket or a width and a"
            ' height such as "6in 9in"'
        )

    @field_validator("bleed")
    @classmethod
    def _bleed(cls, value: str) -> str:
        if value == "0" or _LENGTH.fullmatch(value):
            return value
        raise ValueError(f"'{value}' is not a length such as 0.125in or 3mm")

    @field_validator("price_code")
    @classmethod
    def _price_code(cls, value: str | None) -> str | None:
        if value is None or re.fullmatch(r"\d{5}", value):
            return value
        raise ValueError(
            f"'{value}' is not a price code: write its 5 digits, the currency first"
            ' ("51995" for $19.95, "90000" for no price)'
        )
