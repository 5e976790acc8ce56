"""Each Pango layout's attributes freed with it: WeasyPrint 70 leaks them.

WeasyPrint makes a Pango layout for each run of text it measures or draws, and gives
a layout whose font has OpenType features (the themes' old-style figures, kerning,
ligatures, small capitals) a list of attributes (``weasyprint.text.line_break.Layout
.setup``). It makes a new list and a new font-features attribute for every layout,
and keeps a reference to the list it never drops, so neither is ever freed, nor the
memory of the layout's lines that came with them. (Its cache of the attributes,
meant to share one per feature set, keeps the first and leaks the others:
``dict.setdefault`` is given a new one each time; and the one kept is inserted in
every list, each of which would free it as its own.)

A process that lays out pieces of a book grew by about 1.6 MB a piece of 15 reviews
(43 pages): a worker of a 5,000-review book's layout, which lays out about 170
pieces, grew from 780 to 1,090 MiB (docs/performance.md). :func:`setup` is
WeasyPrint's, the list handed to the layout (which frees it, and its attribute, with
itself). Nothing laid out or drawn changes (``tests/test_pango_attributes.py``).

It costs time: the layouts WeasyPrint never freed are freed, about 1 % of a piece's
layout. (A list shared by every layout with the same features, copied where
WeasyPrint changes it in place, cost more: the copies, and a check at each of the
many times a layout is given its text.)
"""

from __future__ import annotations

from typing import Any

#: Whether this process's WeasyPrint has been made so: once only, whatever wraps its
#: functions later.
_DONE: list[bool] = []


def attribute_lists_released() -> None:
    """Make WeasyPrint's layouts free their attributes (idempotent)."""
    from weasyprint.text import line_break

    if _DONE:
        return
    _DONE.append(True)
    setup.__wrapped__ = line_break.Layout.setup  # type: ignore[attr-defined]
    line_break.Layout.setup = setup


def setup(self: Any, style: Any) -> None:
    """WeasyPrint 70's ``Layout.setup``, the layout's attributes its own (freed with it)."""
    from weasyprint.text.constants import LST_TO_ISO, PANGO_DIRECTION
    from weasyprint.text.ffi import FROM_UNITS, ffi, gobject, pango, unicode_to_char_p
    from weasyprint.text.fonts import font_features, get_font_description

    self.style = style
    self.first_line_direction = 0

    font_map = style.font_config.font_map
    pango_context = ffi.gc(pango.pango_font_map_create_context(font_map), gobject.g_object_unref)
    pango.pango_context_set_round_glyph_positions(pango_context, False)
    pango.pango_context_set_base_dir(pango_context, PANGO_DIRECTION[style["direction"]])

    if style["font_language_override"] != "normal":
        lang_p, lang = unicode_to_char_p(
            LST_TO_ISO.get(style["font_language_override"].lower(), style["font_language_override"])
        )
    elif style["lang"]:
        lang_p, lang = unicode_to_char_p(style["lang"])
    else:
        lang = None
        self.language = pango.pango_language_get_default()
    if lang:
        self.language = pango.pango_language_from_string(lang_p)
        pango.pango_context_set_language(pango_context, self.language)

    assert not isinstance(style["font_family"], str), "font_family should be a list"
    font_description = get_font_description(style)
    self.layout = ffi.gc(pango.pango_layout_new(pango_context), gobject.g_object_unref)
    pango.pango_layout_set_auto_dir(self.layout, False)
    pango.pango_layout_set_font_description(self.layout, font_description)

    text_decoration = style["text_decoration_line"]
    if text_decoration != "none":
        metrics = ffi.gc(
            pango.pango_context_get_metrics(pango_context, font_description, self.language),
            pango.pango_font_metrics_unref,
        )
        self.ascent = FROM_UNITS * pango.pango_font_metrics_get_ascent(metrics)
        self.underline_position = FROM_UNITS * (
            pango.pango_font_metrics_get_underline_position(metrics)
        )
        self.strikethrough_position = FROM_UNITS * (
            pango.pango_font_metrics_get_strikethrough_position(metrics)
        )
        self.underline_thickness = FROM_UNITS * (
            pango.pango_font_metrics_get_underline_thickness(metrics)
        )
        self.strikethrough_thickness = FROM_UNITS * (
            pango.pango_font_metrics_get_strikethrough_thickness(metrics)
        )
    else:
        self.ascent = None
        self.underline_position = None
        self.strikethrough_position = None

    features = font_features(
        style["font_kerning"],
        style["font_variant_ligatures"],
        style["font_variant_position"],
        style["font_variant_caps"],
        style["font_variant_numeric"],
        style["font_variant_alternates"],
        style["font_variant_east_asian"],
        style["font_feature_settings"],
    )
    if features:
        key = ",".join(f"{name} {value}" for name, value in features.items()).encode()
        attributes = pango.pango_attr_list_new()
        pango.pango_attr_list_insert(attributes, pango.pango_attr_font_features_new(key))
        pango.pango_layout_set_attributes(self.layout, attributes)
        pango.pango_attr_list_unref(attributes)  # the layout's now, freed with it
