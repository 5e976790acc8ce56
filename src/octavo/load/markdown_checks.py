"""The checks a review's Markdown goes through before it is rendered.

Each refuses, with the file and line, something markdown-it would otherwise drop or
pass on without a word: footnotes and table cells it loses, raw HTML left open that
swallows the rest of the text, nesting too deep, links to nowhere, and links and raw
HTML a book may not hold.

The checks read markdown-it's tokens, not the raw text, so that they see what the
parser saw at any depth (a table in a list in a quote, a note defined in a quote).
:func:`parse` keeps the block tokens as the block parser left them, because the
footnote plugin later drops the notes nobody calls, with everything inside them.
"""

from __future__ import annotations

import re
from collections.abc import Generator, Iterator
from dataclasses import dataclass
from html import unescape
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from markdown_it import MarkdownIt
from markdown_it.common.utils import mdTrim
from markdown_it.rules_block.table import escapedSplit
from markdown_it.rules_core import StateCore
from markdown_it.rules_core import block as block_rule
from markdown_it.token import Token

from ..diagnostics import Report
from ..limits import MAX_NESTING
from .html_policy import HTML_ATTRIBUTE, HTML_TAG, link_problem


@dataclass(frozen=True)
class Parsed:
    """A Markdown text as markdown-it read it."""

    #: the tokens the renderer gets
    tokens: list[Token]
    #: every block token as the block parser left it (inline children filled in),
    #: notes the footnote plugin drops included; no footnote block at the end
    blocks: list[Token]
    #: the text's lines as markdown-it read them (newlines normalised)
    lines: list[str]
    env: dict[str, Any]


def parse(parser: MarkdownIt, text: str) -> Parsed:
    """``parser.parse(text)``, keeping the block tokens before the core rules that follow
    the block parser (the footnote plugin's tail) reorder and drop them."""
    env: dict[str, Any] = {}
    state = StateCore(text, parser, env)
    blocks: list[Token] = []
    for rule in parser.core.ruler.getRules(""):
        rule(state)
        if rule is block_rule:
            blocks = list(state.tokens)
    return Parsed(state.tokens, blocks, state.src.split("\n"), env)


# --- lines of inline tokens -------------------------------------------------------


def inline_children(parsed: Parsed) -> Iterator[tuple[Token, int]]:
    """Every inline token (a link, a piece of raw HTML...) with its line, from 0.

    markdown-it gives lines to blocks only; a child's line is its block's first
    line plus the line breaks before it. Notes written inline (``^[...]``) are
    visited where they are called.
    """
    line = 0
    for token in parsed.blocks:
        if token.map:
            line = token.map[0]
        if token.type == "inline" and token.children:
            yield from _children(token.children, line, parsed.env)


def _children(
    children: list[Token], line: int, env: dict[str, Any]
) -> Generator[tuple[Token, int], None, int]:
    titles: list[int] = []  # line breaks in the titles of the links still open
    for child in children:
        yield child, line
        if child.type in ("softbreak", "hardbreak"):
            line += 1
        elif child.type in ("text", "html_inline", "code_inline"):
            line += child.content.count("\n")
        elif child.type == "image":
            line += _breaks(child.children or []) + _title_breaks(child)
        elif child.type == "link_open":
            titles.append(_title_breaks(child))  # the title comes after the link text
        elif child.type == "link_close" and titles:
            line += titles.pop()
        elif child.type == "footnote_ref":
            note = env.get("footnotes", {}).get("list", {}).get(child.meta.get("id"), {})
            if "tokens" in note:  # ^[a note written inline]
                line = yield from _children(note["tokens"], line, env)
    return line


def _breaks(children: list[Token]) -> int:
    return sum(
        1 if child.type in ("softbreak", "hardbreak") else _breaks(child.children or [])
        for child in children
    )


def _title_breaks(token: Token) -> int:
    return str(token.attrs.get("title", "")).count("\n")


# --- notes ------------------------------------------------------------------------


