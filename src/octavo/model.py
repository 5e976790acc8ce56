"""The content model: what a book is made of, as plain frozen data classes.

Nothing here reads or writes files. Loaders build these objects, ``collect`` puts
them together into an :class:`Anthology`, and renderers only read them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Literal

from .printers import Binding, Paper, PrinterName
from .scripts import title_language

Kind = Literal["film", "book", "album", "series", "game", "stage", "other"]
KINDS: tuple[str, ...] = ("film", "book", "album", "series", "game", "stage", "other")

#: Letter grades from best to worst; a grade's place gives its share of the scale.
GRADES: tuple[str, ...] = (
    "A+", "A", "A-", "B+", "B", "B-", "C+", "C", "C-", "D+", "D", "D-", "F",
)  # fmt: skip


@dataclass(frozen=True)
class Rating:
    """A score as the reviewer wrote it, with its place on a common scale.

    ``3.5/4``, ``7/10`` and ``B+`` all get a ``fraction`` from 0 to 1, so that they
    can be shown as stars out of five side by side, and a ``spoken`` text that says
    the same thing in words (for screen readers and for print without stars).
    """

    text: str  #: as written: "3.5/4", "B+"
    value: float  #: 3.5, or the grade's points (F = 0 ... A+ = 12)
    scale: float  #: 4, or 12 for letter grades
    grade: str | None = None  #: "B+" for letter grades

    @property
    def fraction(self) -> float:
        return self.value / self.scale

    @property
    def stars(self) -> float:
        """The score out of five, to the nearest half star (halves round up)."""
        return int(self.fraction * 10 + 0.5) / 2

    @property
    def star_shapes(self) -> list[str]:
        """Five shapes, each "full", "half" or "empty", for drawing the stars."""
        shapes = []
        for place in range(1, 6):
            if self.stars >= place:
                shapes.append("full")
            elif self.stars >= place - 0.5:
                shapes.append("half")
            else:
                shapes.append("empty")
        return shapes

    @property
    def spoken(self) -> str:
        """The rating in words: "3.5 out of 4", "grade B+"."""
        if self.grade is not None:
            return f"grade {self.grade}"
        return f"{_number(self.value)} out of {_number(self.scale)}"

    @property
    def printed(self) -> str:
        """The rating as set in type: a grade's hyphen is a minus sign, "A\u2212"."""
        return self.text.replace("-", "\u2212") if self.grade is not None else self.text

    @property
    def said(self) -> str:
        """``spoken`` with a grade's sign in words: "grade A minus", "grade B plus"."""
        if self.grade is not None:
            return "grade " + self.grade.replace("-", " minus").replace("+", " plus")
        return self.spoken

    @property
    def stars_spoken(self) -> str:
        """The common scale in words: "4.5 out of 5 stars"."""
        return f"{_number(self.stars)} out of 5 stars"


def _number(value: float) -> str:
    return str(int(value)) if value == int(value) else f"{value:g}"


@dataclass(frozen=True)
class Image:
    """An image file that a review or the manifest refers to, already checked."""

    path: Path  #: the real path, inside the anthology or its review library
    alt: str
    credit: str | None = None
    width: int = 0  #: pixels
    height: int = 0
    media_type: str = "image/png"


