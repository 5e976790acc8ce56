"""Notes on the page of their call: three fixes to WeasyPrint 70's footnote layout.

The themes float each note to the foot of the page (``float: footnote``) with
``footnote-policy: line``: when a note does not fit below the line that calls it,
that line goes to the next page (with the lines ``widows`` asks for), and its note
with it. WeasyPrint 70 implements the policy (``layout/block.py``,
``_linebox_layout``) but three slips still part a note from its call or leave a hole
at the foot of a page:

- A page whose notes have all been taken off it (a note sent on, or the line that
  called it) keeps the footnote area's margin, padding and border, about a line in
  the themes (``LayoutContext._update_footnote_area``): the lines already set above
  the foot no longer fit, and the whole paragraph moves to the next page.
- Whether the last note overflows the area is asked with a bare ``>``: two equal
  positions reached by different sums differ in the last bit, and a note that fits
  is taken for too long and sent on to the next page.
- When a line overflows the page where ``orphans`` or ``widows`` forbid a break,
  WeasyPrint first sends the page's notes on to the next page to make room for it,
  whatever their ``footnote-policy``; the call stays behind.

:func:`notes_stay_with_calls` replaces the first method with one that gives an empty
area no room (as before the page's first note) and compares with WeasyPrint's own
tolerance (``LayoutContext.overflows``), and makes ``_linebox_layout`` send notes on
to make room only when all the page's notes have ``footnote-policy: auto``; otherwise
the lines break as ``orphans`` and ``widows`` allow. A note too long to fit on any
page below its call is still set on the next page (audit code T702).
"""

from __future__ import annotations

import inspect
import textwrap
from math import inf
from typing import Any

#: The line of ``_linebox_layout`` that decides to send notes on; the version for it.
_ROOM_FOR_A_LINE = "report = not context.in_column and can_break_now and not could_break_before"
_ONLY_AUTO = (
    " and all(note.style['footnote_policy'] == 'auto' for note in context.current_page_footnotes)"
)


def _update_footnote_area(context: Any) -> bool:
    """Lay out the page's notes again, set the room left above them; overflowing?"""
    from weasyprint.formatting_structure import build
    from weasyprint.layout.block import block_level_layout

    area = context.current_footnote_area
    if area.height != "auto" and not context.in_column:
        context.page_bottom += area.margin_height()  # give back the room it took
    area.children = context.current_page_footnotes
    if not area.children:
        area.height = "auto"  # no notes: no room, as on a page that never had any
        return False
    laid_out = block_level_layout(
        context, build.create_anonymous_boxes(area.deepcopy()), -inf, None, area.page
    )[0]
    area.height = laid_out.height
    if not context.in_column:
        context.page_bottom -= laid_out.margin_height()
    last = laid_out.children[-1]
    last_bottom = last.position_y + last.margin_height() - last.margin_bottom
    area_bottom = laid_out.position_y + laid_out.margin_height() - laid_out.margin_bottom
    overflows: bool = context.overflows(area_bottom, last_bottom)
    return overflows


def notes_stay_with_calls() -> None:
    """Apply the three fixes to WeasyPrint's layout (idempotent).

    Raises RuntimeError when WeasyPrint's ``_linebox_layout`` is not the one these
    fixes were written for (pyproject.toml pins WeasyPrint 70).
    """
    from weasyprint.layout import LayoutContext, block

    method: Any = _update_footnote_area
    if getattr(LayoutContext, "_update_footnote_area", None) is not method:
        LayoutContext._update_footnote_area = method
    if getattr(block._linebox_layout, "octavo_notes_stay", False):
        return
    source = textwrap.dedent(inspect.getsource(block._linebox_layout))
    if source.count(_ROOM_FOR_A_LINE) != 1:
        raise RuntimeError(
            "WeasyPrint's _linebox_layout has changed: octavo/write/footnote_area.py"
            " must be written again for it"
        )
    namespace: dict[str, Any] = {}
    code = compile(
        source.replace(_ROOM_FOR_A_LINE, _ROOM_FOR_A_LINE + _ONLY_AUTO), block.__file__, "exec"
    )
    exec(code, vars(block), namespace)  # WeasyPrint's own code, one line changed
    function = namespace["_linebox_layout"]
    function.octavo_notes_stay = True
    block._linebox_layout = function
