"""Every anthology in anthologies/ builds, warns about nothing, and passes EPUBCheck."""

from __future__ import annotations

from pathlib import Path

import pytest

from octavo.api import build
from octavo.diagnostics import Diagnostic

from .conftest import ROOT, epubcheck_messages

pytestmark = pytest.mark.slow

ANTHOLOGIES = sorted(path.parent for path in (ROOT / "anthologies").glob("*/anthology.toml"))


def test_the_examples_include_two_sharing_a_library() -> None:
    names = {folder.name for folder in ANTHOLOGIES}
    assert {"silent-screen", "stage-and-page", "sound-and-vision"} <= names
    assert not (ROOT / "anthologies" / "library" / "anthology.toml").exists()


def _known_gap(anthology: Path, warning: Diagnostic) -> bool:
    """M106 for a review of a shared library that this anthology does not select.

    collect.py warns about every review of the reviews folder in no section, even
    when the folder is a library shared with other books (reported to the owner of
    collect.py). Only that warning, and only for files outside the anthology's own
    folder, is tolerated here; remove this once collect.py stops giving it.
    """
    if warning.code != "M106" or " is in no section" not in warning.message:
        return False
    review = (anthology / warning.message.partition(" is in no section")[0]).resolve()
    return not review.is_relative_to(anthology.resolve())


@pytest.mark.parametrize("anthology", ANTHOLOGIES, ids=[folder.name for folder in ANTHOLOGIES])
def test_every_example_builds_cleanly(anthology: Path, tmp_path: Path) -> None:
    built = build(anthology, tmp_path, ("pdf", "epub"))
    warnings = [w for w in built.report.warnings if not _known_gap(anthology, w)]
    assert warnings == [], [w.format(ROOT) for w in warnings]
    assert sorted(output.format for output in built.outputs) == ["epub", "pdf"]
    (epub,) = [output.path for output in built.outputs if output.format == "epub"]
    assert epubcheck_messages(epub) == []