#: A certificate that is a statement, not a mark, and reads wrong after "Certificate":
#: "Not rated", "Unrated", "NR", "N/R", "Unclassified", "Exempt", "Rated R"...
_CERTIFICATE_STATEMENT = re.compile(
    r"(not|un\w*|rated|certificate|certified|passed|approved|exempt|none)\b|n\.?/?r\.?$",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Work:
    """The thing being reviewed: a film, a book, an album..."""

    title: str
    kind: str = "film"
    year: int | None = None
    creators: tuple[str, ...] = ()
    cast: tuple[str, ...] = ()
    runtime: str | None = None
    certificate: str | None = None
    #: the language the title is written in (``title_language``), when declared
    title_language: str | None = None
    #: what the title is sorted by, when not by its letters (``title_sort``): the
    #: reading of a title in kanji, "とうきょうものがたり" for 東京物語
    title_sort: str | None = None

    @property
    def certificate_line(self) -> str | None:
        """The certificate as the header prints it: "Certificate PG", but "Not rated"."""
        if self.certificate is None:
            return None
        if _CERTIFICATE_STATEMENT.match(self.certificate.strip()):
            return self.certificate
        return f"Certificate {self.certificate}"

    @property
    def creator_role(self) -> str:
        """How the creators are introduced: "Directed by", "By", "Created by"..."""
        return {
            "film": "Directed by",
            "series": "Created by",
            "book": "By",
            "album": "By",
            "game": "By",
            "stage": "By",
        }.get(self.kind, "By")


@dataclass(frozen=True)
class Body:
    """A Markdown text rendered to a sanitised XHTML fragment.

    Image sources in ``html`` are ``asset:<key>`` references to ``images``; each
    renderer replaces them with the URL its output format needs.
    """

    html: str
    words: int
    images: dict[str, Image] = field(default_factory=dict)

    @property
    def marks_spoilers(self) -> bool:
        """Whether a passage is marked ``{.spoiler}`` (or raw HTML with that class)."""
        return "spoiler" in self.html and _SPOILER_CLASS.search(self.html) is not None


#: A ``class`` attribute naming ``spoiler`` in sanitised HTML (text in code is escaped,
#: so a quotation mark there is never ``"``).
_SPOILER_CLASS = re.compile(r'\sclass="(?:[^"]*\s)?spoiler(?:\s[^"]*)?"')


#: What a review's ``permission`` may say: the editor cleared it (``granted``), is
#: waiting for an answer (``pending``), it is out of copyright (``public-domain``), or
#: the book's own critics wrote it for the book (``own``).
PERMISSIONS: tuple[str, ...] = ("granted", "pending", "public-domain", "own")
#: The permissions under which a review may be printed as it stands.
CLEARED: tuple[str, ...] = ("granted", "public-domain", "own")


@dataclass(frozen=True)
class FirstPublished:
    """Where and when a review first appeared, for its credit line and the rights ledger.

    ``year`` is set whenever a date is known; it stands alone when only the year is
    ("first published in Sight and Sound, 1962").
    """

    publication: str | None = None
    date: date | None = None
    year: int | None = None


@dataclass(frozen=True)
class Review:
    id: str
    path: Path
    work: Work
    reviewers: tuple[str, ...]
    body: Body
    headline: str | None = None
    publication: str | None = None
    published: date | None = None
    rating: Rating | None = None
    tags: tuple[str, ...] = ()
    image: Image | None = None
    pullquote: str | None = None
    showing: str | None = None
    language: str | None = None
    #: front-matter keys the contract does not define, kept for templates
    extra: dict[str, object] = field(default_factory=dict)
    #: the review gives away the plot: ``spoilers: true``, or a passage marked
    #: ``{.spoiler}`` (an Octavo extension to the contract)
    spoilers: bool = False
    #: where and when the review first appeared (default: ``publication``, ``published``)
    first_published: FirstPublished | None = None
    #: who owns the review's copyright (default, in credit lines: its reviewers)
    rights_holder: str | None = None
    #: whether it may be reprinted: one of ``PERMISSIONS``, or None when not said
    permission: str | None = None
    #: the editor's own credit line (inline Markdown), printed instead of the generated one
    credit: Body | None = None

    @property
    def title(self) -> str:
        return self.work.title

    @property
    def sort_title(self) -> str:
        """What the work's title is sorted by: its ``title_sort``, or the title itself."""
        return self.work.title_sort or self.work.title

    @property
    def direction(self) -> str:
        """``rtl`` when the review's declared language is written right to left."""
        return text_direction(self.language)

    def direction_in(self, book: Anthology) -> str:
        """The way the review's text runs in ``book``: its own language's, or the book's."""
        return text_direction(self.language) if self.language else book.direction

    def title_language_in(self, language: str) -> str | None:
        """The language of the work's title, where it is not the book's ``language``.

        Declared (``title_language``), or else the review's own ``language``, or else
        told by the title's script (see :mod:`octavo.scripts`).
        """
        declared = self.work.title_language or self.language
        if declared:
            return None if same_language(declared, language) else declared
        return title_language(self.title, language)

    @property
    def anchor(self) -> str:
        """The review's id in outputs: a valid XML id whatever the file is called."""
        return f"r-{self.id}"

    @property
    def toc_title(self) -> str:
        """The line that stands for this review in tables of contents and bookmarks."""
        if self.work.year is not None:
            return f"{self.work.title} ({self.work.year})"
        return self.work.title

    @property
    def byline(self) -> str:
        return _join_names(self.reviewers)


def _join_names(names: tuple[str, ...] | list[str]) -> str:
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]


@dataclass(frozen=True)
class TextPage:
    """A front- or back-matter page made from a Markdown file (a foreword...)."""

    id: str
    title: str
    path: Path
    body: Body

    @property
    def semantic(self) -> str | None:
        """What the page is, for EPUB's ``epub:type`` and ARIA's ``doc-*`` role.

        Read from the title's words, so that "Foreword" is a foreword; a page whose
        title names none of these kinds is plain front or back matter.
        """
        words = set(re.findall(r"[a-z]+", self.title.casefold()))
        for word, semantic in _SEMANTICS.items():
            if word in words:
                return semantic
        return None


