"""A leader's dots drawn as an artifact, not as text of the tags.

WeasyPrint fills a ``leader()`` (the dots between a title and its page number in the
contents and the indexes) with copies of the leader's string, and marks each copy as content
of the structure tree: a line of the contents carried thirty or forty
runs of ". ", which a screen reader meets one by one. The dots are decoration: each
leader is drawn here as one artifact, as PDF/UA would have it, and its text is left
out of the tree (its element stays, holding the link that may cover it). Nothing
drawn changes.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
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
        if not getattr(box, "is_leader", False) or getattr(stream, "_tags", None) is None:
            return original_draw(stream, page, box, *args, **kwargs)
        with stream.artifact(), _unmarked(stream):
            return original_draw(stream, page, box, *args, **kwargs)

    def build_box_tree(box: Any, *args: Any, **kwargs: Any) -> Iterator[Any]:
        if getattr(box, "is_leader", False):
            # its element stays, for the link it may carry (a link of the contents
            # covers its dots), but not its text: drawn as an artifact, unmarked
            box = box.copy_with_children([])
        return original_tree(box, *args, **kwargs)  # type: ignore[no-any-return]

    draw_inline_level.octavo_leaders = True  # type: ignore[attr-defined]
    draw.draw_inline_level = draw_inline_level
    tags._build_box_tree = build_box_tree


@contextmanager
def _unmarked(stream: Any) -> Iterator[None]:
    """The stream's text drawn without marked content of its own (inside an artifact)."""
    stream.marked = lambda box, tag: nullcontext()
    try:
        yield
    finally:
        del stream.marked
