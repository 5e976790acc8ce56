"""A table column's alignment as a class, and columns of figures set flush right.

markdown-it writes a column's alignment from the delimiter row (``:--``, ``:-:``,
``--:``) as ``style="text-align: ..."``; the sanitiser removes every ``style``, so it
becomes a class the themes set (``align-left``, ``align-center``, ``align-right``).

A column the author gave no alignment (``---``) whose body cells all hold a figure
(a count, an amount, a percentage, a rating like 4/5, a running time like 1:32 or
90 min, a year; an empty cell or a dash for "none" too) is a column of figures, as a
typesetter would set it: flush right, header too, in figures of one width so that
their units line up. Its cells get the classes ``numeric align-right``; the themes
give ``numeric`` tabular lining figures. The author's own alignment always wins.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from markdown_it.token import Token

_ALIGNMENT = re.compile(r"text-align:\s*(left|center|right)")

_AMOUNT = (
    r"(?:\d{1,3}(?:[,.'\u00a0\u2009\u202f ]\d{3})+(?:[.,]\d+)?"  # 1,234.5  1.234,5  1 234
    r"|\d+(?:[.,]\d+)?|[.,]\d+)"  # 42  3.5  0,75  .5
)
_CODES = r"(?:USD|EUR|GBP|JPY|CHF|CAD|AUD|INR|CNY|SEK|NOK|DKK)"
_CURRENCY = rf"(?:[A-Z]{{0,2}}[$€£¥₹₩¢]|{_CODES}\s?)"  # $  US$  €  CHF
_UNIT = rf"(?:%|‰|[kKMB]|bn|m|mn|min|mins|minutes?|h|hrs?|hours?|s|secs?|[$€£¥₹₩¢]|{_CODES})"
_FIGURE = re.compile(
    rf"[-+\u2212]?{_CURRENCY}?\s?[-+\u2212]?{_AMOUNT}(?:\s?{_UNIT})?"  # -$1.2m  12%  90 min
    rf"|{_AMOUNT}\s?/\s?{_AMOUNT}"  # a rating: 4/5  3.5/4
    r"|\d+:\d{2}(?::\d{2})?"  # a running time: 1:32  1:32:10
    r"|\d+\s?h\s?\d{1,2}\s?m(?:in)?"  # 1h 32m
)
#: A cell that says "none": empty, or a dash alone.
_NONE = {"", "-", "\u2013", "\u2014", "\u2212"}
#: Inline tokens a cell of figures may hold around its text (emphasis, a link, a note).
_AROUND = {"em_open", "em_close", "strong_open", "strong_close", "s_open", "s_close"}
_AROUND |= {"link_open", "link_close", "footnote_ref", "softbreak"}


def align_columns(tokens: list[Token]) -> None:
    """Set each table cell's alignment class; mark the columns of figures."""
    for table in _tables(tokens):
        columns: dict[int, list[Token]] = {}  # the opening token of each cell, by column
        explicit: set[int] = set()
        figures: dict[int, list[bool | None]] = {}  # per body cell: a figure, none, or words
        column = 0
        for index, token in enumerate(table):
            if token.type == "tr_open":
                column = 0
            elif token.type in ("th_open", "td_open"):
                columns.setdefault(column, []).append(token)
                if style := token.attrs.get("style"):
                    del token.attrs["style"]
                    if match := _ALIGNMENT.search(str(style)):
                        token.attrSet("class", f"align-{match.group(1)}")
                        explicit.add(column)
                if token.type == "td_open":
                    figures.setdefault(column, []).append(_figure(table[index + 1]))
                column += 1
        for column, cells in figures.items():
            if column not in explicit and True in cells and False not in cells:
                for token in columns[column]:
                    token.attrSet("class", "numeric align-right")


def is_figure(text: str) -> bool:
    """Whether a cell's text is a figure a column of them aligns on the right."""
    return _FIGURE.fullmatch(" ".join(text.split())) is not None


def _tables(tokens: list[Token]) -> Iterator[list[Token]]:
    """The tokens of each table, in order (pipe tables do not nest)."""
    start = 0
    for index, token in enumerate(tokens):
        if token.type == "table_open":
            start = index
        elif token.type == "table_close":
            yield tokens[start : index + 1]


def _figure(inline: Token) -> bool | None:
    """True for a cell holding a figure, None for an empty or dash-only one, else False."""
    if inline.type != "inline":
        return None
    pieces = []
    for child in inline.children or []:
        if child.type in ("text", "text_special"):
            pieces.append(child.content)
        elif child.type not in _AROUND:
            return False  # an image, code, raw HTML: not a figure
    text = " ".join("".join(pieces).split())
    if text in _NONE:
        return None
    return is_figure(text)
