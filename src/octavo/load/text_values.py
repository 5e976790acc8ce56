"""What the reading of front matter and of the manifest share: the characters no book
may hold, the strings in a value read, and where TOML's errors are.

Apart from :mod:`.frontmatter`, which reads YAML too: the manifest is read by every
build, even one that finds its book up to date, which needs no YAML parser.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterator

#: Characters no book may hold: C0 and C1 controls (but tab and line ends),
#: surrogates, and the two noncharacters XML refuses.
FORBIDDEN_CHARACTER = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")


def forbidden_character(text: str) -> str | None:
    """A sentence naming the first forbidden character of ``text``, or None."""
    if match := FORBIDDEN_CHARACTER.search(text):
        return f"the invisible control character U+{ord(match.group()):04X}"
    return None


def strings_in(value: object) -> Iterator[str]:
    """Every string in a value read from TOML or YAML, keys included."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield str(key)
            yield from strings_in(item)
    elif isinstance(value, list):
        for item in value:
            yield from strings_in(item)


_TOML_POSITION = re.compile(r"\(at line (\d+), column \d+\)")


def toml_line(error: tomllib.TOMLDecodeError, offset: int) -> int | None:
    lineno = getattr(error, "lineno", None)
    if isinstance(lineno, int):
        return lineno + offset - 1
    match = _TOML_POSITION.search(str(error))
    return int(match.group(1)) + offset - 1 if match else None


def toml_message(error: tomllib.TOMLDecodeError) -> str:
    message = getattr(error, "msg", None)
    if isinstance(message, str):
        return message
    return _TOML_POSITION.sub("", str(error)).strip()
