"""``octavo serve`` in a real browser, ``octavo watch`` on disk, and the pieces they share.

The browser test runs Debian's chromium through Playwright (never a downloaded
browser): the page must follow every save of a review by itself, show the
diagnostics when the review breaks, and come back when it is fixed.
"""

from __future__ import annotations

import html
import os
import queue
import signal
import subprocess
import sys
import threading
import time
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO

import pytest

from octavo.serve import (
    Changes,
    Preview,
    PreviewServer,
    next_burst,
    outermost,
    render_preview,
    source_folders,
)

from .conftest import MINIMAL_MANIFEST, ROOT, MakeAnthology, require

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
REVIEW = """\
---
title: Alpha
reviewer: Ann Critic
year: 1925
rating: 4/5
---

{text}
"""
BROKEN = REVIEW.replace("rating: 4/5", "rating: eleventy")  # line 5


# -- the pieces -----------------------------------------------------------------------


def test_a_burst_of_changes_is_one_rebuild() -> None:
    changes: Changes = queue.Queue()

    def save_in_steps() -> None:
        for step in range(5):
            changes.put({Path(f"step-{step}.md")})
            time.sleep(0.05)

    writer = threading.Thread(target=save_in_steps)
    writer.start()
    burst = next_burst(changes, quiet=0.3)
    writer.join()
    assert burst == {Path(f"step-{step}.md") for step in range(5)}
    assert changes.empty()


def test_changes_after_a_quiet_moment_are_another_burst() -> None:
    changes: Changes = queue.Queue()
    changes.put({Path("a.md")})
    threading.Timer(0.4, changes.put, [{Path("b.md")}]).start()
    assert next_burst(changes, quiet=0.1) == {Path("a.md")}
    assert next_burst(changes, quiet=0.1) == {Path("b.md")}


def test_none_stops_after_the_burst() -> None:
    changes: Changes = queue.Queue()
    changes.put({Path("a.md")})
    changes.put(None)
    assert next_burst(changes, quiet=5) == {Path("a.md")}  # returns at once, not after 5 s
    assert next_burst(changes) is None


def test_what_is_watched(make_anthology: MakeAnthology, tmp_path: Path) -> None:
    library = tmp_path / "library"
    library.mkdir()
    folder = make_anthology({"anthology.toml": 'reviews = "../library"\n' + MINIMAL_MANIFEST})
    folders = source_folders(folder)
    assert folders[:2] == (folder.resolve(), library.resolve())
    assert (ROOT / "styles" / "classic").resolve() in folders
    # a broken manifest: the anthology folder is still watched
    (folder / "anthology.toml").write_text("title = \n")
    assert source_folders(folder) == (folder.resolve(),)
    assert outermost([tmp_path / "a" / "b", tmp_path / "a", tmp_path / "c"]) == (
        tmp_path / "a",
        tmp_path / "c",
    )


def test_the_preview_shows_errors_then_the_book(make_anthology: MakeAnthology) -> None:
    folder = make_anthology({"reviews/alpha.md": BROKEN.format(text="First words.")})
    broken = render_preview(folder)
    assert broken.error is not None
    assert "error[R206] reviews/alpha.md:5: 'rating' must look like" in html.unescape(broken.page)
    assert "hint: " in broken.page
    (folder / "reviews" / "alpha.md").write_text(REVIEW.format(text="First words."))
    fixed = render_preview(folder)
    assert fixed.error is None
    assert "First words." in fixed.page


def test_the_server_answers_only_the_page_and_events() -> None:
    from urllib.error import HTTPError
    from urllib.request import Request, urlopen

    preview = Preview("<!DOCTYPE html><html><body><p>Hello</p></body></html>")
    server = PreviewServer(preview, "127.0.0.1", 0)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        with urlopen(server.url, timeout=5) as response:
            page = response.read().decode()
            policy = response.headers["Content-Security-Policy"]
        assert "<p>Hello</p><script" in page
        assert "default-src 'none'" in policy
        for path in ("anthology.toml", "../etc/passwd", "reviews/", "favicon.ico"):
            with pytest.raises(HTTPError) as caught:
                urlopen(server.url + path, timeout=5)
            assert caught.value.code == 404
        with pytest.raises(HTTPError) as caught:
            urlopen(Request(server.url, headers={"Host": "rebound.example"}), timeout=5)
        assert caught.value.code == 403
        with urlopen(server.url + "events", timeout=5) as events:
            assert events.readline() == b"event: version\n"
            assert events.readline() == b"data: 1\n"
            assert events.readline() == b"\n"
            preview.publish("<p>Changed</p>")
            assert events.readline() == b"event: version\n"
            assert events.readline() == b"data: 2\n"
    finally:
        preview.close()
        server.shutdown()
        server.server_close()


# -- the commands, for real -----------------------------------------------------------


#: Start the command that follows with SIGINT ignored (exec keeps that disposition).
_IGNORING_INTERRUPTS = (
    "import os, signal, sys; signal.signal(signal.SIGINT, signal.SIG_IGN);"
    " os.execv(sys.argv[1], sys.argv[1:])"
)


