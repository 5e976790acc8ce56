"""A build reads only the anthology, its review library and the theme; never the network."""

from __future__ import annotations

from pathlib import Path

import pytest
from pypdf import PdfReader
from typer.testing import CliRunner

from octavo.api import build
from octavo.cli import app

from .conftest import MakeAnthology, files_in

HOSTILE = """\
---
title: Hostile
reviewer: Mallory
---

Before.

<link rel="attachment" href="file:///etc/hostname">
<a rel="attachment" href="file:///etc/hostname">leak</a>
<script>alert(1)</script><iframe src="http://169.254.169.254/"></iframe>
<p onclick="steal()" style="background: url(http://example.com/x.png)">After.</p>
"""


def test_hostile_html_is_refused_line_by_line(
    runner: CliRunner, make_anthology: MakeAnthology, tmp_path: Path
) -> None:
    book = make_anthology({"reviews/hostile.md": HOSTILE})
    out = tmp_path / "out"
    result = runner.invoke(app, ["build", str(book), "--out", str(out)])
    assert result.exit_code == 1
    found = [line.split(": ", 1)[0] for line in result.output.splitlines() if "error[" in line]
    assert found == [
        "error[R216] reviews/hostile.md:8",  # <link rel=attachment>
        "error[R215] reviews/hostile.md:9",  # file: link
        "error[R216] reviews/hostile.md:10",  # <script>
        "error[R216] reviews/hostile.md:10",  # <iframe>
        "error[R216] reviews/hostile.md:11",  # onclick=
        "error[R216] reviews/hostile.md:11",  # style=
    ]
    assert files_in(out) == []


def test_a_built_pdf_has_no_attachments(make_anthology: MakeAnthology, tmp_path: Path) -> None:
    book = make_anthology(
        {"reviews/links.md": "---\ntitle: Links\nreviewer: M\n---\n\n[web](https://example.com)\n"}
    )
    built = build(book, tmp_path / "out", ("pdf",))
    reader = PdfReader(built.outputs[0].path)
    names = reader.trailer["/Root"].get("/Names", {})
    assert "/EmbeddedFiles" not in names
    for page in reader.pages:
        for annotation in page.get("/Annots", []):
            assert annotation.get_object().get("/Subtype") != "/FileAttachment"


def test_a_theme_stylesheet_reaching_outside_fails_the_build(
    runner: CliRunner, make_anthology: MakeAnthology, tmp_path: Path
) -> None:
    theme = tmp_path / "leaky"
    theme.mkdir()
    (theme / "theme.toml").write_text('extends = "classic"\n', encoding="utf-8")
    (theme / "print.css").write_text(
        '@font-face { font-family: X; src: url("file:///etc/hostname"); }\n'
        "body { font-family: X; }\n",
        encoding="utf-8",
    )
    book = make_anthology({"anthology.toml": f'title = "T"\nstyle = "{theme}"\n'})
    out = tmp_path / "out"
    result = runner.invoke(app, ["build", str(book), "--out", str(out)])
    assert result.exit_code == 1
    assert "refused to read /etc/hostname" in result.output
    assert "Traceback" not in result.output
    assert files_in(out) == []


@pytest.mark.parametrize("url", ["http://example.com/font.ttf", "https://example.com/a.css"])
def test_a_stylesheet_never_fetches_urls(
    runner: CliRunner, make_anthology: MakeAnthology, tmp_path: Path, url: str
) -> None:
    theme = tmp_path / "remote"
    theme.mkdir()
    (theme / "theme.toml").write_text('extends = "classic"\n', encoding="utf-8")
    (theme / "print.css").write_text(f'@import url("{url}");\n', encoding="utf-8")
    book = make_anthology({"anthology.toml": f'title = "T"\nstyle = "{theme}"\n'})
    result = runner.invoke(app, ["build", str(book), "--out", str(tmp_path / "out")])
    assert result.exit_code == 1
    assert f"refused to fetch {url}" in result.output


def test_a_theme_file_that_names_a_missing_picture_says_so(
    runner: CliRunner, make_anthology: MakeAnthology, tmp_path: Path
) -> None:
    """A picture inside the theme's folder that is not there is not "outside the
    anthology": the error names the file and says it does not exist."""
    theme = tmp_path / "typo"
    theme.mkdir()
    (theme / "theme.toml").write_text('extends = "classic"\n', encoding="utf-8")
    (theme / "print.css").write_text(
        '@page { @bottom-left { content: url("ornamnet.png"); } }\n', encoding="utf-8"
    )
    book = make_anthology({"anthology.toml": f'title = "T"\nstyle = "{theme}"\n'})
    out = tmp_path / "out"
    result = runner.invoke(app, ["build", str(book), "--out", str(out), "--format", "pdf"])
    assert result.exit_code == 1
    assert f"{theme / 'ornamnet.png'} does not exist" in result.output
    assert "correct the name" in result.output
    assert "outside the anthology" not in result.output
    assert "Traceback" not in result.output
    assert files_in(out) == []
