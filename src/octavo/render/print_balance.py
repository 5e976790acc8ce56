"""The book's HTML rendered once for every set of balancing classes.

The balancing (:mod:`octavo.write.balance`) lays the book out with no classes, then
with the classes it chose (review id → ``balance-tighter-1``...), and a rebuild with
the classes the last build kept: each a whole rendering of the book (0.6 to 2.2 s at
1,000 reviews, the first of a process the longest) before any piece can be laid out.

The shipped templates use ``balance`` in one way only, on a review's ``<article>``:
``{{ ' ' ~ balance[review.anchor] if ... review.anchor in balance else '' }}``. So the
book is rendered once with :data:`MARKED` (every review is in it; its class is a mark
that names the review), and :func:`with_classes` makes the rendering for any classes
from that one: each mark becomes the review's class, or goes with its space where the
review has none. The result is the text a rendering with those classes gives, byte for
byte (tested on every example anthology, in each theme). A theme with templates of
its own may use ``balance`` otherwise: its book is rendered for each set of classes
(:func:`octavo.render.print_folios.marks_hold`).
"""

from __future__ import annotations

import html
import re
from collections.abc import Mapping

from markupsafe import escape

from .print_folios import Marks

#: Where a mark begins and ends (Unicode's private use, as
#: :mod:`.print_folios`'s marks, with two other characters).
_OPEN, _CLOSE = "\ue002", "\ue003"
#: A marked class as the shipped templates write it: a space, then the mark, the
#: review's id escaped as Jinja escapes it.
_MARKED_CLASS = re.compile(f" {_OPEN}([^{_CLOSE}]*){_CLOSE}")


#: Every review, each with a mark that names it for its class.
MARKED: Mapping[str, str] = Marks(_OPEN, _CLOSE)


def with_classes(marked_html: str, classes: Mapping[str, str]) -> str:
    """The HTML rendered with :data:`MARKED`, as it is rendered with ``classes``."""

    def cls(match: re.Match[str]) -> str:
        name = classes.get(html.unescape(match.group(1)))
        return "" if name is None else str(escape(" " + name))

    return _MARKED_CLASS.sub(cls, marked_html)
