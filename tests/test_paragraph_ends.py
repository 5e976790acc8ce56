"""A paragraph never ends on the tail of a hyphenated word or a short word alone
(render/paragraph_ends.py), and the audit finds no such ending in the shipped themes
(tests/test_audit.py)."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from octavo.html_fragment import parse_html_fragment, serialise_children
from octavo.render.paragraph_ends import ending, keep_paragraph_ends


def marked(html: str) -> str:
    body = parse_html_fragment(html)
    keep_paragraph_ends(body)
    return serialise_children(body, for_html=True)


WJ, NBSP = "\u2060", "\u00a0"


@pytest.mark.parametrize(
    ("html", "expected"),
    [
        # the last word is marked to be kept whole (never hyphenated)
        ("<p>They hired a client.</p>", f"<p>They hired a client{WJ}.</p>"),
        # a short last word is tied to the word before it
        ("<p>It was the best of\nit.</p>", f"<p>It was the best of{NBSP}it{WJ}.</p>"),
        # inside the phrase that ends the paragraph
        ("<p>So it <em>was it.</em></p>", f"<p>So it <em>was{NBSP}it{WJ}.</em></p>"),
        # Japanese, without spaces: no break between its last four characters
        (
            '<p><span lang="ja">この本はとても静かで美しいです。</span></p>',
            f'<p><span lang="ja">この本はとても静かで美し{WJ.join("いです。")}</span></p>',
        ),
        # a paragraph of Japanese alone is one "word" to a space, but many characters
        # (a pull quote in a Japanese book)
        (
            "<p>この映画は、家族とは何かという問いに答えを出さない。</p>",
            f"<p>この映画は、家族とは何かという問いに答えを出{WJ.join('さない。')}</p>",
        ),
        # left free: one word, a word too long for a line, a note's call, code at the end
        ("<p>Go</p>", "<p>Go</p>"),
        (
            f"<p>See {'Donaudampfschifffahrt' * 2}.</p>",
            f"<p>See {'Donaudampfschifffahrt' * 2}.</p>",
        ),
        (
            '<p>Call<sup class="footnote-ref">1</sup></p>',
            '<p>Call<sup class="footnote-ref">1</sup></p>',
        ),
        ("<p>Run <code>make book</code></p>", "<p>Run <code>make book</code></p>"),
    ],
)
def test_the_last_words_of_a_paragraph_are_kept_together(html: str, expected: str) -> None:
    assert marked(html) == expected


def test_every_word_is_kept_in_order() -> None:
    html = "<p>One <em>two</em> three four.</p><p>Five, <a href='#x'>six</a> seven.</p>"
    out = marked(html)
    text = "".join(parse_html_fragment(out).itertext()).replace(WJ, "").replace(NBSP, " ")
    assert text == "".join(parse_html_fragment(html).itertext())


def test_the_marked_word_is_not_hyphenated_in_the_pdf_writer() -> None:
    from octavo.write.hyphenation import NamesKeptWhole

    dictionary = NamesKeptWhole(lang="en_US")
    assert list(dictionary.iterate("wonderful"))
    assert list(dictionary.iterate(f"wonderful{WJ}")) == []


#: What ``ending`` reads from the end of a text: the pattern it replaced, searched.
_END = re.compile(r"(?:(?P<before>\S+)\s+)?(?P<last>\S+)\s*$")
_SPACES = "".join(chr(c) for c in range(0x3001) if chr(c).isspace())


@settings(max_examples=3000, deadline=None)
@given(st.text(alphabet=st.sampled_from(list(_SPACES + "ab.,-é中\u2060\u00ad")), max_size=14))
def test_the_ending_is_what_the_pattern_finds(text: str) -> None:
    """Every Unicode space (the pattern's ``\\s`` is ``str.isspace``), words of one
    character, texts of spaces alone or of one word."""
    found, read = _END.search(text), ending(text)
    if found is None:
        assert read is None
        return
    assert read is not None
    assert (read.last, read.last_start) == (found["last"], found.start("last"))
    assert read.before == (found["before"] or "")
    if found["before"]:
        assert read.before_start == found.start("before")
