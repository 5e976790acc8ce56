"""Columns of figures in tables (issue 13): flush right, in figures of one width.

A column the author gave no alignment (``|---|``) whose body cells all hold a figure
(load/table_columns.py) is marked ``numeric align-right``, header too, in the print
HTML, the EPUB and the HTML edition; an author's ``:--`` wins, and a column of words
and figures stays as written. In the PDF of a digest book, in every theme, the
figures' right edges line up and their digits are of one width.
"""

from __future__ import annotations

import re
import subprocess
import zipfile
from pathlib import Path

import pytest
from lxml import etree

from octavo.api import Built, build, load_anthology
from octavo.load.table_columns import is_figure
from octavo.render.print_html import render_print

from .conftest import MakeAnthology, require
from .test_load import body_of

XHTML = "{http://www.w3.org/1999/xhtml}"

TABLE = """\
| Title | Released | Running time | Budget | Score | Studio |
|---|---|:--|---|---|---|
| The Glass Harbour | 1911 | 1:32 | $312,000 | 4/5 | Harbour |
| Nightfall over Quay Street | 1928 | 78 min | $95,500 | 3.5/4 | 1929 |
| Saltwater | 1988 | 1:05 | — | 2/5 | Quay Street |
| A Comedy of Umbrellas | 2004 | 112 min | $1,080,000 | | Umbrella |
"""

#: Long words in the header: spaced small capitals are wider than the cells' letters.
RESTORED = """\
| Distributor | Intertitles | Running time | Restoration year | Surviving reels | Tints and tones |
|---|---|---|---|---|---|
| Harbour Pictures Corporation | 112 | 1:41 | 2007 | 7 | Amber, blue and rose |
| Quay Street Exchange | 86 | 1:18 | 1998 | 5 | None |
| Umbrella Film Distributors of America | 140 | 1:52 | 2011 | 9 | Amber |
"""

REVIEW = f"""\
---
title: The Ledger of Lost Reels
year: 1931
reviewer: Ann Critic
rating: 4/5
---

The studio's books for its last silent season, as the accountant left them.

{TABLE}
Only the first and the last paid for themselves. The restorers' ledger is wider still:

{RESTORED}
"""

NUMERIC = '<th class="numeric align-right">'


@pytest.mark.parametrize(
    "text",
    [
        "1927",
        "1,234",
        "1.234,5",
        "1\u202f234",
        "12.5%",
        "-3",
        "\u22123.25",
        "$1.2m",
        "£12,000",
        "5 €",
        "US$ 3,000",
        "4/5",
        "3.5/4",
        "1:32",
        "1:32:10",
        "90 min",
        "1h 32m",
        "1920s",
    ],
)
def test_figures(text: str) -> None:
    assert is_figure(text)


@pytest.mark.parametrize(
    "text", ["B+", "PG-13", "Reel 1", "4 stars", "n/a", "Amber", "1927–1931", "about 3"]
)
def test_not_figures(text: str) -> None:
    assert not is_figure(text)


def test_columns_of_figures_are_marked(make_anthology: MakeAnthology) -> None:
    html = body_of(make_anthology, TABLE).body.html
    heads = re.findall(r"<th( class=\"[^\"]*\")?>([^<]*)</th>", html)
    assert heads == [
        ("", "Title"),
        (' class="numeric align-right"', "Released"),
        (' class="align-left"', "Running time"),  # the author's :-- wins
        (' class="numeric align-right"', "Budget"),  # a dash is no figure, but allowed
        (' class="numeric align-right"', "Score"),  # an empty cell too
        ("", "Studio"),  # words and figures: as written
    ]
    assert '<td class="numeric align-right">$1,080,000</td>' in html
    assert '<td class="numeric align-right">—</td>' in html
    assert '<td class="align-left">1:32</td>' in html
    assert "<td>1929</td>" in html


