"""``octavo import``: reviews from other formats, as Octavo review files."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from . import import_app
from .support import run


@import_app.command("text")
def import_text_command(
    files: Annotated[list[Path], typer.Argument(help="Plain-text review files.")],
    to: Annotated[Path, typer.Option("--to", help="The folder to write review files into.")],
    force: Annotated[bool, typer.Option("--force", help="Overwrite existing files.")] = False,
    debug: Annotated[bool, typer.Option("--debug", help="Show tracebacks.")] = False,
) -> None:
    """Convert plain-text reviews (body, title line, sign-off) into review files."""

    def action(console: Console) -> None:
        from ..importers.text import import_text_files

        for path in import_text_files(list(files), to, force=force):
            typer.echo(f"wrote {path}")

    run(debug, action)
