"""The merged book's structure tree, made from its pieces' detached tags.

The workers hand each piece's tree over as text (:mod:`.detached_tags`). While the
merge copies a piece's pages, :meth:`MergedTags.add` numbers its pages' and links'
keys into the tree again, in the merged pages' order (a page's key, then its
links'), as one pass numbers them. Once qpdf has written the merged pages,
:meth:`MergedTags.append_to` reads back where each page and link went, gives the
trees' objects their numbers in the book, and appends them, with the one Document
element that holds every piece's elements, the ParentTree, and the catalog that now
names the tree (:mod:`.pdf_update`). No element is ever an object in memory: the
tree of a 1,000-review book is 174,000 of its 207,000 objects.

Elements of a page the merge leaves out (a stand-in, ``skip``) are not written, nor the
hidden holder of stand-ins (``holds nothing``). The pages the merge inserts (blank
versos) have no marked content and no key.
"""

from __future__ import annotations

import io
import re
from typing import Any

from .detached_tags import TOKEN, DetachedTags
from .pdf_update import Trailer, append_objects


class MergedTags:
    """The tags of the pieces merged so far, and the keys of their pages and links."""

    def __init__(self) -> None:
        #: each piece's tags and where its kept pages went in the book
        self.pieces: list[tuple[DetachedTags, dict[int, int]]] = []
        #: each piece's links' keys: the piece's key to the book's
        self.links: list[dict[int, int]] = []
        #: the book's ParentTree: (key, piece, value)
        self.nums: list[tuple[int, int, bytes]] = []

    def add(self, tags: DetachedTags, source: Any, kept: range, first: int) -> None:
        """Number the keys of the pages ``kept`` of ``source`` (a piece open in pikepdf,
        before its pages are copied: the copies take the new keys) in the book, its
        page ``kept[0]`` becoming the book's page ``first``."""
        piece = len(self.pieces)
        pages: dict[int, int] = {}
        links: dict[int, int] = {}
        for offset, index in enumerate(kept):
            pages[index] = first + offset
            page = source.pages[index].obj
            if "/StructParents" in page:
                self._renumber(page, "/StructParents", tags, piece)
            for annotation in page.get("/Annots", []):
                if "/StructParent" in annotation:
                    old = int(annotation.StructParent)
                    if self._renumber(annotation, "/StructParent", tags, piece):
                        links[old] = int(annotation.StructParent)
        self.pieces.append((tags, pages))
        self.links.append(links)

    def _renumber(self, owner: Any, name: str, tags: DetachedTags, piece: int) -> bool:
        value = tags.nums.get(int(owner[name]))
        if value is None:
            del owner[name]
            return False
        owner[name] = len(self.nums)
        self.nums.append((len(self.nums), piece, value))
        return True

    def append_to(self, data: bytes) -> bytes:
        """The merged PDF ``data`` with the book's tree appended."""
        import pikepdf

        with pikepdf.open(io.BytesIO(data)) as pdf:
            pages = [b"%d %d R" % page.objgen for page in pdf.pages]
            annotations: dict[int, bytes] = {}
            for page in pdf.pages:
                for annotation in page.obj.get("/Annots", []):
                    if annotation.is_indirect and "/StructParent" in annotation:
                        key = int(annotation.StructParent)
                        annotations[key] = b"%d %d R" % annotation.objgen
            catalog = pdf.Root.unparse(resolved=True)
            root = pdf.Root.objgen[0]
            info = pdf.trailer.get("/Info")
            ids = pdf.trailer.get("/ID")
            trailer = Trailer(
                size=int(pdf.trailer.Size),
                root=root,
                info=info.objgen[0] if info is not None and info.is_indirect else None,
                ids=(bytes(ids[0]).hex(), bytes(ids[1]).hex()) if ids is not None else None,
            )
            packed = pdf.pdf_version >= "1.5"
        objects = self._objects(pages, annotations, catalog, trailer)
        return append_objects(data, objects, trailer, packed)

    def _objects(
        self,
        pages: list[bytes],
        annotations: dict[int, bytes],
        catalog: bytes,
        trailer: Trailer,
    ) -> list[tuple[int, bytes]]:
        import pikepdf

        document, tree, parent_tree = trailer.size, trailer.size + 1, trailer.size + 2
        following = trailer.size + 3
        ids: dict[str, tuple[int, bytes]] = {}
        for piece, (tags, _) in enumerate(self.pieces):
            for name, value in tags.ids:
                ids.setdefault(name, (piece, value))
        # PDF 2.0's namespaces: the first piece's, as the Document element's
        namespaces = next(
            ((n, tags.namespaces) for n, (tags, _) in enumerate(self.pieces) if tags.namespaces),
            None,
        )
        document_ns = next(
            ((n, tags.document_ns) for n, (tags, _) in enumerate(self.pieces) if tags.document_ns),
            None,
        )
        objects: list[tuple[int, bytes]] = []
        kids: list[bytes] = []
        written: dict[tuple[int, bytes], bytes] = {}  # (piece, a value's syntax): in the book
        for piece, (tags, kept) in enumerate(self.pieces):
            lines = tags.lines()
            top = [
                b"{o%d}" % obj
                for obj, page, empty in tags.top
                if (page == -1 or page in kept) and not empty
            ]
            roots = [*top]
            roots += [value for _, owner, value in self.nums if owner == piece]
            roots += [value for owner, value in ids.values() if owner == piece]
            for found in (namespaces, document_ns):
                if found is not None and found[0] == piece:
                    roots.append(found[1])
            numbers: dict[int, int] = {}
            for number in _reachable(lines, roots):
                numbers[number] = following
                following += 1
            links = self.links[piece]

            def replace(match: re.Match[bytes]) -> bytes:
                kind, value = match.group(1), match.group(2)
                if kind is None:
                    return match.group(0)  # a string
                if kind == b"o":
                    return b"%d 0 R" % numbers[int(value)]  # noqa: B023
                if kind == b"p":
                    page = kept.get(int(value))  # noqa: B023
                    return pages[page] if page is not None else b"null"
                if kind == b"k":
                    key = links.get(int(value))  # noqa: B023
                    return annotations.get(key, b"null") if key is not None else b"null"
                return b"%d 0 R" % document

            for number, at in numbers.items():
                objects.append((at, TOKEN.sub(replace, lines[number])))
            for syntax in roots:
                written[(piece, syntax)] = TOKEN.sub(replace, syntax)
            kids += [written[(piece, syntax)] for syntax in top]
        head = b"<< /Type /StructElem /S /Document"
        if document_ns is not None:
            head += b" /NS " + written[document_ns]
        objects.append((document, head + b" /K [ %s ] /P %d 0 R >>" % (b" ".join(kids), tree)))
        nums = b" ".join(b"%d %s" % (key, written[(n, value)]) for key, n, value in self.nums)
        objects.append((parent_tree, b"<< /Nums [ %s ] >>" % nums))
        root = b"<< /Type /StructTreeRoot /K [ %d 0 R ]" % document
        root += b" /ParentTree %d 0 R /ParentTreeNextKey %d" % (parent_tree, len(self.nums))
        if namespaces is not None:
            root += b" /Namespaces " + written[namespaces]
        roles: dict[str, bytes] = {}
        for tags, _ in self.pieces:
            for name, role in tags.role_map.items():
                roles.setdefault(name, role)
        if roles:
            root += b" /RoleMap << %s >>" % b" ".join(
                pikepdf.Name(name).unparse() + b" " + role for name, role in roles.items()
            )
        if ids:
            root += b" /IDTree << /Names [ %s ] >>" % b" ".join(
                pikepdf.String(name).unparse() + b" " + written[ids[name]] for name in sorted(ids)
            )
        objects.append((tree, root + b" >>"))
        catalog = catalog.rstrip()
        if not catalog.endswith(b">>"):
            raise ValueError("the catalog is not a dictionary")
        objects.append((trailer.root, catalog[:-2] + b" /StructTreeRoot %d 0 R >>" % tree))
        return objects


def _reachable(lines: list[bytes], roots: list[bytes]) -> list[int]:
    """The tree's own objects that ``roots`` refer to, directly or not, in order."""
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
