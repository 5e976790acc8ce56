"""A Python process that holds none of the build's memory, that calls the functions it is
sent, one at a time.

A forked worker starts with its parent's memory, and counts it: a worker forked from a
build's process that holds 300 MiB weighs 300 MiB before it lays out a page. The two
steps that need the most memory of their own run in processes that hold only what
they load instead: the merge of a book laid out in parallel (qpdf and fontTools:
:func:`octavo.write.pdf_merge.merge_finished`) and the layout of its front and back
matter (:func:`octavo.write.pdf_worker.lay_out_afresh`).

Loading WeasyPrint takes about a second of CPU, and a build needs three such
processes (two lay out, one merges). So the first one asked for with a given
``preload`` starts a *fork server*: a process started afresh (``python -c``) that
loads those modules once, then forks a process for each one asked for, as long as
the process that started it lives (the next build of ``octavo serve``, or of a test
run, asks it again). What it forks holds what a process started afresh would, and
none of the build's memory: the server holds nothing else, and runs one thread. Each
process is given its pipes (passed over a Unix socket), and the environment, the
working folder and the temporary folder of the build that asks for it; it sends its
process id first. A server forks once it has loaded its modules, so the build's
process starts it early (:func:`start_server`): it loads them while the main matter
is laid out.

Not :mod:`multiprocessing`'s spawn or forkserver, which run the caller's main script
again: a script that builds a book without an ``if __name__ == "__main__"`` guard
would start builds without end. A call and its result pass as pickles, each after
its length in eight bytes, on the process's pipes; pickles pass only between the
build's process and the processes it asked for. A reader thread takes the calls in
as they come, so that the build's process never waits to send one.
"""

from __future__ import annotations

import atexit
import contextlib
import gc
import importlib
import os
import pickle
import queue
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from typing import IO, Any

from .shared_libraries import looked_up_once

_SERVER = "from octavo.fresh_process import serve_forks; serve_forks()"
#: The environment variables that name the modules a fork server loads first, and the
#: socket it is asked on.
PRELOAD = "OCTAVO_PRELOAD"
CONTROL = "OCTAVO_FORK_CONTROL"


class FreshProcess:
    """One process forked by the fork server of ``preload`` (see the module's
    docstring)."""

    def __init__(self, preload: tuple[str, ...] = ()) -> None:
        self.child: _Child | None = _server(preload).fork()
        self.waiting = 0  #: calls sent whose results are not read yet

    def submit(self, function: Callable[..., Any], *args: Any, reply: bool = True) -> None:
        """Send a call (``function`` is sent by name: a module's own function). A call
        sent without ``reply`` (to warm the process up) gives no result, nor error."""
        assert self.child is not None
        assert self.child.stdin is not None
        _send(self.child.stdin, pickle.dumps((function, args, reply), protocol=5))
        self.waiting += 1 if reply else 0

    def result(self) -> Any:
        """The result of the first call sent and not read; its error raised again."""
        assert self.child is not None
        assert self.child.stdout is not None
        assert self.waiting
        self.waiting -= 1
        message = self.child.receive()
        if message is None:
            raise RuntimeError("a process of the build ended before it gave its result")
        done, value = pickle.loads(message)
        if not done:
            raise value
        return value

    def call(self, function: Callable[..., Any], *args: Any) -> Any:
        self.submit(function, *args)
        return self.result()

    def close(self) -> None:
        """End the process, at once: it holds nothing to keep (its temporary files are
        in the build's scratch folder), and a WeasyPrint process takes a second to end
        of its own accord."""
        child, self.child = self.child, None
        if child is None:
            return
        child.kill()


def _send(stream: IO[bytes], message: bytes) -> None:
    stream.write(len(message).to_bytes(8, "big"))
    stream.write(message)
    stream.flush()


def _receive(stream: IO[bytes]) -> bytes | None:
    """One message, or None at the end of the stream."""
    head = _read(stream.read, 8)
    if head is None:
        return None
    return _read(stream.read, int.from_bytes(head, "big"))


def _read(read: Callable[[int], bytes], size: int) -> bytes | None:
    """Exactly ``size`` bytes from ``read`` (a pipe's, read whole: unpickled from a pipe,
    3x slower; or a socket's), or None where it ends first."""
    chunks: list[bytes] = []
    while size > 0:
        chunk = read(size)
        if not chunk:
            return None
        chunks.append(chunk)
        size -= len(chunk)
    return b"".join(chunks)


def serve(calls_in: IO[bytes], output: IO[bytes]) -> None:
    """In a process forked by the server: make each call sent, in turn, until the
    build's process closes the input."""
    calls: queue.Queue[bytes | None] = queue.Queue()

    def take_in() -> None:
        while True:
            message = _receive(calls_in)
            calls.put(message)
            if message is None:
                return

    threading.Thread(target=take_in, daemon=True).start()
    while (message := calls.get()) is not None:
        function, args, reply = pickle.loads(message)
        result: tuple[bool, Any]
        try:
            result = (True, function(*args))
        except Exception as error:  # raised again in the build's process
            result = (False, error)
        if not reply:
            continue
        try:
            data = pickle.dumps(result, protocol=5)
        except Exception:  # an error that cannot be pickled
            data = pickle.dumps((False, RuntimeError(repr(result[1]))), protocol=5)
        _send(output, data)


