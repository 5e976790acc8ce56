"""Make a Kindle AZW3 (KF8) from the EPUB Octavo packed, with calibre's ebook-convert.

calibre is an optional tool: it is looked up on PATH only when an AZW3 is asked for,
and its absence is a :class:`BuildError` that says how to install it.

ebook-convert is run in a temporary folder of its own, with its own empty calibre
settings (so a user's plugins and preferences cannot change the book), a time
limit, and a proxy that refuses every connection (converting an EPUB needs no
network). ``--no-inline-toc`` keeps calibre from adding a second table of contents
to a book that has its own; the EPUB's cover image becomes the Kindle cover
(calibre finds it by its ``cover-image`` property) and no cover page is added.
``--page-breaks-before=/`` and ``--chapter=/`` keep calibre from adding page breaks
(each document already starts a screen; a break before a heading stranded its
kicker), and :func:`kindle_epub` turns the inline SVG rating stars, which calibre
would make into images with no text alternative drawn in black, into images with
``alt`` drawn in a grey that shows on dark pages.

calibre does not make the same file twice: it stamps the current time in the
header, draws a random unique id, writes a fresh random UUID as the book's ASIN,
and orders the book's images (and stylesheets) by their objects' memory
addresses. So we ask for no page margins of calibre's (the book's own are kept;
the Kindle adds the reader's), which spares a second stylesheet; run it with a
fixed PYTHONHASHSEED, a small fixed environment (its size alone moves the
addresses: a longer PYTEST_CURRENT_TEST was enough) and, where Linux allows it,
without address space layout randomisation (``setarch -R``), which fixes those
addresses; then set the header fields from the EPUB itself: its ``dcterms:modified``
date and its identifier (the ``urn:uuid:`` value, or a UUID derived from it). The
same EPUB and calibre version then give the same bytes (20 conversions out of 20
with calibre 6.13; without ``setarch -R`` about one in five
orders the images differently), and a Kindle sees a rebuilt book as the same book.
"""

from __future__ import annotations

import hashlib
import io
import os
import platform
import posixpath
import re
import shutil
import signal
import subprocess
import tempfile
import uuid
import zipfile
from copy import deepcopy
from datetime import datetime
from functools import cache
from pathlib import Path
from struct import pack, unpack_from

from lxml import etree

from ..errors import BuildError

#: seconds ebook-convert may take (the example takes about 3)
TIMEOUT = 300.0
INSTALL_HINT = (
    "install calibre: `apt-get install calibre` on Debian and Ubuntu,"
    " or the installer from https://calibre-ebook.com/download"
)
_OPTIONS = (
    # the book has its own contents page
    "--no-inline-toc",
    # no page breaks of calibre's: each of the book's documents already starts a new
    # screen, and a break before a heading would leave the line above it (the kicker,
    # "FILM · 1921" or "PART 1") alone on a screen. "/" selects nothing: no break
    # before h1 and h2, and no chapter detection, whose page break went between the
    # kicker and any heading with "part", "book", "section" or "chapter" in it.
    "--page-breaks-before=/",
    "--chapter=/",
    # keep the book's margins: calibre would add a page_styles.css of its own, and
    # the order of its two stylesheets changes from run to run
    "--margin-top=-1",
    "--margin-bottom=-1",
    "--margin-left=-1",
    "--margin-right=-1",
)
_REFUSED = "http://127.0.0.1:9"  # the discard port: any connection fails at once
_OPF = "http://www.idpf.org/2007/opf"
_DC = "http://purl.org/dc/elements/1.1/"
_CONTAINER = "urn:oasis:names:tc:opendocument:xmlns:container"
_XHTML = "http://www.w3.org/1999/xhtml"
_SVG = "http://www.w3.org/2000/svg"
#: the colour of an inline SVG's ``currentColor`` once it is an image of its own, where
#: it would be black whatever the reader's colours: a grey with a contrast of 4.5:1
#: against white and against black, so that stars show on a light page and a dark one
IMAGE_COLOUR = "#767676"
_CURRENT_COLOR = re.compile(rb"currentcolor", re.IGNORECASE)
#: a length that can be moved from an SVG's width or height to the image's style
_LENGTH = re.compile(r"\d+(?:\.\d+)?(?:em|rem|ex|ch|px|%)\Z")
#: attributes of an inline SVG that go to the image element, or nowhere
_NOT_IN_IMAGE = frozenset({"class", "id", "role", "style", "width", "height"})
_EXTH_SOURCE = 112
_EXTH_ASIN = 113


