"""Property-based tests: whatever a user writes, a build succeeds or fails cleanly.

Three kinds of input are generated with hypothesis and built in-process with the CLI
(EPUB only: the PDF is slow, and the loading and checking steps are the same):

1. review front matter: keys of the contract and random keys, with values that trip
   YAML readers up (``NO``, ``0123``, ``12:30``, ``#``, a leading ``-``, tabs...);
2. review bodies: any Unicode text, and text built from Markdown syntax; when the
   build succeeds, every word of the source must reach the review's EPUB document;
3. manifests: random keys and values, sections, globs, select tables, sort orders,
   print options, front and back matter.

Every build must exit with 0 or 1, show no traceback and no "This is a bug"; a failed
build says "Nothing was written" and leaves the output folder empty.

The bugs these properties found each have a plain regression test at the end. For a
deeper search than CI's fixed examples, set OCTAVO_PROPERTY_EXAMPLES (see SETTINGS).
"""

from __future__ import annotations

import io
import os
import re
import tempfile
import unicodedata
import zipfile
from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from hypothesis.control import currently_in_test_context
from lxml import etree
from PIL import Image as PILImage
from typer.testing import CliRunner

from octavo.cli import app

from .conftest import MINIMAL_MANIFEST, MINIMAL_REVIEW, files_in

