"""``octavo build`` on broken anthologies: one test per class of validation error.

Each failed build must exit with 1, name the diagnostic code, the file and the line,
give the hint, say that nothing was written, show no traceback, and leave the output
folder as it was.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from octavo.cli import app

from .conftest import MINIMAL_REVIEW, MakeAnthology, files_in

Files = dict[str, str | bytes | None]


def build(runner: CliRunner, folder: Path, out: Path, *options: str) -> Result:
    return runner.invoke(app, ["build", str(folder), "--out", str(out), *options])


def review(*front: str, body: str = "A short review.") -> str:
    """A review file: the front-matter lines as given, then the body."""
    return "---\n" + "".join(f"{line}\n" for line in front) + f"---\n\n{body}\n"


def failed(result: Result, out: Path) -> list[str]:
    """Check what every failed build must do; return the output lines."""
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    assert "Nothing was written." in result.output
    assert files_in(out) == []
    return result.output.splitlines()


def diagnostic(
    lines: list[str], code: str, where: str, message: str, hint: str | None = None
) -> None:
    """Exactly one ``error[code] .../where: message...`` line, followed by ``hint``."""
    found = [
        number
        for number, line in enumerate(lines)
        if line.startswith(f"error[{code}] ") and f"{where}: {message}" in line
    ]
    assert len(found) == 1, "\n".join(lines)
    following = lines[found[0] + 1] if found[0] + 1 < len(lines) else ""
    if hint is not None:
        assert following.startswith(f"  hint: {hint}"), "\n".join(lines)


def check(
    runner: CliRunner,
    make_anthology: MakeAnthology,
    tmp_path: Path,
    files: Files,
    code: str,
    where: str,
    message: str,
    hint: str | None = None,
) -> list[str]:
    out = tmp_path / "out"
    lines = failed(build(runner, make_anthology(files=files), out), out)
    diagnostic(lines, code, where, message, hint)
    return lines


# --- reviews: front matter --------------------------------------------------------------------


@pytest.mark.parametrize("key", ["title", "reviewer"])
def test_missing_required_key(
    runner: CliRunner, make_anthology: MakeAnthology, tmp_path: Path, key: str
) -> None:
    front = [line for line in ("title: Alpha", "reviewer: Ann Critic") if not line.startswith(key)]
    lines = check(
        runner, make_anthology, tmp_path, {"reviews/alpha.md": review(*front, "year: 1925")},
        "R201", "reviews/alpha.md:1", f"the required key '{key}' is missing",
        f"add a line '{key}: ...' to the front matter",
    )  # fmt: skip
    assert lines[-1] == "Build stopped: 1 error, 0 warnings. Nothing was written."


def test_malformed_yaml(runner: CliRunner, make_anthology: MakeAnthology, tmp_path: Path) -> None:
    text = review("title: Alpha", "reviewer: Ann Critic", "tags: [unclosed", "year: 1925")
    check(
        runner, make_anthology, tmp_path, {"reviews/alpha.md": text},
        "R203", "reviews/alpha.md:4:7", "the front matter is not valid YAML",
        "check the quoting on that line",
    )  # fmt: skip


def test_unclosed_front_matter(
    runner: CliRunner, make_anthology: MakeAnthology, tmp_path: Path
) -> None:
    text = "---\ntitle: Alpha\nreviewer: Ann Critic\n\nThe body, with no closing line.\n"
    check(
        runner, make_anthology, tmp_path, {"reviews/alpha.md": text},
        "R204", "reviews/alpha.md:1",
        "the front matter opened with '---' on line 1 is never closed",
        "add a line with just '---' after the last front-matter key",
    )  # fmt: skip


def test_duplicate_front_matter_key(
    runner: CliRunner, make_anthology: MakeAnthology, tmp_path: Path
) -> None:
    text = review("title: Alpha", "reviewer: Ann Critic", "year: 1925", "title: Alpha Again")
    check(
        runner, make_anthology, tmp_path, {"reviews/alpha.md": text},
        "R205", "reviews/alpha.md:5", "the key 'title' is given twice (first on line 2)",
        "keep one of the two lines",
    )  # fmt: skip


@pytest.mark.parametrize(
    ("rating", "code", "message", "hint"),
    [
        ("eleventy", "R206", "'rating' must look like 4/5, 3.5/4 or B+, got 'eleventy'",
         "write the score over its scale, e.g. 4/5"),
        ("7", "R202", "'rating' '7' has no scale",
         "write the score over its scale, e.g. rating: 7/10"),
        ("6/5", "R206", "'6/5' is more than its scale of 5",
         "write the score over its scale, e.g. 4/5"),
    ],
    ids=["words", "no-scale", "over-scale"],
)  # fmt: skip
def test_bad_rating(
    runner: CliRunner,
    make_anthology: MakeAnthology,
    tmp_path: Path,
    rating: str,
    code: str,
    message: str,
    hint: str,
) -> None:
    text = review("title: Alpha", "reviewer: Ann Critic", "year: 1925", f"rating: {rating}")
    check(
        runner, make_anthology, tmp_path, {"reviews/alpha.md": text},
        code, "reviews/alpha.md:5", message, hint,
    )  # fmt: skip


@pytest.mark.parametrize(
    ("line", "message", "hint"),
    [
        ("year: nineteen", "'year' must be a four-digit year, got 'nineteen'", "e.g. year: 1927"),
        ("year: 25", "'year' must be a four-digit year, got '25'", "e.g. year: 1927"),
        ("published: 2011-13-45", "'published' must be a date written as YYYY-MM-DD,"
         " got '2011-13-45'", "e.g. published: 2011-01-12"),
        ("published: 12 January 2011", "'published' must be a date written as YYYY-MM-DD,"
         " got '12 January 2011'", "e.g. published: 2011-01-12"),
        ("kind: movie", "'kind' must be one of film, book, album, series, game, stage, other;"
         " got 'movie'", "e.g. kind: film"),
    ],
    ids=["year-words", "year-short", "date-impossible", "date-words", "kind"],
)  # fmt: skip
def test_bad_value(
    runner: CliRunner,
    make_anthology: MakeAnthology,
    tmp_path: Path,
    line: str,
    message: str,
    hint: str,
) -> None:
    text = review("title: Alpha", "reviewer: Ann Critic", "rating: 4/5", line)
    check(
        runner, make_anthology, tmp_path, {"reviews/alpha.md": text},
        "R202", "reviews/alpha.md:5", message, hint,
    )  # fmt: skip


# --- reviews: images --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("image", "message", "hint"),
    [
        ("../../etc/passwd", "image '../../etc/passwd' lies outside the anthology",
         "move the file into the anthology folder"),
        ("/etc/passwd", "image '/etc/passwd' is an absolute path",
         "refer to files by a path relative to the file that names them"),
        ("images/ghost.png", "image 'images/ghost.png' does not exist",
         "check the file name and folder"),
        ("images/text.png", "image 'images/text.png' cannot be read as an image",
         "re-export the image from an image editor as PNG or JPEG"),
        ("images/notes.txt", "image 'images/notes.txt' is not an image type Octavo can use",
         "use a PNG, JPEG, GIF, WebP or SVG file"),
    ],
    ids=["outside", "absolute", "missing", "not-an-image", "wrong-type"],
)  # fmt: skip
def test_bad_image(
    runner: CliRunner,
    make_anthology: MakeAnthology,
    tmp_path: Path,
    image: str,
    message: str,
    hint: str,
) -> None:
    text = review("title: Alpha", "reviewer: Ann Critic", f"image: {image}", "image_alt: A still")
    files: Files = {
        "reviews/alpha.md": text,
        "reviews/images/text.png": "this is not a PNG\n",
        "reviews/images/notes.txt": "notes\n",
    }
    check(runner, make_anthology, tmp_path, files, "R207", "reviews/alpha.md:4", message, hint)


def test_remote_image_in_the_body(
    runner: CliRunner, make_anthology: MakeAnthology, tmp_path: Path
) -> None:
    body = "First paragraph.\n\nSecond, with a picture: ![x](http://example.com/a.png)"
    text = review("title: Alpha", "reviewer: Ann Critic", body=body)
    check(
        runner, make_anthology, tmp_path, {"reviews/alpha.md": text},
        "R207", "reviews/alpha.md:8",
        "image 'http://example.com/a.png' is not a file of this anthology: a build never"
        " fetches URLs",
        "download the file into the anthology folder",
    )  # fmt: skip


# --- reviews: the file itself -----------------------------------------------------------------


def test_not_utf8(runner: CliRunner, make_anthology: MakeAnthology, tmp_path: Path) -> None:
    text = review("title: Alpha", "reviewer: Ann Critic", "publication: Le Caf\xe9")
    check(
        runner, make_anthology, tmp_path, {"reviews/alpha.md": text.encode("latin-1")},
        "R209", "reviews/alpha.md:4", "the file is not UTF-8 text (byte 57 cannot be decoded)",
        "save the file as UTF-8 in your editor",
    )  # fmt: skip


def test_control_character(
    runner: CliRunner, make_anthology: MakeAnthology, tmp_path: Path
) -> None:
    body = "First paragraph.\n\nA page\x0cbreak pasted from a PDF."
    text = review("title: Alpha", "reviewer: Ann Critic", body=body)
    check(
        runner, make_anthology, tmp_path, {"reviews/alpha.md": text},
        "R210", "reviews/alpha.md:8:7",
        "the file holds the invisible control character U+000C",
        "delete it; it often comes from copying text out of a PDF or a word processor",
    )  # fmt: skip


def test_duplicate_review_id(
    runner: CliRunner, make_anthology: MakeAnthology, tmp_path: Path
) -> None:
    files: Files = {
        "reviews/alpha.md": review("title: Alpha", "reviewer: Ann Critic", "id: same"),
        "reviews/beta.md": review("title: Beta", "reviewer: Ann Critic", "id: same"),
    }
    lines = check(
        runner, make_anthology, tmp_path, files,
        "R212", "reviews/beta.md:1", "the id 'same' is already used by ",
        "give one of the two reviews another 'id' (or another file name)",
    )  # fmt: skip
    (line,) = [line for line in lines if line.startswith("error[R212]")]
    assert line.endswith(" already used by reviews/alpha.md")


# --- the manifest -----------------------------------------------------------------------------


def test_malformed_manifest(
    runner: CliRunner, make_anthology: MakeAnthology, tmp_path: Path
) -> None:
    manifest = 'title = "Test Book"\neditors = ["Ed Itor"]\nsubtitle = "unterminated\n'
    check(
        runner, make_anthology, tmp_path, {"anthology.toml": manifest},
        "M101", "anthology.toml:3", "the manifest is not valid TOML",
        "check the quoting and brackets on that line",
    )  # fmt: skip


def test_unknown_manifest_key(
    runner: CliRunner, make_anthology: MakeAnthology, tmp_path: Path
) -> None:
    manifest = 'language = "en"\ntitel = "Test Book"\n'
    lines = check(
        runner, make_anthology, tmp_path, {"anthology.toml": manifest},
        "M102", "anthology.toml:2", "titel: unknown key", "did you mean 'title'?",
    )  # fmt: skip
    # the misspelt key leaves the title missing, and that is said too
    diagnostic(lines, "M103", "anthology.toml", "title: this key is required", "add title = ...")


def test_unknown_key_in_a_table(
    runner: CliRunner, make_anthology: MakeAnthology, tmp_path: Path
) -> None:
    manifest = 'title = "Test Book"\n\n[print]\ntrim = "a5"\nrecto_start = false\n'
    check(
        runner, make_anthology, tmp_path, {"anthology.toml": manifest},
        "M102", "anthology.toml:5", "print.recto_start: unknown key",
        "did you mean 'recto_starts'?",
    )  # fmt: skip


def test_missing_manifest_key(
    runner: CliRunner, make_anthology: MakeAnthology, tmp_path: Path
) -> None:
    manifest = 'language = "en"\n\n[[sections]]\ninclude = ["reviews/*.md"]\n'
    lines = check(
        runner, make_anthology, tmp_path, {"anthology.toml": manifest},
        "M103", "anthology.toml", "title: this key is required", "add title = ...",
    )  # fmt: skip
    diagnostic(
        lines, "M103", "anthology.toml:3", "sections[0].title: this key is required",
        "add title = ...",
    )  # fmt: skip
    assert lines[-1] == "Build stopped: 2 errors, 0 warnings. Nothing was written."


def test_missing_included_file(
    runner: CliRunner, make_anthology: MakeAnthology, tmp_path: Path
) -> None:
    manifest = """\
        title = "Test Book"

        [[sections]]
        title = "Part One"
        include = [
          "reviews/alpha.md",
          "reviews/ghost.md",
        ]
        """
    check(
        runner, make_anthology, tmp_path, {"anthology.toml": manifest},
        "M105", "anthology.toml:5", "no file matches reviews/ghost.md",
        "check the file name; paths are relative to the folder of anthology.toml",
    )  # fmt: skip


def test_missing_front_matter_file(
    runner: CliRunner, make_anthology: MakeAnthology, tmp_path: Path
) -> None:
    manifest = """\
        title = "Test Book"

        [[front]]
        title = "Foreword"
        file = "nope.md"
        """
    check(
        runner, make_anthology, tmp_path, {"anthology.toml": manifest},
        "M105", "anthology.toml:5", "nope.md: 'nope.md' does not exist",
        "check the file name and folder",
    )  # fmt: skip


def test_unknown_theme(runner: CliRunner, make_anthology: MakeAnthology, tmp_path: Path) -> None:
    manifest = 'title = "Test Book"\nstyle = "nope"\n'
    lines = check(
        runner, make_anthology, tmp_path, {"anthology.toml": manifest},
        "S301", "anthology.toml:2", "there is no theme 'nope' (named by 'style')",
        "use one of the themes shipped with Octavo (",
    )  # fmt: skip
    hint = next(line for line in lines if line.startswith("  hint: use one of the themes"))
    assert "classic" in hint.split("(")[1].split(")")[0].split(", ")


def test_review_in_two_sections(
    runner: CliRunner, make_anthology: MakeAnthology, tmp_path: Path
) -> None:
    manifest = """\
        title = "Test Book"

        [[sections]]
        title = "Part One"
        include = ["reviews/alpha.md", "reviews/beta.md"]

        [[sections]]
        title = "Part Two"
        include = ["reviews/alpha.md"]
        """
    check(
        runner, make_anthology, tmp_path, {"anthology.toml": manifest},
        "M108", "anthology.toml:7", "reviews/alpha.md is already in section 'Part One'",
        "remove it from one of the sections, or set allow_repeats = true",
    )  # fmt: skip


@pytest.mark.slow
def test_review_in_two_sections_with_allow_repeats(
    runner: CliRunner, make_anthology: MakeAnthology, tmp_path: Path
) -> None:
    manifest = """\
        title = "Test Book"
        allow_repeats = true

        [[sections]]
        title = "Part One"
        include = ["reviews/alpha.md", "reviews/beta.md"]

        [[sections]]
        title = "Part Two"
        include = ["reviews/alpha.md"]
        """
    out = tmp_path / "out"
    folder = make_anthology(files={"anthology.toml": manifest})
    result = build(runner, folder, out, "--format", "epub")
    assert result.exit_code == 0, result.output
    assert "Traceback" not in result.output
    assert "error[" not in result.output
    assert files_in(out) == ["test-book.epub"]


# --- several problems at once -----------------------------------------------------------------


def test_every_error_in_every_file_is_reported(
    runner: CliRunner, make_anthology: MakeAnthology, tmp_path: Path
) -> None:
    files: Files = {
        "reviews/alpha.md": review("title: Alpha", "year: 1925"),
        "reviews/beta.md": review("title: Beta", "reviewer: Ann Critic", "rating: eleventy"),
        "reviews/gamma.md": review(
            "title: Gamma", "reviewer: Ann Critic", "year: soon", "kind: movie"
        ),
        "reviews/delta.md": review("title: Delta", "reviewer: Ann Critic", "title: Again"),
        "reviews/fine.md": MINIMAL_REVIEW.format(title="Fine"),
    }
    out = tmp_path / "out"
    lines = failed(build(runner, make_anthology(files=files), out), out)
    errors = [line for line in lines if line.startswith("error[")]
    assert len(errors) == 5, "\n".join(lines)
    diagnostic(lines, "R201", "reviews/alpha.md:1", "the required key 'reviewer' is missing")
    diagnostic(lines, "R206", "reviews/beta.md:4", "'rating' must look like")
    diagnostic(lines, "R202", "reviews/gamma.md:4", "'year' must be a four-digit year")
    diagnostic(lines, "R202", "reviews/gamma.md:5", "'kind' must be one of")
    diagnostic(lines, "R205", "reviews/delta.md:4", "the key 'title' is given twice")
    assert "fine.md" not in "\n".join(lines)
    assert lines[-1] == "Build stopped: 5 errors, 0 warnings. Nothing was written."


# --- earlier outputs --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "files",
    [
        {"reviews/alpha.md": review("title: Alpha")},
        {"anthology.toml": 'title = "Test Book"\nstyle = "nope"\n'},
        {"anthology.toml": 'title = "Test Book\n'},
    ],
    ids=["review", "theme", "manifest"],
)
def test_failed_build_leaves_earlier_outputs_alone(
    runner: CliRunner, make_anthology: MakeAnthology, tmp_path: Path, files: Files
) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "test-book.pdf").write_bytes(b"%PDF-1.7 an earlier build")
    result = build(runner, make_anthology(files=files), out)
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    assert "Nothing was written." in result.output
    assert files_in(out) == ["test-book.pdf"]
    assert (out / "test-book.pdf").read_bytes() == b"%PDF-1.7 an earlier build"


# --- usage errors -----------------------------------------------------------------------------


def test_unknown_format(runner: CliRunner, make_anthology: MakeAnthology, tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = build(runner, make_anthology(), out, "--format", "pdf,docx")
    assert result.exit_code == 2
    assert "Invalid value for --format: unknown format docx; choose from pdf, epub" in (
        result.output
    )
    assert "Traceback" not in result.output
    assert files_in(out) == []


def test_empty_format(runner: CliRunner, make_anthology: MakeAnthology, tmp_path: Path) -> None:
    result = build(runner, make_anthology(), tmp_path / "out", "--format", " , ")
    assert result.exit_code == 2
    assert "unknown format (none); choose from pdf, epub" in result.output


def test_folder_without_a_manifest(runner: CliRunner, tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = build(runner, tmp_path / "missing", out)
    assert result.exit_code == 1
    lines = failed(result, out)
    diagnostic(
        lines, "M100", "missing", "there is no anthology.toml here",
        "run octavo in an anthology folder, or name one: octavo build PATH",
    )  # fmt: skip


def test_folder_whose_parent_does_not_exist(runner: CliRunner, tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = build(runner, tmp_path / "no" / "such" / "folder", out)
    assert result.exit_code == 2
    assert result.output.splitlines() == [
        f"error: there is no folder {tmp_path / 'no' / 'such' / 'folder'}",
        "  hint: name an anthology folder",
    ]
    assert files_in(out) == []
