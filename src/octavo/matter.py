"""The book's front and back matter: the pages around the reviews.

Pages from Markdown files (front and back), the generated indexes, About the
Contributors and the acknowledgments, as ``[[front]]`` and ``[[back]]`` in the
manifest ask. (A review's own front matter, its YAML header, is read by
:mod:`.load.frontmatter`.) Mistakes are reported on the manifest's line.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from slugify import slugify

from .errors import Refused
from .indexes import INDEX_TITLES, index_page
from .load.contributors import load_contributors
from .load.manifest import Manifest
from .load.review import load_text_page
from .localisation import Wording
from .model import (
    AcknowledgmentsPage,
    BackPage,
    Body,
    Contributor,
    ContributorsPage,
    Review,
    TextPage,
)

if TYPE_CHECKING:
    from .collect import Inputs


def front_matter(inputs: Inputs) -> tuple[TextPage, ...]:
    """The ``[[front]]`` pages, in the manifest's order."""
    return tuple(
        page
        for index, spec in enumerate(inputs.manifest.front)
        if (page := text_page(inputs, ("front", index), spec.file, spec.title, spec.id, "front"))
    )


def back_matter(inputs: Inputs, reviews: list[Review]) -> list[BackPage]:
    """The ``[[back]]`` pages, in the manifest's order, about the book's ``reviews``."""
    manifest = inputs.manifest
    wording = book_wording(manifest)
    back: list[BackPage] = []
    for index, spec in enumerate(manifest.back):
        if spec.acknowledgments:
            title = spec.title or wording.format("Acknowledgments")
            thanks = _acknowledgments(inputs, index, title, spec.file, spec.id, reviews)
            back.extend([thanks] if thanks else [])
        elif spec.index is not None:
            title = spec.title or wording.format(INDEX_TITLES[spec.index])
            page_id = spec.id or f"index-{spec.index}"
            back.append(index_page(spec.index, title, page_id, reviews, manifest.language))
        elif spec.contributors is not None:
            location: tuple[str | int, ...] = ("back", index, "contributors")
            page_id = spec.id or "back-contributors"
            title = spec.title or wording.format("About the Contributors")
            about = _contributors(inputs, location, spec.contributors, page_id, reviews)
            back.extend([ContributorsPage(page_id, title, about)] if about is not None else [])
        elif spec.file is not None and spec.title:
            page = text_page(inputs, ("back", index), spec.file, spec.title, spec.id, "back")
            back.extend([page] if page else [])
    return back


def text_body(
    inputs: Inputs, location: tuple[str | int, ...], reference: str, doc_id: str
) -> Body | None:
    """The Markdown file ``reference`` (relative to the manifest), rendered."""
    try:
        path = inputs.context.resolver.local(reference, inputs.root)
    except Refused as refused:
        inputs.error("M105", location, f"{reference}: {refused.message}", refused.hint)
        return None
    return load_text_page(path, doc_id, inputs.context)


def text_page(
    inputs: Inputs,
    location: tuple[str | int, ...],
    reference: str,
    title: str,
    page_id: str | None,
    kind: str,
) -> TextPage | None:
    """A page of the front or back matter from the Markdown file ``reference``."""
    page_id = page_id or f"{kind}-{slugify(title, max_length=40) or 'page'}"
    body = text_body(inputs, (*location, "file"), reference, page_id)
    if body is None:
        return None
    return TextPage(id=page_id, title=title, path=inputs.root / reference, body=body)


def _acknowledgments(
    inputs: Inputs,
    index: int,
    title: str,
    file: str | None,
    page_id: str | None,
    reviews: list[Review],
) -> AcknowledgmentsPage | None:
    """The acknowledgments: the editor's text, if any, then the credit line of every
    review in the book, each once (``allow_repeats`` may print one in two sections)."""
    page_id = page_id or "back-acknowledgments"
    text = None
    if file is not None:
        text = text_page(inputs, ("back", index), file, title, page_id, "back")
        if text is None:
            return None
    credited = tuple(dict.fromkeys(review.id for review in reviews))
    return AcknowledgmentsPage(
        page_id, title, credited, text.body if text else None, text.path if text else None
    )


def _contributors(
    inputs: Inputs,
    location: tuple[str | int, ...],
    reference: str,
    page_id: str,
    reviews: list[Review],
) -> tuple[Contributor, ...] | None:
    try:
        path = inputs.context.resolver.local(reference, inputs.root)
    except Refused as refused:
        inputs.error("M105", location, f"{reference}: {refused.message}", refused.hint)
        return None
    return load_contributors(path, reference, page_id, reviews, inputs.context)


def book_wording(manifest: Manifest) -> Wording:
    """The book's words, for the titles and texts the build writes itself."""
    return Wording(manifest.language, manifest.labels)
