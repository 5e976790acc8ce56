"""The loaders without the CLI: front matter, ratings, manifest lines, collect, Markdown."""

from __future__ import annotations

import re
import time
import uuid
from datetime import date
from pathlib import Path

import pytest

from octavo.api import Loaded, load_anthology
from octavo.diagnostics import Diagnostic, Report, Severity
from octavo.errors import ContentError
from octavo.load.frontmatter import split_front_matter
from octavo.load.html_policy import sanitise
from octavo.load.manifest import key_lines, line_for
from octavo.load.markdown import MAX_NESTING
from octavo.load.rating import parse_rating
from octavo.model import Review
from octavo.render import body_html

from .conftest import MakeAnthology

PATH = Path("review.md")


def split(text: str) -> tuple[dict[str, object], dict[str, str | None], str, int, Report]:
    """Split ``text``; return the values, the source texts, the body and its first line."""
    report = Report()
    source = split_front_matter(text, PATH, report)
    values = {key: field.value for key, field in source.fields.items()}
    texts = {key: field.text for key, field in source.fields.items()}
    return values, texts, source.body, source.body_line, report


def review_file(title: str, reviewer: str = "Ann Critic", **fields: str) -> str:
    """A review file with ``title``, a reviewer and any other front-matter lines."""
    lines = [f"title: {title}", f"reviewer: {reviewer}"]
    lines += [f"{key}: {value}" for key, value in fields.items()]
    return "---\n" + "\n".join(lines) + f"\n---\n\nA review of {title}.\n"


def load(make_anthology: MakeAnthology, files: dict[str, str | bytes | None]) -> Loaded:
    return load_anthology(make_anthology(files=files))


def load_errors(
    make_anthology: MakeAnthology, files: dict[str, str | bytes | None]
) -> list[Diagnostic]:
    with pytest.raises(ContentError) as caught:
        load_anthology(make_anthology(files=files))
    return caught.value.report.errors


def only_review(loaded: Loaded) -> Review:
    (review,) = loaded.anthology.reviews
    return review


def ids(reviews: tuple[Review, ...] | list[Review]) -> list[str]:
    return [review.id for review in reviews]


# --- front matter -------------------------------------------------------------------------


def test_front_matter_with_bom_and_crlf() -> None:
    text = "\ufeff---\r\ntitle: Sunrise\r\nreviewer: Ann Critic\r\n---\r\n\r\nBody line.\r\n"
    values, _, body, body_line, report = split(text)
    assert report.diagnostics == []
    assert values == {"title": "Sunrise", "reviewer": "Ann Critic"}
    assert body == "\nBody line.\n"
    assert body_line == 5


def test_front_matter_keeps_the_text_as_written() -> None:
    text = "---\nisbn: 0123\ntime: 12:30\ncountry: NO\nyear: 1927\nflag: true\n---\n"
    values, texts, _, _, report = split(text)
    assert report.diagnostics == []
    assert values == {"isbn": "0123", "time": "12:30", "country": "NO", "year": 1927, "flag": True}
    assert texts == {
        "isbn": "0123",
        "time": "12:30",
        "country": "NO",
        "year": "1927",
        "flag": "true",
    }


def test_text_fields_of_a_review_keep_the_text_as_written(make_anthology: MakeAnthology) -> None:
    review = only_review(
        load(
            make_anthology,
            {
                "reviews/alpha.md": review_file(
                    "1984", publication="0123", certificate="NO", runtime="1:30", isbn="0123"
                ),
                "reviews/beta.md": None,
            },
        )
    )
    assert review.title == "1984"
    assert review.publication == "0123"
    assert review.work.certificate == "NO"
    assert review.work.runtime == "1:30"
    assert review.extra == {"isbn": "0123"}


def test_toml_front_matter() -> None:
    text = '+++\ntitle = "Sunrise"\nreviewer = ["Ann", "Bo"]\nyear = 1927\n+++\nBody.\n'
    report = Report()
    source = split_front_matter(text, PATH, report)
    assert report.diagnostics == []
    assert {key: field.value for key, field in source.fields.items()} == {
        "title": "Sunrise",
        "reviewer": ["Ann", "Bo"],
        "year": 1927,
    }
    assert {key: field.line for key, field in source.fields.items()} == {
        "title": 2,
        "reviewer": 3,
        "year": 4,
    }
    assert source.body == "Body.\n"
    assert source.body_line == 6


