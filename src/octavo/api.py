"""The public API: load an anthology, build its outputs.

The build runs in steps, each reported through ``progress``:

1. load the manifest and every review, and check them (nothing is written if any
   check fails);
2. collect them into an :class:`~octavo.model.Anthology`;
3. render the print HTML and the EPUB documents through the theme's templates;
4. lay out the PDF, pack the EPUB, and only then write both files, atomically.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from . import up_to_date
from .diagnostics import Diagnostic, Report
from .epub_edition import (
    PackedEpub,
    azw3,
    epub_beside,
    kepub,
    make_epub,
    packed_epub,
    reported,
    same,
)
from .errors import ContentError, UsageError
from .load.manifest import KeyLines, Manifest, load_manifest
from .loaded import Loaded, Progress, no_progress, theme_files_checked
from .memory import set_apart
from .model import PageStart
from .pdf_edition import make_pdf
from .resources import Resolver
from .themes import Theme, find_theme, shipped_styles
from .write.atomic import output_lock, write_all
from .write.pdf_cache import FOLDER as CACHE_FOLDER
from .write.scratch import scratch_folder

if TYPE_CHECKING:
    from .fork_pool import Beside
    from .load.body_cache import BodyCache
    from .print_volumes import PrintVolume
    from .render.cover_sheet import Lines
    from .render.epub_xhtml import EpubDocuments
    from .write.cover_pdf import CoverResult

#: What the API offers; the PDF's layout lives in :mod:`octavo.pdf_edition`, the EPUB's
#: making in :mod:`octavo.epub_edition` and the loaded book's type in
#: :mod:`octavo.loaded`, offered here with the rest.
__all__ = [
    "DEFAULT_FORMATS", "FORMATS", "MANIFEST", "Built", "Loaded", "Output", "Progress",
    "build", "check_output_folder", "load_anthology", "make_cover", "make_epub",
    "make_html", "make_pdf", "no_progress",
]  # fmt: skip

MANIFEST = "anthology.toml"
#: pdf: the screen edition, with links and bookmarks; pdf-print: the printer's PDF
#: (PDF/X-4 with bleed and crop marks), as <slug>-print.pdf; epub: the e-book;
#: kepub: the e-book for Kobo (<slug>.kepub.epub); azw3: for Kindle, made by calibre;
#: html: one self-contained page for the web (<slug>.html); cover: the printed cover
#: (back, spine and front on one PDF/X-4 sheet, sized for the printer), <slug>-cover.pdf.
FORMATS = ("pdf", "epub", "pdf-print", "kepub", "azw3", "html", "cover")
DEFAULT_FORMATS = ("pdf", "epub")


@dataclass(frozen=True)
class Built:
    """What a build wrote, and what it warned about."""

    outputs: list[Output]
    report: Report
    #: nothing had changed since the last build: no file was written
    up_to_date: bool = False
    #: the typographic faults of the PDF (the audit's T7xx codes): ``--strict`` stops on
    #: their errors, and prints their warnings
    faults: list[Diagnostic] = field(default_factory=list)


@dataclass(frozen=True)
class Output:
    """One file a build wrote."""

    path: Path
    format: str
    size: int
    pages: int | None = None  #: PDF pages
    documents: int | None = None  #: EPUB content documents


def load_anthology(folder: Path) -> Loaded:
    """Load and validate the anthology in ``folder``; raise ContentError on any error."""
    return _load(_open(folder))


@dataclass(frozen=True)
class _Sources:
    """An anthology's manifest and theme, read before its reviews."""

    manifest_path: Path
    manifest: Manifest
    lines: KeyLines
    theme: Theme | None
    reviews_folder: Path
    resolver: Resolver
    report: Report


def _open(folder: Path) -> _Sources:
    folder = Path(folder)
    manifest_path = folder / MANIFEST if folder.is_dir() else folder
    if not manifest_path.parent.is_dir():
        raise UsageError(f"there is no folder {folder}", hint="name an anthology folder")
    report = Report(root=manifest_path.parent)
    loaded = load_manifest(manifest_path, report)
    if loaded is None:
        raise ContentError(report)
    manifest, lines = loaded
    root = manifest_path.parent
    theme = find_theme(manifest.style, root, report, manifest_path, lines.get(("style",)))
    reviews_folder = (root / manifest.reviews).resolve()
    theme_folders = theme.folders if theme else ()
    resolver = Resolver.for_folders(root, reviews_folder, *theme_folders, shipped_styles())
    return _Sources(manifest_path, manifest, lines, theme, reviews_folder, resolver, report)


