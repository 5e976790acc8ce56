"""Nothing outside the text block: long code lines wrap, wide tables shrink and wrap,
and what still runs past the margin after layout is a warning (B410) naming the file
and the page.

Each book here is small (a few seconds a build); positions are read back from the
PDF with poppler's ``pdftotext -bbox``.
"""

from __future__ import annotations

import re
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from lxml import etree
from pypdf import PdfReader

from octavo.api import Built, build, load_anthology, make_pdf
from octavo.diagnostics import Diagnostic
from octavo.render import print_split
from octavo.write import pdf_processes, text_block

from .conftest import MINIMAL_REVIEW, MakeAnthology, require

XHTML = "{http://www.w3.org/1999/xhtml}"
UNBROKEN = "".join(f"run{n:03d}x" for n in range(29))[:200]  # 200 characters, no space
SPACED = " ".join(f"spaced{n:03d}" for n in range(30))  # 299 characters with spaces
INLINE = "inline_" + "q" * 60 + "_code"
COLUMNS = 12
CELLS = [f"Cell{c:02d}Extraordinarilylongword" for c in range(COLUMNS)]

WIDE_REVIEW = f"""\
---
title: Alpha
reviewer: Ann Critic
year: 1925
rating: 4/5
---

A review with code: `{INLINE}` in the middle of a sentence, and more words after it.

```
{UNBROKEN}
```

```
{SPACED}
```

| {" | ".join(f"Head{c:02d}" for c in range(COLUMNS))} |
|{"---|" * COLUMNS}
| {" | ".join(CELLS)} |

The end.
"""


def _build(book: Path, out: Path, theme: str = "classic") -> Built:
    manifest = book / "anthology.toml"
    manifest.write_text(f'style = "{theme}"\n' + manifest.read_text(encoding="utf-8"))
    return build(book, out, formats=("pdf",), jobs=1, cache=False)


def _words(pdf: Path) -> list[list[tuple[str, float, float, float]]]:
    """Each page's words: (text, xMin, xMax, yMin), in points."""
    require("pdftotext", "it measures where each word lies")
    result = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, check=True)
    return [
        [
            (
                # a run carrying /ActualText may read with its space (" in")
                (w.text or "").strip(),
                float(w.get("xMin", 0)),
                float(w.get("xMax", 0)),
                float(w.get("yMin", 0)),
            )
            for w in page.iter(f"{XHTML}word")
        ]
        for page in etree.fromstring(result.stdout).iter(f"{XHTML}page")
    ]


def _b410(built: Built) -> list[Diagnostic]:
    return [d for d in built.report.warnings if d.code == "B410"]


@pytest.mark.parametrize("theme", ["classic", "modern", "ereader"])
def test_long_code_and_wide_tables_stay_inside_the_text_block(
    make_anthology: MakeAnthology, tmp_path: Path, theme: str
) -> None:
    book = make_anthology(files={"reviews/alpha.md": WIDE_REVIEW})
    built = _build(book, tmp_path / "out", theme)
    assert _b410(built) == []
    (pdf,) = [o.path for o in built.outputs]
    pages = _words(pdf)
    # the text block's edges: those of the first paragraph, justified over two lines
    # (the opening small capitals read as one run, "A review with code:", since their
    # letterspaced glyphs carry their text as /ActualText)
    first = next(n for n, page in enumerate(pages) if any(w[0].endswith("code:") for w in page))
    paragraph = [
        w for w in pages[first] if w[3] <= next(w[3] for w in pages[first] if w[0] == "in")
    ]
    # (a ragged theme, ereader, leaves the paragraph short of the right edge: the long
    # code line, which breaks anywhere, reaches it)
    code = [w for w in pages[first] if len(w[0]) >= 10 and w[0] in UNBROKEN]
    left, right = min(w[1] for w in paragraph), max(w[2] for w in paragraph + code)
    last = next(n for n, page in enumerate(pages) if any(w[0] == "end." for w in page))
    for words in pages[first : last + 1]:
        # the folio sits in the margin, at the outer edge of its box: not text
        page = [w for w in words if not w[0].isdigit()]
        # no wider than the text block (1pt), and no further than mirrored margins move it
        assert max(w[2] for w in page) - min(w[1] for w in page) <= right - left + 1
        assert all(left - 12 <= w[1] and w[2] <= right + 12 for w in page)
    text = "".join(w[0] for page in pages for w in page)
    # every character of the code, in order, and no hyphen put into it
    for code in (UNBROKEN, SPACED.replace(" ", ""), INLINE):
        assert code in text
    # each cell's word, read down its column (it may be broken over lines)
    columns: dict[tuple[int, int], list[tuple[float, str]]] = {}
    for n, page in enumerate(pages[first : last + 1]):
        for w in page:
            columns.setdefault((n, round(w[1])), []).append((w[3], w[0]))
    read_down = ["".join(t for _, t in sorted(column)) for column in columns.values()]
    for cell in CELLS:
        assert any(cell in column for column in read_down), cell


