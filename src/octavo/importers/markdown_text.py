"""Inline text to Markdown paragraphs: escaping, code spans, emphasis and line ends.

The writer (:mod:`.markdown_writer`) walks the parsed tree and gathers each block's
inline text with marks where Markdown is decided later: line breaks, emphasis, code,
and ``|``. :func:`finish` then makes paragraphs of it, escaping only what Markdown
would read as markup where it stands.
"""

from __future__ import annotations

import re
from collections import Counter
from functools import cache

from markdown_it import MarkdownIt

# Sentinels in inline text, resolved when a paragraph is finished.
BR = "\x01"
MARKS = {"em": ("\x10", "\x11"), "strong": ("\x12", "\x13"), "del": ("\x14", "\x15")}
_AS_MARKDOWN = {"\x10": "*", "\x11": "*", "\x12": "**", "\x13": "**", "\x14": "~~", "\x15": "~~"}
_AS_HTML = {"\x10": "<em>", "\x11": "</em>", "\x12": "<strong>", "\x13": "</strong>",
            "\x14": "<del>", "\x15": "</del>"}  # fmt: skip
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_PARAGRAPH_BREAK = re.compile(rf"(?:\s*{BR}){{2,}}\s*")
_EDGE = re.compile(rf"^[\s{BR}]+|[\s{BR}]+$")
_HEAD = re.compile(rf"[\s{BR}]*")
_TAIL = re.compile(rf"[\s{BR}]*$")

_PUNCTUATION = re.compile(r"([\\`*~{])")
_PUNCTUATION_AND_BRACKETS = re.compile(r"([\\`*~{\[\]])")
#: A ``|`` of the text, until its paragraph is finished: escaped only where a table
#: could start (code spans keep theirs as they are).
PIPE_MARK = "\x02"
#: Code, until its paragraph is finished (then a code span: see code_spans).
CODE_OPEN, CODE_CLOSE = "\x03", "\x04"
_CODE_SPAN = re.compile(f"{CODE_OPEN}([^{CODE_OPEN}{CODE_CLOSE}]*){CODE_CLOSE}")
_TEXT_ESCAPES = (
    (re.compile(r"(?<![A-Za-z0-9])_|_(?![A-Za-z0-9])"), r"\\_"),
    (re.compile(r"<(?=[A-Za-z/!?])"), r"\\<"),
    (re.compile(r"&(?=#?[A-Za-z0-9]+;)"), r"\\&"),
    (re.compile(r"!(?=\[|$)"), r"\\!"),  # ![ opens an image
    (re.compile(r"\[(?=\^)"), r"\\["),
    (re.compile(r"\](?=[(\[{:]|$)"), r"\\]"),
)
_LINE_START = re.compile(
    r"(?m)^(#{1,6}(?=[ \t]|$)|>|[-+](?=[ \t]|$)|-+[ \t]*$|=+[ \t]*$|:(?=[ \t]))"
)
#: A line that could be a table's delimiter row, under a line with a ``|``.
_DELIMITER_ROW = re.compile(r"(?m)^[ \t]*\|?[ \t]*:?-+:?[ \t]*(\|[ \t]*:?-*:?[ \t]*)*$")
PIPE = re.compile(r"(?<!\\)((?:\\\\)*)\|")
CLOSING_HASHES = re.compile(r"(^|[ \t])(#+)[ \t]*$")
_ORDERED = re.compile(r"(?m)^([0-9]{1,9})([.)])(?=[ \t]|$)")


@cache
def _parser() -> MarkdownIt:
    from ..load.markdown import make_parser

    return make_parser("en")


def escape(text: str, *, brackets: bool = False) -> str:
    """Escape what Markdown would read as markup; with ``brackets``, every ``[`` and
    ``]`` (in a link's or a span's text, where one alone would end or break it)."""
    if brackets:
        text = _PUNCTUATION_AND_BRACKETS.sub(r"\\\1", text)
    else:
        text = _PUNCTUATION.sub(r"\\\1", text)
    for pattern, replacement in _TEXT_ESCAPES[: 4 if brackets else None]:
        text = pattern.sub(replacement, text)
    return text.replace("|", PIPE_MARK)


