"""Read a tagged PDF's structure tree back, for the tests: its elements in reading
order, the text each one marks, and the faults of its ParentTree."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pikepdf

from octavo.write.spaced_runs import glyph_texts


def marked_text(page: pikepdf.Page) -> dict[int, str]:
    """The text of each marked content (by MCID) of a page, as its fonts' ToUnicode
    maps spell it (two-byte codes, as WeasyPrint writes them)."""
    fonts = page.obj.get("/Resources", {}).get("/Font", {})
    maps: dict[str, dict[bytes, str]] = {}
    found: dict[int, str] = {}
    stack: list[int | None] = []
    glyphs: dict[bytes, str] = {}
    for operands, operator in pikepdf.parse_content_stream(page):
        name = str(operator)
        if name == "BDC":
            properties = operands[1]
            mcid = properties.get("/MCID") if isinstance(properties, pikepdf.Dictionary) else None
            stack.append(None if mcid is None else int(mcid))
        elif name == "BMC":
            stack.append(None)
        elif name == "EMC":
            stack.pop()
        elif name == "Tf":
            font = str(operands[0])
            if font not in maps:
                maps[font] = glyph_texts(fonts.get(font))
            glyphs = maps[font]
        elif name in ("Tj", "TJ"):
            mcid = next((m for m in reversed(stack) if m is not None), None)
            if mcid is None:
                continue
            strings = operands[0] if name == "TJ" else [operands[0]]
            for string in strings:
                if isinstance(string, pikepdf.String):
                    data = bytes(string)
                    text = "".join(glyphs.get(data[i : i + 2], "") for i in range(0, len(data), 2))
                    found[mcid] = found.get(mcid, "") + text
    return found


def marked_ids(page: pikepdf.Page) -> set[int]:
    """The MCIDs a page's content marks."""
    found = set()
    for operands, _ in pikepdf.parse_content_stream(page, "BDC"):
        properties = operands[1]
        if isinstance(properties, pikepdf.Dictionary) and "/MCID" in properties:
            found.add(int(properties.MCID))
    return found


def elements(pdf: pikepdf.Pdf) -> Iterator[tuple[int, Any]]:
    """Every structure element, depth first in reading order, with its depth."""

    def walk(element: Any, depth: int) -> Iterator[tuple[int, Any]]:
        yield depth, element
        kids = element.get("/K")
        items = list(kids) if isinstance(kids, pikepdf.Array) else [kids]
        for kid in items:
            if isinstance(kid, pikepdf.Dictionary) and kid.get("/Type") not in ("/MCR", "/OBJR"):
                yield from walk(kid, depth + 1)

    yield from walk(pdf.Root.StructTreeRoot, 0)


def element_text(element: Any, texts: dict[tuple[int, int], dict[int, str]]) -> str:
    """The text an element marks, its kids' in order (``texts``: by page, by MCID)."""
    kids = element.get("/K")
    items = list(kids) if isinstance(kids, pikepdf.Array) else [kids]
    text = ""
    for kid in items:
        if isinstance(kid, int):
            text += texts[element.Pg.objgen].get(kid, "")
        elif isinstance(kid, pikepdf.Dictionary) and kid.get("/Type") not in ("/MCR", "/OBJR"):
            text += element_text(kid, texts)
    return text


def headings(pdf: pikepdf.Pdf) -> list[tuple[str, str]]:
    """The H1 and H2 elements in reading order: (tag, text without spaces)."""
    texts = {page.obj.objgen: marked_text(page) for page in pdf.pages}
    return [
        (str(element.S)[1:], "".join(element_text(element, texts).split()))
        for _, element in elements(pdf)
        if element.get("/S") in ("/H1", "/H2")
    ]


def tree_entries(node: Any, kind: str) -> tuple[list[Any], list[str]]:
    """A name or number tree's keys and values, in turn, in the order of its nodes (one
    node, or nodes under nodes: write/pdf_trees.py), and what is wrong with its nodes:
    a ``/Limits`` that is not its node's first and last key, or a root that has one."""
    faults = ["the root of a tree has /Limits"] if "/Limits" in node else []

    def walk(node: Any) -> list[Any]:
        items = list(node[kind]) if kind in node else []
        for kid in node.get("/Kids", ()):
            items += walk(kid)
        if "/Limits" in node and (not items or list(node.Limits) != [items[0], items[-2]]):
            faults.append(f"a node's /Limits {list(node.Limits)} are not its first and last keys")
        return items

    return walk(node), faults


def structure_faults(pdf: pikepdf.Pdf) -> list[str]:
    """What is wrong with the tags: a page with marked content and no key, an MCID
    that marks two contents of a page, a key used twice or that finds no element, an
    element of a page not in the file, a link with no element (its Link, or the Span
    WeasyPrint tags a link's box with, holding an OBJR of it)."""
    faults: list[str] = []
    root = pdf.Root.get("/StructTreeRoot")
    if root is None:
        return ["no StructTreeRoot"]
    if pdf.Root.get("/MarkInfo", {}).get("/Marked") is not True:
        faults.append("no /MarkInfo /Marked true")
    numbers, limits = tree_entries(root.ParentTree, "/Nums")
    faults += limits
    keys = [int(key) for key in numbers[::2]]
    if len(set(keys)) != len(keys) or keys != sorted(keys):
        faults.append("ParentTree keys repeated or out of order")
    tree = dict(zip(keys, numbers[1::2], strict=True))
    if int(root.get("/ParentTreeNextKey", max(keys) + 1)) <= max(keys):
        faults.append("ParentTreeNextKey is not past the last key")
    pages = {page.obj.objgen: number for number, page in enumerate(pdf.pages)}
    for _, element in elements(pdf):
        if "/Pg" in element and element.Pg.objgen not in pages:
            faults.append(f"an element {element.get('/S')} is on a page not in the file")
    used: set[int] = set()
    for number, page in enumerate(pdf.pages):
        ids = marked_ids(page)
        if not ids:
            continue
        marks = [
            int(operands[1].MCID)
            for operands, _ in pikepdf.parse_content_stream(page, "BDC")
            if isinstance(operands[1], pikepdf.Dictionary) and "/MCID" in operands[1]
        ]
        if len(marks) != len(ids):
            faults.append(f"page {number + 1}: an MCID marks two contents")
        if "/StructParents" not in page.obj:
            faults.append(f"page {number + 1}: marked content and no /StructParents")
            continue
        key = int(page.obj.StructParents)
        used.add(key)
        found = tree.get(key)
        if not isinstance(found, pikepdf.Array):
            faults.append(f"page {number + 1}: key {key} finds no array")
            continue
        for mcid in ids:
            element = found[mcid] if mcid < len(found) else None
            if not isinstance(element, pikepdf.Dictionary) or element.get("/Pg") is None:
                faults.append(f"page {number + 1}: MCID {mcid} finds no element")
            elif pages.get(element.Pg.objgen) != number:
                faults.append(f"page {number + 1}: MCID {mcid} finds an element of another page")
        for annotation in page.obj.get("/Annots", []):
            if annotation.get("/Subtype") != "/Link":
                continue
            if "/StructParent" not in annotation:
                faults.append(f"page {number + 1}: a link with no /StructParent")
                continue
            key = int(annotation.StructParent)
            used.add(key)
            element = tree.get(key)
            objects = [
                kid.Obj.objgen
                for kid in (element.K if element is not None else [])
                if isinstance(kid, pikepdf.Dictionary) and kid.get("/Type") == "/OBJR"
            ]
            if annotation.objgen not in objects:
                faults.append(f"page {number + 1}: a link's key {key} finds no element of it")
    return faults
