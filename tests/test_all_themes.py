"""Every theme in styles/ builds every anthology in anthologies/ (and the multilingual
test anthology), without a warning.

Each pair is built once (PDF and EPUB) through the public API, from a copy of the
anthology whose manifest names the theme (conftest.build_in_theme: the example in its
own theme is the session's one build of it). EPUBCheck takes seconds a book, so it runs
once a theme, on the EPUB of the example anthology.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from octavo.api import Built

from .conftest import ROOT, BuildIn, epubcheck

pytestmark = pytest.mark.slow

THEMES = sorted(p.parent.name for p in (ROOT / "styles").glob("*/theme.toml"))
# The example and the scripts fixture in every theme; the shared-library examples are
# built in their own themes by test_example_anthologies.py.
SOURCES = {
    "silent-screen": ROOT / "anthologies" / "silent-screen",
    "multilingual": ROOT / "tests" / "fixtures" / "multilingual",
}
ANTHOLOGIES = sorted(SOURCES)

BuildFor = Callable[[str, str], tuple[Built, Path]]


@pytest.fixture(scope="module")
def build_for(build_in_theme: BuildIn) -> BuildFor:
    """Build an anthology with a theme, once per pair for the whole session (the
    example in its own theme is the build of ``example_build``)."""

    def build_pair(theme: str, anthology: str) -> tuple[Built, Path]:
        return build_in_theme(SOURCES[anthology], theme)

    return build_pair


def test_themes_and_anthologies_are_found() -> None:
    assert "classic" in THEMES
    assert len(THEMES) > 1
    assert ANTHOLOGIES


@pytest.mark.parametrize("anthology", ANTHOLOGIES)
@pytest.mark.parametrize("theme", THEMES)
def test_theme_builds_anthology_without_warnings(
    build_for: BuildFor, theme: str, anthology: str
) -> None:
    built, out = build_for(theme, anthology)
    assert [f"{d.code} {d.message}" for d in built.report.diagnostics] == []
    assert sorted(o.format for o in built.outputs) == ["epub", "pdf"]
    for output in built.outputs:
        assert output.path.parent == out
        assert output.path.is_file()
        assert output.path.stat().st_size == output.size > 0


#: The typographic faults the shipped themes are made to avoid, whatever the text (the
#: audit's codes, docs/audit.md). T703 short last pages, T705 hyphen ladders and T707
#: loose lines depend on the words of a review: they may stay, as warnings.
AVOIDED = {"T701", "T702", "T704", "T706", "T708", "T709"}


@pytest.mark.parametrize("anthology", ANTHOLOGIES)
@pytest.mark.parametrize("theme", THEMES)
def test_theme_sets_anthology_without_typographic_faults(
    build_for: BuildFor, theme: str, anthology: str
) -> None:
    """The audit's checks, which every build runs on its PDF (what `octavo audit`
    prints): no error, and none of the faults the themes avoid."""
    built, _ = build_for(theme, anthology)
    assert [f for f in built.faults if f.severity.value == "error"] == []
    avoided = [f"{f.code} {f.path}: {f.message}" for f in built.faults if f.code in AVOIDED]
    assert avoided == []
    # the build read its pages: it found the warnings the example is known to have
    if anthology == "silent-screen" and theme == "classic":
        assert {f.code for f in built.faults} & {"T703", "T705", "T707"}


@pytest.mark.parametrize("theme", THEMES)
def test_epubcheck_passes(build_for: BuildFor, theme: str) -> None:
    built, _ = build_for(theme, "silent-screen")
    (epub,) = [o.path for o in built.outputs if o.format == "epub"]
    result = epubcheck(epub)
    assert [f"{m.level} {m.id} {m.location}: {m.message}" for m in result.messages] == []
    assert result.valid
