"""Live preview: watch an anthology, rebuild on every change, show the result.

``octavo serve`` and ``octavo watch`` share the loop; only what a rebuild does differs.
The pieces, in the order a change meets them:

1. :func:`source_folders`: what a build reads, so what to watch: the anthology, its
   reviews folder and its theme's folders;
2. :class:`Watcher`: a thread running watchfiles over them, putting every batch of
   changed paths on a queue;
3. :func:`next_burst`: waits for a change, then for a quiet moment, so that a burst of
   saves (an editor writing a file in steps, a ``git checkout``) rebuilds once;
4. :func:`watch_and_rebuild`: the loop, calling the command's rebuild;
5. for ``serve``, :func:`render_preview` makes the page (the HTML edition, or the
   diagnostics when the content has errors), :class:`Preview` holds it, and
   :class:`PreviewServer` serves it from memory with a version stream that makes the
   browser reload.

The server binds to 127.0.0.1 unless told otherwise, answers only ``/`` and
``/events``, and never serves a file from disk.
"""

from __future__ import annotations

import html
import ipaddress
import queue
import secrets
import threading
import time
import traceback
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from socket import AF_INET6
from urllib.parse import urlsplit

from .api import MANIFEST, load_anthology, make_html
from .diagnostics import Report
from .errors import ContentError, OctavoError
from .load.manifest import load_manifest
from .themes import find_theme

#: Seconds without a new change before a burst of changes is rebuilt.
QUIET = 0.2
#: Characters the preview's fonts always keep: Latin letters and punctuation, so that
#: an edit rarely brings a new one and the fonts are cut again (seconds, not a tenth).
PREVIEW_CHARACTERS = "".join(
    chr(code) for start, end in ((0x20, 0x250), (0x2000, 0x2070)) for code in range(start, end)
)
#: Seconds between two keep-alive comments on an idle event stream.
KEEPALIVE = 15.0

Changes = queue.Queue[set[Path] | None]


# -- what to watch ----------------------------------------------------------------------


def source_folders(folder: Path) -> tuple[Path, ...]:
    """The folders a build of ``folder`` reads: the anthology, reviews, theme folders.

    Read from the manifest alone, so that it works while a review has errors; when
    the manifest itself is broken, the anthology folder is all there is to watch.
    """
    root = (folder if folder.is_dir() else folder.parent).resolve()
    found = [root]
    report = Report(root=root)
    loaded = load_manifest(root / MANIFEST, report)
    if loaded is not None:
        manifest, lines = loaded
        found.append((root / manifest.reviews).resolve())
        theme = find_theme(manifest.style, root, report, root / MANIFEST, lines.get(("style",)))
        if theme is not None:
            found.extend(theme.folders)
    return outermost(path for path in found if path.is_dir())


def outermost(folders: Iterable[Path]) -> tuple[Path, ...]:
    """The folders, without those inside another (watching is recursive)."""
    unique = list(dict.fromkeys(folders))
    return tuple(
        path
        for path in unique
        if not any(path != other and path.is_relative_to(other) for other in unique)
    )


