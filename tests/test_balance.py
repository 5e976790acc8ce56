"""Page endings balanced (issue 13, write/balance.py): a review whose last page would
hold two lines is set a touch tighter or looser until that page fills or goes.

One small book, one review long enough that, set as it comes, its last page holds
two lines (T703). Balanced, the page is gone or holds at least five lines, every
word is still printed, ``[print] balance = false`` leaves the book as it was,
``octavo audit`` reports what the build prints, and the next build takes the
decision from the cache without laying the review out again.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

import octavo.write.balance as balance
import octavo.write.pdf as pdf
from octavo.api import build, load_anthology, make_pdf
from octavo.audit import audit
from octavo.write.pdf import PdfResult

from .test_every_word import key, pdf_pages, review_pages

SENTENCES = [
    "The lantern swings over the quiet stage while the chorus waits in the wings for its cue.",
    "Nobody in the stalls breathes when the curtain rises on the painted harbour.",
    "A ferryman rows a stranger across black water, and the oars barely whisper.",
    "Later the town gathers at the quay to argue about the price of herring and of silence.",
    "Every scene is lit as if by a single candle carried from room to room.",
    "The actors move slowly, as people do in dreams, and their shadows move a little faster.",
    "When the storm finally comes it arrives as a rumour, then as rain on the glass.",
    "By the last reel the harbour is empty, and the ferryman has gone back to his island.",
]
#: 51 sentences in paragraphs of three: two lines on the last page, as set in classic
BODY = "\n\n".join(
    " ".join(SENTENCES[i % len(SENTENCES)] for i in range(start, start + 3))
    for start in range(0, 51, 3)
)
HEADER = "title: Harbour Lights\nreviewer: Ann Critic\nyear: 1926\nrating: 4/5"
REVIEW = f"---\n{HEADER}\n---\n\n{BODY}\n"
MANIFEST = 'title = "Harbour Lights"\neditors = ["Ed Itor"]\nlanguage = "en"\n'


def write_book(root: Path, balanced: bool = True) -> Path:
    (root / "reviews").mkdir(parents=True, exist_ok=True)
    off = "" if balanced else "\n[print]\nbalance = false\n"
    (root / "anthology.toml").write_text(MANIFEST + off, encoding="utf-8")
    (root / "reviews" / "harbour.md").write_text(REVIEW, encoding="utf-8")
    return root


def short_pages(result: PdfResult) -> list[str]:
    return [message for code, _, _, message, _ in result.faults if code == "T703"]


@pytest.fixture(scope="module")
def unbalanced(tmp_path_factory: pytest.TempPathFactory) -> PdfResult:
    root = write_book(tmp_path_factory.mktemp("unbalanced") / "book", balanced=False)
    return make_pdf(load_anthology(root), jobs=1)


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """The balanced book built (PDF only), with its cache: the book and its output."""
    root = write_book(tmp_path_factory.mktemp("balanced") / "book")
    out = root.parent / "out"
    build(root, out, formats=("pdf",), jobs=1)
    return root, out


def test_without_balancing_the_last_page_holds_two_lines(unbalanced: PdfResult) -> None:
    assert short_pages(unbalanced) == [
        "the review's last page holds 2 lines (the theme asks for at least 5)"
    ]


def test_balanced_the_last_page_is_full_or_gone(
    built: tuple[Path, Path], unbalanced: PdfResult
) -> None:
    root, out = built
    pages = pdf_pages(out / "harbour-lights.pdf")
    assert len(pages) <= unbalanced.pages
    result = make_pdf(load_anthology(root), jobs=1)
    assert short_pages(result) == []
    assert not [fault for fault in result.faults if fault[0] != "T707"]
    # every word of the review is still printed, in order, on the review's pages (the
    # text repeats itself: each word is looked for after the one before it)
    span = review_pages(out / "harbour-lights.pdf")["r-harbour"]
    printed = iter([key(word) for number in span for word in pages[number].words])
    missing = [word for word in BODY.split() if key(word) not in printed]
    assert not missing, missing[:10]


def test_the_decision_is_a_class_on_the_review(built: tuple[Path, Path]) -> None:
    _, out = built
    kept = (out / ".octavo-cache" / "balance.json").read_text(encoding="utf-8")
    assert any(f'"{name}"' in kept for name in balance.ADJUSTMENTS), kept


def test_audit_reports_what_the_build_prints(built: tuple[Path, Path], tmp_path: Path) -> None:
    root, _ = built
    assert [f for f in audit(root).faults if f.code == "T703"] == []
    off = write_book(tmp_path / "off", balanced=False)
    [fault] = [f for f in audit(off).faults if f.code == "T703"]
    assert "holds 2 lines" in fault.message


def test_the_next_build_takes_the_decision_from_the_cache(
    built: tuple[Path, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root, out = built
    cache = tmp_path / ".octavo-cache"
    shutil.copytree(out / ".octavo-cache", cache)
    trials: list[object] = []
    layouts: list[object] = []
    trial, render_pdf = balance._trial, pdf.render_pdf
    monkeypatch.setattr(balance, "_trial", lambda *a: trials.append(a) or trial(*a))
    monkeypatch.setattr(pdf, "render_pdf", lambda *a, **k: layouts.append(a) or render_pdf(*a, **k))
    result = make_pdf(load_anthology(root), jobs=1, cache=cache / "pdf")
    assert short_pages(result) == []
    assert (len(trials), len(layouts)) == (0, 1)
    # without the cache, the review is tried alone and the book laid out twice
    trials.clear()
    layouts.clear()
    make_pdf(load_anthology(root), jobs=1)
    assert (len(trials), len(layouts)) == (1, 2)


#: One-line paragraphs, which no word spacing lengthens or shortens, then a last
#: paragraph of nine lines that runs over, three of them onto the last page (classic,
#: trade): only ``widows`` on that paragraph fills the page, taking two lines over.
SCENES = ["The lamp is lit.", "A bell rings twice.", "Rain taps the roof.", "A door opens."]
ENDING = (
    "At the end the boatman ties his skiff to the post, climbs the stone steps, and walks"
    " home along the quay past shuttered shops, stopping once to look back at the water,"
    " where the lamp still burns on the far bank, small and steady, as it burned on the"
    " first night; the town sleeps, the tide turns, the film lets him go without a word,"
    " and the last image holds on the empty mooring until the screen is dark and the hall"
    " is quiet again. Nobody in the hall moves for a while; then a child laughs, the"
    " lights come up, and the ushers open the doors onto a street that is wet with the"
    " rain we heard all evening on the roof, though none of us had noticed it stop."
)


def test_the_page_before_the_last_runs_short_when_nothing_else_helps(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    body = "\n\n".join([*(SCENES[i % len(SCENES)] for i in range(58)), ENDING])
    root = tmp_path / "book"
    (root / "reviews").mkdir(parents=True)
    manifest = 'title = "The Quay"\neditors = ["Ed Itor"]\nlanguage = "en"\n'
    (root / "anthology.toml").write_text(manifest, encoding="utf-8")
    header = "title: The Quay\nreviewer: Ann Critic\nyear: 1927\nrating: 3/5"
    (root / "reviews" / "quay.md").write_text(f"---\n{header}\n---\n\n{body}\n", "utf-8")
    outcomes: dict[tuple[str, str], balance._Outcome] = {}
    trial = balance._trial

    def kept(*args: object) -> object:
        result = trial(*args)
        outcomes.update(result or {})
        return result

    monkeypatch.setattr(balance, "_trial", kept)
    result = make_pdf(load_anthology(root), jobs=1)
    assert short_pages(result) == []
    # as it comes, the last page holds the ending's last three lines; no spacing helps
    assert outcomes[("r-quay", "")].last_lines == outcomes[("r-quay", "")].tail == 3
    assert all(outcomes[("r-quay", name)].short for names in balance.ROUNDS for name in names)
    # widows takes two more over, and the page before is left two lines short
    chosen = outcomes[("r-quay", "balance-widows-5")]
    assert (chosen.short, chosen.last_lines, chosen.short_before) == (False, 5, 2)


def test_trials_laid_out_in_parts_read_as_in_one_document(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The trials of several reviews, two copies a document in two processes, give each
    copy the outcome one document of them all gives (each copy begins its own page)."""
    import octavo.write.balance_trials as balance_trials

    root = write_book(tmp_path / "book")
    for number in (2, 3):  # the same review under other names: three to try
        text = REVIEW.replace("Harbour Lights", f"Harbour Lights {number}")
        (root / "reviews" / f"harbour-{number}.md").write_text(text, encoding="utf-8")
    monkeypatch.setattr(balance_trials, "COPIES_PER_DOCUMENT", 2)
    compared: list[int] = []
    trial = balance._trial

    def both(*args: object) -> object:
        alone = trial(*args[:6], 1)  # type: ignore[arg-type]
        in_parts = trial(*args[:6], 2)  # type: ignore[arg-type]
        assert in_parts == alone
        compared.append(len(alone or {}))
        return in_parts

    monkeypatch.setattr(balance, "_trial", both)
    result = make_pdf(load_anthology(root), jobs=2)
    assert short_pages(result) == []
    assert compared
    assert compared[0] >= 9  # three reviews, each as it comes and with two adjustments


