"""What every ``octavo`` command shares: the console, reporting, and running an action.

A command does its work in an ``action(console)`` passed to :func:`run`, which turns
Octavo's errors into their diagnostics and an exit status, never a traceback (unless
``--debug``).
"""

from __future__ import annotations

import os
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from ..api import FORMATS, Output
from ..diagnostics import Report
from ..errors import ContentError, OctavoError

#: The example anthology, used when no folder is named and the current one holds none.
EXAMPLE = Path(__file__).resolve().parents[3] / "anthologies" / "silent-screen"


#: The anthology argument of build, proof and the other commands that read one.
AnthologyFolder = Annotated[
    Path | None,
    typer.Argument(
        help="The anthology folder (holding anthology.toml). Default: the current folder"
        " if it holds one, else the example anthology."
    ),
]

#: The --debug option every command has.
Debug = Annotated[bool, typer.Option("--debug", help="Show tracebacks.")]
Jobs = Annotated[
    int,
    typer.Option(
        "--jobs",
        "-j",
        min=0,
        help="Processes that lay out the book side by side, part by part (0: one per"
        " core). 1 lays it out in one WeasyPrint pass; both give the same pages.",
    ),
]


def make_console() -> Console:
    # soft_wrap: a diagnostic stays on one line (Rich would otherwise break it at 80
    # columns when not writing to a terminal, splitting "path:line" for editors and CI).
    return Console(
        stderr=True, no_color=bool(os.environ.get("NO_COLOR")), highlight=False, soft_wrap=True
    )


def default_folder() -> Path:
    if (Path.cwd() / "anthology.toml").is_file():
        return Path.cwd()
    if EXAMPLE.is_dir():
        return EXAMPLE
    raise OctavoError(
        "there is no anthology.toml in this folder",
        hint="name an anthology folder: octavo build PATH",
    )


def print_report(report: Report, console: Console) -> None:
    bases = [report.root, Path.cwd()] if report.root else [Path.cwd()]
    for diagnostic in report.diagnostics:
        style = "red" if diagnostic.severity.value == "error" else "yellow"
        head, _, hint = diagnostic.format(*bases).partition("\n")
        console.print(head, style=style, markup=False)
        if hint:
            console.print(hint, markup=False)


def run(debug: bool, action: Callable[[Console], None]) -> None:
    console = make_console()
    try:
        action(console)
    except ContentError as error:
        print_report(error.report, console)
        console.print(error.message, style="bold red", markup=False)
        if debug:
            traceback.print_exc()
        raise typer.Exit(error.exit_code) from None
    except OctavoError as error:
        label = f"error[{error.code}]" if error.code else "error"
        console.print(f"{label}: {error.message}", style="bold red", markup=False)
        if error.hint:
            console.print(f"  hint: {error.hint}", markup=False)
        if debug:
            traceback.print_exc()
        raise typer.Exit(error.exit_code) from None
    except KeyboardInterrupt:
        console.print("Interrupted. Nothing was written.", markup=False)
        raise typer.Exit(130) from None
    except Exception:
        if debug:
            traceback.print_exc()
        else:
            console.print(
                "Octavo stopped on an unexpected error. This is a bug in Octavo: please"
                " report it with the output of the same command run with --debug.",
                style="bold red",
                markup=False,
            )
            console.print(f"  {traceback.format_exc().strip().splitlines()[-1]}", markup=False)
        raise typer.Exit(1) from None


def size_text(size: int) -> str:
    if size >= 1024 * 1024:
        return f"{size / 1024 / 1024:.1f} MB"
    return f"{size / 1024:.0f} KB"


def summary(output: Output, verb: str = "wrote") -> str:
    if output.pages is not None:
        detail = f"{output.pages} pages"
    elif output.format == "html":
        detail = "one page"
    else:
        detail = f"{output.documents} documents"
    return f"{verb} {output.path}  ({detail}, {size_text(output.size)})"


def parse_formats(text: str) -> tuple[str, ...]:
    """The formats of a ``--format pdf,epub`` option; an unknown one is a usage error."""
    formats = tuple(part.strip().lower() for part in text.split(",") if part.strip())
    unknown = [name for name in formats if name not in FORMATS]
    if not formats or unknown:
        raise typer.BadParameter(
            f"unknown format {', '.join(unknown) or '(none)'}; choose from {', '.join(FORMATS)}",
            param_hint="--format",
        )
    return formats