def test_code_is_never_hyphenated(make_anthology: MakeAnthology, tmp_path: Path) -> None:
    book = make_anthology(files={"reviews/alpha.md": WIDE_REVIEW})
    (pdf,) = [o.path for o in _build(book, tmp_path / "out").outputs]
    text = "".join(w[0] for page in _words(pdf) for w in page)
    assert "inline_-" not in text
    assert "in-line" not in text
    assert not re.search(r"run\d{3}x?-", text)


def test_a_table_too_wide_for_its_words_is_marked_column_by_column() -> None:
    from markupsafe import Markup

    from octavo.render.print_notes import print_fragment
    from octavo.themes import TableMeasure

    row = "".join(f"<td>{'w' * 30}</td>" for _ in range(6)) + "<td>1925</td>"
    html = print_fragment(Markup(f"<table><tr>{row}</tr></table>"), TableMeasure(70, 95))
    assert '<table class="wide very-wide">' in html
    assert html.count('class="long-words"') == 6  # the year's column keeps its words
    narrow = Markup("<table><tr><td>1925</td><td>Nosferatu</td></tr></table>")
    assert print_fragment(narrow, TableMeasure(70, 95)) == narrow


OVERRIDE_THEME = {
    "nowrap/theme.toml": 'name = "nowrap"\nextends = "classic"\n',
    "nowrap/print.css": "pre { white-space: pre; overflow-wrap: normal; }\n",
}


def test_what_still_runs_outside_is_a_warning_with_file_and_page(
    make_anthology: MakeAnthology, tmp_path: Path
) -> None:
    book = make_anthology(files={"reviews/alpha.md": WIDE_REVIEW, **OVERRIDE_THEME})
    built = _build(book, tmp_path / "out", "./nowrap")
    (warning,) = _b410(built)
    (pdf,) = [o.path for o in built.outputs]
    page = next(n for n, p in enumerate(_words(pdf), 1) if any(UNBROKEN[:20] in w[0] for w in p))
    assert warning.path is not None
    assert warning.path.relative_to(book) == Path("reviews/alpha.md")
    # the folio printed on the page, which its label in the PDF gives too
    found = re.fullmatch(r"text runs outside the text block on page (\d+) \(.*\)", warning.message)
    assert found
    assert found[1] == PdfReader(pdf).page_labels[page - 1]
    assert warning.hint


class _InThisProcess:
    """:class:`octavo.fresh_process.FreshProcess`'s calls, made in this process."""

    def __init__(self, preload: tuple[str, ...] = ()) -> None:
        self.results: list[Any] = []

    def submit(self, function: Callable[..., Any], *args: Any, reply: bool = True) -> None:
        result = function(*args)
        if reply:
            self.results.append(result)

    def result(self) -> Any:
        return self.results.pop(0)

    def call(self, function: Callable[..., Any], *args: Any) -> Any:
        return function(*args)

    def close(self) -> None:
        self.results.clear()


def test_the_parallel_layout_finds_the_same_pages_cached_or_not(
    make_anthology: MakeAnthology, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The pages found in parts (laid out in workers, or read from the cache) are the
    pages a single pass finds. Every page is made to count as running outside."""
    files: dict[str, str | bytes | None] = {
        f"reviews/r{n}.md": MINIMAL_REVIEW.format(title=f"Review {n}") for n in range(4)
    }
    files["reviews/alpha.md"] = files["reviews/beta.md"] = None
    files["anthology.toml"] = (
        'title = "Test Book"\neditors = ["Ed Itor"]\nlanguage = "en"\n'
        '[[sections]]\ntitle = "One"\ninclude = ["reviews/r0.md", "reviews/r1.md"]\n'
        '[[sections]]\ntitle = "Two"\ninclude = ["reviews/r2.md", "reviews/r3.md"]\n'
    )
    book = make_anthology(files=files)
    monkeypatch.setattr(text_block, "TOLERANCE", -10_000.0)
    monkeypatch.setattr(print_split, "CHUNK_REVIEWS", 1)
    # the front and back matter laid out here, where the tolerance is patched, not in a
    # process started afresh (the forked workers of the main matter inherit the patch)
    monkeypatch.setattr(pdf_processes, "FreshProcess", _InThisProcess)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1764028800")
    single = make_pdf(load_anthology(book), jobs=1)
    cache = tmp_path / "cache"
    parallel = make_pdf(load_anthology(book), jobs=2, cache=cache)
    cached = make_pdf(load_anthology(book), jobs=2, cache=cache)
    assert len(single.outside_text_block) == 10  # every page with words (4 are blank)
    assert sorted(parallel.outside_text_block) == sorted(single.outside_text_block)
    assert sorted(cached.outside_text_block) == sorted(single.outside_text_block)
    loaded = load_anthology(book)
    make_pdf(loaded, jobs=2, cache=cache)
    warned = {d.path.name for d in loaded.report.warnings if d.code == "B410" and d.path}
    assert warned == {f"r{n}.md" for n in range(4)}
