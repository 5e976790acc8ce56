"""Writing what an importer read: the review files, and the record that keeps hand edits safe.

An importer reads its source (a CSV export, a feed, a WordPress export, text files)
into :class:`Entry` objects, one per review, plus the entries it passed over and
why. :func:`write_entries` then turns each entry into a review file of the content
contract, ``<DIR>/<slug>.md``, and keeps a record of what it wrote in
``<DIR>/.octavo-import.json``: for each file, the entry it came from (its *source
key*) and the SHA-256 of the bytes written. The record is what makes importing again
safe:

- a new entry gets a new file ("created");
- a file that still holds what was written last time is brought up to date
  ("updated") or left alone when nothing changed ("unchanged");
- a file edited (or deleted) by hand since the last import, or one that octavo
  import did not write, is left alone ("skipped", with the reason) unless
  ``--force`` is given.

An entry keeps the file name it got the first time, even when its title changes
later; a new entry whose title is taken gets ``-2``, ``-3``... Every file, and the
record, is written atomically, and only once every source has been read without
error.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from ..diagnostics import Diagnostic
from ..write.atomic import output_lock, write_all
from .common import RECORD_NAME, Entry, FrontValue, ImportFailed, Passed, Reading

# ---------------------------------------------------------------------------
# The review file

_YAML_ESCAPES = {
    "\\": "\\\\",
    '"': '\\"',
    "\0": "\\0",
    "\a": "\\a",
    "\b": "\\b",
    "\t": "\\t",
    "\n": "\\n",
    "\v": "\\v",
    "\f": "\\f",
    "\r": "\\r",
    "\x1b": "\\e",
    "\x85": "\\N",
    "\u2028": "\\L",
    "\u2029": "\\P",
}


def _yaml_printable(char: str) -> bool:
    # YAML's printable set, minus the BOM, which a reader may drop.
    code = ord(char)
    return (
        0x20 <= code <= 0x7E
        or 0xA0 <= code <= 0xD7FF
        or (0xE000 <= code <= 0xFFFD and code != 0xFEFF)
        or 0x10000 <= code <= 0x10FFFF
    )


def _yaml_escape(char: str) -> str:
    if char in _YAML_ESCAPES:
        return _YAML_ESCAPES[char]
    if _yaml_printable(char):
        return char
    code = ord(char)
    if code <= 0xFF:
        return f"\\x{code:02X}"
    return f"\\u{code:04X}" if code <= 0xFFFF else f"\\U{code:08X}"


def yaml_string(value: str) -> str:
    """``value`` as a double-quoted YAML scalar: it reads back as exactly ``value``.

    Double quotes are the one YAML style where nothing is implicit: no ``NO`` read as
    false, ``0123`` as a number, ``12:30`` as a sexagesimal or ``# x`` as a comment.
    """
    return '"' + "".join(_yaml_escape(char) for char in value) + '"'


#: Keys written as a bare word: their values are a fixed set of lowercase words.
_BARE = re.compile(r"[a-z]+")
#: Keys that take "a name or a list": one name is written as a plain value.
_NAME_KEYS = frozenset({"creator", "cast", "reviewer"})


def _yaml_value(key: str, value: FrontValue) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"  # spoilers, read back as a boolean
    if isinstance(value, int):
        return str(value)  # a year, which the loader reads as a number
    if isinstance(value, date):
        return value.isoformat()  # bare, so that the loader reads a date
    if isinstance(value, list):
        if key in _NAME_KEYS and len(value) == 1:
            return yaml_string(value[0])
        return "[" + ", ".join(yaml_string(item) for item in value) + "]"
    if key == "kind" and _BARE.fullmatch(value):
        return value
    return yaml_string(value)


def render_entry(entry: Entry) -> str:
    """The text of the review file for ``entry``: front matter, a blank line, the body."""
    lines = ["---"]
    lines += [f"{key}: {_yaml_value(key, value)}" for key, value in entry.fields.items()]
    lines.append("---")
    front = "\n".join(lines) + "\n"
    body = entry.body.strip("\n")
    return front + "\n" + body + "\n" if body.strip() else front


# ---------------------------------------------------------------------------
# The record of what was written


@dataclass(frozen=True)
class _Recorded:
    key: str
    sha256: str


_RECORD_FILE_NAME = re.compile(r"[^/\\\x00]+\.md")


def _record_problem(path: Path, problem: str) -> ImportFailed:
    return ImportFailed.single(
        Diagnostic(
            "I518",
            f"the import record cannot be used: {problem}",
            path=path,
            hint="restore it, or delete it to start afresh (every file already in the folder"
            " is then left alone as not made by octavo import, unless you use --force)",
        )
    )


def _read_record(path: Path) -> dict[str, _Recorded]:
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return {}
    except OSError as error:
        raise _record_problem(path, str(error.strerror)) from error
    try:
        loaded = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise _record_problem(path, f"it is not valid JSON ({error})") from error
    files = loaded.get("files") if isinstance(loaded, dict) else None
    if not isinstance(files, dict):
        raise _record_problem(path, "it has no 'files' table")
    record: dict[str, _Recorded] = {}
    for name, item in files.items():
        # A name is a file in this folder: a record cannot send a write anywhere else.
        if not _RECORD_FILE_NAME.fullmatch(name) or name.startswith("."):
            raise _record_problem(path, f"'{name}' is not the name of a review file")
        key = item.get("source") if isinstance(item, dict) else None
        digest = item.get("sha256") if isinstance(item, dict) else None
        if not isinstance(key, str) or not isinstance(digest, str):
            raise _record_problem(path, f"the entry for '{name}' lacks 'source' or 'sha256'")
        record[name] = _Recorded(key, digest)
    return record


def _record_bytes(record: dict[str, _Recorded]) -> bytes:
    data = {
        "about": "What octavo import wrote in this folder: each file, the entry it came"
        " from, and the SHA-256 of what was written, so that a file edited by hand is"
        " never overwritten. Keep it beside the files.",
        "files": {
            name: {"source": item.key, "sha256": item.sha256}
            for name, item in sorted(record.items())
        },
    }
    return (json.dumps(data, indent=2, ensure_ascii=False) + "\n").encode("utf-8")


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


# ---------------------------------------------------------------------------
# Writing


@dataclass(frozen=True)
class Outcome:
    """What became of one entry: ``created``, ``updated``, ``unchanged`` or ``skipped``."""

    action: str
    path: Path
    entry: Entry
    reason: str | None = None


@dataclass(frozen=True)
class ImportResult:
    """What an import did, entry by entry, and what it passed over."""

    folder: Path
    outcomes: list[Outcome]
    passed: list[Passed]
    #: the sample review of ``octavo new``, unchanged, found beside the imported files
    sample: Path | None = None

    def count(self, action: str) -> int:
        return sum(outcome.action == action for outcome in self.outcomes)

    @property
    def written(self) -> list[Path]:
        """The files created or updated, in the order of the source."""
        return [o.path for o in self.outcomes if o.action in ("created", "updated")]

    def summary(self) -> str:
        counts = ", ".join(
            f"{self.count(action)} {action}"
            for action in ("created", "updated", "unchanged", "skipped")
        )
        passed = len(self.passed)
        noun = "entry" if passed == 1 else "entries"
        return (
            f"Imported {len(self.outcomes)} review{'s' * (len(self.outcomes) != 1)} into"
            f" {self.folder}: {counts}; {passed} {noun} passed over."
        )


def _unique_keys(entries: list[Entry]) -> Iterator[Entry]:
    seen: dict[str, int] = {}
    for entry in entries:
        count = seen[entry.key] = seen.get(entry.key, 0) + 1
        if count == 1:
            yield entry
        else:  # the same entry twice in one source: keep both, in order
            yield Entry(f"{entry.key}#{count}", entry.fields, entry.body, entry.origin, entry.notes)


def _names(entries: list[Entry], record: dict[str, _Recorded]) -> list[str]:
    """A file name for each entry: the one it had before, else its stem made unique."""
    recorded_name: dict[str, str] = {}
    for name, item in sorted(record.items()):
        recorded_name.setdefault(item.key, name)
    names: list[str | None] = []
    used: set[str] = set()
    for entry in entries:
        known = recorded_name.get(entry.key)
        if known is not None and known not in used:
            used.add(known)
            names.append(known)
        else:
            names.append(None)
    for index, entry in enumerate(entries):
        if names[index] is not None:
            continue
        number = 1
        while True:
            name = f"{entry.stem}.md" if number == 1 else f"{entry.stem}-{number}.md"
            # A name recorded for another entry stays that entry's, even when it is
            # not in this import (another export may have written it).
            if name not in used and name not in record:
                break
            number += 1
        used.add(name)
        names[index] = name
    return [name for name in names if name is not None]


def _current(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except FileNotFoundError:
        return None


def _decide(
    entry: Entry, path: Path, new: bytes, recorded: _Recorded | None, force: bool
) -> tuple[str, str | None]:
    """The action for one file, and the reason when it is skipped."""
    if path.is_dir() or path.is_symlink():
        what = "a folder" if path.is_dir() else "a symbolic link"
        return "skipped", f"{what} of that name is in the way"
    current = _current(path)
    if current is None:
        if recorded is not None and not force:
            return "skipped", "deleted by hand since the last import; --force to recreate it"
        return "created", None
    if current == new:
        return "unchanged", None
    if force:
        return "updated", None
    if recorded is None:
        return "skipped", "not made by octavo import; --force to overwrite it"
    if _sha256(current) != recorded.sha256:
        return "skipped", "edited by hand since the last import; --force to overwrite it"
    return "updated", None


def write_entries(reading: Reading, to: Path, *, force: bool = False) -> ImportResult:
    """Write each entry of ``reading`` as a review file in ``to``, keeping the record.

    See the module docstring for what is created, updated, left unchanged and skipped.
    Nothing is written when nothing changed: importing the same source twice leaves
    the folder, and the record, exactly as they were.
    """
    entries = list(_unique_keys(reading.entries))
    with output_lock(to):
        record_path = to / RECORD_NAME
        old_record = _read_record(record_path)
        record = dict(old_record)
        outcomes: list[Outcome] = []
        writes: list[tuple[Path, bytes]] = []
        for entry, name in zip(entries, _names(entries, old_record), strict=True):
            path = to / name
            new = render_entry(entry).encode("utf-8")
            recorded = old_record.get(name)
            if recorded is not None and recorded.key != entry.key:
                recorded = None
            action, reason = _decide(entry, path, new, recorded, force)
            outcomes.append(Outcome(action, path, entry, reason))
            if action in ("created", "updated"):
                writes.append((path, new))
            if action != "skipped":
                record[name] = _Recorded(entry.key, _sha256(new))
        if record != old_record:
            writes.append((record_path, _record_bytes(record)))
        if writes:
            write_all(writes)
    return ImportResult(to, outcomes, list(reading.passed), _untouched_sample(to))


def _untouched_sample(folder: Path) -> Path | None:
    """The sample review ``octavo new`` wrote, if it lies unchanged in ``folder``."""
    from ..scaffold import SAMPLE_NAME, is_untouched_sample

    path = folder / Path(SAMPLE_NAME).name
    try:
        return path if is_untouched_sample(path.read_text(encoding="utf-8")) else None
    except (OSError, UnicodeDecodeError):
        return None
