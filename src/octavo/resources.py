"""The one place that decides which files a build may read.

A build reads only files whose real path (after symlinks) lies inside the anthology
folder, the review library it names, the theme folders, or Octavo's own package.
Nothing is ever fetched from the network. Loaders check every reference with a
:class:`Resolver` and the PDF writer gives WeasyPrint a fetcher built on the same one.
"""

from __future__ import annotations

import os
import re
import stat
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlsplit

from .errors import Refused
from .limits import MAX_IMAGE_BYTES, MAX_IMAGE_PIXELS
from .model import Image

#: Image types every EPUB reader must show (EPUB 3 core media types) and that
#: WeasyPrint draws. SVG is checked by svg.py before it is used.
IMAGE_TYPES = {
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".gif": "image/gif",
    ".webp": "image/webp",
    ".svg": "image/svg+xml",
}
_PIL_FORMATS = {"PNG": "image/png", "JPEG": "image/jpeg", "GIF": "image/gif", "WEBP": "image/webp"}


def _is_link(path: Path) -> bool:
    """Whether ``path`` is a link (True where its status cannot be read: the caller
    then resolves it the long way)."""
    try:
        return stat.S_ISLNK(os.lstat(path).st_mode)
    except (OSError, ValueError):
        return True


_SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:")


@dataclass(frozen=True)
class Resolver:
    """Resolves references against the folders a build may read."""

    roots: tuple[Path, ...]
    #: the real paths of the folders files were found in, for this build (a library
    #: of thousands of files lies in a few folders; resolving each file's whole path
    #: was 0.2 s of a core at 5,000 reviews)
    _folders: dict[Path, Path] = field(default_factory=dict, compare=False, repr=False)

    @classmethod
    def for_folders(cls, *folders: Path) -> Resolver:
        return cls(tuple(dict.fromkeys(folder.resolve() for folder in folders)))

    def allows(self, path: Path) -> bool:
        return self.holds(self.real_path(path))

    def holds(self, real: Path) -> bool:
        """Whether the real path ``real`` (:meth:`real_path`) is in one of the roots."""
        return any(real == root or real.is_relative_to(root) for root in self.roots)

    def real_path(self, path: Path) -> Path:
        """``path.resolve()``: its folder's real path (found once a build) and its
        name, where the name is not a link itself. A loop of links has no real path:
        it is its own (absolute), and reading it fails with the system's error, which
        the reader reports with the file's name."""
        try:
            folder = path.parent
            if not path.is_absolute() or path.name in ("", ".", "..") or _is_link(path):
                return path.resolve()
            real = self._folders.get(folder)
            if real is None:
                real = self._folders[folder] = folder.resolve()
            return real / path.name
        except (OSError, RuntimeError):  # RuntimeError: Python 3.11's "Symlink loop"
            return Path(os.path.abspath(path))

    def local(self, reference: str, base: Path) -> Path:
        """Resolve a relative reference written in a file in folder ``base``."""
        if _SCHEME.match(reference) or reference.startswith("//"):
            raise Refused(
                f"'{reference}' is not a file of this anthology: a build never fetches URLs",
                "download the file into the anthology folder and refer to it by a relative path",
            )
        path_part = unquote(urlsplit(reference).path)
        if not path_part:
            raise Refused("an empty file reference", "write the path of the file")
        if problem := unusable_path(path_part):
            raise Refused(f"'{reference[:80]}' {problem}", "rename the file")
        if Path(path_part).is_absolute():
            raise Refused(
                f"'{reference}' is an absolute path",
                "refer to files by a path relative to the file that names them",
            )
        try:
            path = (base / path_part).resolve()
        except (OSError, RuntimeError) as error:  # a loop of links, say
            raise Refused(f"'{reference}' cannot be followed ({error})", "fix the link") from error
        if not self.allows(path):
            raise Refused(
                f"'{reference}' lies outside the anthology",
                "move the file into the anthology folder (or its review library)",
            )
        if not path.is_file():
            raise Refused(f"'{reference}' does not exist", "check the file name and folder")
        return path

    def image(self, reference: str, base: Path, alt: str, credit: str | None = None) -> Image:
        """Resolve and open an image reference; refuse what a reader could not show."""
        try:
            return self._image(reference, base, alt, credit)
        except Refused as refused:
            if refused.code is not None:  # it names the image itself
                raise
            raise Refused(f"image {refused.message}", refused.hint) from None

    def _image(self, reference: str, base: Path, alt: str, credit: str | None) -> Image:
        path = self.local(reference, base)
        media_type = IMAGE_TYPES.get(path.suffix.lower())
        if media_type is None:
            raise Refused(
                f"'{reference}' is not an image type Octavo can use",
                "use a PNG, JPEG, GIF, WebP or SVG file",
            )
        size = path.stat().st_size
        if size > MAX_IMAGE_BYTES:
            raise Refused(
                f"'{reference}' is {size / 1024 / 1024:.0f} MB, more than the"
                f" {MAX_IMAGE_BYTES // 1024 // 1024} MB an image may have",
                "export it again at the size it is printed (300 dpi is plenty)",
            )
        if media_type == "image/svg+xml":
            from .svg import check_svg  # lxml: loaded for the first SVG picture

            width, height = check_svg(path, reference)
            return Image(path, alt, credit, width, height, media_type)
        return open_image(path, reference, alt, credit)


#: The longest file name (one path component) Linux file systems take, in bytes.
NAME_MAX = 255


def unusable_path(path: str) -> str | None:
    """Why no file system could hold ``path``, or None when one could."""
    if "\x00" in path:
        return "holds a NUL character"
    if any(len(part.encode("utf-8")) > NAME_MAX for part in path.split("/")):
        return f"has a name longer than {NAME_MAX} bytes"
    return None


def open_image(path: Path, reference: str, alt: str, credit: str | None = None) -> Image:
    """Check that ``path`` really is an image, of a size that can be decoded."""
    from PIL import Image as PILImage  # Pillow: loaded for the first picture
    from PIL import ImageFile

    # WeasyPrint sets Pillow's LOAD_TRUNCATED_IMAGES on import, which would let a
    # truncated file through: the check turns it off while it looks.
    truncated_allowed = ImageFile.LOAD_TRUNCATED_IMAGES
    ImageFile.LOAD_TRUNCATED_IMAGES = False
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", PILImage.DecompressionBombWarning)
            probe = PILImage.open(path)
        with probe:
            width, height = probe.size
            found = _PIL_FORMATS.get(probe.format or "")
            if width * height > MAX_IMAGE_PIXELS:
                raise Refused(
                    f"'{reference}' is {width}x{height} pixels, more than Octavo decodes",
                    f"scale the image down below {MAX_IMAGE_PIXELS // 1_000_000} megapixels",
                )
            probe.load()
    except Refused:
        raise
    except (
        OSError,
        SyntaxError,
        ValueError,
        PILImage.DecompressionBombError,
        PILImage.DecompressionBombWarning,
    ) as error:
        raise Refused(
            f"'{reference}' cannot be read as an image ({error})",
            "re-export the image from an image editor as PNG or JPEG",
        ) from error
    finally:
        ImageFile.LOAD_TRUNCATED_IMAGES = truncated_allowed
    if found is None:
        raise Refused(
            f"'{reference}' holds an image type Octavo cannot use",
            "use a PNG, JPEG, GIF or WebP file",
        )
    return Image(path=path, alt=alt, credit=credit, width=width, height=height, media_type=found)
