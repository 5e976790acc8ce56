"""Render the EPUB edition: one XHTML document per page, review and section opener.

The result is an :class:`EpubPackage`, plain data that ``write.epub`` packs. Every
document is checked to be well-formed XML here, so a broken template is reported
as a template error and never reaches the reader.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import datetime
from functools import partial

from lxml import etree

from .. import __version__
from ..deflated import Deflated, deflate
from ..diagnostics import Diagnostic
from ..errors import ContentError
from ..localisation import Wording
from ..model import (
    AcknowledgmentsPage,
    Anthology,
    ContributorsPage,
    IndexPage,
    PageStart,
    TocNode,
)
from ..themes import Theme
from . import body_html, build_time, render_template
from .accessibility import Contents, is_animated, metadata, surveyed, together
from .cover import draw_cover
from .credits import credit_lines
from .direction import isolate, review_titles
from .epub_fragments import for_epub
from .epub_images import EpubImage, EpubImages
from .epub_parallel import Job, render_documents
from .ereader_images import ereader_cover
from .page_list import PageLink, add_page_breaks
from .pullquotes import place_pullquote
from .xhtml import parse_xhtml


@dataclass(frozen=True)
class EpubDocument:
    id: str  #: manifest id, a valid XML id
    file_name: str  #: inside the EPUB's content folder
    title: str
    xhtml: str
    properties: tuple[str, ...] = ()
    #: the XHTML's UTF-8 bytes deflated where it was rendered, for the zip
    deflated: Deflated | None = None


@dataclass(frozen=True)
class EpubPackage:
    """Everything the EPUB holds, ready to pack."""

    title: str
    language: str
    direction: str  #: "rtl" for a book in a right-to-left language
    identifier: str
    editors: tuple[str, ...]
    modified: datetime
    documents: list[EpubDocument]
    nav: EpubDocument
    toc: tuple[TocNode, ...]
    stylesheet: str
    cover: EpubImage
    images: list[EpubImage] = field(default_factory=list)
    subtitle: str | None = None
    publisher: str | None = None
    date: str | None = None
    description: str | None = None
    rights: str | None = None
    tags: tuple[str, ...] = ()
    #: the print edition's page list, when the PDF was built alongside
    pages: tuple[PageLink, ...] = ()
    #: folios of pages whose place in the EPUB is approximate
    approximate_pages: tuple[str, ...] = ()
    #: EPUB Accessibility metadata: (property, value) pairs
    accessibility: tuple[tuple[str, str], ...] = ()
    #: the print edition's ISBN-13 and the e-book's (the manifest's isbn, ebook_isbn)
    isbn: str | None = None
    ebook_isbn: str | None = None
    #: the book's words, for the labels the package writes (the EPUB 2 guide)
    wording: Wording = field(default_factory=Wording)

    def href(self, target: str) -> str:
        return f"{target}.xhtml"


@dataclass
class EpubDocuments:
    """The EPUB's documents before the print edition's page breaks are added to them:
    what can be rendered while the PDF is laid out (see ``octavo.api.build``)."""

    documents: list[EpubDocument]
    #: what each document but the cover page holds, for the accessibility metadata
    surveys: dict[str, Contents]
    images: EpubImages
    cover: EpubImage


def render_epub(
    anthology: Anthology, theme: Theme, page_starts: tuple[PageStart, ...] = ()
) -> EpubPackage:
    """Every document of the EPUB edition, rendered and checked.

    With ``page_starts`` (from the PDF built alongside), the documents carry the print
    edition's page breaks and the navigation document a page list.
    """
    return finish_epub(anthology, theme, render_epub_documents(anthology, theme), page_starts)


def _page_maker(
    anthology: Anthology, theme: Theme, images: EpubImages, wording: Wording
) -> Callable[..., tuple[EpubDocument, Contents]]:
    """What renders one document of the EPUB from a template (pictures numbered by
    ``images``): the document, checked, and what it holds for the accessibility
    metadata (read from the tree the check parsed)."""
    environment = theme.environment()
    # a title's language is set with xml:lang too, as XHTML wants
    environment.filters["isolate"] = partial(isolate, xhtml=True)
    titles = review_titles(anthology, xhtml=True)
    credits = credit_lines(anthology, xhtml=True)

    def page(
        template: str, doc_id: str, title: str, **context: object
    ) -> tuple[EpubDocument, Contents]:
        xhtml = render_template(
            environment,
            template,
            book=anthology,
            doc_title=title,
            body=lambda body, parent=1, pullquote="", direction=anthology.direction: for_epub(
                place_pullquote(body_html(body, images.url, parent, direction), pullquote),
                wording,
            ),
            image_url=images.url,
            href=lambda target: f"{target}.xhtml",
            generator=f"Octavo {__version__}",
            titles=titles,
            credits=credits,
            edition="epub",
            fonts=theme.fonts_for(anthology.language),
            **context,
        )
        contents = surveyed(_checked_xml(xhtml, template))
        properties = ("svg",) if "<svg" in xhtml else ()
        return EpubDocument(doc_id, f"{doc_id}.xhtml", title, xhtml, properties), contents

    return page


def render_epub_documents(
    anthology: Anthology, theme: Theme, deflated: bool = False
) -> EpubDocuments:
    """The cover and every document of the EPUB but the navigation document, rendered
    and checked, without the print edition's page breaks; with ``deflated``, each
    document's bytes also deflated for the zip where it is rendered (a worker's share
    of the zipping, for documents that no page breaks will change)."""
    wording = Wording(anthology.language, dict(anthology.labels))
    images = EpubImages()
    page = _page_maker(anthology, theme, images, wording)
    if anthology.cover is not None:
        source = anthology.cover
        # a cover of another shape is padded: the loader warned about it (M115)
        cover_data, _ = ereader_cover(source.path, source.media_type, (source.width, source.height))
    else:
        cover_data, _ = ereader_cover(draw_cover(anthology, theme))
    cover = EpubImage("cover-image", "images/cover.jpg", "image/jpeg", cover_data)

    def rendered(job: Job) -> tuple[EpubDocument, Contents]:
        """The document, and what it holds for the accessibility metadata (read where
        it is rendered: in a worker, for a big book)."""
        document, contents = page(job.template, job.doc_id, job.title, **job.context)
        if deflated:
            document = replace(document, deflated=deflate(document.xhtml.encode("utf-8")))
        return document, contents

    done = render_documents(_jobs(anthology, wording, cover), rendered, images)
    # every document but the cover page is read for the metadata
    surveys = {document.file_name: contents for document, contents in done[1:]}
    return EpubDocuments([document for document, _ in done], surveys, images, cover)


def finish_epub(
    anthology: Anthology,
    theme: Theme,
    rendered: EpubDocuments,
    page_starts: tuple[PageStart, ...] = (),
) -> EpubPackage:
    """The EPUB from its ``rendered`` documents: the print edition's page breaks added
    (with ``page_starts``), the navigation document, the metadata."""
    wording = Wording(anthology.language, dict(anthology.labels))
    images, cover = rendered.images, rendered.cover
    page = _page_maker(anthology, theme, images, wording)
    documents = list(rendered.documents)
    surveys = dict(rendered.surveys)
    pages: list[PageLink] = []
    approximate: list[str] = []
    if page_starts:
        changed, pages, approximate = add_page_breaks(
            [(document.file_name, document.xhtml) for document in documents], page_starts
        )
        documents = [
            replace(document, xhtml=changed[document.file_name], deflated=None)
            if document.file_name in changed
            else document
            for document in documents
        ]
        surveys.update((name, _survey(xhtml)) for name, xhtml in changed.items() if name in surveys)
    toc = anthology.toc  # made anew each time it is asked for: 0.09 s at 5,000 reviews
    nav, nav_contents = page(
        "epub/nav.xhtml.jinja", "nav", wording.format("Contents"), toc=toc, pages=pages
    )
    documents.insert(_NAV_AFTER, nav)
    surveys[nav.file_name] = nav_contents
    contents = together(
        list(surveys.values()),
        animated=any(is_animated(image.data) for image in images.packed()),
        has_page_list=bool(pages),
    )
    stylesheet = "\n".join(
        path.read_text(encoding="utf-8") for path in theme.stylesheets("epub.css")
    )
    return EpubPackage(
        title=anthology.title,
        subtitle=anthology.subtitle,
        language=anthology.language,
        wording=wording,
        direction=anthology.direction,
        identifier=anthology.identifier,
        editors=anthology.editors,
        modified=build_time(),
        documents=documents,
        nav=nav,
        pages=tuple(pages),
        approximate_pages=tuple(approximate),
        accessibility=tuple(metadata(contents, wording)),
        toc=toc,
        stylesheet=stylesheet,
        cover=cover,
        images=images.packed(),
        publisher=anthology.publisher,
        date=anthology.date.isoformat() if anthology.date else None,
        description=anthology.description,
        rights=anthology.rights,
        isbn=anthology.isbn,
        ebook_isbn=anthology.ebook_isbn,
        tags=tuple(sorted({tag for review in anthology.reviews for tag in review.tags})),
    )


def _survey(xhtml: str) -> Contents:
    return surveyed(parse_xhtml(xhtml))


#: The navigation document comes after the cover, the title page and the copyright page;
#: it is rendered last, for the print edition's page list.
_NAV_AFTER = 3


def _jobs(anthology: Anthology, wording: Wording, cover: EpubImage) -> list[Job]:
    """Every document but the navigation document, in the book's order."""
    jobs = [
        Job("epub/cover.xhtml.jinja", "cover", wording.format("Cover"), {"cover": cover}),
        Job("epub/titlepage.xhtml.jinja", "titlepage", anthology.title, {}),
        Job("epub/copyright.xhtml.jinja", "copyright", wording.format("Copyright"), {}),
    ]
    for text_page in anthology.front:
        jobs.append(
            Job("epub/text.xhtml.jinja", text_page.id, text_page.title, {"page": text_page})
        )
    for number, section in enumerate(anthology.sections, start=1):
        if anthology.sectioned:
            opener = {"section": section, "number": number}
            jobs.append(Job("epub/section.xhtml.jinja", section.id, section.title, opener))
        for review in section.reviews:
            title = review.toc_title
            jobs.append(Job("epub/review.xhtml.jinja", review.anchor, title, {"review": review}))
    for back_page in anthology.back:
        if isinstance(back_page, IndexPage):
            template = "epub/index.xhtml.jinja"
        elif isinstance(back_page, ContributorsPage):
            template = "epub/contributors.xhtml.jinja"
        elif isinstance(back_page, AcknowledgmentsPage):
            template = "epub/acknowledgments.xhtml.jinja"
        else:
            template = "epub/text.xhtml.jinja"
        jobs.append(Job(template, back_page.id, back_page.title, {"page": back_page}))
    return jobs


def _checked_xml(xhtml: str, template: str) -> etree._Element:
    """The document's tree, if the template made well-formed XHTML."""
    try:
        return parse_xhtml(xhtml)
    except etree.XMLSyntaxError as error:
        problem = Diagnostic(
            "S306",
            f"template {template} does not make well-formed XHTML: {error.msg}"
            f" (line {error.lineno} of its output)",
            hint="close every element and write void elements as <br/>",
        )
        raise ContentError.single(problem) from error