def test_invalid_toml_front_matter_names_its_line() -> None:
    text = '+++\ntitle = "Sunrise"\nreviewer = "Ann\n+++\nBody.\n'
    _, _, _, _, report = split(text)
    assert [(d.code, d.line) for d in report.diagnostics] == [("R203", 3)]


def test_no_front_matter_is_all_body() -> None:
    text = "Just a text.\n\n--- not a fence\n"
    values, _, body, body_line, report = split(text)
    assert (values, body, body_line, report.diagnostics) == ({}, text, 1, [])


def test_billion_laughs_is_refused_quickly() -> None:
    lines = ["title: x", "a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    for previous, name in zip("abcdefgh", "bcdefghi", strict=True):
        lines.append(f"{name}: &{name} [" + ", ".join([f"*{previous}"] * 9) + "]")
    started = time.monotonic()
    values, _, _, _, report = split("---\n" + "\n".join(lines) + "\n---\n")
    assert time.monotonic() - started < 5
    assert report.errors
    assert {d.code for d in report.errors} == {"R203"}
    assert all("too many values" in d.message for d in report.errors)
    assert report.errors[0].hint == "remove the '&' anchors and '*' aliases"
    # the keys that expand to 9**5 values or more are dropped
    assert "i" not in values
    assert "e" not in values


@pytest.mark.parametrize("value", ["&a [*a]", "&a {b: *a}"])
def test_alias_inside_its_own_anchor_is_refused(value: str) -> None:
    values, _, _, _, report = split(f"---\ntitle: x\nloop: {value}\n---\n")
    assert [(d.code, d.line) for d in report.errors] == [("R203", 3)]
    assert "nested too deeply" in report.errors[0].message
    assert values == {"title": "x"}


def test_deeply_nested_brackets_are_refused() -> None:
    values, _, _, _, report = split("---\ntitle: " + "[" * 3000 + "]" * 3000 + "\n---\n")
    assert [(d.code, d.message) for d in report.errors] == [
        ("R203", "the front matter is nested too deeply")
    ]
    assert values == {}


@pytest.mark.parametrize(
    ("block", "line"),
    [
        ("title: [unclosed\nreviewer: Ann\nyear: 1927", 2),
        ('title: "unclosed\nreviewer: Ann\nyear: 1927', 2),
        ("title: x\nreviewer: Ann: Bo\nyear: 1927", 3),
        ("title: x\nreviewer: Ann\n- stray", 4),
    ],
    ids=["bracket", "quote", "colon", "stray-item"],
)
def test_invalid_yaml_names_the_line_of_the_mistake(block: str, line: int) -> None:
    _, _, _, _, report = split(f"---\n{block}\n---\nBody.\n")
    assert [(d.code, d.line) for d in report.errors] == [("R203", line)]


def test_yaml_tags_are_refused() -> None:
    _, _, _, _, report = split("---\ntitle: x\nsecret: !vault abc\n---\n")
    assert [(d.code, d.line, d.message) for d in report.errors] == [
        ("R203", 3, "YAML tags such as '!vault' are not allowed")
    ]


def test_python_tags_are_never_constructed(tmp_path: Path) -> None:
    marker = tmp_path / "pwned"
    text = f"---\ntitle: x\ncmd: !!python/object/apply:os.system [touch {marker}]\n---\n"
    values, _, _, _, report = split(text)
    assert "cmd" not in values
    (error,) = report.errors
    assert error.code == "R203"
    assert error.line == 3
    assert error.message == "YAML tags such as '!!python/object/apply:os.system' are not allowed"
    assert not marker.exists()


# --- ratings --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "fraction", "stars", "shapes", "spoken", "stars_spoken"),
    [
        ("4/5", 0.8, 4.0, "FFFFE", "4 out of 5", "4 out of 5 stars"),
        ("3.5/4", 0.875, 4.5, "FFFFH", "3.5 out of 4", "4.5 out of 5 stars"),
        ("7/10", 0.7, 3.5, "FFFHE", "7 out of 10", "3.5 out of 5 stars"),
        ("1/4", 0.25, 1.5, "FHEEE", "1 out of 4", "1.5 out of 5 stars"),  # 1.25 rounds up
        ("3/4", 0.75, 4.0, "FFFFE", "3 out of 4", "4 out of 5 stars"),  # 3.75 rounds up
        ("0/5", 0.0, 0.0, "EEEEE", "0 out of 5", "0 out of 5 stars"),
        ("B+", 0.75, 4.0, "FFFFE", "grade B+", "4 out of 5 stars"),
        ("b+", 0.75, 4.0, "FFFFE", "grade B+", "4 out of 5 stars"),
        ("A+", 1.0, 5.0, "FFFFF", "grade A+", "5 out of 5 stars"),
        ("D-", 1 / 12, 0.5, "HEEEE", "grade D-", "0.5 out of 5 stars"),
        ("F", 0.0, 0.0, "EEEEE", "grade F", "0 out of 5 stars"),
    ],
)
def test_rating(
    text: str, fraction: float, stars: float, shapes: str, spoken: str, stars_spoken: str
) -> None:
    rating = parse_rating(text)
    names = {"F": "full", "H": "half", "E": "empty"}
    assert rating.fraction == pytest.approx(fraction)
    assert rating.stars == stars
    assert rating.star_shapes == [names[shape] for shape in shapes]
    assert rating.spoken == spoken
    assert rating.stars_spoken == stars_spoken


