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
"""

from __future__ import annotations

import colorsys
import re
import shutil
import subprocess
from dataclasses import dataclass
from functools import cache
from html import escape, unescape
from pathlib import Path

from PIL import Image as PillowImage
from PIL import ImageDraw

from ..localisation import Wording
from ..model import Anthology, Review
from ..printers import Binding, Paper, Printer, inches
from ..themes import Theme
from ..write.barcode import Barcode
from .cover import _FONTCONFIG_LANGUAGES, _covers, _face_for, _fit, _font, _settings
from .pullquotes import words

#: What keeps clear of the trim, the folds and the hinges, in inches: IngramSpark asks
#: for 0.25 in (KDP for 0.125 in).
SAFETY = 0.25
#: Pictures want this many pixels per inch where they are printed.
PRINT_PPI = 300
#: Languages whose books print the spine's title bottom to top (most of continental
#: Europe and Latin America); the others, English, Dutch and the Scandinavian
#: languages among them (ISO 6357, ANSI/NISO Z39.41), top to bottom.
SPINE_BOTTOM_TO_TOP = frozenset(
    {"de", "fr", "it", "es", "pt", "ca", "ru", "uk", "pl", "cs", "sk", "hu", "ro", "bg",
     "hr", "sr", "sl", "el", "tr", "lt", "lv", "et", "gl", "eu"}
)  # fmt: skip
#: Languages whose spines stand their characters upright, one under the other.
SPINE_UPRIGHT = frozenset({"ja", "zh"})
#: The spine's type: its size is this share of the room between the clearances (the
#: face's ascenders and descenders then stay within it), at most SPINE_LARGEST points;
#: a spine whose room gives less than SPINE_SMALLEST points stays plain.
SPINE_SHARE, SPINE_LARGEST, SPINE_SMALLEST = 0.7, 20.0, 5.0
#: Languages whose scripts have no italic: the cover sets them upright.
UPRIGHT_SCRIPTS = frozenset({"he", "yi", "ar", "fa", "ur", "ja", "zh", "ko", "th", "hi"})
#: The typographic cover's design is drawn on this many pixels of width (render/cover.py).
_DESIGN_WIDTH, _DESIGN_HEIGHT = 1600, 2560


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


def spine_reads_up(anthology: Anthology) -> bool:
    """Whether the spine's text reads bottom to top: ``[print] spine``, else the book's
    language's convention."""
    chosen = anthology.print.spine
    if chosen is not None:
        return chosen == "bottom-to-top"
    return _primary(anthology.language) in SPINE_BOTTOM_TO_TOP


def _primary(language: str) -> str:
    return language.replace("_", "-").split("-")[0].casefold()


