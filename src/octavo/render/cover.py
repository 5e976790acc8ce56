"""Draw a typographic cover when the manifest names no cover image.

The cover is a real image (1600 x 2560 pixels, the size e-book stores ask for),
set in the theme's own font and colours from its ``theme.toml`` ``[cover]`` table:
title, subtitle and editors, with a rule and a frame. "Edited by" and the list of
editors are in the book's words (its ``language`` and ``[labels]``, as the templates'
``_()``). Where the theme's cover face lacks a line's script (a Japanese title or
"Edited by" in EB Garamond), the system's face for the book's language draws that
line, found through fontconfig, so that it is not drawn as empty boxes.
"""

from __future__ import annotations

import contextlib
import io
import shutil
import subprocess
from functools import cache
from pathlib import Path

from fontTools.ttLib import TTFont  # type: ignore[import-untyped]
from PIL import Image, ImageDraw, ImageFont

from ..errors import BuildError
from ..localisation import Wording
from ..model import Anthology
from ..themes import Theme, theme_file

WIDTH, HEIGHT = 1600, 2560
_DEFAULTS = {
    "background": "#1f2a36",
    "foreground": "#f3ecdd",
    "accent": "#c9a45c",
}


def cover_settings(theme: Theme) -> tuple[dict[str, str], Path | None, Path | None]:
    """Colours and font files from the nearest theme that sets them."""
    colours = dict(_DEFAULTS)
    font: Path | None = None
    italic: Path | None = None
    for folder, settings in reversed(list(zip(theme.folders, theme.settings, strict=True))):
        table = settings.get("cover")
        if not isinstance(table, dict):
            continue
        for key in colours:
            if isinstance(table.get(key), str):
                colours[key] = table[key]
        if isinstance(table.get("font"), str):
            font = theme_file(folder, table["font"])
        if isinstance(table.get("italic_font"), str):
            italic = theme_file(folder, table["italic_font"])
    return colours, font, italic


#: A face in a file: its path and its index in a collection (.ttc), or no face at all.
Face = tuple[Path, int] | None


def load_font(face: Path | Face, size: int, weight: int = 400) -> ImageFont.FreeTypeFont:
    path, index = face if isinstance(face, tuple) else (face, 0)
    if path is None or not path.is_file():
        fallback = ImageFont.load_default(size)
        if isinstance(fallback, ImageFont.FreeTypeFont):
            return fallback
        raise BuildError("the theme names no cover font, and Pillow has no scalable default")
    font = ImageFont.truetype(str(path), size, index=index)
    with contextlib.suppress(OSError):  # not a variable font: use it as it is
        font.set_variation_by_axes([weight])
    return font


@cache
def _characters(path: Path, index: int) -> frozenset[int]:
    """The code points a face has glyphs for (none when it cannot be read)."""
    try:
        with TTFont(str(path), fontNumber=index, lazy=True) as font:
            return frozenset(font.getBestCmap() or {})
    except Exception:  # an unreadable face covers nothing
        return frozenset()


def covers(face: Face, text: str) -> bool:
    if face is None or not face[0].is_file():
        return False
    characters = _characters(*face)
    return all(ord(character) in characters for character in text if not character.isspace())


@cache
def _system_face(language: str) -> Face:
    """The face fontconfig picks for a language, or None without fontconfig."""
    if not (fc_match := shutil.which("fc-match")):
        return None
    try:
        found = subprocess.run(
            [fc_match, "--format=%{file}\n%{index}", f":lang={language}"],
            capture_output=True, text=True, timeout=20, check=True,
        ).stdout.split("\n")  # fmt: skip
        return Path(found[0]), int(found[1])
    except (OSError, subprocess.SubprocessError, ValueError, IndexError):
        return None


#: fontconfig's name for a BCP 47 language with a script or region of its own.
FONTCONFIG_LANGUAGES = {"zh-hant": "zh-tw", "zh-hans": "zh-cn", "zh": "zh-cn"}


