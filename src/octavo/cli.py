"""The ``octavo`` command: thin, it parses arguments, calls the library, prints results.

Exit status: 0 when all went well, 1 when the content or the build failed, 2 when
the command line was wrong. Expected failures print their diagnostics without a
traceback; ``--debug`` shows it.
"""

from __future__ import annotations

import os
import sys
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from . import __version__
from .api import FORMATS, Output, build
from .diagnostics import Report
from .errors import ContentError, OctavoError

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

#: The example anthology, used when no folder is named and the current one holds none.
EXAMPLE = Path(__file__).resolve().parents[2] / "anthologies" / "silent-screen"


#: The anthology argument of build and proof.
AnthologyFolder = Annotated[
    Path | None,
    typer.Argument(
        help="The anthology folder (holding anthology.toml). Default: the current folder"
        " if it holds one, else the example anthology."
    ),
]


def _console() -> Console:
    # soft_wrap: a diagnostic stays on one line (Rich would otherwise break it at 80
    # columns when not writing to a terminal, splitting "path:line" for editors and CI).
    return Console(
        stderr=True, no_color=bool(os.environ.get("NO_COLOR")), highlight=False, soft_wrap=True
    )


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


def _default_folder() -> Path:
    if (Path.cwd() / "anthology.toml").is_file():
        return Path.cwd()
    if EXAMPLE.is_dir():
        return EXAMPLE
    raise OctavoError(
        "there is no anthology.toml in this folder",
        hint="name an anthology folder: octavo build PATH",
    )


def _print_report(report: Report, console: Console) -> None:
    bases = [report.root, Path.cwd()] if report.root else [Path.cwd()]
    for diagnostic in report.diagnostics:
        style = "red" if diagnostic.severity.value == "error" else "yellow"
        head, _, hint = diagnostic.format(*bases).partition("\n")
        console.print(head, style=style, markup=False)
        if hint:
            console.print(hint, markup=False)


def _run(debug: bool, action: Callable[[Console], None]) -> None:
    console = _console()
    try:
        action(console)
    except ContentError as error:
        _print_report(error.report, console)
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


def _size(size: int) -> str:
    if size >= 1024 * 1024:
        return f"{size / 1024 / 1024:.1f} MB"
    return f"{size / 1024:.0f} KB"


def _summary(output: Output) -> str:
    if output.pages is not None:
        detail = f"{output.pages} pages"
    else:
        detail = f"{output.documents} documents"
    return f"wrote {output.path}  ({detail}, {_size(output.size)})"


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
        anthology = folder if folder is not None else _default_folder()
        with console.status("Starting") as status:
            built = build(
                anthology, out, formats, progress=lambda step: status.update(step), strict=strict
            )
        _print_report(built.report, console)
        for output in built.outputs:
            typer.echo(_summary(output))

    _run(debug, action)


@import_app.command("text")
def import_text_command(
    files: Annotated[list[Path], typer.Argument(help="Plain-text review files.")],
    to: Annotated[Path, typer.Option("--to", help="The folder to write review files into.")],
    force: Annotated[bool, typer.Option("--force", help="Overwrite existing files.")] = False,
    debug: Annotated[bool, typer.Option("--debug", help="Show tracebacks.")] = False,
) -> None:
    """Convert plain-text reviews (body, title line, sign-off) into review files."""

    def action(console: Console) -> None:
        from .importers.text import import_text_files

        for path in import_text_files(list(files), to, force=force):
            typer.echo(f"wrote {path}")

    _run(debug, action)


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
        from .proof import proof

        anthology = folder if folder is not None else _default_folder()
        with console.status("Starting") as status:
            sheet = proof(anthology, out, height=height, progress=lambda step: status.update(step))
        _print_report(sheet.report, console)
        typer.echo(f"wrote {sheet.path}  ({sheet.pages} pages, {sheet.width} x {sheet.height} px)")

    _run(debug, action)


def main() -> None:
    """Entry point of the ``octavo`` command."""
    app(prog_name="octavo")


if __name__ == "__main__":  # pragma: no cover
    main()
    sys.exit(0)
