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

import bisect
import io
from array import array
from collections.abc import Callable, Iterator
from typing import Any

from ..memory import release_memory
from .detached_tags import TOKEN_SPLIT, DetachedTags, reachable
from .pdf_trees import node_count, tree_syntax
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
        release_memory()  # what qpdf read, before the tree is written
        return _Book(self, pages, annotations, trailer).appended(data, catalog, packed)


class _Book:
    """The book's tree, numbered: its Document, root and ParentTree first, then each
    piece's objects that its kept elements reach."""

    def __init__(
        self, tags: MergedTags, pages: list[bytes], annotations: dict[int, bytes], trailer: Trailer
    ) -> None:
        self.tags = tags
        self.pages = pages
        self.annotations = annotations
        self.trailer = trailer
        self.document, self.tree, self.parent_tree = range(trailer.size, trailer.size + 3)
        pieces = tags.pieces
        #: each element id's piece and value: the first piece's, as a one-pass tree has one
        self.ids: dict[str, tuple[int, bytes]] = {}
        for piece, (detached, _) in enumerate(pieces):
            for name, value in detached.ids:
                self.ids.setdefault(name, (piece, value))
        # PDF 2.0's namespaces: the first piece's, as the Document element's
        self.namespaces = next(
            ((n, found.namespaces) for n, (found, _) in enumerate(pieces) if found.namespaces),
            None,
        )
        self.document_ns = next(
            ((n, found.document_ns) for n, (found, _) in enumerate(pieces) if found.document_ns),
            None,
        )
        #: each piece's roots: what the book's own objects refer to
        values: list[list[bytes]] = [[] for _ in pieces]  # each piece's ParentTree values
        for _, owner, value in tags.nums:
            values[owner].append(value)
        self.roots = [self._roots(piece, values[piece]) for piece in range(len(pieces))]
        #: each piece's objects the book keeps (in order; they take numbers in turn
        #: from the piece's first) and the number of its first
        self.kept: list[array[int]] = []
        self.firsts: list[int] = []
        following = trailer.size + 3
        for (detached, kept), roots in zip(pieces, self.roots, strict=True):
            if detached.complete and _keeps_every_top(detached, kept):
                self.kept.append(array("l", range(detached.count())))  # no need to look
            else:
                self.kept.append(array("l", reachable(detached.lines(), roots)))
            self.firsts.append(following)
            following += len(self.kept[-1])
        #: the nodes of the ParentTree and the IDTree below their roots, numbered from
        #: these (none for a tree small enough to be one node: :mod:`.pdf_trees`)
        self.parent_nodes = following
        self.id_nodes = following + node_count(len(tags.nums))
        self.free = self.id_nodes + node_count(len(self.ids))
        #: each root's syntax in the book, by piece
        self.written: dict[tuple[int, bytes], bytes] = {}

    def _roots(self, piece: int, values: list[bytes]) -> list[bytes]:
        detached, kept = self.tags.pieces[piece]
        roots = [b"{o%d}" % obj for obj in self._top(detached, kept)]
        roots += values
        roots += [value for owner, value in self.ids.values() if owner == piece]
        for found in (self.namespaces, self.document_ns):
            if found is not None and found[0] == piece:
                roots.append(found[1])
        return roots

    @staticmethod
    def _top(detached: DetachedTags, kept: dict[int, int]) -> list[int]:
        """The piece's elements that are the book's Document's kids: those of the pages
        kept (or of none), but the hidden holder of stand-ins."""
        return [
            obj for obj, page, empty in detached.top if (page == -1 or page in kept) and not empty
        ]

    def appended(self, data: bytes, catalog: bytes, packed: bool) -> bytes:
        return append_objects(data, self.objects(catalog), self.trailer, packed, self.free)

    def objects(self, catalog: bytes) -> Iterator[tuple[int, bytes]]:
        """Every object of the book's tree, and the catalog that names it."""
        import pikepdf

        kids: list[bytes] = []
        for piece, (detached, kept) in enumerate(self.tags.pieces):
            reference = self._reference(piece, kept)
            lines = detached.lines()
            table: dict[bytes, bytes] = {}  # each token's reference, for the roots too
            if len(self.kept[piece]) == len(lines):  # every object, numbered in turn
                first = self.firsts[piece]
                table = {b"{o%d}" % n: b"%d 0 R" % (first + n) for n in range(len(lines))}
                objects = _replaced(lines, reference, table)
            else:
                objects = _replaced([lines[n] for n in self.kept[piece]], reference, table)
            del lines
            yield from enumerate(objects, start=self.firsts[piece])
            roots = self.roots[piece]
            for syntax, written in zip(roots, _replaced(roots, reference, table), strict=True):
                self.written[(piece, syntax)] = written
            kids += [self.written[(piece, b"{o%d}" % obj)] for obj in self._top(detached, kept)]
        head = b"<< /Type /StructElem /S /Document"
        if self.document_ns is not None:
            head += b" /NS " + self.written[self.document_ns]
        yield self.document, head + b" /K [ %s ] /P %d 0 R >>" % (b" ".join(kids), self.tree)
        parent_tree, nodes = tree_syntax(
            b"Nums",
            [b"%d" % key for key, _, _ in self.tags.nums],
            [self.written[(piece, value)] for _, piece, value in self.tags.nums],
            self.parent_nodes,
        )
        yield from nodes
        yield self.parent_tree, parent_tree
        root = b"<< /Type /StructTreeRoot /K [ %d 0 R ]" % self.document
        keys = len(self.tags.nums)
        root += b" /ParentTree %d 0 R /ParentTreeNextKey %d" % (self.parent_tree, keys)
        if self.namespaces is not None:
            root += b" /Namespaces " + self.written[self.namespaces]
        roles: dict[str, bytes] = {}
        for detached, _ in self.tags.pieces:
            for name, role in detached.role_map.items():
                roles.setdefault(name, role)
        if roles:
            root += b" /RoleMap << %s >>" % b" ".join(
                pikepdf.Name(name).unparse() + b" " + role for name, role in roles.items()
            )
        if self.ids:
            names = sorted(self.ids)
            id_tree, nodes = tree_syntax(
                b"Names",
                [pikepdf.String(name).unparse() for name in names],
                [self.written[self.ids[name]] for name in names],
                self.id_nodes,
            )
            yield from nodes
            root += b" /IDTree " + id_tree
        yield self.tree, root + b" >>"
        catalog = catalog.rstrip()
        if not catalog.endswith(b">>"):
            raise ValueError("the catalog is not a dictionary")
        yield self.trailer.root, catalog[:-2] + b" /StructTreeRoot %d 0 R >>" % self.tree

    def _reference(self, piece: int, kept: dict[int, int]) -> Callable[[bytes], bytes]:
        """A token of a piece's syntax as the book's reference (a string as it is)."""
        kept_objects, first = self.kept[piece], self.firsts[piece]
        links = self.tags.links[piece]
        document = b"%d 0 R" % self.document

        def reference(token: bytes) -> bytes:
            if not token.startswith(b"{"):
                return token  # a string
            kind, value = token[1:2], token[2:-1]
            if kind == b"o":
                return b"%d 0 R" % (first + bisect.bisect_left(kept_objects, int(value)))
            if kind == b"p":
                page = kept.get(int(value))
                return self.pages[page] if page is not None else b"null"
            if kind == b"k":
                key = links.get(int(value))
                return self.annotations.get(key, b"null") if key is not None else b"null"
            return document

        return reference


def _replaced(
    syntaxes: list[bytes], reference: Callable[[bytes], bytes], table: dict[bytes, bytes]
) -> list[bytes]:
    """Each syntax (one line) with its tokens replaced by their ``reference``: split
    all together, each distinct token looked up once (a third of the time of a
    replacement token by token, for the 174,000 objects of a 1,000-review book), and
    kept in ``table``, which may hold some already (made in one go, they save a call
    each)."""
    if not syntaxes:
        return []
    parts = TOKEN_SPLIT.split(b"\n".join(syntaxes))
    tokens = parts[1::2]
    table.update((token, reference(token)) for token in set(tokens) - table.keys())
    parts[1::2] = [table[token] for token in tokens]
    return b"".join(parts).split(b"\n")


def _keeps_every_top(detached: DetachedTags, kept: dict[int, int]) -> bool:
    """Whether the merge keeps every element at the top of the piece that holds
    something (those of its pages ``kept``, and of none)."""
    return all(page == -1 or page in kept for _, page, empty in detached.top if not empty)
