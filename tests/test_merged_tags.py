"""A piece's structure tree taken out of its PDF as text (detached_tags) and appended to
the merged book as an incremental update (merged_tags, pdf_update): the same elements,
attributes, marked contents and links as the tree WeasyPrint wrote, on the pages they
went to, with strings that look like references left alone."""

from __future__ import annotations

import dataclasses
import io
import subprocess
import zlib
from pathlib import Path
from typing import Any

import pikepdf
import pytest

from octavo.write.detached_tags import NotDetachable, detach_tags, reachable
from octavo.write.merged_tags import MergedTags
from octavo.write.pdf import _content_id, save_finished
from octavo.write.pdf_update import PER_STREAM, Trailer, append_objects
from tests.conftest import require
from tests.pdf_tags import structure_faults, tree_entries

#: One pixel, so that the figure has an image and its alternative text.
_PIXEL = "data:image/gif;base64,R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7"

_HTML = f"""<html lang="en"><body>
<h1 id="top">A title (12 0 R)</h1>
<p>Text with <a href="https://example.org/">a link</a> and <span lang="fr">du français</span>.</p>
<figure><img alt="see 12 0 R (and \\ more) {{o1}}" src="{_PIXEL}">
<figcaption>A caption</figcaption></figure>
<table><tr><th>Head</th></tr><tr><td>Cell</td></tr></table>
<ul><li>One</li><li>Two</li></ul>
<p style="break-before: page">Page two, <a href="#top">back to the top</a>.</p>
</body></html>"""


def _tagged(version: str = "1.7") -> bytes:
    from weasyprint import HTML

    return bytes(HTML(string=_HTML).write_pdf(pdf_tags=True, pdf_version=version))


def _merged(
    pieces: list[tuple[bytes, int]], version: str = "1.7", looked_at: bool = False
) -> bytes:
    """The pieces (a PDF, and how many of its first pages are left out) merged as
    pdf_merge merges them: pages copied without trees, then the tree appended (every
    piece's objects ``looked_at`` for those its kept elements reach, if asked, even in a
    piece the worker found complete)."""
    merged = pikepdf.new()
    tags = MergedTags()
    sources = []
    for data, skip in pieces:
        detached_pdf, detached = detach_tags(data)
        assert detached is not None
        if looked_at:
            detached = dataclasses.replace(detached, complete=False)
        source = pikepdf.open(io.BytesIO(detached_pdf))
        assert "/StructTreeRoot" not in source.Root
        sources.append(source)
        kept = range(skip, len(source.pages))
        tags.add(detached, source, kept, len(merged.pages))
        for index in kept:
            merged.pages.append(source.pages[index])
    merged.Root.MarkInfo = pikepdf.Dictionary(Marked=True)
    data = save_finished(merged, version)
    for source in sources:
        source.close()
    return tags.append_to(data)


def _described(pdf: pikepdf.Pdf) -> list[tuple[Any, ...]]:
    """Every element under the Document, depth first: its depth, its page, each of its
    keys (references read as the page, link or element they name) and its kids."""
    pages = {page.obj.objgen: number for number, page in enumerate(pdf.pages)}
    links = {
        annotation.objgen: (number, place)
        for number, page in enumerate(pdf.pages)
        for place, annotation in enumerate(page.obj.get("/Annots", []))
    }

    def value(item: Any) -> Any:
        if isinstance(item, pikepdf.Dictionary) and item.get("/Type") == "/OBJR":
            return ("link", links[item.Obj.objgen])
        if isinstance(item, pikepdf.Dictionary) and item.get("/Type") == "/MCR":
            return ("mcr", pages[item.Pg.objgen], int(item.MCID))
        if isinstance(item, pikepdf.Dictionary) and item.get("/Type") == "/StructElem":
            return ("element", str(item.S))
        if isinstance(item, pikepdf.Dictionary):
            return tuple(sorted((key, value(item[key])) for key in item))
        if isinstance(item, pikepdf.Array):
            return tuple(value(kid) for kid in item)
        if isinstance(item, pikepdf.String):
            return bytes(item)
        return str(item) if isinstance(item, pikepdf.Name) else item

    found: list[tuple[Any, ...]] = []

    def walk(element: Any, depth: int) -> None:
        keys = tuple(
            (key, value(element[key])) for key in sorted(element.keys()) if key not in ("/P", "/Pg")
        )
        page = pages[element.Pg.objgen] if "/Pg" in element else None
        found.append((depth, page, keys))
        kids = element.get("/K")
        for kid in list(kids) if isinstance(kids, pikepdf.Array) else [kids]:
            if isinstance(kid, pikepdf.Dictionary) and kid.get("/Type") == "/StructElem":
                assert kid.P.objgen == element.objgen
                walk(kid, depth + 1)

    document = pdf.Root.StructTreeRoot.K[0]
    for kid in document.K:
        walk(kid, 0)
    return found


