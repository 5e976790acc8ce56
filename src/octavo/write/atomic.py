"""Write files all at once or not at all, one build at a time per folder."""

from __future__ import annotations

import contextlib
import fcntl
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
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


#: Temporary files are named ``.<target>.<random>.octavo-tmp`` beside their target.
TEMPORARY_SUFFIX = ".octavo-tmp"


@contextmanager
def output_lock(folder: Path) -> Iterator[None]:
    """Hold the output folder for one build; a second build at once is refused.

    The lock is an advisory ``flock`` on the folder itself, so no lock file is left
    behind, and the system releases it when a build dies. While it is held no other
    build is writing, so any temporary file found is a leftover of a killed build,
    and is removed.
    """
    try:
        folder.mkdir(parents=True, exist_ok=True)
        handle = os.open(folder, os.O_RDONLY)
    except OSError as error:
        raise BuildError(
            f"cannot use the output folder {folder}: {error.strerror}",
            hint="choose another output folder with --out",
        ) from error
    try:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as error:
            raise BuildError(
                f"another Octavo build is writing into {folder} right now",
                hint="wait for it to finish, or build into another folder with --out",
                code="B403",
            ) from error
        _remove_leftovers(folder)
        yield
    finally:
        os.close(handle)


def _remove_leftovers(folder: Path) -> None:
    for leftover in folder.glob(f".*{TEMPORARY_SUFFIX}"):
        with contextlib.suppress(OSError):  # gone already, or not ours: it does no harm
            leftover.unlink()


def _stage(path: Path, data: bytes) -> str:
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(
        prefix=f".{path.name}.", suffix=TEMPORARY_SUFFIX, dir=path.parent
    )
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
