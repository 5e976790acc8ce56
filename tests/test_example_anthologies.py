"""Every anthology in anthologies/ builds, warns about nothing, and passes EPUBCheck."""

from __future__ import annotations

from pathlib import Path

import pytest

from .conftest import ROOT, BuildIn, epubcheck_messages

pytestmark = pytest.mark.slow

ANTHOLOGIES = sorted(path.parent for path in (ROOT / "anthologies").glob("*/anthology.toml"))


def test_the_examples_include_two_sharing_a_library() -> None:
    names = {folder.name for folder in ANTHOLOGIES}
    assert {"silent-screen", "stage-and-page", "sound-and-vision"} <= names
    assert not (ROOT / "anthologies" / "library" / "anthology.toml").exists()


#: silent-screen is built and read back by test_example_pdf/epub.py and, in every theme,
#: by test_all_themes.py, and or-vetzel (right to left) in every theme by
#: test_rtl_book.py: here, the others, each in its own theme.
OTHERS = [folder for folder in ANTHOLOGIES if folder.name not in ("silent-screen", "or-vetzel")]


@pytest.mark.parametrize("anthology", OTHERS, ids=[folder.name for folder in OTHERS])
def test_every_example_builds_cleanly(anthology: Path, build_in_theme: BuildIn) -> None:
    built, _ = build_in_theme(anthology, None)  # shared with any other test that reads it
    # a shared library's reviews that this book does not select are no warning (M106)
    warnings = built.report.warnings
    assert warnings == [], [w.format(ROOT) for w in warnings]
    assert sorted(output.format for output in built.outputs) == ["epub", "pdf"]
    (epub,) = [output.path for output in built.outputs if output.format == "epub"]
    assert epubcheck_messages(epub) == []
