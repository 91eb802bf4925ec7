"""Crash-safe file replacement: write a temporary file next to the target, then rename it over the target.

The rename is atomic, so an exception or a killed process never leaves a half-written file in place of
the previous one. Surviving a power loss or kernel crash as well needs the data on disk before the
rename: ``set_durable(True)`` (or ``NDX_DURABLE_SAVE=1`` in the environment) adds an ``fsync`` of the
file and of its folder. It is off by default, as in numpy, PyTorch, safetensors and MXNet, because it
costs several times the write itself on many disks.
"""
from __future__ import annotations

import contextlib
import os
import tempfile
import threading

__all__ = ["atomic_path", "atomic_write", "set_durable", "is_durable"]

_umask_lock = threading.Lock()
_durable = [os.environ.get("NDX_DURABLE_SAVE", "") not in ("", "0")]


def set_durable(flag=True):
    """fsync every saved file (and its folder) before it replaces the old one; returns the previous setting."""
    prev = _durable[0]
    _durable[0] = bool(flag)
    return prev


def is_durable():
    return _durable[0]


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
    """Yield an unused temporary path in ``path``'s folder for the body to create; on success it is
    renamed over ``path`` (after an fsync when durable saving is on).

    If the body raises, the temporary file is removed and ``path`` is left as it was. A process
    killed in the body (SIGKILL) leaves ``path`` intact; at worst a stale ``.<name>.<random>.tmp``
    file stays in the folder.
    """
    path = os.fspath(path)
    folder = os.path.dirname(os.path.abspath(path))
    mode = _new_file_mode(path)
    fd, tmp = tempfile.mkstemp(prefix="." + os.path.basename(path) + ".", suffix=".tmp", dir=folder)
    try:
        os.close(fd)
        # The writer creates the file itself: on ext4, opening an existing (even empty) file with
        # O_TRUNC, as most writers do, makes its close start writeback of the whole file
        # (auto_da_alloc), which doubles the time of a save. mkstemp only reserved a unique name.
        os.unlink(tmp)
        yield tmp
        durable = _durable[0]
        fd = os.open(tmp, os.O_RDWR)
        try:
            if durable:
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
    if durable:
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
        with open(tmp, "xb") as f:
            yield f
            f.flush()
