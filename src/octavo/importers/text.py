"""Import plain-text reviews: a ``.txt`` file in, a review file of the content contract out.

A plain-text review, as newspapers and blogs hand them over, is a run of paragraphs
separated by blank lines, with the facts a review file keeps in its front matter
written around the text instead::

    ...It's a triumph that stings to the core. R. AP KRYZA.

    Blue Valentine

    opens Friday at Fox Tower.

Reading it is a matter of telling those facts from the review itself. The rules:

1. Lines end in LF, CRLF or CR; a UTF-8 BOM is dropped; trailing whitespace is
   ignored; blank lines separate paragraphs. A paragraph keeps its inner line
   breaks and every character of its text.
2. After the body come at most three single-line paragraphs, in any order: the
   sign-off, the title and the showing line. Each of them has a shape:

   - a *title* has at most 12 words and does not end in ``.``, ``,``, ``;`` or ``:``
     (``!`` and ``?`` are allowed because real titles end in them: *Airplane!*);
   - a *showing* line has at most 25 words and either starts with a word that says
     where or when to see the work (opens, opening, now playing, playing, screens,
     screening, showing, available, out, in theaters, at, streaming...) or holds a
     cue: a weekday, a date such as ``Jan. 14``, a theater or cinema, or
     ``at <Capitalised place>``. A line with both a leading word and a cue
     (``opens Friday at Fox Tower``) is never taken for a title;
   - a *sign-off* is a whole line that reads as the sign-off of rule 3.

   A line may fit several shapes (*Opening Night* is a title and could be a showing
   line), so every way of giving the trailing lines distinct roles is tried and the
   reading kept is, in order: the one that finds a title, then a sign-off, then the
   most roles, then the title that looks least like a showing line, then the one
   in the usual order (sign-off, title, showing).
3. The *sign-off* ends the last body paragraph (or is a paragraph of its own):
   an optional certificate followed by a period, then the reviewer's name in
   capitals, then an optional period, as in ``R. AP KRYZA.``. It must start a
   sentence (it follows ``.``, ``!``, ``?`` or ``…``, possibly with a closing
   quote) and the name must have at least two words; several reviewers are joined
   by ``AND`` or ``&``. The certificates known are MPAA G, PG, PG-13, R, NC-17, NR,
   Not Rated, Unrated and BBFC U, PG, 12, 12A, 15, 18, R18; a one-letter one
   cannot be told from an initial, so ``G. ALLEN JOHNSON.`` reads as certificate G
   by Allen Johnson. The sign-off is cut from its paragraph; the text before it
   stays exactly as it was.
4. Names lose their capitals: ``KRYZA`` -> ``Kryza``, ``O'BRIEN`` ->
   ``O'Brien``, ``MCDONALD`` -> ``McDonald``, ``JEAN-LUC`` -> ``Jean-Luc``. Initials
   stay in capitals: a one- or two-letter word (``AP``) or letters with periods
   (``J.R.R.``), except a few real two-letter given names (``ED`` -> ``Ed``) and a
   two-letter surname at the end (``WU`` -> ``Wu``).

A file where no title (``I501``) or no sign-off (``I502``) can be found, or with no
text (``I503``), is refused with a diagnostic that says what was looked for and how
to fix the file; nothing is guessed beyond these rules. :func:`import_text` also
refuses text that is not UTF-8 (``I504``), a file it cannot read (``I507``) and a
folder without ``.txt`` files (``I519``), all before it writes anything.

Writing follows every importer (see :mod:`octavo.importers.writing`): the record file
in the output folder, ``-2``, ``-3``... for a second review of the same title, and a
file edited by hand, or not written by octavo import, left alone unless ``force``.
(Before the record, an existing file was refused with ``I505`` and two inputs with
one title with ``I506``; those codes are retired.)
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from ..diagnostics import Diagnostic, Report
from ..errors import ContentError
from .common import Entry, ImportFailed, Reading, slug_for
from .writing import ImportResult, render_entry, write_entries

__all__ = [
    "ImportedReview",
    "import_text",
    "import_text_files",
    "parse_text_review",
    "read_text_reviews",
    "render_review_file",
    "review_entry",
    "slug_for",
]

_TITLE_MAX_WORDS = 12
_SHOWING_MAX_WORDS = 25
# Enough for "MARC MOHAN AND AP KRYZA" plus a middle name; longer capital runs are
# shouted prose, not a byline.
_NAME_MAX_TOKENS = 8

_TITLE = "title"
_SHOWING = "showing"
_SIGN_OFF = "sign-off"
# The order the trailing lines usually come in; it only breaks ties.
_ROLES = (_SIGN_OFF, _TITLE, _SHOWING)


@dataclass(frozen=True)
class ImportedReview:
    """What a plain-text review says, ready to be written as a review file."""

    title: str
    reviewer: list[str]
    certificate: str | None
    showing: str | None
    body: list[str]
    source: Path


# ---------------------------------------------------------------------------
# Paragraphs


@dataclass(frozen=True)
class _Paragraph:
    text: str
    line: int  # 1-based, of the paragraph's first line

    @property
    def last_line(self) -> int:
        return self.line + self.text.count("\n")


def _paragraphs(text: str) -> list[_Paragraph]:
    paragraphs: list[_Paragraph] = []
    lines: list[str] = []
    # The blank line added at the end closes the last paragraph like any other.
    for number, raw in enumerate([*re.split(r"\r\n|\r|\n", text), ""], start=1):
        line = raw.rstrip()
        if line:
            lines.append(line)
        elif lines:
            paragraphs.append(_Paragraph("\n".join(lines), number - len(lines)))
            lines = []
    return paragraphs


# ---------------------------------------------------------------------------
# The sign-off: "R. AP KRYZA."

_CERTIFICATE = re.compile(r"(NC-17|PG-13|R18|12A|NR|PG|G|R|U|12|15|18|(?i:not\s+rated|unrated))\.")
_CERTIFICATE_SPELLING = {"NOT RATED": "Not Rated", "UNRATED": "Unrated"}
_SENTENCE_END = re.compile(r"[.!?…][\"'”’)\]]*$")
_INITIALS = re.compile(r"(?:[^\W\d_]\.)+")
_CONNECTORS = frozenset({"AND", "&"})
# Two-letter words that are given names, not initials, when they open a byline.
_GIVEN_NAMES = frozenset({"AL", "BO", "CY", "DI", "ED", "JO", "TY"})
_SUFFIXES = {"JR": "Jr.", "SR": "Sr.", "II": "II", "III": "III", "IV": "IV"}


@dataclass(frozen=True)
class _SignOff:
    start: int  # offset in the paragraph where the sign-off begins
    certificate: str | None
    reviewer: list[str]


_Token = tuple[int, str]  # (offset, text)


def _is_initials(word: str) -> bool:
    return _INITIALS.fullmatch(word) is not None and word.isupper()


def _is_capitals(word: str) -> bool:
    return (
        any(char.isalpha() for char in word)
        and all(char.isalpha() or char in "'’-." for char in word)
        and word.isupper()
    )


def _without_final_period(word: str) -> str:
    # The byline's closing period belongs to the sentence, not to the name;
    # initials keep theirs.
    if word.endswith(".") and not _is_initials(word):
        return word[:-1]
    return word


def _in_name(word: str, last: bool) -> bool:
    if last:
        word = _without_final_period(word)
    if word in _CONNECTORS:
        return True
    # A word ending in a period inside the run ends a sentence ("FBI."), unless it
    # is an initial ("J.").
    if word.endswith(".") and not _is_initials(word):
        return False
    return _is_capitals(word)


def _name_run_start(tokens: list[_Token]) -> int:
    start = len(tokens)
    while start > 0 and _in_name(tokens[start - 1][1], last=start == len(tokens)):
        start -= 1
    return start


def _certificate(text: str) -> str | None:
    match = _CERTIFICATE.fullmatch(text)
    if match is None:
        return None
    written = " ".join(match.group(1).upper().split())
    return _CERTIFICATE_SPELLING.get(written, written)


def _starts_sentence(tokens: list[_Token], index: int) -> bool:
    return index == 0 or _SENTENCE_END.search(tokens[index - 1][1]) is not None


def _case_part(part: str) -> str:
    pieces = re.split(r"(['’])", part)
    cased = [_capitalise(pieces[0])]
    for apostrophe, piece in zip(pieces[1::2], pieces[2::2], strict=True):
        # O'BRIEN, D'ANGELO: a one-letter prefix is a particle and the rest a name.
        after_particle = len(cased) == 1 and len(pieces[0]) == 1
        cased += [apostrophe, _capitalise(piece) if after_particle else piece.lower()]
    return "".join(cased)


def _capitalise(word: str) -> str:
    if len(word) > 3 and word.upper().startswith("MC"):
        return "Mc" + word[2].upper() + word[3:].lower()
    return word[:1].upper() + word[1:].lower()


def _case_name_word(word: str, last: bool) -> str:
    if _is_initials(word):
        return word
    if last and word in _SUFFIXES:
        return _SUFFIXES[word]
    if len(word) <= 2 and word.isalpha():
        # "AP", "JD" are initials; "ED" is a given name, and a closing "WU" a surname.
        if word in _GIVEN_NAMES or (last and len(word) == 2):
            return word.capitalize()
        return word
    return "-".join(_case_part(part) for part in word.split("-"))


def _reviewers(words: list[str]) -> list[str] | None:
    words = [*words[:-1], _without_final_period(words[-1])]
    names: list[list[str]] = [[]]
    for word in words:
        if word in _CONNECTORS:
            names.append([])
        else:
            names[-1].append(word)
    if any(not name for name in names):
        return None
    return [
        " ".join(_case_name_word(word, last=i == len(name) - 1) for i, word in enumerate(name))
        for name in names
    ]


def _sign_off_at(tokens: list[_Token], first: int) -> _SignOff | None:
    words = [word for _, word in tokens[first:]]
    if words[0] in _CONNECTORS:
        return None
    # "R. AP KRYZA.": a one-letter certificate reads as an initial, so the run of
    # capitals starts with it; a byline keeps at least two words after it.
    certificate = _certificate(words[0])
    if certificate and len(words) >= 3 and _starts_sentence(tokens, first):
        reviewer = _reviewers(words[1:])
        return _SignOff(tokens[first][0], certificate, reviewer) if reviewer else None
    reviewer = _reviewers(words)
    if reviewer is None:
        return None
    # "PG-13. MARC MOHAN.", "NOT RATED. AP KRYZA.": the certificate stops the run.
    for width in (2, 1):
        start = first - width
        if start < 0:
            continue
        certificate = _certificate(" ".join(word for _, word in tokens[start:first]))
        if certificate and _starts_sentence(tokens, start):
            return _SignOff(tokens[start][0], certificate, reviewer)
    if _starts_sentence(tokens, first):
        return _SignOff(tokens[first][0], None, reviewer)
    return None


def _find_sign_off(text: str) -> _SignOff | None:
    """The sign-off that ends ``text``, the longest one that starts a sentence."""
    tokens = [(match.start(), match.group()) for match in re.finditer(r"\S+", text)]
    start = max(_name_run_start(tokens), len(tokens) - _NAME_MAX_TOKENS)
    # Two words at least: a lone capital word ending a paragraph is too often prose.
    for first in range(start, len(tokens) - 1):
        sign_off = _sign_off_at(tokens, first)
        if sign_off is not None:
            return sign_off
    return None


# ---------------------------------------------------------------------------
# Title and showing line

_SHOWING_LEAD = re.compile(
    r"(?:now\s+(?:playing|showing|streaming)|opens|opening|playing|plays|screens|screening"
    r"|screenings|showing|shows|available|out|in\s+(?:theaters|theatres|cinemas)|at"
    r"|streaming|streams)\b",
    re.IGNORECASE,
)
_SHOWING_CUES = (
    re.compile(r"\b(?:mon|tues|wednes|thurs|fri|satur|sun)days?\b", re.IGNORECASE),
    re.compile(
        r"\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?\s+\d{1,2}\b",
        re.IGNORECASE,
    ),
    re.compile(r"\b(?:theaters?|theatres?|cinemas?)\b", re.IGNORECASE),
    # "at" after the first word: the first word is the lead, not a place.
    re.compile(r"\sat\s+(?:the\s+)?[A-Z0-9]"),
)


def _showing_score(line: str) -> int:
    """0: not a showing line; 1: could be one; 2: surely one (a lead word and a cue)."""
    if len(line.split()) > _SHOWING_MAX_WORDS:
        return 0
    lead = _SHOWING_LEAD.match(line) is not None
    cue = any(cue.search(line) for cue in _SHOWING_CUES)
    return int(lead) + int(cue)


def _could_be_title(line: str) -> bool:
    return (
        len(line.split()) <= _TITLE_MAX_WORDS
        and not line.endswith((".", ",", ";", ":"))
        and any(char.isalnum() for char in line)
        and _showing_score(line) < 2
    )


def _is_sign_off_line(line: str) -> bool:
    sign_off = _find_sign_off(line)
    return sign_off is not None and sign_off.start == 0


def _roles(paragraph: _Paragraph) -> frozenset[str]:
    line = paragraph.text
    if "\n" in line:
        return frozenset()
    roles = set()
    if _could_be_title(line):
        roles.add(_TITLE)
    if _showing_score(line) > 0:
        roles.add(_SHOWING)
    if _is_sign_off_line(line):
        roles.add(_SIGN_OFF)
    return frozenset(roles)


# ---------------------------------------------------------------------------
# Putting it together: every reading of the trailing lines, the best one kept


@dataclass(frozen=True)
class _Reading:
    body: list[str]
    title: _Paragraph | None
    showing: _Paragraph | None
    sign_off: _SignOff | None
    roles: tuple[str, ...]

    def score(self) -> tuple[bool, bool, int, int, bool]:
        doubt = _showing_score(self.title.text) if self.title else 0
        in_order = list(self.roles) == sorted(self.roles, key=_ROLES.index)
        return (
            self.title is not None,
            self.sign_off is not None,
            len(self.roles),
            -doubt,
            in_order,
        )


def _trailing_roles(paragraphs: list[_Paragraph]) -> list[frozenset[str]]:
    """The roles each trailing paragraph could play, nearest to the body first."""
    found: list[frozenset[str]] = []
    # The first paragraph is always body: a review has text.
    for paragraph in reversed(paragraphs[1:]):
        roles = _roles(paragraph)
        if not roles or len(found) == len(_ROLES):
            break
        found.insert(0, roles)
    return found


def _reading(paragraphs: list[_Paragraph], roles: tuple[str, ...]) -> _Reading:
    split = len(paragraphs) - len(roles)
    head, trailer = paragraphs[:split], dict(zip(roles, paragraphs[split:], strict=True))
    body = [paragraph.text for paragraph in head]
    if _SIGN_OFF in trailer:
        sign_off = _find_sign_off(trailer[_SIGN_OFF].text)
    else:
        sign_off = _find_sign_off(body[-1])
        if sign_off is not None:
            rest = body.pop()[: sign_off.start].rstrip()
            body += [rest] if rest else []
    return _Reading(body, trailer.get(_TITLE), trailer.get(_SHOWING), sign_off, roles)


def _readings(paragraphs: list[_Paragraph]) -> Iterator[_Reading]:
    possible = _trailing_roles(paragraphs)
    for count in range(len(possible) + 1):
        tail = possible[len(possible) - count :]
        for roles in itertools.permutations(_ROLES, count):
            if all(role in allowed for role, allowed in zip(roles, tail, strict=True)):
                yield _reading(paragraphs, roles)


def parse_text_review(text: str, source: Path) -> ImportedReview:
    """Read a plain-text review (see the module docstring for the rules).

    Raises :class:`ContentError` with ``I503`` for a file without text, and with
    ``I501`` and/or ``I502`` when no title or no reviewer sign-off is found.
    """
    paragraphs = _paragraphs(text.removeprefix("\ufeff"))
    if not paragraphs:
        raise ContentError.single(_empty(source))
    reading = max(_readings(paragraphs), key=_Reading.score)
    title, sign_off = reading.title, reading.sign_off
    report = Report()
    if title is None:
        report.add(_no_title(source, paragraphs[-1].last_line))
    if sign_off is None:
        report.add(_no_sign_off(source, paragraphs[-1 - len(reading.roles)].last_line))
    if not report.has_errors() and not reading.body:
        report.add(_empty(source))
    if title is None or sign_off is None or report.has_errors():
        raise ContentError(report)
    showing = reading.showing.text.strip() if reading.showing else None
    return ImportedReview(
        title=title.text.strip(),
        reviewer=sign_off.reviewer,
        certificate=sign_off.certificate,
        showing=showing[:1].upper() + showing[1:] if showing else None,
        body=reading.body,
        source=source,
    )


def _no_title(source: Path, line: int) -> Diagnostic:
    return Diagnostic(
        "I501",
        "no title found: looked after the review for a short line of its own "
        f"(at most {_TITLE_MAX_WORDS} words, not ending in '.', ',', ';' or ':')",
        path=source,
        line=line,
        hint="put the work's title on a line of its own after the review, "
        "with a blank line before it",
    )


def _no_sign_off(source: Path, line: int) -> Diagnostic:
    return Diagnostic(
        "I502",
        "no reviewer sign-off found: looked at the end of the review for a name in "
        "capitals after a sentence, such as 'R. AP KRYZA.' or 'AP KRYZA.'",
        path=source,
        line=line,
        hint="end the review with the reviewer's name in capitals, optionally after the "
        "certificate: ... to the core. R. AP KRYZA.",
    )


def _empty(source: Path) -> Diagnostic:
    return Diagnostic(
        "I503",
        "the file holds no review text",
        path=source,
        hint="check that this is the right file; a review is its paragraphs, then the "
        "sign-off, the title and the showing line",
    )


# ---------------------------------------------------------------------------
# Writing the review file


def review_entry(review: ImportedReview) -> Entry:
    """``review`` as an entry to write; its source key is the text file's full path."""
    fields: dict[str, str | int | list[str]] = {
        "title": review.title,
        "kind": "film",
        "reviewer": list(review.reviewer),
    }
    if review.certificate is not None:
        fields["certificate"] = review.certificate
    if review.showing is not None:
        fields["showing"] = review.showing
    key = f"text:{review.source.resolve().as_posix()}"
    return Entry(key, dict(fields), "\n\n".join(review.body), str(review.source))