def wrap(content: str, opening: str, closing: str) -> str:
    """``content`` in ``opening``/``closing``, per paragraph, whitespace left outside."""
    wrapped = []
    for part in _PARAGRAPH_BREAK.split(content):
        head = _HEAD.match(part).group(0)  # type: ignore[union-attr]
        core = part[len(head) :]
        tail = _TAIL.search(core).group(0)  # type: ignore[union-attr]
        core = core[: len(core) - len(tail)]
        wrapped.append(head + (opening + core + closing if core else "") + tail)
    return (BR * 2).join(wrapped)


def _rendered(markdown: str) -> tuple[str, Counter[str]]:
    html = _parser().render(markdown)
    return re.sub(r"<[^>]+>", "", html), Counter(re.findall(r"<(em|strong|s|del)>", html))


def _emphasis(text: str) -> str:
    """Sentinels to ``*``, or to HTML tags where Markdown would not read the stars."""
    if not any(mark in text for mark in _AS_MARKDOWN):
        return text
    for closing, opening in (("\x11", "\x10"), ("\x13", "\x12"), ("\x15", "\x14")):
        text = text.replace(closing + opening, "")  # <i>a</i><i>b</i>: one emphasis
    markdown = "".join(_AS_MARKDOWN.get(char, char) for char in text)
    html = "".join(_AS_HTML.get(char, char) for char in text)
    seen, tags = _rendered(markdown)
    html_seen, html_tags = _rendered(html)
    html_tags["s"], html_tags["del"] = html_tags["del"], 0
    if seen == html_seen and +tags == +html_tags:
        return markdown
    return html


def code_spans(text: str) -> str:
    """The code held between marks, as code spans; two with nothing between are one
    (written apart, their backticks would meet and read as one longer delimiter)."""

    def written(match: re.Match[str]) -> str:
        code = match.group(1)
        longest = max((len(run) for run in re.findall(r"`+", code)), default=0)
        ticks = "`" * (longest + 1)
        pad = " " if code.startswith(("`", " ")) or code.endswith(("`", " ")) else ""
        return f"{ticks}{pad}{code}{pad}{ticks}"

    return _CODE_SPAN.sub(written, text.replace(CODE_CLOSE + CODE_OPEN, ""))


def finish(inline: str, *, breaks: str = "\\\n") -> list[str]:
    """Inline text to paragraphs: two breaks in a row end one, a break at an edge is
    dropped, a line start that Markdown would read as a block is escaped."""
    paragraphs = []
    for part in _PARAGRAPH_BREAK.split(code_spans(inline)):
        part = _EDGE.sub("", part)
        if not part:
            continue
        part = re.sub(rf"[ \t]*{BR}[ \t]*", lambda _: breaks, part)
        part = _ORDERED.sub(r"\1\\\2", _LINE_START.sub(r"\\\1", part))
        unescaped = part.replace(PIPE_MARK, "|")
        # no table can start here: | is text; where one could, it is escaped
        part = part.replace(PIPE_MARK, "\\|") if _DELIMITER_ROW.search(unescaped) else unescaped
        paragraphs.append(_emphasis(part))
    return paragraphs


#: A paragraph that is one spoiler span and nothing else.
_WHOLE_SPOILER = re.compile(r"\[((?:[^\[\]\\]|\\.)*)\]\{\.spoiler\}", re.S)


def spoiler_paragraphs(paragraphs: list[str]) -> list[str]:
    """A paragraph that is all spoiler is a spoiler block (``{.spoiler}`` on the line
    before), which the book sets apart as a block, not as a phrase."""
    blocks = []
    for paragraph in paragraphs:
        if match := _WHOLE_SPOILER.fullmatch(paragraph):
            # its text now opens a line: what Markdown would read there is escaped
            text = _ORDERED.sub(r"\1\\\2", _LINE_START.sub(r"\\\1", match.group(1)))
            paragraph = f"{{.spoiler}}\n{text}"
        blocks.append(paragraph)
    return blocks


def joined(pieces: list[str]) -> str:
    """Inline pieces end to end, one space where they meet, as a browser shows them: a
    dropped image between two spaces, or a link whose text starts with one, leaves no
    double space."""
    out = ""
    for piece in pieces:
        if out.endswith(" ") and piece.startswith(" "):
            piece = piece[1:]
        out += piece
    return out


def indent(text: str, prefix: str, first: str | None = None) -> str:
    lines = text.split("\n")
    out = [(first if first is not None else prefix) + lines[0]]
    out += [prefix + line if line else line for line in lines[1:]]
    return "\n".join(out)
