"""The fonts write/pdf_fonts.py merges beyond plain TrueType subsets: CID-keyed CFF
programs (Noto Serif CJK, for Japanese), subsets with vertical metrics (Noto Color
Emoji, whose pictures are drawn as images over empty glyphs) and a subset without a
cmap (a piece that drew only old-style figures in a face). Each is one font object in
the merged PDF, every page reading and drawing as before; a CFF subset whose private
dictionary differs stays apart."""

from __future__ import annotations

import io
from collections import Counter
from typing import Any

import pikepdf
import pypdfium2
import pytest
from fontTools.ttLib import TTFont  # type: ignore[import-untyped]
from pypdf import PdfReader

from octavo.write.pdf import PdfResult
from tests.test_parallel_cache import SMALL_REVIEW
from tests.test_pdf_fonts import FONTS, _fonts, _shared, one_pass_and_in_pieces

pytestmark = pytest.mark.slow

#: Japanese sentences of our own, each part with characters of its own
JAPANESE = {
    "one": "春の雨が静かに降る港町で、古い映画館の灯りが揺れていた。",
    "two": "冬の朝、駅の売店で温かい茶を買い、遠い山を眺めた。",
    "three": "夏祭りの夜に、子供たちは川辺で花火を見上げて笑った。",
}


def _same_pages(before: bytes, after: bytes) -> None:
    """The two PDFs' pages give the same text (pypdf) and the same pixels (PDFium)."""
    one, two = PdfReader(io.BytesIO(before)), PdfReader(io.BytesIO(after))
    assert len(two.pages) == len(one.pages)
    for number, (a, b) in enumerate(zip(one.pages, two.pages, strict=True), start=1):
        assert b.extract_text() == a.extract_text(), f"page {number}"
    drawn_one, drawn_two = pypdfium2.PdfDocument(before), pypdfium2.PdfDocument(after)
    for number in range(len(drawn_one)):
        a = drawn_one[number].render(scale=100 / 72).to_pil()
        b = drawn_two[number].render(scale=100 / 72).to_pil()
        assert a.tobytes() == b.tobytes(), f"page {number + 1} differs"


def _page(style: str, html: str) -> bytes:
    from weasyprint import HTML

    data = HTML(string=f"<style>{style}</style>{html}").write_pdf()
    assert isinstance(data, bytes)
    return data


def _programs(data: bytes) -> list[tuple[str, Any]]:
    """Each font program's font name and its tables, read by fontTools."""
    with pikepdf.open(io.BytesIO(data)) as pdf:
        found = []
        for obj in pdf.objects:
            if isinstance(obj, pikepdf.Dictionary) and obj.get("/Type") == "/FontDescriptor":
                file = obj.get("/FontFile2") or obj.get("/FontFile3")
                program = TTFont(io.BytesIO(file.read_bytes()))
                found.append((str(obj.FontName).split("+")[-1], program))
        return found


@pytest.fixture(scope="module")
def japanese(tmp_path_factory: pytest.TempPathFactory) -> tuple[PdfResult, PdfResult]:
    """A Japanese book of three parts of two reviews, each part in sentences of its
    own, laid out in one pass and in three pieces by two workers."""
    root = tmp_path_factory.mktemp("japanese") / "book"
    (root / "reviews").mkdir(parents=True)
    manifest = 'title = "三つの季節"\neditors = ["E. D."]\nstyle = "classic"\nlanguage = "ja"\n'
    for part, (tag, words) in enumerate(JAPANESE.items(), start=1):
        manifest += f'[[sections]]\ntitle = "Part {tag}"\nselect = {{ tags = ["{tag}"] }}\n'
        for number in (1, 2):
            (root / "reviews" / f"{tag}-{number}.md").write_text(
                SMALL_REVIEW.format(
                    title=f"作品 {tag} {number}", reviewer=f"Critic {number}",
                    year=1950 + part, tag=tag, text=f"*{words}* " + words * 12,
                ),
                encoding="utf-8",
            )  # fmt: skip
    (root / "anthology.toml").write_text(manifest, encoding="utf-8")
    return one_pass_and_in_pieces(root)


def test_a_japanese_book_holds_one_cff_font_as_one_pass(
    japanese: tuple[PdfResult, PdfResult],
) -> None:
    single, parallel = japanese
    fonts = _fonts(single.data)
    assert fonts["Noto-Serif-CJK-JP"] == 1
    assert _fonts(parallel.data) == fonts
    (cff,) = [font for name, font in _programs(parallel.data) if name == "Noto-Serif-CJK-JP"]
    assert "CFF " in cff  # a CID-keyed CFF program, merged
    assert cff["CFF "].cff.topDictIndex[0].ROS[1] == "Identity"
    assert len(parallel.data) <= 1.05 * len(single.data)
    _same_pages(single.data, parallel.data)


