"""The EPUB's pictures: each packed once, under a name numbered in the order the
documents first ask for it, and made for e-readers."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..model import Image
from .ereader_images import ereader_image

_EXTENSIONS = {
    "image/jpeg": ".jpg",
    "image/png": ".png",
    "image/gif": ".gif",
    "image/svg+xml": ".svg",
}


@dataclass(frozen=True)
class EpubImage:
    id: str
    file_name: str
    media_type: str
    data: bytes


class EpubImages:
    """The images of the book, numbered as the documents ask for them (``url``).

    The numbers depend on every document rendered before, so documents rendered side
    by side need them decided first (``render/epub_parallel.py``): ``asked`` then notes
    every image asked for, in order, to check that they were asked for as foreseen.
    """

    def __init__(self) -> None:
        self.by_path: dict[Path, EpubImage] = {}
        self.asked: list[Path] = []

    def url(self, image: Image) -> str:
        """The image's name in the EPUB (numbered when it is asked for the first time)."""
        self.asked.append(image.path)
        packed = self.by_path.get(image.path)
        if packed is None:
            number = len(self.by_path) + 1
            stem = "".join(c if c.isalnum() else "-" for c in image.path.stem.lower())[:40]
            data, media_type = ereader_image(image.path, image.media_type)
            packed = EpubImage(
                id=f"img-{number}",
                file_name=f"images/{number:03d}-{stem}{_EXTENSIONS[media_type]}",
                media_type=media_type,
                data=data,
            )
            self.by_path[image.path] = packed
        return packed.file_name

    def packed(self) -> list[EpubImage]:
        """Every image asked for, in the order of their numbers."""
        return list(self.by_path.values())

    def forget_from(self, count: int) -> None:
        """Forget the images numbered after ``count``, as if never asked for."""
        for path in list(self.by_path)[count:]:
            del self.by_path[path]
