"""What every step after loading works on: the validated anthology and its theme.

Kept apart from :mod:`octavo.api` so that the modules that make each edition
(:mod:`octavo.pdf_edition`, :mod:`octavo.print_volumes`) can use it without importing
the build that calls them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from .diagnostics import Diagnostic, Report
from .errors import ContentError, Refused
from .model import Anthology
from .resources import Resolver
from .themes import Theme

Progress = Callable[[str], None]


@dataclass(frozen=True)
class Loaded:
    """A validated anthology, its theme, and the warnings found on the way."""

    anthology: Anthology
    theme: Theme
    resolver: Resolver
    report: Report
    reviews_folder: Path


def no_progress(_: str) -> None:
    """The default ``progress``: say nothing."""


@contextmanager
def theme_files_checked() -> Iterator[None]:
    """A theme file that links out of its theme is an error of the theme (S307)."""
    try:
        yield
    except Refused as refused:
        problem = Diagnostic(refused.code or "S307", refused.message, hint=refused.hint)
        raise ContentError.single(problem) from refused
