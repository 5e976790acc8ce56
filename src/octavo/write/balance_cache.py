"""The balancing decisions of earlier builds, so that a rebuild applies them up front.

A decision (see :mod:`octavo.write.balance`) is the class a review is set with, or
none, for the side of the spread it begins on. It depends on nothing but the
review's print HTML, the theme's files and the page size, which its key is made
from; the side is kept inside the entry, with the side the review began on in the
last book, which the next build guesses it begins on again (and checks).

The decisions live in one JSON file beside the cache of PDF parts
(``<out>/.octavo-cache/balance.json``), shared by the screen and the printer's
PDF, whose text blocks are the same. It is plain data: a file that does not read
back as this format is empty, and a decision applied on a wrong guess is found out
and made again, so it can never leave a review unbalanced that a build without it
would balance.
"""

from __future__ import annotations

import contextlib
import json
import os
from pathlib import Path

#: Bumped when the entries' format or the adjustments change: older files are then empty.
FORMAT = 2

SIDES = ("left", "right")


class BalanceCache:
    """The decisions kept in ``path`` (None: for this build only)."""

    def __init__(self, path: Path | None) -> None:
        self.path = path
        self.entries: dict[str, dict[str, str]] = {}
        self.used: set[str] = set()
        #: the last book's reviews by id: the side each began on and its class
        self.reviews: dict[str, dict[str, str]] = {}
        self.remembered: dict[str, dict[str, str]] = {}  #: this book's, to keep
        if path is None:
            return
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return
        if not isinstance(data, dict) or data.get("format") != FORMAT:
            return
        entries = data.get("entries")
        if isinstance(entries, dict):
            self.entries = _strings(entries)
        reviews = data.get("reviews")  # not in the files of earlier versions
        if isinstance(reviews, dict):
            self.reviews = _strings(reviews)

    def decision(self, key: str, side: str) -> str | None:
        """The class of the review under ``key`` beginning on ``side`` ("" for none),
        or None when it was never decided."""
        self.used.add(key)
        return self.entries.get(key, {}).get(side)

    def last_side(self, key: str) -> str | None:
        """The side the review began on in the last book laid out with it."""
        side = self.entries.get(key, {}).get("side")
        return side if side in SIDES else None

    def last_of(self, identifier: str) -> tuple[str, str] | None:
        """The side the review with this id began on in the last book, and its class
        there ("" for none); None when that book had no such review."""
        entry = self.reviews.get(identifier, {})
        side, decision = entry.get("side"), entry.get("class")
        return (side, decision) if side in SIDES and decision is not None else None

    def remember(self, identifier: str, side: str, decision: str) -> None:
        """The review with this id begins on ``side`` in this book, with that class."""
        self.remembered[identifier] = {"side": side, "class": decision}

    def keep(self, key: str, side: str, decision: str | None = None) -> None:
        """The review begins on ``side``; ``decision`` its class there, when made now."""
        self.used.add(key)
        entry = self.entries.setdefault(key, {})
        entry["side"] = side
        if decision is not None:
            entry[side] = decision

    def save(self) -> None:
        """Write the decisions this build used; one that cannot be written is no error."""
        if self.path is None:
            return
        entries = {key: self.entries[key] for key in sorted(self.used) if key in self.entries}
        data = {"format": FORMAT, "entries": entries, "reviews": self.remembered}
        text = json.dumps(data, indent=0, sort_keys=True)
        with contextlib.suppress(OSError):
            self.path.parent.mkdir(parents=True, exist_ok=True)
            temporary = self.path.with_name(f".{self.path.name}.{os.getpid()}.octavo-tmp")
            temporary.write_text(text, encoding="utf-8")
            temporary.replace(self.path)


def _strings(entries: dict[object, object]) -> dict[str, dict[str, str]]:
    """The entries that are objects of strings, by string keys (the rest left out)."""
    return {
        key: {k: v for k, v in entry.items() if isinstance(k, str) and isinstance(v, str)}
        for key, entry in entries.items()
        if isinstance(key, str) and isinstance(entry, dict)
    }
