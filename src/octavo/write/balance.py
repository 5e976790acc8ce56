"""Page endings balanced: a review whose last page would hold only a few lines is set
a touch tighter or looser, until that page fills or goes.

Each review begins a page, so where its pages break depends on its own text and on
the side of the spread it begins on, nothing else. The book is laid out; for every
review the audit finds with a short last page (T703), the review is laid out again
alone, on its side, in small adjustments tried in order, as a typesetter tracks a
paragraph: its word spaces 0.03em narrower, then wider, then 0.06em narrower and
wider (justified lines take a line back with smaller minimum spaces and push one on
with larger ones), then fewer hyphens; last, the page before the last runs short: the
review's last block, when it runs onto the last page, takes as many lines over as that
page lacks (``widows``), provided the page before is left at most ``SHORT_BEFORE``
lines short. The first that leaves at least ``last_page_lines`` lines on the last
page, or no last page at all (the review then ends on its full page before), with no
more pages and no fault of another kind than the review had (T701, T702, T704 to
T708), is kept: a class on the review's ``<article>`` (``balance-tighter-1``...
``balance-widows-5``...), which classic's print.css defines. A review no adjustment
helps is left as it was. The book is then laid out once more.

The trials of all the reviews are laid out together, one document per round of
adjustments: each copy of a review begins on a page of the review's side, with its
ids renamed, so the copies do not meet. A copy of the review as it is comes first,
and a review whose copy does not end short (the isolated layout disagreeing with the
book's) is left alone.

Decisions are kept (:class:`~.balance_cache.BalanceCache`), so the next build of an
unchanged book applies them before laying it out, and lays it out once. A review
that lost or gained a page moves the reviews after it to the other side: those are
looked at again on their new side, and the book laid out again, at most
``LAYOUTS`` times in all.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from typing import TYPE_CHECKING, TypeVar

from lxml import html as lxml_html

from ..memory import release_memory
from ..model import Anthology, PageStart
from ..render.print_html import PrintDocument
from ..resources import Resolver
from ..themes import Theme
from .balance_cache import BalanceCache
from .balance_trials import Book, Review, attribute_text, written_html
from .balance_trials import Outcome as _Outcome
from .balance_trials import trial as _trial

if TYPE_CHECKING:
    from ..audit.checks import Checks, Found

#: The adjustments, each a class of the review's <article>, in the order they are
#: tried; the adjustments of one round are laid out together.
ROUNDS: tuple[tuple[str, ...], ...] = (
    ("balance-tighter-1", "balance-looser-1"),
    ("balance-tighter-2", "balance-looser-2"),
    ("balance-fewer-hyphens",),
)
#: The last resort, a round of its own: ``widows: N`` on the review's last block, one
#: class for each N that print.css defines.
WIDOWS: tuple[str, ...] = tuple(f"balance-widows-{n}" for n in range(2, 10))
ADJUSTMENTS = tuple(name for names in ROUNDS for name in names) + WIDOWS
#: The page before the last may be left this many lines short by ``widows``, no more.
SHORT_BEFORE = 3
#: The book is laid out at most this many times (a review balanced moves the ones
#: after it to the other side, which may want balancing in turn).
LAYOUTS = 3

Laid = TypeVar("Laid")
Progress = Callable[[str], None]


def balanced(
    render: Callable[[Mapping[str, str]], PrintDocument],
    lay_out: Callable[[PrintDocument], Laid],
    read: Callable[[Laid], tuple[Sequence[PageStart], Sequence[Found]]],
    resolver: Resolver,
    checks: Checks,
    environment: str,
    cache: BalanceCache,
    progress: Progress,
    jobs: int = 1,
) -> tuple[Laid, dict[str, str]]:
    """The book laid out with its reviews balanced, and the classes given them.

    ``render(classes)`` renders the book with the classes (review id → class);
    ``lay_out`` lays a rendering out; ``read`` gives the layout's page starts and
    the audit's faults (``checks`` run on its pages). ``environment`` is what every
    review's layout depends on besides its HTML (the theme's files, the page size).
    The trials are laid out by ``jobs`` processes (see :mod:`.balance_trials`).
    """
    plain = render({})
    book = _read_book(plain.html, environment)
    applied: dict[str, str] = {}
    for identifier, review in book.reviews.items():
        side = cache.last_side(review.key)
        decision = cache.decision(review.key, side) if side else None
        if decision:
            applied[identifier] = decision
    # before the book: the stylesheets it parses and the fonts it loads are kept for
    # the process (``pdf.lay_out``), and so for the workers the layout forks from it
    alike = _sides_alike(plain, book, resolver)
    ahead = _ahead(book, applied, cache)
    if ahead:
        # edited since the last book, which balanced them: tried now, on the side they
        # began on then, so that the book is laid out once (the guess is checked below)
        progress(f"Balancing the last pages of {len(ahead)} reviews")
        for identifier, decision in _decide(plain, book, ahead, resolver, checks, jobs).items():
            cache.keep(book.reviews[identifier].key, ahead[identifier], decision)
            if decision:
                applied[identifier] = decision
    # the HTML without classes (the book's size) is not held while a book with classes
    # is laid out: the trials, when there are any, render it again
    kept: PrintDocument | None = None if applied else plain
    del plain
    laid = lay_out(render(applied) if kept is None else kept)
    for _ in range(LAYOUTS - 1):
        starts, faults = read(laid)
        sides = _sides(starts, book)
        if alike:  # a review's pages break the same on either side: one decision
            sides = dict.fromkeys(sides, "right")
        short = {owner for code, _, owner, _, _ in faults if code == "T703"}
        pending: dict[str, str] = {}
        for identifier, side in sides.items():
            key = book.reviews[identifier].key
            if cache.decision(key, side) is not None:
                cache.keep(key, side)
            elif identifier in short or identifier in applied:
                pending[identifier] = side
            else:
                cache.keep(key, side, "")  # it ends well as it is
        if pending:
            progress(f"Balancing the last pages of {len(pending)} reviews")
            for identifier, decision in _decide(
                kept if kept is not None else render({}), book, pending, resolver, checks, jobs
            ).items():
                cache.keep(book.reviews[identifier].key, pending[identifier], decision)
        wanted = {
            identifier: decision
            for identifier, side in sides.items()
            if (decision := cache.decision(book.reviews[identifier].key, side))
        }
        for identifier, side in sides.items():
            cache.remember(identifier, side, wanted.get(identifier, ""))
        if wanted == applied:
            break
        applied = wanted
        progress("Laying out the balanced book")
        del laid  # not held while the balanced book is laid out (its pieces are cached)
        # and handed back, before the book is rendered again and cut (about 100 MB for
        # a moment at 1,000 reviews): the process's peak
        release_memory()
        laid = lay_out(render(applied))
    cache.save()
    return laid, applied


def _ahead(book: Book, applied: Mapping[str, str], cache: BalanceCache) -> dict[str, str]:
    """The reviews to try before the book is laid out (id → side): those edited since
    the last book (no decision is kept for their text) that were balanced in it, on
    the side they began on then. The rest are tried once the book shows them short."""
    ahead: dict[str, str] = {}
    for identifier, review in book.reviews.items():
        if identifier in applied or cache.last_side(review.key) is not None:
            continue
        last = cache.last_of(identifier)
        if last is not None and last[1]:
            ahead[identifier] = last[0]
    return ahead


def _sides_alike(document: PrintDocument, book: Book, resolver: Resolver) -> bool:
    """Whether a review's left-hand and right-hand pages have text areas of the same
    size, so that it breaks into the same pages on either side: then a review moved to
    the other side by one balanced before it keeps its decision, and is not tried again.
    Two reviews' pages are laid out to see (a few hundredths of a second)."""
    from weasyprint.urls import FatalURLFetchingError

    from .pdf import lay_out

    probe = (
        f"<!DOCTYPE html>\n<html{attribute_text(book.html_attributes)}><head></head>"
        f"<body{attribute_text(book.body_attributes)}>"
        '<article class="review" style="break-after: page"><p>x</p></article>'
        '<article class="review"><p>x</p></article></body></html>'
    )
    try:
        pages = lay_out(replace(document, html=probe, variant=None), resolver).pages
    except (Exception, FatalURLFetchingError):  # the book's own layout reports it
        return False
    if len(pages) != 2:
        return False
    first, second = (page._page_box for page in pages)
    return bool(
        first.page_type.side != second.page_type.side
        and abs(first.width - second.width) < 0.01
        and abs(first.height - second.height) < 0.01
    )


