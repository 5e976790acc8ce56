"""Write the print edition with WeasyPrint.

WeasyPrint is lenient: it logs a missing image or a bad CSS rule and writes the PDF
anyway, and its default fetcher reads any file or URL. Here every resource goes
through a fetcher confined to the folders the build may read, and an error logged
while rendering fails the build instead of leaving a hole in the book.
"""

from __future__ import annotations

import atexit
import hashlib
import logging
import re
import signal
import tempfile
import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit
from urllib.request import url2pathname

from ..errors import BuildError
from ..limits import MAX_DATA_URL_BYTES, RENDER_SECONDS
from ..model import PageStart
from ..render.print_html import PrintDocument
from ..resources import Resolver
from .dotted_borders import count_dots_alike
from .footnote_area import notes_stay_with_calls
from .hyphenation import keep_names_whole
from .leaders import leaders_as_artifacts
from .note_styles import note_styles_for_notes
from .page_references import page_references_kept
from .pango_attributes import attribute_lists_released
from .pdf_pages import label_ranges, page_starts
from .pdf_starts import PieceStop
from .pdf_trees import balance_trees
from .right_to_left import indent_right_to_left
from .spaced_runs import mark_page
from .text_block import outside_text_block

if TYPE_CHECKING:
    from ..audit.checks import Checks


@dataclass(frozen=True)
class PdfResult:
    data: bytes
    pages: int
    #: for each element id, the index (from 0) of the first page it is on
    anchors: dict[str, int]
    #: what WeasyPrint warned about (unsupported CSS...), for the build to show
    warnings: tuple[str, ...] = ()
    #: raster images printed below PRINT_DPI: (file, the resolution it is printed at)
    low_resolution: tuple[tuple[Path, int], ...] = ()
    #: where each page begins and its folio, for the EPUB's page list
    page_starts: tuple[PageStart, ...] = ()
    #: pages with words outside the text block: (page index, id of the review or page)
    outside_text_block: tuple[tuple[int, str | None], ...] = ()
    #: what the audit's checks found: (code, page index, owner id, message, hint)
    faults: tuple[tuple[str, int, str | None, str, str], ...] = ()
    #: the classes the reviews were balanced with (review id, class): octavo.write.balance
    balance: tuple[tuple[str, str], ...] = ()


#: What WeasyPrint logs as errors while tagging a PDF, which only a PDF/UA or PDF/A-a
#: claim makes errors: an image with no alt text (the build warns of it, R208) and a
#: document with no language (its tags then have none).
TAGGING_ERRORS = frozenset(
    {
        'Image "%s" has no required alt description',
        'Missing required "lang" attribute at the root of the document',
    }
)


class _LogCatcher(logging.Handler):
    def __init__(self, ignored: frozenset[str] = frozenset()) -> None:
        super().__init__(logging.WARNING)
        self.ignored = ignored
        self.errors: list[str] = []
        self.warnings: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        if record.msg in self.ignored:
            return
        message = record.getMessage()
        if record.levelno >= logging.ERROR:
            self.errors.append(message)
        else:
            self.warnings.append(message)


@contextmanager
def _catch_weasyprint_logs(ignored: frozenset[str] = frozenset()) -> Iterator[_LogCatcher]:
    logger = logging.getLogger("weasyprint")
    catcher = _LogCatcher(ignored)
    propagate = logger.propagate
    logger.addHandler(catcher)
    logger.propagate = False
    try:
        yield catcher
    finally:
        logger.removeHandler(catcher)
        logger.propagate = propagate


def _fetcher(resolver: Resolver) -> object:
    from weasyprint.urls import FatalURLFetchingError, URLFetcher, URLFetcherResponse

    class ConfinedFetcher(URLFetcher):  # type: ignore[misc]
        """Serves files inside the allowed folders; refuses everything else."""

        def fetch(self, url: str, headers: object = None) -> URLFetcherResponse:
            scheme = urlsplit(url).scheme.lower()
            if scheme == "file":
                path = Path(url2pathname(urlsplit(url).path))
                if resolver.allows(path) and path.is_file():
                    return URLFetcherResponse(url, body=path.read_bytes())
                if resolver.allows(path):
                    missing = FatalURLFetchingError(f"{path} does not exist")
                    missing.octavo_missing = True  # see render_pdf_pages
                    raise missing
                raise FatalURLFetchingError(
                    f"refused to read {path}: it lies outside the anthology"
                )
            if scheme == "data" and len(url) <= MAX_DATA_URL_BYTES:
                return super().fetch(url, headers)
            raise FatalURLFetchingError(
                f"refused to fetch {url[:80]}: a build never uses the network"
            )

    return ConfinedFetcher()


