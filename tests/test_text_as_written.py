"""Text kept as written (issue 11, point 5): code, autolinks, compatibility ideographs."""

from __future__ import annotations

import unicodedata
from pathlib import Path

import pytest

from octavo.load.unicode_text import normalise_prose
from octavo.render import body_html

from .conftest import MakeAnthology
from .test_load import body_of

DECOMPOSED = "cafe\u0301"  # e and a combining acute accent
COMPOSED = "caf\u00e9"
COMPATIBILITY = "\uf900"  # a CJK compatibility ideograph; NFC maps it to U+8C48


def test_prose_is_nfc_but_compatibility_ideographs_stay() -> None:
    assert normalise_prose(DECOMPOSED) == COMPOSED
    assert unicodedata.normalize("NFC", COMPATIBILITY) != COMPATIBILITY
    assert normalise_prose(f"{DECOMPOSED} {COMPATIBILITY} {DECOMPOSED}") == (
        f"{COMPOSED} {COMPATIBILITY} {COMPOSED}"
    )
    assert normalise_prose("\U0002f800") == "\U0002f800"
    assert normalise_prose("plain") == "plain"


def test_code_keeps_every_code_point(make_anthology: MakeAnthology) -> None:
    source = (
        f'Prose {DECOMPOSED} and `{DECOMPOSED} -- "q" ...` inline.\n\n'
        f"```\n{DECOMPOSED} {COMPATIBILITY} -- 'x' ...\n```\n\n"
        f"Also <kbd>{DECOMPOSED}</kbd> and {COMPATIBILITY}.\n"
    )
    html = body_of(make_anthology, source).body.html
    assert f'Prose {COMPOSED} and <code>{DECOMPOSED} -- "q" ...</code>' in html
    assert f"<pre><code>{DECOMPOSED} {COMPATIBILITY} -- 'x' ...\n</code></pre>" in html
    assert f"<kbd>{DECOMPOSED}</kbd> and {COMPATIBILITY}." in html


def test_front_matter_is_nfc(make_anthology: MakeAnthology) -> None:
    review = body_of(make_anthology, "Text.\n", creator=f"Ren{DECOMPOSED}")
    assert review.work.creators == (f"Ren{COMPOSED}",)


def test_autolinks_keep_their_text(make_anthology: MakeAnthology) -> None:
    html = body_of(
        make_anthology, "See <https://a.example/x--y---z...w> -- and 'so' on...\n"
    ).body.html
    assert ">https://a.example/x--y---z...w</a>" in html
    assert "\u2013 and \u2018so\u2019 on\u2026" in html


def test_asset_sources_in_code_stay_text(make_anthology: MakeAnthology, tmp_path: Path) -> None:
    source = 'Write `<img src="asset:1.png">` like this, or:\n\n```\nsrc="asset:1.png"\n```\n'
    body = body_of(make_anthology, source).body
    html = body_html(body, lambda image: "file:///elsewhere.png")
    assert html.count('src="asset:1.png"') == 2  # both stay as written
    assert '&lt;img src="asset:1.png"&gt;' in html
    assert "elsewhere" not in html


def test_table_alignment_is_kept_as_classes(make_anthology: MakeAnthology) -> None:
    source = "| L | C | R | N |\n|:--|:-:|--:|---|\n| a | b | 1 | d |\n"
    html = body_of(make_anthology, source).body.html
    assert '<th class="align-left">L</th>' in html
    assert '<th class="align-center">C</th>' in html
    assert '<td class="align-right">1</td>' in html
    assert "<td>d</td>" in html
    assert "style" not in html


def test_a_contributor_typed_decomposed_matches_the_reviewer(
    make_anthology: MakeAnthology,
) -> None:
    from octavo.api import load_anthology

    root = make_anthology(
        {
            "anthology.toml": 'title = "T"\neditors = ["E"]\nlanguage = "en"\n'
            '[[back]]\ntitle = "About"\ncontributors = "contributors.toml"\n',
            "reviews/alpha.md": f"---\ntitle: A\nreviewer: Ren{COMPOSED}\n---\n\nText.\n",
            "reviews/beta.md": None,
            "contributors.toml": f'[[contributor]]\nname = "Ren{DECOMPOSED}"\nbio = "Writes."\n',
        }
    )
    loaded = load_anthology(root)
    assert not loaded.report.warnings
    (about,) = [page for page in loaded.anthology.back if hasattr(page, "contributors")]
    (person,) = about.contributors
    assert person.name == f"Ren{COMPOSED}"
    assert person.review_ids == ("alpha",)


def test_the_opening_words_keep_the_space_before_what_follows() -> None:
    from markupsafe import Markup

    from octavo.render.print_html import opening

    marked = opening(Markup("<p>A review with code: <code>x</code> and\nmore words</p>"))
    assert str(marked) == (
        '<p><span class="opening">A review with code:</span> <code>x</code> and\nmore words</p>'
    )
    assert str(opening(Markup("<p>One\ntwo three four five</p>"))) == (
        '<p><span class="opening">One\ntwo three four</span> five</p>'
    )


def test_a_block_the_html_parser_leaves_inside_inline_markup_becomes_a_span(
    make_anthology: MakeAnthology, tmp_path: Path
) -> None:
    from octavo.api import build

    from .conftest import epubcheck_messages

    source = (
        "<table><tr><td>\n<pre>\n**Hello**,\n\n_world_.\n</pre>\n</td></tr></table>\n\n"
        "<div><span>before<div>in a div</div><hr/>after</span></div>\n"
    )
    html = body_of(make_anthology, source).body.html
    assert '<span class="raw-p"><em>world</em>.\n</span>' in html
    assert '<span>before<span class="raw-div">in a div</span>after</span>' in html
    review = f"---\ntitle: Alpha\nreviewer: Ann Critic\n---\n\n{source}"
    root = make_anthology({"reviews/alpha.md": review, "reviews/beta.md": None}, folder="built")
    built = build(root, tmp_path / "out", formats=("epub",))
    (epub,) = [output.path for output in built.outputs]
    assert epubcheck_messages(epub) == []


def test_a_fragment_whose_text_is_nfc_is_left_as_the_walk_would_leave_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The fragment's texts are not walked one by one when its text as a whole is in
    NFC already: the same fragment either way, with code kept and words counted."""
    import octavo.load.markdown as markdown

    fragments = [
        "<p>plain</p>",
        f"<p>{COMPOSED} déjà vu, Ørsted, Łódź</p>",
        f"<p>{DECOMPOSED} <em>{DECOMPOSED}</em> tail {DECOMPOSED}</p>",
        f"<p>Prose <code>{DECOMPOSED}</code> and {COMPOSED}</p>",
        f"<p>Prose <code>{DECOMPOSED}</code> only</p><pre><code>{DECOMPOSED}</code></pre>",
        f"<p>{COMPATIBILITY} and \U0002f800</p>",
        "<p><em>cafe</em>\u0301 across an element</p>",
        "<p>\u212b ANGSTROM and \u2000 EN QUAD spaced</p>",
        "<p>가\u11a8 Hangul jamo</p>",
        "<p>a\u0301\u0328 marks out of order</p>",
    ]
    for fragment in fragments:
        fast = markdown._finish(fragment, "doc", {})
        with monkeypatch.context() as patch:  # as if no text were in NFC
            patch.setattr(markdown.unicodedata, "is_normalized", lambda form, text: False)
            walked = markdown._finish(fragment, "doc", {})
        assert fast == walked, fragment
