"""Make a Kindle AZW3 (KF8) from the EPUB Octavo packed, with calibre's ebook-convert.

calibre is an optional tool: it is looked up on PATH only when an AZW3 is asked for,
and its absence is a :class:`BuildError` that says how to install it.

ebook-convert is run in a temporary folder of its own, with its own empty calibre
settings (so a user's plugins and preferences cannot change the book), a time
limit, and a proxy that refuses every connection (converting an EPUB needs no
network). ``--no-inline-toc`` keeps calibre from adding a second table of contents
to a book that has its own; the EPUB's cover image becomes the Kindle cover
(calibre finds it by its ``cover-image`` property) and no cover page is added.

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

import io
import os
import platform
import shutil
import signal
import subprocess
import tempfile
import uuid
import zipfile
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
        source.write_bytes(epub)
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
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
    try:
        with zipfile.ZipFile(io.BytesIO(epub)) as book:
            container = etree.fromstring(book.read("META-INF/container.xml"), parser)
            rootfile = container.find(f".//{{{_CONTAINER}}}rootfile")
            if rootfile is None:
                return None
            opf = etree.fromstring(book.read(rootfile.get("full-path", "")), parser)
    except (KeyError, zipfile.BadZipFile, etree.XMLSyntaxError):
        return None
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
