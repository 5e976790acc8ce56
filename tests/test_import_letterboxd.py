"""``octavo import letterboxd``: a Letterboxd reviews.csv as film review files."""

from __future__ import annotations

import shutil
import zipfile
from pathlib import Path

import pytest
from typer.testing import CliRunner

from octavo.api import load_anthology
from octavo.cli import app
from octavo.errors import ContentError
from octavo.importers import exports
from octavo.importers.letterboxd import import_letterboxd

from .test_import_common import FIXTURES, actions, build_imported, snapshot

SAMPLE = FIXTURES / "letterboxd-reviews.csv"
#: An unzipped export: reviews.csv, diary.csv, profile.csv, and Letterboxd's own
#: likes/reviews.csv and deleted/reviews.csv, which are not the user's reviews.
EXPORT = FIXTURES / "letterboxd" / "export"
EXPORT_FILES = [
    "reviews.csv",
    "diary.csv",
    "profile.csv",
    "likes/reviews.csv",
    "deleted/reviews.csv",
]
HEADER = "Date,Name,Year,Letterboxd URI,Rating,Rewatch,Review,Tags,Watched Date\n"


def text(path: Path) -> str:
    return path.read_text(encoding="utf-8")


def test_sample_imports_and_builds(tmp_path: Path) -> None:
    book = tmp_path / "book"
    result = import_letterboxd([SAMPLE], book / "reviews", reviewer="Ann Critic")
    assert actions(result) == [
        ("created", "amelie-2001.md"),
        ("created", "solaris-1972.md"),
        ("created", "dong-jing-wu-yu-1953.md"),
        ("created", "soliaris-1972.md"),
        ("created", "solaris-2002.md"),
        ("created", "solaris-1972-2.md"),
        ("created", "the-good-the-bad-and-the-ugly-1966.md"),
        ("created", "stalker-1979.md"),
    ]
    assert [(p.origin, p.reason) for p in result.passed] == [
        ("letterboxd-reviews.csv row 8 (Playtime)", "no review text")
    ]
    build_imported(book, tmp_path)
    reviews = {r.path.name: r for r in load_anthology(book).anthology.reviews}
    tokyo = reviews["dong-jing-wu-yu-1953.md"]
    assert (tokyo.work.title, tokyo.work.year, tokyo.work.kind) == ("東京物語", 1953, "film")
    assert tokyo.rating is not None
    assert tokyo.rating.text == "5/5"
    assert "<strong>Nothing</strong>" in tokyo.body.html
    assert tokyo.body.html.count("<p") == 2
    ugly = reviews["the-good-the-bad-and-the-ugly-1966.md"]
    assert ugly.work.title == "The Good, the Bad and the Ugly"
    assert ugly.rating is not None
    assert ugly.rating.text == "0.5/5"
    assert "<script" not in reviews["stalker-1979.md"].body.html
    assert reviews["stalker-1979.md"].rating is None


def test_front_matter_of_a_row(tmp_path: Path) -> None:
    import_letterboxd([SAMPLE], tmp_path, reviewer="Ann Critic")
    assert text(tmp_path / "amelie-2001.md") == (
        "---\n"
        'title: "Amélie"\n'
        "kind: film\n"
        "year: 2001\n"
        'reviewer: "Ann Critic"\n'
        "published: 2023-02-11\n"
        "watched: 2023-02-10\n"
        'rating: "4.5/5"\n'
        'tags: ["paris", "romance"]\n'
        "---\n"
        "\n"
        "A film that *believes* in coincidence the way other films believe in gravity.\n"
        "\n"
        "Jeunet's Paris is a postcard, and he knows it; the joke is that Amélie knows it"
        " too.\n"
    )
    assert 'Long? Yes. "Too long", some say' in text(tmp_path / "soliaris-1972.md")


