"""``octavo check``: every code it reports, its text and JSON output, and its exit status.

Each test writes the few files a rule needs with ``make_anthology`` and runs the
command in-process; most use ``--quick`` (no layout), the ones about the layout and
the clean anthology do not.
"""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from PIL import Image
from typer.testing import CliRunner, Result

from octavo.check import REUSED_CODES
from octavo.cli import app
from octavo.editorial import LINT_CODES

from .conftest import EXAMPLE, MINIMAL_MANIFEST, MakeAnthology


@pytest.fixture(autouse=True)
def _no_rights_ledger(monkeypatch: pytest.MonkeyPatch) -> None:
    """Leave out L608: none of these books keeps a rights ledger, so each would end in
    the one warning that says so. test_rights.py tests that rule."""
    monkeypatch.setattr("octavo.check.uncleared_rights", lambda *args: None)


def review(title: str, body: str = "A review. It has two sentences.", **keys: object) -> str:
    """A review file: ``title``, a reviewer, the given front-matter keys and ``body``."""
    lines = ["---", f"title: {title}", "reviewer: Ann Critic"]
    lines += [f"{key}: {value}" for key, value in keys.items()]
    return "\n".join([*lines, "---", "", body, ""])


def png(width: int, height: int) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), (90, 60, 30)).save(buffer, "PNG")
    return buffer.getvalue()


def check(runner: CliRunner, book: Path, *options: str) -> Result:
    return runner.invoke(app, ["check", str(book), *options])


def problems(runner: CliRunner, book: Path, *options: str) -> list[dict[str, Any]]:
    """The problems ``check --format json`` reports."""
    result = check(runner, book, "--format", "json", *options)
    found: list[dict[str, Any]] = json.loads(result.stdout)["problems"]
    return found


def codes(runner: CliRunner, book: Path, *options: str) -> list[str]:
    return [problem["code"] for problem in problems(runner, book, "--quick", *options)]


def only(found: list[dict[str, Any]], code: str) -> dict[str, Any]:
    """The one problem with ``code``."""
    (problem,) = [p for p in found if p["code"] == code]
    return problem


# --- a clean anthology, the example, the output ----------------------------------------


def test_a_clean_anthology_has_no_problems(
    runner: CliRunner, make_anthology: MakeAnthology
) -> None:
    result = check(runner, make_anthology())
    assert result.exit_code == 0, result.output
    assert result.stdout == "No problems found.\n"


def test_the_example_is_clean_with_its_ignored_code(runner: CliRunner) -> None:
    """The example rates on every scale Octavo reads, on purpose, and says so in its
    manifest ([check] ignore = ["L604"]): nothing else is found."""
    result = check(runner, EXAMPLE, "--format", "json")
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    assert document["errors"] == 0
    assert document["layout"] is True
    assert document["problems"] == []


def test_the_manifest_can_leave_out_warning_codes_but_not_errors(
    runner: CliRunner, make_anthology: MakeAnthology
) -> None:
    book = make_anthology(
        {
            "anthology.toml": 'title = "Test Book"\n[check]\nignore = ["L603"]\n',
            "reviews/beta.md": review("Beta", "He said  hello."),
        }
    )
    assert check(runner, book, "--quick").stdout.endswith("\nNo problems found.\n")
    # errors cannot be left out, nor can a code that is not one
    bad = make_anthology({"anthology.toml": 'title = "Test Book"\n[check]\nignore = ["604"]\n'})
    result = check(runner, bad, "--quick")
    assert result.exit_code == 1
    assert "'604' is not a warning code" in result.stdout


def test_text_output_is_diagnostics_then_a_summary(
    runner: CliRunner, make_anthology: MakeAnthology
) -> None:
    book = make_anthology({"reviews/beta.md": review("Beta", "He said  hello.")})
    result = check(runner, book, "--quick")
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert lines[0] == "warning[L603] reviews/beta.md:6:8: 2 spaces between 'said' and 'hello.'"
    assert lines[1] == "  hint: leave one space between words"
    assert lines[-2].startswith("Skipped the print layout (--quick)")
    assert lines[-1] == "1 warning, 0 errors"


