"""Write a file all at once or not at all."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from ..errors import BuildError


def write_atomic(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file in the same folder.

    The temporary file is renamed over ``path`` only once it is complete, so a
    failure leaves any earlier file untouched and no partial file behind.
    """
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(
            prefix=f".{path.name}.", suffix=".tmp", dir=path.parent
        )
    except OSError as error:
        raise BuildError(
            f"cannot write {path}: {error.strerror}",
            hint="check that the output folder is writable, or choose another with --out",
        ) from error
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        os.chmod(temporary, 0o644)
        os.replace(temporary, path)
    except OSError as error:
        Path(temporary).unlink(missing_ok=True)
        raise BuildError(
            f"cannot write {path}: {error.strerror}",
            hint="check the free space and permissions of the output folder",
        ) from error
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
