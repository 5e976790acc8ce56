"""The bad-input corpus: one small anthology per class of bad input.

In the spirit of EPUBCheck's test corpus, each folder in ``tests/corpus/`` is an
anthology that breaks one rule, with an ``expect.toml`` saying what ``octavo build``
must answer: the exit status, the diagnostic code, the file and line it names, and a
fragment of its message. Inputs git cannot hold reliably as text (odd encodings,
images, big files, symlinks) are made at test time by ``tests/corpus/make_binary.py``.

Every failed build must also show no traceback and write nothing at all.
"""

from __future__ import annotations

import os
import re
import shutil
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from typer.testing import CliRunner

from octavo.cli import app

from .corpus.make_binary import CASES

CORPUS = Path(__file__).parent / "corpus"
CLASSES = sorted(path.name for path in CORPUS.iterdir() if (path / "expect.toml").is_file())


@dataclass(frozen=True)
class Expect:
    """What ``octavo build`` must answer for one corpus class (its ``expect.toml``)."""

    description: str
    exit: int
    code: str
    message: str
    file: str | None = None  #: relative to the anthology folder; None: the diagnostic names none
    line: int | None = None  #: None: the diagnostic names no line
    column: int | None = None  #: None: a column, if printed, is not checked
    args: list[str] = field(default_factory=list)

    @classmethod
    def read(cls, folder: Path) -> Expect:
        data = tomllib.loads((folder / "expect.toml").read_text(encoding="utf-8"))
        unknown = set(data) - set(cls.__dataclass_fields__)
        assert not unknown, f"{folder.name}/expect.toml: unknown keys {sorted(unknown)}"
        return cls(**data)

    def location(self) -> re.Pattern[str]:
        """The location as printed: ``file``, ``file:line`` or ``file:line:column``."""
        where = re.escape(self.file or "")
        if self.line is not None:
            where += f":{self.line}"
            where += f":{self.column}" if self.column is not None else r"(:\d+)?"
        return re.compile(where)


def matching_diagnostics(output: str, expect: Expect) -> list[str]:
    """The ``error[CODE] location: message`` lines of ``output`` that ``expect`` describes."""
    found = []
    for line in output.splitlines():
        if expect.file is None:
            # a build error: "error[B405]: message"; a diagnostic without a file: "error[M110] ..."
            if line.startswith(f"error[{expect.code}]") and expect.message in line:
                found.append(line)
            continue
        head = f"error[{expect.code}] "
        if not line.startswith(head):
            continue
        where, _, message = line.removeprefix(head).partition(": ")
        if expect.location().fullmatch(where) and expect.message in message:
            found.append(line)
    return found


def files_below(folder: Path) -> list[str]:
    """Every file and symlink below ``folder`` (symlinks not followed)."""
    found = []
    for directory, _, names in os.walk(folder):
        found.extend(str(Path(directory, name).relative_to(folder)) for name in names)
    return sorted(found)


@pytest.mark.parametrize("name", CLASSES)
def test_bad_input_is_refused(
    name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, runner: CliRunner
) -> None:
    expect = Expect.read(CORPUS / name)
    book = tmp_path / "book"
    shutil.copytree(CORPUS / name, book, ignore=shutil.ignore_patterns("expect.toml"))
    if name in CASES:
        CASES[name](book)
    out = tmp_path / "out"
    args = [arg.replace("<book>", str(book)) for arg in expect.args]
    if "--out" not in args:
        args = ["--out", str(out), *args]
    # Not the anthology folder: paths must be shown relative to the anthology, not the cwd.
    monkeypatch.chdir(tmp_path)
    before = files_below(tmp_path)

    result = runner.invoke(app, ["build", str(book), *args])

    output = result.output
    report = f"{name}: {expect.description}\n--- output ---\n{output}"
    assert result.exception is None or isinstance(result.exception, SystemExit), report
    assert "Traceback" not in output, report
    assert "This is a bug in Octavo" not in output, report
    assert matching_diagnostics(output, expect), report
    assert result.exit_code == expect.exit, report
    assert files_below(tmp_path) == before, report
    assert not out.exists() or not any(out.iterdir()), report


def test_the_corpus_covers_at_least_40_classes() -> None:
    assert len(CLASSES) >= 40


def test_every_generated_class_has_a_folder() -> None:
    assert sorted(set(CASES) - set(CLASSES)) == []


@pytest.mark.parametrize("name", CLASSES)
def test_every_expectation_is_complete(name: str) -> None:
    expect = Expect.read(CORPUS / name)
    assert expect.description
    assert expect.message
    assert re.fullmatch(r"[MRSBI][1-5]\d\d", expect.code)
    assert expect.exit in (1, 2)
    assert expect.line is None or expect.file is not None
    assert expect.column is None or expect.line is not None
