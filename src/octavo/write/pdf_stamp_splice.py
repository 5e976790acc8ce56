"""A piece's pages drawn from its body and its stamps (:mod:`octavo.write.pdf_stamps`):
the stamp's backgrounds under the body, its margin boxes over it, each marked as an
artifact, their resources renamed beside the body's, and the body moved across to the
other side of the spread where the page falls there (its links and figures' boxes
with it). Content streams are cut at the marks :func:`.pdf_stamps.marked_drawing`
writes, as bytes: no content stream is parsed.

Each PDF is opened once: the stamps' letterspaced runs are marked
(:mod:`.spaced_runs`) and the piece's structure tree taken out
(:func:`.detached_tags.take_tags`) while they are open to be spliced, and the piece is
saved once. Done in turn, each opened and saved its PDF again: about 0.04 s of the
0.25 s a piece of 43 pages took to be stamped again.
"""

from __future__ import annotations

import io
import re
from typing import Any

from .detached_tags import DetachedTags, take_tags
from .pdf_stamp_pages import NotStamped, Stamps

#: Where the drawing of a page's backgrounds, of its boxes, and of the page end: marked
#: content points written into the pieces and the stamps, cut out when they are spliced.
UNDER, OVER, END = b"/OctavoUnder MP", b"/OctavoOver MP", b"/OctavoEnd MP"
#: CSS pixels to PDF points, as WeasyPrint draws (``zoom`` 1)
_SCALE = 0.75


def splice(
    body_pdf: bytes, stamp_pdf: bytes, stamps: Stamps, taken: DetachedTags | None = None
) -> tuple[bytes, DetachedTags | None]:
    """The piece's pages: each body (moved across where ``stamps`` says) with its
    stamp's backgrounds under it and its margin boxes over it, drawn in its content as
    artifacts; the stamps' resources join the body's under names of their own, their
    letterspaced runs marked. The piece's structure tree is taken out of it
    (:func:`.detached_tags.take_tags`; None where it is untagged), and may raise
    :class:`.detached_tags.NotDetachable`. Or, given the tree an earlier stamping took
    out of the same body, moved as the pages are now (``taken``: see
    :meth:`.detached_tags.DetachedTags.moved`), the body's is left out and that one
    returned."""
    import pikepdf

    from .spaced_runs import mark_page

    with pikepdf.open(io.BytesIO(body_pdf)) as body, pikepdf.open(io.BytesIO(stamp_pdf)) as stamp:
        plans: dict[tuple[int, int], _Resources] = {}
        maps: dict[tuple[int, int], dict[bytes, str]] = {}
        for page, stamp_page, page_stamp in zip(body.pages, stamp.pages, stamps.pages, strict=True):
            mark_page(stamp, stamp_page, maps)
            content = page.obj.Contents.read_bytes()
            before, _, drawn, after = _cut(content)  # the body's own backgrounds go
            stamp_before, under, over, _ = _cut(stamp_page.obj.Contents.read_bytes())
            if stamp_before != before:  # the stamp is drawn in the body's coordinates
                raise NotStamped("a stamp's page is not the size of its body's")
            held = stamp_page.obj.get("/Resources")
            if held is not None and not held.is_indirect:
                held = stamp.make_indirect(held)
            if held is None:
                plan = _Resources(body, None)
            elif held.objgen in plans:
                plan = plans[held.objgen]
            else:
                plan = plans[held.objgen] = _Resources(body, held)
            plan.join(page)
            parts = [before]
            if under.strip():
                parts.append(b"q\n/Artifact BMC\n" + plan.renamed(under) + b"\nEMC\nQ")
            moved = page_stamp.moved
            if moved is None:
                parts.append(drawn)
            else:
                offset = b"q 1 0 0 1 %s %s cm" % (_number(moved[0]), _number(moved[1]))
                parts += [offset, drawn, b"Q"]
                _move_annotations(page, moved)
            if over.strip():
                parts.append(b"q\n/Artifact BMC\n" + plan.renamed(over) + b"\nEMC\nQ")
            parts.append(after)
            page.obj.Contents = body.make_stream(b"\n".join(parts))
        if taken is None:
            laid = _move_figures(body, stamps) if any(p.moved for p in stamps.pages) else {}
            tags = take_tags(body, laid)
        else:
            tags = taken
            if "/StructTreeRoot" in body.Root:
                del body.Root["/StructTreeRoot"]
        output = io.BytesIO()
        body.save(output, fix_metadata_version=False, deterministic_id=True)
        return output.getvalue(), tags