def test_a_round_of_few_trials_keeps_every_process_busy() -> None:
    """The later rounds try only the reviews the first left short: their copies are cut
    into as many documents as there are processes (one document kept one process busy
    and the other idle), never more than ``COPIES_PER_DOCUMENT`` copies a document."""
    from octavo.write.balance_trials import COPIES_PER_DOCUMENT, copy_groups

    def tried(count: int) -> list[tuple[str, str]]:
        return [(f"r-{n}", "balance-tighter-2") for n in range(count)]

    assert [len(group) for group in copy_groups(tried(15), 2)] == [8, 7]
    assert [len(group) for group in copy_groups(tried(3), 2)] == [2, 1]
    assert [len(group) for group in copy_groups(tried(1), 2)] == [1]
    many = copy_groups(tried(87), 2)
    assert len(many) == -(-87 // COPIES_PER_DOCUMENT)
    assert all(len(group) <= COPIES_PER_DOCUMENT for group in many)
    assert [item for group in many for item in group] == tried(87)  # each once, in order
    # in one process, cut for the documents' size alone
    assert len(copy_groups(tried(COPIES_PER_DOCUMENT + 1), 1)) == 2


def test_a_review_moved_to_the_other_side_keeps_its_decision_where_the_sides_are_alike(
    tmp_path: Path,
) -> None:
    """Left and right text areas of the same size (classic's mirrored margins): a
    review breaks the same on either side, so the decisions do not depend on the side
    (one round of trials, where a review moved across was tried again). Narrower left
    pages: they do."""
    import dataclasses

    from octavo.render.print_html import render_print

    loaded = load_anthology(write_book(tmp_path / "book"))
    plain = render_print(loaded.anthology, loaded.theme, False)
    book = balance._read_book(plain.html, "")
    assert balance._sides_alike(plain, book, loaded.resolver)
    narrow = dataclasses.replace(
        plain, page_css=plain.page_css + "@page :left { margin-left: 1.2in }"
    )
    assert not balance._sides_alike(narrow, book, loaded.resolver)


def test_the_book_without_classes_is_not_held_while_the_balanced_book_is_laid_out(
    built: tuple[Path, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The balancing renders the book without classes first (to read its reviews); a
    book with classes to apply is laid out without it held (it is the book's size)."""
    import gc

    from octavo.render.print_html import PrintDocument

    root, out = built
    cache = tmp_path / ".octavo-cache"
    shutil.copytree(out / ".octavo-cache", cache)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1764028800")  # the same HTML at each rendering
    plain: list[str] = []
    read_book = balance._read_book

    def reading(html: str, *args: object) -> object:
        plain.append(html)
        return read_book(html, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(balance, "_read_book", reading)
    held: list[tuple[bool, int]] = []
    render_pdf = pdf.render_pdf

    def laying_out(document: PrintDocument, *args: object, **options: object) -> PdfResult:
        gc.collect()
        alike = [o for o in gc.get_objects() if isinstance(o, PrintDocument) and o.html in plain]
        held.append(("balance-" in document.html, len(alike)))
        return render_pdf(document, *args, **options)  # type: ignore[arg-type]

    monkeypatch.setattr(pdf, "render_pdf", laying_out)
    make_pdf(load_anthology(root), jobs=1, cache=cache / "pdf")
    assert held == [(True, 0)]  # one layout, with the cached decision, and no plain book


def _edited(root: Path, tmp_path: Path, old: str, new: str) -> Path:
    """A copy of the book whose review has ``old`` (its first time) changed to ``new``."""
    copy = tmp_path / "edited"
    shutil.copytree(root, copy)
    review = copy / "reviews" / "harbour.md"
    text = review.read_text(encoding="utf-8")
    assert old in text
    review.write_text(text.replace(old, new, 1), encoding="utf-8")
    return copy


@pytest.mark.parametrize(
    ("old", "new", "short"),
    [
        # one word for another: still two lines on the last page, balanced again
        ("quiet stage", "still stage", True),
        # a paragraph more: the last page fills, and the review wants no class now
        ("By the last reel", f"{' '.join(SENTENCES[:3])}\n\nBy the last reel", False),
    ],
    ids=["still-short", "now-full"],
)
def test_a_review_balanced_last_time_and_edited_is_tried_before_the_book_is_laid_out(
    built: tuple[Path, Path],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    old: str,
    new: str,
    short: bool,
) -> None:
    """Its text is new, so no decision is kept for it; it was balanced in the last book,
    so it is tried first, on the side it began on then, and the book is laid out once:
    the PDF a build without the cache makes, to the byte."""
    root, out = built
    edited = _edited(root, tmp_path, old, new)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1764028800")
    fresh = make_pdf(load_anthology(edited), jobs=1)
    assert bool(fresh.balance) is short
    cache = tmp_path / ".octavo-cache"
    shutil.copytree(out / ".octavo-cache", cache)
    steps: list[str] = []
    trial, render_pdf = balance._trial, pdf.render_pdf
    monkeypatch.setattr(balance, "_trial", lambda *a: steps.append("trial") or trial(*a))
    monkeypatch.setattr(
        pdf, "render_pdf", lambda *a, **k: steps.append("layout") or render_pdf(*a, **k)
    )
    rebuilt = make_pdf(load_anthology(edited), jobs=1, cache=cache / "pdf")
    # tried (as it is, and with the first adjustments) before the one layout
    assert steps.count("layout") == 1
    assert steps[0] == "trial"
    assert steps[-1] == "layout"
    assert rebuilt.data == fresh.data
    assert short_pages(rebuilt) == []


def test_a_review_edited_that_was_not_balanced_last_time_is_not_tried_first(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The common edit costs nothing more: a review that ended well is laid out as it
    comes, and tried only if the book shows it short."""
    root = write_book(tmp_path / "book", balanced=False)
    out = tmp_path / "out"
    build(root, out, formats=("pdf",), jobs=1)
    on = (root / "anthology.toml").read_text(encoding="utf-8").replace("balance = false", "")
    (root / "anthology.toml").write_text(on, encoding="utf-8")
    edited = _edited(
        root, tmp_path, "By the last reel", f"{' '.join(SENTENCES[:3])}\n\nBy the last reel"
    )
    build(edited, out, formats=("pdf",), jobs=1)  # ends well: remembered without a class
    trials: list[object] = []
    trial = balance._trial
    monkeypatch.setattr(balance, "_trial", lambda *a: trials.append(a) or trial(*a))
    again = _edited(edited, tmp_path / "again", "quiet stage", "still stage")
    build(again, out, formats=("pdf",), jobs=1)
    assert trials == []


def _book_html(articles: str) -> str:
    return (
        '<!DOCTYPE html>\n<html lang="en"><head></head><body>'
        f'<section class="part" id="p-1">{articles}</section></body></html>'
    )


def test_a_trial_copies_the_review_as_the_book_holds_it_an_empty_item_and_all() -> None:
    """The balancing keeps each review as HTML (not the book's parsed tree, which held
    about 150 MB through the layout at 5,000 reviews), and its trials parse it again:
    an empty list item keeps its end tag, so the copy does not take the newline after
    it as the item's text (the copy was then not the book's review), and an element
    that libxml2 does not read back as it wrote it (``<xmp>``'s text, written escaped)
    is taken from the book's HTML."""
    from lxml import html as lxml_html

    from octavo.write.balance_trials import _Articles, _copy, written_html

    html = _book_html(
        '<article class="review" id="r-list"><ul><li></li>\n<li>b</li></ul></article>'
        '<article class="review" id="r-raw"><xmp><b>x</b></xmp></article>'
    )
    book = balance._read_book(html, "")
    assert book.reviews["r-list"].html == (
        '<article class="review" id="r-list"><ul><li></li>\n<li>b</li></ul></article>'
    )
    articles = _Articles(html, book)
    for identifier in ("r-list", "r-raw"):
        element = articles(identifier)
        assert element is not None
        assert written_html(element) == book.reviews[identifier].html
    assert articles.tree is not None  # the <xmp> does not read back alone: the book's
    copied = _copy(book.reviews["r-list"], articles("r-list"), "", "octavo-trial-0", "right")
    items = lxml_html.fragment_fromstring(copied).findall(".//li")
    assert [item.text or "" for item in items] == ["", "b"]  # was "\n", "b"
    copied = _copy(book.reviews["r-raw"], articles("r-raw"), "", "octavo-trial-1", "right")
    assert copied == (
        '<section class="part"><article class="review" id="octavo-trial-1" style="break-before:'
        ' right"><xmp>&lt;b&gt;x&lt;/b&gt;</xmp></article></section>'
    )


def test_a_trial_of_a_review_the_book_no_longer_holds_is_not_made() -> None:
    """A review that does not read back alone, and whose HTML is not in the book the
    trials are given (it cannot be, but a trial never stops a build), gives no trial,
    not a wrong copy."""
    from octavo.write.balance_trials import _Articles

    html = _book_html('<article class="review" id="r-raw"><xmp><b>x</b></xmp></article>')
    book = balance._read_book(html, "")
    assert _Articles(html, book)("r-raw") is not None
    other = _book_html('<article class="review" id="r-raw"><xmp><b>y</b></xmp></article>')
    assert _Articles(other, book)("r-raw") is None
