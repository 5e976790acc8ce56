"""The PDF laid out in pieces holds one subset of each font, as one pass does
(write/pdf_fonts.py): a font object per font, about the size of one pass, the same
text and pixels on every page; and two fonts that share a name stay two fonts."""

from __future__ import annotations

import io
from collections import Counter
from pathlib import Path

import pikepdf
import pypdfium2
import pytest
from pypdf import PdfReader

import octavo.render.print_split as print_split
from octavo.api import load_anthology, make_pdf
from octavo.write.pdf import PdfResult
from octavo.write.pdf_fonts import share_fonts
from tests.conftest import ROOT
from tests.test_parallel_cache import SMALL_REVIEW

pytestmark = pytest.mark.slow

FONTS = ROOT / "styles" / "classic" / "fonts"
#: letters of each part's own, accented ones among them (composite glyphs, whose
#: components HarfBuzz numbers apart in each piece)
WORDS = {
    "one": "Café society, déjà vu and a crème brûlée at dawn.",
    "two": "Señor Müller’s façade: quizzical, jinxed, over-wrought!",
    "three": "Ørsted in Łódź, a naïve œuvre; 1923–1931 (¿why?)",
}


@pytest.fixture(scope="module")
def both(tmp_path_factory: pytest.TempPathFactory) -> tuple[PdfResult, PdfResult]:
    """A book of three parts of two reviews, each part in words of its own, laid out
    in one pass and in three pieces by two workers."""
    return one_pass_and_in_pieces(three_parts(tmp_path_factory.mktemp("fonts") / "book"))


def three_parts(root: Path) -> Path:
    """A book of three parts of two reviews, each part in words of its own, at ``root``."""
    (root / "reviews").mkdir(parents=True)
    manifest = 'title = "Three Parts"\neditors = ["E. D."]\nstyle = "classic"\n'
    for part, (tag, words) in enumerate(WORDS.items(), start=1):
        manifest += f'[[sections]]\ntitle = "Part {tag}"\nselect = {{ tags = ["{tag}"] }}\n'
        for number in (1, 2):
            (root / "reviews" / f"{tag}-{number}.md").write_text(
                SMALL_REVIEW.format(
                    title=f"Work {tag} {number}", reviewer=f"Critic {number}",
                    year=1920 + part, tag=tag, text=f"*{words}* " + f"{words} " * 30,
                ),
                encoding="utf-8",
            )  # fmt: skip
    (root / "anthology.toml").write_text(manifest, encoding="utf-8")
    return root


def one_pass_and_in_pieces(root: Path) -> tuple[PdfResult, PdfResult]:
    """The book at ``root`` laid out in one pass, then in pieces of two reviews by two
    workers (merged: the test fails if it fell back to one pass)."""
    patch = pytest.MonkeyPatch()
    patch.setattr(print_split, "CHUNK_REVIEWS", 2)
    patch.setenv("SOURCE_DATE_EPOCH", "1764028800")
    try:
        single = make_pdf(load_anthology(root), jobs=1)
        steps: list[str] = []
        parallel = make_pdf(load_anthology(root), steps.append, jobs=2)
    finally:
        patch.undo()
    assert "Merging the PDF" in steps
    return single, parallel


def _fonts(data: bytes) -> Counter[str]:
    """The font programs a PDF holds, by the name of their font without its tag."""
    with pikepdf.open(io.BytesIO(data)) as pdf:
        return Counter(
            str(obj.FontName).split("+")[-1]
            for obj in pdf.objects
            if isinstance(obj, pikepdf.Dictionary) and obj.get("/Type") == "/FontDescriptor"
        )


def test_one_font_object_per_font(both: tuple[PdfResult, PdfResult]) -> None:
    single, parallel = both
    fonts = _fonts(single.data)
    assert set(fonts) >= {"EB-Garamond", "EB-Garamond-Italic"}
    assert _fonts(parallel.data) == fonts
    with pikepdf.open(io.BytesIO(parallel.data)) as pdf:
        names = {
            str(font.BaseFont)
            for page in pdf.pages
            for font in page.get("/Resources", {}).get("/Font", {}).values()
        }
    assert len(names) == sum(fonts.values())  # one font object a font, on every page


def test_about_the_size_of_one_pass(both: tuple[PdfResult, PdfResult]) -> None:
    single, parallel = both
    assert len(parallel.data) <= 1.05 * len(single.data)


