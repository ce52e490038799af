"""Write a report or an export to the path the user named, safely, with one-line failures."""

from __future__ import annotations

import errno
import os
import stat
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import IO, Any

from reports.files import default_file_mode
from tracker.errors import InputError, ReprotrackError, StorageError

# The machine cannot take the data (exit 3); any other OSError is a path the user got wrong.
_STORAGE_ERRNOS = {errno.ENOSPC, errno.EDQUOT, errno.EIO, errno.EFBIG}


def output_failure(exc: OSError, path: Path) -> ReprotrackError:
    """The one-line error for an OSError met while writing `path`."""
    reason = exc.strerror or str(exc)
    if exc.errno in _STORAGE_ERRNOS:
        return StorageError(f"cannot write {path}: {reason}")
    return InputError(f"cannot write the file: {reason}", file=path)


def check_output_file(path: Path) -> None:
    """Refuse, before any work, an output path that cannot be a file: a directory, or one
    whose parent directory is missing (exports do not create directories silently)."""
    if path.is_dir():
        raise InputError(f"is a directory, not a file: name a file, e.g. {path / 'out.csv'}",
                         file=path)
    parent = path.parent
    if not parent.exists():
        raise InputError(f"directory {parent} does not exist: create it first", file=path)
    if not parent.is_dir():
        raise InputError(f"{parent} is not a directory", file=path)


def check_output_directory(path: Path) -> None:
    """Refuse a path meant as a directory of reports that exists and is not one."""
    if path.exists() and not path.is_dir():
        raise InputError("is a file, not a directory: --out takes the directory to write "
                         "the reports into", file=path)


def write_output(path: Path, text: str | bytes, *, create_parent: bool = False) -> None:
    """Write `text` (or bytes, e.g. Parquet) to `path`: atomically for a new path or a
    regular file (a crash leaves the old file or the new one, never half), straight into
    anything else (/dev/null, a pipe), whose node is never replaced. OSErrors become
    InputError (2) or StorageError (3)."""
    write_output_stream(path, lambda handle: handle.write(text), create_parent=create_parent,
                        binary=isinstance(text, bytes))


def write_output_stream(
    path: Path, write: Callable[[IO[Any]], object], *, create_parent: bool = False,
    binary: bool = False,
) -> None:
    """`write_output` for output written piece by piece: `write(handle)` writes it all into
    the temporary file (or the device), which replaces `path` only once it is whole; the
    handle takes bytes when `binary`, else text (UTF-8, newlines as written)."""
    try:
        if create_parent:
            path.parent.mkdir(parents=True, exist_ok=True)
        check_output_file(path)
        real = Path(os.path.realpath(path))  # write through a symlink, keep the link
        try:
            mode = real.stat().st_mode
        except FileNotFoundError:
            mode = None
        if mode is not None and not stat.S_ISREG(mode):
            with _open_for(binary, real) as handle:
                write(handle)
            return
        _replace_atomically(real, write, binary)
    except OSError as exc:
        raise output_failure(exc, path) from None


def _mode_for(path: Path) -> int:
    """The replaced file's permissions, or a new file's (0666 minus the umask) rather than
    mkstemp's 0600."""
    try:
        return stat.S_IMODE(path.stat().st_mode)
    except FileNotFoundError:
        return default_file_mode()


def _open_for(binary: bool, target: int | Path) -> IO[Any]:
    """`target` opened for writing: bytes, or UTF-8 text with newlines as given."""
    if binary:
        return open(target, "wb")
    return open(target, "w", encoding="utf-8", newline="")


def _replace_atomically(path: Path, write: Callable[[IO[Any]], object], binary: bool) -> None:
    """Write a temporary file next to `path`, sync it, then rename it over `path`."""
    fd, temp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        os.chmod(temp, _mode_for(path))
        with _open_for(binary, fd) as handle:
            write(handle)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
