"""The cover's back panel: the manifest's ``back_cover`` or the reviews' pull quotes
with their critics, the publisher, and the ISBN's barcode in the printer's box."""

from __future__ import annotations

import re
from dataclasses import dataclass
from html import escape, unescape

from ..barcode import Barcode
from ..model import Anthology, Review
from ..printers import Printer
from .cover_sheet import SAFETY, Wrap, css_box
from .pullquotes import words


@dataclass(frozen=True)
class Quote:
    """A sentence of a review printed on the back, and the review it is from."""

    review: Review
    text: str


#: A review's first sentence: up to its first full stop (or ! ? … 。！？).
_SENTENCE = re.compile(r".+?[.!?\u2026\u3002\uff01\uff1f](?=[\s\u201d\u2019\"]|$)", re.S)
_TAGS = re.compile(r"<[^>]+>")


def first_sentence(review: Review) -> str | None:
    """The first sentence of the review's first paragraph, or None."""
    paragraph = re.search(r"<p\b[^>]*>(.*?)</p>", review.body.html, re.S)
    if paragraph is None:
        return None
    text = " ".join(unescape(_TAGS.sub("", paragraph.group(1))).split())
    found = _SENTENCE.match(text)
    return found.group(0).strip() if found else None


def pull_quotes(anthology: Anthology, most: int = 4, most_words: int = 110) -> list[Quote]:
    """The quotes on the back: the reviews' pull quotes of at most 40 words, the
    shortest first, 2 to ``most`` of them within ``most_words`` words, printed in the
    book's order. When fewer than two reviews have one, the opening sentences of
    others (6 to 30 words) make up the number."""
    quoted = [
        Quote(r, r.pullquote)
        for r in anthology.reviews
        if r.pullquote and len(words(r.pullquote)) <= 40
    ]
    if len(quoted) < 2:
        for review in anthology.reviews:
            sentence = None if review.pullquote else first_sentence(review)
            if sentence and 6 <= len(words(sentence)) <= 30:
                quoted.append(Quote(review, sentence))
    chosen: list[Quote] = []
    total = 0
    for quote in sorted(quoted, key=lambda q: len(words(q.text))):
        count = len(words(quote.text))
        if len(chosen) >= most or (len(chosen) >= 2 and total + count > most_words):
            break
        chosen.append(quote)
        total += count
    order = {review.id: index for index, review in enumerate(anthology.reviews)}
    return sorted(chosen, key=lambda quote: order[quote.review.id])


def quotes_html(anthology: Anthology, quotes: list[Quote], accent: str) -> str:
    """The quotes as the back cover prints them: the quote, then its critic."""
    marks = _quote_marks(anthology.language)
    out = []
    for quote in quotes:
        review = quote.review
        source = review.byline + (f", {review.publication}" if review.publication else "")
        out.append(
            f'<blockquote class="quote"><p>{marks[0]}{escape(quote.text.strip())}{marks[1]}</p>'
            f'<p class="critic" style="color: {accent};">\u2014 {escape(source)}</p>'
            "</blockquote>"
        )
    return "".join(out)


def _quote_marks(language: str) -> tuple[str, str]:
    from ..localisation import quotation_marks

    marks = quotation_marks(language)
    return marks[0], marks[1]


def back_panel(
    anthology: Anthology,
    wrap: Wrap,
    back_html: str | None,
    barcode: Barcode | None,
    colours: dict[str, str],
    printer: Printer,
) -> str:
    trim_w, trim_h = wrap.trim
    left = wrap.back_left
    top = wrap.edge
    # the barcode box: at the back cover's foot, on its spine side, inset from the trim
    # and from the fold
    box_w, box_h = printer.barcode_box
    inset = printer.barcode_inset
    box_left = left + inset if wrap.front_on_left else left + trim_w - inset - box_w
    box_top = top + trim_h - inset - box_h
    text_bottom = trim_h - inset - box_h - 0.2  # the text stops above the barcode box
    text_box = css_box(left + SAFETY + 0.25, top + SAFETY + 0.35, trim_w - 2 * (SAFETY + 0.25),
                    text_bottom - SAFETY - 0.35)  # fmt: skip
    body = back_html if back_html is not None else ""
    parts = [f'<div class="back-text" style="{text_box}"><div>{body}</div></div>']
    if anthology.publisher:
        publisher_left = (
            left + trim_w - SAFETY - 0.25 - 2.2 if wrap.front_on_left else (left + SAFETY + 0.25)
        )
        parts.append(
            f'<div style="{css_box(publisher_left, box_top + box_h - 0.3, 2.2, 0.3)}'
            f" font-size: 9pt; letter-spacing: 0.12em; text-transform: uppercase;"
            f" color: {colours['accent']}; text-align: {'end' if wrap.front_on_left else 'start'};"
            f' line-height: 0.3in;">{escape(anthology.publisher)}</div>'
        )
    if barcode is not None:
        # the symbol in its box's spine-side corner, on a white ground
        x = box_left if wrap.front_on_left else box_left + box_w - barcode.width
        y = box_top + box_h - barcode.height
        parts.append(
            f'<div class="barcode" style="{css_box(x, y, barcode.width, barcode.height)}">'
            f"{barcode.svg}</div>"
        )
    return "".join(parts)