def test_json_output(runner: CliRunner, make_anthology: MakeAnthology) -> None:
    book = make_anthology({"reviews/beta.md": review("Beta", "He said  hello.")})
    result = check(runner, book, "--format", "json", "--quick")
    assert result.exit_code == 0
    document = json.loads(result.stdout)
    assert document == {
        "anthology": str(book),
        "layout": False,
        "problems": [
            {
                "code": "L603",
                "severity": "warning",
                "file": "reviews/beta.md",
                "line": 6,
                "column": 8,
                "message": "2 spaces between 'said' and 'hello.'",
                "hint": "leave one space between words",
            }
        ],
        "errors": 0,
        "warnings": 1,
    }


def test_content_errors_come_out_as_json(runner: CliRunner, make_anthology: MakeAnthology) -> None:
    book = make_anthology({"reviews/beta.md": review("Beta", rating="eleventy", headlin="Hm")})
    result = check(runner, book, "--format", "json")
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    document = json.loads(result.stdout)
    assert (document["errors"], document["warnings"]) == (1, 1)
    error = only(document["problems"], "R206")
    assert error["severity"] == "error"
    assert (error["file"], error["line"]) == ("reviews/beta.md", 4)
    assert only(document["problems"], "R213")["severity"] == "warning"


def test_content_errors_as_text(runner: CliRunner, make_anthology: MakeAnthology) -> None:
    book = make_anthology({"reviews/beta.md": review("Beta", rating="eleventy")})
    result = check(runner, book)
    assert result.exit_code == 1
    assert "error[R206] reviews/beta.md:4: 'rating' must look like" in result.stdout
    assert "The editorial checks (L6xx) and the layout run once" in result.stdout
    assert result.stdout.splitlines()[-1] == "0 warnings, 1 error"


def test_strict_makes_warnings_errors(runner: CliRunner, make_anthology: MakeAnthology) -> None:
    book = make_anthology({"reviews/beta.md": review("Beta", "He said  hello.")})
    assert check(runner, book, "--quick").exit_code == 0
    result = check(runner, book, "--quick", "--strict")
    assert result.exit_code == 1
    assert "error[L603]" in result.stdout
    assert result.stdout.splitlines()[-1] == "0 warnings, 1 error"
    document = json.loads(check(runner, book, "--quick", "--strict", "--format", "json").stdout)
    assert (document["errors"], document["warnings"]) == (1, 0)


def test_a_wrong_command_line_is_exit_status_2(runner: CliRunner, tmp_path: Path) -> None:
    assert runner.invoke(app, ["check", "--format", "xml"]).exit_code == 2
    assert runner.invoke(app, ["check", "--colour"]).exit_code == 2


def test_help(runner: CliRunner) -> None:
    result = runner.invoke(app, ["check", "--help"])
    assert result.exit_code == 0
    for word in ("--format", "--strict", "--quick", "--debug", "L601", "L605", "Exit status"):
        assert word in result.output


def test_every_code_is_documented() -> None:
    docs = (Path(__file__).parents[1] / "docs" / "checking.md").read_text(encoding="utf-8")
    for code in [*LINT_CODES, *REUSED_CODES]:
        assert f"`{code}`" in docs, code


WRITER = """
import os, sys
written = []

def audit(event, args):
    if event == "open" and isinstance(args[0], (str, bytes, os.PathLike)):
        mode, flags = args[1], args[2]
        writing = isinstance(mode, str) and any(c in mode for c in "wax+")
        if writing or flags & (os.O_WRONLY | os.O_RDWR | os.O_CREAT):
            written.append(os.fsdecode(args[0]))
    elif event in ("os.mkdir", "os.rename", "os.replace", "shutil.copyfile"):
        written.append(os.fsdecode(args[0]))

sys.addaudithook(audit)
from octavo.cli import app
try:
    app(["check", sys.argv[1]], prog_name="octavo")
finally:
    print("\\n".join(written), file=sys.stderr)
"""


