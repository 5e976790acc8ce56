"""A build whose sources and outputs are as the last build left them does nothing.

Each test builds a small anthology twice into one output folder (EPUB only, to be
quick; one test builds the PDF) and looks at what the second build did.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import zipfile
from pathlib import Path
from typing import Any

import pytest
from PIL import Image
from typer.testing import CliRunner

from octavo import api, up_to_date
from octavo.api import Built, build
from octavo.cli import app
from octavo.errors import ContentError

from .conftest import MINIMAL_REVIEW, MakeAnthology

NO_ALT = MINIMAL_REVIEW.format(title="Gamma") + "\n![](still.png)\n"


@pytest.fixture(autouse=True)
def fixed_date(monkeypatch: pytest.MonkeyPatch) -> None:
    """Builds a second apart give the same bytes (the tests compare outputs)."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1764028800")


def png() -> bytes:
    output = io.BytesIO()
    Image.new("RGB", (600, 400), "white").save(output, "PNG")
    return output.getvalue()


def epub(root: Path, out: Path, **options: object) -> Built:
    return build(root, out, ("epub",), **options)  # type: ignore[arg-type]


def stamps(out: Path) -> dict[str, int]:
    return {p.name: p.stat().st_mtime_ns for p in out.iterdir() if p.is_file()}


def test_an_unchanged_book_is_not_built_again(make_anthology: MakeAnthology, tmp_path: Path):
    root, out = make_anthology(), tmp_path / "out"
    first = epub(root, out)
    before = stamps(out)
    second = epub(root, out)
    assert not first.up_to_date
    assert second.up_to_date
    assert second.outputs == first.outputs
    assert stamps(out) == before  # nothing was written


def test_an_edit_a_new_review_or_a_removed_one_builds_again(
    make_anthology: MakeAnthology, tmp_path: Path
):
    root, out = make_anthology(), tmp_path / "out"
    epub(root, out)
    review = root / "reviews" / "alpha.md"
    review.write_text(review.read_text().replace("two sentences", "three sentences"))
    assert not epub(root, out).up_to_date
    assert epub(root, out).up_to_date
    (root / "reviews" / "gamma.md").write_text(MINIMAL_REVIEW.format(title="Gamma"))
    rebuilt = epub(root, out)
    assert not rebuilt.up_to_date
    assert rebuilt.outputs[0].documents
    (root / "reviews" / "gamma.md").unlink()
    assert not epub(root, out).up_to_date


def test_an_output_changed_or_removed_is_made_again(make_anthology: MakeAnthology, tmp_path: Path):
    root, out = make_anthology(), tmp_path / "out"
    built = epub(root, out)
    path = built.outputs[0].path
    good = path.read_bytes()
    path.write_bytes(good[:-10] + b"x" * 10)  # same size, other bytes
    assert not epub(root, out).up_to_date
    assert path.read_bytes() == good
    path.unlink()
    assert not epub(root, out).up_to_date
    assert path.read_bytes() == good