class TimeLimit(Exception):
    """Raised inside WeasyPrint when the render time limit runs out."""


@contextmanager
def time_limit(seconds: int) -> Iterator[None]:
    """Interrupt the block after ``seconds`` (main thread only; elsewhere no limit)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    expired: list[bool] = []

    def expire(signum: int, frame: object) -> None:
        expired.append(True)
        raise TimeLimit

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
    if expired:
        # The alarm came while Python ignores exceptions (a garbage collector's
        # callback, a __del__): the block ran on to the end, but the limit holds.
        raise TimeLimit


_FILE_DIGEST = re.compile(rb"(/ID \[\([^)]*\) \()([0-9a-f]{32})(\)\])")
_DOCUMENT_ID = re.compile(rb"xmp\.did:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


def stable_document_id(data: bytes, identifier: str) -> bytes:
    """Replace the random XMP DocumentID WeasyPrint gives a PDF/X-4 with a stable one.

    The new id is derived from the book's identifier and has the same length, so no
    offset in the file moves: the same sources then give the same bytes.
    """
    stable = f"xmp.did:{uuid.uuid5(uuid.NAMESPACE_URL, 'octavo-pdf:' + identifier)}".encode()
    if not _DOCUMENT_ID.search(data):
        return data
    data = _DOCUMENT_ID.sub(stable, data)
    # The second half of the trailer's /ID is a digest of the file WeasyPrint wrote:
    # it is made again from the file as it now is (the same length, again).
    # A merged book's /ID (qpdf's) is a digest of the file with the random id: made
    # again too, or the same sources would give two files.
    blank = _FILE_DIGEST.sub(lambda m: m.group(1) + b"0" * 32 + m.group(3), data)
    digest = hashlib.md5(blank, usedforsecurity=False).hexdigest().encode()
    return _content_id(_FILE_DIGEST.sub(lambda m: m.group(1) + digest + m.group(3), data))


#: Pictures want at least this many pixels per inch at the size they are printed.
PRINT_DPI = 300


def _low_resolution(rendered: object) -> tuple[tuple[Path, int], ...]:
    """Raster images laid out at fewer than PRINT_DPI pixels per inch, lowest first."""
    from weasyprint.formatting_structure import boxes
    from weasyprint.images import RasterImage

    found: dict[Path, int] = {}
    for page in getattr(rendered, "pages", []):
        # WeasyPrint keeps the laid-out boxes of a page here (not public API)
        for box in page._page_box.descendants():
            image = getattr(box, "replacement", None)
            if not isinstance(box, boxes.ReplacedBox) or not isinstance(image, RasterImage):
                continue
            source = urlsplit(box.element.get("src", ""))
            if source.scheme != "file" or not box.width:
                continue
            dpi = int(image.width / (box.width / 96))  # CSS pixels are 1/96 in
            path = Path(url2pathname(source.path))
            if dpi < PRINT_DPI:
                found[path] = min(dpi, found.get(path, dpi))
    return tuple(sorted(found.items(), key=lambda item: item[1]))


#: WeasyPrint's options for a tagged PDF that claims nothing. The version is its
#: default, said aloud: without it WeasyPrint takes the file for PDF 2.0 and gives
#: the structure tree a PDF 2.0 namespace.
_TAGS: dict[str, Any] = {"pdf_tags": True, "pdf_version": "1.7"}


class Abandoned(PieceStop):
    """A part of a book laid out in parallel stops: an earlier part failed."""


def lay_out(document: PrintDocument, resolver: Resolver) -> Any:
    """WeasyPrint's laid-out document (not drawn yet), with Octavo's fixes to its line
    breaking and footnotes; errors are the caller's to catch."""
    import weasyprint
    from weasyprint.text.fonts import FontConfiguration

    keep_names_whole()
    notes_stay_with_calls()
    indent_right_to_left()
    count_dots_alike()
    leaders_as_artifacts()
    page_references_kept()
    note_styles_for_notes()
    attribute_lists_released()
    fetcher = _fetcher(resolver)
    # @font-face rules only load fonts into a FontConfiguration shared by CSS and render.
    # The theme's stylesheets are parsed, and their fonts loaded, once per process and
    # resolver: a worker of the parallel layout lays out many pieces with the same ones
    # (about 4 % of a piece's time).
    key = (id(resolver), _stamps(document.stylesheets), tempfile.gettempdir())
    if _STYLES.get("key") != key:
        fonts = FontConfiguration()
        sheets = [
            weasyprint.CSS(filename=str(path), url_fetcher=fetcher, font_config=fonts)
            for path in document.stylesheets
        ]
        _STYLES.clear()
        _STYLES.update(key=key, fonts=fonts, sheets=sheets, resolver=resolver)
    fonts, sheets = _STYLES["fonts"], _STYLES["sheets"]
    stylesheets = [*sheets, weasyprint.CSS(string=document.page_css)]
    html = weasyprint.HTML(string=document.html, base_url=document.base_url, url_fetcher=fetcher)
    return html.render(stylesheets=stylesheets, font_config=fonts)


