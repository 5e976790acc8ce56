"""``octavo import KIND SOURCE... --to DIR``: reviews from other formats, as review files.

One sub-command per kind of source. Each reads every source first (and stops, writing
nothing, on any error), then writes review files into ``--to`` with the import
record that keeps hand edits safe (see :mod:`octavo.importers.writing`), and prints
what it created, updated, left unchanged, skipped and passed over.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from ..errors import UsageError
from ..importers.common import Passed
from ..importers.writing import ImportResult
from ..model import KINDS
from . import import_app
from .support import Debug, run

To = Annotated[
    Path,
    typer.Option(
        "--to",
        metavar="DIR",
        help="The folder to write review files into (made if missing), e.g. an"
        " anthology's reviews/ folder. It keeps a record of what was imported in"
        " .octavo-import.json.",
    ),
]
Force = Annotated[
    bool,
    typer.Option(
        "--force",
        help="Overwrite review files edited by hand since the last import, or not made by"
        " octavo import, and recreate ones deleted since. Without it they are skipped.",
    ),
]
Kind = Annotated[
    str,
    typer.Option(
        "--kind",
        metavar="KIND",
        help=f"What the posts review: {', '.join(KINDS)}.",
    ),
]
ByLine = Annotated[
    str | None,
    typer.Option(
        "--reviewer",
        metavar="NAME",
        help="The byline for entries that name no author.",
    ),
]
RequiredByLine = Annotated[
    str,
    typer.Option(
        "--reviewer",
        metavar="NAME",
        help="The byline of every review (the export does not name its author).",
    ),
]

#: More entries passed over for one reason than this are summed up on one line.
_PASSED_SHOWN = 3


def _check_kind(kind: str) -> str:
    if kind.lower() not in KINDS:
        raise UsageError(
            f"--kind must be one of {', '.join(KINDS)}; got '{kind}'", hint="e.g. --kind book"
        )
    return kind.lower()


def _print_passed(passed: list[Passed]) -> None:
    by_reason: dict[str, list[str]] = {}
    for item in passed:
        by_reason.setdefault(item.reason, []).append(item.origin)
    for reason, origins in by_reason.items():
        if len(origins) <= _PASSED_SHOWN:
            for origin in origins:
                typer.echo(f"passed over {origin}: {reason}")
            continue
        shown = ", ".join(origins[:_PASSED_SHOWN])
        typer.echo(
            f"passed over {len(origins)} entries: {reason}"
            f" ({shown} and {len(origins) - _PASSED_SHOWN} more)"
        )


def _print_post_types(passed: list[Passed]) -> list[Passed]:
    """One line for the WordPress items passed over for their post type; the rest."""
    from ..importers.wordpress import OtherPostType, post_type_counts

    counts = post_type_counts(passed)
    if counts:
        listed = ", ".join(f"{count} {post_type}" for post_type, count in counts.items())
        typer.echo(f"passed over: {listed} (post types not imported; --post-type TYPE imports one)")
    return [item for item in passed if not isinstance(item, OtherPostType)]


def print_result(result: ImportResult) -> None:
    """Each file and what became of it, what was passed over, then a summary."""
    for outcome in result.outcomes:
        line = f"{outcome.action:<9} {outcome.path}"
        if outcome.reason:
            line += f": {outcome.reason}"
        elif outcome.entry.notes and outcome.action in ("created", "updated"):
            line += f"  ({'; '.join(outcome.entry.notes)})"
        typer.echo(line)
    _print_passed(_print_post_types(result.passed))
    typer.echo(result.summary())
    if result.sample is not None:
        typer.echo(
            f"note: {result.sample} is the sample review octavo new wrote, unchanged: it would"
            f" be printed in the book beside the imported ones. Remove it with: rm"
            f" {result.sample}  (octavo new --empty makes a book without it)"
        )


def _run(debug: bool, do_import: Callable[[], ImportResult]) -> None:
    def action(console: Console) -> None:
        print_result(do_import())

    run(debug, action)


@import_app.command("text")
def import_text_command(
    source: Annotated[
        list[str],
        typer.Argument(
            metavar="SOURCE",
            help="Plain-text review files (the review's paragraphs, then the reviewer's"
            " sign-off, the title line and an optional showing line), or folders: every"
            " .txt file directly in a folder is imported, in name order.",
        ),
    ],
    to: To,
    force: Force = False,
    debug: Debug = False,
) -> None:
    """Convert plain-text reviews (body, title line, sign-off) into film review files."""

    def do_import() -> ImportResult:
        from ..importers.sources import source_path
        from ..importers.text import import_text

        return import_text([source_path(item) for item in source], to, force=force)

    _run(debug, do_import)


@import_app.command("feed")
def import_feed_command(
    source: Annotated[
        list[str],
        typer.Argument(
            metavar="SOURCE",
            help="Saved RSS 2.0 or Atom feed files (a blog's, a Letterboxd member's, a"
            " Goodreads shelf's). Local files only: a web address is refused, and nothing"
            " is fetched.",
        ),
    ],
    to: To,
    kind: Kind = "film",
    reviewer: Annotated[
        str | None,
        typer.Option(
            "--reviewer",
            metavar="NAME",
            help="The byline for entries that name no author; for a Letterboxd or"
            " Goodreads feed, the byline of every review, in place of the member's name"
            " on the site.",
        ),
    ] = None,
    force: Force = False,
    debug: Debug = False,
) -> None:
    """Convert the entries of a saved RSS or Atom feed into review files.

    Each entry's title, author, date, categories and HTML content become the review's
    title, reviewer, published date (the day in the feed's own offset), tags and
    Markdown body; the feed's title is its publication. Entries without a title or
    text are passed over. A Letterboxd member's feed gives film reviews (film title,
    year, rating as 4.5/5, watched date), passing over lists and diary entries with
    no review; a Goodreads shelf's feed gives book reviews (author, year, rating,
    read date), passing over books with no review. For those, --kind does not apply.
    """

    def do_import() -> ImportResult:
        from ..importers.feed import import_feed

        checked = _check_kind(kind)
        return import_feed(source, to, kind=checked, reviewer=reviewer, force=force)

    _run(debug, do_import)


@import_app.command("letterboxd")
def import_letterboxd_command(
    source: Annotated[
        list[str],
        typer.Argument(
            metavar="SOURCE",
            help="A Letterboxd export as downloaded (Settings, Import & Export, Export your"
            " data): the ZIP letterboxd-USER-DATE.zip, the folder it unzips to, or the"
            " reviews.csv in it.",
        ),
    ],
    to: To,
    reviewer: Annotated[
        str | None,
        typer.Option(
            "--reviewer",
            metavar="NAME",
            help="The byline of every review. Default: the name in the export's"
            " profile.csv (Given Name and Family Name, else Username).",
        ),
    ] = None,
    force: Force = False,
    debug: Debug = False,
) -> None:
    """Convert the reviews of a Letterboxd export into film review files.

    Name, Year, Rating (0.5 to 5), Date, Watched Date (from diary.csv when the review
    has none), Tags and Review become title, year, rating (as 3.5/5), published,
    watched, tags and the Markdown body; the reviewer is the one in profile.csv.
    Rows without review text are passed over.
    """

    def do_import() -> ImportResult:
        from ..importers.letterboxd import import_letterboxd

        return import_letterboxd(source, to, reviewer=reviewer, force=force)

    _run(debug, do_import)


@import_app.command("goodreads")
def import_goodreads_command(
    source: Annotated[
        list[str],
        typer.Argument(
            metavar="SOURCE",
            help="A Goodreads library export CSV (My Books, Import and export, Export"
            " Library): goodreads_library_export.csv.",
        ),
    ],
    to: To,
    reviewer: RequiredByLine,
    force: Force = False,
    debug: Debug = False,
) -> None:
    """Convert the reviewed books of a Goodreads library export into book review files.

    Only rows with text in My Review are imported. Title, Author, Original Publication
    Year, My Rating (0 is unrated), Date Read, Bookshelves and ISBN13 become title,
    creator, year, rating, published, tags and isbn.
    """

    def do_import() -> ImportResult:
        from ..importers.goodreads import import_goodreads

        return import_goodreads(source, to, reviewer=reviewer, force=force)

    _run(debug, do_import)


@import_app.command("wordpress")
def import_wordpress_command(
    source: Annotated[
        list[str],
        typer.Argument(
            metavar="SOURCE",
            help="A WordPress export file (WXR, from Tools, Export in the WordPress admin).",
        ),
    ],
    to: To,
    kind: Kind = "film",
    status: Annotated[
        list[str] | None,
        typer.Option(
            "--status",
            metavar="STATUS",
            help="Import posts with this status (publish, draft, pending, private, future);"
            " give it again for more. Default: publish only.",
        ),
    ] = None,
    post_type: Annotated[
        list[str] | None,
        typer.Option(
            "--post-type",
            metavar="TYPE",
            help="Import the items of this post type; give it again for more"
            " (--post-type post --post-type review). Default: post only. The import"
            " lists the types it passed over, and how many of each.",
        ),
    ] = None,
    reviewer: ByLine = None,
    force: Force = False,
    debug: Debug = False,
) -> None:
    """Convert the posts of a WordPress export into review files.

    Only posts are imported (not pages or attachments) unless --post-type names other
    types, and by default only published ones. Title, author, date (as the blog showed
    it), categories and tags, and content become title, reviewer, published, tags and
    the Markdown body; the site's title is the publication.
    """

    def do_import() -> ImportResult:
        from ..importers.wordpress import import_wordpress

        checked = _check_kind(kind)
        statuses = tuple(status or ("publish",))
        types = tuple(dict.fromkeys(post_type or ("post",)))
        return import_wordpress(
            source,
            to,
            kind=checked,
            statuses=statuses,
            post_types=types,
            reviewer=reviewer,
            force=force,
        )

    _run(debug, do_import)
