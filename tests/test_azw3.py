"""The Kindle AZW3 made by calibre's ebook-convert, and the errors when calibre fails.

calibre is optional, even under ``make test`` and in CI: the tests that need it skip
when ``ebook-convert`` is not on PATH (so conftest's ``require`` is not used). The
error paths run everywhere, with a stand-in for ebook-convert.
"""

from __future__ import annotations

import io
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from lxml import etree

from octavo.errors import BuildError
from octavo.write import azw3
from octavo.write.azw3 import azw3_from_epub

NS = {"x": "http://www.w3.org/1999/xhtml"}
#: the example's dc:identifier (see test_example_epub.py)
EXAMPLE_UUID = b"4a8cc133-840b-540b-9eae-96ad98d8cf80"

calibre = pytest.mark.skipif(
    shutil.which("ebook-convert") is None,
    reason="calibre's ebook-convert is not installed; it is optional (apt-get install calibre)",
)


@pytest.fixture(scope="module")
def epub(example_epub: bytes) -> bytes:
    return example_epub


@pytest.fixture(scope="module")
def book(epub: bytes) -> bytes:
    return azw3_from_epub(epub)


@calibre
@pytest.mark.slow
def test_a_kf8_book_with_the_epubs_identity(book: bytes) -> None:
    assert book[60:68] == b"BOOKMOBI"
    # calibre's random ASIN is replaced by the EPUB's own identifier
    assert b"calibre:" + EXAMPLE_UUID in book
    assert book.count(EXAMPLE_UUID) == 2


@calibre
@pytest.mark.slow
def test_the_text_of_a_review_reads_back(book: bytes, epub: bytes, tmp_path: Path) -> None:
    document = etree.fromstring(zipfile.ZipFile(io.BytesIO(epub)).read("EPUB/r-nosferatu.xhtml"))
    paragraphs = document.findall(".//x:div[@class='review-body']/x:p", NS)
    assert len(paragraphs) > 3
    path = tmp_path / "out.azw3"
    path.write_bytes(book)
    subprocess.run(
        ["ebook-convert", str(path), str(tmp_path / "out.txt")],
        check=True,
        capture_output=True,
        timeout=300,
    )
    text = " ".join((tmp_path / "out.txt").read_text(encoding="utf-8").split())
    for paragraph in paragraphs:
        assert " ".join("".join(paragraph.itertext()).split()) in text
    assert "Nosferatu" in text


@calibre
@pytest.mark.slow
def test_reproducible(book: bytes, epub: bytes, monkeypatch: pytest.MonkeyPatch) -> None:
    if not azw3._fixed_addresses():
        pytest.skip("setarch -R is not allowed here, so calibre may order images differently")
    # the caller's environment must not matter: its size alone used to move calibre's
    # memory addresses, and with them the order of the images
    monkeypatch.setenv("OCTAVO_TEST_PADDING", "x" * 4321)
    assert azw3_from_epub(epub) == book


def test_missing_calibre_says_how_to_install_it(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(azw3.shutil, "which", lambda name: None)
    with pytest.raises(BuildError) as caught:
        azw3_from_epub(b"any")
    assert "calibre is needed for azw3" in caught.value.message
    assert caught.value.hint is not None
    assert "apt-get install calibre" in caught.value.hint
    assert "calibre-ebook.com" in caught.value.hint


def _stand_in(tmp_path: Path, script: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """Put a Python script where ebook-convert would be found."""
    tool = tmp_path / "ebook-convert"
    tool.write_text(f"#!{sys.executable}\nimport os, sys, time\n{script}")
    tool.chmod(0o755)
    monkeypatch.setattr(azw3.shutil, "which", lambda name: str(tool))


def test_a_failure_shows_the_end_of_calibres_output(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    script = "for n in range(30): print('line', n)\n"
    script += "sys.stdout.flush()\nprint('ValueError: not an EPUB', file=sys.stderr)\nsys.exit(3)\n"
    _stand_in(tmp_path, script, monkeypatch)
    with pytest.raises(BuildError) as caught:
        azw3_from_epub(b"not an epub")
    message = caught.value.message
    assert "exit code 3" in message
    assert "ValueError: not an EPUB" in message
    assert "line 29" in message
    assert "line 5\n" not in message  # only the last lines


def test_success_without_a_file_is_an_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _stand_in(tmp_path, "print('done')\n", monkeypatch)
    with pytest.raises(BuildError, match="wrote no azw3"):
        azw3_from_epub(b"x")


def test_a_stalled_conversion_is_stopped(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _stand_in(tmp_path, "time.sleep(30)\n", monkeypatch)
    with pytest.raises(BuildError, match=r"more than 0\.5 seconds"):
        azw3_from_epub(b"x", timeout=0.5)


def test_calibre_runs_isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Its own settings folder, a fixed hash seed, no network; the output is returned."""
    script = "with open(sys.argv[2], 'w') as f:\n"
    script += "    f.writelines(f'{k}={v}\\n' for k, v in os.environ.items())\n"
    _stand_in(tmp_path, script, monkeypatch)
    environment = azw3_from_epub(b"x").decode()
    assert "PYTHONHASHSEED=0" in environment
    assert "CALIBRE_CONFIG_DIRECTORY=" in environment
    assert "https_proxy=http://127.0.0.1:9" in environment
    assert "PYTEST_CURRENT_TEST" not in environment  # nothing of the caller's but PATH
