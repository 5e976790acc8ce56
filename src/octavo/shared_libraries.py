"""WeasyPrint's system libraries looked up in the linker's cache once, not by running a
compiler for every name.

WeasyPrint 70 opens GObject, Pango, HarfBuzz and fontconfig by trying several names
for each (``_dlopen`` in ``weasyprint/text/ffi.py``), and cffi looks up each name that
is not a file's with ``ctypes.util.find_library``. On Linux, that reads the linker's
cache (``ldconfig -p``) for every name, then runs ``gcc`` and ``ld`` for each one the
cache does not hold: of the 22 names WeasyPrint tries, 16. Importing WeasyPrint so ran
about 50 programs, 0.16 s of the 0.6 s the import takes, in the build's process (on
the way to its first page) and in each fork server (:mod:`octavo.fresh_process`).

Within :func:`looked_up_once`, ``find_library`` answers as it answers first: from the
linker's cache, read once, with the pattern ``ctypes.util`` uses. A name the cache does
not hold is not found, and gcc and ld are not asked: WeasyPrint then tries its next
name for the library, down to the library's own file name (``libpango-1.0.so.0``), which
the dynamic linker opens from wherever it would (``LD_LIBRARY_PATH`` too). Where the
cache cannot be read (another system than Linux with glibc), nothing changes.
"""

from __future__ import annotations

import contextlib
import os
import re
import struct
import subprocess
import sys
from collections.abc import Iterator

#: ``ctypes.util``'s name for the ABI of this machine's libraries in ``ldconfig -p``.
_ABI = {
    "x86_64-64": "libc6,x86-64",
    "ppc64-64": "libc6,64bit",
    "sparc64-64": "libc6,64bit",
    "s390x-64": "libc6,64bit",
    "ia64-64": "libc6,IA-64",
}


@contextlib.contextmanager
def looked_up_once() -> Iterator[None]:
    """Within: ``ctypes.util.find_library`` answers from one reading of the linker's
    cache (see the module's docstring)."""
    import ctypes.util

    listing = _linker_cache()
    if listing is None:
        yield
        return
    bits = "-32" if struct.calcsize("l") == 4 else "-64"
    abi = _ABI.get(os.uname().machine + bits, "libc6")

    def find_library(name: str) -> str | None:
        pattern = os.fsencode(rf"\s+(lib{re.escape(name)}\.[^\s]+)\s+\({abi}")
        found = re.search(pattern, listing)
        return os.fsdecode(found.group(1)) if found else None

    original = ctypes.util.find_library
    ctypes.util.find_library = find_library
    try:
        yield
    finally:
        ctypes.util.find_library = original


def _linker_cache() -> bytes | None:
    """What ``ldconfig -p`` prints, as ``ctypes.util`` runs it; None where it cannot."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        done = subprocess.run(
            ["/sbin/ldconfig", "-p"],
            stdin=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            env={"LC_ALL": "C", "LANG": "C"},
            check=False,
            timeout=10,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return done.stdout if done.returncode == 0 and done.stdout else None
