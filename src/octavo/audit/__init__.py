"""``octavo audit``: read the laid-out print edition page by page for typographic faults.

The book is laid out in memory exactly as ``build`` lays it out (in parts, side by
side, for a long book), nothing is written, and WeasyPrint's laid-out boxes are read
where they are laid out: every line, where it stands, what it holds.
Each fault is named with its page (its place in the PDF and its printed folio), the
review file, a code and a hint. The thresholds are theme settings, ``[audit]`` in
``theme.toml`` (see :class:`AuditSettings`).

======  ===============================================================
T701    a glyph outside the text block (or off the trim): an error
T702    a note set on another page than its call
T703    a review's last page with fewer lines than the theme allows
T704    a paragraph ending on a short fragment of a hyphenated word, or
        on a single short word
T705    more hyphenated lines in a row than the theme allows
T706    a heading at the foot of a page, its text on the next page
T707    a loose line: justified word spaces wider than the theme allows
T708    a hyphenated name, or a display line that breaks badly
T709    a justified paragraph broken after one word in its middle
======  ===============================================================

The package follows the audit's steps: :mod:`.lines` reads WeasyPrint's laid-out
boxes into lines and pages, :mod:`.checks` finds the faults in them (as plain data),
:mod:`.report` gives each its severity, folio and file, and :mod:`.settings` reads
the theme's thresholds; :mod:`.in_build` runs the checks inside a build, where the
pages are laid out (by every worker of a long book), for ``build --strict``. Reading
the boxes (``page._page_box``) is not public API; it was written against WeasyPrint
70, as :mod:`octavo.write.text_block` was.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

from ..api import _load, _open
from ..loaded import Loaded, Progress, no_progress
from ..resources import Resolver
from ..themes import find_theme, shipped_styles
from .checks import find
from .report import Audit, Fault, faults_of, owner_files
from .settings import CODES, AuditSettings, audit_settings

__all__ = [
    "CODES",
    "Audit",
    "AuditSettings",
    "Fault",
    "audit",
    "audit_pages",
    "audit_settings",
    "load_with_theme",
]


def audit_pages(pages: list[Any], loaded: Loaded, settings: AuditSettings) -> list[Fault]:
    """Every fault of WeasyPrint's laid-out ``pages``, in page order."""
    from ..write.pdf_pages import page_starts

    anthology = loaded.anthology
    found = find(pages, settings, {review.anchor for review in anthology.reviews})
    folios = [start.label for start in page_starts(pages)]
    return faults_of(found, folios, owner_files(anthology), settings)


def load_with_theme(folder: Path, theme_name: str | None) -> Loaded:
    """Load the anthology as a build does, set in ``theme_name`` instead of its own."""
    sources = _open(folder)
    if theme_name is not None:
        root = sources.manifest_path.parent
        theme = find_theme(theme_name, root, sources.report, sources.manifest_path)
        folders = theme.folders if theme else ()
        resolver = Resolver.for_folders(root, sources.reviews_folder, *folders, shipped_styles())
        sources = dataclasses.replace(sources, theme=theme, resolver=resolver)
    return _load(sources)


def audit(
    folder: Path,
    theme: str | None = None,
    progress: Progress = no_progress,
    jobs: int | None = None,
) -> Audit:
    """Lay out the anthology in ``folder`` in memory, as a build does, and read every
    page for faults.

    The checks run where the pages are laid out (:mod:`.in_build`): a long book is laid
    out in parts by ``jobs`` processes (default: one per core), each reading its own
    pages, with the memory of a build, not of one pass over the whole book; the
    reviews' short last pages are balanced as a build balances them, decided afresh.
    Raises ContentError when the anthology does not load, BuildError when it cannot
    be laid out, Refused (S302) when the theme's ``[audit]`` settings are wrong.
    """
    from ..pdf_edition import make_pdf

    progress("Loading and checking the anthology")
    loaded = load_with_theme(folder, theme)
    settings = audit_settings(loaded.theme)
    result = make_pdf(loaded, progress, jobs=jobs)
    progress("Reading the pages")
    folios = [start.label for start in result.page_starts]
    faults = faults_of(result.faults, folios, owner_files(loaded.anthology), settings)
    return Audit(loaded, len(folios), faults, settings)
