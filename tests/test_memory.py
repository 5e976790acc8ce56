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


def test_a_piece_sent_to_the_merge_keeps_only_what_the_build_reads_after() -> None:
    """The build's process lets each piece's pages, tags, anchors and bookmarks go once
    they are sent to the merge (it finishes the EPUB meanwhile): what it reads after
    the merge (warnings, pictures, overflows, faults, page records) stays."""
    from octavo.write.detached_tags import DetachedTags
    from octavo.write.pdf_merge import LaidOut
    from octavo.write.pdf_pages import BLANK

    piece = LaidOut(
        "chunk-1",
        b"%PDF-1.7 pages",
        [BLANK],
        [[("r-one", 1.0, 2.0)]],
        [[(1, "One", 1.0, 2.0, "open")]],
        [800.0],
        warnings=["a warning"],
        low_resolution=[(Path("a.png"), 150)],
        outside=[(0, "one")],
        faults=[("T703", 0, "one", "short", "hint")],
        body=b"%PDF-1.7 body",
        tags=DetachedTags(b"<< >>", [], {}, {}, [], None, None),
    )
    sent = piece.to_merge()
    piece.let_go()
    assert (piece.pdf, piece.body, piece.tags, piece.anchors, piece.bookmarks) == (
        b"",
        b"",
        None,
        [],
        [],
    )
    assert piece.warnings == ["a warning"]
    assert piece.low_resolution == [(Path("a.png"), 150)]
    assert piece.outside == [(0, "one")]
    assert piece.faults == [("T703", 0, "one", "short", "hint")]
    assert piece.records == [BLANK]
    assert sent.pdf == b"%PDF-1.7 pages"  # the copy sent keeps them
    assert sent.anchors == [[("r-one", 1.0, 2.0)]]