def environment(anthology: Anthology, theme: Theme) -> str:
    """What every review's layout depends on besides its HTML: Octavo's and
    WeasyPrint's versions, the theme's files and the page size (not the bleed)."""
    from ..render.print_html import page_size, print_stylesheets
    from .pdf_cache import environment_digest

    stylesheets = print_stylesheets(anthology, theme)
    return environment_digest(stylesheets, theme.folders, page_size(anthology, theme), None)


def _read_book(html: str, environment: str) -> Book:
    root = lxml_html.document_fromstring(html)
    body = root.find("body")
    html_attributes = {str(k): str(v) for k, v in root.attrib.items()}
    body_attributes = {str(k): str(v) for k, v in body.attrib.items()} if body is not None else {}
    reviews: dict[str, Review] = {}
    for article in root.iter("article"):
        identifier = article.get("id")
        if not identifier or "review" not in (article.get("class") or "").split():
            continue
        parent = article.getparent()
        wrapper = None
        if parent is not None and parent is not body and isinstance(parent.tag, str):
            attributes = {str(k): str(v) for k, v in parent.attrib.items() if k != "id"}
            wrapper = (str(parent.tag), attributes)
        text = written_html(article)
        digest = hashlib.sha256()
        for piece in (environment, repr(html_attributes), repr(body_attributes), repr(wrapper)):
            digest.update(piece.encode("utf-8") + b"\0")
        digest.update(text.encode("utf-8"))
        reviews[identifier] = Review(text, wrapper, digest.hexdigest())
    return Book(html_attributes, body_attributes, reviews)


