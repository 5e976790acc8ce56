"""Measure Octavo's builds on generated anthologies of several sizes.

    python benchmarks/run.py [--sizes 1000] [--books sections,flat] [--only abdefhi]
                             [--runs N] [--ref REV] [--corpus DIR]

For each size, two books are generated (benchmarks/generate.py) into a temporary
folder: ``sections``, the benchmark book in parts of 50 reviews, and ``flat``, the same
review files with no [[sections]] (one list, as ``octavo import`` leaves a book); and,
when asked for (``--books pages``), ``pages``: the flat book in a theme of its own that
prints the book's page count in its margin boxes ("7 of 312", ``counter(pages)``). Then
each of these runs in a fresh process, timed from outside:

  a  build         octavo build BOOK --format pdf,epub           (as shipped: its default)
  b  single pass   octavo build BOOK --format pdf,epub --jobs 1  (one WeasyPrint pass)
  c  load+check    octavo check --quick BOOK                     (load and validate only)
  d  EPUB only     octavo build BOOK --format epub
  e  unchanged     octavo build BOOK --format pdf,epub again, nothing changed
  f  one word      the same, after one word of the middle review's body changed
  h  title         the same, after the middle review's title (front matter) changed
  i  one page      the same, after a paragraph of about a page was added to a review
                   in the first tenth of the book (every later review moves)
  g  press         octavo build BOOK/anthology-kdp.toml --format pdf-print,cover:
                   the printer's PDF and cover for a KDP paperback on white paper,
                   cut into volumes of at most 828 pages (a copy of the manifest with
                   [print] printer = "kdp", beside the original)

e, f, h and i rebuild into a folder an untimed build of the same command filled first
(its cache and its record of the last build), put back as that build left it before
each edit; each edited review is put back afterwards. "Middle" and "first tenth" are
in the book's order, read from the PDF of the untimed build (its named destinations).

While a command runs, its process tree is sampled every 50 ms (/proc/PID/status:
VmHWM and VmRSS of every process in it), which gives the peak RSS of the main
process, of the largest process and of the whole tree at once. When the command
ends, wait4() gives its CPU time (children included) and the peak RSS of its largest
process exactly. Pages are read from the PDF with pypdf. With --runs N, a and b
alternate (a b, b a, ...) and the tables show medians; the ratios a/b are the
medians of the ratios within each pair.

The tables are printed (the last one beside the targets of issue 16), and everything
(with the machine and the versions) is written to benchmarks/results/<timestamp>.json.
What each command printed is kept in benchmarks/results/<timestamp>-logs/, a folder per
book and run; the builds run with --verbose, so each log gives the seconds at which each
step of that build began.
If ``octavo build`` does not accept --jobs yet, b falls back to the default build, and
the output says so.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import json
import os
import platform
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import asdict, dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

import generate  # noqa: E402  (beside this file)

POLL_SECONDS = 0.05
KIB = 1024


# --- running one command and measuring it -----------------------------------------------


@dataclass
class Measure:
    """One run of one command."""

    name: str
    command: list[str]
    wall_s: float = 0.0
    cpu_s: float = 0.0  #: user + system, the command and all its children
    exit_status: int = 0
    main_peak_mib: float | None = None  #: VmHWM of the command's own process
    largest_peak_mib: float | None = None  #: the largest process of the tree
    rusage_maxrss_mib: float | None = None  #: wait4's ru_maxrss (see run_measured)
    tree_peak_mib: float | None = None  #: the most RSS the whole tree held at once (sampled)
    processes: int = 1  #: how many processes the tree had, the main one included
    process_peaks: list[tuple[str, float]] = field(default_factory=list)  #: (name, MiB), top 8
    pages: int | None = None
    pages_per_s: float | None = None
    outputs: dict[str, int] = field(default_factory=dict)  #: file name -> bytes
    error: str | None = None
    note: str | None = None  #: what an edit was, and how many reviews it moved
    log: str | None = None  #: the file that kept what the command printed


def _status(pid: int) -> tuple[int, int] | None:
    """VmHWM and VmRSS of a process, in KiB (None once it is gone)."""
    try:
        text = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return None
    values = {}
    for line in text.splitlines():
        key, _, rest = line.partition(":")
        if key in ("VmHWM", "VmRSS"):
            values[key] = int(rest.split()[0])
    if "VmHWM" not in values:
        return None  # a zombie
    return values["VmHWM"], values.get("VmRSS", 0)


def _children(pid: int) -> list[int]:
    found: list[int] = []
    try:
        tasks = list(Path(f"/proc/{pid}/task").iterdir())
    except OSError:
        return found
    for task in tasks:
        with contextlib.suppress(OSError):
            found.extend(int(c) for c in (task / "children").read_text().split())
    return found


def _tree(pid: int) -> list[int]:
    pids, todo = [], [pid]
    while todo:
        current = todo.pop()
        pids.append(current)
        todo.extend(_children(current))
    return pids


class Sampler(threading.Thread):
    """Samples the memory of a process tree until told to stop."""

    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.pid = pid
        self.peaks: dict[int, int] = {}  # pid -> VmHWM, KiB
        self.names: dict[int, str] = {}
        self.tree_peak = 0  # KiB
        self.done = threading.Event()

    def run(self) -> None:
        while not self.done.is_set():
            self.sample()
            self.done.wait(POLL_SECONDS)

    def sample(self) -> None:
        total = 0
        for pid in _tree(self.pid):
            status = _status(pid)
            if status is None:
                continue
            hwm, rss = status
            self.peaks[pid] = max(self.peaks.get(pid, 0), hwm)
            if pid not in self.names:
                with contextlib.suppress(OSError):
                    words = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
                    self.names[pid] = b" ".join(words).decode(errors="replace").strip()[:100]
            total += rss
        self.tree_peak = max(self.tree_peak, total)


def run_measured(name: str, command: list[str], env: dict[str, str], log: Path) -> Measure:
    measure = Measure(name, command, log=str(log))
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("wb") as output:
        start = time.perf_counter()
        process = subprocess.Popen(command, stdout=output, stderr=subprocess.STDOUT, env=env)
        sampler = Sampler(process.pid)
        sampler.start()
        # wait4, not Popen.wait: it also gives the CPU time and the largest RSS of the tree
        _, status, usage = os.wait4(process.pid, 0)
        measure.wall_s = time.perf_counter() - start
        sampler.done.set()
        sampler.join()
        process.returncode = os.waitstatus_to_exitcode(status)
    measure.exit_status = process.returncode
    measure.cpu_s = usage.ru_utime + usage.ru_stime
    # ru_maxrss (KiB on Linux) is the largest process the command waited for, but it
    # keeps the high-water mark from before exec(): the forked copy of this script
    # counts too. VmHWM starts afresh at exec(), so the samples are used when there are.
    measure.rusage_maxrss_mib = usage.ru_maxrss / KIB
    largest = usage.ru_maxrss
    if sampler.peaks:
        largest = max(sampler.peaks.values())
        main = sampler.peaks.get(process.pid)
        measure.main_peak_mib = main / KIB if main else None
        measure.tree_peak_mib = sampler.tree_peak / KIB
        measure.processes = len(sampler.peaks)
        top = sorted(sampler.peaks.items(), key=lambda item: -item[1])[:8]
        measure.process_peaks = [
            (("main " if pid == process.pid else "") + sampler.names.get(pid, "?"), kib / KIB)
            for pid, kib in top
        ]
    measure.largest_peak_mib = largest / KIB
    if measure.exit_status != 0:
        tail = log.read_text(errors="replace").strip().splitlines()[-5:]
        measure.error = "\n".join(tail)
    return measure


def count_pages(pdf: Path) -> int | None:
    """The PDF's page count, or None where it cannot be read (the measure is kept)."""
    try:
        import pikepdf  # no limits on the size of a big book's arrays, as pypdf has
    except ImportError:
        return None
    try:
        with pikepdf.open(pdf) as document:
            return len(document.pages)
    except (OSError, pikepdf.PdfError) as error:
        say(f"  could not count the pages of {pdf}: {error}")
        return None


