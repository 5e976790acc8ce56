"""Display lines: a title longer than any line breaks, hyphenated, in every theme and
edition, and no heading ends on one word alone (render/display.py)."""

from __future__ import annotations

import json
import re
import subprocess
import zipfile
from pathlib import Path

import pytest
from markupsafe import Markup
from typer.testing import CliRunner

from octavo.api import Built, build
from octavo.cli import app
from octavo.render.display import display, long_words

from .conftest import require

#: One word of 81 letters: wider than the text block of every theme at any size.
LONG_TITLE = "Donaudampfschifffahrtselektrizitätenhauptbetriebswerkbauunterbeamtengesellschaft"
SUBTITLE = "Fourteen Reviews of the Films That Taught Cinema to Speak"

MANIFEST = f"""\
title = "Long Words"
subtitle = "{SUBTITLE}"
editors = ["Ann Editor"]
language = "en"
date = 2026-01-02

[[sections]]
title = "Reviews"
include = ["reviews/*.md"]

[[back]]
index = "works"
"""

REVIEW = f"""\
---
title: {LONG_TITLE}
reviewer: Ann Critic
year: 1927
---
A plain paragraph of the review, long enough to be set as a few lines of text on the
page, with nothing in it that could run into the margin.
"""


def test_display_marks_long_words_and_keeps_the_last_two_words_together() -> None:
    assert display(SUBTITLE) == (
        'Fourteen Reviews of the Films That Taught Cinema <span class="last-words">to Speak</span>'
    )
    assert display("The Kid") == "The Kid"
    assert display(LONG_TITLE) == f'<span class="long-word">{LONG_TITLE}</span>'
    # escaped once, whether given text or markup
    assert display("Tom & Jerry <3 in Town") == (
        'Tom &amp; Jerry &lt;3 <span class="last-words">in Town</span>'
    )
    # a short display line fits on one line anyway: its words are left as they are
    assert display("Index of Works") == "Index of Works"
    assert display(Markup("Tom &amp; <em>Jerry</em> go")) == "Tom &amp; <em>Jerry</em> go"
    # a long last word is not tied to the one before it
    assert display(f"The Story of {LONG_TITLE}") == (
        f'The Story of <span class="long-word">{LONG_TITLE}</span>'
    )
    assert long_words(f"A {LONG_TITLE}") == f'A <span class="long-word">{LONG_TITLE}</span>'


@pytest.mark.parametrize("theme", ["classic", "modern", "ereader"])
def test_a_title_longer_than_the_measure_stays_on_the_page(
    theme: str, make_anthology, runner: CliRunner
) -> None:
    root = make_anthology(
        {"anthology.toml": MANIFEST, "reviews/alpha.md": REVIEW, "reviews/beta.md": None}
    )
    result = runner.invoke(app, ["audit", str(root), "--theme", theme, "--format", "json"])
    report = json.loads(result.stdout)
    outside = [fault for fault in report["faults"] if fault["code"] == "T701"]
    assert outside == [], outside
    assert result.exit_code == 0