def test_other_formats_a_new_date_or_no_cache_build_again(
    make_anthology: MakeAnthology, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    root, out = make_anthology(), tmp_path / "out"
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    epub(root, out)
    assert not build(root, out, ("epub", "kepub")).up_to_date
    assert epub(root, out).up_to_date  # each set of formats has its own record
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1800000000")
    assert not epub(root, out).up_to_date
    assert epub(root, out).up_to_date
    assert not epub(root, out, cache=False).up_to_date


def test_a_theme_change_builds_again(make_anthology: MakeAnthology, tmp_path: Path):
    root = make_anthology(
        {"mine/theme.toml": 'extends = "classic"\n', "mine/epub.css": "p { color: black; }\n"}
    )
    manifest = root / "anthology.toml"
    manifest.write_text(manifest.read_text() + 'style = "./mine"\n')
    out = tmp_path / "out"
    epub(root, out)
    assert epub(root, out).up_to_date
    (root / "mine" / "epub.css").write_text("p { color: #111; }\n")
    assert not epub(root, out).up_to_date


def test_warnings_come_again_and_strict_still_fails(make_anthology: MakeAnthology, tmp_path: Path):
    root = make_anthology({"reviews/gamma.md": NO_ALT, "reviews/still.png": png()})
    out = tmp_path / "out"
    first = epub(root, out)
    second = epub(root, out)
    assert second.up_to_date
    codes = [(d.code, d.path, d.line) for d in first.report.warnings]
    assert "R208" in [code for code, _, _ in codes]
    assert [(d.code, d.path, d.line) for d in second.report.warnings] == codes
    with pytest.raises(ContentError) as error:
        epub(root, out, strict=True)
    assert "R208" in [d.code for d in error.value.report.errors]


def test_a_broken_record_is_a_full_build(make_anthology: MakeAnthology, tmp_path: Path):
    root, out = make_anthology(), tmp_path / "out"
    epub(root, out)
    (record,) = (out / ".octavo-cache" / "builds").iterdir()
    for text in ("{", "[]", json.dumps({"format": up_to_date.FORMAT})):
        record.write_text(text)
        assert not epub(root, out).up_to_date
    data = json.loads(record.read_text())
    data["outputs"][0]["name"] = "../elsewhere.epub"  # a record never names another folder
    record.write_text(json.dumps(data))
    assert not epub(root, out).up_to_date


def test_an_output_folder_inside_the_anthology_is_not_a_source(
    make_anthology: MakeAnthology,
):
    root = make_anthology()
    epub(root, root / "dist")
    assert epub(root, root / "dist").up_to_date


def test_a_link_out_of_the_anthology_is_never_read(make_anthology: MakeAnthology, tmp_path: Path):
    root, out = make_anthology(), tmp_path / "out"
    outside = tmp_path / "secret.txt"
    outside.write_text("one")
    (root / "notes.txt").symlink_to(outside)
    roots = (root.resolve(),)
    manifest = root / "anthology.toml"
    first = up_to_date.fingerprint(manifest, roots, out, ("epub",))
    outside.write_text("two")
    assert up_to_date.fingerprint(manifest, roots, out, ("epub",)) == first
    (root / "notes.txt").unlink()
    (root / "notes.txt").symlink_to(tmp_path / "other.txt")
    assert up_to_date.fingerprint(manifest, roots, out, ("epub",)) != first


def test_the_command_line_says_up_to_date(
    make_anthology: MakeAnthology, tmp_path: Path, runner: CliRunner
):
    root, out = make_anthology(), tmp_path / "out"
    arguments = ["build", str(root), "--out", str(out), "--format", "pdf,epub"]
    first = runner.invoke(app, arguments)
    assert first.exit_code == 0, first.output
    second = runner.invoke(app, arguments)
    assert second.exit_code == 0, second.output
    lines = [line for line in second.output.splitlines() if line.startswith("up to date:")]
    assert len(lines) == 2
    assert "pages" in lines[0]
    assert "documents" in lines[1]
    assert "wrote" not in second.output
    assert len(os.listdir(out / ".octavo-cache" / "builds")) == 1


def _reads(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The names of the files digested from now on (not taken from the digests kept)."""
    names: list[str] = []
    read = up_to_date._file_sha256

    def counted(name: str) -> str:
        names.append(Path(name).name)
        return read(name)

    monkeypatch.setattr(up_to_date, "_file_sha256", counted)
    return names


def test_a_file_is_read_again_only_when_it_changed(
    make_anthology: MakeAnthology, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.setattr(up_to_date, "RECENT_NS", 0)  # the files were written a moment ago
    root, out = make_anthology(), tmp_path / "out"
    output = epub(root, out).outputs[0].path  # its record keeps the sources' digests
    reads = _reads(monkeypatch)
    assert epub(root, out).up_to_date
    assert reads == [output.name]  # the output, checked once...
    reads.clear()
    assert epub(root, out).up_to_date
    assert reads == []  # ...and then kept too: nothing is read
    # the same size and the same modification time, other words: the change time moved
    review = root / "reviews" / "alpha.md"
    before = review.stat()
    text = review.read_text(encoding="utf-8")
    review.write_text(text.replace("two sentences", "two sentencez"), encoding="utf-8")
    os.utime(review, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert review.stat().st_size == before.st_size
    assert not epub(root, out).up_to_date
    assert "alpha.md" in reads
    # an output changed the same way is made again
    assert epub(root, out).up_to_date
    data, stamp = output.read_bytes(), output.stat()
    output.write_bytes(data[:-1] + bytes([data[-1] ^ 1]))
    os.utime(output, ns=(stamp.st_atime_ns, stamp.st_mtime_ns))
    assert not epub(root, out).up_to_date
    assert output.read_bytes() == data


def test_a_file_changed_a_moment_before_it_was_read_is_read_again(
    make_anthology: MakeAnthology, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    """A change in the same tick of the file system's clock as the last one leaves the
    file's times as they were: what changed within ``RECENT_NS`` of being read is not
    kept (git's racily clean files)."""
    root, out = make_anthology(), tmp_path / "out"
    epub(root, out)
    kept = json.loads((out / ".octavo-cache" / "digests.json").read_text(encoding="utf-8"))
    assert not [name for name in kept if name.startswith(str(root))]  # all just written
    reads = _reads(monkeypatch)
    assert epub(root, out).up_to_date
    assert {"alpha.md", "beta.md", "anthology.toml"} <= set(reads)


def test_each_source_is_digested_once(
    make_anthology: MakeAnthology, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    """The reviews folder is a folder a build may read in its own right, and it lies
    in the anthology: its files are digested once, not once for each (a second of
    hashing at 5,000 reviews was half of it twice). A first build digests the review
    files by the bytes its loading read: the digest does not read them at all."""
    monkeypatch.setattr(up_to_date, "RECENT_NS", 0)  # the files were written a moment ago
    root, out = make_anthology(), tmp_path / "out"
    review = root / "reviews" / "alpha.md"
    reads: list[str] = []
    read = up_to_date._file_sha256
    monkeypatch.setattr(up_to_date, "_file_sha256", lambda name: reads.append(name) or read(name))
    epub(root, out)
    assert str(root / "anthology.toml") in reads
    assert not [name for name in reads if name.startswith(str(root / "reviews"))]
    assert len(reads) == len(set(reads))
    kept = json.loads((out / ".octavo-cache" / "digests.json").read_text(encoding="utf-8"))
    assert kept[str(review)][-1] == hashlib.sha256(review.read_bytes()).hexdigest()
    reads.clear()
    review.write_text(review.read_text().replace("two sentences", "three sentences"))
    assert not epub(root, out).up_to_date  # a review is still part of the digest
    assert reads.count(str(review)) == 1
    assert epub(root, out).up_to_date


def test_a_review_changed_after_the_first_build_read_it_is_built_again(
    make_anthology: MakeAnthology, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    """A first build digests its sources after loading them, the reviews by the bytes it
    read: an edit made in between is not taken for what the book was made from."""
    monkeypatch.setattr(up_to_date, "RECENT_NS", 0)
    root, out = make_anthology(), tmp_path / "out"
    review = root / "reviews" / "alpha.md"
    fingerprint = api._fingerprint

    def edited_first(*arguments: Any) -> up_to_date.Fingerprint | None:
        review.write_text(review.read_text().replace("two sentences", "edited sentences"))
        return fingerprint(*arguments)

    with monkeypatch.context() as patched:
        patched.setattr(api, "_fingerprint", edited_first)
        first = epub(root, out)
    assert b"edited sentences" not in _text(first.outputs[0].path)
    second = epub(root, out)
    assert not second.up_to_date
    assert b"edited sentences" in _text(second.outputs[0].path)
    assert epub(root, out).up_to_date


def _text(epub_file: Path) -> bytes:
    with zipfile.ZipFile(epub_file) as archive:
        return b"".join(archive.read(name) for name in archive.namelist())