def test_importing_twice_changes_nothing(tmp_path: Path) -> None:
    import_letterboxd([SAMPLE], tmp_path, reviewer="Ann Critic")
    before = snapshot(tmp_path)
    again = import_letterboxd([SAMPLE], tmp_path, reviewer="Ann Critic")
    assert {outcome.action for outcome in again.outcomes} == {"unchanged"}
    assert snapshot(tmp_path) == before


def write(tmp_path: Path, rows: str, header: str = HEADER) -> Path:
    path = tmp_path / "reviews.csv"
    path.write_text(header + rows, encoding="utf-8")
    return path


@pytest.mark.parametrize("rating", ["7", "4.3", "0", "5.5", "three"])
def test_a_bad_rating_is_I513_with_its_line(tmp_path: Path, rating: str) -> None:
    rows = '2023-01-01,Good,2000,https://boxd.it/a,4,,"Fine.\n\nTwo lines.",,\n'
    rows += f"2023-01-02,Bad,2000,https://boxd.it/b,{rating},,Text.,,\n"
    with pytest.raises(ContentError) as error:
        import_letterboxd([write(tmp_path, rows)], tmp_path / "out", reviewer="A")
    [diagnostic] = error.value.report.diagnostics
    assert (diagnostic.code, diagnostic.line) == ("I513", 5)
    assert diagnostic.message.startswith("row 2 (Bad): Rating must be 0.5 to 5 in halves")
    assert not (tmp_path / "out").exists()


def test_every_bad_row_is_reported(tmp_path: Path) -> None:
    rows = "2023-01-01,A,twenty,https://boxd.it/a,4,,Text.,,\n"
    rows += "01/02/2023,B,2000,https://boxd.it/b,4,,Text.,,\n"
    rows += ",,2000,https://boxd.it/c,4,,Text.,,\n"
    with pytest.raises(ContentError) as error:
        import_letterboxd([write(tmp_path, rows)], tmp_path / "out", reviewer="A")
    assert [(d.code, d.line) for d in error.value.report.diagnostics] == [
        ("I513", 2),
        ("I513", 3),
        ("I513", 4),
    ]


def test_missing_columns_are_I512(tmp_path: Path) -> None:
    path = write(
        tmp_path, "2023-01-01,A,2000,https://boxd.it/a\n", "Date,Name,Year,Letterboxd URI\n"
    )
    with pytest.raises(ContentError) as error:
        import_letterboxd([path], tmp_path / "out", reviewer="A")
    [diagnostic] = error.value.report.diagnostics
    assert (diagnostic.code, diagnostic.line) == ("I512", 1)
    assert diagnostic.message == (
        "is a Letterboxd CSV without reviews (watched, ratings or a list),"
        " not Letterboxd's reviews.csv"
    )


def test_broken_quoting_is_I511(tmp_path: Path) -> None:
    path = write(tmp_path, '2023-01-01,A,2000,https://boxd.it/a,4,,"Unclosed, text,,\n')
    with pytest.raises(ContentError) as error:
        import_letterboxd([path], tmp_path / "out", reviewer="A")
    assert [d.code for d in error.value.report.diagnostics] == ["I511"]


def test_not_utf8_is_I510(tmp_path: Path) -> None:
    path = tmp_path / "reviews.csv"
    path.write_bytes((HEADER + "2023-01-01,Amélie,2001,u,4,,Text.,,\n").encode("latin-1"))
    with pytest.raises(ContentError) as error:
        import_letterboxd([path], tmp_path / "out", reviewer="A")
    [diagnostic] = error.value.report.diagnostics
    assert (diagnostic.code, diagnostic.line) == ("I510", 2)


def test_a_missing_file_is_I509(tmp_path: Path) -> None:
    with pytest.raises(ContentError) as error:
        import_letterboxd([tmp_path / "nope.csv"], tmp_path / "out", reviewer="A")
    [diagnostic] = error.value.report.diagnostics
    assert (diagnostic.code, diagnostic.path) == ("I509", tmp_path / "nope.csv")