def test_a_column_without_figures_or_without_rows_is_not_numeric(
    make_anthology: MakeAnthology,
) -> None:
    source = "| A | B | C |\n|---|---|--:|\n| — | **12** | 3 |\n|  | [7](https://x.example) | 4 |\n"
    html = body_of(make_anthology, source).body.html
    assert "<th>A</th>" in html  # only dashes and empty cells
    assert f"{NUMERIC}B</th>" in html  # emphasis and links around the figures
    assert '<th class="align-right">C</th>' in html  # the author's --: stays as it is
    assert "numeric" not in body_of(make_anthology, "| 1 | 2 |\n|---|---|\n").body.html


# ---- A digest book in every theme ------------------------------------------------------


@pytest.fixture(scope="module", params=["classic", "modern", "ereader"])
def ledger(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Built:
    root = tmp_path_factory.mktemp(f"tables-{request.param}")
    book = root / "book"
    (book / "reviews").mkdir(parents=True)
    (book / "anthology.toml").write_text(
        'title = "Figures"\neditors = ["Ed Itor"]\nlanguage = "en"\n'
        f'style = "{request.param}"\n\n[print]\ntrim = "digest"\n',
        encoding="utf-8",
    )
    (book / "reviews" / "ledger.md").write_text(REVIEW, encoding="utf-8")
    return build(book, root / "out", ("pdf", "epub", "html"), jobs=1, cache=False)


def _output(built: Built, kind: str) -> Path:
    (path,) = [o.path for o in built.outputs if o.format == kind]
    return path


@pytest.mark.slow
def test_every_edition_marks_the_columns(ledger: Built) -> None:
    book = _output(ledger, "pdf").parent.parent / "book"
    loaded = load_anthology(book)
    printed = render_print(loaded.anthology, loaded.theme).html
    with zipfile.ZipFile(_output(ledger, "epub")) as epub:
        xhtml = "".join(epub.read(n).decode() for n in epub.namelist() if n.endswith(".xhtml"))
        css = "".join(epub.read(n).decode() for n in epub.namelist() if n.endswith(".css"))
    web = _output(ledger, "html").read_text(encoding="utf-8")
    for edition in (printed, xhtml, web):
        # (print marks the long words of a crowded table's columns too)
        assert edition.count('<th class="numeric align-right') == 3 + 4
        assert '<th class="align-left">Running time</th>' in edition
        assert "<th>Studio</th>" in edition
    for stylesheet in (css, web):
        assert re.search(r"td\.numeric[^{]*\{[^}]*tabular-nums lining-nums", stylesheet)


def _words(pdf: Path) -> list[tuple[str, float, float]]:
    """The PDF's words: (text, xMin, xMax), in points."""
    require("pdftotext", "it measures where each word lies")
    done = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, check=True)
    return [
        ((w.text or "").strip(), float(w.get("xMin", 0)), float(w.get("xMax", 0)))
        for w in etree.fromstring(done.stdout).iter(f"{XHTML}word")
    ]


@pytest.mark.slow
def test_the_figures_line_up_on_the_right(ledger: Built) -> None:
    words = _words(_output(ledger, "pdf"))

    def edges(*texts: str) -> list[tuple[float, float]]:
        found = {text: (x0, x1) for text, x0, x1 in words if text in texts}
        assert set(found) == set(texts)
        return [found[text] for text in texts]

    for column in (("Released", "1911", "1928", "1988", "2004"), ("Budget", "$312,000", "$95,500")):
        head, *rights = [right for _, right in edges(*column)]
        assert max(rights) - min(rights) < 0.2, (column, rights)
        # the header too, but for the letter-spacing after its last letter
        assert abs(head - rights[0]) < 0.5, (column, head, rights)
    # Figures of one width: 1911 is as wide as 2004.
    ((a, b), (c, d)) = edges("1911", "2004")
    assert abs((b - a) - (d - c)) < 0.2
    # The author's :-- column stays flush left.
    lefts = [left for left, _ in edges("1:32", "1:05")]
    assert max(lefts) - min(lefts) < 0.2
    # Nothing outside the text block, and no column lost off the page.
    assert not [d for d in ledger.report.warnings if d.code == "B410"]
    assert {"Amber,", "None", "tones", "TONES"} & {text for text, _, _ in words}