@dataclass(frozen=True)
class Lines:
    """The words of the cover: the title lines a volume may change, and the ISBN."""

    title: str
    subtitle: str | None
    #: a line under the title, such as "Volume 2 of 3"
    volume: str | None
    isbn: str | None


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
    return _settings(theme)[0]


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
    wanted = _FONTCONFIG_LANGUAGES.get(tag) or _FONTCONFIG_LANGUAGES.get(
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


def _pt(length_in: float) -> str:
    return f"{length_in * 72:.3f}pt"


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
    colours, font_path, italic_path = _settings(theme)
    language = anthology.language
    spine_text = printer.spine_has_text(pages) and spine_type_size(wrap, printer) >= SPINE_SMALLEST
    css = _font_face("OctavoCover", font_path)
    css += _font_face("OctavoCover", italic_path or font_path, "italic")
    texts = [lines.title, lines.subtitle or "", *anthology.editors, anthology.publisher or ""]
    script = None
    if not all(_covers((font_path, 0) if font_path else None, text) for text in texts):
        script = _script_family(language)  # the system's face for the book's script
    faces = "'OctavoCover'" + (f", '{script}'" if script else "") + ", serif"
    if _primary(language) in UPRIGHT_SCRIPTS:
        # their faces have no italic, and a slanted Hebrew or Japanese is a forgery
        css += "body * { font-style: normal !important; }\n"
    width, height = wrap.trim[0] * 2 + wrap.spine + 2 * wrap.hinge, wrap.trim[1]
    direction = "rtl" if wrap.front_on_left else "ltr"
    css += (
        f"@page {{ size: {_pt(width)} {_pt(height)}; bleed: {_pt(wrap.edge)}; margin: 0;"
        f" background: {colours['background']}; }}\n"
        f"html, body {{ margin: 0; padding: 0; }}\n"
        f"body {{ font-family: {faces}; color: {colours['foreground']}; }}\n"
        ".sheet { position: absolute; overflow: visible;"
        f" left: {_pt(-wrap.edge)}; top: {_pt(-wrap.edge)};"
        f" width: {_pt(wrap.width)}; height: {_pt(wrap.height)}; }}\n"
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
        _front(anthology, wrap, lines, colours, font_path, italic_path),
        _spine(anthology, printer, wrap, lines, font_path) if spine_text else "",
        _back(anthology, wrap, back_html, barcode, colours, printer),
    ]
    html = (
        f'<!DOCTYPE html><html lang="{escape(language)}" dir="{direction}"><head>'
        f'<meta charset="utf-8"><title>{escape(lines.title)}</title>'
        f'<style>{css}</style></head><body><div class="sheet">{"".join(parts)}</div>'
        "</body></html>"
    )
    return CoverHtml(html, spine_text)


def _box(left: float, top: float, width: float, height: float) -> str:
    return f"left: {_pt(left)}; top: {_pt(top)}; width: {_pt(width)}; height: {_pt(height)};"


def _front(
    anthology: Anthology,
    wrap: Wrap,
    lines: Lines,
    colours: dict[str, str],
    font_path: Path | None,
    italic_path: Path | None,
) -> str:
    trim_w = wrap.trim[0]
    # the front panel with its bleed on its three outer edges (not the hinge side)
    left = 0.0 if wrap.front_on_left else wrap.front_left
    area = _box(left, 0, trim_w + wrap.edge, wrap.height)
    if anthology.cover is not None:
        url = escape(anthology.cover.path.resolve().as_uri())
        return (
            f'<div class="front-image" style="{area} background: url(\'{url}\') center /'
            ' cover no-repeat;"></div>'
        )
    return _typographic_front(anthology, wrap, lines, colours, font_path, italic_path)


def _typographic_front(
    anthology: Anthology,
    wrap: Wrap,
    lines: Lines,
    colours: dict[str, str],
    font_path: Path | None,
    italic_path: Path | None,
) -> str:
    """The typographic cover of render/cover.py, drawn as text and rules: its design is
    measured on 1600 x 2560 pixels, and each length here is the same share of the front
    panel (widths of its width, heights of its height)."""
    trim_w, trim_h = wrap.trim
    x0, y0 = wrap.front_left, wrap.edge
    across, down = trim_w / _DESIGN_WIDTH, trim_h / _DESIGN_HEIGHT
    language = anthology.language
    draw = ImageDraw.Draw(PillowImage.new("RGB", (1, 1)))
    accent, fg = colours["accent"], colours["foreground"]
    margin = 110

    def frame(inset: float) -> str:
        return _box(x0 + inset * across, y0 + inset * down,
                    trim_w - 2 * inset * across, trim_h - 2 * inset * down)  # fmt: skip

    outer, inner = frame(margin), frame(margin + 22)
    parts = [
        f'<div style="{outer} border: {_pt(6 * across)} solid {accent};"></div>',
        f'<div style="{inner} border: {_pt(2 * across)} solid {accent};"></div>',
    ]
    measure = _DESIGN_WIDTH - 2 * margin - 220

    def block(texts: list[str], size: float, top: float, leading: float, style: str) -> str:
        out = []
        for index, text in enumerate(texts):
            y = y0 + (top + index * size * leading) * down
            out.append(
                f'<div class="line" style="{_box(x0, y, trim_w, size * leading * down)}'
                f" font-size: {_pt(size * across)}; line-height: {_pt(size * leading * down)};"
                f' {style}">{escape(text)}</div>'
            )
        return "".join(out)

    title = lines.title.upper()
    title_font, title_lines = _fit(
        draw, title, _face_for(title, font_path, language), 190, measure, 4, weight=500
    )
    size = float(title_font.size)
    top = 620 - (len(title_lines) - 1) * size / 2
    # the design's text is drawn from the top of its line box; CSS centres it in its
    # line: the first line starts a little higher to land where the bitmap's does
    parts.append(block(title_lines, size, top - size * 0.06, 1.12, "font-weight: 500;"))
    top += len(title_lines) * int(size * 1.12) + 70
    rule = _box(x0 + (_DESIGN_WIDTH / 2 - 160) * across, y0 + top * down, 320 * across, 0)
    parts.append(f'<div style="{rule} border-top: {_pt(4 * across)} solid {accent};"></div>')
    top += 110
    if lines.volume:
        parts.append(block([lines.volume], 64, top - 50, 1.3, f"color: {accent};"))
        top += 64 * 1.3 + 20
    if lines.subtitle:
        subtitle_font, subtitle_lines = _fit(
            draw,
            lines.subtitle,
            _face_for(lines.subtitle, italic_path or font_path, language),
            82,
            measure,
            5,
        )
        parts.append(
            block(subtitle_lines, float(subtitle_font.size), top, 1.3, "font-style: italic;")
        )
    if anthology.editors:
        wording = Wording(language, dict(anthology.labels))
        label, editors = wording.format("Edited by"), wording.names(anthology.editors)
        label_size = float(_font(_face_for(label, italic_path or font_path, language), 64).size)
        editors_font, editors_lines = _fit(
            draw, editors, _face_for(editors, font_path, language), 92, measure, 3, weight=500
        )
        editors_size = float(editors_font.size)
        bottom = _DESIGN_HEIGHT - margin - 260 - len(editors_lines) * editors_size * 1.2
        parts.append(
            block([label], label_size, bottom - 100, 1.2, f"font-style: italic; color: {accent};")
        )
        parts.append(
            block(editors_lines, editors_size, bottom, 1.2, f"font-weight: 500; color: {fg};")
        )
    return "".join(parts)


def spine_type_size(wrap: Wrap, printer: Printer) -> float:
    """The spine title's size in points: as large as the spine's room allows."""
    room = wrap.spine - 2 * printer.spine_clearance
    return min(SPINE_LARGEST, max(0.0, room * 72 * SPINE_SHARE))


def _spine(
    anthology: Anthology,
    printer: Printer,
    wrap: Wrap,
    lines: Lines,
    font_path: Path | None,
) -> str:
    """The spine's text, within the spine less the printer's clearance from each fold,
    and SAFETY from the trim at its head and foot."""
    across = wrap.spine - 2 * printer.spine_clearance
    along = wrap.trim[1] - 2 * SAFETY
    centre_x = wrap.spine_left + wrap.spine / 2
    centre_y = wrap.edge + wrap.trim[1] / 2
    title = lines.title + (f" \u2014 {lines.volume}" if lines.volume else "")
    editors = Wording(anthology.language, dict(anthology.labels)).names(anthology.editors)
    publisher = anthology.publisher or ""
    # (text, its style, its size as a share of the title's, its letter-spacing in ems)
    items = [
        (title.upper(), "font-weight: 500;", 1.0, 0.08),
        (editors, "", 0.86, 0.0),
        (publisher, "font-style: italic;", 0.78, 0.0),
    ]
    items = [item for item in items if item[0]]
    language = _primary(anthology.language)
    if language in SPINE_UPRIGHT:
        upright = [(text, style) for text, style, _, _ in items]
        return _upright_spine(
            upright, across, along, centre_x, centre_y, font_path, anthology.language
        )
    size = spine_type_size(wrap, printer)  # points: the title's size
    draw = ImageDraw.Draw(PillowImage.new("RGB", (1, 1)))

    def length(points: float) -> float:
        """The texts' length at ``points``, with three ems between them, in inches."""
        total = 0.0
        for text, _, scale, spacing in items:
            font = _font(_face_for(text, font_path, anthology.language), 100)
            em = points * scale
            total += draw.textlength(text, font=font) / 100 * em + spacing * em * len(text)
        return (total + 3 * points * (len(items) - 1)) / 72 * 1.04

    while len(items) > 1 and length(max(size * 0.8, 5)) > along:
        items.pop()  # the publisher goes first, then the editors
    while size > 5 and length(size) > along:
        size -= 0.25
    # a line turned a quarter clockwise starts at the head: a left-to-right line that
    # reads top to bottom, or a right-to-left one that reads bottom to top
    clockwise = spine_reads_up(anthology) == (anthology.direction == "rtl")
    spans = "".join(
        f'<span style="{style} font-size: {size * scale:.2f}pt; letter-spacing: {spacing}em;">'
        f"{escape(text)}</span>"
        for text, style, scale, spacing in items
    )
    box = _box(centre_x - along / 2, centre_y - across / 2, along, across)
    # the title at the head, the publisher at the foot, whichever way the line turns
    order = "row" if clockwise else "row-reverse"
    return (
        f'<div class="spine-text" style="{box}'
        f" transform: rotate({'90deg' if clockwise else '-90deg'}); display: flex;"
        f" direction: ltr; flex-direction: {order}; align-items: center;"
        f" justify-content: {'space-between' if len(items) > 1 else 'center'};"
        f' font-size: {size:.2f}pt; line-height: {_pt(across)}; white-space: nowrap;">'
        f"{spans}</div>"
    )


#: Han, kana and the other characters a vertical spine stands upright.
_UPRIGHT = re.compile(r"[\u3000-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef]")


def _upright_spine(
    items: list[tuple[str, str]],
    across: float,
    along: float,
    centre_x: float,
    centre_y: float,
    font_path: Path | None,
    language: str,
) -> str:
    """A spine whose characters stand upright one under the other (Japanese, Chinese):
    each text is a column one character wide (WeasyPrint has no vertical writing mode).
    A text in Latin letters (a publisher's name) lies on its side, turned clockwise, as
    such words are set on a Japanese spine."""
    size = min(14.0, across * 72 * 0.6)  # a column of 1.1 em
    draw = ImageDraw.Draw(PillowImage.new("RGB", (1, 1)))

    def length(text: str, points: float) -> float:
        """The text's length down the spine, in points."""
        if _UPRIGHT.search(text):
            return len(text.replace(" ", "")) * points * 1.08
        font = _font(_face_for(text, font_path, language), 100)
        return draw.textlength(text, font=font) / 100 * points * 1.04

    def total(points: float) -> float:
        return sum(length(text, points) for text, _ in items) + 2 * points * (len(items) - 1)

    while len(items) > 1 and total(size) / 72 > along:
        items.pop()  # the publisher goes first, then the editors
    size = min(size, size * along * 72 / total(size))
    columns = []
    for text, style in items:
        if _UPRIGHT.search(text):
            columns.append(
                f'<div style="{style} width: {size * 1.1:.2f}pt; margin: 0 auto;'
                f' word-break: break-all; line-height: 1.08;">{escape(text.replace(" ", ""))}'
                "</div>"
            )
            continue
        long = length(text, size)
        turned = (
            f"position: absolute; width: {long:.2f}pt; height: {size * 1.2:.2f}pt;"
            f" left: {(across * 72 - long) / 2:.2f}pt; top: {(long - size * 1.2) / 2:.2f}pt;"
            " transform: rotate(90deg); white-space: nowrap; text-align: center;"
            f" line-height: {size * 1.2:.2f}pt;"
        )
        columns.append(
            f'<div style="position: relative; height: {long:.2f}pt;">'
            f'<div style="{style} {turned}">{escape(text)}</div></div>'
        )
    box = _box(centre_x - across / 2, centre_y - along / 2, across, along)
    return (
        f'<div class="spine-text" style="{box}'
        f" display: flex; flex-direction: column; text-align: center;"
        f" justify-content: {'space-between' if len(items) > 1 else 'flex-start'};"
        f' font-size: {size:.2f}pt;">{"".join(columns)}</div>'
    )


@dataclass(frozen=True)
class Quote:
    """A sentence of a review printed on the back, and the review it is from."""

    review: Review
    text: str


#: A review's first sentence: up to its first full stop (or ! ? … 。！？).
_SENTENCE = re.compile(r".+?[.!?\u2026\u3002\uff01\uff1f](?=[\s\u201d\u2019\"]|$)", re.S)
_TAGS = re.compile(r"<[^>]+>")


def first_sentence(review: Review) -> str | None:
    """The first sentence of the review's first paragraph, or None."""
    paragraph = re.search(r"<p\b[^>]*>(.*?)</p>", review.body.html, re.S)
    if paragraph is None:
        return None
    text = " ".join(unescape(_TAGS.sub("", paragraph.group(1))).split())
    found = _SENTENCE.match(text)
    return found.group(0).strip() if found else None


def pull_quotes(anthology: Anthology, most: int = 4, most_words: int = 110) -> list[Quote]:
    """The quotes on the back: the reviews' pull quotes of at most 40 words, the
    shortest first, 2 to ``most`` of them within ``most_words`` words, printed in the
    book's order. When fewer than two reviews have one, the opening sentences of
    others (6 to 30 words) make up the number."""
    quoted = [
        Quote(r, r.pullquote)
        for r in anthology.reviews
        if r.pullquote and len(words(r.pullquote)) <= 40
    ]
    if len(quoted) < 2:
        for review in anthology.reviews:
            sentence = None if review.pullquote else first_sentence(review)
            if sentence and 6 <= len(words(sentence)) <= 30:
                quoted.append(Quote(review, sentence))
    chosen: list[Quote] = []
    total = 0
    for quote in sorted(quoted, key=lambda q: len(words(q.text))):
        count = len(words(quote.text))
        if len(chosen) >= most or (len(chosen) >= 2 and total + count > most_words):
            break
        chosen.append(quote)
        total += count
    order = {review.id: index for index, review in enumerate(anthology.reviews)}
    return sorted(chosen, key=lambda quote: order[quote.review.id])


def quotes_html(anthology: Anthology, quotes: list[Quote], accent: str) -> str:
    """The quotes as the back cover prints them: the quote, then its critic."""
    marks = _quote_marks(anthology.language)
    out = []
    for quote in quotes:
        review = quote.review
        source = review.byline + (f", {review.publication}" if review.publication else "")
        out.append(
            f'<blockquote class="quote"><p>{marks[0]}{escape(quote.text.strip())}{marks[1]}</p>'
            f'<p class="critic" style="color: {accent};">\u2014 {escape(source)}</p>'
            "</blockquote>"
        )
    return "".join(out)


def _quote_marks(language: str) -> tuple[str, str]:
    from ..localisation import quotation_marks

    marks = quotation_marks(language)
    return marks[0], marks[1]


def _back(
    anthology: Anthology,
    wrap: Wrap,
    back_html: str | None,
    barcode: Barcode | None,
    colours: dict[str, str],
    printer: Printer,
) -> str:
    trim_w, trim_h = wrap.trim
    left = wrap.back_left
    top = wrap.edge
    # the barcode box: at the back cover's foot, on its spine side, inset from the trim
    # and from the fold
    box_w, box_h = printer.barcode_box
    inset = printer.barcode_inset
    box_left = left + inset if wrap.front_on_left else left + trim_w - inset - box_w
    box_top = top + trim_h - inset - box_h
    text_bottom = trim_h - inset - box_h - 0.2  # the text stops above the barcode box
    text_box = _box(left + SAFETY + 0.25, top + SAFETY + 0.35, trim_w - 2 * (SAFETY + 0.25),
                    text_bottom - SAFETY - 0.35)  # fmt: skip
    body = back_html if back_html is not None else ""
    parts = [f'<div class="back-text" style="{text_box}"><div>{body}</div></div>']
    if anthology.publisher:
        publisher_left = (
            left + trim_w - SAFETY - 0.25 - 2.2 if wrap.front_on_left else (left + SAFETY + 0.25)
        )
        parts.append(
            f'<div style="{_box(publisher_left, box_top + box_h - 0.3, 2.2, 0.3)}'
            f" font-size: 9pt; letter-spacing: 0.12em; text-transform: uppercase;"
            f" color: {colours['accent']}; text-align: {'end' if wrap.front_on_left else 'start'};"
            f' line-height: 0.3in;">{escape(anthology.publisher)}</div>'
        )
    if barcode is not None:
        # the symbol in its box's spine-side corner, on a white ground
        x = box_left if wrap.front_on_left else box_left + box_w - barcode.width
        y = box_top + box_h - barcode.height
        parts.append(
            f'<div class="barcode" style="{_box(x, y, barcode.width, barcode.height)}">'
            f"{barcode.svg}</div>"
        )
    return "".join(parts)
