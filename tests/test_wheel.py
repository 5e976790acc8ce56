"""Octavo installed from a wheel finds its themes (no checkout around it)."""

from __future__ import annotations

import json
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from .conftest import ROOT, MakeAnthology

pytestmark = pytest.mark.slow

SCRIPT = """
import json, sys
from pathlib import Path
import octavo
from octavo.api import build
built = build(Path(sys.argv[1]), Path(sys.argv[2]), ("epub",))
print(json.dumps({"module": octavo.__file__, "files": [str(o.path) for o in built.outputs]}))
"""


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation",
         "--quiet", "-w", str(folder), str(ROOT)],
        check=True,
    )  # fmt: skip
    (wheel,) = folder.glob("octavo-*.whl")
    return wheel


def test_the_wheel_holds_the_themes(wheel: Path) -> None:
    names = zipfile.ZipFile(wheel).namelist()
    for name in (
        "octavo/styles/classic/theme.toml",
        "octavo/styles/classic/print.css",
        "octavo/styles/classic/epub.css",
        "octavo/styles/classic/fonts/EBGaramond-Variable.ttf",
        "octavo/styles/classic/fonts/OFL.txt",
        "octavo/styles/classic/templates/book.html.jinja",
        "octavo/styles/classic/templates/epub/review.xhtml.jinja",
        "octavo/locale/octavo.pot",
        "octavo/locale/zh_Hant/LC_MESSAGES/octavo.po",
    ):
        assert name in names, name


def test_an_installed_wheel_builds(
    wheel: Path, make_anthology: MakeAnthology, tmp_path: Path
) -> None:
    target = tmp_path / "site"
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "--no-deps", "--quiet", "--target",
         str(target), str(wheel)],
        check=True,
    )  # fmt: skip
    book = make_anthology()
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT, str(book), str(tmp_path / "out")],
        env={"PYTHONPATH": str(target), "PATH": "/usr/bin:/bin"},
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["module"].startswith(str(target))
    assert report["files"] == [str(tmp_path / "out" / "test-book.epub")]
