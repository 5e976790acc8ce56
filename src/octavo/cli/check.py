"""``octavo check``: report every problem of an anthology without writing anything.

The report is text for a person (the diagnostics as ``build`` prints them, then a
summary line) or, with ``--format json``, one JSON document for a program. Both go
to standard output; content errors come out the same way, never as a traceback.
"""

from __future__ import annotations

import json
import os
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console

from ..diagnostics import Diagnostic, Report
from ..errors import ContentError, OctavoError
from ..preflight import PREFLIGHT_PREFIX, Preflight
from . import app
from .support import AnthologyFolder, default_folder, print_report, run

if TYPE_CHECKING:
    from ..check import PrinterCheck


class OutputFormat(StrEnum):
    TEXT = "text"
    JSON = "json"


@app.command("check")
def check_command(
    folder: AnthologyFolder = None,
    format: Annotated[
        OutputFormat,
        typer.Option(
            "--format",
            "-f",
            case_sensitive=False,
            help="text: one line per problem (file:line: message) and its hint, then a"
            " summary; json: one JSON document (see docs/checking.md).",
        ),
    ] = OutputFormat.TEXT,
    strict: Annotated[
        bool,
        typer.Option("--strict", help="Treat warnings as errors: exit status 1 if there is any."),
    ] = False,
    quick: Annotated[
        bool,
        typer.Option(
            "--quick",
            help="Skip making the PDF and EPUB in memory: much faster, but pictures are not"
            " checked for their printed resolution (B407) and templates are not run.",
        ),
    ] = False,
    lengths: Annotated[
        bool,
        typer.Option(
            "--lengths",
            help="Name every review much longer or shorter than the rest (L605), one"
            " warning each, instead of one summary for the book.",
        ),
    ] = False,
    printer: Annotated[
        PrinterChoice | None,
        typer.Option(
            "--printer",
            case_sensitive=False,
            help="Make the printer's PDF and hold it (and the cover, --cover) against this"
            " printer's rules: page count, margins, trim and bleed boxes, fonts, pictures"
            " (P801-P808, see docs/printing.md). Needs the layout (not --quick).",
        ),
    ] = None,
    preflight: Annotated[
        bool,
        typer.Option(
            "--preflight",
            help="As --printer, for the printer the manifest names ([print] printer).",
        ),
    ] = False,
    cover: Annotated[
        Path | None,
        typer.Option(
            "--cover",
            exists=True,
            dir_okay=False,
            readable=True,
            help="A cover PDF to check against the printer's wrap for this book's page"
            " count (P808); implies --preflight.",
        ),
    ] = None,
    debug: Annotated[bool, typer.Option("--debug", help="Show tracebacks.")] = False,
) -> None:
    """Check an anthology and report every problem; write nothing.

    Reports what build would (errors and warnings, with the same codes), pictures
    below 300 ppi at their printed size (B407), and editorial problems: reviews in no
    section (M106), empty sections (M109), misspelt front-matter keys (R213), pictures
    without alt text (R208), two reviews of one work (L601), straight quotes left in
    the typeset text (L602), double spaces between words (L603), ratings on several
    scales in one section (L604), reviews much longer or shorter than the rest (L605),
    reviews not cleared for print, their permission missing or pending (L608).

    With --printer kdp, ingramspark or generic (or --preflight, for the manifest's
    printer), the printer's PDF is made and held against that printer's rules, and
    each rule is reported, passed or failed (a failed rule is an error, P801-P808).

    Exit status: 0 when there is no error (warnings are allowed unless --strict), 1
    when there are errors, 2 when the command line is wrong.
    """
    status: list[int] = []
    wanted = printer_check(printer, preflight, cover, quick)

    def action(console: Console) -> None:
        from ..check import check

        anthology = folder if folder is not None else default_folder()
        root = anthology if anthology.is_dir() else anthology.parent
        layout = loaded = False
        checked_printer: tuple[Preflight, ...] = ()
        try:
            with console.status("Starting") as progress:
                checked = check(
                    anthology, quick, lambda step: progress.update(step), lengths, wanted
                )
            report, layout, loaded = checked.report, checked.layout, True
            checked_printer = checked.preflight
        except ContentError as error:
            report = error.report
        except OctavoError as error:
            if error.exit_code != 1 or format is OutputFormat.TEXT:
                raise  # a usage error, or printed by run() as build prints it
            report = Report()
            report.add(Diagnostic(error.code or "", error.message, hint=error.hint))
        if strict:
            report.warnings_as_errors()
        if format is OutputFormat.JSON:
            document = as_json(report, root, layout)
            if wanted is not None:  # empty when the printer's PDF could not be made
                document["preflight"] = [volume.as_json(root) for volume in checked_printer]
            typer.echo(json.dumps(document, ensure_ascii=False, indent=2))
        else:
            stdout = make_stdout_console()
            unchecked = wanted is not None and not checked_printer
            print_text(report, root, loaded, quick, stdout, checked_printer, unchecked)
        status.append(1 if report.has_errors() else 0)

    run(debug, action)
    if status and status[0]:
        raise typer.Exit(status[0])


