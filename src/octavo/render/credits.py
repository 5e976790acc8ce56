"""The credit lines of the acknowledgments page, one per review, in the book's words.

A reprinted piece is credited the way anthologies credit it: what it is, who wrote
it, where and when it first appeared, who owns it and on what terms it is printed::

    “The Shadow That Climbs the Stair” by Ada Okonkwo, first published in Nitrate
    Review, 8 November 2022. © 2022 Nitrate Review. Reprinted by permission.

The piece is named by its headline, in the book's quotation marks, or by the work's
title when it has none. The copyright is the rights holder's, or the critics' when
the front matter names none (the writer owns a text unless they sold it); a review
in the public domain has none, and only a ``granted`` one is "reprinted by
permission". A review's own ``credit`` replaces the whole line.

Every sentence is a message of the catalogues, so that a book in French says
« Publié pour la première fois dans... »; the lines are built once here for the print
book, the EPUB and the HTML edition alike, as :func:`.direction.review_titles` builds
the titles they cite.
"""

from __future__ import annotations

from markupsafe import Markup, escape

from ..localisation import Wording, quotation_marks
from ..model import AcknowledgmentsPage, Anthology, Review
from . import then_space
from .direction import isolate

#: The first sentence, by what is known of the first publication: (publication, date).
_FIRST_SENTENCE = {
    (True, True): "%(work)s by %(critics)s, first published in %(publication)s, %(date)s.",
    (True, False): "%(work)s by %(critics)s, first published in %(publication)s.",
    (False, True): "%(work)s by %(critics)s, first published %(date)s.",
    (False, False): "%(work)s by %(critics)s.",
}


def credit_lines(anthology: Anthology, xhtml: bool = False) -> dict[str, Markup]:
    """Each review's credit line, by review id (``xml:lang`` on titles in ``xhtml``).

    Empty when the book has no acknowledgments page to print them on.
    """
    if not any(isinstance(page, AcknowledgmentsPage) for page in anthology.back):
        return {}
    wording = Wording(anthology.language, dict(anthology.labels))
    return {
        review.id: Markup(review.credit.html)
        if review.credit is not None
        else credit_line(review, anthology, wording, xhtml)
        for review in anthology.reviews
    }


def credit_line(review: Review, book: Anthology, wording: Wording, xhtml: bool = False) -> Markup:
    """The generated credit line of ``review`` (see the module's docstring)."""
    direction = book.direction
    if review.headline:
        opening, closing, inner_opening, inner_closing = quotation_marks(book.language)
        # a quotation inside the headline takes the inner marks: “A ‘Great’ Film”
        headline = review.headline.replace(opening, inner_opening).replace(closing, inner_closing)
        work = escape(opening) + isolate(headline, direction) + escape(closing)
    else:
        lang = review.title_language_in(book.language)
        work = Markup("<cite>{}</cite>").format(isolate(review.title, direction, lang, xhtml))
    first = review.first_published
    publication = first.publication if first else None
    date = None
    if first is not None and first.date is not None:
        date = wording.date(first.date)
    elif first is not None and first.year is not None:
        date = str(first.year)
    values = {
        "work": work,
        "critics": isolate(wording.names(review.reviewers), direction),
        "publication": Markup("<cite>{}</cite>").format(isolate(publication or "", direction)),
        "date": date or "",
    }
    sentences = [_say(wording, _FIRST_SENTENCE[publication is not None, date is not None], values)]
    if review.permission != "public-domain":
        holder = review.rights_holder or wording.names(review.reviewers)
        year = first.year if first is not None else None
        rights = {"holder": isolate(holder, direction), "year": str(year or "")}
        sentences.append(
            _say(wording, "© %(year)s %(holder)s." if year else "© %(holder)s.", rights)
        )
    if review.permission == "granted":
        sentences.append(_say(wording, "Reprinted by permission.", {}))
    elif review.permission == "public-domain":
        sentences.append(_say(wording, "In the public domain.", {}))
    # a full stop that holds its own space ("。") takes none after it
    spaced = [Markup(then_space(str(sentence))) for sentence in sentences[:-1]]
    return Markup("").join([*spaced, sentences[-1]])


def _say(wording: Wording, message: str, values: dict[str, Markup | str]) -> Markup:
    """``message`` in the book's words, filled with ``values`` (text escaped, markup kept)."""
    return Markup(escape(wording.gettext(message))) % values
