"""``octavo new`` and ``octavo list``: start an anthology; see what a library holds."""

from __future__ import annotations

import csv
import io
import json
import os
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from ..library import SORTS, Entry, Listing, filter_entries, parse_where, read_library, sort_entries
from ..model import Review
from . import app
from .support import Debug, print_report, run


@app.command("new")
def new_command(
    folder: Annotated[Path, typer.Argument(help="The folder to create the anthology in.")],
    title: Annotated[
        str | None,
        typer.Option("--title", "-t", help="The book's title. Default: made from the folder name."),
    ] = None,
    force: Annotated[
        bool,
        typer.Option(
            "--force",
            help="Write into a folder that is not empty (files of the same names are replaced).",
        ),
    ] = False,
    empty: Annotated[
        bool,
        typer.Option(
            "--empty",
            help="No sample review: for a book whose reviews you will import"
            " (octavo import ... --to FOLDER/reviews).",
        ),
    ] = False,
    debug: Debug = False,
) -> None:
    """Start a new anthology: a commented anthology.toml, a sample review, a foreword."""

    def action(console: Console) -> None:
        from ..scaffold import scaffold

        made = scaffold(folder, title, force=force, empty=empty)
        for path in made.files:
            typer.echo(f"wrote {path}")
        typer.echo(
            f"Next: edit {folder / 'anthology.toml'} and add reviews to {folder / 'reviews'},"
            f" then run `octavo check {folder}` and `octavo build {folder}`."
        )

    run(debug, action)


class ListFormat(StrEnum):
    table = "table"
    csv = "csv"
    json = "json"


@app.command("list")
def list_command(
    folder: Annotated[
        Path,
        typer.Argument(
            help="An anthology folder (its reviews folder is listed, with the section of each"
            " review in the book) or a folder of review files. Default: the current folder."
        ),
    ] = Path("."),
    where: Annotated[
        list[str] | None,
        typer.Option(
            "--where",
            "-w",
            help="Show only the reviews for which this holds; repeat it, and all must hold."
            " key=value (ignoring case; tags=x: has the tag x), key!=value, key~text"
            " (contains), key!~text, and for year, rating, published (date) and words"
            " key<value, <=, >, >=. A rating is written as in a review (4/5, B+) and"
            " compared on a common scale. Keys: id, file, title, kind, year, creator,"
            " reviewer, publication, headline, rating, published, tags, words, section,"
            " permission, rights_holder.",
        ),
    ] = None,
    sort: Annotated[
        str,
        typer.Option(
            "--sort",
            "-s",
            help=f"Sort by {', '.join(SORTS)} (book: the anthology's order); -KEY reverses.",
        ),
    ] = "title",
    output: Annotated[
        ListFormat, typer.Option("--format", "-f", help="table, csv or json.")
    ] = ListFormat.table,
    debug: Debug = False,
) -> None:
    """List the reviews of a library or an anthology, with their metadata."""
    failed = False

    def action(console: Console) -> None:
        nonlocal failed
        conditions = [parse_where(expression) for expression in where or []]
        sort_entries([], sort)  # a wrong sort order is a usage error before any reading
        listing = read_library(folder)
        entries = sort_entries(filter_entries(listing.entries, conditions), sort, listing.language)
        print_report(listing.report, console)
        if output is ListFormat.csv:
            typer.echo(_csv(listing, entries), nl=False)
        elif output is ListFormat.json:
            typer.echo(json.dumps([_record(listing, e) for e in entries], indent=2))
        else:
            _table(listing, entries)
        if listing.report.has_errors():
            failed = True
            console.print(
                f"Some files could not be read: {listing.report.summary()}. They are not listed.",
                style="bold red",
                markup=False,
            )

    run(debug, action)
    if failed:
        raise typer.Exit(1)


def _shown(path: Path) -> str:
    """A folder as a person would type it: relative to here when it is below here."""
    absolute = Path(os.path.abspath(path))
    here = Path.cwd()
    return str(absolute.relative_to(here)) if absolute.is_relative_to(here) else str(absolute)


def _section(listing: Listing, entry: Entry) -> str | None:
    if listing.anthology is None:
        return None
    if not listing.placed:
        return "?"
    return entry.section or "-"