def test_rating_keeps_what_was_written() -> None:
    assert (parse_rating(" 3.5 / 4 ").text, parse_rating("b+").text) == ("3.5/4", "B+")
    assert parse_rating("b+").grade == "B+"
    assert parse_rating("3.5/4").grade is None


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("eleventy", "'rating' must look like 4/5, 3.5/4 or B+, got 'eleventy'"),
        ("6/5", "'6/5' is more than its scale of 5"),
        ("3/0", "the scale of '3/0' must be more than 0"),
        ("A++", "'rating' must look like 4/5, 3.5/4 or B+, got 'A++'"),
        ("E", "'rating' must look like 4/5, 3.5/4 or B+, got 'E'"),
        ("F+", "'rating' must look like 4/5, 3.5/4 or B+, got 'F+'"),
        ("-1/5", "'rating' must look like 4/5, 3.5/4 or B+, got '-1/5'"),
    ],
)
def test_bad_rating(text: str, message: str) -> None:
    with pytest.raises(ValueError, match=f"^{re.escape(message)}$"):
        parse_rating(text)


# --- manifest lines -------------------------------------------------------------------------

MANIFEST = """\
title = "Silent Screen"
language = "en"

[print]
trim = "digest"

[[front]]
title = "Foreword"
file = "foreword.md"

[[sections]]
title = "The Comedians"
include = [
  "reviews/general.md",
]

[[sections]]  # the second part
title = "Nightmares"
select = { tags = ["horror"] }
sort = "year"
"""


def test_key_lines() -> None:
    lines = key_lines(MANIFEST)
    assert lines[("title",)] == 1
    assert lines[("language",)] == 2
    assert lines[("print",)] == 4
    assert lines[("print", "trim")] == 5
    assert lines[("front", 0)] == 7
    assert lines[("front", 0, "file")] == 9
    assert lines[("sections",)] == 11
    assert lines[("sections", 0)] == 11
    assert lines[("sections", 0, "include")] == 13
    assert lines[("sections", 1)] == 17
    assert lines[("sections", 1, "title")] == 18
    assert lines[("sections", 1, "select")] == 19
    assert lines[("sections", 1, "sort")] == 20
    assert ("sections", 0, "sort") not in lines


def test_line_for_falls_back_to_the_enclosing_key() -> None:
    lines = key_lines(MANIFEST)
    assert line_for(("sections", 0, "include", 0), lines) == 13
    assert line_for(("sections", 1, "select", "tags"), lines) == 19
    assert line_for(("sections", 0, "sort"), lines) == 11
    assert line_for(("back", 0), lines) is None


# --- collect: selection -----------------------------------------------------------------------

