"""Write files all at once or not at all."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from ..errors import BuildError


def write_all(files: list[tuple[Path, bytes]]) -> None:
    """Write every file, or none of them.

    Each file is first written in full to a temporary file beside its target; only
    when all of them are complete are they renamed over their targets. A failure
    leaves any earlier files untouched and no partial file behind.
    """
    for path, _ in files:
        if path.is_dir():
            raise BuildError(
                f"cannot write {path}: a folder of that name is in the way",
                hint="move the folder, or choose another output folder with --out",
            )
    staged: list[tuple[str, Path]] = []
    try:
        for path, data in files:
            staged.append((_stage(path, data), path))
        for temporary, path in staged:
            os.replace(temporary, path)
    except OSError as error:
        raise BuildError(
            f"cannot write {getattr(error, 'filename', None) or files[0][0]}: {error.strerror}",
            hint="check that the output folder is writable and has free space,"
            " or choose another with --out",
        ) from error
    finally:
        for temporary, _ in staged:
            Path(temporary).unlink(missing_ok=True)


def _stage(path: Path, data: bytes) -> str:
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        os.chmod(temporary, 0o644)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return temporary
