"""The printed cover: back, spine and front on one sheet, as HTML for WeasyPrint.

The sheet is as large as the printer's formula makes it
(:meth:`octavo.printers.Printer.cover_size`): the trimmed wrap is the page, and the
bleed (paperback) or the wrap round the boards (hardcover) is the page's ``bleed``, so
that WeasyPrint writes the trim box round the trimmed wrap and the bleed and media
boxes round the whole sheet. Left to right, a book that opens to the left (English)
reads ``bleed | back | (hinge) | spine | (hinge) | front | bleed``; a right-to-left
book (Hebrew, Arabic) opens the other way, and its front is on the left.

Everything that must not be cut or folded keeps ``SAFETY`` from the trim, from the
spine's folds and, on a hardcover, from the hinges; the spine's own text keeps the
printer's clearance from each fold.

- **Front**: the manifest's ``cover`` image, scaled to cover the front panel and its
  bleed (its resolution is checked there), or the typographic cover of
  :mod:`octavo.render.cover` drawn again as text and rules: the same lines, sizes and
  proportions, set by WeasyPrint in the theme's cover font, sharp at any size.
- **Spine**: title, editors and publisher, when the printer allows text on a spine of
  that many pages; turned to read top to bottom or bottom to top as the book's language
  expects (``SPINE_BOTTOM_TO_TOP``, or ``[print] spine``); a Chinese or Japanese spine
  stands its characters upright, one under the other.
- **Back**: the manifest's ``back_cover`` (Markdown), or short pull quotes of the
  reviews with their critics; the ISBN's barcode in the printer's barcode box.

The modules: :mod:`.cover_sheet` (the sheet's plan, ``SAFETY``, the cover's words),
:mod:`.cover_front`, :mod:`.cover_spine` and :mod:`.cover_back` (the three panels);
this one lays the sheet out as one HTML page (:func:`render_cover_wrap`) and judges
the cover's image and colours.
"""

from __future__ import annotations

import colorsys
import re
import shutil
import subprocess
from dataclasses import dataclass
from functools import cache
from html import escape
from pathlib import Path

from ..barcode import Barcode
from ..model import Anthology
from ..printers import Printer
from ..themes import Theme
from .cover import FONTCONFIG_LANGUAGES, cover_settings, covers
from .cover_back import back_panel
from .cover_front import front_panel
from .cover_sheet import Lines, Wrap, primary_language, pt
from .cover_spine import SPINE_SMALLEST, spine_panel, spine_type_size

#: Pictures want this many pixels per inch where they are printed.
PRINT_PPI = 300


#: Languages whose scripts have no italic: the cover sets them upright.
UPRIGHT_SCRIPTS = frozenset({"he", "yi", "ar", "fa", "ur", "ja", "zh", "ko", "th", "hi"})


@dataclass(frozen=True)
class CoverImage:
    """The user's front cover image: its file, pixels, and the warnings its fit gave."""

    path: Path
    width: int
    height: int


def image_warnings(image: CoverImage, wrap: Wrap) -> tuple[str | None, str | None]:
    """What to say of a cover image covering the front panel and its bleed: too few
    pixels for PRINT_PPI (with the pixels needed), and a shape that gets cropped."""
    area_w, area_h = wrap.trim[0] + wrap.edge, wrap.trim[1] + 2 * wrap.edge
    ppi = min(image.width / area_w, image.height / area_h)
    low = None
    if ppi < PRINT_PPI - 0.5:
        need_w, need_h = round(area_w * PRINT_PPI), round(area_h * PRINT_PPI)
        low = (
            f"the cover image is {image.width} x {image.height} pixels: printed on the"
            f" front cover ({area_w:.3f} x {area_h:.3f} in with its bleed) that is"
            f" {ppi:.0f} pixels per inch, below the {PRINT_PPI} a printer wants; it needs"
            f" {need_w} x {need_h} pixels"
        )
    shape, wanted = image.width / image.height, area_w / area_h
    cropped = None
    if abs(shape - wanted) / wanted > 0.02:
        side = "left and right" if shape > wanted else "top and bottom"
        lost = 1 - min(shape, wanted) / max(shape, wanted)
        cropped = (
            f"the cover image's shape ({image.width} x {image.height}) is not the front"
            f" cover's ({area_w:.3f} x {area_h:.3f} in with its bleed): {lost:.0%} of it"
            f" is cropped at the {side}"
        )
    return low, cropped


def out_of_gamut(colour: str) -> bool:
    """Whether a theme's ``#rrggbb`` colour is one presses cannot print: a vivid,
    bright blue, violet, green or cyan (well outside a CMYK press's gamut, e.g. SWOP or
    FOGRA39), which prints dull. A rough rule: without the printer's ICC profile Octavo
    cannot convert colours exactly (see docs/printing.md)."""
    match = re.fullmatch(r"#?([0-9a-fA-F]{6})", colour.strip())
    if match is None:
        return False
    red, green, blue = (int(match.group(1)[i : i + 2], 16) / 255 for i in (0, 2, 4))
    hue, saturation, value = colorsys.rgb_to_hsv(red, green, blue)
    degrees = hue * 360
    vivid = saturation > 0.75 and value > 0.75
    return vivid and (80 <= degrees <= 300)


