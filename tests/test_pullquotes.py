"""Pull quotes stand between paragraphs, far from the sentence they repeat (issue 13).

The rule (see :mod:`octavo.render.pullquotes`) is checked on body fragments; then in
the example's three editions (print HTML, EPUB, HTML), where every quote is at least
``MIN_WORDS_BETWEEN`` words from its source; then in the PDF of a small book in every
theme, read back with ``pdftotext -bbox``: the opening paragraph keeps its full
measure, and on the e-reader's small page the quote and its source never share a page.
"""

from __future__ import annotations

import re
import subprocess
import textwrap
import zipfile
from collections import defaultdict
from collections.abc import Mapping
from pathlib import Path

import pytest
from lxml import etree
from lxml import html as lxml_html
from markupsafe import Markup

from octavo.api import Built, build, load_anthology
from octavo.render.epub_xhtml import render_epub
from octavo.render.print_html import render_print
from octavo.render.pullquotes import (
    MIN_BLOCKS_BETWEEN,
    MIN_WORDS_BEFORE,
    MIN_WORDS_BETWEEN,
    place_pullquote,
    words,
)
from octavo.render.web_html import render_web

from .conftest import EXAMPLE, require

ASIDE = '<aside class="pullquote" aria-hidden="true"><p>{}</p></aside>'
QUOTE = "Forty-five minutes, and not one of them is spent standing still."


def _paragraph(number: int, count: int, sentence: str = "", at: int = 20) -> str:
    """A paragraph of ``count`` words of its own (``p3w17``...), ``sentence`` after ``at``."""
    own = [f"p{number}w{n}" for n in range(count)]
    return "<p>" + " ".join([*own[:at], sentence, *own[at:]]).replace("  ", " ") + "</p>"


def _blocks(fragment: Markup) -> list[etree._Element]:
    return list(etree.fromstring(f"<div>{fragment}</div>"))


def _placed_before(fragment: Markup) -> int | None:
    """The index, among the body's blocks, of the block the quote stands before."""
    blocks = _blocks(fragment)
    for index, block in enumerate(blocks):
        if block.get("class") == "pullquote":
            return index
    return None


def _distance(tokens: list[tuple[str, bool]], quote: str) -> int:
    """Words between the pull quote (tokens marked True) and its nearest source."""
    start = next(n for n, (_, hidden) in enumerate(tokens) if hidden)
    text = [word for word, hidden in tokens if not hidden]
    target = list(words(quote))
    found = [n for n in range(len(text)) if text[n : n + len(target)] == target]
    assert found, f"the source of {quote!r} is not in the text"
    return min(start - (n + len(target)) if n < start else n - start for n in found)


# ---- The rule, on body fragments ------------------------------------------------------


def test_the_quote_goes_after_its_source_at_a_distance() -> None:
    paragraphs = [_paragraph(0, 100, QUOTE)] + [_paragraph(n, 100) for n in range(1, 7)]
    placed = place_pullquote(Markup("\n".join(paragraphs)), ASIDE.format(QUOTE))
    index = _placed_before(placed)
    # the source is the first paragraph; its sentence ends at word 32 of 112; after it
    # come 80 words, then a whole paragraph (100) is too few: the quote follows another
    assert index == 3
    blocks = _blocks(placed)
    assert index - 1 >= MIN_BLOCKS_BETWEEN
    between = sum(len(words("".join(b.itertext()))) for b in blocks[1:index]) + 80
    assert between >= MIN_WORDS_BETWEEN
    assert between - 100 < MIN_WORDS_BETWEEN  # and no later than it needs to be


def test_a_quote_from_the_last_paragraph_goes_well_before_it() -> None:
    paragraphs = [_paragraph(n, 100) for n in range(6)] + [_paragraph(6, 100, QUOTE, at=60)]
    placed = place_pullquote(Markup("\n".join(paragraphs)), ASIDE.format(QUOTE))
    # before paragraph 5: paragraph 5 and 60 words of paragraph 6 lie between (160 words)
    # are too few; before paragraph 4, 260 are enough
    assert _placed_before(placed) == 4


def test_a_short_review_leaves_the_quote_out() -> None:
    fragment = Markup("\n".join(_paragraph(n, 80, QUOTE if n == 1 else "") for n in range(3)))
    assert place_pullquote(fragment, ASIDE.format(QUOTE)) == fragment
    # a quote no text repeats still needs words before and after it
    assert place_pullquote(Markup(_paragraph(0, 300)), ASIDE.format("Not in the text.")) == (
        Markup(_paragraph(0, 300))
    )


