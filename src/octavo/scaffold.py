"""``octavo new``: a new anthology that builds at once, to be edited into a real one.

The files are templates kept here as strings, so that they ship inside the wheel
with the code. The manifest shows every commonly used key, the optional ones
commented out with what each does; the sample review shows every common
front-matter key. A test builds what this writes, so the templates stay valid.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass
from pathlib import Path

from .errors import OctavoError

MANIFEST = """\
# {title}: an anthology made by `octavo new`.
# Edit this file, add reviews to reviews/, then run `octavo check` and `octavo build`.
# Paths are relative to this folder. Lines starting with # are comments.

title = {title_toml}
# subtitle = "A Subtitle"             # printed under the title
editors = ["Your Name"]               # the title page; a list of names
# publisher = "Your Press"            # the title and copyright pages
language = "en"                       # BCP 47 (en, fr, pt-BR): hyphenation, quotation marks
date = {date}                    # the publication date
# isbn = "978-0-306-40615-7"         # the print edition's ISBN: copyright page, EPUB page list
# ebook_isbn = "978-0-13-110362-7"   # the e-book's ISBN: its identifier in the EPUB
# identifier = "urn:uuid:..."        # default: the e-book ISBN, else a UUID from the title
description = "A short description of the book, for e-book stores and libraries."
rights = "Text © {year} the contributors."
style = "classic"                     # a theme: classic, modern, ereader, or a theme folder
# cover = "cover.jpg"                 # an image 1600x2560 px; default: a typographic cover
reviews = "reviews"                   # the review folder; may be a shared library, "../library"
# allow_repeats = true                # let one review appear in two sections

[print]
trim = "trade"                        # trade (6x9in), digest, a5, pocket, or "6in 9in"
recto_starts = true                   # parts and the contents open on right-hand pages
# marks = true                        # crop marks on the screen PDF too
# bleed = "0.125in"                   # the bleed around the page, with marks
# pdf_variant = "pdf/ua-1"            # claim PDF/UA or PDF/A (pdf/a-3b...) for the screen PDF

[[front]]                             # front matter, in order
title = "Foreword"
file = "foreword.md"

[[sections]]                          # the parts of the book, in order
title = "Reviews"
# intro = "sections/reviews.md"       # text printed on the part's opening page
include = ["reviews/*.md"]            # files or globs, relative to this folder
sort = "title"                        # manual (include order), title, year, published,
                                      # rating (best first) or reviewer

# [[sections]]                        # a part chosen by metadata instead of file names
# title = "Favourites"
# select = {{ tags = ["favourite"] }}   # any of these tags; also kind, reviewer,
#                                     # year = "1990..1999", rating_min = "4/5"
# sort = "rating"                     # best first

[[back]]                              # back matter, in order
index = "works"                       # an index: works, reviewers, creators or publications

# [[back]]                            # "About the Contributors", from [[contributor]] tables
# contributors = "contributors.toml"  # each with name = "..." and bio = "..."

# [[back]]                            # acknowledgments: your thanks, then a credit line
# acknowledgments = true              # per review, from its first_published,
# file = "acknowledgments.md"         # rights_holder, permission or credit

# [[back]]                            # a page of your own
# title = "Afterword"
# file = "afterword.md"
"""

REVIEW = """\
---
# A sample review: replace it with your own. Only title and reviewer are required.
title: The Lodger                 # the reviewed work
kind: film                        # film, book, album, series, game, stage or other
year: 1927                        # the work's year
creator: Alfred Hitchcock         # director, author, artist: a name or a list
cast: [Ivor Novello, June Tripp, Marie Ault]
reviewer: Your Name               # the byline: a name or a list
publication: The Octavo Gazette   # where the review appeared
published: {date}              # when it appeared, YYYY-MM-DD
permission: own                   # may it be printed? granted, pending, public-domain, own
# rights_holder: Your Name        # who owns it (default: the reviewer)
# first_published: The Octavo Gazette, 2020-03-01   # default: publication, published
headline: A Stranger on the Stairs
rating: 4/5                       # N/M (3.5/4, 7/10) or a letter grade, A+ to F
certificate: PG                   # MPAA, BBFC, PEGI...
runtime: 90 min
tags: [thriller, silent]
pullquote: The camera looks up through a glass floor, and the whole house holds its breath.
showing: On the Octavo Film Club's winter programme.
# spoilers: true                 # it gives away the plot: the book prints a warning
# image: images/still.jpg         # relative to this file, with a description:
# image_alt: What the picture shows
# image_credit: Production still
# id: the-lodger                  # default: the file name without .md
---

A fog sits on London, a killer who signs himself the Avenger is working his way
through fair-haired young women, and at the door of a lodging house in Bloomsbury a
tall man in a muffler asks whether the room upstairs is still free. Hitchcock called
*The Lodger* the first true Hitchcock picture, and watching it now you can see why:
nearly everything he would spend the next fifty years refining is already here, in
rough and exciting form.

