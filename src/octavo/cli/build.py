"""``octavo build``: the PDF, EPUB and other editions of an anthology."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.status import Status

from ..api import build
from ..diagnostics import Report
from ..errors import ContentError
from . import app
from .support import (
    AnthologyFolder,
    Jobs,
    default_folder,
    parse_formats,
    print_report,
    run,
    summary,
)


@app.command("build")
def build_command(
    folder: AnthologyFolder = None,
    format: Annotated[
        str,
        typer.Option(
            "--format",
            "-f",
            help="Comma-separated formats: pdf (screen), epub, pdf-print (PDF/X-4 for a"
            " printer, with bleed and crop marks), kepub (Kobo), azw3 (Kindle, needs"
            " calibre's ebook-convert), html (one self-contained web page), cover (the"
            " printed cover: back, spine and front on one PDF/X-4 sheet sized for the"
            " manifest's [print] printer, paper and binding).",
        ),
    ] = "pdf,epub",
    out: Annotated[Path, typer.Option("--out", "-o", help="The output folder.")] = Path("dist"),
    strict: Annotated[
        bool,
        typer.Option(
            "--strict",
            help="Treat warnings (missing alt text...) as errors, and fail on the errors of"
            " the typographic audit of the PDF (T701: text outside the text block); print"
            " the audit's warnings.",
        ),
    ] = False,
    jobs: Jobs = 0,
    no_cache: Annotated[
        bool,
        typer.Option(
            "--no-cache",
            help="Lay out every part of the PDF again, ignoring (and not keeping) the parts"
            " an earlier build left in OUT/.octavo-cache.",
        ),
    ] = False,
    every: Annotated[
        bool,
        typer.Option(
            "--all",
            help="Build every anthology found under the folder (default: the current one),"
            " each into the output folder, going on after a failure; exit 1 if any failed.",
        ),
    ] = False,
    verbose: Annotated[
        bool,
        typer.Option(
            "--verbose",
            "-v",
            help="Print each step of the build as it begins, after the seconds since the"
            " build began (on standard error), to see where a build spends its time.",
        ),
    ] = False,
    debug: Annotated[bool, typer.Option("--debug", help="Show tracebacks.")] = False,
) -> None:
    """Build the anthology's PDF and EPUB into the output folder.

    With --all, build every anthology (every anthology.toml) under the folder, skipping
    hidden folders, .venv, node_modules and the output folder.
    """
    formats = parse_formats(format)

    if every:
        _build_every(folder or Path("."), out, formats, strict, debug)
        return

    def action(console: Console) -> None:
        anthology = folder if folder is not None else default_folder()
        with console.status("Starting") as status:
            built = build(
                anthology,
                out,
                formats,
                progress=timed_steps(status, console) if verbose else status.update,
                strict=strict,
                jobs=jobs or None,
                cache=not no_cache,
            )
        print_report(built.report, console)
        if strict:
            print_report(Report(built.faults, root=built.report.root), console)
        verb = "up to date:" if built.up_to_date else "wrote"
        for output in built.outputs:
            typer.echo(summary(output, verb))

    run(debug, action)


def timed_steps(status: Status, console: Console) -> Callable[[str], None]:
    """A progress callback that also prints each new step after the seconds elapsed."""
    started = time.perf_counter()
    last = ""

    def progress(step: str) -> None:
        nonlocal last
        status.update(step)
        if step != last:
            last = step
            console.print(f"{time.perf_counter() - started:8.2f} s  {step}", markup=False)

    return progress


def _build_every(
    folder: Path, out: Path, formats: tuple[str, ...], strict: bool, debug: bool
) -> None:
    """``build --all``: each anthology's diagnostics and files, then a summary line."""
    failed: list[Path] = []

    def action(console: Console) -> None:
        from ..library import build_all

        with console.status("Looking for anthologies") as status:
            results = build_all(
                folder,
                out,
                formats,
                progress=lambda where, step: status.update(f"{where}: {step}"),
                strict=strict,
            )
            count = 0
            for result in results:
                count += 1
                status.stop()
                typer.echo(f"{result.folder}:")
                if result.built is not None:
                    print_report(result.built.report, console)
                    if strict:
                        faults = Report(result.built.faults, root=result.built.report.root)
                        print_report(faults, console)
                    verb = "up to date:" if result.built.up_to_date else "wrote"
                    for output in result.built.outputs:
                        typer.echo(f"  {summary(output, verb)}")
                elif isinstance(result.error, ContentError):
                    print_report(result.error.report, console)
                    console.print(result.error.message, style="bold red", markup=False)
                    failed.append(result.folder)
                elif result.error is not None:
                    code = f"error[{result.error.code}]" if result.error.code else "error"
                    console.print(f"{code}: {result.error.message}", style="bold red", markup=False)
                    if result.error.hint:
                        console.print(f"  hint: {result.error.hint}", markup=False)
                    failed.append(result.folder)
                status.start()
        if failed:
            console.print(
                f"Built {count - len(failed)} of {count} anthologies; failed:"
                f" {', '.join(str(path) for path in failed)}",
                style="bold red",
                markup=False,
            )
        else:
            typer.echo(f"Built {count} anthologies.")

    run(debug, action)
    if failed:
        raise typer.Exit(1)
