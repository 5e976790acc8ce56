"""The cover's front panel: the manifest's cover image over the panel and its bleed,
or the typographic cover of :mod:`octavo.render.cover` drawn again as text and rules."""

from __future__ import annotations

from html import escape
from pathlib import Path

from PIL import Image as PillowImage
from PIL import ImageDraw

from ..localisation import Wording
from ..model import Anthology
from .cover import face_for, fit, load_font
from .cover_sheet import Lines, Wrap, css_box, pt

#: The typographic cover's design is drawn on this many pixels of width (render/cover.py).
_DESIGN_WIDTH, _DESIGN_HEIGHT = 1600, 2560


def front_panel(
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
    area = css_box(left, 0, trim_w + wrap.edge, wrap.height)
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
        return css_box(x0 + inset * across, y0 + inset * down,
                    trim_w - 2 * inset * across, trim_h - 2 * inset * down)  # fmt: skip

    outer, inner = frame(margin), frame(margin + 22)
    parts = [
        f'<div style="{outer} border: {pt(6 * across)} solid {accent};"></div>',
        f'<div style="{inner} border: {pt(2 * across)} solid {accent};"></div>',
    ]
    measure = _DESIGN_WIDTH - 2 * margin - 220

    def block(texts: list[str], size: float, top: float, leading: float, style: str) -> str:
        out = []
        for index, text in enumerate(texts):
            y = y0 + (top + index * size * leading) * down
            out.append(
                f'<div class="line" style="{css_box(x0, y, trim_w, size * leading * down)}'
                f" font-size: {pt(size * across)}; line-height: {pt(size * leading * down)};"
                f' {style}">{escape(text)}</div>'
            )
        return "".join(out)

    title = lines.title.upper()
    title_font, title_lines = fit(
        draw, title, face_for(title, font_path, language), 190, measure, 4, weight=500
    )
    size = float(title_font.size)
    top = 620 - (len(title_lines) - 1) * size / 2
    # the design's text is drawn from the top of its line box; CSS centres it in its
    # line: the first line starts a little higher to land where the bitmap's does
    parts.append(block(title_lines, size, top - size * 0.06, 1.12, "font-weight: 500;"))
    top += len(title_lines) * int(size * 1.12) + 70
    rule = css_box(x0 + (_DESIGN_WIDTH / 2 - 160) * across, y0 + top * down, 320 * across, 0)
    parts.append(f'<div style="{rule} border-top: {pt(4 * across)} solid {accent};"></div>')
    top += 110
    if lines.volume:
        parts.append(block([lines.volume], 64, top - 50, 1.3, f"color: {accent};"))
        top += 64 * 1.3 + 20
    if lines.subtitle:
        subtitle_font, subtitle_lines = fit(
            draw,
            lines.subtitle,
            face_for(lines.subtitle, italic_path or font_path, language),
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
        label_size = float(load_font(face_for(label, italic_path or font_path, language), 64).size)
        editors_font, editors_lines = fit(
            draw, editors, face_for(editors, font_path, language), 92, measure, 3, weight=500
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
