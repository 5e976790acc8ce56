"""Footnotes for the printed page: each note's whole text at the foot of its page.

The EPUB keeps a review's notes at its end, as linked asides. WeasyPrint sets a note
at the foot of the page of its call when the note is an element floated there
(``float: footnote``) from the point of the call, inside the paragraph. An HTML
parser closes a paragraph at the first block inside it, so a note's blocks (more
paragraphs, code, lists, quotes, tables, definition lists) are written as spans
with a class per kind, ``note-p``, ``note-pre``, ``note-ul``, ``note-li``,
``note-table``... which the theme displays as the blocks they were.

Notes keep the numbers markdown-it gave them, which the EPUB shows too: each call and
each note carries its number in ``data-note``, and the theme prints that number
(``content: attr(data-note)``) rather than counting. A note cited from another
note is floated right after the note that cites it, with no call of its own in the
text (class ``nested``); inside the citing note its number stays as a superscript.
"""

from __future__ import annotations

from lxml import etree
from markupsafe import Markup

from ..html_fragment import parse_html_fragment, remove_element, serialise_children
from ..themes import TableMeasure
from .display import keep_heading_ends
from .paragraph_ends import keep_paragraph_ends
from .print_tables import fit_to_page

#: Elements kept as they are inside a note: phrasing content.
_INLINE = frozenset({
    "a", "abbr", "b", "bdi", "bdo", "br", "cite", "code", "del", "dfn", "em", "i", "img",
    "ins", "kbd", "mark", "q", "rp", "rt", "ruby", "s", "samp", "small", "span", "strong",
    "sub", "sup", "time", "u", "var", "wbr",
})  # fmt: skip


def print_fragment(html: Markup, measure: TableMeasure | None = None) -> Markup:
    """A body for the print HTML: notes in place, written for an HTML parser.

    Every body is parsed and written on its own (:mod:`octavo.html_fragment`), so
    nothing one review leaves open or empty reaches the next. With the theme's table
    ``measure``, wide tables and long code are fitted to the page
    (:mod:`.print_tables`) first, so that a table in a note is marked too.
    """
    if not str(html).strip():
        return html
    wrapper = parse_html_fragment(str(html))
    keep_heading_ends(wrapper)
    keep_paragraph_ends(wrapper)
    _number_from_start(wrapper)
    if measure is not None:
        fit_to_page(wrapper, measure)
    if "footnote-ref" in str(html):
        _notes_in_place(wrapper)
    return Markup(serialise_children(wrapper, for_html=True))


def _number_from_start(wrapper: etree._Element) -> None:
    """A list that starts at another number than 1 (``5.`` after a code block) keeps it:
    WeasyPrint 70 ignores ``<ol start>``, so the list's counter is reset to the number
    before its first."""
    for listing in wrapper.iter("ol"):
        start = (listing.get("start") or "").strip()
        if start.lstrip("-").isdigit() and int(start) != 1:
            reset = f"counter-reset: list-item {int(start) - 1}"
            style = listing.get("style")
            listing.set("style", f"{style}; {reset}" if style else reset)


def _notes_in_place(wrapper: etree._Element) -> None:
    notes: dict[str, etree._Element] = {}
    for item in wrapper.iterfind(".//li[@class='footnote-item']"):
        for back in list(item.iterfind(".//a[@class='footnote-backref']")):
            remove_element(back)
        notes["#" + item.get("id", "")] = item
    numbers = {href: str(number) for number, href in enumerate(notes, start=1)}
    placed: set[str] = set()
    last: etree._Element | None = None
    for call in list(wrapper.iterfind(".//sup[@class='footnote-ref']")):
        if _inside_note(call):
            continue  # handled with the note it is in
        href = _target(call)
        if href not in notes or href in placed:
            _plain_call(call, numbers.get(href))
            continue
        floats = _floats(href, notes, numbers, placed)
        parent = call.getparent()
        assert parent is not None
        floats[-1].tail = call.tail
        index = parent.index(call)
        parent.remove(call)
        for offset, note in enumerate(floats):
            parent.insert(index + offset, note)
        last = floats[-1]
    leftover = [href for href in notes if href not in placed]
    if leftover and last is None:  # cited only by each other: after the text
        holder = etree.SubElement(wrapper, "p", {"class": "notes-only"})
        last = etree.SubElement(holder, "span")
    if leftover and last is not None:
        for href in leftover:
            if href in placed:
                continue
            for note in _floats(href, notes, numbers, placed, nested=True):
                note.tail, last.tail = last.tail, None
                last.addnext(note)
                last = note
    for element in list(wrapper.iter("hr", "section")):
        if element.get("class") in ("footnotes-sep", "footnotes"):
            remove_element(element)


def _inside_note(element: etree._Element) -> bool:
    return any(a.get("class") == "footnote-item" for a in element.iterancestors("li"))


def _target(call: etree._Element) -> str:
    link = call.find("a")
    return link.get("href", "") if link is not None else ""


def _plain_call(call: etree._Element, number: str | None) -> None:
    """A call that is not where its note floats from: its number, without a link."""
    link = call.find("a")
    text = number or "".join(str(s) for s in (link if link is not None else call).itertext())
    call.text = text
    call[:] = []


def _floats(
    href: str,
    notes: dict[str, etree._Element],
    numbers: dict[str, str],
    placed: set[str],
    nested: bool = False,
) -> list[etree._Element]:
    """The float of the note ``href``, then those of the notes it cites, in order."""
    placed.add(href)
    item = notes[href]
    cited = []
    for call in item.iterfind(".//sup[@class='footnote-ref']"):
        target = _target(call)
        _plain_call(call, numbers.get(target))
        if target in notes and target not in placed:
            cited.append(target)
    note = _note_element(item, numbers[href], nested)
    floats = [note]
    for target in cited:
        if target not in placed:
            floats += _floats(target, notes, numbers, placed, nested=True)
    return floats


def _note_element(item: etree._Element, number: str, nested: bool) -> etree._Element:
    """The note's text as one span: the first paragraph inline, the rest as spans."""
    note = etree.Element("span", {"class": "footnote nested" if nested else "footnote"})
    note.set("data-note", number)
    blocks = list(item)
    if blocks and blocks[0].tag == "p":
        first = blocks.pop(0)
        note.text = first.text
        note.extend(list(first))
    else:
        note.text = item.text
    for block in blocks:
        note.append(block)
    blocks = [e for e in note.iterdescendants() if isinstance(e.tag, str) and e.tag not in _INLINE]
    for element in blocks:
        _as_span(element)
        # the line breaks between blocks would each make an empty line
        if element.tail is not None and not element.tail.strip():
            element.tail = None
        if element.text is not None and not element.text.strip() and len(element):
            element.text = None
    if note.text is not None and not note.text.strip():
        note.text = None
    return note


def _as_span(element: etree._Element) -> None:
    kind = element.tag
    start = element.get("start") if kind == "ol" else None
    classes = " ".join(filter(None, [f"note-{kind}", element.get("class")]))
    keep = {name: element.get(name) for name in ("id", "lang", "dir", "title") if element.get(name)}
    element.attrib.clear()
    element.tag = "span"
    element.set("class", classes)
    for name, value in keep.items():
        element.set(name, value or "")
    if start and start.lstrip("-").isdigit():
        # the list counter counts on from here (Octavo writes this style, not the user)
        element.set("style", f"counter-reset: list-item {int(start) - 1}")
