"""The audit inside a build: its checks run where the pages are laid out, and
``build --strict`` stops on their errors.

One pass runs the checks on its pages (:func:`octavo.write.pdf.render_pdf`); a book
laid out in parts runs them in every worker, on the worker's own pages, and the
faults come back as plain data with the piece, are cached with it and are moved to
the merged book's pages (:mod:`octavo.write.pdf_parallel`). Here they are given
their severity, folio and file, and made the diagnostics a build reports.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..diagnostics import Diagnostic, Report, Severity
from ..errors import ContentError
from .checks import Checks
from .report import faults_of, owner_files
from .settings import audit_settings

if TYPE_CHECKING:
    from ..loaded import Loaded
    from ..write.pdf import PdfResult


def checks(loaded: Loaded) -> Checks:
    """The audit's checks, set to the theme's thresholds (S302 when they are wrong)."""
    reviews = frozenset(review.anchor for review in loaded.anthology.reviews)
    return Checks(audit_settings(loaded.theme), reviews)


def faults(loaded: Loaded, result: PdfResult) -> list[Diagnostic]:
    """What the checks found on the PDF's pages, as ``octavo audit`` reports it
    (severities from the theme, off ones left out), in page order."""
    folios = [start.label for start in result.page_starts]
    settings = audit_settings(loaded.theme)
    found = faults_of(result.faults, folios, owner_files(loaded.anthology), settings)
    return [fault.diagnostic() for fault in found]


def stop_if_strict(report: Report, faults: list[Diagnostic]) -> None:
    """``--strict``: any warning of the report, or an error among the typographic faults,
    stops the build; then the faults are reported with it, their warnings as warnings."""
    if report.warnings or any(fault.severity is Severity.ERROR for fault in faults):
        report.warnings_as_errors()
        report.diagnostics.extend(faults)
        raise ContentError(report)