# --- the export as downloaded: a ZIP, its folder, or reviews.csv ---------------------------


def zipped(tmp_path: Path, files: dict[str, bytes] | None = None) -> Path:
    """The fixture export as Letterboxd serves it: a ZIP with the files at its top."""
    if files is None:
        files = {name: (EXPORT / name).read_bytes() for name in EXPORT_FILES}
    path = tmp_path / "letterboxd-rose-2024-02-12-10-00-utc.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return path


EXPECTED = [
    ("created", "le-cercle-rouge-1970.md"),
    ("created", "army-of-shadows-1969.md"),
    ("created", "bob-le-flambeur-1956.md"),
    ("created", "un-flic-1972.md"),
]


def watched(folder: Path) -> dict[str, str | None]:
    found: dict[str, str | None] = {}
    for path in sorted(folder.glob("*.md")):
        lines = [line for line in text(path).splitlines() if line.startswith("watched: ")]
        found[path.name] = lines[0].removeprefix("watched: ") if lines else None
    return found


@pytest.mark.parametrize("form", ["zip", "folder", "reviews.csv"])
def test_the_export_as_a_zip_a_folder_or_its_reviews_csv(tmp_path: Path, form: str) -> None:
    source = {
        "zip": lambda: zipped(tmp_path),
        "folder": lambda: EXPORT,
        "reviews.csv": lambda: EXPORT / "reviews.csv",
    }[form]()
    book = tmp_path / "book"
    result = import_letterboxd([source], book / "reviews")
    assert actions(result) == EXPECTED  # not likes/reviews.csv, not deleted/reviews.csv
    assert [(p.origin, p.reason) for p in result.passed] == [
        ("reviews.csv row 5 (Deux hommes dans Manhattan)", "no review text")
    ]
    assert watched(book / "reviews") == {
        "army-of-shadows-1969.md": "2024-01-19",  # the diary entry with its URI
        "bob-le-flambeur-1956.md": "2024-02-01",  # no URI: its Name, Year and Date
        "le-cercle-rouge-1970.md": "2024-01-05",  # its own Watched Date
        "un-flic-1972.md": None,  # no URI, and no diary entry: never Le Doulos's
    }
    first = text(book / "reviews" / "le-cercle-rouge-1970.md")
    assert first.startswith(
        '---\ntitle: "Le Cercle rouge"\nkind: film\nyear: 1970\nreviewer: "Rose Aubertin"\n'
        "published: 2024-01-06\nwatched: 2024-01-05\n"
    )
    build_imported(book, tmp_path)
    loaded = {r.path.name: r for r in load_anthology(book).anthology.reviews}
    assert str(loaded["army-of-shadows-1969.md"].extra["watched"]) == "2024-01-19"


def test_reviews_csv_alone_without_the_rest_of_the_export(tmp_path: Path) -> None:
    alone = tmp_path / "in" / "reviews.csv"
    alone.parent.mkdir()
    shutil.copy(EXPORT / "reviews.csv", alone)
    import_letterboxd([alone], tmp_path / "out", reviewer="R. A.")
    assert watched(tmp_path / "out")["army-of-shadows-1969.md"] is None  # no diary.csv


def test_reviewer_comes_from_profile_and_reviewer_overrides_it(tmp_path: Path) -> None:
    import_letterboxd([EXPORT], tmp_path / "a")
    assert 'reviewer: "Rose Aubertin"\n' in text(tmp_path / "a" / "un-flic-1972.md")
    import_letterboxd([EXPORT], tmp_path / "b", reviewer="R. Aubertin")
    assert 'reviewer: "R. Aubertin"\n' in text(tmp_path / "b" / "un-flic-1972.md")