def render_review_file(review: ImportedReview) -> str:
    """The text of the review file for ``review``: front matter, a blank line, the body."""
    return render_entry(review_entry(review))


# ---------------------------------------------------------------------------
# Importing files


def _decode(data: bytes, source: Path) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        raise ContentError.single(
            Diagnostic(
                "I504",
                f"is not UTF-8 text: byte 0x{data[error.start]:02X} at byte offset "
                f"{error.start} cannot be decoded",
                path=source,
                line=line,
                hint="save the file as UTF-8 (most editors offer it under Save As), or "
                "convert it, e.g. iconv -f WINDOWS-1252 -t UTF-8",
            )
        ) from error


def _read(source: Path) -> ImportedReview:
    try:
        data = source.read_bytes()
    except OSError as error:
        raise ContentError.single(
            Diagnostic(
                "I507",
                f"cannot read the file: {error.strerror}",
                path=source,
                hint="check the file's name and that you may read it",
            )
        ) from error
    return parse_text_review(_decode(data, source), source)


def text_files(sources: list[Path], report: Report) -> list[Path]:
    """The files to import: each file named, and each folder's ``.txt`` files, sorted."""
    files: list[Path] = []
    for source in sources:
        if not source.is_dir():
            files.append(source)
            continue
        found = sorted(path for path in source.glob("*.txt") if path.is_file())
        if not found:
            report.error(
                "I519",
                "the folder holds no .txt files",
                path=source,
                hint="name the text files, or the folder that holds them (files directly"
                " in it, ending in .txt)",
            )
        files += found
    return files


def read_text_reviews(sources: list[Path]) -> Reading:
    """Read every plain-text review; raise :class:`ImportFailed` with every problem."""
    report = Report()
    reading = Reading()
    for source in text_files(sources, report):
        try:
            reading.entries.append(review_entry(_read(source)))
        except ContentError as error:
            report.extend(error.report)
    if report.has_errors():
        raise ImportFailed(report)
    return reading


def import_text(sources: list[Path], to: Path, *, force: bool = False) -> ImportResult:
    """Import plain-text reviews (files, or folders of ``.txt`` files) into ``to``.

    Every file is read and checked first; when any has a problem, an
    :class:`ImportFailed` holding all of them is raised and nothing is written.
    """
    return write_entries(read_text_reviews(sources), to, force=force)


def import_text_files(paths: list[Path], to: Path, *, force: bool = False) -> list[Path]:
    """Like :func:`import_text`; returns the files created or updated, in order."""
    return import_text(paths, to, force=force).written