def _load(
    sources: _Sources, bodies: BodyCache | None = None, read: up_to_date.ReadFiles | None = None
) -> Loaded:
    """The anthology, its reviews read; with ``bodies``, the Markdown bodies an earlier
    build rendered are read back from there, and those rendered now noted in it (to be
    kept once the build is done: :meth:`BodyCache.save`); the review files read are
    noted in ``read``."""
    # the reviews' loading (markdown-it, the renderers of pictures...) is imported here,
    # not with this module: a build with nothing changed does not need it
    from .collect import Inputs, collect
    from .load.markdown import MarkdownContext, make_parser

    manifest, report, resolver = sources.manifest, sources.report, sources.resolver
    context = MarkdownContext(make_parser(manifest.language), resolver, report, bodies, read)
    anthology = collect(
        Inputs(manifest, sources.manifest_path, sources.lines, sources.reviews_folder, context)
    )
    if bodies is not None:
        bodies.done_reading()
    if anthology is None or sources.theme is None or report.has_errors():
        raise ContentError(report)
    return Loaded(anthology, sources.theme, resolver, report, sources.reviews_folder)


def build(
    folder: Path,
    out: Path,
    formats: tuple[str, ...] = DEFAULT_FORMATS,
    progress: Progress = no_progress,
    strict: bool = False,
    jobs: int | None = None,
    cache: bool = True,
) -> Built:
    """Build the anthology in ``folder`` into ``out``; return what was written.

    Every output is made in memory first; files are written only when all of them
    succeeded, each atomically, so a failed build leaves earlier outputs untouched.
    With ``strict``, a warning (a missing alt text...) fails the build like an error,
    and so does an error of the audit's checks on the PDF's pages (T701: text outside
    the text block); the audit's warnings stay warnings (in ``Built.faults``).
    ``jobs`` processes lay out the PDF (default: one per core; 1: a single pass).
    With ``cache``, the parts of the PDF laid out by the last build into ``out`` are
    reused when nothing they depend on changed (``<out>/.octavo-cache/``).
    """
    with scratch_folder(), set_apart():
        return _build(folder, out, formats, progress, strict, jobs, cache)


def _build(
    folder: Path,
    out: Path,
    formats: tuple[str, ...],
    progress: Progress,
    strict: bool,
    jobs: int | None,
    cache: bool,
) -> Built:
    unknown = [name for name in formats if name not in FORMATS]
    if unknown:
        raise UsageError(
            f"unknown format {', '.join(unknown)}", hint=f"choose from {', '.join(FORMATS)}"
        )
    progress("Loading and checking the anthology")
    sources = _open(folder)
    fingerprint = None
    if cache and up_to_date.record_path(sources.manifest_path, out, formats).exists():
        fingerprint = _fingerprint(sources, out, formats)
        if fingerprint is not None:
            done = up_to_date.recorded(fingerprint, out)
            if done is not None:
                return _unchanged(out, *done, strict)
            up_to_date.forget(fingerprint)
    # with no record to compare with, the sources are digested once they are loaded,
    # the review files by the bytes the loading read (not read twice)
    read = up_to_date.ReadFiles() if cache and fingerprint is None else None
    bodies = _bodies(sources, out) if cache else None
    loaded = _load(sources, bodies, read)
    # the anthology loaded is kept to the end: set apart, collections do not go through it
    with set_apart():
        if read is not None:
            fingerprint = _fingerprint(sources, out, formats, read)
        check_output_folder(out, loaded)
        beside = epub_beside(loaded, formats, jobs, progress)
        try:
            built = _outputs(
                loaded, out, formats, progress, strict, jobs, cache, fingerprint, beside
            )
        finally:
            if beside is not None:
                beside.close()
        if bodies is not None:
            bodies.save()  # once the build is done: one that fails leaves nothing new
        return built


