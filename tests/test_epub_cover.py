"""The EPUB's cover page shows the whole cover on a screen of any shape.

The cover page is opened in Debian's chromium (through Playwright) at the sizes of
real screens, portrait and landscape: the image must lie inside the screen, keep its
1:1.6 shape and fill the screen's height or its width.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest

from octavo.api import load_anthology, make_epub

from .conftest import epubcheck_messages, require

SCREENS = [
    (768, 1024),  # a tablet held upright: the cover used to lose its foot here
    (1024, 768),  # the same tablet turned
    (600, 800),  # a 6-inch e-ink reader
    (1072, 1448),  # a 300-ppi 6-inch reader
    (1920, 1080),  # a laptop
]


@pytest.fixture(scope="module")
def cover_page(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The cover page of a small book, unpacked with its stylesheet and image."""
    root = tmp_path_factory.mktemp("cover")
    book = root / "book"
    (book / "reviews").mkdir(parents=True)
    (book / "anthology.toml").write_text(
        'title = "A Book Whose Cover Is Tall"\neditors = ["Ed Itor", "Second Editor"]\n',
        encoding="utf-8",
    )
    (book / "reviews" / "alpha.md").write_text(
        "---\ntitle: Alpha\nreviewer: Ann Critic\n---\n\nA review.\n", encoding="utf-8"
    )
    data, _ = make_epub(load_anthology(book))
    (root / "book.epub").write_bytes(data)
    unpacked = root / "unpacked"
    zipfile.ZipFile(io.BytesIO(data)).extractall(unpacked)
    return unpacked / "EPUB" / "cover.xhtml"


def test_the_cover_fits_every_screen(cover_page: Path) -> None:
    require("chromium", "the cover page is measured in a real browser")
    from playwright.sync_api import sync_playwright

    from .test_serve import CHROMIUM, CHROMIUM_ARGS

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            for width, height in SCREENS:
                page = browser.new_page(viewport={"width": width, "height": height})
                page.goto(cover_page.as_uri())
                page.wait_for_load_state("load")
                left, top, shown_width, shown_height, scroll = page.evaluate(
                    """() => {
                        const box = document.querySelector("img").getBoundingClientRect();
                        return [box.left, box.top, box.width, box.height,
                                document.documentElement.scrollHeight];
                    }"""
                )
                screen = f"{width}x{height}"
                assert left >= 0, screen
                assert top >= 0, screen
                assert left + shown_width <= width + 0.5, screen
                assert top + shown_height <= height + 0.5, screen
                assert scroll <= height, screen  # nothing below the fold
                assert shown_height / shown_width == pytest.approx(1.6, abs=0.01), screen
                # as large as the screen allows: it touches two opposite edges
                assert max(shown_width / width, shown_height / height) > 0.99, screen
                page.close()
        finally:
            browser.close()


def test_the_cover_page_passes_epubcheck(cover_page: Path) -> None:
    assert epubcheck_messages(cover_page.parents[2] / "book.epub") == []
