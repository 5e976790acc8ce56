"""One copy of each picture in a PDF merged from pieces laid out apart.

WeasyPrint embeds a picture once per document; qpdf copies each document's objects
into the merged book, so a picture drawn in several pieces (an emoji, a logo, a
publisher's mark) was embedded once per piece: a Letterboxd diary of 913 reviews held
422 images where one pass holds 62 (60 pictures), 0.8 MB more. Here, the image
XObjects the pages draw that are the same (the same bytes, filters and dictionary,
and the same soft mask, colour space and other objects they name, compared by
content) become one, in the pages' order; the others are no longer written.

Colour profiles likewise: each piece of a PDF/A or PDF/X book names the sRGB profile
of its output intent in its colour spaces (and its stamps, in theirs), 2.5 KB a
piece; they become the output intent's one, as in one pass.
"""

from __future__ import annotations

import hashlib
from typing import Any

import pikepdf


def share_images(pdf: pikepdf.Pdf) -> None:
    """Point every page's image XObjects at one copy of each picture, in place."""
    first: dict[bytes, Any] = {}
    keys: dict[tuple[int, int], bytes] = {}
    for page in pdf.pages:
        resources = page.obj.get("/Resources")
        xobjects = resources.get("/XObject") if resources is not None else None
        if not isinstance(xobjects, pikepdf.Dictionary):
            continue
        for name, image in list(xobjects.items()):
            if not isinstance(image, pikepdf.Stream) or image.get("/Subtype") != "/Image":
                continue
            key = _key(image, keys)
            kept = first.setdefault(key, image)
            if kept.objgen != image.objgen:
                xobjects[name] = kept


def share_colour_profiles(pdf: pikepdf.Pdf) -> None:
    """Point every page's ICC-based colour spaces at one copy of each profile (the
    output intent's first), in place."""
    first: dict[bytes, Any] = {}
    keys: dict[tuple[int, int], bytes] = {}
    for intent in pdf.Root.get("/OutputIntents", ()):
        profile = intent.get("/DestOutputProfile")
        if isinstance(profile, pikepdf.Stream):
            first.setdefault(_key(profile, keys), profile)
    seen: set[tuple[int, int]] = set()
    for page in pdf.pages:
        resources = page.obj.get("/Resources")
        spaces = resources.get("/ColorSpace") if resources is not None else None
        if not isinstance(spaces, pikepdf.Dictionary):
            continue
        if spaces.is_indirect:  # shared by a piece's pages: seen once
            if spaces.objgen in seen:
                continue
            seen.add(spaces.objgen)
        for space in spaces.values():
            if (
                not isinstance(space, pikepdf.Array)
                or len(space) != 2
                or space[0] != pikepdf.Name.ICCBased
                or not isinstance(space[1], pikepdf.Stream)
            ):
                continue
            kept = first.setdefault(_key(space[1], keys), space[1])
            if kept.objgen != space[1].objgen:
                space[1] = kept


def _key(value: Any, keys: dict[tuple[int, int], bytes], depth: int = 0) -> bytes:
    """What an object holds, whatever its object number: its type, its entries (the
    objects they name by what they hold) and, for a stream, its encoded bytes."""
    if not isinstance(value, pikepdf.Object):  # a number or a boolean, as pikepdf gives them
        return f"{type(value).__name__}:{value!r}".encode()
    indirect = value.is_indirect
    if indirect and value.objgen in keys:
        return keys[value.objgen]
    if depth > 20:  # a chain of references this deep is no picture of WeasyPrint's
        return repr(value.objgen).encode()
    digest = hashlib.sha256()
    if isinstance(value, pikepdf.Stream):
        digest.update(b"stream")
        digest.update(value.read_raw_bytes())
    if isinstance(value, (pikepdf.Dictionary, pikepdf.Stream)):
        for name in sorted(value.keys()):
            if name != "/Length":
                digest.update(name.encode())
                digest.update(_key(value[name], keys, depth + 1))
    elif isinstance(value, pikepdf.Array):
        digest.update(b"[")
        for item in value:
            digest.update(_key(item, keys, depth + 1))
        digest.update(b"]")
    else:
        digest.update(value.unparse())
    key = digest.digest()
    if indirect:
        keys[value.objgen] = key
    return key
