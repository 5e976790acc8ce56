"""The thresholds and severities of the audit: ``[audit]`` in a theme's ``theme.toml``.

A key the nearest theme does not set comes from the theme it extends, then from the
defaults of :class:`AuditSettings`; a wrong value is a theme error (S302).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..errors import Refused
from ..themes import THEME_FILE, Theme

CODES = ("T701", "T702", "T703", "T704", "T705", "T706", "T707", "T708", "T709")


@dataclass(frozen=True)
class AuditSettings:
    """The thresholds of ``octavo audit``: ``[audit]`` in a theme's ``theme.toml``."""

    #: T703: a review's last page holds at least this many lines
    last_page_lines: int = 5
    #: T704: a paragraph's last line, when it is one word or the end of a hyphenated
    #: word, holds at least this many characters
    last_line_characters: int = 4
    #: T705: at most this many hyphenated lines in a row
    hyphenated_lines: int = 2
    #: T707: a justified word space is at most this many times the font's own space
    word_space: float = 2.5
    #: the severity of each code: "error", "warning" or "off" (T701 is an error)
    severity: dict[str, str] = field(default_factory=lambda: {"T701": "error"})

    def severity_of(self, code: str) -> str:
        return self.severity.get(code, "warning")


_LIMITS: dict[str, tuple[type, float, float]] = {
    "last_page_lines": (int, 1, 100),
    "last_line_characters": (int, 1, 40),
    "hyphenated_lines": (int, 1, 20),
    "word_space": (float, 1.0, 10.0),
}


def audit_settings(theme: Theme) -> AuditSettings:
    """The ``[audit]`` settings of a theme and the themes it extends, nearest first.

    A key the nearest theme does not set comes from the theme it extends, then from
    the defaults; a wrong value is a theme error (S302), as ``[tables]`` is.
    """
    values: dict[str, Any] = {}
    severity: dict[str, str] = {"T701": "error"}
    for folder, settings in reversed(list(zip(theme.folders, theme.settings, strict=True))):
        table = settings.get("audit")
        if table is None:
            continue
        where = f"{folder / THEME_FILE}: [audit]"
        if not isinstance(table, dict):
            raise _refused(f"{where} must be a table")
        for key, value in table.items():
            if key == "severity":
                severity.update(_severities(value, where))
                continue
            if key not in _LIMITS:
                raise _refused(f"{where} has no key {key!r} (known: {', '.join(_LIMITS)})")
            kind, low, high = _LIMITS[key]
            number_ok = isinstance(value, int | float) and not isinstance(value, bool)
            if kind is int and not isinstance(value, int):
                number_ok = False
            if not number_ok or not low <= value <= high:
                raise _refused(f"{where} {key} must be a number from {low:g} to {high:g}")
            values[key] = kind(value)
    return AuditSettings(**values, severity=severity)


def _severities(value: object, where: str) -> dict[str, str]:
    if not isinstance(value, dict):
        raise _refused(f'{where} severity must be a table, e.g. {{ T704 = "error" }}')
    found: dict[str, str] = {}
    for code, level in value.items():
        if code not in CODES or level not in ("error", "warning", "off"):
            raise _refused(
                f"{where} severity: {code} = {level!r}: codes are {', '.join(CODES)},"
                " levels error, warning or off"
            )
        found[code] = str(level)
    return found


def _refused(message: str) -> Refused:
    return Refused(
        message,
        'see docs/audit.md: e.g. [audit] last_page_lines = 5, severity = { T704 = "error" }',
        code="S302",
    )
