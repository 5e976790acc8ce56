"""The characters of a text that count when two renderings of it are compared: the
PDF's pages against the EPUB's elements (:mod:`octavo.write.pdf_pages`,
:mod:`octavo.render.page_list`)."""

from __future__ import annotations

#: soft hyphens and zero-width characters, which one rendering may drop
_INVISIBLE = frozenset("\u00ad\u200b\u200c\u200d\u2060\ufeff")


def significant(text: str) -> str:
    """The characters that count when two renderings of a text are compared.

    Spaces go (lines break and justify differently), and so do soft hyphens and
    zero-width characters, which one rendering may drop.
    """
    return "".join(c for c in text if not c.isspace() and c not in _INVISIBLE)
