"""Pack an :class:`EpubPackage` into an EPUB 3 file with EbookLib.

EbookLib is kept behind this one module, because it has traps that every caller
would otherwise have to know (all seen with EbookLib 0.20):

- ``write_epub`` returns False on a write error instead of raising: we write to
  memory and raise ourselves;
- ``add_author`` gives every creator the same id: we give each its own;
- the package element gets no ``xml:lang``: our writer adds it;
- ``set_cover`` makes a non-linear cover page that EPUBCheck 5 rejects (OPF-096):
  we add the cover image only and put our own cover page first in the spine;
- ``EpubHtml`` re-parses content with an HTML parser, which lower-cases SVG's
  ``viewBox``: our documents are passed through verbatim;
- the zip entries and ``dcterms:modified`` carry the current time: we repack the
  zip with the build time (``SOURCE_DATE_EPOCH`` when set), so that a build can be
  reproduced byte for byte.
"""

from __future__ import annotations

import io
import zipfile
from typing import Any

from ebooklib import epub
from lxml import etree

from .. import __version__
from ..deflated import LEVEL, Deflated
from ..errors import BuildError
from ..model import TocNode
from ..render.epub_xhtml import EpubDocument, EpubPackage
from .zip_file import Entry, zip_entries

_STYLESHEET = "style.css"


class _VerbatimDocument(epub.EpubHtml):  # type: ignore[misc]
    """An XHTML document that EbookLib writes exactly as we rendered it."""

    def __init__(self, document: EpubDocument, language: str) -> None:
        super().__init__(
            uid=document.id, file_name=document.file_name, title=document.title, lang=language
        )
        self.xhtml = document.xhtml.encode("utf-8")
        self.properties = list(document.properties)
        # what EbookLib would guess from the name, given: 0.1 s at 5,000 documents
        self.media_type = "application/xhtml+xml"

    def get_content(self, default: Any = None) -> bytes:
        return self.xhtml


class _NavDocument(_VerbatimDocument):
    def __init__(self, document: EpubDocument, language: str) -> None:
        super().__init__(document, language)
        self.properties = ["nav", *document.properties]


_XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


class _Files(dict[str, bytes]):
    """The files EbookLib writes, by name (what it calls of a zip file)."""

    def writestr(self, name: str, data: str | bytes, compress_type: int | None = None) -> None:
        self[name] = data.encode("utf-8") if isinstance(data, str) else data


class _Writer(epub.EpubWriter):  # type: ignore[misc]
    """EbookLib's writer, with the language (and a right-to-left book's direction) on
    the package element, which its metadata inherit, and on the NCX."""

    def _write_opf_file(self, root: Any) -> None:
        root.set(_XML_LANG, self.book.language)
        if self.book.direction == "rtl":
            root.set("dir", "rtl")
        super()._write_opf_file(root)

    def write(self) -> None:
        """EbookLib's ``write``, into :class:`_Files` rather than a zip: the files are
        zipped once, by :func:`_zipped` (writing them into a zip first, then reading
        them back, was a third of the packing: 0.5 s at 5,000 reviews)."""
        self.out = _Files()
        self.out.writestr("mimetype", "application/epub+zip")
        self._write_container()
        self._write_opf()
        self._write_items()

    def _get_ncx(self) -> bytes:
        ncx: bytes = super()._get_ncx()
        tree = etree.fromstring(ncx, etree.XMLParser(resolve_entities=False, no_network=True))
        tree.set(_XML_LANG, self.book.language)
        if self.book.direction == "rtl":
            tree.set("dir", "rtl")
        return etree.tostring(
            tree.getroottree(), encoding="utf-8", xml_declaration=True, pretty_print=True
        )