# --- what is measured -------------------------------------------------------------------


@dataclass
class Setup:
    octavo: list[str]  #: how to start octavo
    env: dict[str, str]
    jobs: bool  #: whether octavo build accepts --jobs
    source: str  #: what is measured: the working tree, or a git revision
    verbose: bool  #: whether octavo build accepts --verbose (each step, timed, in the logs)


NAMES = {
    "a": "build (default)",
    "b": "build --jobs 1",
    "c": "check --quick",
    "d": "build epub only",
    "e": "rebuild unchanged",
    "f": "rebuild, one word",
    "h": "rebuild, a title",
    "i": "rebuild, +1 page",
    "g": "press: KDP volumes",
}
CASES = "abcdefghi"
REBUILDS = "efhi"  #: the cases that rebuild into the warm folder
#: The books: in parts, flat, and flat in a theme that prints the page count ("pages",
#: not measured unless asked for).
BOOKS = ("sections", "flat", "pages")
DEFAULT_BOOKS = ("sections", "flat")

#: The manifest of g, written beside the book's own.
PRESS_MANIFEST = "anthology-kdp.toml"


def commands(setup: Setup, book: Path, out: Path) -> dict[str, list[str]]:
    build = [*setup.octavo, "build", str(book), *(["--verbose"] if setup.verbose else [])]
    single = ["--jobs", "1"] if setup.jobs else []
    return {
        "a": [*build, "--format", "pdf,epub", "--out", str(out / "a")],
        "b": [*build, "--format", "pdf,epub", *single, "--out", str(out / "b")],
        "c": [*setup.octavo, "check", "--quick", str(book)],
        "d": [*build, "--format", "epub", "--out", str(out / "d")],
        **{key: [*build, "--format", "pdf,epub", "--out", str(out / "warm")] for key in REBUILDS},
        "g": [*setup.octavo, "build", str(book / PRESS_MANIFEST), "--format", "pdf-print,cover",
              "--out", str(out / "g")],
    }  # fmt: skip


