"""Split a Markdown file into its front matter and body, and read the front matter.

We read YAML ourselves instead of using ``yaml.safe_load``, because the safe loader
loses data without a word: ``isbn: 0123`` becomes 83, ``12:30`` becomes 750, ``NO``
becomes False, and a repeated key silently wins. Here a scalar is only a number, a
boolean or a date when it plainly looks like one, every value keeps the text it was
written as (so a field that wants text gets "0123"), each key knows its line, and
a repeated key is an error.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import yaml

from ..diagnostics import Report
from ..limits import MAX_FRONT_MATTER_BYTES, MAX_FRONT_MATTER_VALUES
from .text_values import (
    forbidden_character,
    strings_in,
    toml_line,
    toml_message,
)


@dataclass(frozen=True)
class Field:
    """A front-matter value with the line it is on and the text it was written as."""

    value: object
    line: int
    text: str | None = None  #: the scalar's source text; None for lists and mappings


@dataclass(frozen=True)
class Source:
    """A Markdown file split in two."""

    fields: dict[str, Field]
    body: str
    body_line: int  #: the file line on which the body starts


_OPENERS = {"---": "yaml", "+++": "toml"}


def split_front_matter(text: str, path: Path, report: Report) -> Source:
    """Split ``text`` (a whole file, BOM and CRLF allowed) into front matter and body.

    A file without front matter is all body. An opening ``---`` or ``+++`` with no
    closing line is an error: guessing where it ends would lose text.
    """
    text = text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    lines = text.split("\n")
    opener = lines[0].rstrip() if lines else ""
    if opener not in _OPENERS:
        return Source({}, text, 1)
    for number in range(1, len(lines)):
        if lines[number].rstrip() == opener:
            block = "\n".join(lines[1:number])
            body = "\n".join(lines[number + 1 :])
            if len(block.encode("utf-8")) > MAX_FRONT_MATTER_BYTES:
                report.error(
                    "R219",
                    f"the front matter is {len(block.encode('utf-8')) // 1024} KB, more than"
                    f" the {MAX_FRONT_MATTER_BYTES // 1024} KB allowed",
                    path,
                    1,
                    hint="keep long text in the body, below the front matter",
                )
                return Source({}, body, number + 2)
            reader = _read_yaml if _OPENERS[opener] == "yaml" else _read_toml
            fields = reader(block, path, report)
            return Source(fields, body, number + 2)
    report.error(
        "R204",
        f"the front matter opened with '{opener}' on line 1 is never closed",
        path,
        1,
        hint=f"add a line with just '{opener}' after the last front-matter key",
    )
    return Source({}, "", len(lines) + 1)


# --- YAML ---------------------------------------------------------------------------

_INT = re.compile(r"[-+]?(0|[1-9][0-9]*)")
_FLOAT = re.compile(r"[-+]?([0-9]+\.[0-9]+|\.[0-9]+)([eE][-+]?[0-9]+)?")
_BOOLS = {"true": True, "false": False}
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_NULLS = {"", "~", "null", "Null", "NULL"}


class _Problem(Exception):
    """A wrong value; ``line`` None means "on the line of the key being read"."""

    def __init__(self, message: str, line: int | None, hint: str | None = None) -> None:
        super().__init__(message)
        self.line = line
        self.hint = hint


#: LibYAML's parser when PyYAML has it (its wheels do): the same nodes, marks and
#: errors, five times faster than the pure-Python one.
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _read_yaml(block: str, path: Path, report: Report) -> dict[str, Field]:
    # Line numbers in the file: the block starts on line 2, after the opening '---'.
    offset = 2
    try:
        node = yaml.compose(block, Loader=_LOADER)
    except yaml.MarkedYAMLError as error:
        if "nesting depth" in (error.problem or ""):  # LibYAML's limit on brackets
            report.error("R203", "the front matter is nested too deeply", path, offset)
            return {}
        mark = error.problem_mark or error.context_mark
        # An unclosed bracket or quote is only noticed lines later: point at its start.
        if error.context_mark and (error.context or "").startswith(_OPENED_AT):
            mark = error.context_mark
        line = mark.line + offset if mark else None
        report.error(
            "R203",
            f"the front matter is not valid YAML: {error.problem or error}",
            path,
            line,
            hint="check the quoting on that line; quote values holding ': ' or '#'",
            column=mark.column + 1 if mark else None,
        )
        return {}
    except yaml.YAMLError as error:
        report.error("R203", f"the front matter is not valid YAML: {error}", path, offset)
        return {}
    except RecursionError:  # the composer recurses once per nested bracket
        report.error("R203", "the front matter is nested too deeply", path, offset)
        return {}
    if node is None:
        return {}
    if not isinstance(node, yaml.MappingNode):
        report.error(
            "R203",
            "the front matter must be a list of 'key: value' lines",
            path,
            node.start_mark.line + offset,
            hint="write one 'key: value' per line between the '---' lines",
        )
        return {}
    fields: dict[str, Field] = {}
    budget = [_MAX_VALUES]  # shared by every key: the limit is per file
    for key_node, value_node in node.value:
        line = key_node.start_mark.line + offset
        if not isinstance(key_node, yaml.ScalarNode):
            report.error("R203", "a front-matter key must be a plain word", path, line)
            continue
        key = key_node.value
        if key in fields:
            report.error(
                "R205",
                f"the key '{key}' is given twice (first on line {fields[key].line})",
                path,
                line,
                hint="keep one of the two lines",
            )
            continue
        try:
            value = _construct(value_node, offset, budget)
        except _Problem as problem:
            report.error("R203", str(problem), path, problem.line or line, problem.hint)
            continue
        text = value_node.value if isinstance(value_node, yaml.ScalarNode) else None
        fields[key] = Field(value, line, text)
    return fields


#: More values than any review needs; YAML aliases could otherwise expand a few
#: lines into billions of values ("billion laughs").
_MAX_VALUES = MAX_FRONT_MATTER_VALUES
#: Deeper than any review needs; an alias inside its own anchor (``&a [*a]``) is
#: infinitely deep.
_MAX_DEPTH = 100
#: The YAML tags front matter may use (what an untagged value resolves to). Any other,
#: such as ``!!python/object`` or ``!!binary``, is refused.
_TAGS = frozenset(
    f"tag:yaml.org,2002:{name}"
    for name in ("str", "int", "float", "bool", "null", "timestamp", "seq", "map")
)
_OPENED_AT = ("while parsing a flow", "while scanning a quoted", "while scanning a simple key")


def _construct(
    node: yaml.Node, offset: int, budget: list[int] | None = None, depth: int = 0
) -> object:
    budget = budget if budget is not None else [_MAX_VALUES]
    budget[0] -= 1
    if budget[0] < 0:
        raise _Problem(
            "the front matter holds too many values (are YAML aliases repeating it?)",
            None,  # the key whose value grew too big, not the alias it repeats
            "remove the '&' anchors and '*' aliases",
        )
    if node.tag not in _TAGS and _explicitly_tagged(node):
        raise _Problem(
            f"YAML tags such as '{node.tag.replace('tag:yaml.org,2002:', '!!')}' are not allowed",
            node.start_mark.line + offset,
            "remove the '!' tag: front matter holds plain text, numbers, dates and lists",
        )
    if depth > _MAX_DEPTH:
        raise _Problem(
            "the front matter is nested too deeply (does a YAML alias hold itself?)",
            node.start_mark.line + offset,
            "remove the '&' anchors and '*' aliases",
        )
    if isinstance(node, yaml.ScalarNode):
        return _scalar(node, offset)
    if isinstance(node, yaml.SequenceNode):
        return [_construct(item, offset, budget, depth + 1) for item in node.value]
    if isinstance(node, yaml.MappingNode):
        mapping: dict[str, object] = {}
        for key_node, value_node in node.value:
            key = str(key_node.value)
            if key in mapping:
                raise _Problem(
                    f"the key '{key}' is given twice",
                    key_node.start_mark.line + offset,
                    "keep one of the two",
                )
            mapping[key] = _construct(value_node, offset, budget, depth + 1)
        return mapping
    raise _Problem("unsupported YAML value", node.start_mark.line + offset)


def _explicitly_tagged(node: yaml.Node) -> bool:
    """Whether the value was written with a ``!tag`` (not just resolved from its text)."""
    mark = node.start_mark
    buffer = getattr(mark, "buffer", None)
    pointer = getattr(mark, "pointer", None)
    if not isinstance(buffer, str) or not isinstance(pointer, int):
        return True  # cannot tell: refuse, to be safe
    # the node starts at its anchor or tag: "&a !tag value" or "!tag value"
    text = buffer[pointer : pointer + 200]
    return text.startswith("!") or bool(re.match(r"&\S+\s+!", text))


def _scalar(node: yaml.ScalarNode, offset: int) -> object:
    text: str = node.value
    if problem := forbidden_character(text):
        raise _Problem(
            f"the value holds {problem} (written as an escape)",
            node.start_mark.line + offset,
            "remove the escape sequence from the quoted value",
        )
    if node.style:  # quoted or block scalars are always text (plain: None, or "" in LibYAML)
        return text
    if text in _NULLS:
        return None
    if text in _BOOLS:
        return _BOOLS[text]
    if _INT.fullmatch(text):
        return int(text)
    if _FLOAT.fullmatch(text):
        return float(text)
    if _DATE.fullmatch(text):
        try:
            return date.fromisoformat(text)
        except ValueError:
            return text
    return text


# --- TOML ---------------------------------------------------------------------------


def _read_toml(block: str, path: Path, report: Report) -> dict[str, Field]:
    offset = 2
    try:
        # The final newline lets tomllib give a line for a mistake on the last line,
        # instead of "at end of document".
        data = tomllib.loads(block + "\n")
    except tomllib.TOMLDecodeError as error:
        report.error(
            "R203",
            f"the front matter is not valid TOML: {toml_message(error)}",
            path,
            toml_line(error, offset),
            hint="check the quoting on that line",
        )
        return {}
    lines = block.split("\n")
    fields: dict[str, Field] = {}
    for key, value in data.items():
        line = offset
        for number, source_line in enumerate(lines):
            if re.match(rf"\s*[\"']?{re.escape(key)}[\"']?\s*=", source_line):
                line = number + offset
                break
        problem = next(filter(None, map(forbidden_character, strings_in(value))), None)
        if problem:
            report.error(
                "R203",
                f"'{key}' holds {problem} (written as an escape)",
                path,
                line,
                hint="remove the escape sequence from the quoted value",
            )
            continue
        text = value if isinstance(value, str) else None
        fields[key] = Field(value, line, text)
    return fields
