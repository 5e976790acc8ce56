"""Footnotes in the print edition keep every block and the EPUB's numbers (issue 11)."""

from __future__ import annotations

import re
import subprocess
import zipfile
from pathlib import Path

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
    assert out.rstrip().endswith("</span> end.</p>")
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