#: The stylesheets last parsed, with their fonts (see :func:`lay_out`); the resolver
#: is kept too, so that its id is not taken by another while the entry stands. Let go
#: before the interpreter's end, while WeasyPrint can still free the fonts. The key
#: holds the temporary folder the fonts were written to (see ``scratch.py``).
_STYLES: dict[str, Any] = {}
atexit.register(_STYLES.clear)


def forget_styles_in(folder: Path) -> None:
    """Let go of the parsed stylesheets if their fonts were written into ``folder``,
    which is about to be removed."""
    if _STYLES and Path(_STYLES["key"][-1]) == folder:
        _STYLES.clear()


def _stamps(stylesheets: tuple[Path, ...]) -> tuple[tuple[str, int, int], ...]:
    """The time and size of every file in the stylesheets' folders (the fonts their
    @font-face rules load are there), by path: what the parsed stylesheets stand for."""
    stamps: list[tuple[str, int, int]] = []
    for folder in sorted({path.parent for path in stylesheets}):
        for path in sorted(folder.rglob("*")):
            try:
                status = path.stat()
            except OSError:
                continue
            stamps.append((str(path), status.st_mtime_ns, status.st_size))
    return tuple(stamps)


def render_pdf_pages(
    document: PrintDocument, resolver: Resolver, identifier: str = ""
) -> tuple[Any, bytes, tuple[str, ...], tuple[tuple[Path, int], ...]]:
    """Lay out and draw a document: WeasyPrint's pages, the PDF, warnings, low-res images."""
    from weasyprint.urls import FatalURLFetchingError

    # the screen PDF is tagged (see docs/printing.md); a variant decides for itself:
    # PDF/UA and PDF/A-a are tagged, PDF/X (the printer's) and PDF/A-b are not
    tagged = document.variant is None
    with _catch_weasyprint_logs(TAGGING_ERRORS if tagged else frozenset()) as logs:
        try:
            with time_limit(RENDER_SECONDS):
                rendered = lay_out(document, resolver)
                try:
                    data = _write(rendered, document, identifier, tagged)
                except (AssertionError, LookupError, AttributeError, TypeError) as error:
                    if not tagged:
                        raise
                    # WeasyPrint's tagging walks the laid-out boxes and asserts what it
                    # expects of them: a layout it did not foresee costs the tags, not
                    # the book (in parts, the whole book is then untagged)
                    logs.warnings.append(
                        f"the PDF could not be tagged ({error!r}); it is written without tags"
                    )
                    data = _write(rendered, document, identifier, False)
        except FatalURLFetchingError as error:
            cause = error.__cause__ or error
            hint = (
                "a stylesheet or a template of the theme names this file: correct the name,"
                " or put the file there"
                if getattr(cause, "octavo_missing", False)
                else "refer only to files inside the anthology or the theme, by relative paths"
            )
            raise BuildError(
                f"the PDF could not be made: {cause}", hint=hint, code="B404"
            ) from error
        except PieceStop:
            raise  # the parallel layout's own signals (see pdf_worker.py)
        except TimeLimit as error:
            raise BuildError(
                f"laying out the PDF took more than {RENDER_SECONDS} seconds",
                hint="a stylesheet or a review may hold something pathological"
                " (deep nesting, a huge table); try building a part of the book",
                code="B406",
            ) from error
        except Exception as error:
            # WeasyPrint has no limits on CSS values: a huge font size or margin in a
            # theme can crash it (ZeroDivisionError, OverflowError...).
            raise BuildError(
                f"WeasyPrint failed while laying out the book: {error!r}",
                hint="a stylesheet may hold an extreme value (a huge font size or margin)",
                code="B405",
            ) from error
    if logs.errors:
        raise BuildError(
            "the PDF could not be made: " + "; ".join(dict.fromkeys(logs.errors)),
            hint="fix the resource named above; nothing was written",
            code="B404",
        )
    assert isinstance(data, bytes)
    return rendered, data, tuple(dict.fromkeys(logs.warnings)), _low_resolution(rendered)


