"""``octavo proof``: every page of the print edition on one PNG."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from . import app
from .support import AnthologyFolder, default_folder, print_report, run


@app.command("proof")
def proof_command(
    folder: AnthologyFolder = None,
    out: Annotated[Path, typer.Option("--out", "-o", help="The output folder.")] = Path("dist"),
    height: Annotated[
        int, typer.Option("--height", min=24, max=400, help="Page thumbnail height in pixels.")
    ] = 120,
    debug: Annotated[bool, typer.Option("--debug", help="Show tracebacks.")] = False,
) -> None:
    """Draw every page of the print edition, as spreads, on one PNG: <slug>-proof.png."""

    def action(console: Console) -> None:
        from ..proof import proof

        anthology = folder if folder is not None else default_folder()
        with console.status("Starting") as status:
            sheet = proof(anthology, out, height=height, progress=lambda step: status.update(step))
        print_report(sheet.report, console)
        typer.echo(f"wrote {sheet.path}  ({sheet.pages} pages, {sheet.width} x {sheet.height} px)")

    run(debug, action)
