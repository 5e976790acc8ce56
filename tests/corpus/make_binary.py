"""The corpus inputs that git cannot hold reliably as text, made at test time.

Byte-order marks, CRLF line ends, Latin-1 bytes, control characters, images (corrupt,
truncated, decompression bombs), files of many megabytes and symlinks that point
outside the anthology are written here, one function per corpus class. Each function
gets the copy of its class folder (``<tmp>/book``) and may write beside it
(``<tmp>/outside``) what must lie outside the anthology.
"""

from __future__ import annotations

import random
import struct
import zlib
from collections.abc import Callable
from io import BytesIO
from pathlib import Path

from PIL import Image

FRONT = "---\ntitle: Alpha\nreviewer: Ann Critic\n---\n\n"
BODY = "A short review. It has two sentences.\n"


def _write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)


def _outside(book: Path) -> Path:
    """A folder beside the anthology: inside the test's tmp_path, outside the book."""
    folder = book.parent / "outside"
    folder.mkdir(exist_ok=True)
    return folder


def _png(width: int, height: int, seed: int) -> bytes:
    """A real PNG of random pixels (random, so that it does not compress to nothing)."""
    pixels = random.Random(seed).randbytes(width * height * 3)
    buffer = BytesIO()
    Image.frombytes("RGB", (width, height), pixels).save(buffer, format="PNG")
    return buffer.getvalue()


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def _claiming_png(width: int, height: int) -> bytes:
    """A PNG header claiming ``width`` x ``height`` 1-bit pixels, with a few KB of data.

    Decoding it would need ``width * height / 8`` bytes of memory; the file is tiny.
    """
    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)  # 1-bit greyscale
    rows = (b"\x00" + b"\x00" * (width // 8 + 1)) * 64  # the first 64 rows, all black
    return (
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", header)
        + _chunk(b"IDAT", zlib.compress(rows, 9))
        + _chunk(b"IEND", b"")
    )


# --- text encodings and line ends ----------------------------------------------------


def bom_unclosed_front_matter(book: Path) -> None:
    text = "---\ntitle: Alpha\nreviewer: Ann Critic\n\nThe body, with no closing line.\n"
    _write(book / "reviews/alpha.md", b"\xef\xbb\xbf" + text.encode("utf-8"))


def crlf_malformed_yaml(book: Path) -> None:
    text = "---\ntitle: Alpha\ntags: [drama, romance\nreviewer: Ann Critic\n---\n\n" + BODY
    _write(book / "reviews/alpha.md", text.replace("\n", "\r\n").encode("utf-8"))


def latin1_review(book: Path) -> None:
    # "é" as the single Latin-1 byte 0xE9, at byte 57, on line 4
    text = "---\ntitle: Alpha\nreviewer: Ann Critic\npublication: Le Café\n---\n\n" + BODY
    _write(book / "reviews/alpha.md", text.encode("latin-1"))


def control_character(book: Path) -> None:
    # a NUL on line 8, column 7
    text = FRONT + "First paragraph.\n\nA page\x00break pasted from a PDF.\n"
    _write(book / "reviews/alpha.md", text.encode("utf-8"))


# --- sizes -----------------------------------------------------------------------------


def review_too_large(book: Path) -> None:
    paragraph = b"All work and no play makes a very long review. " * 20 + b"\n\n"
    size = 10 * 1024 * 1024
    body = paragraph * (size // len(paragraph) + 1)
    _write(book / "reviews/alpha.md", (FRONT.encode("utf-8") + body)[:size])


def front_matter_too_large(book: Path) -> None:
    pullquote = "word " * 14_000  # 70,000 bytes on one line
    text = f"---\ntitle: Alpha\nreviewer: Ann Critic\npullquote: {pullquote}\n---\n\n" + BODY
    _write(book / "reviews/alpha.md", text.encode("utf-8"))


# --- images ----------------------------------------------------------------------------


def image_corrupt(book: Path) -> None:
    _write(book / "reviews/images/noise.png", random.Random(1).randbytes(2048))


def image_truncated(book: Path) -> None:
    data = _png(64, 64, seed=2)
    _write(book / "reviews/images/half.png", data[: len(data) // 2])


def image_decompression_bomb(book: Path) -> None:
    # 10 gigapixels, far beyond what Pillow itself agrees to open
    _write(book / "reviews/images/bomb.png", _claiming_png(100_000, 100_000))


def image_too_many_pixels(book: Path) -> None:
    # 64 megapixels: under Pillow's own limit, over Octavo's 60
    _write(book / "reviews/images/huge.png", _claiming_png(8_000, 8_000))


# --- symlinks out of the anthology -----------------------------------------------------


def image_symlink_outside(book: Path) -> None:
    target = _outside(book) / "still.png"
    target.write_bytes(_png(4, 4, seed=3))
    link = book / "reviews/images/still.png"
    link.parent.mkdir(parents=True, exist_ok=True)
    link.symlink_to(target)


def review_symlink_outside(book: Path) -> None:
    target = _outside(book) / "secret.md"
    target.write_text(FRONT.replace("Alpha", "Secret") + BODY, encoding="utf-8")
    (book / "reviews/leak.md").symlink_to(target)


def review_symlink_etc_hostname(book: Path) -> None:
    (book / "reviews/host.md").symlink_to("/etc/hostname")


#: The corpus classes whose inputs are made here, by folder name.
CASES: dict[str, Callable[[Path], None]] = {
    "bom-unclosed-front-matter": bom_unclosed_front_matter,
    "crlf-malformed-yaml": crlf_malformed_yaml,
    "latin1-review": latin1_review,
    "control-character": control_character,
    "review-too-large": review_too_large,
    "front-matter-too-large": front_matter_too_large,
    "image-corrupt": image_corrupt,
    "image-truncated": image_truncated,
    "image-decompression-bomb": image_decompression_bomb,
    "image-too-many-pixels": image_too_many_pixels,
    "image-symlink-outside": image_symlink_outside,
    "review-symlink-outside": review_symlink_outside,
    "review-symlink-etc-hostname": review_symlink_etc_hostname,
}
