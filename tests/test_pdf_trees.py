"""The PDF's name and number trees are cut into nodes (write/pdf_trees.py): no array of a
big book's PDF is longer than a reader takes.

A 5,000-review book's ParentTree was one array of about 146,000 elements, which pypdf
refuses (over 100,000). The tests here make the trees cut small (``NODE_ENTRIES``
lowered, pypdf's limit lowered with it) on small books: the same entries read back, in
order, each node's ``/Limits`` right, and the PDF checked as before.
"""

from __future__ import annotations

import io
import itertools
from pathlib import Path
from typing import Any

import pikepdf
import pypdf
import pytest

from octavo.api import load_anthology, make_pdf
from octavo.write import pdf_trees
from octavo.write.pdf_trees import balance_trees, node_count, tree_levels, tree_syntax
from tests.pdf_tags import structure_faults, tree_entries


def _arrays(pdf: pikepdf.Pdf) -> int:
    """The length of the longest array among the PDF's objects, their values included."""
    longest = 0
    for obj in pdf.objects:
        found = [obj] if isinstance(obj, pikepdf.Array) else []
        if isinstance(obj, pikepdf.Dictionary):
            found = [value for value in obj.values() if isinstance(value, pikepdf.Array)]
        longest = max([longest, *(len(array) for array in found)])
    return longest


@pytest.mark.parametrize("count", [0, 1, 4, 5, 16, 17, 63, 64, 65, 300])
def test_every_node_holds_at_most_its_share(count: int, monkeypatch: pytest.MonkeyPatch) -> None:
    """Leaves of at most four entries, nodes of at most four kids, every entry once and
    in order, each node's limits its first and last key; objects numbered as counted."""
    monkeypatch.setattr(pdf_trees, "NODE_ENTRIES", 4)
    keys = [b"%d" % (2 * n) for n in range(count)]
    root, nodes = tree_syntax(b"Nums", keys, [b"(v%d)" % n for n in range(count)], 5)
    assert [number for number, _ in nodes] == list(range(5, 5 + node_count(count)))
    with pikepdf.open(io.BytesIO(_file(root, nodes))) as pdf:
        tree = pdf.Root.Test
        entries, faults = tree_entries(tree, "/Nums")
        assert faults == []
        assert [int(key) for key in entries[::2]] == [2 * n for n in range(count)]
        assert [str(value) for value in entries[1::2]] == [f"v{n}" for n in range(count)]
        assert list(pikepdf.NumberTree(tree).keys()) == [2 * n for n in range(count)]
        assert _arrays(pdf) <= 8
    depth = len(tree_levels(count))
    assert count <= 4 or 4**depth < count <= 4 ** (depth + 1)


def _file(root: bytes, nodes: list[tuple[int, bytes]]) -> bytes:
    """A PDF of one empty page whose catalog names ``root`` as ``/Test``, with ``nodes``
    (numbered from 5 on)."""
    objects = [
        (1, b"<< /Type /Catalog /Pages 2 0 R /Test 4 0 R >>"),
        (2, b"<< /Type /Pages /Kids [ 3 0 R ] /Count 1 >>"),
        (3, b"<< /Type /Page /Parent 2 0 R /MediaBox [ 0 0 10 10 ] >>"),
        (4, root),
        *nodes,
    ]
    data = b"%PDF-1.7\n"
    offsets = []
    for number, syntax in objects:
        offsets.append(len(data))
        data += b"%d 0 obj\n%s\nendobj\n" % (number, syntax)
    xref = len(data)
    data += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    data += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    trailer = b"trailer\n<< /Root 1 0 R /Size %d >>\nstartxref\n%d\n%%%%EOF\n"
    return data + trailer % (len(objects) + 1, xref)


def test_a_flat_tree_too_long_for_pypdf_is_cut_and_read(monkeypatch: pytest.MonkeyPatch) -> None:
    """Named destinations as WeasyPrint writes them, one array: pypdf refuses it once it
    is longer than its limit (here lowered to 100 elements, 100,000 in pypdf); cut,
    every destination reads back, and no array is longer than two nodes' share."""
    monkeypatch.setattr(pdf_trees, "NODE_ENTRIES", 16)
    pdf = pikepdf.new()
    pdf.add_blank_page()
    page = pdf.pages[0].obj
    names = [f"r-{number:04d}" for number in range(600)]
    items = itertools.chain.from_iterable(
        (pikepdf.String(name), pikepdf.Array([page, pikepdf.Name.XYZ, 0, number, 0]))
        for number, name in enumerate(names)
    )
    pdf.Root.Names = pikepdf.Dictionary(Dests=pikepdf.Dictionary(Names=pikepdf.Array(items)))
    flat = io.BytesIO()
    pdf.save(flat)
    limit = pypdf.apply_configuration(array_maximum_element_count=100)
    with limit, pytest.raises(pypdf.errors.LimitReachedError):
        pypdf.PdfReader(io.BytesIO(flat.getvalue())).named_destinations  # noqa: B018
    with pikepdf.open(io.BytesIO(flat.getvalue())) as again:
        balance_trees(again)
        cut = io.BytesIO()
        again.save(cut)
    with pypdf.apply_configuration(array_maximum_element_count=100):
        read = pypdf.PdfReader(io.BytesIO(cut.getvalue())).named_destinations
    assert sorted(read) == names
    assert [read[name].top for name in names] == list(range(600))
    with pikepdf.open(io.BytesIO(cut.getvalue())) as again:
        assert _arrays(again) <= 32
        entries, faults = tree_entries(again.Root.Names.Dests, "/Names")
        assert faults == []
        assert [str(key) for key in entries[::2]] == names


