"""Page-break markers placed from where printed pages begin: the matching rules.

The example's markers are checked against its PDF in test_ereader_edition.py; here
each rule is checked alone on small documents.
"""

from __future__ import annotations

from octavo.model import PageStart
from octavo.render.page_list import add_page_breaks
from octavo.write.pdf_pages import _folios, significant

DOCUMENT = """<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE html>
<html xmlns="http://www.w3.org/1999/xhtml" xmlns:epub="http://www.idpf.org/2007/ops">
<head><title>t</title></head>
<body>
<section id="r-one"><h1>The Title</h1>
<p>First paragraph with <em>extraordinary</em> words.</p>
<p>Second paragraph<sup class="footnote-ref"><a href="#n1">1</a></sup> ends here.</p>
<section class="footnotes"><p id="n1">A note.</p></section>
</section>
</body>
</html>
"""


def place(*starts: PageStart) -> tuple[str, list[tuple[str, str]], list[str]]:
    changed, links, approximate = add_page_breaks([("one.xhtml", DOCUMENT)], starts)
    return (
        changed.get("one.xhtml", DOCUMENT),
        [(link.label, link.href) for link in links],
        approximate,
    )


def marker_context(xhtml: str, label: str) -> str:
    index = xhtml.index(f'aria-label="{label}"')
    end = xhtml.index("/>", index) + 2
    return xhtml[end : end + 20]


def test_a_page_that_begins_with_its_element_is_marked_at_the_elements_start() -> None:
    xhtml, links, approximate = place(PageStart("5", "r-one", ""))
    assert links == [("5", "one.xhtml#page-5")]
    assert approximate == []
    assert '<section id="r-one"><span epub:type="pagebreak"' in xhtml


def test_a_page_is_marked_before_its_first_word() -> None:
    before = significant("The Title First paragraph with")
    xhtml, _, approximate = place(PageStart("6", "r-one", before))
    assert approximate == []
    assert marker_context(xhtml, "6").startswith("extraordinary</em>")


def test_case_changes_and_added_hyphens_are_read_through() -> None:
    """A heading set in capitals, and a word hyphenated at a line's end, still match."""
    before = significant("THE TITLE First para\u2010graph with extra\u2010ordinary")
    xhtml, _, approximate = place(PageStart("6", "r-one", before))
    assert approximate == []
    assert marker_context(xhtml, "6").startswith("words.")


def test_a_page_that_begins_inside_a_word_is_marked_before_the_next_word() -> None:
    before = significant("The Title First paragraph with extra\u2010")
    xhtml, _, _ = place(PageStart("6", "r-one", before))
    assert marker_context(xhtml, "6").startswith("words.")


def test_note_calls_and_notes_are_not_counted() -> None:
    before = significant("The Title First paragraph with extraordinary words. Second paragraph")
    xhtml, _, approximate = place(PageStart("7", "r-one", before))
    assert approximate == []
    assert marker_context(xhtml, "7").startswith("ends here.")


def test_text_that_differs_is_marked_at_the_element_and_reported() -> None:
    xhtml, links, approximate = place(PageStart("8", "r-one", "Somethingelseentirely"))
    assert approximate == ["8"]
    assert links == [("8", "one.xhtml#page-8")]
    assert marker_context(xhtml, "8").startswith("<h1>The Title")


def test_pages_without_a_place_go_before_the_next_and_at_the_end() -> None:
    xhtml, links, _ = place(
        PageStart("i", None),  # a half title the EPUB does not hold
        PageStart("ii", "contents", ""),  # the printed contents
        PageStart("1", "r-one", ""),
        PageStart("2", None),  # a blank page at the end of the book
    )
    assert [label for label, _ in links] == ["i", "ii", "1", "2"]
    order = [xhtml.index(f'aria-label="{label}"') for label in ("i", "ii", "1", "2")]
    assert order == sorted(order)
    assert xhtml.index('aria-label="2"') > xhtml.index("</section>")


