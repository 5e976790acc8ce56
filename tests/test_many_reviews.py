"""A big library is loaded by worker processes (load/many_reviews.py): the same
anthology and the same diagnostics, in the same order, as one process finds."""

from __future__ import annotations

from pathlib import Path

import pytest

from octavo.api import load_anthology
from octavo.errors import ContentError
from octavo.load import many_reviews
from tests.conftest import MakeAnthology

REVIEW = """\
---
title: {title}
reviewer: Ann Critic
year: 1925
{extra}---

A review of {title}, with a [link](https://example.org) and a footnote.[^1]

[^1]: The note.
"""


def _files(broken: bool) -> dict[str, str | bytes | None]:
    files: dict[str, str | bytes | None] = {}
    for number in range(12):
        extra = "ratting: 4/5\n" if number % 4 == 1 else ""  # R213: did you mean rating?
        if broken and number == 7:
            extra = "rating: eleven\n"  # R206, an error
        files[f"reviews/r{number:02}.md"] = REVIEW.format(title=f"Work {number}", extra=extra)
    if broken:
        files["reviews/r05-copy.md"] = "---\nid: r05\ntitle: Twin\nreviewer: B\n---\n\nText.\n"
        files["reviews/unreadable.md"] = b"\xff\xfe\x00 not text"
    return files


def _diagnostics(report: object) -> list[tuple[object, ...]]:
    return [
        (d.code, d.message, d.path, d.line, d.severity)
        for d in report.diagnostics  # type: ignore[attr-defined]
    ]


def test_a_library_loaded_in_parallel_is_the_one_loaded_in_one_process(
    make_anthology: MakeAnthology, monkeypatch: pytest.MonkeyPatch
) -> None:
    book = make_anthology(_files(broken=False))
    monkeypatch.setattr(many_reviews, "PARALLEL_FROM", 10**9)
    alone = load_anthology(book)
    monkeypatch.setattr(many_reviews, "PARALLEL_FROM", 2)
    monkeypatch.setattr(many_reviews, "_workers", lambda files: 2)
    shared = load_anthology(book)
    assert [r for s in shared.anthology.sections for r in s.reviews] == [
        r for s in alone.anthology.sections for r in s.reviews
    ]
    assert _diagnostics(shared.report) == _diagnostics(alone.report)
    assert any(d.code == "R213" for d in shared.report.diagnostics)


def test_the_errors_of_a_library_loaded_in_parallel_come_in_the_files_order(
    make_anthology: MakeAnthology, monkeypatch: pytest.MonkeyPatch
) -> None:
    book = make_anthology(_files(broken=True))
    found: list[list[tuple[object, ...]]] = []
    for parallel in (False, True):
        monkeypatch.setattr(many_reviews, "PARALLEL_FROM", 2 if parallel else 10**9)
        monkeypatch.setattr(many_reviews, "_workers", lambda files, p=parallel: 2 if p else 1)
        with pytest.raises(ContentError) as failed:
            load_anthology(book)
        found.append(_diagnostics(failed.value.report))
    assert found[0] == found[1]
    codes = [code for code, *_ in found[1]]
    assert {"R206", "R212", "R213"} <= set(codes)
    paths = [Path(str(path)).name for _, _, path, *_ in found[1] if path]
    assert paths.index("r07.md") < paths.index("r09.md")  # the files' order
