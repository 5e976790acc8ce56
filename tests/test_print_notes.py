"""Footnotes in the print edition keep every block and the EPUB's numbers (issue 11)."""

from __future__ import annotations

import re
import subprocess
import zipfile
from pathlib import Path
from typing import Any

import pytest
from markupsafe import Markup

from octavo.api import build
from octavo.render.print_notes import print_fragment

from .conftest import MakeAnthology

NOTES = """\
---
title: Notes
reviewer: Ann Critic
---

The text calls a first note[^long] and then a second[^cites], and the
first again[^long].

[^long]: The first note opens with a paragraph.

    A second paragraph of the same note.

    ```
    code kept in the note
    ```

    - listed item one
    - listed item two

    3. counted from three
    4. and four

    > quoted inside the note

    | Column | Figure |
    |:-------|-------:|
    | cell   |   42   |

    Term in note
    : Its definition in the note

[^cites]: The second note cites a third[^third] from inside itself.

[^third]: The third note, cited only from the second.
"""


def test_every_block_of_a_note_stays_inside_the_note() -> None:
    html = Markup(
        '<p>Call<sup class="footnote-ref"><a href="#fn1" id="fnref1">1</a></sup> end.</p>\n'
        '<hr class="footnotes-sep"/><section class="footnotes"><ol class="footnotes-list">'
        '<li id="fn1" class="footnote-item"><p>One.</p>\n<pre><code>x = 1\n</code></pre>\n'
        "<ul>\n<li>item</li>\n</ul>\n<blockquote>\n<p>quote</p>\n</blockquote>\n"
        '<table><tbody><tr><td class="align-right">9</td></tr></tbody></table>'
        "<dl><dt>t</dt><dd>d</dd></dl>"
        ' <a href="#fnref1" class="footnote-backref">↩</a></li></ol></section>'
    )
    out = str(print_fragment(html))
    assert out.startswith('<p>Call<span class="footnote" data-note="1">One.')
    assert out.rstrip().endswith(
        "</span> end\u2060.</p>"
    )  # (the word joiner: render/paragraph_ends.py)
    for kind in ("pre", "ul", "li", "blockquote", "table", "tr", "td", "dl", "dt", "dd"):
        assert f'class="note-{kind}' in out, kind
    assert 'class="note-td align-right"' in out
    assert "x = 1\n" in out
    assert "footnotes" not in out
    assert "↩" not in out


def test_a_note_cited_by_a_note_floats_after_it_with_its_own_number() -> None:
    html = Markup(
        '<p>A<sup class="footnote-ref"><a href="#fn1" id="fnref1">1</a></sup>'
        ' B<sup class="footnote-ref"><a href="#fn2" id="fnref2">2</a></sup>.</p>'
        '<section class="footnotes"><ol>'
        '<li id="fn1" class="footnote-item"><p>N1 cites'
        '<sup class="footnote-ref"><a href="#fn3" id="fnref3">3</a></sup>.</p></li>'
        '<li id="fn2" class="footnote-item"><p>N2.</p></li>'
        '<li id="fn3" class="footnote-item"><p>N3.</p></li></ol></section>'
    )
    out = str(print_fragment(html))
    assert re.findall(r'class="(footnote[^"]*)" data-note="(\d)"', out) == [
        ("footnote", "1"),
        ("footnote nested", "3"),
        ("footnote", "2"),
    ]
    assert '<sup class="footnote-ref">3</sup>' in out  # the number, inside note 1


def test_notes_cited_only_by_each_other_are_still_printed() -> None:
    html = Markup(
        "<p>Text.</p>"
        '<section class="footnotes"><ol>'
        '<li id="fn1" class="footnote-item"><p>N1<sup class="footnote-ref">'
        '<a href="#fn2" id="fnref2">2</a></sup></p></li>'
        '<li id="fn2" class="footnote-item"><p>N2<sup class="footnote-ref">'
        '<a href="#fn1" id="fnref1">1</a></sup></p></li></ol></section>'
    )
    out = str(print_fragment(html))
    assert "N1" in out
    assert "N2" in out


