"""Preflight: the printer's PDF and the cover, held against one printer's rules.

A print-on-demand service refuses a file (or prints it badly) for a handful of
reasons it publishes: too few or too many pages, text too near the fold or the
edge, missing trim or bleed boxes, fonts it would have to substitute, pictures too
coarse, an odd page count, a cover whose width does not fit the spine. Each rule
here is one small function that measures the thing itself on the laid-out PDF (the
margins are measured from the trim to the nearest text or picture on each page, not
read from the theme's CSS, so a running head or a wide table counts) and returns a
:class:`RuleResult`: what was measured, what the printer asks for, how to fix it
and where the printer says so. :func:`preflight` runs them all into a
:class:`Preflight`, whose failed rules are the errors ``octavo check`` reports
(codes P801-P808, docs/checking.md; the sources in docs/printing.md).

======  ===============================================================
P801    the page count is outside what the printer binds
P802    the inside margin (gutter) is narrower than the page count needs
P803    the outside, top or bottom margin is narrower than the printer's
P804    a page's trim box is not the trim, or its bleed box not the bleed
P805    a font is not embedded
P806    a picture is printed below 300 pixels per inch
P807    the page count is odd
P808    the cover's size is not the computed wrap
======  ===============================================================

The package: :mod:`.results` (a rule's result, a whole preflight, the codes and the
printers' sources), :mod:`.margins` (the margins measured, P802 and P803),
:mod:`.rules` (the other rules) and :mod:`.run` (:func:`preflight`,
:func:`preflight_book`).
"""

from __future__ import annotations

from .margins import (
    Margin,
    Margins,
    Stylesheet,
    inside_margin,
    measure_margins,
    outer_margins,
)
from .results import (
    BOX_SLACK,
    MARGIN_SLACK,
    PREFLIGHT_CODES,
    PREFLIGHT_PREFIX,
    SOURCES,
    Box,
    Preflight,
    RuleResult,
    Status,
)
from .rules import (
    cover_size,
    even_pages,
    fonts_embedded,
    image_resolution,
    page_boxes,
    page_count,
)
from .run import preflight, preflight_book

__all__ = [
    "BOX_SLACK",
    "MARGIN_SLACK",
    "PREFLIGHT_CODES",
    "PREFLIGHT_PREFIX",
    "SOURCES",
    "Box",
    "Margin",
    "Margins",
    "Preflight",
    "RuleResult",
    "Status",
    "Stylesheet",
    "cover_size",
    "even_pages",
    "fonts_embedded",
    "image_resolution",
    "inside_margin",
    "measure_margins",
    "outer_margins",
    "page_boxes",
    "page_count",
    "preflight",
    "preflight_book",
]
