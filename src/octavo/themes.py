"""Find a theme (its templates are loaded by :mod:`octavo.theme_templates`).

A theme is a folder ``styles/<name>/`` holding ``theme.toml``, ``templates/``,
``print.css``, ``epub.css`` and ``fonts/``. A theme may extend another
(``extends = "classic"`` in its ``theme.toml``) and then only holds what differs.
An anthology may hold a ``templates/`` folder of its own: a template there
replaces the theme's template of the same name, so one template can be changed
without copying the theme.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from .diagnostics import Report
from .errors import Refused

if TYPE_CHECKING:
    import jinja2

THEME_FILE = "theme.toml"
_PAGE_SIZE = re.compile(r"\d+(\.\d+)?(mm|cm|in|pt|px) \d+(\.\d+)?(mm|cm|in|pt|px)")


def shipped_styles() -> Path:
    """The themes that come with Octavo: in the wheel, or in a source checkout."""
    packaged = Path(__file__).parent / "styles"
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parents[2] / "styles"


def shipped_theme_names() -> list[str]:
    root = shipped_styles()
    return sorted(p.name for p in root.iterdir() if (p / THEME_FILE).is_file())


@dataclass(frozen=True)
class TableMeasure:
    """About how many characters of table text fit across a theme's text block.

    ``measure`` at the table's usual size, ``at_floor`` at the smallest size the
    theme sets a wide table in (see :mod:`octavo.render.print_tables`).
    """

    measure: int = 70
    at_floor: int = 95


@dataclass(frozen=True)
class Theme:
    """A theme and the themes it extends, nearest first."""

    name: str
    folders: tuple[Path, ...]  #: this theme's folder first, then its parents'
    override: Path | None = None  #: the anthology's own templates/ folder, if any

    @property
    def template_folders(self) -> list[Path]:
        folders = [folder / "templates" for folder in self.folders]
        if self.override is not None:
            folders.insert(0, self.override)
        return [folder for folder in folders if folder.is_dir()]

    @cached_property
    def settings(self) -> tuple[dict[str, object], ...]:
        """Each ``theme.toml`` of the chain, nearest first (read once)."""
        return tuple(
            tomllib.loads((folder / THEME_FILE).read_text(encoding="utf-8"))
            for folder in self.folders
        )

    @property
    def fonts(self) -> list[str]:
        """The typefaces the theme sets the book in (``[fonts] used``), for the colophon."""
        for settings in self.settings:
            table = settings.get("fonts")
            if isinstance(table, dict) and isinstance(table.get("used"), list):
                return [str(name) for name in table["used"]]
        return []

    def fonts_for(self, language: str) -> list[str]:
        """The typefaces a book in ``language`` is set in: ``[fonts.languages]`` names
        the faces of a language whose script the theme's own faces do not have
        (``ja = ["Noto Serif CJK JP"]``; the longest matching tag wins: ``zh-Hant``
        before ``zh``), else ``[fonts] used``."""
        tag = language.casefold().replace("_", "-")
        for settings in self.settings:
            table = settings.get("fonts")
            languages = table.get("languages") if isinstance(table, dict) else None
            if not isinstance(languages, dict):
                continue
            matches = [
                key
                for key in languages
                if tag == key.casefold() or tag.startswith(key.casefold() + "-")
            ]
            if matches and isinstance(faces := languages[max(matches, key=len)], list):
                return [str(face) for face in faces]
        return self.fonts

    @property
    def page_size(self) -> str | None:
        """The page size a theme fixes (``[page] size`` in theme.toml), if any.

        A theme made for a device (an e-ink reader) sets its page; any other theme
        leaves it to the manifest's ``[print] trim``.
        """
        for folder, settings in zip(self.folders, self.settings, strict=True):
            page = settings.get("page")
            size = page.get("size") if isinstance(page, dict) else None
            if size is None:
                continue
            if not isinstance(size, str) or not _PAGE_SIZE.fullmatch(size):
                raise Refused(
                    f"{folder / THEME_FILE}: [page] size {size!r} is not a page size",
                    'write a width and a height, e.g. size = "90mm 120mm"',
                    code="S302",
                )
            return size
        return None

    @property
    def table_measure(self) -> TableMeasure:
        """How much table text fits across the text block (``[tables]`` in theme.toml)."""
        for folder, settings in zip(self.folders, self.settings, strict=True):
            tables = settings.get("tables")
            if not isinstance(tables, dict):
                continue
            measure, floor = tables.get("measure"), tables.get("measure_at_floor")
            if (
                isinstance(measure, int)
                and isinstance(floor, int)
                and 10 <= measure <= floor <= 1000
            ):
                return TableMeasure(measure, floor)
            raise Refused(
                f"{folder / THEME_FILE}: [tables] measure and measure_at_floor must be whole"
                f" numbers of characters, the first no larger, got {measure!r} and {floor!r}",
                "count the characters of table text that fit across the text block,"
                " e.g. measure = 70 and measure_at_floor = 95",
                code="S302",
            )
        return TableMeasure()

    def stylesheets(self, name: str) -> list[Path]:
        """``print.css`` or ``epub.css`` of every theme in the chain, parents first."""
        return [
            theme_file(folder, name)
            for folder in reversed(self.folders)
            if (folder / name).is_file()
        ]

    def environment(self) -> jinja2.Environment:
        """A Jinja2 environment where review text is always data, never template
        (:mod:`octavo.theme_templates`: Jinja2 is loaded for the first book rendered,
        not for a build that finds its book up to date)."""
        from .theme_templates import environment

        return environment(self.template_folders)


def theme_file(folder: Path, name: str) -> Path:
    """A file of a theme, refused when it lies (or links) outside the theme's folder."""
    path = folder / name
    if not path.resolve().is_relative_to(folder.resolve()):
        raise Refused(
            f"the theme file {path} lies outside its theme ({path.resolve()})",
            "keep every file of a theme inside its folder, without links out of it",
            code="S307",
        )
    return path


def find_theme(
    style: str, anthology_root: Path, report: Report, manifest: Path, line: int | None = None
) -> Theme | None:
    """Find the theme named by the manifest's ``style`` key (a name or a folder path).

    ``line`` is the line of ``style`` in the manifest, for the message.
    """
    override = anthology_root / "templates"
    chain: list[Path] = []
    name = style
    while True:
        folder = _theme_folder(name, anthology_root if not chain else chain[-1])
        if folder is None or not (folder / THEME_FILE).is_file():
            known = ", ".join(shipped_theme_names())
            where = f"extended by {chain[-1] / THEME_FILE}" if chain else "named by 'style'"
            report.error(
                "S301",
                f"there is no theme '{name}' ({where})",
                manifest,
                line if not chain else None,
                hint=f"use one of the themes shipped with Octavo ({known}) or a path to a theme"
                " folder holding theme.toml",
            )
            return None
        if folder in chain:
            report.error("S302", f"theme '{name}' extends itself", folder / THEME_FILE)
            return None
        chain.append(folder)
        try:
            settings = tomllib.loads((folder / THEME_FILE).read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
            report.error("S302", f"cannot read the theme settings: {error}", folder / THEME_FILE)
            return None
        parent = settings.get("extends")
        if not parent:
            break
        name = str(parent)
    return Theme(
        name=chain[0].name,
        folders=tuple(chain),
        override=override if override.is_dir() else None,
    )


def _theme_folder(name: str, relative_to: Path) -> Path | None:
    if "/" in name or name.startswith("."):
        return (relative_to / name).resolve()
    candidate = shipped_styles() / name
    return candidate.resolve() if candidate.is_dir() else None
