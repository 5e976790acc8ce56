"""Themes: found by name or path, extended, and overridden one template at a time."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from octavo.api import load_anthology
from octavo.cli import app
from octavo.render.epub_xhtml import render_epub
from octavo.render.print_html import render_print
from octavo.themes import shipped_styles, shipped_theme_names

from .conftest import MakeAnthology


def test_classic_is_shipped() -> None:
    assert "classic" in shipped_theme_names()
    for name in ("theme.toml", "print.css", "epub.css", "fonts/OFL.txt"):
        assert (shipped_styles() / "classic" / name).is_file(), name


def test_one_template_can_be_overridden(make_anthology: MakeAnthology) -> None:
    book = make_anthology(
        {
            "templates/_copyright.html.jinja": """\
            <section class="copyright-page"><p>Printed by hand in {{ book.title }}.</p></section>
            """
        }
    )
    loaded = load_anthology(book)
    html = render_print(loaded.anthology, loaded.theme).html
    assert "Printed by hand in Test Book." in html
    assert "Made with Octavo" not in html
    # the rest of the theme is still the theme's own
    assert '<nav class="toc" id="contents"' in html
    epub = render_epub(loaded.anthology, loaded.theme)
    copyright_page = next(d for d in epub.documents if d.id == "copyright")
    assert "Printed by hand in Test Book." in copyright_page.xhtml


def test_a_theme_can_extend_another(make_anthology: MakeAnthology, tmp_path: Path) -> None:
    theme = tmp_path / "my-theme"
    (theme / "templates").mkdir(parents=True)
    (theme / "theme.toml").write_text('name = "mine"\nextends = "classic"\n', encoding="utf-8")
    (theme / "print.css").write_text(".work-title { color: #700; }\n", encoding="utf-8")
    (theme / "templates" / "_review_header.html.jinja").write_text(
        '<header class="review-header"><{{ heading }} class="work-title">'
        "{{ review.title }} [mine]</{{ heading }}></header>\n",
        encoding="utf-8",
    )
    book = make_anthology({"anthology.toml": f'title = "Test Book"\nstyle = "{theme}"\n'})
    loaded = load_anthology(book)
    assert loaded.theme.folders[0] == theme.resolve()
    stylesheets = render_print(loaded.anthology, loaded.theme).stylesheets
    assert [p.parent.name for p in stylesheets] == ["classic", "my-theme"]
    html = render_print(loaded.anthology, loaded.theme).html
    assert "Alpha [mine]" in html
    assert '<nav class="toc"' in html


def test_review_text_is_data_not_template(make_anthology: MakeAnthology) -> None:
    book = make_anthology(
        {
            "reviews/alpha.md": """\
            ---
            title: "{{ 7 * 7 }} <b>bold</b>"
            reviewer: "{% raw %}x"
            ---

            Body {{ config }} and {% if true %}text{% endif %}.
            """
        }
    )
    loaded = load_anthology(book)
    html = render_print(loaded.anthology, loaded.theme).html
    assert "{{ 7 * 7 }} &lt;b&gt;bold&lt;/b&gt;" in html
    assert ">49 " not in html
    assert "49 &lt;b" not in html
    assert "Body {{ config }}</span> and {% if true %}text{% endif %}." in html


@pytest.mark.parametrize(
    ("template", "code", "where", "message"),
    [
        (
            "{% for x in %}\n",
            "S303",
            "templates/_copyright.html.jinja:1",
            "template error: Expected an expression",
        ),
        (
            "<p>{{ book.no_such_thing }}</p>\n",
            "S305",
            "templates/_copyright.html.jinja:1",
            "the template uses something that does not exist",
        ),
        ("<p>unclosed\n", "S306", None, "does not make well-formed XHTML"),
    ],
)
def test_template_mistakes_are_diagnostics(
    runner: CliRunner,
    make_anthology: MakeAnthology,
    tmp_path: Path,
    template: str,
    code: str,
    where: str | None,
    message: str,
) -> None:
    book = make_anthology({"templates/_copyright.html.jinja": template})
    out = tmp_path / "out"
    result = runner.invoke(app, ["build", str(book), "--out", str(out), "--format", "epub"])
    assert result.exit_code == 1
    assert f"error[{code}]" in result.output
    assert message in result.output
    if where:
        assert where in result.output
    assert "Traceback" not in result.output
    assert not out.exists()


@pytest.mark.parametrize(("size", "expected"), [('"90mm 120mm"', (255, 340)), ("12", None)])
def test_a_theme_can_fix_its_page_size(
    make_anthology: MakeAnthology, tmp_path: Path, size: str, expected: tuple[int, int] | None
) -> None:
    theme = tmp_path / "device"
    theme.mkdir()
    (theme / "theme.toml").write_text(
        f'extends = "classic"\n[page]\nsize = {size}\n', encoding="utf-8"
    )
    book = make_anthology({"anthology.toml": f'title = "T"\nstyle = "{theme}"\n'})
    out = tmp_path / "out"
    result = CliRunner().invoke(app, ["build", str(book), "--out", str(out), "--format", "pdf"])
    if expected is None:
        assert result.exit_code == 1
        assert "error[S302]" in result.output
        assert "[page] size 12 is not a page size" in result.output
        return
    assert result.exit_code == 0, result.output
    from pypdf import PdfReader

    box = PdfReader(out / "t.pdf").pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == expected


@pytest.mark.parametrize(
    ("style", "colophon"),
    [("classic", "Set in EB Garamond."), ("modern", "Set in Source Serif 4 and Source Sans 3.")],
)
def test_the_colophon_names_the_themes_fonts_in_print_only(
    make_anthology: MakeAnthology, style: str, colophon: str
) -> None:
    book = make_anthology({"anthology.toml": f'title = "T"\nstyle = "{style}"\n'})
    loaded = load_anthology(book)
    assert colophon in render_print(loaded.anthology, loaded.theme).html
    epub = render_epub(loaded.anthology, loaded.theme)
    page = next(d for d in epub.documents if d.id == "copyright")
    assert "Set in" not in page.xhtml  # an EPUB is read in the reader's own fonts
    assert "Made with Octavo" in page.xhtml