def test_the_same_text_and_pixels_on_every_page(both: tuple[PdfResult, PdfResult]) -> None:
    single, parallel = both
    one, parts = PdfReader(io.BytesIO(single.data)), PdfReader(io.BytesIO(parallel.data))
    assert len(parts.pages) == len(one.pages)
    for number, (a, b) in enumerate(zip(one.pages, parts.pages, strict=True), start=1):
        assert b.extract_text() == a.extract_text(), f"page {number}"
    drawn_one, drawn_parts = (
        pypdfium2.PdfDocument(single.data),
        pypdfium2.PdfDocument(parallel.data),
    )
    for number in range(len(drawn_one)):
        a = drawn_one[number].render(scale=60 / 72).to_pil()
        b = drawn_parts[number].render(scale=60 / 72).to_pil()
        assert a.tobytes() == b.tobytes(), f"page {number + 1} differs"


def _pdf(font: Path, text: str) -> bytes:
    """A page in ``font`` under the family name "Same"."""
    from weasyprint import HTML

    face = f"font-family: Same; font-weight: normal; src: url({font.as_uri()})"
    style = f"@font-face {{ {face} }} p {{ font: 20pt Same }}"
    data = HTML(string=f"<style>{style}</style><p>{text}</p>").write_pdf()
    assert isinstance(data, bytes)
    return data


def _page_fonts(pdf: pikepdf.Pdf) -> list[str]:
    return [str(next(iter(page.Resources.Font.values())).BaseFont) for page in pdf.pages]


def _shared(documents: list[bytes]) -> tuple[list[str], list[str], bytes, bytes]:
    """The documents' pages in one PDF: each page's font and the PDF, before and after
    :func:`share_fonts`."""
    sources = [pikepdf.open(io.BytesIO(data)) for data in documents]
    merged = pikepdf.new()
    for source in sources:
        merged.pages.extend(source.pages)
    names, before = _page_fonts(merged), io.BytesIO()
    merged.save(before, static_id=True)
    share_fonts(merged)
    after = io.BytesIO()
    merged.save(after, static_id=True)
    shared = _page_fonts(merged)
    for source in sources:
        source.close()
    return names, shared, before.getvalue(), after.getvalue()


def test_two_fonts_with_one_name_stay_two_fonts(tmp_path: Path) -> None:
    """Two pages in one font, one in another font and one in a copy of the first with
    an ``a`` of its own, all under one family name and, as WeasyPrint names them, with
    one name, tag included: the first two become one font, the others keep theirs.
    Every page reads and draws as before, and the same pages give the same bytes."""
    from fontTools.ttLib import TTFont  # type: ignore[import-untyped]

    copy = TTFont(FONTS / "EBGaramond-Regular.ttf", recalcTimestamp=False)
    copy["glyf"]["a"].coordinates.translate((0, 40))
    copy.save(tmp_path / "copy.ttf")
    documents = [
        _pdf(FONTS / "EBGaramond-Regular.ttf", "Café au lait"),
        _pdf(FONTS / "EBGaramond-Regular.ttf", "Señor Müller"),
        _pdf(FONTS / "EBGaramond-Medium.ttf", "Café Müller"),
        _pdf(tmp_path / "copy.ttf", "Café au lait"),
    ]
    names, shared, before, after = _shared(documents)
    assert len(set(names)) == 1  # one name for three fonts
    assert names[0].endswith("+Same")
    assert shared[0] == shared[1] != names[0]  # merged, with a tag of its own
    assert shared[2:] == names[2:]  # left as they were
    assert _fonts(before) == Counter({"Same": 4})
    assert _fonts(after) == Counter({"Same": 3})
    pages_before, pages_after = PdfReader(io.BytesIO(before)), PdfReader(io.BytesIO(after))
    for a, b in zip(pages_before.pages, pages_after.pages, strict=True):
        assert b.extract_text() == a.extract_text()
    drawn_before, drawn_after = pypdfium2.PdfDocument(before), pypdfium2.PdfDocument(after)
    for number in range(len(drawn_before)):
        a = drawn_before[number].render(scale=1).to_pil()
        b = drawn_after[number].render(scale=1).to_pil()
        assert a.tobytes() == b.tobytes(), f"page {number + 1} differs"
    assert _shared(documents)[3] == after


def _with_head_times(font: Path, out: Path, seconds: int) -> Path:
    from fontTools.ttLib import TTFont

    copy = TTFont(font, recalcTimestamp=False)
    copy["head"].created = copy["head"].modified = seconds
    copy.save(out)
    return out


