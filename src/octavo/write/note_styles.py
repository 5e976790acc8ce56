"""WeasyPrint's default styles for note calls and markers, given to notes only.

WeasyPrint's user-agent stylesheet styles five pseudo-elements of every element
(``::footnote-call``, ``::footnote-marker``, ``::note-call``, ``::note-marker`` and
``::note-callback``: ``::footnote-call { content: counter(footnote) ... }``), and
WeasyPrint computes a style for each of them, for every element of the document,
though only an element floated as a note ever has one. At 1,000 reviews that is
3,900 styles computed for nothing in a piece of 50 reviews (43 pages), 25,000 in the
contents; given to notes only, a piece took 1.78 s of CPU instead of 1.93, the
contents 6.7 s instead of 7.3 (medians of six and four runs in turns): about 8 % of
the time every page takes to lay out.

Octavo's notes are the ``.footnote`` elements of its print HTML, which the themes
float and whose calls and markers they give their content. So those five rules are
given to ``.footnote`` only (:data:`NOTES`); nothing else in the stylesheet changes.
A theme that floats another element as a note gives its call and marker their
content itself. The pages are the same, byte for byte (``tests/test_note_styles.py``).
"""

from __future__ import annotations

from typing import Any

#: The pseudo-elements only a note has.
NOTE_PSEUDO_ELEMENTS = (
    "footnote-call",
    "footnote-marker",
    "note-call",
    "note-marker",
    "note-callback",
)
#: The elements of the print HTML that are notes.
NOTES = ".footnote"


def note_styles_for_notes() -> None:
    """Make WeasyPrint lay out documents with its user-agent stylesheet's note rules
    given to :data:`NOTES` only (idempotent). Where WeasyPrint's stylesheet is not the
    one this was written for (a rule not found once, where expected), nothing changes."""
    import weasyprint
    from weasyprint import html

    if getattr(weasyprint.HTML._ua_stylesheets, "octavo_notes", False):
        return
    text = scoped_to_notes(html.UA)
    if text is None:
        return
    sheet = weasyprint.CSS(string=text, counter_style=html.UA_COUNTER_STYLE)
    original = weasyprint.HTML._ua_stylesheets

    def _ua_stylesheets(self: Any, forms: bool = False) -> list[Any]:
        # WeasyPrint's own first, its forms' after it when asked for
        return [sheet, *original(self, forms)[1:]]

    _ua_stylesheets.octavo_notes = True  # type: ignore[attr-defined]
    _ua_stylesheets.original = original  # type: ignore[attr-defined]
    weasyprint.HTML._ua_stylesheets = _ua_stylesheets


def scoped_to_notes(text: str) -> str | None:
    """The stylesheet ``text`` with each rule of a note's pseudo-element given to
    :data:`NOTES`; None when a rule is not there once, at the start of a line, as a
    rule of that pseudo-element alone."""
    for name in NOTE_PSEUDO_ELEMENTS:
        rule = f"\n::{name} {{"
        if text.count(rule) != 1:
            return None
        text = text.replace(rule, f"\n{NOTES}::{name} {{")
    return text