class Watcher:
    """Watches folders in a thread; each batch of changed paths goes on ``changes``.

    Paths under ``ignore`` (the output folder of ``octavo watch``) are left out, as are
    what watchfiles leaves out by default (editor swap files, ``.git``...).
    """

    def __init__(self, changes: Changes, ignore: tuple[Path, ...] = ()) -> None:
        self.changes = changes
        self.ignore = tuple(path.resolve() for path in ignore)
        self.folders: tuple[Path, ...] = ()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def follow(self, folders: tuple[Path, ...]) -> None:
        """Watch ``folders`` from now on (the same folders: nothing to do)."""
        if folders == self.folders and self._thread is not None:
            return
        self.close()
        self.folders = folders
        self._stop = threading.Event()
        self._thread = threading.Thread(
            target=self._run, args=(folders, self._stop), name="octavo-watcher", daemon=True
        )
        self._thread.start()

    def close(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    def _run(self, folders: tuple[Path, ...], stop: threading.Event) -> None:
        import watchfiles

        def wanted(change: watchfiles.Change, path: str) -> bool:
            if any(Path(path).is_relative_to(folder) for folder in self.ignore):
                return False
            return watchfiles.DefaultFilter()(change, path)

        for batch in watchfiles.watch(
            *folders, watch_filter=wanted, stop_event=stop, step=50, raise_interrupt=False
        ):
            self.changes.put({Path(path) for _, path in batch})


def next_burst(changes: Changes, quiet: float = QUIET) -> set[Path] | None:
    """Wait for a change, then until ``quiet`` seconds pass without one; every path.

    None means stop (someone put None on the queue).
    """
    first = changes.get()
    if first is None:
        return None
    paths = set(first)
    while True:
        try:
            more = changes.get(timeout=quiet)
        except queue.Empty:
            return paths
        if more is None:
            changes.put(None)  # stop after this burst
            return paths
        paths |= more


def watch_and_rebuild(
    folder: Path,
    rebuild: Callable[[], None],
    changes: Changes | None = None,
    ignore: tuple[Path, ...] = (),
    quiet: float = QUIET,
) -> None:
    """Rebuild now, then after every burst of changes, until None is put on ``changes``.

    ``rebuild`` reports its own result and must not raise for bad content. After each
    rebuild the watched folders are looked up again: a manifest that names another
    reviews folder or theme is followed.
    """
    changes = changes if changes is not None else queue.Queue()
    watcher = Watcher(changes, ignore)
    try:
        while True:
            watcher.follow(source_folders(folder))
            rebuild()
            if next_burst(changes, quiet) is None:
                return
    finally:
        watcher.close()


# -- the preview page ----------------------------------------------------------------


@dataclass(frozen=True)
class Rebuilt:
    """One rebuild of the preview: the page, and what to tell the terminal."""

    page: str  #: the HTML edition, or the page listing its errors
    report: Report  #: warnings of a good build, or every diagnostic of a failed one
    error: OctavoError | None  #: why there is no book, if there is none
    seconds: float


def render_preview(folder: Path) -> Rebuilt:
    """Build the HTML edition of ``folder`` in memory; on errors, a page that lists them."""
    start = time.perf_counter()
    root = folder if folder.is_dir() else folder.parent
    failure: OctavoError
    try:
        loaded = load_anthology(folder)
        page = make_html(loaded, font_characters=PREVIEW_CHARACTERS).decode("utf-8")
        return Rebuilt(page, loaded.report, None, time.perf_counter() - start)
    except ContentError as error:
        failure, report = error, error.report
    except OctavoError as error:
        failure, report = error, Report(root=root)
        report.error(error.code or "B400", error.message, hint=error.hint)
    except Exception as error:  # a bug: show it, and keep watching for the fix
        last = traceback.format_exception_only(error)[-1].strip()
        failure, report = OctavoError(f"unexpected error: {last}"), Report(root=root)
        report.error(
            "B400",
            f"Octavo stopped on an unexpected error: {last}",
            hint="this is a bug in Octavo: please report it with the output of"
            " octavo build --debug",
        )
    if report.root is None:
        report.root = root
    return Rebuilt(error_page(report, root), report, failure, time.perf_counter() - start)


def error_page(report: Report, root: Path) -> str:
    """A page listing the diagnostics as ``build`` prints them, for the browser."""
    bases = [base for base in (report.root, root, Path.cwd()) if base is not None]
    items = []
    for diagnostic in report.diagnostics:
        head, _, hint = diagnostic.format(*bases).partition("\n")
        severity = diagnostic.severity.value
        items.append(
            f'<li class="{severity}"><code>{html.escape(head)}</code>'
            + (f'<br><span class="hint">{html.escape(hint.strip())}</span>' if hint else "")
            + "</li>"
        )
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light dark">
<title>Errors: {html.escape(root.name)}</title>
<style>
body {{ font: 16px/1.5 system-ui, sans-serif; max-width: 60em; margin: 2em auto; padding: 0 1em; }}
h1 {{ font-size: 1.4em; }}
ul {{ padding: 0; list-style: none; }}
li {{ margin: 0 0 1em; padding: 0.6em 0.8em; border-left: 4px solid #c0392b; }}
li.warning {{ border-color: #d4a017; }}
code {{ font: 0.95em/1.4 ui-monospace, monospace; white-space: pre-wrap; }}
.hint {{ opacity: 0.8; }}
</style>
</head>
<body>
<h1>The book has errors</h1>
<p>{html.escape(report.summary())}. Fix them and save: this page shows the book again
by itself.</p>
<ul class="diagnostics">
{"".join(items)}
</ul>
</body>
</html>
"""


#: Put in served pages only: reload when the server has a newer version of the page.
RELOAD_SCRIPT = """<script nonce="{nonce}">
(function () {{
  var events = new EventSource("/events");
  events.addEventListener("version", function (event) {{
    if (event.data !== "{version}") {{ events.close(); location.reload(); }}
  }});
}})();
</script>
"""


class Preview:
    """The page being served and its version, shared by the server's threads."""

    def __init__(self, page: str = "") -> None:
        self._changed = threading.Condition()
        self.version = 0
        self.closed = False
        self.nonce = ""
        self.page = b""
        self.publish(page or _waiting_page())

    def publish(self, page: str) -> None:
        """Serve ``page`` from now on; open browsers reload."""
        with self._changed:
            self.version += 1
            self.nonce = secrets.token_urlsafe(16)
            script = RELOAD_SCRIPT.format(nonce=self.nonce, version=self.version)
            head, found, tail = page.rpartition("</body>")
            self.page = (head + script + found + tail if found else page + script).encode()
            self._changed.notify_all()

    def current(self) -> tuple[bytes, int, str]:
        with self._changed:
            return self.page, self.version, self.nonce

    def wait(self, version: int, timeout: float) -> int:
        """The version, once it differs from ``version`` (or after ``timeout``)."""
        with self._changed:
            self._changed.wait_for(lambda: self.version != version or self.closed, timeout)
            return self.version

    def close(self) -> None:
        with self._changed:
            self.closed = True
            self._changed.notify_all()


def _waiting_page() -> str:
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>Building</title>'
        "</head><body><p>Building the book…</p></body></html>"
    )


class PreviewServer(ThreadingHTTPServer):
    """Serves a :class:`Preview` from memory: the page at ``/``, versions at ``/events``."""

    daemon_threads = True

    def __init__(self, preview: Preview, host: str = "127.0.0.1", port: int = 0) -> None:
        if ":" in host:
            self.address_family = AF_INET6
        self.preview = preview
        self.loopback = _is_loopback(host)
        super().__init__((host, port), _Handler)

    @property
    def url(self) -> str:
        host, port = str(self.server_address[0]), self.server_address[1]
        return f"http://[{host}]:{port}/" if ":" in host else f"http://{host}:{port}/"


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


class _Handler(BaseHTTPRequestHandler):
    server: PreviewServer
    protocol_version = "HTTP/1.1"

    def do_GET(self) -> None:
        if not self._host_allowed():
            self.send_error(403, "octavo serve answers only requests made to localhost")
            return
        path = urlsplit(self.path).path
        if path in ("/", "/index.html"):
            self._send_page()
        elif path == "/events":
            self._send_events()
        else:
            self.send_error(404, "octavo serve shows the book at / and nothing else")

    def _host_allowed(self) -> bool:
        """On a loopback address, refuse other host names (DNS rebinding)."""
        if not self.server.loopback:
            return True
        host = urlsplit(f"//{self.headers.get('Host', '')}").hostname or ""
        return host == "localhost" or _is_loopback(host)

    def _send_page(self) -> None:
        page, _, nonce = self.server.preview.current()
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(page)))
        self.send_header("Cache-Control", "no-store")
        self.send_header("X-Content-Type-Options", "nosniff")
        self.send_header("Referrer-Policy", "no-referrer")
        # The page needs nothing from outside: the policy makes sure of it.
        self.send_header(
            "Content-Security-Policy",
            "default-src 'none'; img-src data:; font-src data:; style-src 'unsafe-inline';"
            f" script-src 'nonce-{nonce}'; connect-src 'self'; base-uri 'none';"
            " form-action 'none'",
        )
        self.end_headers()
        self.wfile.write(page)

    def _send_events(self) -> None:
        preview = self.server.preview
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Cache-Control", "no-store")
        self.send_header("Connection", "close")
        self.end_headers()
        self.close_connection = True
        sent = -1
        try:
            while not preview.closed:
                version = preview.wait(sent, KEEPALIVE)
                if version != sent:
                    self.wfile.write(f"event: version\ndata: {version}\n\n".encode())
                    sent = version
                else:
                    self.wfile.write(b": still here\n\n")
                self.wfile.flush()
        except (BrokenPipeError, ConnectionResetError):
            return

    def log_message(self, format: str, *args: object) -> None:
        """Quiet: the terminal shows rebuilds and diagnostics, not every request."""
