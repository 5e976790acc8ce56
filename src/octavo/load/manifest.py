"""Read ``anthology.toml`` into a validated :class:`Manifest`.

The schema is a set of pydantic models, one docstring per key. Every problem is
reported at once, with the key's path (``sections[1].include``) and its line:
tomllib gives no positions, so :func:`key_lines` finds them in the text.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
import tomllib
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from ..diagnostics import Report
from ..isbn import IsbnError, normalize_isbn
from ..localisation import message_ids
from ..resources import unusable_path
from .print_spec import PrintSpec
from .text_values import forbidden_character, strings_in, toml_line, toml_message

SortOrder = Literal["manual", "title", "year", "published", "rating", "reviewer"]
IndexKind = Literal["works", "reviewers", "creators", "publications"]
KeyLines = dict[tuple[str | int, ...], int]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Select(_Strict):
    """Choose reviews by their metadata; every given criterion must hold."""

    tags: list[str] | None = None  #: any of these tags
    kind: str | list[str] | None = None
    reviewer: str | list[str] | None = None
    year: str | int | None = None  #: 1927, or a range "1920..1929"
    rating_min: str | None = None  #: "3/5", "B"


class SectionSpec(_Strict):
    """One part of the book."""

    title: str = Field(min_length=1)
    id: str | None = None
    intro: str | None = None  #: a Markdown file printed on the part's opening page
    include: list[str] | None = None  #: files or globs, relative to the manifest
    select: Select | None = None
    sort: SortOrder = "manual"

    @model_validator(mode="after")
    def _needs_reviews(self) -> SectionSpec:
        if self.include is None and self.select is None:
            raise ValueError("a section needs 'include' or 'select' to say which reviews it holds")
        return self


class FrontSpec(_Strict):
    title: str = Field(min_length=1)
    file: str
    id: str | None = None


class BackSpec(_Strict):
    title: str | None = None
    file: str | None = None  #: a Markdown page
    index: IndexKind | None = None  #: a generated index
    contributors: str | None = None  #: "About the contributors", from this TOML file
    #: the acknowledgments page: the reviews' credit lines, after the text of ``file``
    acknowledgments: bool = False
    id: str | None = None

    @model_validator(mode="after")
    def _one_of(self) -> BackSpec:
        if self.acknowledgments:
            if self.index is not None or self.contributors is not None:
                raise ValueError(
                    "an acknowledgments [[back]] entry takes a 'file' and a 'title', but no"
                    " 'index' or 'contributors': give those entries of their own"
                )
            return self
        given = [key for key in ("file", "index", "contributors") if getattr(self, key)]
        if len(given) != 1:
            raise ValueError(
                "a [[back]] entry needs one of 'file', 'index', 'contributors' or"
                " 'acknowledgments = true'"
            )
        if self.file is not None and not self.title:
            raise ValueError("a [[back]] entry with a 'file' needs a 'title'")
        return self


class CheckSpec(_Strict):
    """``[check]``: what ``octavo check`` leaves out for this book."""

    ignore: list[str] = Field(default_factory=list)  #: warning codes, e.g. ["L604"]

    @field_validator("ignore")
    @classmethod
    def _codes(cls, value: list[str]) -> list[str]:
        for code in value:
            if not re.fullmatch(r"[A-Z][0-9]{3}", code):
                raise ValueError(f"'{code}' is not a warning code such as L604 or B407")
        return value


class Manifest(_Strict):
    """The keys of ``anthology.toml`` (see the content contract, section 2)."""

    title: str = Field(min_length=1)
    subtitle: str | None = None
    editors: list[str] = Field(default_factory=list)
    publisher: str | None = None
    language: str = "en"  #: BCP 47
    date: dt.date | None = None
    #: the package's unique identifier (default: urn:isbn: of ebook_isbn, else a UUID)
    identifier: str | None = None
    isbn: str | None = None  #: the print edition's ISBN (13 or 10 digits), kept as ISBN-13
    ebook_isbn: str | None = None  #: the e-book's ISBN, kept as ISBN-13
    description: str | None = None
    rights: str | None = None
    style: str = "classic"
    cover: str | None = None
    #: the back cover's text (Markdown); by default, pull quotes from the reviews
    back_cover: str | None = None
    reviews: str = "reviews"
    allow_repeats: bool = False
    print: PrintSpec = Field(default_factory=PrintSpec)
    check: CheckSpec = Field(default_factory=CheckSpec)
    front: list[FrontSpec] = Field(default_factory=list)
    sections: list[SectionSpec] = Field(default_factory=list)
    back: list[BackSpec] = Field(default_factory=list)
    #: this book's own wording for any message Octavo prints: English message → text
    labels: dict[str, str] = Field(default_factory=dict)

    @field_validator("labels")
    @classmethod
    def _labels(cls, value: dict[str, str]) -> dict[str, str]:
        known, problems = message_ids(), []
        for key, text in value.items():
            if key not in known:
                close = difflib.get_close_matches(key, known, n=1)
                hint = f" (did you mean '{close[0]}'?)" if close else ""
                problems.append(
                    f"'{key}' is not a message Octavo prints{hint}; the keys are Octavo's"
                    " English messages (README: The book's words)"
                )
                continue
            placeholders = dict.fromkeys(re.findall(r"%\((\w+)\)s", key), "")
            try:
                text % placeholders
            except (KeyError, ValueError, TypeError):
                named = ", ".join(f"%({name})s" for name in placeholders) or "none"
                problems.append(
                    f"'{key}' = '{text}' cannot be filled in: use only the message's"
                    f" placeholders ({named}) and write a percent sign as %%"
                )
        if problems:
            raise ValueError("; ".join(problems))
        return value

    @field_validator("editors", mode="before")
    @classmethod
    def _editors(cls, value: Any) -> Any:
        return [value] if isinstance(value, str) else value

    @field_validator("isbn", "ebook_isbn")
    @classmethod
    def _isbn(cls, value: str | None) -> str | None:
        return None if value is None else normalize_isbn(value)

    @field_validator("language")
    @classmethod
    def _language(cls, value: str) -> str:
        if not re.fullmatch(r"[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*", value):
            raise ValueError(f"'{value}' is not a BCP 47 language tag such as en, fr or pt-BR")
        return value


_KNOWN_KEYS = set(Manifest.model_fields) | {
    f"{table}.{key}"
    for table, model in (
        ("print", PrintSpec),
        ("check", CheckSpec),
        ("sections", SectionSpec),
        ("front", FrontSpec),
        ("back", BackSpec),
    )
    for key in model.model_fields
}


def load_manifest(path: Path, report: Report) -> tuple[Manifest, KeyLines] | None:
    """Read and validate the manifest; every problem goes to ``report``.

    Returns the manifest with the line of each key, for later messages.
    """
    try:
        text = path.read_bytes().decode("utf-8").removeprefix("\ufeff")
    except FileNotFoundError:
        report.error(
            "M100",
            "there is no anthology.toml here",
            path,
            hint="run octavo in an anthology folder, or name one: octavo build PATH",
        )
        return None
    except (OSError, UnicodeDecodeError) as error:
        report.error("M101", f"cannot read the manifest: {error}", path, hint="save it as UTF-8")
        return None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        # Python before 3.14 gives the position only inside the message.
        report.error(
            "M101",
            f"the manifest is not valid TOML: {toml_message(error)}",
            path,
            toml_line(error, 1),
            hint="check the quoting and brackets on that line",
        )
        return None
    lines = key_lines(text)
    for key, value in data.items():
        if character := next(filter(None, map(forbidden_character, strings_in(value))), None):
            report.error(
                "M104",
                f"{key}: holds {character} (written as an escape)",
                path,
                line_for((key,), lines),
                hint="remove the escape sequence from the quoted value",
            )
            return None
    try:
        manifest = Manifest.model_validate(data)
    except ValidationError as error:
        for problem in error.errors():
            _report_problem(problem, lines, path, report)
        return None
    if not _paths_usable(manifest, lines, path, report):
        return None
    return manifest, lines


def _paths_usable(manifest: Manifest, lines: KeyLines, path: Path, report: Report) -> bool:
    """Refuse file names no file system can hold before anything tries to open them."""
    named: list[tuple[tuple[str | int, ...], str | None]] = [
        (("reviews",), manifest.reviews),
        (("cover",), manifest.cover),
        (("style",), manifest.style),
    ]
    named += [(("front", n, "file"), spec.file) for n, spec in enumerate(manifest.front)]
    named += [(("back", n, "file"), spec.file) for n, spec in enumerate(manifest.back)]
    named += [
        (("back", n, "contributors"), spec.contributors) for n, spec in enumerate(manifest.back)
    ]
    for n, spec in enumerate(manifest.sections):
        named.append((("sections", n, "intro"), spec.intro))
        named += [(("sections", n, "include", i), p) for i, p in enumerate(spec.include or [])]
    usable = True
    for location, value in named:
        if value is not None and (problem := unusable_path(value)):
            report.error(
                "M104",
                f"{_dotted(location)}: '{value[:60]}' {problem}",
                path,
                line_for(location, lines),
                hint="write the file's real name",
            )
            usable = False
    return usable


def _report_problem(problem: Any, lines: KeyLines, path: Path, report: Report) -> None:
    location: tuple[str | int, ...] = tuple(problem["loc"])
    key = _dotted(location)
    line = line_for(location, lines)
    kind = problem["type"]
    if kind == "extra_forbidden":
        name = str(location[-1])
        table = ".".join(str(part) for part in location[:-1] if isinstance(part, str))
        known = sorted(
            known.split(".")[-1]
            for known in _KNOWN_KEYS
            if known.rsplit(".", 1)[0] == table or (not table and "." not in known)
        )
        close = difflib.get_close_matches(name, known, n=1)
        hint = f"did you mean '{close[0]}'?" if close else f"known keys here: {', '.join(known)}"
        report.error("M102", f"{key}: unknown key", path, line, hint)
    elif kind == "missing":
        report.error(
            "M103", f"{key}: this key is required", path, line, f"add {location[-1]} = ..."
        )
    elif isinstance(cause := problem.get("ctx", {}).get("error"), IsbnError):
        report.error("M116", f"{key}: {cause}", path, line, cause.hint)
    else:
        message = str(problem["msg"]).removeprefix("Value error, ")
        report.error("M104", f"{key}: {message}", path, line)


def _dotted(location: tuple[str | int, ...]) -> str:
    text = ""
    for part in location:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else part)
    return text or "(top level)"


def line_for(location: tuple[str | int, ...], lines: KeyLines) -> int | None:
    """The line of the key at ``location``, or of the nearest enclosing key."""
    for end in range(len(location), 0, -1):
        if location[:end] in lines:
            return lines[location[:end]]
    return None


_TABLE = re.compile(r"^\s*\[\s*([A-Za-z0-9_.-]+)\s*\]\s*(#.*)?$")
_ARRAY_TABLE = re.compile(r"^\s*\[\[\s*([A-Za-z0-9_.-]+)\s*\]\]\s*(#.*)?$")
_KEY = re.compile(r"^\s*([A-Za-z0-9_-]+)\s*=")


def key_lines(text: str) -> KeyLines:
    """Map key paths such as ``("sections", 1, "include")`` to their line numbers.

    Enough TOML to place messages: tables, arrays of tables and ``key =`` lines.
    """
    lines: KeyLines = {}
    counts: dict[str, int] = {}
    table: tuple[str | int, ...] = ()
    for number, line in enumerate(text.splitlines(), start=1):
        if match := _ARRAY_TABLE.match(line):
            name = match.group(1)
            index = counts.get(name, -1) + 1
            counts[name] = index
            table = (*name.split("."), index)
            lines[table] = number
            lines.setdefault(table[:-1], number)
        elif match := _TABLE.match(line):
            table = tuple(match.group(1).split("."))
            lines[table] = number
        elif match := _KEY.match(line):
            lines[(*table, match.group(1))] = number
    return lines


def close_key(name: str, known: list[str]) -> str | None:
    """The known key one small edit away from ``name``, if any."""
    matches = difflib.get_close_matches(name, known, n=1, cutoff=0.75)
    return matches[0] if matches else None
