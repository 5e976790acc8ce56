"""The guarantees the README makes, each tested here or in a file this one names.

Confinement under an audit hook, all-or-nothing writes under injected faults, a
killed build, two builds at once, the limits, and every word of every review in
both outputs.
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import sysconfig
import time
import unicodedata
import zipfile
from pathlib import Path

import pytest
from lxml import etree
from pypdf import PdfReader
from typer.testing import CliRunner

import octavo.collect
import octavo.write.atomic
import octavo.write.pdf
from octavo.api import Built, build, load_anthology
from octavo.cli import app
from octavo.write.atomic import TEMPORARY_SUFFIX, output_lock

from .conftest import EXAMPLE, ROOT, MakeAnthology, files_in

# --- confinement ----------------------------------------------------------------------

AUDITED_BUILD = """
import json, os, sys
from pathlib import Path

opened, sockets, made = [], [], []

def audit(event, args):
    if event == "open" and isinstance(args[0], (str, bytes, os.PathLike)):
        opened.append(os.fsdecode(args[0]))
    elif event == "tempfile.mkdtemp":
        made.append(os.fsdecode(args[0]))
    elif event.startswith("socket."):
        sockets.append(event)

sys.addaudithook(audit)
from octavo.api import build
build(Path(sys.argv[1]), Path(sys.argv[2]))
print(json.dumps({"opened": opened, "sockets": sockets, "made": made}))
"""


@pytest.mark.slow
def test_a_build_reads_only_its_folders_and_never_opens_a_socket(
    make_anthology: MakeAnthology, tmp_path: Path
) -> None:
    book = make_anthology()
    (tmp_path / "secret.txt").write_text("TOPSECRET", encoding="utf-8")
    out = tmp_path / "out"
    scratch = tmp_path / "scratch"  # the temporary folder (WeasyPrint puts fonts there)
    scratch.mkdir()
    result = subprocess.run(
        [sys.executable, "-c", AUDITED_BUILD, str(book), str(out)],
        capture_output=True,
        text=True,
        check=False,
        cwd=tmp_path,
        env={**os.environ, "TMPDIR": str(scratch)},
    )
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout.splitlines()[-1])
    assert report["sockets"] == []
    # the hook sees what a build reads: the reviews, the theme's fonts
    assert str(book / "reviews" / "alpha.md") in report["opened"]
    assert any("/fonts/EBGaramond-" in path for path in report["opened"])
    # Python itself, its libraries and Octavo's package are code, not content: a
    # build may read them. Content comes only from the anthology and the theme.
    allowed = [
        book.resolve(),
        out.resolve(),
        (ROOT / "styles").resolve(),
        (ROOT / "src").resolve(),
        Path(sys.prefix).resolve(),
        Path(sys.base_prefix).resolve(),
        scratch.resolve(),
        Path("/etc/mime.types"),  # the system's table of file types (Python's mimetypes)
        Path("/usr/share/zoneinfo"),
        Path("/etc/localtime"),
        Path("/dev/null"),
        Path("/dev/urandom"),
    ]
    allowed += [Path(p).resolve() for p in sysconfig.get_paths().values()]
    # the build's temporary folders, made in the scratch folder, are removed at its end
    # by shutil.rmtree, which opens each folder by its name in its parent's
    made = [Path(path) for path in report["made"]]
    assert all(path.resolve().is_relative_to(scratch.resolve()) for path in made)
    removed = {path.name for path in made}
    outside = sorted(
        {
            path
            for path in report["opened"]
            if not any(Path(path).resolve().is_relative_to(base) for base in allowed)
            and not (os.sep not in path and path in removed)
        }
    )
    assert outside == []
    assert not any("secret.txt" in path for path in report["opened"])


# --- all or nothing -------------------------------------------------------------------


@pytest.fixture
def earlier(make_anthology: MakeAnthology, tmp_path: Path) -> tuple[Path, Path, dict[str, bytes]]:
    """An anthology, an output folder holding an earlier build, and those bytes."""
    book = make_anthology()
    out = tmp_path / "out"
    out.mkdir()
    (out / "test-book.pdf").write_bytes(b"%PDF earlier build")
    (out / "test-book.epub").write_bytes(b"PK earlier build")
    return book, out, {name: (out / name).read_bytes() for name in files_in(out)}


def _unchanged(out: Path, before: dict[str, bytes]) -> None:
    assert {name: (out / name).read_bytes() for name in files_in(out)} == before


def test_a_write_failing_half_way_leaves_earlier_outputs(
    earlier: tuple[Path, Path, dict[str, bytes]], monkeypatch: pytest.MonkeyPatch
) -> None:
    book, out, before = earlier
    staged: list[str] = []
    real_fsync = os.fsync

    def full_disk(handle: int) -> None:
        staged.append("x")
        if len(staged) == 2:  # the second file: the disk is full
            raise OSError(28, "No space left on device")
        real_fsync(handle)

    monkeypatch.setattr(octavo.write.atomic.os, "fsync", full_disk)
    result = CliRunner().invoke(app, ["build", str(book), "--out", str(out)])
    assert result.exit_code == 1
    assert "No space left on device" in result.output
    assert "Traceback" not in result.output
    _unchanged(out, before)


def test_an_interrupted_build_leaves_earlier_outputs(
    earlier: tuple[Path, Path, dict[str, bytes]], monkeypatch: pytest.MonkeyPatch
) -> None:
    book, out, before = earlier

    def interrupt(*args: object, **kwargs: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(octavo.write.atomic.os, "replace", interrupt)
    result = CliRunner().invoke(app, ["build", str(book), "--out", str(out)])
    assert result.exit_code == 130
    assert "Interrupted. Nothing was written." in result.output
    _unchanged(out, before)


KILLABLE_BUILD = """
import os, sys, time
from pathlib import Path
import octavo.write.atomic as atomic
real_fsync = os.fsync
def slow_fsync(handle):
    real_fsync(handle)
    time.sleep(60)  # killed here, with a staged file on disk