class Running:
    """``octavo`` in a subprocess, its output read line by line as it comes."""

    def __init__(self, *args: str, cwd: Path, in_background: bool = False) -> None:
        env = {**os.environ, "NO_COLOR": "1", "PYTHONUNBUFFERED": "1"}
        command = [sys.executable, "-m", "octavo", *args]
        if in_background:
            # as a shell without job control starts `octavo watch &`: SIGINT ignored
            command = [sys.executable, "-c", _IGNORING_INTERRUPTS, *command]
        self.process = subprocess.Popen(
            command,
            cwd=cwd,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        self.lines: queue.Queue[str] = queue.Queue()
        self.output: list[str] = []
        assert self.process.stdout is not None
        threading.Thread(target=self._read, args=(self.process.stdout,), daemon=True).start()

    def _read(self, stream: IO[str]) -> None:
        for line in stream:
            self.lines.put(line)

    def wait_for_line(self, test: Callable[[str], bool], timeout: float = 60) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                line = self.lines.get(timeout=0.2)
            except queue.Empty:
                assert self.process.poll() is None, "".join(self.output)
                continue
            self.output.append(line)
            if test(line):
                return line
        raise AssertionError(f"no such line in {timeout} s:\n{''.join(self.output)}")

    def interrupt(self) -> int:
        """Ctrl-C, as a person stops it; the exit status."""
        self.process.send_signal(signal.SIGINT)
        try:
            status = self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            state = _process_state(self.process.pid)
            self.process.kill()
            while not self.lines.empty():
                self.output.append(self.lines.get())
            pytest.fail(f"still running 20 s after Ctrl-C ({state}):\n{''.join(self.output)}")
        finally:
            self.process.kill()
        while not self.lines.empty():
            self.output.append(self.lines.get())
        return status


def _process_state(pid: int) -> str:
    """What a process that does not stop is doing: its signal masks and its threads."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
        wanted = ("State", "SigIgn", "SigBlk", "SigCgt", "Threads")
        found = [line for line in status.splitlines() if line.startswith(wanted)]
        tasks = sorted(Path(f"/proc/{pid}/task").iterdir())
        waits = [(task / "wchan").read_text() for task in tasks]
        return "; ".join(found) + f"; waiting in {waits}"
    except OSError as error:
        return f"no state: {error}"


@pytest.fixture
def served(make_anthology: MakeAnthology, tmp_path: Path) -> Iterator[tuple[Running, str, Path]]:
    folder = make_anthology({"reviews/alpha.md": REVIEW.format(text="The first version.")})
    running = Running("serve", str(folder), "--port", "0", cwd=tmp_path)
    try:
        line = running.wait_for_line(lambda text: "http://127.0.0.1:" in text)
        url = line.split(" at ", 1)[1].split()[0]
        yield running, url, folder
    finally:
        if running.process.poll() is None:
            running.process.kill()


def test_serve_in_a_browser(served: tuple[Running, str, Path]) -> None:
    require("chromium", "the live preview is tested in a real browser")
    from playwright.sync_api import Page, sync_playwright

    running, url, folder = served
    review = folder / "reviews" / "alpha.md"

    def wait_for_text(page: Page, text: str, timeout: float = 30) -> str:
        deadline = time.monotonic() + timeout
        shown = ""
        while time.monotonic() < deadline:
            try:
                shown = page.inner_text("body", timeout=1000)
            except Exception:  # the page is reloading
                shown = ""
            if text in shown:
                return shown
            page.wait_for_timeout(100)
        raise AssertionError(f"the page never showed {text!r}; it shows:\n{shown[:2000]}")

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page()
            requests: list[str] = []
            page.on("request", lambda request: requests.append(request.url))
            page.goto(url)
            wait_for_text(page, "The first version.")

            review.write_text(REVIEW.format(text="The second version, saved."))
            wait_for_text(page, "The second version, saved.")

            review.write_text(BROKEN.format(text="The second version, saved."))
            shown = wait_for_text(page, "The book has errors")
            assert "error[R206] reviews/alpha.md:5:" in shown
            assert "hint:" in shown

            review.write_text(REVIEW.format(text="The third version, fixed."))
            shown = wait_for_text(page, "The third version, fixed.")
            assert "The book has errors" not in shown
            assert all(request.startswith(url) for request in requests), requests
        finally:
            browser.close()
    running.wait_for_line(lambda text: "rebuilt the page" in text)
    assert running.interrupt() == 0
    assert "Stopped." in "".join(running.output)
    assert any("reviews/alpha.md:5" in line for line in running.output)


def test_watch_rebuilds_the_epub(make_anthology: MakeAnthology, tmp_path: Path) -> None:
    folder = make_anthology({"reviews/alpha.md": REVIEW.format(text="The first version.")})
    out = folder / "dist"  # inside the anthology: its own writes must not trigger rebuilds
    # started as a background job is (SIGINT ignored): Ctrl-C still stops it
    arguments = ("watch", str(folder), "--format", "epub", "--out", str(out))
    running = Running(*arguments, cwd=tmp_path, in_background=True)
    try:
        running.wait_for_line(lambda text: "built in" in text)
        epub = out / "test-book.epub"
        assert "The first version." in _epub_text(epub)

        (folder / "reviews" / "alpha.md").write_text(BROKEN.format(text="Broken."))
        running.wait_for_line(lambda text: "Build stopped" in text)
        assert "The first version." in _epub_text(epub)  # a failed build writes nothing

        (folder / "reviews" / "alpha.md").write_text(REVIEW.format(text="The second version."))
        running.wait_for_line(lambda text: "built in" in text)
        assert "The second version." in _epub_text(epub)
        time.sleep(1)  # nothing more happens: the output folder is not watched
        assert sum("built in" in line for line in running.output) == 2
        assert running.lines.empty()
        assert running.interrupt() == 0
    finally:
        running.process.kill()
    assert any("reviews/alpha.md:5" in line for line in running.output)


def _epub_text(path: Path) -> str:
    with zipfile.ZipFile(path) as epub:
        return "".join(
            epub.read(name).decode("utf-8") for name in epub.namelist() if name.endswith(".xhtml")
        )