def test_check_writes_nothing(make_anthology: MakeAnthology, tmp_path: Path) -> None:
    """The layout is made, and dropped: the tree is the same after, and only the
    temporary folder (WeasyPrint's fonts, removed at once) was written to."""
    book = make_anthology(
        {
            "reviews/images/still.png": png(200, 120),
            # another process: the fixture that leaves out L608 does not reach it
            "anthology.toml": MINIMAL_MANIFEST + '[check]\nignore = ["L608"]\n',
        }
    )
    scratch = tmp_path / "scratch"
    scratch.mkdir()

    def tree() -> dict[str, tuple[int, int]]:
        return {
            str(p.relative_to(tmp_path)): (p.stat().st_size, p.stat().st_mtime_ns)
            for p in tmp_path.rglob("*")
            if p != scratch  # its time changes as temporary files come and go
        }

    before = tree()
    result = subprocess.run(
        [sys.executable, "-c", WRITER, str(book)],
        capture_output=True,
        text=True,
        check=False,
        cwd=tmp_path,
        env={**os.environ, "TMPDIR": str(scratch)},
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout == "No problems found.\n"
    assert tree() == before
    written = [line for line in result.stderr.splitlines() if line]
    assert written  # the hook works: WeasyPrint's temporary fonts
    assert all(path == "/dev/null" or Path(path).is_relative_to(scratch) for path in written), (
        written
    )


# --- codes the loader and the layout give ------------------------------------------------


def test_b407_a_picture_too_coarse_to_print_and_quick(
    runner: CliRunner, make_anthology: MakeAnthology
) -> None:
    book = make_anthology(
        {
            "reviews/beta.md": review("Beta", "![A still](images/still.png)"),
            "reviews/images/still.png": png(300, 200),
        }
    )
    problem = only(problems(runner, book), "B407")
    assert problem["file"] == "reviews/images/still.png"
    assert "pixels per inch, below the 300" in problem["message"]
    quick = check(runner, book, "--quick")
    assert quick.exit_code == 0
    assert "warning[B407]" not in quick.stdout
    assert "Skipped the print layout (--quick): pictures were not checked" in quick.stdout
    assert quick.stdout.splitlines()[-1] == "No problems found."


def test_m106_a_review_in_no_section(runner: CliRunner, make_anthology: MakeAnthology) -> None:
    book = make_anthology(
        {
            "anthology.toml": """\
            title = "Test Book"
            [[sections]]
            title = "Only Alpha"
            include = ["reviews/alpha.md"]
            """
        }
    )
    problem = only(problems(runner, book, "--quick"), "M106")
    assert problem["file"] == "reviews/beta.md"
    assert "reviews/beta.md is in no section" in problem["message"]
    assert codes(runner, book) == ["M106"]


def test_m109_an_empty_section(runner: CliRunner, make_anthology: MakeAnthology) -> None:
    book = make_anthology(
        {
            "anthology.toml": """\
            title = "Test Book"
            [[sections]]
            title = "All"
            include = ["reviews/*.md"]
            [[sections]]
            title = "Nothing"
            select = { tags = ["none"] }
            """
        }
    )
    problem = only(problems(runner, book, "--quick"), "M109")
    assert (problem["file"], problem["line"]) == ("anthology.toml", 5)
    assert codes(runner, book) == ["M109"]


def test_r213_a_misspelt_key(runner: CliRunner, make_anthology: MakeAnthology) -> None:
    book = make_anthology({"reviews/beta.md": review("Beta", headlin="Sharp")})
    problem = only(problems(runner, book, "--quick"), "R213")
    assert (problem["file"], problem["line"]) == ("reviews/beta.md", 4)
    assert problem["hint"] == "did you mean 'headline'?"
    assert codes(runner, book) == ["R213"]


def test_r208_a_picture_without_alt_text(runner: CliRunner, make_anthology: MakeAnthology) -> None:
    book = make_anthology(
        {
            "reviews/beta.md": review("Beta", "Text.\n\n![](images/still.png)"),
            "reviews/images/still.png": png(20, 20),
        }
    )
    problem = only(problems(runner, book, "--quick"), "R208")
    assert (problem["file"], problem["line"]) == ("reviews/beta.md", 8)
    assert codes(runner, book) == ["R208"]


# --- L601 two reviews of one work ---------------------------------------------------------


def test_l601_two_reviews_of_one_work(runner: CliRunner, make_anthology: MakeAnthology) -> None:
    book = make_anthology(
        {
            "reviews/kid.md": review("The Kid", year=1921),
            "reviews/the-kid-again.md": review("the KID!", year=1921, kind="FILM"),
        }
    )
    problem = only(problems(runner, book, "--quick"), "L601")
    assert (problem["file"], problem["line"]) == ("reviews/the-kid-again.md", 2)
    assert problem["message"] == "'the KID!' (film, 1921) is also reviewed in reviews/kid.md"


@pytest.mark.parametrize(("year", "kind"), [(1922, "film"), (1921, "book")])
def test_l601_not_for_another_year_or_kind(
    runner: CliRunner, make_anthology: MakeAnthology, year: int, kind: str
) -> None:
    book = make_anthology(
        {
            "reviews/kid.md": review("The Kid", year=1921),
            "reviews/kid-2.md": review("The Kid", year=year, kind=kind),
        }
    )
    assert codes(runner, book) == []


def test_l601_not_for_one_review_repeated(runner: CliRunner, make_anthology: MakeAnthology) -> None:
    """allow_repeats prints one review file in two sections: that is not two reviews."""
    book = make_anthology(
        {
            "anthology.toml": """\
            title = "Test Book"
            allow_repeats = true
            [[sections]]
            title = "One"
            include = ["reviews/*.md"]
            [[sections]]
            title = "Two"
            include = ["reviews/alpha.md"]
            """
        }
    )
    assert codes(runner, book) == []


# --- L602 straight quotes -----------------------------------------------------------------


def test_l602_straight_quotes_in_the_text(runner: CliRunner, make_anthology: MakeAnthology) -> None:
    body = (
        'Paired "quotes" and it\'s fine.\n'  # 6: curly after typesetting
        'He said "stop\n'  # 7: never closed
        "and left.\n"
        "\n"
        "Back in the '20s.\n"  # 10: the typographer opens a quote here
        "\n"
        'Written \\"straight\\" on purpose, `code "x"`.\n'
        "\n"
        "```\n"
        'print("hello")\n'
        "```\n"
        "\n"
        '<div>raw "html"</div>\n'  # 18: raw HTML is not typeset
    )
    book = make_anthology({"reviews/beta.md": review("Beta", body)})
    found = [p for p in problems(runner, book, "--quick") if p["code"] == "L602"]
    assert [(p["line"], p["column"]) for p in found] == [(7, 9), (10, 13), (18, 10)]
    assert found[0]["message"] == 'a straight " is left in the typeset text: He said "stop'
    assert found[1]["message"] == "a straight ' is left in the typeset text: Back in the '20s."
    assert all(p["file"] == "reviews/beta.md" and p["severity"] == "warning" for p in found)


def test_l602_straight_quotes_in_the_front_matter(
    runner: CliRunner, make_anthology: MakeAnthology
) -> None:
    book = make_anthology(
        {"reviews/beta.md": review("Beta", headline='"\'Tis the season"', pullquote="'\"Fine.\"'")}
    )
    problem = only(problems(runner, book, "--quick"), "L602")
    assert (problem["file"], problem["line"]) == ("reviews/beta.md", 4)
    assert problem["message"].startswith("'headline' keeps a straight '")


def test_l602_in_a_foreword(runner: CliRunner, make_anthology: MakeAnthology) -> None:
    book = make_anthology(
        {
            "anthology.toml": """\
            title = "Test Book"
            [[front]]
            title = "Foreword"
            file = "foreword.md"
            """,
            "foreword.md": 'These are the "best reviews.\n',
        }
    )
    problem = only(problems(runner, book, "--quick"), "L602")
    assert (problem["file"], problem["line"]) == ("foreword.md", 1)


# --- L603 double spaces -------------------------------------------------------------------


def test_l603_double_spaces(runner: CliRunner, make_anthology: MakeAnthology) -> None:
    body = (
        "One  two.\n"  # 6: reported
        "End of a sentence.  Next one, `code  spans` and a hard break  \n"
        "-   a list item\n"
        "\n"
        "Text.\n"
        "\n"
        "    indented  code\n"
        "\n"
        "| Name  | Year |\n"
        "| ----- | ---- |\n"
        "| A     | 1921 |\n"
        "\n"
        "Three   four and  five.\n"  # 18: reported once, at the first
    )
    book = make_anthology({"reviews/beta.md": review("Beta", body)})
    found = [p for p in problems(runner, book, "--quick") if p["code"] == "L603"]
    assert [(p["line"], p["column"], p["message"]) for p in found] == [
        (6, 4, "2 spaces between 'One' and 'two.'"),
        (18, 6, "3 spaces between 'Three' and 'four'"),
    ]


# --- L604 rating scales -------------------------------------------------------------------


def test_l604_mixed_rating_scales(runner: CliRunner, make_anthology: MakeAnthology) -> None:
    book = make_anthology(
        {
            "reviews/gamma.md": review("Gamma", rating="7/10"),
            "reviews/delta.md": review("Delta", rating="B+"),
            "reviews/epsilon.md": review("Epsilon", rating="3.5/5"),
        }
    )
    problem = only(problems(runner, book, "--quick"), "L604")
    assert (problem["file"], problem["line"]) == ("reviews/delta.md", 4)
    assert problem["message"] == (
        "the book rates on 3 scales: out of 5 (alpha.md, beta.md, epsilon.md);"
        " letter grades (delta.md); out of 10 (gamma.md)"
    )
    assert problem["hint"] == "put every rating of the section on one scale, e.g. out of 5"


def test_l604_is_per_section(runner: CliRunner, make_anthology: MakeAnthology) -> None:
    book = make_anthology(
        {
            "anthology.toml": """\
            title = "Test Book"
            [[sections]]
            title = "Fives"
            include = ["reviews/alpha.md", "reviews/beta.md"]
            [[sections]]
            title = "Grades"
            include = ["reviews/gamma.md"]
            """,
            "reviews/gamma.md": review("Gamma", rating="A-"),
        }
    )
    assert codes(runner, book) == []


# --- L605 review lengths ------------------------------------------------------------------


def test_l605_much_longer_and_much_shorter(
    runner: CliRunner, make_anthology: MakeAnthology
) -> None:
    words = lambda count: " ".join(["word"] * count)  # noqa: E731
    files: dict[str, str | bytes | None] = {
        f"reviews/r{n}.md": review(f"Review {n}", words(100)) for n in range(4)
    }
    files["reviews/alpha.md"] = review("Alpha", words(301))
    files["reviews/beta.md"] = review("Beta", words(33))
    book = make_anthology(files)
    found = [p for p in problems(runner, book, "--quick", "--lengths") if p["code"] == "L605"]
    assert [(p["file"], p["line"], p["message"]) for p in found] == [
        (
            "reviews/alpha.md",
            None,
            "this review has 301 words, more than 3 times the median of 100 words"
            " among the book's 6 reviews",
        ),
        (
            "reviews/beta.md",
            None,
            "this review has 33 words, less than a third of the median of 100 words"
            " among the book's 6 reviews",
        ),
    ]


def test_l605_is_one_summary_for_the_book_unless_asked(
    runner: CliRunner, make_anthology: MakeAnthology
) -> None:
    """An archive of capsules beside long reviews: one warning, naming a few."""
    words = lambda count: " ".join(["word"] * count)  # noqa: E731
    files: dict[str, str | bytes | None] = {
        f"reviews/r{n:02}.md": review(f"Review {n}", words(100)) for n in range(12)
    }
    files.update({f"reviews/short{n}.md": review(f"Short {n}", words(10)) for n in range(7)})
    files.update({"reviews/alpha.md": None, "reviews/beta.md": None})
    found = [p for p in problems(runner, make_anthology(files), "--quick") if p["code"] == "L605"]
    (summary,) = found
    assert summary["file"] is None
    assert summary["message"].startswith(
        "7 of the book's 19 reviews are more than 3 times, or less than a third of, the median"
        " of 100 words: "
    )
    assert summary["message"].endswith("(10) and 2 more")
    assert "--lengths" in summary["hint"]


def test_l605_needs_five_reviews(runner: CliRunner, make_anthology: MakeAnthology) -> None:
    files: dict[str, str | bytes | None] = {
        f"reviews/r{n}.md": review(f"Review {n}", "word " * 100) for n in range(2)
    }
    files["reviews/alpha.md"] = review("Alpha", "word " * 1000)
    assert codes(runner, make_anthology(files)) == []


def test_a_template_error_is_reported_with_the_rest(
    runner: CliRunner, make_anthology: MakeAnthology
) -> None:
    """Templates run only when the editions are made: --quick does not see S305."""
    book = make_anthology(
        {
            "templates/_copyright.html.jinja": "<p>{{ no_such_name }}</p>",
            "reviews/beta.md": review("Beta", "He said  hello."),
        }
    )
    found = problems(runner, book)
    assert [p["code"] for p in found] == ["S305", "L603"]
    assert only(found, "S305")["severity"] == "error"
    assert check(runner, book).exit_code == 1
    assert codes(runner, book) == ["L603"]


# --- L606 a review folder left out, L607 the sample review ---------------------------


def test_l606_a_review_folder_outside_the_book_left_out_whole(
    runner: CliRunner, tmp_path: Path
) -> None:
    """The trap: reviews = "../imported" and the scaffold's include of reviews/*.md."""
    from octavo.scaffold import scaffold

    book = scaffold(tmp_path / "my-book").folder
    manifest = book / "anthology.toml"
    manifest.write_text(
        manifest.read_text().replace('reviews = "reviews"', 'reviews = "../imported"')
    )
    imported = tmp_path / "imported"
    imported.mkdir()
    for n in range(3):
        (imported / f"r{n}.md").write_text(review(f"Imported {n}", "Text."), encoding="utf-8")
    found = {p["code"]: p for p in problems(runner, book, "--quick")}
    assert found["L606"]["file"] == "anthology.toml"
    assert found["L606"]["message"] == (
        "the book holds none of the 3 reviews in ../imported, the review folder"
        " anthology.toml names; it holds reviews/the-lodger.md"
    )
    assert 'include = ["../imported/*.md"]' in found["L606"]["hint"]
    assert found["L607"]["file"] == "reviews/the-lodger.md"
    manifest.write_text(
        manifest.read_text().replace('include = ["reviews/*.md"]', 'include = ["../imported/*.md"]')
    )
    assert "L606" not in {p["code"] for p in problems(runner, book, "--quick")}


def test_l607_only_for_the_untouched_sample(runner: CliRunner, tmp_path: Path) -> None:
    from octavo.scaffold import scaffold

    book = scaffold(tmp_path / "my-book").folder
    assert "L607" in {p["code"] for p in problems(runner, book, "--quick")}
    sample = book / "reviews" / "the-lodger.md"
    sample.write_text(sample.read_text().replace("Your Name", "Ann Critic"), encoding="utf-8")
    assert "L607" not in {p["code"] for p in problems(runner, book, "--quick")}
    empty = scaffold(tmp_path / "empty-book", empty=True).folder
    assert list((empty / "reviews").iterdir()) == []


def test_paths_are_shown_as_a_person_would_type_them(tmp_path: Path) -> None:
    from octavo.diagnostics import Diagnostic, shown_path

    book = tmp_path / "shelf" / "book"
    assert shown_path(book / "reviews" / "a.md", book) == "reviews/a.md"
    assert shown_path(tmp_path / "shelf" / "library" / "a.md", book) == "../library/a.md"
    assert shown_path(tmp_path / "a.md", book) == "../../a.md"
    far = Path("/elsewhere/entirely/deep/a.md")
    assert shown_path(far, book) == str(far)
    warning = Diagnostic("M106", "m", tmp_path / "shelf" / "library" / "a.md", 3)
    assert warning.location(book) == "../library/a.md:3"
