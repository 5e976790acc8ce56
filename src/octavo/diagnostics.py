"""Diagnostics: problems found in the content, collected first and reported together.

A build never stops at the first problem. Loaders and the collector append a
:class:`Diagnostic` per problem to a :class:`Report`; the build stops once, after
everything has been read, when the report holds any error.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"


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

    def location(self, relative_to: Path | None = None) -> str:
        if self.path is None:
            return ""
        shown = self.path
        if relative_to is not None:
            try:
                shown = self.path.resolve().relative_to(relative_to.resolve())
            except ValueError:
                shown = self.path
        return f"{shown}:{self.line}" if self.line else str(shown)

    def format(self, relative_to: Path | None = None) -> str:
        where = self.location(relative_to)
        head = f"{self.severity.value}[{self.code}] "
        head += f"{where}: {self.message}" if where else self.message
        if self.hint:
            head += f"\n  hint: {self.hint}"
        return head


@dataclass
class Report:
    """The diagnostics of one run, in the order they were found."""

    diagnostics: list[Diagnostic] = field(default_factory=list)

    def add(self, diagnostic: Diagnostic) -> None:
        self.diagnostics.append(diagnostic)

    def error(
        self,
        code: str,
        message: str,
        path: Path | None = None,
        line: int | None = None,
        hint: str | None = None,
    ) -> None:
        self.add(Diagnostic(code, message, path, line, hint, Severity.ERROR))

    def warning(
        self,
        code: str,
        message: str,
        path: Path | None = None,
        line: int | None = None,
        hint: str | None = None,
    ) -> None:
        self.add(Diagnostic(code, message, path, line, hint, Severity.WARNING))

    def extend(self, other: Report) -> None:
        self.diagnostics.extend(other.diagnostics)

    @property
    def errors(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if d.severity is Severity.ERROR]

    @property
    def warnings(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if d.severity is Severity.WARNING]

    def has_errors(self) -> bool:
        return any(d.severity is Severity.ERROR for d in self.diagnostics)

    def summary(self) -> str:
        errors, warnings = len(self.errors), len(self.warnings)
        return f"{errors} error{'s' * (errors != 1)}, {warnings} warning{'s' * (warnings != 1)}"