#: Languages written right to left (ISO 639 codes), and right-to-left scripts (ISO 15924).
RTL_LANGUAGES = frozenset(
    ["ar", "arc", "ckb", "dv", "fa", "he", "iw", "ji", "ps", "sd", "syr", "ug", "ur", "yi"]
)
RTL_SCRIPTS = frozenset(["adlm", "arab", "hebr", "nkoo", "rohg", "syrc", "thaa"])


def same_language(one: str, other: str) -> bool:
    """Whether two language tags are the same tag, whatever their case or separator."""
    return one.casefold().replace("_", "-") == other.casefold().replace("_", "-")


def text_direction(language: str | None) -> str:
    """``rtl`` for a language tag written right to left ("he", "ur", "az-Arab"), else ``ltr``."""
    subtags = (language or "").casefold().replace("_", "-").split("-")
    if subtags[0] in RTL_LANGUAGES or any(tag in RTL_SCRIPTS for tag in subtags[1:]):
        return "rtl"
    return "ltr"


#: Title words and the DPUB-ARIA / EPUB structural semantics they name.
_SEMANTICS = {
    "foreword": "foreword",
    "preface": "preface",
    "introduction": "introduction",
    "prologue": "prologue",
    "epilogue": "epilogue",
    "afterword": "afterword",
    "acknowledgments": "acknowledgments",
    "acknowledgements": "acknowledgments",
    "dedication": "dedication",
    "colophon": "colophon",
    "appendix": "appendix",
    "glossary": "glossary",
    "bibliography": "bibliography",
    "conclusion": "conclusion",
    "credits": "credits",
}


@dataclass(frozen=True)
class IndexEntry:
    """One line of an index: ``label`` as written, ``heading`` as printed.

    ``heading`` is the title with its article moved to its end, or the name
    surname first (see ``indexes``); ``qualifier`` follows it in roman type: a
    work's year, " (1902)".
    """

    label: str
    review_ids: tuple[str, ...]
    heading: str = ""
    qualifier: str = ""
    #: the language of the heading where it is not the book's (a work's title)
    lang: str | None = None
    #: what a work's entry is sorted by, when not by its label (``title_sort``)
    sort_as: str = ""

    def __post_init__(self) -> None:
        if not self.heading:
            object.__setattr__(self, "heading", self.label)


@dataclass(frozen=True)
class IndexPage:
    """A generated index of works, reviewers, creators or publications."""

    id: str
    title: str
    kind: str
    entries: tuple[IndexEntry, ...]


@dataclass(frozen=True)
class Contributor:
    name: str
    bio: Body
    review_ids: tuple[str, ...]  #: the reviews in the book with this name in the byline


@dataclass(frozen=True)
class ContributorsPage:
    """ "About the contributors", from a contributors.toml."""

    id: str
    title: str
    contributors: tuple[Contributor, ...]


@dataclass(frozen=True)
class AcknowledgmentsPage:
    """Acknowledgments: the editor's text (``body``), if any, then a credit line for each
    review, in the book's order (``credited``: review ids, each once)."""

    id: str
    title: str
    credited: tuple[str, ...]
    body: Body | None = None
    path: Path | None = None  #: the editor's text's file

    @property
    def semantic(self) -> str:
        return "acknowledgments"


#: A page of the back matter: a text, an index, the contributors or the credits.
BackPage = TextPage | IndexPage | ContributorsPage | AcknowledgmentsPage


@dataclass(frozen=True)
class Section:
    id: str
    title: str
    reviews: tuple[Review, ...]
    intro: Body | None = None
    #: its number in the whole book, when it is not its place in this one (a volume)
    number: int | None = None
    #: the part began in the volume before this one
    continued: bool = False


@dataclass(frozen=True)
class VolumeRange:
    """What a volume holds, as the other volumes' contents list it."""

    number: int
    first: str  #: the title of its first part (or review, in a book without parts)
    last: str


@dataclass(frozen=True)
class VolumeInfo:
    """Which volume an :class:`Anthology` is, for its title page and contents."""

    number: int
    count: int
    ranges: tuple[VolumeRange, ...]  #: every volume's, this one's included

    @property
    def others(self) -> tuple[VolumeRange, ...]:
        return tuple(r for r in self.ranges if r.number != self.number)


