"""A private folder for the temporary files of one build, removed when it ends.

WeasyPrint writes the fonts of every ``@font-face`` rule into a folder of its own
under the system's temporary folder, and removes it only when its font configuration
is garbage-collected. The processes that lay out a book in parallel are ended by
their pool without collecting anything, so each of them used to leave a folder of
fonts behind (2.5 MB a piece, thousands after a day of builds). Inside
:func:`scratch_folder` every temporary file of this process and of the processes it
forks goes into one folder, removed on the way out, whatever happened.
"""

from __future__ import annotations

import shutil
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


@contextmanager
def scratch_folder() -> Iterator[Path]:
    """Send this process's temporary files (and its forked workers') into a new
    folder for the time of the ``with`` block; remove the folder afterwards."""
    previous = tempfile.tempdir
    folder = Path(tempfile.mkdtemp(prefix="octavo-"))
    tempfile.tempdir = str(folder)
    try:
        yield folder
    finally:
        tempfile.tempdir = previous
        # the stylesheets parsed with fonts in the folder, if this process laid out a
        # PDF (a build with nothing changed did not: it need not load the module)
        pdf = sys.modules.get(f"{__package__}.pdf")
        if pdf is not None:
            pdf.forget_styles_in(folder)
        shutil.rmtree(folder, ignore_errors=True)