def test_a_quote_not_in_the_text_goes_nearest_the_middle() -> None:
    sizes = [120, 40, 150, 60, 200, 90]  # 660 words: the middle is at word 330
    fragment = Markup("\n".join(_paragraph(n, size) for n, size in enumerate(sizes)))
    placed = place_pullquote(fragment, ASIDE.format("A sentence the review never says."))
    assert _placed_before(placed) == 3  # after 310 words (before 4, after 370: farther)


def test_an_abridged_or_retyped_quote_is_found() -> None:
    sentence = "The film, said its maker, is “a machine—of dreams” that never stops running."
    quote = 'The film … is "a machine -- of DREAMS" that never stops running'
    paragraphs = [_paragraph(n, 100) for n in range(3)] + [_paragraph(3, 100, sentence)]
    paragraphs += [_paragraph(n, 100) for n in range(4, 8)]
    placed = place_pullquote(Markup("\n".join(paragraphs)), ASIDE.format(quote))
    # found in paragraph 3: after it, 80 words then paragraph 4 are 180 words, too few;
    # before paragraph 6 there are 280 (were it not found, it would go in the middle, 4)
    assert _placed_before(placed) == 6


def test_never_after_a_heading_at_the_start_or_among_the_notes() -> None:
    paragraphs = [_paragraph(0, 60), _paragraph(1, 60)]
    paragraphs += ['<h3 class="h-level-1">A heading</h3>', _paragraph(2, 200)]
    paragraphs += [_paragraph(3, 40), _paragraph(4, 40, QUOTE)]
    paragraphs += ['<hr class="footnotes-sep"/>', '<section class="footnotes"><p>n</p></section>']
    placed = place_pullquote(Markup("\n".join(paragraphs)), ASIDE.format(QUOTE))
    # not before paragraph 1 (60 words in), nor after the heading: before the heading
    assert _placed_before(placed) == 2
    assert MIN_WORDS_BEFORE <= 120


# ---- Every edition of the example -----------------------------------------------------


def _tokens(element: etree._Element, hidden: bool = False) -> list[tuple[str, bool]]:
    """The words of a review in reading order, those of its pull quote marked; notes
    (at the foot of a page, or at the end) are left out."""
    classes = set(element.get("class", "").split())
    if classes & {"footnote", "footnotes", "footnote-item", "footnote-ref", "footnotes-sep"}:
        return [(word, hidden) for word in words(element.tail or "")]
    hidden = hidden or "pullquote" in classes
    tokens = [(word, hidden) for word in words(element.text or "")]
    for child in element:
        if isinstance(child.tag, str):
            tokens += _tokens(child, hidden)
        else:
            tokens += [(word, hidden) for word in words(child.tail or "")]
    outer = hidden and "pullquote" not in classes
    return tokens + [(word, outer) for word in words(element.tail or "")]


def _reviews(markup: str) -> list[etree._Element]:
    root = lxml_html.fromstring(markup.encode("utf-8"))
    return root.xpath("//*[contains(concat(' ', @class, ' '), ' review ')][@id]")


def _check_edition(documents: list[str], quotes: Mapping[str, str]) -> set[str]:
    placed = set()
    for markup in documents:
        for review in _reviews(markup):
            anchor = review.get("id")
            asides = review.xpath(".//aside[@class='pullquote']")
            if not asides:
                continue
            (aside,) = asides
            body = aside.getparent()
            assert body.get("class") == "review-body", anchor
            assert body.index(aside) > 0, f"{anchor}: the quote opens the review"
            quote = quotes[anchor]
            distance = _distance(_tokens(review), quote)
            assert distance >= MIN_WORDS_BETWEEN, f"{anchor}: {distance} words from its source"
            placed.add(anchor)
    return placed


def test_every_edition_keeps_the_quote_far_from_its_source() -> None:
    loaded = load_anthology(EXAMPLE)
    anthology, theme = loaded.anthology, loaded.theme
    quotes = {review.anchor: review.pullquote for review in anthology.reviews if review.pullquote}
    assert len(quotes) == 14
    print_html = render_print(anthology, theme).html
    epub = [document.xhtml for document in render_epub(anthology, theme).documents]
    web = render_web(anthology, theme, embed_fonts=False)
    for documents in ([print_html], epub, [web]):
        # every quote of the example finds a place at a distance
        assert _check_edition(documents, quotes) == set(quotes)


# ---- The PDF, in every theme ----------------------------------------------------------

_REVIEW = """\
---
title: Sherlock Jr.
year: 1924
reviewer: Ann Critic
rating: 9/10
pullquote: {quote}
---

"""


