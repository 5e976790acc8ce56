"""The checks a review's Markdown goes through before it is rendered.

Each refuses, with the file and line, something markdown-it would otherwise drop or
pass on without a word: footnotes and table cells it loses, nesting too deep, links
and raw HTML a book may not hold.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from markdown_it.token import Token

from ..diagnostics import Report
from ..limits import MAX_NESTING
from .html_policy import REFUSED_ELEMENTS, URL_ATTRIBUTES, link_problem

_TAG = re.compile(r"<\s*([A-Za-z][A-Za-z0-9:-]*)((?:[^>\"']|\"[^\"]*\"|'[^']*')*)>")
_ATTRIBUTE = re.compile(r"""([^\s=/"'>]+)(?:\s*=\s*("[^"]*"|'[^']*'|[^\s>]+))?""")

_FOOTNOTE_DEFINITION = re.compile(r"^ {0,3}\[\^([^\]\s]+)\]:", re.MULTILINE)


def check_footnotes(
    text: str, env: dict[str, Any], path: Path, first_line: int, report: Report
) -> None:
    """Footnote text that markdown-it would drop without a word is an error."""
    refs: dict[str, int] = env.get("footnotes", {}).get("refs", {})
    seen: set[str] = set()
    for match in _FOOTNOTE_DEFINITION.finditer(text):
        label = match.group(1)
        line = first_line + text.count("\n", 0, match.start())
        if f":{label}" not in refs:
            continue  # not a definition after all (in a code block, say)
        if label in seen:
            report.error(
                "R221",
                f"the footnote [^{label}] is defined twice; the second text would be lost",
                path,
                line,
                hint="give each footnote its own label",
            )
        elif refs[f":{label}"] == -1:
            report.error(
                "R221",
                f"the footnote [^{label}] is never referenced, so its text would be lost",
                path,
                line,
                hint=f"add [^{label}] in the text where the note belongs, or delete the note",
            )
        seen.add(label)


_CELL_SEPARATOR = re.compile(r"(?<!\\)\|")


def _cells(line: str) -> int:
    """Cells in a table row, counted as markdown-it counts them (code spans too)."""
    row = line.strip()
    row = row.removeprefix("|")
    row = row[:-1] if row.endswith("|") and not row.endswith("\\|") else row
    return len(_CELL_SEPARATOR.split(row))


def check_tables(
    tokens: list[Token], text: str, path: Path, first_line: int, report: Report
) -> None:
    """A table row with more cells than its header would lose them without a word."""
    lines = text.split("\n")
    for token in tokens:
        if token.type != "table_open" or not token.map:
            continue
        start, end = token.map
        header = _cells(lines[start])
        for number in range(start + 2, min(end, len(lines))):
            cells = _cells(lines[number])
            if cells > header:
                report.error(
                    "R222",
                    f"this table row has {cells} cells but the header has {header}:"
                    " the extra cells would be lost",
                    path,
                    number + first_line,
                    hint="add columns to the header, or merge the extra cells",
                )


_CONTAINERS = ("blockquote", "bullet_list", "ordered_list", "dl", "footnote_block")


def check_nesting(tokens: list[Token], path: Path, first_line: int, report: Report) -> bool:
    """Refuse lists and quotes nested deeper than MAX_NESTING (each counts once)."""
    depth = 0
    line = first_line
    for token in tokens:
        if token.map:
            line = token.map[0] + first_line
        kind = token.type.rpartition("_")[0]
        if kind in _CONTAINERS:
            depth += 1 if token.nesting == 1 else -1
        if depth > MAX_NESTING or token.level >= 2 * MAX_NESTING + 18:
            report.error(
                "R211",
                f"the text is nested more than {MAX_NESTING} levels deep"
                " (lists or quotes inside each other)",
                path,
                line,
                hint="flatten the nesting; a printed page cannot show it anyway",
            )
            return False
    return True


def _check_link(url: str, path: Path, line: int, report: Report) -> None:
    if problem := link_problem(url):
        report.error(
            "R215", problem, path, line, hint="link to a web address (https://...) or an #anchor"
        )


def check_links(tokens: list[Token], path: Path, first_line: int, report: Report) -> None:
    for token in tokens:
        line = token.map[0] + first_line if token.map else first_line
        for child in token.children or []:
            if child.type == "link_open":
                _check_link(str(child.attrs.get("href", "")), path, line, report)


def check_raw_html(tokens: list[Token], path: Path, first_line: int, report: Report) -> None:
    """Refuse raw HTML that would run code, fetch something or restyle the page."""
    for token in tokens:
        line = token.map[0] + first_line if token.map else first_line
        pieces = [token] if token.type == "html_block" else []
        pieces += [child for child in token.children or [] if child.type == "html_inline"]
        for piece in pieces:
            for match in _TAG.finditer(piece.content):
                where = line + piece.content.count("\n", 0, match.start())
                _check_tag(match.group(1).lower(), match.group(2), path, where, report)


def _check_tag(name: str, attributes: str, path: Path, line: int, report: Report) -> None:
    hint = "remove it; reviews hold text, and the theme does the styling"
    if name in ("img", "picture", "image"):
        report.error(
            "R216",
            f"raw HTML <{name}> is refused: write images in Markdown, as"
            " ![description](images/file.png)",
            path,
            line,
            hint="Markdown images are checked and packed into the book; raw ones are not",
        )
        return
    if name in REFUSED_ELEMENTS:
        report.error("R216", f"raw HTML <{name}> is refused", path, line, hint)
        return
    for attribute in _ATTRIBUTE.finditer(attributes):
        key = attribute.group(1).lower()
        value = (attribute.group(2) or "").strip("\"'")
        if key.startswith("on"):
            report.error(
                "R216", f"the event handler {key}= on <{name}> is refused", path, line, hint
            )
        elif key == "style":
            report.error("R216", f"the style= attribute on <{name}> is refused", path, line, hint)
        elif key in URL_ATTRIBUTES:
            _check_link(value, path, line, report)


_VOID_ELEMENTS = frozenset({"br", "hr", "img", "wbr", "col", "area", "input", "meta", "link"})
#: Elements inside each other, raw HTML included; XML parsers stop at 256.
MAX_ELEMENT_DEPTH = 4 * MAX_NESTING


def check_html_depth(html: str, path: Path, first_line: int, report: Report) -> bool:
    """Refuse raw HTML nested deeper than any page can show (R211 counts Markdown only)."""
    depth = deepest = 0
    for match in re.finditer(r"<(/?)([a-zA-Z][a-zA-Z0-9]*)[^>]*?(/?)>", html):
        if match.group(2).lower() in _VOID_ELEMENTS or match.group(3):
            continue
        depth += -1 if match.group(1) else 1
        deepest = max(deepest, depth)
    if deepest <= MAX_ELEMENT_DEPTH:
        return True
    report.error(
        "R211",
        f"the text's HTML elements are nested more than {MAX_ELEMENT_DEPTH} deep",
        path,
        first_line,
        hint="remove the raw HTML tags wrapped around each other",
    )
    return False