def azw3_from_epub(epub: bytes, timeout: float = TIMEOUT) -> bytes:
    """The AZW3 calibre makes from an EPUB's bytes, with a reproducible header."""
    tool = shutil.which("ebook-convert")
    if tool is None:
        raise BuildError(
            "calibre is needed for azw3: its ebook-convert command was not found on PATH",
            hint=INSTALL_HINT,
            code="B409",
        )
    with tempfile.TemporaryDirectory(prefix="octavo-azw3-") as name:
        folder = Path(name)
        source = folder / "book.epub"
        target = folder / "book.azw3"
        source.write_bytes(kindle_epub(epub))
        command = [*_fixed_addresses(), tool, str(source), str(target), *_OPTIONS]
        output = _run(command, folder, timeout)
        try:
            data = target.read_bytes()
        except OSError as error:
            raise BuildError(
                "calibre's ebook-convert reported success but wrote no azw3:\n"
                + _last_lines(output),
                hint="run ebook-convert on the EPUB by hand to see why",
                code="B409",
            ) from error
    return _stabilise(data, epub)


def kindle_epub(epub: bytes) -> bytes:
    """The EPUB as it is given to calibre: each inline SVG an image with a text alternative.

    calibre moves every inline SVG (the rating stars) into a resource of its own and
    puts a bare ``<img>`` in its place: the SVG's ``aria-label`` and ``<title>`` are
    lost, and its ``currentColor`` becomes black, which vanishes on a dark page. So each
    inline SVG of a content document becomes an SVG file of the book, drawn in
    :data:`IMAGE_COLOUR`, and an ``<img>`` whose ``alt`` is the SVG's label (empty for
    a decorative one), sized in ``em`` as the SVG was. Everything else is copied as it
    is; bytes that cannot be read as an EPUB are returned unchanged (calibre says why).
    """
    parser = _xml_parser()
    try:
        with zipfile.ZipFile(io.BytesIO(epub)) as book:
            found = _package(book, parser)
            if found is None:
                return epub
            opf_name, opf = found
            entries = [(info, book.read(info)) for info in book.infolist()]
    except zipfile.BadZipFile:
        return epub
    folder = posixpath.dirname(opf_name)
    contents = {info.filename: data for info, data in entries}
    manifest = opf.find(f"{{{_OPF}}}manifest")
    if manifest is None:
        return epub
    images: dict[str, bytes] = {}  # zip name -> SVG file
    changed: dict[str, bytes] = {}
    for item in manifest.iterfind(f"{{{_OPF}}}item"):
        if item.get("media-type") != "application/xhtml+xml":
            continue
        name = posixpath.normpath(posixpath.join(folder, item.get("href", "")))
        data = contents.get(name)
        if data is None or b"<svg" not in data:
            continue
        try:
            tree = etree.ElementTree(etree.fromstring(data, parser))
        except etree.XMLSyntaxError:
            continue  # calibre reads it as it can
        outermost = [
            svg
            for svg in tree.iter(f"{{{_SVG}}}svg")
            if next(svg.iterancestors(f"{{{_SVG}}}svg"), None) is None
        ]
        if not outermost:
            continue
        for svg in outermost:
            image = _svg_image(svg)
            image_name = posixpath.join(
                folder, "images", f"kindle-{hashlib.sha256(image).hexdigest()[:16]}.svg"
            )
            images[image_name] = image
            _replace_with_img(svg, posixpath.relpath(image_name, posixpath.dirname(name)))
        changed[name] = etree.tostring(tree, encoding="utf-8", xml_declaration=True)
        properties = [p for p in item.get("properties", "").split() if p != "svg"]
        if properties:
            item.set("properties", " ".join(properties))
        elif "properties" in item.attrib:
            del item.attrib["properties"]
    if not images:
        return epub
    for image_name in sorted(images):
        href = posixpath.relpath(image_name, folder or ".")
        entry = manifest.makeelement(
            f"{{{_OPF}}}item",
            {
                "id": posixpath.splitext(posixpath.basename(image_name))[0],
                "href": href,
                "media-type": "image/svg+xml",
            },
        )
        entry.tail = "\n"
        manifest.append(entry)
    changed[opf_name] = etree.tostring(opf, encoding="utf-8", xml_declaration=True)
    return _repack(entries, changed, images, opf_name)