def test_cff_subsets_of_one_font_are_one_font() -> None:
    style = "p { font: 20pt 'Noto Serif CJK JP' }"
    documents = [_page(style, f"<p>{words}</p>") for words in JAPANESE.values()]
    names, shared, before, after = _shared(documents)
    assert len(set(names)) == 1
    assert names[0].endswith("+Noto-Serif-CJK-JP")
    assert shared[0] == shared[1] == shared[2] != names[0]
    assert _fonts(before) == Counter({"Noto-Serif-CJK-JP": 3})
    assert _fonts(after) == Counter({"Noto-Serif-CJK-JP": 1})
    with pikepdf.open(io.BytesIO(after)) as pdf:
        font = next(iter(pdf.pages[0].Resources.Font.values())).DescendantFonts[0]
        assert font.Subtype == pikepdf.Name.CIDFontType0
        # a name, as WeasyPrint writes it (Poppler reads a string as another type)
        assert repr(font.FontDescriptor.FontFile3.Subtype) == repr(pikepdf.Name.OpenType)
    _same_pages(before, after)
    assert _shared(documents)[3] == after  # reproducible


def _with_other_private(data: bytes) -> bytes:
    """The document with its CFF program's Font DICTs' private dictionaries given
    another standard stem width."""
    with pikepdf.open(io.BytesIO(data)) as pdf:
        font = next(iter(pdf.pages[0].Resources.Font.values()))
        file = font.DescendantFonts[0].FontDescriptor.FontFile3
        program = TTFont(io.BytesIO(file.read_bytes()))
        for fd in program["CFF "].cff.topDictIndex[0].FDArray:
            fd.Private.StdVW = 77
        out = io.BytesIO()
        program.save(out)
        file.write(out.getvalue())
        saved = io.BytesIO()
        pdf.save(saved)
        return saved.getvalue()


def test_cff_subsets_whose_private_dictionaries_differ_stay_apart() -> None:
    style = "p { font: 20pt 'Noto Serif CJK JP' }"
    first, second = [_page(style, f"<p>{words}</p>") for words in JAPANESE.values()][:2]
    names, shared, _, after = _shared([first, _with_other_private(second)])
    assert names[0] == names[1]
    assert shared == names
    assert _fonts(after) == Counter({"Noto-Serif-CJK-JP": 2})


def test_emoji_subsets_with_vertical_metrics_are_one_font() -> None:
    style = "p { font: 20pt 'Noto Color Emoji' }"
    # characters with variation sequences (coffee, a heart) give a subset a cmap format 14
    documents = [_page(style, "<p>🍜 🍿</p>"), _page(style, "<p>🍿 🌸 ☕ \u2764\ufe0f</p>")]
    names, shared, before, after = _shared(documents)
    assert [_formats(font) for _, font in _programs(before)] == [{12}, {12, 14}]
    assert names[0] == names[1]
    assert "Noto-Color-Emoji" in names[0]
    assert all("vmtx" in font for _, font in _programs(before))
    assert shared[0] == shared[1] != names[0]
    assert _fonts(after) == Counter({names[0].split("+")[-1]: 1})
    assert [_formats(font) for _, font in _programs(after)] == [{12, 14}]
    _same_pages(before, after)


def _formats(font: Any) -> set[int]:
    return {table.format for table in font["cmap"].tables}


def test_a_subset_without_cmap_joins_the_others() -> None:
    # old-style figures come through shaping (onum): no character maps to them, and
    # HarfBuzz leaves the cmap out of a subset that keeps only such glyphs
    face = f"font-family: Same; src: url({(FONTS / 'EBGaramond-Regular.ttf').as_uri()})"
    style = f"@font-face {{ {face} }} p {{ font: 20pt Same; font-variant-numeric: oldstyle-nums }}"
    documents = [_page(style, "<p>1923</p>"), _page(style, "<p>Café 1931</p>")]
    names, shared, before, after = _shared(documents)
    assert ["cmap" in font for _, font in _programs(before)] == [False, True]
    assert shared[0] == shared[1] != names[0]
    assert _fonts(after) == Counter({"Same": 1})
    _same_pages(before, after)