class PrinterChoice(StrEnum):
    KDP = "kdp"
    INGRAMSPARK = "ingramspark"
    GENERIC = "generic"


def printer_check(
    printer: PrinterChoice | None, preflight: bool, cover: Path | None, quick: bool
) -> PrinterCheck | None:
    """What ``--printer``, ``--preflight`` and ``--cover`` ask for (None: no preflight)."""
    from ..check import PrinterCheck

    if printer is None and not preflight and cover is None:
        return None
    if quick:
        raise typer.BadParameter(
            "the printer's rules are held against the laid-out PDF: leave out --quick",
            param_hint="'--quick'",
        )
    data = None
    if cover is not None:
        try:
            data = cover.read_bytes()
        except OSError as error:
            raise typer.BadParameter(f"cannot read {cover}: {error.strerror}") from None
    return PrinterCheck(printer.value if printer else None, data, cover)


def make_stdout_console() -> Console:
    return Console(no_color=bool(os.environ.get("NO_COLOR")), highlight=False, soft_wrap=True)


def print_text(
    report: Report,
    root: Path,
    loaded: bool,
    quick: bool,
    console: Console,
    preflight: tuple[Preflight, ...] = (),
    printer_unchecked: bool = False,
) -> None:
    """The diagnostics, as build prints them, then the printer's rules one per line (a
    failed one as its diagnostic), what was skipped, and a summary.
    ``printer_unchecked``: a printer was asked for, but its rules could not be run."""
    report.root = root
    if not preflight:
        print_report(report, console)
    else:
        others = [d for d in report.diagnostics if not d.code.startswith(PREFLIGHT_PREFIX)]
        print_report(Report(others, root), console)
        for volume in preflight:
            print_preflight(volume, root, console)
    if not loaded:
        console.print(
            "The editorial checks (L6xx) and the layout run once these errors are fixed.",
            markup=False,
        )
    elif quick:
        console.print(
            "Skipped the print layout (--quick): pictures were not checked for their"
            " printed resolution (B407).",
            markup=False,
        )
    elif printer_unchecked:
        console.print(
            "The printer's rules were not checked: the printer's PDF could not be made.",
            markup=False,
        )
    console.print(summary_line(report), markup=False)


def print_preflight(preflight: Preflight, root: Path, console: Console) -> None:
    """One line per rule: ``passed P801 page count: ...``; a failed rule is printed as
    its diagnostic (``error[P802] ...`` and its hint)."""
    console.print(preflight.heading, markup=False)
    for result in preflight.results:
        if not result.failed:
            console.print(f"  {result.status} {result.code} {result.line}", markup=False)
            continue
        head, _, hint = preflight.diagnostic(result).format(root, Path.cwd()).partition("\n")
        console.print(f"  {head}", style="red", markup=False)
        if hint:
            console.print(f"  {hint}", markup=False)


def summary_line(report: Report) -> str:
    """ "3 warnings, 0 errors", or "No problems found." """
    warnings, errors = len(report.warnings), len(report.errors)
    if not warnings and not errors:
        return "No problems found."
    return f"{warnings} warning{'s' * (warnings != 1)}, {errors} error{'s' * (errors != 1)}"


def as_json(report: Report, root: Path, layout: bool) -> dict[str, Any]:
    """The JSON document ``--format json`` prints (docs/checking.md describes it)."""
    return {
        "anthology": os.path.abspath(root),
        "layout": layout,
        "problems": [problem_json(d, root) for d in report.diagnostics],
        "errors": len(report.errors),
        "warnings": len(report.warnings),
    }


def problem_json(diagnostic: Diagnostic, root: Path) -> dict[str, Any]:
    return {
        "code": diagnostic.code or None,
        "severity": diagnostic.severity.value,
        "file": relative_file(diagnostic.path, root),
        "line": diagnostic.line,
        "column": diagnostic.column,
        "message": diagnostic.message,
        "hint": diagnostic.hint,
    }


def relative_file(path: Path | None, root: Path) -> str | None:
    """The path from the anthology folder, with / between names; absolute when outside."""
    if path is None:
        return None
    # abspath, not resolve: a symlink is shown where it is, as build shows it
    absolute, base = Path(os.path.abspath(path)), Path(os.path.abspath(root))
    if absolute.is_relative_to(base):
        return absolute.relative_to(base).as_posix()
    return absolute.as_posix()
