"""``build --strict`` stops on the audit's errors, in a book laid out in parts too.

The audit's checks run where the pages are laid out: in the worker processes of a
parallel layout, whose faults come back with their pieces, are cached with them and
are moved to the merged book's pages. A paragraph that cannot wrap (T701, an error)
is planted in the second part of a book of three parts; the strict build must name
its file, page and folio as ``octavo audit --jobs 1`` (one pass) does, and write
nothing; ``octavo audit`` itself lays the book out in parts, and finds the same.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

import octavo.render.print_split as print_split
from octavo.audit import audit
from octavo.cli import app
from octavo.cli.audit import fault_line

pytestmark = pytest.mark.slow

REVIEW = """\
---
title: Work {tag} {number}
reviewer: Critic {number}
year: {year}
tags: [{tag}]
---

{text}
"""

WIDE = (
    "\n\n{.wide}\n"
    "Thisparagraphneverwrapsbecauseitsstyleforbidsitandsoitrunsoutofthetextblockandoffthepaper.\n"
)


@pytest.fixture
def book(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Three parts of two reviews, in a theme that extends classic with one rule (a
    paragraph that never wraps); cut into parts (a theme of its own is cut too)."""
    monkeypatch.setattr(print_split, "CHUNK_REVIEWS", 2)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1764028800")

    root = tmp_path / "book"
    (root / "reviews").mkdir(parents=True)
    (root / "theme").mkdir()
    (root / "theme" / "theme.toml").write_text(
        'name = "wide"\nextends = "classic"\n', encoding="utf-8"
    )
    (root / "theme" / "print.css").write_text(".wide { white-space: nowrap; }\n", encoding="utf-8")
    manifest = ['title = "Three Parts"\neditors = ["E. D."]\nstyle = "./theme"\n']
    for part, tag in enumerate(["one", "two", "three"], start=1):
        manifest.append(f'[[sections]]\ntitle = "Part {tag}"\nselect = {{ tags = ["{tag}"] }}\n')
        for number in (1, 2):
            text = f"Review {number} of part {tag}. " + "The film begins at dawn. " * 60
            if (tag, number) == ("two", 1):
                text += WIDE
            (root / "reviews" / f"{tag}-{number}.md").write_text(
                REVIEW.format(tag=tag, number=number, year=1920 + part, text=text),
                encoding="utf-8",
            )
    (root / "anthology.toml").write_text("\n".join(manifest), encoding="utf-8")
    return root


def _strict(runner: CliRunner, book: Path, out: Path, *more: str) -> tuple[int, str]:
    result = runner.invoke(
        app, ["build", str(book), "--out", str(out), "--format", "pdf", "--strict", *more]
    )
    return result.exit_code, result.output


def test_strict_fails_on_an_audit_error_found_in_parts_cached_or_not(
    book: Path, tmp_path: Path, runner: CliRunner
) -> None:
    (fault,) = audit(book, jobs=1).errors  # one pass: the page and folio to expect
    assert fault.code == "T701"
    expected = fault_line(fault, book)
    assert expected.startswith("error[T701] reviews/two-1.md: page ")
    out = tmp_path / "out"

    status, output = _strict(runner, book, out, "--jobs", "2")
    assert status == 1
    assert expected in output
    assert "Traceback" not in output
    assert "Nothing was written" in output
    assert list(out.glob("*.pdf")) == []
    pieces = {path: path.stat().st_mtime_ns for path in (out / ".octavo-cache").rglob("*.pdf")}
    bodies = [path for path in pieces if path.name.endswith(".body.pdf")]
    assert len(pieces) - len(bodies) == 4  # laid out in parts: three parts and the front matter
    assert len(bodies) == 3  # the parts' bodies, stamped with their folios (pdf_stamps)

    status, again = _strict(runner, book, out, "--jobs", "2")  # from the cache of parts
    assert status == 1
    assert expected in again
    assert list(out.glob("*.pdf")) == []
    assert {path: path.stat().st_mtime_ns for path in pieces} == pieces  # none laid out again

    status, one_pass = _strict(runner, book, out, "--jobs", "1")
    assert status == 1
    assert expected in one_pass


def test_without_strict_the_book_is_built_and_a_strict_rebuild_still_fails(
    book: Path, tmp_path: Path, runner: CliRunner
) -> None:
    out = tmp_path / "out"
    result = runner.invoke(
        app, ["build", str(book), "--out", str(out), "--format", "pdf", "--jobs", "2"]
    )
    assert result.exit_code == 0, result.output
    assert "T701" not in result.output  # the audit's faults are --strict's (B410 warns)
    (pdf,) = out.glob("*.pdf")
    written = pdf.read_bytes()
    # nothing changed since: the up-to-date build knows the faults it recorded
    status, output = _strict(runner, book, out, "--jobs", "2")
    assert status == 1
    assert "error[T701] reviews/two-1.md: page " in output
    assert pdf.read_bytes() == written


def test_strict_prints_the_audits_warnings_and_builds(
    book: Path, tmp_path: Path, runner: CliRunner
) -> None:
    """Warnings of the audit stay warnings under --strict: printed, on the pages one
    pass finds them, and the book is built."""
    review = book / "reviews" / "two-1.md"
    review.write_text(review.read_text(encoding="utf-8").replace(WIDE, ""), encoding="utf-8")
    theme = book / "theme" / "theme.toml"
    # every justified line is loose for this theme: T707 warnings on every piece's pages
    theme.write_text(theme.read_text() + "[audit]\nword_space = 1.0\n", encoding="utf-8")
    one_pass = audit(book, jobs=1)
    expected = [fault_line(fault, book) for fault in one_pass.faults]
    assert len({line.split(":")[0] for line in expected}) == 6  # on every review
    # ``octavo audit`` lays the book out as a build does, in parts: the same faults
    steps: list[str] = []
    in_parts = audit(book, progress=steps.append, jobs=2)
    assert "Merging the PDF" in steps
    assert [fault_line(fault, book) for fault in in_parts.faults] == expected
    assert in_parts.pages == one_pass.pages
    out = tmp_path / "out"
    status, output = _strict(runner, book, out, "--jobs", "2")
    assert status == 0, output
    assert [line for line in output.splitlines() if line.startswith("warning[T")] == expected
    assert "error" not in output
    assert len(list(out.glob("*.pdf"))) == 1
