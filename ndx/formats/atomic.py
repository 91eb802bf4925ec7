"""Crash-safe file replacement: write a temporary file next to the target, fsync, rename."""
from __future__ import annotations

import contextlib
import os
import tempfile
import threading

__all__ = ["atomic_path", "atomic_write"]

_umask_lock = threading.Lock()


def _new_file_mode(path: str) -> int:
    """Mode for the new file: the old file's mode, else what ``open()`` would give (0o666 & ~umask)."""
    try:
        return os.stat(path).st_mode & 0o7777
    except OSError:
        pass
    with _umask_lock:
        mask = os.umask(0)
        os.umask(mask)
    return 0o666 & ~mask


def _fsync_dir(folder: str) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:  # e.g. Windows: directories cannot be opened
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


@contextlib.contextmanager
def atomic_path(path):
    """Yield a temporary path in ``path``'s folder; on success it is fsynced and renamed over ``path``.

    If the body raises, the temporary file is removed and ``path`` is left as it was. A process
    killed in the body (SIGKILL, power loss) leaves ``path`` intact; at worst a stale
    ``.<name>.<random>.tmp`` file stays in the folder.
    """
    path = os.fspath(path)
    folder = os.path.dirname(os.path.abspath(path))
    mode = _new_file_mode(path)
    fd, tmp = tempfile.mkstemp(prefix="." + os.path.basename(path) + ".", suffix=".tmp", dir=folder)
    try:
        os.close(fd)
        yield tmp
        fd = os.open(tmp, os.O_RDWR)
        try:
            os.fsync(fd)
            if hasattr(os, "fchmod"):
                os.fchmod(fd, mode)
        finally:
            os.close(fd)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    _fsync_dir(folder)


@contextlib.contextmanager
def atomic_write(path):
    """Open a temporary file for binary writing; on success it atomically replaces ``path``.

    >>> with atomic_write("ckpt.bin") as f:      # doctest: +SKIP
    ...     f.write(b"...")

    On an exception inside the block the temporary file is deleted and any previous ``path`` is
    untouched; the exception propagates.
    """
    with atomic_path(path) as tmp:
        with open(tmp, "wb") as f:
            yield f
            f.flush()
