"""``octavo audit``: each fault class planted in a small book, found on its page.

One book holds every fault, each made certain by a theme folder that extends
classic with a few rules (a paragraph too narrow for its words, a forced break
after a heading...). It is laid out once; the page of each fault is checked
against the text of the PDF drawn from the same layout.
"""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader
from typer.testing import CliRunner

from octavo.audit import CODES, AuditSettings, Fault, audit_pages, audit_settings, load_with_theme
from octavo.cli import app
from octavo.cli.audit import fault_line
from octavo.render.print_html import render_print
from octavo.write.pdf import render_pdf_pages

from .conftest import EXAMPLE

THEME_CSS = """\
.narrow { width: 8em; text-align: left; hyphens: manual; text-indent: 0; }
.broken { word-spacing: 40em; text-align: justify; text-indent: 0; }
.fragment { width: 4em; text-align: left; hyphens: manual; text-indent: 0; }
.ladder { width: 2.6em; text-align: left; hyphens: auto; hyphenate-limit-chars: 4 2 2;
          text-indent: 0; }
.loose { width: 9em; text-align: justify; hyphens: manual; text-indent: 0; }
.wide { white-space: nowrap; }
.foot { break-after: page; }
.tail { break-before: page; }
.namecut { width: 3em; text-align: left; hyphens: manual; text-indent: 0; }
.display { width: 17em; }
"""

FAULTS = """\
---
title: Alpha
reviewer: Ann Critic
---

{.narrow}
Incomprehensibly, ox.

{.fragment}
wander\u00ading.

{.ladder}
Incomprehensibilities uncharacteristically.

{.loose}
I am incomprehensibilities here and there again and again.

{.broken}
Lone words apart.

{.wide}
Thisparagraphneverwrapsbecauseitsstyleforbidsitandsoitrunsoutofthetextblockandoffthepaper.
"""

HEADING = """\
---
title: Beta
reviewer: Ann Critic
---

The text before the heading.

{.foot}
## Stranded heading

The text after the heading, on the next page.
"""

SHORT = """\
---
title: Gamma
reviewer: Ann Critic
---

The first page of the review.

{.tail}
The last page holds a single line.
"""

DISPLAY = """\
---
title: Epsilon
reviewer: Ann Critic
---

{.namecut}
Then came Cal\u00adigari again.

{.display}
## Films That Taught Cinema to *Speak*

The text under the heading.
"""

NOTE = (
    "---\ntitle: Delta\nreviewer: Ann Critic\n---\n\n"
    "A paragraph with a call to a long note.[^1]\n\n"
    "[^1]: " + " ".join(["This note goes on and on, far too long for one page."] * 120) + "\n"
)


def write_book(root: Path, audit_table: str = "") -> Path:
    files = {
        "anthology.toml": 'title = "Test Book"\neditors = ["Ed Itor"]\nlanguage = "en"\n'
        'style = "./theme"\n',
        "theme/theme.toml": f'name = "audit-test"\nextends = "classic"\n{audit_table}',
        "theme/print.css": THEME_CSS,
        "reviews/a-faults.md": FAULTS,
        "reviews/b-heading.md": HEADING,
        "reviews/c-short.md": SHORT,
        "reviews/d-note.md": NOTE,
        "reviews/e-display.md": DISPLAY,
    }
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text, encoding="utf-8")
    return root


@dataclass
class LaidOut:
    root: Path
    loaded: Any
    pages: list[Any]
    texts: list[str]  #: each page's text, read back from the PDF of the same layout