def _write(rendered: Any, document: PrintDocument, identifier: str, tagged: bool) -> bytes:
    """The PDF of a laid-out document, tagged or not."""
    data = rendered.write_pdf(
        pdf_identifier=identifier.encode("utf-8") if identifier else None,
        uncompressed_pdf=False,
        pdf_variant=document.variant,
        # PDF/X needs an output intent; sRGB is what the book was drawn in
        output_intent="srgb" if (document.variant or "").startswith("pdf/x") else None,
        **_TAGS if tagged else {},
    )
    assert isinstance(data, bytes)
    return data


def write_unclaimed(rendered: Any, document: PrintDocument) -> bytes:
    """The PDF of a laid-out document, untagged and claiming nothing, in the PDF version
    of the document's variant: its fonts written as the variant writes them (a PDF 1.4
    subset has a /CIDSet), for content taken into a document that makes the claim."""
    from weasyprint.pdf import VARIANTS

    version = VARIANTS[document.variant][1].get("pdf_version") if document.variant else None
    data = rendered.write_pdf(
        uncompressed_pdf=False,
        **({"pdf_version": version} if version else {}),
    )
    assert isinstance(data, bytes)
    return data


def render_pdf(
    document: PrintDocument, resolver: Resolver, *, identifier: str, checks: Checks | None = None
) -> PdfResult:
    """Lay out and draw the book in one pass, and run the audit's ``checks`` on its
    pages; nothing is written yet."""
    rendered, data, warnings, low = render_pdf_pages(document, resolver, identifier)
    anchors: dict[str, int] = {}
    for index, page in enumerate(rendered.pages):
        for name in page.anchors:
            anchors.setdefault(name, index)
    data = stable_document_id(data, identifier)
    starts = page_starts(rendered.pages)
    data, pages = finish_pdf(data, [start.label for start in starts], document)
    outside = outside_text_block(rendered.pages)
    return PdfResult(
        data=data,
        pages=pages,
        anchors=anchors,
        warnings=warnings,
        low_resolution=low,
        page_starts=starts,
        outside_text_block=tuple(outside),
        faults=tuple(checks(rendered.pages, outside)) if checks else (),
    )


#: Crop marks of the printer's PDF: how far outside the bleed they begin, how long they
#: are and how thick (points), and the white kept around them at the sheet's edge.
MARK_OFFSET, MARK_LENGTH, MARK_WIDTH, MARK_MARGIN = 3.0, 18.0, 0.25, 3.0


