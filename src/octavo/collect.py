"""Step 2: put the manifest and the reviews together into an :class:`Anthology`.

Selection (``include`` globs and ``select`` queries: :mod:`.selection`), sort
orders, repeats, ids, front and back matter and generated indexes (:mod:`.matter`),
the cover. All validation has ended when :func:`collect` returns: either an
Anthology, or a report with errors.
"""

from __future__ import annotations

import dataclasses
import uuid
from collections.abc import Iterable
from pathlib import Path

from slugify import slugify

from .diagnostics import Report, shown_path
from .errors import Refused
from .limits import MAX_IMAGES
from .load.manifest import KeyLines, Manifest, line_for
from .load.many_reviews import load_reviews
from .load.markdown import MarkdownContext
from .load.print_spec import TRIMS
from .matter import back_matter, book_wording, front_matter, text_body
from .model import (
    AcknowledgmentsPage,
    Anthology,
    BackPage,
    Body,
    ContributorsPage,
    Image,
    PageSize,
    PrintOptions,
    Review,
    Section,
    TextPage,
)
from .render.ereader_images import COVER_HEIGHT, COVER_TOLERANCE, COVER_WIDTH
from .scripts import text_script
from .selection import choose, section_files, sort_reviews


@dataclasses.dataclass
class Inputs:
    """Everything collect needs: the manifest, where it lies, and how to read files."""

    manifest: Manifest
    manifest_path: Path
    lines: KeyLines
    reviews_folder: Path
    context: MarkdownContext

    @property
    def root(self) -> Path:
        return self.manifest_path.parent

    @property
    def report(self) -> Report:
        return self.context.report

    def error(self, code: str, location: tuple[str | int, ...], message: str, hint: str) -> None:
        self.report.error(code, message, self.manifest_path, line_for(location, self.lines), hint)


def collect(inputs: Inputs) -> Anthology | None:
    """Build the Anthology, or return None with the errors in ``inputs.report``."""
    manifest = inputs.manifest
    included = [section_files(inputs, i, spec) for i, spec in enumerate(manifest.sections)]
    library = _load_library(inputs, included)
    sections = _sections(inputs, library, included)
    front = front_matter(inputs)
    cover = _cover(inputs)
    sectioned = bool(manifest.sections)
    reviews = [review for section in sections for review in section.reviews]
    back = back_matter(inputs, reviews)
    _check_unique_targets(inputs, front, sections, back)
    bodies = [review.body for review in reviews] + [page.body for page in front]
    bodies += [page.body for page in back if isinstance(page, TextPage)]
    bodies += [p.body for p in back if isinstance(p, AcknowledgmentsPage) and p.body]
    bodies += [
        c.bio for page in back if isinstance(page, ContributorsPage) for c in page.contributors
    ]
    bodies += [section.intro for section in sections if section.intro]
    _check_image_count(inputs, reviews, bodies, cover)
    if inputs.report.has_errors():
        return None
    title = manifest.title
    return Anthology(
        root=inputs.root,
        title=title,
        subtitle=manifest.subtitle,
        editors=tuple(manifest.editors),
        publisher=manifest.publisher,
        language=manifest.language,
        date=manifest.date,
        identifier=book_identifier(manifest),
        isbn=manifest.isbn,
        ebook_isbn=manifest.ebook_isbn,
        labels=tuple(manifest.labels.items()),
        description=manifest.description,
        rights=manifest.rights,
        print=_print_options(manifest),
        check_ignore=tuple(manifest.check.ignore),
        style=manifest.style,
        cover=cover,
        back_cover=manifest.back_cover,
        front=front,
        sections=tuple(sections),
        back=tuple(back),
        sectioned=sectioned,
        slug=book_slug(title, inputs.root),
    )


#: Scripts that slugify spells out as the book's readers would. Others are romanised by
#: guesswork (Hebrew without its vowels, 映画手帖 read as Mandarin): such a book is
#: named after its folder instead.
_SPELLED_OUT = frozenset({"Latn", "Grek", "Cyrl"})


