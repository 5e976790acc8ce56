"""The back matter's indexes: works, reviewers, creators and publications.

Each index files its entries as a reader looks for them, and prints them the way
they are filed, so that the order can be seen:

- a title is filed under its first word after an article, and printed with the
  article moved to its end ("A Trip to the Moon" is "Trip to the Moon, A", under T).
  The articles are the book's language's (``ARTICLES``, keyed by the primary subtag
  of ``language`` in the manifest); a language not in the table has none moved.
  An Arabic title is filed past its article (``FILED_PAST``: "ال" joined to the
  word, or "al-"/"el-" in Latin letters) but printed as it is written, since the
  article cannot be moved without breaking the word.
- a person is filed under their surname, and printed surname first: "Margaret
  Ellery" is "Ellery, Margaret". The surname is the last word, with the particles
  that stand before it ("von", "de", "van der", "Le"...: ``PARTICLES``), so "Erich
  von Stroheim" is "von Stroheim, Erich", filed under V as it is printed. A suffix
  (Jr., Sr., II...) follows the forenames: "King, Martin Luther, Jr.". A name of
  one word, or one already written with a comma, is printed as it is written.
  Where the book's language puts some particles after the forenames
  (``TRAILING_PARTICLES``: German "von", Dutch "van", French and Spanish "de"...),
  they go there and the name is filed under the word after them: in a German book
  "Stroheim, Erich von", in a Dutch one "Gogh, Vincent van", in a French one "La
  Fontaine, Jean de". English (and a language not in the table) keeps them in front.

Entries are put in order by the book's language (:mod:`octavo.collation`), not by
code point: "Ångström-Nguyễn, Zoë" files among the A's, and a Swedish book puts
"Åberg" after "Zorn".
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable

from .collation import sort_key
from .model import IndexEntry, IndexPage, Review
from .scripts import text_script

INDEX_TITLES = {
    "works": "Index of Works",
    "reviewers": "Index of Reviewers",
    "creators": "Index of Creators",
    "publications": "Index of Publications",
}

#: The articles a title may begin with, by language. Those ending in an
#: apostrophe are elided and join the next word ("L'Atalante").
ARTICLES: dict[str, tuple[str, ...]] = {
    "en": ("the", "a", "an"),
    "fr": ("le", "la", "les", "l'", "un", "une"),
    "de": ("der", "die", "das", "ein", "eine"),
    "es": ("el", "la", "los", "las", "un", "una"),
    "it": ("il", "lo", "la", "i", "gli", "le", "l'", "un", "uno", "una", "un'"),
    "pt": ("o", "a", "os", "as", "um", "uma"),
    "nl": ("de", "het", "een", "'t"),
}

#: Articles a title is filed past but printed with, by language: Arabic's article
#: is joined to its word (الطريق), so it cannot be moved to the end.
FILED_PAST: dict[str, tuple[str, ...]] = {
    "ar": ("ال", "al-", "el-"),
}

#: Words that belong to the surname when they stand before it.
PARTICLES = frozenset(
    "von van der den de del della di da das dos du la le ter ten zu vom".split()  # noqa: SIM905
)
#: The particles that a language writes after the forenames when the surname comes
#: first (the name is filed under the word after them). Not listed: English, and
#: Belgian Dutch (nl-BE), which keep "Van" in front; Italian, which keeps "De", "Da"
#: and "Di" in front; French "Du", "Des", "La" and "Le", which stay with the surname.
TRAILING_PARTICLES: dict[str, frozenset[str]] = {
    "de": frozenset({"von", "vom", "zu", "zum", "zur", "van", "der", "den"}),
    "nl": frozenset({"van", "de", "der", "den", "ter", "ten", "het", "'t", "in", "op"}),
    "fr": frozenset({"de", "d'"}),
    "es": frozenset({"de", "del", "la", "las", "los"}),
    "pt": frozenset({"de", "da", "do", "das", "dos"}),
}
_SUFFIXES = frozenset({"jr", "jr.", "sr", "sr.", "ii", "iii", "iv"})
#: Scripts whose names are written family name first already: "村井 透" stays so.
_FAMILY_NAME_FIRST = frozenset({"Hani", "Kana", "Hang"})


def _primary(language: str | None) -> str:
    return (language or "en").casefold().replace("_", "-").split("-")[0]


@functools.lru_cache(maxsize=64)
def _article_pattern(language: str | None) -> re.Pattern[str] | None:
    """The articles a title in ``language`` may open with, made once a language (an
    index of 5,000 titles asked for it 15,000 times)."""
    primary = _primary(language)
    articles = ARTICLES.get(primary)
    if not articles:
        return None
    words = sorted((re.escape(a) for a in articles if "'" not in a), key=len)
    elided = [re.escape(a[:-1]) for a in articles if a.endswith("'")]
    alternatives = [rf"(?:{w})\s+" for w in reversed(words)]
    alternatives += [rf"(?:{w})['\u2019]" for w in elided]
    if "'t" in articles:  # Dutch: 't Schaep met de 5 Pooten
        alternatives.append(r"['\u2019]t\s+")
    return re.compile(rf"^({'|'.join(alternatives)})(?=\w)", re.IGNORECASE)


def _split_article(title: str, language: str | None) -> tuple[str, str]:
    """("A", "Trip to the Moon"), or ("", title) when it has no article."""
    pattern = _article_pattern(language)
    match = pattern.match(title) if pattern else None
    if match is None or match.end() == len(title):
        return "", title
    return match.group(1).strip(), title[match.end() :]


def title_key(title: str, language: str | None = "en") -> str:
    """How a title is filed: "The General" under G."""
    return _filed_title(title, language).casefold()


def _filed_title(title: str, language: str | None) -> str:
    rest = _split_article(title, language)[1]
    for prefix in FILED_PAST.get(_primary(language), ()):
        if rest.casefold().startswith(prefix) and len(rest) > len(prefix) + 1:
            return rest[len(prefix) :]
    return rest


def title_sort_key(title: str, language: str | None = "en") -> bytes:
    """What a title is sorted by: its filing word on, collated by the language."""
    return sort_key(language)(_filed_title(title, language))


def name_sort_key(name: str, language: str | None = "en") -> bytes:
    """What a name as written is sorted by, collated by the language."""
    return sort_key(language)(name)


def inverted_title(title: str, language: str | None = "en") -> str:
    """A title as an index prints it: "Trip to the Moon, A"."""
    article, rest = _split_article(title, language)
    # "La ciénaga" files as "Ciénaga, La": the word that now leads takes the capital
    return f"{rest[:1].upper()}{rest[1:]}, {article}" if article else title


def inverted_name(name: str, language: str | None = "en") -> str:
    """A person's name as an index prints it: "Ellery, Margaret"."""
    words = name.split()
    if len(words) < 2 or "," in name or text_script(name) in _FAMILY_NAME_FIRST:
        return name
    suffix = ""
    if words[-1].casefold() in _SUFFIXES and len(words) > 2:
        suffix, words = words[-1], words[:-1]
    start = len(words) - 1
    while start > 1 and words[start - 1].casefold() in PARTICLES:
        start -= 1
    forenames = words[:start]
    trailing = TRAILING_PARTICLES.get(_primary(language), frozenset())
    if (language or "").casefold().replace("_", "-") == "nl-be":
        trailing = frozenset()
    while start < len(words) - 1 and words[start].casefold() in trailing:
        forenames.append(words[start])
        start += 1
    inverted = f"{' '.join(words[start:])}, {' '.join(forenames)}"
    return f"{inverted}, {suffix}" if suffix else inverted


