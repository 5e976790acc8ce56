"""A leader's dots drawn as an artifact, not as text of the tags, and drawn fast.

WeasyPrint fills a ``leader()`` (the dots between a title and its page number in the
contents and the indexes) with copies of the leader's string, and marks each copy as content
of the structure tree: a line of the contents carried thirty or forty
runs of ". ", which a screen reader meets one by one. The dots are decoration: each
leader is drawn here as one artifact, as PDF/UA would have it, and its text is left
out of the tree (its element stays, holding the link that may cover it). Nothing
drawn changes.

Each copy is drawn by WeasyPrint as a line of text of its own: Pango gives the line's
glyphs again, and the operators are written again, for every copy (about 20,000 copies,
2 s of the 9 s the front matter of a 1,000-review book took to lay out and draw).
The copies differ in their place only, so from the fourth on they are written as the
second and third were, with their own text matrix (:func:`_draw_leader`): where the
second and third were not written alike but for their matrix (a decoration or an
emoji drawn at each place, say), every copy is drawn as WeasyPrint draws it. The
operators are the same, byte for byte, either way.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass
from typing import Any


def leaders_as_artifacts() -> None:
    """Make WeasyPrint draw each leader as an artifact and leave it out of the tags
    (idempotent)."""
    from weasyprint import draw
    from weasyprint.pdf import tags

    if getattr(draw.draw_inline_level, "octavo_leaders", False):
        return
    original_draw = draw.draw_inline_level
    original_tree = tags._build_box_tree

    def draw_inline_level(stream: Any, page: Any, box: Any, *args: Any, **kwargs: Any) -> Any:
        if not getattr(box, "is_leader", False):
            return original_draw(stream, page, box, *args, **kwargs)
        if getattr(stream, "_tags", None) is None:  # untagged: nothing is marked
            return _draw_leader(original_draw, stream, page, box, *args, **kwargs)
        with stream.artifact(), _unmarked(stream):
            return _draw_leader(original_draw, stream, page, box, *args, **kwargs)

    def build_box_tree(box: Any, *args: Any, **kwargs: Any) -> Iterator[Any]:
        if getattr(box, "is_leader", False):
            # its element stays, for the link it may carry (a link of the contents
            # covers its dots), but not its text: drawn as an artifact, unmarked
            box = box.copy_with_children([])
        return original_tree(box, *args, **kwargs)  # type: ignore[no-any-return]

    draw_inline_level.octavo_leaders = True  # type: ignore[attr-defined]
    draw.draw_inline_level = draw_inline_level
    tags._build_box_tree = build_box_tree


#: The copies of a leader from this one on are written as the ones before were, but for
#: their text matrix (the first is drawn to set the stream's state, the next two to
#: show what a copy writes).
REPLAYED_FROM = 3


def _draw_leader(
    original_draw: Any,
    stream: Any,
    page: Any,
    box: Any,
    offset_x: float = 0,
    text_overflow: str = "clip",
    block_ellipsis: str = "none",
) -> None:
    """Draw a leader's box as WeasyPrint's ``draw_inline_level`` does (with nothing
    marked: an artifact, or an untagged PDF), its copies from :data:`REPLAYED_FROM` on
    written as the ones before them."""
    from weasyprint.draw import draw_text
    from weasyprint.formatting_structure import boxes

    copies = list(box.children)
    first = copies[0] if copies else None
    alike = (
        isinstance(box, boxes.InlineBox)
        and isinstance(first, boxes.TextBox)
        and text_overflow == "clip"
        and block_ellipsis == "none"
        and len(copies) > REPLAYED_FROM
        and all(
            isinstance(copy, boxes.TextBox)
            and copy.pango_layout is first.pango_layout
            and copy.style is first.style
            and copy.text == first.text
            and (copy.position_y, copy.baseline) == (first.position_y, first.baseline)
            for copy in copies
        )
    )
    if not alike:
        original_draw(stream, page, box, offset_x, text_overflow, block_ellipsis)
        return
    bare = box.copy()
    bare.children = ()
    original_draw(stream, page, bare, offset_x, text_overflow, block_ellipsis)  # its own

    def draw(copy: Any) -> None:
        draw_text(stream, copy, offset_x + copy.position_x - box.position_x, text_overflow, "none")

    written = [_written(stream, draw, copy) for copy in copies[:REPLAYED_FROM]]
    pattern = _pattern(written[-2], written[-1], copies[REPLAYED_FROM - 1])
    for copy in copies[REPLAYED_FROM:]:
        if pattern is None:
            draw(copy)
            continue
        items = stream.stream
        if pattern.pops:
            items.pop()  # the copy before's ``ET``, as ``begin_text`` takes it back
        items.extend(pattern.before)
        stream.set_text_matrix(*_matrix(copy))
        items.extend(pattern.after)


@dataclass
class _Written:
    """What drawing a copy did to the stream: whether it took back the stream's last
    operator (``last``), what it added, and the stream's state after it."""

    pops: bool
    last: object
    added: list[Any]
    state: tuple[Any, ...]


