"""Each script in its face: Chinese, Japanese, Korean, Arabic and Hebrew (issue 14, point 3).

A small book written for these tests: an English review holding a phrase in each
language (declared with [text]{lang=..}), and one review in each language (declared
with `language`). Laid out in classic and modern, each run of text is read back from
WeasyPrint's boxes with the face Pango drew it in (the face pdffonts lists), and its
computed style: Traditional Chinese in the TC face, Simplified in SC, Japanese in JP,
Korean in KR, Arabic in Naskh (Noto Sans Arabic in modern's sans), Hebrew in Noto
Serif or Sans Hebrew; none of them slanted, emphasis by weight.
"""

from __future__ import annotations

import subprocess
import textwrap
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from octavo.audit import load_with_theme
from octavo.render.print_html import render_print
from octavo.write.pdf import render_pdf_pages

from .conftest import require

#: language -> (a title, a sentence), in my own words
TEXTS = {
    "zh-Hant": ("花落時節", "兩個鄰居在狹窄的走廊裡擦肩而過，誰也沒有開口。"),
    "zh-Hans": ("长夜行车", "一个司机在夜里开车穿过城市，车窗外的灯一盏一盏地后退。"),
    "ja": ("駅の灯り", "雨の日に駅で待つ二人は、最後まで名前を言わない。"),
    "ko": ("바다의 소리", "바닷가 마을에 사는 한 가족이 조용히 겨울을 보낸다."),
    "ar": ("الطريق الطويل", "يعود رجل إلى قريته بعد غياب طويل فلا يعرفه أحد."),
    "he": ("הבית ברחוב השקט", "אישה חוזרת לבית ילדותה ומוצאת אותו ריק."),
}
#: the face each language's text must be drawn in: (serif, sans)
FACES = {
    "zh-Hant": ("Noto Serif CJK TC", "Noto Sans CJK TC"),
    "zh-Hans": ("Noto Serif CJK SC", "Noto Sans CJK SC"),
    "ja": ("Noto Serif CJK JP", "Noto Sans CJK JP"),
    "ko": ("Noto Serif CJK KR", "Noto Sans CJK KR"),
    "ar": ("Noto Naskh Arabic", "Noto Sans Arabic"),
    "he": ("Noto Serif Hebrew", "Noto Sans Hebrew"),
}
CJK = ("zh-Hant", "zh-Hans", "ja", "ko")


def _files() -> dict[str, str]:
    files = {
        "anthology.toml": """\
            title = "Many Scripts"
            editors = ["Ed Itor"]
            language = "en"

            [[sections]]
            title = "Reviews"
            include = ["reviews/*.md"]
            """,
        "reviews/aa-mixed.md": "---\ntitle: Six Tongues\nyear: 2001\ncreator: Ann Director\n"
        "reviewer: Ann Critic\nrating: 4/5\n---\n\nIn English, *Six Tongues* is the title.\n\n"
        + "\n\n".join(
            f"In {language}, *[{title}]{{lang={language}}}* is the title."
            for language, (title, _) in TEXTS.items()
        ),
    }
    for number, (language, (title, sentence)) in enumerate(TEXTS.items()):
        words = sentence.split(" ")
        if len(words) > 2:  # a word emphasised, where the script has spaces
            words[1] = f"*{words[1]}*"
        else:
            sentence = f"*{sentence[:2]}*{sentence[2:]}"
            words = [sentence]
        files[f"reviews/r{number}.md"] = f"""\
            ---
            title: {title}
            year: 2001
            creator: {title}
            reviewer: Ann Critic
            rating: 4/5
            language: {language}
            ---

            {" ".join(words)}
            """
    return files


@dataclass(frozen=True)
class Run:
    text: str  #: the run's text: Pango splits a box's text by script and by font
    box_text: str  #: the text of its box
    face: str  #: the family of the font Pango drew the run in
    style: Any  #: the computed style of its text box
    sans: bool  #: inside one of the theme's sans elements (modern)
    lang: str  #: the language declared on it or on the nearest element above it

    @property
    def in_script(self) -> bool:
        """Whether the run holds letters beyond Latin (not only punctuation or spaces)."""
        return any(unicodedata.category(c).startswith("L") and ord(c) > 0x24F for c in self.text)


SANS_CLASSES = {"work-title", "work-creators", "work-meta", "byline", "h-level-1", "toc-title"}


def _runs(box: Any, sans: bool = False, lang: str = "") -> Iterator[Run]:
    from weasyprint.formatting_structure.boxes import ParentBox, TextBox
    from weasyprint.text.ffi import ffi, pango

    if box.element is not None and box.element_tag != "html":
        sans = sans or bool(set((box.element.get("class") or "").split()) & SANS_CLASSES)
        lang = box.element.get("lang") or lang
    if isinstance(box, TextBox):
        box.pango_layout.reactivate(box.style)  # WeasyPrint frees it once drawn
        line, _ = box.pango_layout.get_first_line()
        run = line.runs[0] if line.runs != ffi.NULL else ffi.NULL
        while run != ffi.NULL:
            item = ffi.cast("PangoGlyphItem *", run.data).item
            description = pango.pango_font_describe_with_absolute_size(item.analysis.font)
            face = ffi.string(pango.pango_font_description_get_family(description)).decode()
            pango.pango_font_description_free(description)
            text = box.pango_layout.text.encode()[item.offset : item.offset + item.length].decode()
            yield Run(text, box.text, face, box.style, sans, lang)
            run = run.next
        box.pango_layout.deactivate()
    elif isinstance(box, ParentBox):
        for child in box.children:
            yield from _runs(child, sans, lang)


