"""EPUB Accessibility 1.1 metadata, derived from what the book really holds.

The package's documents are read back (not assumed): whether there are pictures
and whether each has a text alternative, tables, an index, the print edition's
page list, animated images. Each claim in the metadata follows from one of these,
and the summary says the same in words.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

from lxml import etree
from PIL import Image, UnidentifiedImageError

from ..localisation import Wording
from .xhtml import XHTML

#: What a book that meets every requirement below conforms to.
CONFORMANCE = "EPUB Accessibility 1.1 - WCAG 2.2 Level AA"

_EPUB_TYPE = "{http://www.idpf.org/2007/ops}type"
_SVG = "{http://www.w3.org/2000/svg}svg"


@dataclass(frozen=True)
class Contents:
    """What the reader meets in the book, as far as accessibility is concerned."""

    pictures: int  #: images and drawn figures that carry meaning (not the cover)
    undescribed: int  #: of those, the ones with no text alternative
    tables: int
    has_index: bool
    has_page_list: bool
    has_notes: bool
    animated: bool  #: an animated GIF, a possible flashing hazard


def together(parts: list[Contents], animated: bool, has_page_list: bool) -> Contents:
    """What a book holds, from what each of its documents holds (:func:`surveyed`)."""
    return Contents(
        pictures=sum(part.pictures for part in parts),
        undescribed=sum(part.undescribed for part in parts),
        tables=sum(part.tables for part in parts),
        has_index=any(part.has_index for part in parts),
        has_page_list=has_page_list,
        has_notes=any(part.has_notes for part in parts),
        animated=animated,
    )


def surveyed(root: etree._Element) -> Contents:
    """What one document (its ``root``, parsed) holds, for the metadata; without the
    book's page list and animated pictures, which are the book's."""
    pictures = undescribed = 0
    for element in root.iter(f"{{{XHTML}}}img", _SVG):
        if element.get("role") in ("doc-cover", "presentation", "none"):
            continue
        if "stars" in (element.get("class") or "").split():
            continue  # a rating, also given in words beside it
        if element.tag == _SVG and element.get("aria-hidden") == "true":
            continue
        pictures += 1
        if not _described(element):
            undescribed += 1
    tables = sum(1 for _ in root.iter(f"{{{XHTML}}}table"))
    types = {str(value) for value in _TYPES(root)}  # type: ignore[union-attr]
    return Contents(
        pictures, undescribed, tables, "index" in types, False, "footnote" in types, False
    )


#: Every ``epub:type`` in a document (one XPath: walking the tree in Python was a
#: third of the survey).
_TYPES = etree.XPath("//@epub:type", namespaces={"epub": "http://www.idpf.org/2007/ops"})


def _described(element: etree._Element) -> bool:
    if element.tag == _SVG:
        title = element.find("{http://www.w3.org/2000/svg}title")
        label = element.get("aria-label") or (title.text if title is not None else "")
        return bool((label or "").strip())
    return bool((element.get("alt") or "").strip())


def metadata(contents: Contents, wording: Wording | None = None) -> list[tuple[str, str]]:
    """The package metadata: (property, value) pairs, in a stable order."""
    visual = contents.pictures > 0
    described = contents.undescribed == 0
    pairs = [("schema:accessMode", "textual")]
    if visual:
        pairs.append(("schema:accessMode", "visual"))
    if described:
        pairs.append(("schema:accessModeSufficient", "textual"))
    if visual:
        pairs.append(("schema:accessModeSufficient", "textual,visual"))
    features = ["structuralNavigation", "tableOfContents", "readingOrder"]
    if visual and described:
        features.append("alternativeText")
    if contents.has_page_list:
        features += ["pageBreakMarkers", "pageNavigation"]
    if contents.has_index:
        features.append("index")
    features += ["displayTransformability", "ARIA"]
    pairs += [("schema:accessibilityFeature", feature) for feature in features]
    if contents.animated:
        hazards = ["unknownFlashingHazard", "noMotionSimulationHazard", "noSoundHazard"]
    else:
        hazards = ["none"]
    pairs += [("schema:accessibilityHazard", hazard) for hazard in hazards]
    pairs.append(("schema:accessibilitySummary", summary(contents, wording)))
    if described:
        pairs.append(("dcterms:conformsTo", CONFORMANCE))
    return pairs


def summary(contents: Contents, wording: Wording | None = None) -> str:
    """The accessibility summary: what a reader who cannot see the page can expect.

    Written in the book's words (``wording``), English without them.
    """
    say = (wording or Wording()).format
    sentences = [
        say(
            "This book is text that can be read aloud and restyled: it has headings in"
            " order, a table of contents and a logical reading order, and ratings are"
            " given in words as well as stars."
        )
    ]
    if contents.pictures and not contents.undescribed:
        sentences.append(say("Every picture has a text description."))
    elif contents.pictures:
        sentences.append(
            say(
                "%(undescribed)s of its %(pictures)s pictures have no text"
                " description, so it does not meet WCAG 2.2 AA.",
                undescribed=contents.undescribed,
                pictures=contents.pictures,
            )
        )
    else:
        sentences.append(say("It has no pictures other than the cover."))
    if contents.tables:
        sentences.append(say("Tables have header cells."))
    if contents.has_notes:
        sentences.append(say("Notes are linked both ways between the text and the note."))
    if contents.has_page_list:
        sentences.append(
            say(
                "Page numbers of the print edition are marked in the text and listed,"
                " so passages can be cited by page."
            )
        )
    if contents.has_index:
        sentences.append(say("Indexes link to each review."))
    if contents.animated:
        sentences.append(say("It holds an animated image, which may flash."))
    else:
        sentences.append(say("It has no flashing, sound or motion hazards."))
    # Languages that write no space between sentences (Chinese, Japanese) end each
    # sentence with a full-width stop.
    joiner = "" if all(sentence.endswith("。") for sentence in sentences) else " "
    return joiner.join(sentences)


def is_animated(data: bytes) -> bool:
    """Whether an image file holds more than one frame (an animated GIF, PNG or WebP)."""
    try:
        with Image.open(io.BytesIO(data)) as image:
            return bool(getattr(image, "is_animated", False))
    except (UnidentifiedImageError, OSError):
        return False  # SVG, which Pillow does not read, is not animated here