LIBRARY: dict[str, str | bytes | None] = {
    "reviews/alpha.md": None,
    "reviews/beta.md": None,
    "reviews/general.md": review_file(
        "The General", year="1926", rating="4/5", tags="[comedy, war]", published="2020-05-01"
    ),
    "reviews/trip.md": review_file(
        "A Trip to the Moon",
        year="1902",
        rating="B+",
        tags="[fantasy]",
        kind="film",
        published="2019-01-01",
        reviewer="Zed Zimmer",
    ),
    "reviews/metropolis.md": review_file(
        "Metropolis", year="1927", rating="7/10", tags="[Science-Fiction]", published="2021-03-03"
    ),
    "reviews/nosferatu.md": review_file(
        "Nosferatu",
        year="1922",
        rating="3.5/4",
        tags="[horror]",
        kind="film",
        reviewer="[Bo Brown, Ann Critic]",
    ),
    "reviews/potemkin.md": review_file("Battleship Potemkin", year="1925"),
    "reviews/caligari.md": review_file(
        "The Cabinet of Dr. Caligari", kind="film", year="1920", rating="A-", tags="[horror]"
    ),
    "reviews/novel.md": review_file("Dracula", kind="book", year="1897", rating="5/5"),
}


def sections_manifest(*sections: str, extra: str = "") -> str:
    parts = ['title = "Test Book"', extra]
    for number, body in enumerate(sections, start=1):
        parts.append(f'[[sections]]\ntitle = "Part {number}"\n{body}')
    return "\n".join(parts) + "\n"


def section_ids(make_anthology: MakeAnthology, *sections: str) -> list[list[str]]:
    loaded = load(make_anthology, {**LIBRARY, "anthology.toml": sections_manifest(*sections)})
    return [ids(section.reviews) for section in loaded.anthology.sections]


@pytest.mark.parametrize(
    ("select", "expected"),
    [
        ('select = { tags = ["horror"] }', ["caligari", "nosferatu"]),
        ('select = { tags = ["HORROR", "fantasy"] }', ["caligari", "nosferatu", "trip"]),
        ('select = { tags = ["science-fiction"] }', ["metropolis"]),
        ('select = { year = "1920..1925" }', ["caligari", "nosferatu", "potemkin"]),
        ("select = { year = 1926 }", ["general"]),
        ('select = { rating_min = "4/5" }', ["caligari", "general", "nosferatu", "novel"]),
        ('select = { rating_min = "B+" }', ["caligari", "general", "nosferatu", "novel", "trip"]),
        ('select = { reviewer = "zed zimmer" }', ["trip"]),
        ('select = { reviewer = ["Bo Brown"] }', ["nosferatu"]),
        ('select = { kind = "book" }', ["novel"]),
        ('select = { kind = "film", tags = ["horror"], year = "1921..1929" }', ["nosferatu"]),
    ],
    ids=[
        "tag", "tags-any-case", "tag-lower-cased", "year-range", "year", "rating-min",
        "rating-min-grade", "reviewer-casefold", "reviewer-list", "kind", "all-criteria",
    ],
)  # fmt: skip
def test_select(make_anthology: MakeAnthology, select: str, expected: list[str]) -> None:
    (chosen,) = section_ids(make_anthology, f'{select}\nsort = "manual"')
    assert sorted(chosen) == expected


@pytest.mark.parametrize(
    ("order", "expected"),
    [
        # "The General" files under G, "A Trip to the Moon" under T
        ("title", ["potemkin", "caligari", "novel", "general", "metropolis", "nosferatu", "trip"]),
        ("year", ["novel", "trip", "caligari", "nosferatu", "potemkin", "general", "metropolis"]),
        # best first (5/5, 3.5/4, A- = 10/12, 4/5, B+ = 9/12, 7/10); unrated last
        ("rating", ["novel", "nosferatu", "caligari", "general", "trip", "metropolis", "potemkin"]),
        # undated last, by title
        ("published", ["trip", "general", "metropolis", "potemkin", "caligari", "novel",
                       "nosferatu"]),
        # "Ann Critic" < "Bo Brown and Ann Critic" < "Zed Zimmer", then by title
        ("reviewer", ["potemkin", "caligari", "novel", "general", "metropolis", "nosferatu",
                      "trip"]),
    ],
)  # fmt: skip
def test_sort(make_anthology: MakeAnthology, order: str, expected: list[str]) -> None:
    (chosen,) = section_ids(make_anthology, f'include = ["reviews/*.md"]\nsort = "{order}"')
    assert chosen == expected


