"""A first-line indent on the side a right-to-left paragraph starts from.

WeasyPrint 70 lays out a right-to-left line from the right edge of its block, then
moves it into place by its width; but it adds ``text-indent`` to the line's starting
point as in a left-to-right line, so an indented Hebrew or Arabic paragraph is
indented on the left and flush on the right, the wrong way round.

:func:`indent_right_to_left` wraps WeasyPrint's ``text_align`` (the offset a line is
moved by, which the caller turns round for a right-to-left line) so that a
right-to-left line with an indent is moved by the indent too: its text then ends the
indent's width short of the right edge, and justification, which has already spread
the line over the same width, is unchanged.
"""

from __future__ import annotations

from typing import Any


def indent_right_to_left() -> None:
    """Apply the fix to WeasyPrint's inline layout (idempotent)."""
    from weasyprint.layout import inline

    original = inline.text_align
    if getattr(original, "octavo_right_to_left", False):
        return

    def text_align(context: Any, line: Any, available_width: float, last: bool) -> float:
        offset: float = original(context, line, available_width, last)
        indent = getattr(line, "text_indent", 0) or 0
        if indent and line.style["direction"] == "rtl":
            # the caller takes ``-offset - line.width`` for a right-to-left line
            offset += indent
        return offset

    text_align.octavo_right_to_left = True  # type: ignore[attr-defined]
    inline.text_align = text_align