def _outputs(
    loaded: Loaded,
    out: Path,
    formats: tuple[str, ...],
    progress: Progress,
    strict: bool,
    jobs: int | None,
    cache: bool,
    fingerprint: up_to_date.Fingerprint | None,
    beside: Beside[EpubDocuments] | None,
) -> Built:
    """Make every format asked for, in memory, then write them all (the EPUB's
    documents perhaps rendered ``beside`` the PDF)."""
    from .audit import in_build
    from .print_volumes import make_print_volumes

    slug = loaded.anthology.slug
    made: list[tuple[Output, bytes]] = []
    page_starts: tuple[PageStart, ...] = ()
    faults: list[Diagnostic] = []
    volumes: list[PrintVolume] = []  # the printer's PDFs, for their covers
    wants_epub = bool({"epub", "kepub", "azw3"} & set(formats))
    received: list[EpubDocuments | None] = []
    epubs: list[PackedEpub] = []  # the EPUB, made while the screen PDF was merged

    def rendered_beside() -> EpubDocuments | None:
        if not received:
            received.append(beside.result() if beside is not None else None)
        return received[0]

    def epub_while_merging(starts: tuple[PageStart, ...]) -> None:
        epubs.append(packed_epub(loaded, progress, starts, rendered_beside()))

    for name, printer in (("pdf", False), ("pdf-print", True)):
        if name in formats:
            cache_folder = out / CACHE_FOLDER / name if cache else None
            while_merging = epub_while_merging if wants_epub and not printer else None
            pdf = make_pdf(
                loaded,
                progress,
                for_printer=printer,
                jobs=jobs,
                cache=cache_folder,
                while_merging=while_merging,
            )
            page_starts = page_starts or pdf.page_starts
            if printer:
                volumes = make_print_volumes(loaded, pdf, progress, jobs, cache_folder)
                for volume in volumes:
                    numbered = f"-volume-{volume.number}" if volume.count > 1 else ""
                    path = out / f"{slug}{numbered}-print.pdf"
                    data, pages = volume.pdf.data, volume.pdf.pages
                    made.append((Output(path, name, len(data), pages=pages), data))
                    book = dataclasses.replace(loaded, anthology=volume.anthology)
                    faults += [f for f in in_build.faults(book, volume.pdf) if f not in faults]
                continue
            path = out / f"{slug}.pdf"
            made.append((Output(path, name, len(pdf.data), pages=pdf.pages), pdf.data))
            faults += [f for f in in_build.faults(loaded, pdf) if f not in faults]
    if "cover" in formats:
        made += _covers(loaded, out, volumes, progress, jobs, cache)
    if wants_epub:
        if epubs and epubs[-1].page_starts == page_starts:
            epub, documents = reported(loaded, epubs[-1])
        else:
            epub, documents = make_epub(loaded, progress, page_starts, rendered_beside())
        flavours: list[tuple[str, str, Callable[[bytes], bytes]]] = [
            ("epub", f"{slug}.epub", same),
            ("kepub", f"{slug}.kepub.epub", kepub),
            ("azw3", f"{slug}.azw3", azw3),
        ]
        for name, file_name, make in flavours:
            if name in formats:
                if name != "epub":
                    progress(f"Making the {name.upper()}")
                data = make(epub)
                made.append((Output(out / file_name, name, len(data), documents=documents), data))
    if "html" in formats:
        page = make_html(loaded, progress)
        made.append((Output(out / f"{slug}.html", "html", len(page), documents=1), page))
    if strict:
        in_build.stop_if_strict(loaded.report, faults)
    progress("Writing files")
    with output_lock(out):
        write_all([(output.path, data) for output, data in made])
    if fingerprint is not None:
        written = [
            up_to_date.written_file(
                out, o.path, o.format, data, pages=o.pages, documents=o.documents
            )
            for o, data in made
        ]
        up_to_date.record(fingerprint, out, written, loaded.report, loaded.anthology.root, faults)
    return Built([output for output, _ in made], loaded.report, faults=faults)


def _fingerprint(
    sources: _Sources,
    out: Path,
    formats: tuple[str, ...],
    read: up_to_date.ReadFiles | None = None,
) -> up_to_date.Fingerprint | None:
    """The digest of a build's sources (those ``read`` by the bytes read), or None when
    its manifest or theme has errors."""
    if sources.theme is None or sources.report.has_errors():
        return None
    roots = sources.resolver.roots
    return up_to_date.fingerprint(sources.manifest_path, roots, out, formats, read)


def _unchanged(
    out: Path,
    written: list[up_to_date.Written],
    report: Report,
    faults: list[Diagnostic],
    strict: bool,
) -> Built:
    """What the last build wrote, when nothing changed since: its warnings come again."""
    if strict:
        from .audit import in_build

        in_build.stop_if_strict(report, faults)
    outputs = [
        Output(out / item.name, item.format, item.size, item.pages, item.documents)
        for item in written
    ]
    return Built(outputs, report, up_to_date=True, faults=faults)