def cover_colours(theme: Theme) -> dict[str, str]:
    return cover_settings(theme)[0]


@dataclass(frozen=True)
class CoverHtml:
    """The cover sheet's HTML (its stylesheet inside), and what the spine holds."""

    html: str
    spine_text: bool


@cache
def _script_family(language: str) -> str | None:
    """The family fontconfig picks for a language (as render/cover.py draws it), or
    None without fontconfig: WeasyPrint finds it by name, as it finds any system face."""
    if not (fc_match := shutil.which("fc-match")):
        return None
    tag = language.replace("_", "-").casefold()
    wanted = FONTCONFIG_LANGUAGES.get(tag) or FONTCONFIG_LANGUAGES.get(
        "-".join(tag.split("-")[:2]), tag
    )
    try:
        found = subprocess.run(
            [fc_match, "--format=%{family[0]}", f":lang={wanted}"],
            capture_output=True, text=True, timeout=20, check=True,
        ).stdout.strip()  # fmt: skip
    except (OSError, subprocess.SubprocessError):
        return None
    return found.replace("'", "") or None


def _font_face(name: str, path: Path | None, style: str = "normal") -> str:
    if path is None or not path.is_file():
        return ""
    return (
        f"@font-face {{ font-family: '{name}'; src: url('{path.resolve().as_uri()}');"
        f" font-style: {style}; }}\n"
    )


def render_cover_wrap(
    anthology: Anthology,
    theme: Theme,
    printer: Printer,
    wrap: Wrap,
    lines: Lines,
    pages: int,
    back_html: str | None,
    barcode: Barcode | None,
) -> CoverHtml:
    """The cover sheet as one HTML page laid out at its exact size."""
    colours, font_path, italic_path = cover_settings(theme)
    language = anthology.language
    spine_text = printer.spine_has_text(pages) and spine_type_size(wrap, printer) >= SPINE_SMALLEST
    css = _font_face("OctavoCover", font_path)
    css += _font_face("OctavoCover", italic_path or font_path, "italic")
    texts = [lines.title, lines.subtitle or "", *anthology.editors, anthology.publisher or ""]
    script = None
    if not all(covers((font_path, 0) if font_path else None, text) for text in texts):
        script = _script_family(language)  # the system's face for the book's script
    faces = "'OctavoCover'" + (f", '{script}'" if script else "") + ", serif"
    if primary_language(language) in UPRIGHT_SCRIPTS:
        # their faces have no italic, and a slanted Hebrew or Japanese is a forgery
        css += "body * { font-style: normal !important; }\n"
    width, height = wrap.trim[0] * 2 + wrap.spine + 2 * wrap.hinge, wrap.trim[1]
    direction = "rtl" if wrap.front_on_left else "ltr"
    css += (
        f"@page {{ size: {pt(width)} {pt(height)}; bleed: {pt(wrap.edge)}; margin: 0;"
        f" background: {colours['background']}; }}\n"
        f"html, body {{ margin: 0; padding: 0; }}\n"
        f"body {{ font-family: {faces}; color: {colours['foreground']}; }}\n"
        ".sheet { position: absolute; overflow: visible;"
        f" left: {pt(-wrap.edge)}; top: {pt(-wrap.edge)};"
        f" width: {pt(wrap.width)}; height: {pt(wrap.height)}; }}\n"
        # the sheet is a plan drawn left to right (WeasyPrint misplaces absolute boxes in
        # a right-to-left one); what is written on it runs the book's way
        ".sheet { direction: ltr; }\n"
        f".sheet > * {{ position: absolute; box-sizing: border-box; direction: {direction}; }}\n"
        ".line { white-space: nowrap; text-align: center; }\n"
        # the back's text, in the middle of the space above the barcode
        # (WeasyPrint loses a right-to-left flex container's items: the container is
        # left to right, its one item the book's way)
        ".back-text { display: flex; flex-direction: column; justify-content: center;"
        " direction: ltr; font-size: 11.5pt; line-height: 1.38; }\n"
        f".back-text > div, .spine-text > span {{ direction: {direction}; }}\n"
        ".back-text p { margin: 0 0 0.55em; }\n"
        ".back-text blockquote { margin: 0 0 1.1em; font-style: italic; font-size: 12.5pt; }\n"
        ".back-text .critic { font-style: normal; font-size: 9.5pt; letter-spacing: 0.06em;"
        " text-align: end; font-variant: small-caps; }\n"
    )
    parts = [
        front_panel(anthology, wrap, lines, colours, font_path, italic_path),
        spine_panel(anthology, printer, wrap, lines, font_path) if spine_text else "",
        back_panel(anthology, wrap, back_html, barcode, colours, printer),
    ]
    html = (
        f'<!DOCTYPE html><html lang="{escape(language)}" dir="{direction}"><head>'
        f'<meta charset="utf-8"><title>{escape(lines.title)}</title>'
        f'<style>{css}</style></head><body><div class="sheet">{"".join(parts)}</div>'
        "</body></html>"
    )
    return CoverHtml(html, spine_text)
