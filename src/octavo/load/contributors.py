"""Read the contributors file (``contributors.toml``) for About the Contributors."""

from __future__ import annotations

import tomllib
from pathlib import Path

from ..model import Contributor, Review
from .manifest import key_lines, line_for
from .markdown import MarkdownContext, render_markdown
from .review import read_text_file
from .unicode_text import normalise_prose


def load_contributors(
    path: Path,
    reference: str,
    page_id: str,
    reviews: list[Review],
    context: MarkdownContext,
) -> tuple[Contributor, ...] | None:
    """Read a contributors.toml: ``[[contributor]]`` tables with ``name`` and ``bio``.

    Contributors keep the file's order. A reviewer of the book with no entry is a
    warning (M114): the page would leave them out.
    """
    report = context.report
    text = read_text_file(path, report, context.resolver)
    if text is None:
        return None
    lines = key_lines(text)
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        report.error(
            "M113", f"the contributors file is not valid TOML: {error}", path,
            getattr(error, "lineno", None), "check the quoting on that line",
        )  # fmt: skip
        return None
    entries = data.get("contributor")
    if not isinstance(entries, list) or set(data) != {"contributor"}:
        report.error(
            "M113",
            "the contributors file must hold [[contributor]] tables, and nothing else",
            path,
            1,
            'write [[contributor]], then name = "..." and bio = "..." under it',
        )
        return None
    contributors: list[Contributor] = []
    for number, entry in enumerate(entries):
        line = line_for(("contributor", number), lines)
        name, bio = entry.get("name"), entry.get("bio")
        unknown = sorted(set(entry) - {"name", "bio"})
        if not isinstance(name, str) or not name.strip() or not isinstance(bio, str) or unknown:
            report.error(
                "M113",
                "each [[contributor]] needs a name and a bio (text), and nothing else"
                + (f"; unknown: {', '.join(unknown)}" if unknown else ""),
                path,
                line,
                'e.g. name = "Ada Okonkwo" and bio = "Ada writes about film..."',
            )
            continue
        body = render_markdown(bio, f"{page_id}-{number + 1}", path, line or 1, context)
        name = normalise_prose(name.strip())  # as the reviewers' names (load/review.py)
        ids = tuple(r.id for r in reviews if name in r.reviewers)
        contributors.append(Contributor(name, body, ids))
    named = {c.name for c in contributors}
    for reviewer in sorted({name for r in reviews for name in r.reviewers} - named):
        report.warning(
            "M114",
            f"{reviewer} reviews in this book but has no entry in {reference}",
            path,
            hint="add a [[contributor]] for them",
        )
    return tuple(contributors)