@pytest.fixture(scope="module", params=["classic", "modern", "ereader"])
def quoted_book(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> tuple[str, Built]:
    theme = request.param
    root = tmp_path_factory.mktemp(f"pullquotes-{theme}")
    manifest = f'title = "Pull Quotes"\neditors = ["Ed Itor"]\nlanguage = "en"\nstyle = "{theme}"\n'
    # the source sentence is in the opening paragraph, as in the example's Sherlock Jr.
    paragraphs = [_paragraph(0, 90, QUOTE, at=12)] + [_paragraph(n, 110) for n in range(1, 7)]
    body = "\n\n".join(re.sub(r"</?p>", "", p) for p in paragraphs)
    files = {
        "anthology.toml": manifest,
        "reviews/sherlock.md": textwrap.dedent(_REVIEW).format(quote=QUOTE) + body + "\n",
    }
    for name, content in files.items():
        path = root / "book" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(content, encoding="utf-8")
    return theme, build(root / "book", root / "out", ("pdf", "epub", "html"), jobs=1)


def _output(built: Built, kind: str) -> Path:
    (output,) = [o for o in built.outputs if o.format == kind]
    return output.path


def _pdf_words(pdf: Path) -> list[list[tuple[str, float, float, float]]]:
    """Each page's words: text, left, right, top."""
    require("pdftotext", "the PDF's words are read back with poppler's pdftotext -bbox")
    result = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, check=True)
    xhtml = "{http://www.w3.org/1999/xhtml}"
    return [
        [
            (
                (w.text or "").strip(),
                float(w.get("xMin", 0)),
                float(w.get("xMax", 0)),
                float(w.get("yMin", 0)),
            )
            for w in page.iter(f"{xhtml}word")
        ]
        for page in etree.fromstring(result.stdout).iter(f"{xhtml}page")
    ]


def test_the_opening_paragraph_keeps_its_full_measure(quoted_book: tuple[str, Built]) -> None:
    theme, built = quoted_book
    # a justified line runs to the edge; a ragged one (the e-reader theme) ends within
    # a word of it, where a float beside it would stop it at half the measure
    slack = 40 if theme == "ereader" else 3
    ends: list[tuple[float, float]] = []  # each line of the opening: its end, the text's
    for page in _pdf_words(_output(built, "pdf")):
        own = [w for w in page if re.fullmatch(r"p\dw\d+", w[0])]
        if not any(word.startswith("p0") for word, *_ in own):
            continue
        right = max(x_max for _, _, x_max, _ in own)
        # the lines of the opening, each to the end of its last word (of the quote too)
        tops: list[float] = []
        for top in sorted(top for word, _, _, top in own if word.startswith("p0")):
            if not tops or top - tops[-1] > 2:
                tops.append(top)
        for top in tops:
            ends.append((max(w[2] for w in page if abs(w[3] - top) < 2), right))
    assert len(ends) >= 6
    # every line of the opening but its last runs to the right edge of the text
    for end, right in ends[:-1]:
        assert end > right - slack, f"a line of the opening ends at {end}, the text at {right}"


def _pdf_text(pdf: Path) -> tuple[list[str], list[int]]:
    """The PDF's words as compared (a word hyphenated at a line's end made whole), and
    the page of each."""
    text: list[str] = []
    pages: list[int] = []
    carried = ""
    for number, page in enumerate(_pdf_words(pdf)):
        for word, *_ in page:
            if word.endswith(("\u2010", "\u00ad")):
                carried += word[:-1]
                continue
            found = words(carried + word)
            carried = ""
            text += found
            pages += [number] * len(found)
    return text, pages


def test_the_quote_is_far_from_its_source_in_the_pdf(quoted_book: tuple[str, Built]) -> None:
    theme, built = quoted_book
    text, pages = _pdf_text(_output(built, "pdf"))
    target = list(words(QUOTE))
    found = [n for n in range(len(text)) if text[n : n + len(target)] == target]
    assert len(found) == 2  # the source, then the quote
    (source, quote) = found
    assert quote - (source + len(target)) >= MIN_WORDS_BETWEEN
    if theme == "ereader":
        # a page of the e-reader's PDF is a screen: never the quote and its source on one
        assert pages[source + len(target) - 1] < pages[quote]


def test_the_quote_is_far_from_its_source_in_the_epub_and_html(
    quoted_book: tuple[str, Built],
) -> None:
    _, built = quoted_book
    with zipfile.ZipFile(_output(built, "epub")) as epub:
        documents = [
            epub.read(name).decode("utf-8") for name in epub.namelist() if name.endswith("xhtml")
        ]
    web = _output(built, "html").read_text(encoding="utf-8")
    for edition in (documents, [web]):
        assert len(_check_edition(edition, defaultdict(lambda: QUOTE))) == 1
