"""Ace by DAISY, the EPUB accessibility checker, finds nothing to report in our EPUBs.

Ace (npm package @daisy/ace-cli, pinned in tools/ace/package.json) checks the package
metadata itself and runs axe-core on every content document in a headless Chromium,
through Puppeteer. ``make test`` installs it with scripts/setup-ace.sh, and Debian's
chromium with scripts/setup-system.sh --with-tests; Puppeteer never downloads a
browser of its own. The example anthology and the multilingual fixture must pass
with no violation at all, best practices included, and a deliberately broken EPUB
shows that the check can fail.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import subprocess
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from octavo.api import Built, build

from .conftest import ROOT, MakeAnthology, require

pytestmark = pytest.mark.slow

ACE = ROOT / "tools" / "ace" / "node_modules" / ".bin" / "ace-cli"
MULTILINGUAL = ROOT / "tests" / "fixtures" / "multilingual"

#: Added to Puppeteer's own flags (Ace passes --no-sandbox, which root needs). Without
#: background networking, Chromium does not hang on connections the machine blocks.
CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
)

#: Seconds for one run of Ace (the example takes about fifteen).
TIMEOUT = 600


@dataclass(frozen=True)
class Violation:
    """One failed check of Ace's report."""

    rule: str  #: Ace's or axe's rule id, e.g. "metadata-accessmode", "image-alt"
    impact: str  #: minor, moderate, serious or critical
    file: str  #: the checked file, relative to the EPUB's root: "EPUB/content.opf"
    where: str  #: the CSS selector of the element at fault, or ""
    description: str  #: what failed, as Ace says it

    def __str__(self) -> str:
        location = f"{self.file} {self.where}".strip()
        return f"{self.rule} ({self.impact}) {location}: {self.description}"


def _package_folder(report: dict[str, Any]) -> str:
    """The folder of the package document, as Ace's report names it ("EPUB/")."""
    for document in report.get("assertions", []):
        url = str(document["earl:testSubject"]["url"]).lstrip("/")
        if url.endswith(".opf"):
            return url.rpartition("/")[0] + "/" if "/" in url else ""
    return ""


def violations(report: dict[str, Any]) -> list[Violation]:
    """Every failed assertion of an Ace report.json, in the report's order.

    Ace names the package document from the EPUB's root ("EPUB/content.opf"), the
    content documents from the package document's folder ("r-sunrise.xhtml"), and the
    navigation document with a leading slash: each becomes a path from the root.
    """
    package = _package_folder(report)
    found: list[Violation] = []
    for document in report.get("assertions", []):
        url = str(document["earl:testSubject"]["url"])
        if url.startswith("/"):
            file = url.lstrip("/")
        elif url.endswith(".opf") or (package and url.startswith(package)):
            file = url
        else:
            file = package + url
        for assertion in document.get("assertions", []):
            result = assertion["earl:result"]
            if result.get("earl:outcome") != "fail":
                continue
            test = assertion["earl:test"]
            selectors = result.get("earl:pointer", {}).get("css", [])
            found.append(
                Violation(
                    rule=test["dct:title"],
                    impact=test.get("earl:impact", ""),
                    file=file,
                    where=" ".join(selectors),
                    description=result.get("dct:description") or test.get("dct:description", ""),
                )
            )
    return found


def _require_tools() -> str:
    """Skip (fail under ``make test``) without Node, Ace or Chromium; the browser's path.

    The browser is $PUPPETEER_EXECUTABLE_PATH when set, else Debian's chromium.
    """
    require("node", "Ace by DAISY runs on Node.js")
    require(str(ACE), "Ace by DAISY checks EPUB accessibility; scripts/setup-ace.sh")
    browser = os.environ.get("PUPPETEER_EXECUTABLE_PATH") or shutil.which("chromium")
    if browser is None:
        require("chromium", "Ace checks each document in a headless Chromium")
    assert browser is not None
    return browser


@pytest.fixture(autouse=True)
def _ace_installed() -> None:
    """Check for the tools before building a book."""
    _require_tools()


