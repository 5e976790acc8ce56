"""A piece's tags taken out of its PDF as plain data, for the merge to append.

A tagged PDF's structure tree holds an element for nearly every line it draws: 174,000
of the 207,000 objects of a 1,000-review book. Merged by qpdf, each piece's tree was
parsed and copied in the process that merges the book, and took 580 MiB of its 1 GB.
Instead, each worker of the parallel layout takes its piece's tree out of the PDF
(:func:`detach_tags`) and hands it over as :class:`DetachedTags`: each object of the
tree in PDF syntax, its references to the piece's own pages and links written as
tokens. The merge copies the pages without the tree and appends the book's tree to the
merged file (:mod:`.merged_tags`), as text.

The tokens, which PDF syntax never holds outside a string (``{`` and ``}`` are
delimiters that a name writes as ``#7B`` and ``#7D``, and strings are skipped):

- ``{oN}``: the tree's own object N (numbered from 0 in this piece);
- ``{pN}``: the piece's page N (from 0);
- ``{kN}``: the link (or other annotation) whose ``/StructParent`` key is N;
- ``{D}``: the tree's root or its Document element, which the merged book's own
  Document element replaces.
"""

from __future__ import annotations

import dataclasses
import io
import re
from dataclasses import dataclass
from typing import Any

#: A string in the PDF syntax qpdf writes (``unparse``), to skip over: a literal string
#: (qpdf escapes its parentheses) or a hexadecimal one.
_STRING = rb"\((?:[^\\()]|\\.)*\)|<[0-9A-Fa-f]*>"
#: A reference in that syntax, or a string to skip over.
_REFERENCE = re.compile(_STRING + rb"|(?<![\w.#/+-])(\d+) (\d+) R\b")
#: A token of :class:`DetachedTags`' objects (its kind and number), or a string to skip
#: over.
TOKEN = re.compile(_STRING + rb"|\{([opkD])(\d*)\}")
#: The same, for ``split``: each token or string whole.
TOKEN_SPLIT = re.compile(rb"(" + _STRING + rb"|\{[opkD]\d*\})")


#: A structure element that is a figure (its ``/S``), in the syntax qpdf writes.
_FIGURE = re.compile(rb"/S /Figure(?![^\s/<>\[\]()%{}])")
#: A figure's page, as a token.
_PAGE = re.compile(rb"/Pg \{p(\d+)\}")
#: A figure whose layout attributes, a dictionary of its own, come first with its box
#: first (qpdf writes a dictionary's keys in order): the box's array.
_FIGURE_BOX = re.compile(rb"<< /A << /BBox (\[ [^\]]* \])")


class NotDetachable(Exception):
    """The tree holds what its text cannot: a stream, or an annotation (or page) that
    is not the piece's with a key."""