def face_for(text: str, preferred: Path | None, language: str) -> Face:
    """The theme's face if it has every character of ``text``, else the system's face
    for the book's language if that has them, else the theme's (drawn as it can)."""
    theme_face: Face = (preferred, 0) if preferred else None
    if covers(theme_face, text):
        return theme_face
    tag = language.replace("_", "-").casefold()
    wanted = FONTCONFIG_LANGUAGES.get(tag) or FONTCONFIG_LANGUAGES.get(
        "-".join(tag.split("-")[:2]), tag
    )
    system = _system_face(wanted)
    return system if covers(system, text) else theme_face


def _wrap(
    draw: ImageDraw.ImageDraw, text: str, font: ImageFont.FreeTypeFont, width: int
) -> list[str]:
    lines: list[str] = []
    for word in text.split():
        candidate = f"{lines[-1]} {word}" if lines else word
        if lines and draw.textlength(candidate, font=font) <= width:
            lines[-1] = candidate
        else:
            lines.append(word)
    return lines


def fit(
    draw: ImageDraw.ImageDraw,
    text: str,
    path: Path | Face,
    size: int,
    width: int,
    max_lines: int,
    weight: int = 400,
) -> tuple[ImageFont.FreeTypeFont, list[str]]:
    """The largest font size up to ``size`` at which ``text`` fits in ``max_lines``."""
    while True:
        font = load_font(path, size, weight)
        lines = _wrap(draw, text, font, width)
        fits = all(draw.textlength(line, font=font) <= width for line in lines)
        if (len(lines) <= max_lines and fits) or size <= 40:
            return font, lines
        size -= 6


def _centred(
    draw: ImageDraw.ImageDraw, lines: list[str], font: ImageFont.FreeTypeFont, top: int,
    fill: str, leading: float,
) -> int:  # fmt: skip
    size = font.size
    for line in lines:
        width = draw.textlength(line, font=font)
        draw.text(((WIDTH - width) / 2, top), line, font=font, fill=fill)
        top += int(size * leading)
    return top


def draw_cover(anthology: Anthology, theme: Theme) -> bytes:
    """The cover as JPEG bytes."""
    colours, font_path, italic_path = cover_settings(theme)
    language = anthology.language
    image = Image.new("RGB", (WIDTH, HEIGHT), colours["background"])
    draw = ImageDraw.Draw(image)
    margin = 110
    draw.rectangle(
        (margin, margin, WIDTH - margin, HEIGHT - margin), outline=colours["accent"], width=6
    )
    draw.rectangle(
        (margin + 22, margin + 22, WIDTH - margin - 22, HEIGHT - margin - 22),
        outline=colours["accent"],
        width=2,
    )
    measure = WIDTH - 2 * margin - 220
    title = anthology.title.upper()
    title_face = face_for(title, font_path, language)
    title_font, title_lines = fit(draw, title, title_face, 190, measure, 4, weight=500)
    top = 620 - (len(title_lines) - 1) * int(title_font.size) // 2
    top = _centred(draw, title_lines, title_font, top, colours["foreground"], 1.12)
    top += 70
    draw.line(((WIDTH / 2 - 160, top), (WIDTH / 2 + 160, top)), fill=colours["accent"], width=4)
    top += 110
    if anthology.subtitle:
        subtitle_face = face_for(anthology.subtitle, italic_path or font_path, language)
        subtitle_font, subtitle_lines = fit(draw, anthology.subtitle, subtitle_face, 82, measure, 5)
        _centred(draw, subtitle_lines, subtitle_font, top, colours["foreground"], 1.3)
    if anthology.editors:
        wording = Wording(anthology.language, dict(anthology.labels))
        label, editors = wording.format("Edited by"), wording.names(anthology.editors)
        label_font = load_font(face_for(label, italic_path or font_path, language), 64)
        editors_font, editors_lines = fit(
            draw, editors, face_for(editors, font_path, language), 92, measure, 3, weight=500
        )
        bottom = HEIGHT - margin - 260 - len(editors_lines) * int(editors_font.size * 1.2)
        _centred(draw, [label], label_font, bottom - 100, colours["accent"], 1.2)
        _centred(draw, editors_lines, editors_font, bottom, colours["foreground"], 1.2)
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=88, optimize=True, progressive=False)
    return buffer.getvalue()
