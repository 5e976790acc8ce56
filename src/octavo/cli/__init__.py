"""The ``octavo`` command: thin, it parses arguments, calls the library, prints results.

Exit status: 0 when all went well, 1 when the content or the build failed, 2 when
the command line was wrong. Expected failures print their diagnostics without a
traceback; ``--debug`` shows it.
"""

from __future__ import annotations

from typing import Annotated

import typer

from .. import __version__
from ..write.scratch import scratch_folder

app = typer.Typer(
    name="octavo",
    help="Turn a folder of reviews into a book: a print-ready PDF and an EPUB 3.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)
import_app = typer.Typer(
    help="Convert reviews from other formats into Octavo review files.",
    no_args_is_help=True,
    rich_markup_mode=None,
)
app.add_typer(import_app, name="import")


def _version(value: bool) -> None:
    if value:
        typer.echo(f"octavo {__version__}")
        raise typer.Exit()


@app.callback()
def main_options(
    version: Annotated[
        bool,
        typer.Option("--version", callback=_version, is_eager=True, help="Show the version."),
    ] = False,
) -> None:
    """Turn a folder of reviews into a book: a print-ready PDF and an EPUB 3."""


def main() -> None:
    """Entry point of the ``octavo`` command. Every temporary file of the command
    (WeasyPrint's fonts, in this process and its workers) goes into one folder,
    removed when it ends."""
    with scratch_folder():
        app(prog_name="octavo")


# Each module adds its commands to ``app``.
from . import audit, build, check, importing, library, proof, serve  # noqa: E402, F401
