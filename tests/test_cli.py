"""The command line on the happy path: help, version, build, import."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from pypdf import PdfReader
from typer.testing import CliRunner

from octavo import __version__
from octavo.cli import app

from .conftest import SHARED, MakeAnthology, files_in


def test_version(runner: CliRunner) -> None:
    result = runner.invoke(app, ["--version"])
    assert result.exit_code == 0
    assert result.output.strip() == f"octavo {__version__}"


@pytest.mark.parametrize("command", [[], ["build"], ["import"], ["import", "text"]])
def test_every_command_has_help(runner: CliRunner, command: list[str]) -> None:
    result = runner.invoke(app, [*command, "--help"])
    assert result.exit_code == 0
    assert "Usage: octavo" in result.output


def test_python_dash_m(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "octavo", "--version"], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0
    assert result.stdout.strip() == f"octavo {__version__}"


def test_unknown_option_is_a_usage_error(runner: CliRunner) -> None:
    result = runner.invoke(app, ["build", "--colour"])
    assert result.exit_code == 2


def test_build_one_format_prints_a_summary(
    runner: CliRunner, make_anthology: MakeAnthology, tmp_path: Path
) -> None:
    book = make_anthology()
    out = tmp_path / "out"
    result = runner.invoke(app, ["build", str(book), "--format", "pdf", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert files_in(out) == ["test-book.pdf"]
    pages = len(PdfReader(out / "test-book.pdf").pages)
    assert f"wrote {out / 'test-book.pdf'}  ({pages} pages, " in result.output
    # no [[sections]]: every review, by title, and no part opener
    text = "\n".join(page.extract_text() for page in PdfReader(out / "test-book.pdf").pages)
    assert text.index("Alpha (1925)") < text.index("Beta (1925)")
    assert "PART 1" not in text.upper().replace(" ", "")


def test_build_verbose_prints_each_step_after_the_seconds_elapsed(
    runner: CliRunner, make_anthology: MakeAnthology, tmp_path: Path
) -> None:
    book = make_anthology()
    out = tmp_path / "out"
    result = runner.invoke(app, ["build", str(book), "-f", "pdf,epub", "-o", str(out), "-v"])
    assert result.exit_code == 0, result.output
    steps = [line.split(" s  ", 1) for line in result.output.splitlines() if " s  " in line]
    names = [name for _, name in steps]
    assert names[0] == "Loading and checking the anthology"
    assert "Laying out the PDF" in names
    assert names[-1] == "Writing files"
    assert len(names) == len(set(names))  # a step is printed once, not at each update
    seconds = [float(elapsed) for elapsed, _ in steps]
    assert seconds == sorted(seconds)
    quiet = runner.invoke(app, ["build", str(book), "-f", "epub", "-o", str(out)])
    assert " s  " not in quiet.output


def test_build_warnings_are_shown(
    runner: CliRunner, make_anthology: MakeAnthology, tmp_path: Path
) -> None:
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
    result = runner.invoke(app, ["build", str(book), "--format", "epub", "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert "warning[M106]" in result.output
    assert "reviews/beta.md is in no section" in result.output


def test_import_text_then_build(runner: CliRunner, tmp_path: Path) -> None:
    seed = SHARED / "seeds" / "000_d95669fbebcdb31f.txt"
    if not seed.is_file():
        pytest.skip(f"the seed review {seed} lives outside the repository")
    book = tmp_path / "book"
    (book / "reviews").mkdir(parents=True)
    (book / "anthology.toml").write_text('title = "Imported"\n', encoding="utf-8")
    result = runner.invoke(app, ["import", "text", str(seed), "--to", str(book / "reviews")])
    assert result.exit_code == 0, result.output
    assert f"created   {book / 'reviews' / 'blue-valentine.md'}" in result.output
    # a second import of the same file changes nothing
    written = (book / "reviews" / "blue-valentine.md").read_bytes()
    again = runner.invoke(app, ["import", "text", str(seed), "--to", str(book / "reviews")])
    assert again.exit_code == 0, again.output
    assert "unchanged" in again.output
    assert (book / "reviews" / "blue-valentine.md").read_bytes() == written
    built = runner.invoke(
        app, ["build", str(book), "--format", "epub", "--out", str(tmp_path / "o")]
    )
    assert built.exit_code == 0, built.output
    assert files_in(tmp_path / "o") == ["imported.epub"]
