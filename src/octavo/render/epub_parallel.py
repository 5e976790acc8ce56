"""A big book's EPUB documents rendered side by side, in forked workers.

From :data:`PARALLEL_FROM` documents on, a book's documents (all but the navigation
document, which is rendered last) are shared among worker processes, one a core
(``octavo/fork_pool.py``), and come back in the book's order, the same to the byte as
one process renders them.

One thing passes from a document to the next: a picture's name carries its number in
the order the documents first ask for it (``epub_images.py``). So the numbers are
decided first, by a pass over the documents in order that asks for each one's
pictures as the templates do (:func:`foreseen_pictures`). Each worker notes the
pictures its documents really asked for; when they were not the ones foreseen (a
theme's own template shows them in another order, or not at all), the documents are
rendered again in one process. Everything else the templates are given (the book, its
words, the titles and credits of its reviews) is made before the fork and is the same
for every document; each document's footnotes, ids and languages are its own.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Generic, TypeVar

from ..diagnostics import Report
from ..errors import ContentError, Refused
from ..fork_pool import map_in_forks, worker_count
from ..model import (
    AcknowledgmentsPage,
    Body,
    ContributorsPage,
    Image,
    Review,
    Section,
    TextPage,
)
from . import body_html
from .epub_images import EpubImages

#: Below this many documents, one process renders them all: starting the workers and
#: sending the documents back costs more than it saves. Measured on 2 cores, in a
#: fresh process, books of 200, 300 and 400 generated reviews: the same time at 200,
#: 8 % less at 300, 12 % less at 400.
PARALLEL_FROM = 300

Document = TypeVar("Document")


@dataclass(frozen=True)
class Job:
    """A document to render: its template, id and title, and what the template is given."""

    template: str
    doc_id: str
    title: str
    context: Mapping[str, object]


@dataclass(frozen=True)
class _Rendered(Generic[Document]):
    document: Document
    asked: tuple[Path, ...]  #: the pictures it asked for, in order


@dataclass(frozen=True)
class _Failed:
    """A document that could not be rendered, its error in a form that can be pickled."""

    report: Report | None = None  #: a ContentError's
    refused: tuple[str, str, str | None] | None = None  #: a Refused's message, hint, code

    def error(self) -> Exception:
        if self.report is not None:
            return ContentError(self.report)
        assert self.refused is not None
        return Refused(*self.refused)


def render_documents(
    jobs: Sequence[Job], render: Callable[[Job], Document], images: EpubImages
) -> list[Document]:
    """``render`` of each job, in order, numbering the pictures as one process does."""
    workers = _workers(len(jobs))
    if workers < 2:
        return [render(job) for job in jobs]
    before = len(images.by_path)
    try:
        for job in jobs:
            for image in foreseen_pictures(job):
                images.url(image)
    except Exception:  # a picture that cannot be read: it fails where one process fails
        images.forget_from(before)
        return [render(job) for job in jobs]
    foreseen = list(images.by_path)[before:]
    outcomes = map_in_forks(partial(_render, jobs, render, images), range(len(jobs)), workers)
    rendered: list[_Rendered[Document]] = []
    for outcome in outcomes:
        if isinstance(outcome, _Failed):
            raise outcome.error()  # the first, in the book's order
        rendered.append(outcome)
    known = list(images.by_path)[:before]
    if _first_asked(known, (done.asked for done in rendered)) != foreseen:
        images.forget_from(before)
        return [render(job) for job in jobs]
    return [done.document for done in rendered]


def _workers(documents: int) -> int:
    return worker_count(documents, PARALLEL_FROM)


def foreseen_pictures(job: Job) -> list[Image]:
    """The pictures a document asks for, in order, as the themes' templates ask: a
    review's own, then its body's; those of a part's introduction, of a page's text or
    of each contributor's note."""
    review, section, page = (job.context.get(key) for key in ("review", "section", "page"))
    if isinstance(review, Review):
        own = [review.image] if review.image is not None else []
        return own + _body_pictures(review.body)
    if isinstance(section, Section):
        return _body_pictures(section.intro)
    if isinstance(page, ContributorsPage):
        return [image for person in page.contributors for image in _body_pictures(person.bio)]
    if isinstance(page, TextPage | AcknowledgmentsPage):
        return _body_pictures(page.body)
    return []


def _body_pictures(body: Body | None) -> list[Image]:
    pictures: list[Image] = []
    if body is not None and body.images:

        def note(image: Image) -> str:
            pictures.append(image)
            return ""

        body_html(body, note)
    return pictures


def _render(
    jobs: Sequence[Job], render: Callable[[Job], Document], images: EpubImages, index: int
) -> _Rendered[Document] | _Failed:
    """One document, rendered in a worker."""
    images.asked.clear()
    try:
        document = render(jobs[index])
    except ContentError as error:
        return _Failed(report=error.report)
    except Refused as refused:
        return _Failed(refused=(refused.message, refused.hint, refused.code))
    return _Rendered(document, tuple(images.asked))


def _first_asked(known: list[Path], asked: Iterable[tuple[Path, ...]]) -> list[Path]:
    """The pictures asked for that are not ``known``, in the order first asked for."""
    seen = set(known)
    first: list[Path] = []
    for paths in asked:
        for path in paths:
            if path not in seen:
                seen.add(path)
                first.append(path)
    return first
