"""Diagnostics: problems found in the content, collected first and reported together.

A build never stops at the first problem. Loaders and the collector append a
:class:`Diagnostic` per problem to a :class:`Report`; the build stops once, after
everything has been read, when the report holds any error.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field, replace
from enum import StrEnum
from pathlib import Path


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"


#: A path this many folders above a base is still shown relative to it ("../library").
_UP_LEVELS = 2


def shown_path(path: Path, base: Path) -> str:
    """``path`` as a person would type it from ``base``: relative when it lies inside,
    or a folder or two above (``../library/a.md``); absolute when farther away."""
    # abspath, not resolve: a symlink is shown where it is, not where it points
    absolute, start = Path(os.path.abspath(path)), Path(os.path.abspath(base))
    if absolute.is_relative_to(start):
        return str(absolute.relative_to(start))
    relative = os.path.relpath(absolute, start)
    if Path(relative).parts[: _UP_LEVELS + 1].count("..") <= _UP_LEVELS:
        return relative
    return str(absolute)


@dataclass(frozen=True)
class Diagnostic:
    """One problem: where it is, what is wrong, and how to fix it.

    Codes are stable and grouped by area: ``M1xx`` the manifest, ``R2xx`` a review
    or another Markdown file, ``S3xx`` a theme or template, ``B4xx`` the build and
    its outputs, ``I5xx`` importers.
    """

    code: str
    message: str
    path: Path | None = None
    line: int | None = None
    hint: str | None = None
    severity: Severity = Severity.ERROR
    column: int | None = None

    def location(self, *bases: Path) -> str:
        """``path:line:column``, the path relative to the first base that holds it, else
        as :func:`shown_path` shows it from the first base."""
        if self.path is None:
            return ""
        absolute = Path(os.path.abspath(self.path))
        inside = [b for b in bases if absolute.is_relative_to(Path(os.path.abspath(b)))]
        where = shown_path(absolute, inside[0] if inside else bases[0]) if bases else str(absolute)
        if self.line:
            where += f":{self.line}"
            if self.column:
                where += f":{self.column}"
        return where

    def format(self, *bases: Path) -> str:
        """The diagnostic as printed: ``error[R201] reviews/a.md:3: message`` and a hint."""
        where = self.location(*bases)
        head = f"{self.severity.value}[{self.code}] "
        head += f"{where}: {self.message}" if where else self.message
        if self.hint:
            head += f"\n  hint: {self.hint}"
        return head


@dataclass
class Report:
    """The diagnostics of one run, in the order they were found."""

    diagnostics: list[Diagnostic] = field(default_factory=list)
    #: the anthology folder, when known: paths are shown relative to it
    root: Path | None = None

    def add(self, diagnostic: Diagnostic) -> None:
        self.diagnostics.append(diagnostic)

    def error(
        self,
        code: str,
        message: str,
        path: Path | None = None,
        line: int | None = None,
        hint: str | None = None,
        column: int | None = None,
    ) -> None:
        self.add(Diagnostic(code, message, path, line, hint, Severity.ERROR, column))

    def warning(
        self,
        code: str,
        message: str,
        path: Path | None = None,
        line: int | None = None,
        hint: str | None = None,
        column: int | None = None,
    ) -> None:
        self.add(Diagnostic(code, message, path, line, hint, Severity.WARNING, column))

    def extend(self, other: Report) -> None:
        self.diagnostics.extend(other.diagnostics)

    @property
    def errors(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if d.severity is Severity.ERROR]

    @property
    def warnings(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if d.severity is Severity.WARNING]

    def warnings_as_errors(self) -> None:
        """Make every warning an error (``--strict``)."""
        self.diagnostics = [
            replace(d, severity=Severity.ERROR) if d.severity is Severity.WARNING else d
            for d in self.diagnostics
        ]

    def has_errors(self) -> bool:
        return any(d.severity is Severity.ERROR for d in self.diagnostics)

    def summary(self) -> str:
        errors, warnings = len(self.errors), len(self.warnings)
        return f"{errors} error{'s' * (errors != 1)}, {warnings} warning{'s' * (warnings != 1)}"