def test_empty_elements_are_written_with_end_tags_for_the_html_parser() -> None:
    out = str(print_fragment(Markup('<p><code></code>x<a href="https://e.example"></a></p><h3/>')))
    assert out == '<p><code></code>x<a href="https://e.example"></a></p><h3></h3>'
    # an HTML parser drops a line break right after <pre>: one more is written
    assert str(print_fragment(Markup("<pre>\nfirst line</pre>"))) == "<pre>\n\nfirst line</pre>"


def _pdf_text(path: Path) -> str:
    return subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout


def test_notes_keep_every_block_and_the_epub_numbers_in_the_pdf(
    make_anthology: MakeAnthology, tmp_path: Path
) -> None:
    root = make_anthology({"reviews/alpha.md": NOTES, "reviews/beta.md": None})
    built = build(root, tmp_path / "out", formats=("pdf", "epub"))
    pdf = next(o.path for o in built.outputs if o.format == "pdf")
    text = " ".join(_pdf_text(pdf).split())
    for words in (
        "A second paragraph of the same note.",
        "code kept in the note",
        "listed item one",
        "counted from three",
        "quoted inside the note",
        "cell 42",
        "Term in note",
        "Its definition in the note",
        "The third note, cited only from the second.",
    ):
        assert words in text, words
    # the notes are numbered 1, 2, 3 as in the EPUB; note 3 is cited inside note 2
    assert re.search(r"1\. The first note opens", text)
    assert re.search(r"2\. The second note cites a third3 from inside itself", text)
    assert re.search(r"3\. The third note", text)
    assert "second2" in text
    assert "again1" in text
    epub = next(o.path for o in built.outputs if o.format == "epub")
    with zipfile.ZipFile(epub) as archive:
        xhtml = archive.read("EPUB/r-alpha.xhtml").decode()
    calls = re.findall(r'epub:type="noteref"[^>]*>(\d)<', xhtml)
    assert calls[:2] == ["1", "2"]
    assert "counted from three" in xhtml
    assert "code kept in the note" in xhtml


FILLER = "The reel runs on while the critic notes one more plain detail of the scene."
CALLING = (
    "Then the stunt goes wrong in a way the audience never sees on the screen. " * 12
    + "It could easily have ended his career.[^1]"
)
CALLED = (
    "The water knocked him onto the rail with such force that he suffered headaches"
    " for weeks, and only years later did a doctor find the fractured vertebra."
)


def _shifted_review(shift: int) -> str:
    """A review whose long paragraph ends on a call, ``shift`` sentences further down."""
    before = " ".join([FILLER] * (18 + shift))
    after = "\n\n".join([" ".join([FILLER] * 6)] * 3)
    return (
        f"---\ntitle: Shift {shift}\nreviewer: Ann Critic\n---\n\n"
        f"{before}\n\n{CALLING}\n\n{after}\n\n[^1]: {CALLED}\n"
    )


def _laid_out_pages(root: Path, theme: str) -> list[Any]:
    from octavo.audit import load_with_theme
    from octavo.render.print_html import render_print
    from octavo.write.pdf import render_pdf_pages

    loaded = load_with_theme(root, theme)
    document = render_print(loaded.anthology, loaded.theme, False)
    rendered, _, _, _ = render_pdf_pages(document, loaded.resolver)
    return list(rendered.pages)


def _page_lines(page: Any) -> tuple[list[Any], Any]:
    """The text's line boxes on a page, and its footnote area (None without notes)."""
    from weasyprint.formatting_structure import boxes

    def walk(box: Any) -> list[Any]:
        found = []
        for child in getattr(box, "children", ()):
            if isinstance(child, boxes.LineBox):
                found.append(child)
            elif isinstance(child, boxes.ParentBox) and not isinstance(child, boxes.MarginBox):
                found += walk(child)
        return found

    body, area = page._page_box.children[0], None
    for child in page._page_box.children:
        if isinstance(child, boxes.FootnoteAreaBox) and child.children:
            area = child
    return walk(body), area


