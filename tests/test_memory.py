"""Memory freed by Python but kept by the C library is handed back (octavo.memory):
a forked child would count it as its own."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from octavo.memory import release_memory


def _resident_mib() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise AssertionError("no VmRSS")


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc's malloc_trim")
def test_memory_freed_among_kept_blocks_goes_back() -> None:
    # 1 KiB blocks come from the C library's heap, not Python's own arenas; one in a
    # hundred kept, so that the heap cannot simply shrink at its top
    blocks = [bytes(1024) + bytes([n % 256]) for n in range(120_000)]
    kept = blocks[::100]
    del blocks
    before = _resident_mib()
    release_memory()
    after = _resident_mib()
    assert len(kept) == 1_200
    assert before - after > 50, (before, after)