def _shifted(described: list[tuple[Any, ...]], pages: int) -> list[tuple[Any, ...]]:
    """The description of a piece whose pages moved on by ``pages``."""

    def moved(item: Any) -> Any:
        if isinstance(item, tuple) and item[:1] == ("link",):
            return ("link", (item[1][0] + pages, item[1][1]))
        if isinstance(item, tuple) and item[:1] == ("mcr",):
            return ("mcr", item[1] + pages, item[2])
        if isinstance(item, tuple):
            return tuple(moved(kid) for kid in item)
        return item

    return [
        (depth, None if page is None else page + pages, moved(keys))
        for depth, page, keys in described
    ]


def _checked(data: bytes, tmp_path: Path) -> None:
    require("qpdf", "it checks the PDF's structure")
    path = tmp_path / "merged.pdf"
    path.write_bytes(data)
    check = subprocess.run(["qpdf", "--check", str(path)], capture_output=True, text=True)
    assert check.returncode == 0, check.stdout + check.stderr


@pytest.mark.parametrize("version", ["1.7", "1.4"])
@pytest.mark.parametrize("node", [None, 2])
def test_two_pieces_merged_keep_every_element_on_its_page(
    tmp_path: Path, version: str, node: int | None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each element on its page, as in its piece. With ``node``, the ParentTree and the
    IDTree are written cut into nodes of that many entries (write/pdf_trees.py: the
    merge of a big book does so with 1,024), read back the same."""
    from octavo.write import pdf_trees

    if node is not None:
        monkeypatch.setattr(pdf_trees, "NODE_ENTRIES", node)
    data = _tagged(version)
    with pikepdf.open(io.BytesIO(data)) as pdf:
        one = _described(pdf)
        count = len(pdf.pages)
    merged = _merged([(data, 0), (data, 0)], version)
    _checked(merged, tmp_path)
    with pikepdf.open(io.BytesIO(merged)) as pdf:
        assert structure_faults(pdf) == []
        assert _described(pdf) == one + _shifted(one, count)
        root = pdf.Root.StructTreeRoot
        assert int(root.ParentTreeNextKey) == len(tree_entries(root.ParentTree, "/Nums")[0]) // 2
        assert ("/Kids" in root.ParentTree) == (node is not None)
        if "/IDTree" in root:
            entries, faults = tree_entries(root.IDTree, "/Names")
            assert faults == []
            assert len(entries) // 2 <= 2 or ("/Kids" in root.IDTree) == (node is not None)
        keys = [int(page.obj.StructParents) for page in pdf.pages]
        assert keys == sorted(keys)
        assert len(set(keys)) == len(keys)
        assert pdf.Root.MarkInfo.Marked is True  # the catalog replaced, with what it held
    # strings that look like references or tokens are written as they were
    assert b"see 12 0 R (and \\ more) {o1}" in [dict(keys).get("/Alt") for _, _, keys in one]
    if version == "1.4":  # PDF/A-1: a cross-reference table, no object streams
        assert b"/ObjStm" not in merged
        assert merged.count(b"\nxref\n") == 2
    else:
        assert merged.count(b"/Type /XRef") == 2


def test_the_pages_left_out_take_their_elements_with_them(tmp_path: Path) -> None:
    data = _tagged()
    with pikepdf.open(io.BytesIO(data)) as pdf:
        one = _described(pdf)
    merged = _merged([(data, 0), (data, 1)])
    _checked(merged, tmp_path)
    with pikepdf.open(io.BytesIO(merged)) as pdf:
        assert len(pdf.pages) == 3
        assert structure_faults(pdf) == []
        second = [item for item in one if item[1] == 1]  # the second page's top element
        assert _described(pdf)[len(one) :] == _shifted(second, 1)


def test_a_piece_whose_elements_reach_every_object_is_merged_without_looking() -> None:
    """A worker notes that every object of its piece's tree is reached from the elements
    at its top (the hidden holder of stand-ins aside); the merge then keeps them all
    without following the references, and writes what following them writes."""
    data = _tagged()
    detached = detach_tags(data)[1]
    assert detached is not None
    assert detached.complete
    lines = detached.lines()
    assert len(reachable(lines, [b"{o%d}" % detached.top[0][0]])) < len(lines)  # one is not all
    for pieces in ([(data, 0), (data, 0)], [(data, 0), (data, 1)]):
        assert _merged(pieces) == _merged(pieces, looked_at=True)


def test_a_piece_with_an_object_no_element_reaches_is_not_complete() -> None:
    """The hidden holder of stand-ins (an element at the top that holds nothing) is not
    a root: what only it reaches is not kept, so its piece must be looked at."""
    from weasyprint import HTML

    from octavo.render.print_split import _HIDDEN

    holder = f'<div class="octavo-anchors" style="{_HIDDEN}"><span id="elsewhere"></span></div>'
    html = _HTML.replace("<body>", "<body>" + holder)
    detached = detach_tags(bytes(HTML(string=html).write_pdf(pdf_tags=True)))[1]
    assert detached is not None
    assert any(empty for _, _, empty in detached.top)  # the holder, at the top
    assert not detached.complete


def test_a_tree_that_holds_a_stream_is_not_detached() -> None:
    with pikepdf.open(io.BytesIO(_tagged())) as pdf:
        stream = pdf.make_stream(b"q Q")
        element = pdf.Root.StructTreeRoot.K[0].K[0]  # the first element in the Document
        element.K = pikepdf.Array(
            [*element.K, pikepdf.Dictionary(Type=pikepdf.Name.MCR, Stm=stream, MCID=0)]
        )
        output = io.BytesIO()
        pdf.save(output)
    with pytest.raises(NotDetachable, match="stream"):
        detach_tags(output.getvalue())


def test_a_tree_that_holds_a_link_without_a_key_is_not_detached() -> None:
    """Written as the tree's own object, the link would be a copy on no page."""
    with pikepdf.open(io.BytesIO(_tagged())) as pdf:
        links = [a for page in pdf.pages for a in page.obj.get("/Annots", [])]
        assert links
        for link in links:
            del link["/StructParent"]
        output = io.BytesIO()
        pdf.save(output)
    with pytest.raises(NotDetachable, match="/Annot"):
        detach_tags(output.getvalue())


def test_an_untagged_pdf_is_left_as_it_is() -> None:
    from weasyprint import HTML

    data = bytes(HTML(string="<p>Plain.</p>").write_pdf())
    assert detach_tags(data) == (data, None)


@pytest.mark.parametrize("packed", [True, False])
def test_an_update_appends_and_replaces_objects(tmp_path: Path, packed: bool) -> None:
    pdf = pikepdf.new()
    pdf.add_blank_page()
    pdf.docinfo["/Title"] = "Before"
    data = save_finished(pdf, "1.7" if packed else "1.4")
    with pikepdf.open(io.BytesIO(data)) as pdf:
        size = int(pdf.trailer.Size)
        ids = pdf.trailer.ID
        trailer = Trailer(
            size,
            pdf.Root.objgen[0],
            pdf.docinfo.objgen[0],
            (bytes(ids[0]).hex(), bytes(ids[1]).hex()),
        )
        catalog = pdf.Root.unparse(resolved=True)
    count = PER_STREAM + 20  # two object streams
    objects = [(size + n, b"<< /Number %d /Text (a %d 0 R) >>" % (n, n)) for n in range(count)]
    objects.append((trailer.root, catalog[:-2] + b" /Added %d 0 R >>" % size))
    updated = append_objects(data, objects, trailer, packed, free=size + count)
    assert updated.startswith(data)
    _checked(updated, tmp_path)
    with pikepdf.open(io.BytesIO(updated)) as pdf:
        assert int(pdf.Root.Added.Number) == 0
        assert [int(pdf.get_object((size + n, 0)).Number) for n in range(count)] == list(
            range(count)
        )
        assert bytes(pdf.get_object((size + 7, 0)).Text) == b"a 7 0 R"
        assert str(pdf.docinfo.Title) == "Before"
        assert len(pdf.pages) == 1
    assert updated[len(data) :].count(b"/Type /ObjStm") == (2 if packed else 0)
    # both trailers repeat the /ID, and a new one made of the content replaces both
    renewed = _content_id(updated)
    assert renewed != updated
    assert renewed.count(renewed[renewed.index(b"/ID [<") :][:75]) == 2


def test_the_appended_object_streams_read_back() -> None:
    """Each object stream's header points at its objects (the offsets qpdf reads)."""
    pdf = pikepdf.new()
    pdf.add_blank_page()
    data = save_finished(pdf, "1.7")
    with pikepdf.open(io.BytesIO(data)) as pdf:
        trailer = Trailer(int(pdf.trailer.Size), pdf.Root.objgen[0], None, None)
    objects = [(trailer.size, b"[ 1 2 3 ]"), (trailer.size + 1, b"(x)")]
    updated = append_objects(data, objects, trailer, packed=True, free=trailer.size + 2)
    start = updated.index(b"stream\n", len(data)) + len(b"stream\n")
    content = zlib.decompressobj().decompress(updated[start:])
    header, _, body = content.partition(b"[")
    assert header.split() == [b"%d" % trailer.size, b"0", b"%d" % (trailer.size + 1), b"10"]
    assert (b"[" + body).startswith(b"[ 1 2 3 ]\n(x)\n")


def test_the_cross_reference_rows_are_up_predicted_as_png_does() -> None:
    """The whole table subtracted at once (no byte borrowing from the next) gives what
    subtracting each byte from the one above gives."""
    import random

    from octavo.write.pdf_update import _up_predicted

    rng = random.Random(20261206)
    for _ in range(200):
        columns, count = rng.randint(1, 7), rng.randint(1, 40)
        table = bytes(rng.randrange(256) for _ in range(columns * count))
        expected = b""
        above = bytes(columns)
        for start in range(0, len(table), columns):
            row = table[start : start + columns]
            expected += b"\x02" + bytes((a - b) & 0xFF for a, b in zip(row, above, strict=True))
            above = row
        assert _up_predicted(table, columns) == expected