def finish_pdf(
    data: bytes, labels: list[str], document: PrintDocument, spaced_runs_marked: bool = False
) -> tuple[bytes, int]:
    """The final PDF and its page count: page labels that match the folios, letterspaced
    runs that search as words, the tags' next free key and, for the printer, blank
    pages to an even count and crop marks outside the bleed.

    A right-to-left book's viewer preferences say so (``/Direction /R2L``). The
    letterspaced runs of a book merged from pieces are marked already
    (``spaced_runs_marked``, see :mod:`.spaced_runs`).

    The file is written again with pikepdf; its /ID's second half is a digest of the
    content (``deterministic_id``), so the same sources still give the same bytes.
    """
    import io

    import pikepdf

    with pikepdf.open(io.BytesIO(data)) as pdf:
        finish_in_place(pdf, labels, document, spaced_runs_marked)
        return save_finished(pdf), len(pdf.pages)


def finish_in_place(
    pdf: Any, labels: list[str], document: PrintDocument, spaced_runs_marked: bool = False
) -> None:
    """:func:`finish_pdf`'s work on a PDF open in pikepdf: the merge of a book laid out in
    parallel does it before it writes the merged file, which is then written once."""
    import pikepdf

    if labels:
        numbers: list[Any] = []
        for index, roman, first in label_ranges(labels):
            style = pikepdf.Dictionary(S=pikepdf.Name.r if roman else pikepdf.Name.D)
            if first != 1:
                style.St = first
            numbers += [index, style]
        pdf.Root.PageLabels = pikepdf.Dictionary(Nums=pikepdf.Array(numbers))
    tree = pdf.Root.get("/StructTreeRoot")
    if tree is not None and "/ParentTreeNextKey" not in tree:
        # the key a page or link added later would take (WeasyPrint leaves it out)
        keys = list(pikepdf.NumberTree(tree.ParentTree).keys())
        tree.ParentTreeNextKey = max(keys) + 1 if keys else 0
    balance_trees(pdf)  # no array too long for a reader, however long the book
    if document.direction == "rtl":
        # a viewer shows the spreads right to left, the recto on the left
        preferences = pdf.Root.get("/ViewerPreferences", pikepdf.Dictionary())
        preferences.Direction = pikepdf.Name.R2L
        pdf.Root.ViewerPreferences = preferences
    maps: dict[tuple[int, int], dict[bytes, str]] = {}  # the fonts' ToUnicode maps
    for page in pdf.pages if not spaced_runs_marked else ():
        mark_page(pdf, page, maps)
    if document.for_printer:
        while len(pdf.pages) % 2:
            _add_blank_page(pdf)
        if not document.spine_bleed:
            for index, page in enumerate(pdf.pages):
                _trim_at_spine(page, index, document.direction)
        if document.crop_marks:
            for page in pdf.pages:
                _draw_crop_marks(pdf, page)


def save_finished(pdf: Any, version: str | None = None) -> bytes:
    """A finished PDF's bytes; its /ID's second half a digest of the content.

    The file keeps the PDF version WeasyPrint gave it (``version``, else the one it
    was read in). From PDF 1.5 its objects are packed in object streams; a PDF 1.4
    (PDF/A-1's version) has none and a cross-reference table, as PDF/A-1 requires
    (veraPDF's rule 6.1.4-3: no cross-reference stream)."""
    import io

    import pikepdf

    version = version or pdf.pdf_version
    packed = version >= "1.5"
    output = io.BytesIO()
    pdf.save(
        output,
        min_version=version,
        deterministic_id=True,
        fix_metadata_version=False,  # the XMP as WeasyPrint wrote it (PDF/X, PDF/A)
        object_stream_mode=(
            pikepdf.ObjectStreamMode.generate if packed else pikepdf.ObjectStreamMode.disable
        ),
    )
    return output.getvalue()


#: The trailer's /ID as qpdf writes it (in the cross-reference stream's dictionary).
_TRAILER_ID = re.compile(rb"(/ID \[<)([0-9a-f]{32})(><)([0-9a-f]{32})(>\])")


