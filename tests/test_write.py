"""Writing outputs: all files or none, never a partial file."""

from __future__ import annotations

from pathlib import Path

import pytest

from octavo.errors import BuildError
from octavo.write.atomic import write_all

from .conftest import files_in


def test_writes_every_file(tmp_path: Path) -> None:
    write_all([(tmp_path / "a.pdf", b"pdf"), (tmp_path / "sub" / "b.epub", b"epub")])
    assert (tmp_path / "a.pdf").read_bytes() == b"pdf"
    assert (tmp_path / "sub" / "b.epub").read_bytes() == b"epub"
    assert files_in(tmp_path) == ["a.pdf", "sub/b.epub"]


def test_a_failed_write_leaves_earlier_files_and_no_temporary(tmp_path: Path) -> None:
    (tmp_path / "a.pdf").write_bytes(b"old pdf")
    (tmp_path / "b.epub").mkdir()  # a folder where the EPUB should go
    with pytest.raises(BuildError, match="a folder of that name is in the way"):
        write_all([(tmp_path / "a.pdf", b"new pdf"), (tmp_path / "b.epub", b"epub")])
    assert (tmp_path / "a.pdf").read_bytes() == b"old pdf"
    assert files_in(tmp_path) == ["a.pdf"]


def test_a_failed_stage_writes_nothing(tmp_path: Path) -> None:
    (tmp_path / "a.pdf").write_bytes(b"old pdf")
    blocked = tmp_path / "blocked"
    blocked.write_text("a file where a folder should be")
    with pytest.raises(BuildError):
        write_all([(tmp_path / "a.pdf", b"new pdf"), (blocked / "b.epub", b"epub")])
    assert (tmp_path / "a.pdf").read_bytes() == b"old pdf"
    assert files_in(tmp_path) == ["a.pdf", "blocked"]
