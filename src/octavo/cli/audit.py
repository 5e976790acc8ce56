"""``octavo audit``: lay the book out in memory and report its typographic faults.

The report is text for a person (one line per fault with its page, folio and file,
its hint on the next line, then a summary) or, with ``--format json``, one JSON
document for a program (docs/audit.md describes it). Nothing is written.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console

from ..errors import OctavoError, Refused
from . import app
from .check import OutputFormat, make_stdout_console, relative_file
from .support import AnthologyFolder, Debug, Jobs, default_folder, run

if TYPE_CHECKING:  # audit imports WeasyPrint: only when the command runs
    from ..audit import Audit, Fault


@app.command("audit")
def audit_command(
    folder: AnthologyFolder = None,
    format: Annotated[
        OutputFormat,
        typer.Option(
            "--format",
            "-f",
            case_sensitive=False,
            help="text: one line per fault (page, folio, file) and its hint, then a summary;"
            " json: one JSON document (see docs/audit.md).",
        ),
    ] = OutputFormat.TEXT,
    theme: Annotated[
        str | None,
        typer.Option(
            "--theme",
            help="Lay the book out in this theme (a name or a folder) instead of its own.",
        ),
    ] = None,
    jobs: Jobs = 0,
    debug: Debug = False,
) -> None:
    """Lay the print edition out in memory and report its typographic faults; write nothing.

    Each fault is named with its page (its place in the PDF and its printed folio) and
    its file: T701 text outside the text block (an error), T702 a note not on the page
    of its call, T703 a review's last page with few lines, T704 a paragraph ending on
    a short fragment or word, T705 too many hyphenated lines in a row, T706 a heading
    at the foot of a page, T707 a loose line. The thresholds are the theme's [audit]
    settings.

    Exit status: 0 when there is no error (warnings are allowed), 1 when there are
    errors, 2 when the command line is wrong.
    """
    status: list[int] = []

    def action(console: Console) -> None:
        from ..audit import audit

        anthology = folder if folder is not None else default_folder()
        root = anthology if anthology.is_dir() else anthology.parent
        try:
            with console.status("Starting") as progress:
                found = audit(
                    anthology, theme, lambda step: progress.update(step), jobs=jobs or None
                )
        except Refused as refused:
            raise OctavoError(refused.message, hint=refused.hint, code=refused.code) from refused
        if format is OutputFormat.JSON:
            typer.echo(json.dumps(as_json(found, root), ensure_ascii=False, indent=2))
        else:
            print_text(found, root, make_stdout_console())
        status.append(1 if found.errors else 0)

    run(debug, action)
    if status and status[0]:
        raise typer.Exit(status[0])


def fault_line(fault: Fault, root: Path) -> str:
    """``warning[T703] reviews/a.md: page 13 (folio 5): message``."""
    where = relative_file(fault.path, root) or "(no file)"
    return (
        f"{fault.severity.value}[{fault.code}] {where}: page {fault.page + 1}"
        f" (folio {fault.folio}): {fault.message}"
    )


def print_text(found: Audit, root: Path, console: Console) -> None:
    for fault in found.faults:
        style = "red" if fault.severity.value == "error" else "yellow"
        console.print(fault_line(fault, root), style=style, markup=False)
        console.print(f"  hint: {fault.hint}", markup=False)
    warnings, errors = len(found.warnings), len(found.errors)
    if not found.faults:
        console.print(f"No typographic faults found on {found.pages} pages.", markup=False)
    else:
        console.print(
            f"{warnings} warning{'s' * (warnings != 1)}, {errors} error{'s' * (errors != 1)}"
            f" on {found.pages} pages",
            markup=False,
        )


def as_json(found: Audit, root: Path) -> dict[str, Any]:
    """The JSON document ``--format json`` prints (docs/audit.md describes it)."""
    return {
        "anthology": os.path.abspath(root),
        "theme": found.loaded.theme.name,
        "pages": found.pages,
        "faults": [
            {
                "code": fault.code,
                "severity": fault.severity.value,
                "page": fault.page + 1,
                "folio": fault.folio,
                "file": relative_file(fault.path, root),
                "message": fault.message,
                "hint": fault.hint,
            }
            for fault in found.faults
        ],
        "errors": len(found.errors),
        "warnings": len(found.warnings),
    }