#: A deeper search, run locally: OCTAVO_PROPERTY_EXAMPLES=2000 pytest tests/test_properties.py
#: (random, not derandomized, so that each run looks somewhere new).
DEEP = int(os.environ.get("OCTAVO_PROPERTY_EXAMPLES", "0"))
SETTINGS = settings(
    max_examples=DEEP or 100,
    deadline=None,
    # The same examples on every run and every machine: CI must not be flaky.
    derandomize=not DEEP,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
#: For the properties whose builds mostly stop early, at the checks (about 40 ms each).
MANY = settings(SETTINGS, max_examples=DEEP or 50)

XHTML = "{http://www.w3.org/1999/xhtml}"

# --- running a build ------------------------------------------------------------------


@dataclass(frozen=True)
class Outcome:
    exit_code: int
    output: str
    epub: dict[str, bytes] | None  #: the EPUB's members, when the build succeeded


def build(files: dict[str, str | bytes]) -> Outcome:
    """Write ``files`` into a fresh anthology folder, build its EPUB, check the basics.

    The basics hold for every input: exit 0 or 1, no traceback, no "This is a bug";
    after a failure, "Nothing was written" and nothing was; after a success, one EPUB.
    """
    # A fresh folder per example: pytest's tmp_path is shared by all of them.
    with tempfile.TemporaryDirectory() as temporary:
        base = Path(temporary)
        book = base / "work" / "book"
        for name, content in files.items():
            path = base / "work" / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
        out = base / "out"
        result = CliRunner().invoke(
            app, ["build", str(book), "--out", str(out), "--format", "epub"]
        )
        output = result.output
        if currently_in_test_context():  # for --hypothesis-show-statistics
            event(f"exit code {result.exit_code}")
            for code in sorted(set(re.findall(r"^error\[(\w+)\]", output, re.MULTILINE))):
                event(f"error {code}")
        # The runner turns an exception that escapes the CLI into exit code 1.
        assert result.exception is None or isinstance(result.exception, SystemExit), (
            f"{result.exception!r}\n{output}"
        )
        assert result.exit_code in (0, 1), output
        assert "Traceback" not in output, output
        assert "This is a bug" not in output, output
        if result.exit_code == 1:
            assert "Nothing was written" in output, output
            assert files_in(out) == [], output
            return Outcome(1, output, None)
        epubs = list(out.glob("*.epub"))
        assert len(epubs) == 1, (files_in(out), output)
        with zipfile.ZipFile(epubs[0]) as archive:
            members = {name: archive.read(name) for name in archive.namelist()}
        return Outcome(0, output, members)


def book_with_review(review: str) -> dict[str, str | bytes]:
    return {"book/anthology.toml": MINIMAL_MANIFEST, "book/reviews/r.md": review}


# --- 1. front matter ------------------------------------------------------------------

CONTRACT_KEYS = (
    "title", "kind", "year", "creator", "cast", "reviewer", "publication", "published",
    "headline", "rating", "certificate", "runtime", "tags", "image", "image_alt",
    "image_credit", "pullquote", "showing", "id", "language",
)  # fmt: skip

#: Any character but the surrogates (which cannot be written as UTF-8).
ANY_CHARACTER = st.characters(exclude_categories=("Cs",))
ONE_LINE = st.characters(exclude_categories=("Cs",), exclude_characters="\n\r\x85\u2028\u2029")
#: One line without control characters (which are refused, by design: R210).
PRINTABLE_LINE = st.characters(exclude_categories=("Cs", "Cc", "Zl", "Zp"))

#: Any text without the control characters, so that most builds succeed.
printable_texts = st.text(
    st.characters(exclude_categories=("Cs", "Cc")) | st.sampled_from("\n\t "),
    min_size=10,
    max_size=300,
)

#: Scalars that YAML readers get wrong, or that the contract's readers must refuse.
TRICKY_SCALARS = (
    "NO", "no", "Yes", "on", "off", "true", "False", "~", "null", "0123", "0x1F", "0o17",
    "1e3", ".5", "-.inf", ".NaN", "12:30", "1:2:3", "2011-01-12", "2011-02-30", "2011-1-2",
    "2011-01-12T10:00:00", "2011-01-12 10:00:00 +01:00", "#", "# a comment", "a #b", "a# b",
    "a: b", "a:b", "- a", "-", "--", "---", "...", "''", '""', "'", '"', "[", "]", "{", "}",
    "[a, b", "{a: 1", "&a", "*a", "&a x", "!!str x", "!!binary aGk=", "!tag x", "|", ">", "%",
    "@", "`", "?", "? a", ",", "4/5", "3.5/4", "0/0", "5/0", "B+", "b+", "F", "A++", "eleventy",
    "7", "-1", "0", "99999", "1e400", "film", "book", "FILM", "other", "reviews/r.md",
    "images/x.png", "../outside.png", "/etc/hostname", "http://example.com/a.png",
    "\t", "a\tb", " ", "\u00a0", "\u3000", "é", "e\u0301", "\u200b", "\u202e", "😀", "\ufeff",
    "\ufffe", "\uffff", "\\", "\\n", "<script>", "&amp;", "{{ book }}", "{% raw %}", "{#",
    '"\\ud800"', '"\\x00"', '"\\0"', '"\\N"', '"\\L"', '"\\e"', '"\\uFFFE"', '"\\U0001F600"',
)  # fmt: skip

scalars = st.one_of(
    st.sampled_from(TRICKY_SCALARS),
    st.text(PRINTABLE_LINE, max_size=30),
    st.integers().map(str),
    st.floats().map(repr),
    st.dates().map(date.isoformat),
    st.datetimes().map(datetime.isoformat),
)


def single_quoted(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def double_quoted(text: str) -> str:
    # Escapes let a quoted value hold what the file itself may not: NUL, controls.
    escaped = text.replace("\\", "\\\\").replace('"', '\\"')
    return '"' + "".join(c if c.isprintable() else f"\\U{ord(c):08x}" for c in escaped) + '"'


YAML_FORMS = ("plain", "plain", "single", "single", "double", "double",
              "flow", "block", "mapping", "literal", "empty", "anchor")  # fmt: skip


@st.composite
def yaml_values(draw: st.DrawFn) -> str:
    """A value as it is written after ``key:``, in one of YAML's many forms."""
    form = draw(st.sampled_from(YAML_FORMS))
    if form == "plain":
        return draw(scalars)
    if form == "single":
        return single_quoted(draw(scalars))
    if form == "double":
        return double_quoted(draw(scalars | st.text(ONE_LINE, max_size=10)))
    if form == "flow":
        return "[" + ", ".join(draw(st.lists(scalars, max_size=4))) + "]"
    if form == "block":
        return "".join(f"\n  - {item}" for item in draw(st.lists(scalars, min_size=1, max_size=3)))
    if form == "mapping":
        keys = draw(st.lists(st.sampled_from(CONTRACT_KEYS), min_size=1, max_size=3))
        return "".join(f"\n  {key}: {draw(scalars)}" for key in keys)
    if form == "literal":
        lines = draw(st.lists(st.text(PRINTABLE_LINE, max_size=20), min_size=1, max_size=3))
        return draw(st.sampled_from(["|", ">", "|-", ">+"])) + "".join(
            f"\n  {line}" for line in lines
        )
    if form == "anchor":
        return draw(st.sampled_from(["&x [a, *x]", "&x a", "*x", "*undefined", "!!python/none"]))
    return ""


keys = st.one_of(
    st.sampled_from(CONTRACT_KEYS),
    st.sampled_from(["titel", "Title", "reviewers", "isbn", "extra", "year ", " title", "-"]),
    st.text(PRINTABLE_LINE, min_size=1, max_size=12),
    st.text(ONE_LINE, max_size=12).map(double_quoted),
)


@st.composite
def front_matter_lines(draw: st.DrawFn) -> list[str]:
    lines: list[str] = []
    # A title and a reviewer most of the time, so that many builds get through.
    if draw(st.integers(0, 9)) > 0:
        lines.append("title: Probe")
    if draw(st.integers(0, 9)) > 0:
        lines.append("reviewer: Ann Critic")
    for _ in range(draw(st.integers(0, 5))):
        key = draw(keys)
        separator = draw(st.sampled_from([" ", " ", "  ", "\t", ""]))
        lines.append(f"{key}:{separator}{draw(yaml_values())}")
    if draw(st.integers(0, 3)) == 0:
        lines.append(draw(st.sampled_from(["# a comment", "", "  ", "\t", "...", "---x"])))
    return draw(st.permutations(lines))


#: Values each key accepts (the text fields accept any text).
PLAUSIBLE: dict[str, st.SearchStrategy[object]] = {
    "kind": st.sampled_from(["film", "book", "album", "series", "game", "stage", "other", "Book"]),
    "year": st.integers(1000, 9999),
    "published": st.dates(),
    "rating": st.sampled_from(["4/5", "3.5/4", "0/5", "10/10", "7.25/10", "B+", "a+", "F", "C-"]),
    "tags": st.lists(st.text(PRINTABLE_LINE, max_size=10), max_size=3),
    "creator": st.lists(st.text(PRINTABLE_LINE, max_size=15), min_size=1, max_size=3),
    "cast": st.lists(st.text(PRINTABLE_LINE, max_size=15), max_size=3),
    "id": st.from_regex(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,20}", fullmatch=True),
    "language": st.sampled_from(["en", "fr", "de-CH", "pt-BR", "zh-Hant-TW", "ar", "he"]),
}
TEXT_KEYS = ("title", "reviewer", "publication", "headline", "certificate", "runtime",
             "image_alt", "image_credit", "pullquote", "showing")  # fmt: skip


@st.composite
def well_formed_lines(draw: st.DrawFn, toml: bool) -> list[str]:
    """Front matter that parses, with a title and a reviewer, in YAML or TOML."""
    chosen = ["title", "reviewer"]
    chosen += draw(st.lists(st.sampled_from([*TEXT_KEYS, *PLAUSIBLE]), max_size=6, unique=True))
    lines = []
    for key in dict.fromkeys(chosen):
        value = draw(PLAUSIBLE.get(key, st.text(PRINTABLE_LINE, min_size=1, max_size=30)))
        if toml:
            lines.append(f"{key} = {toml_value(value)}")
        elif isinstance(value, str):
            lines.append(f"{key}: {double_quoted(value)}")
        elif isinstance(value, list):
            lines.append(f"{key}: [{', '.join(double_quoted(str(item)) for item in value)}]")
        else:
            lines.append(f"{key}: {value}")
    return lines


@st.composite
def review_files(draw: st.DrawFn) -> str:
    """A whole review file: front matter in some shape, then a short body."""
    shape = draw(
        st.sampled_from(["yaml", "yaml", "quoted", "quoted", "random", "unclosed", "toml"])
    )
    fence = "+++" if shape == "toml" else "---"
    if shape == "quoted":  # well-formed: any text in the text fields, plausible values elsewhere
        fence = draw(st.sampled_from(["---", "---", "+++"]))
        block = "\n".join(draw(well_formed_lines(toml=fence == "+++")))
    elif shape == "random":  # anything at all between the two '---' lines
        block = draw(st.text(ANY_CHARACTER, max_size=80) | printable_texts)
    elif shape == "toml":
        block = draw(
            st.sampled_from(
                ['title = "Probe"\nreviewer = "Ann"', 'title = "Probe"\nreviewer = 3', "x ="]
            )
            | st.text(ANY_CHARACTER, max_size=40)
        )
    else:
        block = "\n".join(draw(front_matter_lines()))
    closing = "" if shape == "unclosed" else f"{fence}\n"
    text = f"{fence}\n{block}\n{closing}\nThe body of the review.\n"
    if draw(st.booleans()):
        text = text.replace("\n", "\r\n")
    if draw(st.integers(0, 9)) == 0:
        text = "\ufeff" + text
    return text


@MANY
@given(review=review_files())
def test_any_front_matter_builds_or_fails_cleanly(review: str) -> None:
    build(book_with_review(review))


# --- 2. Markdown bodies -----------------------------------------------------------------

BODY_PREFIX = "---\ntitle: Probe\nreviewer: Ann Critic\n---\n\n"

#: Pieces of Markdown (and of HTML inside Markdown) to put between words.
SYNTAX = (
    "*", "**", "_", "__", "#", "# ", "## ", "###### ", ">", "> ", "-", "- ", "+ ", "1.",
    "1. ", "2) ", "[^1]", "[^1]: ", "[^x]", "^[", "`", "``", "```", "~~~", "~~", "|", "| ",
    " | ", "|---|", "|---|---|", "\n---\n", "\n===\n", "<b>", "</b>", "<i>", "</i>",
    "<span>", "</span>", '<span class="x">', "<div>", "</div>", "<br>", "<br/>", "<em>",
    "<p>", "</p>", "<table>", "<tr>", "<td>", "<q>", "<!-- ", " -->", "&amp;", "&lt;",
    "&copy;", "&#65;", "&#x263A;", "&nbsp;", "&bogus;", "\\", "\\*", "\\\n", "[", "]", "(",
    ")", "](", "{", "}", "{.x}", "{#y}", ":", ": ", "\n: ", "'", '"', "--", "---", "...",
    "+-", "!", "<", ">", "&", "    ", "\t", " ", " ", " ", "\n", "\n", "\n\n", "  \n",
)  # fmt: skip

words = st.one_of(
    st.from_regex(r"[A-Za-z0-9]{1,8}", fullmatch=True),
    st.text(st.characters(categories=("L", "N")), min_size=1, max_size=6),
)
spaced_words = words.map(" {} ".format)
markdown_texts = st.lists(
    st.one_of(st.sampled_from(SYNTAX), words, spaced_words), min_size=5, max_size=80
).map("".join)
#: Any text at all, control characters included (those are refused, by design: R210).
any_texts = st.text(ANY_CHARACTER, min_size=10, max_size=300)
#: Random text between words, so that there are words to look for.
mixed_texts = st.lists(
    st.one_of(spaced_words, st.text(ANY_CHARACTER, max_size=4), st.sampled_from(" \n")),
    min_size=5,
    max_size=80,
).map("".join)

_WORD = re.compile(r"[^\W_]+")
#: CommonMark's raw HTML tags (the spec's regular expressions, with Python's wider \s,
#: so that they match at least what markdown-it takes for a tag).
_ATTRIBUTE = r"""\s+[A-Za-z_:][A-Za-z0-9_.:-]*(?:\s*=\s*(?:[^\s"'=<>`]+|'[^']*'|"[^"]*"))?"""
_TAG = re.compile(rf"<[A-Za-z][A-Za-z0-9-]*(?:{_ATTRIBUTE})*\s*/?>|</[A-Za-z][A-Za-z0-9-]*\s*>")
_END = r"(?=\n[ \t]*\n)|\Z"

#: What the reader of the EPUB is not meant to see, removed from the source before its
#: words are counted. Each is replaced by a space, so the words around it stay apart.
EXCLUSIONS = (
    # HTML comments, processing instructions, declarations and CDATA: the sanitiser
    # drops them (strip_comments=True); unclosed, they may run to the end of the text.
    re.compile(r"<!--.*?(?:-->|\Z)|<[?!].*?(?:>|\Z)", re.DOTALL),
    # Raw HTML tags: their names and attributes are markup, not text (the sanitiser
    # keeps what they enclose).
    _TAG,
    # A '<' and a letter inside raw HTML opens a tag for the HTML parser even where
    # CommonMark sees none: up to the next '>' it is a tag name and attributes, and at
    # the end of a block the parser drops an unfinished tag. Autolinks (<https://...>,
    # <a@b.c>) are link destinations, shown normalised (punycode, percent-escapes).
    re.compile(rf"</?[A-Za-z].*?(?:>|{_END})", re.DOTALL),
    # Character references (&amp;, &#65;, &copy): their names are not text; the HTML
    # parser also decodes legacy names without the ';' inside raw HTML.
    re.compile(r"&#?[A-Za-z0-9]+;?"),
    # Link destinations and titles: ](url "title") is an attribute, not text. A
    # destination may hold parentheses and span lines: drop to the end of the paragraph.
    re.compile(rf"\]\(.*?(?:{_END})", re.DOTALL),
    # Ordered list markers ("1." or "2)" starting a list item) become the list's
    # numbering, drawn by the reader (the first one is the <ol start> attribute).
    re.compile(r"(?:^|(?<=[\s>*+-]))[0-9]{1,9}[.)](?=[ \t]|$)", re.MULTILINE),
    # Footnote labels: [^note] is shown as a number.
    re.compile(r"\[\^[^\]]*\]"),
    # Link reference definitions ([label]: url "title") vanish whole; a full reference
    # link [text][label] shows only its text.
    re.compile(rf"^ {{0,3}}\[[^\]]*\]:.*?(?:{_END})", re.DOTALL | re.MULTILINE),
    re.compile(r"\]\[[^\]]*\]"),
    # The info string of a code fence (```python) names the language: a class, not text.
    re.compile(r"^ {0,3}(?:`{3,}|~{3,})(.*)$", re.MULTILINE),
    # Attribute lists ({.class #id key=value}, a documented extension) are attributes.
    re.compile(r"\{[^{}]*\}"),
)


def source_words(body: str) -> list[str]:
    """The words of ``body`` a reader must find in the book, in order."""
    text = unicodedata.normalize("NFC", body)
    for pattern in EXCLUSIONS:
        text = pattern.sub(" ", text)
    return _WORD.findall(text)


def reordered(body: str) -> bool:
    """Footnotes (defined with [^x]: or inline ^[...]) move their text to the end."""
    return bool(re.search(r"\[\^[^\]]*\]:|\^\[", body))


def body_text(epub: dict[str, bytes], review_id: str) -> str:
    """The text a reader sees in the body of a review, from its EPUB document."""
    document = etree.fromstring(epub[f"EPUB/r-{review_id}.xhtml"])
    bodies = document.findall(f".//{XHTML}div[@class='review-body']")
    assert len(bodies) == 1
    return unicodedata.normalize("NFC", "".join(bodies[0].itertext()))


def missing_words(expected: list[str], text: str, in_order: bool) -> list[str]:
    """The expected words not found in ``text`` (in order, when asked).

    Words are looked for as substrings: markup between two words may join them
    ("a*b*" reads "ab"), and that loses nothing.
    """
    missing = []
    position = 0
    for word in expected:
        found = text.find(word, position if in_order else 0)
        if found < 0:
            missing.append(word)
        elif in_order:
            position = found + len(word)
    return missing


def check_body(body: str) -> None:
    outcome = build(book_with_review(BODY_PREFIX + body))
    if outcome.epub is None:
        return
    expected = source_words(body)
    text = body_text(outcome.epub, "r")
    missing = missing_words(expected, text, in_order=not reordered(body))
    assert not missing, f"lost {missing} from {body!r}; the EPUB reads {text!r}"


@SETTINGS
@given(body=markdown_texts)
def test_markdown_bodies_keep_every_word(body: str) -> None:
    check_body(body)


@SETTINGS
@given(body=st.one_of(printable_texts, any_texts, mixed_texts))
def test_any_text_body_keeps_every_word(body: str) -> None:
    check_body(body)


# --- 3. manifests -----------------------------------------------------------------------


def small_png() -> bytes:
    buffer = io.BytesIO()
    PILImage.new("RGB", (4, 6), "navy").save(buffer, "PNG")
    return buffer.getvalue()


ANTHOLOGY_FILES: dict[str, str | bytes] = {
    "book/reviews/alpha.md": MINIMAL_REVIEW.format(title="Alpha"),
    "book/reviews/beta.md": MINIMAL_REVIEW.format(title="The Beta").replace(
        "year: 1925", "year: 1931\ntags: [horror, Drama]\nkind: book\npublished: 2001-02-03"
    ),
    "book/reviews/sub/gamma.md": MINIMAL_REVIEW.format(title="Gamma").replace(
        "rating: 4/5", "rating: B+\nid: alpha-2\ncreator: [A. B., C D]"
    ),
    "book/foreword.md": "A foreword.\n",
    "book/sections/intro.md": "---\ntitle: ignored\n---\nAn introduction.\n",
    "book/cover.png": small_png(),
    "book/notimage.png": b"not a PNG",
    "lib/delta.md": MINIMAL_REVIEW.format(title="Delta"),
}

short_texts = st.text(PRINTABLE_LINE, max_size=20) | st.text(ONE_LINE, max_size=5)
toml_scalars = st.one_of(
    short_texts,
    st.integers(min_value=-(2**63), max_value=2**63 - 1),
    st.booleans(),
    st.floats(),
    st.dates(),
    st.datetimes(),
    st.times(),
)
toml_values = st.recursive(
    toml_scalars,
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(short_texts, children, max_size=3)
    ),
    max_leaves=6,
)


def pick(*choices: object) -> st.SearchStrategy[object]:
    """One of ``choices`` (nine times in ten), or any TOML value of any type."""
    return st.integers(0, 9).flatmap(lambda n: st.sampled_from(choices) if n else toml_values)


GLOBS = (
    "reviews/alpha.md", "reviews/*.md", "reviews/**/*.md", "**/*.md", "reviews/ghost.md",
    "reviews/[a-", "reviews/[!a]*.md", "reviews/?eta.md", "", "*", "reviews", "reviews/",
    "./reviews/beta.md", "reviews/../reviews/alpha.md", "reviews/sub/gamma.md", "foreword.md",
    "cover.png", "notimage.png", "anthology.toml", "../lib/*.md", "../lib/delta.md",
    "../book/reviews/alpha.md", "/etc/hostname", "http://example.com/x.md", "~/x.md",
    "reviews\\alpha.md", "reviews/*.MD", "revi ews/*.md", "reviews/é.md",
)  # fmt: skip
FILES = (
    "foreword.md", "sections/intro.md", "missing.md", "reviews/alpha.md", "cover.png",
    "../lib/delta.md", "/etc/hostname", "http://example.com/f.md", "", ".", "sections",
)  # fmt: skip

selects = st.fixed_dictionaries(
    {},
    optional={
        "tags": pick(["horror"], ["drama", "x"], [], "horror"),
        "kind": pick("film", "book", ["film", "book"], "FILM", ""),
        "reviewer": pick("Ann Critic", "ann critic", ["Ann Critic"], ""),
        "year": pick(1925, "1920..1929", "1931", "1930..1920", "19xx", 0, "1925.."),
        "rating_min": pick("3/5", "B", "eleventy", "5/0", "0/0", ""),
        "colour": toml_values,
    },
)
sections = st.fixed_dictionaries(
    {"title": pick("Part", "", "The Part")},
    optional={
        "id": pick("part-x", "alpha", "part-1", "", "bad id", "front-foreword"),
        "intro": pick(*FILES),
        "include": st.one_of(
            st.lists(st.sampled_from(GLOBS) | short_texts, max_size=3), toml_values
        ),
        "select": st.one_of(selects, toml_values),
        "sort": pick("manual", "title", "year", "published", "rating", "reviewer", "Title"),
        "sort_by": toml_values,
    },
)
fronts = st.fixed_dictionaries(
    {"title": pick("Foreword", "", "Preface"), "file": pick(*FILES)},
    optional={"id": pick("foreword", "alpha", "part-1", "")},
)
backs = st.fixed_dictionaries(
    {},
    optional={
        "title": pick("Afterword", "", "Index"),
        "file": pick(*FILES),
        "index": pick("works", "reviewers", "creators", "publications", "people"),
        "id": pick("index-works", "alpha", "back-afterword", ""),
    },
)
prints = st.fixed_dictionaries(
    {},
    optional={
        "trim": pick("trade", "digest", "a5", "pocket", "6in 9in", "6 9", "A4", "", "0in 0in"),
        "bleed": pick("0.125in", "3mm", "0", "-1in", "", "1 in"),
        "marks": pick(True, False, "yes"),
        "recto_starts": pick(True, False, 1),
        "colour": toml_values,
    },
)
MANIFEST_KEYS = {
    "title": pick("Test Book", "", "   ", "Ünïcödé ☃", "A" * 200),
    "subtitle": pick("Sub", ""),
    "editors": pick(["Ed Itor"], [], "Ed Itor", ["A", ""]),
    "publisher": pick("Press", ""),
    "language": pick("en", "fr", "pt-BR", "de-DE-1996", "zh-Hant-TW", "x", "english", ""),
    "date": pick(date(2026, 11, 25), "2026-11-25", datetime(2026, 1, 2, 3, 4), time(1, 2)),
    "identifier": pick("urn:isbn:9780000000000", "", "x"),
    "description": pick("About it.", ""),
    "rights": pick("All rights reserved.", ""),
    "style": pick("classic", "nonexistent", "../lib", ".", "styles/classic", "reviews", ""),
    "cover": pick(
        "cover.png",
        "notimage.png",
        "missing.png",
        "reviews/alpha.md",
        "../lib/delta.md",
        "http://example.com/c.png",
        "/cover.png",
        "",
    ),
    "reviews": pick(
        "reviews", "missing", "reviews/alpha.md", ".", "..", "../lib", "reviews/sub", ""
    ),
    "allow_repeats": pick(True, False),
    "print": st.one_of(prints, toml_values),
    "front": st.one_of(st.lists(fronts, max_size=2), toml_values),
    "sections": st.one_of(st.lists(sections, max_size=3), toml_values),
    "back": st.one_of(st.lists(backs, max_size=2), toml_values),
    "titel": toml_values,
    "extra key": toml_values,
}


def toml_key(key: str) -> str:
    return key if re.fullmatch(r"[A-Za-z0-9_-]+", key) else toml_string(key)


def toml_string(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace('"', '\\"')
    return '"' + "".join(c if c.isprintable() else f"\\U{ord(c):08x}" for c in escaped) + '"'


def toml_value(value: object) -> str:
    """``value`` as a TOML value (dictionaries as inline tables)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        if value != value:
            return "nan"
        if value in (float("inf"), float("-inf")):
            return "inf" if value > 0 else "-inf"
        return repr(value)
    if isinstance(value, (int, date, time)):  # datetime is a date
        return value.isoformat() if not isinstance(value, int) else str(value)
    if isinstance(value, str):
        return toml_string(value)
    if isinstance(value, list):
        return "[" + ", ".join(toml_value(item) for item in value) + "]"
    assert isinstance(value, dict)
    return "{" + ", ".join(f"{toml_key(k)} = {toml_value(v)}" for k, v in value.items()) + "}"


def toml_document(data: dict[str, object]) -> str:
    """``data`` as a TOML document: tables and arrays of tables as such, after the rest."""
    lines: list[str] = []
    tables: list[str] = []
    for key, value in data.items():
        if isinstance(value, dict) and value and key == "print":
            tables.append(f"[{toml_key(key)}]")
            tables.extend(f"{toml_key(k)} = {toml_value(v)}" for k, v in value.items())
        elif isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
            for entry in value:
                assert isinstance(entry, dict)
                tables.append(f"\n[[{toml_key(key)}]]")
                tables.extend(f"{toml_key(k)} = {toml_value(v)}" for k, v in entry.items())
        else:
            lines.append(f"{toml_key(key)} = {toml_value(value)}")
    return "\n".join([*lines, *tables]) + "\n"


@st.composite
def manifests(draw: st.DrawFn) -> str:
    data: dict[str, object] = {}
    if draw(st.integers(0, 9)) > 0:
        data["title"] = draw(MANIFEST_KEYS["title"])
    for key in draw(st.lists(st.sampled_from(sorted(MANIFEST_KEYS)), max_size=5, unique=True)):
        data[key] = draw(MANIFEST_KEYS[key])
    text = toml_document(data)
    if draw(st.integers(0, 9)) == 0:  # now and then, a line that is not TOML at all
        lines = text.split("\n")
        lines.insert(draw(st.integers(0, len(lines))), draw(st.text(ONE_LINE, max_size=20)))
        text = "\n".join(lines)
    return text


@MANY
@given(manifest=manifests())
def test_any_manifest_builds_or_fails_cleanly(manifest: str) -> None:
    build({**ANTHOLOGY_FILES, "book/anthology.toml": manifest})


# --- the bugs these properties found: one reproducer each -------------------------------

#: Where a file name can be written: (manifest lines, front-matter lines, body).
NAME_PLACES = {
    "image": ("", "image: {yaml}\n", ""),
    "markdown-image": ("", "", "![x]({url})\n"),
    "style": ('style = "{toml}"\n', "", ""),
    "cover": ('cover = "{toml}"\n', "", ""),
    "reviews": ('reviews = "{toml}"\n', "", ""),
    "front": ('[[front]]\ntitle = "F"\nfile = "{toml}"\n', "", ""),
    "include": ('[[sections]]\ntitle = "S"\ninclude = ["{toml}"]\n', "", ""),
}
UNUSABLE_NAMES = {"too-long": "x" * 300 + ".png", "nul": "a\x00b.png"}


@pytest.mark.parametrize("name", UNUSABLE_NAMES.values(), ids=UNUSABLE_NAMES.keys())
@pytest.mark.parametrize("place", NAME_PLACES)
def test_unusable_file_names(place: str, name: str) -> None:
    """Names the OS refuses, longer than NAME_MAX bytes or holding a NUL, are errors."""
    quoted = {"yaml": double_quoted(name), "url": name.replace("\x00", "%00")}
    quoted["toml"] = toml_string(name)[1:-1]
    manifest, front_matter, body = (part.format(**quoted) for part in NAME_PLACES[place])
    review = f"---\ntitle: A\nreviewer: B\n{front_matter}---\n\nText.\n{body}"
    files = {"book/anthology.toml": MINIMAL_MANIFEST + manifest, "book/reviews/r.md": review}
    assert build(files).exit_code == 1


@pytest.mark.parametrize("pattern", [".", "./", "./.", "reviews/a**", "**a/*.md"])
def test_include_patterns_glob_rejects(pattern: str) -> None:
    """Path.glob raised IndexError, AttributeError or ValueError on these."""
    manifest = MINIMAL_MANIFEST + f'[[sections]]\ntitle = "S"\ninclude = ["{pattern}"]\n'
    assert build({**ANTHOLOGY_FILES, "book/anthology.toml": manifest}).exit_code == 1


def test_parenthesised_letters_kept() -> None:
    """markdown-it's "replacements" turned (c) into ©: a list (a), (b), (c) lost its c."""
    outcome = build(book_with_review(BODY_PREFIX + "Options (a), (b), (c) and (r).\n"))
    assert outcome.epub is not None
    text = body_text(outcome.epub, "r")
    assert "(c)" in text, text
    assert "(r)" in text, text


def test_table_row_with_extra_cells() -> None:
    """GFM ignores the cells beyond the header's: they were lost without a word."""
    outcome = build(book_with_review(BODY_PREFIX + "| a | b |\n|---|---|\n| one | two | three |\n"))
    if outcome.epub is not None:  # an error that names the row is fine too
        assert "three" in body_text(outcome.epub, "r")


@pytest.mark.parametrize(
    ("body", "word"),
    [
        pytest.param("Text.\n\n[^1]: An orphan note.\n", "orphan", id="unreferenced"),
        pytest.param("Text[^1].\n\n[^1]: First.\n[^1]: Second.\n", "First", id="defined-twice"),
    ],
)
def test_footnote_text_kept(body: str, word: str) -> None:
    """markdown-it drops a footnote nothing refers to, and the first of two definitions."""
    outcome = build(book_with_review(BODY_PREFIX + body))
    if outcome.epub is not None:  # an error that names the footnote is fine too
        assert word in body_text(outcome.epub, "r")


@pytest.mark.parametrize("key", ["headline", "pullquote"])
def test_surrogate_escape(key: str) -> None:
    """YAML's "\\ud800" escape made a string that UTF-8 cannot encode: UnicodeEncodeError."""
    review = f'---\ntitle: A\nreviewer: B\n{key}: "\\ud800"\n---\n\nText.\n'
    assert build(book_with_review(review)).exit_code == 1


@pytest.mark.parametrize(
    "line", ['title: "\\e"', 'runtime: "a\\x01"', 'headline: "\\uFFFE"', 'tags: ["\\x01"]']
)
def test_control_escape_is_reported_on_the_review(line: str) -> None:
    """An escaped control character is refused like a written one, at its line.

    It used to reach the XHTML check, which blamed the theme's template (S306) and named
    no review; in tags it was packed as an empty dc:subject, silently.
    """
    review = f"---\nreviewer: B\n{line}\n---\n\nText.\n"
    if not line.startswith("title"):
        review = review.replace("reviewer: B", "title: A\nreviewer: B")
    outcome = build(book_with_review(review))
    assert outcome.exit_code == 1
    assert "reviews/r.md:" in outcome.output, outcome.output
    assert "S306" not in outcome.output, outcome.output


@pytest.mark.parametrize("tag", ["span", "b"])
def test_deep_raw_html_is_reported_on_the_review(tag: str) -> None:
    """Raw HTML nested past libxml2's 256 levels is the review's fault, not the theme's.

    R211 stopped Markdown nesting at 30 levels, but raw inline tags were not counted: the
    XHTML check then failed with "Excessive depth in document" and blamed the template.
    """
    body = f"<{tag}>" * 300 + "deep" + f"</{tag}>" * 300 + "\n"
    outcome = build(book_with_review(BODY_PREFIX + body))
    assert outcome.exit_code == 1
    assert "reviews/r.md:" in outcome.output, outcome.output
    assert "S306" not in outcome.output, outcome.output
