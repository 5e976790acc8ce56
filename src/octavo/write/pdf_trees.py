"""Name and number trees cut into nodes, so that no array of a big book is too long to read.

A PDF's name and number trees (the named destinations, the structure's ParentTree and
IDTree) can be one node that holds every entry in one array: WeasyPrint writes them so,
and so did the merge of a book laid out in parts. The ParentTree has an entry for every
page and every link: a 5,000-review book's (14,282 pages) was one array of about
146,000 elements (the example has ten a page). pypdf refuses to read an array of more
than 100,000 (``LimitReachedError``), and ISO 32000-1's Annex C gives 8,191 elements as
a reader's limit.

So a tree of more than :data:`NODE_ENTRIES` entries is written as the standard has it
(ISO 32000-1, 7.9.6 and 7.9.7): leaves of at most :data:`NODE_ENTRIES` entries, each
with its ``/Limits`` (its first and last key), under nodes of at most
:data:`NODE_ENTRIES` kids, under the root, which has ``/Kids`` only. A smaller tree stays
one node, as before. The entries are given in the order of their keys.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

#: The most entries a leaf holds, and the most kids a node has: 2,048 elements at most
#: in any of the tree's arrays.
NODE_ENTRIES = 1024


@dataclass(frozen=True)
class Node:
    """A node below the root: the entries it covers (``start`` to ``end``, not included)
    and, above the leaves, its kids (their indexes in the level below)."""

    start: int
    end: int
    kids: range = range(0)


def tree_levels(count: int) -> list[list[Node]]:
    """The nodes below the root of a tree of ``count`` entries, level by level from the
    leaves up; none when the root holds the entries itself."""
    if count <= NODE_ENTRIES:
        return []
    levels = [
        [Node(start, min(start + NODE_ENTRIES, count)) for start in range(0, count, NODE_ENTRIES)]
    ]
    while len(levels[-1]) > NODE_ENTRIES:
        below = levels[-1]
        levels.append(
            [
                Node(below[first].start, below[last - 1].end, range(first, last))
                for first, last in (
                    (first, min(first + NODE_ENTRIES, len(below)))
                    for first in range(0, len(below), NODE_ENTRIES)
                )
            ]
        )
    return levels


def node_count(count: int) -> int:
    """How many objects the nodes below the root of a tree of ``count`` entries take."""
    return sum(len(level) for level in tree_levels(count))


def tree_syntax(
    kind: bytes, keys: Sequence[bytes], values: Sequence[bytes], first: int
) -> tuple[bytes, list[tuple[int, bytes]]]:
    """A tree in PDF syntax: its root, and every other node as (object number, syntax),
    numbered from ``first`` (:func:`node_count` numbers). ``kind``: ``b"Nums"`` or
    ``b"Names"``; ``keys`` and ``values``: each entry's, as syntax, in the keys' order."""
    entries = [b"%s %s" % pair for pair in zip(keys, values, strict=True)]
    levels = tree_levels(len(entries))
    if not levels:
        return b"<< /%s [ %s ] >>" % (kind, b" ".join(entries)), []
    objects: list[tuple[int, bytes]] = []
    numbers: list[int] = []  # the numbers of the level below
    for depth, level in enumerate(levels):
        these = list(range(first, first + len(level)))
        first += len(level)
        for number, node in zip(these, level, strict=True):
            limits = b"/Limits [ %s %s ]" % (keys[node.start], keys[node.end - 1])
            if depth == 0:
                body = b"/%s [ %s ]" % (kind, b" ".join(entries[node.start : node.end]))
            else:
                body = b"/Kids [ %s ]" % b" ".join(b"%d 0 R" % numbers[kid] for kid in node.kids)
            objects.append((number, b"<< %s %s >>" % (limits, body)))
        numbers = these
    root = b"<< /Kids [ %s ] >>" % b" ".join(b"%d 0 R" % number for number in numbers)
    return root, objects


def balanced_tree(pdf: Any, kind: str, entries: Sequence[tuple[Any, Any]]) -> Any:
    """The same tree as pikepdf objects, in ``pdf``: its root, a direct dictionary (the
    other nodes are indirect). ``kind``: ``"/Nums"`` or ``"/Names"``; ``entries``:
    (key, value) in the keys' order, keys as pikepdf takes them (an int, a String)."""
    import pikepdf

    levels = tree_levels(len(entries))
    if not levels:
        return pikepdf.Dictionary(
            {kind: pikepdf.Array([item for pair in entries for item in pair])}
        )
    below: list[Any] = []
    for depth, level in enumerate(levels):
        these = []
        for node in level:
            limits = pikepdf.Array([entries[node.start][0], entries[node.end - 1][0]])
            if depth == 0:
                items = [item for pair in entries[node.start : node.end] for item in pair]
                content = {kind: pikepdf.Array(items)}
            else:
                content = {"/Kids": pikepdf.Array([below[kid] for kid in node.kids])}
            these.append(pdf.make_indirect(pikepdf.Dictionary({"/Limits": limits, **content})))
        below = these
    return pikepdf.Dictionary(Kids=pikepdf.Array(below))


def balance_trees(pdf: Any) -> None:
    """Cut the trees of a PDF open in pikepdf that are one node of more than
    :data:`NODE_ENTRIES` entries (as WeasyPrint writes them): the named destinations,
    the structure's ParentTree and IDTree. The entries are kept as they are."""
    names = pdf.Root.get("/Names")
    if names is not None and "/Dests" in names:
        names.Dests = _balanced(pdf, names.Dests, "/Names")
    structure = pdf.Root.get("/StructTreeRoot")
    if structure is not None:
        if "/ParentTree" in structure:
            structure.ParentTree = _balanced(pdf, structure.ParentTree, "/Nums")
        if "/IDTree" in structure:
            structure.IDTree = _balanced(pdf, structure.IDTree, "/Names")


def _balanced(pdf: Any, tree: Any, kind: str) -> Any:
    """``tree`` cut, if it is one node of too many entries; else itself."""
    if "/Kids" in tree or len(tree.get(kind, ())) <= 2 * NODE_ENTRIES:
        return tree
    items = list(tree[kind])
    return balanced_tree(pdf, kind, list(zip(items[0::2], items[1::2], strict=True)))