def book_slug(title: str, folder: Path) -> str:
    """The output files' name: the title's, or the folder's for a title in another script."""
    if text_script(title) not in (None, *_SPELLED_OUT):
        name = slugify(folder.resolve().name, max_length=60)
        if name:
            return name
    return slugify(title, max_length=60) or "book"


def book_identifier(manifest: Manifest) -> str:
    """The package's unique identifier: ``identifier``, else the e-book's ISBN, else a UUID.

    An explicit ``identifier`` wins, so that adding an ISBN to a book already sold
    does not make it a new book in readers' libraries.
    """
    if manifest.identifier:
        return manifest.identifier
    if manifest.ebook_isbn:
        return f"urn:isbn:{manifest.ebook_isbn}"
    return default_identifier(manifest.title)


def default_identifier(title: str) -> str:
    """A UUID derived from the title: stable from one build to the next."""
    return f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, 'octavo:' + title)}"


def _print_options(manifest: Manifest) -> PrintOptions:
    spec = manifest.print
    if spec.trim in TRIMS:
        width, height = TRIMS[spec.trim]
        size = PageSize(width, height, spec.trim)
    else:
        width, height = spec.trim.split()
        size = PageSize(width, height)
    return PrintOptions(
        size=size,
        bleed=spec.bleed,
        marks=spec.marks,
        recto_starts=spec.recto_starts,
        pdf_variant=spec.pdf_variant,
        balance=spec.balance,
        printer=spec.printer,
        paper=spec.paper,
        binding=spec.binding,
        spine=spec.spine,
        price_code=spec.price_code,
        max_pages=spec.max_pages,
        volume_isbns=tuple(spec.volume_isbns),
    )


# --- reviews ------------------------------------------------------------------------


def _load_library(inputs: Inputs, included: list[list[Path]]) -> dict[Path, Review]:
    """Load every review in the reviews folder and every file a section includes."""
    paths: list[Path] = []
    folder = inputs.reviews_folder
    if folder.is_dir():
        paths.extend(sorted(folder.rglob("*.md")))
    elif inputs.manifest.sections == [] or any(s.select for s in inputs.manifest.sections):
        inputs.error(
            "M107",
            ("reviews",),
            f"the reviews folder '{inputs.manifest.reviews}' does not exist",
            "create it and put the review files in it, or point 'reviews' at the right folder",
        )
    for section_paths in included:
        paths.extend(section_paths)
    # Each file once, by its real path; read (and named in messages) by the path it
    # was found at, so that a link out of the anthology is reported where it is.
    found: dict[Path, Path] = {}
    for path in paths:
        found.setdefault(inputs.context.resolver.real_path(path), path)
    library: dict[Path, Review] = {}
    by_id: dict[str, Path] = {}
    loaded = load_reviews(list(found.values()), inputs.context)
    for (real, path), (review, diagnostics) in zip(found.items(), loaded, strict=True):
        for diagnostic in diagnostics:
            inputs.report.add(diagnostic)
        if review is None:
            continue
        if review.id in by_id:
            inputs.report.error(
                "R212",
                f"the id '{review.id}' is already used by"
                f" {shown_path(by_id[review.id], inputs.root)}",
                path,
                1,
                hint="give one of the two reviews another 'id' (or another file name)",
            )
            continue
        by_id[review.id] = path
        library[real] = review
    return library


