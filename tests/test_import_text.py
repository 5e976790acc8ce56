"""The plain-text importer: parsing, rendering the review file, and writing it."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from octavo.diagnostics import Diagnostic
from octavo.errors import ContentError
from octavo.importers.text import (
    ImportedReview,
    import_text,
    import_text_files,
    parse_text_review,
    render_review_file,
    slug_for,
)

SEEDS = Path(__file__).resolve().parents[2] / "shared" / "seeds"
SEED = SEEDS / "000_d95669fbebcdb31f.txt"
SOURCE = Path("review.txt")

BODY = "It clamps on the heart like an industrial vise.\n\nIt's a triumph that stings to the core."


@pytest.fixture
def seed_text() -> str:
    if not SEED.exists():
        pytest.skip(f"the seed review {SEED} is absent (it lives outside the repository)")
    return SEED.read_text(encoding="utf-8")


def diagnostics(error: pytest.ExceptionInfo[ContentError]) -> list[Diagnostic]:
    return error.value.report.diagnostics


def codes(error: pytest.ExceptionInfo[ContentError]) -> list[str]:
    return [diagnostic.code for diagnostic in diagnostics(error)]


def front_matter(text: str) -> dict[str, object]:
    assert text.startswith("---\n")
    head, _, _ = text[4:].partition("\n---\n")
    loaded = yaml.safe_load(head)
    assert isinstance(loaded, dict)
    return loaded


# --- the seed -----------------------------------------------------------------------------


def test_seed_metadata(seed_text: str) -> None:
    review = parse_text_review(seed_text, SEED)
    assert review.title == "Blue Valentine"
    assert review.reviewer == ["AP Kryza"]
    assert review.certificate == "R"
    assert review.showing == "Opens Friday at Fox Tower."
    assert review.source == SEED


def test_seed_body_is_the_five_paragraphs_unchanged(seed_text: str) -> None:
    expected = seed_text.split("\n\n")[:5]
    assert expected[-1].endswith(" R. AP KRYZA.")
    expected[-1] = expected[-1].removesuffix(" R. AP KRYZA.")

    body = parse_text_review(seed_text, SEED).body

    assert body == expected
    assert body[-1].endswith("It's a triumph that stings to the core.")
    assert "feel—even if" in body[2]  # the em dashes survive


@pytest.mark.parametrize(
    "variant",
    [
        pytest.param(lambda text: text.replace("\n", "\r\n"), id="crlf"),
        pytest.param(lambda text: "\ufeff" + text, id="bom"),
        pytest.param(lambda text: "\ufeff" + text.replace("\n", "\r\n"), id="bom-crlf"),
        pytest.param(lambda text: text.replace("\n", " \t\n") + "\n\n", id="trailing-space"),
    ],
)
def test_seed_variants_read_the_same(seed_text: str, variant: object) -> None:
    assert callable(variant)
    expected = parse_text_review(seed_text, SEED)
    assert parse_text_review(variant(seed_text), SEED) == expected


def test_seed_renders_the_expected_front_matter(seed_text: str) -> None:
    text = render_review_file(parse_text_review(seed_text, SEED))
    assert text.startswith(
        "---\n"
        'title: "Blue Valentine"\n'
        "kind: film\n"
        'reviewer: "AP Kryza"\n'
        'certificate: "R"\n'
        'showing: "Opens Friday at Fox Tower."\n'
        "---\n"
        "\n"
        "In Blue Valentine's most iconic sequence,"
    )
    assert text.endswith("stings to the core.\n")
    assert not text.endswith("\n\n")


# --- sign-off, title and showing line ---------------------------------------------------------


def test_review_without_certificate() -> None:
    review = parse_text_review(f"{BODY} AP KRYZA.\n\nBlue Valentine\n", SOURCE)
    assert review.certificate is None
    assert review.reviewer == ["AP Kryza"]
    assert review.showing is None
    assert review.body == BODY.split("\n\n")


def test_sign_off_as_its_own_paragraph() -> None:
    text = f"{BODY}\n\nR. AP KRYZA.\n\nBlue Valentine\n\nopens Friday at Fox Tower.\n"
    review = parse_text_review(text, SOURCE)
    assert (review.title, review.reviewer, review.certificate) == (
        "Blue Valentine",
        ["AP Kryza"],
        "R",
    )
    assert review.showing == "Opens Friday at Fox Tower."
    assert review.body == BODY.split("\n\n")


def test_sign_off_paragraph_without_certificate() -> None:
    review = parse_text_review(f"{BODY}\n\nAP KRYZA.\n\nBlue Valentine\n", SOURCE)
    assert (review.reviewer, review.certificate) == (["AP Kryza"], None)
    assert review.body == BODY.split("\n\n")


def test_showing_line_before_the_title() -> None:
    text = f"{BODY} R. AP KRYZA.\n\nopens Friday at Fox Tower.\n\nBlue Valentine\n"
    review = parse_text_review(text, SOURCE)
    assert review.title == "Blue Valentine"
    assert review.showing == "Opens Friday at Fox Tower."


def test_title_that_looks_like_a_showing_line() -> None:
    text = f"{BODY} PG. AP KRYZA.\n\nOpening Night\n\nnow playing at Cinema 21.\n"
    review = parse_text_review(text, SOURCE)
    assert review.title == "Opening Night"
    assert review.showing == "Now playing at Cinema 21."
    assert review.certificate == "PG"


def test_all_caps_sign_off_paragraph_without_period_is_not_the_title() -> None:
    review = parse_text_review(f"{BODY}\n\nAP KRYZA\n\nBLUE VALENTINE\n", SOURCE)
    assert review.reviewer == ["AP Kryza"]
    assert review.title == "BLUE VALENTINE"


def test_title_is_the_line_that_looks_least_like_something_else() -> None:
    # "Out of Sight" could be a showing line and "AP KRYZA" a sign-off; one is the title.
    review = parse_text_review(f"{BODY}\n\nOut of Sight\n\nAP KRYZA\n", SOURCE)
    assert review.title == "Out of Sight"
    assert review.reviewer == ["AP Kryza"]
    assert review.showing is None


def test_title_in_capitals_before_a_weak_showing_line() -> None:
    # "BLUE VALENTINE" could be a sign-off and "playing now" a title; the body has
    # the sign-off already, and "playing now" reads as a showing line.
    text = f"{BODY} R. AP KRYZA.\n\nBLUE VALENTINE\n\nplaying now\n"
    review = parse_text_review(text, SOURCE)
    assert review.title == "BLUE VALENTINE"
    assert review.showing == "Playing now"
    assert review.reviewer == ["AP Kryza"]


def test_title_ending_in_an_exclamation_mark() -> None:
    review = parse_text_review(f"{BODY} PG. AP KRYZA.\n\nAirplane!\n", SOURCE)
    assert review.title == "Airplane!"


def test_short_last_paragraph_with_a_weekday_stays_in_the_body() -> None:
    text = "It is a film.\n\nSee it on Friday. R. AP KRYZA.\n\nBlue Valentine\n"
    review = parse_text_review(text, SOURCE)
    assert review.body == ["It is a film.", "See it on Friday."]
    assert review.showing is None


def test_capitalised_sentence_before_the_sign_off_stays_in_the_body() -> None:
    text = "He joined the FBI. AP KRYZA.\n\nBlue Valentine\n"
    review = parse_text_review(text, SOURCE)
    assert review.body == ["He joined the FBI."]
    assert review.reviewer == ["AP Kryza"]


def test_hard_wrapped_paragraphs_keep_their_lines() -> None:
    text = "First line\nsecond line.\n\nLast line\nof the review.\nR. AP KRYZA.\n\nBlue Valentine\n"
    review = parse_text_review(text, SOURCE)
    assert review.body == ["First line\nsecond line.", "Last line\nof the review."]
    assert review.certificate == "R"


@pytest.mark.parametrize(
    ("sign_off", "certificate"),
    [
        ("R.", "R"),
        ("PG-13.", "PG-13"),
        ("NC-17.", "NC-17"),
        ("NR.", "NR"),
        ("NOT RATED.", "Not Rated"),
        ("Not Rated.", "Not Rated"),
        ("UNRATED.", "Unrated"),
        ("12A.", "12A"),
        ("15.", "15"),
        ("R18.", "R18"),
        ("U.", "U"),
    ],
)
def test_certificates(sign_off: str, certificate: str) -> None:
    review = parse_text_review(f"{BODY} {sign_off} MARC MOHAN.\n\nBlue Valentine\n", SOURCE)
    assert review.certificate == certificate
    assert review.reviewer == ["Marc Mohan"]
    assert review.body[-1] == "It's a triumph that stings to the core."


@pytest.mark.parametrize(
    ("written", "reviewer"),
    [
        ("J.R.R. TOLKIEN", ["J.R.R. Tolkien"]),
        ("MARC MOHAN", ["Marc Mohan"]),
        ("ED O'BRIEN", ["Ed O'Brien"]),
        ("AP KRYZA", ["AP Kryza"]),
        ("J. HOBERMAN", ["J. Hoberman"]),
        ("JEAN-LUC GODARD", ["Jean-Luc Godard"]),
        ("SHAWN MCDONALD", ["Shawn McDonald"]),
        ("JOHN WU", ["John Wu"]),
        ("MARTIN LUTHER KING JR", ["Martin Luther King Jr."]),
        ("JOSÉ GARCÍA", ["José García"]),
        ("MARC MOHAN AND AP KRYZA", ["Marc Mohan", "AP Kryza"]),
        ("MARC MOHAN & AP KRYZA", ["Marc Mohan", "AP Kryza"]),
    ],
)
def test_reviewer_name_casing(written: str, reviewer: list[str]) -> None:
    review = parse_text_review(f"{BODY} R. {written}.\n\nBlue Valentine\n", SOURCE)
    assert review.reviewer == reviewer
    assert review.certificate == "R"


# --- refusals ----------------------------------------------------------------------------------


def test_no_title_is_I501() -> None:
    text = f"{BODY} R. AP KRYZA.\n\nopens Friday at Fox Tower.\n"
    with pytest.raises(ContentError) as error:
        parse_text_review(text, SOURCE)
    [diagnostic] = diagnostics(error)
    assert (diagnostic.code, diagnostic.path, diagnostic.line) == ("I501", SOURCE, 5)
    assert "title" in diagnostic.message
    assert diagnostic.hint is not None
    assert "line of its own" in diagnostic.hint


def test_a_clear_showing_line_is_never_the_title() -> None:
    with pytest.raises(ContentError) as error:
        parse_text_review(f"{BODY} R. AP KRYZA.\n\nOpens Friday at Fox Tower\n", SOURCE)
    assert codes(error) == ["I501"]


def test_no_sign_off_is_I502() -> None:
    with pytest.raises(ContentError) as error:
        parse_text_review(f"{BODY}\n\nBlue Valentine\n", SOURCE)
    [diagnostic] = diagnostics(error)
    assert (diagnostic.code, diagnostic.path, diagnostic.line) == ("I502", SOURCE, 3)
    assert "AP KRYZA" in diagnostic.message
    assert diagnostic.hint is not None


def test_no_title_and_no_sign_off_are_both_reported() -> None:
    with pytest.raises(ContentError) as error:
        parse_text_review(f"{BODY}\n", SOURCE)
    assert codes(error) == ["I501", "I502"]


@pytest.mark.parametrize("text", ["", "\ufeff", " \n\r\n\t\n"])
def test_empty_file_is_I503(text: str) -> None:
    with pytest.raises(ContentError) as error:
        parse_text_review(text, SOURCE)
    [diagnostic] = diagnostics(error)
    assert (diagnostic.code, diagnostic.path) == ("I503", SOURCE)


def test_not_utf8_is_I504_with_the_byte_offset(tmp_path: Path) -> None:
    source = tmp_path / "latin1.txt"
    source.write_bytes("Body.\n\nCaf\xe9 AP KRYZA.\n\nBlue Valentine\n".encode("latin-1"))
    out = tmp_path / "out"
    with pytest.raises(ContentError) as error:
        import_text_files([source], out)
    [diagnostic] = diagnostics(error)
    assert (diagnostic.code, diagnostic.path, diagnostic.line) == ("I504", source, 3)
    assert "offset 10" in diagnostic.message
    assert "0xE9" in diagnostic.message
    assert not out.exists()


def test_existing_target_not_made_by_import_is_skipped(tmp_path: Path) -> None:
    # Changed with the import record: a file octavo import did not write is left
    # alone (it used to stop the whole import with I505, now retired).
    out = tmp_path / "out"
    out.mkdir()
    existing = out / "blue-valentine.md"
    existing.write_text("mine\n", encoding="utf-8")
    blue = write(tmp_path / "blue.txt", f"{BODY} R. AP KRYZA.\n\nBlue Valentine\n")
    other = write(tmp_path / "other.txt", f"{BODY} R. AP KRYZA.\n\nHalf Nelson\n")

    result = import_text([other, blue], out)

    assert [(o.action, o.path.name) for o in result.outcomes] == [
        ("created", "half-nelson.md"),
        ("skipped", "blue-valentine.md"),
    ]
    assert result.outcomes[1].reason == "not made by octavo import; --force to overwrite it"
    assert existing.read_text(encoding="utf-8") == "mine\n"


def test_force_overwrites_an_existing_target(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "blue-valentine.md").write_text("mine\n", encoding="utf-8")
    blue = write(tmp_path / "blue.txt", f"{BODY} R. AP KRYZA.\n\nBlue Valentine\n")

    [written] = import_text_files([blue], out, force=True)

    assert written == out / "blue-valentine.md"
    assert front_matter(written.read_text(encoding="utf-8"))["title"] == "Blue Valentine"


def test_same_slug_twice_gets_a_number(tmp_path: Path) -> None:
    # Changed with the import record: the second review of a title gets "-2" (it used
    # to stop the import with I506, now retired).
    first = write(tmp_path / "a.txt", f"{BODY} R. AP KRYZA.\n\nBlue Valentine\n")
    second = write(tmp_path / "b.txt", f"{BODY} MARC MOHAN.\n\nBLUE VALENTINE!\n")
    out = tmp_path / "out"

    written = import_text_files([first, second], out)

    assert written == [out / "blue-valentine.md", out / "blue-valentine-2.md"]
    assert front_matter(written[1].read_text(encoding="utf-8"))["reviewer"] == "Marc Mohan"


def test_a_folder_imports_its_txt_files_sorted(tmp_path: Path) -> None:
    folder = tmp_path / "texts"
    folder.mkdir()
    write(folder / "b.txt", f"{BODY} R. AP KRYZA.\n\nHalf Nelson\n")
    write(folder / "a.txt", f"{BODY} R. AP KRYZA.\n\nBlue Valentine\n")
    write(folder / "notes.md", "not a review\n")
    out = tmp_path / "out"

    written = import_text_files([folder], out)

    assert written == [out / "blue-valentine.md", out / "half-nelson.md"]


def test_a_folder_without_txt_files_is_I519(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    with pytest.raises(ContentError) as error:
        import_text_files([tmp_path / "empty"], tmp_path / "out")
    assert codes(error) == ["I519"]
    assert not (tmp_path / "out").exists()


def test_importing_twice_changes_nothing(tmp_path: Path) -> None:
    blue = write(tmp_path / "blue.txt", f"{BODY} R. AP KRYZA.\n\nBlue Valentine\n")
    out = tmp_path / "out"
    import_text([blue], out)
    before = {path.name: (path.stat().st_mtime_ns, path.read_bytes()) for path in out.iterdir()}

    again = import_text([blue], out)

    assert [o.action for o in again.outcomes] == ["unchanged"]
    after = {path.name: (path.stat().st_mtime_ns, path.read_bytes()) for path in out.iterdir()}
    assert after == before


def test_every_bad_file_is_reported_before_stopping(tmp_path: Path) -> None:
    good = write(tmp_path / "good.txt", f"{BODY} R. AP KRYZA.\n\nBlue Valentine\n")
    untitled = write(tmp_path / "untitled.txt", f"{BODY} R. AP KRYZA.\n")
    empty = write(tmp_path / "empty.txt", "")
    out = tmp_path / "out"

    with pytest.raises(ContentError) as error:
        import_text_files([untitled, good, empty], out)

    assert [(d.code, d.path) for d in diagnostics(error)] == [
        ("I501", untitled),
        ("I503", empty),
    ]
    assert not out.exists()


# --- the review file -----------------------------------------------------------------------------

NASTY = [
    '"quoted"',
    "it's",
    "key: value",
    "# not a comment",
    "- leading dash",
    "NO",
    "yes",
    "0123",
    "12:30",
    "1e3",
    ".inf",
    "0x1F",
    "2011-01-12",
    "~",
    "null",
    "",
    "  spaces around  ",
    "back\\slash",
    "tab\tand\nnewline\r",
    "nul\x00bell\x07escape\x1bdel\x7f",
    "[flow], {map}",
    "&anchor *alias !tag %percent @at `tick",
    "| > ---",
    "...",
    "next line\x85line sep\u2028para sep\u2029",
    "bom\ufeff nbsp\xa0 é — “curly” 🎬",
    "\ufffe\uffff",
]


def nasty_review(value: str, reviewer: list[str]) -> ImportedReview:
    return ImportedReview(
        title=value,
        reviewer=reviewer,
        certificate=value,
        showing=value,
        body=["Text."],
        source=SOURCE,
    )


@pytest.mark.parametrize("value", NASTY)
def test_front_matter_values_round_trip_through_yaml(value: str) -> None:
    text = render_review_file(nasty_review(value, [value]))
    assert front_matter(text) == {
        "title": value,
        "kind": "film",
        "reviewer": value,
        "certificate": value,
        "showing": value,
    }


def test_several_reviewers_are_a_yaml_list() -> None:
    reviewers = ["AP Kryza", *NASTY]
    loaded = front_matter(render_review_file(nasty_review("x", reviewers)))
    assert loaded["reviewer"] == reviewers


def test_review_file_layout() -> None:
    review = ImportedReview(
        title="Blue Valentine",
        reviewer=["AP Kryza"],
        certificate=None,
        showing=None,
        body=["One — two.", "Three\nfour."],
        source=SOURCE,
    )
    assert render_review_file(review) == (
        "---\n"
        'title: "Blue Valentine"\n'
        "kind: film\n"
        'reviewer: "AP Kryza"\n'
        "---\n"
        "\n"
        "One — two.\n"
        "\n"
        "Three\nfour.\n"
    )


def test_front_matter_key_order() -> None:
    text = render_review_file(nasty_review("x", ["A", "B"]))
    assert list(front_matter(text)) == ["title", "kind", "reviewer", "certificate", "showing"]


@pytest.mark.parametrize(
    ("title", "slug"),
    [
        ("Blue Valentine", "blue-valentine"),
        ("Amélie", "amelie"),
        ("Airplane!", "airplane"),
        ("!!!", "review"),
        ("", "review"),
    ],
)
def test_slug_for(title: str, slug: str) -> None:
    assert slug_for(title) == slug


def test_slug_is_at_most_80_characters() -> None:
    slug = slug_for("word " * 40)
    assert 0 < len(slug) <= 80
    assert slug.startswith("word-word")
    assert not slug.endswith("-")


# --- writing -------------------------------------------------------------------------------------


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_import_writes_one_review_file_per_input(tmp_path: Path, seed_text: str) -> None:
    seed = write(tmp_path / "seed.txt", seed_text)
    other = tmp_path / "other.txt"
    other.write_bytes(
        "\ufeffA fine film.\r\n\r\nIt ends well. PG-13. MARC MOHAN.\r\n\r\nHalf Nelson\r\n".encode()
    )
    out = tmp_path / "reviews"

    written = import_text_files([seed, other], out)

    assert written == [out / "blue-valentine.md", out / "half-nelson.md"]
    assert sorted(path.name for path in out.iterdir()) == [
        ".octavo-import.json",
        "blue-valentine.md",
        "half-nelson.md",
    ]
    assert written[0].read_text(encoding="utf-8") == render_review_file(
        parse_text_review(seed_text, seed)
    )
    half_nelson = written[1].read_text(encoding="utf-8")
    assert front_matter(half_nelson) == {
        "title": "Half Nelson",
        "kind": "film",
        "reviewer": "Marc Mohan",
        "certificate": "PG-13",
    }
    assert half_nelson.endswith("---\n\nA fine film.\n\nIt ends well.\n")
