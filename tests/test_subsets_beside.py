"""The merge's font subsets read beside it (write/subsets_beside.py): the merged book
is the same to the byte whether they were read beside, by the merge itself, or beside
by a process that failed; and read beside, the merge reads none of them again."""

from __future__ import annotations

import pickle
from typing import Any

import pytest

import octavo.write.pdf_fonts as pdf_fonts
import octavo.write.subsets_beside as subsets_beside
from octavo.write import pdf_processes
from octavo.write.pdf_merge import merge_finished
from tests.test_pdf_fonts import one_pass_and_in_pieces, three_parts

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def merged_arguments(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    """What the build of a book of three parts in pieces gave its merge, pickled (a
    merge lets go of what it reads: each test merges a copy)."""
    root = three_parts(tmp_path_factory.mktemp("beside") / "book")
    captured: list[bytes] = []
    merge = pdf_processes.Processes.merge

    def capturing(self: Any, meanwhile: Any, documents: Any, *arguments: Any) -> Any:
        captured.append(pickle.dumps((list(documents), arguments)))
        return merge(self, meanwhile, documents, *arguments)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(pdf_processes.Processes, "merge", capturing)
        one_pass_and_in_pieces(root)
    assert len(captured) == 1
    return captured[0]


def _merged(arguments: bytes) -> tuple[bytes, int]:
    documents, rest = pickle.loads(arguments)
    data, pages, _, _ = merge_finished(documents, *rest)
    return data, pages


def _counting(monkeypatch: pytest.MonkeyPatch) -> list[object]:
    """The fonts whose subsets this process reads from now on."""
    read: list[object] = []
    original = pdf_fonts.read_subset

    def counted(font: Any, known: Any) -> Any:
        read.append(font.objgen)
        return original(font, known)

    monkeypatch.setattr(pdf_fonts, "read_subset", counted)
    return read


def test_the_subsets_read_beside_make_the_same_book(
    merged_arguments: bytes, monkeypatch: pytest.MonkeyPatch
) -> None:
    documents, _ = pickle.loads(merged_arguments)
    assert len(documents) >= 4  # the front matter, three parts, the back matter
    monkeypatch.setattr(subsets_beside, "BESIDE_FROM", 10**9)
    read_here = _counting(monkeypatch)
    alone, pages = _merged(merged_arguments)
    assert len(read_here) >= 3  # a subset of each font, for each document

    read_here.clear()
    monkeypatch.setattr(subsets_beside, "BESIDE_FROM", 2)
    beside, same_pages = _merged(merged_arguments)
    assert read_here == []  # every one was read beside, none again here
    assert (beside, same_pages) == (alone, pages)


def test_a_process_beside_that_fails_changes_nothing(
    merged_arguments: bytes, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(subsets_beside, "BESIDE_FROM", 10**9)
    alone = _merged(merged_arguments)

    def failing(pdfs: Any) -> Any:
        raise RuntimeError("a reading that fails")

    monkeypatch.setattr(subsets_beside, "BESIDE_FROM", 2)
    monkeypatch.setattr(subsets_beside, "read_all", failing)
    read_here = _counting(monkeypatch)
    assert _merged(merged_arguments) == alone
    assert read_here  # read here instead


def test_the_subsets_read_ahead_are_the_merges_and_none_is_read_again(
    merged_arguments: bytes, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Read ahead (in the merge's process, while the main matter is laid out), the
    subsets are taken by the merge: none read again, nothing read beside, the same
    book; and what was read for documents the merge does not join is let go."""
    monkeypatch.setattr(subsets_beside, "BESIDE_FROM", 10**9)
    alone = _merged(merged_arguments)

    documents, _ = pickle.loads(merged_arguments)
    subsets_beside.read_ahead([result.pdf for result, _ in documents])
    subsets_beside.read_ahead([_other()])
    monkeypatch.setattr(subsets_beside, "BESIDE_FROM", 2)
    beside: list[int] = []
    read_beside = subsets_beside.read_beside

    def spied(pdfs: Any) -> Any:
        beside.append(len(pdfs))
        return read_beside(pdfs)

    monkeypatch.setattr(subsets_beside, "read_beside", spied)
    read_here = _counting(monkeypatch)
    assert _merged(merged_arguments) == alone
    assert read_here == []
    assert beside == [0]  # nothing left to read beside
    assert subsets_beside._AHEAD == {}


def _other() -> bytes:
    """A one-page PDF of its own (its subsets are read ahead, and never asked for)."""
    import io

    import pikepdf

    pdf = pikepdf.new()
    pdf.add_blank_page()
    output = io.BytesIO()
    pdf.save(output)
    return output.getvalue()
