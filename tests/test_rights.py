"""Rights and credits (issue 15, part 4): a review's ``first_published``,
``rights_holder``, ``permission`` and ``credit``; the acknowledgments page that prints a
credit line per review in every edition; the rights ledger of ``octavo list --format
csv``; and ``octavo check``'s L608 on a review not cleared for print.

One small book is built once (PDF, EPUB, HTML) and read back; the other themes and
the loader's rules are checked without WeasyPrint.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
import shutil
import subprocess
import zipfile
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader
from typer.testing import CliRunner

from octavo.api import Built, build, load_anthology, make_html
from octavo.cli import app
from octavo.errors import ContentError
from octavo.model import FirstPublished
from octavo.render.credits import credit_lines
from octavo.render.epub_xhtml import render_epub
from octavo.render.print_html import render_print

from .conftest import EXAMPLE, MINIMAL_MANIFEST, MakeAnthology, epubcheck_messages, require

MANIFEST = """\
title = "Credits Book"
editors = ["Ed Itor"]
language = "en"

[[sections]]
title = "One"
include = ["reviews/beta.md", "reviews/alpha.md", "reviews/gamma.md", "reviews/delta.md"]
sort = "manual"

[[back]]
acknowledgments = true
file = "thanks.md"
"""

REVIEWS = {
    # granted, with a headline that quotes: the inner quotation marks
    "reviews/beta.md": """\
        ---
        title: Beta
        reviewer: Bo Li
        headline: The "Long" Goodbye
        publication: Nitrate Review
        published: 2022-11-08
        rights_holder: Nitrate Review Ltd
        permission: granted
        ---

        A review of Beta.
        """,
    # own, no headline: the work's title; the holder is the reviewer
    "reviews/alpha.md": """\
        ---
        title: Alpha
        reviewer: Ann Critic
        publication: The Lantern
        published: 2019-03-12
        permission: own
        ---

        A review of Alpha.
        """,
    # the one-line form, a year alone; "public domain" for public-domain
    "reviews/gamma.md": """\
        ---
        title: Gamma
        reviewer: Old Critic
        headline: Shadows
        first_published: The Dial, 1925
        permission: public domain
        ---

        A review of Gamma.
        """,
    # the editor's own credit line, pending
    "reviews/delta.md": """\
        ---
        title: Delta
        reviewer: Di Vers
        permission: pending
        credit: Courtesy of *The Archive*, by arrangement with the author's estate.
        ---

        A review of Delta.
        """,
}

#: The credit lines the book prints, in its order (as pdftotext reads them).
CREDITS = [
    "“The ‘Long’ Goodbye” by Bo Li, first published in Nitrate Review, 8 November 2022."
    " © 2022 Nitrate Review Ltd. Reprinted by permission.",
    "Alpha by Ann Critic, first published in The Lantern, 12 March 2019. © 2019 Ann Critic.",
    "“Shadows” by Old Critic, first published in The Dial, 1925. In the public domain.",
    "Courtesy of The Archive, by arrangement with the author’s estate.",
]
THANKS = "We thank the archivists of the Northgate Film Vault."


def book_files() -> dict[str, str | bytes | None]:
    return {"anthology.toml": MANIFEST, "thanks.md": THANKS + "\n", **REVIEWS}


@pytest.fixture(scope="module")
def credits_book(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Built]:
    """The small book, built once: PDF, EPUB and HTML."""
    root = tmp_path_factory.mktemp("rights") / "book"
    for name, text in book_files().items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(re.sub(r"(?m)^        ", "", str(text)), encoding="utf-8")
    built = build(root, root.parent / "out", ("pdf", "epub", "html"))
    return root, built


def output(built: Built, kind: str) -> Path:
    (path,) = [o.path for o in built.outputs if o.format == kind]
    return path


def words(text: str) -> str:
    """Text with its lines joined and hyphens at line ends taken back."""
    return " ".join(re.sub(r"‐\n", "", text).split())


# --- the front matter ------------------------------------------------------------------


def test_first_published_defaults_to_publication_and_published(
    credits_book: tuple[Path, Built],
) -> None:
    root, _ = credits_book
    reviews = {r.id: r for r in load_anthology(root).anthology.reviews}
    date = dt.date(2022, 11, 8)
    assert reviews["beta"].first_published == FirstPublished("Nitrate Review", date, 2022)
    assert reviews["gamma"].first_published == FirstPublished("The Dial", None, 1925)
    assert reviews["delta"].first_published is None  # nothing known
    assert [reviews[n].permission for n in ("beta", "alpha", "gamma", "delta")] == [
        "granted",
        "own",
        "public-domain",
        "pending",
    ]
    assert reviews["beta"].rights_holder == "Nitrate Review Ltd"
    assert reviews["alpha"].rights_holder is None


def test_first_published_forms(make_anthology: MakeAnthology) -> None:
    def review(name: str, line: str) -> str:
        return (
            f"---\ntitle: {name}\nreviewer: Ann Critic\npublication: The Lantern\n"
            f"published: 2019-03-12\n{line}\n---\n\nText.\n"
        )

    book = make_anthology(
        {
            "reviews/alpha.md": review("Alpha", "first_published: {date: 2001-02-03}"),
            "reviews/beta.md": review("Beta", "first_published: {publication: Sight & Sound}"),
            "reviews/gamma.md": review("Gamma", 'first_published: "Film Comment, 1971-05-01"'),
            "reviews/delta.md": review("Delta", "first_published: 1962"),
            "reviews/epsilon.md": review("Epsilon", "first_published: Cahiers, Paris"),
            # TOML front matter: an inline table and a TOML date
            "reviews/zeta.md": '+++\ntitle = "Zeta"\nreviewer = "Ann Critic"\n'
            'first_published = { publication = "Positif", date = 1980-01-31 }\n+++\n\nText.\n',
        }
    )
    found = {r.id: r.first_published for r in load_anthology(book).anthology.reviews}
    assert found == {
        "alpha": FirstPublished("The Lantern", dt.date(2001, 2, 3), 2001),
        "beta": FirstPublished("Sight & Sound", dt.date(2019, 3, 12), 2019),
        "gamma": FirstPublished("Film Comment", dt.date(1971, 5, 1), 1971),
        "delta": FirstPublished("The Lantern", None, 1962),
        # a comma not followed by a date is part of the name
        "epsilon": FirstPublished("Cahiers, Paris", dt.date(2019, 3, 12), 2019),
        "zeta": FirstPublished("Positif", dt.date(1980, 1, 31), 1980),
    }


def test_a_wrong_permission_is_an_error_with_its_file_line_and_the_allowed_values(
    make_anthology: MakeAnthology, runner: CliRunner, tmp_path: Path
) -> None:
    book = make_anthology(
        {
            "reviews/beta.md": "---\ntitle: Beta\nreviewer: Ann Critic\n"
            "permission: asked\n---\n\nText.\n"
        }
    )
    with pytest.raises(ContentError) as raised:
        load_anthology(book)
    (problem,) = raised.value.report.errors
    assert (problem.code, problem.path, problem.line) == ("R202", book / "reviews/beta.md", 4)
    assert problem.message == (
        "'permission' must be one of granted, pending, public-domain, own; got 'asked'"
    )
    result = runner.invoke(app, ["build", str(book), "--out", str(tmp_path / "out")])
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    assert "error[R202] reviews/beta.md:4: 'permission' must be one of granted" in result.output
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("first_published: {publication: X, date: soon}", "'date' must be a date"),
        ("first_published: {publisher: X}", "it takes only 'publication' and 'date'"),
        ("credit: '# A heading'", "'credit' must be one line of text"),
    ],
)
def test_a_wrong_first_published_or_credit_is_an_error(
    make_anthology: MakeAnthology, line: str, message: str
) -> None:
    book = make_anthology(
        {"reviews/beta.md": f"---\ntitle: Beta\nreviewer: Ann Critic\n{line}\n---\n\nText.\n"}
    )
    with pytest.raises(ContentError) as raised:
        load_anthology(book)
    (problem,) = raised.value.report.errors
    assert (problem.code, problem.line) == ("R202", 4)
    assert message in problem.message


def test_a_misspelt_rights_key_is_r213(make_anthology: MakeAnthology) -> None:
    book = make_anthology(
        {"reviews/beta.md": "---\ntitle: Beta\nreviewer: Ann Critic\npermision: own\n---\n\nT.\n"}
    )
    (warning,) = load_anthology(book).report.warnings
    assert (warning.code, warning.line, warning.hint) == ("R213", 4, "did you mean 'permission'?")


# --- the acknowledgments page ----------------------------------------------------------


def test_the_pdf_prints_the_thanks_then_a_credit_line_per_review(
    credits_book: tuple[Path, Built],
) -> None:
    require("pdftotext", "the PDF is read back with poppler's pdftotext")
    _, built = credits_book
    pdf = output(built, "pdf")
    text = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(pdf), "-"], check=True, capture_output=True, text=True
    ).stdout
    page = words(text[text.rindex("ACKNOWLEDGMENTS") :])
    assert page.startswith(f"ACKNOWLEDGMENTS {THANKS} ")
    positions = [page.index(line) for line in CREDITS]  # each one, whole
    assert positions == sorted(positions)  # in the book's order
    # the page is in the contents, with its page number, and in the bookmarks
    assert re.search(r"Acknowledgments[ .]*\d+", words(text[: text.index(THANKS)]))
    outline = [item.title for item in PdfReader(pdf).outline if not isinstance(item, list)]
    assert outline[-1] == "Acknowledgments"


def test_the_epub_has_an_acknowledgments_document_in_its_nav(
    credits_book: tuple[Path, Built],
) -> None:
    _, built = credits_book
    epub = output(built, "epub")
    with zipfile.ZipFile(epub) as archive:
        names = archive.namelist()
        (document,) = [n for n in names if n.endswith("back-acknowledgments.xhtml")]
        xhtml = archive.read(document).decode("utf-8")
        (nav,) = [archive.read(n).decode("utf-8") for n in names if n.endswith("nav.xhtml")]
    assert 'epub:type="acknowledgments"' in xhtml
    assert 'role="doc-acknowledgments"' in xhtml
    assert 'href="back-acknowledgments.xhtml">Acknowledgments</a>' in nav
    assert THANKS in xhtml
    lines = re.findall(r'<p class="credit">(.*?)</p>', xhtml, re.DOTALL)
    plain = [words(re.sub(r"<[^>]+>", "", line)) for line in lines]
    assert plain == CREDITS
    assert "<cite>Nitrate Review</cite>" in lines[0]
    assert "<cite>Alpha</cite> by Ann Critic" in lines[1]
    assert "<em>The Archive</em>" in lines[3]
    assert epubcheck_messages(epub) == []


def test_the_html_edition_prints_them_too(credits_book: tuple[Path, Built]) -> None:
    _, built = credits_book
    page = output(built, "html").read_text(encoding="utf-8")
    section = page[page.index('id="back-acknowledgments"') :]
    assert 'role="doc-acknowledgments"' in section[:200]
    lines = re.findall(r'<p class="credit">(.*?)</p>', section, re.DOTALL)
    assert [words(re.sub(r"<[^>]+>", "", line)) for line in lines] == CREDITS


@pytest.mark.parametrize("theme", ["modern", "ereader"])
def test_every_theme_prints_the_credits(
    credits_book: tuple[Path, Built], tmp_path: Path, theme: str
) -> None:
    root, _ = credits_book
    book = tmp_path / "book"
    shutil.copytree(root, book)
    manifest = book / "anthology.toml"
    manifest.write_text(f'style = "{theme}"\n' + manifest.read_text(encoding="utf-8"))
    loaded = load_anthology(book)
    assert loaded.theme.name == theme
    print_html = render_print(loaded.anthology, loaded.theme).html
    epub = render_epub(loaded.anthology, loaded.theme)
    (document,) = [d for d in epub.documents if d.id == "back-acknowledgments"]
    web = make_html(loaded, embed_fonts=False).decode("utf-8")
    for html in (print_html, document.xhtml, web):
        lines = re.findall(r'<p class="credit">(.*?)</p>', html, re.DOTALL)
        assert [words(re.sub(r"<[^>]+>", "", line)) for line in lines] == CREDITS


def test_credit_lines_are_in_the_books_language(make_anthology: MakeAnthology) -> None:
    files = book_files()
    files["anthology.toml"] = MANIFEST.replace('language = "en"', 'language = "fr"')
    book = make_anthology(files)
    lines = credit_lines(load_anthology(book).anthology)
    plain = {key: re.sub(r"<[^>]+>", "", str(value)) for key, value in lines.items()}
    assert plain["beta"] == (
        # CLDR's French quotes « » inside « » too
        "«\u202fThe «\u202fLong\u202f» Goodbye\u202f», par Bo Li, publié pour la première fois dans"
        " Nitrate Review, 8 novembre 2022. © 2022 Nitrate Review Ltd. Reproduit avec"
        " autorisation."
    )
    assert plain["gamma"].endswith("1925. Dans le domaine public.")


def test_a_book_without_the_page_makes_no_credit_lines(make_anthology: MakeAnthology) -> None:
    assert credit_lines(load_anthology(make_anthology()).anthology) == {}


# --- the rights ledger -----------------------------------------------------------------


def test_list_csv_is_the_rights_ledger(credits_book: tuple[Path, Built], runner: CliRunner) -> None:
    root, _ = credits_book
    result = runner.invoke(app, ["list", str(root), "--format", "csv", "--sort", "book"])
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    ledger = [
        (
            row["title"],
            row["reviewers"],
            row["first_publication"],
            row["first_published"],
            row["rights_holder"],
            row["permission"],
            row["file"],
        )
        for row in rows
    ]
    assert ledger == [
        (
            "Beta",
            "Bo Li",
            "Nitrate Review",
            "2022-11-08",
            "Nitrate Review Ltd",
            "granted",
            "beta.md",
        ),
        ("Alpha", "Ann Critic", "The Lantern", "2019-03-12", "Ann Critic", "own", "alpha.md"),
        ("Gamma", "Old Critic", "The Dial", "1925", "Old Critic", "public-domain", "gamma.md"),
        ("Delta", "Di Vers", "", "", "Di Vers", "pending", "delta.md"),
    ]
    # a comma in a value is quoted, not a new column
    assert rows[3]["credit"] == "Courtesy of The Archive, by arrangement with the author’s estate."
    assert '"Courtesy of The Archive, by arrangement' in result.stdout
    records = json.loads(
        runner.invoke(
            app, ["list", str(root), "--format", "json", "-w", "permission!=granted"]
        ).stdout
    )
    assert sorted(r["title"] for r in records) == ["Alpha", "Delta", "Gamma"]


# --- octavo check: L608 ----------------------------------------------------------------


def problems(runner: CliRunner, book: Path, *options: str) -> tuple[int, list[dict[str, Any]]]:
    result = runner.invoke(app, ["check", str(book), "--quick", "--format", "json", *options])
    return result.exit_code, json.loads(result.stdout)["problems"]


def test_a_book_without_a_ledger_gets_one_warning(
    make_anthology: MakeAnthology, runner: CliRunner
) -> None:
    files: dict[str, str | bytes | None] = {
        f"reviews/r{n:02d}.md": f"---\ntitle: Film {n}\nreviewer: Ann Critic\n---\n\nText.\n"
        for n in range(30)
    }
    book = make_anthology({**files, "reviews/alpha.md": None, "reviews/beta.md": None})
    status, found = problems(runner, book)
    assert status == 0
    (problem,) = [p for p in found if p["code"] == "L608"]
    assert problem["file"] is None
    assert problem["message"] == (
        "none of the book's 30 reviews says whether it may be reprinted: no review has a"
        " 'permission'"
    )


def test_each_review_not_cleared_is_named_and_strict_makes_it_an_error(
    credits_book: tuple[Path, Built], runner: CliRunner, tmp_path: Path
) -> None:
    root, _ = credits_book
    book = tmp_path / "book"
    shutil.copytree(root, book)
    # a review with no permission, in a book that keeps a ledger
    (book / "reviews/epsilon.md").write_text(
        "---\ntitle: Epsilon\nreviewer: Ed\n---\n\nA review of Epsilon.\n"
    )
    manifest = book / "anthology.toml"
    manifest.write_text(
        manifest.read_text(encoding="utf-8").replace(
            '"reviews/delta.md"]', '"reviews/delta.md", "reviews/epsilon.md"]'
        )
    )
    status, found = problems(runner, book)
    assert status == 0
    named = [(p["file"], p["line"], p["message"]) for p in found if p["code"] == "L608"]
    assert named == [
        ("reviews/delta.md", 4, "permission to reprint this review is still pending"),
        (
            "reviews/epsilon.md",
            None,
            "this review does not say whether it may be reprinted (no 'permission')",
        ),
    ]
    status, found = problems(runner, book, "--strict")
    assert status == 1
    assert {p["severity"] for p in found if p["code"] == "L608"} == {"error"}
    # and the manifest can leave the code out
    manifest.write_text(manifest.read_text(encoding="utf-8") + '\n[check]\nignore = ["L608"]\n')
    status, found = problems(runner, book, "--strict")
    assert (status, found) == (0, [])


def test_a_cleared_book_has_no_l608(runner: CliRunner, make_anthology: MakeAnthology) -> None:
    status, found = problems(runner, EXAMPLE)
    assert status == 0
    assert [p for p in found if p["code"] == "L608"] == []
    cleared = make_anthology(
        {
            "anthology.toml": MINIMAL_MANIFEST,
            "reviews/alpha.md": "---\ntitle: A\nreviewer: Ann\npermission: own\n---\n\nT.\n",
            "reviews/beta.md": "---\ntitle: B\nreviewer: Bo\npermission: granted\n---\n\nT.\n",
        }
    )
    assert problems(runner, cleared, "--strict") == (0, [])