def index_page(
    kind: str, title: str, page_id: str, reviews: list[Review], language: str | None = "en"
) -> IndexPage:
    found: dict[str, tuple[str, str, list[str]]] = {}
    for review in reviews:
        for label, heading, qualifier in _index_labels(kind, review, language):
            ids = found.setdefault(label, (heading, qualifier, []))[2]
            if review.id not in ids:
                ids.append(review.id)
    languages: dict[str, str | None] = {}
    sorted_as: dict[str, str] = {}
    if kind == "works":
        # a work's title in another language than the book's is marked so (lang), and
        # one with a title_sort is filed by it
        for review in reviews:
            languages.setdefault(review.toc_title, review.title_language_in(language or "en"))
            if review.work.title_sort:
                sorted_as.setdefault(review.toc_title, review.work.title_sort)
    entries = [
        IndexEntry(
            label, tuple(ids), heading, qualifier, languages.get(label), sorted_as.get(label, "")
        )
        for label, (heading, qualifier, ids) in found.items()
    ]
    entries.sort(key=lambda entry: _index_key(kind, entry, language))
    return IndexPage(id=page_id, title=title, kind=kind, entries=tuple(entries))


def _index_labels(
    kind: str, review: Review, language: str | None
) -> Iterable[tuple[str, str, str]]:
    """(label, heading, qualifier) for each entry the review belongs under."""
    if kind == "works":
        year = f" ({review.work.year})" if review.work.year is not None else ""
        return [(review.toc_title, inverted_title(review.work.title, language), year)]
    if kind == "reviewers":
        return [(name, inverted_name(name, language), "") for name in review.reviewers]
    if kind == "creators":
        return [(name, inverted_name(name, language), "") for name in review.work.creators]
    if review.publication:
        return [(review.publication, inverted_title(review.publication, language), "")]
    return []


def _index_key(kind: str, entry: IndexEntry, language: str | None) -> tuple[bytes, bytes]:
    collate = sort_key(language)
    if kind in ("reviewers", "creators"):
        return (collate(entry.heading), collate(entry.label))
    return (title_sort_key(entry.sort_as or entry.label, language), collate(entry.label))
