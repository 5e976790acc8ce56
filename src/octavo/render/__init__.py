"""Step 3: pure functions from an Anthology and a Theme to HTML and XHTML text.

Renderers read the model and return text; they write nothing. Review text reaches
templates only as data (autoescaped), or as the sanitised XHTML fragments the
loaders made, wrapped with :func:`body_html`.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import jinja2
from markupsafe import Markup

from ..diagnostics import Report
from ..errors import ContentError
from ..model import Body, Image

_ASSET = re.compile(r'src="asset:([^"]*)"')


def body_html(body: Body | None, url_for: Callable[[Image], str]) -> Markup:
    """A body's sanitised fragment, with its ``asset:`` images pointed at ``url_for``."""
    if body is None:
        return Markup("")

    def replace(match: re.Match[str]) -> str:
        image = body.images.get(match.group(1))
        url = url_for(image) if image is not None else ""
        return f'src="{Markup.escape(url)}"'

    return Markup(_ASSET.sub(replace, body.html))


def render_template(environment: jinja2.Environment, name: str, **context: object) -> str:
    """Render one theme template; template mistakes become diagnostics, not tracebacks."""
    try:
        return environment.get_template(name).render(**context)
    except jinja2.TemplateSyntaxError as error:
        report = Report()
        report.error(
            "S303",
            f"template error: {error.message}",
            Path(error.filename or name),
            error.lineno,
            hint="fix the template, or remove the override to use the theme's own",
        )
        raise ContentError(report) from error
    except jinja2.TemplateNotFound as error:
        report = Report()
        report.error(
            "S304",
            f"the theme has no template '{error.name}'",
            hint="the theme is incomplete: extend a full theme such as classic",
        )
        raise ContentError(report) from error
    except jinja2.UndefinedError as error:
        report = Report()
        report.error(
            "S305",
            f"template {name} uses something that does not exist: {error.message}",
            hint="check the names in the template against the documented template context",
        )
        raise ContentError(report) from error
