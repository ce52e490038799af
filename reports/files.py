"""File modes for what reprotrack writes: readable by others unless the umask says otherwise."""

from __future__ import annotations

import os
import threading

_UMASK_LOCK = threading.Lock()


def current_umask() -> int:
    """The process's umask (read by setting it and putting it back, under a lock)."""
    with _UMASK_LOCK:
        mask = os.umask(0o022)
        os.umask(mask)
    return mask


def default_file_mode() -> int:
    """The mode `open()` would give a new file: 0666 minus the umask (0644 under umask 022).

    Atomic writes go through `tempfile.mkstemp`, which always creates 0600; the finished file
    is given this mode so that a web server or a shared group can read reports and exports.
    """
    return 0o666 & ~current_umask()
