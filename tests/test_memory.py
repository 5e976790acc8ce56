"""Memory freed by Python but kept by the C library is handed back (octavo.memory):
a forked child would count it as its own."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from octavo.memory import release_memory

from .conftest import MakeAnthology


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


class _Node:
    """An object in a cycle: only the garbage collector frees it."""

    def __init__(self) -> None:
        self.me = self


def _tracked(thing: object) -> bool:
    """Whether the collector goes through ``thing`` (an object set apart it does not)."""
    import gc

    return any(other is thing for other in gc.get_objects())


def test_a_block_sets_apart_what_the_process_held_and_still_collects_its_own_garbage() -> None:
    import gc
    import weakref

    from octavo.memory import set_apart

    before = _Node()
    earlier_garbage = weakref.ref(_Node())  # a cycle nobody holds, made before the block
    assert gc.get_freeze_count() == 0
    with set_apart():
        assert earlier_garbage() is None  # collected on entering: not kept for the block
        held = gc.get_freeze_count()
        assert held > 1_000  # the modules, the test run, ``before``
        made = weakref.ref(_Node())
        kept = _Node()  # what the block made and holds (a book loaded)
        with set_apart():  # an inner block sets apart what was held since the outer began
            assert made() is None  # the garbage made since is collected first
            assert gc.get_freeze_count() > held
            assert not _tracked(kept)
        assert not _tracked(kept)  # only the outermost block hands back
        made = weakref.ref(_Node())
        release_memory()
        assert made() is None  # the block's own garbage is collected
        assert gc.get_freeze_count() > held  # and what was set apart was not gone through
        assert not _tracked(kept)
    assert _tracked(kept)
    assert gc.get_freeze_count() == 0  # handed back to the collector
    dropped = weakref.ref(before)
    del before
    gc.collect()
    assert dropped() is None


def test_a_block_ended_by_an_error_hands_everything_back() -> None:
    import gc

    from octavo.memory import set_apart

    with pytest.raises(RuntimeError), set_apart():
        raise RuntimeError("the build failed")
    assert gc.get_freeze_count() == 0
    with set_apart():
        assert gc.get_freeze_count() > 0


def test_a_pdf_is_laid_out_with_the_process_set_apart_and_hands_it_back(
    make_anthology: MakeAnthology,
) -> None:
    import gc

    from octavo.api import load_anthology, make_pdf

    seen: list[int] = []
    loaded = load_anthology(make_anthology())
    result = make_pdf(loaded, lambda _: seen.append(gc.get_freeze_count()))
    assert result.data.startswith(b"%PDF")
    assert seen
    assert min(seen) > 1_000  # WeasyPrint's modules among them
    assert gc.get_freeze_count() == 0


def test_the_front_or_back_matter_is_laid_out_with_the_collector_paused(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """In its process of its own, the document is laid out without full collections
    going through WeasyPrint's growing boxes again and again; its garbage in cycles
    is collected once it is done, and the collector is on again."""
    import gc
    import weakref

    from octavo.write import pdf_worker

    seen: list[bool] = []
    left: list[weakref.ref[object]] = []

    class Cycle:
        def __init__(self) -> None:
            self.me = self

    def lay_out(job: object) -> str:
        seen.append(gc.isenabled())
        cycle = Cycle()
        left.append(weakref.ref(cycle))
        del cycle
        return "laid out"

    monkeypatch.setattr(pdf_worker, "lay_out", lay_out)
    monkeypatch.setattr(pdf_worker, "_take_board", lambda board: None)
    assert gc.isenabled()
    assert pdf_worker.lay_out_afresh({}, object()) == "laid out"  # type: ignore[arg-type]
    assert seen == [False]
    assert gc.isenabled()
    assert left[0]() is None  # collected on the way out