@pytest.mark.slow
def test_a_books_trees_cut_small_read_as_before(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A small book laid out in one pass, its trees (WeasyPrint's, one node each) cut
    into nodes of four entries: the tags check as before, every link and destination
    reads back, the same text. (The merge of a book laid out in parts writes its
    ParentTree and IDTree cut: tests/test_merged_tags.py.)"""
    from tests.test_parallel_books import _flat, _links

    # six reviews: more than two leaves of destinations (the indexes' entries are
    # named for the page list by an attribute, and are no destinations)
    book = _flat(tmp_path / "book", count=6)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1764028800")
    plain = make_pdf(load_anthology(book), jobs=1)
    monkeypatch.setattr(pdf_trees, "NODE_ENTRIES", 4)
    cut = make_pdf(load_anthology(book), jobs=1)
    assert cut.data != plain.data
    one, other = pypdf.PdfReader(io.BytesIO(plain.data)), pypdf.PdfReader(io.BytesIO(cut.data))
    assert [p.extract_text() for p in other.pages] == [p.extract_text() for p in one.pages]
    assert _links(other) == _links(one)
    destinations = one.named_destinations
    assert len(destinations) > 8  # more than two leaves' worth
    assert other.named_destinations.keys() == destinations.keys()
    for name, destination in other.named_destinations.items():
        page = other.get_destination_page_number(destination)
        assert (page, destination.top) == (
            one.get_destination_page_number(destinations[name]),
            destinations[name].top,
        )
    with pikepdf.open(io.BytesIO(cut.data)) as pdf:
        assert structure_faults(pdf) == []
        assert "/Kids" in pdf.Root.StructTreeRoot.ParentTree  # cut
        assert "/Kids" in pdf.Root.Names.Dests
        _, faults = tree_entries(pdf.Root.Names.Dests, "/Names")
        assert faults == []


@pytest.mark.slow
def test_the_merged_books_destinations_are_cut_in_the_order_of_their_bytes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The merge of a book laid out in parts writes its named destinations as one pass's
    are cut (nodes of at most ``NODE_ENTRIES``), the keys in the order of their bytes
    (a name outside Latin-1 is UTF-16, after every Latin-1 one), each resolving to the
    page and place one pass gives it."""
    import octavo.render.print_split as print_split
    from octavo.write.pdf_merge import merge_finished
    from octavo.write.pdf_processes import Processes
    from tests.test_parallel_books import _flat

    book = _flat(tmp_path / "book", count=3)
    for name in ("r2", "r3"):  # reviews whose ids are names outside ASCII
        review = book / "reviews" / f"{name}.md"
        review.rename(review.with_name({"r2": "étude.md", "r3": "שלום.md"}[name]))
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1764028800")
    monkeypatch.setattr(pdf_trees, "NODE_ENTRIES", 4)
    one = pypdf.PdfReader(io.BytesIO(make_pdf(load_anthology(book), jobs=1).data))
    monkeypatch.setattr(print_split, "CHUNK_REVIEWS", 1)

    def merged_here(self: Processes, meanwhile: Any, documents: Any, *args: Any) -> Any:
        meanwhile()  # the merge in this process, which has the nodes cut small
        return merge_finished(list(documents), *args)

    monkeypatch.setattr(Processes, "merge", merged_here)
    parts = make_pdf(load_anthology(book), jobs=2)
    with pikepdf.open(io.BytesIO(parts.data)) as pdf:
        assert "/Kids" in pdf.Root.Names.Dests
        entries, faults = tree_entries(pdf.Root.Names.Dests, "/Names")
        assert faults == []
        keys = [bytes(key) for key in entries[::2]]
    assert keys == sorted(keys)
    assert any(key.startswith(b"\xfe\xff") for key in keys)  # the Hebrew name, as UTF-16
    assert any(b"\xe9tude" in key for key in keys)
    other = pypdf.PdfReader(io.BytesIO(parts.data))
    destinations = one.named_destinations
    assert other.named_destinations.keys() == destinations.keys()
    for name, destination in other.named_destinations.items():
        assert (other.get_destination_page_number(destination), destination.top) == (
            one.get_destination_page_number(destinations[name]),
            destinations[name].top,
        )
