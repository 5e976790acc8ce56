"""``octavo serve`` and ``octavo watch``: rebuild on every change, in a browser or on disk."""

from __future__ import annotations

import contextlib
import signal
import threading
import time
import traceback
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from ..api import FORMATS, build
from ..errors import ContentError, OctavoError, UsageError
from . import app
from .support import (
    AnthologyFolder,
    Debug,
    default_folder,
    parse_formats,
    print_report,
    run,
    summary,
)


@app.command("serve")
def serve_command(
    folder: AnthologyFolder = None,
    port: Annotated[
        int,
        typer.Option("--port", "-p", min=0, max=65535, help="The port; 0 picks a free one."),
    ] = 8000,
    host: Annotated[
        str, typer.Option("--host", help="The address to listen on (this computer only).")
    ] = "127.0.0.1",
    debug: Debug = False,
) -> None:
    """Preview the HTML edition in a browser; it is rebuilt and reloaded on every change."""

    def action(console: Console) -> None:
        stop_on_interrupt()
        from ..serve import Preview, PreviewServer, render_preview, watch_and_rebuild

        anthology = folder if folder is not None else default_folder()
        preview = Preview()
        try:
            server = PreviewServer(preview, host, port)
        except OSError as error:
            raise UsageError(
                f"cannot listen on {host} port {port}: {error.strerror or error}",
                hint="choose another port with --port, or --port 0 for any free one",
            ) from error
        if not server.loopback:
            console.print(
                f"warning: {host} is reachable from other computers; the preview has no"
                " password. Use --host 127.0.0.1 unless you mean it.",
                style="yellow",
                markup=False,
            )
        threading.Thread(target=server.serve_forever, name="octavo-server", daemon=True).start()
        typer.echo(f"Serving {anthology} at {server.url}  (Ctrl-C to stop)")

        def rebuild() -> None:
            rebuilt = render_preview(anthology)
            preview.publish(rebuilt.page)
            print_report(rebuilt.report, console)
            if rebuilt.error is not None:
                console.print(
                    f"{_now()} {rebuilt.error.message} The page shows the errors until they"
                    " are fixed.",
                    style="bold red",
                    markup=False,
                )
            else:
                typer.echo(f"{_now()} rebuilt the page in {rebuilt.seconds:.2f} s")

        try:
            watch_and_rebuild(anthology, rebuild)
        except KeyboardInterrupt:
            pass
        finally:
            preview.close()
            server.shutdown()
            server.server_close()
        typer.echo("Stopped.")

    run(debug, action)


@app.command("watch")
def watch_command(
    folder: AnthologyFolder = None,
    format: Annotated[
        str,
        typer.Option(
            "--format", "-f", help=f"Comma-separated formats, as for build: {', '.join(FORMATS)}."
        ),
    ] = "pdf,epub",
    out: Annotated[Path, typer.Option("--out", "-o", help="The output folder.")] = Path("dist"),
    debug: Debug = False,
) -> None:
    """Build the anthology, then build it again on every change, until Ctrl-C."""
    formats = parse_formats(format)

    def action(console: Console) -> None:
        stop_on_interrupt()
        from ..serve import watch_and_rebuild

        anthology = folder if folder is not None else default_folder()
        first = True

        def rebuild() -> None:
            nonlocal first
            start = time.perf_counter()
            try:
                built = build(anthology, out, formats)
            except ContentError as error:
                print_report(error.report, console)
                console.print(f"{_now()} {error.message}", style="bold red", markup=False)
            except OctavoError as error:
                if first and isinstance(error, UsageError):  # a wrong command line: stop
                    raise
                label = f"error[{error.code}]" if error.code else "error"
                console.print(f"{label}: {error.message}", style="bold red", markup=False)
                if error.hint:
                    console.print(f"  hint: {error.hint}", markup=False)
            except Exception:  # a bug: say so, and keep watching
                console.print(
                    "Octavo stopped on an unexpected error. This is a bug in Octavo: please"
                    " report it with the output of the same command run with --debug.",
                    style="bold red",
                    markup=False,
                )
                last = traceback.format_exc() if debug else traceback.format_exc().splitlines()[-1]
                console.print(f"  {last.strip()}", markup=False)
            else:
                print_report(built.report, console)
                for output in built.outputs:
                    typer.echo(summary(output))
                typer.echo(f"{_now()} built in {time.perf_counter() - start:.2f} s")
            finally:
                first = False

        with contextlib.suppress(KeyboardInterrupt):
            watch_and_rebuild(anthology, rebuild, ignore=(out,))
        typer.echo("Stopped.")

    run(debug, action)


def stop_on_interrupt() -> None:
    """Ctrl-C (SIGINT) stops the command, even when it was started with SIGINT ignored.

    A shell without job control starts a background command (``octavo serve &`` in a
    script, a CI job) with SIGINT ignored, and Python then never raises
    KeyboardInterrupt: ``kill -INT`` would not stop the preview. It is the way to stop
    it, so it is always heard.
    """
    signal.signal(signal.SIGINT, signal.default_int_handler)


def _now() -> str:
    return time.strftime("[%H:%M:%S]")
