"""How text is put in order for a reader of a language.

Octavo sorts titles and names (the indexes, a section's ``sort = "title"`` or
``"reviewer"``, ``octavo list --sort``) with ICU's collation for the book's
``language``, the Unicode Collation Algorithm with CLDR's tailorings, through
PyICU (the ``pyicu-wheels`` package on PyPI, a binary wheel that bundles ICU, so
nothing is compiled and no system package is needed).

So a letter with an accent files with its base letter ("Émile" among the E's,
"Ångström" among the A's in English), case and accents only break ties, and each
language's own order is kept: Swedish and Finnish å ä ö after z, Danish and
Norwegian æ ø å after z, Spanish ñ after n, German ä with a, Turkish ı before i,
Polish ł after l, Czech ch after h, and Chinese, Japanese and Korean in their
usual orders. Digits are read as numbers ("Part 2" before "Part 10"). Spaces and
punctuation count, so entries are ordered word by word ("New York" before
"Newark"). A language ICU does not know is sorted by the root order, which is
also English's.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache

#: A function that turns text into something that sorts as the language does.
SortKey = Callable[[str], bytes]


@lru_cache(maxsize=32)
def sort_key(language: str | None) -> SortKey:
    """The sort key of ``language`` (a BCP 47 tag such as en, sv, pt-BR, zh-Hant)."""
    import icu  # ICU: loaded for the first sorting, not by every command

    tag = (language or "en").replace("_", "-")
    collator = icu.Collator.createInstance(icu.Locale.forLanguageTag(tag))
    collator.setAttribute(icu.UCollAttribute.NUMERIC_COLLATION, icu.UCollAttributeValue.ON)
    key: SortKey = collator.getSortKey
    return key