def write_press_manifest(book: Path) -> None:
    """g's manifest: the book's, printed by KDP (which sets max_pages: volumes)."""
    text = (book / "anthology.toml").read_text(encoding="utf-8")
    text = text.replace("[print]\n", '[print]\nprinter = "kdp"\npaper = "white"\n', 1)
    (book / PRESS_MANIFEST).write_text(text, encoding="utf-8")


#: About as many words as fill a page of the benchmark book (trade trim, classic theme),
#: for a review too short to have a full page to count them on.
PAGE_WORDS = 420


@dataclass(frozen=True)
class Edit:
    """An edit of one review, for a rebuild to measure."""

    review: Path
    text: str  #: the review's text with the edit made
    what: str  #: what was changed, for the output


def review_starts(pdf: Path) -> tuple[dict[str, int], list[int], Any]:
    """The page (from 0) where each review begins, by its anchor (``r-<id>``); the
    pages where the parts begin; and the reader."""
    from pypdf import PdfReader

    reader = PdfReader(pdf)
    starts: dict[str, int] = {}
    parts: list[int] = []
    for name, destination in reader.named_destinations.items():
        if not name.startswith(("r-", "part-")):
            continue
        page = reader.get_destination_page_number(destination)
        if page is None:
            continue
        if name.startswith("r-"):
            starts[name] = page
        else:
            parts.append(page)
    return starts, sorted(parts), reader


def _body(text: str) -> int:
    """Where the body of a review begins: after its front matter."""
    return text.index("\n---", 3) + len("\n---\n")


def with_word_changed(text: str) -> str:
    """f: the first " the " of the body becomes " this "."""
    at = text.index(" the ", _body(text))
    return text[:at] + " this " + text[at + len(" the ") :]


def with_title_changed(text: str) -> str:
    """h: the work's title (front matter ``title:``) gets " II" at its end, which keeps
    its place in a book sorted by title."""
    match = re.search(r"^title:[ \t]*(.*?)[ \t]*$", text[: _body(text)], re.MULTILINE)
    if match is None:
        raise ValueError("the review has no title in its front matter")
    value = match.group(1)
    quoted = len(value) > 1 and value[0] == value[-1] and value[0] in "\"'"
    titled = f"{value[:-1]} II{value[-1]}" if quoted else f"{value} II"
    return text[: match.start(1)] + titled + text[match.end(1) :]


def with_paragraph_added(text: str, words: int, seed: int) -> str:
    """i: a paragraph of about ``words`` words after the body's first paragraph."""
    writer = generate.Writer(random.Random(seed), "The Benchmark Reader", "book", "B. Enchmark")
    paragraph = writer.paragraph(words)
    body = _body(text)
    at = text.find("\n\n", len(text) - len(text[body:].lstrip()))
    if at < 0:
        return text.rstrip("\n") + "\n\n" + paragraph + "\n"
    return text[:at] + "\n\n" + paragraph + text[at:]


