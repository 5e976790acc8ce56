"""A leader's copies written as WeasyPrint writes them, whether drawn or written again.

:mod:`octavo.write.leaders` writes the copies of a leader's string from the fourth on
as the second and third were written, with their own text matrix. The PDF must be the
same, byte for byte, as when every copy is drawn, in every case: where the copies are
written alike but for their place (the fast way is then taken), and where they are not
(a decoration drawn at each place: every copy is then drawn).
"""

from __future__ import annotations

from typing import Any

import pytest

from octavo.write import leaders

ENTRIES = "".join(
    f'<p><a href="#e{n}">Entry {n}{" with a longer title" * (n % 3)}</a></p>' for n in range(40)
) + "".join(f'<p id="e{n}">Text {n}</p>' for n in range(40))

STYLES = {
    "dots": "a::after { content: leader('. ') '12' }",
    "dashes, coloured": "a::after { content: leader('-') '7'; color: #a33 }",
    "right to left": "html { direction: rtl } a::after { content: leader('. ') '3' }",
    "counted": "a::after { content: leader(dotted) target-counter(attr(href), page) }",
    "letterspaced": "a::after { content: leader('. ') '12'; letter-spacing: 0.2em }",
    "underlined": "a::after { content: leader('. ') '12'; text-decoration: underline }",
}
#: The styles where a copy writes more than its text at its place: every copy drawn.
DRAWN = {"underlined"}


def _pdf(css: str, tagged: bool, replayed_from: int, monkeypatch: pytest.MonkeyPatch) -> bytes:
    import weasyprint

    leaders.leaders_as_artifacts()
    monkeypatch.setattr(leaders, "REPLAYED_FROM", replayed_from)
    base = "@page { size: A6 } p { margin: 0 } a { text-decoration: none; color: black }"
    html = f"<style>{base} {css}</style>{ENTRIES}"
    return weasyprint.HTML(string=html).write_pdf(pdf_tags=tagged)  # type: ignore[no-any-return]


@pytest.mark.parametrize("tagged", [False, True], ids=["untagged", "tagged"])
@pytest.mark.parametrize("style", list(STYLES))
def test_a_leaders_copies_are_written_as_when_each_is_drawn(
    style: str, tagged: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    patterns: list[Any] = []
    found = leaders._pattern

    def counted(*args: Any) -> Any:
        patterns.append(found(*args))
        return patterns[-1]

    monkeypatch.setattr(leaders, "_pattern", counted)
    fast = _pdf(STYLES[style], tagged, leaders.REPLAYED_FROM, monkeypatch)
    assert patterns, "no leader had copies enough to be written again"
    if style in DRAWN:
        assert not any(patterns)  # a decoration at each place: each copy drawn
    else:
        assert all(patterns)
    drawn = _pdf(STYLES[style], tagged, 10**9, monkeypatch)
    assert fast == drawn