def check_footnotes(parsed: Parsed, path: Path, first_line: int, report: Report) -> None:
    """Footnote text that markdown-it would drop without a word is an error.

    The plugin drops a note nobody calls, keeps only the last of two notes with one
    label, and garbles a note defined inside another, wherever they stand.
    """
    refs: dict[str, int] = parsed.env.get("footnotes", {}).get("refs", {})
    first: dict[str, int] = {}
    enclosing: list[tuple[str, int]] = []
    for token in parsed.blocks:
        if token.type == "footnote_reference_close":
            enclosing.pop()
        if token.type != "footnote_reference_open":
            continue
        label = str(token.meta["label"])
        line = (token.map[0] if token.map else 0) + first_line
        if enclosing:
            outer, outer_line = enclosing[-1]
            report.error(
                "R221",
                f"the footnote [^{label}] is defined inside the footnote [^{outer}] of line"
                f" {outer_line}: the text of both would be lost or misplaced",
                path,
                line,
                hint=f"end the note [^{outer}] first: start [^{label}]: at the beginning of"
                " a line, not indented under the other note",
            )
        enclosing.append((label, line))
        if label in first:
            report.error(
                "R221",
                f"the footnote [^{label}] is defined twice, on line {first[label]} and here:"
                " only the last text would be printed, the other would be lost",
                path,
                line,
                hint="give each note its own label, and call each where it belongs",
            )
            continue
        first[label] = line
        if refs.get(f":{label}", -1) == -1:
            report.error(
                "R221",
                f"the footnote [^{label}] is never referenced, so its text would be lost",
                path,
                line,
                hint=f"add [^{label}] in the text where the note belongs, or delete the note",
            )


# --- tables -----------------------------------------------------------------------

_CODE_SPAN = re.compile(r"(?<![`\\])(`+)(?!`)(.+?)(?<!`)\1(?!`)")


def _cells(row: str) -> int:
    """The cells of a table row, split as markdown-it splits them (its own function)."""
    cells = escapedSplit(mdTrim(row))
    if cells and cells[0] == "":
        cells.pop(0)
    if cells and cells[-1] == "":
        cells.pop()
    return len(cells)


def check_tables(parsed: Parsed, path: Path, first_line: int, report: Report) -> None:
    """A table row with more cells than its header would lose them without a word.

    The header's cells are counted in the tokens; a body row's in the source line,
    without the quote marks and indentation of the blocks around the table.
    """
    header = 0
    in_body = False
    for token in parsed.blocks:
        if token.type == "table_open":
            header, in_body = 0, False
        elif token.type == "th_open":
            header += 1
        elif token.type == "tbody_open":
            in_body = True
        elif token.type == "tr_open" and in_body and token.map:
            number = token.map[0]
            line = parsed.lines[number]
            # Before a row stand only the quote marks and indentation of its containers:
            # a row is never a container's first line, so no list or note marker.
            row = line.lstrip(" \t>")
            cells = _cells(row)
            if cells <= header:
                continue
            in_code = _cells(_CODE_SPAN.sub(lambda m: m.group().replace("|", " "), row))
            report.error(
                "R222",
                f"this table row has {cells} cells but the header has {header}:"
                " the extra cells would be lost",
                path,
                number + first_line,
                hint="a | inside `code` still separates cells: write it as \\|"
                if in_code <= header
                else "add columns to the header, or merge the extra cells",
            )


# --- nesting ----------------------------------------------------------------------

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


# --- links and images -------------------------------------------------------------


def check_link(
    url: str, path: Path, line: int, report: Report, written: str | None = None, where: str = ""
) -> None:
    if problem := link_problem(url, written):
        report.error(
            "R215",
            problem + where,
            path,
            line,
            hint="link to a web address (https://...) or an #anchor",
        )


def _definitions(parsed: Parsed, href: str, first_line: int) -> str:
    """Where the reference definitions (``[label]: url``) of a link's target stand."""
    lines = [
        reference["map"][0] + first_line
        for reference in parsed.env.get("references", {}).values()
        if reference.get("href") == href and reference.get("map")
    ]
    if not lines:
        return ""
    return f" (set by the definition on line {', '.join(map(str, sorted(lines)))})"


def check_links(parsed: Parsed, path: Path, first_line: int, report: Report) -> None:
    """Refuse Markdown links a book cannot follow: files, ``javascript:``, nothing."""
    for child, line in inline_children(parsed):
        if child.type != "link_open":
            continue
        href = str(child.attrs.get("href", ""))
        # markdown-it percent-encodes what was written (é is %C3%A9): show it as written
        written = unquote(href)
        source = parsed.lines[line] if line < len(parsed.lines) else ""
        inline = f"]({written}" in source or f"](<{written}" in source
        where = "" if inline else _definitions(parsed, href, first_line)
        check_link(href, path, line + first_line, report, written, where)