@dataclass(frozen=True)
class PageStart:
    """Where a page of the print edition begins, for the EPUB's page list.

    ``anchor`` is the id of the innermost element around the page's first words, and
    ``before`` the text of that element set on earlier pages, spaces left out. A
    page with no words of its own (a blank page) has no anchor.
    """

    label: str  #: the folio as printed: "iv", "17"
    anchor: str | None
    before: str = ""


@dataclass(frozen=True)
class TocNode:
    """One line of the table of contents; the same tree drives every TOC we make.

    ``target`` is the id of the element (print) and the document (EPUB) the line
    leads to.
    """

    title: str
    target: str
    kind: Literal["front", "section", "review", "back"]
    children: tuple[TocNode, ...] = ()
    byline: str | None = None
    #: a review's work title alone, so that a template can isolate it from the
    #: year after it (``<bdi>``): ``title`` is "Title (1927)", ``name`` "Title"
    name: str | None = None
    #: the language of ``name`` where it is not the book's (``lang`` on its line)
    lang: str | None = None

    @property
    def qualifier(self) -> str:
        """What follows the name in the title: " (1927)", or nothing."""
        return self.title[len(self.name) :] if self.name else ""

    def walk(self, level: int = 1) -> list[tuple[int, TocNode]]:
        lines = [(level, self)]
        for child in self.children:
            lines.extend(child.walk(level + 1))
        return lines


@dataclass(frozen=True)
class PageSize:
    width: str  #: a CSS length: "6in"
    height: str
    name: str | None = None  #: the preset it came from, if any


@dataclass(frozen=True)
class PrintOptions:
    size: PageSize
    bleed: str = "0in"
    marks: bool = False
    recto_starts: bool = True
    pdf_variant: str | None = None  #: the screen PDF's variant: "pdf/a-3b", "pdf/ua-1"...
    balance: bool = True  #: short last pages of reviews balanced (write/balance.py)
    printer: PrinterName | None = None  #: whose rules the press edition follows
    paper: Paper = "white"
    binding: Binding = "paperback"
    spine: str | None = None  #: "top-to-bottom" or "bottom-to-top"; None: the language's
    price_code: str | None = None  #: the barcode's 5-digit price add-on
    max_pages: int | None = None  #: the most pages of a volume, as the manifest gives it
    volume_isbns: tuple[str, ...] = ()  #: each volume's ISBN-13, in order


@dataclass(frozen=True)
class Anthology:
    root: Path  #: the folder holding anthology.toml
    title: str
    language: str
    identifier: str
    editors: tuple[str, ...]
    print: PrintOptions
    style: str
    sections: tuple[Section, ...]
    front: tuple[TextPage, ...] = ()
    back: tuple[BackPage, ...] = ()
    subtitle: str | None = None
    publisher: str | None = None
    date: date | None = None
    description: str | None = None
    rights: str | None = None
    cover: Image | None = None
    back_cover: str | None = None  #: the manifest's back-cover text (Markdown)
    #: False when the manifest has no [[sections]]: one flat list of reviews
    sectioned: bool = True
    slug: str = "book"
    #: warning codes ``octavo check`` leaves out for this book ([check] ignore)
    check_ignore: tuple[str, ...] = ()
    #: the print edition's ISBN-13 and the e-book's, 13 digits each (no hyphens)
    isbn: str | None = None
    ebook_isbn: str | None = None
    #: the manifest's [labels]: (English message, this book's wording) pairs
    labels: tuple[tuple[str, str], ...] = ()
    #: which volume of the print edition this is, when it is cut into volumes
    volume: VolumeInfo | None = None

    @property
    def direction(self) -> str:
        """``rtl`` when the book's language is written right to left."""
        return text_direction(self.language)

    @property
    def reviews(self) -> list[Review]:
        return [review for section in self.sections for review in section.reviews]

    @property
    def editors_line(self) -> str:
        return _join_names(self.editors)

    @property
    def toc(self) -> tuple[TocNode, ...]:
        """The table of contents: front matter, sections (or reviews), back matter."""
        nodes: list[TocNode] = [TocNode(page.title, page.id, "front") for page in self.front]
        for section in self.sections:
            reviews = tuple(
                TocNode(
                    review.toc_title,
                    review.anchor,
                    "review",
                    byline=review.byline,
                    name=review.title,
                    lang=review.title_language_in(self.language),
                )
                for review in section.reviews
            )
            if self.sectioned:
                nodes.append(TocNode(section.title, section.id, "section", reviews))
            else:
                nodes.extend(reviews)
        nodes.extend(TocNode(page.title, page.id, "back") for page in self.back)
        return tuple(nodes)
