"""Review libraries: read a folder of reviews, filter and sort it; build many anthologies.

``octavo list`` reads a folder of review files (a shared library, or the reviews
folder of an anthology) with the same loaders a build uses, so what it shows is
what a book would print. For an anthology it also says which reviews the book
holds, and in which section. ``octavo build --all`` builds every anthology under
a folder, one after the other, and goes on after a failure.

Filters are small expressions, ``key=value``, ``year>=1990``, ``title~night``; see
:func:`parse_where` for the rules.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from slugify import slugify

from .api import MANIFEST, Built, build
from .diagnostics import Report
from .errors import OctavoError, UsageError
from .indexes import name_sort_key, title_sort_key
from .load.manifest import load_manifest
from .load.rating import parse_rating
from .loaded import Progress, no_progress
from .model import Review
from .resources import Resolver
from .themes import shipped_styles

if TYPE_CHECKING:  # the reviews' loading is imported when a library is read: see _context
    from .load.markdown import MarkdownContext

# --- reading a library ---------------------------------------------------------------


@dataclass(frozen=True)
class Entry:
    """One review of a listing, and its place in the anthology when there is one."""

    review: Review
    file: str  #: the path, relative to the folder listed
    #: the section holding it, "" when the anthology leaves it out, None for a plain library
    section: str | None = None
    #: its place in the book (1, 2...), by which ``--sort book`` orders
    place: int | None = None


@dataclass
class Listing:
    """The reviews of a folder, and the problems met reading them."""

    folder: Path  #: the folder of review files
    entries: list[Entry]
    report: Report
    anthology: Path | None = None  #: the anthology folder, when one was named
    #: False when the anthology has errors, so which reviews it holds is unknown
    placed: bool = False
    #: the language titles and names are sorted by: the anthology's, or English
    language: str = "en"


def read_library(folder: Path) -> Listing:
    """Read every review under ``folder``: a folder of reviews, or an anthology folder.

    A review that fails to load is left out, and its problems are in the report.
    For an anthology, the reviews folder its manifest names is read, and each entry
    says which section holds it; a review the book takes from elsewhere is listed too.
    """
    folder = Path(folder)
    if not folder.is_dir():
        raise UsageError(f"there is no folder {folder}", hint="name a folder of reviews")
    manifest_path = folder / MANIFEST
    if not manifest_path.is_file():
        report = Report(root=folder)
        context = _context(report, "en", folder)
        reviews = _load_reviews(folder, context)
        entries = [Entry(review, _relative(review.path, folder)) for review in reviews]
        return Listing(folder, entries, report)
    report = Report(root=folder)
    loaded = load_manifest(manifest_path, report)
    if loaded is None:
        return Listing(folder, [], report, anthology=folder)
    manifest, lines = loaded
    reviews_folder = (folder / manifest.reviews).resolve()
    context = _context(report, manifest.language, folder, reviews_folder)
    reviews = _load_reviews(reviews_folder, context) if reviews_folder.is_dir() else []
    if not reviews_folder.is_dir():
        report.error(
            "M107",
            f"the reviews folder '{manifest.reviews}' does not exist",
            manifest_path,
            lines.get(("reviews",)),
            "create it, or point 'reviews' at the right folder",
        )
    # The book itself, read again on a report of its own: its review errors are the
    # ones already found, and its warnings (reviews in no section...) are what the
    # listing shows anyway.
    book_report = Report(root=folder)
    book_context = _context(book_report, manifest.language, folder, reviews_folder)
    from .collect import Inputs, collect

    book = collect(Inputs(manifest, manifest_path, lines, reviews_folder, book_context))
    seen = {(d.code, d.path, d.line, d.message) for d in report.diagnostics}
    for diagnostic in book_report.errors:
        if (diagnostic.code, diagnostic.path, diagnostic.line, diagnostic.message) not in seen:
            report.add(diagnostic)
    sections: dict[Path, tuple[str, int]] = {}
    extra: list[Review] = []
    if book is not None:
        place = 0
        for section in book.sections:
            for review in section.reviews:
                place += 1
                real = review.path.resolve()
                sections.setdefault(real, (section.title, place))
                if not real.is_relative_to(reviews_folder) and real not in {
                    r.path.resolve() for r in extra
                }:
                    extra.append(review)
    entries = []
    for review in [*reviews, *extra]:
        where = sections.get(review.path.resolve())
        entries.append(
            Entry(
                review,
                _relative(review.path, reviews_folder),
                where[0] if where else ("" if book is not None else None),
                where[1] if where else None,
            )
        )
    return Listing(
        reviews_folder,
        entries,
        report,
        anthology=folder,
        placed=book is not None,
        language=manifest.language,
    )


def _context(report: Report, language: str, *folders: Path) -> MarkdownContext:
    """How the reviews are read (markdown-it and the rest of the reviews' loading, loaded
    here, not with this module: ``octavo`` loads it for every command's options)."""
    from .load.markdown import MarkdownContext, make_parser

    return MarkdownContext(
        make_parser(language), Resolver.for_folders(*folders, shipped_styles()), report
    )


def _load_reviews(folder: Path, context: MarkdownContext) -> list[Review]:
    from .load.review import load_review

    reviews = []
    for path in sorted(folder.rglob("*.md")):
        if any(part.startswith(".") for part in path.relative_to(folder).parts):
            continue
        if (review := load_review(path, context)) is not None:
            reviews.append(review)
    return reviews


def _relative(path: Path, base: Path) -> str:
    return Path(os.path.relpath(os.path.abspath(path), os.path.abspath(base))).as_posix()


# --- fields, filters and sort orders --------------------------------------------------


@dataclass(frozen=True)
class Field:
    """A key of ``--where`` and ``--sort``: how to read it from an entry."""

    #: its values as text, for = and ~ (several for tags, reviewers, creators)
    texts: Callable[[Entry], tuple[str, ...]]
    #: its value for < <= > >=, or None when the key has no order
    number: Callable[[Entry], float | None] | None = None
    #: how a value written in an expression becomes a number
    parse: Callable[[str], float] | None = None
    #: one word on how to write its values, for error messages
    example: str = ""


def _year_number(text: str) -> float:
    if not re.fullmatch(r"\d{4}", text):
        raise ValueError(f"'{text}' is not a four-digit year")
    return float(text)


def _whole_number(text: str) -> float:
    if not re.fullmatch(r"\d+", text):
        raise ValueError(f"'{text}' is not a whole number")
    return float(text)


def _rating_number(text: str) -> float:
    # As written in a review: 4/5, 3.5/4, B+; compared on the common 0-1 scale.
    try:
        return parse_rating(text).fraction
    except ValueError:
        raise ValueError(
            f"'{text}' is not a rating written as in a review (4/5, 3.5/4, B+)"
        ) from None


def _date_number(text: str) -> float:
    try:
        return float(dt.date.fromisoformat(text).toordinal())
    except ValueError:
        raise ValueError(f"'{text}' is not a date written as YYYY-MM-DD") from None


def _one(value: object) -> tuple[str, ...]:
    return () if value is None or value == "" else (str(value),)


FIELDS: dict[str, Field] = {
    "id": Field(lambda e: (e.review.id,)),
    "file": Field(lambda e: (e.file,)),
    "title": Field(lambda e: (e.review.title,)),
    "kind": Field(lambda e: (e.review.work.kind,)),
    "year": Field(
        lambda e: _one(e.review.work.year),
        lambda e: e.review.work.year,
        _year_number,
        "year>=1990",
    ),
    "creator": Field(lambda e: e.review.work.creators),
    "reviewer": Field(lambda e: e.review.reviewers),
    "publication": Field(lambda e: _one(e.review.publication)),
    "headline": Field(lambda e: _one(e.review.headline)),
    "rating": Field(
        lambda e: _one(e.review.rating.text if e.review.rating else None),
        lambda e: e.review.rating.fraction if e.review.rating else None,
        _rating_number,
        "rating>=4/5",
    ),
    "published": Field(
        lambda e: _one(e.review.published.isoformat() if e.review.published else None),
        lambda e: e.review.published.toordinal() if e.review.published else None,
        _date_number,
        "published>=2024-01-01",
    ),
    "tags": Field(lambda e: e.review.tags),
    "words": Field(
        lambda e: (str(e.review.body.words),),
        lambda e: e.review.body.words,
        _whole_number,
        "words<400",
    ),
    "section": Field(lambda e: _one(e.section)),
    # the rights ledger: permission=pending lists the permissions still awaited
    "permission": Field(lambda e: _one(e.review.permission)),
    "rights_holder": Field(lambda e: _one(e.review.rights_holder)),
}
#: Other names a person may reach for.
ALIASES = {"date": "published", "tag": "tags", "author": "creator", "director": "creator"}
#: The sort orders: title is filed without its article; rating puts the best first.
SORTS = (
    "title", "year", "rating", "published", "date", "reviewer",
    "kind", "words", "id", "file", "book",
)  # fmt: skip

_OPERATORS = ("!=", "<=", ">=", "!~", "=", "<", ">", "~")
_EXPRESSION = re.compile(r"\s*([A-Za-z_]+)\s*(!=|<=|>=|!~|=|<|>|~)(.*)", re.DOTALL)


@dataclass(frozen=True)
class Condition:
    """One ``--where`` expression, parsed: ``test(entry)`` says whether it holds."""

    text: str
    test: Callable[[Entry], bool] = field(compare=False)

    def __call__(self, entry: Entry) -> bool:
        return self.test(entry)


def parse_where(expression: str) -> Condition:
    """Parse one ``--where`` expression; a mistake raises UsageError (exit status 2).

    - ``key=value``: equal, ignoring case; for tags, reviewers and creators, one of
      them is; for year, rating, published and words, equal in value (``rating=4/5``
      finds 8/10). ``key!=value``: not so. An empty value means "not given": ``rating=``
      lists the unrated reviews, ``rating!=`` the rated ones.
    - ``key~text``: contains the text, ignoring case (for tags: one tag does);
      ``key!~text``: does not.
    - ``key<value``, ``<=``, ``>``, ``>=``: for year, rating, published (``date``) and
      words. A rating is written as in a review (``4/5``, ``7/10``, ``B+``) and
      compared on the common scale, so ``rating>=4/5`` also finds 8/10 and A-. A review
      with no value for the key never passes a comparison.
    """
    match = _EXPRESSION.fullmatch(expression)
    if match is None:
        raise UsageError(
            f"'{expression}' is not a filter",
            hint="write key=value, key!=value, key~text, key!~text or key<value"
            " (<=, >, >=), e.g. --where kind=book --where 'year>=1990'",
        )
    name, operator, raw = match.group(1).lower(), match.group(2), match.group(3).strip()
    key = ALIASES.get(name, name)
    spec = FIELDS.get(key)
    if spec is None:
        raise UsageError(
            f"'{name}' in '{expression}' is not a key Octavo can filter on",
            hint=f"use one of {', '.join([*FIELDS, *ALIASES])}",
        )
    if operator in ("=", "!=") and raw and spec.parse is not None:
        operator = "==" if operator == "=" else "<>"  # by value: rating=4/5 finds 8/10
    elif operator in ("=", "!=", "~", "!~"):
        wanted = raw.casefold()
        if operator in ("=", "!="):

            def holds(entry: Entry) -> bool:
                texts = spec.texts(entry)
                if not wanted:
                    return not texts
                return any(text.casefold() == wanted for text in texts)
        else:
            if not wanted:
                raise UsageError(
                    f"'{expression}' has no text to look for",
                    hint=f"write the text after the {operator}, e.g. {key}~night",
                )

            def holds(entry: Entry) -> bool:
                return any(wanted in text.casefold() for text in spec.texts(entry))

        negate = operator.startswith("!")
        return Condition(expression, lambda entry: holds(entry) != negate)
    if spec.number is None or spec.parse is None:
        ordered = ", ".join(name for name, f in FIELDS.items() if f.number)
        raise UsageError(
            f"'{operator}' in '{expression}' compares numbers and dates, and {key} is text",
            hint=f"compare {ordered}; for text use = or ~, e.g. {key}~{raw or 'word'}",
        )
    try:
        bound = spec.parse(raw)
    except ValueError as error:
        raise UsageError(f"in '{expression}': {error}", hint=f"e.g. {spec.example}") from None
    number = spec.number
    compare = _COMPARE[operator]

    def test(entry: Entry) -> bool:
        value = number(entry)
        if value is None:
            return operator == "<>"  # an unrated review is not rated 4/5
        return compare(float(value), bound)

    return Condition(expression, test)


_EPSILON = 1e-9  # 7/10 and 3.5/5 are the same rating
_COMPARE: dict[str, Callable[[float, float], bool]] = {
    "==": lambda a, b: abs(a - b) <= _EPSILON,
    "<>": lambda a, b: abs(a - b) > _EPSILON,
    "<": lambda a, b: a < b - _EPSILON,
    "<=": lambda a, b: a <= b + _EPSILON,
    ">": lambda a, b: a > b + _EPSILON,
    ">=": lambda a, b: a >= b - _EPSILON,
}


def filter_entries(entries: Sequence[Entry], conditions: Sequence[Condition]) -> list[Entry]:
    """The entries for which every condition holds."""
    return [entry for entry in entries if all(test(entry) for test in conditions)]


def sort_entries(entries: Sequence[Entry], order: str, language: str = "en") -> list[Entry]:
    """Sort by ``order`` (one of SORTS); ``-order`` reverses it. Ties go by title.

    Titles and names are collated by ``language`` (the anthology's), not by code point.
    """
    reverse = order.startswith("-")
    name = ALIASES.get(order.lstrip("-").lower(), order.lstrip("-").lower())
    if name not in SORTS and name != "published":
        raise UsageError(
            f"'{order}' is not a sort order",
            hint=f"choose from {', '.join(SORTS)}; put - before it to reverse, e.g. -year",
        )
    key = _sort_key("published" if name == "date" else name, language)
    return sorted(entries, key=key, reverse=reverse)


def _sort_key(order: str, language: str) -> Callable[[Entry], tuple[object, ...]]:
    def title(entry: Entry) -> bytes:
        return title_sort_key(entry.review.sort_title, language)

    keys: dict[str, Callable[[Entry], tuple[object, ...]]] = {
        "title": lambda e: (title(e), e.file),
        "year": lambda e: (e.review.work.year is None, e.review.work.year or 0, title(e)),
        "rating": lambda e: (
            e.review.rating is None,
            -(e.review.rating.fraction if e.review.rating else 0),
            title(e),
        ),
        "published": lambda e: (
            e.review.published is None,
            e.review.published or dt.date.min,
            title(e),
        ),
        "reviewer": lambda e: (name_sort_key(e.review.byline, language), title(e)),
        "kind": lambda e: (e.review.work.kind, title(e)),
        "words": lambda e: (e.review.body.words, title(e)),
        "id": lambda e: (e.review.id,),
        "file": lambda e: (e.file,),
        # the book's order, then the reviews it leaves out, by title
        "book": lambda e: (e.place is None, e.place or 0, title(e)),
    }
    return keys[order]


# --- building every anthology under a folder -------------------------------------------

#: Folders ``build --all`` never looks into, besides hidden ones and the output folder.
SKIPPED = {".venv", "venv", "node_modules", "__pycache__"}


def find_anthologies(folder: Path, out: Path | None = None) -> list[Path]:
    """The folders under ``folder`` that hold an anthology.toml, in path order."""
    skipped = out.resolve() if out is not None else None
    found = []
    for here, folders, files in os.walk(folder):
        folders[:] = sorted(
            name
            for name in folders
            if not name.startswith(".")
            and name not in SKIPPED
            and (Path(here) / name).resolve() != skipped
        )
        if MANIFEST in files:
            found.append(Path(here))
    return found


@dataclass(frozen=True)
class Result:
    """What became of one anthology in ``build --all``."""

    folder: Path
    built: Built | None = None
    error: OctavoError | None = None

    @property
    def ok(self) -> bool:
        return self.error is None


def check_slugs(folders: Sequence[Path]) -> None:
    """Two anthologies whose files would have the same name: a usage error (exit 2)."""
    by_slug: dict[str, Path] = {}
    for folder in folders:
        loaded = load_manifest(folder / MANIFEST, Report())
        if loaded is None:
            continue  # its build fails and says why
        # The same name collect gives the book's files.
        slug = slugify(loaded[0].title, max_length=60) or "book"
        if slug in by_slug:
            raise UsageError(
                f"{by_slug[slug]} and {folder} would both write {slug}.pdf and {slug}.epub",
                hint="give one of the two anthologies another title, or build them"
                " one at a time into different --out folders",
            )
        by_slug[slug] = folder


def build_all(
    folder: Path,
    out: Path,
    formats: tuple[str, ...],
    progress: Callable[[Path, str], None] | None = None,
    strict: bool = False,
) -> Iterator[Result]:
    """Build every anthology under ``folder`` into ``out``, yielding each result in turn.

    Everything is checked before anything is built: at least one anthology, and no
    two with the same file names (UsageError). A failed anthology does not stop the
    others: its error is in its result.
    """
    folder = Path(folder)
    if not folder.is_dir():
        raise UsageError(f"there is no folder {folder}", hint="name a folder of anthologies")
    folders = find_anthologies(folder, out)
    if not folders:
        raise UsageError(
            f"there is no anthology.toml under {folder}",
            hint="name the folder that holds the anthologies, e.g. octavo build --all anthologies",
        )
    check_slugs(folders)
    return _build_each(folders, out, formats, progress, strict)


def _build_each(
    folders: list[Path],
    out: Path,
    formats: tuple[str, ...],
    progress: Callable[[Path, str], None] | None,
    strict: bool,
) -> Iterator[Result]:
    for anthology in folders:
        step: Progress = no_progress
        if progress is not None:
            step = _progress_for(anthology, progress)
        try:
            yield Result(anthology, built=build(anthology, out, formats, step, strict))
        except OctavoError as error:
            yield Result(anthology, error=error)


def _progress_for(anthology: Path, progress: Callable[[Path, str], None]) -> Progress:
    return lambda text: progress(anthology, text)
