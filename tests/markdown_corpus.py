"""A generated corpus of review bodies: every Markdown construct Octavo accepts, nested.

Used by ``test_every_word.py``. Three things live here:

- :data:`CONSTRUCTS`: one small Markdown sample per CommonMark construct and per
  plugin (footnotes, tables, definition lists, attributes), each a function of a key
  so that labels, ids and note names stay unique when a sample is used many times;
- :func:`corpus`: documents that hold every sample at the top level and again inside
  lists, block quotes and footnotes, two and three containers deep;
- :func:`documents`: a hypothesis strategy of Markdown built from the same
  constructs, for the property tests.

The text is invented for these tests. Everything is deterministic: the same corpus on
every run. The samples avoid, on purpose, the few inputs where Octavo's typography
departs from markdown-it's ``replacements`` by design (docs/markdown.md): ``(c)``,
``(r)``, ``(tm)``, ``+-``, two or four dots, ``,,``, ``!!!!`` and ``????``.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass

from hypothesis import strategies as st

#: The image every image sample shows, beside the review (``reviews/images/``).
IMAGE = "images/square.png"


def png_bytes() -> bytes:
    """A small PNG for :data:`IMAGE` (Pillow, so no binary file is committed)."""
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (24, 16), "#3a6").save(buffer, "PNG")
    return buffer.getvalue()


@dataclass(frozen=True)
class Block:
    """A sample: text for where it stands, and definitions for the end of the file.

    Footnote definitions go to the end (``tail``), at the top level, where Octavo's
    check for lost notes looks for them; a note's text can still hold any block.
    """

    text: str
    tail: str = ""


Construct = Callable[[str], Block]


def _indent(text: str, prefix: str, first: str | None = None) -> str:
    lines = text.split("\n")
    out = [(first if first is not None else prefix) + lines[0]]
    out += [(prefix + line) if line.strip() else prefix.rstrip() for line in lines[1:]]
    return "\n".join(out)


# --- the samples: CommonMark blocks --------------------------------------------------


def _atx(k: str) -> Block:
    return Block(
        "\n\n".join(
            f"{'#' * level} Level {level} heading {k} ends {'#' * level}" for level in range(1, 7)
        )
    )


def _setext(k: str) -> Block:
    return Block(f"Setext first heading {k}\n=======\n\nSetext second heading {k}\n-------")


def _empty_heading(k: str) -> Block:
    return Block("#\n\n###")


def _breaks(k: str) -> Block:
    return Block(f"Before the rules {k}.\n\n***\n\n___\n\n* * *\n\nAfter the rules {k}.")


def _indented_code(k: str) -> Block:
    return Block(
        f"Indented code follows {k}:\n\n"
        f'    indented_code("{k}") -- "not" curly...\n'
        "      two  spaces\tand a tab\n"
        "\n"
        "    after a blank line <b>not html</b> &amp; no entity"
    )


def _fenced_code(k: str) -> Block:
    return Block(
        f"```python title\nprint('fenced {k}')  # \"quotes\" -- dashes...\n"
        "if a < b and c > d:\n\treturn {'x': [1, 2]}\n```\n\n"
        f"~~~ text\ntilde fence {k}\n  ``` inner backticks\n~~~\n\n"
        "````\n```\nfour backticks hold three\n```\n````"
    )


def _empty_code(k: str) -> Block:
    return Block(
        f"An empty fence follows {k}.\n\n```\n```\n\nAnd an empty one with info:\n\n~~~ js\n~~~"
    )


def _unicode_code(k: str) -> Block:
    # Decomposed é, the Ångström sign, a ligature, a non-breaking and a zero-width
    # space: code must reach the book exactly as written, never normalised.
    return Block(
        f"Code keeps its characters {k}: `cafe\u0301 \u212b \ufb01 a\u00a0b x\u200by`.\n\n"
        "```\ncafe\u0301 \u212b \ufb01 a\u00a0b x\u200by \u2003wide\n```"
    )


def _html_blocks(k: str) -> Block:
    return Block(
        f'<div class="boxed-{k}">\n\n*Markdown inside a raw division* {k}.\n\n</div>\n\n'
        f'<p class="raw-{k}">A raw paragraph with <em>raw emphasis</em> {k}.</p>\n\n'
        f"<!-- a comment {k} that no reader sees -->\n\n"
        f'<blockquote cite="https://example.org/{k}">\n<p>A raw quotation {k}.</p>\n</blockquote>'
    )


def _reference_links(k: str) -> Block:
    return Block(
        f'[ref-{k}]: https://example.org/ref/{k} "Reference title"\n'
        f"[other {k}]: <https://example.org/other/{k}>\n\n"
        f"A [full reference][ref-{k}], a collapsed [ref-{k}][], a shortcut [ref-{k}] "
        f"and [another][OTHER {k}]."
    )


def _paragraphs(k: str) -> Block:
    return Block(
        f"First paragraph {k} with a soft\nline break, then a hard one  \n"
        f"made with spaces and another\\\nmade with a backslash.\n\n\n\n"
        f"Second paragraph {k} after blank lines."
    )


def _block_quote(k: str) -> Block:
    return Block(
        f"> A quoted paragraph {k}\ncontinued lazily.\n>\n> > A quote in a quote {k}.\n>\n"
        f"> - a list in the quote\n> - and its second item"
    )


def _bullet_lists(k: str) -> Block:
    return Block(
        f"- tight item one {k}\n- tight item two\n  - nested tight item\n\n"
        f"Between lists {k}.\n\n"
        f"* loose item one {k}\n\n* loose item two\n\n  with a second paragraph\n\n"
        f"Between again {k}.\n\n"
        f"+ plus item {k}\n+ \n+ item after an empty one"
    )


def _ordered_lists(k: str) -> Block:
    return Block(
        f"7. starts at seven {k}\n8. then eight\n\nBetween {k}.\n\n"
        f"0) starts at zero with parens {k}\n\n1) loose second\n\nBetween {k} again.\n\n"
        f"1. one {k}\n1. one again counts on"
    )


# --- the samples: CommonMark inlines -------------------------------------------------


def _escapes(k: str) -> Block:
    return Block(
        f"Escapes {k}: \\*not emphasis\\*, \\_under\\_, \\# hash, \\[bracket\\], "
        "\\`tick\\`, back\\\\slash, \\<not a tag\\>, \\&amp; \\~tilde\\~ \\| bar \\{brace\\}."
    )


def _entities(k: str) -> Block:
    return Block(
        f"Entities {k}: &amp; &lt;tag&gt; &ouml;sterreich &eacute;t&eacute; &#35;hash "
        "&#x263A; smile &#1234; and &nbsp;spaced &hellip; &mdash; &quot;kept&quot;."
    )


def _code_spans(k: str) -> Block:
    return Block(
        f"Code spans {k}: `plain`, `` with ` tick ``, `  padded  `, `a  b`, "
        '`"quoted" -- dashed ... <em>` and `&amp;` as written.'
    )


def _emphasis(k: str) -> Block:
    return Block(
        f"Emphasis {k}: *stars*, _underscores_, **strong stars**, __strong under__, "
        f"***both at once***, *nested **strong** inside*, un*frigging*believable, "
        f"~~struck through~~ and snake_case_word."
    )


def _links(k: str) -> Block:
    return Block(
        f'Links {k}: [inline](https://example.org/in/{k} "Inline title"), '
        f"[with *emphasis* and `code`](https://example.org/em/{k}), "
        f"[an anchor](#anchor-{k}), <https://example.org/auto--{k}/a_b--c...d>, "
        f"<mailto:someone@example.org> and <editor-{k}@example.org>.",
        # at the top level: an id inside a note is one of the EXTRAS
        f"{{#anchor-{k}}}\nAnchor target {k}.",
    )


def _images(k: str) -> Block:
    return Block(
        f'An image {k}: ![A green square, {k}]({IMAGE} "Square title") inline, '
        f"and another [![Linked square {k}]({IMAGE})](https://example.org/img/{k})."
    )


def _raw_inline(k: str) -> Block:
    return Block(
        f'Raw inline {k}: <span class="mark-{k}">a span</span>, <kbd>Ctrl</kbd>, '
        '<abbr title="HyperText">HT</abbr>, H<sub>2</sub>O, x<sup>2</sup>, '
        "<mark>marked</mark>, <small>small</small>, <q>quoted</q>, <cite>Cited</cite>, "
        "<dfn>defined</dfn>, <var>v</var>, <samp>sample</samp>, <ins>in</ins>, "
        "<del>out</del>, <u>under</u>, <s>struck</s>, <i>i</i>, <b>b</b>, <bdi>bdi</bdi>, "
        '<time datetime="2024-01-02">a date</time> and a<br>break.'
    )


def _typography(k: str) -> Block:
    return Block(
        f"Typography {k}: \"double\" and 'single' quotes, it's, the '90s, "
        f"\"a 'nested' quote\", en -- dash, em --- dash and an ellipsis..."
    )


# --- the samples: plugins ------------------------------------------------------------


def _footnotes(k: str) -> Block:
    text = f"A sentence with a note[^a{k}] and another[^b{k}], then the first again[^a{k}]."
    tail = (
        f"[^a{k}]: A one-line note {k}.\n\n"
        f"[^b{k}]: A note of several paragraphs {k}.\n\n"
        f"    Its second paragraph, with `code`.\n\n"
        f"    ```\n    code in a note {k}\n    ```\n\n"
        f"    - a list in a note\n    - second item\n\n"
        f"    > a quote in a note {k}\n\n"
        f"    | Note | Table |\n    |:-----|------:|\n    | cell {k} | 2 |\n\n"
        f"    Note term {k}\n    : note definition"
    )
    return Block(text, tail)


def _tables(k: str) -> Block:
    return Block(
        f"| Left {k} | Centre | Right | Plain |\n"
        "|:---------|:------:|------:|-------|\n"
        f"| *em* {k} | `co\\|de` | 3.5 |  |\n"
        "| [link](https://example.org/t) | \\| bar | | last |\n"
        "| short row |"
    )


def _deflists(k: str) -> Block:
    return Block(
        f"Term one {k}\n: First definition.\n: Second definition of the same term.\n\n"
        f"Term *two* {k}\n\n:   A loose definition.\n\n    With a second paragraph.\n\n"
        f"    ```\n    code in a definition {k}\n    ```"
    )


def _attributes(k: str) -> Block:
    return Block(
        f"{{#para-{k} .lead-{k}}}\nA paragraph with block attributes {k}.\n\n"
        f"Inline *emphasis*{{.hl-{k}}}, a [bracketed span]{{.spanned-{k}}} and "
        f"`code`{{.lang-{k}}} with attributes.\n\n"
        f"{{#head-{k}}}\n## Heading with an id {k}"
    )


#: Every sample, by name.
CONSTRUCTS: dict[str, Construct] = {
    "atx-headings": _atx,
    "setext-headings": _setext,
    "empty-headings": _empty_heading,
    "thematic-breaks": _breaks,
    "indented-code": _indented_code,
    "fenced-code": _fenced_code,
    "empty-code": _empty_code,
    "unicode-code": _unicode_code,
    "html-blocks": _html_blocks,
    "reference-links": _reference_links,
    "paragraphs": _paragraphs,
    "block-quotes": _block_quote,
    "bullet-lists": _bullet_lists,
    "ordered-lists": _ordered_lists,
    "escapes": _escapes,
    "entities": _entities,
    "code-spans": _code_spans,
    "emphasis": _emphasis,
    "links": _links,
    "images": _images,
    "raw-inline-html": _raw_inline,
    "typography": _typography,
    "footnotes": _footnotes,
    "tables": _tables,
    "deflists": _deflists,
    "attributes": _attributes,
}

# --- containers ----------------------------------------------------------------------


def _in_bullet(block: Block, k: str) -> Block:
    body = f"Item lead {k}.\n\n{block.text}"
    return Block(_indent(body, "  ", "- ") + f"\n- Next item {k}.", block.tail)


def _in_ordered(block: Block, k: str) -> Block:
    body = f"Numbered lead {k}.\n\n{block.text}"
    return Block("3. First item.\n" + _indent(body, "   ", "4. "), block.tail)


def _in_quote(block: Block, k: str) -> Block:
    body = f"Quote lead {k}.\n\n{block.text}"
    return Block(_indent(body, "> "), block.tail)


def _in_note(block: Block, k: str) -> Block:
    label = f"w{k}"
    note = f"[^{label}]: Note lead {k}.\n\n" + _indent(block.text, "    ")
    tail = "\n\n".join(part for part in (note, block.tail) if part)
    return Block(f"The text cites a note[^{label}] here.", tail)


CONTAINERS: dict[str, Callable[[Block, str], Block]] = {
    "bullet": _in_bullet,
    "ordered": _in_ordered,
    "quote": _in_quote,
    "note": _in_note,
}

#: The nestings the corpus puts every sample in, innermost last.
NESTINGS: tuple[tuple[str, ...], ...] = (
    (),
    ("bullet",),
    ("ordered",),
    ("quote",),
    ("note",),
    ("bullet", "quote"),
    ("quote", "ordered"),
    ("note", "bullet"),
    ("bullet", "note"),
    ("quote", "bullet", "note"),
    ("note", "quote", "bullet"),
)


def nested(name: str, nesting: tuple[str, ...], key: str) -> Block:
    """The sample ``name`` inside the containers of ``nesting`` (outermost first)."""
    block = CONSTRUCTS[name](key)
    for depth, container in enumerate(reversed(nesting)):
        block = CONTAINERS[container](block, f"{key}n{depth}")
    return block


def document(blocks: list[Block]) -> str:
    """A review body: the blocks, then every footnote definition at the end."""
    text = "\n\n".join(block.text for block in blocks)
    tails = "\n\n".join(block.tail for block in blocks if block.tail)
    return text + ("\n\n" + tails if tails else "") + "\n"


@dataclass(frozen=True)
class CorpusReview:
    slug: str  #: file name and review id
    title: str
    nesting: tuple[str, ...]
    body: str


def corpus() -> list[CorpusReview]:
    """One review per nesting, each holding every construct (in :data:`CONSTRUCTS`)."""
    reviews = []
    for number, nesting in enumerate(NESTINGS):
        name = "-".join(nesting) or "top"
        blocks = [
            nested(construct, nesting, f"{index}x{number}")
            for index, construct in enumerate(CONSTRUCTS)
            # notes calling notes stopped whole builds: they are EXTRAS, built alone
            if not (construct == "footnotes" and "note" in nesting)
        ]
        reviews.append(
            CorpusReview(
                f"c{number:02d}-{name}",
                f"Corpus {number:02d} {name.replace('-', ' ')}",
                nesting,
                document(blocks),
            )
        )
    return reviews


def _notes_citing_notes() -> str:
    """Notes whose text calls other notes, two deep, in a list and a quote too."""
    return (
        "A call of the first note[^one], and a list:\n\n"
        "- an item calling the second[^two]\n\n"
        "> A quote calling the first again[^one].\n\n"
        "[^one]: The first note, which calls a third[^three].\n\n"
        "[^two]: The second note.\n\n"
        "    - its list calls the fourth[^four]\n\n"
        "[^three]: The third note, called only from the first.\n\n"
        "[^four]: The fourth note, called only from a list in the second.\n"
    )


#: Documents built on their own: each has broken a whole build (see docs/markdown.md).
EXTRAS: dict[str, str] = {
    "notes-citing-notes": _notes_citing_notes(),
    "anchor-in-a-note": (
        "A link to [a paragraph in a note](#deep), whose call is here[^n].\n\n"
        "[^n]: The note's first paragraph.\n\n"
        "    {#deep}\n    A second paragraph, with an id.\n"
    ),
    "notes-in-notes": document(
        [nested("footnotes", ("note",), "p"), nested("footnotes", ("bullet", "note"), "q")]
    ),
    "long-code-line": (
        "A code block with a line longer than the page is wide:\n\n"
        "```\n" + " ".join(f"word{n:02d}" for n in range(30)) + "\n```\n\n"
        "And a long address: <https://example.org/" + "-".join(["segment"] * 14) + ">.\n"
    ),
}


def review_file(title: str, body: str, reviewer: str = "Cora Pus") -> str:
    """A review file with the least front matter: no digits, so no page-number lookalikes."""
    return f"---\ntitle: {title}\nreviewer: {reviewer}\n---\n\n{body}"


# --- hypothesis: Markdown from a grammar of the same constructs -----------------------

_WORDS = (
    "reel", "frame", "score", "silent", "actor", "light", "stage", "chorus", "verse",
    "ink", "page", "novel", "album", "track", "drum", "quiet", "north", "lantern",
)  # fmt: skip

word = st.sampled_from(_WORDS)


@st.composite
def _plain(draw: st.DrawFn, least: int = 1) -> str:
    return " ".join(draw(st.lists(word, min_size=least, max_size=6)))


@st.composite
def inline(draw: st.DrawFn) -> str:
    """One inline construct, or plain words."""
    text = draw(_plain())
    kind = draw(
        st.sampled_from(
            ["plain", "em", "strong", "code", "link", "auto", "strike", "quote", "dash", "raw"]
        )
    )
    return {
        "plain": text,
        "em": f"*{text}*",
        "strong": f"**{text}**",
        "code": f'`{text} -- "{text}"`',
        "link": f"[{text}](https://example.org/{text.replace(' ', '-')})",
        "auto": f"<https://example.org/{text.replace(' ', '--')}>",
        "strike": f"~~{text}~~",
        "quote": f"\"{text}\" and '{text}'",
        "dash": f"{text} -- {text} --- {text}... {text}",  # "...." is kept as written
        "raw": f'<span class="x">{text}</span>',
    }[kind]


@st.composite
def paragraph(draw: st.DrawFn) -> str:
    parts = draw(st.lists(inline(), min_size=1, max_size=5))
    return " ".join(parts) + "."


@st.composite
def _leaf(draw: st.DrawFn) -> str:
    kind = draw(st.sampled_from(["para", "para", "heading", "code", "fence", "table", "deflist"]))
    text = draw(_plain())
    if kind == "heading":
        return f"{'#' * draw(st.integers(1, 6))} {text}"
    if kind == "code":
        return f'    {text}  -- "{text}"'
    if kind == "fence":
        return f"```{draw(word)}\n{text} -- 'x'\n\n{draw(_plain())}\n```"
    if kind == "table":
        cells = draw(st.lists(_plain(), min_size=1, max_size=3))
        aligns = draw(
            st.lists(
                st.sampled_from([":--", ":-:", "--:", "---"]),
                min_size=len(cells),
                max_size=len(cells),
            )
        )
        body = draw(st.lists(_plain(), min_size=len(cells), max_size=len(cells)))
        return "\n".join(
            [
                "| " + " | ".join(cells) + " |",
                "|" + "|".join(aligns) + "|",
                "| " + " | ".join(body) + " |",
            ]
        )
    if kind == "deflist":
        return f"{text}\n: {draw(paragraph())}"
    return draw(paragraph())


def _container(children: st.SearchStrategy[list[str]]) -> st.SearchStrategy[str]:
    def bullet(items: list[str]) -> str:
        return "\n".join(_indent(item, "  ", "- ") for item in items)

    def ordered(items: list[str]) -> str:
        return "\n".join(_indent(item, "    ", f"{n + 1}.  ") for n, item in enumerate(items))

    def quote(items: list[str]) -> str:
        return _indent("\n\n".join(items), "> ")

    return st.one_of(children.map(bullet), children.map(ordered), children.map(quote))


blocks = st.recursive(
    _leaf(),
    lambda inner: _container(st.lists(inner, min_size=1, max_size=3)),
    max_leaves=8,
)


@st.composite
def documents(draw: st.DrawFn) -> str:
    """A review body: blocks, some citing footnotes whose text is blocks too."""
    body = draw(st.lists(blocks, min_size=1, max_size=5))
    notes = draw(st.lists(st.lists(blocks, min_size=1, max_size=2), max_size=2))
    text = list(body)
    for number, _note in enumerate(notes):
        text.append(f"A call of note {number}[^h{number}].")
    tails = [
        f"[^h{number}]: Note lead.\n\n" + _indent("\n\n".join(note), "    ")
        for number, note in enumerate(notes)
    ]
    return "\n\n".join(text + tails) + "\n"
