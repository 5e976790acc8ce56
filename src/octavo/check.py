"""``octavo check``: everything a build validates, then an editor's reading (L6xx).

:func:`check` loads the anthology exactly as a build does (the same errors and
warnings, with the same codes), makes both editions in memory unless told to be
quick (so that pictures printed below 300 ppi are reported, B407, and the theme's
templates run), then reads the text as a copy editor would. Each editorial rule is
one small function in :mod:`octavo.editorial` that adds warnings to the report:

======  ===============================================================
L601    two reviews of the same work (title, year and kind)
L602    a straight quote left in the typeset text
L603    two spaces between the words of a sentence in the source
L604    one section rating on several scales (4/5, 7/10, B+...)
L605    a review much longer or shorter than the others
L606    a review folder outside the book none of whose reviews is in it
L607    the sample review of ``octavo new``, unchanged, in the book
L608    a review not cleared for print: its ``permission`` missing or pending
======  ===============================================================

Other editorial problems are already found while loading, and keep their codes:
reviews in no section (M106), empty sections (M109), misspelt front-matter keys
(R213) and pictures without alt text (R208). Nothing is written anywhere.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from .api import MANIFEST, load_anthology, make_epub
from .diagnostics import Report, Severity
from .editorial import (
    Text,
    double_spaces,
    duplicate_works,
    length_outliers,
    mixed_rating_scales,
    sample_review,
    straight_quotes_in_body,
    straight_quotes_in_front_matter,
    uncleared_rights,
    unused_review_folder,
)
from .errors import BuildError, ContentError, Refused, UsageError
from .load.frontmatter import split_front_matter
from .load.manifest import load_manifest
from .load.markdown import make_parser
from .load.review import read_text_file
from .loaded import Loaded, Progress, no_progress
from .model import AcknowledgmentsPage, Review, TextPage
from .pdf_edition import make_pdf
from .preflight import Preflight

if TYPE_CHECKING:
    from .printers import Printer
    from .write.pdf import PdfResult

#: Codes the loader or the layout give that ``check`` reports as editorial problems too.
REUSED_CODES = ("M106", "M109", "R208", "R213", "B407")


@dataclass(frozen=True)
class Checked:
    """What ``check`` found; ``layout`` is False when the print layout was skipped."""

    report: Report
    layout: bool
    #: the printer's rules held against the printer's PDF (``check --printer``), one
    #: per volume; empty without a printer
    preflight: tuple[Preflight, ...] = ()


@dataclass(frozen=True)
class PrinterCheck:
    """``check --printer``: the printer whose rules to hold the book against (None: the
    manifest's ``[print] printer``), and the cover to check with it (the bytes of a PDF
    file, and its path)."""

    printer: str | None = None
    cover: bytes | None = None
    cover_path: Path | None = None


def check(
    folder: Path,
    quick: bool = False,
    progress: Progress = no_progress,
    lengths: bool = False,
    printer: PrinterCheck | None = None,
) -> Checked:
    """Check the anthology in ``folder``; raise ContentError when it does not load.

    Without ``quick``, both editions are made in memory, as ``build`` makes them, and
    thrown away. With ``quick``, they are not: pictures are not checked for their
    printed resolution (B407), and the theme's templates are not run (S303-S307).
    ``lengths`` reports each review of unusual length (L605), not one summary.
    With ``printer``, the print edition made is the printer's PDF, and it is held
    against that printer's rules (:mod:`octavo.preflight`): each failed rule is an
    error (P801-P808). ``printer`` needs the layout: it is ignored when ``quick``.
    """
    progress("Loading and checking the anthology")
    loaded = load_anthology(folder)
    chosen = printer_for(loaded, printer) if printer is not None and not quick else None
    if chosen is not None:  # the book as build makes it for that printer (volumes, cover)
        options = replace(loaded.anthology.print, printer=chosen.name)
        loaded = replace(loaded, anthology=replace(loaded.anthology, print=options))
    checked_printer: list[Preflight] = []
    if not quick:
        pdf = make_editions(loaded, progress, for_printer=chosen is not None)
        if printer is not None and chosen is not None and pdf is not None:
            checked_printer = hold_to_printer(loaded, pdf, chosen, printer, progress)
    progress("Reading the text")
    lint(loaded, lengths)
    ignored = set(loaded.anthology.check_ignore)
    if ignored:  # the manifest's [check] ignore: warnings only, never errors
        loaded.report.diagnostics = [
            d
            for d in loaded.report.diagnostics
            if not (d.code in ignored and d.severity is Severity.WARNING)
        ]
    return Checked(loaded.report, layout=not quick, preflight=tuple(checked_printer))


def make_editions(
    loaded: Loaded, progress: Progress, for_printer: bool = False
) -> PdfResult | None:
    """Make the PDF and the EPUB as ``build`` does, and drop them; failures join the report.

    ``for_printer`` makes the printer's PDF (PDF/X-4, bleed, an even page count) in place
    of the screen PDF: the same pages, laid out once. It is returned (None when making
    it failed). The editorial checks still run after a template or layout error: the
    report then holds every problem found, as one list.
    """
    try:
        # The PDF's pages go into the EPUB, as in a build, so its page list is checked too.
        pdf = make_pdf(loaded, progress, for_printer=for_printer)
        make_epub(loaded, progress, pdf.page_starts)
    except ContentError as error:  # a template or a theme file (S303-S307)
        loaded.report.extend(error.report)
        return None
    except BuildError as error:  # WeasyPrint failed (B404-B406)
        loaded.report.error(error.code or "B404", error.message, hint=error.hint)
        return None
    return pdf


def printer_for(loaded: Loaded, printer: PrinterCheck) -> Printer:
    """The printer named on the command line, else the manifest's; a usage error when
    neither names one."""
    from .printers import PRINTER_NAMES, printer_named

    name = printer.printer or loaded.anthology.print.printer
    if name is None:
        raise UsageError(
            "no printer to check against: the manifest names none",
            hint=f"name one: --printer {' | '.join(PRINTER_NAMES)}, or [print] printer ="
            ' "kdp" in anthology.toml',
        )
    return printer_named(name)


def hold_to_printer(
    loaded: Loaded, pdf: PdfResult, chosen: Printer, printer: PrinterCheck, progress: Progress
) -> list[Preflight]:
    """The printer's rules held against its PDF (each volume's) and the cover; failed
    rules join the report."""
    from .preflight import preflight_book

    found = preflight_book(loaded, pdf, chosen, printer.cover, printer.cover_path, progress)
    for volume in found:
        loaded.report.diagnostics.extend(volume.diagnostics())
    return found


def lint(loaded: Loaded, lengths: bool = False) -> None:
    """Add the editorial warnings (L6xx) for a loaded anthology to its report."""
    report = loaded.report
    anthology = loaded.anthology
    parser = make_parser(anthology.language)
    # Escaped characters stay apart from the text around them, so that a quote
    # written \" (straight on purpose) can be told from one the typographer missed.
    parser.disable("text_join")
    texts = read_texts(loaded)
    reviews = distinct(anthology.reviews)
    by_path = {text.path: text for text in texts}
    duplicate_works(reviews, by_path, anthology.root, report)
    for text in texts:
        tokens = parser.parse(text.source.body, {})
        straight_quotes_in_body(text, tokens, report, anthology.language)
        straight_quotes_in_front_matter(text, report, anthology.language)
        double_spaces(text, tokens, report)
        sample_review(text, anthology.root, report)
    for title, members in sections(loaded):
        mixed_rating_scales(title, members, by_path, report)
    length_outliers(reviews, anthology.root, report, each=lengths)
    uncleared_rights(reviews, by_path, report)
    unused_review_folder(
        loaded.reviews_folder, reviews, anthology.root, anthology.root / MANIFEST, report
    )


def distinct(reviews: list[Review]) -> list[Review]:
    """Each review file once, though ``allow_repeats`` may print it in several sections."""
    seen: dict[Path, Review] = {}
    for review in reviews:
        seen.setdefault(review.path.resolve(), review)
    return list(seen.values())


def sections(loaded: Loaded) -> list[tuple[str, list[Review]]]:
    """Each section's title and reviews; a book without sections is one."""
    anthology = loaded.anthology
    if not anthology.sectioned:
        return [("the book", distinct(anthology.reviews))]
    return [(f"section '{s.title}'", distinct(list(s.reviews))) for s in anthology.sections]


