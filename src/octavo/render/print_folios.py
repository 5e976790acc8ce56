"""The book's HTML rendered once for every set of page numbers its front and back matter
print.

A book laid out in parts (:mod:`octavo.write.pdf_parallel`) renders its HTML again
once the main matter is laid out, with the page of every element its contents and
indexes name (``folios``), then again for the front matter, which prints the back
matter's pages too: a whole rendering of the book and a cut of it each time (about
1.9 s at 1,000 reviews), of which only the front and back matter are kept.

The shipped templates use ``folios`` in one way only: ``{% if id in folios %}
data-folio="{{ folios[id] }}"{% endif %}``. So the book is rendered once with
:data:`MARKED` (every id is in it; its page is a mark that names the id), and
:func:`with_folios` makes the rendering for any ``folios`` from that one: each mark
becomes the id's page, or its attribute goes where the id has none. The result is the
text a rendering with those ``folios`` gives, byte for byte (tested on every example
anthology). A theme with templates of its own (or an anthology's ``templates/``
folder) may use ``folios`` otherwise: its book is rendered for each set of numbers
(:func:`marks_hold`).
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator, Mapping
from pathlib import Path

from markupsafe import escape

from ..themes import Theme, shipped_styles

#: Where a mark begins and ends (Unicode's private use: never escaped, never in a book's
#: ids, which are made of letters, digits, ``-``, ``_`` and ``.``).
_OPEN, _CLOSE = "\ue000", "\ue001"
#: A marked attribute as the shipped templates write it, the id escaped as Jinja does.
_MARKED_ATTRIBUTE = re.compile(f' data-folio="{_OPEN}([^{_CLOSE}]*){_CLOSE}"')


class Marks(Mapping[str, str]):
    """Every key, each with a mark that names it: the key between ``begin`` and
    ``end``. A template sees every key in it (``key in marks``) and none listed."""

    def __init__(self, begin: str, end: str) -> None:
        self.begin, self.end = begin, end

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str)

    def __getitem__(self, key: str) -> str:
        return f"{self.begin}{key}{self.end}"

    def __iter__(self) -> Iterator[str]:
        return iter(())

    def __len__(self) -> int:
        return 0


#: Every id, each with a mark that names it for its page.
MARKED: Mapping[str, str] = Marks(_OPEN, _CLOSE)


def with_folios(marked_html: str, folios: Mapping[str, str]) -> str:
    """The HTML rendered with :data:`MARKED`, as it is rendered with ``folios``."""

    def folio(match: re.Match[str]) -> str:
        page = folios.get(html.unescape(match.group(1)))
        return "" if page is None else f' data-folio="{escape(page)}"'

    return _MARKED_ATTRIBUTE.sub(folio, marked_html)


def marks_hold(theme: Theme) -> bool:
    """Whether the book's templates are all Octavo's own (they use ``folios`` as
    :func:`with_folios` reads them)."""
    shipped = shipped_styles().resolve()
    return all(_inside(folder, shipped) for folder in theme.template_folders)


def _inside(folder: Path, shipped: Path) -> bool:
    return folder.resolve().is_relative_to(shipped)