class _Child:
    """A process forked by a server: its pipes, and its id once it has sent it."""

    def __init__(self, stdin: IO[bytes], stdout: IO[bytes]) -> None:
        self.stdin = stdin
        self.stdout = stdout
        self.pid: int | None = None

    def receive(self) -> bytes | None:
        """Its next message, after its id (the first it sends), or None once it ended."""
        if self.receive_id() is None:
            return None
        return _receive(self.stdout)

    def ended(self) -> bool:
        """Whether it ended (the server takes its exit status: it leaves no zombie)."""
        if self.pid is None:
            return self.receive_id() is None
        try:
            os.kill(self.pid, 0)
        except ProcessLookupError:
            return True
        return False

    def receive_id(self) -> int | None:
        """Its process id, the first thing it sends (None if it ended first)."""
        if self.pid is None:
            head = _read(self.stdout.read, 8)
            self.pid = None if head is None else int.from_bytes(head, "big")
        return self.pid

    def kill(self) -> None:
        """End it at once and wait until it has ended (a second at most); its pipes
        closed."""
        self.stdin.close()
        pid = self.receive_id()
        self.stdout.close()
        if pid is None:
            return
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            return
        deadline = time.monotonic() + 1
        while not self.ended() and time.monotonic() < deadline:
            time.sleep(0.005)


class _Server:
    """A fork server (see the module's docstring), started afresh with ``preload``."""

    def __init__(self, preload: tuple[str, ...]) -> None:
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
        self.socket = ours
        self.owner = os.getpid()
        self.lock = threading.Lock()
        path = os.pathsep.join(entry for entry in sys.path if entry)
        self.process = subprocess.Popen(
            [sys.executable, "-c", _SERVER],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            pass_fds=(theirs.fileno(),),
            env={
                **os.environ,
                "PYTHONPATH": path,
                PRELOAD: ",".join(preload),
                CONTROL: str(theirs.fileno()),
            },
        )
        theirs.close()

    def alive(self) -> bool:
        return self.owner == os.getpid() and self.process.poll() is None

    def close(self) -> None:
        """End it: it ends when its socket closes (what it forked goes on to the end
        of its calls), and is waited for, a second at most."""
        self.socket.close()
        try:
            self.process.wait(timeout=1)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()

    def fork(self) -> _Child:
        """Ask for a process; it starts once the server has loaded its modules, and
        reads the calls sent meanwhile from its pipe."""
        calls_read, calls_write = os.pipe()
        results_read, results_write = os.pipe()
        try:
            cwd: str | None = os.getcwd()
        except OSError:  # a working folder removed since
            cwd = None
        # its temporary files (WeasyPrint's fonts) in the build's scratch folder,
        # removed with it (see write/scratch.py)
        request = pickle.dumps(({**os.environ, "TMPDIR": tempfile.gettempdir()}, cwd))
        try:
            with self.lock:
                # its length in eight bytes, the pipes with them; then the request
                head = len(request).to_bytes(8, "big")
                socket.send_fds(self.socket, [head], [calls_read, results_write])
                self.socket.sendall(request)
        except OSError:
            for fd in (calls_write, results_read):
                os.close(fd)
            raise RuntimeError("the process that starts the build's processes ended") from None
        finally:
            for fd in (calls_read, results_write):
                os.close(fd)
        return _Child(os.fdopen(calls_write, "wb"), os.fdopen(results_read, "rb"))


_SERVERS: dict[tuple[str, ...], _Server] = {}


@atexit.register
def _close_servers() -> None:
    """At the end of the process that started them, the servers end too."""
    for server in _SERVERS.values():
        if server.owner == os.getpid():
            server.close()
    _SERVERS.clear()


def _server(preload: tuple[str, ...]) -> _Server:
    """The fork server of this process that has loaded ``preload``: started the first
    time, and again when it ended (or in a process forked from this one)."""
    server = _SERVERS.get(preload)
    if server is None or not server.alive():
        server = _SERVERS[preload] = _Server(preload)
    return server


def start_server(preload: tuple[str, ...]) -> None:
    """Start the fork server that loads ``preload`` now, if it is not running, so that
    it has loaded them when a process is first asked of it."""
    _server(preload)


def serve_forks() -> None:
    """In the fork server: load the modules, then fork a process for each request,
    until the process that started it closes the socket (or ends)."""
    control = socket.socket(fileno=int(os.environ.pop(CONTROL)))
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # a ^C is the build's: it ends this one
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # what it forks leaves no zombie
    sys.stdout = sys.stderr  # its standard output is nobody's
    with looked_up_once():  # WeasyPrint's libraries, without a compiler run for each name
        for name in filter(None, os.environ.pop(PRELOAD, "").split(",")):
            importlib.import_module(name)
    gc.freeze()  # the modules: what it forks does not go through them when it collects
    while True:
        try:
            head, fds, _flags, _address = socket.recv_fds(control, 8, 2)
            rest = _read(control.recv, 8 - len(head)) if head else None
            size = None if rest is None else int.from_bytes(head + rest, "big")
            request = None if size is None else _read(control.recv, size)
        except OSError:
            return
        if not request or len(fds) != 2:
            return
        if os.fork() == 0:
            control.close()
            _forked(request, fds[0], fds[1])  # never returns
        for fd in fds:
            os.close(fd)


def _forked(request: bytes, calls_fd: int, results_fd: int) -> None:
    """In a process the server forked: take on the build's environment and folders,
    send the process id, then serve the calls; end there."""
    status = 0
    try:
        signal.signal(signal.SIGCHLD, signal.SIG_DFL)
        environment, cwd = pickle.loads(request)
        os.environ.clear()
        os.environ.update(environment)
        tempfile.tempdir = None  # read again, from TMPDIR
        if cwd is not None:
            with contextlib.suppress(OSError):  # removed since: it stays in the server's
                os.chdir(cwd)
        output = os.fdopen(results_fd, "wb")
        output.write(os.getpid().to_bytes(8, "big"))
        output.flush()
        serve(os.fdopen(calls_fd, "rb"), output)
    except BaseException:
        import traceback

        traceback.print_exc()
        status = 1
    finally:
        sys.stderr.flush()
        os._exit(status)
