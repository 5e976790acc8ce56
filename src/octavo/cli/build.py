"""``octavo build``: the PDF, EPUB and other editions of an anthology."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from ..api import FORMATS, build
from . import app
from .support import AnthologyFolder, default_folder, print_report, run, summary


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
            " calibre's ebook-convert).",
        ),
    ] = "pdf,epub",
    out: Annotated[Path, typer.Option("--out", "-o", help="The output folder.")] = Path("dist"),
    strict: Annotated[
        bool,
        typer.Option("--strict", help="Treat warnings (missing alt text...) as errors."),
    ] = False,
    debug: Annotated[bool, typer.Option("--debug", help="Show tracebacks.")] = False,
) -> None:
    """Build the anthology's PDF and EPUB into the output folder."""
    formats = tuple(part.strip().lower() for part in format.split(",") if part.strip())
    unknown = [name for name in formats if name not in FORMATS]
    if not formats or unknown:
        raise typer.BadParameter(
            f"unknown format {', '.join(unknown) or '(none)'}; choose from {', '.join(FORMATS)}",
            param_hint="--format",
        )

    def action(console: Console) -> None:
        anthology = folder if folder is not None else default_folder()
        with console.status("Starting") as status:
            built = build(
                anthology, out, formats, progress=lambda step: status.update(step), strict=strict
            )
        print_report(built.report, console)
        for output in built.outputs:
            typer.echo(summary(output))

    run(debug, action)
