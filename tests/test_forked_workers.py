"""What a worker of the parallel layout finds loaded when it is forked: the modules it
imports for a piece, the hyphenation dictionaries of the book's languages, and the
theme's stylesheets parsed with their fonts. The build's process loads them once
before it forks its workers, so that no worker loads them again for its first piece
(pikepdf is about 0.15 s, the stylesheets 0.2 to 0.4 s, German's patterns 0.9 s,
each time a worker is forked: three times in a cold build).
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path
from typing import Any

import pyphen
import pytest

import octavo.render.print_split as print_split
from octavo.api import load_anthology, make_pdf
from octavo.write import pdf, pdf_worker
from octavo.write.hyphenation import dictionary_for, languages_in, load_dictionaries
from tests.test_parallel_books import _flat

pytestmark = pytest.mark.slow


def test_the_languages_of_a_document_each_once() -> None:
    html = '<html lang="de"><body><p lang="fr-CA">x</p><p lang="de">y</p><p class="lang">'
    assert languages_in(html) == ("de", "fr-CA")


def test_a_language_is_an_attribute_named_lang_after_a_space() -> None:
    """Not ``xml:lang`` nor ``data-lang``, nor the words "lang=" at the start of the text;
    any white space before it counts (a tab, a line feed, a no-break space), as the
    pattern that began with the space read it."""
    html = (
        'lang="aa"<p xml:lang="bb" data-lang="cc"\tlang="dd"\nlang="ee">'
        '<i\u00a0lang="ff">x</i> lang="gg" <b lang="">'
    )
    old = re.compile(r'\slang="([^"]*)"')
    assert languages_in(html) == tuple(dict.fromkeys(old.findall(html)))
    assert languages_in(html) == ("dd", "ee", "ff", "gg", "")


def test_loading_a_dictionary_keeps_it_for_the_process() -> None:
    load_dictionaries(("fr-CA", "he", "tr", "xx"))  # Hebrew and xx: none to load
    loaded = {Path(path).name for path in pyphen.hdcache}
    assert {"hyph_fr.dic", "hyph_tr.dic"} <= loaded
    assert dictionary_for("he") is None


def test_a_forked_worker_loads_nothing_for_its_piece(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A German book (its patterns are the slowest to load) laid out in four pieces by
    two workers: each piece finds the modules, the dictionary and the stylesheets its
    worker was forked with, and loads none."""
    book = _flat(tmp_path / "book", count=4, extra='language = "de"\n')
    noted = tmp_path / "noted.jsonl"
    lay_out = pdf_worker._lay_out

    def noting(job: Any) -> Any:  # in the worker, forked after this patch
        modules, dictionaries = set(sys.modules), set(pyphen.hdcache)
        sheets = pdf._STYLES.get("sheets")
        result = lay_out(job)
        with noted.open("a", encoding="utf-8") as file:
            note = {
                "job": job.name,
                "modules": sorted(set(sys.modules) - modules),
                "dictionaries": sorted(str(path) for path in set(pyphen.hdcache) - dictionaries),
                "parsed": pdf._STYLES.get("sheets") is not sheets,
            }
            file.write(json.dumps(note) + "\n")
        return result

    monkeypatch.setattr(pdf_worker, "_lay_out", noting)
    monkeypatch.setattr(print_split, "CHUNK_REVIEWS", 1)
    steps: list[str] = []
    make_pdf(load_anthology(book), steps.append, jobs=2)
    assert "Merging the PDF" in steps  # laid out in pieces
    notes = [json.loads(line) for line in noted.read_text(encoding="utf-8").splitlines()]
    pieces = [note for note in notes if note["job"].startswith("chunk-")]
    assert len(pieces) == 4
    for note in notes:
        assert note["modules"] == [], note
        assert note["dictionaries"] == [], note
        assert note["parsed"] is False, note
