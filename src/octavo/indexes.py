"""The back matter's indexes: works, reviewers, creators and publications.

Each index files its entries as a reader looks for them: a title under its first
word after an article ("The General" under G), a person under their last name.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from .model import IndexEntry, IndexPage, Review

INDEX_TITLES = {
    "works": "Index of Works",
    "reviewers": "Index of Reviewers",
    "creators": "Index of Creators",
    "publications": "Index of Publications",
}


_ARTICLES = re.compile(r"^(the|a|an)\s+", re.IGNORECASE)


def title_key(title: str) -> str:
    """How a title is filed: "The General" under G."""
    return _ARTICLES.sub("", title).casefold()


def index_page(kind: str, title: str, page_id: str, reviews: list[Review]) -> IndexPage:
    labels: dict[str, list[str]] = {}
    for review in reviews:
        for label in _index_labels(kind, review):
            ids = labels.setdefault(label, [])
            if review.id not in ids:
                ids.append(review.id)
    entries = tuple(
        IndexEntry(label, tuple(ids))
        for label, ids in sorted(labels.items(), key=lambda item: _index_key(kind, item[0]))
    )
    return IndexPage(id=page_id, title=title, kind=kind, entries=entries)


def _index_labels(kind: str, review: Review) -> Iterable[str]:
    if kind == "works":
        return [review.toc_title]
    if kind == "reviewers":
        return review.reviewers
    if kind == "creators":
        return review.work.creators
    return [review.publication] if review.publication else []


def _index_key(kind: str, label: str) -> tuple[str, str]:
    if kind in ("reviewers", "creators"):
        # People are filed by their last name: "Murnau, F. W."
        parts = label.split()
        return (parts[-1].casefold() if parts else "", label.casefold())
    return (title_key(label), label.casefold())
