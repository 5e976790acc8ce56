"""What the audit reports: each :data:`~.checks.Found` made a :class:`Fault`.

A fault is given its severity (the theme's, or dropped when "off"), its page's
printed folio and the file of the review or page it belongs to.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from ..diagnostics import Diagnostic, Severity
from ..model import AcknowledgmentsPage, Anthology, TextPage
from .checks import Found
from .settings import AuditSettings

if TYPE_CHECKING:
    from ..loaded import Loaded


@dataclass(frozen=True)
class Fault:
    """One typographic fault, on one page of the print edition."""

    code: str
    severity: Severity
    page: int  #: the page's place in the PDF, from 0
    folio: str  #: the number printed on it ("17", "iv"), or its place from 1 when none
    path: Path | None  #: the review (or page) file it belongs to
    message: str
    hint: str

    def diagnostic(self) -> Diagnostic:
        """The fault as ``build --strict`` reports it: the text ``octavo audit`` prints."""
        return Diagnostic(
            self.code,
            f"page {self.page + 1} (folio {self.folio}): {self.message}",
            self.path,
            hint=self.hint,
            severity=self.severity,
        )


@dataclass(frozen=True)
class Audit:
    """What ``audit`` found: the faults, page by page, and what it read."""

    loaded: Loaded
    pages: int
    faults: list[Fault]
    settings: AuditSettings

    @property
    def errors(self) -> list[Fault]:
        return [f for f in self.faults if f.severity is Severity.ERROR]

    @property
    def warnings(self) -> list[Fault]:
        return [f for f in self.faults if f.severity is Severity.WARNING]


def owner_files(anthology: Anthology) -> dict[str, Path]:
    """The file of each review and front- or back-matter page, by its id."""
    files: dict[str, Path] = {review.anchor: review.path for review in anthology.reviews}
    files.update((page.id, page.path) for page in anthology.front)
    files.update((page.id, page.path) for page in anthology.back if isinstance(page, TextPage))
    files.update(
        (page.id, page.path)
        for page in anthology.back
        if isinstance(page, AcknowledgmentsPage) and page.path is not None
    )
    return files


def faults_of(
    found: Iterable[Found], folios: list[str], files: dict[str, Path], settings: AuditSettings
) -> list[Fault]:
    """The faults, in page order, of what the checks found on pages printed ``folios``."""
    faults: list[Fault] = []
    for code, page, owner, message, hint in found:
        level = settings.severity_of(code)
        if level == "off":
            continue
        faults.append(
            Fault(
                code,
                Severity(level),
                page,
                folios[page] if page < len(folios) and folios[page] else str(page + 1),
                files.get(owner or ""),
                message,
                hint,
            )
        )
    faults.sort(key=lambda fault: (fault.page, fault.code))
    return faults