def pack_epub(package: EpubPackage) -> bytes:
    """The EPUB file's bytes."""
    book = epub.EpubBook()
    # EbookLib names itself as the generator; the book was made by Octavo.
    book.metadata[epub.NAMESPACES["OPF"]]["generator"] = [
        ("", {"name": "generator", "content": f"Octavo {__version__}"})
    ]
    book.set_identifier(package.identifier)
    if package.ebook_isbn and package.identifier != f"urn:isbn:{package.ebook_isbn}":
        # an explicit identifier stays the unique one; the ISBN is a second dc:identifier
        book.add_metadata("DC", "identifier", f"urn:isbn:{package.ebook_isbn}", {"id": "isbn"})
    book.set_title(package.title)
    book.set_language(package.language)
    for number, editor in enumerate(package.editors, start=1):
        book.add_author(editor, role="edt", uid=f"editor-{number}")
    if package.subtitle:
        book.add_metadata("DC", "title", package.subtitle, {"id": "subtitle"})
        book.add_metadata(
            None, "meta", "subtitle", {"refines": "#subtitle", "property": "title-type"}
        )
    for key in ("publisher", "description", "rights", "date"):
        value = getattr(package, key)
        if value:
            book.add_metadata("DC", key, value)
    for tag in package.tags:
        book.add_metadata("DC", "subject", tag)
    if package.pages:
        # The page list's numbers are those of the print edition (EPUB 3.3,
        # "source-of": pagination): named by its ISBN when it has one, else by the
        # identifier both editions share.
        source = f"urn:isbn:{package.isbn}" if package.isbn else package.identifier
        book.add_metadata("DC", "source", source, {"id": "pagination-source"})
        book.add_metadata(
            None, "meta", "pagination", {"refines": "#pagination-source", "property": "source-of"}
        )
    for name, value in package.accessibility:
        book.add_metadata(None, "meta", value, {"property": name})
    if package.direction == "rtl":
        book.set_direction("rtl")

    book.set_cover(package.cover.file_name, package.cover.data, create_page=False)
    for image in package.images:
        book.add_item(
            epub.EpubItem(
                uid=image.id,
                file_name=image.file_name,
                media_type=image.media_type,
                content=image.data,
            )
        )
    book.add_item(
        epub.EpubItem(
            uid="style",
            file_name=_STYLESHEET,
            media_type="text/css",
            content=package.stylesheet.encode("utf-8"),
        )
    )
    spine: list[Any] = []
    for document in package.documents:
        if document is package.nav:
            item = _NavDocument(document, package.language)
        else:
            item = _VerbatimDocument(document, package.language)
        book.add_item(item)
        if document.id == "cover":
            # Reading systems show the cover from the metadata in their library; a
            # linear cover page would make Kindle show it a second time. The landmarks
            # link to it, so it stays reachable (EPUBCheck OPF-096).
            spine.append((item, "no"))
        else:
            spine.append(item)
    book.spine = spine
    # EPUB 2's guide, still read by Kindle's converter and older readers: the cover
    # page, the contents and where the text begins.
    book.guide = [
        {"type": "cover", "href": "cover.xhtml", "title": package.wording.format("Cover")},
        {"type": "toc", "href": "nav.xhtml", "title": package.wording.format("Contents")},
    ]
    main = [node for node in package.toc if node.kind in ("section", "review")]
    if main:
        book.guide.append(
            {
                "type": "text",
                "href": package.href(main[0].target),
                "title": package.wording.format("Start"),
            }
        )
    book.toc = [_ncx_entry(node, package) for node in package.toc]
    book.add_item(epub.EpubNcx())

    writer = _Writer(
        None,
        book,
        {
            "raise_exceptions": True,
            "mtime": package.modified.replace(tzinfo=None),
            "epub3_landmark": False,
            "epub2_guide": True,
        },
    )
    writer.process()
    try:
        writer.write()
    except (OSError, ValueError, etree.LxmlError) as error:
        raise BuildError(f"the EPUB could not be packed: {error}") from error
    deflated = {
        f"{book.FOLDER_NAME}/{document.file_name}": document.deflated
        for document in package.documents
        if document.deflated is not None
    }
    return _zipped(writer.out, package, deflated)


def _ncx_entry(node: TocNode, package: EpubPackage) -> Any:
    href = package.href(node.target)
    if not node.children:
        return epub.Link(href, node.title, f"ncx-{node.target}")
    return (
        epub.Section(node.title, href),
        [_ncx_entry(child, package) for child in node.children],
    )


def _zipped(files: dict[str, bytes], package: EpubPackage, deflated: dict[str, Deflated]) -> bytes:
    """The zip of ``files``: mimetype first and stored, the others deflated at level 9
    in the order of their names, with fixed timestamps. A file whose bytes came
    ``deflated`` (by its name) from where it was rendered is not deflated again."""
    stamp = package.modified.timetuple()[:6]
    ordered = ["mimetype", *sorted(n for n in files if n != "mimetype")]
    entries = [
        Entry(name, files[name], stored=name == "mimetype", deflated=deflated.get(name))
        for name in ordered
    ]
    data = zip_entries(entries, stamp)
    if data is not None:
        return data
    output = io.BytesIO()  # an EPUB of 4 GB or 65,535 files: zipfile writes its ZIP64
    with zipfile.ZipFile(output, "w") as target:
        for name in ordered:
            info = zipfile.ZipInfo(name, date_time=stamp)
            info.external_attr = 0o644 << 16
            if name == "mimetype":
                info.compress_type = zipfile.ZIP_STORED
            else:
                info.compress_type = zipfile.ZIP_DEFLATED
            target.writestr(info, files[name], compresslevel=LEVEL if name != "mimetype" else None)
    return output.getvalue()