class _Resources:
    """A stamp document's resources, copied into the body's under new names (``/S_``
    before each), and the stamps' content renamed to match."""

    def __init__(self, body: Any, held: Any) -> None:
        import pikepdf

        self.copied: dict[str, dict[str, Any]] = {}
        self.names: dict[bytes, bytes] = {}
        if held is not None:
            copied = body.copy_foreign(held)
            for category, entries in copied.items():
                if not isinstance(entries, pikepdf.Dictionary):
                    continue  # /ProcSet
                self.copied[category] = {}
                for name, value in entries.items():
                    new = "/S_" + name[1:]
                    self.copied[category][new] = value
                    self.names[name.encode("latin-1")] = new.encode("latin-1")
        alternatives = b"|".join(re.escape(n) for n in sorted(self.names, key=len, reverse=True))
        self.pattern = re.compile(b"(?:" + alternatives + rb")(?=[\s/\[\]<>(){}%]|$)")
        self.joined: set[tuple[int, int]] = set()

    def join(self, page: Any) -> None:
        """Add the renamed resources to the page's (once for resources pages share)."""
        import pikepdf

        if not self.copied:
            return
        if "/Resources" not in page.obj:
            page.obj.Resources = pikepdf.Dictionary()
        resources: Any = page.obj.Resources
        if resources.is_indirect:
            if resources.objgen in self.joined:
                return
            self.joined.add(resources.objgen)
        for category, entries in self.copied.items():
            if category not in resources:
                resources[category] = pikepdf.Dictionary()
            held = resources[category]
            for name, value in entries.items():
                existing = held.get(name)
                if existing is not None and not _same(existing, value):
                    raise NotStamped(f"the body already names a resource {name}")
                held[name] = value

    def renamed(self, content: bytes) -> bytes:
        """The stamp's content, with the resources' new names."""
        if not self.names:
            return content
        return self.pattern.sub(lambda match: self.names[match.group(0)], content)


def _cut(content: bytes) -> tuple[bytes, bytes, bytes, bytes]:
    """A page's content: before the page is drawn, its backgrounds, its boxes, after."""
    under = content.find(UNDER)
    over = content.find(OVER, under)
    end = content.find(END, over)
    if min(under, over, end) < 0:
        raise NotStamped("a page was not drawn with the stamps' marks")
    return (
        content[:under],
        content[under + len(UNDER) : over],
        content[over + len(OVER) : end],
        content[end + len(END) :],
    )


def _same(one: Any, other: Any) -> bool:
    if one.is_indirect and other.is_indirect:
        return bool(one.objgen == other.objgen)
    return bool(one.unparse() == other.unparse())


def _number(value: float) -> bytes:
    text = f"{value:.6f}".rstrip("0").rstrip(".")
    return (text if text not in ("", "-0") else "0").encode()


def _move_annotations(page: Any, moved: tuple[float, float]) -> None:
    """Move the page's link rectangles with its body (PDF points, y up)."""
    import pikepdf

    dx, dy = moved[0] * _SCALE, -moved[1] * _SCALE
    for annotation in page.obj.get("/Annots", []):
        if "/Rect" in annotation:
            x1, y1, x2, y2 = (float(v) for v in annotation.Rect)
            annotation.Rect = pikepdf.Array([x1 + dx, y1 + dy, x2 + dx, y2 + dy])
        if "/QuadPoints" in annotation:
            points = [float(v) for v in annotation.QuadPoints]
            annotation.QuadPoints = pikepdf.Array(
                [v + (dx if i % 2 == 0 else dy) for i, v in enumerate(points)]
            )


def _move_figures(pdf: Any, stamps: Stamps) -> dict[tuple[int, int], bytes]:
    """Move the layout boxes of the figures' tags (CSS pixels) with their pages' bodies;
    each box moved, as it was laid out, by its figure's object."""
    import pikepdf

    moves = {
        page.obj.objgen: stamp.moved
        for page, stamp in zip(pdf.pages, stamps.pages, strict=True)
        if stamp.moved is not None
    }
    laid: dict[tuple[int, int], bytes] = {}
    for obj in pdf.objects:
        if not isinstance(obj, pikepdf.Dictionary) or obj.get("/S") != pikepdf.Name.Figure:
            continue
        attributes = obj.get("/A")
        if not isinstance(attributes, pikepdf.Dictionary) or "/BBox" not in attributes:
            continue
        moved = moves.get(obj.Pg.objgen) if "/Pg" in obj else None
        if moved is not None:
            laid[obj.objgen] = attributes.BBox.unparse()
            x1, y1, x2, y2 = (float(v) for v in attributes.BBox)
            dx, dy = moved
            attributes.BBox = pikepdf.Array([x1 + dx, y1 + dy, x2 + dx, y2 + dy])
    return laid