def test_manual_sort_keeps_the_include_order(make_anthology: MakeAnthology) -> None:
    include = 'include = ["reviews/trip.md", "reviews/general.md", "reviews/n*.md"]'
    assert section_ids(make_anthology, include) == [["trip", "general", "nosferatu", "novel"]]


def test_no_sections_means_every_review_by_title(make_anthology: MakeAnthology) -> None:
    loaded = load(make_anthology, LIBRARY)
    anthology = loaded.anthology
    assert anthology.sectioned is False
    assert len(anthology.sections) == 1
    assert ids(anthology.reviews) == [
        "potemkin", "caligari", "novel", "general", "metropolis", "nosferatu", "trip",
    ]  # fmt: skip
    assert [node.kind for node in anthology.toc] == ["review"] * 7
    assert loaded.report.diagnostics == []


def test_review_in_no_section_is_a_warning(make_anthology: MakeAnthology) -> None:
    loaded = load(
        make_anthology,
        {"anthology.toml": sections_manifest('include = ["reviews/alpha.md"]')},
    )
    assert ids(loaded.anthology.reviews) == ["alpha"]
    (warning,) = loaded.report.diagnostics
    assert warning.severity is Severity.WARNING
    assert warning.code == "M106"
    assert warning.message == "reviews/beta.md is in no section, so it is not in the book"


def test_empty_section_is_a_warning(make_anthology: MakeAnthology) -> None:
    manifest = sections_manifest(
        'include = ["reviews/*.md"]', 'select = { tags = ["nothing"] }', extra="# two parts"
    )
    loaded = load(make_anthology, {"anthology.toml": manifest})
    assert [ids(section.reviews) for section in loaded.anthology.sections] == [
        ["alpha", "beta"],
        [],
    ]
    (warning,) = loaded.report.diagnostics
    assert (warning.severity, warning.code, warning.line) == (Severity.WARNING, "M109", 6)
    assert warning.message == "section 'Part 2' holds no reviews"
    assert warning.path is not None
    assert warning.path.name == "anthology.toml"


def test_default_identifier_is_stable_and_derived_from_the_title(
    make_anthology: MakeAnthology,
) -> None:
    first = load_anthology(make_anthology(folder="one")).anthology.identifier
    again = load_anthology(make_anthology(folder="one")).anthology.identifier
    elsewhere = load_anthology(make_anthology(folder="two")).anthology.identifier
    retitled = load_anthology(
        make_anthology(files={"anthology.toml": 'title = "Other Book"\n'}, folder="three")
    ).anthology.identifier
    assert first == again == elsewhere
    assert first == f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, 'octavo:Test Book')}"
    assert uuid.UUID(first.removeprefix("urn:uuid:")).version == 5
    assert retitled != first


def test_an_explicit_identifier_wins(make_anthology: MakeAnthology) -> None:
    manifest = 'title = "Test Book"\nidentifier = "urn:isbn:9780000000000"\n'
    loaded = load(make_anthology, {"anthology.toml": manifest})
    assert loaded.anthology.identifier == "urn:isbn:9780000000000"


def test_unknown_keys_are_kept_in_extra(make_anthology: MakeAnthology) -> None:
    text = review_file("Alpha", mood="wistful", scores="[1, 2]", isbn="0123", rating="4/5")
    review = only_review(load(make_anthology, {"reviews/alpha.md": text, "reviews/beta.md": None}))
    assert review.extra == {"mood": "wistful", "scores": [1, 2], "isbn": "0123"}
    assert review.rating is not None
    assert review.rating.text == "4/5"


# --- Markdown ---------------------------------------------------------------------------------


def body_of(make_anthology: MakeAnthology, body: str, **fields: str) -> Review:
    lines = ["title: Alpha", "reviewer: Ann Critic"] + [f"{k}: {v}" for k, v in fields.items()]
    text = "---\n" + "\n".join(lines) + "\n---\n\n" + body
    return only_review(load(make_anthology, {"reviews/alpha.md": text, "reviews/beta.md": None}))


