"""Exceptions that end a command with a message a person can act on.

Every expected failure is an :class:`OctavoError`: the CLI prints its message (or its
diagnostics) without a traceback and exits with its ``exit_code``. Anything else that
escapes is a bug, and the CLI says so.
"""

from __future__ import annotations

from .diagnostics import Diagnostic, Report


class OctavoError(Exception):
    """An expected failure: bad content, a failed write, a missing tool."""

    exit_code = 1

    def __init__(self, message: str, hint: str | None = None, code: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint
        #: a stable diagnostic code (B4xx for build errors), when there is one
        self.code = code


class ContentError(OctavoError):
    """The content has errors; ``report`` holds every one of them."""

    def __init__(self, report: Report) -> None:
        self.report = report
        super().__init__(f"Build stopped: {report.summary()}. Nothing was written.")

    @classmethod
    def single(cls, diagnostic: Diagnostic) -> ContentError:
        report = Report()
        report.add(diagnostic)
        return cls(report)


class BuildError(OctavoError):
    """Rendering or writing an output failed (after the content validated)."""


class UsageError(OctavoError):
    """The command line itself is wrong."""

    exit_code = 2


class Refused(Exception):
    """A reference or a file a build may not use; becomes a diagnostic where it is met.

    ``message`` says what was refused and why, ``hint`` how to fix it.
    """

    def __init__(self, message: str, hint: str, code: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint
        #: a more precise diagnostic code than the caller's own, when there is one
        self.code = code