def _content_id(data: bytes) -> bytes:
    """The file with both halves of its /ID (as qpdf writes it, deterministic: a digest
    of the file) a digest of the file as it now is. A file with an update (a merged
    book's tags, :mod:`.merged_tags`) repeats its /ID in each trailer: all are made so."""
    found = {match.group(0) for match in _TRAILER_ID.finditer(data)}
    if len(found) != 1:
        return data
    blank = _TRAILER_ID.sub(
        lambda m: m.group(1) + b"0" * 32 + m.group(3) + b"0" * 32 + m.group(5), data
    )
    digest = hashlib.md5(blank, usedforsecurity=False).hexdigest().encode()
    return _TRAILER_ID.sub(lambda m: m.group(1) + digest + m.group(3) + digest + m.group(5), data)


def _trim_at_spine(page: Any, index: int, direction: str) -> None:
    """The page's media and bleed boxes brought in to the trim at the spine: the bleed
    stays on the top, bottom and outside edges, as KDP and IngramSpark ask (a 6 x 9 in
    page is 6.125 x 9.25 in). The first page is a recto, bound on its left edge, or on
    its right in a right-to-left book; the pages alternate from there."""
    import pikepdf

    trim = [float(value) for value in page.obj.get("/TrimBox", page.mediabox)]
    bound_on_left = (index % 2 == 0) == (direction != "rtl")
    for name in ("/MediaBox", "/CropBox", "/BleedBox", "/ArtBox"):
        if name not in page.obj:
            continue
        box = [float(value) for value in page.obj[name]]
        if bound_on_left:
            box[0] = max(box[0], trim[0])
        else:
            box[2] = min(box[2], trim[2])
        page.obj[name] = pikepdf.Array(box)


def _add_blank_page(pdf: Any) -> None:
    """A truly blank page at the end: an empty content stream, the last page's boxes."""
    import pikepdf

    template = pdf.pages[-1]
    box = template.mediabox
    blank = pdf.add_blank_page(page_size=(float(box[2]), float(box[3])))
    blank.obj.Contents = pdf.make_stream(b"")
    for name in ("/MediaBox", "/CropBox", "/BleedBox", "/TrimBox", "/ArtBox"):
        if name in template.obj:
            blank.obj[name] = pikepdf.Array([float(value) for value in template.obj[name]])


def _draw_crop_marks(pdf: Any, page: Any) -> None:
    """Crop marks at the trim's corners, beginning MARK_OFFSET outside the bleed box, on
    a media box enlarged to hold them (WeasyPrint's own marks lie inside the bleed)."""
    import pikepdf

    trim = [float(value) for value in page.obj.get("/TrimBox", page.mediabox)]
    bleed = [float(value) for value in page.obj.get("/BleedBox", trim)]
    left, bottom, right, top = trim
    outer = (left - bleed[0], bottom - bleed[1], bleed[2] - right, bleed[3] - top)
    strokes: list[str] = []
    for x, y, sx, sy in ((left, bottom, -1, -1), (right, bottom, 1, -1),
                         (left, top, -1, 1), (right, top, 1, 1)):  # fmt: skip
        out_x = outer[0] if sx < 0 else outer[2]
        out_y = outer[1] if sy < 0 else outer[3]
        begin_x, begin_y = x + sx * (out_x + MARK_OFFSET), y + sy * (out_y + MARK_OFFSET)
        strokes.append(f"{begin_x:.3f} {y:.3f} m {begin_x + sx * MARK_LENGTH:.3f} {y:.3f} l S")
        strokes.append(f"{x:.3f} {begin_y:.3f} m {x:.3f} {begin_y + sy * MARK_LENGTH:.3f} l S")
    reach = MARK_OFFSET + MARK_LENGTH + MARK_MARGIN
    page.obj.MediaBox = pikepdf.Array(
        [left - outer[0] - reach, bottom - outer[1] - reach,
         right + outer[2] + reach, top + outer[3] + reach]
    )  # fmt: skip
    if "/CropBox" in page.obj:
        page.obj.CropBox = page.obj.MediaBox
    marks = f"Q q 0 G {MARK_WIDTH} w 0 J [] 0 d\n" + "\n".join(strokes) + "\nQ\n"
    # the page's own drawing is wrapped in q ... Q: the marks are drawn in the page's
    # default space, whatever transformation it leaves behind
    page.contents_add(pdf.make_stream(b"q\n"), prepend=True)
    page.contents_add(pdf.make_stream(marks.encode()), prepend=False)