@pytest.fixture(scope="module")
def laid_out(tmp_path_factory: pytest.TempPathFactory) -> LaidOut:
    root = write_book(tmp_path_factory.mktemp("audit") / "book")
    loaded = load_with_theme(root, None)
    document = render_print(loaded.anthology, loaded.theme, False)
    rendered, data, _, _ = render_pdf_pages(document, loaded.resolver)
    texts = [" ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(data)).pages]
    return LaidOut(root, loaded, rendered.pages, texts)


@pytest.fixture(scope="module")
def faults(laid_out: LaidOut) -> list[Fault]:
    return audit_pages(laid_out.pages, laid_out.loaded, audit_settings(laid_out.loaded.theme))


def found(faults: list[Fault], code: str) -> Iterator[tuple[str, Fault]]:
    for fault in faults:
        if fault.code == code:
            assert fault.path is not None
            yield fault.path.name, fault


def test_a_glyph_outside_the_text_block_is_an_error(faults: list[Fault], laid_out: LaidOut) -> None:
    [(name, fault)] = found(faults, "T701")
    assert name == "a-faults.md"
    assert fault.severity.value == "error"
    assert "Thisparagraphnever" in laid_out.texts[fault.page]


def test_a_note_set_on_another_page_than_its_call(faults: list[Fault], laid_out: LaidOut) -> None:
    [(name, fault)] = found(faults, "T702")
    assert name == "d-note.md"
    assert "a call to a long note" in laid_out.texts[fault.page]
    assert "This note goes on" not in laid_out.texts[fault.page]
    assert "This note goes on" in laid_out.texts[fault.page + 1]
    assert "note 1 is called on this page but set on the next page" in fault.message


def test_a_review_whose_last_page_is_short(faults: list[Fault], laid_out: LaidOut) -> None:
    short = dict(found(faults, "T703"))
    fault = short["c-short.md"]
    assert "The last page holds a single line." in laid_out.texts[fault.page]
    assert "1 line (the theme asks for at least 5)" in fault.message
    assert "a-faults.md" not in short  # one page only: no last page to be short


def test_a_paragraph_ending_on_a_fragment_or_a_short_word(
    faults: list[Fault], laid_out: LaidOut
) -> None:
    ends = [fault for name, fault in found(faults, "T704") if name == "a-faults.md"]
    messages = sorted(fault.message for fault in ends)
    assert any("'ing.', the end of a hyphenated word" in m for m in messages), messages
    assert any("'ox.', a single short word" in m for m in messages), messages
    for fault in ends:
        assert "wan" in laid_out.texts[fault.page]


def test_too_many_hyphenated_lines_in_a_row(faults: list[Fault], laid_out: LaidOut) -> None:
    [(name, fault)] = found(faults, "T705")  # "Wan-der-ing." has two: allowed
    assert name == "a-faults.md"
    assert fault.message.startswith("9 hyphenated lines in a row, from 'In‐'")
    assert "Incompre" in laid_out.texts[fault.page].replace("‐ ", "").replace("-", "")


def test_a_heading_at_the_foot_of_a_page(faults: list[Fault], laid_out: LaidOut) -> None:
    [(name, fault)] = found(faults, "T706")
    assert name == "b-heading.md"
    assert laid_out.texts[fault.page].endswith("Stranded heading " + fault.folio) or (
        "Stranded heading" in laid_out.texts[fault.page]
    )
    assert "The text after the heading" in laid_out.texts[fault.page + 1]
    assert "'Stranded heading'" in fault.message


def test_a_loose_line(faults: list[Fault], laid_out: LaidOut) -> None:
    loose = [fault for _, fault in found(faults, "T707")]
    assert loose
    assert all(fault.path and fault.path.name == "a-faults.md" for fault in loose)
    assert any(fault.message.endswith("'I am'") for fault in loose)
    assert "I am" in laid_out.texts[loose[0].page]


def test_every_fault_has_a_folio_and_only_planted_faults_are_found(faults: list[Fault]) -> None:
    assert {fault.code for fault in faults} == set(CODES)
    assert all(fault.folio for fault in faults)
    names = {fault.path.name for fault in faults if fault.path}
    assert names == {"a-faults.md", "b-heading.md", "c-short.md", "d-note.md", "e-display.md"}


def test_thresholds_and_severities_are_the_themes(laid_out: LaidOut) -> None:
    settings = AuditSettings(
        last_page_lines=1,
        last_line_characters=2,
        hyphenated_lines=9,
        word_space=1000.0,
        severity={"T701": "warning", "T706": "error", "T702": "off", "T708": "off", "T709": "off"},
    )
    faults = audit_pages(laid_out.pages, laid_out.loaded, settings)
    codes = {fault.code: fault.severity.value for fault in faults}
    assert codes == {"T701": "warning", "T706": "error"}


def test_the_audit_table_of_theme_toml(tmp_path: Path) -> None:
    table = '[audit]\nlast_page_lines = 3\nword_space = 3\nseverity = { T704 = "off" }\n'
    root = write_book(tmp_path / "book", table)
    settings = audit_settings(load_with_theme(root, None).theme)
    assert settings.last_page_lines == 3
    assert settings.word_space == 3.0
    assert settings.hyphenated_lines == 2  # the default
    assert settings.severity_of("T704") == "off"
    assert settings.severity_of("T701") == "error"
    assert audit_settings(load_with_theme(EXAMPLE, None).theme) == AuditSettings()


@pytest.mark.parametrize(
    "table",
    [
        "[audit]\nlast_page_lines = 0\n",
        '[audit]\nword_space = "wide"\n',
        "[audit]\nwidows = 2\n",
        '[audit]\nseverity = { T799 = "error" }\n',
        '[audit]\nseverity = { T704 = "fatal" }\n',
    ],
)
def test_wrong_settings_are_a_theme_error(tmp_path: Path, runner: CliRunner, table: str) -> None:
    root = write_book(tmp_path / "book", table)
    result = runner.invoke(app, ["audit", str(root)])
    assert result.exit_code == 1
    assert "error[S302]" in result.output
    assert "[audit]" in result.output


def test_the_command_json_and_exit_status(laid_out: LaidOut, runner: CliRunner) -> None:
    result = runner.invoke(app, ["audit", str(laid_out.root), "--format", "json"])
    assert result.exit_code == 1, result.output  # T701 is an error
    document = json.loads(result.stdout)
    assert document["theme"] == laid_out.loaded.theme.name
    assert document["errors"] == 1
    assert document["warnings"] == len(document["faults"]) - 1
    note = next(fault for fault in document["faults"] if fault["code"] == "T702")
    assert note["file"] == "reviews/d-note.md"
    assert note["page"] >= 1
    assert note["folio"]
    assert set(note) == {"code", "severity", "page", "folio", "file", "message", "hint"}


def test_the_command_text_in_another_theme(tmp_path: Path, runner: CliRunner) -> None:
    root = write_book(tmp_path / "book")
    (root / "reviews" / "a-faults.md").unlink()
    (root / "reviews" / "d-note.md").unlink()
    result = runner.invoke(app, ["audit", str(root), "--theme", "modern"])
    assert result.exit_code == 0, result.output
    # the planted rules are the book's own theme's: set in modern, the book is clean
    assert result.output.startswith("No typographic faults found on ")


def test_a_fault_as_text(faults: list[Fault], laid_out: LaidOut) -> None:
    [(_, fault)] = found(faults, "T702")
    line = fault_line(fault, laid_out.root)
    assert line.startswith(
        f"warning[T702] reviews/d-note.md: page {fault.page + 1} (folio {fault.folio}): note 1"
    )


def test_an_unknown_theme(tmp_path: Path, runner: CliRunner) -> None:
    root = write_book(tmp_path / "book")
    result = runner.invoke(app, ["audit", str(root), "--theme", "nonesuch"])
    assert result.exit_code == 1
    assert "S301" in result.output


def test_a_hyphenated_name_and_a_display_line_ending_on_one_word(
    faults: list[Fault], laid_out: LaidOut
) -> None:
    display = [fault for name, fault in found(faults, "T708") if name == "e-display.md"]
    messages = sorted(fault.message for fault in display)
    assert messages == [
        "a display line ends on one word alone: 'Speak'",
        "the name 'Caligari' is hyphenated ('Cal‐' / 'igari')",
    ]
    for fault in display:
        assert "igari" in laid_out.texts[fault.page]
        assert "Speak" in laid_out.texts[fault.page]


def test_a_justified_paragraph_broken_after_one_word(
    faults: list[Fault], laid_out: LaidOut
) -> None:
    broken = [fault for name, fault in found(faults, "T709") if name == "a-faults.md"]
    # every line of the planted paragraph but its last holds one word
    assert sorted(fault.message.rsplit(": ", 1)[1] for fault in broken) == ["'Lone'", "'words'"]
    assert "Lone" in laid_out.texts[broken[0].page]