def _require_fonts() -> None:
    require("fc-list", "it lists the installed fonts")
    installed = subprocess.run(
        ["fc-list", ":", "family"], capture_output=True, text=True, check=True
    ).stdout
    for faces in FACES.values():
        for face in faces:
            if face not in installed:
                pytest.skip(f"{face} is not installed; scripts/setup-system.sh installs it")


@dataclass(frozen=True)
class Laid:
    theme: str
    runs: list[Run]
    lines: list[tuple[str, float]]  #: each line's text and height
    pdf: bytes


def _lines(box: Any) -> Iterator[tuple[str, float]]:
    from weasyprint.formatting_structure.boxes import LineBox, ParentBox, TextBox

    if isinstance(box, LineBox):
        texts = [child.text for child in box.descendants() if isinstance(child, TextBox)]
        yield "".join(texts), box.height
    elif isinstance(box, ParentBox):
        for child in box.children:
            yield from _lines(child)


@pytest.fixture(scope="module", params=["classic", "modern"])
def laid(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Laid:
    _require_fonts()
    root = tmp_path_factory.mktemp(request.param) / "book"
    for name, text in _files().items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")
    loaded = load_with_theme(root, request.param)
    document = render_print(loaded.anthology, loaded.theme, False)
    rendered, data, _, _ = render_pdf_pages(document, loaded.resolver)
    runs = [run for page in rendered.pages for run in _runs(page._page_box)]
    lines = [line for page in rendered.pages for line in _lines(page._page_box)]
    return Laid(request.param, runs, lines, data)


def _runs_of(laid: Laid, text: str, language: str | None = None) -> list[Run]:
    """The runs in the script of the boxes that hold ``text`` (its first characters,
    as lines break), declared in ``language`` when given."""
    probe = text.replace(" ", "")[:2]
    found = [
        run
        for run in laid.runs
        if probe in run.box_text.replace(" ", "")
        and run.in_script
        and (language is None or run.lang == language)
    ]
    assert found, f"{text!r} is not in the book"
    return found


@pytest.mark.parametrize("language", list(TEXTS))
def test_each_language_in_its_face(laid: Laid, language: str) -> None:
    title, sentence = TEXTS[language]
    serif, sans = FACES[language]
    assert {run.face for run in _runs_of(laid, sentence, language)} == {serif}
    # the title wherever it is declared in its language: the review's header (modern's
    # sans) and the English review's phrase
    for run in _runs_of(laid, title, language):
        in_sans = run.sans and laid.theme == "modern"
        assert run.face == (sans if in_sans else serif), (run.text, run.sans)
    if laid.theme == "modern":
        assert any(run.sans for run in _runs_of(laid, title, language))


@pytest.mark.parametrize("language", list(TEXTS))
def test_no_faux_italics(laid: Laid, language: str) -> None:
    title, sentence = TEXTS[language]
    runs = _runs_of(laid, title, language) + _runs_of(laid, sentence, language)
    assert {run.style["font_style"] for run in runs} == {"normal"}
    # the phrase in the English review is inside *...*, and so is a word of the
    # sentence: bold instead, in the face's own bold
    emphasised = sentence.split(" ")[1] if " " in sentence else sentence[:2]
    for text in (title, emphasised):
        assert {run.style["font_weight"] for run in _runs_of(laid, text, language)} & {700}


def test_cjk_runs_are_smaller(laid: Laid) -> None:
    text_size = next(run.style["font_size"] for run in laid.runs if "is the title" in run.text)
    for language in CJK:
        sizes = {run.style["font_size"] for run in _runs_of(laid, TEXTS[language][0], language)}
        # the phrase in the English text (the title is smaller in the contents too)
        assert text_size * 0.92 in [pytest.approx(size) for size in sizes], (language, sizes)


def test_cjk_runs_keep_the_line_spacing(laid: Laid) -> None:
    """The English review's lines, with and without CJK, are spaced alike."""
    heights = [height for text, height in laid.lines if "is the title" in text]
    assert len(heights) == len(TEXTS) + 1  # and the English line
    # Noto Naskh Arabic's height still adds a hundredth of a point
    assert max(heights) == pytest.approx(min(heights), rel=0.01), heights


def test_pdffonts_lists_each_face_and_no_slanted_one(laid: Laid, tmp_path: Path) -> None:
    require("pdffonts", "it lists the fonts of the PDF")
    pdf = tmp_path / "book.pdf"
    pdf.write_bytes(laid.pdf)
    listing = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True)
    names = listing.stdout.replace("-", "").replace(" ", "")
    for language, (serif, sans) in FACES.items():
        assert serif.replace(" ", "") in names, language
        if laid.theme == "modern":
            assert sans.replace(" ", "") in names, language
    for line in listing.stdout.splitlines():
        if any(script in line for script in ("CJK", "Arabic", "Hebrew")):
            assert "Italic" not in line, line
            assert "Oblique" not in line, line