The story is simple and mean. The landlady's daughter, Daisy, is courted by a
policeman who is on the Avenger case; the new lodger turns the portraits of blonde
women in his room to the wall and goes out walking at night. Ivor Novello plays him
with a matinee idol's pallor and a sleepwalker's stillness, so that we are never sure
whether we are meant to fear him or to pity him. The film wants both, and mostly
gets both.

What stays with you is the camera. In the most famous shot the landlady and her
husband look up at the ceiling as the lodger paces overhead, and Hitchcock shows us
his feet through a floor of glass: sound, in a silent film, made visible. Newspaper
presses, neon signs and a crowd that turns into a mob in a few cuts give the city a
nervous pulse the script alone could not.

It is not a perfect film. The comedy of the jealous policeman is broad, and the
ending, which the studio insisted on, lets everyone off the hook a little too neatly.
But for ninety minutes it is a lesson in how to make an audience suspect a man for
no better reason than where the camera stands.
"""

FOREWORD = """\
This is the foreword of *{title}*: a page or two on what the book gathers, who
wrote the reviews, and how to read them. Its title, "Foreword", comes from
`anthology.toml`, like the title of every page in the front and back matter.

Replace this text with your own. It is Markdown: *italics*, **bold**, lists and
footnotes work here as they do in the reviews.
"""

README = """\
# {title}

An anthology made with Octavo. What to do next:

1. Edit `anthology.toml`: the title, the editors, the sections. Every key is
   explained in a comment beside it.
2. Put one Markdown file per review in `reviews/` (see `reviews/the-lodger.md`
   for every front-matter key), and write the foreword in `foreword.md`.
3. Run `octavo check` in this folder to find mistakes, each with its file and line.
4. Run `octavo build` to make the book's PDF and EPUB in `dist/`.

`octavo list` shows the reviews with their metadata.
"""


#: The sample review as ``octavo new`` writes it, any day: to tell it from a real one.
_SAMPLE = re.compile(re.escape(REVIEW).replace(re.escape("{date}"), r"\d{4}-\d{2}-\d{2}"))
#: Where ``octavo new`` puts the sample review.
SAMPLE_NAME = "reviews/the-lodger.md"


def is_untouched_sample(text: str) -> bool:
    """Whether ``text`` is the sample review ``octavo new`` wrote, unchanged."""
    return _SAMPLE.fullmatch(text.replace("\r\n", "\n")) is not None


@dataclass(frozen=True)
class Scaffold:
    """What ``octavo new`` wrote."""

    folder: Path
    files: tuple[Path, ...]


def title_from_folder(folder: Path) -> str:
    """A title made from the folder's name: ``my-reviews`` gives "My Reviews"."""
    words = re.split(r"[-_\s]+", folder.resolve().name)
    return " ".join(word[:1].upper() + word[1:] for word in words if word) or "My Anthology"


def scaffold(
    folder: Path,
    title: str | None = None,
    force: bool = False,
    today: dt.date | None = None,
    empty: bool = False,
) -> Scaffold:
    """Write a new anthology into ``folder``, which must be empty (or not exist).

    With ``force``, a folder that holds other files is accepted: the scaffold's own
    files are written over any of the same names, and nothing else is touched. With
    ``empty``, the reviews folder is made without the sample review (for a book whose
    reviews are to be imported).
    """
    folder = Path(folder)
    if folder.exists() and not folder.is_dir():
        raise OctavoError(
            f"{folder} is a file, not a folder", hint="name a new folder: octavo new my-book"
        )
    if folder.is_dir() and any(folder.iterdir()) and not force:
        raise OctavoError(
            f"the folder {folder} is not empty, so octavo new wrote nothing",
            hint="name a new or empty folder, or add --force to write the scaffold's files"
            " into it (files of the same names are replaced)",
        )
    title = " ".join((title or title_from_folder(folder)).split())
    if not title:
        raise OctavoError("the title is empty", hint='give one: --title "My Anthology"')
    day = today or dt.date.today()
    values = {
        "title": title,
        # A JSON string is a valid TOML basic string: quotes and backslashes escaped.
        "title_toml": json.dumps(title, ensure_ascii=False),
        "date": day.isoformat(),
        "year": str(day.year),
    }
    files = {
        "anthology.toml": MANIFEST,
        SAMPLE_NAME: REVIEW,
        "foreword.md": FOREWORD,
        "README.md": README,
    }
    if empty:
        del files[SAMPLE_NAME]
        (folder / "reviews").mkdir(parents=True, exist_ok=True)
    written = []
    for name, template in files.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(template.format(**values), encoding="utf-8")
        written.append(path)
    return Scaffold(folder, tuple(written))