def check_image_sources(parsed: Parsed, path: Path, first_line: int, report: Report) -> None:
    """An image that names no file (``![x]()``, ``![x](#top)``) is an error that says so.

    The image becomes its description, so that the resolver does not report it again.
    """
    for child, line in inline_children(parsed):
        if child.type != "image":
            continue
        source = str(child.attrs.get("src", ""))
        parts = urlsplit(source)
        if parts.path or parts.scheme or parts.netloc:
            continue
        alt = child.content or ""
        written = unquote(source)
        if written.startswith("#"):
            problem = f"points at the anchor {written}, but an image needs a picture file"
        else:
            problem = "names no file: an image needs the path of a picture file"
        report.error(
            "R207",
            f"the image ![{alt[:40]}]({written}) {problem}",
            path,
            line + first_line,
            hint=f"write the path of the picture, relative to this file: ![{alt[:40]}]"
            "(images/picture.png)",
        )
        child.type, child.tag, child.children, child.content = "text", "", None, alt


# --- internal links ---------------------------------------------------------------

_START_TAG = re.compile(r"""<[A-Za-z][^\s/>]*((?:\s+[^\s=/>]+(?:="[^"]*")?)*)\s*/?>""")
_ID = re.compile(r"""\sid="([^"]*)\"""")


def _ids(clean_html: str) -> set[str]:
    """The ids in the sanitiser's output (it always quotes attributes with ``"``)."""
    return {
        unescape(found.group(1))
        for tag in _START_TAG.finditer(clean_html)
        for found in _ID.finditer(tag.group(1))
    }


def _note_ids(env: dict[str, Any]) -> set[str]:
    """The ids markdown-it's footnote plugin writes: fn1, fnref1, fnref1:1..."""
    ids = set()
    for number, note in env.get("footnotes", {}).get("list", {}).items():
        ids |= {f"fn{number + 1}", f"fnref{number + 1}"}
        ids |= {f"fnref{number + 1}:{call}" for call in range(1, note.get("count", 0))}
    return ids


def _anchor_links(parsed: Parsed) -> Iterator[tuple[str, str, int]]:
    """(the anchor as written, as markdown-it encoded it, line) of each #link."""
    for child, line in inline_children(parsed):
        if child.type == "link_open":
            href = str(child.attrs.get("href", ""))
            if href.startswith("#"):
                yield unquote(href[1:]), href[1:], line
        elif child.type == "html_inline":
            yield from _raw_anchor_links(child.content, line)
    for token in parsed.blocks:
        if token.type == "html_block" and token.map:
            yield from _raw_anchor_links(token.content, token.map[0])


def _raw_anchor_links(content: str, line: int) -> Iterator[tuple[str, str, int]]:
    for tag in HTML_TAG.finditer(content):
        if tag.group(1).lower() != "a":
            continue
        for attribute in HTML_ATTRIBUTE.finditer(tag.group(2)):
            value = unescape((attribute.group(2) or "").strip("\"'"))
            if attribute.group(1).lower() == "href" and value.startswith("#"):
                yield value[1:], value[1:], line + content.count("\n", 0, tag.start())


def check_anchors(
    parsed: Parsed, clean_html: str, path: Path, first_line: int, report: Report
) -> None:
    """A link to ``#anchor`` must name an id in the same review.

    An id is given with ``{#id}`` or by raw HTML. The ids markdown-it gives notes
    (``fn1``, ``fnref1``) are refused: the print edition moves each note to the foot
    of its page without them. Without this check such links failed the PDF only
    (B404), far from the line that wrote them and with an id the author never wrote.
    """
    ids = _ids(clean_html)
    notes = _note_ids(parsed.env)
    for anchor, _encoded, line in _anchor_links(parsed):
        if not anchor:
            problem = "the link to # names no anchor"
            hint = "write the id of the place it leads to after the #, as (#id)"
        elif anchor in notes:
            problem = (
                f"the link to #{anchor} leads to an id markdown-it gives a footnote, which"
                " the printed book does not keep (its notes stand at the foot of the page)"
            )
            hint = "call the note again with [^label], or link to an id of your own, {#id}"
        elif anchor not in ids:
            problem = f"the link to #{anchor} leads nowhere: this review has no id '{anchor}'"
            hint = (
                f"mark the place with {{#{anchor}}} (on the line above a paragraph or"
                f" heading, or after [some words]), or correct the link; #anchors lead"
                " only within the same review"
            )
        else:
            continue
        report.error("R223", problem, path, line + first_line, hint=hint)