def test_a_profile_without_a_name_gives_the_username(tmp_path: Path) -> None:
    files = {name: (EXPORT / name).read_bytes() for name in ("reviews.csv", "diary.csv")}
    files["profile.csv"] = b"Date Joined,Username,Given Name,Family Name\n2019-05-04,rose_a,,\n"
    import_letterboxd([zipped(tmp_path, files)], tmp_path / "out")
    assert 'reviewer: "rose_a"\n' in text(tmp_path / "out" / "un-flic-1972.md")


def test_no_profile_and_no_reviewer_is_I517_with_a_hint(tmp_path: Path) -> None:
    with pytest.raises(ContentError) as error:
        import_letterboxd([SAMPLE], tmp_path / "out")
    [diagnostic] = error.value.report.diagnostics
    assert (diagnostic.code, diagnostic.path) == ("I517", SAMPLE)
    assert "--reviewer NAME" in (diagnostic.hint or "")
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("form", ["zip", "folder"])
def test_the_export_imported_twice_changes_nothing(tmp_path: Path, form: str) -> None:
    source = zipped(tmp_path) if form == "zip" else EXPORT
    import_letterboxd([source], tmp_path / "out")
    before = snapshot(tmp_path / "out")
    again = import_letterboxd([source], tmp_path / "out")
    assert {outcome.action for outcome in again.outcomes} == {"unchanged"}
    assert snapshot(tmp_path / "out") == before


def test_a_zip_and_its_reviews_csv_are_one_source(tmp_path: Path) -> None:
    import_letterboxd([zipped(tmp_path)], tmp_path / "out")
    before = snapshot(tmp_path / "out")
    again = import_letterboxd([EXPORT / "reviews.csv"], tmp_path / "out")
    assert {outcome.action for outcome in again.outcomes} == {"unchanged"}
    assert snapshot(tmp_path / "out") == before


# --- a ZIP is read safely ---------------------------------------------------------------


def test_only_the_named_files_at_the_top_of_a_zip_are_read(tmp_path: Path) -> None:
    evil = b"Date,Name,Year,Letterboxd URI,Rating,Rewatch,Review,Tags,Watched Date\n"
    evil += b"2024-01-01,Evil,2000,https://boxd.it/e,4,,Not imported.,,\n"
    files = {name: (EXPORT / name).read_bytes() for name in EXPORT_FILES}
    files["../reviews.csv"] = evil
    files["/reviews.csv"] = evil
    files["sub/reviews.csv"] = evil
    out = tmp_path / "deep" / "out"
    path = zipped(tmp_path, files)
    assert "../reviews.csv" in zipfile.ZipFile(path).namelist()
    result = import_letterboxd([path], out)
    assert actions(result) == EXPECTED
    assert sorted(path.name for path in tmp_path.rglob("*") if path.is_file()) == sorted(
        [*(name for _, name in EXPECTED), ".octavo-import.json", zipped(tmp_path).name]
    )


def test_a_zip_holding_reviews_csv_twice_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "twice.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("reviews.csv", (EXPORT / "reviews.csv").read_bytes())
        with pytest.warns(UserWarning, match="Duplicate name"):
            archive.writestr("reviews.csv", HEADER)
    with pytest.raises(ContentError) as error:
        import_letterboxd([path], tmp_path / "out", reviewer="A")
    [diagnostic] = error.value.report.diagnostics
    assert (diagnostic.code, diagnostic.path) == ("I509", path)
    assert "reviews.csv 2 times" in diagnostic.message


def test_a_file_in_a_zip_larger_than_the_limit_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(exports, "MEMBER_MAX_BYTES", 1000)
    files = {"reviews.csv": HEADER.encode() + b'2024-01-01,A,2000,u,4,,"' + b"x" * 5000 + b'",,\n'}
    with pytest.raises(ContentError) as error:
        import_letterboxd([zipped(tmp_path, files)], tmp_path / "out", reviewer="A")
    [diagnostic] = error.value.report.diagnostics
    assert diagnostic.code == "I509"
    assert "reviews.csv is larger than" in diagnostic.message
    assert not (tmp_path / "out").exists()