def test_the_sanitiser_removes_what_the_checks_might_miss() -> None:
    html = sanitise(
        "<p>Before.</p>"
        "<script>alert('boo')</script>"
        '<iframe src="https://example.com/"></iframe>'
        '<object data="x.swf"></object>'
        '<p onclick="steal()" style="color: red" class="note">Kept <a href="javascript:x()">'
        "link</a></p>"
        '<link rel="attachment" href="file:///etc/hostname">'
        "<p>After.</p>"
    )
    for gone in ("<script", "alert", "<iframe", "example.com", "<object", "x.swf",
                 "onclick", "steal", "style=", "color: red", "javascript", "<link",
                 "hostname"):  # fmt: skip
        assert gone not in html
    assert '<p class="note">Kept <a>link</a></p>' in html
    assert "<p>Before.</p>" in html
    assert "<p>After.</p>" in html


def test_harmless_unknown_tags_lose_their_markup_not_their_text(
    make_anthology: MakeAnthology,
) -> None:
    html = body_of(
        make_anthology, "<center>Middle</center> and <font>old</font> words.\n"
    ).body.html
    assert "Middle" in html
    assert "old" in html
    assert "<center" not in html
    assert "<font" not in html


def test_footnote_ids_are_prefixed_with_the_review_anchor(make_anthology: MakeAnthology) -> None:
    review = body_of(make_anthology, "Text[^1] and more[^note].\n\n[^1]: One.\n\n[^note]: Two.\n")
    html = review.body.html
    assert review.anchor == "r-alpha"
    assert '<a href="#r-alpha--fn1" id="r-alpha--fnref1">1</a>' in html
    assert '<a href="#r-alpha--fn2" id="r-alpha--fnref2">2</a>' in html
    assert '<li id="r-alpha--fn1" class="footnote-item">' in html
    assert '<li id="r-alpha--fn2" class="footnote-item">' in html
    assert '<a href="#r-alpha--fnref1" class="footnote-backref"' in html
    assert 'id="fn' not in html
    assert 'href="#fn' not in html


def test_footnote_ids_follow_an_explicit_review_id(make_anthology: MakeAnthology) -> None:
    review = body_of(make_anthology, "Text[^1].\n\n[^1]: One.\n", id="blue-valentine")
    assert review.id == "blue-valentine"
    assert (
        '<a href="#r-blue-valentine--fn1" id="r-blue-valentine--fnref1">1</a>' in review.body.html
    )


def test_headings_keep_their_levels_and_close_up_under_the_title(
    make_anthology: MakeAnthology,
) -> None:
    body = body_of(make_anthology, "# Top\n\n## Next\n\n##### Deep\n").body
    assert body.html.splitlines() == ["<h1>Top</h1>", "<h2>Next</h2>", "<h5>Deep</h5>"]
    html = body_html(body, lambda image: "", parent=2)
    assert html.splitlines() == [
        '<h3 class="h-level-1">Top</h3>',
        '<h4 class="h-level-2">Next</h4>',
        '<h5 class="h-level-3">Deep</h5>',
    ]


def test_six_heading_levels_stay_distinct_below_a_title(make_anthology: MakeAnthology) -> None:
    levels = range(1, 7)
    source = "".join(f"{{.mine}}\n{'#' * level} Level {level}\n\ntext\n\n" for level in levels)
    html = body_html(body_of(make_anthology, source).body, lambda image: "", parent=2)
    headings = [line for line in html.splitlines() if "Level" in line]
    assert headings == [
        '<h3 class="h-level-1 mine">Level 1</h3>',
        '<h4 class="h-level-2 mine">Level 2</h4>',
        '<h5 class="h-level-3 mine">Level 3</h5>',
        '<h6 class="h-level-4 mine">Level 4</h6>',
        '<p class="heading h-level-5 mine" role="heading" aria-level="7">Level 5</p>',
        '<p class="heading h-level-6 mine" role="heading" aria-level="8">Level 6</p>',
    ]


def test_nesting_deeper_than_the_limit_is_an_error(make_anthology: MakeAnthology) -> None:
    assert MAX_NESTING < 60
    body = "Intro.\n\n" + "> " * 60 + "Lost text.\n"
    errors = load_errors(make_anthology, {"reviews/alpha.md": review_file("Alpha") + "\n" + body})
    (error,) = errors
    assert error.code == "R211"
    assert error.path is not None
    assert error.path.name == "alpha.md"
    # 4 lines of front matter, blank, "A review of Alpha.", blank, "Intro.", blank, the quotes
    assert error.line == 10


