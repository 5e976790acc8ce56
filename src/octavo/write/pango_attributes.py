"""Each Pango layout's attributes freed with it: WeasyPrint 70 leaks them.

WeasyPrint makes a Pango layout for each run of text it measures or draws, and
gives a layout whose font has OpenType features (the themes' old-style figures,
kerning, ligatures, small capitals) a list of attributes
(``weasyprint.text.line_break.Layout.setup``). It keeps a reference to that list it
never drops, so the list outlives its layout. With it went the layout's lines and their
runs: every layout WeasyPrint made stayed in memory. It also keeps the first
font-features attribute of each feature set, meant to be shared, but makes a new one
for every layout all the same (``dict.setdefault`` is given it), and leaks it too; and
the one it keeps is inserted into every list, which each would free as its own.

A process that lays out pieces of a book grew by about 1.6 MB a piece of 15 reviews
(43 pages), in memory WeasyPrint's objects no longer referred to: a worker of a
5,000-review book's layout, which lays out about 170 pieces, grew from 780 to 1,090
MiB (docs/performance.md). :func:`attribute_lists_released` makes each layout's list
its own (and its attribute the list's own) and drops WeasyPrint's reference once the
layout holds the list: both are freed with the layout. Nothing laid out or drawn
changes (``tests/test_pango_attributes.py``).
"""

from __future__ import annotations

from typing import Any


class _Unshared(dict[bytes, Any]):
    """A cache of font-features attributes that keeps none: each layout's list is
    given the attribute made for it (its own, to free with the list)."""

    def setdefault(self, key: bytes, default: Any = None) -> Any:
        return default


_UNSHARED = _Unshared()


def attribute_lists_released() -> None:
    """Make WeasyPrint's layouts free their attributes (idempotent)."""
    from weasyprint.text import line_break
    from weasyprint.text.ffi import ffi, pango

    if getattr(line_break.Layout.setup, "octavo_releases", False):
        return
    original = line_break.Layout.setup

    def setup(self: Any, style: Any) -> None:
        fonts = style.font_config
        kept, fonts.font_features = fonts.font_features, _UNSHARED
        try:
            original(self, style)
        finally:
            fonts.font_features = kept
        # the list setup made, if it made one (only it sets attributes): the layout
        # holds it now, and frees it with itself
        attributes = pango.pango_layout_get_attributes(self.layout)
        if attributes != ffi.NULL:
            pango.pango_attr_list_unref(attributes)

    setup.octavo_releases = True  # type: ignore[attr-defined]
    setup.__wrapped__ = original  # type: ignore[attr-defined]
    line_break.Layout.setup = setup