def run_ace(epub: Path, workdir: Path) -> list[Violation]:
    """Run Ace on ``epub`` in ``workdir`` (made if missing) and return its violations.

    Ace's reports, its logs and Chromium's profile all stay in ``workdir``: HOME and
    the XDG folders point there. Puppeteer has no setting for extra browser flags, so
    PUPPETEER_EXECUTABLE_PATH names a small script there that adds CHROMIUM_FLAGS.
    """
    browser = _require_tools()
    workdir.mkdir(parents=True, exist_ok=True)
    wrapper = workdir / "chromium"
    flags = " ".join(CHROMIUM_FLAGS)
    wrapper.write_text(f'#!/bin/sh\nexec {shlex.quote(browser)} {flags} "$@"\n', encoding="utf-8")
    wrapper.chmod(0o755)
    home = workdir / "home"
    env = {
        **os.environ,
        "HOME": str(home),
        "XDG_CONFIG_HOME": str(home / ".config"),
        "XDG_CACHE_HOME": str(home / ".cache"),
        "XDG_STATE_HOME": str(home / ".local" / "state"),
        "XDG_DATA_HOME": str(home / ".local" / "share"),
        "PUPPETEER_EXECUTABLE_PATH": str(wrapper),
        "PUPPETEER_SKIP_DOWNLOAD": "1",
    }
    out = workdir / "report"
    command = [str(ACE), "--silent", "--force", "--outdir", str(out), str(epub)]
    try:
        done = subprocess.run(
            command,
            cwd=workdir,
            env=env,
            capture_output=True,
            text=True,
            timeout=TIMEOUT,
            check=False,
        )
    except subprocess.TimeoutExpired:
        pytest.fail(f"Ace took more than {TIMEOUT} s on {epub.name}")
    report = out / "report.json"
    if done.returncode != 0 or not report.is_file():
        pytest.fail(
            f"Ace failed on {epub.name} (exit {done.returncode}):\n"
            f"{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
        )
    data = json.loads(report.read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return violations(data)


def _epub(built: Built) -> Path:
    (epub,) = [Path(o.path) for o in built.outputs if o.format == "epub"]
    return epub


def test_example_passes_ace(example_build: tuple[Built, Path], tmp_path: Path) -> None:
    built, _ = example_build
    assert [str(v) for v in run_ace(_epub(built), tmp_path)] == []


def test_multilingual_passes_ace(tmp_path: Path) -> None:
    book = tmp_path / "multilingual"
    shutil.copytree(MULTILINGUAL, book)
    built = build(book, tmp_path / "out")
    assert [str(v) for v in run_ace(_epub(built), tmp_path / "ace")] == []


def _break(epub: Path, broken: Path) -> tuple[str, str]:
    """Copy ``epub`` to ``broken`` with two accessibility faults, in two documents.

    The first review loses its language (``lang`` and ``xml:lang`` on ``<html>``), the
    second gains a picture with no text alternative. Returns their paths in the EPUB.
    """
    with zipfile.ZipFile(epub) as source:
        reviews = sorted(
            n for n in source.namelist() if re.search(r"/r-[^/]*\.xhtml$", n) is not None
        )
        assert len(reviews) >= 2, reviews
        no_lang, no_alt = reviews[0], reviews[1]
        with zipfile.ZipFile(broken, "w") as target:
            for info in source.infolist():  # mimetype stays first, and stored
                data = source.read(info)
                if info.filename == no_lang:
                    text = data.decode("utf-8")
                    html = re.search(r"<html\b[^>]*>", text)
                    assert html is not None
                    tag = re.sub(r'\s(?:xml:)?lang="[^"]*"', "", html.group())
                    assert "lang=" not in tag
                    data = (text[: html.start()] + tag + text[html.end() :]).encode("utf-8")
                elif info.filename == no_alt:
                    text = data.decode("utf-8")
                    assert "<body>" in text
                    picture = '<body>\n<p><img src="images/missing.png"/></p>'
                    data = text.replace("<body>", picture, 1).encode("utf-8")
                target.writestr(info, data)
    return no_lang, no_alt


def test_ace_reports_a_broken_epub(make_anthology: MakeAnthology, tmp_path: Path) -> None:
    built = build(make_anthology(), tmp_path / "out")
    broken = tmp_path / "broken.epub"
    no_lang, no_alt = _break(_epub(built), broken)
    found = run_ace(broken, tmp_path / "ace")
    rules = {(v.rule, v.file) for v in found}
    assert ("html-has-lang", no_lang) in rules, [str(v) for v in found]
    assert ("image-alt", no_alt) in rules, [str(v) for v in found]
    (alt,) = [v for v in found if v.rule == "image-alt"]
    assert alt.impact == "critical"
    assert alt.where == "img"
