"""WeasyPrint's Pango layouts freed with their attributes
(:mod:`octavo.write.pango_attributes`): the same pages, and no memory kept after a
layout."""

from __future__ import annotations

import ctypes
import ctypes.util
import gc
from typing import Any

import pytest

from octavo.write import pango_attributes
from octavo.write.pdf import render_pdf_pages
from tests.conftest import MakeAnthology

#: Each review long enough for pages of text set with the theme's font features.
TEXT = "The film opens in 1927, on a wet night, and ends in 1931 at dawn. " * 90


def _book(make_anthology: MakeAnthology) -> tuple[Any, Any]:
    from octavo.audit import load_with_theme
    from octavo.render.print_html import render_print

    files = {
        f"reviews/r{n}.md": f"---\ntitle: Work {n}\nreviewer: A. Critic\n---\n\n{TEXT}\n"
        for n in range(1, 4)
    }
    loaded = load_with_theme(make_anthology(files), "classic")
    return render_print(loaded.anthology, loaded.theme, False), loaded.resolver


def _allocated() -> int:
    """The bytes the C library's allocator has handed out and not had back (glibc)."""

    class MallInfo2(ctypes.Structure):
        _fields_ = [
            (name, ctypes.c_size_t)
            for name in [
                "arena",
                "ordblks",
                "smblks",
                "hblks",
                "hblkhd",
                "usmblks",
                "fsmblks",
                "uordblks",
                "fordblks",
                "keepcost",
            ]
        ]

    name = ctypes.util.find_library("c")
    library = ctypes.CDLL(name) if name else None
    if library is None or not hasattr(library, "mallinfo2"):
        pytest.skip("the C library has no mallinfo2 (glibc 2.33 and later have)")
    library.mallinfo2.restype = MallInfo2
    return int(library.mallinfo2().uordblks)


def test_laying_out_again_and_again_keeps_no_memory(make_anthology: MakeAnthology) -> None:
    document, resolver = _book(make_anthology)

    def once() -> int:
        rendered, data, _, _ = render_pdf_pages(document, resolver)
        del rendered, data
        gc.collect()
        return _allocated()

    for _ in range(2):  # fonts, styles and caches made once
        once()
    before = once()
    after = [once() for _ in range(4)][-1]
    # WeasyPrint's own code kept about 400 KB of each layout of this book
    assert after - before < 100_000, after - before


def test_the_pages_are_the_same_as_weasyprints(
    make_anthology: MakeAnthology, monkeypatch: pytest.MonkeyPatch
) -> None:
    from weasyprint.text import line_break

    document, resolver = _book(make_anthology)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1764028800")
    _, freed, _, _ = render_pdf_pages(document, resolver)
    assert line_break.Layout.setup is pango_attributes.setup
    monkeypatch.setattr(line_break.Layout, "setup", pango_attributes.setup.__wrapped__)
    _, leaking, _, _ = render_pdf_pages(document, resolver)  # made so once only: not again
    assert line_break.Layout.setup is not pango_attributes.setup
    assert freed == leaking
