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


def test_hostile_html_is_sanitised_and_nothing_is_attached(
    make_anthology: MakeAnthology, tmp_path: Path
) -> None:
    book = make_anthology({"reviews/hostile.md": HOSTILE})
    built = build(book, tmp_path / "out", ("pdf",))
    reader = PdfReader(built.outputs[0].path)
    assert (
        "/Names" not in reader.trailer["/Root"]
        or "/EmbeddedFiles" not in (reader.trailer["/Root"]["/Names"])
    )
    for page in reader.pages:
        for annotation in page.get("/Annots", []):
            assert annotation.get_object().get("/Subtype") != "/FileAttachment"
    text = "\n".join(page.extract_text() for page in reader.pages)
    assert "Before." in text
    assert "After." in text
    assert "alert(1)" not in text


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