def _record(listing: Listing, entry: Entry) -> dict[str, object]:
    review = entry.review
    rating = review.rating
    record: dict[str, object] = {
        "id": review.id,
        "file": entry.file,
        "title": review.title,
        "kind": review.work.kind,
        "year": review.work.year,
        "creators": list(review.work.creators),
        "reviewers": list(review.reviewers),
        "publication": review.publication,
        "published": review.published.isoformat() if review.published else None,
        "headline": review.headline,
        "rating": rating.text if rating else None,
        "rating_scaled": round(rating.fraction, 4) if rating else None,
        "stars": rating.stars if rating else None,
        "tags": list(review.tags),
        "words": review.body.words,
        "spoilers": review.spoilers,
        **_rights(review),
    }
    if listing.anthology is not None:
        record["section"] = entry.section if listing.placed else None
        record["place"] = entry.place
    return record


#: The rights ledger's columns, after the review's own (see README: octavo list).
RIGHTS_COLUMNS = ("first_publication", "first_published", "rights_holder", "permission", "credit")


def _rights(review: Review) -> dict[str, object]:
    """Where the review first appeared, who owns it and whether it is cleared to print.

    The holder is the reviewers when the review names none, as on its credit line; the
    credit is the text of the review's own credit line, without its Markdown.
    """
    from ..html_fragment import parse_html_fragment  # lxml: loaded when it is listed

    first = review.first_published
    when = None
    if first is not None:
        when = first.date.isoformat() if first.date else (str(first.year) if first.year else None)
    credit = parse_html_fragment(review.credit.html).text_content() if review.credit else None
    values = (
        first.publication if first else None,
        when,
        review.rights_holder or review.byline,
        review.permission,
        credit,
    )
    return dict(zip(RIGHTS_COLUMNS, values, strict=True))


def _csv(listing: Listing, entries: list[Entry]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    records = [_record(listing, entry) for entry in entries]
    header = list(_record(listing, entries[0]) if entries else _empty_header(listing))
    writer.writerow(header)
    for record in records:
        writer.writerow([_cell(record[key]) for key in header])
    return buffer.getvalue()


def _empty_header(listing: Listing) -> list[str]:
    header = ["id", "file", "title", "kind", "year", "creators", "reviewers", "publication"]
    header += ["published", "headline", "rating", "rating_scaled", "stars", "tags", "words"]
    header += ["spoilers", *RIGHTS_COLUMNS]
    return header + (["section", "place"] if listing.anthology is not None else [])


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return "; ".join(str(item) for item in value)
    return str(value)


def _table(listing: Listing, entries: list[Entry]) -> None:
    console = Console(no_color=bool(os.environ.get("NO_COLOR")), highlight=False)
    table = Table(box=None, header_style="bold", pad_edge=False)
    # Words wrap in the long columns; short ones never break, and on a narrow
    # terminal the columns that matter least are left out rather than squeezed.
    narrow = console.width < 100
    table.add_column("Title", overflow="fold", min_width=12)
    table.add_column("Kind", no_wrap=True)
    table.add_column("Year", no_wrap=True, justify="right")
    table.add_column("Reviewer", overflow="fold", min_width=8)
    table.add_column("Rating", no_wrap=True)
    if not narrow:
        table.add_column("Date", no_wrap=True)
    table.add_column("Tags", overflow="fold", min_width=12)
    if not narrow:
        table.add_column("Words", no_wrap=True, justify="right")
        table.add_column("ID", overflow="fold", min_width=6)
    # A column of its own only when some review shown gives away the plot (on a
    # narrow terminal, a word after the title instead).
    spoilers = any(entry.review.spoilers for entry in entries)
    if spoilers and not narrow:
        table.add_column("Spoilers", no_wrap=True)
    in_book = listing.anthology is not None
    if in_book:
        table.add_column("Section", overflow="fold", min_width=10)
    for entry in entries:
        review = entry.review
        row = [
            review.title + (" (spoilers)" if narrow and review.spoilers else ""),
            review.work.kind,
            str(review.work.year or ""),
            review.byline,
            review.rating.text if review.rating else "",
        ]
        if not narrow:
            row.append(review.published.isoformat() if review.published else "")
        row.append(", ".join(review.tags))
        if not narrow:
            row += [str(review.body.words), review.id]
        if spoilers and not narrow:
            row.append("yes" if review.spoilers else "")
        if in_book:
            row.append(_section(listing, entry) or "")
        table.add_row(*row)
    console.print(table)
    total = len(listing.entries)
    noun = "review" if total == 1 else "reviews"
    shown = f"{len(entries)} of {total} {noun}" if len(entries) != total else f"{total} {noun}"
    line = f"{shown} in {_shown(listing.folder)}"
    if in_book and listing.placed:
        chosen = sum(1 for entry in entries if entry.section)
        line += f"; {chosen} of those shown are in the book"
    console.print(line, markup=False, soft_wrap=True)