def _written(stream: Any, draw: Callable[[Any], None], copy: Any) -> _Written:
    """Draw ``copy``, and say what it wrote."""
    items = stream.stream
    count = len(items)
    last = items[-1] if items else None
    draw(copy)
    # ``begin_text`` takes back an ``ET`` just written; an operator taken back and
    # written again is as if kept, which writes the same
    pops = count > 0 and (len(items) < count or items[count - 1] != last)
    return _Written(pops, last, items[count - 1 if pops else count :], _state(stream))


@dataclass
class _Pattern:
    """What each copy writes: whether it takes back the last operator, then what it
    writes before its text matrix and after it."""

    pops: bool
    before: list[Any]
    after: list[Any]


def _pattern(one: _Written, other: _Written, copy: Any) -> _Pattern | None:
    """What each copy writes, but for its text matrix: found where two copies in a row
    wrote the same but for one operator, the text matrix of ``copy`` (the second), and
    left the stream as they found it; None otherwise."""
    if (one.pops, one.last, one.state, len(one.added)) != (
        other.pops,
        other.last,
        other.state,
        len(other.added),
    ):
        return None
    differ = [n for n, (a, b) in enumerate(zip(one.added, other.added, strict=True)) if a != b]
    if len(differ) != 1:
        return None
    import pydyf

    n = differ[0]
    expected = pydyf.Stream()
    expected.set_text_matrix(*_matrix(copy))
    if other.added[n] != expected.stream[-1]:
        return None
    if other.pops and other.added[-1:] != [other.last]:
        return None  # what it takes back must be what it leaves last
    return _Pattern(other.pops, other.added[:n], other.added[n + 1 :])


def _matrix(copy: Any) -> tuple[float, ...]:
    """The text matrix WeasyPrint's ``draw_text`` gives a copy."""
    from weasyprint.matrix import Matrix

    x, y = copy.position_x, copy.position_y + copy.baseline
    return Matrix(d=-1, e=x, f=y).values  # type: ignore[no-any-return]


def _state(stream: Any) -> tuple[Any, ...]:
    """What WeasyPrint's stream remembers of what it wrote (colour, opacity, font)."""
    names = (
        "_current_color",
        "_current_color_stroke",
        "_current_alpha",
        "_current_alpha_stroke",
        "_current_font",
        "_current_font_size",
        "_old_font",
        "_old_font_size",
    )
    ctm = getattr(stream, "_ctm_stack", None)
    return (*(getattr(stream, name, None) for name in names), ctm and list(ctm))


@contextmanager
def _unmarked(stream: Any) -> Iterator[None]:
    """The stream's text drawn without marked content of its own (inside an artifact)."""
    stream.marked = lambda box, tag: nullcontext()
    try:
        yield
    finally:
        del stream.marked