def _sections(
    inputs: Inputs, library: dict[Path, Review], included: list[list[Path]]
) -> list[Section]:
    manifest = inputs.manifest
    if not manifest.sections:
        everything = sort_reviews(list(library.values()), "title", manifest.language)
        return [Section(id="part-1", title=manifest.title, reviews=tuple(everything))]
    sections: list[Section] = []
    placed: dict[Path, int] = {}
    for index, spec in enumerate(manifest.sections):
        chosen = choose(inputs, index, spec, library, included[index])
        reviews: list[Review] = []
        for review in chosen:
            real = inputs.context.resolver.real_path(review.path)
            if real in placed and not manifest.allow_repeats:
                inputs.error(
                    "M108",
                    ("sections", index),
                    f"{shown_path(review.path, inputs.root)} is already in section"
                    f" '{manifest.sections[placed[real]].title}'",
                    "remove it from one of the sections, or set allow_repeats = true",
                )
                continue
            if real in placed:
                review = _repeat(review, index + 1)
            placed.setdefault(real, index)
            reviews.append(review)
        intro = None
        if spec.intro:
            intro = text_body(inputs, ("sections", index, "intro"), spec.intro, f"part-{index + 1}")
        section_id = spec.id or f"part-{index + 1}"
        sections.append(
            Section(
                section_id,
                spec.title,
                tuple(sort_reviews(reviews, spec.sort, manifest.language)),
                intro,
            )
        )
        if not reviews:
            inputs.report.warning(
                "M109",
                f"section '{spec.title}' holds no reviews",
                inputs.manifest_path,
                line_for(("sections", index), inputs.lines),
                "check its include and select keys",
            )
    # A review left out of the book is worth a warning only in the book's own reviews
    # folder: a library shared by several anthologies is there to be chosen from.
    reviews_folder = inputs.reviews_folder.resolve()
    if reviews_folder.is_relative_to(inputs.root.resolve()):
        for path in library:
            if path not in placed and path.is_relative_to(reviews_folder):
                inputs.report.warning(
                    "M106",
                    f"{shown_path(path, inputs.root)} is in no section, so it is not in the book",
                    path,
                    hint="include it in a section, or move it out of the reviews folder",
                )
    return sections


def _repeat(review: Review, number: int) -> Review:
    """A second appearance of a review (allow_repeats) needs ids of its own."""
    new_id = f"{review.id}-{number}"
    old, new = f"{review.anchor}--", f"r-{new_id}--"
    html = review.body.html.replace(f'"{old}', f'"{new}').replace(f'"#{old}', f'"#{new}')
    return dataclasses.replace(review, id=new_id, body=dataclasses.replace(review.body, html=html))


# --- the cover and the checks across the book ---------------------------------------


def _cover(inputs: Inputs) -> Image | None:
    reference = inputs.manifest.cover
    if reference is None:
        return None
    try:
        cover = inputs.context.resolver.image(
            reference,
            inputs.root,
            book_wording(inputs.manifest).format("Cover of %(title)s", title=inputs.manifest.title),
        )
    except Refused as refused:
        inputs.error("M105", ("cover",), f"cover: {refused.message}", refused.hint)
        return None
    ratio = cover.height / cover.width if cover.width else COVER_HEIGHT / COVER_WIDTH
    if abs(ratio / (COVER_HEIGHT / COVER_WIDTH) - 1) > COVER_TOLERANCE:
        inputs.report.warning(
            "M115",
            f"cover: the image is {cover.width}x{cover.height} pixels, not in the 1:1.6"
            " shape e-book stores ask for; the EPUB shows it whole on a padded background",
            inputs.manifest_path,
            line_for(("cover",), inputs.lines),
            hint=f"make the cover {COVER_WIDTH}x{COVER_HEIGHT} pixels",
        )
    return cover


def _check_unique_targets(
    inputs: Inputs,
    front: Iterable[TextPage],
    sections: Iterable[Section],
    back: Iterable[BackPage],
) -> None:
    seen: dict[str, str] = {}
    names = [(p.id, f"front page '{p.title}'") for p in front]
    for section in sections:
        names.append((section.id, f"section '{section.title}'"))
        names.extend((r.id, f"review {r.path.name}") for r in section.reviews)
    names.extend((p.id, f"back page '{p.title}'") for p in back)
    for name, what in names:
        if name in seen and seen[name] != what:
            inputs.error(
                "M110",
                (),
                f"the id '{name}' is used by both {seen[name]} and {what}",
                "give one of them another id",
            )
        seen.setdefault(name, what)


def _check_image_count(
    inputs: Inputs, reviews: list[Review], bodies: list[Body], cover: Image | None
) -> None:
    paths = {image.path for body in bodies for image in body.images.values()}
    paths |= {review.image.path for review in reviews if review.image}
    paths |= {cover.path} if cover else set()
    if len(paths) > MAX_IMAGES:
        inputs.report.error(
            "M112",
            f"the book uses {len(paths)} images, more than the {MAX_IMAGES} Octavo allows",
            inputs.manifest_path,
            hint="split the anthology into volumes",
        )
