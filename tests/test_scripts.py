"""Every script a review may use reaches the PDF in a real font, never as a box.

The fixture (tests/fixtures/multilingual) quotes French, German and Czech, polytonic
and modern Greek, Russian, Arabic and Hebrew (inline in English paragraphs and as
whole right-to-left paragraphs), Chinese and Japanese, and a few emoji. The fonts
come from scripts/setup-system.sh: EB Garamond (bundled) for Latin, Greek and
Cyrillic, then the Noto faces named in the classic theme's font-family chain, and
Noto Color Emoji, which Pango picks for emoji by itself (not through the chain).
"""

from __future__ import annotations

import os
import re
import subprocess
import unicodedata
from pathlib import Path

import pytest
from pypdf import PdfReader

from octavo.api import Built, build

from .conftest import ROOT, epubcheck, pdf_fonts, require

pytestmark = pytest.mark.slow

FIXTURE = ROOT / "tests" / "fixtures" / "multilingual"

#: Left-to-right samples, one or more per script, as the reviews write them.
SAMPLES = {
    "French": "Gênes et Lucques ne sont plus que des apanages",
    "German": "Das Stück ist eine Komödie",
    "Czech": "Hra je smutná i\u00a0směšná zároveň.",
    "polytonic Greek": "Ἄνδρα μοι ἔννεπε, Μοῦσα",
    "modern Greek": "Οδύσσεια",
    "Russian": "Это очень длинный роман, но читать его легко.",
    "Chinese": "假作真时真亦假，无为有处有还无。",
    "Japanese": "古池や蛙飛び込む水の音",
    "emoji": "🐸🍃",
}

#: Right-to-left samples: unpointed, since the extracted text of pointed Hebrew may
#: repeat a mark (a quirk of reading clusters back, not of the printed page).
RTL_SAMPLES = {
    "Arabic": "شهرزاد تحكي حكاية كل ليلة والملك شهريار يستمع إليها حتى الصباح",
    "Hebrew": "המשורר יושב ליד החלון ומדבר אל הציפור",
}

#: Font families the book may use: the theme's chain, and the emoji font.
EXPECTED_FAMILIES = {
    "EB-Garamond",
    "Noto-Serif",
    "Noto-Naskh-Arabic",
    "Noto-Serif-Hebrew",
    "Noto-Serif-CJK-SC",
    "Noto-Serif-CJK-JP",
    "Noto-Color-Emoji",
}


def require_fonts() -> None:
    """Skip without the Noto fonts, except under ``make test`` (like conftest.require)."""
    require("fc-list", "it lists the fonts fontconfig knows")
    listed = subprocess.run(
        ["fc-list", ":", "family"], capture_output=True, text=True, check=True
    ).stdout
    missing = sorted(
        f for f in EXPECTED_FAMILIES - {"EB-Garamond"} if f.replace("-", " ") not in listed
    )
    if not missing:
        return
    message = f"fonts not installed: {missing}; scripts/setup-system.sh installs them"
    if os.environ.get("OCTAVO_REQUIRE_TOOLS") == "1":
        pytest.fail(message)
    pytest.skip(message)


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Built, Path]:
    require_fonts()
    out = tmp_path_factory.mktemp("multilingual")
    return build(FIXTURE, out), out


@pytest.fixture(scope="module")
def pdf(built: tuple[Built, Path]) -> PdfReader:
    (output,) = [o for o in built[0].outputs if o.format == "pdf"]
    return PdfReader(output.path)


def pdf_text(reader: PdfReader) -> str:
    return unicodedata.normalize("NFC", "\n".join(page.extract_text() for page in reader.pages))


def squeezed(text: str) -> str:
    """``text`` in NFC, without line-end hyphens and without any white space."""
    text = unicodedata.normalize("NFC", text.replace("\u2010\n", ""))
    return re.sub(r"\s+", "", text)


def test_no_missing_glyphs_and_no_warnings(built: tuple[Built, Path]) -> None:
    # A character no font has is drawn as .notdef (a box) and WeasyPrint says so:
    # 'B401 WeasyPrint: .notdef glyph rendered for Unicode string ...'. A missing
    # Noto package (see scripts/setup-system.sh) shows up here.
    assert [f"{d.code} {d.message}" for d in built[0].report.diagnostics] == []


def test_every_script_reaches_the_pdf(pdf: PdfReader) -> None:
    flat = squeezed(pdf_text(pdf))
    missing = {script: sample for script, sample in SAMPLES.items() if squeezed(sample) not in flat}
    assert missing == {}


def test_right_to_left_text_reaches_the_pdf(pdf: PdfReader) -> None:
    # pypdf reads glyphs in the order they are drawn, which for right-to-left text is
    # the visual order: it gives each Arabic or Hebrew word back in logical order but
    # the words of a line from left to right, that is last word first (and another
    # version may reverse the letters too). So each word is looked for on its own,
    # as written or reversed, among the words of the PDF.
    words = {word.strip('.,،“”"') for word in pdf_text(pdf).split()}
    for script, sample in RTL_SAMPLES.items():
        absent = [w for w in sample.split() if w not in words and w[::-1] not in words]
        assert absent == [], f"{script} words missing from the PDF: {absent}"


def family(base_font: str) -> str:
    """``/ABCDEF+Noto-Serif-CJK-SC-Small-Caps`` -> ``Noto-Serif-CJK-SC``."""
    name = base_font.lstrip("/").split("+", 1)[-1]
    return re.sub(r"-(Small-Caps|Medium|Bold|Italic|Regular)", "", name)


def test_every_font_is_embedded_and_comes_from_the_chain(pdf: PdfReader) -> None:
    fonts = pdf_fonts(pdf)
    assert fonts, "no fonts found"
    assert all(fonts.values()), f"fonts not embedded: {[n for n, e in fonts.items() if not e]}"
    used = sorted({family(name) for name in fonts})
    # A face outside the chain means fontconfig fell back on its own (DejaVu Sans,
    # Noto Sans CJK...): the text shows, but in a face that clashes with the book.
    assert set(used) <= EXPECTED_FAMILIES, f"families used: {used}"
    for needed in ("EB-Garamond", "Noto-Naskh-Arabic", "Noto-Serif-Hebrew", "Noto-Serif-CJK-SC"):
        assert needed in used, f"{needed} not among the families used: {used}"
    # Emoji render in colour: WeasyPrint draws Noto Color Emoji's PNG (CBDT) glyphs
    # as images, which needs no HarfBuzz beyond Debian 12's (only COLR fonts do).
    assert "Noto-Color-Emoji" in used, f"families used: {used}"


def test_epubcheck_reports_nothing(built: tuple[Built, Path]) -> None:
    (output,) = [o for o in built[0].outputs if o.format == "epub"]
    result = epubcheck(output.path)
    messages = [f"{m.level} {m.id} {m.location}: {m.message}" for m in result.messages]
    assert messages == []
    assert result.valid