def check_output_folder(out: Path, loaded: Loaded) -> None:
    """Outputs never go among the sources: not beside the manifest, the reviews or a theme."""
    anthology = loaded.anthology
    folder = _among_sources(out, anthology.root, loaded.reviews_folder, loaded.theme.folders)
    if folder is not None:
        raise UsageError(
            f"the output folder {out} is inside the sources ({folder})",
            hint="write the book somewhere else, e.g. --out dist",
            code="B402",
        )


def _among_sources(
    out: Path, root: Path, reviews_folder: Path, theme_folders: tuple[Path, ...]
) -> Path | None:
    """The source folder ``out`` would write into (the anthology's own, the reviews' or a
    theme's, or a folder inside the last two), or None."""
    target = out.resolve()
    inside = [(root.resolve(), False), (reviews_folder, True)]
    inside += [(folder, True) for folder in theme_folders]
    for folder, with_subfolders in inside:
        if target == folder or (with_subfolders and target.is_relative_to(folder)):
            return folder
    return None


def _bodies(sources: _Sources, out: Path) -> BodyCache | None:
    """The Markdown bodies a build into ``out`` keeps (never among the sources, which
    :func:`check_output_folder` refuses once they are read)."""
    from .load.body_cache import BodyCache

    themes = sources.theme.folders if sources.theme is not None else ()
    root = sources.manifest_path.parent
    if _among_sources(out, root, sources.reviews_folder, themes) is not None:
        return None
    return BodyCache(out / CACHE_FOLDER / "markdown.json")


def make_cover(
    loaded: Loaded, pages: int, lines: Lines | None = None, progress: Progress = no_progress
) -> CoverResult:
    """The printed cover of a book (or a volume) whose printer's PDF has ``pages``
    pages: back, spine and front on one PDF/X-4 sheet, sized by the manifest's printer.

    ``lines`` are the title, subtitle, volume line ("Volume 2 of 3") and ISBN it prints
    (default: the anthology's, without a volume line).
    """
    from .write.cover_pdf import write_cover

    progress("Making the cover")
    anthology = loaded.anthology
    with theme_files_checked():
        return write_cover(anthology, loaded.theme, loaded.resolver, loaded.report, pages, lines)


def _covers(
    loaded: Loaded,
    out: Path,
    volumes: list[PrintVolume],
    progress: Progress,
    jobs: int | None,
    cache: bool,
) -> list[tuple[Output, bytes]]:
    """The cover of each printer's PDF (one per volume), laid out here (not written)
    to count its pages when ``pdf-print`` was not asked for."""
    from .localisation import Wording
    from .print_volumes import make_print_volumes
    from .render.cover_sheet import Lines

    anthology = loaded.anthology
    if not volumes:
        cache_folder = out / CACHE_FOLDER / "pdf-print" if cache else None
        pdf = make_pdf(loaded, progress, for_printer=True, jobs=jobs, cache=cache_folder)
        volumes = make_print_volumes(loaded, pdf, progress, jobs, cache_folder)
    covers: list[tuple[Output, bytes]] = []
    for volume in volumes:
        lines, numbered = None, ""
        if volume.count > 1:  # each volume's cover: its number, and its own ISBN
            wording = Wording(anthology.language, dict(anthology.labels))
            line = wording.format(
                "Volume %(number)s of %(count)s", number=volume.number, count=volume.count
            )
            lines = Lines(anthology.title, anthology.subtitle, line, volume.anthology.isbn)
            numbered = f"-volume-{volume.number}"
        book = dataclasses.replace(loaded, anthology=volume.anthology)  # its own quotes
        cover = make_cover(book, volume.pdf.pages, lines, progress)
        path = out / f"{anthology.slug}{numbered}-cover.pdf"
        covers.append((Output(path, "cover", len(cover.data), pages=1), cover.data))
    return covers


def make_html(
    loaded: Loaded,
    progress: Progress = no_progress,
    embed_fonts: bool = True,
    font_characters: str = "",
) -> bytes:
    """The HTML edition: one self-contained page (stylesheet, images and fonts inside).

    The fonts keep the glyphs of the page's characters and of ``font_characters``.
    """
    from .render.web_html import render_web

    progress("Rendering the HTML edition")
    with theme_files_checked():
        page = render_web(loaded.anthology, loaded.theme, embed_fonts, font_characters)
    return page.encode("utf-8")
