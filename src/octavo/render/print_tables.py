"""Mark the tables too wide for the printed page, so that the theme can set them smaller.

A printed page cannot scroll: a table wider than the text block loses its last
columns. Each table is measured in characters, the way a typesetter casts off copy:
its natural width (the longest cell of each column, side by side) and its narrowest
(the longest word of each column), a header's letters counted 1.3 times (spaced small
capitals or a bolder weight: left uncounted, a six-column header of long words ran
the last column off an e-reader's page). Against the theme's measure
(:class:`octavo.themes.TableMeasure`) a table is marked

- ``wide``: its text does not fit on one line a row; the theme sets it a step smaller;
- ``very-wide``: its longest words barely fit side by side; the theme sets it at its
  floor size (7pt in the shipped themes);
- and when even the floor leaves its words too wide, the cells of the columns with the
  longest words are marked ``long-words``: the theme lets them break anywhere, a last
  resort that loses nothing. Only those columns: breaking anywhere in every cell lets
  the table squeeze a short column (a year) to one letter a line.

After layout the build still checks that no word lies outside the text block (B410).
"""

from __future__ import annotations

from lxml import etree

from ..themes import TableMeasure

#: Characters a cell's padding and rules take, per column.
_PADDING = 2
#: Above this share of the measure, the longest words are set at the floor size.
_CROWDED = 0.8
#: A header's letters are wider than a cell's: the shipped themes set them in small
#: capitals spaced out, or in a bolder weight.
_HEADER = 1.3


def fit_to_page(wrapper: etree._Element, measure: TableMeasure) -> None:
    """Mark the wide tables of a review's parsed HTML; make its long inline code breakable."""
    _break_long_code(wrapper)
    for table in wrapper.iter("table"):
        for element, name in _marks(table, measure):
            names = element.get("class")
            element.set("class", f"{names} {name}" if names else name)


#: Inline code this long may need to break; shorter code moves to the next line whole.
LONG_CODE = 24


def _break_long_code(wrapper: etree._Element) -> None:
    """A break opportunity (``<wbr>``) before each long inline code.

    WeasyPrint 70 does not break inside an inline element glued to the text before it
    (``(`name`)``, or the review's first words, see :func:`print_html.opening`), even
    with ``overflow-wrap: anywhere``: the whole run goes into the margin.
    """
    for code in list(wrapper.iter("code")):
        parent = code.getparent()
        in_block = parent is not None and parent.tag == "pre"
        if not in_block and not len(code) and len(code.text or "") >= LONG_CODE:
            code.addprevious(etree.Element("wbr"))


def _marks(table: etree._Element, measure: TableMeasure) -> list[tuple[etree._Element, str]]:
    """The classes a table and its cells get: (element, class)."""
    rows = [[c for c in row if c.tag in ("th", "td")] for row in table.iter("tr")]
    columns = max((len(cells) for cells in rows), default=0)
    longest = [0] * columns  # the longest cell text of each column
    words = [0] * columns  # the longest word of each column
    for cells in rows:
        for column, cell in enumerate(cells):
            text = " ".join("".join(str(piece) for piece in cell.itertext()).split())
            weight = _HEADER if cell.tag == "th" else 1
            longest[column] = max(longest[column], round(len(text) * weight))
            words[column] = max(
                [words[column], *(round(len(word) * weight) for word in text.split())]
            )
    natural = sum(longest) + _PADDING * columns
    narrowest = sum(words) + _PADDING * columns
    marks: list[tuple[etree._Element, str]] = []
    if natural > measure.measure:
        marks.append((table, "wide"))
    if narrowest > measure.measure * _CROWDED:
        marks.append((table, "very-wide"))
    if narrowest > measure.at_floor:
        share = measure.at_floor / columns - _PADDING
        for cells in rows:
            marks += [(cell, "long-words") for n, cell in enumerate(cells) if words[n] > share]
    return marks