def plan_edits(
    keys: str, book: Path, pdf: Path, seed: int
) -> tuple[dict[str, Edit], dict[str, int]]:
    """The edits of f, h and i, chosen in the book's order (read from its PDF), and
    where every review began before them."""
    starts, parts, reader = review_starts(pdf)
    order = sorted(starts, key=lambda anchor: (starts[anchor], anchor))
    files = {path.stem: path for path in book.glob("reviews/**/*.md")}

    def place(index: int) -> tuple[Path, str]:
        path = files[order[index].removeprefix("r-")]
        return path, f"{path.name} (review {index + 1} of {len(order)})"

    edits: dict[str, Edit] = {}
    middle, where = place(len(order) // 2)
    text = middle.read_text(encoding="utf-8")
    if "f" in keys:
        edits["f"] = Edit(middle, with_word_changed(text), f"' the ' -> ' this ' in {where}")
    if "h" in keys:
        edits["h"] = Edit(middle, with_title_changed(text), f"' II' after the title of {where}")
    if "i" in keys:
        index = len(order) // 20  # in the first tenth
        early, where = place(index)
        words, why = page_more(reader, starts[order[index]], starts, parts)
        text = early.read_text(encoding="utf-8")
        edits["i"] = Edit(
            early,
            with_paragraph_added(text, words, seed),
            f"a paragraph of {words} words added to {where}, {why}",
        )
    return edits, starts


def _words(reader: Any, page: int) -> int:
    return len((reader.pages[page].extract_text() or "").split())


def page_more(reader: Any, first: int, starts: dict[str, int], parts: list[int]) -> tuple[int, str]:
    """How many words make the review that begins on page ``first`` a page longer (two
    where one would fill the blank page before the next part), and why.

    The words of a full page are counted on the review's middle pages, and those of its
    last page on that page: the paragraph fills the last page, then the pages it must
    add, and half of the page after, so that the review grows by that many pages
    whatever the lines the layout moves."""
    later = [page for page in [*starts.values(), *parts] if page > first]
    last = (min(later) if later else len(reader.pages)) - 1
    while last > first and _words(reader, last) == 0:  # the blank before a part
        last -= 1
    full = max((_words(reader, page) for page in range(first + 1, last)), default=PAGE_WORDS)
    held = _words(reader, last)
    # A part that ends on a right-hand page has a blank page after it (the next part
    # opens on the next right-hand page): one more page would fill it and move nothing
    # after the part. Two more move every later review, whatever the parity.
    next_part = [page for page in parts if page > first]
    pages = 2 if next_part and _words(reader, next_part[0] - 1) == 0 else 1
    words = max(full // 2, pages * full + full // 2 - held)
    why = (
        f"to add {pages} page{'s' if pages > 1 else ''} (its last page held {held} words,"
        f" a full one {full}{'; a blank page follows its part' if pages > 1 else ''})"
    )
    return words, why


def moved(before: dict[str, int], pdf: Path) -> str:
    """How many reviews an edit moved to other pages, and by how much."""
    after, _, _ = review_starts(pdf)
    shifts = [after[a] - page for a, page in before.items() if a in after and after[a] != page]
    if not shifts:
        return "no review moved"
    low, high = min(shifts), max(shifts)
    by = f"{low:+d}" if low == high else f"{low:+d} to {high:+d}"
    unit = "page" if low == high and abs(low) == 1 else "pages"
    return f"{len(shifts)} of {len(before)} reviews moved, by {by} {unit}"


def _count(measure: Measure, out: Path) -> None:
    pdf = next(out.glob("*.pdf"), None)
    if pdf is not None and measure.exit_status == 0:
        measure.pages = count_pages(pdf)
        measure.pages_per_s = (measure.pages or 0) / measure.wall_s


def measure_rebuilds(
    keys: str,
    command: dict[str, list[str]],
    book: Path,
    setup: Setup,
    work: Path,
    seed: int,
    logs: Path,
) -> dict[str, Measure]:
    """e, f, h and i: rebuilds into a folder a first, untimed build filled.

    The folder is put back as that build left it before each edit, so that each
    rebuild lays out its own edit only (not also the undoing of the edit before it)."""
    out = work / "out" / "warm"
    kept = work / "out" / "warm-kept"
    for folder in (out, kept):
        shutil.rmtree(folder, ignore_errors=True)
    first = run_measured("warm-up build", command["e"], setup.env, logs / "warm-up.log")
    if first.exit_status != 0:
        say(f"  the untimed build for {', '.join(keys)} failed: {first.error}")
    found: dict[str, Measure] = {}
    if "e" in keys:
        found["e"] = run_measured(NAMES["e"], command["e"], setup.env, logs / "e.log")
        _count(found["e"], out)
    edited = keys.replace("e", "")
    pdf = next(out.glob("*.pdf"), None)
    if edited and pdf is None:
        say(f"  no PDF from the untimed build: {', '.join(edited)} not measured")
        edited = ""
    if edited:
        assert pdf is not None
        shutil.copytree(out, kept, symlinks=True)
        edits, before = plan_edits(edited, book, pdf, seed)
        for key in edited:
            edit = edits[key]
            shutil.rmtree(out)
            shutil.copytree(kept, out, symlinks=True)
            original = edit.review.read_text(encoding="utf-8")
            try:
                edit.review.write_text(edit.text, encoding="utf-8")
                measure = run_measured(NAMES[key], command[key], setup.env, logs / f"{key}.log")
            finally:
                edit.review.write_text(original, encoding="utf-8")
            _count(measure, out)
            after = next(out.glob("*.pdf"), None)
            if after is not None and measure.exit_status == 0:
                measure.note = f"{edit.what}: {moved(before, after)}"
            else:
                measure.note = edit.what
            found[key] = measure
    for folder in (out, kept):
        shutil.rmtree(folder, ignore_errors=True)
    return found


def measure_once(key: str, command: list[str], setup: Setup, work: Path, logs: Path) -> Measure:
    out = work / "out" / key
    shutil.rmtree(out, ignore_errors=True)
    measure = run_measured(NAMES[key], command, setup.env, logs / f"{key}.log")
    if key == "g" and measure.exit_status == 0:  # the volumes, read back (not timed)
        book = Path(command[2])
        checked = subprocess.run(
            [sys.executable, str(HERE / "check_volumes.py"), str(book), str(out)],
            capture_output=True,
            text=True,
            env=setup.env,
        )
        for line in checked.stdout.splitlines():
            say(f"    {line}")
        if checked.returncode != 0:
            say(f"  the volumes of g are wrong: {checked.stderr.strip()[-300:]}")
    if out.is_dir():
        for path in sorted(out.iterdir()):
            measure.outputs[path.name] = path.stat().st_size
            # every PDF but a cover: the volumes of g are counted together
            interior = path.suffix == ".pdf" and not path.name.endswith("-cover.pdf")
            if interior and measure.exit_status == 0:
                measure.pages = (measure.pages or 0) + (count_pages(path) or 0)
        if measure.pages:
            measure.pages_per_s = measure.pages / measure.wall_s
        shutil.rmtree(out)
    return measure


def median(values: list[float | None]) -> float | None:
    present = [v for v in values if v is not None]
    return statistics.median(present) if present else None


def measure_book(
    kind: str, n: int, args: argparse.Namespace, setup: Setup, work: Path, logs: Path
) -> dict[str, object]:
    """Every measurement asked for, on the book of this kind (sections, flat, pages) and
    size. What each command printed is kept under ``logs``, a folder per book and run."""
    name = f"reviews-{n}" + ("" if kind == "sections" else f"-{kind}")
    book = (args.corpus / name) if args.corpus else work / name
    if not (book / "anthology.toml").is_file():
        started = time.perf_counter()
        flat = kind in ("flat", "pages")
        words = generate.generate(n, book, args.seed, flat=flat, count_pages=kind == "pages")
        elapsed = time.perf_counter() - started
        say(f"\n{n} reviews, {kind}: generated {words} words in {elapsed:.1f} s")
    else:
        say(f"\n{n} reviews, {kind}: reusing {book}")
    command = commands(setup, book, work / "out")
    if "g" in args.only:
        write_press_manifest(book)
    runs: dict[str, list[Measure]] = {key: [] for key in args.only}
    for run in range(args.runs):
        order = [key for key in "abcdg" if key in args.only]
        if run % 2 == 1 and "a" in order and "b" in order:  # alternate a and b
            ia, ib = order.index("a"), order.index("b")
            order[ia], order[ib] = "b", "a"
        kept = logs / f"{name}-run{run + 1}"
        for key in order:
            measure = measure_once(key, command[key], setup, work, kept)
            runs[key].append(measure)
            say(f"  run {run + 1}/{args.runs}  {key} {NAMES[key]:<18} {_line(measure)}")
        rebuilds = "".join(key for key in REBUILDS if key in args.only)
        if rebuilds:
            found = measure_rebuilds(rebuilds, command, book, setup, work, args.seed, kept)
            for key, measure in found.items():
                runs[key].append(measure)
                say(f"  run {run + 1}/{args.runs}  {key} {NAMES[key]:<18} {_line(measure)}")
    summary = {key: _summary(measures) for key, measures in runs.items()}
    ratios = {}
    if runs.get("a") and runs.get("b"):
        pairs = list(zip(runs["a"], runs["b"], strict=True))
        for label, attr in (
            ("time", "wall_s"),
            ("cpu", "cpu_s"),
            ("largest_process_memory", "largest_peak_mib"),
            ("main_process_memory", "main_peak_mib"),
            ("tree_memory", "tree_peak_mib"),
        ):
            values = [
                getattr(a, attr) / getattr(b, attr)
                for a, b in pairs
                if getattr(a, attr) and getattr(b, attr)
            ]
            ratios[label] = median(list(values))
    return {
        "book": kind,
        "reviews": n,
        "corpus": str(book),
        "summary": summary,
        "ratios_a_over_b": ratios,
        "runs": {key: [asdict(m) for m in measures] for key, measures in runs.items()},
    }


def _summary(measures: list[Measure]) -> dict[str, object]:
    ok = [m for m in measures if m.exit_status == 0]
    fields = (
        "wall_s",
        "cpu_s",
        "pages",
        "pages_per_s",
        "main_peak_mib",
        "largest_peak_mib",
        "tree_peak_mib",
        "processes",
    )
    summary: dict[str, object] = {f: median([getattr(m, f) for m in ok]) for f in fields}
    summary["runs"] = len(measures)
    summary["failed"] = len(measures) - len(ok)
    if measures:
        summary["wall_s_min"] = min((m.wall_s for m in ok), default=None)
        summary["wall_s_max"] = max((m.wall_s for m in ok), default=None)
    return summary


def _line(m: Measure) -> str:
    if m.exit_status != 0:
        return f"FAILED (exit {m.exit_status}): {m.error}"
    pages = f"{m.pages} pages, {m.pages_per_s:.1f} p/s, " if m.pages and m.pages_per_s else ""
    line = (
        f"{m.wall_s:7.2f} s  {pages}largest process {m.largest_peak_mib or 0:.0f} MiB,"
        f" {m.processes} process(es)"
    )
    return line + (f"\n      {m.note}" if m.note else "")


# --- the machine and the versions -------------------------------------------------------


def machine() -> dict[str, object]:
    info: dict[str, object] = {
        "platform": platform.platform(),
        "python": platform.python_version(),
        "cores": os.cpu_count(),
        "cores_usable": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else None,
        "load_average_at_start": os.getloadavg(),
    }
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                info["cpu"] = line.split(":", 1)[1].strip()
                break
    with contextlib.suppress(OSError):
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                info["ram_gib"] = round(int(line.split()[1]) / KIB / KIB, 1)
    return info


def versions(setup: Setup) -> dict[str, object]:
    found: dict[str, object] = {}
    for package in ("octavo", "weasyprint", "pydyf", "tinycss2", "ebooklib", "pypdf"):
        with contextlib.suppress(metadata.PackageNotFoundError):
            found[package] = metadata.version(package)
    with contextlib.suppress(Exception):
        pango = subprocess.run(
            [
                sys.executable,
                "-c",
                "from weasyprint.text.ffi import pango; v = pango.pango_version();"
                "print(f'{v // 10000}.{v // 100 % 100}.{v % 100}')",
            ],
            capture_output=True,
            text=True,
            timeout=60,
        )
        if pango.returncode == 0:
            found["pango"] = pango.stdout.strip()
    found["source"] = setup.source
    return found


def git(*args: str) -> str:
    done = subprocess.run(["git", "-C", str(ROOT), *args], capture_output=True, text=True)
    return done.stdout.strip() if done.returncode == 0 else ""


def prepare(args: argparse.Namespace, work: Path) -> Setup:
    env = dict(os.environ)
    if args.ref:
        # the committed code, not the working tree (which others may be editing)
        commit = git("rev-parse", "--verify", f"{args.ref}^{{commit}}")
        if not commit:
            raise SystemExit(f"run.py: {args.ref} is not a git revision of {ROOT}")
        export = work / "source"
        export.mkdir()
        archive = subprocess.run(
            ["git", "-C", str(ROOT), "archive", commit, "src", "styles"],
            capture_output=True,
            check=True,
        ).stdout
        subprocess.run(["tar", "-x", "-C", str(export)], input=archive, check=True)
        env["PYTHONPATH"] = os.pathsep.join(
            [str(export / "src"), *filter(None, [env.get("PYTHONPATH")])]
        )
        source = f"git {args.ref} ({commit[:12]})"
        octavo = [sys.executable, "-m", "octavo"]
    else:
        commit = git("rev-parse", "HEAD")
        dirty = bool(git("status", "--porcelain", "--", "src", "styles"))
        source = f"working tree at {commit[:12]}" + (" with uncommitted changes" if dirty else "")
        script = Path(sys.executable).parent / "octavo"
        octavo = [str(script)] if script.exists() else [sys.executable, "-m", "octavo"]
    env.setdefault("PYTHONHASHSEED", "0")
    # Python's compiled modules kept and read, as an installed Octavo has them (a shell
    # that forbids writing them, as this project's sandbox does, would time every
    # process compiling Octavo's modules again: about 0.3 s of CPU for all of them)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    helped = subprocess.run(
        [*octavo, "build", "--help"], capture_output=True, text=True, env=env, check=False
    )
    if helped.returncode != 0:
        raise SystemExit(f"run.py: octavo does not start:\n{helped.stdout}{helped.stderr}")
    return Setup(octavo, env, "--jobs" in helped.stdout, source, "--verbose" in helped.stdout)


# --- output -----------------------------------------------------------------------------


def say(text: str) -> None:
    sys.stdout.write(text + "\n")
    sys.stdout.flush()


def _fmt(value: object, digits: int = 1) -> str:
    if value is None:
        return "–"
    if isinstance(value, float):
        return f"{value:.{digits}f}"
    return str(value)


def table(results: list[dict[str, object]]) -> str:
    head = (
        "| book | reviews | measurement | wall s | CPU s | pages | pages/s | main process MiB"
        " | largest process MiB | whole tree MiB | processes |"
    )
    lines = [head, "|" + "---|" * head.count(" | ") + "---|"]
    for result in results:
        summary = result["summary"]
        assert isinstance(summary, dict)
        for key, s in summary.items():
            lines.append(
                f"| {result['book']} | {result['reviews']} | {key}: {NAMES[key]}"
                f" | {_fmt(s['wall_s'], 2)} | {_fmt(s['cpu_s'])} | {_fmt(s['pages'])}"
                f" | {_fmt(s['pages_per_s'])} | {_fmt(s['main_peak_mib'], 0)}"
                f" | {_fmt(s['largest_peak_mib'], 0)} | {_fmt(s['tree_peak_mib'], 0)}"
                f" | {_fmt(s['processes'])} |"
            )
    if not any(result["ratios_a_over_b"] for result in results):
        return "\n".join(lines)
    lines += ["", "| book | reviews | a/b time | a/b CPU | a/b largest process | a/b whole tree |"]
    lines.append("|---|---|---|---|---|---|")
    for result in results:
        ratios = result["ratios_a_over_b"]
        assert isinstance(ratios, dict)
        if ratios:
            lines.append(
                f"| {result['book']} | {result['reviews']} | {_fmt(ratios.get('time'), 2)}"
                f" | {_fmt(ratios.get('cpu'), 2)}"
                f" | {_fmt(ratios.get('largest_process_memory'), 2)}"
                f" | {_fmt(ratios.get('tree_memory'), 2)} |"
            )
    return "\n".join(lines)


#: Issue 16's targets, each for a book of so many reviews: the seconds a case may take
#: at most, the speed-up of the default build over --jobs 1 at least, and the memory
#: any process of a build may hold at most (400 MB, in MiB).
TARGET_SECONDS = {"d": (10.0, 5000), "e": (1.0, 1000), "f": (3.0, 1000), "h": (6.0, 1000),
                  "i": (8.0, 1000)}  # fmt: skip
TARGET_SPEEDUP = (3.0, 1000)
TARGET_MIB = (400e6 / KIB / KIB, 1000)


def _against(value: float | None, text: str, target: tuple[float, int], n: int, most: bool) -> str:
    """The value, with a tick or a cross where the book has the target's size."""
    limit, size = target
    if value is None or n != size:
        return text
    return text + (" ✓" if (value < limit if most else value >= limit) else " ✗")


def targets_table(results: list[dict[str, object]]) -> str:
    """Per book and size: the cold builds, their ratio, the EPUB, the rebuilds and the
    memory, beside the issue's targets (marked where the size is the target's)."""
    cases = "abdefhi"
    head = (
        "| book | reviews | pages | a: cold s | b: --jobs 1 s | speed-up b/a | d: EPUB s"
        " | e: unchanged s | f: one word s | h: a title s | i: +1 page s"
        " | largest process MiB (all but b) | whole tree MiB (all but b) |"
    )
    target = (
        f"| **target** | | | | | ≥ {TARGET_SPEEDUP[0]:g}× at {TARGET_SPEEDUP[1]:,}"
        + "".join(
            f" | < {TARGET_SECONDS[key][0]:g} at {TARGET_SECONDS[key][1]:,}" for key in "defhi"
        )
        + f" | < {TARGET_MIB[0]:.0f} (400 MB) at {TARGET_MIB[1]:,} | |"
    )
    lines = [head, "|" + "---|" * head.count(" | ") + "---|", target]
    for result in results:
        n = result["reviews"]
        summary = result["summary"]
        assert isinstance(n, int)
        assert isinstance(summary, dict)
        wall = {key: summary[key]["wall_s"] for key in cases if key in summary}
        cells = [str(result["book"]), str(n)]
        pages = [summary[key]["pages"] for key in "ab" if key in summary]
        cells.append(_fmt(next((p for p in pages if p), None)))
        cells += [_fmt(wall.get("a"), 2), _fmt(wall.get("b"), 2)]
        ratio = result["ratios_a_over_b"]
        assert isinstance(ratio, dict)
        speedup = 1 / ratio["time"] if ratio.get("time") else None
        speed = f"{speedup:.2f}×" if speedup else "–"
        cells.append(_against(speedup, speed, TARGET_SPEEDUP, n, most=False))
        for key in "defhi":
            seconds = wall.get(key)
            cells.append(_against(seconds, _fmt(seconds, 2), TARGET_SECONDS[key], n, most=True))
        others = [s for key, s in summary.items() if key != "b"]
        largest = max((s["largest_peak_mib"] or 0 for s in others), default=0) or None
        tree = max((s["tree_peak_mib"] or 0 for s in others), default=0) or None
        cells.append(_against(largest, _fmt(largest, 0), TARGET_MIB, n, most=True))
        cells.append(_fmt(tree, 0))
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="1000", help="review counts (default 1000)")
    parser.add_argument(
        "--books",
        default=",".join(DEFAULT_BOOKS),
        help="which books, of sections (in parts), flat (no sections) and pages (flat, in a"
        " theme that prints the page count); default sections,flat",
    )
    parser.add_argument("--runs", type=int, default=1, help="runs of each measurement")
    parser.add_argument("--seed", type=int, default=generate.DEFAULT_SEED)
    parser.add_argument(
        "--only", default=CASES, help=f"which measurements, of {' '.join(CASES)} (default: all)"
    )
    parser.add_argument(
        "--ref",
        help="measure this git revision (exported from git) instead of the working tree",
    )
    parser.add_argument(
        "--corpus", type=Path, help="keep the generated anthologies here, and reuse them"
    )
    parser.add_argument("--results", type=Path, default=HERE / "results")
    args = parser.parse_args(argv)
    sizes = [int(size) for size in args.sizes.split(",") if size.strip()]
    args.only = "".join(key for key in CASES if key in args.only)
    books = [book.strip() for book in args.books.split(",") if book.strip()]
    if unknown := [book for book in books if book not in BOOKS]:
        parser.error(f"unknown book {', '.join(unknown)}: say {' or '.join(BOOKS)}")
    if not sizes or args.runs < 1 or not args.only or not books:
        parser.error("give at least one size, one book, one run and one measurement")

    started = dt.datetime.now(dt.UTC)
    with tempfile.TemporaryDirectory(prefix="octavo-bench-") as temporary:
        work = Path(temporary)
        setup = prepare(args, work)
        info = {"machine": machine(), "versions": versions(setup)}
        m = info["machine"]
        assert isinstance(m, dict)
        say(
            f"Measuring {setup.source}, on {m.get('cpu')}, {m.get('cores')} cores,"
            f" {m.get('ram_gib')} GiB, Python {m.get('python')},"
            f" WeasyPrint {info['versions'].get('weasyprint')}"  # type: ignore[union-attr]
        )
        if not setup.jobs and "b" in args.only:
            say(
                "NOTE: octavo build does not accept --jobs yet: measurement b (the single-pass"
                " baseline) is the default build again, so a/b compares two identical builds."
            )
        logs = args.results / f"{started.strftime('%Y%m%d-%H%M%S')}-logs"
        results = [measure_book(book, n, args, setup, work, logs) for n in sizes for book in books]

    report = {
        "started": started.isoformat(timespec="seconds"),
        "finished": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "load_average_at_end": os.getloadavg(),
        **info,
        "jobs_option": setup.jobs,
        "baseline_note": None
        if setup.jobs
        else "octavo build had no --jobs option: b is the default build",
        "runs": args.runs,
        "seed": args.seed,
        "results": results,
    }
    args.results.mkdir(parents=True, exist_ok=True)
    path = args.results / f"{started.strftime('%Y%m%d-%H%M%S')}.json"
    path.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    say("\n" + table(results))
    say("\nAgainst the targets of issue 16 (✓ or ✗ where the book has the target's size):\n")
    say(targets_table(results))
    if not setup.jobs and "b" in args.only:
        say("\n(b is the default build: octavo build has no --jobs option yet.)")
    shown = path.relative_to(ROOT) if path.is_relative_to(ROOT) else path
    say(f"\nWritten {shown}, and what each command printed in {shown.with_suffix('')}-logs/")
    failed = any(
        s["failed"]  # type: ignore[index]
        for r in results
        for s in r["summary"].values()  # type: ignore[attr-defined]
    )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
