"""A Python process started afresh, that calls the functions it is sent, one at a time.

A forked worker starts with its parent's memory, and counts it: a worker forked from a
build's process that holds 300 MiB weighs 300 MiB before it lays out a page. The two
steps that need the most memory of their own run in processes started afresh instead
(``python -c``), which hold only what they load: the merge of a book laid out in
parallel (qpdf and fontTools: :func:`octavo.write.pdf_merge.merge_finished`) and the
layout of its front and back matter (:func:`octavo.write.pdf_worker.lay_out_afresh`).

Not :mod:`multiprocessing`'s spawn, which runs the caller's main script again: a
script that builds a book without an ``if __name__ == "__main__"`` guard would start
builds without end. A call and its result pass as pickles, each after its length in
eight bytes, on the process's standard input and output; pickles pass only between
the build's process and the processes it started. The process loads the modules it
is given (``preload``) as soon as it starts, while its first call is on its way: a
reader thread takes the calls in as they come, so that the build's process never
waits to send one.
"""

from __future__ import annotations

import importlib
import os
import pickle
import queue
import signal
import subprocess
import sys
import tempfile
import threading
from collections.abc import Callable
from typing import IO, Any

_CHILD = "from octavo.fresh_process import serve; serve()"
#: The environment variable that names the modules a process loads first.
PRELOAD = "OCTAVO_PRELOAD"


class FreshProcess:
    """One process started afresh (see the module's docstring)."""

    def __init__(self, preload: tuple[str, ...] = ()) -> None:
        path = os.pathsep.join(entry for entry in sys.path if entry)
        self.child: subprocess.Popen[bytes] | None = subprocess.Popen(
            [sys.executable, "-c", _CHILD],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            env={
                **os.environ,
                "PYTHONPATH": path,
                PRELOAD: ",".join(preload),
                # its temporary files (WeasyPrint's fonts) in the build's scratch folder,
                # removed with it (see write/scratch.py)
                "TMPDIR": tempfile.gettempdir(),
            },
        )
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
        message = _receive(self.child.stdout)
        if message is None:
            raise RuntimeError(f"a process of the build ended ({self.child.poll()})")
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
        child.wait()
        for stream in (child.stdin, child.stdout):
            if stream is not None:
                stream.close()


def _send(stream: IO[bytes], message: bytes) -> None:
    stream.write(len(message).to_bytes(8, "big"))
    stream.write(message)
    stream.flush()


def _receive(stream: IO[bytes]) -> bytes | None:
    """One message, or None at the end of the stream."""
    head = _read(stream, 8)
    if head is None:
        return None
    return _read(stream, int.from_bytes(head, "big"))


def _read(stream: IO[bytes], size: int) -> bytes | None:
    """Exactly ``size`` bytes (read whole: unpickled from a pipe, 3x slower), or None
    where the stream ends first."""
    chunks: list[bytes] = []
    while size > 0:
        chunk = stream.read(size)
        if not chunk:
            return None
        chunks.append(chunk)
        size -= len(chunk)
    return b"".join(chunks)


def serve() -> None:
    """In the process: load the modules, then make each call sent, in turn, until the
    build's process closes the input."""
    output = sys.stdout.buffer
    sys.stdout = sys.stderr  # nothing but the results on the standard output
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # a ^C is the build's: it ends this one
    calls: queue.Queue[bytes | None] = queue.Queue()

    def take_in() -> None:
        while True:
            message = _receive(sys.stdin.buffer)
            calls.put(message)
            if message is None:
                return

    threading.Thread(target=take_in, daemon=True).start()
    for name in filter(None, os.environ.get(PRELOAD, "").split(",")):
        importlib.import_module(name)
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