def _svg_image(svg: etree._Element) -> bytes:
    """An inline SVG as a file of its own: its viewBox size, no ARIA, no currentColor."""
    image = deepcopy(svg)
    image.tail = None
    for attribute in map(str, list(image.attrib)):
        if attribute in _NOT_IN_IMAGE or attribute.startswith("aria-"):
            del image.attrib[attribute]
    box = (svg.get("viewBox") or "").replace(",", " ").split()
    if len(box) == 4:
        image.set("width", box[2])
        image.set("height", box[3])
    data = etree.tostring(image, encoding="utf-8", xml_declaration=True)
    return _CURRENT_COLOR.sub(IMAGE_COLOUR.encode("ascii"), data)


def _replace_with_img(svg: etree._Element, src: str) -> None:
    """Put an ``<img>`` with the SVG's text alternative, class, id and size in its place."""
    hidden = svg.get("aria-hidden") == "true" or svg.get("role") in {"presentation", "none"}
    title = svg.find(f"{{{_SVG}}}title")
    label = svg.get("aria-label") or ("" if title is None else "".join(map(str, title.itertext())))
    attributes = {"src": src, "alt": "" if hidden else " ".join(label.split())}
    for kept in ("id", "class"):
        if svg.get(kept):
            attributes[kept] = svg.get(kept, "")
    sizes = [
        f"{side}: {value}"
        for side in ("width", "height")
        if _LENGTH.match(value := (svg.get(side) or "").strip())
    ]
    style = "; ".join(filter(None, [*sizes, svg.get("style", "").strip().rstrip(";")]))
    if style:
        attributes["style"] = style
    img = svg.makeelement(f"{{{_XHTML}}}img", attributes)
    img.tail = svg.tail
    parent = svg.getparent()
    assert parent is not None  # an SVG in a content document is inside its body
    parent.replace(svg, img)


def _repack(
    entries: list[tuple[zipfile.ZipInfo, bytes]],
    changed: dict[str, bytes],
    added: dict[str, bytes],
    opf_name: str,
) -> bytes:
    """The zip again, mimetype first and stored, with the changed and added entries."""
    output = io.BytesIO()
    stamp = next((info.date_time for info, _ in entries if info.filename == opf_name), None)
    with zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED) as target:
        ordered = sorted(entries, key=lambda entry: entry[0].filename != "mimetype")
        new = [
            (zipfile.ZipInfo(name, date_time=stamp or (1980, 1, 1, 0, 0, 0)), data)
            for name, data in sorted(added.items())
        ]
        for info, data in [*ordered, *new]:
            copy = zipfile.ZipInfo(info.filename, date_time=info.date_time)
            stored = info.filename == "mimetype"
            copy.compress_type = zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED
            target.writestr(copy, changed.get(info.filename, data))
    return output.getvalue()


def _xml_parser() -> etree.XMLParser:
    return etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)


def _package(book: zipfile.ZipFile, parser: etree.XMLParser) -> tuple[str, etree._Element] | None:
    """The package document's zip name and root, or None when the EPUB has none."""
    try:
        container = etree.fromstring(book.read("META-INF/container.xml"), parser)
        rootfile = container.find(f".//{{{_CONTAINER}}}rootfile")
        if rootfile is None:
            return None
        name = rootfile.get("full-path", "")
        return name, etree.fromstring(book.read(name), parser)
    except (KeyError, etree.XMLSyntaxError):
        return None


@cache
def _fixed_addresses() -> tuple[str, ...]:
    """``setarch <machine> -R``, when it works here: a process with fixed addresses."""
    setarch = shutil.which("setarch")
    if setarch is None:
        return ()
    command = (setarch, platform.machine(), "-R")
    try:
        probe = subprocess.run([*command, "true"], capture_output=True, timeout=10, check=False)
    except (OSError, subprocess.SubprocessError):
        return ()
    # a container may forbid it (seccomp): then calibre runs as it is
    return command if probe.returncode == 0 else ()


