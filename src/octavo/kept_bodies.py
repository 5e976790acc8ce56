"""The file a cache of bodies is kept in: plain JSON, ``{"format": N, "bodies": {...}}``.

Two caches keep bodies this way, each in one file under ``<out>/.octavo-cache/``: the
Markdown bodies (:mod:`octavo.load.body_cache`) and the bodies prepared for the print
HTML (:mod:`octavo.render.print_bodies`). A file is read whole or not at all (missing,
truncated, edited, of another format: no entry), and written in one go, to a
temporary file beside it that then takes its place; a file that cannot be written is
no error (the bodies are made again next time).
"""

from __future__ import annotations

import contextlib
import json
import os
from pathlib import Path
from typing import Any


def read_entries(path: Path, format: int) -> dict[str, Any]:
    """The file's entries by key, each as JSON gives it (the caller checks its
    shape); none where the file does not read back, or is of another format."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        entries = data["bodies"] if data["format"] == format else {}
    except (OSError, ValueError, KeyError, TypeError):
        return {}
    return entries if isinstance(entries, dict) else {}


def write_entries(path: Path, format: int, entries: dict[str, Any]) -> None:
    """Write the file with ``entries``, or leave it as it was where it cannot be."""
    with contextlib.suppress(OSError):
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        temporary.write_text(json.dumps({"format": format, "bodies": entries}), encoding="utf-8")
        temporary.replace(path)