@dataclass
class DetachedTags:
    """A piece's structure tree, as its objects' PDF syntax with tokens."""

    #: the tree's objects, in PDF syntax with tokens, one per line
    objects: bytes
    #: the elements at the top (the Document's kids): (object, its page: -1 for none,
    #: -2 for one not the piece's; holds nothing: the hidden holder of stand-ins, which
    #: one pass does not have)
    top: list[tuple[int, int, bool]]
    #: the ParentTree: each key's value (an element, or an array of them)
    nums: dict[int, bytes]
    role_map: dict[str, bytes]
    ids: list[tuple[str, bytes]]  #: the IDTree: (an element's id, its value)
    namespaces: bytes | None  #: PDF 2.0's namespaces (an array)
    document_ns: bytes | None  #: the Document element's namespace
    #: every object is reached from the elements at the top that hold something: a
    #: merge that keeps all of those keeps every object (found once, by the worker)
    complete: bool = False
    #: the layout box of each figure moved across with its page when the tree was
    #: taken out (its object's line → its ``/BBox`` as laid out), for :meth:`moved`
    boxes: dict[int, bytes] = dataclasses.field(default_factory=dict)

    def moved(self, then: list[Any], now: list[Any]) -> DetachedTags | None:
        """This tree, taken out of a piece stamped with its pages moved across as
        ``then`` says (per page: how far, or None), as the piece's body gives it stamped
        with ``now`` instead; None where that cannot be said from the tree alone.

        The tree is the body's: a stamping changes only the layout boxes (``/BBox``) of
        the figures on the pages it moves across
        (:func:`.pdf_stamp_splice._move_figures`). Each is moved here from its box as
        laid out (:attr:`boxes` for one moved already), written as pikepdf writes it.
        A figure written in a way this does not read gives None."""
        if then == now or b"/Figure" not in self.objects:
            return self
        import pikepdf

        lines = self.lines()
        boxes: dict[int, bytes] = {}
        for number, line in enumerate(lines):
            figures = len(_FIGURE.findall(line)) if b"/Figure" in line else 0
            if figures == 0:
                continue
            if figures > 1 or b"/A {o" in line:  # a figure inside, or attributes apart
                return None
            page = _PAGE.search(line)
            if b"/BBox" not in line or page is None:
                if b"/Pg" in line and b"/BBox" in line:
                    return None
                continue  # _move_figures leaves it
            index = int(page.group(1))
            box = _FIGURE_BOX.match(line)
            if index >= len(now) or index >= len(then) or box is None:
                return None
            laid = box.group(1) if then[index] is None else self.boxes.get(number)
            if laid is None:
                return None
            if now[index] is None:
                drawn = laid
            else:
                values = laid[1:-1].split()
                if len(values) != 4:
                    return None
                dx, dy = now[index]
                x1, y1, x2, y2 = (float(value) for value in values)
                drawn = pikepdf.Array([x1 + dx, y1 + dy, x2 + dx, y2 + dy]).unparse()
                boxes[number] = laid
            lines[number] = line[: box.start(1)] + drawn + line[box.end(1) :]
        return dataclasses.replace(self, objects=b"\n".join(lines), boxes=boxes)

    def lines(self) -> list[bytes]:
        return self.objects.split(b"\n") if self.objects else []

    def count(self) -> int:
        """The number of the tree's objects."""
        return self.objects.count(b"\n") + 1 if self.objects else 0

    def to_json(self) -> dict[str, Any]:
        return {
            "objects": self.objects.decode("latin-1"),
            "top": [list(item) for item in self.top],
            "nums": [[key, value.decode("latin-1")] for key, value in self.nums.items()],
            "role_map": {name: role.decode("latin-1") for name, role in self.role_map.items()},
            "ids": [[name, value.decode("latin-1")] for name, value in self.ids],
            "namespaces": None if self.namespaces is None else self.namespaces.decode("latin-1"),
            "document_ns": None if self.document_ns is None else self.document_ns.decode("latin-1"),
            "complete": self.complete,
            "boxes": [[line, box.decode("latin-1")] for line, box in self.boxes.items()],
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> DetachedTags:
        def optional(text: Any) -> bytes | None:
            return None if text is None else str(text).encode("latin-1")

        return cls(
            objects=str(data["objects"]).encode("latin-1"),
            top=[(int(obj), int(page), bool(empty)) for obj, page, empty in data["top"]],
            nums={int(key): str(value).encode("latin-1") for key, value in data["nums"]},
            role_map={str(k): str(v).encode("latin-1") for k, v in data["role_map"].items()},
            ids=[(str(name), str(value).encode("latin-1")) for name, value in data["ids"]],
            namespaces=optional(data["namespaces"]),
            document_ns=optional(data["document_ns"]),
            complete=bool(data.get("complete", False)),
            boxes={int(line): str(box).encode("latin-1") for line, box in data.get("boxes", [])},
        )


def detach_tags(data: bytes) -> tuple[bytes, DetachedTags | None]:
    """The PDF without its structure tree (the pages keep their keys into it), and the
    tree as :class:`DetachedTags`; the PDF as it is and None where it is untagged.
    Raises :class:`NotDetachable` for a tree that refers to a stream."""
    import pikepdf

    with pikepdf.open(io.BytesIO(data)) as pdf:
        tags = take_tags(pdf)
        if tags is None:
            return data, None
        output = io.BytesIO()
        pdf.save(output, fix_metadata_version=False, deterministic_id=True)
        return output.getvalue(), tags


def take_tags(pdf: Any, laid: dict[tuple[int, int], bytes] | None = None) -> DetachedTags | None:
    """:func:`detach_tags` of a PDF open in pikepdf, in place (its tree taken out, to be
    saved by the caller): the tree, or None where it is untagged. A piece stamped
    (:mod:`.pdf_stamp_splice`) has its tree taken out while it is open to be stamped,
    not saved and opened again for it; ``laid``: the layout box of each figure it moved
    across (by its object), as laid out (:attr:`DetachedTags.boxes`)."""
    root = pdf.Root.get("/StructTreeRoot")
    if root is None:
        return None
    detaching = _Detaching(pdf)
    tags = detaching.tags(root)
    for objgen, box in (laid or {}).items():
        line = detaching.numbers.get(objgen)
        if line is not None:
            tags.boxes[line] = box
    del pdf.Root["/StructTreeRoot"]
    return tags


class _Detaching:
    """The tree's objects written out, each once, with tokens for what lies outside."""

    def __init__(self, pdf: Any) -> None:
        self.pdf = pdf
        self.outside: dict[tuple[int, int], bytes] = {}
        self.pages: dict[tuple[int, int], int] = {}
        for index, page in enumerate(pdf.pages):
            self.pages[page.objgen] = index
            self.outside[page.objgen] = b"{p%d}" % index
            for annotation in page.obj.get("/Annots", []):
                if annotation.is_indirect and "/StructParent" in annotation:
                    key = int(annotation.StructParent)
                    self.outside[annotation.objgen] = b"{k%d}" % key
        self.numbers: dict[tuple[int, int], int] = {}
        self.written: list[bytes] = []
        self.waiting: list[Any] = []

    def tags(self, root: Any) -> DetachedTags:
        import pikepdf

        top = _kids(root)
        document_ns: bytes | None = None
        containers = [root]
        while len(top) == 1 and top[0].get("/S") == pikepdf.Name.Document:
            containers.append(top[0])
            if "/NS" in top[0] and document_ns is None:
                document_ns = self.syntax(top[0].NS)
            top = _kids(top[0])
        for container in containers:
            self.outside[container.objgen] = b"{D}"
        tops: list[tuple[int, int, bool]] = []
        for kid in top:
            if not kid.is_indirect:
                raise NotDetachable("an element at the top of the structure tree is direct")
            self.token(kid.objgen)
            page = self.pages.get(kid.Pg.objgen, -2) if "/Pg" in kid else -1
            tops.append((self.numbers[kid.objgen], page, _holds_nothing(kid)))
        nums: dict[int, bytes] = {}
        if "/ParentTree" in root:
            for key, value in pikepdf.NumberTree(root.ParentTree).items():
                nums[int(key)] = self.syntax(value)
        role_map = {str(name): self.syntax(role) for name, role in root.get("/RoleMap", {}).items()}
        ids: list[tuple[str, bytes]] = []
        if "/IDTree" in root:
            for name, element in pikepdf.NameTree(root.IDTree).items():
                ids.append((name, self.syntax(element)))
        namespaces = self.syntax(root.Namespaces) if "/Namespaces" in root else None
        while self.waiting:
            obj = self.waiting.pop()
            self.written[self.numbers[obj.objgen]] = self.syntax(obj, whole=True)
        holding = [b"{o%d}" % obj for obj, _, empty in tops if not empty]
        return DetachedTags(
            objects=b"\n".join(self.written),
            top=tops,
            nums=nums,
            role_map=role_map,
            ids=ids,
            namespaces=namespaces,
            document_ns=document_ns,
            complete=len(reachable(self.written, holding)) == len(self.written),
        )

    def syntax(self, value: Any, whole: bool = False) -> bytes:
        """A value as PDF syntax with tokens: an indirect object as its token, unless
        it is to be written ``whole``."""
        import pikepdf

        if not isinstance(value, pikepdf.Object):  # pikepdf gives numbers as Python's
            if value is None or isinstance(value, bool):
                return {None: b"null", True: b"true", False: b"false"}[value]
            return str(value).encode("ascii")
        if value.is_indirect and not whole:
            return self.token(value.objgen)
        if isinstance(value, pikepdf.Stream):
            raise NotDetachable(f"the structure tree holds a stream ({value.objgen[0]} 0 R)")

        def replace(match: re.Match[bytes]) -> bytes:
            if match.group(1) is None:
                return match.group(0)  # a string
            return self.token((int(match.group(1)), int(match.group(2))))

        return _REFERENCE.sub(replace, value.unparse(resolved=True))

    def token(self, objgen: tuple[int, int]) -> bytes:
        """The token of an indirect object, numbering a tree's own object when first met."""
        found = self.outside.get(objgen)
        if found is not None:
            return found
        number = self.numbers.get(objgen)
        if number is None:
            import pikepdf

            obj = self.pdf.get_object(objgen)
            kind = obj.get("/Type") if isinstance(obj, pikepdf.Dictionary) else None
            if kind in ("/Annot", "/Page", "/Pages", "/Catalog"):
                # written as the tree's own, it would be a copy, on no page
                raise NotDetachable(f"the structure tree refers to a {kind} it cannot place")
            number = self.numbers[objgen] = len(self.written)
            self.written.append(b"")
            self.waiting.append(obj)
        return b"{o%d}" % number


def _kids(element: Any) -> list[Any]:
    """A structure element's kids that are elements (not marked contents, not OBJRs)."""
    import pikepdf

    kids = element.get("/K")
    if kids is None:
        return []
    items = list(kids) if isinstance(kids, pikepdf.Array) else [kids]
    return [
        kid for kid in items
        if isinstance(kid, pikepdf.Dictionary) and kid.get("/Type") not in ("/MCR", "/OBJR")
    ]  # fmt: skip


def _holds_nothing(element: Any) -> bool:
    """An element with no content, or only kids with none: the hidden holder of the
    stand-ins for anchors another document holds (see :mod:`octavo.render.print_split`),
    which one pass does not have."""
    import pikepdf

    kids = element.get("/K")
    if kids is None:
        return True
    items = list(kids) if isinstance(kids, pikepdf.Array) else [kids]
    return all(
        isinstance(kid, pikepdf.Dictionary)
        and kid.get("/Type") == "/StructElem"
        and not kid.get("/K")
        for kid in items
    )


def reachable(lines: list[bytes], roots: list[bytes]) -> list[int]:
    """The tree's own objects (``lines``, one each) that ``roots`` (PDF syntax with
    tokens) refer to, directly or not, in order."""
    seen: set[int] = set()
    waiting = [number for root in roots for number in _own(root)]
    while waiting:
        number = waiting.pop()
        if number not in seen:
            seen.add(number)
            waiting += _own(lines[number])
    return sorted(seen)


def _own(syntax: bytes) -> list[int]:
    """The tree's own objects that ``syntax`` refers to."""
    return [int(number) for kind, number in TOKEN.findall(syntax) if kind == b"o"]