def test_repeated_folios_get_unique_ids() -> None:
    _, links, _ = place(PageStart("1", "r-one", ""), PageStart("1", "r-one", "TheTitle"))
    assert [href for _, href in links] == ["one.xhtml#page-1", "one.xhtml#page-1-2"]


def test_folios_are_read_from_the_margins_and_filled_in_between() -> None:
    from weasyprint.formatting_structure import boxes

    def page(*margins: tuple[str, str]) -> object:
        class Margin(boxes.MarginBox):  # type: ignore[misc]
            def __init__(self, at_keyword: str, text: str) -> None:
                self.at_keyword = at_keyword
                self.children = []
                self._text = text

            def descendants(self) -> list[object]:
                text = object.__new__(boxes.TextBox)
                text.text = self._text
                return [text]

        class Page:
            def __init__(self) -> None:
                self.children = [Margin(keyword, text) for keyword, text in margins]

        return Page()

    pages = [
        page(),  # half title: i
        page(("@bottom-right", "ii")),
        page(("@top-left", "1917"), ("@bottom-left", "iii")),  # a film called 1917
        page(),  # a part opener, counted as 1
        page(("@top-right", "M"), ("@bottom-right", "2")),
        page(),  # a blank page at the end: 3
    ]
    assert _folios(pages) == ["i", "ii", "iii", "1", "2", "3"]


def test_a_page_may_begin_at_any_chinese_or_japanese_character() -> None:
    document = DOCUMENT.replace("Second paragraph", "古池や蛙飛び込む水の音")
    before = significant("The Title First paragraph with extraordinary words. 古池や蛙")
    changed, _, approximate = add_page_breaks(
        [("one.xhtml", document)], (PageStart("9", "r-one", before),)
    )
    assert approximate == []
    assert marker_context(changed["one.xhtml"], "9").startswith("飛び込む")


def test_a_page_that_begins_with_a_paragraph_is_marked_before_it() -> None:
    before = significant("The Title First paragraph with extraordinary words.")
    xhtml, _, _ = place(PageStart("7", "r-one", before))
    assert marker_context(xhtml, "7").startswith("<p>Second paragraph")


def test_the_significant_characters_are_those_no_pattern_of_white_space_takes_out() -> None:
    """The text is compared without white space, soft hyphens and zero-width characters,
    taken out with ``str.split`` (faster than a pattern): the same for every character."""
    import re
    import sys

    from octavo.render.page_list import _significant_characters

    text = "".join(map(chr, range(sys.maxunicode + 1)))
    pattern = re.compile(r"[\s\u00ad\u200b\u200c\u200d\u2060\ufeff]+")
    assert _significant_characters(text) == pattern.sub("", text)
    assert _significant_characters("a\u00adb\u200bc d\u2009e") == "abcde"


def test_a_page_that_begins_inside_an_entry_counts_only_what_the_epub_holds() -> None:
    """An element named by ``data-page-anchor`` runs over a page: the page begins
    inside it, after its words; its references' commas (``data-print-only``) and the
    numbers CSS generates for them are not counted (the EPUB's entry holds neither)."""
    import weasyprint

    from octavo.write.pdf_pages import page_records

    refs = "".join(f'<a class="ref" href="#r{n}" data-print-only>, </a>' for n in range(60))
    html = (
        "<style>@page { size: 3in 2in; margin: 0.2in } .ref::after { content: '12' }</style>"
        f'<ul><li data-page-anchor="index-1"><span>Critic Name</span>{refs}'
        f"<span>{' '.join(['words'] * 60)}</span></li></ul>"
    )
    records = page_records(weasyprint.HTML(string=html).render().pages)
    assert (records[0].anchor, records[0].before) == ("index-1", "")
    later = [record for record in records[1:] if record.anchor is not None]
    assert later, "no page begins in the words after the references"
    assert {record.anchor for record in later} == {"index-1"}
    assert later[0].before == "CriticName"  # the page begins with the words
    assert {record.before.replace("words", "") for record in later} == {"CriticName"}