def _run(command: list[str], folder: Path, timeout: float) -> str:
    # a fixed environment: its size alone moves calibre's memory addresses, and with
    # them the order of the images in the book
    environment = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(folder),
        "LANG": "C.UTF-8",
        "TZ": "UTC",
        "PYTHONHASHSEED": "0",
        "CALIBRE_CONFIG_DIRECTORY": str(folder / "config"),
        "CALIBRE_TEMP_DIR": str(folder),
        "CALIBRE_CACHE_DIRECTORY": str(folder / "cache"),
    }
    for variable in ("http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY", "all_proxy"):
        environment[variable] = _REFUSED
    environment.pop("no_proxy", None)
    environment.pop("NO_PROXY", None)
    try:
        process = subprocess.Popen(
            command,
            cwd=folder,
            env=environment,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # so that a timeout can stop its helpers too
        )
    except OSError as error:
        raise BuildError(
            f"calibre's ebook-convert could not be started: {error}",
            hint=INSTALL_HINT,
            code="B409",
        ) from error
    with process:
        try:
            raw, _ = process.communicate(timeout=timeout)
        except subprocess.TimeoutExpired as error:
            os.killpg(process.pid, signal.SIGKILL)
            process.communicate()
            raise BuildError(
                f"calibre's ebook-convert took more than {timeout:g} seconds to make the azw3,"
                " and was stopped",
                hint="run ebook-convert on the EPUB by hand to see where it stalls",
                code="B409",
            ) from error
    output = raw.decode("utf-8", errors="replace")
    if process.returncode != 0:
        raise BuildError(
            f"calibre's ebook-convert failed (exit code {process.returncode}):\n"
            + _last_lines(output),
            hint="the lines above are the end of calibre's own report",
            code="B409",
        )
    return output


def _last_lines(output: str, count: int = 12) -> str:
    lines = [line.rstrip() for line in output.splitlines() if line.strip()]
    return "\n".join("  " + line for line in lines[-count:]) or "  (no output)"


def _book_facts(epub: bytes) -> tuple[uuid.UUID, int] | None:
    """The EPUB's identifier as a UUID, and its dcterms:modified time; None if unreadable."""
    try:
        with zipfile.ZipFile(io.BytesIO(epub)) as book:
            found = _package(book, _xml_parser())
    except zipfile.BadZipFile:
        return None
    if found is None:
        return None
    _, opf = found
    wanted = opf.get("unique-identifier")
    identifier = next(
        (
            (element.text or "").strip()
            for element in opf.iter(f"{{{_DC}}}identifier")
            if element.get("id") == wanted
        ),
        "",
    )
    modified = opf.findtext(f".//{{{_OPF}}}meta[@property='dcterms:modified']") or ""
    try:
        stamp = int(datetime.fromisoformat(modified.strip().replace("Z", "+00:00")).timestamp())
    except ValueError:
        return None
    if not identifier:
        return None
    try:
        book_uuid = uuid.UUID(identifier.removeprefix("urn:uuid:"))
    except ValueError:
        book_uuid = uuid.uuid5(uuid.NAMESPACE_URL, identifier)
    return book_uuid, stamp


def _stabilise(data: bytes, epub: bytes) -> bytes:
    """Replace calibre's clock time and random ids with values taken from the EPUB.

    Only fields of the same length are rewritten, in place; a file laid out in a
    way this does not recognise is returned as calibre wrote it.
    """
    facts = _book_facts(epub)
    if facts is None or len(data) < 86 or data[60:68] != b"BOOKMOBI":
        return data
    book_uuid, stamp = facts
    out = bytearray(data)
    # Palm database header: creation and modification dates
    out[36:44] = pack(">II", stamp & 0xFFFFFFFF, stamp & 0xFFFFFFFF)
    (record0,) = unpack_from(">I", out, 78)
    mobi = record0 + 16
    if out[mobi : mobi + 4] != b"MOBI":
        return bytes(out)
    (header_length,) = unpack_from(">I", out, mobi + 4)
    out[mobi + 16 : mobi + 20] = book_uuid.bytes[:4]  # the MOBI header's unique id
    exth = mobi + header_length
    if out[exth : exth + 4] != b"EXTH":
        return bytes(out)
    (count,) = unpack_from(">I", out, exth + 8)
    position = exth + 12
    replacements = {
        _EXTH_SOURCE: b"calibre:" + str(book_uuid).encode("ascii"),
        _EXTH_ASIN: str(book_uuid).encode("ascii"),
    }
    for _ in range(count):
        if position + 8 > len(out):
            break
        kind, length = unpack_from(">II", out, position)
        value = replacements.get(kind)
        if value is not None and len(value) == length - 8:
            out[position + 8 : position + length] = value
        if length < 8:
            break
        position += length
    return bytes(out)