atomic.os.fsync = slow_fsync
from octavo.api import build
build(Path(sys.argv[1]), Path(sys.argv[2]))
"""


@pytest.mark.slow
def test_a_killed_build_leaves_earlier_outputs_and_its_leftovers_go(
    earlier: tuple[Path, Path, dict[str, bytes]],
) -> None:
    book, out, before = earlier
    process = subprocess.Popen([sys.executable, "-c", KILLABLE_BUILD, str(book), str(out)])
    deadline = time.monotonic() + 120
    while not list(out.glob(f".*{TEMPORARY_SUFFIX}")) and time.monotonic() < deadline:
        time.sleep(0.05)
    os.kill(process.pid, signal.SIGKILL)
    process.wait()
    leftovers = list(out.glob(f".*{TEMPORARY_SUFFIX}"))
    assert leftovers, "the build was not killed while writing"
    # the outputs are the earlier ones, byte for byte; only a hidden leftover is new
    assert {name: (out / name).read_bytes() for name in before} == before
    # the next build removes what the killed one left
    built = build(book, out)
    assert list(out.glob(f".*{TEMPORARY_SUFFIX}")) == []
    assert sorted(o.path.name for o in built.outputs) == ["test-book.epub", "test-book.pdf"]


def test_two_builds_into_one_folder_do_not_mix(
    earlier: tuple[Path, Path, dict[str, bytes]],
) -> None:
    book, out, before = earlier
    with output_lock(out):  # another build is writing
        result = CliRunner().invoke(
            app, ["build", str(book), "--out", str(out), "--format", "epub"]
        )
    assert result.exit_code == 1
    assert f"error[B403]: another Octavo build is writing into {out} right now" in result.output
    _unchanged(out, before)


# --- limits ---------------------------------------------------------------------------


# the alarm may land in a garbage collector's callback, where Python only reports it
@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
def test_render_time_is_limited(
    earlier: tuple[Path, Path, dict[str, bytes]], monkeypatch: pytest.MonkeyPatch
) -> None:
    book, out, before = earlier
    monkeypatch.setattr(octavo.write.pdf, "RENDER_SECONDS", 0.001)
    result = CliRunner().invoke(app, ["build", str(book), "--out", str(out)])
    assert result.exit_code == 1
    assert "error[B406]: laying out the PDF took more than 0.001 seconds" in result.output
    _unchanged(out, before)


def test_images_per_book_are_limited(
    make_anthology: MakeAnthology, monkeypatch: pytest.MonkeyPatch
) -> None:
    png = (EXAMPLE / "reviews" / "images" / "moon.png").read_bytes()
    review = "---\ntitle: {0}\nreviewer: R\n---\n\n![A moon](m{0}.png)\n"
    book = make_anthology(
        {
            **{f"reviews/r{n}.md": review.format(n) for n in range(3)},
            **{f"reviews/m{n}.png": png for n in range(3)},
        }
    )
    monkeypatch.setattr(octavo.collect, "MAX_IMAGES", 2)
    result = CliRunner().invoke(app, ["build", str(book), "--out", str(book.parent / "o")])
    assert result.exit_code == 1
    assert "error[M112] anthology.toml: the book uses 3 images, more than the 2" in result.output


@pytest.mark.slow
def test_five_thousand_tiny_reviews_build(tmp_path: Path) -> None:
    book = tmp_path / "big"
    (book / "reviews").mkdir(parents=True)
    (book / "anthology.toml").write_text('title = "Big"\n', encoding="utf-8")
    for number in range(5000):
        (book / "reviews" / f"r{number:04d}.md").write_text(
            f"---\ntitle: Work {number}\nreviewer: R\n---\n\nTiny review {number}.\n",
            encoding="utf-8",
        )
    built = build(book, tmp_path / "out", ("epub",))
    names = zipfile.ZipFile(built.outputs[0].path).namelist()
    assert len([n for n in names if n.startswith("EPUB/r-r")]) == 5000


# --- no word lost ---------------------------------------------------------------------

_MARKUP = re.compile(r"\[\^[^\]]+\]:?|!\[|\]\([^)]*\)|https?://\S+|\{[#.][^}]*\}")


def words(text: str) -> list[str]:
    """Letters-and-digits words, normalised: what a reader would call the words."""
    text = unicodedata.normalize("NFKC", text).casefold()
    return re.findall(r"[^\W_]+", text)


def source_words(path: Path) -> list[list[str]]:
    """The words of a review's text, then those of its footnotes: the PDF sets notes at
    the foot of the page where they are called, so each part is checked in order alone."""
    body = path.read_text(encoding="utf-8").split("---\n", 2)[2]
    match = re.search(r"(?m)^\[\^[^\]]+\]:", body)
    parts = (body[: match.start()], body[match.start() :]) if match else (body,)
    return [words(_MARKUP.sub(" ", part)) for part in parts]


def _contains_in_order(haystack: list[str], needles: list[str]) -> list[str]:
    """The needles not found, in order, in the haystack (empty when all are)."""
    position = 0
    missing = []
    for needle in needles:
        try:
            position = haystack.index(needle, position) + 1
        except ValueError:
            missing.append(needle)
    return missing


@pytest.mark.slow
def test_every_word_of_every_review_reaches_both_outputs(
    example_build: tuple[Built, Path],
) -> None:
    built, _ = example_build
    anthology = load_anthology(EXAMPLE).anthology
    paths = {o.format: o.path for o in built.outputs}
    reader = PdfReader(paths["pdf"])
    pages = [page.extract_text() for page in reader.pages]
    book = zipfile.ZipFile(paths["epub"])
    starts = [
        reader.get_destination_page_number(reader.named_destinations[r.anchor])
        for r in anthology.reviews
    ]
    for number, review in enumerate(anthology.reviews):
        expected = source_words(review.path)
        assert sum(map(len, expected)) > 300, review.path
        end = starts[number + 1] if number + 1 < len(starts) else starts[number] + 8
        # Each page's text is the body, then its footnotes (from a line "1. ..."); the
        # body and the notes are each joined across pages, without the running heads
        # and folios that sit between them.
        furniture = {anthology.title.upper(), review.title}
        body_lines: list[str] = []
        note_lines: list[str] = []
        for page in pages[starts[number] : end]:
            lines = [line for line in page.splitlines() if line.strip() not in furniture]
            lines = [line for line in lines if not re.fullmatch(r"\d+", line.strip())]
            cut = next(
                (i for i, line in enumerate(lines) if re.match(r"\d{1,2}\.\s+\S", line)), None
            )
            body_lines += lines[:cut]
            note_lines += lines[cut:] if cut is not None else []
        pdf_parts = [unhyphenate("\n".join(body_lines)), unhyphenate("\n".join(note_lines))]
        xhtml = etree.fromstring(book.read(f"EPUB/{review.anchor}.xhtml"))
        epub_text = " ".join(xhtml.itertext())
        for part, pdf_text in zip(expected, pdf_parts, strict=False):
            assert _contains_in_order(words(pdf_text), part) == [], review.path
            assert _contains_in_order(words(epub_text), part) == [], review.path


def unhyphenate(text: str) -> str:
    """A word hyphenated at a line end (U+2010) is whole again; a real hyphen stays."""
    return re.sub(r"\u2010\n", "", text).replace("-\n", "-")


def test_a_truncated_image_is_refused_even_after_weasyprint_is_loaded(tmp_path: Path) -> None:
    import weasyprint  # noqa: F401  (it turns Pillow's LOAD_TRUNCATED_IMAGES on)
    from PIL import ImageFile

    from octavo.errors import Refused
    from octavo.resources import open_image

    png = (EXAMPLE / "reviews" / "images" / "moon.png").read_bytes()
    half = tmp_path / "half.png"
    half.write_bytes(png[: len(png) // 2])
    assert ImageFile.LOAD_TRUNCATED_IMAGES is True
    with pytest.raises(Refused, match="image file is truncated"):
        open_image(half, "half.png", "alt")
    assert ImageFile.LOAD_TRUNCATED_IMAGES is True  # WeasyPrint's setting is left alone


@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
def test_the_time_limit_holds_when_the_alarm_is_swallowed() -> None:
    """An alarm that lands in a garbage collector's callback is ignored by Python (a
    full run of the suite met it): the limit still stops the work once it is over."""
    import gc
    import time

    from octavo.write.pdf import TimeLimit, time_limit

    def swallowing_callback(phase: str, info: dict[str, int]) -> None:
        time.sleep(0.02)  # the alarm fires in here, and its exception is ignored

    gc.callbacks.append(swallowing_callback)
    try:
        with pytest.raises(TimeLimit), time_limit(0.001):  # type: ignore[arg-type]
            gc.collect()
    finally:
        gc.callbacks.remove(swallowing_callback)