def test_subsets_stamped_at_other_times_are_one_font(tmp_path: Path) -> None:
    # fontTools' instancer stamps a variable font's instance with the second it made
    # it: the pieces' subsets of one font differed by their head's times alone
    regular = FONTS / "EBGaramond-Regular.ttf"
    documents = [
        _pdf(_with_head_times(regular, tmp_path / "early.ttf", 3_000_000_000), "Café au lait"),
        _pdf(_with_head_times(regular, tmp_path / "late.ttf", 3_000_000_009), "Señor Müller"),
    ]
    names, shared, _, after = _shared(documents)
    assert names[0] == names[1]
    assert shared[0] == shared[1] != names[0]
    assert _fonts(after) == Counter({"Same": 1})


def _with_empty_entry(data: bytes) -> bytes:
    """The document with a ToUnicode entry that maps a glyph to no text (``<>``), as
    WeasyPrint writes for a combining mark drawn alone."""
    with pikepdf.open(io.BytesIO(data)) as pdf:
        font = next(iter(pdf.pages[0].Resources.Font.values()))
        cmap = font.ToUnicode.read_bytes()
        count = int(cmap.split(b" beginbfchar")[0].rsplit(b"\n", 1)[-1])
        cmap = cmap.replace(
            b"%d beginbfchar\n" % count, b"%d beginbfchar\n<0fff> <>\n" % (count + 1), 1
        )
        font.ToUnicode = pdf.make_stream(cmap)
        out = io.BytesIO()
        pdf.save(out)
        return out.getvalue()


def test_a_glyph_mapped_to_no_text_does_not_keep_its_font_apart() -> None:
    regular = FONTS / "EBGaramond-Regular.ttf"
    documents = [_with_empty_entry(_pdf(regular, "Café au lait")), _pdf(regular, "Señor")]
    names, shared, _, after = _shared(documents)
    assert shared[0] == shared[1] != names[0]
    with pikepdf.open(io.BytesIO(after)) as pdf:
        font = next(iter(pdf.pages[0].Resources.Font.values()))
        assert b"<0fff> <>" in font.ToUnicode.read_bytes()


def test_a_glyph_drawn_for_two_texts_reads_as_one_pass_reads_it(tmp_path: Path) -> None:
    """One glyph for "-" and "‐" (as in Source Serif 4): one pass names it by the first
    it drew; each piece had marked its letterspaced runs with its own name for it."""
    from fontTools.ttLib import TTFont
    from weasyprint import HTML

    from octavo.write.spaced_runs import mark_spaced_runs, remark_spaced_runs

    font = TTFont(FONTS / "EBGaramond-Regular.ttf", recalcTimestamp=False)
    for table in font["cmap"].tables:
        if table.isUnicode():
            table.cmap[0x2010] = table.cmap[0x2D]
    font.save(tmp_path / "one-hyphen.ttf")
    face = f"font-family: Same; src: url({(tmp_path / 'one-hyphen.ttf').as_uri()})"
    style = f"@font-face {{ {face} }} p {{ font: 20pt Same; letter-spacing: 0.3em }}"

    def pdf(*texts: str) -> bytes:
        pages = "".join(f'<p style="break-before: page">{text}</p>' for text in texts)
        data = HTML(string=f"<style>{style}</style>{pages}").write_pdf()
        assert isinstance(data, bytes)
        return mark_spaced_runs(data)

    one_pass = pdf("WELL-MADE", "TWO\u2010FOLD")
    sources = [pikepdf.open(io.BytesIO(pdf(text))) for text in ("WELL-MADE", "TWO\u2010FOLD")]
    merged = pikepdf.new()
    for source in sources:
        merged.pages.extend(source.pages)
    renamed = share_fonts(merged)
    assert renamed
    remark_spaced_runs(merged, renamed)
    out = io.BytesIO()
    merged.save(out)
    for source in sources:
        source.close()
    expected = _actual_texts(one_pass)
    assert expected == [["WELL-MADE"], ["TWO-FOLD"]]  # the first name, as WeasyPrint keeps
    assert _actual_texts(out.getvalue()) == expected


def _actual_texts(data: bytes) -> list[list[str]]:
    """Each page's /ActualText strings (what search and copy read; pypdf does not)."""
    import re

    with pikepdf.open(io.BytesIO(data)) as pdf:
        return [
            [
                bytes.fromhex(found.decode()).decode("utf-16")
                for found in re.findall(rb"/ActualText <([0-9a-f]*)>", page.Contents.read_bytes())
            ]
            for page in pdf.pages
        ]