def test_the_long_title_breaks_with_a_hyphen_and_the_subtitle_keeps_its_last_words(
    make_anthology, tmp_path: Path
) -> None:
    require("pdftotext", "to read the PDF's text back")
    root = make_anthology(
        {"anthology.toml": MANIFEST, "reviews/alpha.md": REVIEW, "reviews/beta.md": None}
    )
    built = build(root, tmp_path / "out", formats=("pdf",))
    text = subprocess.run(
        ["pdftotext", "-layout", str(_output(built, "pdf")), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    # the title breaks with a hyphen (WeasyPrint's is U+2010) after a part of the word
    broken = [line[:-1] for line in lines if line.endswith(("-", "\u2010"))]
    assert any(len(part) > 5 and LONG_TITLE.startswith(part) for part in broken), lines
    # the subtitle wraps, and its last line is not one word alone
    last = next(line for line in lines if line.endswith("Speak"))
    assert last != "Speak"
    assert "to Speak" in last


def test_the_epub_breaks_long_words(make_anthology, tmp_path: Path) -> None:
    root = make_anthology(
        {"anthology.toml": MANIFEST, "reviews/alpha.md": REVIEW, "reviews/beta.md": None}
    )
    built = build(root, tmp_path / "out", formats=("epub",))
    with zipfile.ZipFile(_output(built, "epub")) as epub:
        texts = {
            name: epub.read(name).decode()
            for name in epub.namelist()
            if name.endswith((".xhtml", ".css"))
        }
    review = next(text for name, text in texts.items() if 'class="work-title"' in text)
    css = "".join(text for name, text in texts.items() if name.endswith(".css"))
    assert re.search(rf'<h1[^>]*><span class="long-word">{LONG_TITLE}</span></h1>', review)
    assert ".long-word" in css
    assert re.search(r"body \{[^}]*overflow-wrap: break-word", css)


NARROW_THEME = {
    "theme/theme.toml": 'name = "narrow"\nextends = "classic"\n',
    "theme/print.css": ".narrow { width: 4.2em; text-align: left; text-indent: 0; }\n",
}


@pytest.mark.parametrize(
    ("language", "word", "broken"),
    [("en", "Caligari", False), ("fr", "Caligari", False), ("en", "caligari", True),
     ("de", "Gesellschaft", True)],
)  # fmt: skip
def test_names_are_not_hyphenated_but_words_are(
    language: str, word: str, broken: bool, make_anthology, tmp_path: Path
) -> None:
    require("pdftotext", "to read the PDF's text back")
    manifest = (
        f'title = "Names"\neditors = ["Ann Editor"]\nlanguage = "{language}"\nstyle = "./theme"\n'
    )
    review = "---\ntitle: Alpha\nreviewer: Ann Critic\n---\n\n{.narrow}\n"
    root = make_anthology({
        "anthology.toml": manifest, "reviews/beta.md": None, **NARROW_THEME,
        "reviews/alpha.md": review + f"Oh {word} {word} {word} {word}.\n",
    })  # fmt: skip
    built = build(root, tmp_path / "out", formats=("pdf",), cache=False)
    text = subprocess.run(
        ["pdftotext", str(_output(built, "pdf")), "-"], capture_output=True, text=True, check=True
    ).stdout
    cut = [line for line in text.splitlines() if line.rstrip().endswith(("\u2010", "-"))]
    assert bool(cut) == broken, text


def _output(built: Built, kind: str) -> Path:
    (path,) = [output.path for output in built.outputs if output.format == kind]
    return path


@pytest.mark.parametrize("trim", ["pocket", "trade"])
def test_the_display_pages_fit_every_trim(trim: str, make_anthology, tmp_path: Path) -> None:
    """The title page and its back are set in shares of the page (vh): on a pocket
    page the publisher stayed on a page of its own and the copyright block ran over."""
    require("pdftotext", "to read the PDF's pages back")
    root = make_anthology({"anthology.toml": _with_print_table(trim)})
    built = build(root, tmp_path / "out", formats=("pdf",), cache=False)
    pdf = _output(built, "pdf")
    pages = [
        subprocess.run(
            ["pdftotext", "-f", str(n), "-l", str(n), str(pdf), "-"],
            capture_output=True, text=True, check=True,
        ).stdout
        for n in range(1, 6)
    ]  # fmt: skip
    (title,) = [
        page for page in pages if "Edited by" in page and "Ann Editor" in page and "©" not in page
    ]
    assert "Small Trim Press" in title
    (copyright_page,) = [page for page in pages if "Text ©" in page]
    assert "First published" in copyright_page
    assert "Long Words" in copyright_page


def _with_print_table(trim: str) -> str:
    head, sections = MANIFEST.split("[[sections]]", 1)
    head += 'publisher = "Small Trim Press"\nrights = "Text © 2026 the contributors."\n'
    return f'{head}\n[print]\ntrim = "{trim}"\n\n[[sections]]{sections}'
