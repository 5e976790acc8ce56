"""The one Unicode normalisation Octavo applies, and where it stops.

Prose is put in NFC, the form fonts, hyphenation dictionaries and sorting expect: a
letter and its accent typed as two code points become the one precomposed letter,
which reads the same. Two things are kept exactly as written, because NFC would
change what a reader sees:

- code (inline and block): it is copied, not read, so every code point stays;
- the CJK compatibility ideographs (U+F900-U+FAFF, U+2F800-U+2FA1F): NFC maps each
  to a unified ideograph that fonts may draw differently; a text that uses one
  means that form.
"""

from __future__ import annotations

import re
import unicodedata

#: CJK compatibility ideographs: NFC would replace each with another character.
_KEPT = re.compile("([\uf900-\ufaff\U0002f800-\U0002fa1f])")


def normalise_prose(text: str) -> str:
    """``text`` in NFC, except for the characters listed in the module's docstring."""
    if text.isascii():
        return text
    if not _KEPT.search(text):
        return unicodedata.normalize("NFC", text)
    pieces = _KEPT.split(text)  # odd indexes are the kept characters
    return "".join(
        piece if index % 2 else unicodedata.normalize("NFC", piece)
        for index, piece in enumerate(pieces)
    )