def read_texts(loaded: Loaded) -> list[Text]:
    """Every Markdown file the book prints: reviews, front and back pages, part intros."""
    anthology = loaded.anthology
    found: list[tuple[Path, Review | None]] = [(r.path, r) for r in distinct(anthology.reviews)]
    found += [(page.path, None) for page in anthology.front]
    found += [(page.path, None) for page in anthology.back if isinstance(page, TextPage)]
    found += [
        (page.path, None)
        for page in anthology.back
        if isinstance(page, AcknowledgmentsPage) and page.path is not None
    ]
    found += [(path, None) for path in _intro_paths(loaded)]
    texts: list[Text] = []
    for path, review in found:
        # The loader has read and checked every one of these files already.
        text = read_text_file(path, Report(), loaded.resolver)
        if text is not None:
            texts.append(Text(path, split_front_matter(text, path, Report()), review, text))
    return texts


def _intro_paths(loaded: Loaded) -> list[Path]:
    """The files of the sections' opening texts, which the Anthology keeps only rendered."""
    root = loaded.anthology.root
    manifest = load_manifest(root / MANIFEST, Report())
    if manifest is None:
        return []
    paths = []
    for spec in manifest[0].sections:
        if spec.intro:
            try:
                paths.append(loaded.resolver.local(spec.intro, root))
            except Refused:
                continue
    return paths