def test_nesting_within_the_limit_is_kept(make_anthology: MakeAnthology) -> None:
    html = body_of(make_anthology, "> " * 10 + "Deep text.\n").body.html
    assert html.count("<blockquote>") == 10
    assert "Deep text." in html


def test_typographic_quotes_in_body_and_metadata(make_anthology: MakeAnthology) -> None:
    review = body_of(
        make_anthology,
        "She said \"hello\" and it's 'fine' -- really.\n",
        headline="'A \"quoted\" headline'",
        pullquote='It\'s a "triumph"',
    )
    assert "<p>She said “hello” and it’s ‘fine’ – really.</p>" in review.body.html
    assert review.headline == "A “quoted” headline"
    assert review.pullquote == "It’s a “triumph”"
    # metadata is text, not Markdown: no emphasis, no links
    plain = body_of(make_anthology, "Body.\n", headline="'*Stars* [and] \"bars\"'")
    assert plain.headline == "*Stars* [and] “bars”"


def test_a_misspelt_key_is_kept_and_warned_about(make_anthology: MakeAnthology) -> None:
    book = make_anthology(
        {"reviews/alpha.md": "---\ntitle: Alpha\nreviewer: Ann\nratng: 4/5\n---\n\nText.\n"}
    )
    loaded = load_anthology(book)
    (warning,) = [d for d in loaded.report.diagnostics if d.code == "R213"]
    assert warning.line == 4
    assert warning.hint == "did you mean 'rating'?"
    alpha = next(r for r in loaded.anthology.reviews if r.id == "alpha")
    assert alpha.extra == {"ratng": "4/5"}
    assert alpha.rating is None


def test_front_matter_in_a_foreword_is_reported(make_anthology: MakeAnthology) -> None:
    book = make_anthology(
        {
            "anthology.toml": 'title = "T"\n[[front]]\ntitle = "Foreword"\nfile = "f.md"\n',
            "f.md": "---\ntitle: Something else\n---\n\nWords.\n",
        }
    )
    loaded = load_anthology(book)
    assert [(d.code, d.path.name if d.path else None) for d in loaded.report.diagnostics] == [
        ("R214", "f.md")
    ]


def test_contributors_file_problems_are_reported(make_anthology: MakeAnthology) -> None:
    book = make_anthology(
        {
            "anthology.toml": 'title = "T"\n[[back]]\ncontributors = "people.toml"\n',
            "people.toml": '[[contributor]]\nname = "Ann Critic"\nbio = "Writes."\n\n'
            '[[contributor]]\nname = "Bob"\nbiography = "typo"\n',
        }
    )
    with pytest.raises(ContentError) as error:
        load_anthology(book)
    (problem,) = error.value.report.errors
    assert (problem.code, problem.path.name if problem.path else "", problem.line) == (
        "M113",
        "people.toml",
        5,
    )
    assert "unknown: biography" in problem.message


def test_a_reviewer_without_a_bio_is_a_warning(make_anthology: MakeAnthology) -> None:
    book = make_anthology(
        {
            "anthology.toml": 'title = "T"\n[[back]]\ncontributors = "people.toml"\n',
            "people.toml": '[[contributor]]\nname = "Someone Else"\nbio = "Edits."\n',
        }
    )
    loaded = load_anthology(book)
    assert [(d.code, d.message) for d in loaded.report.diagnostics] == [
        ("M114", "Ann Critic reviews in this book but has no entry in people.toml")
    ]
    (page,) = loaded.anthology.back
    assert [(c.name, c.review_ids) for c in page.contributors] == [("Someone Else", ())]


@pytest.mark.parametrize("written", ['"1995-11-06"', "'1995-11-06'"])
def test_a_quoted_date_is_a_date(make_anthology: MakeAnthology, written: str) -> None:
    review = body_of(make_anthology, "Text.\n", published=written)
    assert review.published == date(1995, 11, 6)


@pytest.mark.parametrize("written", ['"1995-02-30"', '"19951106"', '"6 Nov 1995"'])
def test_a_quoted_text_that_is_no_date_is_refused(
    make_anthology: MakeAnthology, written: str
) -> None:
    source = review_file("Alpha", published=written)
    (error,) = load_errors(make_anthology, {"reviews/alpha.md": source, "reviews/beta.md": None})
    assert error.code == "R202"
    assert "YYYY-MM-DD" in error.message
