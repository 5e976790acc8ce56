"""Check a book built in volumes, as tests/test_volumes.py checks a small one.

    python benchmarks/check_volumes.py BOOK OUT [--limit N]

reads every ``*-volume-N-print.pdf`` in OUT back and checks, for each volume: its page
count (within N, by default the manifest's printer's most), its title page ("Volume
N of M"), that each line of its contents gives the printed folio of the page where
that review begins (by the page labels, which the tests hold to the printed folios),
and that every locator of its index of works is the folio of a review it holds; then
that every review of BOOK is in exactly one volume, in the book's order. It prints one
line per volume and exits 1 if anything is wrong. ``benchmarks/run.py`` runs it after
its press case (g); it is for the 1000-review book, which the suite cannot build in
its time.
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

from pypdf import PdfReader

from octavo.api import load_anthology
from octavo.volumes import max_pages

#: A line of the contents: a title, dot leaders, a folio.
_TOC_LINE = re.compile(r"^(?P<title>.+?)\s*(?:\.\s*){3,}(?P<page>\d+|[ivxlc]+)$")


def _letters(text: str) -> str:
    return re.sub(r"\W", "", text).casefold()


def _matches(title: str, line: str) -> bool:
    """Whether a line of the contents names this title (a wrapped line holds its end)."""
    return bool(line) and (title.endswith(line) or line.endswith(title))


def check_volume(path: Path, titles: dict[str, str], limit: int) -> tuple[list[str], str, bool]:
    """The review anchors of one volume in page order, a line about it, and whether it
    is right."""
    reader = PdfReader(path)
    labels = reader.page_labels
    destinations = reader.named_destinations

    def start(anchor: str) -> int:
        page = reader.get_destination_page_number(destinations[anchor])
        assert page is not None, anchor
        return page

    anchors = sorted((a for a in destinations if a.startswith("r-")), key=start)
    first_main = min(start(a) for a in destinations if a.startswith(("part-", "r-")))
    entries = []
    for index in range(start("contents"), first_main):
        for line in reader.pages[index].extract_text().splitlines():
            match = _TOC_LINE.match(line.strip())
            if match and " · " in match.group("title"):  # a review's line: work · critic
                entries.append((match.group("title"), match.group("page")))
    wrong_entries, waiting = 0, list(anchors)
    for title, page in entries:
        work = _letters(title.split(" · ")[0].rsplit(" (", 1)[0])
        found = next((a for a in waiting if _matches(_letters(titles[a]), work)), None)
        if found is None or labels[start(found)] != page:
            wrong_entries += 1
        if found is not None:
            waiting.remove(found)
    starts = {labels[start(anchor)] for anchor in anchors}
    locators: list[str] = []
    for index in range(start("index-works"), len(reader.pages)):
        lines = reader.pages[index].extract_text().splitlines()
        if lines and lines[-1].strip() == labels[index]:
            lines = lines[:-1]  # the page's own folio
        locators += [m.group(1) for line in lines if (m := re.search(r"(\d+)\s*$", line))]
    stray = [locator for locator in locators if locator not in starts]
    front = " ".join(reader.pages[i].extract_text() for i in range(4)).upper()
    title_page = re.search(r"VOLUME \d+ OF \d+", front)
    right = (
        len(reader.pages) <= limit
        and not wrong_entries
        and not stray
        and title_page is not None
        and len(entries) > 0.9 * len(anchors)  # a line the extraction wrapped is skipped
    )
    line = (
        f"{path.name}: {len(reader.pages)} pages (at most {limit}), {len(anchors)} reviews,"
        f" {len(entries)} lines of contents read ({wrong_entries} wrong), {len(locators)}"
        f" index locators ({len(stray)} not the folio of a review it holds),"
        f" {title_page.group(0).capitalize() if title_page else 'no volume line'}"
    )
    return anchors, line, right


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("book", type=Path, help="the anthology folder (or its manifest)")
    parser.add_argument("out", type=Path, help="the folder the volumes were built into")
    parser.add_argument("--limit", type=int, default=None, help="the most pages of a volume")
    args = parser.parse_args(argv)
    anthology = load_anthology(args.book).anthology
    limit = args.limit or max_pages(anthology) or sys.maxsize
    paths = sorted(
        args.out.glob("*-volume-*-print.pdf"),
        key=lambda p: int(re.search(r"-volume-(\d+)-", p.name).group(1)),  # type: ignore[union-attr]
    )
    if not paths:
        sys.stdout.write(f"no volumes in {args.out}\n")
        return 1
    titles = {review.anchor: review.title for review in anthology.reviews}
    held: list[str] = []
    right = True
    for path in paths:
        anchors, line, volume_right = check_volume(path, titles, limit)
        held += anchors
        right = right and volume_right
        sys.stdout.write(line + "\n")
    in_order = held == [review.anchor for review in anthology.reviews]
    answer = "yes" if in_order else "NO"
    sys.stdout.write(f"every review once, in the book's order: {answer} ({len(held)})\n")
    return 0 if right and in_order else 1


if __name__ == "__main__":
    sys.exit(main())
