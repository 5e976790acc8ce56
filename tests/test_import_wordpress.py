"""``octavo import wordpress``: the published posts of a WordPress export as review files."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from typer.testing import CliRunner

from octavo.api import load_anthology
from octavo.cli import app
from octavo.errors import ContentError
from octavo.importers.wordpress import import_wordpress, post_type_counts

from .test_import_common import FIXTURES, actions, build_imported, snapshot

SAMPLE = FIXTURES / "wordpress-export.xml"
#: A Paris blog: a post at 00:30 local time (23:30 UTC the day before), a review kept
#: as its own post type, a review draft with no date, a page, attachments, a menu item.
LATE_SHOW = FIXTURES / "wordpress" / "late-show.xml"


def test_published_posts_import_and_build(tmp_path: Path) -> None:
    book = tmp_path / "book"
    result = import_wordpress([SAMPLE], book / "reviews")
    assert actions(result) == [
        ("created", "amelie.md"),
        ("created", "dong-jing-wu-yu-tokyo-story.md"),
        ("created", "amelie-2.md"),
    ]
    assert [p.reason for p in result.passed] == [
        "post type page; add --post-type page to import it",
        "status draft; add --status draft to import it",
        "post type attachment; add --post-type attachment to import it",
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
    assert tokyo.published == date(2023, 3, 4)
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


def test_published_is_the_date_the_blog_showed_not_utc(tmp_path: Path) -> None:
    import_wordpress([LATE_SHOW], tmp_path)
    cleo = (tmp_path / "cleo-de-5-a-7.md").read_text(encoding="utf-8")
    assert "published: 2023-12-31\n" in cleo  # wp:post_date 00:30; the GMT date is 12-30


def test_a_draft_dated_0000_has_no_published_date(tmp_path: Path) -> None:
    import_wordpress([LATE_SHOW], tmp_path, post_types=("review",), statuses=("draft",))
    draft = (tmp_path / "pickpocket.md").read_text(encoding="utf-8")
    assert "published" not in draft  # not 0000-00-00, and not pubDate's year -1 as 2000


def test_only_posts_by_default_and_other_types_are_counted(tmp_path: Path) -> None:
    result = import_wordpress([LATE_SHOW], tmp_path)
    assert actions(result) == [("created", "cleo-de-5-a-7.md")]
    assert post_type_counts(result.passed) == {
        "review": 2,
        "page": 1,
        "attachment": 2,
        "nav_menu_item": 1,
    }


def test_one_post_type(tmp_path: Path) -> None:
    result = import_wordpress([LATE_SHOW], tmp_path, post_types=("review",))
    assert actions(result) == [("created", "le-samourai.md")]
    assert "published: 2023-12-31\n" in (tmp_path / "le-samourai.md").read_text(encoding="utf-8")
    assert post_type_counts(result.passed) == {
        "post": 1,
        "page": 1,
        "attachment": 2,
        "nav_menu_item": 1,
    }
    assert [p.reason for p in result.passed if p.origin.endswith("(Pickpocket)")] == [
        "status draft; add --status draft to import it"
    ]


def test_several_post_types(tmp_path: Path) -> None:
    result = import_wordpress([LATE_SHOW], tmp_path, post_types=("post", "review"))
    assert actions(result) == [("created", "cleo-de-5-a-7.md"), ("created", "le-samourai.md")]
    assert post_type_counts(result.passed) == {"page": 1, "attachment": 2, "nav_menu_item": 1}


def test_cli_post_type_option_and_the_passed_over_types(tmp_path: Path) -> None:
    out = tmp_path / "reviews"
    args = ["import", "wordpress", str(LATE_SHOW), "--to", str(out)]
    default = CliRunner().invoke(app, args)
    assert default.exit_code == 0, default.output
    assert (
        "passed over: 2 review, 1 page, 2 attachment, 1 nav_menu_item"
        " (post types not imported; --post-type TYPE imports one)"
    ) in default.output
    both = CliRunner().invoke(app, [*args, "--post-type", "post", "--post-type", "review"])
    assert both.exit_code == 0, both.output
    assert f"created   {out / 'le-samourai.md'}" in both.output
    assert f"unchanged {out / 'cleo-de-5-a-7.md'}" in both.output
    assert "passed over: 1 page, 2 attachment, 1 nav_menu_item" in both.output
    assert "passed over late-show.xml line" in both.output  # the draft, by itself
    assert "status draft; add --status draft" in both.output


def test_post_types_import_twice_changes_nothing(tmp_path: Path) -> None:
    import_wordpress([LATE_SHOW], tmp_path, post_types=("post", "review"))
    before = snapshot(tmp_path)
    again = import_wordpress([LATE_SHOW], tmp_path, post_types=("post", "review"))
    assert {outcome.action for outcome in again.outcomes} == {"unchanged"}
    assert snapshot(tmp_path) == before


def test_an_undeclared_atom_prefix_as_wordpress_com_writes_it_is_read(tmp_path: Path) -> None:
    # Found in real WordPress.com exports: <atom:link> with no xmlns:atom.
    source = FIXTURES / "wordpress" / "wordpress-com.xml"
    result = import_wordpress([source], tmp_path, reviewer="Sam")
    assert actions(result) == [("created", "the-night-of-the-hunter.md")]
    text = (tmp_path / "the-night-of-the-hunter.md").read_text(encoding="utf-8")
    assert 'reviewer: "sam"\n' in text
    assert "published: 2009-06-30\n" in text  # Pacific evening; 07-01 in UTC


def test_an_undeclared_prefix_is_still_an_error_where_it_is_not_that(tmp_path: Path) -> None:
    path = tmp_path / "export.xml"
    path.write_text('<?xml version="1.0"?>\n<feed>\n<x:y/>\n</feed>\n', encoding="utf-8")
    with pytest.raises(ContentError) as error:
        import_wordpress([path], tmp_path / "out")
    [diagnostic] = error.value.report.diagnostics
    assert (diagnostic.code, diagnostic.line) == ("I515", 3)


def test_spoiler_markup_sets_spoilers(tmp_path: Path) -> None:
    data = SAMPLE.read_text(encoding="utf-8")
    opening = "<content:encoded><![CDATA["
    marked = data.replace(opening, opening + "<p>[spoiler]The twist is kind.[/spoiler]</p>", 1)
    assert marked != data
    path = tmp_path / "export.xml"
    path.write_text(marked, encoding="utf-8")
    result = import_wordpress([path], tmp_path / "out")
    marked_entries = [o.entry for o in result.outcomes if "{.spoiler}" in o.entry.body]
    assert len(marked_entries) == 1
    assert marked_entries[0].fields["spoilers"] is True
    assert all(
        "spoilers" not in o.entry.fields for o in result.outcomes if o.entry not in marked_entries
    )