def test_a_damaged_zip_is_I509(tmp_path: Path) -> None:
    path = tmp_path / "letterboxd-cut.zip"
    path.write_bytes(zipped(tmp_path).read_bytes()[:300])
    with pytest.raises(ContentError) as error:
        import_letterboxd([path], tmp_path / "out", reviewer="A")
    [diagnostic] = error.value.report.diagnostics
    assert (diagnostic.code, diagnostic.path) == ("I509", path)
    assert "damaged or not a ZIP archive" in diagnostic.message


# --- a file that is not a Letterboxd export -----------------------------------------------


def test_a_folder_without_reviews_csv_is_I512_pointing_to_the_export_inside(
    tmp_path: Path,
) -> None:
    shutil.copytree(EXPORT, tmp_path / "downloads" / "letterboxd-rose")
    with pytest.raises(ContentError) as error:
        import_letterboxd([tmp_path / "downloads"], tmp_path / "out")
    [diagnostic] = error.value.report.diagnostics
    assert (diagnostic.code, diagnostic.path) == ("I512", tmp_path / "downloads")
    assert diagnostic.message == "is a folder without reviews.csv, not a Letterboxd export"
    assert str(tmp_path / "downloads" / "letterboxd-rose") in (diagnostic.hint or "")


def test_a_zip_of_the_export_folder_points_inside(tmp_path: Path) -> None:
    files = {f"letterboxd-rose/{name}": (EXPORT / name).read_bytes() for name in EXPORT_FILES}
    with pytest.raises(ContentError) as error:
        import_letterboxd([zipped(tmp_path, files)], tmp_path / "out")
    [diagnostic] = error.value.report.diagnostics
    assert diagnostic.code == "I512"
    assert diagnostic.hint == (
        "the export seems to be in its folder letterboxd-rose: unzip it and give that folder"
    )


def test_a_zip_without_reviews_csv_is_I512(tmp_path: Path) -> None:
    path = zipped(tmp_path, {"photos/cat.jpg": b"\xff\xd8"})
    with pytest.raises(ContentError) as error:
        import_letterboxd([path], tmp_path / "out")
    [diagnostic] = error.value.report.diagnostics
    assert diagnostic.code == "I512"
    assert diagnostic.message == (
        "is a ZIP archive without reviews.csv at its top, not a Letterboxd export"
    )


@pytest.mark.parametrize(
    ("source", "message", "hint"),
    [
        (
            FIXTURES / "wordpress-export.xml",
            "is a WordPress export (WXR), not a Letterboxd export",
            "import it with octavo import wordpress; or give the Letterboxd export as"
            " downloaded (letterboxd-USER-DATE.zip), the folder it unzips to, or the"
            " reviews.csv in it",
        ),
        (
            FIXTURES / "goodreads_library_export.csv",
            "is a Goodreads library export, not Letterboxd's reviews.csv",
            "import it with octavo import goodreads; or give the Letterboxd export",
        ),
        (
            EXPORT / "likes" / "reviews.csv",
            "is Letterboxd's likes/reviews.csv, other members' reviews, not Letterboxd's"
            " reviews.csv",
            "give the Letterboxd export as downloaded",
        ),
        (
            EXPORT / "diary.csv",
            "is Letterboxd's diary.csv, which holds no reviews, not Letterboxd's reviews.csv",
            "give the Letterboxd export as downloaded",
        ),
    ],
)
def test_a_file_of_another_kind_says_what_it_is(
    tmp_path: Path, source: Path, message: str, hint: str
) -> None:
    with pytest.raises(ContentError) as error:
        import_letterboxd([source], tmp_path / "out", reviewer="A")
    [diagnostic] = error.value.report.diagnostics
    assert (diagnostic.code, diagnostic.path, diagnostic.message) == ("I512", source, message)
    assert (diagnostic.hint or "").startswith(hint)
    assert not (tmp_path / "out").exists()


