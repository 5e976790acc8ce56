"""``octavo import wordpress``: the published posts of a WordPress export as review files."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from octavo.api import load_anthology
from octavo.errors import ContentError
from octavo.importers.wordpress import import_wordpress

from .test_import_common import FIXTURES, actions, build_imported, snapshot

SAMPLE = FIXTURES / "wordpress-export.xml"


def test_published_posts_import_and_build(tmp_path: Path) -> None:
    book = tmp_path / "book"
    result = import_wordpress([SAMPLE], book / "reviews")
    assert actions(result) == [
        ("created", "amelie.md"),
        ("created", "dong-jing-wu-yu-tokyo-story.md"),
        ("created", "amelie-2.md"),
    ]
    assert [p.reason for p in result.passed] == [
        "a page, not a post",
        "status draft; add --status draft to import it",
        "an attachment, not a post",
    ]
    build_imported(book, tmp_path)
    reviews = {r.path.name: r for r in load_anthology(book).anthology.reviews}
    amelie = reviews["amelie.md"]
    assert amelie.reviewers == ("Margot Lévesque",)
    assert amelie.publication == "Reel Talk & Other Noises"
    assert amelie.published == date(2023, 2, 11)
    assert amelie.tags == ("reviews", "french")  # "Uncategorized" left out
    html = amelie.body.html
    for gone in ("[caption", "[embed", "youtube", "<img", "jeunet-retrospective"):
        assert gone not in html
    assert 'href="https://www.bfi.org.uk/"' in html
    assert "Audrey Tautou as Amélie." in html
    tokyo = reviews["dong-jing-wu-yu-tokyo-story.md"]
    assert tokyo.reviewers == ("Kenji Mori",)  # no display name: first and last
    assert tokyo.published == date(2023, 3, 4)  # the GMT date
    assert "<blockquote>" in tokyo.body.html
    assert "Raw HTML block, kept as text." in tokyo.body.html
    for gone in ("onmouseover", "var x", "color:red", "wp:paragraph"):
        assert gone not in tokyo.body.html
    assert reviews["amelie-2.md"].reviewers == ("guest",)  # a login not in the list


def test_status_option_takes_drafts(tmp_path: Path) -> None:
    result = import_wordpress([SAMPLE], tmp_path, statuses=("publish", "draft"), kind="film")
    assert ("created", "tarkovskii-a-draft.md") in actions(result)
    draft = (tmp_path / "tarkovskii-a-draft.md").read_text(encoding="utf-8")
    assert "published: 2023-09-01\n" in draft  # no GMT date for a draft: the local one


def test_importing_twice_changes_nothing(tmp_path: Path) -> None:
    import_wordpress([SAMPLE], tmp_path)
    before = snapshot(tmp_path)
    import_wordpress([SAMPLE], tmp_path)
    assert snapshot(tmp_path) == before


def test_invalid_xml_is_I515_with_its_line(tmp_path: Path) -> None:
    path = tmp_path / "export.xml"
    path.write_text('<?xml version="1.0"?>\n<rss>\n<channel>\n<item>\n</rss>\n', encoding="utf-8")
    with pytest.raises(ContentError) as error:
        import_wordpress([path], tmp_path / "out")
    [diagnostic] = error.value.report.diagnostics
    assert (diagnostic.code, diagnostic.line) == ("I515", 5)


def test_a_feed_is_not_a_wordpress_export_I516(tmp_path: Path) -> None:
    with pytest.raises(ContentError) as error:
        import_wordpress([FIXTURES / "feed-rss.xml"], tmp_path / "out")
    [diagnostic] = error.value.report.diagnostics
    assert diagnostic.code == "I516"
    assert "octavo import feed" in (diagnostic.hint or "")


def test_entities_are_not_expanded_or_fetched(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP SECRET", encoding="utf-8")
    data = SAMPLE.read_text(encoding="utf-8")
    data = data.replace(
        '<?xml version="1.0" encoding="UTF-8" ?>',
        f'<?xml version="1.0" encoding="UTF-8" ?><!DOCTYPE rss [<!ENTITY x SYSTEM "file://{secret}">]>',
    ).replace("<title>Reel Talk &amp; Other Noises</title>", "<title>Reel &x;</title>")
    path = tmp_path / "export.xml"
    path.write_text(data, encoding="utf-8")
    import_wordpress([path], tmp_path / "out")
    assert "TOP SECRET" not in (tmp_path / "out" / "amelie.md").read_text(encoding="utf-8")


def test_a_post_without_an_author_needs_reviewer_I517(tmp_path: Path) -> None:
    data = SAMPLE.read_text(encoding="utf-8").replace(
        "<dc:creator><![CDATA[guest]]></dc:creator>", ""
    )
    path = tmp_path / "export.xml"
    path.write_text(data, encoding="utf-8")
    with pytest.raises(ContentError) as error:
        import_wordpress([path], tmp_path / "out")
    assert [d.code for d in error.value.report.diagnostics] == ["I517"]
    result = import_wordpress([path], tmp_path / "out", reviewer="A Guest")
    assert result.outcomes[-1].entry.fields["reviewer"] == ["A Guest"]
