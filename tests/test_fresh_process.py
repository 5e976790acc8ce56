"""A process started afresh (octavo.fresh_process): the calls it is sent made in turn,
their errors raised again in the caller, and none of the caller's memory in it; a
script without a main guard can use it (multiprocessing's spawn would run the script
again)."""

from __future__ import annotations

import math
import os
import subprocess
import sys
from pathlib import Path

import pytest

from octavo.fresh_process import FreshProcess


def _resident_mib(status: str) -> int:
    line = next(line for line in status.splitlines() if line.startswith("VmRSS:"))
    return int(line.split()[1]) // 1024


def test_calls_are_made_in_turn_in_another_process() -> None:
    process = FreshProcess(("math",))
    try:
        assert process.call(os.getpid) != os.getpid()
        process.submit(math.factorial, 5)
        process.submit(math.gcd, 12, 18)
        assert process.result() == 120
        assert process.result() == 6
        with pytest.raises(ValueError, match="not defined for negative"):
            process.call(math.factorial, -1)
        assert process.call(math.sqrt, 16.0) == 4.0  # an error does not end it
    finally:
        process.close()


def test_the_callers_memory_is_not_in_it() -> None:
    held = bytearray(os.urandom(1 << 20) * 200)  # 200 MiB, resident here
    process = FreshProcess()
    try:
        status = Path("/proc/self/status")
        if not status.exists():
            pytest.skip("no /proc here")
        child = _resident_mib(process.call(Path.read_text, status))
        assert _resident_mib(status.read_text()) >= 200
        assert child < 100, child
    finally:
        process.close()
        del held


def test_a_process_that_ends_is_an_error() -> None:
    process = FreshProcess()
    try:
        with pytest.raises(RuntimeError, match="a process of the build ended"):
            process.call(os._exit, 3)
    finally:
        process.close()


def test_closing_ends_a_call_still_running() -> None:
    import time

    process = FreshProcess()
    child = process.child
    assert child is not None
    process.submit(time.sleep, 60)
    process.close()
    assert child.ended()


def test_a_script_without_a_main_guard_uses_it(tmp_path: Path) -> None:
    script = tmp_path / "unguarded.py"
    script.write_text(
        "import os\nfrom octavo import fresh_process\n"
        "process = fresh_process.FreshProcess()\nprint(process.call(os.getpid) != os.getpid())\n"
        "process.close()\nprint(fresh_process._SERVERS[()].process.pid)\n",
        encoding="utf-8",
    )
    done = subprocess.run(
        [sys.executable, str(script)], capture_output=True, text=True, timeout=60, check=False
    )
    assert done.returncode == 0, done.stderr
    answer, server = done.stdout.splitlines()
    assert answer == "True"
    with pytest.raises(ProcessLookupError):  # its fork server ended with it
        os.kill(int(server), 0)


def test_its_temporary_files_go_where_the_callers_go(tmp_path: Path) -> None:
    """WeasyPrint writes fonts to the temporary folder: the build's scratch folder,
    removed with it (write/scratch.py), not the system's."""
    import tempfile

    previous = tempfile.tempdir
    tempfile.tempdir = str(tmp_path)
    try:
        process = FreshProcess()
    finally:
        tempfile.tempdir = previous
    try:
        assert process.call(tempfile.gettempdir) == str(tmp_path)
    finally:
        process.close()


def test_a_call_sent_to_warm_it_up_gives_nothing_back() -> None:
    process = FreshProcess()
    try:
        process.submit(math.factorial, -1, reply=False)  # its error, too, is dropped
        process.submit(math.factorial, 4, reply=False)
        assert process.call(math.factorial, 3) == 6
    finally:
        process.close()


def test_processes_are_forked_by_one_server_that_loaded_their_modules_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each process is forked by the fork server of its modules (loaded there, once),
    and takes on the environment and folders of the moment it is asked for."""
    from octavo import fresh_process

    preload = ("json", "decimal")
    first = FreshProcess(preload)
    try:
        server = fresh_process._SERVERS[preload].process.pid
        assert first.call(os.getppid) == server
        assert first.call(eval, "'decimal' in __import__('sys').modules")  # loaded
    finally:
        first.close()
    monkeypatch.setenv("OCTAVO_TEST_ASKED", "later")
    monkeypatch.chdir(tmp_path)
    second = FreshProcess(preload)
    try:
        assert second.call(os.getppid) == server
        assert second.call(os.getenv, "OCTAVO_TEST_ASKED") == "later"
        assert second.call(os.getcwd) == str(tmp_path)
        assert second.call(os.getenv, fresh_process.PRELOAD) is None
    finally:
        second.close()


def test_a_server_that_ended_is_started_again() -> None:
    from octavo import fresh_process

    preload = ("fractions",)
    FreshProcess(preload).close()
    server = fresh_process._SERVERS[preload].process
    server.kill()
    server.wait()
    process = FreshProcess(preload)
    try:
        assert process.call(os.getppid) not in (server.pid, os.getpid())
    finally:
        process.close()


def test_modules_that_do_not_load_end_the_process_with_an_error() -> None:
    process = FreshProcess(("octavo_no_such_module",))
    try:
        with pytest.raises(RuntimeError, match="a process of the build ended"):
            process.call(math.factorial, 3)
    finally:
        process.close()