@pytest.mark.parametrize("theme", ["classic", "ereader"])
def test_a_note_called_at_the_foot_goes_with_its_line_and_leaves_no_hole(
    make_anthology: MakeAnthology, theme: str
) -> None:
    """The call on the last lines of a page: whether its note fits below it or not,
    the note is on the call's page, and only the call's line (and the lines widows
    ask for) moves: the page before is full to within the note's height."""
    files: dict[str, str | None] = {"reviews/alpha.md": None, "reviews/beta.md": None}
    shifts = range(0, 48, 3) if theme == "classic" else range(0, 14)
    for shift in shifts:
        files[f"reviews/shift-{shift:02}.md"] = _shifted_review(shift)
    pages = _laid_out_pages(make_anthology(files), theme)
    calls: dict[Any, int] = {}
    notes: dict[Any, int] = {}
    moved = 0  # calls set on the first lines of a page: the case the test is for
    for index, page in enumerate(pages):
        lines, area = _page_lines(page)
        for number, line in enumerate(lines):
            for box in line.descendants():
                if str(box.element_tag).endswith("::footnote-call"):
                    calls[box.element] = index
                    moved += number < 2 and index > 0 and _continues(pages[index - 1], line)
        if area is not None:
            for note in area.children:
                notes.setdefault(note.element, index)
    assert calls
    assert moved, "no call went to the top of the next page: the test tests nothing"
    assert {element: notes.get(element) for element in calls} == calls
    for index in range(len(pages) - 1):
        lines, area = _page_lines(pages[index])
        following, _ = _page_lines(pages[index + 1])
        if not lines or not following or not _continues(pages[index], following[0]):
            continue
        page_box = pages[index]._page_box
        foot = area.position_y if area is not None else page_box.content_box_y() + page_box.height
        gap = foot - (lines[-1].position_y + lines[-1].height)
        line_height = lines[-1].height
        next_area = _page_lines(pages[index + 1])[1]
        allowed = 2 * line_height  # what is left of a line, and a line widows move
        if next_area is not None and _calls_among(following[:3]):
            allowed += next_area.margin_height() + line_height  # a call that went on
        assert gap <= allowed, (
            f"{theme}: page {index + 1} ends {gap / line_height:.1f} lines above its foot"
        )


def _calls_among(lines: list[Any]) -> bool:
    return any(
        str(box.element_tag).endswith("::footnote-call")
        for line in lines
        for box in line.descendants()
    )


def _continues(page: Any, line: Any) -> bool:
    """Whether ``line`` (on the next page) belongs to the review the page's text ends in."""
    lines, _ = _page_lines(page)
    parents = _parents(page)
    return bool(lines) and _review_of(lines[-1], parents) == _review_of(line, parents) is not None


def _parents(page: Any) -> dict[Any, Any]:
    root = page._page_box.children[0].element
    return {child: parent for parent in root.iter() for child in parent}


def _review_of(line: Any, parents: dict[Any, Any]) -> str | None:
    element = next((box.element for box in line.descendants() if box.element is not None), None)
    while element is not None:
        if "review" in (element.get("class") or "").split():
            return str(element.get("id"))
        element = parents.get(element)
    return None


def test_a_list_keeps_the_number_it_starts_at() -> None:
    """WeasyPrint 70 ignores <ol start>: a list that goes on after a code block ("5.")
    printed "1." until its counter was reset."""
    html = Markup('<ol><li>One</li></ol><pre><code>x</code></pre><ol start="5"><li>Five</li></ol>')
    printed = str(print_fragment(html))
    assert '<ol start="5" style="counter-reset: list-item 4">' in printed
    assert printed.count("counter-reset") == 1