def _sides(starts: Sequence[PageStart], book: Book) -> dict[str, str]:
    """The side each review begins on: its first page is the first whose words are its
    own, none of them set before (a review's header holds no id of its own)."""
    sides: dict[str, str] = {}
    for index, start in enumerate(starts):
        if start.anchor in book.reviews and not start.before and start.anchor not in sides:
            # WeasyPrint's first page is a right-hand page, a left-hand one right to left
            right = (index % 2 == 0) == book.left_to_right
            sides[start.anchor] = "right" if right else "left"
    return sides


def _decide(
    document: PrintDocument,
    book: Book,
    pending: Mapping[str, str],
    resolver: Resolver,
    checks: Checks,
    jobs: int = 1,
) -> dict[str, str]:
    """The class each pending review (id → side) is best set with ("" for none)."""
    decisions: dict[str, str] = {}
    before: dict[str, _Outcome] = {}
    for number, names in enumerate(ROUNDS):
        todo = [identifier for identifier in pending if identifier not in decisions]
        if not todo:
            break
        tried = [(identifier, name) for identifier in todo for name in names]
        if number == 0:
            tried = [(identifier, "") for identifier in todo] + tried
        outcomes = _trial(document, book, pending, tried, resolver, checks, jobs)
        if outcomes is None:  # the trial could not be laid out: nothing is changed
            return {identifier: decisions.get(identifier, "") for identifier in pending}
        for identifier in todo:
            if number == 0:
                before[identifier] = outcomes[(identifier, "")]
                if not before[identifier].short:
                    decisions[identifier] = ""  # alone, it does not end short
                    continue
            for name in names:
                if _better(outcomes[(identifier, name)], before[identifier]):
                    decisions[identifier] = name
                    break
    # the last resort: the page before the last runs short, and more lines go over
    wanted = checks.settings.last_page_lines
    tried = [
        (identifier, name)
        for identifier in pending
        if identifier not in decisions and identifier in before
        if (name := _widows(before[identifier], wanted))
    ]
    outcomes = _trial(document, book, pending, tried, resolver, checks, jobs) if tried else {}
    for identifier, name in tried:
        outcome = (outcomes or {}).get((identifier, name))
        if (
            outcome
            and _better(outcome, before[identifier])
            and outcome.short_before <= SHORT_BEFORE
        ):
            decisions[identifier] = name
    return {identifier: decisions.get(identifier, "") for identifier in pending}


def _widows(before: _Outcome, wanted: int) -> str:
    """The ``widows`` class that takes over the lines a short last page lacks, or ""
    when its last block begins on that page (widows cannot move it) or no class fits."""
    name = f"balance-widows-{before.tail + wanted - before.last_lines}"
    return name if before.tail and name in WIDOWS else ""


def _better(outcome: _Outcome, before: _Outcome) -> bool:
    """Whether an adjustment's outcome fixes the last page and harms nothing."""
    if outcome.short or outcome.pages > before.pages:
        return False
    return all(count <= before.faults[code] for code, count in outcome.faults.items())
