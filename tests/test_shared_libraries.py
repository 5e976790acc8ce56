"""WeasyPrint's system libraries looked up in the linker's cache once
(:mod:`octavo.shared_libraries`): the same libraries are opened, without a compiler run
for each name WeasyPrint tries."""

from __future__ import annotations

import ctypes.util
import json
import subprocess
import sys

import pytest

from octavo.shared_libraries import _linker_cache, looked_up_once

#: Import WeasyPrint in a fresh interpreter, looked up once or not (argv[1]), and print
#: the programs it ran and the shared libraries of WeasyPrint's it opened.
_IMPORT = """
import contextlib, json, subprocess, sys
ran = []
original = subprocess.Popen.__init__
def counted(self, args, *rest, **keywords):
    ran.append(str(args[0] if isinstance(args, (list, tuple)) else args))
    original(self, args, *rest, **keywords)
subprocess.Popen.__init__ = counted
from octavo.shared_libraries import looked_up_once
with looked_up_once() if sys.argv[1] == "once" else contextlib.nullcontext():
    import weasyprint
names = ("libgobject", "libpango", "libharfbuzz", "libfontconfig")
with open("/proc/self/maps") as maps:
    opened = sorted({line.split()[-1] for line in maps if any(n in line for n in names)})
print(json.dumps({"ran": ran, "opened": opened}))
"""

linux = pytest.mark.skipif(_linker_cache() is None, reason="no linker cache to read (not glibc)")


def _imported(how: str) -> dict[str, list[str]]:
    done = subprocess.run(
        [sys.executable, "-c", _IMPORT, how], capture_output=True, text=True, check=True
    )
    return json.loads(done.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


@linux
def test_weasyprint_opens_the_same_libraries_without_a_program_for_each_name() -> None:
    plain, once = _imported("plain"), _imported("once")
    assert once["opened"] == plain["opened"]
    assert any("libpango-1.0" in path for path in once["opened"])
    assert len(plain["ran"]) > 20  # ldconfig for each name, gcc and ld for those it lacks
    assert once["ran"] == ["/sbin/ldconfig"]


@linux
def test_a_name_is_found_as_find_library_finds_it_in_the_linkers_cache() -> None:
    names = ["pango-1.0", "harfbuzz", "fontconfig", "gobject-2.0", "c", "m"]
    plain = {name: ctypes.util.find_library(name) for name in names}
    with looked_up_once():
        once = {name: ctypes.util.find_library(name) for name in names}
        # not in the cache: not found, without asking gcc and ld
        assert ctypes.util.find_library("pango-1.0-0") is None
        assert ctypes.util.find_library("octavo-no-such-library") is None
    assert once == plain
    assert once["pango-1.0"] == "libpango-1.0.so.0"
    assert ctypes.util.find_library.__module__ == "ctypes.util"  # put back