def test_cli_imports_the_zip_without_reviewer(tmp_path: Path) -> None:
    out = tmp_path / "reviews"
    result = CliRunner().invoke(
        app, ["import", "letterboxd", str(zipped(tmp_path)), "--to", str(out)]
    )
    assert result.exit_code == 0, result.output
    assert f"created   {out / 'un-flic-1972.md'}" in result.output
    assert "Imported 4 reviews" in result.output


@pytest.mark.parametrize(
    ("kind", "source", "code", "message"),
    [
        (
            "letterboxd",
            "wordpress-export.xml",
            "I512",
            "is a WordPress export (WXR), not a Letterboxd export",
        ),
        ("letterboxd", "letterboxd-reviews.csv", "I517", "the export names no reviewer"),
        (
            "goodreads",
            "letterboxd.zip",
            "I512",
            "is a Letterboxd export (a ZIP archive), not a Goodreads library export",
        ),
        (
            "wordpress",
            "letterboxd.zip",
            "I516",
            "is a Letterboxd export (a ZIP archive), not a WordPress export",
        ),
        (
            "wordpress",
            "goodreads_library_export.csv",
            "I516",
            "is a Goodreads library export, not a WordPress export",
        ),
        ("goodreads", "folder", "I509", "cannot read the file: it is a folder, not a file"),
        (
            "goodreads",
            "letterboxd-reviews.csv",
            "I512",
            "is Letterboxd's reviews.csv, not a Goodreads library export",
        ),
    ],
)
def test_cli_wrong_kind_errors(
    tmp_path: Path, kind: str, source: str, code: str, message: str
) -> None:
    path = {"letterboxd.zip": zipped(tmp_path), "folder": EXPORT}.get(source, FIXTURES / source)
    out = tmp_path / "out"
    extra = ["--reviewer", "A"] if kind == "goodreads" else []
    result = CliRunner().invoke(app, ["import", kind, str(path), "--to", str(out), *extra])
    assert result.exit_code == 1, result.output
    first = result.output.splitlines()[0]
    assert first.startswith(f"error[{code}] ")
    assert f"{path.name}:" in first  # the file (and line), relative to where octavo runs
    assert message in result.output
    assert "hint: " in result.output
    assert "Nothing was written." in result.output
    assert "Traceback" not in result.output
    assert not out.exists()


def test_a_bad_row_in_a_zip_names_the_file_inside_it(tmp_path: Path) -> None:
    rows = HEADER + "2024-01-01,Good,2000,https://boxd.it/a,4,,Fine.,,\n"
    rows += "2024-01-02,Bad,2000,https://boxd.it/b,7,,Text.,,\n"
    path = zipped(tmp_path, {"reviews.csv": rows.encode()})
    with pytest.raises(ContentError) as error:
        import_letterboxd([path], tmp_path / "out", reviewer="A")
    [diagnostic] = error.value.report.diagnostics
    assert (diagnostic.code, diagnostic.path, diagnostic.line) == (
        "I513",
        path / "reviews.csv",
        3,
    )
    assert diagnostic.location().endswith(f"{path.name}/reviews.csv:3")


def test_spoiler_markup_sets_spoilers(tmp_path: Path) -> None:
    source = tmp_path / "reviews.csv"
    rows = (
        "2024-01-02,Vertigo,1958,https://boxd.it/aa,4,No,"
        '"A tower. <spoiler>She falls.</spoiler>",,\n'
        "2024-01-03,Rope,1948,https://boxd.it/bb,3,No,A party.,,\n"
    )
    source.write_text(HEADER + rows, encoding="utf-8")
    import_letterboxd([source], tmp_path / "out", reviewer="Ann Critic")
    vertigo = text(tmp_path / "out" / "vertigo-1958.md")
    assert "spoilers: true\n" in vertigo
    assert "[She falls.]{.spoiler}" in vertigo
    assert "spoilers" not in text(tmp_path / "out" / "rope-1948.md")
