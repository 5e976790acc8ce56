"""Step 3: pure functions from an Anthology and a Theme to HTML and XHTML text.

Renderers read the model and return text; they write nothing. Review text reaches
templates only as data (autoescaped), or as the sanitised XHTML fragments the
loaders made, wrapped with :func:`body_html`.
"""

from __future__ import annotations

import os
import re
import time
import traceback
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import jinja2
from markupsafe import Markup

from ..diagnostics import Diagnostic
from ..errors import ContentError, Refused
from ..localisation import Wording
from ..model import Anthology, Body, Image, text_direction
from .direction import isolate, set_directions
from .display import display, long_words


def build_time() -> datetime:
    """``SOURCE_DATE_EPOCH`` when set (reproducible builds), else now; to the second."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    seconds = int(epoch) if epoch and epoch.isdigit() else int(time.time())
    return datetime.fromtimestamp(seconds, tz=UTC)


#: An image's source; only in an <img> tag (text can hold the same characters).
_ASSET = re.compile(r'(<img\b[^>]*?\ssrc=")asset:([^"]*)"')
_HEADING = re.compile(r"<(/?)h([1-6])\b([^>]*)>")
_HEADING_LEVEL = re.compile(r"<h([1-6])\b")
_CLASS = re.compile(r'\sclass="([^"]*)"')


def body_html(
    body: Body | None, url_for: Callable[[Image], str], parent: int = 2, direction: str = "ltr"
) -> Markup:
    """A body's sanitised fragment, ready for a page whose title is an ``h<parent>``.

    Its ``asset:`` images point at ``url_for``, and its headings sit below the title:
    the body's highest heading becomes ``h<parent + 1>`` (whether written "#" or
    "##"), the next level down ``h<parent + 2>``, and so on. Each heading also gets
    the class ``h-level-<rank>`` (1 for the body's highest level, up to 6), so
    that a theme styles the six levels alike in every edition. Levels that would go
    past ``h6`` stay distinct: each becomes a paragraph with ``role="heading"`` and
    its level in ``aria-level``. A paragraph written in a script that runs against
    ``direction`` (the direction of the element the body goes in) gets its own ``dir``
    (see :mod:`octavo.render.direction`).
    """
    if body is None:
        return Markup("")

    def replace(match: re.Match[str]) -> str:
        image = body.images.get(match.group(2))
        url = url_for(image) if image is not None else ""
        return f'{match.group(1)}{Markup.escape(url)}"'

    html = _ASSET.sub(replace, body.html)
    # The levels a body uses, closed up under the page's title: "##" then "####"
    # become h<parent+1> and h<parent+2>, so that no level is skipped.
    used = sorted({int(level) for level in _HEADING_LEVEL.findall(html)})
    ranks = {level: rank for rank, level in enumerate(used, start=1)}
    if ranks:
        html = _HEADING.sub(lambda match: _heading_tag(match, ranks, parent), html)
    return set_directions(Markup(html), direction)


def _heading_tag(match: re.Match[str], ranks: dict[int, int], parent: int) -> str:
    """The tag of a heading moved to its level on the page (see body_html)."""
    closing, attributes = match.group(1), match.group(3)
    rank = ranks[int(match.group(2))]
    level = parent + rank
    tag = f"h{level}" if level <= 6 else "p"
    if closing:
        return f"</{tag}>"
    names = f"h-level-{rank}"
    if found := _CLASS.search(attributes):
        names += " " + found.group(1)
        attributes = attributes[: found.start()] + attributes[found.end() :]
    if level > 6:
        return f'<p class="heading {names}" role="heading" aria-level="{level}"{attributes}>'
    return f'<{tag} class="{names}"{attributes}>'


def localise(environment: jinja2.Environment, wording: Wording) -> None:
    """Give the templates the book's words (``_``) and its dates and numbers (filters)."""
    environment.install_gettext_callables(  # type: ignore[attr-defined]
        wording.gettext, wording.ngettext, newstyle=True
    )
    environment.filters["translate"] = wording.translate
    environment.filters["long_date"] = wording.date
    environment.filters["month_year"] = wording.month
    environment.filters["number"] = wording.number
    environment.filters["names"] = wording.names


#: Full-width marks that end a label with their own space: "監督：", "導演："
_WIDE_ENDS = frozenset("：、，。）」』】〉》")


def then_space(label: str) -> str:
    """A label and the space before what it introduces ("Directed by "), but no space
    after a full-width mark, which holds its own ("監督：小津安二郎")."""
    if label[-1:] in _WIDE_ENDS:
        return label
    return label + " "


def render_template(environment: jinja2.Environment, name: str, **context: object) -> str:
    """Render one theme template; template mistakes become diagnostics, not tracebacks."""
    environment.filters.setdefault("display", display)
    environment.filters.setdefault("long_words", long_words)
    environment.filters.setdefault("isolate", isolate)
    environment.filters.setdefault("direction", text_direction)
    environment.filters.setdefault("then_space", then_space)
    if isinstance(book := context.get("book"), Anthology):
        localise(environment, Wording(book.language, dict(book.labels)))
    try:
        return environment.get_template(name).render(**context)
    except jinja2.TemplateSyntaxError as error:
        problem = Diagnostic(
            "S303",
            f"template error: {error.message}",
            Path(error.filename or name),
            error.lineno,
            hint="fix the template, or remove the override to use the theme's own",
        )
    except jinja2.TemplateNotFound as error:
        problem = Diagnostic(
            "S304",
            f"the theme has no template '{error.name}'",
            hint="the theme is incomplete: extend a full theme such as classic",
        )
    except Refused as refused:
        problem = Diagnostic(refused.code or "S307", refused.message, hint=refused.hint)
    except jinja2.UndefinedError as error:
        path, line = _template_frame(error)
        problem = Diagnostic(
            "S305",
            f"the template uses something that does not exist: {error.message}",
            path or Path(name),
            line,
            hint="check the names in the template against the documented template context",
        )
    raise ContentError.single(problem)


def _template_frame(error: BaseException) -> tuple[Path | None, int | None]:
    """The template file and line where ``error`` was raised (Jinja keeps them)."""
    found: tuple[Path | None, int | None] = (None, None)
    for frame, line in traceback.walk_tb(error.__traceback__):
        filename = frame.f_code.co_filename
        if filename.endswith(".jinja"):
            found = (Path(filename), line)
    return found
